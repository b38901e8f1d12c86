//! The Go packages a build compiles, read from the context only as far as two questions need:
//! does the program open connections of its own, and which programs does it start? The walk starts at the built packages and
//! follows imports inside the module; it reads no dependency's code (a known client package
//! is evidence by its import path). Any directory it cannot read, or a module too large to
//! walk quickly, makes the answer Unknown.

use std::collections::BTreeSet;
use std::path::Path;

use crate::knowledge::network::{TransportSigns, outbound_call, outbound_import, tls_optional};
use crate::knowledge::relative_writes::RelativeWrites;
use crate::knowledge::tools::GO_EXEC_CALLS;

/// A walk past this many files answers Unknown: the question is asked once per file that a
/// rule would otherwise report, and must stay cheap.
const MAX_FILES: usize = 4000;

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A file of the program opens a connection: the file (relative to the context root)
    /// and the call (`http.Get(`) or the client package's import path that shows it.
    Seen {
        file: String,
        evidence: &'static str,
        imported: bool,
        /// Every client the program shows speaks TLS only when asked to (a gRPC dial, an
        /// HTTP request, a database driver), nothing asks for TLS, and the source asks for
        /// plain text (`insecure.NewCredentials()`, `sslmode=disable`, `http://`).
        plaintext: bool,
    },
    /// No file the program is built from opens a connection or imports a client package.
    NotSeen,
}

