//! go.mod and go.work: the `go` and `toolchain` lines, the module path, the `use` directories.
//! Only what the rules need; everything else in the file is skipped.

use crate::knowledge::go_command;
use crate::knowledge::go_release::GoVersion;

/// What a go.mod says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The module path (`github.com/acme/server`).
    pub module: Option<String>,
    /// The `go` line: the minimum Go version the module needs.
    pub go: Option<GoVersion>,
    /// The `go` line's argument as written, when there is one: told apart from `go`, a line
    /// that does not read as a version (`go 1.x`) is not a missing one.
    pub go_line: Option<String>,
    /// The `toolchain` line.
    pub toolchain: Option<GoVersion>,
    /// The `go` line names a release with its patch or pre-release (`go 1.22.0`, `go 1.21rc1`),
    /// the form Go before 1.21 cannot read ("must match format 1.23").
    pub go_line_is_release: bool,
    /// The module paths of the `require` directives.
    pub requires: Vec<String>,
    /// The directories of `replace` directives that point at a local folder
    /// (`example.com/x => ./providers/x`): `go mod download` reads their go.mod files, so go.mod
    /// and go.sum alone are not enough to download the modules.
    pub local_replacements: Vec<String>,
}

impl GoMod {
    /// Reads go.mod text. Lines it does not understand are skipped.
    pub fn parse(text: &str) -> GoMod {
        let mut out = GoMod::default();
        for (verb, args) in directives(text) {
            match verb {
                "module" => out.module = args.first().map(|a| unquote(a)),
                "go" => {
                    out.go = args.first().and_then(|a| GoVersion::parse(a));
                    out.go_line = Some(args.join(" "));
                    // `1.N` is the only form older Go reads; `1.N.P` and `1.NrcK` are not.
                    out.go_line_is_release = args.first().is_some_and(|a| {
                        let mut parts = a.splitn(2, '.');
                        let _major = parts.next();
                        parts
                            .next()
                            .is_some_and(|minor| !minor.bytes().all(|b| b.is_ascii_digit()))
                    });
                }
                "toolchain" => out.toolchain = args.first().and_then(|a| GoVersion::parse(a)),
                // A module path's first element has a dot (`golang.org/x/net`).
                "require" => out.requires.extend(
                    args.first()
                        .map(|a| unquote(a))
                        .filter(|p| p.split('/').next().is_some_and(|e| e.contains('.'))),
                ),
                // `old [version] => new [version]`: a new path starting `./`, `../` or `/`
                // is a folder (Go's modfile rule), anything else a module.
                "replace" => out.local_replacements.extend(
                    args.iter()
                        .position(|a| *a == "=>")
                        .and_then(|arrow| args.get(arrow + 1))
                        .map(|a| unquote(a))
                        .filter(|p| {
                            p.starts_with("./") || p.starts_with("../") || p.starts_with('/')
                        }),
                ),
                _ => {}
            }
        }
        out
    }

    /// The module requires other modules: a build downloads something. A go.mod with no
    /// `require` has nothing to download (and usually no go.sum).
    pub fn has_requirements(&self) -> bool {
        !self.requires.is_empty()
    }

    /// The module requires `path` (directly or as an indirect dependency).
    pub fn requires(&self, path: &str) -> bool {
        self.requires.iter().any(|r| r == path)
    }

    /// Go releases before 1.21 stop at this go.mod: it has a `toolchain` line ("unknown
    /// directive: toolchain") or a `go` line with a patch release ("invalid go version").
    pub fn unreadable_before_go_1_21(&self) -> bool {
        self.toolchain.is_some() || self.go_line_is_release
    }

    /// The newest Go the module asks for: the `toolchain` line, else the `go` line.
    pub fn required(&self) -> Option<GoVersion> {
        match (self.go, self.toolchain) {
            (Some(go), Some(toolchain)) => Some(go.max(toolchain)),
            (go, toolchain) => go.or(toolchain),
        }
    }

    /// The account that owns the module's repository on a code host (`prometheus` for
    /// `github.com/prometheus/node_exporter`); `None` for a vanity path (`go.uber.org/zap`),
    /// which names no account.
    pub fn hosting_owner(&self) -> Option<&str> {
        crate::knowledge::go_modules::hosting_owner(self.module.as_deref()?)
    }

    /// The binary `go build` names after the module for a package directory: the last element
    /// of the module path (a `/vN` major-version suffix skipped), or of `./cmd/x` itself.
    pub fn binary_name(&self, package: &str) -> Option<String> {
        let package = package.trim_end_matches('/');
        if !matches!(package, "" | ".") {
            let last = package.rsplit('/').next()?;
            return (!last.is_empty() && last != "." && last != "..").then(|| last.to_string());
        }
        go_command::binary_name(self.module.as_deref()?).map(str::to_string)
    }
}

