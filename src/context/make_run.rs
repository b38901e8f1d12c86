//! What a `RUN make ...` runs, read from the build context's Makefile: whether the targets it
//! makes (and their prerequisites) run `go build` or `go install`, and the `CGO_ENABLED` those
//! go commands get from the recipe line, the Makefile's exports or make's command line. A
//! Makefile that is missing or unreadable, or a make run that names another directory or
//! file, answers Unknown (`None`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::knowledge::go_command;
use crate::makefile::{self, Rule};

/// How many rules a make run is followed through: prerequisites nest, and a real Makefile's
/// build target reaches its go command in a few steps.
const MAX_RULES: usize = 64;

/// What the go commands of a make run are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeGo {
    /// The Makefile's line of the first go build or install the run reaches.
    pub line: usize,
    /// `CGO_ENABLED` as every go build of the run gets it; `None` when one gets none or
    /// they differ (then the stage's environment decides, or nothing does).
    pub cgo: Option<String>,
}

/// Reads what `make ARGS` (the words after `make`) runs in the context directory `dir`:
/// `Some(None)` when the Makefile is read and no go build is reached; `None` when it cannot be
/// told.
pub fn read(dir: &Path, args: &[&str]) -> Option<Option<MakeGo>> {
    let mut targets = Vec::new();
    let mut overrides: HashMap<&str, &str> = HashMap::new();
    for &arg in args {
        if arg.starts_with('-') {
            // `-C dir`, `-f file`, `-e`: another directory, file, or the environment first.
            if !matches!(arg, "-s" | "--silent" | "-k" | "-B" | "--always-make")
                && !arg.starts_with("-j")
            {
                return None;
            }
        } else if let Some((name, value)) = arg.split_once('=') {
            overrides.insert(name, value);
        } else {
            targets.push(arg);
        }
    }
    let text = makefile::NAMES
        .iter()
        .find_map(|name| std::fs::read(dir.join(name)).ok())?;
    let text = super::read_text(&text)?;
    let rules = makefile::rules(text);
    if targets.is_empty() {
        // make's default goal: the first rule whose target is not special or a pattern.
        let first = rules.iter().find(|r| {
            !r.target.is_empty() && !r.target.starts_with('.') && !r.target.contains('%')
        })?;
        targets.extend(first.target.split_whitespace().next());
    }
    let exported = exported_cgo(text);
    let mut queue: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut first_line = None;
    let mut settings: Vec<Option<String>> = Vec::new();
    while let Some(target) = queue.pop() {
        if !seen.insert(target.clone()) {
            continue;
        }
        if seen.len() > MAX_RULES {
            return None;
        }
        for rule in rules_for(&rules, &target) {
            queue.extend(rule.prerequisites.iter().cloned());
            for (line, command) in &rule.recipe {
                let words: Vec<&str> = command.split_whitespace().collect();
                let Some(at) = words
                    .iter()
                    .position(|w| go_command::is_go_program(go_word(w)))
                else {
                    continue;
                };
                if !matches!(words.get(at + 1), Some(&("build" | "install"))) {
                    continue;
                }
                first_line.get_or_insert(*line);
                let inline = words[..at]
                    .iter()
                    .rev()
                    .find_map(|w| w.strip_prefix("CGO_ENABLED="));
                let setting = inline
                    .or_else(|| overrides.get("CGO_ENABLED").copied())
                    .or(exported.as_deref())
                    .filter(|v| !v.contains('$'))
                    .map(str::to_string);
                settings.push(setting);
            }
        }
    }
    let Some(line) = first_line else {
        return Some(None);
    };
    let cgo = settings.first().cloned().flatten().filter(|first| {
        settings
            .iter()
            .all(|s| s.as_deref() == Some(first.as_str()))
    });
    Some(Some(MakeGo { line, cgo }))
}

/// A recipe word as the program it runs (`$(GO)` left unsubstituted is not Go).
fn go_word(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The rules that make `target`, an explicit one matched by any of its target words.
fn rules_for<'r>(rules: &'r [Rule], target: &str) -> impl Iterator<Item = &'r Rule> {
    rules
        .iter()
        .filter(move |r| r.target.split_whitespace().any(|t| t == target))
}

/// `export CGO_ENABLED=0`, or `CGO_ENABLED ?= 0` with `export CGO_ENABLED` (or `export` of
/// everything): the value every recipe's go command sees.
fn exported_cgo(text: &str) -> Option<String> {
    let vars = makefile::variables(text);
    let exported = text.lines().any(|line| {
        let line = line.trim_end();
        line == "export"
            || line.strip_prefix("export ").is_some_and(|rest| {
                rest.split(|c: char| c.is_whitespace() || c == '=' || c == ':' || c == '?')
                    .next()
                    == Some("CGO_ENABLED")
            })
    });
    exported.then(|| vars.get("CGO_ENABLED").cloned()).flatten()
}