/// Walks the packages in `start` (directories relative to `root`, the module root) and the
/// in-module packages they import.
pub fn outbound(root: &Path, module: &str, start: &[String]) -> Option<Outbound> {
    // The first client that needs TLS decides; clients that speak TLS only when asked are
    // read on, with what every file shows of the transport.
    let mut optional: Option<(String, &'static str, bool)> = None;
    let mut signs = TransportSigns::default();
    let found = walk(root, module, start, |file, text, imports| {
        // Generated code (`// Code generated ... DO NOT EDIT.`) holds calls the program may
        // never make (grpc-gateway's `...FromEndpoint` dials for a proxy that uses it).
        let calls = if is_generated(text) {
            None
        } else {
            outbound_call(text)
        };
        let evidence = calls.map(|call| (call, false)).or_else(|| {
            imports
                .iter()
                .find_map(|i| outbound_import(i))
                .map(|i| (i, true))
        });
        let read = TransportSigns::read(text);
        signs.tls |= read.tls;
        signs.plaintext |= read.plaintext;
        let (evidence, imported) = evidence?;
        if tls_optional(evidence) {
            optional.get_or_insert((file.to_string(), evidence, imported));
            return None;
        }
        Some(Outbound::Seen {
            file: file.to_string(),
            evidence,
            imported,
            plaintext: false,
        })
    })?;
    Some(match (found, optional) {
        (Some(seen), _) => seen,
        (None, Some((file, evidence, imported))) => Outbound::Seen {
            file,
            evidence,
            imported,
            plaintext: signs.plaintext && !signs.tls,
        },
        (None, None) => Outbound::NotSeen,
    })
}

/// The programs the packages in `start` and the in-module packages they import start by a
/// literal name (`exec.Command("git", ...)`), each with the first file (relative to `root`)
/// that starts it. `None` when the walk cannot read the program.
pub fn started_programs(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Vec<(String, String)>> {
    let mut started: Vec<(String, String)> = Vec::new();
    walk(root, module, start, |file, text, _| {
        for program in exec_names(text).into_iter().flatten() {
            if !started.iter().any(|(p, _)| p == program) {
                started.push((program.to_string(), file.to_string()));
            }
        }
        None::<()>
    })?;
    Some(started)
}

/// The first file of the program that starts a program named at run time
/// (`exec.Command(d.config.Program, ...)`, a hook the user configures): what it needs of the
/// image cannot be known. `Some(None)` when none does; `None` when the walk cannot read it.
pub fn starts_run_time_programs(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Option<String>> {
    walk(root, module, start, |file, text, _| {
        exec_names(text)
            .iter()
            .any(Option::is_none)
            .then(|| file.to_string())
    })
}

/// The first file of the program that writes a path relative to its working directory, with
/// that path: a write call's literal, a `./` state file or directory (`"./data/app.db"`), or a
/// `./` directory default (`CertDir: "./certs"`) of a program that writes files somewhere.
/// `None` when the walk cannot read the program, `Some(None)` when nothing shows such a write.
pub fn writes_relative_files(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Option<(String, String)>> {
    let mut dir_default: Option<(String, String)> = None;
    let mut writes_files = false;
    let written = walk(root, module, start, |file, text, _| {
        let read = RelativeWrites::read(text);
        writes_files |= read.writes_files;
        if let Some(dir) = read.dir_default {
            dir_default.get_or_insert((file.to_string(), dir.to_string()));
        }
        read.written
            .map(|path| (file.to_string(), path.to_string()))
    })?;
    Some(written.or(dir_default.filter(|_| writes_files)))
}

/// The first import of the packages in `start` (or the in-module packages they import) from
/// outside the module and the standard library (whose paths have no dot in their first
/// element), with the file that makes it. `None` when the walk cannot read the program,
/// `Some(None)` when every import is the module's or the standard library's: building it
/// downloads no module, whatever go.mod requires for other packages or tests.
pub fn imports_outside_module(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Option<(String, String)>> {
    walk(root, module, start, |file, _, imports| {
        imports
            .iter()
            .find(|i| {
                let in_module = **i == module
                    || i.strip_prefix(module)
                        .is_some_and(|rest| rest.starts_with('/'));
                !in_module && i.split('/').next().is_some_and(|first| first.contains('.'))
            })
            .map(|i| (file.to_string(), i.to_string()))
    })
}

/// The first file of the packages in `start` (or the in-module packages they import) that reads
/// the VCS stamp `go build` writes from `.git` (`vcs.revision`, `vcs.time`, `vcs.modified` in
/// the build info, or the main module's version, which Go 1.24 and later take from the
/// repository's tags). `None` when the walk cannot read the program, `Some(None)` when no
/// file does.
pub fn reads_vcs_stamp(root: &Path, module: &str, start: &[String]) -> Option<Option<String>> {
    walk(root, module, start, |file, text, _| {
        let stamp = text.contains("\"vcs.") || text.contains(".Main.Version");
        (stamp && text.contains("ReadBuildInfo")).then(|| file.to_string())
    })
}

/// The program names a Go file passes to the calls that start programs: `Some` for a literal,
/// `None` for a name from a variable or an expression. The program itself (`os.Args[0]`,
/// `os.Executable()`) is neither. Commented-out lines do not count.
fn exec_names(text: &str) -> Vec<Option<&str>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for &(call, index) in GO_EXEC_CALLS {
            let mut rest = line;
            while let Some(at) = rest.find(call) {
                rest = &rest[at + call.len()..];
                let mut args = rest;
                // Skip the arguments before the name (`ctx, `); a nested call there is unknown.
                for _ in 0..index {
                    match args.find(',') {
                        Some(comma) if !args[..comma].contains('(') => args = &args[comma + 1..],
                        _ => args = "",
                    }
                }
                let args = args.trim_start();
                if let Some(quoted) = args.strip_prefix('"') {
                    if let Some(end) = quoted.find('"')
                        && end > 0
                    {
                        out.push(Some(&quoted[..end]));
                    }
                } else if !args.is_empty()
                    && !args.starts_with(['`', ')'])
                    && !args.starts_with("os.Args")
                    && !args.contains("Executable")
                {
                    out.push(None);
                }
            }
        }
    }
    out
}

/// Reads each non-test Go file of the packages in `start` and of the in-module packages they
/// import, and hands its path, text and imports to `find`; the first answer ends the walk.
/// `None` when a package cannot be read; `Some(None)` when no file gave an answer.
pub(super) fn walk<T>(
    root: &Path,
    module: &str,
    start: &[String],
    mut find: impl FnMut(&str, &str, &[&str]) -> Option<T>,
) -> Option<Option<T>> {
    let mut queue: Vec<String> = expand_patterns(root, start)?;
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    // A directory a pattern matched may hold only files no build takes (`//go:build ignore`).
    let matched: BTreeSet<String> = if start.iter().any(|d| d.ends_with("...")) {
        seen.clone()
    } else {
        BTreeSet::new()
    };
    let mut files = 0;
    while let Some(dir) = queue.pop() {
        let entries = std::fs::read_dir(root.join(&dir)).ok()?;
        let mut go_files = 0;
        for entry in entries {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".go") || name.ends_with("_test.go") {
                continue;
            }
            files += 1;
            if files > MAX_FILES {
                return None;
            }
            let file = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let bytes = std::fs::read(root.join(&file)).ok()?;
            let text = super::read_text(&bytes)?;
            if ignored_by_build(text) {
                continue;
            }
            go_files += 1;
            let imports = imports(text);
            if let Some(found) = find(&file, text, &imports) {
                return Some(Some(found));
            }
            for import in imports {
                let local = if import == module {
                    Some("")
                } else {
                    import
                        .strip_prefix(module)
                        .and_then(|rest| rest.strip_prefix('/'))
                };
                if let Some(local) = local
                    && seen.insert(local.to_string())
                {
                    queue.push(local.to_string());
                }
            }
        }
        // A package with no Go source here (generated, or outside the context): unknown.
        if go_files == 0 && !matched.contains(&dir) {
            return None;
        }
    }
    Some(None)
}

/// Whether a `//go:generate` directive of the module under `root` asks git for history: it runs
/// `git`, or `go run gen.go` where that file does (a generator writing the build's commit and
/// date). `go generate ./...` then needs `.git`. False when the module cannot be read.
pub fn generators_ask_git(root: &Path) -> bool {
    let Some(dirs) = expand_patterns(root, &["...".to_string()]) else {
        return false;
    };
    let mut files = 0;
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files += 1;
            if !name.ends_with(".go") || files > MAX_FILES {
                continue;
            }
            let Some(text) = std::fs::read(entry.path())
                .ok()
                .and_then(|b| super::read_text(&b).map(str::to_string))
            else {
                continue;
            };
            let asks = text
                .lines()
                .filter_map(|l| l.strip_prefix("//go:generate "))
                .any(|directive| {
                    let words: Vec<&str> = directive.split_whitespace().collect();
                    match words.as_slice() {
                        ["git", ..] => true,
                        ["go", "run", file, ..] if file.ends_with(".go") => {
                            std::fs::read(root.join(&dir).join(file))
                                .ok()
                                .and_then(|b| {
                                    super::read_text(&b).map(super::make_run::go_source_asks_git)
                                })
                                .unwrap_or(false)
                        }
                        _ => false,
                    }
                });
            if asks {
                return true;
            }
        }
    }
    false
}

