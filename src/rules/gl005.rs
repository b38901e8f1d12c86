//! GL005 root-user: the final image runs as root.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files;
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
    let model = ctx.model;
    // The id of the user the file hands its files to, where the base tells it (`nobody`).
    let owner = || {
        let name = model.own_owner_name()?;
        let uid = model.uid_of(&name, false)?;
        Some(format!("{uid}:{uid}"))
    };
    model
        .own_uid()
        .map(|uid| uid.to_string())
        .or_else(owner)
        .unwrap_or_else(|| DEFAULT_NONROOT_USER.to_string())
}

/// The user the file prepares in the final image: one it creates (`adduser app`), or the
/// uid it gives its files (`chown 1000`).
fn prepared_user(ctx: &Context) -> Option<String> {
    let model = ctx.model;
    if let Some(user) = model.final_users().last() {
        return Some(match user.uid {
            Some(uid) => format!("creates the user `{}` (uid {uid})", user.name),
            None => format!("creates the user `{}`", user.name),
        });
    }
    // Files handed to a user the base has (`chown -R nobody: /opt/app`): made for it to run.
    model
        .own_uid()
        .map(|uid| format!("creates uid {uid} for its files"))
        .or_else(|| {
            model
                .own_owner_name()
                .map(|name| format!("hands its files to `{name}`"))
        })
}

/// The final chain declares a VOLUME, makes a directory with `mkdir` outside the temporary
/// ones (`RUN mkdir /data`, or `mkdir -p data/relay` in its WORKDIR: an empty directory made in
/// the image is one to write in), works in one its ENV
/// names (`WORKDIR $APP_DIR`, the program's configured data directory), or the program lives in
/// its working directory (`WORKDIR /app`, `COPY app .`, `CMD ["./app"]`: files it writes next to
/// itself, a SQLite database, land there), or works in a directory named for state
/// (`WORKDIR /data`), or its source writes paths relative to its working directory: places
/// where the program keeps state, which root owns.
fn keeps_state(ctx: &Context) -> bool {
    let model = ctx.model;
    let made: Vec<String> = model
        .final_made_dirs()
        .into_iter()
        .filter(|dir| !files::TEMP_DIRS.iter().any(|tmp| crate::paths::is_within(dir, tmp)))
        .collect();
    let workdirs: Vec<String> = model
        .final_chain()
        .iter()
        .filter_map(|&s| model.stages[s].workdir.as_deref())
        .map(crate::paths::normalize)
        .filter(|dir| dir != "/")
        .collect();
    let program = model.start_command().and_then(|start| start.first());
    let lives_in_workdir = |dir: &String| {
        program.is_some_and(|p| {
            !p.starts_with('/') && p.contains('/') || crate::paths::is_within(p, dir)
        })
    };
    model.final_chain_has(Keyword::Volume)
        || model.final_workdir_from_env()
        || !made.is_empty()
        || workdirs.iter().any(lives_in_workdir)
        || workdirs.iter().any(|dir| files::names_state_dir(dir))
        // The program's source writes beside it (`sqlite.Open("app.db")`, `"./data"`): in a
        // working directory root owns, which every one the file does not hand over is.
        || model
            .shipped_program_relative_writes()
            .is_some_and(|found| found.is_some())
}

/// A user the file creates for the final image without an explicit id (`useradd -M app`), when the file
/// shows no id of its own: the image's files belong to that name, whose number is unknown.
fn created_without_id<'a>(ctx: &'a Context) -> Option<&'a str> {
    let model = ctx.model;
    if model.own_uid().is_some() {
        return None;
    }
    model
        .final_users()
        .last()
        .filter(|u| u.uid.is_none())
        .map(|u| u.name.as_str())
}

/// The user the file hands its files to when its id is not shown (`chown varnish` of a user
/// a package made): that user is the one to run as, by the number the image gives it.
fn owner_without_id(ctx: &Context) -> Option<String> {
    let model = ctx.model;
    if model.own_uid().is_some() {
        return None;
    }
    let name = model.own_owner_name()?;
    model.uid_of(&name, false).is_none().then_some(name)
}

