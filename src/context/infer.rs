//! Which directory a Dockerfile is built from when nothing says (no `--context`, no config, no
//! build configuration in the repository): the one its `COPY` and `ADD` sources are in. A file
//! under `build/app/` that copies `go.mod` and `build/app/passwd` is built from the repository
//! root (`docker build -f build/app/Dockerfile .`), not from its own folder.

use std::path::{Path, PathBuf};

use crate::syntax::{Dockerfile, Keyword, parse};

/// The source words of the file's COPY and ADD from the context (not `--from`, not heredocs).
fn context_copy_sources(file: &Dockerfile) -> Vec<&str> {
    file.instructions
        .iter()
        .filter(|i| {
            matches!(i.keyword, Keyword::Copy | Keyword::Add)
                && i.flag("from").is_none()
                && i.heredocs.is_empty()
        })
        .flat_map(|i| {
            let words = i.arg_words();
            let sources = words.split_last().map_or(&[][..], |(_, from)| from);
            sources.iter().map(|w| w.value.as_str()).collect::<Vec<_>>()
        })
        .collect()
}

/// Sources of the file's COPY and ADD from the context: plain relative paths, without
/// variables, wildcards, URLs or `.` (which exists everywhere and tells nothing).
fn literal_sources(file: &Dockerfile) -> Vec<String> {
    context_copy_sources(file)
        .into_iter()
        .map(|word| word.trim_start_matches("./").trim_end_matches('/'))
        .filter(|source| {
            !(source.is_empty()
                || *source == "."
                || source.starts_with('/')
                || source.contains(['$', '*', '?', '[', '\\'])
                || source.contains("://")
                || source.split('/').any(|part| part == ".."))
        })
        .map(str::to_string)
        .collect()
}

/// Sources of the file's context copies that climb out of it (`COPY ../../csi /src`, `COPY ..
/// .`): each as how many `..` it starts with and the rest (`""` for the whole context).
/// BuildKit keeps such a path inside the context; whoever wrote it read it from the
/// Dockerfile's own folder.
fn climbing_sources(file: &Dockerfile) -> Vec<(usize, String)> {
    let mut sources = Vec::new();
    for word in context_copy_sources(file) {
        let source = word.trim_end_matches('/');
        if !(source == ".." || source.starts_with("../")) || source.contains(['$', '*', '?']) {
            continue;
        }
        let parts: Vec<&str> = source
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        let up = parts.iter().take_while(|p| **p == "..").count();
        let rest = &parts[up..];
        if rest.contains(&"..") {
            continue;
        }
        sources.push((up, rest.join("/")));
    }
    sources
}

/// The folder `up` levels above the file's own that every climbing source (all with the same
/// `up`) and every plain source are in, inside `root`: the context the paths were written for
/// (`build/csi/Dockerfile` copying `../../csi` is built from the root, where `csi` is).
fn context_of_climbing(
    own: &Path,
    climbing: &[(usize, String)],
    plain: &[String],
    root: &Path,
) -> Option<PathBuf> {
    let up = climbing.first()?.0;
    if climbing.iter().any(|(u, _)| *u != up) {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let mut dir = own.canonicalize().ok()?;
    for _ in 0..up {
        dir = dir.parent()?.to_path_buf();
    }
    let inside = dir.starts_with(&root);
    let holds = climbing.iter().all(|(_, rest)| dir.join(rest).exists())
        && plain.iter().all(|s| dir.join(s).exists());
    (inside && holds).then_some(dir)
}

/// The directory, from the file's own up to `root` (the repository's), that holds every plain
/// source the file copies, where its own folder lacks one of them. `None` when the file's
/// folder holds them (or the file names none): the default stands.
pub fn context_from_sources(file: &Path, text: &str, root: &Path) -> Option<PathBuf> {
    let own = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file = parse(text);
    let sources = literal_sources(&file);
    let climbing = climbing_sources(&file);
    if !climbing.is_empty() {
        return context_of_climbing(own, &climbing, &sources, root);
    }
    let holds_all = |dir: &Path| sources.iter().all(|s| dir.join(s).exists());
    if sources.is_empty() || holds_all(own) {
        return whole_module_above(own, &file, text, root);
    }
    let root = root.canonicalize().ok()?;
    let mut dir = own.canonicalize().ok()?;
    while dir.starts_with(&root) && dir != root {
        dir = dir.parent()?.to_path_buf();
        if holds_all(&dir) {
            return Some(dir);
        }
    }
    None
}

/// A file that copies the whole context (`COPY . .`) and runs a go command on it, in a folder
/// with no Go code of its own (`docker/node/Dockerfile` with `COPY . .` and `go build`): built
/// from the module it lies in, the nearest folder above with a go.mod, up to the root.
fn whole_module_above(own: &Path, file: &Dockerfile, text: &str, root: &Path) -> Option<PathBuf> {
    let go_code = |dir: &Path| {
        dir.join("go.mod").is_file()
            || std::fs::read_dir(dir).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".go")))
            })
    };
    if !runs_go(text) || !copies_whole_context(file) || go_code(own) {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let mut dir = own.canonicalize().ok()?;
    while dir.starts_with(&root) && dir != root {
        dir = dir.parent()?.to_path_buf();
        if dir.join("go.mod").is_file() {
            return Some(dir);
        }
    }
    None
}

