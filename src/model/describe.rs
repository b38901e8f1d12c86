//! `--show-model`: a plain account of what gopherlint understood of a Dockerfile, so a user
//! can see why a rule fired or stayed silent.

use std::fmt::Write;

use super::{CopySource, GoBuild, Model, Presence, Stage, StageBase, Value};
use crate::knowledge::image_weights::compressed_size;
use crate::knowledge::images::{Family, Libc};
use crate::knowledge::shells::DEFAULT_SHELL;
use crate::source::LineIndex;

fn line_of(model: &Model, offset: usize) -> usize {
    LineIndex::new(model.text).line_col(model.text, offset).line
}

fn family(stage: &Stage) -> String {
    let facts = &stage.facts;
    let kind = match facts.family {
        Family::Scratch => "empty",
        Family::DistrolessStatic => "distroless static",
        Family::DistrolessBase => "distroless with glibc",
        Family::ChainguardStatic => "chainguard static",
        Family::GoToolchain => "Go toolchain",
        Family::Alpine => "Alpine",
        Family::Debian => "Debian/Ubuntu",
        Family::Rpm => "rpm-based distribution",
        Family::Busybox => "busybox",
        Family::Windows => "Windows",
        Family::Other => "not in gopherlint's table",
    };
    let libc = match (facts.libc, stage.libc()) {
        (Libc::None, _) => "no libc",
        (Libc::Glibc, _) => "glibc",
        (Libc::Musl, _) => "musl",
        (Libc::Unknown, Libc::Glibc) => "glibc, by the package manager it runs",
        (Libc::Unknown, Libc::Musl) => "musl, by the package manager it runs",
        (Libc::Unknown, _) => "libc unknown",
    };
    let mut out = format!("{kind}, {libc}");
    if let Some(version) = facts.go.version() {
        let _ = write!(out, ", Go {}.{}", version.major, version.minor);
    }
    if facts.c_toolchain == Some(true) || stage.c_toolchain_installed {
        out.push_str(", C compiler");
    }
    out
}

fn value(v: &Value) -> String {
    match v.usable() {
        Some(text) if v.certainty == super::Certainty::Known => format!("`{text}`"),
        Some(text) => format!("`{text}` (a build-arg default)"),
        None => match v.resolved() {
            Some(text) => format!("`{text}` (for this platform)"),
            None => "unknown".into(),
        },
    }
}

fn stage_name(model: &Model, index: usize) -> String {
    model.stages[index].label()
}

fn describe_build(model: &Model, build: &GoBuild, out: &mut String) {
    let line = line_of(model, build.go_range.start);
    let _ = writeln!(
        out,
        "  line {line}: `go {}` in {}",
        build.subcommand,
        stage_name(model, build.stage)
    );
    let cgo = match &build.cgo.value {
        None => "unset (Go turns cgo on when it finds a C compiler)".to_string(),
        Some(v) => value(v),
    };
    let _ = writeln!(out, "    CGO_ENABLED: {cgo}");
    let ldflags = match build.ldflags().and_then(|f| f.value.as_deref()) {
        None => "none".to_string(),
        // A variable nothing sets (`ARG LDFLAGS` without a default) is passed at build time:
        // unknown, never shown as an empty value.
        Some(raw) => match build.env.expand_strict(raw) {
            v if v.is_unknown() => {
                format!("`{raw}` (unknown: it uses a value this file does not set)")
            }
            v => value(&v),
        },
    };
    let _ = writeln!(out, "    -ldflags: {ldflags}");
    let output = match build.output.as_ref() {
        Some(v) => value(v),
        None => "unknown".to_string(),
    };
    let _ = writeln!(out, "    output: {output}");
    let mut notes = Vec::new();
    if build.is_tool_install() {
        notes.push("a tool install (`pkg@version`)");
    }
    if build.is_test_or_debug() {
        notes.push("a race, coverage, test or debug build");
    }
    if build.is_wasm() {
        notes.push("WebAssembly, not a program the image runs");
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "    kind: {}", notes.join(", "));
    }
    let ships = if model.ships(build) {
        let places = model.landed(build);
        if places.is_empty() {
            "yes".to_string()
        } else {
            format!("yes, as {}", code_list(places))
        }
    } else {
        "no".to_string()
    };
    let _ = writeln!(out, "    ships in the final image: {ships}");
}

