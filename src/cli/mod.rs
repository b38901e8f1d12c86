//! Command-line interface: argument parsing (clap) and dispatch. `run` takes its input and
//! output streams as arguments so tests can drive it without a process.

mod document;
mod files;
pub mod generate;
mod lint;
mod repo;
mod settings;

use std::ffi::OsString;
use std::fmt;
use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::config::ConfigError;
use crate::fix::FixMode;
use crate::output::{self, OutputError};
use crate::rules::{FixAvailability, RULES};

pub use document::DocumentResolver;
use files::{Targets, collect_targets};
use lint::{Resolver, lint_batch, lint_streaming, show_models};
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
    /// GitLab Code Quality JSON, for `artifacts: reports: codequality`.
    Gitlab,
    /// Checkstyle XML, for reviewdog (`-f=checkstyle`) and Jenkins warnings-ng.
    Checkstyle,
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

    /// Do not read how the repository builds its images (GitHub workflows, bake, compose,
    /// Makefiles and scripts, GoReleaser, Tilt, DevSpace): each file is linted on its own, with its own
    /// directory as the build context.
    #[arg(long)]
    pub no_build_config: bool,

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

/// Why a run stops with exit code 2. Its message follows `gopherlint: ` on standard error.
#[derive(Debug)]
pub enum CliError {
    /// A configuration file or a flag value is wrong.
    Config(ConfigError),
    /// `--explain` names no rule.
    UnknownRule(String),
    /// `--init` could not write its file.
    Init(String),
    /// Files that could not be read, linted or fixed (the others were), one message each.
    Files(Vec<String>),
    /// The output could not be serialised.
    Output(OutputError),
    /// The output could not be written.
    Write(std::io::Error),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Config(error) => f.write_str(&error.0),
            CliError::UnknownRule(name) => write!(
                f,
                "unknown rule `{name}`: `gopherlint --list-rules` lists them"
            ),
            CliError::Init(message) => f.write_str(message),
            CliError::Files(messages) => f.write_str(&messages.join("\ngopherlint: ")),
            CliError::Output(error) => write!(f, "{error}"),
            CliError::Write(error) => write!(f, "cannot write output: {error}"),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(error: ConfigError) -> CliError {
        CliError::Config(error)
    }
}

impl From<OutputError> for CliError {
    fn from(error: OutputError) -> CliError {
        CliError::Output(error)
    }
}

/// Writes output text, or says why it could not.
pub(crate) fn write_out(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes()).map_err(CliError::Write)
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
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.stdout_is_terminal && !io.no_color,
    };
    match execute(&cli, io.stdin, io.stdout, io.stderr, color) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(io.stderr, "gopherlint: {error}");
            EXIT_ERROR
        }
    }
}

/// The output format the flags ask for (`color` for human output, resolved once).
fn output_format(cli: &Cli, color: bool) -> output::Format {
    match cli.format {
        Format::Human => output::Format::Human { color },
        Format::Json => output::Format::Json,
        Format::Sarif => output::Format::Sarif,
        Format::Github => output::Format::Github,
        Format::Compact => output::Format::Compact,
        Format::Gitlab => output::Format::Gitlab,
        Format::Checkstyle => output::Format::Checkstyle,
    }
}

/// Where the files to lint are: the path arguments (`.` when there are none), with standard
/// input standing for the name it is reported under.
fn repo_hints(cli: &Cli) -> Vec<PathBuf> {
    if cli.paths.is_empty() {
        return vec![PathBuf::from(".")];
    }
    cli.paths
        .iter()
        .filter_map(|path| {
            if path.as_os_str() == "-" {
                cli.stdin_filename.as_ref().map(PathBuf::from)
            } else {
                Some(path.clone())
            }
        })
        .collect()
}

fn execute(
    cli: &Cli,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    color: bool,
) -> Result<u8, CliError> {
    if let Some(name) = &cli.explain {
        let rule =
            crate::rules::find(name).ok_or_else(|| CliError::UnknownRule(name.to_string()))?;
        write_out(stdout, rule.doc)?;
        return Ok(EXIT_OK);
    }
    if cli.list_rules {
        write_out(stdout, &rules_table())?;
        return Ok(EXIT_OK);
    }
    if cli.init {
        init().map_err(CliError::Init)?;
        write_out(stdout, "Wrote gopherlint.toml\n")?;
        return Ok(EXIT_OK);
    }
    let flags = FlagSettings::from_cli(cli)?;
    // A directory argument at a repository's root is searched whole (unless --exclude leaves
    // parts out): that search hands over the compose files it sees.
    let mut repos = repo::RepoResolver::new(
        !cli.no_build_config,
        &repo_hints(cli),
        cli.exclude.is_empty(),
    );
    let Targets {
        targets,
        errors,
        warnings,
        searched,
    } = collect_targets(cli)?;
    for (dir, compose_files) in &searched {
        repos.searched(dir, compose_files);
    }
    for warning in warnings {
        let _ = writeln!(stderr, "gopherlint: warning: {warning}");
    }
    let mut configs = ConfigResolver::new(cli)?;
    let mut contexts = ContextResolver::new(cli.context.clone());
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
        configs.for_dir(&lint::config_dir(cli, target))?;
    }
    let mut resolver = Resolver {
        cli,
        configs: &mut configs,
        contexts: &mut contexts,
        repos: &mut repos,
        stdin,
    };
    let format = output_format(cli, color);
    if cli.show_model {
        return show_models(targets, &mut resolver, &flags, stdout, errors);
    }
    if cli.fix || cli.diff {
        let mode = if cli.unsafe_fixes {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        };
        return lint_batch(
            targets,
            &mut resolver,
            &flags,
            (format, mode),
            stdout,
            stderr,
            errors,
        );
    }
    lint_streaming(
        targets,
        &mut resolver,
        &flags,
        format,
        (stdout, stderr),
        errors,
    )
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
