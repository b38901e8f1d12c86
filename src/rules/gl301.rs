//! GL301 dependency-layer-order: go.mod first reaches a Go stage in a copy of the whole context,
//! before the modules are downloaded, and no cache mount keeps the module cache: every source
//! change downloads every module again.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::model::go_caches::{GoCache, GoCacheRun};
use crate::model::{Copy, Model};

declare_rule! {
    // Where the file is maintained for its own sake: an example, test or development image is
    // built now and then, and its layer order is beside its point.
    GL301 "dependency-layer-order", Warning, fix: Unsafe, applies: MAINTAINED, linux: false,
    "go.mod first comes in with a copy of the whole context, before the modules are downloaded, and no cache mount keeps them"
}

/// The copy that first brings the context's go.mod into the stage's chain, when it is a copy
/// of the whole context. Without a context there is no telling that a go.mod comes with it.
fn whole_context_copy<'m>(model: &'m Model, stage: usize) -> Option<&'m Copy> {
    model.context_go_mod()?;
    model
        .context_copy_of(stage, "go.mod")
        .filter(|c| c.takes_whole_context())
}

/// The modules come from somewhere the layer order does not matter for: a vendor directory
/// (`-mod=vendor`, a copied `vendor`, the context's vendor/modules.txt) or go.mod bound into
/// the RUN that downloads (`--mount=type=bind,source=go.mod`); or there are none to download.
fn modules_elsewhere(model: &Model, stage: usize) -> bool {
    // A module that requires nothing has nothing to download.
    if model.context_go_mod().is_some_and(|m| !m.has_requirements()) {
        return true;
    }
    let chain = model.chain(stage);
    let vendored = model.modules_vendored(stage);
    let bound = model.runs.iter().any(|r| {
        chain.contains(&r.stage)
            && model.instruction(r.instruction).flags.iter().any(|f| {
                f.name == "mount"
                    && f.value
                        .as_deref()
                        .is_some_and(|v| v.contains("source=go.mod") || v.contains("src=go.mod"))
            })
    });
    vendored || bound
}

/// The go RUNs after the copy, in the stage or one built from it, that download or compile.
fn go_runs_after<'r>(model: &Model, runs: &'r [GoCacheRun], copy: &Copy) -> Vec<&'r GoCacheRun> {
    runs.iter()
        .filter(|r| r.instruction > copy.instruction && model.chain(r.stage).contains(&copy.stage))
        .filter(|r| r.uses.compiles || r.uses.downloads)
        .collect()
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
    // A COPY of a go.sum that is not there fails the build: `go.sum*` copies it if present.
    let has_sum = model.context().is_some_and(|c| c.sends_file("go.sum"));
    let sum = if has_sum { "go.sum" } else { "go.sum*" };
    let text = format!("COPY go.mod {sum} ./\nRUN go mod download\n");
    Some(Fix::new(
        "copy go.mod and go.sum and download the modules before the sources",
        Applicability::Unsafe,
        vec![Edit::insert(instruction.range.start, text)],
    ))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let runs = model.go_cache_runs();
    if runs.is_empty() {
        return;
    }
    let mut reported: Vec<usize> = Vec::new();
    for stage in 0..model.stages.len() {
        let Some(copy) = whole_context_copy(model, stage) else {
            continue;
        };
        if reported.contains(&copy.instruction) || modules_elsewhere(model, stage) {
            continue;
        }
        let after = go_runs_after(model, runs, copy);
        if after.is_empty() {
            continue;
        }
        // A module cache mount on any of them keeps the downloads across source changes.
        if after
            .iter()
            .any(|r| r.mounted(GoCache::Module) != Some(false) || r.names_a_mount_for(GoCache::Module))
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
            .with_label(first.range, "the modules are downloaded here, after the copy")
            .with_help(
                "copy go.mod and go.sum first and download in a layer of its own (`COPY go.mod go.sum ./` and `RUN go mod download`), then copy the sources; or mount the module cache (`RUN --mount=type=cache,target=/go/pkg/mod ...`)",
            )
            .with_fix(fix(ctx, copy));
        out.push(d);
    }
}
