//! GL005 root-user: the final image runs as root.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::images::{DefaultUser, Family};
use crate::knowledge::users::{DEFAULT_NONROOT_USER, UserSpec};
use crate::syntax::Keyword;

declare_rule! {
    GL005 "root-user", Warning, fix: Unsafe, applies: HARDENING, linux: true,
    "The final image runs as root"
}

/// Words with which a comment explains running as root ("use only when root is really
/// needed").
const TOPICS: &[&str] = &["root", "privileged", "privileges"];

/// The user to suggest: the file's own user id when it shows one (its files belong to it),
/// else the conventional unprivileged one.
fn suggested_user(ctx: &Context) -> String {
    ctx.model
        .own_uid()
        .map_or_else(|| DEFAULT_NONROOT_USER.to_string(), |uid| uid.to_string())
}

fn help(ctx: &Context) -> String {
    let user = suggested_user(ctx);
    let whose = if ctx.model.own_uid().is_some() {
        " (the id this file gives its own user)"
    } else {
        ""
    };
    format!(
        "run as an unprivileged numeric user, e.g. `USER {user}`{whose}; a compromised process then cannot modify the image or escalate through root-owned files"
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
    let user = format!("{} {}", ctx.keyword("USER"), suggested_user(ctx));
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
        format!("add `USER {}`", suggested_user(ctx)),
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
    // Root on purpose: the program drops it itself, needs it, or a comment says why.
    let at = model.final_user().map_or(stage.from, |u| u.instruction);
    if model.drops_root_itself().is_some()
        || model.needs_root().is_some()
        || model.explained_choice(at, TOPICS).is_some()
    {
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
                format!("run as `{}`", suggested_user(ctx)),
                Applicability::Unsafe,
                vec![Edit::replace(user.range, suggested_user(ctx))],
            );
            out.push(
                ctx.report(
                    &RULE,
                    user.range,
                    format!("the final image runs as root (`USER {value}`)"),
                )
                .with_help(help(ctx))
                .with_fix(Some(fix)),
            );
        }
        None => {
            // A base that cannot be resolved (`FROM $BASE`, `img:tag-$ARCH`, `FROM BASEIMAGE`)
            // or one gopherlint does not know has a default user nobody can tell: another
            // project's base may set a user, or start through an init that drops root.
            let Some(image) = stage
                .root_image
                .as_ref()
                .filter(|i| !i.raw.contains('$') && !i.is_placeholder())
            else {
                return;
            };
            let DefaultUser::Root = stage.facts.default_user else {
                return;
            };
            let reason = format!("no USER is set and `{}` runs as root by default", image.raw);
            let fix = fix_missing_user(ctx);
            out.push(
                ctx.report(&RULE, ctx.instruction_head(stage.from), reason)
                    .with_help(help(ctx))
                    .with_fix(fix),
            );
        }
    }
}
