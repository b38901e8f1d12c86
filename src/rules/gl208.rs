//! GL208 target-platform-not-propagated: a build-platform stage compiles for the build
//! machine, or a RUN reads an automatic platform ARG its stage never declared.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::go_command;
use crate::model::GoBuild;
use crate::model::cross::{PlatformSource, UndeclaredPlatformArg};
use crate::syntax::Keyword;

declare_rule! {
    GL208 "target-platform-not-propagated", Error, fix: Safe, applies: ALL_CLASSES, linux: true,
    "A `$BUILDPLATFORM` stage builds without `$TARGETARCH`, or a RUN uses an undeclared platform ARG"
}

/// Case (a): the stage runs on the build machine and nothing tells `go` the target.
fn check_build(
    ctx: &Context,
    build: &GoBuild,
    undeclared: &[UndeclaredPlatformArg],
    out: &mut Vec<Diagnostic>,
) {
    let model = ctx.model;
    // `go install pkg@version` on the build machine installs a tool the build runs (a code
    // generator): it must be the build machine's.
    if !model.runs_on_build_platform(build.stage) || build.is_tool_install() {
        return;
    }
    // xx's cross-compiler sets GOOS/GOARCH from the target itself.
    if build.command.program() == Some("xx-go")
        || model.go_wrapped_by_xx(build.stage, build.instruction)
    {
        return;
    }
    // A literal (GL207's business), a build argument or a value from elsewhere: not this case.
    let arch = model.platform_source(build, "GOARCH");
    if !matches!(arch, PlatformSource::Unset | PlatformSource::Build) {
        return;
    }
    // A build in the shipped stage's own chain: GL108 reports its `--platform`, and its fix
    // makes the build native to the target.
    if model.final_chain().contains(&build.stage) {
        return;
    }
    // The shipped image itself runs on the build machine (a lint or code-generation image that
    // runs its tools during the build): a binary for the build machine is the one it needs.
    if model
        .final_chain()
        .first()
        .is_some_and(|&stage| model.runs_on_build_platform(stage))
    {
        return;
    }
    // Every build the repository runs is for the builder's own platform, and none publishes
    // (a compose service of the tests): `$BUILDPLATFORM` is the target on each of them.
    if model
        .build
        .as_deref()
        .is_some_and(|b| b.builds > 0 && b.platform_count == Some(0) && !b.publishes)
    {
        return;
    }
    // A RUN whose `$TARGETARCH` is undeclared is reported as such.
    if undeclared
        .iter()
        .any(|u| u.instruction == build.instruction)
    {
        return;
    }
    let program = build.command.program().unwrap_or("go");
    let how = match arch {
        PlatformSource::Build => "`GOARCH` comes from the build machine's `BUILD*` arguments",
        _ if model.platform_source(build, "GOOS") == PlatformSource::Target => {
            "`GOARCH` is not set from `$TARGETARCH`"
        }
        _ => "`GOOS` and `GOARCH` are not set from `$TARGETOS`/`$TARGETARCH`",
    };
    let mut diagnostic = ctx
        .report(
            &RULE,
            build.go_range,
            format!(
                "`{program} {}` compiles for the build machine: the stage runs on `$BUILDPLATFORM` and {how}",
                build.subcommand
            ),
        )
        .with_help("pass the target to the compiler: `GOOS=$TARGETOS GOARCH=$TARGETARCH go build ...` with `ARG TARGETOS TARGETARCH` in the stage; otherwise every platform's image ships the build machine's binary")
        .with_fix(fix_build(ctx, build, &arch));
    if let Some(flag) = model.build_platform_flag(build.stage) {
        diagnostic = diagnostic.with_label(flag, "the stage runs on the build machine's platform");
    }
    out.push(diagnostic);
}

