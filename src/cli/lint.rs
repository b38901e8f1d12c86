//! Running a lint: each target resolved into a job (its input, config and build context),
//! linted in parallel, and written. Three ways: streaming findings (the default), fixing or
//! diffing (`--fix`, `--diff`), and `--show-model`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::files::{Input, Linted, Target, lint_one};
use super::settings::{ConfigResolver, ContextResolver, FlagSettings};
use super::{Cli, CliError, EXIT_FINDINGS, EXIT_OK, write_out};
use crate::context::BuildContext;
use crate::fix::FixMode;
use crate::output::{self, FileReport, OutputStream};

/// A file to lint with its config and build context.
pub(super) struct Job {
    input: Input,
    config: Arc<crate::config::Config>,
    /// The path as named (standard input: the name it is reported under).
    file_path: Option<PathBuf>,
    /// The path from the repository root, when the file is in a repository: what the
    /// conventions read, wherever gopherlint is run from.
    repo_path: Option<PathBuf>,
    context: Option<Arc<crate::context::BuildContext>>,
    build: Option<Arc<crate::repository::Chosen>>,
    run_docs: Option<Arc<crate::repository::RunDocs>>,
    repo_wide: Option<Arc<crate::repository::RepoWide>>,
    nested_project: Option<PathBuf>,
}

impl Job {
    /// The file's input, config and lint options. The conventions (`docs/`, `test/`,
    /// `Dockerfile.debug`) read the path from the repository root when there is one: `cd
    /// docs/tutorial && gopherlint Dockerfile` lints a tutorial image, and the folders above
    /// the repository say nothing of it.
    pub(super) fn into_parts(
        self,
        flags: &FlagSettings,
    ) -> (Input, Arc<crate::config::Config>, crate::LintOptions) {
        let mut options = flags.options(
            &self.config,
            self.file_path.as_deref(),
            self.context,
            self.build,
        );
        if let Some(path) = self.repo_path {
            options.path = Some(path.to_string_lossy().into_owned());
        }
        options.run_docs = self.run_docs;
        options.repo_wide = self.repo_wide;
        options.nested_project = self
            .nested_project
            .map(|p| p.to_string_lossy().into_owned());
        (self.input, self.config, options)
    }
}

/// The directory whose config applies to a target.
pub(super) fn config_dir(cli: &Cli, target: &Target) -> PathBuf {
    match target {
        Target::Stdin => cli
            .stdin_filename
            .as_deref()
            .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        Target::File(path, _) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    }
}

/// Turns targets into jobs: config, build context and input for each.
pub(super) struct Resolver<'a> {
    pub(super) cli: &'a Cli,
    pub(super) configs: &'a mut ConfigResolver,
    pub(super) contexts: &'a mut ContextResolver,
    pub(super) repos: &'a mut super::repo::RepoResolver,
    pub(super) stdin: &'a mut dyn Read,
}

impl Resolver<'_> {
    /// The job for a target; the inner error is a problem with that file (the run goes on), the
    /// outer one a config error (the run stops).
    pub(super) fn job(&mut self, target: Target) -> Result<Result<Job, String>, CliError> {
        let cli = self.cli;
        let config = self.configs.for_dir(&config_dir(cli, &target))?;
        let file_path = match &target {
            Target::Stdin => cli.stdin_filename.as_ref().map(PathBuf::from),
            Target::File(path, _) => Some(path.clone()),
        };
        let input = match target {
            Target::Stdin => {
                let mut bytes = Vec::new();
                if let Err(e) = self.stdin.read_to_end(&mut bytes) {
                    return Ok(Err(format!("cannot read standard input: {e}")));
                }
                Input::Bytes(
                    cli.stdin_filename.clone().unwrap_or_else(|| "-".into()),
                    bytes,
                )
            }
            Target::File(path, found) => Input::Path(path, found),
        };
        let in_repo = self.repos.for_file(file_path.as_deref());
        let build_context = in_repo.as_ref().and_then(|found| {
            // A file nothing builds (known only through its release twin) has no context
            // from the repository.
            let chosen = found.build.as_ref().filter(|b| b.builds > 0)?;
            Some(
                chosen
                    .context_dir()
                    .map(|d| super::repo::relative_to_cwd(&found.root.join(d))),
            )
        });
        let build_named = build_context.is_some();
        // Nothing in the repository says how it is built: the folder its COPY sources are in.
        // The file itself says so, so `--no-build-config` keeps it.
        let build_context = build_context.or_else(|| {
            let found = in_repo.as_ref()?;
            let file = file_path.as_deref()?;
            let text = match &input {
                Input::Path(path, _) => std::fs::read_to_string(path).ok()?,
                Input::Bytes(_, bytes) => String::from_utf8_lossy(bytes).into_owned(),
            };
            crate::context::infer::context_from_sources(file, &text, &found.root)
                .map(|dir| Some(super::repo::relative_to_cwd(&dir)))
        });
        let context =
            self.contexts
                .for_file(&config, file_path.as_deref(), build_context, build_named);
        // Built from the Git checkout BuildKit fetches, the context has the repository's
        // files but not its `.git`.
        let from_checkout = in_repo
            .as_ref()
            .and_then(|found| found.build.as_ref())
            .is_some_and(|b| b.builds > 0 && b.git_checkout);
        let context = match context {
            Some(c) if from_checkout && c.git => Some(Arc::new(BuildContext {
                git: false,
                ..(*c).clone()
            })),
            other => other,
        };
        let (repo_path, build, run_docs, repo_wide, nested_project) = match in_repo {
            Some(found) => (
                Some(found.relative),
                found.build,
                found.run_docs,
                found.repo_wide,
                found.nested_project,
            ),
            None => (None, None, None, None, None),
        };
        Ok(Ok(Job {
            input,
            config,
            file_path,
            repo_path,
            context,
            build,
            run_docs,
            repo_wide,
            nested_project,
        }))
    }

    /// Jobs for every target, with the problems of those that have none.
    fn jobs(
        &mut self,
        targets: impl IntoIterator<Item = Target>,
        errors: &mut Vec<String>,
    ) -> Result<Vec<Job>, CliError> {
        let mut jobs = Vec::new();
        for target in targets {
            match self.job(target)? {
                Ok(job) => jobs.push(job),
                Err(message) => errors.push(message),
            }
        }
        Ok(jobs)
    }
}

