//! What a workflow's matrix and its cache settings tell about a Dockerfile, through the real
//! binary: `file: ${{ matrix.dockerfile }}` names each file the job builds (with the job's
//! context), and a `cache-to` that exports the layer cache makes a download-only layer the
//! project's module cache.

mod common;

use common::{module_repo, stdout_in as run, write};
use std::path::Path;
use tempfile::TempDir;

/// A repository root with a module that requires one.
fn repo() -> TempDir {
    module_repo("module example.com/relay\n\ngo 1.24\n\nrequire github.com/google/uuid v1.6.0\n")
}

/// `code:line` of each finding in compact output.
fn findings(dir: &Path, file: &str) -> Vec<String> {
    run(dir, &["--format", "compact", file])
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(':');
            let line = parts.nth(1)?;
            let code = l.split('[').nth(1)?.split(']').next()?;
            Some(format!("{code}:{line}"))
        })
        .collect()
}

/// Built from the whole context when the prebuilt binary is not in it: the release job hands
/// it a folder of binaries.
const PREBUILT_OR_BUILD: &str = "FROM golang:1.24-alpine AS build
WORKDIR /src
COPY . .
RUN if [ ! -f relay ]; then CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o relay ./cmd/relay; fi

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/relay /relay
ENTRYPOINT [\"/relay\"]
";

const MATRIX_WORKFLOW: &str = "name: images
on:
  push:
    tags: ['v*']
jobs:
  docker:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        pkg: [relay, discovery]
        include:
          - pkg: relay
            dockerfile: Dockerfile.relay
          - pkg: discovery
            dockerfile: Dockerfile.discovery
    steps:
      - run: mkdir ctx && mv bin/* ctx
      - uses: docker/build-push-action@v6
        with:
          context: ctx
          file: ${{ matrix.dockerfile }}
          platforms: linux/amd64,linux/arm64
          push: true
";

#[test]
fn a_matrix_value_names_each_dockerfile_the_job_builds() {
    let dir = repo();
    write(dir.path(), "Dockerfile.relay", PREBUILT_OR_BUILD);
    write(dir.path(), "Dockerfile.discovery", PREBUILT_OR_BUILD);
    // Read from the root, the copy of the whole context before the build is GL301's finding.
    assert!(findings(dir.path(), "Dockerfile.relay").contains(&"GL301:3".to_string()));
    write(dir.path(), ".github/workflows/images.yml", MATRIX_WORKFLOW);
    for file in ["Dockerfile.relay", "Dockerfile.discovery"] {
        let shown = run(dir.path(), &["--show-model", file]);
        assert!(
            shown.contains("`.github/workflows/images.yml:18` (workflow `docker`), publishes"),
            "{shown}"
        );
        assert!(
            shown.contains("platforms: linux/amd64, linux/arm64"),
            "{shown}"
        );
        assert!(shown.contains("context: `ctx`: not a directory"), "{shown}");
        // The published build's context is the folder of binaries, whose contents are unknown.
        let found = findings(dir.path(), file);
        assert!(!found.iter().any(|f| f.starts_with("GL301")), "{found:?}");
    }
}

#[test]
fn an_expression_matrix_leaves_the_file_unbuilt() {
    let dir = repo();
    write(dir.path(), "Dockerfile.relay", PREBUILT_OR_BUILD);
    let from_json = MATRIX_WORKFLOW.replace(
        "      matrix:\n        pkg: [relay, discovery]",
        "      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}\n      other:\n        pkg: [relay, discovery]",
    );
    write(dir.path(), ".github/workflows/images.yml", &from_json);
    let shown = run(dir.path(), &["--show-model", "Dockerfile.relay"]);
    assert!(!shown.contains("built by:"), "{shown}");
}

/// Modules in a layer of their own, then the build: the layout a layer cache serves.
const DOWNLOAD_LAYER: &str = "FROM golang:1.24-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/relay ./cmd/relay

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/relay /relay
ENTRYPOINT [\"/relay\"]
";

const CACHED_WORKFLOW: &str = "name: image
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: .
          cache-from: type=gha
          cache-to: type=gha,mode=max
";

#[test]
fn an_exported_layer_cache_keeps_the_download_layer() {
    let dir = repo();
    write(dir.path(), "Dockerfile", DOWNLOAD_LAYER);
    assert_eq!(findings(dir.path(), "Dockerfile"), ["GL302:4"]);
    write(dir.path(), ".github/workflows/image.yml", CACHED_WORKFLOW);
    assert!(findings(dir.path(), "Dockerfile").is_empty());
    let shown = run(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        shown.contains("layer cache: exported by a build of the repository (`cache-to`)"),
        "{shown}"
    );
    // A later mount of the module cache hides what the download left in its layer.
    let hidden = DOWNLOAD_LAYER.replace(
        "RUN --mount=type=cache,target=/root/.cache/go-build",
        "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod",
    );
    write(dir.path(), "Dockerfile", &hidden);
    assert_eq!(findings(dir.path(), "Dockerfile"), ["GL302:4"]);
    // A commented-out export is no export.
    write(
        dir.path(),
        ".github/workflows/image.yml",
        &CACHED_WORKFLOW.replace("          cache-to:", "          # cache-to:"),
    );
    write(dir.path(), "Dockerfile", DOWNLOAD_LAYER);
    assert_eq!(findings(dir.path(), "Dockerfile"), ["GL302:4"]);
}

/// Workflows that build through a composite action of the repository's own
/// (`.github/actions/build-docker/action.yml`): its `cache-to:` exports the layer cache all the
/// same.
#[test]
fn a_layer_cache_exported_by_a_composite_action_keeps_the_download_layer() {
    let dir = repo();
    write(dir.path(), "Dockerfile", DOWNLOAD_LAYER);
    let action = "name: build-docker\ninputs:\n  file:\n    required: true\nruns:\n  using: composite\n  steps:\n    - uses: docker/build-push-action@v6\n      with:\n        file: ${{ inputs.file }}\n        cache-from: type=gha\n        cache-to: type=gha,mode=max\n";
    write(
        dir.path(),
        ".github/actions/build-docker/action.yml",
        action,
    );
    assert!(findings(dir.path(), "Dockerfile").is_empty());
    // An action that exports nothing leaves the finding.
    write(
        dir.path(),
        ".github/actions/build-docker/action.yml",
        &action.replace("        cache-to:", "        # cache-to:"),
    );
    assert_eq!(findings(dir.path(), "Dockerfile"), ["GL302:4"]);
}

#[test]
fn a_run_that_empties_a_cache_wants_no_mount_for_it() {
    let dir = repo();
    let cleaned = "FROM golang:1.24-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/relay ./cmd/relay && go clean -modcache -cache

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/relay /relay
ENTRYPOINT [\"/relay\"]
";
    write(dir.path(), "Dockerfile", cleaned);
    let found = findings(dir.path(), "Dockerfile");
    assert!(!found.iter().any(|f| f.starts_with("GL302")), "{found:?}");
    // Emptying the module cache alone leaves the build cache to mount.
    write(dir.path(), "Dockerfile", &cleaned.replace(" -cache", ""));
    let found = findings(dir.path(), "Dockerfile");
    assert!(found.contains(&"GL302:4".to_string()), "{found:?}");
}
