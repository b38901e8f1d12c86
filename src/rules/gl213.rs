//! GL213 gomaxprocs-hardcoded: `ENV GOMAXPROCS` in the final image of a service whose module
//! is at Go 1.25 or newer, where the runtime already follows the container's CPU limit.

use super::{Context, declare_rule};
use crate::context::Read;
use crate::diagnostic::Diagnostic;
use crate::knowledge::go_release::GoFeature;
use crate::model::{Certainty, Model};

declare_rule! {
    GL213 "gomaxprocs-hardcoded", Info, fix: None, applies: SERVICE, linux: true,
    "`ENV GOMAXPROCS` in the final image of a service whose go.mod is at Go 1.25 or newer"
}

/// Every Go binary the final image ships is built here from the context's module, which a
/// COPY brings in before the build (a tool installed as `pkg@version` has its own go.mod).
fn binaries_from_module(model: &Model) -> bool {
    let shipped: Vec<_> = model.shipped_builds().collect();
    if shipped.is_empty() || !model.opaque_go_copies().is_empty() {
        return false;
    }
    shipped.iter().all(|build| {
        let copied_before = model
            .context_copy_of(build.stage, "go.mod")
            .is_some_and(|c| c.instruction < build.instruction);
        // A builder tag older than 1.25 cannot build the module (GL212's finding).
        let old_builder = model
            .golang_image(build.stage)
            .and_then(|golang| golang.tag.version)
            .is_some_and(|v| !v.has(GoFeature::ContainerGomaxprocs));
        !build.is_tool_install() && copied_before && !old_builder
    })
}

/// `GODEBUG=containermaxprocs=0` (or a value gopherlint cannot read) in the final image.
fn awareness_turned_off(model: &Model) -> bool {
    let Some(stage) = model.final_stage() else {
        return true;
    };
    match stage.vars.exported_value("GODEBUG") {
        None => false,
        Some((value, _)) => value
            .usable()
            .is_none_or(|v| v.split(',').any(|s| s.trim() == "containermaxprocs=0")),
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(context) = model.context() else {
        return;
    };
    // In workspace mode go.work's `go` line sets the defaults instead.
    if !matches!(context.go_work, Read::Missing) {
        return;
    }
    let Some(go) = model.context_go_mod().and_then(|m| m.go) else {
        return;
    };
    if !go.has(GoFeature::ContainerGomaxprocs) || !binaries_from_module(model) {
        return;
    }
    let Some(stage) = model.final_stage() else {
        return;
    };
    let Some(var) = stage.vars.get("GOMAXPROCS").filter(|v| v.from_env) else {
        return;
    };
    let (Some(origin), Some(value)) = (var.origin, var.value.as_ref()) else {
        return;
    };
    // The runtime takes only a positive number; anything else leaves the default in place.
    let fixed =
        value.certainty == Certainty::Known && value.text.parse::<u32>().is_ok_and(|n| n > 0);
    if !fixed || awareness_turned_off(model) {
        return;
    }
    out.push(
        ctx.report(
            &RULE,
            origin,
            format!(
                "`GOMAXPROCS={}` is fixed for every container, but the service's go.mod is at Go {go}: its runtime already sets GOMAXPROCS from the container's CPU limit",
                value.text
            ),
        )
        .with_help("delete it and let each container's CPU limit decide; a fixed value also stops the runtime from following changes to the limit (the `containermaxprocs` and `updatemaxprocs` defaults since Go 1.25)"),
    );
}
