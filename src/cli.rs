//! Command-line interface: argument parsing (clap) and dispatch. `run` takes its input and
//! output streams as arguments so tests can drive it without a process.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::diagnostic::Severity;
use crate::output::{FileReport, render_human, render_json, render_sarif};
use crate::rules::{FixAvailability, RULES};
use crate::{LintOptions, decode, lint};

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
    /// Dockerfiles to lint; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The path to report for a file read from standard input.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// The stage that is shipped (as `docker build --target`); the last stage by default.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Print a rule's documentation (by code, e.g. GL003, or name) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Print the table of rules and exit.
    #[arg(long)]
    pub list_rules: bool,

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
    match execute(
        &cli,
        io.stdin,
        io.stdout,
        io.stdout_is_terminal && !io.no_color,
    ) {
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
    if cli.paths.is_empty() {
        return Err("no Dockerfile given: run `gopherlint path/to/Dockerfile` (or `-` to read standard input)".into());
    }
    let options = LintOptions {
        target: cli.target.clone(),
        ..LintOptions::default()
    };
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for path in &cli.paths {
        let (display, bytes) = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            if let Err(e) = stdin.read_to_end(&mut bytes) {
                errors.push(format!("cannot read standard input: {e}"));
                continue;
            }
            (
                cli.stdin_filename.clone().unwrap_or_else(|| "-".into()),
                bytes,
            )
        } else {
            let display = path.to_string_lossy().into_owned();
            if path.is_dir() {
                errors.push(format!(
                    "`{display}` is a directory: give the path of a Dockerfile in it"
                ));
                continue;
            }
            match std::fs::read(path) {
                Ok(bytes) => (display, bytes),
                Err(e) => {
                    errors.push(format!("cannot read `{display}`: {}", io_reason(&e)));
                    continue;
                }
            }
        };
        let decoded = decode(&bytes);
        let mut diagnostics: Vec<_> = decoded.problem.into_iter().collect();
        if !decoded.binary {
            match lint(&decoded.text, &options) {
                Ok(found) => diagnostics.extend(found),
                Err(e) => {
                    errors.push(format!("{display}: {e}"));
                    continue;
                }
            }
        }
        crate::sort(&mut diagnostics);
        reports.push(FileReport {
            path: display,
            text: decoded.text,
            diagnostics,
        });
    }
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color,
    };
    if !reports.is_empty() || errors.is_empty() {
        let rendered = match cli.format {
            Format::Human => render_human(&reports, color),
            Format::Json => render_json(&reports),
            Format::Sarif => render_sarif(&reports),
        };
        write(stdout, &rendered)?;
    }
    if !errors.is_empty() {
        return Err(errors.join("\ngopherlint: "));
    }
    let failing = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= Severity::Warning);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

/// The OS error without Rust's "(os error 2)" suffix.
fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The rule table printed by `--list-rules` (Markdown, also embedded in the README).
pub fn rules_table() -> String {
    let mut out = String::from(
        "| Code | Name | Severity | Fix | Scope | Summary |\n|---|---|---|---|---|---|\n",
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
            if rule.go_scoped { "Go" } else { "all" },
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}
