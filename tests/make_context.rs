//! A `RUN make` in a stage that holds the whole build context runs the context's Makefile:
//! gopherlint reads which go builds it reaches and the `CGO_ENABLED` they get. GL212 counts
//! such a make as running Go; GL002 takes the Makefile's cgo setting for the binary it builds.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const DOCKERFILE: &str = "FROM golang:1.24-alpine AS build
WORKDIR /src
COPY . .
RUN make build

FROM alpine:3.20
COPY --from=build /src/bin/app /usr/local/bin/app
USER 65532:65532
ENTRYPOINT [\"/usr/local/bin/app\"]
";

fn repo(go_line: &str, makefile: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(
        dir.path(),
        "go.mod",
        &format!("module example.com/app\n\ngo {go_line}\n"),
    );
    write(dir.path(), "Makefile", makefile);
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    dir
}

/// The compact findings of one rule on the repository's Dockerfile.
fn lint(dir: &TempDir, rule: &str) -> String {
    stdout_in(
        dir.path(),
        &["--format", "compact", "--select", rule, "Dockerfile"],
    )
}

const BUILDS_STATIC: &str = "GO ?= go\n\nbuild: generate\n\tCGO_ENABLED=0 $(GO) build -o bin/app .\n\ngenerate:\n\t@echo generating\n";

#[test]
fn a_make_that_builds_go_needs_the_modules_go() {
    let dir = repo("1.25", BUILDS_STATIC);
    let out = lint(&dir, "GL212");
    assert!(out.contains("error[GL212]"), "{out}");
    // A make target that runs no Go: the builder's Go version does not matter.
    let dir = repo("1.25", "build:\n\t@echo nothing to compile\n");
    let out = lint(&dir, "GL212");
    assert!(!out.contains("[GL212]"), "{out}");
}

#[test]
fn gl002_takes_cgo_from_the_makefile() {
    let dir = repo("1.24", BUILDS_STATIC);
    let out = lint(&dir, "GL002");
    assert!(out.contains("warning[GL002]"), "{out}");
    assert!(
        !out.contains("once it is built with `CGO_ENABLED=0`"),
        "{out}"
    );
    // With cgo turned on in the Makefile the binary links the C library on purpose.
    let dir = repo("1.24", "build:\n\tCGO_ENABLED=1 go build -o bin/app .\n");
    let out = lint(&dir, "GL002");
    assert!(!out.contains("[GL002]"), "{out}");
}
