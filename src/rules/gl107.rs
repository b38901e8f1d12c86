//! GL107 build-inputs-in-final-image: sources, the Go toolchain or its caches ship.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::files::{GOROOT, ROOT_CACHE_DIR, ROOT_GOCACHE};
use crate::knowledge::go_images::GOPATH;
use crate::model::{Copy, CopySource, Model};
use crate::paths;

declare_rule! {
    GL107 "build-inputs-in-final-image", Warning, fix: None, applies: SERVICE, linux: true,
    "The final image copies the build context, the Go toolchain or its caches"
}

/// Build-time directories of a Go stage.
fn toolchain_dir(model: &Model, stage: usize, path: &str) -> Option<&'static str> {
    if path == "/" || !path.starts_with(['/']) {
        return None;
    }
    let gopath = model.stages[stage]
        .vars
        .exported_value("GOPATH")
        .and_then(|(v, _)| v.usable().map(str::to_string))
        .unwrap_or_else(|| GOPATH.to_string());
    let pkg = paths::join(&gopath, "pkg");
    if path == GOROOT {
        Some("the Go toolchain")
    } else if path == paths::normalize(&gopath) || path == GOPATH {
        Some("the GOPATH, with the module cache")
    } else if paths::is_within(path, &pkg) {
        Some("the module cache")
    } else if path == ROOT_CACHE_DIR || paths::is_within(path, ROOT_GOCACHE) {
        // `/root/.cache` holds the build cache; its other folders are other programs' (a
        // browser a tool downloads into `/root/.cache/rod`).
        Some("the build cache")
    } else {
        None
    }
}

/// The directory a stage's chain copied the whole build context into, if it did.
fn source_dirs(model: &Model, stage: usize) -> Vec<String> {
    let chain = model.chain(stage);
    model
        .copies
        .iter()
        .filter(|c| chain.contains(&c.stage) && whole_context(c))
        .filter_map(|c| c.dest.usable().map(paths::normalize))
        .collect()
}

fn whole_context(copy: &Copy) -> bool {
    copy.source == CopySource::Context
        && copy
            .sources
            .iter()
            .any(|s| matches!(s.usable(), Some("." | "./" | "/")))
}

/// The copy lands in the final WORKDIR and the program the image starts lives outside it.
fn workdir_data(model: &Model, copy: &Copy) -> bool {
    let Some(stage) = model.final_stage() else {
        return false;
    };
    let (Some(dest), Some(workdir)) = (copy.dest.usable(), stage.workdir.as_deref()) else {
        return false;
    };
    if paths::normalize(dest) != paths::normalize(workdir) {
        return false;
    }
    let Some(program) = model.start_command().and_then(|s| s.first()) else {
        return false;
    };
    // An absolute path outside the WORKDIR, or a bare name (found on PATH, not in the WORKDIR).
    (program.starts_with('/') && !paths::is_within(program, workdir)) || !program.contains('/')
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let chain = model.final_chain();
    // Compiled in the shipped stage itself, when the image is built or at every start (`go
    // run`): the sources are there to build, and the single stage is the problem (GL001's
    // finding).
    if model.starts_with_go_run() || model.go_builds.iter().any(|b| chain.contains(&b.stage)) {
        return;
    }
    // Binaries copied onto a Go toolchain image on purpose: the Go kept there works on the
    // sources (tests run in the image, a program runs Go at run time).
    if model.final_keeps_go() {
        return;
    }
    let mut sources: Vec<(usize, Vec<String>)> = Vec::new();
    for copy in model.copies.iter().filter(|c| chain.contains(&c.stage)) {
        let what = if whole_context(copy) {
            Some("the whole build context (the sources) beside the binary".to_string())
        } else {
            match copy.source {
                CopySource::Stage(stage) => copy.sources.iter().find_map(|s| {
                    let path = paths::normalize(s.usable()?);
                    if let Some(dir) = toolchain_dir(model, stage, &path) {
                        return Some(format!("{dir} (`{path}`)"));
                    }
                    let dirs = match sources.iter().position(|(s, _)| *s == stage) {
                        Some(i) => &sources[i].1,
                        None => {
                            sources.push((stage, source_dirs(model, stage)));
                            &sources[sources.len() - 1].1
                        }
                    };
                    // Copied as the working directory of a program installed elsewhere, the
                    // tree is that program's data (a repository a tool opens), not its install.
                    if workdir_data(model, copy) {
                        return None;
                    }
                    dirs.iter().find(|d| paths::is_within(d, &path)).map(|_| {
                        format!(
                            "the source tree (`{path}`) of {}",
                            model.stages[stage].label()
                        )
                    })
                }),
                _ => None,
            }
        };
        let Some(what) = what else {
            continue;
        };
        out.push(
            ctx.report(
                &RULE,
                ctx.instruction_head(copy.instruction),
                format!("the final image copies {what}: build inputs ship in the image"),
            )
            .with_help("copy only what the program reads at run time: the binary, and any files it opens (templates, migrations), by path"),
        );
    }
}
