//! The linker's flags (`-ldflags`) as the go command hands them over: their words with spans,
//! the strip flags, and the flags that only an external (cgo) link honours.

use super::go_command::{flag_bool, flag_word};

/// Build modes whose Linux executables the go command links as dynamic ELF files, with an
/// interpreter (`/lib64/ld-linux-x86-64.so.2`), even with cgo off: `-buildmode=pie` (Go's
/// internal linker writes a dynamically linked PIE; only `-extldflags=-static-pie` through an
/// external link makes it static). Such a binary does not start on `scratch`.
pub const LOADER_BUILD_MODES: &[&str] = &["pie"];

/// A word of an `-ldflags` value with its byte span in the value text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkerWord {
    pub start: usize,
    pub end: usize,
    /// Quote-removed.
    pub text: String,
}

/// The words of an `-ldflags` value as the linker gets them: an `all=` or `pkg=` pattern
/// unwrapped, Go's quoting, each word with its span in `value`; `None` for an unclosed quote
/// (`go build` rejects it).
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

/// The linker flags of an `-ldflags` value, as text (see [`linker_words`]).
pub fn ldflags_words(value: &str) -> Option<Vec<String>> {
    linker_words(value).map(|words| words.into_iter().map(|w| w.text).collect())
}

/// Whether linker flags strip the symbol table (`-s`) and DWARF (`-w`); the last setting of
/// each wins.
pub fn strip_flags(words: &[String]) -> (bool, bool) {
    let has = |flag: &str| {
        words.iter().rev().find_map(|w| match flag_word(w) {
            Some((name, value)) if name == flag => Some(flag_bool(value) == Some(true)),
            _ => None,
        })
    };
    (has("s").unwrap_or(false), has("w").unwrap_or(false))
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

/// Linker words ask the external linker for a static binary (`-extldflags -static`, or a
/// value with `-static` among other options): cgo is on on purpose, and the result needs no C
/// library at run time.
pub fn links_statically(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let extldflags = match w.strip_prefix("-extldflags") {
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => return false,
        };
        extldflags
            .or_else(|| words.get(i + 1).cloned())
            .is_some_and(|flags| {
                flags
                    .split_whitespace()
                    .any(|f| f == "-static" || f == "--static")
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldflags_forms() {
        let strip = |v: &str| strip_flags(&ldflags_words(v).expect("splits"));
        assert_eq!(strip("-s -w -X main.v=1"), (true, true));
        assert_eq!(strip("all=-s"), (true, false));
        assert_eq!(strip("-X 'main.v=a b'"), (false, false));
        assert_eq!(strip("-s=false -w"), (false, true));
        assert_eq!(ldflags_words("-s'-w"), None);
    }

    #[test]
    fn linker_words_keep_their_spans() {
        let value = r#"all=-s -extldflags "-static""#;
        let words = linker_words(value).expect("splits");
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
        assert!(links_statically(&other));
    }
}
