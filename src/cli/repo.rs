//! How the repository builds each file, read once per repository root and run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::repository::{Chosen, RepoBuilds, find_root};

/// Repository roots and what their configurations say, cached for the run.
pub(super) struct RepoResolver {
    enabled: bool,
    roots: HashMap<PathBuf, Option<PathBuf>>,
    builds: HashMap<PathBuf, Arc<RepoBuilds>>,
}

impl RepoResolver {
    pub(super) fn new(enabled: bool) -> RepoResolver {
        RepoResolver {
            enabled,
            roots: HashMap::new(),
            builds: HashMap::new(),
        }
    }

    /// How the repository builds `file`, with the root its paths are relative to. A
    /// configuration that cannot be read is reported once, as a warning, when its root is
    /// first read.
    pub(super) fn for_file(&mut self, file: Option<&Path>) -> Option<(PathBuf, Arc<Chosen>)> {
        if !self.enabled {
            return None;
        }
        let file = file?.canonicalize().ok()?;
        let dir = file.parent()?.to_path_buf();
        let root = match self.roots.get(&dir) {
            Some(root) => root.clone(),
            None => {
                let root = find_root(&dir);
                self.roots.insert(dir, root.clone());
                root
            }
        }?;
        let builds = match self.builds.get(&root) {
            Some(builds) => builds.clone(),
            None => {
                let builds = Arc::new(RepoBuilds::load(&root));
                for warning in &builds.warnings {
                    eprintln!("gopherlint: warning: {warning}");
                }
                self.builds.insert(root.clone(), builds.clone());
                builds
            }
        };
        let relative = file.strip_prefix(&root).ok()?;
        let chosen = builds.for_dockerfile(relative).chosen()?;
        Some((root, Arc::new(chosen)))
    }
}
