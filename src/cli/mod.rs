//! Command-line interface: argument parsing (clap) and dispatch. `run` takes its input and
//! output streams as arguments so tests can drive it without a process.

mod files;
mod settings;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use crate::fix::FixMode;
use crate::output::{
    FileReport, OutputStream, StreamFormat, render_compact, render_github, render_human,
    render_json, render_sarif,
};
use crate::rules::{FixAvailability, RULES};

use files::{Input, Linted, Target, Targets, collect_targets, lint_one};
use settings::{ConfigResolver, ContextResolver, FlagSettings, init};

/// Exit code: no finding at or above the failure threshold.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the failure threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, configuration or I/O error.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels, help and suggested fixes.
    Human,
    /// A versioned JSON document (see the README for the schema).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Compact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// Lint Dockerfiles that build Go services: multi-stage builds, a minimal final image,
/// stripped static binaries, a non-root user, CA certificates.
#[derive(Debug, Parser)]
#[command(name = "gopherlint", version, max_term_width = 100)]
pub struct Cli {
    /// Dockerfiles or directories to lint (default: the current directory); `-` reads standard
    /// input. Directories are searched for Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile...
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The path to report for a file read from standard input (also where its config is found).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// The stage that is shipped (as `docker build --target`); the last stage by default.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// The platform built for, as `docker build --platform` (default linux/amd64): what
    /// `$TARGETOS`, `$TARGETARCH` and the like resolve to.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// The build context, as `docker build -f FILE DIR`: where go.mod, go.work and
    /// .dockerignore are read (default: each Dockerfile's own directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Print what gopherlint understood of each file (stages, the shipped stage, the image
    /// class and why, every go build and whether it ships) instead of findings.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub show_model: bool,

    /// Turn these rules off (codes or names, comma-separated); added to the config's `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Run only these rules (codes or names, comma-separated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// The lowest severity that makes the run fail (exit 1): error, warning, info or none.
    #[arg(long, value_name = "LEVEL")]
    pub failure_threshold: Option<String>,

    /// Use this config file instead of searching for gopherlint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore config files.
    #[arg(long)]
    pub no_config: bool,

    /// Skip files and directories matching this glob when searching directories (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Disregard `# gopherlint ignore=...` comments (for audits).
    #[arg(long)]
    pub no_ignore_comments: bool,

    /// Apply safe fixes in place (for `-`, print the fixed file to standard output).
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff, apply unsafe fixes too (they may change behaviour: review them).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change, write nothing (exit 1 if it would).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// Print a rule's documentation (by code, e.g. GL003, or name) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Print the table of rules and exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Write a commented starter gopherlint.toml in the current directory and exit.
    #[arg(long)]
    pub init: bool,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The process's environment as `run` sees it.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Standard output is a terminal (for `--color auto`).
    pub stdout_is_terminal: bool,
    /// NO_COLOR is set.
    pub no_color: bool,
}

/// Runs gopherlint and returns its exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, io: Io) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = error.exit_code();
            let text = error.render().to_string();
            let stream: &mut dyn Write = if code == 0 { io.stdout } else { io.stderr };
            let _ = stream.write_all(text.as_bytes());
            return if code == 0 { EXIT_OK } else { EXIT_ERROR };
        }
    };
    let auto_color = io.stdout_is_terminal && !io.no_color;
    match execute(&cli, io.stdin, io.stdout, io.stderr, auto_color) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(io.stderr, "gopherlint: {message}");
            EXIT_ERROR
        }
    }
}

