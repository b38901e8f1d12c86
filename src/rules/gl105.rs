//! GL105 missing-tzdata: a `scratch` image has no time zone database.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files::{GO_ZONEINFO_ZIP, ZONEINFO_DIR, ZONEINFO_ENV};
use crate::knowledge::go_command::build_tags;
use crate::knowledge::images::Family;
use crate::model::{GoBuild, Presence};

declare_rule! {
    GL105 "missing-tzdata", Info, fix: Safe, applies: GO_BINARY, linux: true,
    "A `scratch` final image has no time zone database"
}

/// Whether a build embeds the time zone database (`-tags timetzdata`); `None` when its tags
/// cannot be read.
fn embeds_tzdata(build: &GoBuild) -> Option<bool> {
    let mut found = false;
    for flag in build.flags.iter().chain(&build.goflags) {
        if flag.name != "tags" {
            continue;
        }
        let value = build.env.expand(flag.value.as_deref().unwrap_or(""));
        let text = value.usable()?;
        found |= build_tags(text).iter().any(|t| t == "timetzdata");
    }
    Some(found)
}

/// The remedy: the tag always works; a copy only from a build stage that has the database.
fn help(model: &crate::model::Model, shipped: &[&GoBuild]) -> String {
    let with_tzdata = shipped
        .iter()
        .map(|b| &model.stages[b.stage])
        .find(|s| s.facts.tzdata);
    match with_tzdata {
        Some(stage) => format!(
            "build with `-tags timetzdata` (about 450 KB more), or copy `{ZONEINFO_DIR}` from {}",
            stage.label()
        ),
        None => format!(
            "build with `-tags timetzdata` (about 450 KB more), or copy Go's `{GO_ZONEINFO_ZIP}` from the build stage and set `{ZONEINFO_ENV}` to it"
        ),
    }
}

/// Adds `timetzdata` to the build's `-tags` as written, or inserts `-tags timetzdata` after
/// the subcommand. Only words written plainly in the RUN line are edited.
fn add_tag(ctx: &Context, build: &GoBuild) -> Option<Edit> {
    if build.command.nested || !build.script_complete {
        return None;
    }
    let argv = &build.command.argv;
    let Some(flag) = build.flags.iter().rev().find(|f| f.name == "tags") else {
        if build.goflags.iter().any(|f| f.name == "tags") {
            return None;
        }
        let sub = argv.get(1).filter(|w| w.exact)?;
        return Some(Edit::insert(sub.range.end, " -tags timetzdata"));
    };
    let word = &argv[flag.value_word?];
    if !word.exact || word.has_expansion {
        return None;
    }
    let raw = ctx.slice(word.range);
    let value = flag.value.as_deref().unwrap_or("");
    // Go splits on commas when there is one, else on spaces (the older form): keep the
    // value's own separator, or `osusergo netgo,timetzdata` would become one odd tag.
    let separator = if value.trim().is_empty() {
        ""
    } else if value.contains(',') || !value.trim().contains(' ') {
        ","
    } else {
        " "
    };
    if raw.ends_with(['"', '\'']) && raw.len() >= 2 {
        let end = word.range.end - 1;
        return Some(Edit::insert(end, format!("{separator}timetzdata")));
    }
    if value.is_empty() || raw.contains(['"', '\'']) {
        return None;
    }
    Some(Edit::insert(
        word.range.end,
        format!("{separator}timetzdata"),
    ))
}

/// The file shows that a time zone is wanted: the final image sets `TZ` to a zone (not UTC), or
/// a stage installs the `tzdata` package (which then does not reach `scratch`).
fn wants_time_zones(model: &crate::model::Model) -> bool {
    let tz = model.final_stage().and_then(|s| s.vars.exported_value("TZ"));
    let zone_set = tz.is_some_and(|(value, _)| {
        value.usable().is_none_or(|v| {
            !matches!(v.trim_start_matches(':'), "" | "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT")
        })
    });
    zone_set
        || model
            .runs
            .iter()
            .flat_map(|r| &r.script.commands)
            .filter_map(|c| crate::model::scripts::installed_packages(c))
            .flatten()
            .any(|p| crate::knowledge::packages::package_name(&p) == "tzdata")
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(stage) = model.final_stage() else {
        return;
    };
    if stage.facts.family != Family::Scratch || !model.opaque_go_copies().is_empty() {
        return;
    }
    let shipped: Vec<&GoBuild> = model.shipped_builds().collect();
    if shipped.is_empty() || stage.vars.exported_value(ZONEINFO_ENV).is_some() {
        return;
    }
    if model.final_fs().presence(ZONEINFO_DIR) != Presence::Absent {
        return;
    }
    // Most programs never load a zone: report only where the file shows one is wanted.
    if !wants_time_zones(model) {
        return;
    }
    let mut edits = Vec::new();
    for build in &shipped {
        match embeds_tzdata(build) {
            None | Some(true) => return,
            Some(false) => {}
        }
        if let Some(edit) = add_tag(ctx, build) {
            edits.push(edit);
        }
    }
    let fix = (edits.len() == shipped.len()).then(|| {
        Fix::new(
            "embed the time zone database with `-tags timetzdata`",
            Applicability::Safe,
            edits,
        )
    });
    out.push(
        ctx.report(
            &RULE,
            ctx.instruction_head(stage.from),
            "the final image is `scratch` and has no time zone database: if the program loads a time zone, `time.LoadLocation` fails with \"unknown time zone\" and a `TZ` setting is ignored (UTC)",
        )
        .with_help(help(model, &shipped))
        .with_fix(fix),
    );
}
