//! GL900 unused-ignore: an ignore comment that silences nothing. The suppression layer
//! (src/suppress.rs) reports it, since only it knows what each comment silenced; this entry
//! gives the rule its code, metadata and documentation.

use super::{Context, FixAvailability, Rule};
use crate::diagnostic::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    code: "GL900",
    name: "unused-ignore",
    severity: Severity::Info,
    summary: "An ignore comment silences nothing, or names no known rule",
    applies_to: super::ALL_CLASSES,
    linux_only: false,
    fix: FixAvailability::Safe,
    doc: include_str!("../../rules/GL900.md"),
    covers: &[],
    check: reported_by_suppression,
};

/// Findings come from `suppress::apply`, after all other rules ran.
fn reported_by_suppression(_: &Context, _: &mut Vec<Diagnostic>) {}
