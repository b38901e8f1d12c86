//! go.mod and go.work: the `go` and `toolchain` lines, the module path, the `use` directories.
//! Only what the rules need; everything else in the file is skipped.

use std::fmt;

/// A Go version as go.mod writes it: `1.22`, `1.22.3`, `1.23rc1` (pre-releases sort before the
/// release), or `go1.23.1` in a `toolchain` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// `false` for a pre-release (`rc1`, `beta2`), which comes before the release.
    pub release: bool,
}

impl GoVersion {
    /// Parses `1.22`, `1.22.3`, `1.23rc1`, `go1.23.1`.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let text = text.trim().strip_prefix("go").unwrap_or(text.trim());
        let mut numbers = [0u32; 3];
        let mut count = 0;
        let mut rest = text;
        while count < 3 {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            numbers[count] = rest[..digits].parse().ok()?;
            count += 1;
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(after) => rest = after,
                None => break,
            }
        }
        if count < 2 {
            return None;
        }
        let release = rest.is_empty();
        let prerelease = !release
            && ["rc", "beta", "alpha"].iter().any(|p| {
                rest.starts_with(p) && rest[p.len()..].bytes().all(|b| b.is_ascii_digit())
            });
        if !release && !prerelease {
            return None;
        }
        Some(GoVersion {
            major: numbers[0],
            minor: numbers[1],
            patch: numbers[2],
            release,
        })
    }

    /// `(major, minor)`, as image tags name Go.
    pub fn minor_version(self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch > 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// What a go.mod says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The module path (`github.com/acme/server`).
    pub module: Option<String>,
    /// The `go` line: the minimum Go version the module needs.
    pub go: Option<GoVersion>,
    /// The `toolchain` line.
    pub toolchain: Option<GoVersion>,
}

impl GoMod {
    /// Reads go.mod text. Lines it does not understand are skipped.
    pub fn parse(text: &str) -> GoMod {
        let mut out = GoMod::default();
        for (verb, args) in directives(text) {
            match verb {
                "module" => out.module = args.first().map(|a| unquote(a)),
                "go" => out.go = args.first().and_then(|a| GoVersion::parse(a)),
                "toolchain" => out.toolchain = args.first().and_then(|a| GoVersion::parse(a)),
                _ => {}
            }
        }
        out
    }

    /// The newest Go the module asks for: the `toolchain` line, else the `go` line.
    pub fn required(&self) -> Option<GoVersion> {
        match (self.go, self.toolchain) {
            (Some(go), Some(toolchain)) => Some(go.max(toolchain)),
            (go, toolchain) => go.or(toolchain),
        }
    }

    /// The binary `go build` names after the module for a package directory: the last element
    /// of the module path (a `/vN` major-version suffix skipped), or of `./cmd/x` itself.
    pub fn binary_name(&self, package: &str) -> Option<String> {
        let package = package.trim_end_matches('/');
        if !matches!(package, "" | ".") {
            let last = package.rsplit('/').next()?;
            return (!last.is_empty() && last != "." && last != "..").then(|| last.to_string());
        }
        let module = self.module.as_deref()?;
        let mut parts = module.rsplit('/');
        let last = parts.next()?;
        let is_major = last.len() > 1
            && last.starts_with('v')
            && last[1..].bytes().all(|b| b.is_ascii_digit());
        let name = if is_major { parts.next()? } else { last };
        (!name.is_empty()).then(|| name.to_string())
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
        assert_eq!(m.binary_name("./cmd/api/").as_deref(), Some("api"));
        assert_eq!(
            GoMod::parse("module \"example.com/m\"\n").module.as_deref(),
            Some("example.com/m")
        );
    }

    #[test]
    fn versions_compare_as_go_does() {
        let v = |t| GoVersion::parse(t).expect(t);
        assert!(v("1.22") < v("1.22.1"));
        assert!(v("1.23rc1") < v("1.23"));
        assert!(v("1.9") < v("1.10"));
        assert_eq!(v("go1.21.0"), v("1.21"));
        for bad in ["", "1", "x.y", "1.22-foo", "1.22.3.4.5x"] {
            assert_eq!(GoVersion::parse(bad), None, "{bad}");
        }
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