/// `a`, `b`: paths as code, comma-separated.
fn code_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|p| format!("`{}`", p.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn presence(p: Presence) -> &'static str {
    match p {
        Presence::Present => "yes",
        Presence::Absent => "no",
        Presence::Unknown => "unknown",
    }
}

/// What the final image holds: shell, users, time zones, CA roots and the copied paths.
fn describe_contents(model: &Model, out: &mut String) {
    let Some(stage) = model.final_stage() else {
        return;
    };
    let fs = model.final_fs();
    let _ = writeln!(
        out,
        "  contents: {}",
        if fs.known {
            "fully known (base and copies)"
        } else {
            "not fully known (the base's files, a RUN, or a copy to an unknown place)"
        }
    );
    let shell = match fs.base_shell {
        Some(shell) => format!("`{shell}` (base)"),
        None => match fs.presence(DEFAULT_SHELL) {
            Presence::Present => format!("`{DEFAULT_SHELL}` (copied)"),
            other => presence(other).to_string(),
        },
    };
    let _ = writeln!(out, "  shell: {shell}");
    let passwd = if fs.present.iter().any(|p| p == "/etc/passwd") {
        "copied in".to_string()
    } else if !stage.facts.users.is_empty() {
        let names: Vec<String> = stage
            .facts
            .users
            .iter()
            .map(|(n, id)| format!("{n} {id}"))
            .collect();
        format!("the base's ({})", names.join(", "))
    } else if stage.facts.contents_known && fs.known {
        "none".to_string()
    } else {
        "unknown".to_string()
    };
    let _ = writeln!(out, "  /etc/passwd: {passwd}");
    let tzdata = if stage.facts.tzdata {
        "yes (base)"
    } else {
        presence(fs.presence("/usr/share/zoneinfo"))
    };
    let _ = writeln!(out, "  time zone database: {tzdata}");
    let _ = writeln!(
        out,
        "  CA certificates: {}",
        presence(model.final_fs().ca_roots)
    );
    if !fs.present.is_empty() {
        let mut copied: Vec<&str> = fs.copied_files().collect();
        copied.sort_unstable();
        copied.dedup();
        let _ = writeln!(out, "  copied: {}", code_list(&copied));
    }
    describe_weight(model, out);
}

/// What the final image weighs to pull, as far as the knowledge layer's table tells: its base's
/// compressed size for the platform modelled, plus what is copied or run into it, whose size
/// is not known before the build. Nothing for a base the table has no figure for.
fn describe_weight(model: &Model, out: &mut String) {
    let Some(stage) = model.final_stage() else {
        return;
    };
    let Some(image) = &stage.root_image else {
        return;
    };
    let Some(weight) = compressed_size(image, &model.platform.arch) else {
        return;
    };
    let base = if weight.bytes == 0 {
        "base 0 MB (`scratch` has no layer)".to_string()
    } else {
        format!(
            "base {} (measured on `{}`, {})",
            weight.about(),
            weight.row.measured,
            weight.row.date
        )
    };
    let mut parts = vec![base];
    if model.final_copies().next().is_some() {
        parts.push("the copied files".to_string());
    }
    let runs = model
        .chain_instructions(stage.index)
        .iter()
        .any(|&i| model.instruction(i).keyword == crate::syntax::Keyword::Run);
    if runs {
        parts.push("what its RUN steps add".to_string());
    }
    let _ = writeln!(
        out,
        "  size (compressed, {}): {}",
        model.platform.name(),
        parts.join(" + ")
    );
}

