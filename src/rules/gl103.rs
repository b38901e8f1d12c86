//! GL103 user-name-unresolvable: a user name the image has no /etc/passwd entry for.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files::PASSWD;
use crate::knowledge::users::{DEFAULT_NONROOT_USER, UserSpec};
use crate::model::Model;
use crate::paths;
use crate::source::TextRange;

declare_rule! {
    GL103 "user-name-unresolvable", Error, fix: Safe, applies: RUNTIME, linux: true,
    "A USER or `--chown` name the image cannot resolve (no /etc/passwd entry)"
}

/// What the final image's /etc/passwd holds, as far as the file tells.
enum Passwd {
    /// A copy brings one (its users are not known, the names are taken to be there).
    Copied,
    /// Cannot be told: a base gopherlint does not know, a RUN, a copy to an unknown place.
    Unknown,
    /// The base's own, with these users (none for scratch).
    Base(&'static [(&'static str, u32)]),
}

fn passwd(model: &Model) -> Passwd {
    let Some(stage) = model.final_stage() else {
        return Passwd::Unknown;
    };
    if !stage.facts.contents_known {
        return Passwd::Unknown;
    }
    let fs = model.final_fs();
    if fs.present.iter().any(|p| p == PASSWD) {
        return Passwd::Copied;
    }
    if !fs.known || fs.open_dirs.iter().any(|d| paths::is_within(PASSWD, d)) {
        return Passwd::Unknown;
    }
    Passwd::Base(stage.facts.users)
}

/// The user part of `user[:group]` when it is a name. `root` resolves without /etc/passwd.
fn user_name(value: &str) -> Option<&str> {
    UserSpec::parse(value).non_root_name()
}

fn report(ctx: &Context, range: TextRange, name: &str, message: String) -> Diagnostic {
    let uid = ctx.model.uid_of(name, true);
    let written = ctx.slice(range);
    // Replace the name where it is written plainly (`name` or `name:group` with the same name).
    let fix = uid.and_then(|uid| {
        let replacement = match written.split_once(':') {
            None if written == name => uid.to_string(),
            // distroless's nonroot group has the user's id; a group made by adduser may not.
            Some((user, group)) if user == name && group == name && name == "nonroot" => {
                format!("{uid}:{uid}")
            }
            Some((user, group)) if user == name && group.parse::<u32>().is_ok() => {
                format!("{uid}:{group}")
            }
            _ => return None,
        };
        Some(Fix::new(
            format!("use the numeric id `{replacement}`"),
            Applicability::Safe,
            vec![Edit::replace(range, replacement)],
        ))
    });
    let help = match uid {
        Some(uid) => format!("use the numeric id: `{name}` is {uid} in this file"),
        None => format!("use a numeric uid:gid (e.g. `{DEFAULT_NONROOT_USER}`), or copy an /etc/passwd that has the user from the build stage"),
    };
    ctx.report(&RULE, range, message)
        .with_help(help)
        .with_fix(fix)
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let chain = model.final_chain();
    // `COPY --link --chown=name`: the copy is made without the image below it, so there is no
    // /etc/passwd to look the name up in, in any stage.
    for copy in model.copies.iter().filter(|c| c.link) {
        let (Some(value), Some(range)) = (copy.chown.as_ref(), copy.chown_range) else {
            continue;
        };
        let Some(name) = value.usable().and_then(user_name) else {
            continue;
        };
        out.push(report(
            ctx,
            range,
            name,
            format!("`COPY --link --chown={name}`: BuildKit copies a linked layer without the image below it, so it cannot look up the name `{name}`"),
        ));
    }
    let Passwd::Base(users) = passwd(model) else {
        return;
    };
    let image = model
        .final_stage()
        .and_then(|s| s.root_image.as_ref())
        .map_or_else(|| "the base".to_string(), |i| format!("`{}`", i.raw));
    let resolvable = |name: &str| users.iter().any(|(n, _)| *n == name);
    let lacks = if users.is_empty() {
        format!("{image} has no /etc/passwd and nothing copies one in")
    } else {
        format!("the /etc/passwd of {image} has no such user and nothing copies another in")
    };
    if let Some(user) = model.final_user()
        && let Some(name) = user.value.usable().and_then(user_name)
        && !resolvable(name)
    {
        out.push(report(
            ctx,
            user.range,
            name,
            format!("`USER {name}` cannot be resolved: {lacks}, so the container fails to start (\"unable to find user {name}\")"),
        ));
    }
    for copy in model
        .copies
        .iter()
        .filter(|c| chain.contains(&c.stage) && !c.link)
    {
        let (Some(value), Some(range)) = (copy.chown.as_ref(), copy.chown_range) else {
            continue;
        };
        let Some(name) = value.usable().and_then(user_name) else {
            continue;
        };
        if resolvable(name) {
            continue;
        }
        out.push(report(
            ctx,
            range,
            name,
            format!("`--chown={name}` cannot be resolved: {lacks}; the build fails, or with some builders the files stay owned by root"),
        ));
    }
}
