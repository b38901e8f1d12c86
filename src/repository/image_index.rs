//! What a repository's README says one of its image directories is for: the README beside
//! the Dockerfile, by its first paragraph, or an index of images above it. Projects that keep
//! several images under one folder often describe them in that folder's README, as a table or
//! a list (`images/README.md`: "fastcgi-helloserver | FastCGI application for e2e tests"),
//! which is the maintainers' own word on which images are examples or test fixtures.

use std::path::Path;

use crate::knowledge::conventions::{Intent, comment_intent, index_row_intent};

/// How far above the Dockerfile a described directory may be (`images/NAME/rootfs/Dockerfile`
/// is described in `images/README.md` as `NAME`).
const LEVELS: usize = 3;

/// README files larger than this are not an index of images.
const MAX_README_BYTES: u64 = 256 * 1024;

const README_NAMES: &[&str] = &["README.md", "readme.md", "Readme.md"];

/// A README row that describes the directory a Dockerfile is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedPurpose {
    pub intent: Intent,
    /// The README, relative to the repository root, and the row's line (1-based).
    pub readme: String,
    pub line: usize,
    /// The described directory's name.
    pub dir: String,
    /// The words of the row that say what it is for.
    pub phrase: &'static str,
}

/// The README row that describes one of the Dockerfile's directories (the nearest first), when
/// it says the image is a test, CI, development or example image.
#[cfg(test)]
fn indexed_purpose(root: &Path, dockerfile: &str) -> Option<IndexedPurpose> {
    indexed_purpose_with(dockerfile, |relative| {
        read_readme(&root.join(relative)).map(std::sync::Arc::from)
    })
}

/// A README's text, when it is a file small enough to be an index.
pub fn read_readme(path: &Path) -> Option<String> {
    let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_README_BYTES);
    if !small {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// [`indexed_purpose`], reading each README (by its path relative to the root) with `read`,
/// which may remember what it read: the Dockerfiles of one folder share its README.
pub fn indexed_purpose_with(
    dockerfile: &str,
    read: impl Fn(&str) -> Option<std::sync::Arc<str>>,
) -> Option<IndexedPurpose> {
    let parts: Vec<&str> = dockerfile.split('/').filter(|p| !p.is_empty()).collect();
    let dirs = parts.split_last()?.1;
    // The README beside the Dockerfile, when its first paragraph says what the image is for
    // ("This dockerfile builds a container from the current source: ideal for testing your
    // branch"). The root's README describes the project, not one image.
    if let Some(name) = dirs.last() {
        let own = dirs.join("/");
        for readme in README_NAMES {
            let relative = format!("{own}/{readme}");
            let Some(text) = read(&relative) else {
                continue;
            };
            if let Some((line, intent, phrase)) = opening_statement(&text) {
                return Some(IndexedPurpose {
                    intent,
                    readme: relative,
                    line,
                    dir: name.to_string(),
                    phrase,
                });
            }
            break;
        }
    }
    for depth in (1..=dirs.len()).rev().take(LEVELS) {
        let name = dirs[depth - 1];
        let parent = dirs[..depth - 1].join("/");
        for readme in README_NAMES {
            let relative = if parent.is_empty() {
                readme.to_string()
            } else {
                format!("{parent}/{readme}")
            };
            let Some(text) = read(&relative) else {
                continue;
            };
            if let Some((line, intent, phrase)) = describing_row(&text, name) {
                return Some(IndexedPurpose {
                    intent,
                    readme: relative,
                    line,
                    dir: name.to_string(),
                    phrase,
                });
            }
            // "This directory contains all images used by tests.": the README speaks for
            // every image below its folder.
            if let (Some(folder), Some((line, intent, phrase))) = (
                parent.rsplit('/').next().filter(|f| !f.is_empty()),
                opening_statement(&text),
            ) {
                return Some(IndexedPurpose {
                    intent,
                    readme: relative,
                    line,
                    dir: folder.to_string(),
                    phrase,
                });
            }
            break;
        }
    }
    None
}

/// The first table row or list item whose first cell or word names `dir`, with what its
/// description says the image is for.
fn describing_row(text: &str, dir: &str) -> Option<(usize, Intent, &'static str)> {
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        // A table row, with or without its leading pipe.
        let (head, description) = if line.contains('|') {
            let row = line.strip_prefix('|').unwrap_or(line);
            let mut cells = row.split('|');
            let head = cells.next()?;
            (head, cells.collect::<Vec<_>>().join(" "))
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            let item = item.trim_start();
            let end = item.find([' ', ':', '\t']).unwrap_or(item.len());
            (&item[..end], item[end..].to_string())
        } else {
            continue;
        };
        if bare_name(head) != dir {
            continue;
        }
        if let Some((intent, phrase)) = index_row_intent(&description) {
            return Some((index + 1, intent, phrase));
        }
    }
    None
}

