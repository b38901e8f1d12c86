//! The go command's reading of its command line (cmd/go's flag package usage, `go help build`,
//! `go help environment`): subcommands, which flags take values, boolean values, GOFLAGS and
//! its quoting, "the last flag wins", build tags, the words of `-ldflags` with their place in
//! the written value, and the binary name `go build`/`go install` give a package.

/// A word of a command line as the go command's reader needs it: its text (quotes removed) and
/// whether it holds an expansion the shell performs at run time.
pub trait CommandWord {
    fn text(&self) -> &str;
    fn has_expansion(&self) -> bool;
}

/// A go subcommand the model follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoSubcommand {
    Build,
    Install,
    Get,
    Run,
    /// `go test`: a build only with `-c`, which writes the test binary instead of running it.
    Test,
    Mod,
    Env,
    Other,
}

impl GoSubcommand {
    pub fn parse(word: &str) -> GoSubcommand {
        match word {
            "build" => GoSubcommand::Build,
            "install" => GoSubcommand::Install,
            "get" => GoSubcommand::Get,
            "run" => GoSubcommand::Run,
            "test" => GoSubcommand::Test,
            "mod" => GoSubcommand::Mod,
            "env" => GoSubcommand::Env,
            _ => GoSubcommand::Other,
        }
    }

    /// As written on the command line (`build`); `None` for one the model does not follow.
    pub fn as_str(self) -> Option<&'static str> {
        Some(match self {
            GoSubcommand::Build => "build",
            GoSubcommand::Install => "install",
            GoSubcommand::Get => "get",
            GoSubcommand::Run => "run",
            GoSubcommand::Test => "test",
            GoSubcommand::Mod => "mod",
            GoSubcommand::Env => "env",
            GoSubcommand::Other => return None,
        })
    }

    /// It compiles the named packages into a binary (`build`, `install`).
    pub fn compiles(self) -> bool {
        matches!(self, GoSubcommand::Build | GoSubcommand::Install)
    }
}

/// The go command writes a binary: `go build`, `go install`, or `go test -c`, which compiles
/// the test binary instead of running it.
pub fn writes_binary<W: CommandWord>(argv: &[W]) -> bool {
    match subcommand(argv) {
        Some(sub) if sub.compiles() => true,
        Some(GoSubcommand::Test) => argv.iter().skip(2).any(|w| w.text() == "-c"),
        _ => false,
    }
}

impl std::fmt::Display for GoSubcommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str().unwrap_or("?"))
    }
}

/// Programs that run the go command: `go`, and xx's cross-compiling wrapper `xx-go`
/// (tonistiigi/xx).
pub fn is_go_program(program: &str) -> bool {
    matches!(program, "go" | "xx-go")
}

/// Variables of Go's environment that configure the go command itself (`go help environment`):
/// where it finds code and caches, how it fetches modules, which toolchain it runs.
const GO_COMMAND_ENVIRONMENT: &[&str] = &[
    "GOPATH",
    "GOROOT",
    "GOBIN",
    "GOFLAGS",
    "GO111MODULE",
    "GOPROXY",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "GOCACHE",
    "GOMODCACHE",
    "GOTOOLCHAIN",
    "GOENV",
];

/// Whether a variable configures the go command (`GOPATH`), not the program it builds.
pub fn configures_go_command(name: &str) -> bool {
    GO_COMMAND_ENVIRONMENT.contains(&name)
}

/// The subcommand of a command whose program is `go` or `xx-go`.
pub fn subcommand<W: CommandWord>(argv: &[W]) -> Option<GoSubcommand> {
    Some(GoSubcommand::parse(argv.get(1)?.text()))
}

/// The settings a `go env -w NAME=value ...` command writes into Go's configuration file, read
/// by every later go command of that user: each word's index in `argv`, its name and its value
/// as written. Empty for any other command.
pub fn env_writes<W: CommandWord>(argv: &[W]) -> Vec<(usize, &str, &str)> {
    let writes = argv
        .first()
        .is_some_and(|w| is_go_program(crate::paths::basename(w.text())))
        && subcommand(argv) == Some(GoSubcommand::Env)
        && argv.get(2).is_some_and(|w| w.text() == "-w");
    if !writes {
        return Vec::new();
    }
    argv.iter()
        .enumerate()
        .skip(3)
        .filter_map(|(i, w)| w.text().split_once('=').map(|(n, v)| (i, n, v)))
        .collect()
}

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

impl GoFlag {
    /// A boolean flag is on (`-a`, `-a=true`); `false` for `-a=false` or a value `go` rejects.
    pub fn is_on(&self) -> bool {
        flag_bool(self.value.as_deref()) == Some(true)
    }
}

