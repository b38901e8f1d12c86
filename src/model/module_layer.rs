//! Whether a stage downloads its modules in a layer of their own: go.mod that first comes in
//! with a copy of the whole context, before the modules are downloaded, with no cache mount to
//! keep them, makes every source change download every module again.

use super::copy::Copy;
use super::facts::FileFacts;
use super::go_caches::{GoCache, GoCacheRun};

/// A stage whose modules follow its sources: the whole-context copy that brings go.mod, and
/// the go RUNs after it that download or compile (the first downloads the modules).
pub struct ModulesAfterSources<'m> {
    pub copy: &'m Copy,
    pub runs: Vec<&'m GoCacheRun>,
}

impl<'a> FileFacts<'a> {
    /// The stage's modules are downloaded only after a copy of the whole context brings
    /// go.mod, and no go RUN after it mounts the module cache. `None` when the modules come from
    /// elsewhere (a vendor directory, go.mod bound into the RUN) or there are none, or without a
    /// context to tell that go.mod comes with the copy.
    pub fn modules_after_sources(&self, stage: usize) -> Option<ModulesAfterSources<'_>> {
        let copy = self.whole_context_copy(stage)?;
        if self.modules_elsewhere(stage) {
            return None;
        }
        let runs: Vec<&GoCacheRun> = self
            .go_cache_runs()
            .iter()
            .filter(|r| {
                r.instruction > copy.instruction && self.chain(r.stage).contains(&copy.stage)
            })
            .filter(|r| r.uses.compiles || r.uses.downloads)
            .collect();
        // A module cache mount on any of them keeps the downloads across source changes.
        if runs.is_empty()
            || runs.iter().any(|r| {
                r.mounted(GoCache::Module) != Some(false) || r.names_a_mount_for(GoCache::Module)
            })
        {
            return None;
        }
        Some(ModulesAfterSources { copy, runs })
    }

    /// The copy that first brings the context's go.mod into the stage's chain, when it is a
    /// copy of the whole context.
    fn whole_context_copy(&self, stage: usize) -> Option<&Copy> {
        self.context_go_mod()?;
        self.context_copy_of(stage, "go.mod")
            .filter(|c| c.takes_whole_context())
    }

    /// The modules come from somewhere the layer order does not matter for: a vendor
    /// directory (`-mod=vendor`, a copied `vendor`, the context's vendor/modules.txt) or go.mod
    /// bound into the RUN that downloads (`--mount=type=bind,source=go.mod`), or a module cache
    /// copied from the stage that downloaded it; or there are
    /// none to download (a module that requires nothing).
    fn modules_elsewhere(&self, stage: usize) -> bool {
        if self.context_go_mod().is_some_and(|m| !m.has_requirements()) {
            return true;
        }
        let chain = self.chain(stage);
        let bound = self.runs.iter().any(|r| {
            chain.contains(&r.stage)
                && self.instruction(r.instruction).flags.iter().any(|f| {
                    f.name == "mount"
                        && f.value.as_deref().is_some_and(|v| {
                            v.contains("source=go.mod") || v.contains("src=go.mod")
                        })
                })
        });
        // The modules were downloaded in a stage of their own, which reruns only with go.mod,
        // and its module cache is copied in (`COPY --from=modules /go/pkg /go/pkg`).
        let copied_in = self
            .copies
            .iter()
            .any(|c| chain.contains(&c.stage) && self.copies_module_cache(c));
        self.modules_vendored(stage) || bound || copied_in
    }
}
