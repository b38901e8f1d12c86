//! GL207 hardcoded-goarch: a shipped build compiles for one architecture while the image can
//! be built for any.

use std::collections::HashMap;

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::go_command::GoSubcommand;
use crate::model::cross::{LiteralAssignment, PlatformSource};
use crate::model::{GoBuild, Model};
use crate::source::TextRange;

declare_rule! {
    GL207 "hardcoded-goarch", Warning, fix: Sometimes, applies: GO_BINARY, linux: true,
    "A shipped `go build` sets a literal GOARCH while the final image is multi-platform"
}

/// Replaces the literal with `$TARGETARCH`, declaring `ARG TARGETARCH` after the FROM of the
/// assignment's stage when it is not declared before it.
fn fix(ctx: &Context, build: &GoBuild, assignment: &LiteralAssignment) -> Option<Fix> {
    let model = ctx.model;
    let stage = model
        .stage_of
        .get(assignment.instruction)
        .copied()
        .flatten()?;
    // A RUN that could not be read completely is not edited.
    if model.instruction(assignment.instruction).keyword == crate::syntax::Keyword::Run
        && (!build.script_complete || build.command.nested)
    {
        return None;
    }
    if assignment.platform_arg_default {
        // `ARG TARGETARCH=amd64` becomes `ARG TARGETARCH`: BuildKit then sets it.
        return Some(Fix::new(
            "drop the default of the platform ARG",
            applicability(model, build, assignment),
            vec![Edit::replace(assignment.value, "")],
        ));
    }
    let mut edits = vec![Edit::replace(assignment.value, "$TARGETARCH")];
    if !model.declared_before(stage, assignment.instruction, "TARGETARCH") {
        let from = model.stages[stage].from;
        if !ctx.can_insert_after(from) {
            return None;
        }
        edits.push(Edit::insert(
            model.instruction(from).range.end,
            format!("{}{} TARGETARCH", ctx.newline(), ctx.keyword("ARG")),
        ));
    }
    Some(Fix::new(
        "take GOARCH from `$TARGETARCH`",
        applicability(model, build, assignment),
        edits,
    ))
}

/// On a build-platform stage, cross-compiling with cgo needs a C cross-compiler the stage may
/// lack, and an ENV or ARG also retargets whatever else the stage compiles and runs
/// (`go run ./gen`), which then cannot run on the build machine.
fn applicability(model: &Model, build: &GoBuild, assignment: &LiteralAssignment) -> Applicability {
    let stage_wide = assignment.instruction != build.instruction;
    if model.runs_on_build_platform(build.stage) && (!build.cgo.disabled() || stage_wide) {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // The literal GOARCH of each build, where it has one.
    let literals: Vec<Option<(String, Option<LiteralAssignment>)>> = model
        .go_builds
        .iter()
        .map(|build| match model.platform_source(build, "GOARCH") {
            // A WebAssembly module runs on every architecture.
            PlatformSource::Literal { value, assignment }
                if !value.is_empty() && value != "wasm" =>
            {
                Some((value, assignment))
            }
            _ => None,
        })
        .collect();
    // Most files fix no GOARCH: the image's platforms are asked only of those that do. An
    // image of release binaries for several systems builds each for its target on purpose.
    if literals.iter().all(Option::is_none)
        || !model.final_is_multi_platform()
        || model.ships_builds_for_other_systems()
    {
        return;
    }
    // Builds of one program for several architectures (`GOARCH=amd64` beside `GOARCH=arm64`
    // in one stage, or of the same package) are made on purpose, each for its own use.
    let mut by_stage: HashMap<usize, Vec<&str>> = HashMap::new();
    let mut by_packages: HashMap<Vec<&str>, Vec<&str>> = HashMap::new();
    for (build, literal) in model.go_builds.iter().zip(&literals) {
        if let Some((arch, _)) = literal {
            // Each list holds an architecture once: what matters is whether there is another.
            for archs in [
                by_stage.entry(build.stage).or_default(),
                by_packages.entry(build.packages().collect()).or_default(),
            ] {
                if !archs.contains(&arch.as_str()) {
                    archs.push(arch.as_str());
                }
            }
        }
    }
    let deliberate = |build: &GoBuild, arch: &str| {
        let other_arch =
            |archs: Option<&Vec<&str>>| archs.is_some_and(|a| a.iter().any(|o| *o != arch));
        other_arch(by_stage.get(&build.stage))
            || other_arch(by_packages.get(&build.packages().collect::<Vec<_>>()))
    };
    // A debugger build ships in a development image. A build with cgo explicitly on for a
    // literal GOARCH fails on any other platform (the native C compiler cannot target it)
    // rather than shipping the wrong binary: not this finding.
    for build in model
        .shipped_builds()
        .filter(|b| !b.is_test_or_debug() && !b.cgo.enabled_explicitly())
    {
        let Some((value, assignment)) = literals[build.index].clone() else {
            continue;
        };
        // `Dockerfile.arm64` fixing `GOARCH=arm64`: one file per architecture, on purpose.
        if deliberate(build, &value) || model.purpose.named_architecture == Some(value.as_str()) {
            continue;
        }
        let origin = build.env.get("GOARCH").and_then(|v| v.origin);
        // An ARG default is pointed at without its `=`.
        let range = assignment
            .as_ref()
            .map(|a| match a.platform_arg_default {
                true => TextRange::new(a.value.start + 1, a.value.end),
                false => a.value,
            })
            .or(origin)
            .unwrap_or(build.go_range);
        let how = match &assignment {
            Some(a) if a.platform_arg_default => {
                " (the default of `ARG TARGETARCH`, which BuildKit uses instead of the platform being built)"
            }
            _ => "",
        };
        // `go install` of a cross build writes `bin/<GOOS>_<GOARCH>/` (or fails with GOBIN set):
        // the image does not get built for another platform at all.
        let harm = if build.subcommand == GoSubcommand::Install {
            format!(
                "built for another platform, `go install` cross-compiles and writes the binary under `bin/<GOOS>_{value}/` (or fails where GOBIN is set), not where it is copied from, so the image builds only for `{value}`"
            )
        } else {
            format!("an image for another architecture ships this `{value}` binary")
        };
        let mut diagnostic = ctx
            .report(
                &RULE,
                range,
                format!(
                    "`GOARCH` is fixed to `{value}`{how} while the final image can be built for any platform: {harm}"
                ),
            )
            .with_help("take the architecture from the target: `GOARCH=$TARGETARCH` with `ARG TARGETARCH` (no default) in the stage, so `docker build --platform` (or a build on an arm64 machine) gets a binary that runs")
            .with_fix(assignment.as_ref().and_then(|a| fix(ctx, build, a)));
        if range != build.go_range {
            diagnostic = diagnostic.with_label(build.go_range, "the shipped binary is built here");
        }
        out.push(diagnostic);
    }
}
