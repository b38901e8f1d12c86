//! GL210 vcs-stamping: `.git` is sent into a builder without git, where `go build` quietly
//! skips VCS stamping; the directory only busts the cache.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    GL210 "vcs-stamping", Info, fix: None, applies: SERVICE, linux: false,
    "The context sends `.git` to a builder without git: no VCS stamp, only cache misses"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (copy, build) in model.unstamped_git_copies() {
        let Some(context) = model.context() else {
            return;
        };
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
