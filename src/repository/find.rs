//! Where the repository's root is, and which of its files say how images are built.

use std::path::{Path, PathBuf};

use super::{ConfigKind, MAX_CONFIG_FILES};

/// The repository root for a directory: the nearest one at or above it with `.git` (a
/// directory, or the file a worktree has) or `.github`.
pub fn find_root(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| is_root(d))
        .map(Path::to_path_buf)
}

/// A repository root: `.git` (a directory, or the file a worktree has) or `.github` is in it.
pub fn is_root(dir: &Path) -> bool {
    dir.join(".git").exists() || dir.join(".github").is_dir()
}

/// Directories whose Makefiles and shell scripts are read, besides the root: where projects
/// keep their build scripts.
const SCRIPT_DIRS: &[&str] = &["hack", "scripts", "script", "build", "ci", "tools"];

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
fn is_compose_name(name: &str) -> bool {
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

/// The configuration files under `root`, relative to it, in a stable order, at most
/// MAX_CONFIG_FILES.
pub fn config_files(root: &Path) -> Vec<(ConfigKind, PathBuf)> {
    let mut found = Vec::new();
    let list = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let workflows = Path::new(".github/workflows");
    for name in list(workflows) {
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            found.push((ConfigKind::Workflow, workflows.join(name)));
        }
    }
    for name in list(Path::new("")) {
        let kind = if is_bake_name(&name) {
            ConfigKind::Bake
        } else if is_goreleaser_name(&name) {
            ConfigKind::GoReleaser
        } else if name == "Tiltfile" {
            ConfigKind::Tilt
        } else if is_makefile_name(&name) {
            ConfigKind::Makefile
        } else if name.ends_with(".sh") {
            ConfigKind::Script
        } else {
            continue;
        };
        found.push((kind, PathBuf::from(name)));
    }
    for dir in SCRIPT_DIRS {
        for name in list(Path::new(dir)) {
            let kind = if is_makefile_name(&name) {
                ConfigKind::Makefile
            } else if name.ends_with(".sh") {
                ConfigKind::Script
            } else if is_bake_name(&name) {
                ConfigKind::Bake
            } else {
                continue;
            };
            found.push((kind, Path::new(dir).join(name)));
        }
    }
    compose_files(root, Path::new(""), 0, &mut found);
    found.truncate(MAX_CONFIG_FILES);
    found
}

fn compose_files(root: &Path, dir: &Path, depth: usize, found: &mut Vec<(ConfigKind, PathBuf)>) {
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
}