/// Lints one job with its file's settings.
fn lint_job(
    job: Job,
    flags: &FlagSettings,
    fixing: Option<FixMode>,
    write_fixes: bool,
) -> Result<Linted, String> {
    let (input, config, options) = job.into_parts(flags);
    lint_one(
        input,
        &options,
        flags.threshold(&config),
        fixing,
        write_fixes,
    )
}

/// The exit code once everything is written: per-file problems stop with 2.
fn outcome(fails: bool, errors: Vec<String>) -> Result<u8, CliError> {
    if !errors.is_empty() {
        return Err(CliError::Files(errors));
    }
    Ok(if fails { EXIT_FINDINGS } else { EXIT_OK })
}

/// Files linted at a time: enough to keep every core busy, few enough that memory does not
/// grow with the number of files.
const WINDOW_PER_THREAD: usize = 32;

/// A file linted for the stream: whether it fails the run, and its output.
struct Streamed {
    fails: bool,
    rendered: Result<output::RenderedFile, output::OutputError>,
}

/// A file's part in the stream: its output, or why it was not linted (or nothing, for a
/// template a search found).
enum StreamPart {
    Linted(Streamed),
    NotLinted(Option<String>),
}

/// Lints without fixing: files in path order (`targets` come in the order of the output),
/// linted in parallel a window at a time, each window's output written before the next is
/// linted.
pub(super) fn lint_streaming(
    targets: Vec<Target>,
    resolver: &mut Resolver,
    flags: &FlagSettings,
    format: output::Format,
    (stdout, stderr): (&mut dyn Write, &mut dyn Write),
    mut errors: Vec<String>,
) -> Result<u8, CliError> {
    let mut stream = OutputStream::new(format)?;
    let window = rayon::current_num_threads().max(1) * WINDOW_PER_THREAD;
    let mut targets = targets.into_iter();
    let (mut fails, mut linted) = (false, 0usize);
    loop {
        // Settings and contexts are resolved a window at a time, from caches filled once.
        let chunk = resolver.jobs(targets.by_ref().take(window), &mut errors)?;
        if chunk.is_empty() && targets.len() == 0 {
            break;
        }
        // Each file's output is rendered, and its report dropped, on the thread that linted it.
        let results: Vec<Result<StreamPart, String>> = chunk
            .into_par_iter()
            .map(|job| {
                let done = lint_job(job, flags, None, false)?;
                if done.skipped {
                    return Ok(StreamPart::NotLinted(done.not_linted));
                }
                let fails = done
                    .report
                    .diagnostics
                    .iter()
                    .any(|d| done.threshold.fails(d.severity));
                Ok(StreamPart::Linted(Streamed {
                    fails,
                    rendered: output::render_file(format, &done.report),
                }))
            })
            .collect();
        let mut text = String::new();
        for result in results {
            match result {
                Ok(StreamPart::NotLinted(note)) => {
                    if let Some(note) = note {
                        let _ = writeln!(stderr, "gopherlint: note: {note}");
                    }
                }
                Ok(StreamPart::Linted(done)) => {
                    linted += 1;
                    fails |= done.fails;
                    text.push_str(&stream.add(done.rendered?));
                }
                Err(message) => errors.push(message),
            }
        }
        write_out(stdout, &text)?;
    }
    stream
        .finish(linted == 0 && !errors.is_empty(), stdout)
        .map_err(CliError::Write)?;
    outcome(fails, errors)
}

