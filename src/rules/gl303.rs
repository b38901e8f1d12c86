//! GL303 cache-mount-misconfigured: a Go cache mount whose target is not where the RUN's go
//! command keeps that cache (another user, HOME, GOPATH, GOCACHE or GOMODCACHE), or a RUN that
//! empties the cache it mounts.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::model::go_caches::{CacheMount, GoCache, GoCacheRun, holds, meant_for};

declare_rule! {
    // A cache that is never hit costs the same wherever Go is built.
    GL303 "cache-mount-misconfigured", Warning, fix: Safe, applies: ALL_CLASSES, linux: true,
    "A cache mount's target is not the RUN's GOCACHE or GOMODCACHE, or the RUN cleans what it mounts"
}

fn dir_of(run: &GoCacheRun, cache: GoCache) -> Option<&str> {
    match cache {
        GoCache::Build => run.build_dir.as_deref(),
        GoCache::Module => run.module_dir.as_deref(),
    }
}

fn misplaced(ctx: &Context, run: &GoCacheRun, mount: &CacheMount) -> Option<Diagnostic> {
    let target = mount.target.as_deref()?;
    let cache = meant_for(target)?;
    let used = match cache {
        GoCache::Build => run.uses.compiles,
        GoCache::Module => run.uses.compiles || run.uses.downloads,
    };
    let dir = dir_of(run, cache)?;
    // Another mount of the RUN holds the cache: this one is extra, not wrong.
    if !used || holds(target, dir) || run.mounts.iter().any(|m| m.target.as_deref().is_some_and(|t| holds(t, dir))) {
        return None;
    }
    let variable = cache.variable();
    let d = ctx
        .report(
            &RULE,
            mount.range,
            format!(
                "this cache mount is at `{target}`, but the go command of this RUN keeps its {} in `{dir}` (its {variable}): the mount is never used, and the cache starts empty on every run",
                match cache {
                    GoCache::Build => "build cache",
                    GoCache::Module => "module cache",
                }
            ),
        )
        .with_help(format!(
            "mount `target={dir}`, where the RUN's user, HOME and Go settings put {variable} (`go env {variable}` in the stage prints it)"
        ));
    // BuildKit creates a cache mount owned by root: moved for another user, it needs `uid=`.
    let writable = run.as_root || ctx.slice(mount.range).contains("uid=");
    let fix = mount.target_range.filter(|_| writable).map(|range| {
        Fix::new(
            format!("retarget the cache mount to `{dir}`"),
            Applicability::Safe,
            vec![Edit::replace(range, dir)],
        )
    });
    Some(d.with_fix(fix))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Most files mount no cache.
    if !ctx.text.contains("type=cache") {
        return;
    }
    for run in ctx.model.go_cache_runs() {
        for mount in &run.mounts {
            if let Some(d) = misplaced(ctx, run, mount) {
                out.push(d);
            }
        }
        for &cache in &run.cleans {
            let Some(dir) = dir_of(run, cache) else {
                continue;
            };
            let Some(mount) = run
                .mounts
                .iter()
                .find(|m| m.target.as_deref().is_some_and(|t| holds(t, dir)))
            else {
                continue;
            };
            let flag = match cache {
                GoCache::Build => "-cache",
                GoCache::Module => "-modcache",
            };
            out.push(
                ctx.report(
                    &RULE,
                    mount.range,
                    format!(
                        "this RUN mounts a cache at `{dir}` and empties it with `go clean {flag}`: every run starts from an empty cache, so the mount saves nothing"
                    ),
                )
                .with_help(format!(
                    "drop `go clean {flag}` from the RUN: the mount keeps the cache out of the image's layers already"
                )),
            );
        }
    }
}
