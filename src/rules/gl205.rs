//! GL205 redundant-static-flags: flags for a static cgo build on a build with cgo off.

use super::flag_edits::{delete_flag, plain_inside, written_value};
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::go_command::{FlagSource, FlagUse, build_tags};
use crate::knowledge::go_linker::{
    CgoOnlyLinkerFlag, cgo_only_linker_flags, ldflags_words, linker_words,
};
use crate::model::{Certainty, GoBuild};
use crate::source::TextRange;

declare_rule! {
    // The flags are redundant (or fail) wherever the build runs, whatever the image is for.
    GL205 "redundant-static-flags", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "`-tags netgo`/`osusergo`, `-extldflags -static` or `-linkmode external` on a build with `CGO_ENABLED=0`"
}

/// Tags that pick the pure Go code of `net` and `os/user` over their cgo versions.
const PURE_GO_TAGS: &[&str] = &["netgo", "osusergo"];

/// Cgo is off for certain. A `0` that is only a build argument's default (`ARG CGO_ENABLED=0`)
/// is there to be overridden, and with `--build-arg CGO_ENABLED=1` the static flags matter.
fn cgo_known_off(build: &GoBuild) -> bool {
    build.cgo.disabled()
        && build
            .cgo
            .value
            .as_ref()
            .is_some_and(|v| v.certainty == Certainty::Known)
}

