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

/// PowerShell's assignment of an environment variable (`$Env:CGO_ENABLED=0`, as the Windows
/// golang images' shell reads it): the name and the value, unquoted. The processes the rest of
/// the RUN starts see it.
pub fn powershell_env_assignment(word: &str) -> Option<(&str, &str)> {
    let prefix = word.get(..5)?;
    if !prefix.eq_ignore_ascii_case("$env:") {
        return None;
    }
    let (name, value) = word[5..].split_once('=')?;
    let name = name.trim();
    let value = value.trim().trim_matches(['"', '\'']);
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some((name, value))
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
        assert_eq!(
            powershell_env_assignment("$Env:CGO_ENABLED=0"),
            Some(("CGO_ENABLED", "0"))
        );
        assert_eq!(
            powershell_env_assignment("$env:GOOS='windows'"),
            Some(("GOOS", "windows"))
        );
        assert_eq!(powershell_env_assignment("$HOME=x"), None);
    }
}
