//! GL001 single-stage-build: the shipped stage compiles Go or is a Go toolchain image.

use super::text::{base_weight, exec_form, nonroot_user_line};
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files::CA_BUNDLE;
use crate::knowledge::images::{DISTROLESS_BASE, DISTROLESS_STATIC};
use crate::knowledge::users::UserSpec;
use crate::model::{GoBuild, Model, StageBase};
use crate::paths;
use crate::syntax::{Args, Keyword};

declare_rule! {
    // The rewrite replaces the final stage: its `scratch` base, numeric USER and copied binary
    // answer GL002, GL104 and GL107, and GL005's added USER would land in the build stage.
    GL001 "single-stage-build", Error, fix: Unsafe, applies: SERVICE, linux: false,
    "The final image compiles Go or is built on a Go toolchain image",
    covers: [GL002 Findings, GL005 Fixes, GL104 Findings, GL107 Findings],
}

/// Why the final stage counts as a single-stage Go build.
struct SingleStage<'m> {
    /// A go build in the final chain, if any.
    pub build: Option<&'m GoBuild>,
    /// The final chain descends from a Go toolchain image.
    pub toolchain_image: bool,
}

fn single_stage<'m>(model: &'m Model) -> Option<SingleStage<'m>> {
    let stage = model.final_stage()?;
    let chain = model.final_chain();
    let build = model.go_builds.iter().find(|b| chain.contains(&b.stage));
    let toolchain_image = stage.facts.is_go_toolchain();
    (build.is_some() || toolchain_image).then_some(SingleStage {
        build,
        toolchain_image,
    })
}

/// Rewrites a single-stage build into the Gopherfile pattern (see rules/GL001.md, "Fix").
fn rewrite(ctx: &Context, build: Option<&GoBuild>) -> Option<Fix> {
    let model = ctx.model;
    let build = build?;
    let stage = model.final_stage()?;
    if !model.ships(build) || !build.script_complete || build.command.nested {
        return None;
    }
    let mut edits = Vec::new();
    // A start program that is taken to be the build's output when the fix adds `-o`.
    let mut adopted_start: Option<String> = None;
    // The binary: the `-o` path, or one the fix adds (named after the program the stage
    // starts, when that looks like the build's output).
    let binary = match build.output.as_ref().and_then(|o| o.usable()) {
        Some(path) => path.to_string(),
        None if !build.flags.iter().any(|f| f.name == "o") => {
            let sub = build.command.argv.get(1).filter(|w| w.exact)?;
            let name = started_program(ctx, stage)
                .map_or("app".to_string(), |p| paths::basename(&p).to_string());
            let path = format!("/out/{name}");
            edits.push(Edit::insert(sub.range.end, format!(" -o {path}")));
            adopted_start = started_program(ctx, stage);
            path
        }
        None => return None,
    };
    let name = paths::basename(&binary).to_string();
    let build_stage = &model.stages[build.stage];
    if let StageBase::Stage(_) = stage.base
        && build.stage != stage.index
    {
        return rebase_final_stage(ctx, build_stage, &binary, edits);
    }
    if build.stage != stage.index || !matches!(stage.base, StageBase::Image(_)) || !ctx.can_append()
    {
        return None;
    }
    let nl = ctx.newline();
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
    let mut start_commands = Vec::new();
    let mut runs_after_build = false;
    let mut after_build = false;
    let mut user = None;
    for &index in &stage.body {
        let instruction = model.instruction(index);
        if index == build.instruction {
            after_build = true;
            continue;
        }
        match instruction.keyword {
            Keyword::Run if after_build => runs_after_build = true,
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
            Keyword::User => {
                // A numeric non-root user carries over; anything else becomes 65532.
                if let Args::Text(word) = &instruction.args
                    && UserSpec::parse(&word.value).is_numeric_nonroot()
                {
                    user = Some(word.value.clone());
                }
            }
            Keyword::Entrypoint | Keyword::Cmd => {
                let mut argv = start_argv(instruction, &binary, &name, stage.workdir.as_deref())?;
                if let Some(program) = &adopted_start
                    && argv.first() == Some(program)
                {
                    argv[0] = format!("/{name}");
                }
                let keyword = ctx.keyword(&instruction.keyword_text.to_ascii_uppercase());
                start_commands.retain(|(k, _): &(Keyword, String)| *k != instruction.keyword);
                start_commands.push((
                    instruction.keyword,
                    format!("{keyword} {}", exec_form(&argv)),
                ));
            }
            _ => {}
        }
    }
    if start_commands.is_empty() {
        start_commands.push((
            Keyword::Entrypoint,
            format!("{} [\"/{name}\"]", ctx.keyword("ENTRYPOINT")),
        ));
    }
    // Commands run after the build may have prepared files the program needs: distroless
    // static brings users, certificates and time zones that scratch lacks.
    let (base, title) = if build.needs_dynamic_loader() {
        (
            DISTROLESS_BASE,
            format!(
                "ship the binary from a new `FROM {DISTROLESS_BASE}` stage (a `-buildmode=pie` binary needs the dynamic loader, which scratch lacks)"
            ),
        )
    } else if runs_after_build {
        (
            DISTROLESS_STATIC,
            format!(
                "ship the binary from a new `FROM {DISTROLESS_STATIC}` stage (the build runs commands after compiling, which scratch could not)"
            ),
        )
    } else {
        (
            "scratch",
            "ship the binary from a new `FROM scratch` stage".to_string(),
        )
    };
    let mut lines = vec![format!("{} {base}", ctx.keyword("FROM"))];
    if !runs_after_build {
        lines.push(format!(
            "{} --from={stage_name} {CA_BUNDLE} /etc/ssl/certs/",
            ctx.keyword("COPY")
        ));
    }
    lines.push(format!(
        "{} --from={stage_name} {binary} /{name}",
        ctx.keyword("COPY")
    ));
    lines.extend(runtime);
    lines.push(match user {
        Some(user) => format!("{} {user}", ctx.keyword("USER")),
        None => nonroot_user_line(ctx),
    });
    lines.extend(start_commands.into_iter().map(|(_, line)| line));
    // A blank line between the stages, whether or not the file ends with a newline.
    let prefix = if ctx.text.ends_with('\n') {
        nl.to_string()
    } else {
        format!("{nl}{nl}")
    };
    edits.push(Edit::insert(
        ctx.text.len(),
        format!("{prefix}{}{nl}", lines.join(nl)),
    ));
    Some(Fix::new(title, Applicability::Unsafe, edits))
}

