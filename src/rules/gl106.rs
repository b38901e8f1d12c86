//! GL106 healthcheck-tool-missing: the health check runs a program the image does not have.

use super::text::did_you_mean;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::syntax::Args;

declare_rule! {
    GL106 "healthcheck-tool-missing", Error, fix: None, applies: RUNTIME, linux: true,
    "The HEALTHCHECK runs a program the image does not contain"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(index) = model.healthcheck() else {
        return;
    };
    let Args::Healthcheck { command, .. } = &model.instruction(index).args else {
        return;
    };
    let Args::Exec(exec) = command.as_ref() else {
        return;
    };
    let Some((first, program)) = model.absent_program(exec) else {
        return;
    };
    let start = model
        .start_command()
        .and_then(|s| s.first().cloned())
        .unwrap_or_else(|| "/server".to_string());
    out.push(
        ctx.report(
            &RULE,
            first.range,
            format!(
                "the HEALTHCHECK runs `{program}`, which the image does not contain: every check fails and the container is marked unhealthy"
            ),
        )
        .with_help(format!(
            "give the service a health subcommand or flag and check with it, e.g. `HEALTHCHECK CMD [\"{start}\", \"healthcheck\"]`; {}",
            did_you_mean(model.final_fs(), &program)
        )),
    );
}
