//! Rule documentation is executable: every rule has `rules/<CODE>.md` with the fixed sections;
//! each `## Bad` example reports that rule exactly once and each `## Good` example not at all.
//! Also the house style of messages (lowercase start, no trailing period).

use std::fs;
use std::path::Path;

mod common;

use common::{examples, options_for};
use gopherlint::rules::RULES;
use gopherlint::{LintOptions, lint};

const SECTIONS: &[&str] = &[
    "## What it does",
    "## When it applies",
    "## Why is this bad?",
    "## Bad",
    "## Good",
    "## Fix safety",
];

#[test]
fn every_rule_has_a_complete_doc() {
    for rule in RULES {
        assert!(
            rule.doc
                .starts_with(&format!("# {} {}\n", rule.code, rule.name)),
            "{}: doc must start with `# {} {}`",
            rule.code,
            rule.code,
            rule.name
        );
        for section in SECTIONS {
            assert!(
                rule.doc.contains(section),
                "{}: missing `{section}`",
                rule.code
            );
        }
    }
}

/// The doc's header names the image classes the rule declares, in words.
#[test]
fn docs_state_the_classes_each_rule_applies_to() {
    for rule in RULES {
        let header = rule.doc.lines().nth(2).unwrap_or("");
        let expected = match rule.scope().as_str() {
            "all" => "Applies to: all files".to_string(),
            "service" => "Applies to: service images".to_string(),
            other if other.starts_with("all but ") => {
                let classes: Vec<&str> = other["all but ".len()..].split(", ").collect();
                match classes.split_last().expect("a class") {
                    (only, []) => format!("Applies to: all files but {only} images"),
                    (last, rest) => format!(
                        "Applies to: all files but {} and {last} images",
                        rest.join(", ")
                    ),
                }
            }
            other => {
                let classes: Vec<&str> = other.split(", ").collect();
                let (last, rest) = classes.split_last().expect("a class");
                format!("Applies to: {} and {last} images", rest.join(", "))
            }
        };
        assert!(
            header.contains(&expected),
            "{}: header `{header}` should say `{expected}`",
            rule.code
        );
    }
}

/// The doc's header states the severity and fix the rule declares.
#[test]
fn docs_state_the_declared_severity_and_fix() {
    use gopherlint::rules::FixAvailability;
    for rule in RULES {
        let header = rule.doc.lines().nth(2).unwrap_or("");
        let severity = header
            .strip_prefix("Severity: ")
            .unwrap_or_else(|| panic!("{}: header `{header}`", rule.code));
        assert!(
            severity.starts_with(rule.severity.as_str()),
            "{}: header `{header}` should start with `Severity: {}`",
            rule.code,
            rule.severity
        );
        let fix = header.rsplit(" · Fix: ").next().unwrap_or("");
        let states = match rule.fix {
            FixAvailability::Sometimes => fix.starts_with("safe") && fix.ends_with("or unsafe"),
            other => fix == other.as_str(),
        };
        assert!(
            states,
            "{}: header `{header}` should say `Fix: {}`",
            rule.code,
            rule.fix.as_str()
        );
    }
}

#[test]
fn doc_files_and_registry_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<String> = fs::read_dir(dir)
        .expect("rules/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = RULES.iter().map(|r| format!("{}.md", r.code)).collect();
    expected.sort();
    assert_eq!(
        files, expected,
        "every rules/*.md belongs to one registered rule"
    );
}

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    for rule in RULES {
        let bad = examples(rule.doc, "Bad");
        let good = examples(rule.doc, "Good");
        assert!(
            !bad.is_empty() && !good.is_empty(),
            "{}: needs Bad and Good examples",
            rule.code
        );
        for example in bad {
            let found = lint(example, &options_for(rule.doc, "Bad")).expect("lint");
            let hits = found.iter().filter(|d| d.code() == rule.code).count();
            assert_eq!(
                hits, 1,
                "{}: Bad example must report it once:\n{example}\n{found:#?}",
                rule.code
            );
        }
        for example in good {
            let found = lint(example, &options_for(rule.doc, "Good")).expect("lint");
            let hits: Vec<_> = found.iter().filter(|d| d.code() == rule.code).collect();
            assert!(
                hits.is_empty(),
                "{}: Good example must not report it:\n{example}\n{hits:#?}",
                rule.code
            );
        }
    }
}

#[test]
fn core_good_examples_are_clean() {
    // A Good example shows the whole pattern: no warning or error of any rule.
    for rule in RULES.iter().filter(|r| r.code != "GL000") {
        for example in examples(rule.doc, "Good") {
            let found = lint(example, &options_for(rule.doc, "Good")).expect("lint");
            let serious: Vec<_> = found
                .iter()
                .filter(|d| d.severity >= gopherlint::diagnostic::Severity::Warning)
                .map(|d| format!("{} {}", d.code(), d.message))
                .collect();
            assert!(
                serious.is_empty(),
                "{}: Good example has {serious:?}",
                rule.code
            );
        }
    }
}

#[test]
fn messages_follow_the_house_style() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut checked = 0;
    for entry in fs::read_dir(root).expect("fixtures/rules") {
        let text = fs::read_to_string(entry.expect("entry").path()).expect("read");
        for d in lint(&text, &LintOptions::default()).expect("lint") {
            checked += 1;
            let first = d.message.chars().next().unwrap_or(' ');
            assert!(
                first.is_lowercase() || first == '`',
                "{}: message must start lowercase: {}",
                d.code(),
                d.message
            );
            assert!(
                !d.message.ends_with('.'),
                "{}: no trailing period: {}",
                d.code(),
                d.message
            );
            if let Some(fix) = &d.fix {
                let first = fix.title.chars().next().unwrap_or(' ');
                assert!(
                    first.is_lowercase(),
                    "{}: fix title is imperative lowercase: {}",
                    d.code(),
                    fix.title
                );
            }
        }
    }
    assert!(checked > 20);
}

#[test]
fn example_fixes_produce_the_documented_result() {
    let mut checked = 0;
    for rule in RULES {
        let examples = examples(rule.doc, "Example fix");
        if examples.is_empty() {
            continue;
        }
        assert_eq!(
            examples.len(),
            2,
            "{}: Example fix needs a before and an after",
            rule.code
        );
        let outcome = gopherlint::fix::fix(
            examples[0],
            &LintOptions::default(),
            gopherlint::fix::FixMode::Unsafe,
        )
        .expect("fixes apply");
        assert_eq!(
            outcome.text, examples[1],
            "{}: the documented fix result",
            rule.code
        );
        checked += 1;
    }
    assert!(checked >= 1, "GL001 documents its rewrite");
}

#[test]
fn the_readme_shows_gl001_example_fix_as_documented() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let doc = gopherlint::rules::find("GL001").expect("GL001").doc;
    for block in examples(doc, "Example fix") {
        assert!(
            readme.contains(&format!("```dockerfile\n{block}```")),
            "README's Fixing example is out of date with rules/GL001.md:\n{block}"
        );
    }
}
