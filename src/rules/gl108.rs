//! GL108 runtime-stage-on-build-platform: the shipped image is built for the build machine.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::TextRange;
use crate::model::ImageClass;
use crate::syntax::{Args, Keyword};
use crate::paths;
use crate::knowledge::shells;

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
    // An example that runs only its own static Go binary works on every target: the builder's
    // programs it carries are never started, and it is not shipped for anyone to open a shell
    // in.
    if model.purpose.class == ImageClass::Example && runs_only_its_static_binary(ctx) {
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

/// The image starts, in exec form, a Go binary built in this file with cgo off, installs no
/// packages and checks its health with nothing of the base: no program or library of the base
/// is ever run.
fn runs_only_its_static_binary(ctx: &Context) -> bool {
    let model = ctx.model;
    let builds: Vec<_> = model.shipped_builds().collect();
    let static_builds = !builds.is_empty()
        && model.opaque_go_copies().is_empty()
        && builds.iter().all(|b| b.cgo.disabled());
    let exec_form_only = model
        .chain_instructions(model.final_stage.unwrap_or(0))
        .iter()
        .map(|&i| model.instruction(i))
        .all(|i| match i.keyword {
            Keyword::Cmd | Keyword::Entrypoint => !matches!(i.args, Args::Shell(_)),
            Keyword::Healthcheck => false,
            _ => true,
        });
    let starts_own = model.start_command().and_then(|s| s.first()).is_some_and(|program| {
        !shells::is_posix_shell(paths::basename(program))
            && builds
                .iter()
                .filter_map(|b| b.output.as_ref())
                .any(|o| paths::basename(&o.text) == paths::basename(program))
    });
    static_builds && exec_form_only && starts_own && model.final_installed_packages().is_empty()
}
