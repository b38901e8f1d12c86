//! Finding Dockerfiles under directories: `.gitignore`/`.ignore` aware, templates and
//! copies kept aside (`Dockerfile.old`) left out,
//! hidden directories skipped (except `.github`), Go's ignored directories skipped (`testdata`,
//! and the dependency trees `vendor` and `node_modules`), `--exclude` globs applied.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::ConfigError;

/// Whether a file name is a Dockerfile by convention: `Dockerfile`, `Containerfile`,
/// `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`, `*.containerfile`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let conventional = name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.ends_with(".containerfile");
    conventional && !is_companion_name(name)
}

/// Extensions of files that sit beside a Dockerfile under its name but are not one: its
/// ignore file (`Dockerfile.dockerignore`), documentation (`Dockerfile.5.md`, a man page's
/// source), editor and merge leftovers.
const COMPANION_EXTENSIONS: &[&str] = &[
    ".dockerignore",
    ".md",
    ".mdx",
    ".markdown",
    ".rst",
    ".txt",
    ".adoc",
    ".html",
    ".orig",
    ".rej",
    ".bak",
    ".swp",
];

fn is_companion_name(name: &str) -> bool {
    companion_extension(name).is_some()
}

/// The companion extension of a file name (`.dockerignore`, `.orig`), if it has one.
pub fn companion_extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    COMPANION_EXTENSIONS
        .iter()
        .copied()
        .find(|ext| lower.ends_with(ext))
}

/// Extensions of documents, which may be named after Dockerfiles they describe
/// (`append-dockerfile-instructions.mdx`) but are prose.
const DOCUMENT_EXTENSIONS: &[&str] = &[".md", ".mdx", ".markdown", ".rst", ".adoc", ".html"];

/// The document extension of a file name (`.mdx`), if it has one.
pub fn document_extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    DOCUMENT_EXTENSIONS
        .iter()
        .copied()
        .find(|ext| lower.ends_with(ext))
}

/// Template extensions: a `Dockerfile.tmpl` is rendered into a Dockerfile, and is not one.
const TEMPLATE_EXTENSIONS: &[&str] = &[
    ".tmpl",
    ".tpl",
    ".template",
    ".j2",
    ".jinja",
    ".jinja2",
    ".gotmpl",
    ".in",
    ".erb",
    ".mustache",
    ".hbs",
];

/// Whether a file name is a template's: `Dockerfile.tmpl`, `Dockerfile.in`, `api.Dockerfile.j2`.
pub fn is_template_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TEMPLATE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

/// Extensions of a copy kept aside: a saved old version, a file switched off by renaming
/// (`Dockerfile.old`, `Dockerfile.disabled`). Nothing builds it. (Editor and merge leftovers,
/// `.bak`, `.orig`, are companions, which are not Dockerfile names at all.)
const LEFTOVER_EXTENSIONS: &[&str] = &[
    ".old",
    ".backup",
    ".save",
    ".disabled",
    ".deprecated",
    ".unused",
];

/// Whether a file name is a leftover's: `Dockerfile.old`, `Dockerfile.disabled`.
/// Searches skip it; named on the command line it is linted.
pub fn is_leftover_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    LEFTOVER_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

/// Whether a Dockerfile's text is a template: a FROM line holds template syntax (`{{ .Base }}`,
/// `{% if %}`, `<%= image %>`), which no Dockerfile parser reads.
pub fn is_template_text(text: &str) -> bool {
    template_from_line(text).is_some()
}

