//! GL005 root-user: the final image runs as root.

use super::text::nonroot_user_line;
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::images::{DefaultUser, Family};
use crate::knowledge::users::{DEFAULT_NONROOT_USER, UserSpec};
use crate::syntax::Keyword;

declare_rule! {
    GL005 "root-user", Warning, fix: Unsafe, applies: RUNTIME, linux: true,
    "The final image runs as root"
}

fn help() -> String {
    format!(
        "run as an unprivileged numeric user, e.g. `USER {DEFAULT_NONROOT_USER}`; a compromised process then cannot modify the image or escalate through root-owned files"
    )
}

/// For distroless, switch to its `:nonroot` tag; otherwise insert `USER 65532:65532` before
/// the final stage's start command (or at its end).
fn fix_missing_user(ctx: &Context) -> Option<Fix> {
    let model = ctx.model;
    let stage = model.final_stage()?;
    if stage.facts.family == Family::DistrolessStatic
        || stage.facts.family == Family::DistrolessBase
    {
        let root = &model.stages[stage.root_stage];
        let word = root.image_word.as_ref()?;
        let image = root.root_image.as_ref()?;
        if word.raw != word.value || word.raw.contains('$') || image.digest.is_some() {
            return None;
        }
        let tag = match image.tag.as_deref() {
            None | Some("latest") => "nonroot".to_string(),
            Some(tag) => format!("{tag}-nonroot"),
        };
        let name = word.raw.split('@').next().unwrap_or(&word.raw);
        let without_tag = match image.tag.as_deref() {
            Some(t) => name.strip_suffix(&format!(":{t}")).unwrap_or(name),
            None => name,
        };
        return Some(Fix::new(
            format!("use the `:{tag}` tag"),
            Applicability::Unsafe,
            vec![Edit::replace(word.range, format!("{without_tag}:{tag}"))],
        ));
    }
    let nl = ctx.newline();
    let user = nonroot_user_line(ctx);
    let start = stage.body.iter().copied().find(|&i| {
        matches!(
            model.instruction(i).keyword,
            Keyword::Entrypoint | Keyword::Cmd
        )
    });
    let edit = match start {
        Some(i) => {
            let instruction = model.instruction(i);
            let line_start = ctx.text[..instruction.range.start]
                .rfind('\n')
                .map_or(0, |n| n + 1);
            let indent = &ctx.text[line_start..instruction.range.start];
            Edit::insert(instruction.range.start, format!("{user}{nl}{indent}"))
        }
        None => {
            let last = stage.body.last().copied().unwrap_or(stage.from);
            if !ctx.can_insert_after(last) {
                return None;
            }
            Edit::insert(model.instruction(last).range.end, format!("{nl}{user}"))
        }
    };
    Some(Fix::new(
        format!("add `USER {DEFAULT_NONROOT_USER}`"),
        Applicability::Unsafe,
        vec![edit],
    ))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.final_is_export_only() {
        return;
    }
    let Some(stage) = model.final_stage() else {
        return;
    };
    // An image that cannot be resolved has a default user nobody can tell.
    if stage.root_image.is_none() && model.final_user().is_none() {
        return;
    }
    match model.final_user() {
        Some(user) => {
            let Some(value) = user.value.usable() else {
                return;
            };
            if !UserSpec::parse(value).is_root() {
                return;
            }
            let fix = Fix::new(
                format!("run as `{DEFAULT_NONROOT_USER}`"),
                Applicability::Unsafe,
                vec![Edit::replace(user.range, DEFAULT_NONROOT_USER)],
            );
            out.push(
                ctx.report(
                    &RULE,
                    user.range,
                    format!("the final image runs as root (`USER {value}`)"),
                )
                .with_help(help())
                .with_fix(Some(fix)),
            );
        }
        None => {
            let image = stage.root_image.as_ref();
            let reason = match stage.facts.default_user {
                DefaultUser::NonRoot(_) => return,
                DefaultUser::Root => format!(
                    "no USER is set and `{}` runs as root by default",
                    image.map_or("the base image", |i| i.raw.as_str())
                ),
                DefaultUser::Unknown => format!(
                    "no USER is set, so the image runs as the default user of `{}`: root, unless that image sets another",
                    image.map_or("its base", |i| i.raw.as_str())
                ),
            };
            let fix = fix_missing_user(ctx);
            out.push(
                ctx.report(&RULE, ctx.instruction_head(stage.from), reason)
                    .with_help(help())
                    .with_fix(fix),
            );
        }
    }
}
