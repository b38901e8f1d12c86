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
            // Not locked for the run: the thread that reads the repository's configurations
            // may write to it (a panic message), and the main thread waits for that thread.
            stderr: &mut std::io::stderr(),
            stdout_is_terminal: stdout.is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        },
    );
    ExitCode::from(code)
}
