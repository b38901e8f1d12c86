//! GL004 cgo-not-disabled: a shipped go build may link against the C library.

use super::per_run::PerRun;
use super::{Context, GOPHERFILE_HINT, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::go_linker::{ldflags_words, links_statically};
use crate::knowledge::images::DistributionRelease;
use crate::knowledge::images::{Family, Libc};
use crate::knowledge::packages;
use crate::model::{GoBuild, ImageClass, Model, Stage};

declare_rule! {
    GL004 "cgo-not-disabled", Error, fix: Unsafe, applies: LINKED_BINARY, linux: false,
    "A shipped `go build` runs without `CGO_ENABLED=0`"
}

/// What a dynamically linked binary may depend on, said only as far as the file shows it.
const IF_LINKED: &str = "if the program or a dependency uses net, os/user or C code, the binary";

/// The releases the builder's and the final image's tags name (`golang:1.22-bookworm`,
/// `debian:bullseye-slim`), when both tags name one.
fn releases(
    model: &Model,
    builder: &Stage,
    final_stage: &Stage,
) -> Option<(DistributionRelease, DistributionRelease)> {
    let release = |stage: &Stage| -> Option<DistributionRelease> {
        let image = model.stages[stage.root_stage].root_image.as_ref()?;
        DistributionRelease::of_tag(image.tag.as_deref()?)
    };
    Some((release(builder)?, release(final_stage)?))
}

/// `-ldflags` asks the external linker for a static binary (`-extldflags -static`): cgo is on
/// on purpose and the result needs no C library at run time.
fn static_cgo(build: &GoBuild) -> bool {
    let Some(value) = build.ldflags().and_then(|f| f.value.as_deref()) else {
        return false;
    };
    // Unknown parts (`-extldflags -static ${LDFLAGS}`) cannot undo a static link: placeholders.
    let masked = build.env.mask_unknown(value);
    let Some(text) = build.env.expand(&masked).usable().map(str::to_string) else {
        return false;
    };
    ldflags_words(&text).is_some_and(|words| links_statically(&words))
}

fn fix(ctx: &Context, build: &GoBuild) -> Option<Fix> {
    if !build.script_complete {
        return None;
    }
    if build.cgo.value.is_some() {
        // Set somewhere (ENV, ARG default, export, inline): make that `0`. A prefix would not
        // win over an assignment on the command itself.
        let origin = build.cgo.origin?;
        let text = ctx.slice(origin);
        let rest = text.strip_prefix("CGO_ENABLED")?;
        let separator = rest.chars().next()?;
        if text.contains('\n') || !(separator == '=' || separator == ' ' || separator == '\t') {
            return None;
        }
        return Some(Fix::new(
            "set `CGO_ENABLED=0`",
            Applicability::Unsafe,
            vec![Edit::replace(origin, format!("CGO_ENABLED{separator}0"))],
        ));
    }
    let command = &build.command;
    let first = command
        .assignments
        .first()
        .map(|a| (a.range, a.value.exact))
        .or_else(|| command.argv.first().map(|w| (w.range, w.exact)))?;
    if command.nested || !first.1 {
        return None;
    }
    Some(Fix::new(
        "prefix the command with `CGO_ENABLED=0`",
        Applicability::Unsafe,
        vec![Edit::insert(first.0.start, "CGO_ENABLED=0 ")],
    ))
}

/// Words with which a comment explains building with cgo ("cgo is needed because the SQLite
/// driver is C").
const TOPICS: &[&str] = &["cgo", "cgo_enabled", "c library", "glibc", "musl", "sqlite"];

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(final_stage) = model.final_stage() else {
        return;
    };
    let final_chain = model.final_chain();
    let mut per_run = PerRun::default();
    for build in model.shipped_builds() {
        if build.cgo.disabled()
            || build.cgo.unknown()
            || static_cgo(build)
            || build.is_test_or_debug()
            // A tool a copy of all of `/go/bin` carries along is never started.
            || model.ships_by_the_way(build)
        {
            continue;
        }
        // Built in the shipped chain, the binary never leaves the C library it was linked
        // against: GL001 is the finding there.
        if final_chain.contains(&build.stage) {
            continue;
        }
        let builder = &model.stages[build.stage];
        // An image gopherlint does not know may set CGO_ENABLED itself.
        if !builder.facts.is_known_distribution() {
            continue;
        }
        let final_libc = final_stage.libc();
        let builder_libc = builder.libc();
        let explicit = build.cgo.enabled_explicitly();
        let deliberate = explicit || builder.c_toolchain_installed;
        let no_c_toolchain =
            builder.facts.c_toolchain == Some(false) && !builder.c_toolchain_installed;
        // A Go image pinned only by digest may be its Alpine variant, with no C compiler:
        // whether cgo is on cannot be told.
        let compiler_unknown = builder.facts.family == Family::GoToolchain
            && builder.facts.c_toolchain.is_none()
            && !builder.c_toolchain_installed;
        if compiler_unknown && !explicit {
            continue;
        }
        let same_family =
            final_libc == builder_libc && matches!(final_libc, Libc::Glibc | Libc::Musl);
        // A musl image that installs glibc compatibility (`libc6-compat`, `gcompat`) is made
        // to run a binary linked against glibc: the choice is the file's.
        if final_libc == Libc::Musl
            && builder_libc == Libc::Glibc
            && model
                .final_installed_packages()
                .iter()
                .any(|p| packages::is_glibc_compat(p))
        {
            continue;
        }
        // A final image given the builder's musl loader (all of musl) runs what it linked.
        if builder_libc == Libc::Musl && model.final_copies_musl_loader() {
            continue;
        }
        // Cgo on purpose for a final image with the same C library is a decision; for one
        // whose C library cannot be told, nothing says it is a wrong one.
        if deliberate && (same_family || final_libc == Libc::Unknown) {
            continue;
        }
        let final_name = final_stage
            .root_image
            .as_ref()
            .map(|i| format!("`{}`", i.raw))
            .unwrap_or_else(|| "the final image".into());
        // Without a C compiler Go builds without cgo; it only matters for another C library,
        // and only in an image that ships: a debug image whose binary starts today shows at
        // once when a builder that gains a compiler breaks it (one the repository publishes,
        // a `dev` flavour of the release, ships all the same).
        let unshipped_dev = model.purpose.class == ImageClass::Dev
            && !model.build.as_deref().is_some_and(|b| b.publishes);
        if no_c_toolchain && !explicit && (same_family || unshipped_dev) {
            continue;
        }
        let (severity, consequence) = if no_c_toolchain && !explicit {
            (
                Severity::Info,
                "the builder has no C compiler, so Go builds without cgo today, but a builder that gains one turns cgo on silently".to_string(),
            )
        } else if final_libc == Libc::None {
            (
                Severity::Error,
                format!(
                    "{IF_LINKED} links the C library dynamically and will not start on {final_name}, which has none (\"no such file or directory\")"
                ),
            )
        } else if final_libc != Libc::Unknown && builder_libc != Libc::Unknown && !same_family {
            (
                Severity::Error,
                format!(
                    "{IF_LINKED} links the builder's C library, and {final_name} has a different one"
                ),
            )
        } else if same_family {
            // The same C library family: the binary finds the library it links. It can still
            // miss symbols when the final image's release is older than the builder's; only
            // tags that name both releases tell.
            let Some((built, runs)) = releases(model, builder, final_stage) else {
                continue;
            };
            if built.newer_than(runs) != Some(true) {
                continue;
            }
            (
                Severity::Warning,
                format!(
                    "{IF_LINKED} links {}'s glibc dynamically, which is newer than the final image's ({}): it may fail to start there (\"version `GLIBC_2.xx' not found\")",
                    built.name(),
                    runs.name()
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "{IF_LINKED} links the C library dynamically, which ties it to the final image's C library and its version"
                ),
            )
        };
        let (range, state) = match (explicit, build.cgo.origin) {
            (true, Some(origin)) => (origin, "cgo is on (`CGO_ENABLED=1`)"),
            _ if build.cgo.value.is_some() => (
                build.go_range,
                "`CGO_ENABLED` is a build argument that turns cgo on unless overridden",
            ),
            _ if no_c_toolchain => (build.go_range, "`CGO_ENABLED` is unset"),
            _ => (
                build.go_range,
                "`CGO_ENABLED` is unset, so cgo is on with the builder's C compiler",
            ),
        };
        let mut diagnostic = ctx
            .report(&RULE, range, format!("{state}: {consequence}"))
            .with_severity(severity)
            .with_help(format!(
                "build with `CGO_ENABLED=0` for a static binary {GOPHERFILE_HINT}"
            ))
            .with_fix(fix(ctx, build));
        if range != build.go_range {
            diagnostic = diagnostic.with_label(build.go_range, "the build it affects");
        }
        // A comment just above the build that gives the reason for cgo answers it.
        if model.explained_here(build.instruction, TOPICS).is_some() {
            continue;
        }
        if !per_run.folded(
            out,
            build.instruction,
            &mut diagnostic,
            build.go_range,
            "this build is affected too",
        ) {
            out.push(diagnostic);
        }
    }
}