/// `CMD ["go", "run", "./cmd/app", "--flag"]` becomes a build when the image is built and a
/// start command that runs the binary; the next round of fixing then moves it to `scratch`.
fn build_instead_of_go_run(ctx: &Context) -> Option<Fix> {
    let model = ctx.model;
    let stage = model.final_stage()?;
    let index = stage.body.iter().rev().copied().find(|&i| {
        matches!(
            model.instruction(i).keyword,
            Keyword::Entrypoint | Keyword::Cmd
        )
    })?;
    let instruction = model.instruction(index);
    let argv = start_argv(instruction, "", "", None)?;
    let [go, run, package, rest @ ..] = argv.as_slice() else {
        return None;
    };
    let local = package.starts_with('.') && !package.contains(['$', '"', ' ']);
    if paths::basename(go) != "go" || run != "run" || !local {
        return None;
    }
    let name = match paths::basename(package) {
        "." | "" | ".." => "app",
        name => name,
    };
    let binary = format!("/out/{name}");
    let mut start = vec![binary.clone()];
    start.extend(rest.iter().cloned());
    let keyword = ctx.keyword(&instruction.keyword_text.to_ascii_uppercase());
    let text = format!(
        "{} go build -o {binary} {package}{}{keyword} {}",
        ctx.keyword("RUN"),
        ctx.newline(),
        exec_form(&start)
    );
    Some(Fix::new(
        format!("build `{binary}` when the image is built, not at every start"),
        Applicability::Unsafe,
        vec![Edit::replace(instruction.range, text)],
    ))
}

/// The program the final stage starts (ENTRYPOINT, else CMD) when it is a plain path in the
/// WORKDIR or a bare name: the likely binary of a `go build` without `-o`.
fn started_program(ctx: &Context, stage: &crate::model::Stage) -> Option<String> {
    let model = ctx.model;
    let find = |keyword: Keyword| {
        stage
            .body
            .iter()
            .rev()
            .map(|&i| model.instruction(i))
            .find(|i| i.keyword == keyword)
    };
    let instruction = find(Keyword::Entrypoint).or_else(|| find(Keyword::Cmd))?;
    let argv = start_argv(instruction, "", "", None)?;
    let program = argv.first()?.clone();
    let workdir = stage.workdir.as_deref()?;
    let resolved = paths::join(workdir, &program);
    let in_workdir = resolved.rsplit_once('/').map(|(dir, _)| dir) == Some(workdir);
    let plain = !program.contains('$') && (in_workdir || !program.contains('/'));
    plain.then_some(program)
}

