//! GL204 force-rebuild-flag: `-a` in a go build's flags or GOFLAGS.

use super::flag_edits::{delete_flag, remove_goflags};
use super::per_run::PerRun;
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::knowledge::go_command::{FlagSource, flag_bool};
use crate::model::GoBuild;
use crate::source::TextRange;

declare_rule! {
    // Rebuilding everything is wasted time wherever the build runs, whatever the image is for.
    GL204 "force-rebuild-flag", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "`-a` in the go flags or GOFLAGS: every package is rebuilt, cached or not"
}

const HELP: &str = "delete `-a`: since Go 1.10 the build cache rebuilds exactly what changed, and it keys every package by its flags, build tags, `CGO_ENABLED` and Go version";

/// `-a` rebuilds everything only when the flag in effect says so (`-a=false` turns it off).
fn forces_rebuild(build: &GoBuild) -> bool {
    build
        .effective_flag("a")
        .is_some_and(|u| flag_bool(u.flag.value.as_deref()) == Some(true))
}

fn diagnostic(
    ctx: &Context,
    range: TextRange,
    subject: &str,
    mount: Option<TextRange>,
) -> Diagnostic {
    let rebuilds = if subject.ends_with("which") {
        "rebuilds"
    } else {
        "forces a rebuild of"
    };
    match mount {
        Some(mount) => ctx
            .report(
                &RULE,
                range,
                format!(
                    "{subject} {rebuilds} every package, the standard library included, so the build cache mounted for the build goes unused"
                ),
            )
            .with_severity(Severity::Warning)
            .with_label(mount, "build cache mounted here")
            .with_help(HELP),
        None => ctx
            .report(
                &RULE,
                range,
                format!(
                    "{subject} {rebuilds} every package, the standard library included: a leftover from before the build cache, and it makes any build cache this build is given useless"
                ),
            )
            .with_help(HELP),
    }
}

/// An earlier go build or install in the build's stage or a stage it is built on: the build
/// cache holds packages `-a` would throw away. Not one on another arm of the same `if` or
/// `case` (`if [ "$FIPS" = true ]; then go build -a ...; else go build -a ...; fi`): only one
/// of them runs.
fn compiled_before(ctx: &Context, build: &GoBuild) -> bool {
    let chain = ctx.model.chain(build.stage);
    ctx.model.go_builds.iter().any(|earlier| {
        earlier.index < build.index
            && chain.contains(&earlier.stage)
            && !(earlier.instruction == build.instruction
                && earlier.command.excludes(&build.command))
    })
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // An ENV or ARG GOFLAGS reaches several builds: reported once, where it is set, as a
    // warning when any of them has a build cache mount.
    let mut from_goflags: Vec<(TextRange, &GoBuild, Option<TextRange>)> = Vec::new();
    // Builds chained in one RUN that all pass `-a` are one edit: one finding, the others labels.
    let mut per_run = PerRun::default();
    // Before Go 1.10 installed packages were reused as they were: `-a` was how a build with
    // other settings (CGO_ENABLED=0) got its own `net`.
    for build in ctx
        .model
        .go_builds
        .iter()
        .filter(|b| forces_rebuild(b) && !ctx.model.predates_build_cache(b.stage))
        // A stage that builds only for a debug target (a `delve-builder`) ships nothing released.
        .filter(|b| !ctx.model.serves_only_debugging(b.stage))
    {
        let mount = ctx.model.build_cache_mount(build);
        // Without a cache mount and with no earlier compile in the stage, the cache is empty:
        // `-a` rebuilds nothing that would not be built anyway. (A cache mount whose relation
        // to the build cache cannot be told may be it.)
        if mount.is_none()
            && !ctx.model.mounts_a_cache(build.instruction) && !compiled_before(ctx, build) {
            continue;
        }
        for flag_use in build.flag_uses("a") {
            if flag_bool(flag_use.flag.value.as_deref()) != Some(true) {
                continue;
            }
            match flag_use.source {
                FlagSource::Argv => {
                    let Some(range) = build.flag_range(flag_use.flag) else {
                        continue;
                    };
                    let fix = delete_flag(ctx, build, flag_use.flag)
                        .map(|edit| Fix::new("delete `-a`", Applicability::Safe, vec![edit]));
                    let mut finding = diagnostic(ctx, range, "`-a`", mount).with_fix(fix);
                    if !per_run.folded(
                        out,
                        build.instruction,
                        &mut finding,
                        range,
                        "this build passes `-a` too",
                    ) {
                        out.push(finding);
                    }
                }
                FlagSource::Goflags => {
                    let range = build.goflags_origin.unwrap_or(build.go_range);
                    match from_goflags.iter_mut().find(|(r, _, _)| *r == range) {
                        Some(entry) => {
                            entry.2 = entry.2.or(mount);
                        }
                        None => from_goflags.push((range, build, mount)),
                    }
                }
            }
        }
    }
    for (range, build, mount) in from_goflags {
        let fix = remove_goflags(ctx, build, &|f| {
            f.name == "a" && flag_bool(f.value.as_deref()) == Some(true)
        })
        .map(|edit| {
            Fix::new(
                "delete `-a` from `GOFLAGS`",
                Applicability::Safe,
                vec![edit],
            )
        });
        let mut d = diagnostic(ctx, range, "`GOFLAGS` passes `-a`, which", mount).with_fix(fix);
        if range != build.go_range {
            d = d.with_label(build.go_range, "a go command reads `GOFLAGS` here");
        }
        out.push(d);
    }
}
