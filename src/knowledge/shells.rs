//! Shells: which programs read a script as a POSIX shell does (`sh -c`, heredoc scripts,
//! shebangs, start commands), which make an image a Windows one, and which only wrap another
//! program to change its user.

/// POSIX shells and their common relatives, by program name (POSIX.1-2017 Shell Command
/// Language; bash, BusyBox ash, dash, zsh and ksh read `-c` scripts and heredocs the same way).
const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// The program name (no directory) is a POSIX shell.
pub fn is_posix_shell(program: &str) -> bool {
    POSIX_SHELLS.contains(&program)
}

/// A `SHELL` program that makes shell form run outside POSIX (PowerShell, cmd).
pub fn is_windows_shell(program: &str) -> bool {
    let name = program.rsplit(['/', '\\']).next().unwrap_or("");
    let name = name.to_ascii_lowercase();
    name.starts_with("powershell") || name.starts_with("pwsh") || name.starts_with("cmd")
}

/// A shebang line (`#!/bin/sh -e`, `#!/usr/bin/env bash`) names a POSIX shell.
pub fn shebang_is_posix(interpreter: &str) -> bool {
    interpreter.split([' ', '/']).any(is_posix_shell)
}

/// The shell shell-form commands run through unless `SHELL` says otherwise (BuildKit's
/// default on Linux).
pub const DEFAULT_SHELL: &str = "/bin/sh";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shells() {
        assert!(is_posix_shell("bash") && !is_posix_shell("python3"));
        assert!(is_windows_shell(
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
        ));
        assert!(is_windows_shell("cmd") && !is_windows_shell("/bin/sh"));
        assert!(shebang_is_posix("/usr/bin/env bash") && !shebang_is_posix("/usr/bin/python3"));
    }
}
