//! Finding Dockerfiles under directories: `.gitignore`/`.ignore` aware, hidden directories
//! skipped (except `.github`), `--exclude` globs applied.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::ConfigError;

/// Whether a file name is a Dockerfile by convention: `Dockerfile`, `Containerfile`,
/// `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`, `*.containerfile`.
pub fn is_dockerfile_name(name: &str) -> bool {
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.ends_with(".containerfile")
}

/// The `files:` regex for pre-commit hooks, kept next to the rule it mirrors.
pub const PRE_COMMIT_FILES_REGEX: &str =
    r"(^|/)((Dockerfile|Containerfile)(\.[^/]*)?|[^/]*\.(Dockerfile|dockerfile|containerfile))$";

/// `--exclude` patterns. A pattern matches a path relative to the walked directory, or any
/// single name in it (`vendor`, `*.test.Dockerfile`).
pub fn build_excludes(patterns: &[String]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).map_err(|e| ConfigError(format!("--exclude `{pattern}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| ConfigError(format!("--exclude: {e}")))
}

fn excluded(excludes: &GlobSet, root: &Path, path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(root).unwrap_or(path);
    excludes.is_match(relative)
        || path
            .file_name()
            .is_some_and(|name| excludes.is_match(Path::new(name)))
}

/// Dockerfiles under `root`, sorted. Walk errors (unreadable directories) are returned as
/// messages next to the files that were found.
pub fn walk(root: &Path, excludes: &GlobSet) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let root_owned = root.to_path_buf();
    let filter_excludes = excludes.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            let hidden = entry.depth() > 0 && name.starts_with('.') && name != ".github";
            !hidden && !excluded(&filter_excludes, &root_owned, entry.path())
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
                    files.push(entry.into_path());
                }
            }
            Err(error) => errors.push(error.to_string()),
        }
    }
    files.sort();
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "Containerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "api.containerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "dockerfile.md",
            "Dockerfiles",
            "README.md",
            "Dockerfile-old",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn pre_commit_regex_agrees_with_names() {
        let regex = regex::Regex::new(PRE_COMMIT_FILES_REGEX).expect("valid regex");
        for path in [
            "Dockerfile",
            "a/b/Containerfile",
            "deploy/Dockerfile.prod",
            "x/api.Dockerfile",
            "api.dockerfile",
            "c.containerfile",
            "dockerfile.md",
            "Dockerfiles",
            "docs/README.md",
            "Dockerfile-old",
            "Dockerfile.d/x.txt",
        ] {
            let name = path.rsplit('/').next().unwrap_or(path);
            assert_eq!(regex.is_match(path), is_dockerfile_name(name), "{path}");
        }
    }
}