/// Adds `GOOS=$TARGETOS GOARCH=$TARGETARCH ` (what is unset) before `go`, and the ARGs the
/// stage lacks after its FROM.
fn fix_build(ctx: &Context, build: &GoBuild, arch: &PlatformSource) -> Option<Fix> {
    let model = ctx.model;
    if *arch != PlatformSource::Unset || build.command.nested || !build.script_complete {
        return None;
    }
    let go = build.command.argv.first()?;
    if !go.exact || !starts_command(ctx, build) {
        return None;
    }
    let os_unset = model.platform_source(build, "GOOS") == PlatformSource::Unset;
    let mut prefix = String::new();
    let mut names = Vec::new();
    if os_unset {
        prefix.push_str("GOOS=$TARGETOS ");
        names.push("TARGETOS");
    }
    prefix.push_str("GOARCH=$TARGETARCH ");
    names.push("TARGETARCH");
    let mut edits = vec![Edit::insert(go.range.start, prefix)];
    edits.extend(declare(ctx, build.stage, build.instruction, &names)?);
    Some(Fix::new(
        "pass `$TARGETOS`/`$TARGETARCH` to the build",
        Applicability::Safe,
        edits,
    ))
}

/// The go word starts its command: only assignments or a separator come before it (not a
/// wrapper such as `exec`, where an assignment would become the program).
fn starts_command(ctx: &Context, build: &GoBuild) -> bool {
    let go = &build.command.argv[0];
    let before = blank_trimmed(&ctx.text[..go.range.start], ctx.model.file.escape);
    if let Some(last) = build.command.assignments.last() {
        return before.len() == last.range.end;
    }
    let last_word = before.rsplit([' ', '\t', '\n']).next().unwrap_or("");
    before.len() <= model_run_args_start(ctx, build.instruction)
        || before.ends_with(['&', ';', '|', '(', '{', '\n'])
        || matches!(last_word, "then" | "do" | "else")
}

/// Text with trailing blanks and line continuations removed.
fn blank_trimmed(text: &str, escape: char) -> &str {
    let mut text = text.trim_end_matches([' ', '\t']);
    loop {
        let line_break = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .and_then(|t| t.trim_end_matches([' ', '\t']).strip_suffix(escape));
        match line_break {
            Some(rest) => text = rest.trim_end_matches([' ', '\t']),
            None => return text,
        }
    }
}

/// Where the RUN's arguments start (after its flags).
fn model_run_args_start(ctx: &Context, instruction: usize) -> usize {
    let ins = ctx.model.instruction(instruction);
    ins.args_range.map_or(ins.range.end, |r| r.start)
}

/// `ARG NAME...` after the stage's FROM for the names not declared before `instruction`;
/// `None` when the line cannot be inserted.
fn declare(ctx: &Context, stage: usize, instruction: usize, names: &[&str]) -> Option<Vec<Edit>> {
    let model = ctx.model;
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !model.declared_before(stage, instruction, n))
        .collect();
    if missing.is_empty() {
        return Some(Vec::new());
    }
    let from = model.stages[stage].from;
    if !ctx.can_insert_after(from) {
        return None;
    }
    Some(vec![Edit::insert(
        model.instruction(from).range.end,
        format!(
            "{}{} {}",
            ctx.newline(),
            ctx.keyword("ARG"),
            missing.join(" ")
        ),
    )])
}

/// What an empty platform ARG does where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// GOOS/GOARCH of a go build in a stage on `$BUILDPLATFORM`: the binary is the build
    /// machine's.
    WrongBinary,
    /// Harmless but worth a note: printed, or written `${X:-}` (empty allowed on purpose,
    /// which can hide a platform check that never fires).
    Harmless,
    /// No effect at all: GOOS/GOARCH of a go build in a stage on the target platform, where
    /// empty means the target's.
    NoEffect,
    /// Anything else (a download URL, a path): the command gets a wrong value.
    Other,
}

