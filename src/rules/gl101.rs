//! GL101 shell-form-without-shell: a command needs a shell the image does not have.

use super::text::exec_form;
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::shells::DEFAULT_SHELL;
use crate::model::Presence;
use crate::paths;
use crate::syntax::{Args, Keyword, ShellForm};

declare_rule! {
    GL101 "shell-form-without-shell", Error, fix: Safe, applies: RUNTIME, linux: true,
    "A shell-form command or RUN in an image that has no shell"
}

/// The words of a shell-form command when it has no shell syntax, split as the shell would;
/// `None` when the shell would do more than split on blanks.
pub(crate) fn plain_words(text: &str) -> Option<Vec<String>> {
    if text.contains(|c: char| "$'\"\\|&;<>()*?[]{}!`\n\r".contains(c)) {
        return None;
    }
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    let first = words.first()?;
    // `NAME=value cmd` is an assignment; `#`/`~` start a comment or a home directory.
    if first.contains('=') || words.iter().any(|w| w.starts_with(['#', '~'])) {
        return None;
    }
    Some(words)
}

fn shell_form(
    ctx: &Context,
    index: usize,
    keyword: &str,
    form: &ShellForm,
    shell: &str,
    image: &str,
) -> Diagnostic {
    let base = paths::basename(shell);
    let message = format!(
        "`{keyword}` in shell form runs through `{shell}`, which {image} does not have: it fails with \"exec: \\\"{shell}\\\": no such file or directory\""
    );
    let diagnostic = ctx.report(&RULE, ctx.instruction_head(index), message);
    match plain_words(&form.text) {
        Some(words) => {
            let json = exec_form(&words);
            diagnostic
                .with_help(format!("write it in exec form, which needs no {base}: `{keyword} {json}`"))
                .with_fix(Some(Fix::new(
                    "rewrite in exec form",
                    Applicability::Safe,
                    vec![Edit::replace(form.range, json)],
                )))
        }
        None => diagnostic.with_help(format!(
            "write it in exec form (`[\"/app\", \"arg\"]`); no fix is offered because the command uses shell syntax ({base} expansions, quotes or operators) that exec form would not interpret"
        )),
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(stage) = model.final_stage() else {
        return;
    };
    if stage.facts.shell.is_some() || !stage.facts.contents_known {
        return;
    }
    let fs = model.final_fs();
    let chain = model.chain_instructions(stage.index);
    // The shell shell-form commands use: the last SHELL, else /bin/sh.
    let shell_instruction = chain
        .iter()
        .copied()
        .rfind(|&i| model.instruction(i).keyword == Keyword::Shell);
    let shell = shell_instruction
        .and_then(|i| match &model.instruction(i).args {
            Args::Exec(exec) => exec.elements.first().map(|w| w.value.clone()),
            _ => None,
        })
        .unwrap_or_else(|| DEFAULT_SHELL.to_string());
    if fs.find_program(&shell) != Presence::Absent {
        return;
    }
    let image = stage
        .root_image
        .as_ref()
        .map_or_else(|| "the base".to_string(), |i| format!("`{}`", i.raw));
    if let Some(i) = shell_instruction {
        out.push(
            ctx.report(
                &RULE,
                ctx.instruction_head(i),
                format!("`SHELL` names `{shell}`, which the image does not contain: every shell-form command after it fails"),
            )
            .with_help("copy that shell into the image, or use exec form (`[\"/app\", \"arg\"]`) for every command"),
        );
    }
    let (entrypoint, cmd) = model.start_instructions();
    let healthcheck = model.healthcheck();
    for index in [entrypoint, cmd, healthcheck].into_iter().flatten() {
        let instruction = model.instruction(index);
        let form = match &instruction.args {
            Args::Shell(form) => form,
            Args::Healthcheck { command, .. } => match command.as_ref() {
                Args::Shell(form) => form,
                _ => continue,
            },
            _ => continue,
        };
        let keyword = instruction.keyword_text.to_ascii_uppercase();
        out.push(shell_form(ctx, index, &keyword, form, &shell, &image));
    }
    for &index in &chain {
        let instruction = model.instruction(index);
        if instruction.keyword == Keyword::Run && matches!(instruction.args, Args::Shell(_)) {
            out.push(
                ctx.report(
                    &RULE,
                    ctx.instruction_head(index),
                    format!("`RUN` in shell form needs `{shell}`, which {image} does not have: the build fails here"),
                )
                .with_help("run the command in the build stage and copy its result, or use exec form with a program the image contains"),
            );
        }
    }
}
