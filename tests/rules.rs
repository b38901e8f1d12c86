//! A snapshot per rule, as ruff keeps them: the rule's fixtures (`fixtures/rules/<CODE>-*`) and
//! its doc's Bad examples, each linted with that rule alone, rendered as users see them
//! (message, labels, help, the fix's preview) and with each fix as a diff. A change to a rule's
//! wording or fix shows in its own snapshot, and in no other rule's.

mod common;

use std::fs;
use std::path::Path;

use common::{examples, options_for};
use gopherlint::output::{FileReport, Format, render};
use gopherlint::rules::{RULES, Rule};
use gopherlint::{LintOptions, lint_result};

/// One input linted with `rule` alone, as it renders. GL900 judges what the other rules
/// report, so it runs with all of them and only its own findings are kept.
fn rendered(rule: &'static Rule, name: &str, text: &str, options: &LintOptions) -> String {
    let alone = rule != gopherlint::rules::UNUSED_IGNORE;
    let options = LintOptions {
        enabled: alone.then(|| [rule].into_iter().collect()),
        ..options.clone()
    };
    let mut result = lint_result(text, &options).expect("lint");
    result.diagnostics.retain(|d| d.rule == rule);
    let mut out = format!("## {name}\n");
    if result.diagnostics.is_empty() {
        out.push_str("(nothing)\n\n");
        return out;
    }
    let report = FileReport {
        path: name.to_string(),
        text: text.to_string(),
        diagnostics: result.diagnostics,
        class: Some(result.class),
    };
    let human = render(
        Format::Human { color: false },
        std::slice::from_ref(&report),
    )
    .expect("render");
    out.push_str(&human);
    for d in &report.diagnostics {
        if let Some(fix) = &d.fix {
            let fixed = fix.apply_to(text);
            out.push_str(&format!(
                "\n{:?} fix of {}: {}\n",
                fix.applicability,
                d.code(),
                fix.title
            ));
            out.push_str(&gopherlint::fix::unified_diff(name, text, &fixed));
        }
    }
    out.push('\n');
    out
}

#[test]
fn each_rule_renders_its_fixtures_and_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<_> = fs::read_dir(root.join("fixtures/rules"))
        .expect("fixtures/rules")
        .map(|e| e.expect("entry").path())
        .collect();
    fixtures.sort();
    for &rule in RULES {
        let mut out = String::new();
        for path in &fixtures {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.starts_with(&format!("{}-", rule.code)) {
                continue;
            }
            let text = fs::read_to_string(path).expect("read fixture");
            out.push_str(&rendered(rule, name, &text, &LintOptions::default()));
        }
        let options = options_for(rule.doc, "Bad");
        for (i, example) in examples(rule.doc, "Bad").into_iter().enumerate() {
            let name = format!("{}.md Bad example {}", rule.code, i + 1);
            out.push_str(&rendered(rule, &name, example, &options));
        }
        insta::assert_snapshot!(rule.code, out);
    }
}