/// The text (a Makefile, a build script, a RUN) stamps the build with what git says: a
/// variable set from git (`COMMIT := $(shell git rev-parse HEAD)`, `V=$(git describe)`) is
/// passed to the linker (`-X main.commit=$(COMMIT)`), or git runs inside `-ldflags` itself. A
/// variable set from git but used elsewhere (an image label on the host) does not count.
pub fn stamps_from_git(text: &str) -> bool {
    stamps_from_git_reading(text, &|_| None)
}

/// A script's text reads the repository's history (`git rev-parse`, `git describe`).
pub fn reads_history(script: &str) -> bool {
    script.lines().any(|l| {
        !l.trim_start().starts_with('#') && l.contains("git ") && {
            let l = l.to_ascii_lowercase();
            ["rev-parse", "describe", "rev-list", "log "]
                .iter()
                .any(|c| l.contains(c))
        }
    })
}

/// The repository's script at `path` reads the history, itself or through a script of the
/// repository it runs (`${ROOT}/gen_version.sh`), up to `depth` scripts further.
fn script_reads_history(path: &str, read: &dyn Fn(&str) -> Option<String>, depth: u8) -> bool {
    let Some(script) = read(path) else {
        return false;
    };
    if reads_history(&script) {
        return true;
    }
    depth > 0
        && script
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| l.split_whitespace())
            .map(|w| w.trim_matches(['"', '\'', '(', ')', '`']))
            .filter(|w| w.ends_with(".sh"))
            // `${ROOT}/gen_version.sh`, `./scripts/version.sh`: the path in the repository.
            .map(|w| match w.rfind(['}', ')']) {
                Some(i) => w[i + 1..].trim_start_matches('/'),
                None => w.trim_start_matches("./"),
            })
            .filter(|w| !w.is_empty() && !w.contains('$') && *w != path)
            .any(|w| script_reads_history(w, read, depth - 1))
}

/// A Go build program (a magefile, `build.go`) runs git for the version: it execs `"git"`
/// with `describe`, `rev-parse` or `log`.
pub fn go_source_asks_git(text: &str) -> bool {
    text.contains("\"git\"")
        && ["\"describe\"", "\"rev-parse\"", "\"log\""]
            .iter()
            .any(|c| text.contains(c))
}

/// [`stamps_from_git`], also following a variable set from a script of the repository
/// (`VERSION ?= $(shell ./scripts/git-version)`) into that script, read with `read` (a path
/// relative to the Makefile's folder).
pub fn stamps_from_git_reading(text: &str, read: &dyn Fn(&str) -> Option<String>) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    let linker = |l: &str| l.contains("-X") || l.contains("ldflags") || l.contains("LDFLAGS");
    let runs_git_script = |l: &str| {
        let Some(at) = l.find("$(shell ").or_else(|| l.find("${shell ")) else {
            return false;
        };
        let mut words = l[at + "$(shell ".len()..]
            .split([' ', ')', '}'])
            .filter(|w| !w.is_empty());
        // `$(shell bash gen_ldflags.sh ...)`: the script the shell runs.
        let program = match words.next() {
            Some("bash" | "sh") => words.next().unwrap_or_default(),
            Some(program) => program,
            None => "",
        };
        let path = program.strip_prefix("./").unwrap_or(program);
        (program.contains('/') || path.ends_with(".sh"))
            && !path.contains(['$', '('])
            && script_reads_history(path, read, 1)
    };
    // `CMD_GIT ?= git`, then `$(shell $(CMD_GIT) rev-parse HEAD)`: git through a variable.
    let git_calls: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            let name = assigned(l)?;
            let (_, value) = l.split_once('=')?;
            (value.trim() == "git").then(|| format!("$({name}) "))
        })
        .collect();
    let from_git_line = |l: &str| {
        ((l.contains("git ") || git_calls.iter().any(|call| l.contains(call.as_str())))
            && (l.contains("$(") || l.contains("${shell ") || l.contains('`')))
            || runs_git_script(l)
    };
    if lines.iter().filter(|l| linker(l)).any(|l| from_git_line(l)) {
        return true;
    }
    // A recipe that runs a build script of the repository (`hack/build-go.sh`), which stamps
    // from git itself (`VERSION=$(git describe)` into `-ldflags -X`).
    let recipe_script_stamps = lines.iter().filter(|l| l.starts_with('\t')).any(|l| {
        l.split_whitespace().any(|word| {
            let path = word.strip_prefix("./").unwrap_or(word);
            path.ends_with(".sh")
                && path.contains('/')
                && !path.contains(['$', '('])
                && read(path).is_some_and(|script| stamps_from_git(&script))
        })
    });
    if recipe_script_stamps {
        return true;
    }
    // The variable a line assigns (`COMMIT := ...`, `export V=...`), if it assigns one.
    fn assigned(l: &str) -> Option<&str> {
        let text = l.trim_start().trim_start_matches("export ");
        let end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        let (name, after) = text.split_at(end);
        let after = after.trim_start();
        let assigns = ["=", ":=", "?=", "+=", "::=", "!="]
            .iter()
            .any(|op| after.starts_with(op));
        (!name.is_empty() && assigns).then_some(name)
    }
    let mut from_git: Vec<&str> = lines
        .iter()
        .filter(|l| from_git_line(l))
        .filter_map(|l| assigned(l))
        .collect();
    if from_git.is_empty() {
        return false;
    }
    // Each line's assignment and the variables it reads, worked out once: a Makefile runs
    // to hundreds of lines and the variables are followed through many of them.
    let read: Vec<(Option<&str>, Vec<&str>)> =
        lines.iter().map(|l| (assigned(l), referenced(l))).collect();
    // Followed through the assignments made from them, however many (`clean_sha :=
    // $(strip $(SHA))`, then `VERSION := $(VERSION)+git-$(clean_sha)`, then `-X ...$(VERSION)`).
    loop {
        let before = from_git.len();
        for (name, refs) in &read {
            if let Some(name) = name
                && !from_git.contains(name)
                && refs.iter().any(|r| from_git.contains(r))
            {
                from_git.push(name);
            }
        }
        if from_git.len() == before {
            break;
        }
    }
    lines
        .iter()
        .zip(&read)
        .any(|(l, (_, refs))| linker(l) && refs.iter().any(|r| from_git.contains(r)))
}

