//! GL000 parse-error: the parser's errors, as diagnostics.

use super::{Context, FixAvailability, Rule};
use crate::diagnostic::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    code: "GL000",
    name: "parse-error",
    severity: Severity::Error,
    summary: "The file cannot be read as a Dockerfile at this place",
    applies_to: super::ALL_CLASSES,
    linux_only: false,
    fix: FixAvailability::None,
    doc: include_str!("../../rules/GL000.md"),
    covers: &[],
    check,
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for error in &ctx.model.file.errors {
        out.push(
            ctx.report(&RULE, error.range, error.message.clone())
                .with_help("BuildKit rejects this; fix it before other findings can be trusted"),
        );
    }
}
