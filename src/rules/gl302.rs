//! GL302 go-cache-mounts-missing: a RUN that compiles Go with no cache mount for the build
//! cache, or downloads modules with none for the module cache.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::conventions::CACHE_MOUNT_TOPICS;
use crate::knowledge::go_command::flag_bool;
use crate::knowledge::go_release::GoFeature;
use crate::model::go_caches::{GoCache, GoCacheRun};

declare_rule! {
    // Where the file is maintained for its own sake: a test, example or development image is
    // built by hand now and then, and a cache on its builder is beside its point.
    GL302 "go-cache-mounts-missing", Info, fix: Safe, applies: MAINTAINED, linux: true,
    "A RUN that builds Go has no cache mount for GOCACHE, or one that downloads modules none for GOMODCACHE"
}

const WHERE_IT_PAYS: &str = "a cache mount lives on the builder: local builds and long-lived builders gain at once, an ephemeral CI runner only when its builder's state survives between runs (a persistent builder, or the mounts saved and restored: `--cache-to` exports layers, not cache mounts); `RUN --mount` needs BuildKit (Docker's default builder since Engine 23)";

/// Every go build of the RUN passes `-a`, which skips the build cache: GL204's finding.
fn forces_rebuild(ctx: &Context, run: &GoCacheRun) -> bool {
    let mut builds = ctx
        .model
        .go_builds
        .iter()
        .filter(|b| b.instruction == run.instruction)
        .peekable();
    builds.peek().is_some()
        && builds.all(|b| {
            b.effective_flag("a")
                .is_some_and(|u| flag_bool(u.flag.value.as_deref()) == Some(true))
        })
}

/// An earlier RUN of the chain compiled without a build cache mount: the cache it left in its
/// layer serves this one, and the first one is the finding.
fn compiled_before(ctx: &Context, runs: &[GoCacheRun], run: &GoCacheRun) -> bool {
    let chain = ctx.model.chain(run.stage);
    let earlier = |instruction: usize, stage: usize| instruction < run.instruction && chain.contains(&stage);
    // A pinned tool's RUN before the context came in is no finding, and its layer holds only
    // the tool's packages.
    runs.iter().any(|r| {
        earlier(r.instruction, r.stage)
            && r.uses.compiles
            && r.mounted(GoCache::Build) == Some(false)
            && !ctx.model.takes_no_files_before(r.stage, r.instruction)
    }) || ctx.model.runs.iter().any(|r| {
        earlier(r.instruction, r.stage)
            && ctx.model.runs_opaque_build(r.instruction)
            && !ctx.model.mounts_a_cache(r.instruction)
    })
}

/// Why a RUN that compiles the context's module downloads go.mod's modules itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OwnFetch {
    /// It is the first of its chain to need them: nothing fetched them before, nothing vendors
    /// them.
    First,
    /// An earlier RUN (this instruction) downloaded them into a cache mount this RUN lacks.
    MountedBefore(usize),
}

/// Whether a RUN that compiles downloads the modules go.mod requires, rather than finding
/// them in its layer. Unknown (None) without a context that shows requirements.
fn own_fetch(ctx: &Context, runs: &[GoCacheRun], run: &GoCacheRun) -> Option<OwnFetch> {
    let model = ctx.model;
    let chain = model.chain(run.stage);
    if !run.uses.compiles || !model.context_go_mod().is_some_and(|m| m.has_requirements()) {
        return None;
    }
    let go_mod_copy = model
        .context_copy_of(run.stage, "go.mod")
        .filter(|c| c.instruction < run.instruction)?;
    // Modules another stage downloaded, copied into this chain (`COPY --from=modules /go/pkg
    // /go/pkg`): the build finds them in its layer.
    let copied_in = model.copies.iter().any(|c| {
        chain.contains(&c.stage) && c.instruction < run.instruction && model.copies_module_cache(c)
    });
    if model.modules_vendored(run.stage) || copied_in {
        return None;
    }
    let fetched_before: Vec<&GoCacheRun> = runs
        .iter()
        .filter(|r| {
            r.instruction < run.instruction
                && chain.contains(&r.stage)
                && (r.uses.downloads || r.uses.compiles)
                && !model.takes_no_files_before(r.stage, r.instruction)
                && !model.downloads_nothing(r)
        })
        .collect();
    // A fetch that left the modules in the layer serves this RUN.
    if fetched_before.iter().any(|r| r.mounted(GoCache::Module) != Some(true)) {
        return None;
    }
    // A script or make run after go.mod came in may have fetched the modules into its layer
    // (`RUN ./hack/install-dependencies.sh`): whether this RUN downloads them is unknown.
    if !model
        .opaque_builds_in_layer_between(run.stage, go_mod_copy.instruction, run.instruction)
        .is_empty()
    {
        return None;
    }
    // Last, as it walks the program's source: a build of a program that imports no module
    // downloads none, whatever go.mod requires.
    if model.builds_need_no_modules(run) {
        return None;
    }
    Some(match fetched_before.last() {
        Some(r) => OwnFetch::MountedBefore(r.instruction),
        None => OwnFetch::First,
    })
}

