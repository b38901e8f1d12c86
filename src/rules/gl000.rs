//! GL000 parse-error: the parser's errors, as diagnostics.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    GL000 "parse-error", Error, fix: None, applies: ALL_CLASSES, linux: false,
    "The file cannot be read as a Dockerfile at this place"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for error in &ctx.model.file.errors {
        out.push(
            ctx.report(&RULE, error.range, error.message.clone())
                .with_help("BuildKit rejects this; fix it before other findings can be trusted"),
        );
    }
}