/// The file says it is generated, as Go's convention writes it before the package clause.
fn is_generated(text: &str) -> bool {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("package "))
        .any(|l| l.starts_with("// Code generated") && l.trim_end().ends_with("DO NOT EDIT."))
}

/// The start directories with each package pattern (`cmd/...`, `...` for the whole module)
/// replaced by the directories under it that hold Go source, as `go build ./...` reads it:
/// `vendor`, `testdata` and names starting with `.` or `_` left out. `None` when a directory
/// cannot be listed or there are too many.
fn expand_patterns(root: &Path, start: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for dir in start {
        let Some(base) = dir
            .strip_suffix("...")
            .map(|b| b.trim_end_matches('/').to_string())
        else {
            out.push(dir.clone());
            continue;
        };
        let mut stack = vec![base];
        while let Some(dir) = stack.pop() {
            let mut holds_go = false;
            for entry in std::fs::read_dir(root.join(&dir)).ok()? {
                let entry = entry.ok()?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.file_type().ok()?.is_dir() {
                    let skipped =
                        name.starts_with(['.', '_']) || name == "vendor" || name == "testdata";
                    if !skipped {
                        stack.push(if dir.is_empty() {
                            name
                        } else {
                            format!("{dir}/{name}")
                        });
                    }
                } else {
                    holds_go |= name.ends_with(".go") && !name.ends_with("_test.go");
                }
            }
            if holds_go {
                out.push(dir);
            }
            if out.len() + stack.len() > MAX_FILES {
                return None;
            }
        }
    }
    Some(out)
}

/// The file is left out of every build by a `//go:build ignore` (or `// +build ignore`) line
/// above its package clause: a program run with `go run gen.go`, not part of its package.
pub fn ignored_by_build(text: &str) -> bool {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("package "))
        .any(|l| matches!(l.trim(), "//go:build ignore" | "// +build ignore"))
}

/// The name a Go file's package clause declares (`main` for `package main`), skipping the
/// comments and build constraints above it; `None` when the file has no package clause.
pub fn package_name(text: &str) -> Option<&str> {
    let mut in_comment = false;
    for line in text.lines() {
        let mut line = line.trim();
        if in_comment {
            match line.find("*/") {
                Some(end) => {
                    in_comment = false;
                    line = line[end + 2..].trim_start();
                }
                None => continue,
            }
        }
        if let Some(rest) = line.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => line = rest[end + 2..].trim_start(),
                None => {
                    in_comment = true;
                    continue;
                }
            }
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let name = line.strip_prefix("package")?;
        let name = name.split("//").next().unwrap_or_default().trim();
        return (!name.is_empty()).then_some(name);
    }
    None
}

/// The import paths of a Go file: its `import "x"` lines and `import ( ... )` blocks, read
/// until the first declaration.
pub fn imports(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.trim();
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if let Some(path) = quoted(line) {
                out.push(path);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("import") {
            let rest = rest.trim_start();
            if let Some(inner) = rest.strip_prefix('(') {
                in_block = !inner.contains(')');
                out.extend(quoted(inner));
            } else {
                out.extend(quoted(rest));
            }
        } else if ["func ", "type ", "var ", "const "]
            .iter()
            .any(|d| line.starts_with(d))
        {
            break;
        }
    }
    out
}

