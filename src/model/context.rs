//! What the build context adds to the model: where the context's files land in a stage (so a
//! `go build .` is named after the module, and GL210/GL212 know which go.mod a stage builds
//! with). Everything here is Unknown without a context.

use super::copy::{Copy, CopySource};
use super::paths;
use super::vars::Value;
use super::{Model, ModelOptions};
use crate::context::{BuildContext, GoMod};

impl ModelOptions {
    /// The build context, when one was read.
    pub fn context(&self) -> Option<&BuildContext> {
        self.context.as_deref()
    }
}

impl Model<'_> {
    pub fn context(&self) -> Option<&BuildContext> {
        self.context.as_deref()
    }

    /// The context's go.mod, when it was read.
    pub fn context_go_mod(&self) -> Option<&GoMod> {
        self.context()?.go_mod.value()
    }

    /// Where the context file or directory at `path` (relative to the context root) lands in a
    /// stage, through the context copies of its chain so far: absolute paths, where known.
    /// Empty when no copy takes it, the ignore file leaves it out, or there is no context.
    pub fn context_landings(&self, stage: usize, path: &str) -> Vec<String> {
        let Some(context) = self.context() else {
            return Vec::new();
        };
        if context.sends(path) != Some(true) {
            return Vec::new();
        }
        let chain = self.chain(stage);
        let rooted = format!("/{}", path.trim_start_matches("./").trim_start_matches('/'));
        self.copies
            .iter()
            .filter(|c| chain.contains(&c.stage) && c.source == CopySource::Context)
            .filter(|c| !c.parents_or_exclude)
            .filter_map(|c| rooted_copy(c).destination_of(Some(&rooted)).flatten())
            .collect()
    }

    /// The context copy of its chain that takes `path` to a place known or unknown, for
    /// diagnostics that point at it.
    pub fn context_copy_of(&self, stage: usize, path: &str) -> Option<&Copy> {
        let context = self.context()?;
        if context.sends(path) != Some(true) {
            return None;
        }
        let chain = self.chain(stage);
        let rooted = format!("/{}", path.trim_start_matches('/'));
        self.copies
            .iter()
            .filter(|c| chain.contains(&c.stage) && c.source == CopySource::Context)
            .filter(|c| !c.parents_or_exclude)
            .find(|c| rooted_copy(c).destination_of(Some(&rooted)).is_some())
    }

    /// The binary name of a `go build` of the module's root package run in `cwd`: the module
    /// path's last element, when the context's go.mod was copied to `cwd`.
    pub(super) fn module_binary_name(&self, stage: usize, cwd: Option<&str>) -> Option<String> {
        let cwd = paths::normalize(cwd?);
        let go_mod = self.context_go_mod()?;
        let wanted = paths::join(&cwd, "go.mod");
        self.context_landings(stage, "go.mod")
            .contains(&wanted)
            .then(|| go_mod.binary_name("."))
            .flatten()
    }
}

/// The copy with its context sources written as absolute paths from the context root, so the
/// stage-copy path logic applies (`.` and `./` are the root).
fn rooted_copy(copy: &Copy) -> Copy {
    let sources = copy
        .sources
        .iter()
        .map(|s| match s.usable() {
            Some(text) => Value {
                text: paths::join("/", text),
                certainty: s.certainty,
            },
            None => s.clone(),
        })
        .collect();
    Copy {
        sources,
        ..copy.clone()
    }
}
