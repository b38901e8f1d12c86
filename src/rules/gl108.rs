//! GL108 runtime-stage-on-build-platform: the shipped image is built for the build machine.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::TextRange;
use crate::syntax::Keyword;

declare_rule! {
    GL108 "runtime-stage-on-build-platform", Error, fix: Safe, applies: RUNTIME, linux: true,
    "The shipped stage's FROM has `--platform=$BUILDPLATFORM`"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // `scratch` has no files, and distroless/chainguard static no executables or libraries,
    // of any platform: with no RUN, nothing of the build machine's runs in the image (BuildKit
    // still labels it with the target platform).
    let Some(final_stage) = model.final_stage() else {
        return;
    };
    let platform_neutral = final_stage.facts.is_platform_neutral();
    let runs = model
        .chain_instructions(final_stage.index)
        .iter()
        .any(|&i| model.instruction(i).keyword == Keyword::Run);
    if platform_neutral && !runs {
        return;
    }
    for &stage in model.final_chain() {
        let from = model.instruction(model.stages[stage].from);
        let Some(flag) = from.flag("platform") else {
            continue;
        };
        let value = flag.value.as_deref().unwrap_or("");
        if !value.contains("BUILDPLATFORM") {
            continue;
        }
        // The flag and the blank after it.
        let after = ctx.text[flag.range.end..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        let fix = Fix::new(
            "remove `--platform`",
            Applicability::Safe,
            vec![Edit::replace(
                TextRange::new(flag.range.start, flag.range.end + after),
                "",
            )],
        );
        let shipped = if stage == model.final_stage.unwrap_or(stage) {
            "the shipped stage"
        } else {
            "a stage the shipped image is built FROM"
        };
        out.push(
            ctx.report(
                &RULE,
                flag.range,
                format!(
                    "{shipped} is built on the build machine's platform (`{value}`), not the target's: its base image's programs and libraries are the builder's architecture on every target"
                ),
            )
            .with_help("keep `--platform=$BUILDPLATFORM` on the stages that compile (cross-compiling with `GOOS=$TARGETOS GOARCH=$TARGETARCH`) and leave it off the stage that ships")
            .with_fix(Some(fix)),
        );
    }
}