fn execute(
    cli: &Cli,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    auto_color: bool,
) -> Result<u8, String> {
    let write = |stdout: &mut dyn Write, text: &str| {
        stdout
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write output: {e}"))
    };
    if let Some(name) = &cli.explain {
        let rule = crate::rules::find(name).ok_or_else(|| {
            format!("unknown rule `{name}`: `gopherlint --list-rules` lists them")
        })?;
        write(stdout, rule.doc)?;
        return Ok(EXIT_OK);
    }
    if cli.list_rules {
        write(stdout, &rules_table())?;
        return Ok(EXIT_OK);
    }
    if cli.init {
        init()?;
        write(stdout, "Wrote gopherlint.toml\n")?;
        return Ok(EXIT_OK);
    }
    let flags = FlagSettings::from_cli(cli).map_err(|e| e.0)?;
    let Targets {
        targets,
        mut errors,
        warnings,
    } = collect_targets(cli)?;
    for warning in warnings {
        let _ = writeln!(stderr, "gopherlint: warning: {warning}");
    }
    let mut configs = ConfigResolver::new(cli).map_err(|e| e.0)?;
    let contexts = ContextResolver::new(cli.context.clone());
    if let Some(dir) = &cli.context
        && !dir.is_dir()
    {
        let _ = writeln!(
            stderr,
            "gopherlint: warning: the build context `{}` is not a directory: what it holds is unknown",
            dir.display()
        );
    }

    // Every file's config is found (and any config error reported) before anything is linted.
    for target in &targets {
        configs.for_dir(&config_dir(cli, target)).map_err(|e| e.0)?;
    }
    let streaming = !(cli.show_model || cli.fix || cli.diff);
    if streaming {
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color,
        };
        let mut resolver = Resolver {
            cli,
            configs,
            contexts,
            stdin,
        };
        return lint_streaming(cli, targets, &mut resolver, &flags, color, stdout, errors);
    }
    let mut resolver = Resolver {
        cli,
        configs,
        contexts,
        stdin,
    };
    let mut jobs = Vec::with_capacity(targets.len());
    for target in targets {
        match resolver.job(target)? {
            Ok(job) => jobs.push(job),
            Err(message) => errors.push(message),
        }
    }
    if cli.show_model {
        return show_models(jobs, &flags, stdout, errors);
    }
    let fixing = if cli.fix || cli.diff {
        Some(if cli.unsafe_fixes {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        })
    } else {
        None
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color,
    };
    let write_fixes = cli.fix;
    let results: Vec<Result<Linted, String>> = jobs
        .into_par_iter()
        .map(|job| lint_job(job, &flags, fixing, write_fixes))
        .collect();
    let mut linted = Vec::new();
    for result in results {
        match result {
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
        write(stdout, &diffs)?;
        if !errors.is_empty() {
            return Err(errors.join("\ngopherlint: "));
        }
        return Ok(if diffs.is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        });
    }
    let stdin_fixed: Vec<&String> = linted
        .iter()
        .filter_map(|l| l.stdin_fixed.as_ref())
        .collect();
    let reports: Vec<FileReport> = linted.iter().map(|l| l.report.clone()).collect();
    if !reports.is_empty() || errors.is_empty() {
        let rendered = match cli.format {
            Format::Human => render_human(&reports, color),
            Format::Json => render_json(&reports),
            Format::Sarif => render_sarif(&reports),
            Format::Github => render_github(&reports),
            Format::Compact => render_compact(&reports),
        };
        if stdin_fixed.is_empty() {
            write(stdout, &rendered)?;
        } else {
            // The fixed file goes to standard output; what remains goes to standard error.
            for text in stdin_fixed {
                write(stdout, text)?;
            }
            let _ = stderr.write_all(rendered.as_bytes());
        }
    }
    if cli.fix {
        let applied: usize = linted.iter().map(|l| l.applied).sum();
        let files = linted.iter().filter(|l| l.applied > 0).count();
        let summary = format!(
            "Applied {applied} fix{} to {files} file{}.\n",
            if applied == 1 { "" } else { "es" },
            if files == 1 { "" } else { "s" }
        );
        if cli.format == Format::Human && linted.iter().all(|l| l.stdin_fixed.is_none()) {
            write(stdout, &summary)?;
        } else {
            let _ = stderr.write_all(summary.as_bytes());
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\ngopherlint: "));
    }
    Ok(if fails { EXIT_FINDINGS } else { EXIT_OK })
}

/// Lints one job with its file's settings.
fn lint_job(
    (input, config, file_path, context): Job,
    flags: &FlagSettings,
    fixing: Option<FixMode>,
    write_fixes: bool,
) -> Result<Linted, String> {
    lint_one(
        input,
        &flags.options(&config, file_path.as_deref(), context),
        flags.threshold(&config),
        fixing,
        write_fixes,
    )
}

/// The directory whose config applies to a target.
fn config_dir(cli: &Cli, target: &Target) -> PathBuf {
    match target {
        Target::Stdin => cli
            .stdin_filename
            .as_deref()
            .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        Target::File(path) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    }
}

/// Turns targets into jobs: config, build context and input for each.
struct Resolver<'a> {
    cli: &'a Cli,
    configs: ConfigResolver,
    contexts: ContextResolver,
    stdin: &'a mut dyn Read,
}

