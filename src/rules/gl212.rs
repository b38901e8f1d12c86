//! GL212 go-version-mismatch: the context's go.mod needs a newer Go than the builder image has.

use super::{Context, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::go_images;
use crate::knowledge::go_release::{GoFeature, refuses_go_line};
use crate::context::GoMod;
use crate::model::{CopySource, GolangImage, Model};

declare_rule! {
    GL212 "go-version-mismatch", Error, fix: None, applies: ALL_CLASSES, linux: false,
    "The build context's go.mod needs a newer Go than the builder image's tag"
}

/// What a builder before Go 1.21 trips on in a go.mod it cannot read.
fn unreadable_part(go_mod: &GoMod) -> &'static str {
    if go_mod.toolchain.is_some() {
        "its `toolchain` line (\"unknown directive: toolchain\")"
    } else {
        "its `go` line, a release with a patch number (\"invalid go version: must match format 1.N\")"
    }
}

fn report(
    ctx: &Context,
    golang: &GolangImage,
    go_mod: &GoMod,
    stage: usize,
    copy: usize,
) -> Option<Diagnostic> {
    let required = go_mod.go?;
    let model = ctx.model;
    let root = &model.stages[model.stages[stage].root_stage];
    let have = golang
        .tag
        .version
        .map(|v| v.to_string())
        .unwrap_or_default();
    let image = &golang.image.raw;
    // Before Go 1.21 the `go` line was advisory: the build fails only if the code needs it,
    // except on the point releases that learned to refuse go lines of 1.22 or later.
    let version = golang.tag.version;
    let strict = version.is_some_and(|v| v.has(GoFeature::ToolchainLine));
    let backported = !strict
        && version.is_some_and(|v| refuses_go_line(v, !golang.tag.exact_patch, required));
    let newer = golang.tag.satisfies(required) == Some(false);
    // Go before 1.21 cannot parse a go.mod written for toolchains: the build stops whatever
    // the code needs.
    let unreadable = !strict && version.is_some() && go_mod.unreadable_before_go_1_21();
    let message = if unreadable {
        format!(
            "`{image}` has Go {have}, which cannot read the context's go.mod: Go before 1.21 stops at {}",
            unreadable_part(go_mod)
        )
    } else if !newer {
        return None;
    } else if strict {
        // Go quotes the `go` line as written (`go >= 1.25.0`), not the release line.
        let written = go_mod
            .go_line
            .as_deref()
            .filter(|w| !w.contains(char::is_whitespace))
            .map_or_else(|| required.to_string(), str::to_string);
        format!(
            "go.mod requires Go {required}, but `{image}` has Go {have}: the build stops with \"go.mod requires go >= {written}\""
        )
    } else if backported {
        format!(
            "go.mod asks for Go {required}, but `{image}` has Go {have}: the build stops, since Go 1.19.13 and Go 1.20.8 refuse modules that declare Go 1.22 or later"
        )
    } else {
        format!(
            "go.mod asks for Go {required}, but `{image}` has Go {have}, which builds it anyway and fails if the code uses anything newer"
        )
    };
    let suggested = if required.patch == 0 {
        format!("{}.{}", required.major, required.minor)
    } else {
        required.to_string()
    };
    let variant = go_images::variant_for(&golang.tag.variant, required);
    let range = root
        .image_word
        .as_ref()
        .map_or_else(|| ctx.instruction_head(root.from), |w| w.range);
    let context = model.context().map_or(".", |c| c.dir.as_str());
    let mut diagnostic = ctx
        .report(&RULE, range, message)
        .with_label(
            ctx.instruction_head(copy),
            format!("the go.mod of the context `{context}` is copied here"),
        )
        .with_help(if required.has(GoFeature::ToolchainLine) {
            format!(
                "build with `golang:{suggested}{variant}` or newer (the official images from 1.21 on set GOTOOLCHAIN=local, so none fetches a newer Go by itself)"
            )
        } else {
            // GOTOOLCHAIN exists from Go 1.21: a release older than that has nothing to set.
            format!("build with `golang:{suggested}{variant}` or newer")
        });
    if !strict && !backported && !unreadable {
        diagnostic = diagnostic.with_severity(Severity::Info);
    }
    Some(diagnostic)
}

/// A `go` command runs after the copy in the stage or a stage built from it, and nothing sets
/// GOTOOLCHAIN to let it fetch another Go (a value other than `local`, or an unknown one).
fn runs_go_after(model: &Model, stage: usize, instruction: usize) -> bool {
    let mut runs_go = false;
    for run in model
        .runs
        .iter()
        .filter(|r| r.instruction > instruction && model.chain(r.stage).contains(&stage))
    {
        for command in &run.script.commands {
            if !matches!(command.program(), Some("go")) {
                continue;
            }
            let inline = command
                .assignments
                .iter()
                .rev()
                .find(|a| a.name == "GOTOOLCHAIN")
                .map(|a| model.stages[run.stage].vars.expand(&a.value.text));
            let set = inline.or_else(|| {
                model.stages[run.stage]
                    .vars
                    .exported_value("GOTOOLCHAIN")
                    .map(|(v, _)| v.clone())
            });
            if let Some(value) = set
                && value.usable() != Some("local")
            {
                return false;
            }
            runs_go = true;
        }
    }
    // `RUN make` whose Makefile (the context's, copied whole) reaches a go build, where the
    // stage leaves GOTOOLCHAIN at the image's `local`.
    if !runs_go {
        let toolchain = model.stages[stage]
            .vars
            .exported_value("GOTOOLCHAIN")
            .map(|(v, _)| v.usable() == Some("local"));
        runs_go = toolchain != Some(false)
            && model
                .make_runs(stage)
                .iter()
                .any(|(i, read)| *i > instruction && matches!(read, Some(Some(_))));
    }
    runs_go
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // Only the `go` line is a requirement: with GOTOOLCHAIN=local the `toolchain` line is a
    // suggestion the local Go ignores.
    let Some(go_mod) = model.context_go_mod().filter(|m| m.go.is_some()) else {
        return;
    };
    let mut reported = Vec::new();
    for copy in &model.copies {
        if copy.source != CopySource::Context || reported.contains(&copy.stage) {
            continue;
        }
        let takes_go_mod = model
            .context_copy_of(copy.stage, "go.mod")
            .is_some_and(|c| c.instruction == copy.instruction);
        if !takes_go_mod || !runs_go_after(model, copy.stage, copy.instruction) {
            continue;
        }
        let Some(golang) = model.golang_image(copy.stage) else {
            continue;
        };
        if let Some(diagnostic) = report(ctx, &golang, go_mod, copy.stage, copy.instruction) {
            reported.push(copy.stage);
            out.push(diagnostic);
        }
    }
}