/// The first double-quoted string of a line (an import path, after any alias).
fn quoted(line: &str) -> Option<&str> {
    if line.starts_with("//") {
        return None;
    }
    let start = line.find('"')? + 1;
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_file(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn reads_import_lines_and_blocks() {
        let text = "package main\n\nimport \"fmt\"\nimport (\n\t\"net/http\"\n\tlog \"example.com/m/internal/log\"\n\t// \"unused\"\n)\n\nfunc main() {}\nimport \"late\"\n";
        assert_eq!(
            imports(text),
            vec!["fmt", "net/http", "example.com/m/internal/log"]
        );
    }

    #[test]
    fn reads_package_clauses_and_ignore_constraints() {
        let text =
            "// Copyright\n/* a\n block */\n//go:build linux\n\npackage main // the program\n";
        assert_eq!(package_name(text), Some("main"));
        assert!(!ignored_by_build(text));
        assert_eq!(package_name("/* x */ package api\n"), Some("api"));
        assert_eq!(package_name("// no clause\n"), None);
        assert_eq!(package_name("func x() {}\n"), None);
        assert!(ignored_by_build("//go:build ignore\n\npackage main\n"));
        assert!(ignored_by_build("// +build ignore\n\npackage main\n"));
        assert!(!ignored_by_build("package main\n//go:build ignore\n"));
    }

    #[test]
    fn follows_in_module_imports_to_the_evidence() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |path: &str, text: &str| write_file(root, path, text);
        write(
            "cmd/server/main.go",
            "package main\nimport \"example.com/m/internal/api\"\nfunc main() { api.Serve() }\n",
        );
        write(
            "internal/api/api.go",
            "package api\nimport \"net/http\"\nfunc Serve() { http.ListenAndServe(\":8080\", nil) }\n",
        );
        write(
            "internal/api/api_test.go",
            "package api\nimport \"net/http\"\nvar _ = http.Get\nfunc x() { http.Get(\"u\") }\n",
        );
        let start = ["cmd/server".to_string()];
        assert_eq!(
            outbound(root, "example.com/m", &start),
            Some(Outbound::NotSeen)
        );
        write(
            "internal/api/notify.go",
            "package api\nimport \"net/http\"\nfunc notify() { http.Post(\"u\", \"\", nil) }\n",
        );
        assert_eq!(
            outbound(root, "example.com/m", &start),
            Some(Outbound::Seen {
                file: "internal/api/notify.go".into(),
                evidence: "http.Post(",
                imported: false,
                plaintext: false,
            })
        );
        // A package the walk cannot read makes the answer unknown.
        assert_eq!(outbound(root, "example.com/m", &["missing".into()]), None);
    }

    #[test]
    fn reads_the_programs_a_file_starts_by_name() {
        let text = "package main\nfunc a() {\n\tcmd := exec.Command(\"cat\", f)\n\t// exec.Command(\"docker\", \"run\")\n\texec.CommandContext(ctx, \"git\", \"log\")\n\texec.Command(name)\n\texec.CommandContext(f(a, b), \"x\")\n\tp, _ := exec.LookPath(\"ip\")\n}\n";
        assert_eq!(
            exec_names(text),
            vec![Some("cat"), Some("git"), None, Some("ip")]
        );
    }

    #[test]
    fn a_program_named_at_run_time_is_told_from_the_program_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |path: &str, text: &str| write_file(root, path, text);
        write(
            "cmd/app/main.go",
            "package main\nimport \"os/exec\"\nfunc main() { exec.Command(os.Args[0], \"child\").Run() }\n",
        );
        let start = ["cmd/app".to_string()];
        assert_eq!(
            starts_run_time_programs(root, "example.com/m", &start),
            Some(None)
        );
        write(
            "cmd/app/hook.go",
            "package main\nimport \"os/exec\"\nfunc hook(c Config) { exec.CommandContext(ctx, c.Program, c.Args...).Run() }\n",
        );
        assert_eq!(
            starts_run_time_programs(root, "example.com/m", &start),
            Some(Some("cmd/app/hook.go".to_string()))
        );
    }

    #[test]
    fn collects_started_programs_across_the_program() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |path: &str, text: &str| write_file(root, path, text);
        write(
            "cmd/web/main.go",
            "package main\nimport \"example.com/m/internal/log\"\nfunc main() { log.Read() }\n",
        );
        write(
            "internal/log/log.go",
            "package log\nimport \"os/exec\"\nfunc Read() { exec.Command(\"cat\", \"f\").Run() }\n",
        );
        write(
            "internal/log/log_test.go",
            "package log\nimport \"os/exec\"\nfunc t() { exec.Command(\"diff\").Run() }\n",
        );
        assert_eq!(
            started_programs(root, "example.com/m", &["cmd/web".to_string()]),
            Some(vec![("cat".to_string(), "internal/log/log.go".to_string())])
        );
        assert_eq!(
            started_programs(root, "example.com/m", &["gone".into()]),
            None
        );
    }
}