/// The later RUNs that read the module cache this one would move into a mount: go RUNs
/// without the mount and builds through make or a script, in the stage or one built from it.
/// `None` when one of them runs as another user, whose mount would need `uid=`.
fn later_module_readers(ctx: &Context, runs: &[GoCacheRun], run: &GoCacheRun) -> Option<Vec<usize>> {
    let model = ctx.model;
    let mut later: Vec<usize> = runs
        .iter()
        .filter(|r| r.instruction > run.instruction && model.chain(r.stage).contains(&run.stage))
        .filter(|r| r.mounted(GoCache::Module) != Some(true))
        .map(|r| r.instruction)
        .collect();
    later.extend(model.opaque_builds_after(run.stage, run.instruction));
    later.sort_unstable();
    later.dedup();
    later
        .iter()
        .all(|&i| model.stage_of[i].is_some_and(|s| model.runs_as_root(s, i)))
        .then_some(later)
}

/// A later RUN of the stage or one built from it mounts the cache over the directory: what
/// this RUN leaves in its layer is hidden there.
fn mounted_later(ctx: &Context, runs: &[GoCacheRun], run: &GoCacheRun, cache: GoCache) -> bool {
    runs.iter().any(|r| {
        r.instruction > run.instruction
            && ctx.model.chain(r.stage).contains(&run.stage)
            && r.mounted(cache) == Some(true)
    })
}

/// What reruns a download, from the copies before it: the whole context, or go.mod alone.
fn rerun_cause(ctx: &Context, run: &GoCacheRun) -> &'static str {
    let chain = ctx.model.chain(run.stage);
    let before: Vec<_> = ctx
        .model
        .copies
        .iter()
        .filter(|c| c.instruction < run.instruction && chain.contains(&c.stage))
        .collect();
    // Module files alone rerun the step only when they change; anything else copied before
    // it (`.git`, a source folder) reruns it with every change there.
    let module_file = |source: &crate::model::Value| {
        source.usable().is_some_and(|s| {
            let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
            matches!(name, "go.mod" | "go.sum" | "go.work" | "go.work.sum")
                || (name.starts_with("go.") && name.contains('*'))
        })
    };
    let from_context = |c: &&&crate::model::Copy| c.source == crate::model::CopySource::Context;
    if before.iter().any(|c| c.takes_whole_context()) {
        " (any change to the copied sources)"
    } else if before.iter().filter(from_context).any(|c| c.names(".git")) {
        " (every commit: `.git` is copied before it)"
    } else if before
        .iter()
        .filter(from_context)
        .any(|c| !c.sources.iter().all(module_file))
    {
        " (any change to the files copied before it)"
    } else if before.iter().any(|c| c.names("go.mod")) {
        " (any change to go.mod)"
    } else {
        ""
    }
}