/// `--fix` and `--diff`: every file linted and fixed, then the output (findings, or the diffs)
/// written in path order.
pub(super) fn lint_batch(
    targets: Vec<Target>,
    resolver: &mut Resolver,
    flags: &FlagSettings,
    (format, mode): (output::Format, FixMode),
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    mut errors: Vec<String>,
) -> Result<u8, CliError> {
    let cli = resolver.cli;
    let jobs = resolver.jobs(targets, &mut errors)?;
    let write_fixes = cli.fix;
    let results: Vec<Result<Linted, String>> = jobs
        .into_par_iter()
        .map(|job| lint_job(job, flags, Some(mode), write_fixes))
        .collect();
    let mut linted = Vec::new();
    for result in results {
        match result {
            Ok(done) if done.skipped => {
                if let Some(note) = &done.not_linted {
                    let _ = writeln!(stderr, "gopherlint: note: {note}");
                }
            }
            Ok(done) => linted.push(done),
            Err(message) => errors.push(message),
        }
    }
    linted.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    let fails = linted.iter().any(|l| {
        l.report
            .diagnostics
            .iter()
            .any(|d| l.threshold.fails(d.severity))
    });
    for note in linted.iter().filter_map(|l| l.fix_problem.as_ref()) {
        let _ = writeln!(stderr, "gopherlint: {note}");
    }
    if cli.diff {
        let diffs: String = linted.iter().filter_map(|l| l.diff.as_deref()).collect();
        write_out(stdout, &diffs)?;
        return outcome(!diffs.is_empty(), errors);
    }
    let stdin_fixed: Vec<&String> = linted
        .iter()
        .filter_map(|l| l.stdin_fixed.as_ref())
        .collect();
    let reports: Vec<FileReport> = linted.iter().map(|l| l.report.clone()).collect();
    if !reports.is_empty() || errors.is_empty() {
        let rendered = output::render(format, &reports)?;
        if stdin_fixed.is_empty() {
            write_out(stdout, &rendered)?;
        } else {
            // The fixed file goes to standard output; what remains goes to standard error.
            for text in stdin_fixed {
                write_out(stdout, text)?;
            }
            let _ = stderr.write_all(rendered.as_bytes());
        }
    }
    let applied: usize = linted.iter().map(|l| l.applied).sum();
    let files = linted.iter().filter(|l| l.applied > 0).count();
    let summary = format!(
        "Applied {applied} fix{} to {files} file{}.\n",
        if applied == 1 { "" } else { "es" },
        if files == 1 { "" } else { "s" }
    );
    let human = matches!(format, output::Format::Human { .. });
    if human && linted.iter().all(|l| l.stdin_fixed.is_none()) {
        write_out(stdout, &summary)?;
    } else {
        let _ = stderr.write_all(summary.as_bytes());
    }
    outcome(fails, errors)
}

/// `--show-model`: what gopherlint understood of each file, in path order.
pub(super) fn show_models(
    targets: Vec<Target>,
    resolver: &mut Resolver,
    flags: &FlagSettings,
    stdout: &mut dyn Write,
    mut errors: Vec<String>,
) -> Result<u8, CliError> {
    let mut jobs = resolver.jobs(targets, &mut errors)?;
    jobs.sort_by(|a, b| a.file_path.cmp(&b.file_path));
    let mut out = String::new();
    for job in jobs {
        let (input, _, options) = job.into_parts(flags);
        let (display, bytes) = match input {
            Input::Bytes(name, bytes) => (name, bytes),
            Input::Path(path, _) => match std::fs::read(&path) {
                Ok(bytes) => (path.display().to_string(), bytes),
                Err(e) => {
                    errors.push(format!("cannot read `{}`: {e}", path.display()));
                    continue;
                }
            },
        };
        let decoded = crate::decode(bytes);
        if decoded.binary {
            errors.push(format!(
                "`{display}` is not a Dockerfile: it holds binary data"
            ));
            continue;
        }
        match crate::show_model(&decoded.text, &options) {
            Ok(text) => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("# {display}\n{text}"));
            }
            Err(e) => errors.push(format!("{display}: {e}")),
        }
    }
    write_out(stdout, &out)?;
    outcome(false, errors)
}