/// How the repository builds the file: each configuration, the one linted as first.
fn describe_repository_build(model: &Model, out: &mut String) {
    for pull in model.pulls() {
        if model.built_by_repository(&pull.image) {
            let _ = writeln!(
                out,
                "image `{}`: built by the repository (a build there tags it), not pulled",
                pull.image.raw
            );
        }
    }
    if model.layer_cache_exported() {
        let _ = writeln!(
            out,
            "layer cache: exported by a build of the repository (`cache-to`)"
        );
    }
    if model.every_build_classic() {
        let _ = writeln!(
            out,
            "builder: classic: every build of the file runs `docker build` without BuildKit, which rejects `RUN --mount`"
        );
    }
    if model.every_build_uncached() {
        let _ = writeln!(
            out,
            "layer cache: none: every build of the file passes `--no-cache`, which also empties its cache mounts"
        );
    }
    let Some(build) = model.build.as_deref() else {
        return;
    };
    if build.builds == 0 {
        if let Some(twin) = &build.release_twin {
            let _ = writeln!(out, "built by: nothing in the repository; {twin}");
        }
        return;
    }
    let _ = writeln!(out, "built by:");
    for (i, config) in build.described.iter().enumerate() {
        let chosen = if i == 0 { " (linted as this one)" } else { "" };
        let _ = writeln!(out, "  {config}{chosen}");
    }
    if let Some((program, config)) = &build.runs_in_image {
        let _ = writeln!(out, "  runs the base's `{program}` in the image: {config}");
    }
    if !build.args.is_empty() {
        let args: Vec<String> = build
            .args
            .iter()
            .map(|(name, value)| match value {
                Some(v) => format!("{name}={v}"),
                None => format!("{name} (a value not read here)"),
            })
            .collect();
        let _ = writeln!(out, "  build args: {}", code_list(&args));
    }
    if !build.platforms.is_empty() {
        let _ = writeln!(out, "  platforms: {}", build.platforms.join(", "));
    }
    if let Some(released) = &build.released {
        let stripped = match released.stripped {
            Some(true) => "stripped (`-s -w`)",
            Some(false) => "not stripped",
            None => "ldflags not read",
        };
        let cgo = match released.cgo {
            Some(false) => "CGO_ENABLED=0",
            Some(true) => "CGO_ENABLED=1",
            None => "CGO_ENABLED not set",
        };
        let _ = writeln!(out, "  GoReleaser binary: {stripped}, {cgo}");
    }
}

/// The account printed by `--show-model`.
fn describe_context(model: &Model, out: &mut String) {
    use crate::context::Read;
    let Some(context) = model.context() else {
        let why = match model.build.as_deref() {
            Some(build) if build.builds > 0 => {
                "the repository's build prepares it, or names it with a value not read here"
            }
            _ => "standard input, no --context",
        };
        let _ = writeln!(out, "context: unknown ({why})");
        return;
    };
    if !context.exists {
        let _ = writeln!(
            out,
            "context: `{}`: not a directory, so what it holds is unknown",
            context.dir
        );
        return;
    }
    let _ = writeln!(out, "context: `{}`", context.dir);
    let version = |v: Option<crate::knowledge::go_release::GoVersion>| v.map(|v| v.to_string());
    let go_mod = match &context.go_mod {
        Read::Missing => "none".to_string(),
        Read::Unreadable => "unreadable (unknown)".to_string(),
        Read::Read(m) => {
            let mut parts = Vec::new();
            if let Some(module) = &m.module {
                parts.push(format!("module `{module}`"));
            }
            if let Some(go) = version(m.go) {
                parts.push(format!("go {go}"));
            }
            if let Some(toolchain) = version(m.toolchain) {
                parts.push(format!("toolchain go{toolchain}"));
            }
            if parts.is_empty() {
                "present, no module, go or toolchain line".into()
            } else {
                parts.join(", ")
            }
        }
    };
    let _ = writeln!(out, "  go.mod: {go_mod}");
    if let Some(module) = model.module_needs_cgo() {
        let _ = writeln!(
            out,
            "    requires `{module}`, which only builds with cgo: cgo is on by design where Go finds a C compiler"
        );
    }
    let go_work = match &context.go_work {
        Read::Missing => "none".to_string(),
        Read::Unreadable => "unreadable (unknown)".to_string(),
        Read::Read(w) => {
            let mut parts = Vec::new();
            if let Some(go) = version(w.go) {
                parts.push(format!("go {go}"));
            }
            if !w.uses.is_empty() {
                parts.push(format!("use {}", w.uses.join(", ")));
            }
            if parts.is_empty() {
                "present".into()
            } else {
                parts.join(", ")
            }
        }
    };
    let _ = writeln!(out, "  go.work: {go_work}");
    let ignore = match (&context.dockerignore, &context.dockerignore_name) {
        (Read::Missing, _) => "none: everything is sent".to_string(),
        (Read::Unreadable, _) => "unreadable: what is sent is unknown".to_string(),
        (Read::Read(_), name) => format!("`{}`", name.as_deref().unwrap_or(".dockerignore")),
    };
    let _ = writeln!(out, "  ignore file: {ignore}");
    let from_checkout = model.build.as_deref().is_some_and(|b| b.git_checkout);
    let git = match (context.git, context.sends(".git")) {
        (false, _) if from_checkout => {
            "no: the build fetches the Git checkout, which leaves it out"
        }
        (false, _) => "no",
        (true, Some(true)) => "yes, and it is sent",
        (true, Some(false)) => "yes, left out by the ignore file",
        (true, None) => "yes",
    };
    let _ = writeln!(out, "  .git: {git}");
    // Where the context's go.mod goes: the module GL212 and the build naming read.
    for stage in &model.stages {
        let Some(copy) = model
            .context_copy_of(stage.index, "go.mod")
            .filter(|c| c.stage == stage.index)
        else {
            continue;
        };
        let line = line_of(model, model.instruction(copy.instruction).range.start);
        let present = match &context.go_mod {
            // A copy of a whole directory copies no go.mod the context lacks; one that names
            // go.mod fails the build without it.
            Read::Missing => {
                let named = copy
                    .sources
                    .iter()
                    .filter_map(|s| s.usable())
                    .any(|s| crate::paths::basename(s) == "go.mod");
                if !named {
                    continue;
                }
                " (the context has none)"
            }
            _ => "",
        };
        let _ = writeln!(
            out,
            "  go.mod copied into {} (line {line}){present}",
            stage.label()
        );
    }
}

