//! The shell scripts of RUN instructions (shell form, exec form, heredoc scripts), and the OS
//! packages they install.

use super::facts::FileFacts;
use super::vars::Vars;
use crate::knowledge::packages;
use crate::knowledge::shells;
use crate::shell::{self, Command, Connector, Script};
use crate::source::TextRange;
use crate::syntax::{Args, Heredoc, Instruction, LogicalLine, Word};

/// The commands of one RUN (its shell form, or a heredoc script).
#[derive(Debug, Clone)]
pub struct RunScript {
    pub stage: usize,
    pub instruction: usize,
    pub script: Script,
}

impl RunScript {
    /// The script builds through something that hides its go commands (make, a script).
    pub fn builds_opaquely(&self) -> bool {
        self.script
            .commands
            .iter()
            .any(|c| super::opaque::is_opaque_build(c))
    }
}

/// The shell scripts of a RUN: its shell form, plus heredoc bodies that a shell runs.
pub fn run_scripts(instruction: &Instruction, text: &str) -> Vec<Script> {
    let mut scripts = Vec::new();
    let line_script = match &instruction.args {
        Args::Shell(shell) => {
            let range = TextRange::new(shell.logical_start, shell.logical_start + shell.text.len());
            Some(shell::parse_script(&instruction.line.slice(range)))
        }
        Args::Exec(exec) => Some(exec_script(&exec.elements)),
        _ => None,
    };
    let runs_heredoc_as_script = match &line_script {
        // `RUN <<EOF`, `RUN sh <<EOF`, `RUN bash -e <<EOF`: the shell reads the heredoc.
        Some(script) => match script.commands.as_slice() {
            [] => true,
            [only] => {
                only.program().is_some_and(shells::is_posix_shell)
                    && only.argv.iter().skip(1).all(|w| w.text.starts_with('-'))
            }
            _ => false,
        },
        None => false,
    };
    if let Some(script) = line_script {
        scripts.push(script);
    }
    if runs_heredoc_as_script {
        for heredoc in &instruction.heredocs {
            if let Some(script) = heredoc_script(heredoc, text) {
                scripts.push(script);
            }
        }
    }
    scripts
}

fn heredoc_script(heredoc: &Heredoc, text: &str) -> Option<Script> {
    if heredoc.file_descriptor.is_some_and(|fd| fd != 0) {
        return None;
    }
    let body = &text[heredoc.body_range.start..heredoc.body_range.end];
    if let Some(shebang) = body.strip_prefix("#!") {
        let interpreter = shebang.lines().next().unwrap_or("");
        if !shells::shebang_is_posix(interpreter) {
            return None;
        }
    }
    Some(shell::parse_script(&LogicalLine::contiguous(
        body,
        heredoc.body_range.start,
    )))
}

/// Exec form `["go", "build", ...]` or `["sh", "-c", "..."]` as a script.
fn exec_script(elements: &[Word]) -> Script {
    let as_shell_c = elements
        .first()
        .is_some_and(|w| shells::is_posix_shell(w.value.rsplit('/').next().unwrap_or("")))
        && elements.len() >= 3
        && elements[1].value.starts_with('-')
        && elements[1].value.contains('c');
    if as_shell_c {
        let script = &elements[2];
        // Map the script to the source only when the JSON string has no escapes.
        let plain = script.raw.len() == script.value.len() + 2;
        let start = if plain {
            script.range.start + 1
        } else {
            script.range.start
        };
        let mut parsed = shell::parse_script(&LogicalLine::contiguous(&script.value, start));
        for command in &mut parsed.commands {
            // Freshly parsed: the only owner, so this copies nothing.
            let command = std::sync::Arc::make_mut(command);
            command.nested = true;
            for word in &mut command.argv {
                word.exact = false;
                if !plain {
                    word.range = script.range;
                }
            }
        }
        return parsed;
    }
    let argv = elements
        .iter()
        .map(|w| shell::ShellWord {
            range: w.range,
            text: w.value.clone(),
            has_expansion: false,
            quoted: true,
            exact: false,
        })
        .collect();
    Script {
        commands: vec![std::sync::Arc::new(Command {
            assignments: Vec::new(),
            argv,
            connector: shell::Connector::Start,
            nested: false,
            branches: Vec::new(),
            writes: Vec::new(),
        })],
        complete: true,
        branch_groups: 0,
    }
}

/// The packages a command installs with an OS package manager (`apk add`, `apt-get install`),
/// as written (versions kept); `None` when it installs nothing.
pub fn installed_packages(command: &Command) -> Option<Vec<String>> {
    installed_with(command).map(|(_, packages)| packages)
}

/// The package manager a command installs with and the packages, as written.
pub(super) fn installed_with(command: &Command) -> Option<(packages::PackageManager, Vec<String>)> {
    let program = command.program()?;
    let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
    let install = packages::package_install(program, &argv)?;
    let names = install
        .packages
        .iter()
        .map(|&i| argv[i].to_string())
        .collect();
    Some((install.manager, names))
}

