//! A project generated inside a repository (a scaffold's `testdata/project/`, with its own
//! `.github/`) belongs to the repository: the root is the nearest directory with `.git`, and a
//! `.github`-only directory is a root only where no `.git` is above it.

mod common;

use common::{stdout_in, write};

/// A service image, as a scaffold writes it: unstripped (GL003 where it ships).
const SCAFFOLDED: &str = "FROM golang:1.24 AS builder
WORKDIR /workspace
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -o manager cmd/main.go

FROM gcr.io/distroless/static:nonroot
COPY --from=builder /workspace/manager /manager
USER 65532:65532
ENTRYPOINT [\"/manager\"]
";

fn project(dir: &std::path::Path, at: &str) {
    write(dir, &format!("{at}/Dockerfile"), SCAFFOLDED);
    write(
        dir,
        &format!("{at}/go.mod"),
        "module example.com/project\n\ngo 1.24\n",
    );
    write(dir, &format!("{at}/go.sum"), "");
    write(dir, &format!("{at}/.dockerignore"), ".git\n");
    write(
        dir,
        &format!("{at}/.github/workflows/test.yml"),
        "on: push\njobs: {}\n",
    );
}

#[test]
fn a_generated_project_belongs_to_the_repository_around_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    project(dir.path(), "testdata/project-v4");
    let shown = stdout_in(
        dir.path(),
        &["--show-model", "testdata/project-v4/Dockerfile"],
    );
    assert!(shown.contains("class: test (by the directory)"), "{shown}");
    // Run from inside the generated project, the same root is found.
    let inside = dir.path().join("testdata/project-v4");
    let shown = stdout_in(&inside, &["--show-model", "Dockerfile"]);
    assert!(shown.contains("class: test (by the directory)"), "{shown}");
    let found = stdout_in(
        dir.path(),
        &["--format", "compact", "testdata/project-v4/Dockerfile"],
    );
    assert!(!found.contains("GL003"), "{found}");
}

#[test]
fn a_github_folder_is_the_root_where_no_git_is_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path(), "testdata/project-v4");
    // No `.git` anywhere: the generated project's `.github` makes it the root, and its
    // Dockerfile is the service image it describes.
    let found = stdout_in(
        dir.path(),
        &["--format", "compact", "testdata/project-v4/Dockerfile"],
    );
    assert!(found.contains("GL003"), "{found}");
}
