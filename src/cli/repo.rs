//! How the repository builds each file, read once per repository root and run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::repository::{Chosen, MAX_CONFIG_FILES, ReadPlan, RepoBuilds, RepoWide, RunDocs};

/// Repository roots and what their configurations say, cached for the run.
pub(super) struct RepoResolver {
    enabled: bool,
    /// Each directory visited on the way up to a root, with the root found (or none).
    roots: HashMap<PathBuf, Option<PathBuf>>,
    builds: HashMap<PathBuf, Arc<RepoBuilds>>,
    /// How each root's documentation runs its images (read when a rule first asks).
    run_docs: HashMap<PathBuf, Arc<RunDocs>>,
    /// The roots of the paths named on the command line, read on a thread of their own while
    /// the files are found: each root's plan arrives here once its files are read from disk,
    /// and the thread then starts parsing them.
    prefetch: Option<std::sync::mpsc::Receiver<(PathBuf, Arc<ReadPlan>)>>,
    /// The roots that thread reads.
    read_ahead: Vec<PathBuf>,
    /// Roots the CLI's own search covers whole: their compose files come from that search,
    /// once it is done (`None` until then).
    covered: HashMap<PathBuf, Option<Vec<PathBuf>>>,
    /// Plans received for roots not needed yet.
    planned: HashMap<PathBuf, Arc<ReadPlan>>,
}

/// A file's place in its repository.
pub(super) struct InRepo {
    pub(super) root: PathBuf,
    /// The file's path from the root.
    pub(super) relative: PathBuf,
    /// How the repository builds it: `None` when nothing does, or reading is off.
    pub(super) build: Option<Arc<Chosen>>,
    /// How the repository's documentation runs its images: `None` when reading is off.
    pub(super) run_docs: Option<Arc<RunDocs>>,
    /// What holds for the whole repository: `None` when reading is off.
    pub(super) repo_wide: Option<Arc<RepoWide>>,
    /// The folder of another project copied whole into the repository that holds the file.
    pub(super) nested_project: Option<PathBuf>,
}

/// At most this many roots are read ahead (each path argument may be in its own repository).
const PREFETCH_ROOTS: usize = 8;

