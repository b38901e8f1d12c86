//! GL004 cgo-not-disabled: a shipped go build may link against the C library.

use super::{Context, FixAvailability, GOPHERFILE_HINT, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::go::ldflags_words;
use crate::model::{GoBuild, Libc};

pub const RULE: Rule = Rule {
    code: "GL004",
    name: "cgo-not-disabled",
    severity: Severity::Error,
    summary: "A shipped `go build` runs without `CGO_ENABLED=0`",
    go_scoped: true,
    fix: FixAvailability::Unsafe,
    doc: include_str!("../../rules/GL004.md"),
    check,
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.final_is_export_only() {
        return;
    }
    let Some(final_stage) = model.final_stage() else {
        return;
    };
    for build in model.go_builds.iter().filter(|b| b.ships) {
        if build.cgo.disabled() || build.cgo.unknown() || links_statically(build) {
            continue;
        }
        let builder = &model.stages[build.stage];
        let no_c_toolchain =
            builder.facts.c_toolchain == Some(false) && !builder.c_toolchain_installed;
        let final_libc = final_stage.facts.libc;
        let builder_libc = builder.facts.libc;
        let (severity, consequence) = if no_c_toolchain {
            (
                Severity::Info,
                "the builder has no C compiler, so Go turns cgo off by itself today, but installing one later turns it on silently".to_string(),
            )
        } else if final_libc == Libc::None {
            (
                Severity::Error,
                format!(
                    "the binary links the C library dynamically and will not start on `{}`, which has none (\"no such file or directory\")",
                    final_stage
                        .root_image
                        .as_ref()
                        .map_or("the final base", |i| i.raw.as_str())
                ),
            )
        } else if final_libc != Libc::Unknown
            && builder_libc != Libc::Unknown
            && final_libc != builder_libc
        {
            (
                Severity::Error,
                "the binary links the builder's C library, and the final image has a different one"
                    .to_string(),
            )
        } else {
            (
                Severity::Warning,
                "the binary is linked dynamically against the C library, which ties it to its base image".to_string(),
            )
        };
        let explicit = build.cgo.enabled_explicitly();
        let (range, state) = match (explicit, build.cgo.origin) {
            (true, Some(origin)) => (origin, "`CGO_ENABLED=1`"),
            _ if build.cgo.value.is_some() => (build.go_range, "`CGO_ENABLED` may be overridden"),
            _ => (build.go_range, "`CGO_ENABLED` is unset"),
        };
        let mut diagnostic = ctx
            .report(
                &RULE,
                range,
                format!("cgo is enabled ({state}): {consequence}"),
            )
            .with_severity(severity)
            .with_help(format!(
                "build with `CGO_ENABLED=0` for a static binary {GOPHERFILE_HINT}"
            ))
            .with_fix(fix(ctx, build));
        if range != build.go_range {
            diagnostic = diagnostic.with_label(build.go_range, "the build it affects");
        }
        out.push(diagnostic);
    }
}

/// `-ldflags` asks the external linker for a static binary (`-extldflags -static`): cgo is on
/// on purpose and the result needs no C library at run time.
fn links_statically(build: &GoBuild) -> bool {
    let Some(value) = build.ldflags().and_then(|f| f.value.as_deref()) else {
        return false;
    };
    let Some(text) = build.env.expand(value).usable().map(str::to_string) else {
        return false;
    };
    let Some(words) = ldflags_words(&text) else {
        return false;
    };
    words.iter().enumerate().any(|(i, w)| {
        let extldflags = match w.strip_prefix("-extldflags") {
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => return false,
        };
        extldflags
            .or_else(|| words.get(i + 1).cloned())
            .is_some_and(|flags| {
                flags
                    .split_whitespace()
                    .any(|f| f == "-static" || f == "--static")
            })
    })
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
