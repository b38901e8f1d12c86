//! The rule registry and engine. Each rule lives in its own file (`glNNN.rs`) with its
//! metadata and check; its documentation is `rules/<CODE>.md`, embedded in the binary. Adding
//! a rule adds one name to `registry!` below, from which the modules and `RULES` both come.

mod context;
mod flag_edits;
mod per_run;
mod removal;
mod rule;
mod text;

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;

pub use context::{Context, RuleSettings};
use rule::declare_rule;
pub use rule::{
    ALL_CLASSES, Covered, Covers, FixAvailability, GO_BINARY, HARDENING, LINKED_BINARY, MAINTAINED,
    NOT_EXAMPLES, RUNTIME, Rule, SERVICE,
};

/// Declares the rule modules and `RULES` from one list.
macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in code order.
        pub const RULES: &[&Rule] = &[$(&$module::RULE),*];
    };
}

registry!(
    gl000, gl001, gl002, gl003, gl004, gl005, gl006, gl101, gl102, gl103, gl104, gl105, gl106,
    gl107, gl108, gl201, gl202, gl203, gl204, gl205, gl206, gl207, gl208, gl209, gl210, gl211,
    gl212, gl213, gl214, gl301, gl302, gl303, gl304, gl305, gl401, gl402, gl403, gl404, gl405,
    gl900,
);

/// GL000, which the decoder and parser report through.
pub const PARSE_ERROR: &Rule = &gl000::RULE;
/// GL900, which the suppression layer reports.
pub const UNUSED_IGNORE: &Rule = &gl900::RULE;

/// A rule by code (`GL003`, any case) or name (`unstripped-binary`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// A set of rules: the ones a run enables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet(HashSet<&'static Rule>);

impl RuleSet {
    pub fn contains(&self, rule: &Rule) -> bool {
        self.0.contains(rule)
    }

    pub fn remove(&mut self, rule: &Rule) {
        self.0.remove(rule);
    }
}

impl FromIterator<&'static Rule> for RuleSet {
    fn from_iter<I: IntoIterator<Item = &'static Rule>>(rules: I) -> RuleSet {
        RuleSet(rules.into_iter().collect())
    }
}

/// Runs every enabled rule that applies to the image's class, then lets each rule that
/// reported cover what it declares of other rules' results.
pub fn check_all(ctx: &Context, enabled: &dyn Fn(&Rule) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if !enabled(rule) || !rule.applies(ctx.model) {
            continue;
        }
        let start = out.len();
        (rule.check)(ctx, &mut out);
        drop_side_stage_findings(ctx, rule, &mut out, start);
    }
    apply_coverage(&mut out);
    out
}

/// Drops a rule's findings in a stage that only a side target needs (`delve-builder` for
/// `image-debug`) when the rule does not apply to that target's class: the stage belongs to
/// the debug or test image, not to the image the rule judged.
fn drop_side_stage_findings(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>, start: usize) {
    if out.len() == start || rule.applies_to.len() == crate::model::ImageClass::ALL.len() {
        return;
    }
    let model = ctx.model;
    let mut position = 0;
    out.retain(|d| {
        position += 1;
        if position <= start {
            return true;
        }
        let side = model
            .instruction_at(d.range.start)
            .and_then(|i| model.stage_of[i])
            .and_then(|s| model.side_stage_class(s));
        side.is_none_or(|class| rule.applies_to.contains(&class))
    });
}

/// Drops the findings, or the fixes, that a reporting rule covers.
fn apply_coverage(diagnostics: &mut Vec<Diagnostic>) {
    let covering: Vec<&Covers> = RULES
        .iter()
        .filter(|rule| diagnostics.iter().any(|d| d.rule == **rule))
        .flat_map(|rule| rule.covers)
        .collect();
    for covers in covering {
        match covers.what {
            Covered::Findings => diagnostics.retain(|d| d.code() != covers.rule),
            Covered::Fixes => diagnostics
                .iter_mut()
                .filter(|d| d.code() == covers.rule)
                .for_each(|d| d.fix = None),
        }
    }
}

/// The help that ties core rules to the Gopherfile pattern.
pub(crate) const GOPHERFILE_HINT: &str = "(the Gopherfile pattern: `gopherlint --explain GL001`)";