/// The exec-form argv of ENTRYPOINT/CMD with the program pointed at the copied binary; shell
/// form is converted when it is plain words. `None` when it cannot be said equivalently.
fn start_argv(
    instruction: &crate::syntax::Instruction,
    binary: &str,
    name: &str,
    workdir: Option<&str>,
) -> Option<Vec<String>> {
    let words: Vec<String> = match &instruction.args {
        Args::Exec(exec) => exec.elements.iter().map(|w| w.value.clone()).collect(),
        Args::Shell(shell) => {
            let plain = !shell
                .text
                .contains(|c: char| "$`\"'\\|&;<>()*?[]{}~#=!".contains(c));
            if !plain {
                return None;
            }
            shell.text.split_whitespace().map(str::to_string).collect()
        }
        _ => return None,
    };
    Some(
        words
            .into_iter()
            .enumerate()
            .map(|(i, w)| {
                let resolved = workdir.map(|d| paths::join(d, &w));
                let is_binary = i == 0
                    && !w.contains('$')
                    && (w == binary
                        || resolved.as_deref() == Some(binary) && w.starts_with('.')
                        || (!w.contains('/') && w == name));
                if is_binary { format!("/{name}") } else { w }
            })
            .collect(),
    )
}

/// The final stage is built FROM the build stage: base it on scratch instead and copy the
/// binary (to the same path, so its start command stays valid) and the CA bundle.
fn rebase_final_stage(
    ctx: &Context,
    build_stage: &crate::model::Stage,
    binary: &str,
    mut edits: Vec<Edit>,
) -> Option<Fix> {
    let model = ctx.model;
    let stage = model.final_stage()?;
    let word = stage.image_word.as_ref()?;
    if word.raw.contains('$') {
        return None;
    }
    // Nothing may run in the final stage: scratch has no shell.
    if stage
        .body
        .iter()
        .any(|&i| model.instruction(i).keyword == Keyword::Run)
    {
        return None;
    }
    if !ctx.can_insert_after(stage.from) {
        return None;
    }
    let reference = word.raw.clone();
    let official = build_stage
        .root_image
        .as_ref()
        .is_some_and(|i| i.is_official_golang());
    let nl = ctx.newline();
    let mut copies = String::new();
    if official {
        copies.push_str(&format!(
            "{nl}{} --from={reference} {CA_BUNDLE} /etc/ssl/certs/",
            ctx.keyword("COPY")
        ));
    }
    copies.push_str(&format!(
        "{nl}{} --from={reference} {binary} {binary}",
        ctx.keyword("COPY")
    ));
    edits.push(Edit::replace(word.range, "scratch"));
    edits.push(Edit::insert(
        model.instruction(stage.from).range.end,
        copies,
    ));
    Some(Fix::new(
        format!("base the final stage on `scratch` and copy the binary from `{reference}`"),
        Applicability::Unsafe,
        edits,
    ))
}