/// Reads flags after the subcommand, up to the first package argument. Returns the flags and
/// the index of the first positional argument.
pub fn parse_flags<W: CommandWord>(argv: &[W]) -> (Vec<GoFlag>, usize) {
    let mut flags = Vec::new();
    let mut i = 2;
    while i < argv.len() {
        let text = argv[i].text();
        if text == "--" {
            return (flags, i + 1);
        }
        let Some(body) = text.strip_prefix('-') else {
            // `${GCFLAGS:+-gcflags "$GCFLAGS"}` followed by more flags: a word that expands
            // to optional flags, not the first package.
            let more_flags = argv.get(i + 1).is_some_and(|w| w.text().starts_with('-'));
            if text.starts_with('$') && argv[i].has_expansion() && more_flags {
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
                    value: value_word.map(|v| argv[v].text().to_string()),
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
pub fn parse_goflags(value: &str) -> Vec<GoFlag> {
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

/// A flag word as GOFLAGS or an expanded variable holds it (`-trimpath`, `--trimpath=true`):
/// the name and value.
pub fn flag_word(word: &str) -> Option<(&str, Option<&str>)> {
    let body = word.strip_prefix('-')?;
    let body = body.strip_prefix('-').unwrap_or(body);
    Some(match body.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (body, None),
    })
}

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

/// Every occurrence of a flag, in the order `go` applies them: GOFLAGS first, then the
/// command line. The last one is in effect.
pub fn flag_uses<'a>(argv: &'a [GoFlag], goflags: &'a [GoFlag], name: &str) -> Vec<FlagUse<'a>> {
    let from_env = goflags.iter().map(|flag| FlagUse {
        flag,
        source: FlagSource::Goflags,
    });
    let from_argv = argv.iter().map(|flag| FlagUse {
        flag,
        source: FlagSource::Argv,
    });
    from_env
        .chain(from_argv)
        .filter(|u| u.flag.name == name)
        .collect()
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

/// A `-gcflags` value turns off optimisations and inlining (`all=-N -l`): a debugger build.
pub fn gcflags_for_debugger(value: &str) -> bool {
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == '=')
        .collect();
    words.contains(&"-N") && words.contains(&"-l")
}

/// The binary name `go build` and `go install` give a package: the last element of its import
/// path, or the element before a major version suffix (`example.com/cmd/app/v2` installs
/// `app`). A version (`@latest`) and a trailing `/...` are ignored. `None` for an empty name.
pub fn binary_name(package: &str) -> Option<&str> {
    let path = package.split('@').next().unwrap_or(package);
    let path = path
        .strip_suffix("/...")
        .unwrap_or(path)
        .trim_end_matches('/');
    let mut parts = path.rsplit('/');
    let last = parts.next()?;
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    let name = match parts.next() {
        Some(parent) if is_major => parent,
        _ => last,
    };
    (!name.is_empty()).then_some(name)
}

/// The operating systems Go builds for (go/build/syslist.go, `knownOS`): a file named
/// `name_<GOOS>.go` (or `name_<GOOS>_<GOARCH>.go`) is built only for that system.
pub const KNOWN_GOOS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// The system a Go file's name restricts it to (`poll_windows.go`, `asm_darwin_arm64.go`),
/// if any.
pub fn file_goos(file_name: &str) -> Option<&'static str> {
    let stem = file_name.strip_suffix(".go")?;
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let mut parts = stem.rsplit('_');
    let last = parts.next()?;
    let before = parts.next();
    // `_GOOS` last, or `_GOOS_GOARCH`: the element before an architecture.
    [Some(last), before]
        .into_iter()
        .flatten()
        .find_map(|part| KNOWN_GOOS.iter().copied().find(|os| *os == part))
        .filter(|_| stem.contains('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_flags_from_a_variable_do_not_end_the_flags() {
        let script = crate::shell::parse_script(&crate::syntax::LogicalLine::contiguous(
            r#"go build -ldflags "-s" ${GCFLAGS:+-gcflags "$GCFLAGS"} -o /app/agent ./cmd/agent"#,
            0,
        ));
        let (flags, first) = parse_flags(&script.commands[0].argv);
        assert!(flags.iter().any(|f| f.name == "o"));
        assert_eq!(script.commands[0].argv[first].text, "./cmd/agent");
    }

    #[test]
    fn goflags_are_split_with_quotes() {
        let flags = parse_goflags(r#"-trimpath "-ldflags=-s -w" -mod=vendor"#);
        assert_eq!(flags.len(), 3);
        assert_eq!(flags[1].name, "ldflags");
        assert_eq!(flags[1].value.as_deref(), Some("-s -w"));
        assert!(parse_goflags("-ldflags='-s").is_empty());
    }

    #[test]
    fn the_last_flag_wins_and_goflags_come_first() {
        let argv = parse_goflags("-a=false");
        let env = parse_goflags("-a");
        let uses = flag_uses(&argv, &env, "a");
        assert_eq!(uses.first().map(|u| u.source), Some(FlagSource::Goflags));
        assert!(!uses.last().expect("in effect").flag.is_on());
    }

    #[test]
    fn tags_split_like_cmd_go() {
        assert_eq!(build_tags("netgo,json1"), ["netgo", "json1"]);
        assert_eq!(build_tags("netgo osusergo"), ["netgo", "osusergo"]);
        assert!(build_tags("").is_empty());
    }

    #[test]
    fn file_names_that_restrict_a_file_to_one_system() {
        assert_eq!(file_goos("poll_windows.go"), Some("windows"));
        assert_eq!(file_goos("asm_darwin_arm64.go"), Some("darwin"));
        assert_eq!(file_goos("sqlite_linux_test.go"), Some("linux"));
        assert_eq!(file_goos("main.go"), None);
        assert_eq!(file_goos("linux.go"), None);
        assert_eq!(file_goos("server_http.go"), None);
    }

    #[test]
    fn booleans() {
        assert_eq!(flag_bool(None), Some(true));
        assert_eq!(flag_bool(Some("false")), Some(false));
        assert_eq!(flag_bool(Some("yes")), None);
    }

    #[test]
    fn binary_names() {
        assert_eq!(binary_name("example.com/cmd/app/v2@latest"), Some("app"));
        assert_eq!(binary_name("github.com/golang/dep/..."), Some("dep"));
        assert_eq!(binary_name("./cmd/api/"), Some("api"));
        assert_eq!(binary_name("v2"), Some("v2"));
        assert_eq!(binary_name(""), None);
    }
}
