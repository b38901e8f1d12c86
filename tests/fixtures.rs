//! Fixture-driven rule tests. Every `fixtures/rules/*.Dockerfile` and `fixtures/Dockerfile.*`
//! states at its end what gopherlint must report, as `# expect: CODE SEVERITY LINE:COLUMN`
//! lines (or `# expect: nothing`); the test compares that with exactly what is reported. A
//! rule's own fixture (`GL003-bad-....Dockerfile`) is linted with that rule alone, so a new rule
//! changes no other rule's fixtures; the other fixtures (image classes, heredocs, platforms) are
//! scenarios linted with every rule. How the rules play together on every fixture is the
//! all-rules snapshot (`every_fixture_with_every_rule`).
//! `GOPHERLINT_UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the `# expect:` lines to
//! what is reported now; review the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use gopherlint::model::ImageClass;
use gopherlint::source::LineIndex;
use gopherlint::{LintOptions, lint, lint_result};

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("rules"))
        .expect("fixtures/rules")
        .map(|e| e.expect("entry").path())
        .chain(
            fs::read_dir(&root)
                .expect("fixtures")
                .map(|e| e.expect("entry").path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("Dockerfile."))
                }),
        )
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The rule a fixture belongs to, by its name (`GL003-bad-no-ldflags.Dockerfile`).
fn own_rule(path: &Path) -> Option<&'static gopherlint::rules::Rule> {
    let name = path.file_name()?.to_str()?;
    let code = name.get(..5)?;
    name[5..]
        .starts_with('-')
        .then(|| gopherlint::rules::find(code))
        .flatten()
}

/// A rule's fixture runs that rule alone; a scenario runs every rule.
fn options_for(path: &Path) -> LintOptions {
    match own_rule(path) {
        Some(rule) => LintOptions {
            enabled: Some([rule].into_iter().collect()),
            ..LintOptions::default()
        },
        None => LintOptions::default(),
    }
}

/// Every finding of every rule on every fixture, one line each: what the rules report together.
#[test]
fn every_fixture_with_every_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for path in fixture_files() {
        let text = fs::read_to_string(&path).expect("read fixture");
        let index = LineIndex::new(&text);
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let found = lint(&text, &LintOptions::default()).expect("lint");
        if found.is_empty() {
            out.push_str(&format!("{name}: nothing\n"));
        }
        for d in found {
            let pos = index.line_col(&text, d.range.start);
            let fix = match &d.fix {
                Some(fix) => format!(" [{:?} fix]", fix.applicability),
                None => String::new(),
            };
            out.push_str(&format!(
                "{name}:{}:{} {} {}{fix}\n",
                pos.line,
                pos.column,
                d.code(),
                d.severity
            ));
        }
    }
    insta::assert_snapshot!("all_rules", out);
}

fn expectations(text: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(str::to_string)
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(lines.into_iter().filter(|l| l != "nothing").collect())
}

#[test]
fn every_fixture_reports_exactly_what_it_states() {
    let files = fixture_files();
    assert!(
        files.len() >= 30,
        "expected the rule fixtures, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let text = fs::read_to_string(path).expect("read fixture");
        let Some(mut expected) = expectations(&text) else {
            failures.push(format!("{}: no `# expect:` lines", path.display()));
            continue;
        };
        let index = LineIndex::new(&text);
        let mut actual: Vec<String> = lint(&text, &options_for(path))
            .expect("lint")
            .iter()
            .map(|d| {
                let pos = index.line_col(&text, d.range.start);
                format!("{} {} {}:{}", d.code(), d.severity, pos.line, pos.column)
            })
            .collect();
        expected.sort();
        actual.sort();
        if expected != actual && std::env::var_os("GOPHERLINT_UPDATE_EXPECT").is_some() {
            fs::write(path, rewrite_expectations(&text, &actual)).expect("write fixture");
            continue;
        }
        if expected != actual {
            failures.push(format!(
                "{}:\n  expected: {expected:?}\n  actual:   {actual:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The text with its `# expect:` lines replaced by `actual`, where the first one stood.
fn rewrite_expectations(text: &str, actual: &[String]) -> String {
    let mut out = String::new();
    let mut written = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("# expect: ") {
            if !written {
                if actual.is_empty() {
                    out.push_str("# expect: nothing\n");
                }
                for finding in actual {
                    out.push_str(&format!("# expect: {finding}\n"));
                }
                written = true;
            }
            continue;
        }
        out.push_str(line);
    }
    out
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    let names: Vec<String> = fixture_files()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .collect();
    // Rules that need a build context have their fixtures as directories in
    // fixtures/context (checked by tests/context.rs and tests/gomaxprocs.rs) or build the
    // context in their test (GL210: a `.git` directory cannot be committed; GL301: a go.mod,
    // with and without go.sum and vendor/, in tests/build_speed.rs).
    let with_context = ["GL210", "GL212", "GL213", "GL301", "GL305"];
    for rule in gopherlint::rules::RULES {
        if matches!(rule.code, "GL000" | "GL900") || with_context.contains(&rule.code) {
            continue;
        }
        for kind in ["bad", "good"] {
            let prefix = format!("{}-{kind}-", rule.code);
            assert!(
                names.iter().any(|n| n.starts_with(&prefix)),
                "no fixture named {prefix}*"
            );
        }
    }
    let contexts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context");
    for dir in [
        "go-version-mismatch",
        "no-go-mod",
        "gomaxprocs-go124",
        "gomaxprocs-go125",
        "embedded-ca-roots",
        "start-script-builds",
    ] {
        assert!(
            contexts.join(dir).join("Dockerfile").is_file(),
            "fixtures/context/{dir}"
        );
    }
}

#[test]
fn the_seed_gopherfile_passes_the_core_rules() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/Gopherfile");
    let text = fs::read_to_string(path).expect("Gopherfile");
    let diagnostics = lint(&text, &LintOptions::default()).expect("lint");
    let core: Vec<_> = diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code(),
                "GL000" | "GL001" | "GL002" | "GL003" | "GL004" | "GL005" | "GL006"
            )
        })
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    assert!(core.is_empty(), "{core:?}");
}

