//! GL206 missing-trimpath: a shipped go build embeds the build machine's paths.

use super::per_run::PerRun;
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::go_command;
use crate::knowledge::go_release::GoFeature;
use crate::model::{CopySource, GoBuild};
use crate::paths;

declare_rule! {
    GL206 "missing-trimpath", Info, fix: Safe, applies: SERVICE, linux: false,
    "A shipped `go build` lacks `-trimpath`"
}

/// The build's source directory reaches the final image (a single-stage image, or a copy of
/// the whole checkout): the paths the binary embeds are in the image anyway. Only copies whose
/// source path is known count.
fn sources_ship(ctx: &Context, build: &GoBuild) -> bool {
    let model = ctx.model;
    if model.final_chain().contains(&build.stage) {
        return true;
    }
    // The final stage copies the built packages' directories from the context as they are (a
    // site that serves its own source tree).
    if let Some(dirs) = model.built_package_dirs(build)
        && !dirs.is_empty()
    {
        let shipped: Vec<String> = model
            .final_copies()
            .filter(|copy| copy.source == CopySource::Context)
            .flat_map(|copy| copy.sources.iter().filter_map(|s| s.resolved()))
            .filter(|source| !source.contains(['*', '?', '[']))
            .map(|source| paths::into_normal(format!("/{source}")))
            .collect();
        if dirs.iter().all(|dir| {
            let dir = format!("/{dir}");
            shipped
                .iter()
                .any(|source| *source == dir || paths::is_within(&dir, source))
        }) {
            return true;
        }
    }
    let Some(dir) = model.stages[build.stage].workdir.as_deref() else {
        return false;
    };
    model.final_copies().any(|copy| {
        copy.source == CopySource::Stage(build.stage)
            && copy.sources.iter().any(|source| {
                source
                    .resolved()
                    .map(paths::normalize)
                    .is_some_and(|src| src == dir || paths::is_within(dir, &src))
            })
    })
}

/// `Some(true)` when `-trimpath` is in effect, `Some(false)` when it is surely not, `None`
/// when GOFLAGS or a flag word comes from a value that cannot be known.
fn trimmed(ctx: &Context, build: &GoBuild) -> Option<bool> {
    let goflags_set = build.env.get("GOFLAGS").is_some_and(|v| v.exported);
    if goflags_set && ctx.model.passed_in(&build.env, "GOFLAGS") {
        return None;
    }
    if let Some((value, _)) = build.env.exported_value("GOFLAGS")
        && value.usable().is_none()
    {
        return None;
    }
    // A word that expands to flags the model cannot see (`go build $BUILD_FLAGS ...`).
    let value_words: Vec<usize> = build.flags.iter().filter_map(|f| f.value_word).collect();
    for (i, word) in build.command.argv.iter().enumerate().skip(2) {
        if i > build.first_positional || value_words.contains(&i) || !word.has_expansion {
            continue;
        }
        if !word.text.starts_with('$') {
            continue;
        }
        let expanded = build.env.expand_strict(&word.text);
        match expanded.usable() {
            None => return None,
            Some(text) if text.split_whitespace().any(is_trimpath_on) => return Some(true),
            Some(_) => {}
        }
    }
    Some(
        build
            .effective_flag("trimpath")
            .is_some_and(|u| u.flag.is_on()),
    )
}

fn is_trimpath_on(word: &str) -> bool {
    matches!(go_command::flag_word(word), Some(("trimpath", value))
        if go_command::flag_bool(value) == Some(true))
}

/// Inserts ` -trimpath` after the subcommand. A `-trimpath=false` on the command line would
/// still win, so no fix then.
fn fix(ctx: &Context, build: &GoBuild) -> Option<Fix> {
    if build.command.nested || !build.script_complete {
        return None;
    }
    if build.flags.iter().any(|f| f.name == "trimpath") {
        return None;
    }
    let sub = build.command.argv.get(1)?;
    if !sub.exact || build.subcommand.as_str() != Some(ctx.slice(sub.range)) {
        return None;
    }
    Some(Fix::new(
        "add `-trimpath`",
        Applicability::Safe,
        vec![Edit::insert(sub.range.end, " -trimpath")],
    ))
}

/// What `-trimpath` changes for this build: where its paths go, and what they stop showing.
fn help(build: &GoBuild) -> String {
    // Named files build as `command-line-arguments`, outside the module's paths.
    let paths_become = if build.builds_named_files() {
        "module paths (those of the named files become `command-line-arguments/...`)"
    } else {
        "module paths"
    };
    let shows = if build.vendored() {
        "the build stage's directory layout"
    } else {
        "the build stage's directory layout or where its module cache was"
    };
    format!(
        "add `-trimpath`: file paths in the binary and its stack traces become {paths_become}, so the binary no longer shows {shows}"
    )
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // An export-only final stage is an artifact for the host, not an image. An example image
    // shows how to use a project: where its binary's paths point matters to no one.
    if ctx.model.final_is_export_only() {
        return;
    }
    // A file that builds Go plugins builds the program that loads them to match: `-trimpath`
    // on one and not the other makes loading fail ("plugin was built with a different version
    // of package").
    if ctx.model.go_builds.iter().any(|b| b.builds_plugin()) {
        return;
    }
    let mut per_run = PerRun::default();
    // Debugger builds want the real source paths; `go install pkg@version` embeds only
    // module-cache paths, nothing of this file's checkout.
    for build in ctx
        .model
        .shipped_builds()
        .filter(|b| !b.is_test_or_debug() && !b.is_tool_install())
    {
        if trimmed(ctx, build) != Some(false)
            || sources_ship(ctx, build)
            // Another project's sources: the paths say nothing of this one.
            || ctx.model.builds_fetched_sources(build)
            // GOPATH mode embeds `$GOPATH/src/<import path>`: only the GOPATH would go, and
            // GL211 is the finding there.
            || build.gopath_mode()
            // Built in `$GOPATH/src/<import path>`: it embeds the import paths already.
            || build.builds_in_gopath_src()
            || ctx
                .model
                .context_go_mod()
                .and_then(|m| m.module.as_deref())
                .is_some_and(|module| build.builds_in_src_module_path(module))
        {
            continue;
        }
        if ctx
            .model
            .golang_release(build.stage)
            .lacks(GoFeature::Trimpath)
        {
            continue;
        }
        let program = build.command.program().unwrap_or("go");
        let mut diagnostic = ctx
            .report(
                &RULE,
                build.go_range,
                format!(
                    "`{program} {}` ships a binary without `-trimpath`: it embeds the build stage's file paths",
                    build.subcommand
                ),
            )
            .with_help(help(build))
            .with_fix(fix(ctx, build));
        if !per_run.folded(
            out,
            build.instruction,
            &mut diagnostic,
            build.go_range,
            "this build lacks `-trimpath` too",
        ) {
            out.push(diagnostic);
        }
    }
}
