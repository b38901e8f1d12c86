//! GL003 unstripped-binary: a shipped go build keeps its symbol table and debug info.

use super::per_run::PerRun;
use super::{Context, GOPHERFILE_HINT, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::go_linker::{ldflags_words, strip_flags};
use crate::knowledge::go_release::GoFeature;
use crate::model::GoBuild;
use crate::model::vars::bare_variable;

declare_rule! {
    GL003 "unstripped-binary", Warning, fix: Safe, applies: SERVICE, linux: false,
    "A shipped `go build` lacks `-ldflags=\"-s -w\"`"
}

fn check_build(ctx: &Context, build: &GoBuild, out: &mut Vec<Diagnostic>) {
    // Before Go 1.22, `-s` alone keeps the DWARF sections; unknown versions are taken as current.
    let old_go = ctx
        .model
        .golang_release(build.stage)
        .version()
        .filter(|v| !v.has(GoFeature::StripImpliesNoDwarf));
    let ldflags = build.ldflags();
    let (has_s, has_w) = match ldflags.and_then(|f| f.value.as_deref()) {
        Some(raw) => {
            // A whole word from a variable nothing sets (`-ldflags "$LDFLAGS"`, an ARG without
            // a default): whoever builds passes the flags, and they may hold `-s -w`.
            let passed_in = raw.split_whitespace().any(|word| {
                word.trim_matches(['"', '\'']).starts_with('$')
                    && build.env.expand_strict(word).is_unknown()
            });
            if passed_in || flags_left_to_the_build(ctx, build, raw) {
                return;
            }
            // Unknown parts inside words (`-X main.version=$(git describe)`) cannot add or
            // remove `-s`: they are read as placeholders.
            let value = build.env.expand(&build.env.mask_unknown(raw));
            let Some(text) = value.usable() else {
                return;
            };
            // A value `go` cannot split fails the build: not this rule's business.
            let Some(words) = ldflags_words(text) else {
                return;
            };
            strip_flags(&words)
        }
        None => {
            // A word that is one variable nothing here sets (`go build "${LD_FLAGS}" ...` with
            // `ARG LD_FLAGS`): whoever builds passes flags in it, `-ldflags` among them.
            // Not the value of another flag (`-tags "${GOTAGS}"`, `-o ${BIN}`): that holds
            // no `-ldflags`.
            let flag_values: Vec<usize> =
                build.flags.iter().filter_map(|f| f.value_word).collect();
            let passed_in = build.command.argv.iter().enumerate().skip(2).any(|(i, word)| {
                !flag_values.contains(&i)
                    && is_one_variable(&word.text)
                    && build.env.expand_strict(&word.text).is_unknown()
            });
            if passed_in {
                return;
            }
            (false, false)
        }
    };
    // `-w` already drops the debug info: only the symbol table is left, which `-s` drops.
    let missing = match (has_s, has_w, old_go) {
        (true, _, None) | (true, true, Some(_)) => return,
        (false, false, _) => "-s -w",
        (false, true, _) => "-s",
        (true, false, Some(_)) => "-w",
    };
    let program = build.command.program().unwrap_or("go");
    // GOFLAGS that gives `-ldflags` more than once (`-ldflags=-s -ldflags=-w`): the go command
    // keeps only the last, so the file shows `-s` and the binary lacks it.
    let from_goflags = ldflags.is_some_and(|f| f.value_word.is_none());
    let repeated = build.goflags.iter().filter(|f| f.name == "ldflags").count();
    if from_goflags && repeated > 1 {
        let last = ldflags.and_then(|f| f.value.as_deref()).unwrap_or_default();
        let kept = if has_w { "its symbol table" } else { "its symbol table and debug info" };
        let mut diagnostic = ctx
            .report(
                &RULE,
                build.go_range,
                format!(
                    "`GOFLAGS` gives `-ldflags` {repeated} times and the go command keeps only the last (`-ldflags={last}`): the shipped binary keeps {kept}"
                ),
            )
            .with_help(format!(
                "give `-ldflags` once, with both flags, on the command line (`-ldflags=\"-s -w\"`), and drop it from GOFLAGS {GOPHERFILE_HINT}"
            ));
        if let Some(origin) = build.goflags_origin {
            diagnostic = diagnostic.with_label(origin, "GOFLAGS is set here");
        }
        out.push(diagnostic.with_fix(command_line_strip(build)));
        return;
    }
    let message = match (ldflags, missing) {
        (None, _) => format!(
            "`{program} {}` ships an unstripped binary: there is no `-ldflags=\"-s -w\"`",
            build.subcommand
        ),
        (Some(_), "-w") => {
            let (major, minor) = old_go.map_or((1, 21), |v| v.minor_version());
            format!(
                "`-ldflags` lacks `-w`: before Go 1.22 `-s` alone keeps the DWARF debug info (builder is Go {major}.{minor})"
            )
        }
        (Some(_), "-s") if has_w => {
            "`-ldflags` has `-w` but lacks `-s`: the shipped binary keeps its symbol table".to_string()
        }
        (Some(_), missing) => format!(
            "`-ldflags` lacks `{missing}`: the shipped binary keeps its symbol table and debug info"
        ),
    };
    let gain = if has_w {
        "the binary sheds its symbol table and behaves the same"
    } else {
        "the binary loses what is commonly a quarter of its size and behaves the same"
    };
    let mut diagnostic = ctx
        .report(&RULE, build.go_range, message)
        .with_help(format!(
            "add `{missing}` to `-ldflags`: {gain} {GOPHERFILE_HINT}"
        ))
        .with_fix(fix(ctx, build, missing));
    if let Some(word) = ldflags.and_then(|f| f.value_word) {
        diagnostic = diagnostic.with_label(build.command.argv[word].range, "linker flags set here");
    } else if ldflags.is_some()
        && let Some(origin) = build.goflags_origin
    {
        diagnostic = diagnostic.with_label(origin, "`-ldflags` comes from GOFLAGS here");
    }
    out.push(diagnostic);
}

/// `-ldflags="-s -w"` on the command line, which replaces every `-ldflags` of GOFLAGS: only
/// where those hold nothing but `-s` and `-w` (nothing else of theirs is lost), for a command
/// written plainly.
fn command_line_strip(build: &GoBuild) -> Option<Fix> {
    let only_strip_flags = build
        .goflags
        .iter()
        .filter(|f| f.name == "ldflags")
        .all(|f| {
            f.value
                .as_deref()
                .is_some_and(|v| v.split_whitespace().all(|w| w == "-s" || w == "-w"))
        });
    let sub = build.command.argv.get(1)?;
    if !only_strip_flags || build.command.nested || !build.script_complete || !sub.exact {
        return None;
    }
    Some(Fix::new(
        "add `-ldflags=\"-s -w\"` to the command line",
        Applicability::Safe,
        vec![Edit::insert(sub.range.end, " -ldflags=\"-s -w\"")],
    ))
}

/// Adds the missing flags to the `-ldflags` value as written (keeping its quotes), or inserts
/// `-ldflags="-s -w"` after the subcommand. Only words written plainly in the RUN line are edited.
fn fix(ctx: &Context, build: &GoBuild, missing: &str) -> Option<Fix> {
    let argv = &build.command.argv;
    // Words after an unclosed quote may be misread: no edits in such a RUN.
    if build.command.nested || !build.script_complete {
        return None;
    }
    let title = format!("add `{missing}` to `-ldflags`");
    let Some(flag) = build.ldflags() else {
        let sub = argv.get(1)?;
        if !sub.exact {
            return None;
        }
        return Some(Fix::new(
            "add `-ldflags=\"-s -w\"`",
            Applicability::Safe,
            vec![Edit::insert(sub.range.end, " -ldflags=\"-s -w\"")],
        ));
    };
    // The value with the flags added must strip: not so when it holds an unclosed quote.
    let current = build
        .env
        .expand(&build.env.mask_unknown(flag.value.as_deref()?));
    let (has_s, has_w) = strip_flags(&ldflags_words(&format!("{} {missing}", current.usable()?))?);
    if !has_s || (missing.contains("-w") && !has_w) {
        return None;
    }
    // From GOFLAGS: a command-line -ldflags would replace it, so leave it to the user.
    let word = &argv[flag.value_word?];
    if !word.exact {
        return None;
    }
    if word.has_expansion {
        // `-ldflags="$LDFLAGS"`: the ARG default. Otherwise the variables sit inside a
        // double-quoted value (`"-X main.v=$V"`), where appended words stay literal.
        let value = flag.value.as_deref()?;
        if let Some(fix) = fix_variable_value(ctx, build, value, missing, title.clone()) {
            return Some(fix);
        }
        let bare = value.starts_with('$') && !value.contains(' ');
        if bare || !ctx.slice(word.range).ends_with('"') {
            return None;
        }
    }
    let value_start = if flag.name_word == flag.value_word {
        ctx.slice(word.range).find('=')? + 1
    } else {
        0
    };
    let edit = append_to_value(ctx, word.range, value_start, missing)?;
    Some(Fix::new(title, Applicability::Safe, vec![edit]))
}

/// `-ldflags="$LDFLAGS"` with `ARG LDFLAGS="..."` or `ENV LDFLAGS="..."`: add the flags to the
/// value the variable is given.
fn fix_variable_value(
    ctx: &Context,
    build: &GoBuild,
    value: &str,
    missing: &str,
    title: String,
) -> Option<Fix> {
    let name = bare_variable(value)?;
    let var = build.env.get(name)?;
    let origin = var.origin?;
    let declared = ctx.slice(origin);
    // Only an `ARG NAME=default` word written on one line.
    if !declared.starts_with(name) || declared.contains('\n') {
        return None;
    }
    let eq = declared.find('=')?;
    if eq != name.len() {
        return None;
    }
    let edit = append_to_value(ctx, origin, eq + 1, missing)?;
    Some(Fix::new(
        if var.from_env {
            format!("{title} (in the value of `{name}`)")
        } else {
            format!("{title} (in the default of `{name}`)")
        },
        Applicability::Safe,
        vec![edit],
    ))
}

/// Appends ` -s -w` to the value that starts `value_start` bytes into the word at `range`,
/// keeping its quotes: inside a closing quote, or by quoting an unquoted value.
fn append_to_value(
    ctx: &Context,
    range: crate::source::TextRange,
    value_start: usize,
    missing: &str,
) -> Option<Edit> {
    let raw = ctx.slice(range);
    let value_raw = &raw[value_start..];
    if raw.ends_with(['"', '\'']) && value_raw.len() >= 2 {
        let inner_empty = value_raw.len() == 2 && value_raw.starts_with(['"', '\'']);
        let text = if inner_empty {
            missing.to_string()
        } else {
            format!(" {missing}")
        };
        return Some(Edit::insert(range.end - 1, text));
    }
    if value_raw.contains(['\\', '"', '\'', '$', '`']) {
        return None;
    }
    let replacement = if value_raw.is_empty() {
        format!("\"{missing}\"")
    } else {
        format!("\"{value_raw} {missing}\"")
    };
    Some(Edit::replace(
        crate::source::TextRange::new(range.start + value_start, range.end),
        replacement,
    ))
}

/// Where the variable that holds a build's whole `-ldflags` value is set (`-ldflags "$LDFLAGS"`
/// with `ENV LDFLAGS=...`), with its name.
fn ldflags_variable(build: &GoBuild) -> Option<(&str, crate::source::TextRange)> {
    let name = bare_variable(build.ldflags()?.value.as_deref()?)?;
    Some((name, build.env.get(name)?.origin?))
}

/// Words with which a comment explains keeping the symbols.
const TOPICS: &[&str] = &["symbols", "symbol table", "debug info", "dwarf", "strip", "stripped"];

/// The same RUN builds the same packages again, stripped, to another output: the file makes
/// variants side by side (normal, PIE, stripped), and this one is unstripped on purpose.
fn stripped_beside(ctx: &Context, build: &GoBuild) -> bool {
    let packages: Vec<&str> = build.packages().collect();
    ctx.model.go_builds.iter().any(|other| {
        other.index != build.index
            && other.instruction == build.instruction
            && (other.output.is_none() || other.output != build.output)
            && other.packages().eq(packages.iter().copied())
            && other.ldflags().is_some()
            && {
                let mut found = Vec::new();
                check_build(ctx, other, &mut found);
                found.is_empty()
            }
    })
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // An export-only final stage is an artifact for the host, not an image.
    if ctx.model.final_is_export_only() {
        return;
    }
    // A file with a debug target (a stage that starts Delve on the binary) needs the symbols.
    if ctx.model.has_debug_target() {
        return;
    }
    // Binaries copied onto a Go toolchain image on purpose: the image is Go's size, and a
    // stripped binary changes nothing of it.
    if ctx.model.final_keeps_go() {
        return;
    }
    // Race and debugger builds keep their symbols on purpose; so does a build whose comment
    // says why ("keep the symbols for the profiler").
    // Builds that take their flags from one variable share one problem and one fix (the
    // variable's value): the first such build reports it, the others are its labels.
    let mut reported_variables: Vec<(crate::source::TextRange, usize)> = Vec::new();
    let mut per_run = PerRun::per_instruction();
    // A tool that only a copy of all of `/go/bin` carries along is not what the image ships:
    // not copying it is the point there, not its size.
    for build in ctx
        .model
        .shipped_builds()
        // A plugin is loaded by a program that must match it: stripping is not this rule's
        // call there.
        .filter(|b| !b.is_test_or_debug() && !b.builds_plugin() && !ctx.model.ships_by_the_way(b))
    {
        let mut found = Vec::new();
        check_build(ctx, build, &mut found);
        if found.is_empty()
            || ctx.model.explained_here(build.instruction, TOPICS).is_some()
            || stripped_beside(ctx, build)
            || ctx.model.stripped_after(build)
        {
            continue;
        }
        if per_run.folded(
            out,
            build.instruction,
            &mut found[0],
            build.go_range,
            "this build is not fully stripped either",
        ) {
            continue;
        }
        // Builds whose `-ldflags` all come from one GOFLAGS setting share its one problem.
        let goflags_origin = build
            .goflags_origin
            .filter(|_| build.ldflags().is_some_and(|f| f.value_word.is_none()));
        if let Some(origin) = goflags_origin {
            if let Some(&(_, first)) = reported_variables.iter().find(|(o, _)| *o == origin) {
                // One fix for all: each build's edit joins the first's, or none is offered.
                let mut folded = out[first]
                    .clone()
                    .with_label(build.go_range, "also built with these GOFLAGS");
                folded.fix = match (folded.fix.take(), found.pop().and_then(|d| d.fix)) {
                    (Some(mut all), Some(this)) => {
                        all.edits.extend(this.edits);
                        Some(all)
                    }
                    _ => None,
                };
                out[first] = folded;
                continue;
            }
            reported_variables.push((origin, out.len()));
        } else if let Some((name, origin)) = ldflags_variable(build) {
            if let Some(&(_, first)) = reported_variables.iter().find(|(o, _)| *o == origin) {
                out[first] = out[first]
                    .clone()
                    .with_label(build.go_range, format!("also built with `${name}`"));
                continue;
            }
            reported_variables.push((origin, out.len()));
            found[0] = found[0]
                .clone()
                .with_label(origin, format!("`{name}` is set here"));
        }
        out.extend(found);
    }
}

/// The word is one variable's expansion and nothing else (`$FLAGS`, `${LD_FLAGS}`).
fn is_one_variable(word: &str) -> bool {
    let name = match word.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}'),
        None => word.strip_prefix('$'),
    };
    name.is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// The whole `-ldflags` value is one build argument the file declares empty (`ARG LDFLAGS=""`):
/// it leaves the flags to whoever builds (a Makefile's `--build-arg LDFLAGS=...`), and a default
/// written here would not reach that build. A default with flags of its own that a build
/// configuration replaces is still read: an override that drops `-s -w` unstrips that build.
fn flags_left_to_the_build(ctx: &Context, build: &GoBuild, raw: &str) -> bool {
    let Some(name) = bare_variable(raw.trim().trim_matches(['"', '\''])) else {
        return false;
    };
    let Some(var) = build.env.get(name).filter(|v| !v.from_env) else {
        return false;
    };
    let Some(declared) = var.origin.and_then(|r| ctx.text.get(r.start..r.end)) else {
        return false;
    };
    let Some((_, default)) = declared.split_once('=') else {
        return false;
    };
    default.trim_matches(['"', '\'']).is_empty()
}
