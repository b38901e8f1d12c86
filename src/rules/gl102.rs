//! GL102 entrypoint-not-in-image: the program the image starts is not in it.

use super::{Context, FixAvailability, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{FinalFs, Model, Presence};
use crate::paths;
use crate::syntax::{Args, ExecForm, Word};

pub const RULE: Rule = Rule {
    code: "GL102",
    name: "entrypoint-not-in-image",
    severity: Severity::Error,
    summary: "The exec-form ENTRYPOINT/CMD names a program the image does not contain",
    applies_to: super::RUNTIME,
    linux_only: true,
    fix: FixAvailability::None,
    doc: include_str!("../../rules/GL102.md"),
    check,
};

/// Where a program is looked up: the final WORKDIR and PATH.
pub(crate) fn lookup(model: &Model, fs: &FinalFs, program: &str) -> Presence {
    let Some(stage) = model.final_stage() else {
        return Presence::Unknown;
    };
    let path_var = stage
        .vars
        .exported_value("PATH")
        .map(|(v, _)| v.usable().map(str::to_string));
    match path_var {
        // A PATH set from something unknown: a bare name could be anywhere.
        Some(None) if !program.contains('/') => Presence::Unknown,
        Some(path) => fs.program(program, stage.workdir.as_deref(), path.as_deref()),
        None => fs.program(program, stage.workdir.as_deref(), None),
    }
}

/// The exec form's program (its word and expanded name) when the image certainly lacks it.
pub(crate) fn absent_program<'e>(
    model: &Model,
    fs: &FinalFs,
    exec: &'e ExecForm,
) -> Option<(&'e Word, String)> {
    let first = exec.elements.first()?;
    let program = model
        .final_stage()?
        .vars
        .expand(&first.value)
        .usable()?
        .to_string();
    (!program.is_empty() && lookup(model, fs, &program) == Presence::Absent)
        .then_some((first, program))
}

/// "did you mean `/server`?": copied files with the same name, or else every copied file.
pub(crate) fn suggestion(fs: &FinalFs, program: &str) -> String {
    let name = paths::basename(program);
    let copied: Vec<&str> = fs.copied_files().collect();
    let same: Vec<&str> = copied
        .iter()
        .copied()
        .filter(|p| paths::basename(p) == name)
        .collect();
    let shown = if same.is_empty() { copied } else { same };
    match shown.as_slice() {
        [] => "nothing is copied into the image yet".to_string(),
        [one] => format!("did you mean `{one}`?"),
        many => format!(
            "the image has {}",
            many.iter()
                .take(5)
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let fs = model.final_fs();
    if !fs.known {
        return;
    }
    let (entrypoint, cmd) = model.start_instructions();
    let Some(index) = entrypoint.or(cmd) else {
        return;
    };
    let instruction = model.instruction(index);
    let Args::Exec(exec) = &instruction.args else {
        return;
    };
    let Some((first, program)) = absent_program(model, fs, exec) else {
        return;
    };
    let keyword = instruction.keyword_text.to_ascii_uppercase();
    out.push(
        ctx.report(
            &RULE,
            first.range,
            format!(
                "`{keyword}` starts `{program}`, which nothing puts in the image: the container fails with \"exec {program}: no such file or directory\""
            ),
        )
        .with_help(suggestion(fs, &program)),
    );
}
