//! GL002 heavy-final-base: the shipped Go binary sits on a full OS image.

use super::removal::delete_instruction;
use super::text::base_weight;
use super::{Context, GOPHERFILE_HINT, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files::{self, in_system_dir};
use crate::knowledge::images::{self, DISTROLESS_STATIC, distroless_static_for};
use crate::knowledge::platforms;
use crate::knowledge::images::{Family, ImageRef};
use crate::knowledge::packages::{self, is_base_data};
use crate::knowledge::conventions::PRIVILEGE_DROPPERS;
use crate::knowledge::shells;
use crate::knowledge::users;
use crate::knowledge::tools::{BASE_USERLAND, HTTP_CLIENTS};
use crate::model::{CgoSetting, FinalFs, GoBuild, Presence};
use crate::paths;
use crate::syntax::{Args, Keyword};

declare_rule! {
    GL002 "heavy-final-base", Warning, fix: Unsafe, applies: SERVICE, linux: false,
    "The final image's base is not a minimal image (scratch, distroless static, chainguard static)"
}

/// Words with which a comment explains the choice of a final base.
const BASE_TOPICS: &[&str] = &[
    "shell",
    "busybox",
    "distroless",
    "scratch",
    "base image",
    // "Need an image with chroot": what the base must have.
    "image with",
    "base with",
    "toolchain",
    "compiler",
    // "so the copied varnishstat finds a compatible glibc": what a copied program links.
    "glibc",
    "libc",
    "shared libraries",
];

/// Why the final image needs its OS, if it does: it installs programs, starts through a
/// shell or a script, or checks its health with a shell or an HTTP client.
fn needs_its_os(ctx: &Context) -> Option<String> {
    let model = ctx.model;
    let packages: Vec<String> = model
        .final_installed_packages()
        .into_iter()
        .filter(|p| !is_base_data(p))
        .collect();
    if !packages.is_empty() {
        return Some(format!("it installs {}", packages.join(", ")));
    }
    // Another image is built on this one and runs commands in it (`FROM release AS
    // with-browser` adding Chromium): a base without a shell or package manager breaks it.
    let shipped = model.final_stage.unwrap_or(0);
    if let Some(&child) = model
        .built_on(shipped)
        .iter()
        .find(|&&child| !model.runs_in_stage(child).is_empty())
    {
        let name = model.stages[child].name.as_deref().unwrap_or("a later stage");
        return Some(format!("stage `{name}` is built on it and runs commands"));
    }
    // `cp -rf /bin /.tktw-bin`: the base's own programs are what the image carries (an init
    // image that hands busybox to other containers). Without them there is nothing to ship.
    let payload = model
        .final_chain()
        .iter()
        .flat_map(|&stage| model.runs_in_stage(stage))
        .flat_map(|r| &r.script.commands)
        .filter(|c| matches!(c.program(), Some("cp" | "rsync")))
        .find_map(|c| {
            let operands: Vec<&str> = c.argv[1..]
                .iter()
                .map(|w| w.text.as_str())
                .filter(|w| !w.starts_with('-'))
                .collect();
            let (_, sources) = operands.split_last()?;
            sources.iter().find(|s| in_system_dir(s)).map(|s| s.to_string())
        });
    if let Some(source) = payload {
        return Some(format!("it copies the base's `{source}` into the image as a payload"));
    }
    // No start command of its own: the image starts its base's shell, with the binary a tool
    // on the PATH for the commands given at `docker run`.
    if model.final_runs_base_shell() {
        return Some("it sets no start command, so it starts the base's shell".into());
    }
    // `CMD ["/bin/sh", "-c", "/bin/controller --namespace=${NAMESPACE}"]`: the start command
    // reads the pod's variables through the shell, which the image must keep.
    if let Some(shell) = model.start_shell() {
        return Some(format!(
            "it starts through `{shell} -c`, whose script needs the shell at each start"
        ));
    }
    if let Some(start) = model.start_command()
        && let Some(program) = start.first()
    {
        let name = paths::basename(program);
        if shells::is_posix_shell(name)
            || PRIVILEGE_DROPPERS.contains(&name)
            || name.ends_with(".sh")
        {
            return Some(format!("it starts through `{program}`"));
        }
        // `ENTRYPOINT ["tail", "-f", "/dev/null"]`: it starts one of the base's own programs
        // (an idle helper the binary is run in), not a file the image copied in.
        if base_program(model.final_fs(), program) {
            return Some(format!("it starts the base's `{program}`"));
        }
    }
    // It carries a shell script (`COPY wait-for /`, `COPY scripts/migrate.sh /app/`) that
    // whoever runs the image starts: the script needs the shell and the programs it calls.
    if let Some(script) = model
        .final_copies()
        .flat_map(|c| c.sources.iter().filter_map(|s| s.usable()))
        .map(paths::basename)
        .find(|name| name.ends_with(".sh") || crate::knowledge::tools::WAIT_SCRIPTS.contains(name))
    {
        return Some(format!("it carries the shell script `{script}`"));
    }
    // The repository runs the base's own programs in the image (a compose service's `command:
    // sh -c '...'`, a healthcheck running `netstat`): a base without them breaks that use.
    // Not a program the image lacks already (`curl` on alpine): that use is broken as it is.
    if let Some((program, config)) = model.build.as_deref().and_then(|b| b.runs_in_image.as_ref())
        && model.final_fs().find_program(program) != Presence::Absent
        && !model
            .final_stage()
            .is_some_and(|stage| stage.facts.lacks_program(program))
    {
        return Some(format!("{config} runs `{program}` in it"));
    }
    if let Some(reason) = starts_base_program(ctx) {
        return Some(reason);
    }
    // A program that starts what its user configures (a hook, a command provider) may need
    // any of the base's programs, a shell first of all.
    if let Some(Some(file)) = model.shipped_program_starts_run_time_programs() {
        return Some(format!("its program starts programs named at run time (`{file}`)"));
    }
    let chain = model.chain_instructions(model.final_stage.unwrap_or(0));
    for &i in &chain {
        let instruction = model.instruction(i);
        if instruction.keyword != Keyword::Healthcheck {
            continue;
        }
        if let Args::Healthcheck { command, .. } = &instruction.args {
            match command.as_ref() {
                Args::Shell(_) => return Some("its HEALTHCHECK runs a shell".into()),
                Args::Exec(exec) => {
                    let program = exec.elements.first().map(|w| paths::basename(&w.value));
                    if program
                        .is_some_and(|p| HTTP_CLIENTS.contains(&p) || shells::is_posix_shell(p))
                    {
                        return Some("its HEALTHCHECK runs a shell or an HTTP client".into());
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// The Go program's own source starts by name a program of the base's userland
/// (`exec.Command("cat", ...)`) that the image does not bring itself: without the base, that
/// path fails. Programs no base carries (`xdg-open`, `docker`) say nothing about the base.
fn starts_base_program(ctx: &Context) -> Option<String> {
    let model = ctx.model;
    let stage = model.final_stage()?;
    let fs = model.final_fs();
    model
        .shipped_program_starts()?
        .into_iter()
        .find(|(program, _)| {
            base_program(fs, program) && !stage.facts.lacks_program(paths::basename(program))
        })
        .map(|(program, file)| format!("its program starts `{program}` (`{file}`)"))
}

/// A program of the base's userland (`tail`, `cat`) that the final image may hold: not one
/// the image brings itself (a helper binary copied beside it).
fn base_program(fs: &FinalFs, program: &str) -> bool {
    let name = paths::basename(program);
    BASE_USERLAND.contains(&name)
        && !fs.copied_files().any(|f| paths::basename(f) == name)
        && fs.find_program(program) != Presence::Absent
}

/// The start command or health check is in shell form: it needs `/bin/sh`.
fn shell_form_start(ctx: &Context) -> bool {
    let model = ctx.model;
    model
        .chain_instructions(model.final_stage.unwrap_or(0))
        .iter()
        .map(|&i| model.instruction(i))
        .any(|i| {
            matches!(
                i.keyword,
                Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
            ) && matches!(i.args, Args::Shell(_))
        })
}

/// Every RUN of the final stage only refreshes, upgrades or cleans the base's packages.
fn only_maintains_base(ctx: &Context) -> bool {
    let model = ctx.model;
    let Some(stage) = model.final_stage() else {
        return false;
    };
    let commands: Vec<_> = model
        .runs_in_stage(stage.index)
        .iter()
        .flat_map(|r| &r.script.commands)
        .filter(|c| !c.argv.is_empty())
        .collect();
    !commands.is_empty()
        && commands.iter().map(std::ops::Deref::deref).all(|c| {
            let argv: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            c.program()
                .is_some_and(|program| packages::only_maintains_base(program, &argv))
        })
}

/// What the final stage's RUN steps add, when all of it is what distroless static has already:
/// CA roots or time zone data (with `update-ca-certificates`), a user or group, patches of the
/// base. The things they add, for the help; `None` when some step does more (or there is none).
fn only_adds_base_data(ctx: &Context) -> Option<Vec<&'static str>> {
    let model = ctx.model;
    let stage = model.final_stage()?;
    let mut adds = Vec::new();
    let mut any = false;
    for command in model
        .runs_in_stage(stage.index)
        .iter()
        .flat_map(|r| &r.script.commands)
        .filter(|c| !c.argv.is_empty())
    {
        any = true;
        let program = command.program()?;
        let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
        let added: &[&str] = if users::creates_user(program) || users::creates_group(program) {
            &["a user"]
        } else if let Some(install) = packages::package_install(program, &argv) {
            if !install.packages.iter().all(|&i| is_base_data(argv[i])) {
                return None;
            }
            let names: Vec<&str> = install
                .packages
                .iter()
                .map(|&i| packages::package_name(argv[i]))
                .collect();
            match (
                names.iter().any(|n| n.starts_with("ca-certificates")),
                names.contains(&"tzdata"),
            ) {
                (true, true) => &["CA certificates", "the time zone database"],
                (true, false) => &["CA certificates"],
                (false, true) => &["the time zone database"],
                (false, false) => &[],
            }
        } else if program == "update-ca-certificates"
            || packages::only_maintains_base(program, &argv)
            || packages::only_edits_package_sources(program, &argv)
        {
            &[]
        } else {
            return None;
        };
        for item in added {
            if !adds.contains(item) {
                adds.push(*item);
            }
        }
    }
    any.then_some(adds)
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

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // Builds in the shipped stage's own chain: a single-stage build.
    let chain = model.final_chain();
    let compiled_here: Vec<&GoBuild> = model
        .go_builds
        .iter()
        .filter(|b| chain.contains(&b.stage))
        .collect();
    // A race or debugger build there makes a debug image, whose base is beside the point.
    if compiled_here.iter().any(|b| b.is_test_or_debug()) {
        return;
    }
    let Some(stage) = model.final_stage() else {
        return;
    };
    let Some(image) = &stage.root_image else {
        return;
    };
    // Only a general-purpose OS image is known to carry what the binary does not use: an
    // application image or one gopherlint does not know may be there for its programs.
    // A binary built in a stage of its own and copied onto a Go toolchain base is there on
    // purpose (a compiler such as TinyGo needs Go at run time), as GL001 holds too.
    if !model.final_ships_go()
        || !stage.facts.is_os_image()
        || model.final_keeps_go()
        || allowed(image, &ctx.settings.allowed_bases)
    {
        return;
    }
    // `Dockerfile.alpine`: the file is the image's flavour on that base, on purpose.
    if needs_its_os(ctx).is_some() || model.purpose.base_flavour.is_some() {
        return;
    }
    // `FROM ${FINAL_BASE}`: the build names the base (a script passes distroless, a
    // certification build keeps the UBI default), so which base ships is not the file's.
    if model
        .final_chain()
        .last()
        .is_some_and(|&root| model.base_left_to_build(root))
    {
        return;
    }
    // An image made for Red Hat's certification (licenses in /licenses on a UBI base): the
    // certification requires that base.
    if images::is_red_hat_ubi(&image.name())
        && model
            .final_fs()
            .copied_files()
            .any(|path| paths::is_within(path, files::CERTIFICATION_LICENSES_DIR))
    {
        return;
    }
    // A comment that gives the reason for the base ("Alpine rather than distroless because
    // the probes need busybox") answers this finding.
    let short_name = image.name().rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let mut topics = vec![short_name.as_str()];
    topics.extend(BASE_TOPICS);
    if model.explained_choice(stage.from, &topics).is_some() {
        return;
    }
    // Cgo of every shipped binary: a visible build's setting, or for a binary built by
    // `make` or a script, the setting the context's Makefile or its stage's environment gives.
    let mut cgo: Vec<(CgoSetting, usize)> = model
        .shipped_builds()
        .map(|b| (b.cgo.clone(), b.stage))
        .collect();
    for binary in model.opaque_go_copies() {
        cgo.push((model.opaque_cgo(binary), binary.stage));
    }
    let deliberate_cgo = cgo
        .iter()
        .any(|(setting, stage)| model.cgo_deliberate(setting, *stage));
    let cgo_on = cgo
        .iter()
        .any(|(setting, stage)| model.cgo_on(setting, *stage));
    // Built on an image gopherlint does not know, with cgo left to Go: whether the binary
    // links the C library (and so needs this base's) is unknown.
    let cgo_unknown = cgo.iter().any(|(setting, stage)| {
        !setting.disabled() && model.stages[*stage].facts.c_toolchain.is_none()
    });
    // A binary that links the C library on purpose needs it; distroless base/cc exist for
    // exactly that.
    if deliberate_cgo || cgo_unknown || (cgo_on && stage.facts.family == Family::DistrolessBase) {
        return;
    }
    let root = &model.stages[stage.root_stage];
    let Some(word) = &root.image_word else {
        return;
    };
    // Anything run in the final image (RUN, a shell-form start command) needs a shell that
    // `scratch` does not have.
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
    // Distroless static when the stage runs commands (RULES.md; such steps then belong in the
    // build stage, as the help says), names users (`--chown=nonroot`, `USER app`: scratch has
    // no /etc/passwd) or had CA roots from its base; for a distroless base, the static image of
    // the same release and tag. Otherwise scratch.
    let names_users = model.final_copies().any(|c| {
        c.chown
            .as_ref()
            .and_then(|v| v.usable())
            .is_some_and(|o| o.split(':').any(|part| part.parse::<u32>().is_err()))
    }) || model
        .final_user()
        .and_then(|u| u.value.usable())
        .is_some_and(|u| u.split(':').any(|part| part.parse::<u32>().is_err()));
    let base_roots = stage.facts.ca_bundle;
    // A build for a platform distroless does not publish (`linux/386`, `linux/arm/v6`) can
    // only go to scratch.
    let no_distroless_for = model.build.as_ref().and_then(|b| {
        b.platforms
            .iter()
            .find(|p| platforms::distroless_publishes(p) == Some(false))
            .cloned()
    });
    let minimal = if no_distroless_for.is_some() {
        "scratch"
    } else {
        DISTROLESS_STATIC
    };
    let same_release = distroless_static_for(image).filter(|_| no_distroless_for.is_none());
    let needs_distroless = runs_commands || names_users || base_roots;
    let replacement: String = match &same_release {
        Some(static_image) => static_image.clone(),
        None if needs_distroless => minimal.to_string(),
        None => "scratch".to_string(),
    };
    let replacement = replacement.as_str();
    // RUN steps that only patch the base go with it: the fix deletes them too.
    let maintenance = only_maintains_base(ctx);
    let deletions: Option<Vec<Edit>> = if maintenance {
        model
            .runs_in_stage(stage.index)
            .iter()
            .map(|r| r.instruction)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|i| delete_instruction(ctx, i))
            .collect()
    } else {
        Some(Vec::new())
    };
    // A stage that compiles cannot simply change its base: the build needs the toolchain. Nor
    // can one whose binary links the C library (cgo on: it needs `CGO_ENABLED=0` first), or
    // whose RUN steps or shell-form commands need a shell (they must move first): the new
    // base alone would break the image.
    let base_swap_alone_works = compiled_here.is_empty()
        && !cgo_on
        && (!runs_commands || maintenance && !shell_form_start(ctx));
    // Scratch in place of what only distroless keeps (users, CA roots) would break the image.
    let base_swap_alone_works =
        base_swap_alone_works && !(no_distroless_for.is_some() && needs_distroless);
    let fix = (base_swap_alone_works && !word.raw.contains('$') && word.raw == word.value)
        .then_some(deletions)
        .flatten()
        .map(|mut edits| {
            edits.insert(0, Edit::replace(word.range, replacement));
            let unpinned = if image.digest.is_some() {
                " (then pin its digest)"
            } else {
                ""
            };
            let title = if maintenance {
                format!(
                    "replace `{}` with `{replacement}` and drop the package upgrade{unpinned}",
                    word.raw
                )
            } else {
                format!("replace `{}` with `{replacement}`{unpinned}", word.raw)
            };
            Fix::new(title, Applicability::Unsafe, edits)
        });
    let what = match stage.facts.family {
        Family::DistrolessBase => {
            "which adds glibc and OpenSSL that a binary built without cgo does not use"
        }
        Family::Busybox => "a shell and userland the binary does not use",
        _ => "a full OS image it does not need",
    };
    let mut message = format!("the Go binary ships on `{}`, {what}", image.raw);
    if cgo_on {
        message.push_str(" once it is built with `CGO_ENABLED=0`");
    }
    // Where the base had CA roots or the file names users, only distroless static keeps them:
    // scratch would break TLS or the user (set F: livekit's webhooks, zgrab2's root HOME).
    let on = if let Some(platform) = &no_distroless_for {
        format!(
            "`scratch` (distroless publishes no image for `{platform}`, which the build lists: copy the CA bundle from the builder and set a numeric `USER`)"
        )
    } else if replacement == "scratch" {
        format!("`scratch` or `{DISTROLESS_STATIC}`")
    } else {
        format!("`{replacement}`, which keeps its users and CA roots")
    };
    let help = if !compiled_here.is_empty() {
        format!(
            "compile in a separate build stage and copy only the binary into a final stage on {on} {GOPHERFILE_HINT}"
        )
    } else if only_maintains_base(ctx) {
        format!(
            "its RUN steps only update or upgrade the base's packages, and a minimal base has none to patch: ship the static binary on {on} (rebuilt with each security fix) and drop the RUN {GOPHERFILE_HINT}"
        )
    } else if runs_commands
        && model
            .chain(stage.index)
            .iter()
            .all(|&s| model.runs_in_stage(s).is_empty())
    {
        format!(
            "write the start command in exec form (`[\"/path/to/binary\", \"arg\"]`), which needs no shell, then ship the static binary on {on} {GOPHERFILE_HINT}"
        )
    } else if let Some(adds) = only_adds_base_data(ctx)
        .filter(|_| !shell_form_start(ctx) && no_distroless_for.is_none())
    {
        let data: Vec<&str> = adds.iter().copied().filter(|a| *a != "a user").collect();
        let mut why = Vec::new();
        if !data.is_empty() {
            why.push(format!("`{DISTROLESS_STATIC}` has {}", data.join(" and ")));
        }
        // The id the file gave its user stays (its files and volumes may be owned by it).
        let user = if adds.contains(&"a user") {
            // Without the account, HOME is `/`: a program that reads its config from
            // `$HOME` (set G: artifacthub's `$HOME/.cfg`) needs it set.
            why.push(
                "a numeric `USER` needs no account in /etc/passwd (without one `HOME` is `/`: set `ENV HOME` to the user's home if the program reads it)"
                    .to_string(),
            );
            let id = model
                .final_user()
                .and_then(|u| u.value.usable())
                .and_then(|u| {
                    let name = u.split(':').next()?;
                    name.parse::<u32>().ok().or_else(|| model.uid_of(name, false))
                })
                .filter(|&id| id != 0)
                .unwrap_or(crate::knowledge::users::NONROOT_UID);
            format!(" and run as `USER {id}:{id}`")
        } else {
            String::new()
        };
        if why.is_empty() {
            why.push("a static binary needs none of them".to_string());
        }
        let cgo = if cgo_on {
            "build with `CGO_ENABLED=0`; "
        } else {
            ""
        };
        format!(
            "{cgo}{}: drop the final stage's RUN steps{user}, then ship the static binary on `{DISTROLESS_STATIC}` {GOPHERFILE_HINT}",
            why.join(", and ")
        )
    } else if runs_commands {
        format!(
            "move the final stage's RUN steps into the build stage (and write any shell-form start command in exec form), then ship the static binary on {on} {GOPHERFILE_HINT}"
        )
    } else {
        format!("a static Go binary runs on {on} {GOPHERFILE_HINT}")
    };
    // A digest-pinned base is a choice the fix cannot keep: it knows no digest of the new one.
    let mut help = if image.digest.is_some() {
        format!("{help}; pin the new base by its digest, as this one is")
    } else {
        help
    };
    if let Some(weight) = base_weight(ctx, image, replacement) {
        help.push_str(&format!("; {weight}"));
    }
    out.push(
        ctx.report(&RULE, word.range, message)
            .with_help(help)
            .with_fix(fix),
    );
}