/// What a README's first paragraph says the images of its folder are for, when it speaks of
/// images at all ("This directory contains all images used by tests"), with its line.
fn opening_statement(text: &str) -> Option<(usize, Intent, &'static str)> {
    let mut start = None;
    let mut paragraph = String::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let prose = !line.is_empty() && !line.starts_with(['#', '!', '[', '<', '|', '`']);
        match (start, prose) {
            (None, true) => {
                start = Some(index + 1);
                paragraph.push_str(line);
            }
            (None, false) => {}
            (Some(_), true) => {
                paragraph.push(' ');
                paragraph.push_str(line);
            }
            (Some(_), false) => break,
        }
    }
    let lower = paragraph.to_ascii_lowercase();
    if !["image", "container", "dockerfile"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return None;
    }
    let (intent, phrase) = comment_intent(&paragraph)?;
    Some((start?, intent, phrase))
}

/// A cell's name without Markdown: `**name**`, `` `name` ``, `[name](link)`, `name/`, `name:`.
fn bare_name(cell: &str) -> &str {
    let cell = cell.trim().trim_matches(['*', '`', '_']);
    let cell = match cell.strip_prefix('[') {
        Some(linked) => linked.split(']').next().unwrap_or(linked),
        None => cell,
    };
    cell.trim_matches(['*', '`', '_', ':'])
        .trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_and_list_items_describe_directories() {
        let table = "Directory | Purpose\n---|---\n| nginx | NGINX base image |\n| [fastcgi-helloserver](fastcgi-helloserver/) | FastCGI application for e2e tests |\n| custom-error-pages | Example of custom error pages |\n";
        assert_eq!(
            describing_row(table, "fastcgi-helloserver"),
            Some((4, Intent::Test, "e2e test"))
        );
        assert_eq!(
            describing_row(table, "custom-error-pages"),
            Some((5, Intent::Example, "example"))
        );
        assert_eq!(describing_row(table, "nginx"), None);
        let bare = "Directory | Purpose\n--- | ---\nhttpbun    | A service for e2e tests\n";
        assert_eq!(
            describing_row(bare, "httpbun"),
            Some((3, Intent::Test, "e2e test"))
        );
        let list = "# Images\n\n- `mock-api`: a mock server for the SDK tests\n- **server**: the API server\n";
        assert_eq!(
            describing_row(list, "mock-api"),
            Some((3, Intent::Test, "mock server"))
        );
        assert_eq!(describing_row(list, "server"), None);
        // A name inside prose is not a row about it.
        assert_eq!(describing_row("See the demo in server.\n", "server"), None);
    }

    /// A repository holding `files` (path, text).
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let path = dir.path().join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn the_nearest_described_directory_is_read() {
        let dir = tree(&[(
            "images/README.md",
            "| httpbun | HTTP service for e2e tests |\n",
        )]);
        let root = dir.path();
        let found = indexed_purpose(root, "images/httpbun/rootfs/Dockerfile").expect("found");
        assert_eq!(found.readme, "images/README.md");
        assert_eq!((found.line, found.intent), (1, Intent::Test));
        assert_eq!(indexed_purpose(root, "images/nginx/Dockerfile"), None);
    }

    #[test]
    fn a_readme_that_opens_with_the_folder_purpose_speaks_for_its_images() {
        let dir = tree(&[(
            "images/README.md",
            "# Container Images\n\nThis directory contains all images used by tests.\n\n## Why make?\n",
        )]);
        let root = dir.path();
        let found = indexed_purpose(root, "images/gpu/bench/Dockerfile").expect("found");
        assert_eq!(found.readme, "images/README.md");
        assert_eq!(
            (found.line, found.intent, found.dir.as_str()),
            (3, Intent::Test, "images")
        );
        // A first paragraph about something else says nothing of the images.
        std::fs::write(
            root.join("images/README.md"),
            "# Images\n\nThe images we publish; the tests use them too.\n",
        )
        .expect("write");
        assert_eq!(indexed_purpose(root, "images/gpu/bench/Dockerfile"), None);
    }

    #[test]
    fn the_readme_beside_the_dockerfile_speaks_for_it() {
        let dir = tree(&[(
            "docker/build/README.md",
            "# Introduction\n\nThis dockerfile builds a container from the current source code.\nIt is ideal for testing your branch.\n",
        )]);
        let root = dir.path();
        let found = indexed_purpose(root, "docker/build/Dockerfile").expect("found");
        assert_eq!(found.readme, "docker/build/README.md");
        assert_eq!(
            (found.line, found.intent, found.dir.as_str()),
            (3, Intent::Test, "build")
        );
        // The root's README is the project's, not one image's.
        std::fs::write(
            root.join("README.md"),
            "This container image is for testing.\n",
        )
        .expect("write");
        assert_eq!(indexed_purpose(root, "Dockerfile"), None);
    }
}
