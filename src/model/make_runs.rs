//! What a `RUN make` builds, read from the build context's Makefile where the make runs in the
//! context's copied root: whether it reaches a `go build`, and the `CGO_ENABLED` that build
//! gets. Rules ask through these methods; they never read the Makefile themselves.

use std::path::Path;

use super::Model;
use super::go_build::CgoSetting;
use super::opaque::OpaqueBinary;
use super::vars::Value;
use crate::context::make_run::{self, MakeGo};

impl Model<'_> {
    /// For each `make` in a RUN of `stage`'s chain, in file order: its RUN instruction, and
    /// what the context's Makefile says it runs (`None`: unknown; `Some(None)`: no go build).
    pub fn make_runs(&self, stage: usize) -> Vec<(usize, Option<Option<MakeGo>>)> {
        let chain = self.chain(stage);
        self.tool_runs
            .iter()
            .filter(|run| chain.contains(&run.stage))
            .filter(|run| matches!(run.command.program(), Some("make" | "gmake")))
            .map(|run| {
                let read = || {
                    let context = self.context()?;
                    let cwd = run.cwd.as_deref()?;
                    // Only the context's root, copied whole, holds the Makefile read here.
                    if !self
                        .context_landings(run.stage, ".")
                        .iter()
                        .any(|landing| landing == cwd)
                    {
                        return None;
                    }
                    let args: Vec<&str> = run.command.argv[1..]
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect();
                    if args.iter().any(|a| a.contains('$')) {
                        return None;
                    }
                    make_run::read(Path::new(&context.dir), &args)
                };
                (run.instruction, read())
            })
            .collect()
    }

    /// The `CGO_ENABLED` a binary built by commands gopherlint cannot see gets: what the
    /// context's Makefile gives every go build a `make` of its stage reaches, else what the
    /// stage's environment exports.
    pub fn opaque_cgo(&self, binary: &OpaqueBinary) -> CgoSetting {
        let from_make: Vec<Option<String>> = self
            .make_runs(binary.stage)
            .into_iter()
            .filter_map(|(_, read)| match read {
                Some(Some(go)) => Some(go.cgo),
                Some(None) => None,
                None => Some(None),
            })
            .collect();
        if let Some(Some(first)) = from_make.first()
            && from_make
                .iter()
                .all(|v| v.as_deref() == Some(first.as_str()))
        {
            return CgoSetting {
                value: Some(Value::known(first.clone())),
                origin: None,
            };
        }
        // Set on the build driver's own command line (`CGO_ENABLED=0 make`), the same on
        // each: its go commands inherit it.
        let prefixed: Vec<Option<&str>> = self
            .runs
            .iter()
            .filter(|r| r.stage == binary.stage)
            .flat_map(|r| r.script.commands.iter())
            .filter(|c| super::opaque::is_opaque_build(c))
            .map(|c| {
                c.assignments
                    .iter()
                    .find(|a| a.name == "CGO_ENABLED")
                    .map(|a| a.value.text.as_str())
            })
            .collect();
        if let Some(Some(first)) = prefixed.first()
            && !first.contains('$')
            && prefixed.iter().all(|v| v == &Some(*first))
        {
            return CgoSetting {
                value: Some(Value::known(first.to_string())),
                origin: None,
            };
        }
        let value = self.stages[binary.stage].vars.exported_value("CGO_ENABLED");
        CgoSetting {
            value: value.map(|(v, _)| v.clone()),
            origin: value.and_then(|(_, o)| o),
        }
    }
}