/// The variables a line reads: `$(NAME)`, `${NAME}`, `$NAME`.
fn referenced(line: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let inner = rest.strip_prefix(['(', '{']).unwrap_or(rest);
        let end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        if end > 0 {
            names.push(&inner[..end]);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn makefile(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Makefile"), text).expect("write");
        dir
    }

    #[test]
    fn follows_the_default_goal_to_its_go_build() {
        let dir = makefile(
            "GO ?= go\n\n.PHONY: all\nall: build\n\nbuild: generate\n\tCGO_ENABLED=0 $(GO) build -o bin/app ./cmd/app\n\ngenerate:\n\t@echo gen\n",
        );
        assert_eq!(
            read(dir.path(), &[]),
            Some(Some(MakeGo {
                line: 7,
                cgo: Some("0".into())
            }))
        );
        // A named target that builds nothing.
        assert_eq!(read(dir.path(), &["generate"]), Some(None));
        // Another directory or file: not read here.
        assert_eq!(read(dir.path(), &["-C", "sub"]), None);
    }

    #[test]
    fn reads_cgo_from_exports_and_the_command_line() {
        let dir = makefile("export CGO_ENABLED ?= 0\n\nbuild:\n\tgo build -o app .\n");
        assert_eq!(
            read(dir.path(), &["build"]).flatten().and_then(|m| m.cgo),
            Some("0".into())
        );
        let dir = makefile("CGO_ENABLED ?= 0\n\nbuild:\n\tgo build -o app .\n");
        // Set but not exported: go never sees it.
        assert_eq!(
            read(dir.path(), &["build"]).flatten().and_then(|m| m.cgo),
            None
        );
        assert_eq!(
            read(dir.path(), &["build", "CGO_ENABLED=1"])
                .flatten()
                .and_then(|m| m.cgo),
            Some("1".into())
        );
        // Two builds that disagree: unknown.
        let dir = makefile("all:\n\tCGO_ENABLED=0 go build -o a ./a\n\tgo build -o b ./b\n");
        assert_eq!(read(dir.path(), &[]).flatten().and_then(|m| m.cgo), None);
        assert_eq!(read(Path::new("/nonexistent-dir"), &[]), None);
    }

    #[test]
    fn stamps_from_git_through_a_variable_that_names_git() {
        let makefile = "CMD_GIT ?= git\nLAST_GIT ?= $(shell $(CMD_GIT) rev-parse --short HEAD)\nVERSION ?= $(LAST_GIT)\nbuild:\n\tgo build -ldflags \"-X main.version=$(VERSION)\" .\n";
        assert!(stamps_from_git(makefile));
        assert!(!stamps_from_git(&makefile.replace("?= git", "?= echo")));
    }

    #[test]
    fn stamps_from_git_follows_a_version_script() {
        let makefile = "VERSION ?= $(shell ./scripts/git-version)\nbuild:\n\tgo build -ldflags \"-w -X main.version=$(VERSION)\" .\n";
        let script = |path: &str| {
            (path == "scripts/git-version").then(|| {
                "#!/bin/sh\nCOMMIT=`git rev-parse --short=8 HEAD`\necho $COMMIT\n".to_string()
            })
        };
        assert!(stamps_from_git_reading(makefile, &script));
        assert!(!stamps_from_git(makefile));
        let other = |_: &str| Some("#!/bin/sh\necho 1.0.0\n".to_string());
        assert!(!stamps_from_git_reading(makefile, &other));
    }

    #[test]
    fn stamps_from_git_reads_make_functions_in_braces() {
        let makefile = "TAG?=${shell git describe --tags}\nldflags=\"-X main.Version=$(TAG) -w -s\"\nall:\n\tgo build -ldflags $(ldflags) .\n";
        assert!(stamps_from_git(makefile));
    }

    #[test]
    fn stamps_from_git_follows_a_script_run_by_a_shell_into_the_script_it_runs() {
        let makefile = "app:\n\tgo build -o bin/app $(shell bash gen_ldflags.sh bin/app example.org/app/core)\n";
        let scripts = |path: &str| match path {
            "gen_ldflags.sh" => Some(
                "#!/bin/bash\nROOT=\"$(pwd)\"\n${ROOT}/gen_version.sh > buildinfo\n".to_string(),
            ),
            "gen_version.sh" => {
                Some("#!/bin/bash\nREV=$(git rev-parse HEAD)\necho \"rev $REV\"\n".to_string())
            }
            _ => None,
        };
        assert!(stamps_from_git_reading(makefile, &scripts));
        let quiet = |path: &str| {
            (path == "gen_ldflags.sh").then(|| "#!/bin/bash\necho -s -w\n".to_string())
        };
        assert!(!stamps_from_git_reading(makefile, &quiet));
    }

    #[test]
    fn stamps_from_git_follows_a_recipes_build_script() {
        let makefile = "binaries:\n\tWHAT=daemon hack/build-go.sh\n";
        let script = |path: &str| {
            (path == "hack/build-go.sh").then(|| {
                "#!/bin/sh\nV=$(git describe --always)\nGLDFLAGS+=\"-X main.version=${V}\"\ngo build -ldflags \"${GLDFLAGS}\" .\n".to_string()
            })
        };
        assert!(stamps_from_git_reading(makefile, &script));
        let plain = |_: &str| Some("#!/bin/sh\ngo build .\n".to_string());
        assert!(!stamps_from_git_reading(makefile, &plain));
    }

    #[test]
    fn stamps_from_git_follows_the_variable_to_the_linker() {
        use super::stamps_from_git;
        assert!(stamps_from_git(
            "COMMIT := $(shell git rev-parse HEAD)\nbuild:\n\tgo build -ldflags \"-X main.commit=$(COMMIT)\" .\n"
        ));
        assert!(stamps_from_git(
            "V := $(shell git describe)\nFLAGS := -X main.v=$(V)\nbuild:\n\tgo build -ldflags \"$(FLAGS)\"\n"
        ));
        assert!(stamps_from_git(
            "go build -ldflags \"-X main.v=$(git describe --tags)\" ."
        ));
        assert!(!stamps_from_git(
            "REVISION := $(shell git rev-parse HEAD)\nimage:\n\tdocker build --label rev=${REVISION} .\nbuild:\n\tgo build -ldflags \"-s -w\" .\n"
        ));
        assert!(!stamps_from_git("# V := $(shell git describe)\n"));
        // Through several assignments, as a version suffix.
        assert!(stamps_from_git(
            "SHA=$(shell git rev-parse --short HEAD)\nVERSION?=0.0.0\nclean_sha := $(strip ${SHA})\nVERSION:=${VERSION}+git-${clean_sha}\nbuild:\n\tgo build -ldflags \"-s -w -X main.Version=${VERSION}\" .\n"
        ));
        assert!(!stamps_from_git(
            "SHA=$(shell git rev-parse --short HEAD)\nclean_sha := $(strip ${SHA})\nTAG:=app:${clean_sha}\nimage:\n\tdocker build -t $(TAG) .\nbuild:\n\tgo build -ldflags \"-s -w\" .\n"
        ));
    }
}
