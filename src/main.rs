//! The `gopherlint` binary: parses nothing itself, only connects `cli::run` to the process.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let code = gopherlint::cli::run(
        std::env::args_os(),
        gopherlint::cli::Io {
            stdin: &mut std::io::stdin().lock(),
            stdout: &mut stdout.lock(),
            stderr: &mut std::io::stderr().lock(),
            stdout_is_terminal: stdout.is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        },
    );
    ExitCode::from(code)
}
