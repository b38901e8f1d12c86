//! GL001 single-stage-build: the shipped stage compiles Go or is a Go toolchain image.

use super::{Context, FixAvailability, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::{GoBuild, Model, StageBase, paths};
use crate::syntax::{Args, Keyword};

pub const RULE: Rule = Rule {
    code: "GL001",
    name: "single-stage-build",
    severity: Severity::Error,
    summary: "The final image compiles Go or is built on a Go toolchain image",
    go_scoped: true,
    fix: FixAvailability::Unsafe,
    doc: include_str!("../../rules/GL001.md"),
    check,
};

/// Why the final stage counts as a single-stage Go build.
pub(crate) struct SingleStage<'m> {
    /// A go build in the final chain, if any.
    pub build: Option<&'m GoBuild>,
    /// The final chain descends from a Go toolchain image.
    pub toolchain_image: bool,
}

pub(crate) fn single_stage<'m>(model: &'m Model) -> Option<SingleStage<'m>> {
    let stage = model.final_stage()?;
    let chain = model.final_chain();
    let build = model.go_builds.iter().find(|b| chain.contains(&b.stage));
    let toolchain_image = stage.facts.is_go_toolchain();
    (build.is_some() || toolchain_image).then_some(SingleStage {
        build,
        toolchain_image,
    })
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(found) = single_stage(model) else {
        return;
    };
    let Some(stage) = model.final_stage() else {
        return;
    };
    let range = ctx.instruction_head(stage.from);
    let image = stage
        .root_image
        .as_ref()
        .map_or_else(|| "its base".to_string(), |i| format!("`{}`", i.raw));
    let message = if found.toolchain_image {
        format!(
            "the final image is built on the Go toolchain image {image}: compiler, sources and caches ship with the binary"
        )
    } else {
        "the final image compiles Go: the toolchain, sources and build cache ship with the binary"
            .to_string()
    };
    let mut diagnostic = ctx
        .report(&RULE, range, message)
        .with_help(
            "compile in a `build` stage, then copy only the binary and CA certificates into a new `FROM scratch` stage that runs as a non-root user (`gopherlint --explain GL001`)",
        )
        .with_fix(rewrite(ctx, found.build));
    if let Some(build) = found.build {
        diagnostic = diagnostic.with_label(build.go_range, "compiled here, in the shipped stage");
    }
    out.push(diagnostic);
}

/// Rewrites a single-stage build into the Gopherfile pattern: the existing stage becomes the
/// `build` stage and a `FROM scratch` stage ships its binary. Offered only where the result is
/// equivalent to run: the binary path is known, nothing runs after the build, and the start
/// command is exec form (or absent).
fn rewrite(ctx: &Context, build: Option<&GoBuild>) -> Option<Fix> {
    let model = ctx.model;
    let build = build?;
    let stage = model.final_stage()?;
    if !matches!(stage.base, StageBase::Image(_)) || !build.ships || !build.script_complete {
        return None;
    }
    let binary = build.output.as_ref()?.usable()?.to_string();
    let name = paths::basename(&binary).to_string();
    let nl = ctx.newline();
    let mut edits = Vec::new();
    let stage_name = match &stage.name {
        Some(name) => name.clone(),
        None => {
            let taken = |n: &str| model.stages.iter().any(|s| s.name.as_deref() == Some(n));
            let name = if taken("build") { "builder" } else { "build" };
            let image_end = stage.image_word.as_ref()?.range.end;
            edits.push(Edit::insert(
                image_end,
                format!(" {} {name}", ctx.keyword("AS")),
            ));
            name.to_string()
        }
    };
    let mut runtime = Vec::new();
    let mut start_command = None;
    let mut after_build = false;
    for &index in &stage.body {
        let instruction = model.instruction(index);
        if index == build.instruction {
            after_build = true;
            continue;
        }
        match instruction.keyword {
            Keyword::Run if after_build => return None,
            Keyword::Expose | Keyword::Label | Keyword::Stopsignal => {
                runtime.push(ctx.slice(instruction.range).to_string());
            }
            Keyword::Env => {
                let build_only = matches!(&instruction.args, Args::KeyValues(pairs)
                    if pairs.iter().all(|p| p.key.value.starts_with("GO") || p.key.value.starts_with("CGO_")));
                if !build_only {
                    runtime.push(ctx.slice(instruction.range).to_string());
                }
            }
            Keyword::Entrypoint | Keyword::Cmd => {
                let Args::Exec(exec) = &instruction.args else {
                    return None;
                };
                let argv: Vec<String> = exec
                    .elements
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let is_binary = i == 0
                            && (w.value == binary
                                || paths::basename(&w.value) == name && !w.value.contains('$'));
                        if is_binary {
                            format!("/{name}")
                        } else {
                            w.value.clone()
                        }
                    })
                    .collect();
                let json = serde_json::to_string(&argv)
                    .ok()?
                    .replace("\",\"", "\", \"");
                start_command = Some(format!(
                    "{} {json}",
                    ctx.keyword(instruction.keyword_text.to_ascii_uppercase().as_str())
                ));
            }
            _ => {}
        }
    }
    let start =
        start_command.unwrap_or_else(|| format!("{} [\"/{name}\"]", ctx.keyword("ENTRYPOINT")));
    let mut stage_text = vec![
        format!("{} scratch", ctx.keyword("FROM")),
        format!(
            "{} --from={stage_name} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
            ctx.keyword("COPY")
        ),
        format!(
            "{} --from={stage_name} {binary} /{name}",
            ctx.keyword("COPY")
        ),
    ];
    stage_text.extend(runtime);
    stage_text.push(format!("{} 65532:65532", ctx.keyword("USER")));
    stage_text.push(start);
    // A blank line between the stages, whether or not the file ends with a newline.
    let prefix = if ctx.text.ends_with('\n') {
        nl.to_string()
    } else {
        format!("{nl}{nl}")
    };
    edits.push(Edit::insert(
        ctx.text.len(),
        format!("{prefix}{}{nl}", stage_text.join(nl)),
    ));
    Some(Fix::new(
        "ship the binary from a new `FROM scratch` stage",
        Applicability::Unsafe,
        edits,
    ))
}
