//! Our parser against BuildKit's own parser test files (a copy of
//! shared/conformance/buildkit-parser in fixtures/buildkit-parser, Apache-2.0, see its README):
//! every positive case must dump exactly as BuildKit's `result`, every negative case must be
//! reported as an error.
//!
//! Two negative cases are BuildKit parser errors that we report as GL000 diagnostics without
//! stopping: `ENV name` with no value (the instruction is skipped, the rest is read) and a file
//! with no instructions. BuildKit's parser accepts unknown flags (`COPY --user=me` in the
//! `flags` case) and leaves them to its instruction layer; our dump matches the parser, and the
//! validation step reports them as GL000 like the instruction layer would.

use std::fs;
use std::path::{Path, PathBuf};

fn conformance_dir() -> PathBuf {
    let dir = std::env::var_os("GOPHERLINT_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/buildkit-parser"));
    assert!(
        dir.join("testfiles").is_dir(),
        "BuildKit conformance files not found at {} (set GOPHERLINT_CONFORMANCE_DIR)",
        dir.display()
    );
    dir
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
    let dir = conformance_dir().join("testfiles");
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
    let dir = conformance_dir().join("testfiles-negative");
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