/// What gopherlint knows of a stage's base image, in one line (an editor's hover on FROM).
pub fn image_facts(stage: &Stage) -> String {
    use crate::knowledge::images::DefaultUser;
    let facts = &stage.facts;
    let mut out = family(stage);
    let shell = match (facts.family, facts.shell) {
        (Family::Other, _) => "unknown",
        (_, Some(shell)) => shell,
        (_, None) => "none",
    };
    let _ = write!(out, "; shell: {shell}");
    let user = match facts.default_user {
        DefaultUser::Root => "root".to_string(),
        DefaultUser::NonRoot(uid) => format!("non-root ({uid})"),
        DefaultUser::Unknown => "unknown".to_string(),
    };
    let _ = write!(out, "; default user: {user}");
    if facts.family != Family::Other {
        let minimal = if facts.is_minimal() { "yes" } else { "no" };
        let _ = write!(out, "; minimal: {minimal}");
    }
    out
}

/// One go build as `--show-model` lists it (an editor's hover on the command).
pub fn build_facts(model: &Model, build: &GoBuild) -> String {
    let mut out = String::new();
    describe_build(model, build, &mut out);
    out
}

/// The shipped image's class and the signal that decided it.
pub fn class_facts(model: &Model) -> String {
    let purpose = &model.purpose;
    format!(
        "{} (by {}): {}",
        purpose.class,
        purpose.signal.as_str(),
        purpose.reason
    )
}

