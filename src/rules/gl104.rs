//! GL104 non-numeric-user: the shipped USER is a name, which Kubernetes cannot verify.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::users::{NOBODY_UID, NONROOT_UID, UserSpec};

declare_rule! {
    GL104 "non-numeric-user", Warning, fix: Safe, applies: HARDENING, linux: true,
    "The shipped USER is a name, not a numeric uid"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(user) = model.final_user() else {
        return;
    };
    let Some(value) = user.value.usable() else {
        return;
    };
    let spec = UserSpec::parse(value);
    // Root is GL005's finding; an empty or numeric user is fine here.
    let Some(name) = spec.non_root_name() else {
        return;
    };
    let group = spec.group;
    let uid = model.uid_of(name, false);
    let gid = match group {
        None => Some(None),
        Some(g) if g.parse::<u32>().is_ok() => Some(Some(g.to_string())),
        // distroless's nonroot group has the user's id; a group made by adduser may not.
        Some("nonroot") if name == "nonroot" && uid == Some(NONROOT_UID) => {
            Some(Some(NONROOT_UID.to_string()))
        }
        Some(g) => model.gid_of(g, false).map(|gid| Some(gid.to_string())),
    };
    // Ids the file sets from build arguments (`adduser -u ${APP_UID}`) are written as those
    // arguments: the USER then follows a build that changes them.
    let uid_arg = model.uid_arg_of(name, user.instruction);
    let gid_arg = group.and_then(|g| model.gid_arg_of(g, user.instruction));
    let written = |id: u32, arg: Option<&str>| arg.map_or(id.to_string(), |a| format!("${{{a}}}"));
    // Only when the word as written is the value (no variables): the edit replaces it whole.
    let word = ctx.slice(user.range);
    let fix = match (uid, gid.clone()) {
        (Some(uid), Some(gid)) if word == value => {
            let uid_text = written(uid, uid_arg);
            let number = match gid {
                Some(gid) => match gid_arg {
                    Some(arg) => format!("{uid_text}:${{{arg}}}"),
                    None => format!("{uid_text}:{gid}"),
                },
                None => uid_text,
            };
            let title = if uid_arg.is_some() || gid_arg.is_some() {
                format!("use the ids from the build arguments `{number}`")
            } else {
                format!("use the numeric id `{number}`")
            };
            Some(Fix::new(
                title,
                Applicability::Safe,
                vec![Edit::replace(user.range, number)],
            ))
        }
        _ => None,
    };
    let from_args = match (uid_arg, gid_arg) {
        (Some(u), Some(g)) => format!(", from the build arguments `{u}` and `{g}`"),
        (Some(a), None) | (None, Some(a)) => format!(", from the build argument `{a}`"),
        (None, None) => String::new(),
    };
    let user_text = |uid: u32| written(uid, uid_arg);
    out.push(
        ctx.report(
            &RULE,
            user.range,
            format!(
                "the image runs as the user name `{name}`: Kubernetes cannot verify that a name is not root, so a pod with `runAsNonRoot` and no `runAsUser` is refused (\"image has non-numeric user\")"
            ),
        )
        .with_help(match uid {
            Some(uid) => match (group, &gid) {
                (Some(group), Some(Some(gid))) => format!(
                    "use the numeric ids: the user `{name}` is {uid} and the group `{group}` is {gid} here{from_args} (`USER {}:{}`)",
                    user_text(uid),
                    gid_arg.map_or(gid.clone(), |a| format!("${{{a}}}"))
                ),
                // A group given by a name whose id is not known here: `USER <uid>` alone would
                // run with the user's primary group instead.
                (Some(group), _) => format!(
                    "use the numeric ids: `{name}` is {uid} here{from_args}; keep the group `{group}` by its id (`USER {}:<gid>`), since `USER {}` alone runs with the user's primary group",
                    user_text(uid),
                    user_text(uid)
                ),
                (None, _) => format!(
                    "use the numeric id: `{name}` is {uid} here{from_args} (`USER {}`)",
                    user_text(uid)
                ),
            },
            None if name == "nobody" => format!("use the numeric id of `nobody` in this base ({NOBODY_UID} on most distributions)"),
            // Not created here: an /etc/passwd the file writes, or the base image, defines it.
            None if !model.users.iter().any(|u| u.name == name) && model.writes_passwd() => format!(
                "use the numeric id `{name}` has in the /etc/passwd this file writes (`USER <uid>`)"
            ),
            None if !model.users.iter().any(|u| u.name == name) => format!(
                "use the numeric id `{name}` has in the base image's /etc/passwd (`USER <uid>`)"
            ),
            None => format!(
                "give `{name}` an explicit id and use that number in `USER`: the id it has today (`id -u {name}` in the image) keeps the owner of files earlier images wrote to volumes (`adduser -u <id> {name}`, `useradd -u <id> {name}`)"
            ),
        })
        .with_fix(fix),
    );
}
