//! GL302 go-cache-mounts-missing: a RUN that compiles Go with no cache mount for the build
//! cache, or downloads modules with none for the module cache.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::model::go_caches::{GoCache, GoCacheRun};

declare_rule! {
    // Where the file is maintained for its own sake: a test, example or development image is
    // built by hand now and then, and a cache on its builder is beside its point.
    GL302 "go-cache-mounts-missing", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "A RUN that builds Go has no cache mount for GOCACHE, or one that downloads modules none for GOMODCACHE"
}

const WHERE_IT_PAYS: &str = "a cache mount lives on the builder: local builds and long-lived builders gain at once, an ephemeral CI runner only when it exports and restores the builder's cache";

/// The later RUNs of the same stage that run the go command without the module cache: with the
/// downloads in a cache mount, they would find the module cache empty and download again.
fn later_without_module_mount<'r>(runs: &'r [GoCacheRun], run: &GoCacheRun) -> Vec<&'r GoCacheRun> {
    runs.iter()
        .filter(|r| r.instruction > run.instruction && r.stage == run.stage)
        .filter(|r| r.mounted(GoCache::Module) == Some(false))
        .collect()
}

/// Whether a later stage built from this one runs the go command: a mount added here would
/// leave it an empty module cache, which the fix cannot see to.
fn later_stage_runs_go(ctx: &Context, runs: &[GoCacheRun], run: &GoCacheRun) -> bool {
    runs.iter().any(|r| {
        r.stage != run.stage
            && r.instruction > run.instruction
            && ctx.model.chain(r.stage).contains(&run.stage)
    })
}

fn mount_flag(dir: &str) -> String {
    format!("--mount=type=cache,target={dir} ")
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let runs = model.go_cache_runs();
    for run in &runs {
        let mut missing: Vec<(GoCache, &str)> = Vec::new();
        // A mount named for the cache but in the wrong place is GL303's finding.
        if run.uses.compiles
            && run.mounted(GoCache::Build) == Some(false)
            && !run.names_a_mount_for(GoCache::Build)
            && let Some(dir) = run.build_dir.as_deref()
        {
            missing.push((GoCache::Build, dir));
        }
        if run.uses.downloads
            && run.mounted(GoCache::Module) == Some(false)
            && !run.names_a_mount_for(GoCache::Module)
            && let Some(dir) = run.module_dir.as_deref()
        {
            missing.push((GoCache::Module, dir));
        }
        if missing.is_empty() {
            continue;
        }
        let what: Vec<String> = missing
            .iter()
            .map(|(cache, dir)| match cache {
                GoCache::Build => format!("the build cache (`{dir}`)"),
                GoCache::Module => format!("the module cache (`{dir}`)"),
            })
            .collect();
        let cost = match (missing.iter().any(|m| m.0 == GoCache::Build), missing.iter().any(|m| m.0 == GoCache::Module)) {
            (true, true) => "each time the step reruns, every package is compiled and every module downloaded again",
            (true, false) => "each time the step reruns (any source change), every package it imports is compiled again, from nothing",
            _ => "each time the step reruns (any change to go.mod), every module is downloaded again, not only the new ones",
        };
        let message = format!(
            "this RUN has no cache mount for {}: {cost}",
            what.join(" or ")
        );
        let mut d = ctx
            .report(&RULE, run.range, message)
            .with_help(format!(
                "mount {} (`RUN {}...`); {WHERE_IT_PAYS}",
                if missing.len() == 2 { "them" } else { "it" },
                missing.iter().map(|(_, dir)| mount_flag(dir)).collect::<String>()
            ));
        // A cache mount is created owned by root: for another user it needs `uid=`, which only
        // the image's passwd can tell.
        let downloads_fixable = !missing.iter().any(|m| m.0 == GoCache::Module)
            || !later_stage_runs_go(ctx, &runs, run);
        if run.as_root && downloads_fixable {
            let keyword = model.instruction(run.instruction).keyword_range;
            let flags: String = missing.iter().map(|(_, dir)| mount_flag(dir)).collect();
            let mut edits = vec![Edit::insert(keyword.end, format!(" {}", flags.trim_end()))];
            // The later go RUNs of the stage read the downloaded modules from the same mount.
            if let Some((_, dir)) = missing.iter().find(|m| m.0 == GoCache::Module) {
                for later in later_without_module_mount(&runs, run) {
                    let keyword = model.instruction(later.instruction).keyword_range;
                    edits.push(Edit::insert(keyword.end, format!(" {}", mount_flag(dir).trim_end())));
                }
            }
            d = d.with_fix(Some(Fix::new(
                "add cache mounts for Go's caches",
                Applicability::Safe,
                edits,
            )));
        }
        out.push(d);
    }
}
