//! GL211 gopath-era-config: settings from before Go modules, on an official golang image:
//! `ENV GOPATH /go` (the image sets it), `GO111MODULE=on` (the default since Go 1.16) and
//! `GO111MODULE=off` (the legacy GOPATH mode).

use super::{Context, declare_rule, removal};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::go_images::{GOPATH, GOPATH_DIRS};
use crate::knowledge::go_release::GoFeature;
use crate::model::settings::{EnvWrite, Setting, SettingForm};
use crate::paths;
use crate::source::TextRange;
use crate::syntax::Args;

declare_rule! {
    GL211 "gopath-era-config", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "`ENV GOPATH /go` on the golang image, or `GO111MODULE` set on Go 1.16 or newer"
}

/// `ENV GOPATH /go` where the image already set `/go`.
fn gopath(ctx: &Context, write: &EnvWrite, out: &mut Vec<Diagnostic>) {
    let is_go = |v: &str| paths::normalize(v) == GOPATH;
    let expanded = ctx.model.refers_to("GOPATH", write.instruction);
    let redundant = matches!(write.form, SettingForm::Env { .. })
        && write.value.as_deref().is_some_and(is_go)
        && matches!(&write.before, Setting::Value(v) if is_go(v))
        // A file that writes to or copies from `/go/bin` or `/go/pkg` by name pins the
        // layout it uses.
        && !ctx.model.names_path_under(GOPATH_DIRS, write.instruction)
        // So does one that builds paths from the variable and also writes them out under
        // `/go` (`ENV SRC=$GOPATH/src/app`, then `COPY --from=build /go/src/app/bin /`): the
        // setting keeps the two in step.
        && !(expanded && ctx.model.names_path_under(&[GOPATH], write.instruction));
    if !redundant {
        return;
    }
    out.push(
        ctx.report(
            &RULE,
            write.range,
            "`GOPATH` is already `/go`: the official golang image sets it",
        )
        .with_help(if expanded {
            "delete it; the image's own `ENV GOPATH /go` (with `/go/bin` on `PATH`) is in effect in every stage built from it, so the file's `$GOPATH` still expands to `/go`"
        } else {
            "delete it; the image's own `ENV GOPATH /go` (with `/go/bin` on `PATH`) is in effect in every stage built from it"
        })
        .with_fix(delete_write(ctx, write, "delete the redundant `GOPATH`")),
    );
}

/// `GO111MODULE=on` where module mode is the default already: one finding per instruction,
/// its other settings (`GO111MODULE=on go mod download && GO111MODULE=on go build`) labelled
/// and deleted by the same fix.
fn go111module_on(ctx: &Context, writes: &[&EnvWrite], out: &mut Vec<Diagnostic>) {
    let Some((first, rest)) = writes.split_first() else {
        return;
    };
    let builder = ctx
        .model
        .golang_release(first.stage)
        .describe()
        .unwrap_or_default();
    let mut d = ctx
        .report(
            &RULE,
            first.range,
            format!(
                "`GO111MODULE=on` changes nothing: module mode is the default since Go 1.16 ({builder})"
            ),
        )
        .with_help("delete it; `go` builds in module mode unless `GO111MODULE` is `off`, or `auto` with no go.mod in the working directory or above it");
    for write in rest {
        d = d.with_label(write.range, "and here, in the same instruction");
    }
    let fixes: Option<Vec<Fix>> = writes
        .iter()
        .map(|w| delete_write(ctx, w, "delete `GO111MODULE=on`"))
        .collect();
    let fix = fixes.map(|fixes| {
        let title = if fixes.len() > 1 {
            "delete each `GO111MODULE=on`"
        } else {
            "delete `GO111MODULE=on`"
        };
        Fix::new(
            title,
            Applicability::Safe,
            fixes.into_iter().flat_map(|f| f.edits).collect(),
        )
    });
    out.push(d.with_fix(fix));
}

/// Whether a `GO111MODULE=on` write changes nothing: module mode is the default there.
fn on_is_default(ctx: &Context, write: &EnvWrite) -> bool {
    write.name == "GO111MODULE"
        && write.value.as_deref() == Some("on")
        && ctx
            .model
            .golang_release(write.stage)
            .has(GoFeature::ModulesByDefault)
        && (matches!(&write.before, Setting::Unset) || on_already(write))
}

