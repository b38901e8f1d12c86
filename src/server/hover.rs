//! Hover: what gopherlint knows where the cursor is. On a finding, the rule's summary and why
//! it matters; on a FROM image, the image's facts; on a go command, its effective settings and
//! where its output lands; on a stage name, the stage and whether it ships. The same knowledge
//! `--show-model` prints for the whole file.

use crate::diagnostic::Diagnostic;
use crate::model::describe::{build_facts, class_facts, image_facts};
use crate::model::{CopySource, Model, StageBase};
use crate::output::doc_section;

/// The hover text (Markdown) at byte `offset`, if gopherlint knows something there.
pub fn hover(model: &Model, diagnostics: &[Diagnostic], offset: usize) -> Option<String> {
    let mut parts: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.range.start <= offset && offset <= d.range.end)
        .map(finding)
        .collect();
    if let Some(text) = go_command(model, offset)
        .or_else(|| image(model, offset))
        .or_else(|| stage_name(model, offset))
    {
        parts.push(text);
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn finding(d: &Diagnostic) -> String {
    let rule = d.rule;
    let mut out = format!(
        "**{} {}** ({})\n\n{}",
        rule.code, rule.name, d.severity, rule.summary
    );
    if let Some(why) = doc_section(rule.doc, "Why is this bad?") {
        // The first paragraph: the reason, without the details that follow it.
        let first = why.split("\n\n").next().unwrap_or(why);
        out.push_str("\n\n");
        out.push_str(&first.replace('\n', " "));
    }
    out.push_str(&format!(
        "\n\n[{} documentation]({})",
        rule.code,
        rule.doc_url()
    ));
    out
}

/// A go command whose words hold the offset.
fn go_command(model: &Model, offset: usize) -> Option<String> {
    let build = model.go_builds.iter().find(|b| {
        let end = b
            .command
            .argv
            .last()
            .map_or(b.go_range.end, |w| w.range.end);
        b.go_range.start <= offset && offset <= end
    })?;
    let facts = build_facts(model, build);
    Some(format!(
        "**go {}** (gopherlint's reading)\n\n```text\n{}```",
        build.subcommand,
        dedent(&facts)
    ))
}

/// A FROM whose image word holds the offset.
fn image(model: &Model, offset: usize) -> Option<String> {
    let stage = model.stages.iter().find(|s| {
        s.image_word
            .as_ref()
            .is_some_and(|w| w.range.start <= offset && offset <= w.range.end)
    })?;
    let StageBase::Image(image) = &stage.base else {
        return None;
    };
    Some(format!("**`{}`**\n\n{}", image.raw, image_facts(stage)))
}

/// A stage's name where the cursor is: in its FROM, a later FROM, or a `--from`.
fn stage_name(model: &Model, offset: usize) -> Option<String> {
    let text = model.text;
    let offset = offset.min(text.len());
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_name(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = &text[start..end];
    if word.is_empty() {
        return None;
    }
    let stage = model.stages.iter().find(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(word))
    })?;
    let base = match &stage.base {
        StageBase::Image(image) => format!("FROM `{}`", image.raw),
        StageBase::Stage(parent) => format!("FROM {}", model.stages[*parent].label()),
        StageBase::Unknown => "FROM an image gopherlint cannot resolve".to_string(),
    };
    let final_chain = model.final_chain();
    let role = if model.final_stage().is_some_and(|f| f.index == stage.index) {
        format!("the shipped stage; the image is {}", class_facts(model))
    } else if final_chain.contains(&stage.index) {
        "a stage the shipped one is built on: its files ship".to_string()
    } else if model
        .copies
        .iter()
        .any(|c| final_chain.contains(&c.stage) && c.source == CopySource::Stage(stage.index))
    {
        "the shipped image copies from it".to_string()
    } else {
        "its files do not reach the shipped image directly".to_string()
    };
    Some(format!("**{}** ({base})\n\n{role}", stage.label()))
}

/// `--show-model`'s lines without their list indentation.
fn dedent(text: &str) -> String {
    text.lines()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect()
}
