//! GL301 dependency-layer-order: go.mod first reaches a Go stage in a copy of the whole context,
//! before the modules are downloaded, and no cache mount keeps the module cache: every source
//! change downloads every module again.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::model::Copy;
use crate::model::module_layer::ModulesAfterSources;

declare_rule! {
    // Where the file is maintained for its own sake: an example, test or development image is
    // built now and then, and its layer order is beside its point.
    GL301 "dependency-layer-order", Warning, fix: Unsafe, applies: MAINTAINED, linux: false,
    "go.mod first comes in with a copy of the whole context, before the modules are downloaded, and no cache mount keeps them"
}

/// `COPY go.mod go.sum ./` and `RUN go mod download` before the copy, when the copy lands in
/// the working directory.
fn fix(ctx: &Context, copy: &Copy) -> Option<Fix> {
    let model = ctx.model;
    let instruction = model.instruction(copy.instruction);
    let words = instruction.arg_words();
    let dest = words.last()?.value.as_str();
    // Only a relative destination is known to be the working directory at the copy (the
    // stage's WORKDIR may change after it).
    let into_workdir = matches!(dest, "." | "./");
    if !into_workdir || instruction.keyword_text != instruction.keyword_text.to_ascii_uppercase() {
        return None;
    }
    let text = format!("COPY go.mod {} ./\nRUN go mod download\n", sum_file(model));
    Some(Fix::new(
        "copy go.mod and go.sum and download the modules before the sources",
        Applicability::Unsafe,
        vec![Edit::insert(instruction.range.start, text)],
    ))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let runs = model.go_cache_runs();
    // Built only with `--no-cache`, no layer is reused: the download reruns whatever the order.
    if runs.is_empty() || model.every_build_uncached() {
        return;
    }
    let mut reported: Vec<usize> = Vec::new();
    for stage in 0..model.stages.len() {
        let Some(ModulesAfterSources { copy, runs: after }) = model.modules_after_sources(stage)
        else {
            continue;
        };
        // Builds of a program that imports no module download none: the requirements are
        // for its tests or other programs.
        if reported.contains(&copy.instruction)
            || !model.built_for_target(copy.stage)
            || after.iter().all(|r| model.builds_need_no_modules(r))
        {
            continue;
        }
        reported.push(copy.instruction);
        let head = ctx.instruction_head(copy.instruction);
        let first = after[0];
        let d = ctx
            .report(
                &RULE,
                head,
                "go.mod comes into the stage with the whole context, before the modules are downloaded: any change to any source file reruns the download of every module".to_string(),
            )
            .with_label(first.range, "the modules are downloaded here, after the copy");
        // The mount at the RUN's own module cache, worked out from its image, user and
        // environment; named by its variable when that cannot be told.
        let mount = match first.module_dir.as_deref() {
            Some(dir) => format!("`RUN --mount=type=cache,target={dir} ...`"),
            None => "`RUN --mount=type=cache,target=<GOMODCACHE> ...`".to_string(),
        };
        let local = model
            .context_go_mod()
            .and_then(|m| m.local_replacements.first());
        // The classic builder has no cache mounts: only the layer order is offered.
        let classic = model.every_build_classic();
        if classic && local.is_some() {
            continue;
        }
        let or_mount = if classic {
            String::new()
        } else {
            format!("; or mount the module cache ({mount})")
        };
        let d = match local {
            // `go mod download` reads the replacing folders' go.mod files: with go.mod and
            // go.sum alone it fails, so the layer order is no fix here.
            Some(folder) => d.with_help(format!(
                "mount the module cache on the RUNs that download or build ({mount}): go.mod replaces modules with local folders (`{folder}`), which `go mod download` reads too, so go.mod and go.sum cannot be copied alone before it"
            )),
            None => d
                .with_help(format!(
                    "copy go.mod and go.sum first and download in a layer of its own (`COPY go.mod {} ./` and `RUN go mod download`), then copy the sources{or_mount}",
                    sum_file(model)
                ))
                .with_fix(fix(ctx, copy)),
        };
        out.push(d);
    }
}

/// What to copy for go.sum: a COPY of a go.sum that is not there fails the build, and
/// `go.sum*` copies it if present (the context has none, or is unknown).
fn sum_file(model: &crate::model::Model) -> &'static str {
    if model.context().is_some_and(|c| c.sends_file("go.sum")) {
        "go.sum"
    } else {
        "go.sum*"
    }
}
