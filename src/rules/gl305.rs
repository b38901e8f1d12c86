//! GL305 context-sent-unfiltered: a Go stage copies the whole build context, and no ignore
//! file leaves out `.git`: every commit changes the copied layer, so every step after it runs
//! again, and the repository's history goes to the builder.

use crate::knowledge::go_release::GoFeature;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::files::CONTEXT_NEVER_BUILT;
use crate::model::{Copy, Model};

declare_rule! {
    // Where the file is maintained for its own sake, as GL301: an example or test image is
    // built now and then, and what its context sends is beside its point.
    GL305 "context-sent-unfiltered", Info, fix: None, applies: MAINTAINED, linux: false,
    "A Go stage copies the whole context, and no `.dockerignore` leaves out `.git`"
}

/// The context is known to be the one this file is built from: it was named for the file, or
/// it holds the go.mod that the whole-context copy brings in. A Dockerfile's own folder that
/// holds no go.mod may not be what `docker build` is given at all.
fn is_the_builds(model: &Model) -> bool {
    model.context().is_some_and(|c| {
        c.named || (model.context_go_mod().is_some() && c.sends("go.mod") == Some(true))
    })
}

/// A go command, or make or a script that hides one, runs on what the copy brought in: in its
/// stage after it, or in a stage built from it.
fn builds_go_after(model: &Model, copy: &Copy) -> bool {
    let in_chain = |stage: usize| model.chain(stage).contains(&copy.stage);
    model
        .go_cache_runs()
        .iter()
        .any(|r| r.instruction > copy.instruction && in_chain(r.stage))
        || model
            .runs
            .iter()
            .any(|r| r.instruction > copy.instruction && in_chain(r.stage) && r.builds_opaquely())
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(context) = model.context() else {
        return;
    };
    // `.git` must be there to be sent, and the ignore file readable to know it is.
    if !context.git || context.sends(".git") != Some(true) || !is_the_builds(model) {
        return;
    }
    // GL210 reports these copies, with what the missing git means for the build's stamps.
    let unstamped: Vec<usize> = model
        .unstamped_git_copies()
        .iter()
        .map(|(c, _)| c.instruction)
        .collect();
    let mut copies: Vec<&Copy> = Vec::new();
    for stage in 0..model.stages.len() {
        let Some(copy) = model
            .context_copy_of(stage, ".git")
            .filter(|c| c.takes_whole_context())
        else {
            continue;
        };
        // A build that stamps its version from git needs the history it is sent.
        if copies.iter().any(|c| c.instruction == copy.instruction)
            || unstamped.contains(&copy.instruction)
            || !builds_go_after(model, copy)
            || model.reads_git_after(copy)
        {
            continue;
        }
        copies.push(copy);
    }
    copies.sort_by_key(|c| c.instruction);
    let Some((first, others)) = copies.split_first() else {
        return;
    };
    // The program reports the revision `go build` stamps from `.git`: the history is its
    // version, not a cache miss.
    if matches!(model.shipped_program_reads_vcs_stamp(), Some(Some(_))) {
        return;
    }
    let cause = match &context.dockerignore_name {
        None => "the context has no `.dockerignore`, so this copy sends all of it, `.git` included".to_string(),
        Some(name) => format!("`{name}` does not leave out `.git`, so this copy sends it"),
    };
    let start: Vec<String> = CONTEXT_NEVER_BUILT
        .iter()
        .filter(|name| **name == ".git" || context.holds(name))
        .map(|name| format!("`{name}`"))
        .collect();
    let help = match &context.dockerignore_name {
        None => format!(
            "add a `.dockerignore` at the root of the context (`{}`) that leaves out what the build never reads, one entry a line; a start: {}",
            context.dir,
            start.join(", ")
        ),
        Some(name) => format!("add `.git` to `{name}`, on a line of its own"),
    };
    // Nor is a build of named files (`go build ./cmd/api/main.go`) ever stamped.
    let named_only = {
        let mut builds = model.shipped_builds().peekable();
        builds.peek().is_some() && builds.all(|b| b.builds_named_files())
    };
    let mut d = ctx
        .report(
            &RULE,
            ctx.instruction_head(first.instruction),
            // Built only with `--no-cache`, every step reruns anyway: what is left is the
            // history sent with each build.
            if model.every_build_uncached() {
                format!("{cause}: the repository's history goes to the builder with every build")
            } else {
                format!(
                    "{cause}: every commit changes this layer and reruns every step after it, and the repository's history goes to the builder"
                )
            },
        )
        .with_help(
            // Go stamps the revision (1.18 and later) only where git is there to read it:
            // elsewhere the binary carries no stamp with `.git` or without it.
            if model.golang_release(first.stage).has(GoFeature::VcsStamping)
                && model.has_git(first.stage, first.instruction) != Some(false)
                && !named_only
            {
                format!(
                    "{help}. Without `.git` the binary carries no VCS stamp: set a version with `-ldflags \"-X main.version=...\"` if you want one"
                )
            } else {
                help
            },
        );
    for other in others {
        d = d.with_label(
            ctx.instruction_head(other.instruction),
            "this copy sends it too",
        );
    }
    out.push(d);
}