/// A COPY or ADD of the context's root (`COPY . .`, `COPY ./ /src/`).
fn copies_whole_context(file: &Dockerfile) -> bool {
    file.instructions.iter().any(|instruction| {
        matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
            && instruction.flag("from").is_none()
            && instruction.heredocs.is_empty()
            && instruction
                .arg_words()
                .split_last()
                .is_some_and(|(_, from)| {
                    from.iter().any(|w| matches!(w.value.as_str(), "." | "./"))
                })
    })
}

/// A RUN of the file runs a go command that reads a module (`go build`, `go mod download`).
fn runs_go(text: &str) -> bool {
    [
        "go build",
        "go install",
        "go mod ",
        "go test",
        "go generate",
        "go vet",
    ]
    .iter()
    .any(|command| text.contains(command))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_sources_only() {
        let text = "FROM golang:1.23 AS build\nCOPY go.mod go.sum ./\nCOPY --from=x /a /b\nCOPY $SRC .\nCOPY . .\nADD https://a.io/x /x\nCOPY ./build/app/passwd /etc/passwd\nCOPY cmd/*.go ./\n";
        assert_eq!(
            literal_sources(&parse(text)),
            ["go.mod", "go.sum", "build/app/passwd"]
        );
    }

    #[test]
    fn the_folder_that_holds_the_sources_is_the_context() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("build/app")).expect("mkdir");
        std::fs::write(root.join("go.mod"), "module m\n").expect("go.mod");
        std::fs::write(root.join("build/app/passwd"), "").expect("passwd");
        let file = root.join("build/app/Dockerfile");
        let text = "FROM golang:1.23\nCOPY go.mod ./\nCOPY build/app/passwd /etc/passwd\n";
        assert_eq!(
            context_from_sources(&file, text, root),
            Some(root.canonicalize().expect("root"))
        );
        // Its own folder holds what it copies: nothing to infer.
        assert_eq!(
            context_from_sources(&file, "FROM scratch\nCOPY passwd /etc/passwd\n", root),
            None
        );
        // Nowhere holds it: nothing to infer.
        assert_eq!(
            context_from_sources(&file, "FROM scratch\nCOPY nothing /x\n", root),
            None
        );
    }

    #[test]
    fn paths_that_climb_out_of_the_folder_name_the_folder_above() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("build/csi")).expect("mkdir");
        std::fs::create_dir_all(root.join("csi")).expect("mkdir");
        std::fs::write(root.join("go.mod"), "module m\n").expect("go.mod");
        let canonical = root.canonicalize().expect("root");
        let csi = root.join("build/csi/Dockerfile");
        let text = "FROM golang:1.23\nCOPY ../../csi /src\nRUN cd /src && go build .\n";
        assert_eq!(
            context_from_sources(&csi, text, root),
            Some(canonical.clone())
        );
        let operator = root.join("build/Dockerfile");
        let text = "FROM golang:1.23\nCOPY .. .\nRUN go build .\n";
        assert_eq!(context_from_sources(&operator, text, root), Some(canonical));
        // Climbing to nothing that exists, or out of the repository: nothing to infer.
        let text = "FROM golang:1.23\nCOPY ../../nothing /src\n";
        assert_eq!(context_from_sources(&csi, text, root), None);
        let text = "FROM golang:1.23\nCOPY ../../../csi /src\n";
        assert_eq!(context_from_sources(&csi, text, root), None);
    }

    #[test]
    fn a_whole_context_built_by_go_in_a_folder_without_go_is_the_module_above() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("docker/node")).expect("mkdir");
        std::fs::write(root.join("go.mod"), "module m\n").expect("go.mod");
        let file = root.join("docker/node/Dockerfile");
        let text = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build ./cmd/node\n";
        assert_eq!(
            context_from_sources(&file, text, root),
            Some(root.canonicalize().expect("root"))
        );
        // No go command: the folder may well be the context (a static site, a config image).
        let copy_only = "FROM nginx:1.27\nCOPY . /usr/share/nginx/html\n";
        assert_eq!(context_from_sources(&file, copy_only, root), None);
        // Go code of its own: its folder is a module or a main package built from there.
        std::fs::write(root.join("docker/node/main.go"), "package main\n").expect("main.go");
        assert_eq!(context_from_sources(&file, text, root), None);
    }
}
