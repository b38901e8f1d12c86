//! GL304 cross-compile-under-emulation: the file builds for several platforms, yet a Go stage
//! whose binary ships runs on the target platform, so the compiler runs under emulation.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::go_command::GoSubcommand;
use crate::knowledge::platforms::goarm_below_cross_default;
use crate::model::cross::PlatformSource;
use crate::model::{GoBuild, ImageClass, Model};

declare_rule! {
    // Build speed matters wherever Go is built for several platforms.
    GL304 "cross-compile-under-emulation", Info, fix: Safe, applies: ALL_CLASSES, linux: false,
    "A multi-platform file's shipped Go builder stage lacks `--platform=$BUILDPLATFORM`: the compiler runs under emulation"
}

/// The automatic ARGs that name the target platform.
const TARGET_ARGS: &[&str] = &["TARGETPLATFORM", "TARGETOS", "TARGETARCH"];

/// What tells that the file is built for several platforms: the repository's build lists
/// several, or the file reads a target platform ARG. `None` when every build of the
/// repository is for one platform (none listed: the builder's own).
fn multi_platform_reason(model: &Model, text: &str) -> Option<String> {
    match model.build.as_ref().and_then(|b| b.platform_count) {
        Some(n) if n >= 2 => return Some(format!("its build lists {n} platforms")),
        Some(_) => return None,
        None => {}
    }
    // A test, development or example image is built where it is used, for that machine's
    // platform: that the file could take a target platform says nothing of how it is built.
    if matches!(
        model.purpose.class,
        ImageClass::Test | ImageClass::Dev | ImageClass::Example
    ) {
        return None;
    }
    // Read, not only declared: `ARG TARGETPLATFORM` alone builds the same for any target.
    // Reading the target platform is the only sign left; a comment that says the binary
    // follows the host's platform tells why the file reads it.
    if model.says_platform_follows_host() {
        return None;
    }
    let reads = |name: &str| {
        text.match_indices(name)
            .any(|(at, _)| text[..at].ends_with('$') || text[..at].ends_with("${"))
    };
    TARGET_ARGS
        .iter()
        .find(|a| reads(a))
        .map(|a| format!("it reads `{a}`"))
}

