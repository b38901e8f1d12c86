//! How the repository builds each file, read once per repository root and run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::repository::{Chosen, RepoBuilds};

/// Repository roots and what their configurations say, cached for the run.
pub(super) struct RepoResolver {
    enabled: bool,
    /// Each directory visited on the way up to a root, with the root found (or none).
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
        let root = self.root_of(file.parent()?)?;
        let builds = self.builds_of(&root);
        let relative = file.strip_prefix(&root).ok()?;
        let chosen = builds.for_dockerfile(relative).chosen()?;
        Some((root, Arc::new(chosen)))
    }

    /// The root for a canonical directory: the nearest one at or above it with `.git` or
    /// `.github`. Every directory passed on the way is remembered, so sibling directories cost
    /// one look each.
    fn root_of(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = self.roots.get(ancestor) {
                found = known.clone();
                break;
            }
            visited.push(ancestor.to_path_buf());
            if crate::repository::is_root(ancestor) {
                found = Some(ancestor.to_path_buf());
                break;
            }
        }
        for dir in visited {
            self.roots.insert(dir, found.clone());
        }
        found
    }

    fn builds_of(&mut self, root: &Path) -> Arc<RepoBuilds> {
        if let Some(builds) = self.builds.get(root) {
            return builds.clone();
        }
        let builds = announce(RepoBuilds::load(root));
        self.builds.insert(root.to_path_buf(), builds.clone());
        builds
    }
}

/// The warnings of a root's configurations, printed once, when they are first used.
fn announce(builds: RepoBuilds) -> Arc<RepoBuilds> {
    for warning in &builds.warnings {
        eprintln!("gopherlint: warning: {warning}");
    }
    Arc::new(builds)
}

/// `path` (absolute) as seen from the working directory, as `--context` would be written:
/// `.`, `build`, `..`. Reports then name the same context on every machine. A path with no
/// common ancestor with the working directory but `/` stays absolute.
pub(super) fn relative_to_cwd(path: &Path) -> PathBuf {
    // The working directory does not change during a run: resolved once, not per file.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().and_then(|d| d.canonicalize()).ok());
    match cwd {
        Some(cwd) => relative_from(cwd, path),
        None => path.to_path_buf(),
    }
}

fn relative_from(base: &Path, path: &Path) -> PathBuf {
    let base: Vec<_> = base.components().collect();
    let target: Vec<_> = path.components().collect();
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    // Only `/` in common (`/home/...` against `/tmp/...`): `../../..` says less than the
    // absolute path.
    if common <= 1 {
        return path.to_path_buf();
    }
    let mut relative: PathBuf = base[common..].iter().map(|_| "..").collect();
    relative.extend(&target[common..]);
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_are_shown_from_the_working_directory() {
        let rel = |base: &str, path: &str| relative_from(Path::new(base), Path::new(path));
        assert_eq!(rel("/r", "/r"), PathBuf::from("."));
        assert_eq!(rel("/r", "/r/build"), PathBuf::from("build"));
        assert_eq!(rel("/r/build", "/r"), PathBuf::from(".."));
        assert_eq!(rel("/r/a/b", "/r/c"), PathBuf::from("../../c"));
        assert_eq!(rel("/home/x", "/tmp/r"), PathBuf::from("/tmp/r"));
    }
}
