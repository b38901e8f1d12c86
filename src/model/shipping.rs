//! The second step of the model: what ships. For every go build, whether its binary reaches
//! the final image and where it lands there; the binaries built by commands gopherlint cannot
//! read and copied in; and the program the final image starts.

use std::collections::HashMap;

use super::facts::FileFacts;
use super::opaque::{OpaqueBinary, opaque_binaries};
use crate::knowledge::{shells, tools};
use crate::paths;
use crate::shell;
use crate::source::TextRange;
use crate::syntax::Args;

/// Whether a go build's binary ships.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipment {
    /// The binary reaches the final image.
    pub ships: bool,
    /// Where it lands in the final image, where that is known.
    pub landed: Vec<String>,
    /// Only copies of a whole directory take it there (`COPY --from=build /go/bin /usr/bin`).
    pub only_in_bulk: bool,
}

/// What the final image gets from the builds, and what it starts.
#[derive(Debug, Clone)]
pub struct Shipping {
    /// One for each of `FileFacts::go_builds`, in the same order.
    pub builds: Vec<Shipment>,
    /// Binaries built by commands gopherlint cannot read, copied into the final image.
    pub opaque: Vec<OpaqueBinary>,
    /// The words of the program the final image starts (ENTRYPOINT, else CMD), expanded where
    /// known; shell form read as a shell would. `None` when this file's chain sets none.
    pub start: Option<Vec<String>>,
    /// The shell the start command needs at each start: `["/bin/sh", "-c", SCRIPT]` or shell
    /// form whose script reads variables (`--namespace=${NAMESPACE}`) or runs several commands
    /// (`/app/migrate && /app/serve`).
    pub start_shell: Option<String>,
}

impl Shipping {
    pub(super) fn resolve(facts: &FileFacts) -> Shipping {
        let overwritten = overwritten_builds(facts);
        let builds = facts
            .go_builds
            .iter()
            .map(|build| {
                // A WebAssembly module is served or loaded, not run by the image: none of
                // what the rules say of a shipped program (symbols, cgo, GOARCH) holds for it.
                // A build of several packages without `-o` writes nothing at all.
                if overwritten[build.index] || build.is_wasm() || build.writes_nothing() {
                    return Shipment::default();
                }
                let output = build.output.as_ref().and_then(|o| o.usable());
                // A directory of binaries: any file in it (`COPY --from=build /out/bin/* /`)
                // carries the build's programs, whose names the file does not spell.
                let output = match output {
                    Some(dir) if build.writes_into_dir() => Some(paths::join(dir, "*")),
                    other => other.map(str::to_string),
                };
                let traced = facts.trace_routes(build.stage, output.as_deref());
                // A program the build runs itself after installing it (`go install
                // github.com/magefile/mage`, then `mage build`) is a tool of the build: a copy
                // of a path gopherlint cannot read (`/out/app-${VERSION}-*`) does not take it.
                if traced.only_in_bulk && runs_later(facts, build) && !copied_by_path(facts, build)
                {
                    return Shipment::default();
                }
                Shipment {
                    ships: traced.reaches,
                    landed: traced.landed,
                    only_in_bulk: traced.only_in_bulk,
                }
            })
            .collect();
        Shipping {
            builds,
            opaque: opaque_binaries(facts),
            start: start_command(facts),
            start_shell: start_shell(facts),
        }
    }
}

/// Builds whose binary a later build in the same stage replaces (the same known output path)
/// before anything can copy it: a cache-warming build. A `COPY --from` of the stage between
/// the two could have taken the first binary out. A build on another arm of the same `if` or
/// `case` replaces nothing: only one of the two runs, and either may be what ships.
fn overwritten_builds(facts: &FileFacts) -> Vec<bool> {
    let mut out = vec![false; facts.go_builds.len()];
    let mut later_by_output: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
    // Walked backwards: each build meets the nearest later build of the same output that
    // runs after it, which decides (a farther one has at least the copies the nearest has in
    // between).
    for build in facts.go_builds.iter().rev() {
        // A directory of binaries is added to, not replaced.
        let Some(output) = build
            .output
            .as_ref()
            .and_then(|o| o.usable())
            .filter(|_| !build.writes_into_dir())
        else {
            continue;
        };
        let later_builds = later_by_output.entry((build.stage, output)).or_default();
        let replacing = later_builds
            .iter()
            .rev()
            .map(|&i| &facts.go_builds[i])
            .find(|later| {
                !(later.instruction == build.instruction && later.command.excludes(&build.command))
            });
        if let Some(later) = replacing {
            out[build.index] = !facts
                .copies_from(build.stage)
                .any(|c| c.instruction > build.instruction && c.instruction < later.instruction);
        }
        later_builds.push(build.index);
    }
    out
}

/// A RUN after the build, in its stage or a stage built on it, starts the program the build
/// wrote (by its name, or its path).
fn runs_later(facts: &FileFacts, build: &crate::model::GoBuild) -> bool {
    let Some(output) = build.output.as_ref().and_then(|o| o.usable()) else {
        return false;
    };
    if build.writes_into_dir() {
        return false;
    }
    let name = paths::basename(output);
    let mut stages = facts.built_on(build.stage);
    stages.push(build.stage);
    facts
        .runs
        .iter()
        .filter(|r| r.instruction > build.instruction && stages.contains(&r.stage))
        .flat_map(|r| &r.script.commands)
        .filter_map(|c| c.program())
        .any(|program| program == name || program == output)
}

