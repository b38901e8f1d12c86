//! The files a run lints: path arguments searched into files, and each file read, linted and
//! (with --fix or --diff) fixed.

use std::path::{Component, PathBuf};

use super::Cli;
use crate::config::Threshold;
use crate::fix::{FixError, FixMode, fix, unified_diff, write_atomically};
use crate::output::FileReport;
use crate::{LintOptions, decode, lint_result};

pub(super) enum Target {
    Stdin,
    /// A file; `found` when a directory search found it (not named on the command line).
    File(PathBuf, bool),
}

pub(super) enum Input {
    /// A file, and whether a search found it: a found template is skipped, a named one gets
    /// a note on standard error.
    Path(PathBuf, bool),
    Bytes(String, Vec<u8>),
}

/// What the path arguments name.
pub(super) struct Targets {
    pub(super) targets: Vec<Target>,
    /// Problems that make the run exit 2 (the other files are still linted).
    pub(super) errors: Vec<String>,
    /// Printed; no effect on the exit code.
    pub(super) warnings: Vec<String>,
    /// Each directory searched, with the compose files seen in it.
    pub(super) searched: Vec<(PathBuf, Vec<PathBuf>)>,
}

/// Path arguments as files, in the order of the output (by path; standard input by the name it
/// is reported under) with each file once: directories are searched, explicit files are always
/// taken.
pub(super) fn collect_targets(cli: &Cli) -> Result<Targets, crate::config::ConfigError> {
    let excludes = crate::discover::build_excludes(&cli.exclude)?;
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut searched = Vec::new();
    let default = [PathBuf::from(".")];
    let paths: &[PathBuf] = if cli.paths.is_empty() {
        &default
    } else {
        &cli.paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
        } else if path.is_dir() {
            let found = crate::discover::walk(path, &excludes);
            errors.extend(found.errors);
            if found.dockerfiles.is_empty() {
                warnings.push(format!("no Dockerfiles found in `{}`", path.display()));
            }
            targets.extend(
                found
                    .dockerfiles
                    .into_iter()
                    .map(|file| Target::File(clean(file), true)),
            );
            searched.push((path.clone(), found.compose_files));
        } else {
            targets.push(Target::File(clean(path.clone()), false));
        }
    }
    // Sorted and deduplicated in place: a tree of many thousands of files is held once, with
    // no second copy of its paths.
    let stdin_name = cli.stdin_filename.as_deref().unwrap_or("-");
    targets.sort_by(|a, b| sort_key(a, stdin_name).cmp(sort_key(b, stdin_name)));
    // A file both named and found is a named one.
    targets.dedup_by(|a, b| match (a, b) {
        (Target::File(a, a_found), Target::File(b, b_found)) if a == b => {
            *b_found &= *a_found;
            true
        }
        _ => false,
    });
    Ok(Targets {
        targets,
        errors,
        searched,
        warnings,
    })
}

/// The bytes a target is ordered by: its path as reported.
fn sort_key<'a>(target: &'a Target, stdin_name: &'a str) -> &'a [u8] {
    match target {
        Target::File(path, _) => path.as_os_str().as_encoded_bytes(),
        Target::Stdin => stdin_name.as_bytes(),
    }
}

/// `./a/Dockerfile` → `a/Dockerfile`, `a//b/./Dockerfile` → `a/b/Dockerfile`: one spelling
/// per file, for display, sorting and listing each file once.
fn clean(path: PathBuf) -> PathBuf {
    let normal: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if normal.as_os_str().is_empty() {
        path
    } else {
        normal
    }
}

/// One file's results.
pub(super) struct Linted {
    pub(super) report: FileReport,
    pub(super) threshold: Threshold,
    /// Fixes applied (and written, with --fix).
    pub(super) applied: usize,
    /// With --diff: the diff of the fixes.
    pub(super) diff: Option<String>,
    /// With --fix on standard input: the fixed text.
    pub(super) stdin_fixed: Option<String>,
    /// Why the file was not fixed.
    pub(super) fix_problem: Option<String>,
    /// Not a Dockerfile (a template, an excerpt, a document): it is left out of the report.
    pub(super) skipped: bool,
    /// Why a file named on the command line was not linted, for standard error.
    pub(super) not_linted: Option<String>,
}

