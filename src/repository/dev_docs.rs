//! What a project's developer documentation says its Makefile targets build: "To build a
//! development Docker image: `make docker`" makes the images of `make docker` development
//! images, whatever the Dockerfile is named.

use std::path::Path;

/// The documentation files read, at the root: where projects tell contributors how to build.
const DEVELOPER_DOCS: &[&str] = &[
    "DEVELOP.md",
    "DEVELOPMENT.md",
    "DEVELOPING.md",
    "CONTRIBUTING.md",
    "HACKING.md",
    "README.md",
];

/// Each file is read up to this size.
const MAX_DOC_BYTES: u64 = 256 * 1024;

/// How many lines after the sentence the command may come (a blank line and a code fence).
const COMMAND_WITHIN: usize = 5;

/// The Makefile targets the root's developer documentation says build a development image,
/// each with the file that says so.
pub(super) fn documented_dev_targets(root: &Path) -> Vec<(String, &'static str)> {
    let mut targets: Vec<(String, &'static str)> = Vec::new();
    for name in DEVELOPER_DOCS {
        let path = root.join(name);
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_DOC_BYTES);
        if let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() {
            for target in dev_targets_in(&text) {
                if !targets.iter().any(|(t, _)| *t == target) {
                    targets.push((target, name));
                }
            }
        }
    }
    targets
}

/// A sentence that says it builds a development image ("To build a development Docker
/// image:", "build the dev image"): it names development and an image, and is not a heading
/// of a list of several images.
fn says_dev_image(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.contains(&"build")
        && words
            .iter()
            .any(|w| matches!(*w, "development" | "dev" | "local"))
        && words.iter().any(|w| matches!(*w, "image" | "container"))
        && !words.iter().any(|w| matches!(*w, "production" | "release"))
}

/// `make docker`, `$ make dev-image`: the target a command line runs, if it runs make with one.
fn make_target(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('$').trim_start();
    let rest = line.strip_prefix("make ")?;
    let target = rest.split_whitespace().next()?;
    let ok = target
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    (ok && !target.contains('=')).then(|| target.to_string())
}

fn dev_targets_in(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !says_dev_image(line) {
            continue;
        }
        // The command on the sentence's own line (`run `make docker` to build the dev image`)
        // or in the lines after it, before the next sentence.
        let inline = line.split('`').skip(1).step_by(2).find_map(make_target);
        let after = lines[i + 1..]
            .iter()
            .take(COMMAND_WITHIN)
            .take_while(|l| !says_dev_image(l) && !l.trim_start().starts_with('#'))
            .find_map(|l| make_target(l));
        out.extend(inline.or(after));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_development_image_sentence_names_its_make_target() {
        let text = "## Build Docker image\n\nTo build a development Docker image:\n\n```shell\nmake docker\n```\n";
        assert_eq!(dev_targets_in(text), ["docker"]);
        assert_eq!(
            dev_targets_in("Run `make dev-image` to build the dev image.\n"),
            ["dev-image"]
        );
        assert_eq!(
            dev_targets_in("Build a local image for testing:\n\n    $ make image\n"),
            ["image"]
        );
    }

    #[test]
    fn other_sentences_and_commands_name_nothing() {
        // Production images, commands far from the sentence, make with variables only.
        assert!(dev_targets_in("To build the production image:\n\nmake docker\n").is_empty());
        assert!(dev_targets_in("Build a development image.\n\n\n\n\n\n\nmake docker\n").is_empty());
        assert!(dev_targets_in("To build the dev image:\n\nmake VERSION=1\n").is_empty());
        assert!(dev_targets_in("To build the binary:\n\nmake build\n").is_empty());
        // A heading ends the paragraph the command must be in.
        assert!(
            dev_targets_in("Build the dev image as below.\n## Release\nmake release\n").is_empty()
        );
    }
}
