//! GL102 entrypoint-not-in-image: the program the image starts is not in it.

use super::text::did_you_mean;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::syntax::Args;

declare_rule! {
    GL102 "entrypoint-not-in-image", Error, fix: None, applies: RUNTIME, linux: true,
    "The exec-form ENTRYPOINT/CMD names a program the image does not contain"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
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
        .with_help(did_you_mean(model.final_fs(), &program)),
    );
}