pub(super) fn lint_one(
    input: Input,
    options: &LintOptions,
    threshold: Threshold,
    fixing: Option<FixMode>,
    write_fixes: bool,
) -> Result<Linted, String> {
    let found = matches!(input, Input::Path(_, true));
    let (display, bytes, path) = match input {
        Input::Bytes(name, bytes) => (name, bytes, None),
        Input::Path(path, _) => {
            let display = path.to_string_lossy().into_owned();
            match std::fs::read(&path) {
                Ok(bytes) => (display, bytes, Some(path)),
                Err(_) if path.is_dir() => {
                    return Err(format!("`{display}` is a directory, not a Dockerfile"));
                }
                Err(e) => return Err(format!("cannot read `{display}`: {}", io_reason(&e))),
            }
        }
    };
    let decoded = decode(bytes);
    let mut diagnostics: Vec<_> = decoded
        .problem
        .clone()
        .into_iter()
        .filter(|d| options.is_enabled(d.rule))
        .collect();
    let mut linted = Linted {
        report: FileReport {
            path: display.clone(),
            text: String::new(),
            diagnostics: Vec::new(),
            class: None,
        },
        threshold,
        applied: 0,
        diff: None,
        stdin_fixed: None,
        fix_problem: None,
        skipped: false,
        not_linted: None,
    };
    // A search skips templates, excerpts and prose (by name it never finds them; by content, here,
    // where the file is read once anyway).
    if found
        && (crate::discover::is_template_text(&decoded.text)
            || crate::discover::stand_in_line(&decoded.text).is_some()
            || crate::discover::prose_start(&decoded.text).is_some())
    {
        linted.skipped = true;
        return Ok(linted);
    }
    let mut text = decoded.text;
    if !decoded.binary {
        let mut found = None;
        if let Some(mode) = fixing {
            if decoded.problem.is_some() {
                linted.fix_problem = Some(format!(
                    "{display}: not fixed: the file is not valid UTF-8 text"
                ));
            } else {
                match fix(&text, options, mode) {
                    Ok(outcome) => {
                        if outcome.text != text {
                            if !write_fixes {
                                linted.diff = Some(unified_diff(&display, &text, &outcome.text));
                            } else if let Some(path) = &path {
                                write_atomically(path, &outcome.text)
                                    .map_err(|e| format!("cannot write `{display}`: {e}"))?;
                            }
                            linted.applied = outcome.applied;
                            text = outcome.text;
                        }
                        found = Some(outcome.remaining);
                    }
                    Err(FixError::Model(e)) => return Err(format!("{display}: {e}")),
                    Err(FixError::ParseErrors) => {
                        linted.fix_problem = Some(format!("{display}: {}", FixError::ParseErrors));
                    }
                    Err(problem) => {
                        return Err(format!("{display}: {problem}"));
                    }
                }
                if write_fixes && path.is_none() {
                    linted.stdin_fixed = Some(text.clone());
                }
            }
        }
        // The class is read from the text as it is now (after fixes, if any).
        let result = lint_result(&text, options).map_err(|e| format!("{display}: {e}"))?;
        if let Some(reason) = result.not_linted {
            linted.skipped = true;
            linted.not_linted = Some(format!("{display}: not linted: {reason}"));
            return Ok(linted);
        }
        linted.report.class = Some(result.class);
        diagnostics.extend(found.unwrap_or(result.diagnostics));
    }
    crate::sort(&mut diagnostics);
    linted.report.text = text;
    linted.report.diagnostics = diagnostics;
    Ok(linted)
}

/// The OS error without Rust's "(os error 2)" suffix.
fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
