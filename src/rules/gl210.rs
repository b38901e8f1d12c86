//! GL210 vcs-stamping: `.git` is sent into a builder without git, where `go build` quietly
//! skips VCS stamping; the directory only busts the cache.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::go_release::GoFeature;
use crate::model::GoBuild;

declare_rule! {
    GL210 "vcs-stamping", Info, fix: None, applies: SERVICE, linux: false,
    "The context sends `.git` to a builder without git: no VCS stamp, only cache misses"
}

/// The build runs where git is known to be missing, says nothing about `-buildvcs`, and uses a
/// Go that skips stamping quietly (1.18.1 and later; a floating tag is taken as current).
fn stamping_skipped(ctx: &Context, build: &GoBuild) -> bool {
    let model = ctx.model;
    // Named files are never stamped, git or not: `.git` there is only a cache miss, and
    // installing git would change nothing.
    if build.has_flag("buildvcs") || build.builds_named_files() {
        return false;
    }
    // GOFLAGS from a value gopherlint cannot know may hold `-buildvcs`.
    if build
        .env
        .exported_value("GOFLAGS")
        .is_some_and(|(v, _)| v.usable().is_none())
    {
        return false;
    }
    if model.has_git(build.stage, build.instruction) != Some(false) {
        return false;
    }
    let Some(golang) = model.golang_image(build.stage) else {
        return false;
    };
    golang
        .tag
        .version
        .is_none_or(|v| v.has(GoFeature::VcsStamping))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(context) = model.context() else {
        return;
    };
    if !context.git || context.sends(".git") != Some(true) {
        return;
    }
    let mut reported = Vec::new();
    for build in model.shipped_builds().filter(|b| !b.is_test_or_debug()) {
        let Some(copy) = model.context_copy_of(build.stage, ".git") else {
            continue;
        };
        if copy.instruction > build.instruction || reported.contains(&copy.instruction) {
            continue;
        }
        if !stamping_skipped(ctx, build) {
            continue;
        }
        reported.push(copy.instruction);
        let stage = model.stages[build.stage].label();
        let ignore = context
            .dockerignore_name
            .as_deref()
            .unwrap_or(".dockerignore");
        out.push(
            ctx.report(
                &RULE,
                ctx.instruction_head(copy.instruction),
                format!(
                    "this copy sends the context's `.git` into {stage}, which has no git: `go {}` skips VCS stamping, and every commit invalidates this layer and the build cache after it",
                    build.subcommand
                ),
            )
            .with_label(build.go_range, "builds here without git and without `-buildvcs`")
            .with_help(format!(
                "either add `.git` to {ignore} and pass `-buildvcs=false` (stamp a version with `-ldflags \"-X main.version=...\"` if you want one), or install git in the builder to get real VCS stamps"
            )),
        );
    }
}
