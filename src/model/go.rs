//! Go invocations: `go build` / `go install` flags, GOFLAGS, output paths.

use crate::shell::{Command, ShellWord};

use super::paths;
use super::vars::{Value, Vars};

/// `go build` flags that take a value (all others are booleans).
const VALUE_FLAGS: &[&str] = &[
    "C",
    "o",
    "p",
    "asmflags",
    "buildmode",
    "buildvcs",
    "compiler",
    "coverpkg",
    "covermode",
    "debug-actiongraph",
    "debug-runtime-trace",
    "debug-trace",
    "exec",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
];

/// One flag of a go command, from argv or from GOFLAGS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoFlag {
    /// The name without dashes (`ldflags`).
    pub name: String,
    /// The value as written (quotes removed, expansions not yet resolved).
    pub value: Option<String>,
    /// Index in argv of the word holding the flag name (`None` for GOFLAGS).
    pub name_word: Option<usize>,
    /// Index in argv of the word holding the value: the same word for `-flag=value`.
    pub value_word: Option<usize>,
}

/// Reads flags after the subcommand, up to the first package argument. Returns the flags and
/// the index of the first positional argument.
pub fn parse_go_flags(argv: &[ShellWord]) -> (Vec<GoFlag>, usize) {
    let mut flags = Vec::new();
    let mut i = 2;
    while i < argv.len() {
        let text = argv[i].text.as_str();
        if text == "--" {
            return (flags, i + 1);
        }
        let Some(body) = text.strip_prefix('-') else {
            // `${GCFLAGS:+-gcflags "$GCFLAGS"}` followed by more flags: a word that expands
            // to optional flags, not the first package.
            let more_flags = argv.get(i + 1).is_some_and(|w| w.text.starts_with('-'));
            if text.starts_with('$') && argv[i].has_expansion && more_flags {
                i += 1;
                continue;
            }
            break;
        };
        if body.is_empty() {
            break;
        }
        let body = body.strip_prefix('-').unwrap_or(body);
        match body.split_once('=') {
            Some((name, value)) => {
                flags.push(GoFlag {
                    name: name.to_string(),
                    value: Some(value.to_string()),
                    name_word: Some(i),
                    value_word: Some(i),
                });
            }
            None if VALUE_FLAGS.contains(&body) => {
                let value_word = (i + 1 < argv.len()).then_some(i + 1);
                flags.push(GoFlag {
                    name: body.to_string(),
                    value: value_word.map(|v| argv[v].text.clone()),
                    name_word: Some(i),
                    value_word,
                });
                i += 1;
            }
            None => flags.push(GoFlag {
                name: body.to_string(),
                value: None,
                name_word: Some(i),
                value_word: None,
            }),
        }
        i += 1;
    }
    (flags, i.min(argv.len()))
}

/// GOFLAGS: space-separated `-flag=value` entries; quoting as `cmd/go` accepts it. A value
/// with an unclosed quote gives no flags (`go` rejects it).
pub fn parse_goflags_env(value: &str) -> Vec<GoFlag> {
    split_quoted(value)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|entry| {
            let body = entry.strip_prefix('-')?;
            let body = body.strip_prefix('-').unwrap_or(body);
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (body.to_string(), None),
            };
            Some(GoFlag {
                name,
                value,
                name_word: None,
                value_word: None,
            })
        })
        .collect()
}

/// Splits on whitespace, honouring single and double quotes (Go's `quoted.Split`); `None` for an
/// unclosed quote, which `go` rejects.
pub fn split_quoted(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            None => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        out.push(current);
    }
    Some(out)
}

/// The linker flags of an `-ldflags` value: `all=-s -w` and `pkg=-s` patterns unwrapped;
/// `None` when the value does not split (an unclosed quote: `go build` rejects it).
pub fn ldflags_words(value: &str) -> Option<Vec<String>> {
    let value = match value.split_once('=') {
        Some((pattern, rest)) if !pattern.starts_with('-') && !pattern.contains(' ') => rest,
        _ => value,
    };
    split_quoted(value)
}

/// Whether linker flags strip the symbol table (`-s`) and DWARF (`-w`).
pub fn strip_flags(words: &[String]) -> (bool, bool) {
    let has = |flag: &str| {
        words.iter().rev().find_map(|w| {
            let w = w.strip_prefix('-')?;
            let w = w.strip_prefix('-').unwrap_or(w);
            match w.split_once('=') {
                Some((name, v)) if name == flag => {
                    Some(matches!(v, "true" | "1" | "t" | "T" | "TRUE" | "True"))
                }
                None if w == flag => Some(true),
                _ => None,
            }
        })
    };
    (has("s").unwrap_or(false), has("w").unwrap_or(false))
}

