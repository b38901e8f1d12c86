//! GL214 redundant-ca-install: `apk add ca-certificates` on an official golang alpine image,
//! which installs that package itself.

use super::{Context, declare_rule, removal};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::go_images::GOLANG_ALPINE_PACKAGES;
use crate::model::scripts::ApkAdd;
use crate::shell::Connector;
use crate::source::TextRange;

declare_rule! {
    GL214 "redundant-ca-install", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "`apk add ca-certificates` on a `golang:*-alpine` image, which already has it"
}

const PACKAGE: &str = "ca-certificates";

fn fix(ctx: &Context, add: &ApkAdd) -> Option<Fix> {
    let command = &add.command;
    if !add.script_complete || command.nested || add.virtual_package {
        return None;
    }
    let word = &command.argv[add.word];
    if !word.exact {
        return None;
    }
    if add.packages > 1 {
        let previous = &command.argv[add.word.checked_sub(1)?];
        let gap = &ctx.text[previous.range.end..word.range.start];
        if !previous.exact || gap.is_empty() || !removal::is_blank(ctx, gap) {
            return None;
        }
        return Some(Fix::new(
            format!("drop `{PACKAGE}` from `apk add`"),
            Applicability::Safe,
            vec![Edit::replace(
                TextRange::new(previous.range.end, word.range.end),
                String::new(),
            )],
        ));
    }
    // The command installs nothing else. With `-U` it also refreshes the package index a
    // later `apk add` may rely on, so it stays.
    if add.refreshes_index {
        return None;
    }
    let edit = delete_command(ctx, add)?;
    let whole = ctx.model.instruction(add.instruction).range;
    let title = if edit.range.contains_range(whole) {
        "delete the RUN: it installs only `ca-certificates`".to_string()
    } else {
        "delete the `apk add` command".to_string()
    };
    Some(Fix::new(title, Applicability::Safe, vec![edit]))
}

/// Removes the `apk add` command: the whole RUN when it is the only command, else the command
/// with the `&&` or `;` that joins it to its neighbour.
fn delete_command(ctx: &Context, add: &ApkAdd) -> Option<Edit> {
    let command = &add.command;
    let range = command.range()?;
    let instruction = ctx.model.instruction(add.instruction);
    let args = instruction.args_range?;
    if !instruction.heredocs.is_empty() || !command.argv.iter().all(|w| w.exact) {
        return None;
    }
    let before_ok = |start: usize| removal::is_blank(ctx, &ctx.text[args.start..start]);
    let after_ok = |end: usize| removal::is_blank(ctx, &ctx.text[end..args.end]);
    let joins = |c: Connector| matches!(c, Connector::And | Connector::Sequence);
    match (&add.previous, &add.next) {
        (None, None) if before_ok(range.start) && after_ok(range.end) => {
            removal::delete_instruction(ctx, add.instruction)
        }
        (Some(previous), None) if joins(command.connector) && after_ok(range.end) => {
            let previous = previous.range()?;
            let gap = &ctx.text[previous.end..range.start];
            removal::is_separator(ctx, gap)
                .then(|| Edit::replace(TextRange::new(previous.end, range.end), String::new()))
        }
        (None, Some(next)) if joins(next.connector) && before_ok(range.start) => {
            let next = next.range()?;
            let gap = &ctx.text[range.end..next.start];
            removal::is_separator(ctx, gap)
                .then(|| Edit::replace(TextRange::new(range.start, next.start), String::new()))
        }
        (Some(previous), Some(next))
            if command.connector == Connector::And && next.connector == Connector::And =>
        {
            let previous = previous.range()?;
            let next_range = next.range()?;
            let ok = removal::is_separator(ctx, &ctx.text[previous.end..range.start])
                && removal::is_separator(ctx, &ctx.text[range.end..next_range.start]);
            ok.then(|| Edit::replace(TextRange::new(previous.end, range.end), String::new()))
        }
        _ => None,
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for stage in &model.stages {
        let root = &model.stages[stage.root_stage];
        let alpine = model
            .golang_image(stage.index)
            .is_some_and(|golang| golang.tag.is_alpine());
        // A stage that serves only a debug target (a `delve-builder`) is released nowhere.
        if !alpine
            || !GOLANG_ALPINE_PACKAGES.contains(&PACKAGE)
            || model.serves_only_debugging(stage.index)
        {
            continue;
        }
        let image = root
            .root_image
            .as_ref()
            .map_or("golang", |i| i.raw.as_str());
        for add in model.apk_adds_of(stage.index, PACKAGE) {
            // `apk add -u` upgrades the installed bundle to the newest: not a no-op.
            if add.upgrade {
                continue;
            }
            let word = &add.command.argv[add.word];
            out.push(
                ctx.report(
                    &RULE,
                    word.range,
                    format!("`{PACKAGE}` is already installed in `{image}`"),
                )
                .with_help("drop it: the official golang alpine images install `ca-certificates` themselves, so `/etc/ssl/certs/ca-certificates.crt` is there to use or copy")
                .with_fix(fix(ctx, &add)),
            );
        }
    }
}