/// The place to report a flag: the flag words, or where GOFLAGS is set (once per place).
fn place(
    build: &GoBuild,
    flag_use: FlagUse<'_>,
    what: &'static str,
    origins: &mut Vec<(TextRange, &'static str)>,
) -> Option<TextRange> {
    match flag_use.source {
        FlagSource::Argv => build.flag_range(flag_use.flag),
        FlagSource::Goflags => {
            let range = build.goflags_origin.unwrap_or(build.go_range);
            if origins.contains(&(range, what)) {
                return None;
            }
            origins.push((range, what));
            Some(range)
        }
    }
}

fn with_context(build: &GoBuild, diagnostic: Diagnostic) -> Diagnostic {
    let diagnostic = match build.cgo.origin {
        Some(origin) if origin != diagnostic.range => {
            diagnostic.with_label(origin, "cgo is turned off here")
        }
        _ => diagnostic,
    };
    if diagnostic.range == build.go_range || build.goflags_origin != Some(diagnostic.range) {
        return diagnostic;
    }
    diagnostic.with_label(build.go_range, "a go command reads `GOFLAGS` here")
}

fn check_tags(
    ctx: &Context,
    build: &GoBuild,
    origins: &mut Vec<(TextRange, &'static str)>,
    out: &mut Vec<Diagnostic>,
) {
    // Elsewhere (darwin, windows) `netgo` and `osusergo` choose code that does not need cgo
    // either: they still change the binary there.
    if build.target_os().as_deref() != Some("linux") {
        return;
    }
    let Some(flag_use) = build.effective_flag("tags") else {
        return;
    };
    let Some(raw) = flag_use.flag.value.as_deref() else {
        return;
    };
    let value = build.env.expand(&build.env.mask_unknown(raw));
    let Some(text) = value.usable() else {
        return;
    };
    let mut redundant: Vec<String> = Vec::new();
    for tag in build_tags(text) {
        if PURE_GO_TAGS.contains(&tag.as_str()) && !redundant.contains(&tag) {
            redundant.push(tag);
        }
    }
    if redundant.is_empty() {
        return;
    }
    let Some(range) = place(build, flag_use, "tags", origins) else {
        return;
    };
    let (named, uses) = match redundant.as_slice() {
        [one] if one == "netgo" => (
            "build tag `netgo` is",
            "`net` already uses its pure Go resolver",
        ),
        [_] => (
            "build tag `osusergo` is",
            "`os/user` already uses its pure Go code",
        ),
        _ => (
            "build tags `netgo` and `osusergo` are",
            "`net` and `os/user` already use their pure Go code",
        ),
    };
    let fix = match flag_use.source {
        FlagSource::Argv => tags_fix(ctx, build, flag_use).map(|edit| {
            Fix::new(
                format!("remove {}", redundant_list(&redundant)),
                Applicability::Safe,
                vec![edit],
            )
        }),
        FlagSource::Goflags => None,
    };
    let diagnostic = ctx
        .report(
            &RULE,
            range,
            format!("{named} redundant with `CGO_ENABLED=0`: without cgo {uses}"),
        )
        .with_help("remove them: the binary is static and uses the pure Go code without them")
        .with_fix(fix);
    out.push(with_context(build, diagnostic));
}

fn redundant_list(tags: &[String]) -> String {
    let named: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
    named.join(" and ")
}

/// Removes the pure Go tags from the written `-tags` value, keeping the others and their
/// separator; drops the whole flag when nothing else is left and no other `-tags` would take
/// its place.
fn tags_fix(ctx: &Context, build: &GoBuild, flag_use: FlagUse<'_>) -> Option<Edit> {
    let flag = flag_use.flag;
    let value_range = written_value(ctx, build, flag)?;
    let (inside, _) = plain_inside(ctx, value_range, false)?;
    let inner = ctx.slice(inside);
    if Some(inner) != flag.value.as_deref() || !super::flag_edits::editable(build) {
        return None;
    }
    let spaced = inner.contains([' ', '\t']);
    let entries: Vec<&str> = if spaced {
        inner.split_whitespace().collect()
    } else {
        inner.split(',').filter(|t| !t.is_empty()).collect()
    };
    let kept: Vec<&str> = entries
        .iter()
        .copied()
        .filter(|t| !PURE_GO_TAGS.contains(t))
        .collect();
    if kept.is_empty() {
        return (build.flag_uses("tags").len() == 1)
            .then(|| delete_flag(ctx, build, flag))
            .flatten();
    }
    Some(Edit::replace(
        inside,
        kept.join(if spaced { " " } else { "," }),
    ))
}

fn check_ldflags(
    ctx: &Context,
    build: &GoBuild,
    origins: &mut Vec<(TextRange, &'static str)>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(flag_use) = build.effective_flag("ldflags") else {
        return;
    };
    let Some(raw) = flag_use.flag.value.as_deref() else {
        return;
    };
    let value = build.env.expand(&build.env.mask_unknown(raw));
    let Some(words) = value.usable().and_then(ldflags_words) else {
        return;
    };
    let mut seen: Vec<CgoOnlyLinkerFlag> = Vec::new();
    for (kind, _, _) in cgo_only_linker_flags(&words) {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        let what = kind.spelling();
        let written = match flag_use.source {
            FlagSource::Argv => written_linker_flag(ctx, build, flag_use, kind),
            FlagSource::Goflags => None,
        };
        let range = match written {
            Some((range, _)) => range,
            None => match place(build, flag_use, what, origins) {
                Some(range) => range,
                None => continue,
            },
        };
        let fix = written
            .and_then(|(_, edit)| edit)
            .map(|edit| Fix::new(format!("remove `{what}`"), Applicability::Safe, vec![edit]));
        let diagnostic = match kind {
            CgoOnlyLinkerFlag::StaticExtldflags => ctx
                .report(
                    &RULE,
                    range,
                    "`-extldflags -static` is redundant with `CGO_ENABLED=0`: a build without cgo links with Go's own linker, which ignores `-extldflags`, and is static already",
                )
                .with_help("remove it: the binary stays static"),
            CgoOnlyLinkerFlag::ExternalLinkmode => ctx
                .report(
                    &RULE,
                    range,
                    "`-linkmode external` needs cgo, which `CGO_ENABLED=0` turns off: `go build` stops with \"-linkmode=external requires external (cgo) linking, but cgo is not enabled\"",
                )
                .with_severity(Severity::Error)
                .with_help("remove it: with cgo off Go's own linker makes a static binary; keep it only with `CGO_ENABLED=1` for a cgo build"),
        };
        out.push(with_context(build, diagnostic.with_fix(fix)));
    }
}

/// Where a cgo-only linker flag is written inside a command-line `-ldflags` value: its exact
/// range, and the edit that removes it (with the blank beside it, or the whole `-ldflags` when
/// nothing else is left and no other `-ldflags` would take its place).
fn written_linker_flag(
    ctx: &Context,
    build: &GoBuild,
    flag_use: FlagUse<'_>,
    kind: CgoOnlyLinkerFlag,
) -> Option<(TextRange, Option<Edit>)> {
    let flag = flag_use.flag;
    let value_range = written_value(ctx, build, flag)?;
    let (inside, _) = plain_inside(ctx, value_range, true)?;
    let inner = ctx.slice(inside);
    if Some(inner) != flag.value.as_deref() {
        return None;
    }
    let words = linker_words(inner)?;
    let texts: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
    let (_, first, last) = cgo_only_linker_flags(&texts)
        .into_iter()
        .find(|(k, _, _)| *k == kind)?;
    let at = |offset: usize| inside.start + offset;
    let range = TextRange::new(at(words[first].start), at(words[last].end));
    if !super::flag_edits::editable(build) {
        return Some((range, None));
    }
    let edit = if first > 0 {
        Some(Edit::replace(
            TextRange::new(at(words[first - 1].end), range.end),
            "",
        ))
    } else if let Some(next) = words.get(last + 1) {
        Some(Edit::replace(
            TextRange::new(range.start, at(next.start)),
            "",
        ))
    } else if build.flag_uses("ldflags").len() == 1 {
        delete_flag(ctx, build, flag)
    } else {
        None
    };
    Some((range, edit))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // A GOFLAGS set by ENV or ARG reaches several builds: reported once, where it is set.
    let mut origins: Vec<(TextRange, &str)> = Vec::new();
    // A stage that builds only for a debug target (a `delve-builder`) ships nothing released.
    let released = |b: &&GoBuild| !ctx.model.serves_only_debugging(b.stage);
    for build in ctx.model.go_builds.iter().filter(|b| cgo_known_off(b)).filter(released) {
        check_tags(ctx, build, &mut origins, out);
        check_ldflags(ctx, build, &mut origins, out);
    }
}
