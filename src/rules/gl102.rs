//! GL102 entrypoint-not-in-image: the program the image starts is not in it.

use super::text::did_you_mean;
use super::{Context, FixAvailability, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::Args;

pub const RULE: Rule = Rule {
    code: "GL102",
    name: "entrypoint-not-in-image",
    severity: Severity::Error,
    summary: "The exec-form ENTRYPOINT/CMD names a program the image does not contain",
    applies_to: super::RUNTIME,
    linux_only: true,
    fix: FixAvailability::None,
    doc: include_str!("../../rules/GL102.md"),
    covers: &[],
    check,
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let fs = model.final_fs();
    if !fs.known {
        return;
    }
    let (entrypoint, cmd) = model.start_instructions();
    let Some(index) = entrypoint.or(cmd) else {
        return;
    };
    let instruction = model.instruction(index);
    let Args::Exec(exec) = &instruction.args else {
        return;
    };
    let Some((first, program)) = model.absent_program(exec) else {
        return;
    };
    let keyword = instruction.keyword_text.to_ascii_uppercase();
    out.push(
        ctx.report(
            &RULE,
            first.range,
            format!(
                "`{keyword}` starts `{program}`, which nothing puts in the image: the container fails with \"exec {program}: no such file or directory\""
            ),
        )
        .with_help(did_you_mean(fs, &program)),
    );
}
