//! The `gopherlint` binary: parses nothing itself, only connects `cli::run` (or, for
//! `gopherlint server`, the language server, and for `gopherlint generate`, the generator's
//! command line) to the process.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `gopherlint server` is the language server; a file named `server` is `./server`.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "server") {
        // Editors' generic clients often pass `--stdio`, the only transport there is.
        let rest: Vec<_> = args[2..].iter().filter(|a| *a != "--stdio").collect();
        if !rest.is_empty() {
            eprintln!(
                "gopherlint: `gopherlint server` takes no arguments (to lint a file named `server`, write `gopherlint ./server`)"
            );
            return ExitCode::from(2);
        }
        return ExitCode::from(gopherlint::server::run());
    }
    // `gopherlint generate` writes a Dockerfile; a file named `generate` is `./generate`.
    if args.get(1).is_some_and(|a| a == "generate") {
        let rest = args[2..].to_vec();
        return with_process_io(|io| gopherlint::cli::generate::run(rest, io));
    }
    with_process_io(|io| gopherlint::cli::run(std::env::args_os(), io))
}

/// Runs `command` on the process's standard streams.
fn with_process_io(command: impl FnOnce(gopherlint::cli::Io) -> u8) -> ExitCode {
    let stdout = std::io::stdout();
    let code = command(gopherlint::cli::Io {
        stdin: &mut std::io::stdin().lock(),
        stdout: &mut stdout.lock(),
        // Not locked for the run: the thread that reads the repository's configurations
        // may write to it (a panic message), and the main thread waits for that thread.
        stderr: &mut std::io::stderr(),
        stdout_is_terminal: stdout.is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    });
    ExitCode::from(code)
}
