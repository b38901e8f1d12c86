//! What single flags of a go build say, for rules about obsolete or redundant flags: every
//! occurrence of a flag in argv and GOFLAGS, the one in effect, boolean and build-tag values,
//! the linker flags inside `-ldflags` with their place in the written value, and whether the
//! RUN mounts a cache on the build cache (GOCACHE).

use crate::source::TextRange;

use super::go::{GoFlag, split_quoted};
use super::{GoBuild, Model, paths};

/// Where a flag occurrence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagSource {
    Argv,
    Goflags,
}

/// One occurrence of a flag.
#[derive(Debug, Clone, Copy)]
pub struct FlagUse<'a> {
    pub flag: &'a GoFlag,
    pub source: FlagSource,
}

impl GoBuild {
    /// Every occurrence of a flag, in the order `go` applies them: GOFLAGS first, then argv.
    pub fn flag_uses(&self, name: &str) -> Vec<FlagUse<'_>> {
        let from_env = self.goflags.iter().map(|flag| FlagUse {
            flag,
            source: FlagSource::Goflags,
        });
        let from_argv = self.flags.iter().map(|flag| FlagUse {
            flag,
            source: FlagSource::Argv,
        });
        from_env
            .chain(from_argv)
            .filter(|u| u.flag.name == name)
            .collect()
    }

    /// The occurrence in effect: command-line flags override GOFLAGS, and the last one wins.
    pub fn effective_flag(&self, name: &str) -> Option<FlagUse<'_>> {
        self.flag_uses(name).pop()
    }

    /// The source range of a command-line flag: its name word through its value word.
    pub fn flag_range(&self, flag: &GoFlag) -> Option<TextRange> {
        let first = self.command.argv.get(flag.name_word?)?;
        let last = self
            .command
            .argv
            .get(flag.value_word.unwrap_or(flag.name_word?))?;
        Some(first.range.cover(last.range))
    }

    /// The GOOS the build compiles for, where it can be told: unset means the builder's own,
    /// and builders here are Linux.
    pub fn target_os(&self) -> Option<String> {
        match self.env.exported_value("GOOS") {
            None => Some("linux".into()),
            Some((value, _)) => value.resolved().map(str::to_string),
        }
    }
}

/// A boolean flag's value as `flag.Parse` reads it (`-a`, `-a=true`, `-a=0`); `None` when the
/// value is not a boolean `go` accepts.
pub fn flag_bool(value: Option<&str>) -> Option<bool> {
    match value {
        None => Some(true),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Some(true),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Some(false),
        Some(_) => None,
    }
}

/// The build tags of a `-tags` value as `cmd/go` splits them: by commas, or by spaces (the old
/// form) when the value has a space or a quote.
pub fn build_tags(value: &str) -> Vec<String> {
    if value.contains([' ', '\'', '"']) {
        split_quoted(value).unwrap_or_default()
    } else {
        value
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A word of an `-ldflags` value with its byte span in the value text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkerWord {
    pub start: usize,
    pub end: usize,
    /// Quote-removed.
    pub text: String,
}

/// The words of an `-ldflags` value, as `ldflags_words` reads them (a `pattern=` prefix
/// unwrapped, Go's quoting), each with its span in `value`; `None` for an unclosed quote.
pub fn linker_words(value: &str) -> Option<Vec<LinkerWord>> {
    let offset = match value.split_once('=') {
        Some((pattern, _)) if !pattern.starts_with('-') && !pattern.contains(' ') => {
            pattern.len() + 1
        }
        _ => 0,
    };
    let mut out = Vec::new();
    let mut current: Option<LinkerWord> = None;
    let mut quote: Option<char> = None;
    for (i, c) in value[offset..].char_indices() {
        let at = offset + i;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {
                if let Some(w) = current.as_mut() {
                    w.text.push(c);
                }
            }
            None if c.is_whitespace() => {
                if let Some(mut w) = current.take() {
                    w.end = at;
                    out.push(w);
                }
            }
            None => {
                let w = current.get_or_insert_with(|| LinkerWord {
                    start: at,
                    end: at,
                    text: String::new(),
                });
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else {
                    w.text.push(c);
                }
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if let Some(mut w) = current.take() {
        w.end = value.len();
        out.push(w);
    }
    Some(out)
}

/// Linker flags that mean nothing, or fail, when cgo is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgoOnlyLinkerFlag {
    /// `-extldflags -static`: options for the external linker, which a cgo-free build never runs.
    StaticExtldflags,
    /// `-linkmode external`: needs cgo; `go build` stops with an error without it.
    ExternalLinkmode,
}

impl CgoOnlyLinkerFlag {
    /// The flag as usually written.
    pub fn spelling(self) -> &'static str {
        match self {
            CgoOnlyLinkerFlag::StaticExtldflags => "-extldflags -static",
            CgoOnlyLinkerFlag::ExternalLinkmode => "-linkmode external",
        }
    }
}

/// Where each cgo-only flag sits in a list of linker words: the indexes of its first and last
/// word (`-linkmode external` is two words, `-linkmode=external` one).
pub fn cgo_only_linker_flags(words: &[String]) -> Vec<(CgoOnlyLinkerFlag, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let name = word
            .strip_prefix("--")
            .or_else(|| word.strip_prefix('-'))
            .unwrap_or("");
        let (name, inline) = match name.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (name, None),
        };
        let kind = match name {
            "extldflags" => CgoOnlyLinkerFlag::StaticExtldflags,
            "linkmode" => CgoOnlyLinkerFlag::ExternalLinkmode,
            _ => {
                i += 1;
                continue;
            }
        };
        let (value, last) = match inline {
            Some(v) => (Some(v), i),
            None => (words.get(i + 1).map(String::as_str), i + 1),
        };
        let wanted = match kind {
            CgoOnlyLinkerFlag::StaticExtldflags => "-static",
            CgoOnlyLinkerFlag::ExternalLinkmode => "external",
        };
        if value == Some(wanted) {
            out.push((kind, i, last));
        }
        i = last + 1;
    }
    out
}