fn help(ctx: &Context) -> String {
    if let Some(name) = created_without_id(ctx) {
        return format!(
            "switch to the user the file creates, by number: give `{name}` an explicit id (`useradd -u 10001 {name}`, `adduser -u 10001 {name}`), set `USER 10001` after it, and give it the directories the program writes; a compromised process then cannot modify the image or escalate through root-owned files"
        );
    }
    if let Some(name) = owner_without_id(ctx) {
        return format!(
            "run as `{name}`, the user the file hands its files to, by its number (`USER <uid>` with the id the image's /etc/passwd gives `{name}`, which Kubernetes' `runAsNonRoot` can check), and give it the directories the program writes: a compromised process then cannot modify the image or escalate through root-owned files"
        );
    }
    let user = suggested_user(ctx);
    let whose = if ctx.model.own_uid().is_some() {
        " (the id this file gives its own user)"
    } else {
        ""
    };
    // In `/` (no WORKDIR, or `WORKDIR /`), which only root can write: a program that
    // writes beside itself (a data file, a report) fails there under any other user.
    let at_root = ctx
        .model
        .final_stage()
        .is_some_and(|s| s.workdir.as_deref() == Some("/"));
    let workdir = if at_root {
        "; it starts in `/`, which only root can write: if the program writes files relative to its working directory, add a `WORKDIR` that user owns"
    } else {
        ""
    };
    format!(
        "run as an unprivileged numeric user, e.g. `USER {user}`{whose}, and give it the directories the program writes: a compromised process then cannot modify the image or escalate through root-owned files{workdir}"
    )
}

/// For distroless, switch to its `:nonroot` tag; otherwise insert `USER 65532:65532` before
/// the final stage's start command (or at its end).
fn fix_missing_user(ctx: &Context) -> Option<Fix> {
    let model = ctx.model;
    // The file's own user has no known number: any id the fix chose would own none of its files.
    if created_without_id(ctx).is_some() || owner_without_id(ctx).is_some() {
        return None;
    }
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
    // Root on purpose: the program drops it itself, needs it, or a comment says why. Asked
    // only of an image that runs as root.
    let on_purpose = || {
        let at = model.final_user().map_or(stage.from, |u| u.instruction);
        model.drops_root_itself().is_some()
            || model.needs_root().is_some()
            || model.documented_root_need().is_some()
            || model.explained_choice(at, TOPICS).is_some()
            // The start command is where an image without USER chooses whom it runs as.
            || {
                let (entrypoint, cmd) = model.start_instructions();
                [entrypoint, cmd]
                    .into_iter()
                    .flatten()
                    .any(|i| model.explained_here(i, TOPICS).is_some())
            }
    };
    match model.final_user() {
        Some(user) => {
            let Some(value) = user.value.usable() else {
                return;
            };
            if !UserSpec::parse(value).is_root() || on_purpose() {
                return;
            }
            // `USER ${USERNAME}` with `ARG USERNAME=root`: the build chooses the user, and root
            // is only the default the file offers.
            if ctx.slice(user.range).contains('$') {
                return;
            }
            // `USER root` written out is the file's own choice (back to root on a base that
            // runs as another user, for a program that needs it), unless RUN steps follow it
            // (the stage switched to root to install and never switched back) or the file
            // creates a user of its own that it leaves behind.
            let installs_after = model.runs_after(user.instruction);
            if !installs_after && prepared_user(ctx).is_none() {
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
                    if installs_after {
                        format!(
                            "the final image runs as root: the stage switches to `USER {value}` for its RUN steps and never switches back"
                        )
                    } else {
                        format!("the final image runs as root (`USER {value}`)")
                    },
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
            if stage.facts.default_user != DefaultUser::Root {
                return;
            }
            // The file prepares a user of its own and never switches to it: the clearest
            // case. Otherwise only a long-running service (it EXPOSEs a port) that keeps no
            // state in places the file makes as root (a VOLUME, a WORKDIR): a command-line
            // tool run against mounted files, or a program that writes where root made the
            // directory, breaks under another user.
            let prepared = prepared_user(ctx);
            // A default command that prints usage (`CMD ["--help"]`) makes a command-line tool
            // whose EXPOSE serves one of its modes. An image that starts nothing of its own
            // runs its base's shell: a toolbox whose user the command run in it decides
            // (`docker run image node start`, a compose `command:`), not a service.
            let plain_service = model.final_chain_has(Keyword::Expose)
                && model.start_command().is_some()
                && !keeps_state(ctx)
                && !model.default_prints_usage();
            if prepared.is_none() && !plain_service {
                return;
            }
            if on_purpose() {
                return;
            }
            let reason = match prepared {
                Some(user) => format!(
                    "the file {user} but never switches to it: no USER is set, and `{}` runs as root by default",
                    image.raw
                ),
                None => format!("no USER is set and `{}` runs as root by default", image.raw),
            };
            let fix = fix_missing_user(ctx);
            out.push(
                ctx.report(&RULE, ctx.instruction_head(stage.from), reason)
                    .with_help(help(ctx))
                    .with_fix(fix),
            );
        }
    }
}