/// The byte offset and length of the first FROM line with template syntax, or the first line
/// that a template tag or a whole-line placeholder stands for.
pub fn template_from_line(text: &str) -> Option<(usize, usize)> {
    // Most files hold none of the markers: one fast substring search each, not a line walk.
    let marked = ["{{", "{%", "<%", "\n${"].iter().any(|m| text.contains(m))
        || text.trim_start().starts_with("${");
    if !marked {
        return None;
    }
    let mut offset = 0;
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let after_continuation = std::mem::replace(&mut continued, line.trim_end().ends_with('\\'));
        // A heredoc's body may hold any line (a `cat <<EOF` list with `${PKG}` in it): stop
        // reading rather than track its end, as stand-in lines are read.
        if trimmed.contains("<<") {
            return None;
        }
        let is_from = trimmed
            .get(..5)
            .is_some_and(|word| word.eq_ignore_ascii_case("from "));
        // A whole line that is a placeholder (`${LABELS}` for envsubst) stands where an
        // instruction must be.
        let placeholder_line = trimmed.starts_with("${") && trimmed.trim_end().ends_with('}');
        // A line that starts with a template tag (`{% extends "base" %}`, `{{ if .Debug }}`)
        // stands where an instruction must, unless it continues the line above.
        let tag_line =
            !after_continuation && (trimmed.starts_with("{%") || trimmed.starts_with("{{"));
        if (is_from && ["{{", "{%", "<%"].iter().any(|m| trimmed.contains(m)))
            || placeholder_line
            || tag_line
        {
            return Some((offset, line.trim_end().len()));
        }
        offset += line.len();
    }
    None
}

/// Why a line marks a file as an excerpt or a template rather than a Dockerfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandIn {
    /// `...` where instructions are left out: documentation shows part of a file.
    Elision,
    /// A bare word a script replaces (`CMD1`, `@ENTRYPOINT@`): `sed` renders the file.
    Placeholder,
}

/// The byte offset and length of the first line, where an instruction must start, that stands
/// in for instructions: an elision (`...`) or a placeholder word. No Dockerfile holds either:
/// BuildKit rejects the line.
pub fn stand_in_line(text: &str) -> Option<(usize, usize, StandIn)> {
    let mut offset = 0;
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        // A heredoc's body may hold any line: stop reading rather than track its end.
        if trimmed.contains("<<") {
            return None;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at_instruction = !continued;
        continued = trimmed.ends_with('\\') || trimmed.ends_with('`');
        if !at_instruction {
            continue;
        }
        let kind = if matches!(trimmed, "..." | "…" | "[...]") {
            StandIn::Elision
        } else if is_placeholder_word(trimmed) {
            StandIn::Placeholder
        } else {
            continue;
        };
        let lead = line.len() - line.trim_start().len();
        return Some((start + lead, trimmed.len(), kind));
    }
    None
}

/// `CMD1`, `BASE_IMAGE`, `@ENTRYPOINT@`, `%%CMD%%`, `__RUN__`: one word, upper case, not an
/// instruction.
fn is_placeholder_word(word: &str) -> bool {
    let inner = word.trim_matches(['@', '%', '_']);
    let wrapped = inner.len() < word.len();
    let upper = !inner.is_empty()
        && inner.starts_with(|c: char| c.is_ascii_uppercase())
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    upper && (wrapped || crate::syntax::Keyword::parse(inner) == crate::syntax::Keyword::Unknown)
}

/// The `files:` regex for pre-commit hooks, kept next to the rule it mirrors.
pub const PRE_COMMIT_FILES_REGEX: &str =
    r"(^|/)((Dockerfile|Containerfile)(\.[^/]*)?|[^/]*\.(Dockerfile|dockerfile|containerfile))$";

/// Directories a search never enters below the directory it starts from: the go tool ignores
/// `testdata`, and `vendor` and `node_modules` hold other projects' files. A directory named
/// on the command line is still searched, and a file named there is always linted.
pub const SKIPPED_DIRS: &[&str] = &["testdata", "vendor", "node_modules"];

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

/// What a search of a directory found.
#[derive(Debug, Default)]
pub struct Found {
    /// Dockerfiles, sorted.
    pub dockerfiles: Vec<PathBuf>,
    /// Compose files, seen on the way: the repository's configurations need them, and this
    /// search has already walked the tree.
    pub compose_files: Vec<PathBuf>,
    /// Walk errors (unreadable directories), as messages.
    pub errors: Vec<String>,
}