fn mount_flag(dir: &str) -> String {
    format!("--mount=type=cache,target={dir}")
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // Built only with `--no-cache`, BuildKit empties every cache mount before the build; the
    // classic builder has no cache mounts.
    if model.every_build_uncached() || model.every_build_classic() {
        return;
    }
    let runs = model.go_cache_runs();
    // RUNs whose module cache mount an earlier finding's help and fix already add.
    let mut covered: Vec<usize> = Vec::new();
    // RUNs whose modules follow a copy of the whole context: GL301's finding, whose help
    // offers the same mount. Worked out only for a file with a module cache to report.
    let mut after_sources: Option<Vec<usize>> = None;
    // Per stage, asked on first need: a file of thousands of RUNs asks each stage once.
    let mut module_files_handled: std::collections::HashMap<usize, bool> =
        std::collections::HashMap::new();
    let mut explained: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    for run in runs {
        // A pinned tool built from nothing of the context: the step reruns only with a new
        // file or base, and then with a cold cache all the same.
        // A development target built on this stage runs Go with the caches of its layers.
        // BuildKit never runs a stage the target does not need.
        if model.takes_no_files_before(run.stage, run.instruction)
            || model.feeds_go_container(run.stage)
            || !model.built_for_target(run.stage)
        {
            continue;
        }
        let mut missing: Vec<(GoCache, &str)> = Vec::new();
        // A mount named for the cache but in the wrong place is GL303's finding.
        // A RUN that empties a cache (`go clean -cache`) keeps it out of its layer on purpose:
        // a mount there is emptied each time (GL303's finding).
        if run.uses.compiles
            && !run.cleans.contains(&GoCache::Build)
            && run.mounted(GoCache::Build) == Some(false)
            && !run.names_a_mount_for(GoCache::Build)
            && !forces_rebuild(ctx, run)
            && !compiled_before(ctx, runs, run)
            && let Some(dir) = run.build_dir.as_deref()
        {
            missing.push((GoCache::Build, dir));
        }
        let own_fetch = own_fetch(ctx, runs, run);
        // Where the project exports its layer cache (`cache-to`), a download-only step's
        // layer keeps the modules between CI runs; moved into a mount, which is not exported,
        // they would be downloaded again on each fresh runner.
        // A context go.mod that requires nothing has no module to download (GL301 leaves it
        // alone too).
        let nothing_required = model.context_go_mod().is_some_and(|m| !m.has_requirements())
            // Before Go 1.11 there are no modules, and no module cache to mount.
            || model.golang_release(run.stage).lacks(GoFeature::Modules);
        if ((run.uses.downloads && !model.downloads_nothing(run)) || own_fetch.is_some())
            && !nothing_required
            && !run.cleans.contains(&GoCache::Module)
            && !(model.layer_cache_exported()
                && !run.uses.compiles
                && !mounted_later(ctx, runs, run, GoCache::Module))
            && run.mounted(GoCache::Module) == Some(false)
            && !run.names_a_mount_for(GoCache::Module)
            && !covered.contains(&run.instruction)
            && let Some(dir) = run.module_dir.as_deref()
            && !*module_files_handled
                .entry(run.stage)
                .or_insert_with(|| model.handles_module_cache_files(run.stage))
            && !after_sources
                .get_or_insert_with(|| {
                    (0..model.stages.len())
                        .filter_map(|s| model.modules_after_sources(s))
                        .flat_map(|m| m.runs.into_iter().map(|r| r.instruction))
                        .collect()
                })
                .contains(&run.instruction)
        {
            missing.push((GoCache::Module, dir));
        }
        // Nor a stage whose comment explains its choice of cache mounts (left out on
        // purpose, for a BuildKit bug). Asked once per stage, and only with a finding to make.
        if missing.is_empty()
            || *explained
                .entry(run.stage)
                .or_insert_with(|| model.explained_in_stage(run.stage, CACHE_MOUNT_TOPICS))
        {
            continue;
        }
        let build = missing.iter().any(|m| m.0 == GoCache::Build);
        let module = missing.iter().any(|m| m.0 == GoCache::Module);
        let what: Vec<String> = missing
            .iter()
            .map(|(cache, dir)| match cache {
                GoCache::Build => format!("the build cache (`{dir}`)"),
                GoCache::Module => format!("the module cache (`{dir}`)"),
            })
            .collect();
        let cost = match (build, module) {
            (true, true) => "each time the step reruns, every package is compiled and every module downloaded again".to_string(),
            // Before Go 1.20 the standard library came precompiled with Go: only the module's
            // own packages and its dependencies are compiled again.
            (true, false) if model.golang_release(run.stage).lacks(GoFeature::StdlibInBuildCache) => {
                "each time the step reruns, every package of the module and of its dependencies is compiled again".to_string()
            }
            (true, false) => "each time the step reruns, every package it imports is compiled again".to_string(),
            _ => format!(
                "each time the step reruns{}, every module is downloaded again, not only the new ones",
                rerun_cause(ctx, run)
            ),
        };
        let cost = match own_fetch {
            Some(OwnFetch::MountedBefore(_)) if module => format!(
                "the modules an earlier RUN downloaded went into its cache mount, which this RUN does not see, so it downloads every one again{}",
                if build { ", and compiles every package again each time it reruns" } else { "" }
            ),
            _ => cost,
        };
        let message = format!("this RUN has no cache mount for {}: {cost}", what.join(" or "));
        let flags: Vec<String> = missing.iter().map(|(_, dir)| mount_flag(dir)).collect();
        let later = if module { later_module_readers(ctx, runs, run) } else { Some(Vec::new()) };
        if let Some(later) = &later {
            covered.extend(later);
        }
        let also = if module {
            ", and mount the module cache on every later step that builds (a go command, make, a script), which would otherwise find it empty and download again"
        } else {
            ""
        };
        let mut d = ctx.report(&RULE, run.range, message).with_help(format!(
            "mount {} (`RUN {} ...`){also}; {WHERE_IT_PAYS}",
            if missing.len() == 2 { "them" } else { "it" },
            flags.join(" ")
        ));
        // A cache mount is created owned by root: for another user it needs `uid=`, which only
        // the image's passwd can tell.
        if run.as_root
            && let Some(later) = later
        {
            let keyword = model.instruction(run.instruction).keyword_range;
            let mut edits = vec![Edit::insert(keyword.end, format!(" {}", flags.join(" ")))];
            if let Some((_, dir)) = missing.iter().find(|m| m.0 == GoCache::Module) {
                for instruction in later {
                    let keyword = model.instruction(instruction).keyword_range;
                    edits.push(Edit::insert(keyword.end, format!(" {}", mount_flag(dir))));
                }
            }
            d = d.with_fix(Some(Fix::new(
                "add cache mounts for Go's caches",
                Applicability::Safe,
                edits,
            )));
        }
        if let Some(OwnFetch::MountedBefore(download)) = own_fetch
            && let Some(earlier) = runs.iter().find(|r| r.instruction == download)
        {
            d = d.with_label(earlier.range, "downloads into a cache mount");
        }
        out.push(d);
    }
}