/// Words with which a comment explains shipping the toolchain.
const TOPICS: &[&str] = &[
    "toolchain",
    "compiler",
    "single stage",
    "single-stage",
    "go at run time",
    "go at runtime",
];

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(found) = single_stage(model) else {
        return;
    };
    // A race or debugger build is made to test or debug: its toolchain is beside the point.
    if found.build.is_some_and(|b| b.is_test_or_debug()) {
        return;
    }
    let Some(stage) = model.final_stage() else {
        return;
    };
    // "Single stage because the plugins are compiled at run time": the file answers it.
    if model.explained_choice(stage.from, TOPICS).is_some() {
        return;
    }
    let range = ctx.instruction_head(stage.from);
    let go_run = model.starts_with_go_run();
    let image = stage.root_image.as_ref().map(|i| i.raw.as_str());
    // The binary is built in a stage of its own and copied onto a Go image: the file already
    // separates building from running and still chose the toolchain for run time. That is a
    // choice (a site generator whose modules are fetched with `go`, a plugin host), not the
    // single-stage mistake this rule is about.
    // A binary built by a command gopherlint cannot read (`make build/release`) and copied
    // from its stage counts as one built in a stage of its own.
    if !go_run
        && found.build.is_none()
        && (model.shipped_builds().next().is_some() || !model.opaque_go_copies().is_empty())
    {
        return;
    }
    let message = match (go_run, found.toolchain_image, found.build.is_some(), image) {
        (true, ..) => "the final image starts with `go run`: it compiles the service at every start, and the toolchain and sources ship with it".to_string(),
        (false, true, true, Some(image)) => format!(
            "the final image is built on the Go toolchain image `{image}`: compiler, sources and caches ship with the binary"
        ),
        (false, true, false, Some(image)) => format!(
            "the final image is built on the Go toolchain image `{image}`: the compiler and its caches ship with the binary"
        ),
        (false, true, false, None) => "the final image is built on a Go toolchain: the compiler and its caches ship with the binary".to_string(),
        _ => "the final image compiles Go: the toolchain, sources and build cache ship with the binary"
            .to_string(),
    };
    let dynamic = found.build.is_some_and(GoBuild::needs_dynamic_loader);
    // Cgo on on purpose (a C compiler installed, `CGO_ENABLED=1`): the binary links the C
    // library, and `CGO_ENABLED=0` on scratch would drop what it needs cgo for (SQLite, plugins).
    let deliberate_cgo = found
        .build
        .is_some_and(|b| model.cgo_deliberate(&b.cgo, b.stage));
    let musl = stage.facts.libc == crate::knowledge::images::Libc::Musl;
    // The repository runs a program of the image's OS in it (a compose healthcheck's
    // `pgrep`): scratch or distroless would break that use.
    let runs_in_image = model.build.as_deref().and_then(|b| b.runs_in_image.as_ref());
    let mut help = if let Some((program, config)) = runs_in_image {
        format!(
            "compile in a `build` stage, then copy only the binary into a new stage on a small base that has `{program}`, which {config} runs in the image (Alpine has it), running as a non-root user (`gopherlint --explain GL001`)"
        )
    } else if deliberate_cgo {
        let base = if musl {
            "`alpine`, whose musl C library this build links"
        } else {
            "`gcr.io/distroless/base-debian12`, which has the glibc this build links"
        };
        format!(
            "compile in a `build` stage that keeps the C toolchain (cgo is on here on purpose), then copy only the binary into a new stage on {base}, running as a non-root user (`gopherlint --explain GL001`)"
        )
    } else if dynamic {
        format!(
            "compile in a `build` stage, then copy only the binary into a new `FROM {DISTROLESS_BASE}` stage that runs as a non-root user: a `-buildmode=pie` binary is dynamically linked even with cgo off, and needs the C library's loader that distroless base has and scratch lacks (`gopherlint --explain GL001`)"
        )
    } else {
        "compile in a `build` stage (with `CGO_ENABLED=0`, for a static binary), then copy only the binary and CA certificates into a new `FROM scratch` stage that runs as a non-root user (`gopherlint --explain GL001`)".to_string()
    };
    if let Some(weight) = stage
        .root_image
        .as_ref()
        .filter(|_| runs_in_image.is_none() && !deliberate_cgo)
        .and_then(|image| base_weight(ctx, image, if dynamic { DISTROLESS_BASE } else { "scratch" }))
    {
        help.push_str(&format!("; {weight}"));
    }
    // The program reads a file from its working directory at run time (`params.txt`, `.env`):
    // an image of the binary alone breaks it, so the file goes along and no rewrite is offered.
    let reads = model.shipped_program_relative_reads().flatten();
    // Where the program runs now: the stage's WORKDIR, or its base's (`/go` on golang).
    let workdir = match stage.workdir.as_deref() {
        Some(dir) => format!("with `WORKDIR {dir}` as here"),
        None => "under the same WORKDIR".to_string(),
    };
    if let Some((file, path)) = &reads {
        help = help.replacen("copy only the binary", "copy the binary", 1);
        help.push_str(&format!(
            "; the program reads `{path}` from its working directory (`{file}`): copy it into the new stage too, {workdir}"
        ));
    }
    // It writes there too (`logs/app.log`): a non-root user needs a working directory it owns.
    let writes = model.shipped_program_relative_writes().flatten();
    if let Some((file, path)) = &writes {
        help.push_str(&format!(
            "; it writes files under its working directory (`{path}`, in `{file}`): give the non-root user a WORKDIR it owns"
        ));
    }
    let mut diagnostic = ctx
        .report(&RULE, range, message)
        .with_help(help)
        .with_fix(if runs_in_image.is_some() || reads.is_some() || writes.is_some() || deliberate_cgo {
            None
        } else if go_run && found.build.is_none() {
            build_instead_of_go_run(ctx)
        } else {
            rewrite(ctx, found.build)
        });
    if let Some(build) = found.build {
        diagnostic = diagnostic.with_label(build.go_range, "compiled here, in the shipped stage");
    }
    out.push(diagnostic);
}