/// Dockerfiles under `root`. Walk errors are returned next to the files that were found.
pub fn walk(root: &Path, excludes: &GlobSet) -> Found {
    let mut found = Found::default();
    let root_owned = root.to_path_buf();
    let filter_excludes = excludes.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            let below = entry.depth() > 0;
            let hidden = below && name.starts_with('.') && name != ".github";
            let skipped = below
                && entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&name.as_ref());
            !hidden && !skipped && !excluded(&filter_excludes, &root_owned, entry.path())
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let name = entry.file_name().to_string_lossy();
                // Templates by name are skipped here; by content, where the file is read to
                // be linted (`cli::files`), so no file is read twice.
                if is_file
                    && is_dockerfile_name(&name)
                    && !is_template_name(&name)
                    && !is_leftover_name(&name)
                {
                    found.dockerfiles.push(entry.into_path());
                } else if is_file && crate::repository::is_compose_name(&name) {
                    found.compose_files.push(entry.into_path());
                }
            }
            Err(error) => found.errors.push(error.to_string()),
        }
    }
    found.dockerfiles.sort();
    found
}

/// A Dockerfile switched off: every line that is not blank is a comment, and one of them is a
/// commented-out FROM (`# FROM golang:1.22 AS build`). The number of that line; nothing builds
/// such a file, though BuildKit would reject it for having no instructions.
pub fn switched_off(text: &str) -> Option<usize> {
    let mut from = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let comment = line.strip_prefix('#')?.trim_start();
        if from.is_none()
            && comment
                .get(..5)
                .is_some_and(|w| w.eq_ignore_ascii_case("from "))
        {
            from = Some(index + 1);
        }
    }
    from
}