fn go111module(ctx: &Context, write: &EnvWrite, out: &mut Vec<Diagnostic>) {
    let release = ctx.model.golang_release(write.stage);
    if !release.has(GoFeature::ModulesByDefault) {
        return;
    }
    let builder = release.describe().unwrap_or_default();
    if write.value.as_deref() == Some("off") {
        out.push(
            ctx.report(
                &RULE,
                write.range,
                format!(
                    "`GO111MODULE=off` selects the legacy GOPATH mode: go.mod and go.sum are ignored ({builder})"
                ),
            )
            .with_severity(Severity::Warning)
            .with_help(module_mode_help(ctx)),
        );
    }
}

/// How to leave GOPATH mode: with the context's go.mod where it has one, from the module root.
fn module_mode_help(ctx: &Context) -> String {
    const WHY: &str = "so dependency versions are pinned and verified; in GOPATH mode imports resolve from GOPATH and vendor directories, and since Go 1.22 `go get` no longer works there";
    let module = ctx
        .model
        .context()
        .and_then(|c| c.go_mod.value())
        .and_then(|m| m.module.clone());
    match module {
        Some(module) => format!(
            "delete it and build in module mode (the default since Go 1.16) from the module root, with the context's go.mod (`module {module}`) and package paths relative to it (`./cmd/app`), {WHY}"
        ),
        None => format!(
            "build in module mode (the default since Go 1.16) with a go.mod, {WHY}"
        ),
    }
}

fn on_already(write: &EnvWrite) -> bool {
    matches!(&write.before, Setting::Value(v) if v == "on")
}

/// Removes the setting: its ENV instruction or pair, or an inline `NAME=value ` before a
/// command. ARG defaults (a build argument may pass another value) and `export` are left.
fn delete_write(ctx: &Context, write: &EnvWrite, title: &str) -> Option<Fix> {
    let edit = match write.form {
        SettingForm::Env { pair: _, pairs: 1 } => {
            removal::delete_instruction(ctx, write.instruction)?
        }
        SettingForm::Env { pair, .. } => {
            let Args::KeyValues(pairs) = &ctx.model.instruction(write.instruction).args else {
                return None;
            };
            removal::delete_env_pair(ctx, pairs, pair)?
        }
        SettingForm::Inline => delete_inline(ctx, write)?,
        SettingForm::Arg | SettingForm::Export | SettingForm::GoEnv => return None,
    };
    Some(Fix::new(title, Applicability::Safe, vec![edit]))
}

/// `GO111MODULE=on go build` → `go build`: the assignment and the blanks after it, on one line.
fn delete_inline(ctx: &Context, write: &EnvWrite) -> Option<Edit> {
    let command = write.command.as_ref()?;
    if !write.editable || ctx.slice(write.range).contains('\n') {
        return None;
    }
    let next = command
        .assignments
        .iter()
        .map(|a| a.range)
        .chain(command.argv.iter().map(|w| w.range))
        .find(|r| r.start >= write.range.end)?;
    let gap = &ctx.text[write.range.end..next.start];
    if gap.is_empty() || !gap.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some(Edit::replace(
        TextRange::new(write.range.start, next.start),
        String::new(),
    ))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let writes = ctx.model.env_writes(&["GOPATH", "GO111MODULE"]);
    // A file that also sets `auto` or `off` (`ENV GO111MODULE=auto` for a GOPATH-era tree)
    // works in both modes: its `GO111MODULE=on` marks the steps that need module mode.
    let other_mode = writes.iter().any(|w| {
        w.name == "GO111MODULE" && w.value.as_deref().is_some_and(|v| v != "on")
    });
    // Redundant `GO111MODULE=on` settings, grouped by instruction in the file's order.
    let mut redundant_on: Vec<Vec<&EnvWrite>> = Vec::new();
    for write in &writes {
        if other_mode && write.name == "GO111MODULE" && write.value.as_deref() == Some("on") {
            continue;
        }
        // `ARG GO111MODULE=on` is a switch, not a leftover: the build may pass `off` (a
        // script that does when it finds a vendor folder), and deleting the ARG would take
        // the switch away. Which builds pass it is not all known.
        if write.name == "GO111MODULE" && write.form == SettingForm::Arg {
            continue;
        }
        // A stage that serves only a debug target (a `delve-builder`) is released nowhere.
        if !ctx.model.official_golang(write.stage) || ctx.model.serves_only_debugging(write.stage) {
            continue;
        }
        if on_is_default(ctx, write) {
            match redundant_on.last_mut() {
                Some(group) if group[0].instruction == write.instruction => group.push(write),
                _ => redundant_on.push(vec![write]),
            }
            continue;
        }
        match write.name.as_str() {
            "GOPATH" => gopath(ctx, write, out),
            _ => go111module(ctx, write, out),
        }
    }
    for group in &redundant_on {
        go111module_on(ctx, group, out);
    }
}