#[test]
fn target_selects_the_shipped_stage() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/GL001-good-target-build-stage.Dockerfile");
    let text = fs::read_to_string(path).expect("fixture");
    // The build stage compiles and starts nothing: shipped as it is, it is a build image.
    let options = LintOptions {
        target: Some("BUILD".into()),
        ..LintOptions::default()
    };
    let result = lint_result(&text, &options).expect("lint");
    assert_eq!(result.class, ImageClass::Toolchain);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    // Said to be a service (config `[image] class`), it ships the toolchain: GL001.
    let service = LintOptions {
        class: Some(ImageClass::Service),
        ..options
    };
    let codes: Vec<_> = lint(&text, &service)
        .expect("lint")
        .iter()
        .map(|d| d.code())
        .collect();
    assert!(codes.contains(&"GL001"), "{codes:?}");
    // Without --target the scratch stage ships, and is a service.
    let last = lint_result(&text, &LintOptions::default()).expect("lint");
    assert_eq!(last.class, ImageClass::Service);
    let missing = LintOptions {
        target: Some("nope".into()),
        ..LintOptions::default()
    };
    let error = lint(&text, &missing).expect_err("unknown target");
    assert_eq!(error.to_string(), "no stage named `nope` (stages: build)");
}

#[test]
fn gl002_keeps_the_base_another_stage_is_built_on() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/GL002-good-stage-built-on-shipped.Dockerfile");
    let text = fs::read_to_string(path).expect("fixture");
    let release = LintOptions {
        target: Some("release".into()),
        ..LintOptions::default()
    };
    let codes = |text: &str| -> Vec<&'static str> {
        lint(text, &release)
            .expect("lint")
            .iter()
            .map(|d| d.code())
            .collect()
    };
    // `with-browser` runs apk on the release image: scratch or distroless would break it.
    assert!(!codes(&text).contains(&"GL002"), "{:?}", codes(&text));
    // A stage built on it that only copies files runs nothing there: the base can go.
    let copies_only = text.replace("RUN apk add --no-cache chromium", "COPY extra /extra");
    assert!(
        codes(&copies_only).contains(&"GL002"),
        "{:?}",
        codes(&copies_only)
    );
}

#[test]
fn allowed_bases_silence_gl002() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/GL002-bad-alpine-final.Dockerfile");
    let text = fs::read_to_string(path).expect("fixture");
    let mut options = LintOptions::default();
    options.rules.allowed_bases = vec!["alpine:3.20".into()];
    let codes: Vec<_> = lint(&text, &options)
        .expect("lint")
        .iter()
        .map(|d| d.code())
        .collect();
    assert!(!codes.contains(&"GL002"), "{codes:?}");
    options.rules.allowed_bases = vec!["alpine:3.19".into()];
    let codes: Vec<_> = lint(&text, &options)
        .expect("lint")
        .iter()
        .map(|d| d.code())
        .collect();
    assert!(codes.contains(&"GL002"), "{codes:?}");
}

#[test]
fn gl002_keeps_the_os_of_a_binary_that_links_a_c_library() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/GL002-good-links-a-c-library.Dockerfile");
    let text = fs::read_to_string(path).expect("fixture");
    let codes = |text: &str| -> Vec<&'static str> {
        lint(text, &LintOptions::default())
            .expect("lint")
            .iter()
            .map(|d| d.code())
            .collect()
    };
    assert!(!codes(&text).contains(&"GL002"), "{:?}", codes(&text));
    // Without the library's headers nothing says the binary links more than libc.
    let no_headers = text.replace("liblz4-dev", "curl");
    assert!(
        codes(&no_headers).contains(&"GL002"),
        "{:?}",
        codes(&no_headers)
    );
}