pub fn describe(model: &Model) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "platform: {}", model.platform.name());
    describe_repository_build(model, &mut out);
    describe_context(model, &mut out);
    let _ = writeln!(out, "stages:");
    for stage in &model.stages {
        let line = line_of(model, model.instruction(stage.from).range.start);
        let base = match &stage.base {
            StageBase::Stage(parent) => format!("FROM {}", stage_name(model, *parent)),
            StageBase::Image(image) => format!("FROM image `{}` ({})", image.raw, family(stage)),
            StageBase::Unknown => {
                let raw = stage.image_word.as_ref().map_or("", |w| w.raw.as_str());
                format!("FROM `{raw}`: unknown (it depends on a value gopherlint cannot know)")
            }
        };
        let _ = writeln!(out, "  {} (line {line}): {base}", stage.label());
    }
    match model.final_stage() {
        None => {
            let _ = writeln!(out, "shipped stage: none (the file has no stage)");
        }
        Some(stage) => {
            let why = if stage.index + 1 == model.stages.len() {
                "the last stage"
            } else if model
                .build
                .as_deref()
                .is_some_and(|b| b.target.as_deref() == stage.name.as_deref())
            {
                "the target of the repository's build, unless --target names it"
            } else {
                "named by --target"
            };
            let _ = writeln!(out, "shipped stage: {} ({why})", stage.label());
            if let StageBase::Stage(_) = stage.base {
                let root = match &stage.root_image {
                    Some(image) => format!("`{}` ({})", image.raw, family(stage)),
                    None => "unknown".into(),
                };
                let _ = writeln!(out, "  root image: {root}");
            }
            let user = match &stage.user {
                Some(u) => value(&u.value),
                None => "not set (the base's default)".into(),
            };
            let _ = writeln!(out, "  user: {user}");
            let root_reason = model
                .drops_root_itself()
                .or_else(|| model.needs_root())
                .or_else(|| {
                    model
                        .documented_root_need()
                        .map(|run| format!("its documented use needs it: {}", run.describe()))
                });
            if let Some(reason) = root_reason {
                let _ = writeln!(out, "  root on purpose: {reason}");
            }
            if let Some(start) = model.start_command() {
                let _ = writeln!(out, "  starts: `{}`", start.join(" "));
            }
        }
    }
    describe_contents(model, &mut out);
    let purpose = &model.purpose;
    let _ = writeln!(out, "class: {}", class_facts(model));
    if purpose.test_data {
        let _ = writeln!(out, "  test data: no rule judges it");
    }
    if let Some(dir) = &purpose.vendored {
        let _ = writeln!(
            out,
            "  another project's file, copied under `{dir}/`, that nothing here builds: no rule judges it"
        );
    }
    if purpose.windows {
        let _ = writeln!(
            out,
            "  a Windows image: the Linux runtime rules do not apply"
        );
    }
    if model.go_builds.is_empty() {
        let _ = writeln!(out, "go builds: none");
    } else {
        let _ = writeln!(out, "go builds:");
        for build in &model.go_builds {
            describe_build(model, build, &mut out);
        }
    }
    let opaque = model.opaque_go_copies();
    if !opaque.is_empty() {
        let _ = writeln!(
            out,
            "binaries from builds gopherlint cannot read (make, scripts), copied into the final image:"
        );
        for binary in opaque.iter() {
            let _ = writeln!(
                out,
                "  {}, built in {}",
                binary
                    .landing
                    .as_ref()
                    .map_or_else(|| "an unknown path".to_string(), |l| format!("`{l}`")),
                stage_name(model, binary.stage)
            );
            for (instruction, read) in model.make_runs(binary.stage) {
                let what = match read {
                    Some(Some(go)) => format!(
                        "the context's Makefile reaches a go build (line {}), with `CGO_ENABLED` {}",
                        go.line,
                        go.cgo.map_or_else(
                            || "from the environment".to_string(),
                            |v| format!("`{v}`")
                        )
                    ),
                    Some(None) => "the context's Makefile reaches no go build".to_string(),
                    None => "a Makefile not read here".to_string(),
                };
                let line = line_of(model, model.instruction(instruction).range.start);
                let _ = writeln!(out, "    `make` at line {line}: {what}");
            }
        }
    }
    if let Some(started) = model.shipped_program_starts()
        && !started.is_empty()
    {
        let programs: Vec<String> = started
            .iter()
            .map(|(program, file)| format!("`{program}` (`{file}`)"))
            .collect();
        let _ = writeln!(
            out,
            "the shipped program's source starts: {}",
            programs.join(", ")
        );
    }
    let mut copies_in: Vec<String> = Vec::new();
    for source in model.final_copies().filter_map(|c| match &c.source {
        CopySource::Stage(s) => Some(stage_name(model, *s)),
        CopySource::Image(i) => Some(format!("image `{}`", i.raw)),
        _ => None,
    }) {
        if !copies_in.contains(&source) {
            copies_in.push(source);
        }
    }
    if !copies_in.is_empty() {
        let _ = writeln!(out, "final image copies from: {}", copies_in.join(", "));
    }
    out
}
