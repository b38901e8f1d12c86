//! Our parser against BuildKit's own parser test files (Apache-2.0, see the README beside them):
//! every positive case must dump exactly as BuildKit's `result`, every negative case must be
//! reported as an error.
//!
//! The files are not ours, so they are not in this repository or its package. They are read from
//! the folder named by `GOPHERLINT_CONFORMANCE_DIR`, or else from `../shared/conformance/
//! buildkit-parser` beside the clone. Where neither exists the tests say so on stderr and check
//! nothing; under CI (`CI` set) a missing folder fails them, since CI always has the files.
//!
//! Two negative cases are BuildKit parser errors that we report as GL000 diagnostics without
//! stopping: `ENV name` with no value (the instruction is skipped, the rest is read) and a file
//! with no instructions. BuildKit's parser accepts unknown flags (`COPY --user=me` in the
//! `flags` case) and leaves them to its instruction layer; our dump matches the parser, and the
//! validation step reports them as GL000 like the instruction layer would.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// The folder holding `testfiles/` and `testfiles-negative/`, or `None` (after saying so) when
/// it is absent outside CI.
fn conformance_dir() -> Option<PathBuf> {
    let (dir, source) = match std::env::var_os("GOPHERLINT_CONFORMANCE_DIR") {
        Some(dir) => (PathBuf::from(dir), "GOPHERLINT_CONFORMANCE_DIR"),
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser"),
            "the default",
        ),
    };
    if dir.join("testfiles").is_dir() && dir.join("testfiles-negative").is_dir() {
        return Some(dir);
    }
    let message = format!(
        "BuildKit's parser test files were not found at {} ({source}); \
         set GOPHERLINT_CONFORMANCE_DIR to the folder that holds testfiles/ and testfiles-negative/",
        dir.display()
    );
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    assert!(!in_ci, "{message}");
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to stderr, not eprintln!: the test harness captures eprintln! of passing
        // tests, and a skipped conformance check must be visible in every run.
        let _ = writeln!(
            std::io::stderr().lock(),
            "conformance: SKIPPED, nothing checked. {message}"
        );
    });
    None
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read conformance dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn positive_cases_match_buildkit_dump() {
    let Some(dir) = conformance_dir() else { return };
    let dir = dir.join("testfiles");
    let cases = cases(&dir);
    assert_eq!(cases.len(), 33, "expected BuildKit's 33 positive cases");
    let mut failures = Vec::new();
    for case in &cases {
        let bytes = fs::read(case.join("Dockerfile")).expect("read Dockerfile");
        let text = String::from_utf8(bytes).expect("conformance files are UTF-8");
        let expected = fs::read_to_string(case.join("result")).expect("read result");
        let file = gopherlint::syntax::parse(&text);
        let actual = gopherlint::syntax::dump(&file);
        if actual.trim_end() != expected.trim_end() {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- actual\n{}",
                case.display(),
                expected.trim_end(),
                actual.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn negative_cases_are_reported() {
    let Some(dir) = conformance_dir() else { return };
    let dir = dir.join("testfiles-negative");
    let cases = cases(&dir);
    assert_eq!(cases.len(), 4, "expected BuildKit's 4 negative cases");
    for case in &cases {
        let text = fs::read_to_string(case.join("Dockerfile")).expect("read Dockerfile");
        let file = gopherlint::syntax::parse(&text);
        assert!(
            !file.errors.is_empty(),
            "{} must be reported as an error",
            case.display()
        );
    }
}
