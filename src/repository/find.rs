//! Where the repository's root is, and which of its files say how images are built.

use std::path::{Path, PathBuf};

use super::{ConfigKind, MAX_CONFIG_FILES};

/// The repository root for a directory: the nearest one at or above it with `.git` (a
/// directory, or the file a worktree has) or `.github`.
pub fn find_root(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    let mut github = None;
    for ancestor in start.ancestors() {
        match root_kind(ancestor) {
            Some(RootKind::Git) => return Some(ancestor.to_path_buf()),
            Some(RootKind::GitHub) if github.is_none() => github = Some(ancestor.to_path_buf()),
            _ => {}
        }
    }
    github
}

/// What makes a directory a repository root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// `.git` (a directory, or the file of a worktree or submodule) is in it.
    Git,
    /// Only `.github` is: the root of a checkout without its history, unless a `.git` above
    /// says it is a project generated inside a repository (a scaffold's
    /// `testdata/project/`, which comes with its own `.github/`).
    GitHub,
}

/// Whether, and how, a directory is a repository root.
pub fn root_kind(dir: &Path) -> Option<RootKind> {
    if dir.join(".git").exists() {
        Some(RootKind::Git)
    } else if dir.join(".github").is_dir() {
        Some(RootKind::GitHub)
    } else {
        None
    }
}

/// The folder (from the root) of another project copied whole into the repository that holds
/// `relative` (a file's path from `root`): a folder below the root with its own `.github/` and a
/// go.mod whose module another account owns than the root's (volsync's `mover-restic/restic/`,
/// upstream restic kept as a source tree). Both owners must be known: a vanity path names none.
pub fn nested_project(root: &Path, relative: &Path) -> Option<PathBuf> {
    let owner_at = |dir: &Path| {
        let text = std::fs::read(dir.join("go.mod")).ok()?;
        let go_mod = crate::context::go_mod::GoMod::parse(crate::context::read_text(&text)?);
        go_mod.hosting_owner().map(str::to_ascii_lowercase)
    };
    let mut dirs: Vec<&Path> = relative.parent()?.ancestors().collect();
    // The nearest folder first, the root itself (the empty path) left out.
    dirs.retain(|d| !d.as_os_str().is_empty());
    let nested = dirs
        .into_iter()
        .find(|d| root.join(d).join(".github").is_dir())?;
    let own = owner_at(root)?;
    let other = owner_at(&root.join(nested))?;
    (own != other).then(|| nested.to_path_buf())
}

/// A repository root: `.git` or `.github` is in it (see [`root_kind`]).
pub fn is_root(dir: &Path) -> bool {
    root_kind(dir).is_some()
}

/// Directories whose Makefiles and shell scripts are read, besides the root: where projects
/// keep their build scripts.
const SCRIPT_DIRS: &[&str] = &[
    "hack", "scripts", "script", "build", "ci", "tools", "test", "tests", "e2e",
];

/// Directories never searched for compose files: dependencies and test data.
const SKIPPED_DIRS: &[&str] = &[
    "vendor",
    "node_modules",
    "third_party",
    "testdata",
    ".git",
    "target",
];

/// How deep compose files are looked for (`deploy/local/compose.yaml` is 3).
const COMPOSE_DEPTH: usize = 4;

/// A compose file's name: `compose.yaml`, `docker-compose.yml`, and their variants
/// (`docker-compose.dev.yml`, `compose.override.yaml`).
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("compose") || lower.starts_with("docker-compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

fn is_bake_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("docker-bake") && (lower.ends_with(".hcl") || lower.ends_with(".json"))
}

fn is_goreleaser_name(name: &str) -> bool {
    matches!(
        name,
        ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml"
    )
}

fn is_makefile_name(name: &str) -> bool {
    name == "Makefile" || name == "makefile" || name == "GNUmakefile" || name.ends_with(".mk")
}

/// Whether a file found by another search (`rel`, relative to the root) is one of the compose
/// files the compose search would find: the same names, depth and skipped directories.
pub fn is_compose_file(rel: &Path) -> bool {
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let dirs: Vec<_> = rel
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .collect();
    is_compose_name(name)
        && dirs.len() <= COMPOSE_DEPTH
        && dirs.iter().all(|c| match c {
            std::path::Component::Normal(dir) => dir
                .to_str()
                .is_some_and(|d| !d.starts_with('.') && !SKIPPED_DIRS.contains(&d)),
            _ => false,
        })
}

