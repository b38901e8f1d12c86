//! Go binaries built by commands gopherlint cannot read (`RUN make build`, `./build.sh`):
//! decided from what the final stage copies out of a Go stage and what that stage runs, not
//! from whether the stage happens to run some other `go install` too.

use super::{CopySource, Model};
use crate::knowledge::files::may_be_program;
use crate::knowledge::shells;
use crate::knowledge::tools::BUILD_DRIVERS;
use crate::paths;

/// A binary built where gopherlint cannot see the `go build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpaqueBinary {
    /// The stage that builds it.
    pub stage: usize,
    /// Where it lands in the final image; `None` when that cannot be told.
    pub landing: Option<String>,
}

impl Model<'_> {
    /// Whether a stage chain runs a build command whose go build gopherlint cannot see.
    fn runs_opaque_build(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .flat_map(|r| r.script.commands.iter())
            .any(|command| {
                let Some(program) = command.program() else {
                    return false;
                };
                let first = command.argv[0].text.as_str();
                let script_arg = shells::is_posix_shell(program)
                    && command
                        .argv
                        .get(1)
                        .is_some_and(|a| a.text.ends_with(".sh") || a.text.contains('/'));
                BUILD_DRIVERS.contains(&program)
                    || program.ends_with(".sh")
                    || first.starts_with("./")
                    || (first.contains('/') && !first.starts_with('/'))
                    || script_arg
            })
    }

    /// Whether a visible go build in the stage's chain explains a copied path (its output is
    /// that path, inside it, or unknown).
    fn explained_by_build(&self, stage: usize, path: &str) -> bool {
        let chain = self.chain(stage);
        self.go_builds
            .iter()
            .filter(|b| chain.contains(&b.stage))
            .any(|b| match b.output.as_ref().and_then(|o| o.usable()) {
                None => true,
                Some(out) => paths::is_within(out, &paths::normalize(path)),
            })
    }

    /// Binaries built by unseen commands in Go stages and copied into the final image: the
    /// stage that built each, and where it lands (`None` for an unknown place).
    pub fn opaque_go_copies(&self) -> Vec<OpaqueBinary> {
        let chain = self.final_chain();
        let mut out = Vec::new();
        for copy in self.final_copies() {
            let CopySource::Stage(source) = copy.source else {
                continue;
            };
            if chain.contains(&source) {
                continue;
            }
            let go_stage = self.stages[source].facts.is_go_toolchain();
            if !go_stage || !self.runs_opaque_build(source) {
                continue;
            }
            let landings = copy.landing_paths();
            for (i, src) in copy.sources.iter().enumerate() {
                let Some(path) = src.usable() else {
                    continue;
                };
                if !may_be_program(path) || self.explained_by_build(source, path) {
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
}
