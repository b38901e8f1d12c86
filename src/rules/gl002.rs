//! GL002 heavy-final-base: the shipped Go binary sits on a full OS image.

use super::{Context, FixAvailability, GOPHERFILE_HINT, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::{Family, ImageRef};
use crate::syntax::{Args, Keyword};

pub const RULE: Rule = Rule {
    code: "GL002",
    name: "heavy-final-base",
    severity: Severity::Warning,
    summary: "The final image's base is not a minimal image (scratch, distroless static, chainguard static)",
    go_scoped: true,
    fix: FixAvailability::Unsafe,
    doc: include_str!("../../rules/GL002.md"),
    check,
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if super::gl001::single_stage(model).is_some() {
        return;
    }
    let Some(stage) = model.final_stage() else {
        return;
    };
    let Some(image) = &stage.root_image else {
        return;
    };
    if !model.final_ships_go()
        || stage.facts.is_minimal()
        || allowed(image, &ctx.settings.allowed_bases)
    {
        return;
    }
    let shipped: Vec<_> = model.go_builds.iter().filter(|b| b.ships).collect();
    let needs_cgo = shipped.iter().any(|b| b.cgo.enabled_explicitly());
    if needs_cgo && stage.facts.family == Family::DistrolessBase {
        return;
    }
    let root = &model.stages[stage.root_stage];
    let Some(word) = &root.image_word else {
        return;
    };
    // Does anything in the final image run a command (RUN, or a shell-form start command)?
    let runs_commands = model.chain_instructions(stage.index).iter().any(|&i| {
        let instruction = model.instruction(i);
        match instruction.keyword {
            Keyword::Run => true,
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck => {
                matches!(instruction.args, Args::Shell(_))
            }
            _ => false,
        }
    });
    let replacement = if runs_commands {
        "gcr.io/distroless/static-debian12"
    } else {
        "scratch"
    };
    let fix = (!word.raw.contains('$') && word.raw == word.value).then(|| {
        Fix::new(
            format!("replace `{}` with `{replacement}`", word.raw),
            Applicability::Unsafe,
            vec![Edit::replace(word.range, replacement)],
        )
    });
    out.push(
        ctx.report(
            &RULE,
            word.range,
            format!(
                "the Go binary ships on `{}`, a full OS image it does not need",
                image.raw
            ),
        )
        .with_help(format!(
            "a static Go binary runs on `scratch` or `gcr.io/distroless/static-debian12` {GOPHERFILE_HINT}"
        ))
        .with_fix(fix),
    );
}

/// Whether the image matches an allowed base: `name` matches any tag, `name:tag` that tag.
fn allowed(image: &ImageRef, allowed: &[String]) -> bool {
    allowed.iter().any(|entry| {
        let wanted = ImageRef::parse(entry);
        wanted.name() == image.name()
            && (wanted.tag.is_none()
                || image.tag.as_deref().is_some_and(|t| {
                    Some(t) == wanted.tag.as_deref()
                        || t.starts_with(&format!("{}.", wanted.tag.as_deref().unwrap_or("")))
                }))
    })
}