/// What a go.work says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoWork {
    pub go: Option<GoVersion>,
    pub toolchain: Option<GoVersion>,
    /// The module directories of `use` directives.
    pub uses: Vec<String>,
}

impl GoWork {
    pub fn parse(text: &str) -> GoWork {
        let mut out = GoWork::default();
        for (verb, args) in directives(text) {
            match verb {
                "go" => out.go = args.first().and_then(|a| GoVersion::parse(a)),
                "toolchain" => out.toolchain = args.first().and_then(|a| GoVersion::parse(a)),
                "use" => out.uses.extend(args.first().map(|a| unquote(a))),
                _ => {}
            }
        }
        out
    }
}

/// The directives of a go.mod/go.work: `verb args...`, with `verb ( ... )` blocks expanded to
/// one directive per line and `//` comments removed.
fn directives(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut out = Vec::new();
    let mut block: Option<&str> = None;
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(&first) = words.first() else {
            continue;
        };
        if let Some(verb) = block {
            if first == ")" {
                block = None;
            } else {
                out.push((verb, words));
            }
            continue;
        }
        if words.get(1) == Some(&"(") {
            block = Some(first);
            continue;
        }
        out.push((first, words[1..].to_vec()));
    }
    out
}

/// A go.mod string may be quoted: `module "example.com/m"`.
fn unquote(text: &str) -> String {
    text.trim_matches(|c| c == '"' || c == '`').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_mod() {
        let text = "// comment\nmodule github.com/acme/server/v2 // the module\n\ngo 1.24\ntoolchain go1.24.3\nrequire (\n\tgolang.org/x/net v0.30.0\n\tgo 1.0 // not a directive here\n)\n";
        let m = GoMod::parse(text);
        assert_eq!(m.module.as_deref(), Some("github.com/acme/server/v2"));
        assert_eq!(m.go.map(GoVersion::minor_version), Some((1, 24)));
        assert_eq!(m.toolchain.map(|t| t.patch), Some(3));
        assert_eq!(
            m.required().map(|v| v.to_string()).as_deref(),
            Some("1.24.3")
        );
        assert_eq!(m.binary_name(".").as_deref(), Some("server"));
        assert!(m.requires("golang.org/x/net") && !m.requires("go"));
        assert_eq!(m.binary_name("./cmd/api/").as_deref(), Some("api"));
        assert_eq!(
            GoMod::parse("module \"example.com/m\"\n").module.as_deref(),
            Some("example.com/m")
        );
    }

    #[test]
    fn tells_a_malformed_go_line_from_a_missing_one() {
        let m = GoMod::parse("module m\ngo 1.x\n");
        assert_eq!((m.go, m.go_line.as_deref()), (None, Some("1.x")));
        let m = GoMod::parse("module m\n");
        assert_eq!((m.go, m.go_line), (None, None));
    }

    #[test]
    fn reads_local_replacements() {
        let text = "module m\nreplace example.com/a => ./a\nreplace (\n\texample.com/b v1.0.0 => ../b\n\texample.com/c => example.com/d v1.2.0\n)\n";
        assert_eq!(GoMod::parse(text).local_replacements, ["./a", "../b"]);
    }

    #[test]
    fn tells_what_go_before_1_21_cannot_read() {
        let read = |text: &str| GoMod::parse(text).unreadable_before_go_1_21();
        assert!(!read("module m\ngo 1.20\n"));
        assert!(read("module m\ngo 1.21.0\n"));
        assert!(read("module m\ngo 1.21rc1\n"));
        assert!(read("module m\ngo 1.20\ntoolchain go1.21.3\n"));
        assert!(!read("module m\n"));
    }

    #[test]
    fn reads_go_work() {
        let w = GoWork::parse("go 1.23\n\nuse (\n\t./api\n\t./worker // x\n)\nuse ./tools\n");
        assert_eq!(w.uses, ["./api", "./worker", "./tools"]);
        assert_eq!(w.go.map(GoVersion::minor_version), Some((1, 23)));
    }

    #[test]
    fn odd_input_is_not_a_panic() {
        for text in [
            "module",
            "go",
            "toolchain (",
            ")\n)",
            "go 99999999999999.1",
            "\u{feff}go 1.2",
        ] {
            let _ = GoMod::parse(text);
            let _ = GoWork::parse(text);
        }
    }
}
