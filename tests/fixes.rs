//! Fixes. Every `fixtures/fixes/NAME.Dockerfile` has its exact expected result after `--fix`
//! (`NAME.fixed`) and after `--fix --unsafe-fixes` (`NAME.unsafe.fixed`), compared byte for
//! byte. Over every fixture: fixing converges, the result parses, a second fix changes nothing,
//! and unsafe fixes leave no core finding on a Go Dockerfile.
//!
//! `GOPHERLINT_UPDATE_FIXED=1 cargo test --test fixes` rewrites the expectations; review the
//! diff before committing.

use std::fs;
use std::path::{Path, PathBuf};

use gopherlint::fix::{FixError, FixMode, fix};
use gopherlint::{LintOptions, lint};

fn files_in(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn all_fixtures() -> Vec<PathBuf> {
    let mut files = files_in("fixtures/rules", ".Dockerfile");
    files.extend(files_in("fixtures/fixes", ".Dockerfile"));
    files.extend(files_in("fixtures", "Gopherfile"));
    files.extend(files_in("fixtures", "").into_iter().filter(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("Dockerfile."))
    }));
    files
}

#[test]
fn fixed_files_match_their_expectations() {
    let update = std::env::var_os("GOPHERLINT_UPDATE_FIXED").is_some();
    let sources = files_in("fixtures/fixes", ".Dockerfile");
    assert!(sources.len() >= 10);
    let mut failures = Vec::new();
    for source in &sources {
        let text = fs::read_to_string(source).expect("read");
        for (mode, suffix) in [(FixMode::Safe, "fixed"), (FixMode::Unsafe, "unsafe.fixed")] {
            let outcome = fix(&text, &LintOptions::default(), mode).expect("fixes apply");
            let expected_path = source.with_extension(suffix);
            if update {
                fs::write(&expected_path, &outcome.text).expect("write expectation");
                continue;
            }
            match fs::read_to_string(&expected_path) {
                Ok(expected) if expected == outcome.text => {}
                Ok(expected) => failures.push(format!(
                    "{}: differs from {}:\n{}",
                    source.display(),
                    expected_path.display(),
                    gopherlint::fix::unified_diff("expected", &expected, &outcome.text)
                )),
                Err(_) => failures.push(format!("{}: missing", expected_path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn line_endings_survive_fixes() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fixes/crlf.Dockerfile");
    let text = fs::read_to_string(source).expect("read");
    let fixed = fix(&text, &LintOptions::default(), FixMode::Unsafe)
        .expect("fix")
        .text;
    assert_ne!(fixed, text);
    assert_eq!(
        fixed.matches('\n').count(),
        fixed.matches("\r\n").count(),
        "{fixed:?}"
    );
}

#[test]
fn fixing_converges_parses_and_is_idempotent() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 45, "found {}", fixtures.len());
    let mut failures = Vec::new();
    for path in &fixtures {
        let text = fs::read_to_string(path).expect("read");
        for mode in [FixMode::Safe, FixMode::Unsafe] {
            let outcome = match fix(&text, &LintOptions::default(), mode) {
                Ok(outcome) => outcome,
                Err(FixError::ParseErrors) => continue,
                Err(e) => {
                    failures.push(format!("{} ({mode:?}): {e}", path.display()));
                    continue;
                }
            };
            let after = lint(&outcome.text, &LintOptions::default()).expect("lint");
            if after.iter().any(|d| d.code() == "GL000") {
                failures.push(format!(
                    "{} ({mode:?}): fixed file does not parse",
                    path.display()
                ));
            }
            let again = fix(&outcome.text, &LintOptions::default(), mode).expect("second fix");
            if again.text != outcome.text || again.applied != 0 {
                failures.push(format!(
                    "{} ({mode:?}): a second fix changed the file",
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unsafe_fixes_leave_no_core_finding_on_go_fixtures() {
    let mut failures = Vec::new();
    for path in all_fixtures() {
        let text = fs::read_to_string(&path).expect("read");
        let file = gopherlint::syntax::parse(&text);
        let Ok(model) = gopherlint::model::Model::build(&file, &text, &Default::default()) else {
            continue;
        };
        if !model.builds_go || !file.errors.is_empty() {
            continue;
        }
        let outcome = fix(&text, &LintOptions::default(), FixMode::Unsafe).expect("fix");
        // GL002 offers no fix where swapping the base alone would break the image (RUN steps
        // or shell-form commands that need a shell, a binary linked with cgo): those steps
        // move first, by hand. GL005 offers none where the file creates its user without an
        // id (any id the fix chose would own none of its files). GL001 offers none where cgo
        // is on on purpose (a scratch rewrite with `CGO_ENABLED=0` would drop what it links).
        // Any other core finding left, or a GL001, GL002 or GL005 left with a fix, is a fix
        // that did not converge.
        let core: Vec<String> = outcome
            .remaining
            .iter()
            .filter(|d| {
                matches!(
                    d.code(),
                    "GL001" | "GL002" | "GL003" | "GL004" | "GL005" | "GL006"
                ) && !(matches!(d.code(), "GL001" | "GL002" | "GL005") && d.fix.is_none())
            })
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect();
        if !core.is_empty() {
            failures.push(format!("{}: {core:?}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn files_with_parse_errors_are_never_fixed() {
    let text = "FROM golang:1.23\nFOO bar\nRUN go build -o /app .\n";
    assert_eq!(
        fix(text, &LintOptions::default(), FixMode::Unsafe).expect_err("refused"),
        FixError::ParseErrors
    );
}

/// The GL001 rewrite must produce an image that starts: after every fix, the single-stage
/// example has none of the core or runtime findings.
#[test]
fn the_single_stage_rewrite_gives_an_image_that_starts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/Dockerfile.single-stage");
    let text = fs::read_to_string(path).expect("read");
    let outcome = fix(&text, &LintOptions::default(), FixMode::Unsafe).expect("fix");
    let left: Vec<String> = outcome
        .remaining
        .iter()
        .filter(|d| d.code().starts_with("GL0") || d.code().starts_with("GL1"))
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    assert!(left.is_empty(), "{left:?}\n{}", outcome.text);
    assert!(outcome.text.contains("FROM scratch"), "{}", outcome.text);
}