fn use_of(ctx: &Context, arg: &UndeclaredPlatformArg) -> Use {
    let model = ctx.model;
    let reference = ctx.slice(arg.range);
    if reference.starts_with("${") && reference.contains('-') {
        return Use::Harmless;
    }
    let command = model
        .runs_of(arg.instruction)
        .iter()
        .flat_map(|r| &r.script.commands)
        .find(|c| c.range().is_some_and(|r| r.start <= arg.range.start && arg.range.end <= r.end));
    let Some(command) = command else {
        return Use::Other;
    };
    if matches!(command.program(), Some("echo" | "printf")) {
        return Use::Harmless;
    }
    let platform_env = command.assignments.iter().any(|a| {
        matches!(a.name.as_str(), "GOOS" | "GOARCH")
            && a.range.start <= arg.range.start
            && arg.range.end <= a.range.end
    });
    // A build driver (`GOARCH=$TARGETARCH make build`) hands them to the go build it runs.
    let builds = command.program().is_some_and(go_command::is_go_program)
        || crate::model::is_opaque_build(command);
    if platform_env && builds {
        return if model.runs_on_build_platform(arg.stage) {
            Use::WrongBinary
        } else {
            Use::NoEffect
        };
    }
    Use::Other
}

/// Case (b): `$TARGETARCH` in a RUN of a stage without `ARG TARGETARCH` is empty. One
/// finding per RUN, for every such variable in it. An error where the empty value does harm
/// (a go build on `$BUILDPLATFORM` compiles for the build machine, a download gets a wrong
/// URL); a note where it does none (printed, `${X:-}`, or GOARCH on the target platform,
/// where empty means the target).
fn check_undeclared(ctx: &Context, args: &[&UndeclaredPlatformArg], out: &mut Vec<Diagnostic>) {
    let Some(first) = args.first() else {
        return;
    };
    let model = ctx.model;
    let mut names: Vec<&str> = Vec::new();
    for arg in args {
        if !names.contains(&arg.name) {
            names.push(arg.name);
        }
    }
    let listed = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let (verb, pronoun) = if names.len() == 1 {
        ("is", "it")
    } else {
        ("are", "them")
    };
    let args_list = names.join(" ");
    let uses: Vec<Use> = args.iter().map(|a| use_of(ctx, a)).collect();
    if uses.iter().all(|u| *u == Use::NoEffect) {
        return;
    }
    let wrong_binary = uses.contains(&Use::WrongBinary);
    let harmful = wrong_binary || uses.contains(&Use::Other);
    let consequence = if wrong_binary {
        ", so the go build here compiles for the build machine"
    } else {
        ""
    };
    let fix = (model.instruction(first.instruction).keyword == Keyword::Run)
        .then(|| declare(ctx, first.stage, first.instruction, &names))
        .flatten()
        .map(|edits| {
            Fix::new(
                format!("declare `ARG {args_list}` in the stage"),
                Applicability::Safe,
                edits,
            )
        });
    let mut diagnostic = ctx
        .report(
            &RULE,
            first.range,
            format!(
                "{listed} {verb} empty in this RUN: the {} has no `ARG {args_list}`, and automatic platform ARGs reach a RUN only when the stage declares {pronoun}{consequence}",
                model.stages[first.stage].label()
            ),
        )
        .with_help(format!(
            "add `ARG {args_list}` (no value) to the stage before this RUN; BuildKit then sets {pronoun} for the platform being built"
        ))
        .with_fix(fix);
    for arg in &args[1..] {
        diagnostic = diagnostic.with_label(arg.range, format!("`{}` is empty here too", arg.name));
    }
    if !harmful {
        diagnostic = diagnostic.with_severity(Severity::Info);
    }
    out.push(diagnostic);
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let undeclared = ctx.model.undeclared_platform_args();
    // An image of release binaries for several systems (`GOOS=darwin` beside `GOOS=linux`)
    // aims each build on purpose: the target platform's GOOS/GOARCH would undo that.
    let aimed = ctx.model.ships_builds_for_other_systems();
    for build in ctx.model.shipped_builds().filter(|_| !aimed) {
        check_build(ctx, build, &undeclared, out);
    }
    let mut runs: Vec<usize> = undeclared.iter().map(|u| u.instruction).collect();
    runs.dedup();
    for run in runs {
        let args: Vec<&UndeclaredPlatformArg> =
            undeclared.iter().filter(|u| u.instruction == run).collect();
        check_undeclared(ctx, &args, out);
    }
}
