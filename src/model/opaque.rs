//! Go binaries built by commands gopherlint cannot read (`RUN make build`, `./build.sh`):
//! decided from what the final stage copies out of a Go stage and what that stage runs, not
//! from whether the stage happens to run some other `go install` too.

use std::collections::HashMap;

use super::copy::CopySource;
use super::facts::FileFacts;
use crate::knowledge::files::may_be_program;
use crate::knowledge::go_command::{self, GoSubcommand};
use crate::knowledge::shells;
use crate::knowledge::tools::BUILD_DRIVERS;
use crate::paths;
use crate::shell::Command;

/// A binary built where gopherlint cannot see the `go build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpaqueBinary {
    /// The stage that builds it.
    pub stage: usize,
    /// Where it lands in the final image; `None` when that cannot be told.
    pub landing: Option<String>,
}

/// A command that builds without showing its `go build`: a build driver, a script, a Go
/// build program run with `go run`.
pub(crate) fn is_opaque_build(command: &Command) -> bool {
    let Some(program) = command.program() else {
        return false;
    };
    let first = command.argv[0].text.as_str();
    let script_arg = shells::is_posix_shell(program)
        && command
            .argv
            .get(1)
            .is_some_and(|a| a.text.ends_with(".sh") || a.text.contains('/'));
    // `go run build/ci.go install ./cmd/geth`: a Go program that drives the build.
    let go_run_builder = go_command::is_go_program(program)
        && go_command::subcommand(&command.argv) == Some(GoSubcommand::Run);
    BUILD_DRIVERS.contains(&program)
        || go_run_builder
        || program.ends_with(".sh")
        || first.starts_with("./")
        || (first.contains('/') && !first.starts_with('/'))
        || script_arg
}

/// What a Go stage's chain tells about the binaries copied out of it.
struct SourceStage {
    /// It runs a build command whose go build gopherlint cannot see.
    runs_opaque_build: bool,
    /// The output of each visible go build of the chain (`None`: unknown).
    outputs: Vec<Option<String>>,
}

impl SourceStage {
    fn read(facts: &FileFacts, stage: usize) -> SourceStage {
        let chain = facts.chain(stage);
        SourceStage {
            runs_opaque_build: chain.iter().any(|&s| {
                facts
                    .runs_in_stage(s)
                    .iter()
                    .flat_map(|r| &r.script.commands)
                    .any(|c| is_opaque_build(c))
            }),
            outputs: facts
                .go_builds
                .iter()
                .filter(|b| chain.contains(&b.stage))
                .map(|b| {
                    b.output
                        .as_ref()
                        .and_then(|o| o.usable())
                        .map(str::to_string)
                })
                .collect(),
        }
    }

    /// A visible go build explains a copied path: its output is that path, inside it, or
    /// unknown.
    fn explains(&self, path: &str) -> bool {
        let path = paths::normalize(path);
        self.outputs.iter().any(|output| match output {
            None => true,
            Some(out) => paths::is_within(out, &path),
        })
    }
}

/// Binaries built by unseen commands in Go stages and copied into the final image: the stage
/// that built each, and where it lands (`None` for an unknown place). Each source stage is
/// read once.
pub(super) fn opaque_binaries(facts: &FileFacts) -> Vec<OpaqueBinary> {
    let chain = facts.final_chain();
    let mut sources: HashMap<usize, SourceStage> = HashMap::new();
    let mut out = Vec::new();
    for copy in facts.final_copies() {
        let CopySource::Stage(source) = copy.source else {
            continue;
        };
        if chain.contains(&source) || !facts.stages[source].facts.is_go_toolchain() {
            continue;
        }
        let stage = sources
            .entry(source)
            .or_insert_with(|| SourceStage::read(facts, source));
        if !stage.runs_opaque_build {
            continue;
        }
        let landings = copy.landing_paths();
        for (i, src) in copy.sources.iter().enumerate() {
            let Some(path) = src.usable() else {
                continue;
            };
            if !may_be_program(path) || stage.explains(path) {
                continue;
            }
            out.push(OpaqueBinary {
                stage: source,
                landing: landings.get(i).cloned().unwrap_or(None),
            });
        }
    }
    out
}
