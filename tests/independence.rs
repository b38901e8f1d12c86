//! Rules stand alone: a rule's findings and fixes depend only on the file, its context and the
//! rule's own settings. "This finding covers that one" is metadata (`Rule::covers`) that the
//! engine applies only when the covering rule is enabled and reports. So a rule run alone gives
//! at least what the full run gives for it. GL900 is the one exception by design: an ignore
//! comment for a rule that did not run cannot be called unused.

use std::fs;
use std::path::{Path, PathBuf};

use gopherlint::diagnostic::Diagnostic;
use gopherlint::rules::{RULES, Rule, RuleSet};
use gopherlint::{LintOptions, lint};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for dir in [root.join("rules"), root.join("fixes"), root.clone()] {
        for entry in fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_file() && !name.ends_with(".fixed") && !name.ends_with(".md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn only(rules: impl IntoIterator<Item = &'static Rule>) -> LintOptions {
    LintOptions {
        enabled: Some(rules.into_iter().collect::<RuleSet>()),
        ..LintOptions::default()
    }
}

fn rule(code: &str) -> &'static Rule {
    gopherlint::rules::find(code).expect("a rule")
}

/// Where, what and how bad: a finding apart from its fix.
fn key(d: &Diagnostic) -> (usize, usize, String, gopherlint::diagnostic::Severity) {
    (d.range.start, d.range.end, d.message.clone(), d.severity)
}

#[test]
fn every_rule_alone_reports_what_the_full_run_reports() {
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(files.len() > 150, "{} fixtures", files.len());
    for path in &files {
        let text = fs::read_to_string(path).expect("read fixture");
        let full = lint(&text, &LintOptions::default()).expect("lint");
        for &rule in RULES.iter().filter(|r| r.code != "GL900") {
            let alone = lint(&text, &only([rule])).expect("lint");
            for finding in full.iter().filter(|d| d.rule == rule) {
                let found = alone.iter().find(|d| key(d) == key(finding));
                let fix_kept = |d: &&Diagnostic| finding.fix.is_none() || d.fix == finding.fix;
                if !found.is_some_and(|d| fix_kept(&d)) {
                    failures.push(format!(
                        "{}: {} alone lacks `{}`{}",
                        path.display(),
                        rule.code,
                        finding.message,
                        if found.is_some() { " (its fix)" } else { "" }
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gl001_covers_gl005s_fix_only_when_it_reports() {
    // A server (it EXPOSEs a port) with no USER: GL005 reports it.
    let text = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/server .\nEXPOSE 8080\nENTRYPOINT [\"/bin/server\"]\n";
    let gl005 = |options: &LintOptions| {
        lint(text, options)
            .expect("lint")
            .into_iter()
            .find(|d| d.code() == "GL005")
            .expect("GL005 reports")
    };
    assert!(
        gl005(&LintOptions::default()).fix.is_none(),
        "GL001's rewrite sets the user"
    );
    let without_gl001 = only(RULES.iter().copied().filter(|r| r.code != "GL001"));
    assert!(
        gl005(&without_gl001).fix.is_some(),
        "--ignore GL001 keeps GL005's fix"
    );
}

#[test]
fn gl002_alone_reports_a_golang_final_image() {
    let text = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /bin/server .\nENTRYPOINT [\"/bin/server\"]\n";
    let codes = |options: &LintOptions| -> Vec<&str> {
        lint(text, options)
            .expect("lint")
            .iter()
            .map(Diagnostic::code)
            .collect()
    };
    let all = codes(&LintOptions::default());
    assert!(all.contains(&"GL001") && !all.contains(&"GL002"), "{all:?}");
    let alone = lint(text, &only([rule("GL002")])).expect("lint");
    assert_eq!(alone.len(), 1, "{alone:?}");
    // The stage compiles: changing its base would break the build, so there is no fix.
    assert!(alone[0].fix.is_none());
    assert!(alone[0].message.contains("`golang:1.23`"));
}

#[test]
fn covers_name_rules_that_exist() {
    for rule in RULES {
        for covers in rule.covers {
            let covered = gopherlint::rules::find(covers.rule);
            assert!(
                covered.is_some_and(|c| c.code != rule.code),
                "{} covers `{}`",
                rule.code,
                covers.rule
            );
        }
    }
}

/// A rule module reads the model and knowledge, and shares edit and text helpers; it never
/// calls another rule.
#[test]
fn no_rule_module_uses_another() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut checked = 0;
    for entry in fs::read_dir(&dir).expect("src/rules") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if !is_rule_module(&name) {
            continue;
        }
        let text = fs::read_to_string(&path).expect("read");
        for other in RULES.iter().map(|r| r.code.to_ascii_lowercase()) {
            if other != name {
                assert!(
                    !text.contains(&format!("{other}::")),
                    "{name}.rs uses {other}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, RULES.len(), "one module per rule");
}

fn is_rule_module(name: &str) -> bool {
    name.len() == 5 && name.starts_with("gl") && name[2..].bytes().all(|b| b.is_ascii_digit())
}

/// A rule is declared once: its module's name, its first doc line and its doc's header all
/// come from the `RULE` it declares.
#[test]
fn each_rule_file_is_its_declaration() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    for rule in RULES {
        let module = dir.join(format!("{}.rs", rule.code.to_ascii_lowercase()));
        let text =
            fs::read_to_string(&module).unwrap_or_else(|e| panic!("{}: {e}", module.display()));
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with(&format!("//! {} {}: ", rule.code, rule.name)),
            "{}: first line `{first}` must be `//! {} {}: ...`",
            module.display(),
            rule.code,
            rule.name
        );
    }
}