/// The configuration files under `root`, relative to it, in a stable order, at most
/// MAX_CONFIG_FILES. Compose files are searched for only with `search_compose`: when the
/// CLI's own search covers the whole repository, it hands them over instead (the search for
/// them is a walk of the tree's top levels, the most costly part of finding configurations).
pub fn config_files(root: &Path, search_compose: bool) -> Vec<(ConfigKind, PathBuf)> {
    let mut found = Vec::new();
    // The names in a folder, files or folders, in name order.
    let entries = |dir: &Path, folders: bool| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.file_type()
                            .is_ok_and(|t| if folders { t.is_dir() } else { t.is_file() })
                    })
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let list = |dir: &Path| entries(dir, false);
    let workflows = Path::new(".github/workflows");
    for name in list(workflows) {
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            found.push((ConfigKind::Workflow, workflows.join(name)));
        }
    }
    // The repository's own composite actions, one folder each (`.github/actions/build/`).
    let actions = Path::new(".github/actions");
    for dir in entries(actions, true) {
        let dir = actions.join(dir);
        if let Some(name) = list(&dir)
            .into_iter()
            .find(|n| n == "action.yml" || n == "action.yaml")
        {
            found.push((ConfigKind::Action, dir.join(name)));
        }
    }
    // GitLab CI: the pipeline, and the files it includes from `.gitlab/` (`.gitlab/ci/*.yml`).
    let gitlab = Path::new(".gitlab");
    let gitlab_dirs = std::iter::once(gitlab.to_path_buf()).chain(
        entries(gitlab, true)
            .into_iter()
            .map(|sub| gitlab.join(sub)),
    );
    for dir in gitlab_dirs {
        for name in list(&dir) {
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                found.push((ConfigKind::GitLab, dir.join(name)));
            }
        }
    }
    for name in list(Path::new("")) {
        let kind = if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" {
            ConfigKind::GitLab
        } else if is_bake_name(&name) {
            ConfigKind::Bake
        } else if is_goreleaser_name(&name) {
            ConfigKind::GoReleaser
        } else if super::taskfile::TASKFILE_NAMES.contains(&name.as_str()) {
            ConfigKind::Taskfile
        } else if name == "Tiltfile" {
            ConfigKind::Tilt
        } else if super::devspace::DEVSPACE_NAMES.contains(&name.as_str()) {
            ConfigKind::DevSpace
        } else if is_makefile_name(&name) {
            ConfigKind::Makefile
        } else if name.ends_with(".sh") {
            ConfigKind::Script
        } else {
            continue;
        };
        found.push((kind, PathBuf::from(name)));
    }
    // A script folder and the folders in it (`scripts/docker/build.sh`): projects group their
    // build scripts by what they build.
    let script_dirs = SCRIPT_DIRS.iter().flat_map(|dir| {
        let dir = Path::new(dir);
        std::iter::once(dir.to_path_buf())
            .chain(entries(dir, true).into_iter().map(|sub| dir.join(sub)))
    });
    for dir in script_dirs {
        for name in list(&dir) {
            let kind = if is_makefile_name(&name) {
                ConfigKind::Makefile
            } else if name.ends_with(".sh") {
                ConfigKind::Script
            } else if is_bake_name(&name) {
                ConfigKind::Bake
            } else {
                continue;
            };
            found.push((kind, dir.join(name)));
        }
    }
    if search_compose {
        compose_files(root, Path::new(""), 0, &mut found);
    }
    found.truncate(MAX_CONFIG_FILES);
    found
}

pub(super) fn compose_files(
    root: &Path,
    dir: &Path,
    depth: usize,
    found: &mut Vec<(ConfigKind, PathBuf)>,
) {
    if depth > COMPOSE_DEPTH || found.len() >= MAX_CONFIG_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    let mut entries: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let kind = e.file_type().ok()?;
            // Symlinks are not followed: a link can leave the tree or make a cycle.
            (!kind.is_symlink()).then_some(())?;
            Some((e.file_name().into_string().ok()?, kind.is_dir()))
        })
        .collect();
    entries.sort();
    for (name, is_dir) in entries {
        if is_dir {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                compose_files(root, &dir.join(&name), depth + 1, found);
            }
        } else if is_compose_name(&name) {
            found.push((ConfigKind::Compose, dir.join(name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_compose_name("docker-compose.dev.yml"));
        assert!(is_compose_name("compose.yaml"));
        assert!(!is_compose_name("composer.json"));
        assert!(is_bake_name("docker-bake.override.hcl"));
        assert!(is_makefile_name("docker.mk"));
    }

    #[test]
    fn compose_files_found_elsewhere_are_taken_as_the_search_would() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rel in [
            "compose.yaml",
            "deploy/local/dev/x/docker-compose.yml",
            "deploy/local/dev/x/y/compose.yaml",
            "vendor/a/compose.yaml",
            ".devcontainer/compose.yaml",
            "test/compose.override.yml",
            "test/composer.json",
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, "").expect("write");
        }
        let searched: Vec<PathBuf> = config_files(root, true)
            .into_iter()
            .map(|(_, rel)| rel)
            .collect();
        assert_eq!(searched.len(), 3);
        for rel in &searched {
            assert!(is_compose_file(rel), "{}", rel.display());
        }
        for rel in [
            "deploy/local/dev/x/y/compose.yaml",
            "vendor/a/compose.yaml",
            ".devcontainer/compose.yaml",
            "test/composer.json",
        ] {
            assert!(!is_compose_file(Path::new(rel)), "{rel}");
        }
        assert!(config_files(root, false).is_empty());
    }
}