/// A directory a `mkdir` in a RUN makes: absolute, or relative to the command's known working
/// directory (the WORKDIR, or a `cd` before it), normalized.
#[derive(Debug, Clone)]
pub struct MadeDir {
    pub stage: usize,
    pub instruction: usize,
    pub path: String,
}

/// The directories a `mkdir` command makes: absolute, or joined to the working directory `cwd`
/// where it is known; words whose value cannot be known are left out.
pub(super) fn made_by(command: &Command, vars: &Vars, cwd: Option<&str>) -> Vec<String> {
    // Options that take their value as the next word (`mkdir -m 755`, `install -o app -d`).
    const VALUED: &[&str] = &[
        "-m",
        "--mode",
        "-o",
        "--owner",
        "-g",
        "--group",
        "--context",
    ];
    let words = &command.argv[1..];
    words
        .iter()
        .enumerate()
        .filter(|&(i, w)| {
            !w.text.starts_with('-') && (i == 0 || !VALUED.contains(&words[i - 1].text.as_str()))
        })
        .map(|(_, w)| w)
        .filter_map(|word| {
            let expanded = vars.expand_strict(&word.text);
            crate::paths::resolve(expanded.usable()?, cwd)
        })
        .collect()
}

/// The directories `mkdir` makes in the RUNs of `chain`, up to the instruction `up_to`
/// (inclusive). Shared by the builder (where `go build -o DIR` writes) and the final image's
/// facts.
pub fn made_dirs(made: &[MadeDir], chain: &[usize], up_to: usize) -> Vec<String> {
    made.iter()
        .filter(|m| chain.contains(&m.stage) && m.instruction <= up_to)
        .map(|m| m.path.clone())
        .collect()
}

impl FileFacts<'_> {
    /// The directories the final chain makes with `mkdir`.
    pub fn final_made_dirs(&self) -> Vec<String> {
        made_dirs(&self.made_dirs, self.final_chain(), usize::MAX)
    }

    /// Packages the final chain installs (apk add, apt-get install, ...).
    pub fn final_installed_packages(&self) -> Vec<String> {
        self.installed_in(self.final_chain())
    }

    /// Packages a stage's chain installs.
    pub fn installed_packages_in_chain(&self, stage: usize) -> Vec<String> {
        self.installed_in(self.chain(stage))
    }

    fn installed_in(&self, chain: &[usize]) -> Vec<String> {
        chain
            .iter()
            .rev()
            .flat_map(|&stage| self.runs_in_stage(stage))
            .flat_map(|r| r.script.commands.iter().map(std::ops::Deref::deref))
            .filter_map(installed_packages)
            .flatten()
            .collect()
    }

    /// `apk add` commands in a stage's own RUNs that name `package` (version pins excluded),
    /// with the position of the package word among the command's words.
    pub fn apk_adds_of(&self, stage: usize, package: &str) -> Vec<ApkAdd> {
        let mut found = Vec::new();
        for run in self.runs_in_stage(stage) {
            let commands = &run.script.commands;
            for (position, command) in commands.iter().map(std::ops::Deref::deref).enumerate() {
                // xx-apk installs into the cross-compilation sysroot, not the image.
                if command.program() != Some("apk") {
                    continue;
                }
                let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
                let Some(add) = packages::package_install("apk", &argv) else {
                    continue;
                };
                // A pinned version (`ca-certificates=...`) is deliberate: only the bare name.
                let Some(word) = add
                    .packages
                    .iter()
                    .copied()
                    .find(|&w| command.argv[w].text == package)
                else {
                    continue;
                };
                found.push(ApkAdd {
                    stage: run.stage,
                    instruction: run.instruction,
                    command: command.clone(),
                    word,
                    packages: add.packages.len(),
                    refreshes_index: add.refreshes_index,
                    upgrade: add.upgrade,
                    virtual_package: add.virtual_package,
                    previous: position
                        .checked_sub(1)
                        .and_then(|p| commands.get(p))
                        .map(|c| Command::clone(c)),
                    next: commands.get(position + 1).map(|c| Command::clone(c)),
                    script_complete: run.script.complete,
                });
            }
        }
        found
    }
}

/// An `apk add` naming a package.
#[derive(Debug, Clone)]
pub struct ApkAdd {
    pub stage: usize,
    pub instruction: usize,
    pub command: Command,
    /// Index of the package word in `command.argv`.
    pub word: usize,
    /// How many packages the command names.
    pub packages: usize,
    /// `-U`/`--update`/`--update-cache` without `--no-cache`: it also refreshes the cached
    /// package index, which later `apk add` commands may rely on.
    pub refreshes_index: bool,
    /// `-u`/`--upgrade`: installed packages are upgraded too.
    pub upgrade: bool,
    /// `-t`/`--virtual`: the packages are grouped under a name for a later `apk del`.
    pub virtual_package: bool,
    /// The commands before and after it in the same script.
    pub previous: Option<Command>,
    pub next: Option<Command>,
    pub script_complete: bool,
}

impl ApkAdd {
    /// How the command joins the one after it (`None` at the end of the script).
    pub fn next_connector(&self) -> Option<Connector> {
        self.next.as_ref().map(|c| c.connector)
    }
}
