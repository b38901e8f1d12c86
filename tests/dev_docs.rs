//! The developer documentation says what a Makefile target builds: "To build a development
//! Docker image: `make docker`" makes the file that target builds a development image, beside
//! a published one. Through the real binary, on a repository laid out on disk.

mod common;

use common::{module_repo, stdout_in as run, write};
use std::path::Path;
use tempfile::TempDir;

/// Unstripped, as development images are: GL003 for a shipped image.
const DEV_BUILD: &str = "FROM golang:1.24 AS builder
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -o /out/keeper ./cmd/keeper

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /out/keeper /keeper
ENTRYPOINT [\"/keeper\"]
";

const MAKEFILE: &str = "docker:\n\tdocker build -t acme/keeper:dev -f .docker/Dockerfile-build .\n";

fn repo(develop_md: &str) -> TempDir {
    let dir = module_repo("module example.com/keeper\n\ngo 1.24\n");
    write(dir.path(), "Makefile", MAKEFILE);
    write(dir.path(), ".docker/Dockerfile-build", DEV_BUILD);
    write(dir.path(), "DEVELOP.md", develop_md);
    dir
}

fn codes(dir: &Path) -> Vec<String> {
    run(dir, &["--format", "compact", ".docker/Dockerfile-build"])
        .lines()
        .filter_map(|l| Some(l.split('[').nth(1)?.split(']').next()?.to_string()))
        .collect()
}

#[test]
fn a_target_documented_as_a_development_image_builds_one() {
    let dir = repo(
        "# Developing\n\n## Build Docker image\n\nTo build a development Docker image:\n\n```shell\nmake docker\n```\n",
    );
    assert!(codes(dir.path()).is_empty(), "{:?}", codes(dir.path()));
    let shown = run(dir.path(), &["--show-model", ".docker/Dockerfile-build"]);
    assert!(
        shown.contains("(Makefile `docker`), which `DEVELOP.md` says builds a development image"),
        "{shown}"
    );
    assert!(
        shown.contains("class: dev (by the repository's build configuration)"),
        "{shown}"
    );
}

#[test]
fn other_documentation_leaves_the_image_shipped() {
    for develop in [
        "To build the release image:\n\n```shell\nmake docker\n```\n",
        "To build a development Docker image:\n\n```shell\nmake dev-image\n```\n",
        "",
    ] {
        let dir = repo(develop);
        assert_eq!(codes(dir.path()), ["GL003"], "{develop}");
    }
}