/// The build already takes its target from the TARGET* ARGs, with cgo off: moving the stage
/// to the build machine changes nothing but where the compiler runs.
fn moves_cleanly(model: &Model, build: &GoBuild) -> bool {
    let arch = matches!(model.platform_source(build, "GOARCH"), PlatformSource::Target);
    // Linux builders build for Linux targets: GOOS unset or `linux` stays right.
    let os = match model.platform_source(build, "GOOS") {
        PlatformSource::Target | PlatformSource::Unset => true,
        PlatformSource::Literal { value, .. } => value == "linux",
        _ => false,
    };
    arch && os && build.cgo.disabled()
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(reason) = multi_platform_reason(model, ctx.text) else {
        return;
    };
    let final_chain = model.final_chain();
    let mut reported: Vec<usize> = Vec::new();
    for build in &model.go_builds {
        let stage = &model.stages[build.stage];
        // A `--platform` of any kind (its own, or that of the stage it is built on, whose
        // platform it runs on), a stage of the final image itself (GL001's), a tool for the
        // build, or a binary that does not ship: not this case.
        if model
            .chain(build.stage)
            .iter()
            .any(|&s| model.stages[s].platform.is_some())
            || final_chain.contains(&build.stage)
            || build.is_tool_install()
            || !model.ships(build)
            || reported.contains(&build.stage)
            // The stage fetches tools for the target platform (moved to the build machine it
            // would fetch the wrong ones), or its comment says each platform builds on its own
            // machine.
            || model.fetches_for_target(build.stage)
            || model.says_built_natively(build.stage)
            // The shipped image takes the stage's own programs (its Go toolchain): on the
            // build machine they would be the build machine's.
            || model.ships_platform_files_of(build.stage)
        {
            continue;
        }
        reported.push(build.stage);
        let builds: Vec<&GoBuild> = model
            .go_builds
            .iter()
            // A tool the stage installs for itself runs on the builder: it is better off built
            // for the build machine.
            .filter(|b| b.stage == build.stage && !b.is_tool_install())
            .collect();
        let cgo = builds.iter().any(|b| model.cgo_deliberate(&b.cgo, b.stage));
        let range = stage
            .image_word
            .as_ref()
            .map_or_else(|| ctx.instruction_head(stage.from), |w| w.range);
        // A FROM that names a stage takes that stage's platform (BuildKit ignores `--platform`
        // there): the flag belongs on the FROM the chain starts at.
        let root = model
            .chain(build.stage)
            .last()
            .copied()
            .unwrap_or(build.stage);
        let root_stage = &model.stages[root];
        let lacks = if root == build.stage {
            "the stage has no `--platform=$BUILDPLATFORM`".to_string()
        } else {
            format!(
                "neither it nor {}, whose platform it takes, has `--platform=$BUILDPLATFORM`",
                root_stage.label()
            )
        };
        let message = format!(
            "{} compiles Go under emulation for every platform but the builder's: the file builds for several platforms ({reason}), and {lacks}, so the compiler itself runs emulated, many times slower",
            stage.label()
        );
        // Other stages built on that root would move to the build machine with it.
        let riders: Vec<String> = if root == build.stage {
            Vec::new()
        } else {
            model
                .stages
                .iter()
                .filter(|s| {
                    !model.chain(build.stage).contains(&s.index)
                        && model.chain(s.index).contains(&root)
                })
                .map(|s| s.label())
                .collect()
        };
        let root_moves_final = root != build.stage && final_chain.contains(&root);
        // Cross-compiled, `go install` writes to `$GOPATH/bin/<os>_<arch>/` (and refuses a
        // GOBIN): the copies of `/go/bin/<name>` would no longer find the binaries.
        let installs = builds.iter().any(|b| b.subcommand == GoSubcommand::Install);
        // An ARM platform older than Go's cross-compiling default (`linux/arm/v6`) needs
        // GOARM: emulated, the build read it from the machine; cross-compiled, it gets ARMv7
        // code unless the build sets it.
        let old_arm = model.build.as_ref().and_then(|b| {
            b.platforms
                .iter()
                .find(|p| goarm_below_cross_default(p).is_some())
                .cloned()
        });
        // Set in any way (`${TARGETVARIANT#v}`, a value of its own): the build chose it.
        let sets_goarm =
            |b: &GoBuild| !matches!(model.platform_source(b, "GOARM"), PlatformSource::Unset);
        let needs_goarm = old_arm.filter(|_| !builds.iter().all(|b| sets_goarm(b)));
        let fixable_here = riders.is_empty() && !root_moves_final;
        let clean = !cgo
            && !installs
            && needs_goarm.is_none()
            && builds.iter().all(|b| moves_cleanly(model, b));
        // Whether the program needs C is not written anywhere the file shows.
        let cgo_by_default_only = cgo
            && builds
                .iter()
                .filter(|b| model.cgo_deliberate(&b.cgo, b.stage))
                .all(|b| model.cgo_on_for_compiler_only(&b.cgo, b.stage));
        let help = if cgo_by_default_only {
            "cgo is on here only because the stage installs a C compiler and leaves `CGO_ENABLED` unset: if the program needs no C, build with `CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH` (with `ARG TARGETOS TARGETARCH`) on `FROM --platform=$BUILDPLATFORM ...`; if it does, cross-compiling needs a C cross toolchain for each target (such as tonistiigi/xx or `zig cc`)".to_string()
        } else if cgo {
            "this build uses cgo: cross-compiling it on the build machine needs a C cross toolchain for each target (such as tonistiigi/xx or `zig cc`), so there is no simple fix".to_string()
        } else if clean {
            "the builds already take GOOS and GOARCH from the TARGET* arguments with cgo off: only `FROM --platform=$BUILDPLATFORM ...` is missing to run the compiler on the build machine".to_string()
        } else {
            "Go cross-compiles by itself: run the stage on the build machine (`FROM --platform=$BUILDPLATFORM ...`), declare `ARG TARGETOS TARGETARCH` in it, and build with `CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH`".to_string()
        };
        let help = match &needs_goarm {
            Some(platform) if !cgo => format!(
                "{help}; the build is also for `{platform}`, and Go cross-compiles ARM for v7 unless told: declare `ARG TARGETVARIANT` and set `GOARM=${{TARGETVARIANT#v}}` for that build"
            ),
            _ => help,
        };
        let help = if installs && !cgo {
            format!("{help}; `go install` puts a cross-compiled binary in `$GOPATH/bin/<os>_<arch>/` (and refuses when GOBIN is set), so build with `go build -o <dir>/<name>` and copy from there")
        } else {
            help
        };
        let help = if root == build.stage || cgo {
            help
        } else if root_moves_final {
            format!(
                "{help}; the flag goes on the FROM of {}, whose platform {} takes (BuildKit ignores `--platform` on a FROM that names a stage), but the shipped image is built on it too and would take the build machine's platform: compile in a stage of its own that starts `FROM --platform=$BUILDPLATFORM` from an image",
                root_stage.label(),
                stage.label()
            )
        } else if riders.is_empty() {
            format!(
                "{help}; the flag goes on the FROM of {}, whose platform {} takes: BuildKit ignores `--platform` on a FROM that names a stage",
                root_stage.label(),
                stage.label()
            )
        } else {
            format!(
                "{help}; the flag goes on the FROM of {}, whose platform {} takes (BuildKit ignores `--platform` on a FROM that names a stage), and {} built on it would run on the build machine too: give the compiler a stage of its own if they must run on the target platform",
                root_stage.label(),
                stage.label(),
                riders.join(", ")
            )
        };
        let mut d = ctx.report(&RULE, range, message).with_help(help);
        if clean && fixable_here {
            let from = model.instruction(root_stage.from).keyword_range;
            d = d.with_fix(Some(Fix::new(
                "run the stage on the build platform",
                Applicability::Safe,
                vec![Edit::insert(from.end, " --platform=$BUILDPLATFORM")],
            )));
        }
        out.push(d);
    }
}