impl Resolver<'_> {
    /// The job for a target; the inner error is a problem with that file (the run goes on), the
    /// outer one a config error (the run stops).
    fn job(&mut self, target: Target) -> Result<Result<Job, String>, String> {
        let cli = self.cli;
        let config = self
            .configs
            .for_dir(&config_dir(cli, &target))
            .map_err(|e| e.0)?;
        let file_path = match &target {
            Target::Stdin => cli.stdin_filename.as_ref().map(PathBuf::from),
            Target::File(path) => Some(path.clone()),
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
            Target::File(path) => Input::Path(path),
        };
        let context = self.contexts.for_file(&config, file_path.as_deref());
        Ok(Ok((input, config, file_path, context)))
    }
}

/// Files linted at a time: enough to keep every core busy, few enough that memory does not
/// grow with the number of files.
const WINDOW_PER_THREAD: usize = 32;

/// Lints without fixing: files in path order, linted in parallel a window at a time, each
/// window's output written before the next is linted.
fn lint_streaming(
    cli: &Cli,
    targets: Vec<Target>,
    resolver: &mut Resolver,
    flags: &FlagSettings,
    color: bool,
    stdout: &mut dyn Write,
    mut errors: Vec<String>,
) -> Result<u8, String> {
    // `targets` come in the order of the output (`collect_targets`).
    let format = match cli.format {
        Format::Human => StreamFormat::Human { color },
        Format::Json => StreamFormat::Json,
        Format::Sarif => StreamFormat::Sarif,
        Format::Github => StreamFormat::Github,
        Format::Compact => StreamFormat::Compact,
    };
    let mut stream = OutputStream::new(format);
    let window = rayon::current_num_threads().max(1) * WINDOW_PER_THREAD;
    let mut targets = targets.into_iter();
    let (mut fails, mut linted) = (false, 0usize);
    loop {
        // Settings and contexts are resolved a window at a time, from caches filled once.
        let mut chunk: Vec<Job> = Vec::with_capacity(window);
        for target in targets.by_ref().take(window) {
            match resolver.job(target)? {
                Ok(job) => chunk.push(job),
                Err(message) => errors.push(message),
            }
        }
        if chunk.is_empty() && targets.len() == 0 {
            break;
        }
        let results: Vec<Result<Linted, String>> = chunk
            .into_par_iter()
            .map(|job| lint_job(job, flags, None, false))
            .collect();
        let mut text = String::new();
        for result in results {
            match result {
                Ok(done) => {
                    linted += 1;
                    fails |= done
                        .report
                        .diagnostics
                        .iter()
                        .any(|d| done.threshold.fails(d.severity));
                    text.push_str(&stream.file(&done.report));
                }
                Err(message) => errors.push(message),
            }
        }
        stdout
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write output: {e}"))?;
    }
    stream
        .finish(linted == 0 && !errors.is_empty(), stdout)
        .map_err(|e| format!("cannot write output: {e}"))?;
    if !errors.is_empty() {
        return Err(errors.join("\ngopherlint: "));
    }
    Ok(if fails { EXIT_FINDINGS } else { EXIT_OK })
}

/// A file to lint with its config and build context.
type Job = (
    Input,
    Arc<crate::config::Config>,
    Option<PathBuf>,
    Option<Arc<crate::context::BuildContext>>,
);

/// `--show-model`: what gopherlint understood of each file, in path order.
fn show_models(
    mut jobs: Vec<Job>,
    flags: &FlagSettings,
    stdout: &mut dyn Write,
    mut errors: Vec<String>,
) -> Result<u8, String> {
    jobs.sort_by(|a, b| a.2.cmp(&b.2));
    let mut out = String::new();
    for (input, config, file_path, context) in jobs {
        let (display, bytes) = match input {
            Input::Bytes(name, bytes) => (name, bytes),
            Input::Path(path) => match std::fs::read(&path) {
                Ok(bytes) => (path.display().to_string(), bytes),
                Err(e) => {
                    errors.push(format!("cannot read `{}`: {e}", path.display()));
                    continue;
                }
            },
        };
        let decoded = crate::decode(&bytes);
        if decoded.binary {
            errors.push(format!(
                "`{display}` is not a Dockerfile: it holds binary data"
            ));
            continue;
        }
        let options = flags.options(&config, file_path.as_deref(), context);
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
    stdout
        .write_all(out.as_bytes())
        .map_err(|e| format!("cannot write output: {e}"))?;
    if errors.is_empty() {
        Ok(EXIT_OK)
    } else {
        Err(errors.join("\ngopherlint: "))
    }
}

/// The rule table printed by `--list-rules` (Markdown, also embedded in the README).
pub fn rules_table() -> String {
    let mut out = String::from(
        "| Code | Name | Severity | Fix | Image classes | Summary |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let fix = match rule.fix {
            FixAvailability::None => "-",
            other => other.as_str(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity,
            fix,
            rule.scope(),
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}
