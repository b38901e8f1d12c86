//! What the build context adds to the model: where the context's files land in a stage (so a
//! `go build .` is named after the module, and GL210/GL212 know which go.mod a stage builds
//! with). Everything here is Unknown without a context.

use super::copy::{Copy, CopySource};
use super::facts::FileFacts;
use super::stage::{Stage, chain_of};
use super::vars::Value;
use crate::context::{BuildContext, GoMod};
use crate::paths;

impl FileFacts<'_> {
    pub fn context(&self) -> Option<&BuildContext> {
        self.context.as_deref()
    }

    /// The context's go.mod, when it was read.
    pub fn context_go_mod(&self) -> Option<&GoMod> {
        self.context()?.go_mod.value()
    }

    /// Where the context file or directory at `path` lands in a stage, through the context
    /// copies of its chain so far, where known.
    pub fn context_landings(&self, stage: usize, path: &str) -> Vec<String> {
        context_copies(&self.stages, &self.copies, self.context(), stage, path)
            .filter_map(|(_, landed)| landed)
            .collect()
    }

    /// The first context copy of a stage's chain that takes `path`, for diagnostics that
    /// point at it.
    pub fn context_copy_of(&self, stage: usize, path: &str) -> Option<&Copy> {
        context_copies(&self.stages, &self.copies, self.context(), stage, path)
            .next()
            .map(|(c, _)| c)
    }
}

/// The context copies of a stage's chain that take the context file or directory at `path`
/// (relative to the context root), each with where it lands (absolute; `None` where unknown).
/// Nothing when the ignore file leaves it out or there is no context.
pub(super) fn context_copies<'m>(
    stages: &[Stage],
    copies: &'m [Copy],
    context: Option<&BuildContext>,
    stage: usize,
    path: &str,
) -> impl Iterator<Item = (&'m Copy, Option<String>)> + 'm {
    let sent = context.and_then(|c| c.sends(path)) == Some(true);
    let chain = chain_of(stages, stage);
    let rooted = format!("/{}", path.trim_start_matches("./").trim_start_matches('/'));
    copies
        .iter()
        .filter(move |c| sent && chain.contains(&c.stage))
        .filter(|c| c.source == CopySource::Context && !c.parents_or_exclude)
        .filter_map(move |c| Some((c, rooted_copy(c).destination_of(Some(&rooted))?)))
}

/// The binary name of a `go build` of the module's root package run in `cwd`: the module
/// path's last element, when the context's go.mod was copied to `cwd`.
pub(super) fn module_binary_name(
    stages: &[Stage],
    copies: &[Copy],
    context: Option<&BuildContext>,
    stage: usize,
    cwd: Option<&str>,
) -> Option<String> {
    let cwd = paths::normalize(cwd?);
    let go_mod: &GoMod = context?.go_mod.value()?;
    let wanted = paths::join(&cwd, "go.mod");
    context_copies(stages, copies, context, stage, "go.mod")
        .any(|(_, landed)| landed.as_deref() == Some(wanted.as_str()))
        .then(|| go_mod.binary_name("."))
        .flatten()
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