/// A text of prose, of which no line starts with a Dockerfile instruction (`this is a
/// dockerfile`, the test data of a tool that counts languages): the first line's number and
/// word. Its first line starts with three words of letters; a lone path (`contrib/docker/Dockerfile`, a
/// symlink committed as a file, which `docker build` fails on) is a broken Dockerfile, GL000's.
/// A real Dockerfile, however broken, has a FROM or a RUN somewhere, so the scan of one ends
/// early.
pub fn prose_start(text: &str) -> Option<(usize, &str)> {
    let mut first = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let word = words.next().unwrap_or(line);
        if crate::syntax::Keyword::parse(word) != crate::syntax::Keyword::Unknown {
            return None;
        }
        if first.is_none() {
            // Three words of letters read as a sentence; `FORM alpine` is a typo.
            let letters = |w: &str| w.chars().all(char::is_alphabetic);
            let sentence = letters(word) && words.take(2).filter(|w| letters(w)).count() == 2;
            if !sentence {
                return None;
            }
            first = Some((i + 1, word));
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_no_dockerfile_but_a_lone_path_is_a_broken_one() {
        assert_eq!(prose_start("this is a dockerfile\n"), Some((1, "this")));
        assert_eq!(
            prose_start("# data\n\nHello big world\n"),
            Some((3, "Hello"))
        );
        assert_eq!(prose_start("contrib/docker/Dockerfile"), None);
        assert_eq!(prose_start("FORM alpine\n"), None);
        assert_eq!(prose_start("this is\nFROM alpine\n"), None);
        assert_eq!(prose_start(""), None);
    }

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
            "Dockerfile.5.md",
            "Dockerfile.dockerignore",
            "Dockerfile.orig",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn templates_are_not_dockerfiles() {
        for name in ["Dockerfile.tmpl", "Dockerfile.in", "Dockerfile.template"] {
            assert!(is_dockerfile_name(name) && is_template_name(name), "{name}");
        }
        assert!(is_template_name("api.Dockerfile.j2"));
        for name in ["Dockerfile.old", "Dockerfile.backup", "Dockerfile.disabled"] {
            assert!(is_dockerfile_name(name) && is_leftover_name(name), "{name}");
        }
        assert!(!is_leftover_name("Dockerfile.golang"));
        assert!(!is_leftover_name("Dockerfile.bold"));
        assert!(!is_template_name("Dockerfile.integration"));
        assert!(is_template_text(
            "# x\nFROM {{ .Image }}:{{ .Tag }}\nRUN x\n"
        ));
        assert!(is_template_text(
            "FROM {% if arm %}arm64v8/{% endif %}alpine\n"
        ));
        assert!(!is_template_text("FROM alpine\nRUN echo '{{ x }}'\n"));
        // Jinja's inheritance: the file is blocks filled into a base template.
        assert!(is_template_text(
            "{% extends \"Dockerfile.template\" %}\n\n{% block build -%}\nCOPY a b\n{% endblock -%}\n"
        ));
        // A template value on a continued line is an argument, not a tag line.
        assert!(!is_template_text("FROM alpine\nRUN echo \\\n  {{x}}\n"));
        assert_eq!(template_from_line("FROM a\nfrom {{x}}\n"), Some((7, 10)));
        // Lines of any text, non-ASCII included, are read without panicking.
        assert!(!is_template_text("#  ├── file.txt\nFROM alpine\n"));
        assert!(!is_template_text("ü\nFRO\n"));
        assert!(is_template_text("FROM scratch\n${LABELS}\nCOPY a /a\n"));
        // A line of a heredoc's body is the shell's, not an instruction.
        assert!(!is_template_text(
            "FROM alpine\nRUN <<-'SHELL'\ncat <<EOF\n${PGAUDIT_PKG}\nEOF\nSHELL\n"
        ));
    }

    #[test]
    fn excerpts_and_placeholders_stand_in_for_instructions() {
        let kind = |text: &str| stand_in_line(text).map(|(_, _, kind)| kind);
        assert_eq!(
            stand_in_line("FROM golang:1.24 AS build\n...\nFROM scratch\n"),
            Some((26, 3, StandIn::Elision))
        );
        assert_eq!(kind("FROM alpine\n  …\n"), Some(StandIn::Elision));
        assert_eq!(kind("FROM alpine\nCMD1\n"), Some(StandIn::Placeholder));
        assert_eq!(
            kind("FROM alpine\n@ENTRYPOINT@\n"),
            Some(StandIn::Placeholder)
        );
        // Instructions, words inside a continued command, heredoc bodies and comments are not.
        assert_eq!(kind("FROM alpine\nEXPOSE\nUSER\n"), None);
        assert_eq!(kind("FROM alpine\nRUN echo a \\\n  ...\n"), None);
        assert_eq!(kind("FROM alpine\nRUN <<EOF\n...\nEOF\n"), None);
        assert_eq!(kind("FROM alpine\n# ...\nRUN true\n"), None);
        assert_eq!(kind("FROM alpine\nrunn\n"), None);
    }

    #[test]
    fn go_ignored_directories_are_skipped_below_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for sub in [
            "",
            "testdata",
            "vendor/x",
            "node_modules/y",
            "svc",
            "testdata-extra",
            ".devcontainer",
        ] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
            std::fs::write(root.join(sub).join("Dockerfile"), "FROM scratch\n").expect("write");
        }
        let excludes = build_excludes(&[]).expect("no excludes");
        let names = |found: Vec<PathBuf>| -> Vec<String> {
            found
                .iter()
                .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
                .collect()
        };
        std::fs::write(root.join("svc/compose.yaml"), "").expect("write");
        // A copy kept aside is no Dockerfile anything builds.
        std::fs::write(root.join("svc/Dockerfile.old"), "FROM scratch\n").expect("write");
        let found = walk(root, &excludes);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        assert_eq!(
            names(found.dockerfiles),
            ["Dockerfile", "svc/Dockerfile", "testdata-extra/Dockerfile"]
        );
        assert_eq!(names(found.compose_files), ["svc/compose.yaml"]);
        // Named as the directory to search, testdata is searched.
        let found = walk(&root.join("testdata"), &excludes);
        assert_eq!(found.dockerfiles.len(), 1);
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