/// Where a `go build` or `go install` writes its binary, as an absolute path; `None` when it
/// cannot be told (unknown variables, several packages).
pub fn output_path(
    command: &Command,
    flags: &[GoFlag],
    first_positional: usize,
    (cwd, module): (Option<&str>, Option<&str>),
    env: &Vars,
) -> Option<Value> {
    let subcommand = command.argv.get(1)?.text.as_str();
    let packages: Vec<&str> = command.argv[first_positional..]
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    let binary_name = || -> Option<String> {
        let package = packages.first().copied().unwrap_or(".");
        if packages.iter().any(|p| p.contains("...")) {
            return None;
        }
        if package.ends_with(".go") {
            return Some(paths::basename(package).trim_end_matches(".go").to_string());
        }
        let package = package.split('@').next().unwrap_or(package);
        let path = if package.starts_with('.') || package.starts_with('/') {
            let joined = paths::join(cwd?, package);
            // The module's own directory: the binary is named after the module path in
            // go.mod, which only the build context shows.
            if Some(joined.as_str()) == cwd.map(paths::normalize).as_deref() {
                return module.map(str::to_string);
            }
            joined
        } else {
            package.to_string()
        };
        let mut name = paths::basename(&path);
        // `example.com/cmd/app/v2` installs `app`.
        if name.len() > 1
            && name.starts_with('v')
            && name[1..].bytes().all(|b| b.is_ascii_digit())
            && let Some(parent) = path.trim_end_matches('/').rsplit('/').nth(1)
        {
            name = parent;
        }
        (!name.is_empty() && name != "/").then(|| name.to_string())
    };
    let known = |path: String, like: &Value| Value {
        text: path,
        certainty: like.certainty,
    };
    if let Some(flag) = flags.iter().rev().find(|f| f.name == "o") {
        let raw = flag.value.as_deref()?;
        let value = env.expand(raw);
        if value.is_unknown() {
            return None;
        }
        let base = if value.text.starts_with('/') {
            "/"
        } else {
            cwd?
        };
        let joined = paths::join(base, &value.text);
        if value.text.ends_with('/') {
            return Some(known(
                format!("{joined}/{}", binary_name()?).replace("//", "/"),
                &value,
            ));
        }
        return Some(known(joined, &value));
    }
    match subcommand {
        "build" => {
            let name = binary_name()?;
            Some(Value::known(paths::join(cwd?, &name)))
        }
        "install" => {
            let name = binary_name()?;
            let bin = match env.exported_value("GOBIN") {
                Some((v, _)) if !v.text.is_empty() => v.clone(),
                _ => {
                    let gopath = env
                        .exported_value("GOPATH")
                        .map_or_else(|| Value::known("/root/go"), |(v, _)| v.clone());
                    let first = gopath.text.split(':').next().unwrap_or("").to_string();
                    Value {
                        text: format!("{first}/bin"),
                        certainty: gopath.certainty,
                    }
                }
            };
            if bin.is_unknown() {
                return None;
            }
            Some(known(paths::join(&bin.text, &name), &bin))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldflags_forms() {
        assert_eq!(
            strip_flags(&ldflags_words("-s -w -X main.v=1").unwrap()),
            (true, true)
        );
        assert_eq!(
            strip_flags(&ldflags_words("all=-s").unwrap()),
            (true, false)
        );
        assert_eq!(
            strip_flags(&ldflags_words("-X 'main.v=a b'").unwrap()),
            (false, false)
        );
        assert_eq!(
            strip_flags(&ldflags_words("-s=false -w").unwrap()),
            (false, true)
        );
    }

    #[test]
    fn optional_flags_from_a_variable_do_not_end_the_flags() {
        let script = crate::shell::parse_script(&crate::syntax::LogicalLine::contiguous(
            r#"go build -ldflags "-s" ${GCFLAGS:+-gcflags "$GCFLAGS"} -o /app/agent ./cmd/agent"#,
            0,
        ));
        let (flags, first) = parse_go_flags(&script.commands[0].argv);
        assert!(flags.iter().any(|f| f.name == "o"));
        assert_eq!(script.commands[0].argv[first].text, "./cmd/agent");
    }

    #[test]
    fn unclosed_quotes_do_not_split() {
        assert_eq!(ldflags_words("-s'-w"), None);
        assert!(parse_goflags_env("-ldflags='-s").is_empty());
    }

    #[test]
    fn goflags_are_split_with_quotes() {
        let flags = parse_goflags_env(r#"-trimpath "-ldflags=-s -w" -mod=vendor"#);
        assert_eq!(flags.len(), 3);
        assert_eq!(flags[1].name, "ldflags");
        assert_eq!(flags[1].value.as_deref(), Some("-s -w"));
    }
}