impl RepoResolver {
    /// `paths` are the command line's path arguments (`-` and missing ones are skipped): their
    /// repositories start being read now, so that reading them overlaps the search for files.
    /// With `searches_whole_dirs`, a directory argument that is a root will be searched whole,
    /// and its compose files are taken from that search (see [`RepoResolver::searched`]).
    pub(super) fn new(enabled: bool, paths: &[PathBuf], searches_whole_dirs: bool) -> RepoResolver {
        let mut resolver = RepoResolver {
            enabled,
            roots: HashMap::new(),
            builds: HashMap::new(),
            run_docs: HashMap::new(),
            prefetch: None,
            planned: HashMap::new(),
            read_ahead: Vec::new(),
            covered: HashMap::new(),
        };
        if enabled {
            let mut roots = Vec::new();
            for path in paths {
                let dir = if path.is_dir() {
                    path.as_path()
                } else {
                    match path.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p,
                        _ => Path::new("."),
                    }
                };
                let Ok(dir) = dir.canonicalize() else {
                    continue;
                };
                if let Some(root) = resolver.root_of(&dir)
                    && !roots.contains(&root)
                    && roots.len() < PREFETCH_ROOTS
                {
                    if searches_whole_dirs && path.is_dir() && dir == root {
                        resolver.covered.insert(root.clone(), None);
                    }
                    roots.push(root);
                }
            }
            if !roots.is_empty() {
                resolver.read_ahead.clone_from(&roots);
                let covered: Vec<PathBuf> = resolver.covered.keys().cloned().collect();
                let (send, receive) = std::sync::mpsc::channel();
                let reader = std::thread::Builder::new()
                    .name("gopherlint-repo".into())
                    .spawn(move || {
                        for root in roots {
                            let plan = Arc::new(ReadPlan::new(&root, !covered.contains(&root)));
                            if send.send((root, plan.clone())).is_err() {
                                return;
                            }
                            plan.work();
                        }
                    });
                // Without the thread, each root is read when first needed.
                resolver.prefetch = reader.ok().map(|_| receive);
            }
        }
        resolver
    }

    /// Where `file` is in its repository, and how the repository builds it. A configuration
    /// that cannot be read is reported once, as a warning, when its root is first read.
    pub(super) fn for_file(&mut self, file: Option<&Path>) -> Option<InRepo> {
        let file = file?.canonicalize().ok()?;
        let root = self.root_of(file.parent()?)?;
        let relative = file.strip_prefix(&root).ok()?.to_path_buf();
        let (build, run_docs, repo_wide) = if self.enabled {
            let builds = self.builds_of(&root);
            let run_docs = self
                .run_docs
                .entry(root.clone())
                .or_insert_with(|| Arc::new(RunDocs::new(root.clone())))
                .clone();
            (
                builds.for_dockerfile(&relative).chosen().map(Arc::new),
                Some(run_docs),
                Some(builds.wide.clone()),
            )
        } else {
            (None, None, None)
        };
        let nested_project = crate::repository::nested_project(&root, &relative);
        Some(InRepo {
            root,
            relative,
            nested_project,
            build,
            run_docs,
            repo_wide,
        })
    }

    /// The root for a canonical directory: the nearest one at or above it with `.git` or
    /// `.github`. Every directory passed on the way is remembered, so sibling directories cost
    /// one look each.
    fn root_of(&mut self, dir: &Path) -> Option<PathBuf> {
        use crate::repository::{RootKind, root_kind};
        let mut visited = Vec::new();
        // The nearest `.github`-only directory: the root unless a `.git` is found above it.
        let mut github: Option<PathBuf> = None;
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = self.roots.get(ancestor) {
                // A root with its history wins; otherwise the nearest `.github` does.
                found = match known {
                    Some(root) if root_kind(root) == Some(RootKind::Git) => known.clone(),
                    _ => github.clone().or_else(|| known.clone()),
                };
                break;
            }
            visited.push(ancestor.to_path_buf());
            match root_kind(ancestor) {
                Some(RootKind::Git) => {
                    found = Some(ancestor.to_path_buf());
                    break;
                }
                Some(RootKind::GitHub) if github.is_none() => github = Some(ancestor.to_path_buf()),
                _ => {}
            }
            found.clone_from(&github);
        }
        for dir in visited {
            self.roots.insert(dir, found.clone());
        }
        found
    }

    /// The compose files a search of `dir` found: when `dir` is a covered root, they are its
    /// compose files.
    pub(super) fn searched(&mut self, dir: &Path, compose_files: &[PathBuf]) {
        let Ok(dir) = dir.canonicalize() else { return };
        let Some(slot) = self.covered.get_mut(&dir) else {
            return;
        };
        let relative = compose_files.iter().filter_map(|file| {
            let file = file.canonicalize().ok()?;
            Some(file.strip_prefix(&dir).ok()?.to_path_buf())
        });
        *slot = Some(relative.collect());
    }

    fn builds_of(&mut self, root: &Path) -> Arc<RepoBuilds> {
        if let Some(builds) = self.builds.get(root) {
            return builds.clone();
        }
        let plan = self
            .planned
            .remove(root)
            .or_else(|| self.receive_plan(root));
        // The thread that needs the builds parses what is left with the reading thread, rather
        // than wait for it.
        let builds = match plan {
            None => RepoBuilds::load(root),
            Some(plan) => match self.covered.get(root) {
                None => plan.finish(),
                Some(found) => {
                    let limit = MAX_CONFIG_FILES.saturating_sub(plan.file_count());
                    let compose = match found {
                        Some(found) => ReadPlan::of_compose_files(root, found, limit),
                        // The search did not report: the compose files are looked for here.
                        None => ReadPlan::of_compose_search(root, limit),
                    };
                    ReadPlan::finish_all(&[&plan, &compose])
                }
            },
        };
        let builds = announce(builds);
        self.builds.insert(root.to_path_buf(), builds.clone());
        builds
    }

    /// The plan for `root` from the reading thread, keeping those of other roots; `None` when
    /// the thread does not read it (or stopped).
    fn receive_plan(&mut self, root: &Path) -> Option<Arc<ReadPlan>> {
        if !self.read_ahead.iter().any(|r| r == root) {
            return None;
        }
        let receive = self.prefetch.as_ref()?;
        loop {
            match receive.recv() {
                Ok((read, plan)) if read == root => return Some(plan),
                Ok((read, plan)) => {
                    self.planned.insert(read, plan);
                }
                Err(_) => {
                    self.prefetch = None;
                    return None;
                }
            }
        }
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