impl Model<'_> {
    /// The `--mount=type=cache` of the build's RUN whose target is the build cache (GOCACHE,
    /// by default `$HOME/.cache/go-build`, `/root/.cache/go-build` for root) or a directory
    /// above it: the mount flag's range. `None` when there is none or the cache directory cannot be told.
    pub fn build_cache_mount(&self, build: &GoBuild) -> Option<TextRange> {
        let gocache = self.gocache(build)?;
        let vars = &self.stages[build.stage].vars;
        self.instruction(build.instruction)
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .find(|f| {
                let Some(spec) = f.value.as_deref() else {
                    return false;
                };
                let mut cache = false;
                let mut target = None;
                for field in spec.split(',') {
                    match field.split_once('=') {
                        Some(("type", "cache")) => cache = true,
                        Some(("target" | "dst" | "destination", t)) => target = Some(t),
                        _ => {}
                    }
                }
                let target = target.map(|t| vars.expand(t));
                // A cache on a parent directory (`target=/root/.cache`) holds GOCACHE too.
                cache
                    && target.as_ref().and_then(|t| t.usable()).is_some_and(|t| {
                        let t = paths::normalize(t);
                        t.starts_with('/')
                            && t != "/"
                            && paths::is_within(&paths::normalize(&gocache), &t)
                    })
            })
            .map(|f| f.range)
    }

    /// The build cache directory the go command uses, where it can be told.
    fn gocache(&self, build: &GoBuild) -> Option<String> {
        if let Some((value, _)) = build.env.exported_value("GOCACHE") {
            return value.usable().map(str::to_string);
        }
        if let Some((value, _)) = build.env.exported_value("XDG_CACHE_HOME") {
            return value.usable().map(|v| format!("{v}/go-build"));
        }
        if let Some((value, _)) = build.env.exported_value("HOME") {
            return value.usable().map(|v| format!("{v}/.cache/go-build"));
        }
        // Without HOME set, root's home; another user's depends on the image's passwd.
        let stage = &self.stages[build.stage];
        match &stage.user {
            None => Some("/root/.cache/go-build".into()),
            Some(user) if user.instruction < build.instruction => {
                let name = user.value.usable()?;
                let name = name.split(':').next().unwrap_or(name);
                matches!(name, "root" | "0").then(|| "/root/.cache/go-build".into())
            }
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_like_cmd_go() {
        assert_eq!(build_tags("netgo,json1"), ["netgo", "json1"]);
        assert_eq!(build_tags("netgo osusergo"), ["netgo", "osusergo"]);
        assert!(build_tags("").is_empty());
    }

    #[test]
    fn linker_words_keep_their_spans() {
        let value = r#"all=-s -extldflags "-static""#;
        let words = linker_words(value).unwrap();
        assert_eq!(words.len(), 3);
        assert_eq!(&value[words[2].start..words[2].end], "\"-static\"");
        assert_eq!(words[2].text, "-static");
        assert_eq!(linker_words("-X 'a"), None);
    }

    #[test]
    fn cgo_only_flags_in_every_spelling() {
        let words: Vec<String> = ["-s", "-linkmode=external", "-extldflags", "-static", "-w"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            cgo_only_linker_flags(&words),
            vec![
                (CgoOnlyLinkerFlag::ExternalLinkmode, 1, 1),
                (CgoOnlyLinkerFlag::StaticExtldflags, 2, 3)
            ]
        );
        let other: Vec<String> = ["-extldflags", "-static -lm"].map(String::from).to_vec();
        assert!(cgo_only_linker_flags(&other).is_empty());
    }

    #[test]
    fn booleans() {
        assert_eq!(flag_bool(None), Some(true));
        assert_eq!(flag_bool(Some("false")), Some(false));
        assert_eq!(flag_bool(Some("yes")), None);
    }
}
