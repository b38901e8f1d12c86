//! `gopherlint generate [MODULE_DIR]`: its arguments (clap) and its output. The work is the
//! library's (`crate::generate`).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use super::{EXIT_ERROR, EXIT_OK, Io};
use crate::generate::{self, Base, GenerateError, Options};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BaseArg {
    /// Nothing but the binary, the CA bundle and the embedded time zone database.
    Scratch,
    /// distroless static (distroless cc for a program that uses cgo), as user nonroot.
    Distroless,
    /// Chainguard's static image.
    Chainguard,
}

/// Write the Dockerfile for the Go module in MODULE_DIR (and a .dockerignore when its build
/// context has none): a multi-stage build of its main package, with cgo off and symbols
/// stripped, shipped on scratch as a non-root user. The file is linted before it is written.
#[derive(Debug, Parser)]
#[command(name = "gopherlint generate", version, max_term_width = 100)]
struct GenerateCli {
    /// The module's folder (the one with go.mod, or go.work).
    #[arg(value_name = "MODULE_DIR", default_value = ".")]
    module_dir: PathBuf,

    /// The main package to build, when the module has several (`./cmd/api`, or its import
    /// path).
    #[arg(long = "main", value_name = "PKG")]
    main_package: Option<String>,

    /// The final image's base (default: scratch; distroless cc for a program that uses cgo).
    #[arg(long, value_enum, value_name = "BASE")]
    base: Option<BaseArg>,

    /// A port the program listens on, to EXPOSE (1 to 65535).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    port: Option<String>,

    /// Replace an existing Dockerfile (a .dockerignore is never replaced).
    #[arg(long)]
    force: bool,

    /// Print the Dockerfile to standard output and write nothing.
    #[arg(long)]
    stdout: bool,
}

/// The port `--port` names, or why it is none.
fn port(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u32>() {
        Ok(port @ 1..=65535) => u16::try_from(port).map_err(|e| e.to_string()),
        _ => Err(format!(
            "--port takes a TCP port from 1 to 65535, not `{text}`"
        )),
    }
}

/// Runs `gopherlint generate` with the arguments after `generate`, and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, io: Io) -> u8 {
    let args = std::iter::once(OsString::from("gopherlint generate")).chain(args);
    let cli = match GenerateCli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) if error.exit_code() == 0 => {
            let _ = io.stdout.write_all(error.render().to_string().as_bytes());
            return EXIT_OK;
        }
        Err(error) => {
            // One line, like every other error: clap's first, without its `error: `.
            let text = error.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let _ = writeln!(
                io.stderr,
                "gopherlint: {first} (`gopherlint generate --help`)"
            );
            return EXIT_ERROR;
        }
    };
    match execute(&cli, io.stdout, io.stderr) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            let _ = writeln!(io.stderr, "gopherlint: {message}");
            EXIT_ERROR
        }
    }
}

fn execute(
    cli: &GenerateCli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), String> {
    let port = cli.port.as_deref().map(port).transpose()?;
    let options = Options {
        module_dir: cli.module_dir.clone(),
        main: cli.main_package.clone(),
        base: cli.base.map(|b| match b {
            BaseArg::Scratch => Base::Scratch,
            BaseArg::Distroless => Base::Distroless,
            BaseArg::Chainguard => Base::Chainguard,
        }),
        port,
    };
    // An existing Dockerfile stops the run before any work, unless it is to be replaced or
    // nothing is written.
    let target = cli.module_dir.join(generate::DOCKERFILE);
    if !cli.stdout && !cli.force && target.exists() {
        return Err(GenerateError::Exists(target).to_string());
    }
    let generated = generate::generate(&options).map_err(|e| e.to_string())?;
    for note in &generated.notes {
        let _ = writeln!(stderr, "gopherlint: note: {note}");
    }
    if cli.stdout {
        if let Some((path, _)) = &generated.dockerignore {
            let _ = writeln!(
                stderr,
                "gopherlint: note: the build context has no .dockerignore; this file assumes the one `gopherlint generate` writes at `{}` without --stdout",
                path.display()
            );
        }
        return stdout
            .write_all(generated.dockerfile.as_bytes())
            .map_err(|e| format!("cannot write output: {e}"));
    }
    let written = generate::write(&generated, cli.force).map_err(|e| e.to_string())?;
    let plan = &generated.plan;
    let how = match &plan.cgo {
        None => format!("a static binary on {}", plan.final_base),
        Some(_) => format!("cgo on, on {}", plan.final_base),
    };
    let mut text = String::new();
    for path in &written {
        text.push_str(&format!("Wrote {}\n", path.display()));
    }
    text.push_str(&format!(
        "Builds `{}` with Go {}.{} ({how}): {}\n",
        plan.main.path, plan.go.major, plan.go.minor, plan.build_command
    ));
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write output: {e}"))
}