/// A copy out of the build's stage (or one built on it) names a known path that holds the
/// build's output: `COPY --from=build /fs /` for `/fs/bin/app`.
fn copied_by_path(facts: &FileFacts, build: &crate::model::GoBuild) -> bool {
    let Some(output) = build.output.as_ref().and_then(|o| o.usable()) else {
        return false;
    };
    let mut stages = facts.built_on(build.stage);
    stages.push(build.stage);
    stages.iter().flat_map(|&s| facts.copies_from(s)).any(|c| {
        c.sources.iter().filter_map(|s| s.usable()).any(|src| {
            let src = paths::normalize(src);
            paths::is_within(output, &src) || paths::glob_match(&src, output)
        })
    })
}

/// A start command that is `go run`: it compiles the sources at every start.
pub fn is_go_run(start: &[String]) -> bool {
    matches!(start, [go, run, ..] if paths::basename(go) == "go" && run == "run")
}

/// Reads the shell the start command needs at each start (see `Shipping::start_shell`).
fn start_shell(facts: &FileFacts) -> Option<String> {
    let (entrypoint, cmd) = facts.start_instructions();
    let index = entrypoint.or(cmd)?;
    match &facts.instruction(index).args {
        Args::Exec(exec) => match exec.elements.as_slice() {
            [sh, flag, script, ..]
                if shells::is_posix_shell(paths::basename(&sh.value))
                    && flag.value == "-c"
                    && needs_a_shell(&script.value) =>
            {
                Some(sh.value.clone())
            }
            _ => None,
        },
        // Shell form runs through `/bin/sh -c` (or the stage's SHELL); a script that is one
        // plain command could be written in exec form instead, one that is more could not.
        Args::Shell(form) if needs_a_shell(&form.text) => Some("/bin/sh".to_string()),
        _ => None,
    }
}

/// A start script that only a shell can run: it reads variables, or runs several commands
/// (`/app/migrate && /app/serve`), pipes or redirects. Exec form cannot say any of that.
fn needs_a_shell(script: &str) -> bool {
    if script.contains(['$', '|', '>', '<', ';', '&', '`']) {
        return true;
    }
    let line = crate::syntax::LogicalLine::contiguous(script, 0);
    shell::parse_script(&line)
        .commands
        .iter()
        .filter(|c| !c.argv.is_empty())
        .count()
        > 1
}

/// Reads the start command (see `Shipping::start`).
fn start_command(facts: &FileFacts) -> Option<Vec<String>> {
    let (entrypoint, cmd) = facts.start_instructions();
    let words = instruction_words(facts, entrypoint.or(cmd)?)?;
    // `ENTRYPOINT ["/sbin/tini", "--"]` with `CMD ["athens-proxy"]`: the init program starts
    // the CMD (appended to an exec-form entrypoint), which is what the image runs.
    let Some(rest) = tools::after_init_program(&words) else {
        return Some(words);
    };
    if !rest.is_empty() {
        return Some(rest.to_vec());
    }
    match cmd.filter(|_| entrypoint.is_some()) {
        Some(cmd) => instruction_words(facts, cmd),
        None => Some(words),
    }
}

/// The words an ENTRYPOINT or CMD runs: exec form as written (expanded where known), shell
/// form as a shell reads it; `sh -c "exec /app"` read as the script's first command.
fn instruction_words(facts: &FileFacts, index: usize) -> Option<Vec<String>> {
    let vars = &facts.final_stage()?.vars;
    let words: Vec<String> = match &facts.instruction(index).args {
        // A word whose value cannot be known (`$(ps ...)` in a `sh -c` script) is kept as
        // written: the shell reads it, and its program words are still plain.
        Args::Exec(exec) => exec
            .elements
            .iter()
            .map(|w| {
                let value = vars.expand(&w.value);
                if value.is_unknown() {
                    w.value.clone()
                } else {
                    value.text
                }
            })
            .collect(),
        Args::Shell(form) => {
            let script = shell::parse_script(&facts.instruction(index).line.slice(TextRange::new(
                form.logical_start,
                form.logical_start + form.text.len(),
            )));
            let first = script.commands.into_iter().find(|c| !c.argv.is_empty())?;
            first.argv.iter().map(|w| w.text.clone()).collect()
        }
        _ => return None,
    };
    // `sh -c "exec /app"` and `/bin/sh -c ...` start what the script starts.
    match words.as_slice() {
        [sh, flag, script, ..] if shells::is_posix_shell(paths::basename(sh)) && flag == "-c" => {
            let line = crate::syntax::LogicalLine::contiguous(script, 0);
            let parsed = shell::parse_script(&line);
            let first = parsed.commands.into_iter().find(|c| !c.argv.is_empty());
            Some(first.map_or_else(
                || words.clone(),
                |c| c.argv.iter().map(|w| w.text.clone()).collect(),
            ))
        }
        _ => Some(words),
    }
}
