//! GL302 where the context decides: a build that is the first to need go.mod's modules
//! downloads them itself, so it needs the module cache mount as much as a `go mod download`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A context with `go.mod` (the given text) and a Dockerfile, in a scratch directory.
fn context(name: &str, go_mod: &str, dockerfile: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gopherlint-cache-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("go.mod"), go_mod).expect("go.mod");
    fs::write(dir.join("Dockerfile"), dockerfile).expect("Dockerfile");
    dir
}

/// The GL302 lines of the compact output for the context's Dockerfile.
fn gl302_in(dir: &Path) -> Vec<String> {
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .args(["--format", "compact", "--select", "GL302"])
        .arg(dir.join("Dockerfile"))
        .output()
        .expect("run");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("[GL302]"))
        .map(str::to_string)
        .collect()
}

/// The same, and the context removed.
fn gl302(dir: &Path) -> Vec<String> {
    let lines = gl302_in(dir);
    let _ = fs::remove_dir_all(dir);
    lines
}

const REQUIRES: &str =
    "module example.com/acme/api\n\ngo 1.23\n\nrequire github.com/google/uuid v1.6.0\n";
const NO_REQUIRES: &str = "module example.com/acme/api\n\ngo 1.23\n";

const BUILD_ONLY: &str = "FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/api .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";

#[test]
fn a_build_that_downloads_first_needs_the_module_cache() {
    // The module files and one source file come in, then the build downloads the modules.
    let files_first = BUILD_ONLY.replace("COPY . .", "COPY go.mod main.go ./");
    let lines = gl302(&context("first", REQUIRES, &files_first));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("the module cache (`/go/pkg/mod`)"),
        "{lines:?}"
    );
}

#[test]
fn after_a_whole_context_copy_the_module_cache_is_gl301s() {
    // GL301 reports the copy that brings go.mod with the sources, and its help offers the
    // module cache mount: GL302 does not say it again on the same RUN.
    let dir = context("whole", REQUIRES, BUILD_ONLY);
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .args(["--format", "compact", "--select", "GL301,GL302"])
        .arg(dir.join("Dockerfile"))
        .output()
        .expect("run");
    let _ = fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("[GL301]"), "{out}");
    assert!(!out.contains("[GL302]"), "{out}");
}

#[test]
fn without_requirements_or_with_a_download_before_the_build_is_silent() {
    assert_eq!(
        gl302(&context("none", NO_REQUIRES, BUILD_ONLY)),
        Vec::<String>::new()
    );
    let downloaded = BUILD_ONLY.replace(
        "COPY . .\n",
        "COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\n",
    );
    let mounted_both = downloaded.replace(
        "--mount=type=cache,target=/root/.cache/go-build",
        "--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod",
    );
    assert_eq!(
        gl302(&context("both", REQUIRES, &mounted_both)),
        Vec::<String>::new()
    );
    let layered = downloaded.replace(
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
        "RUN go mod download",
    );
    // The layer holds the modules: the build finds them; the download is the finding.
    let lines = gl302(&context("layered", REQUIRES, &layered));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("Dockerfile:4:"), "{lines:?}");
}

#[test]
fn a_build_after_a_mounted_download_downloads_again() {
    let downloaded = BUILD_ONLY.replace(
        "COPY . .\n",
        "COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\n",
    );
    // The download fills the mount, not the layer: the build without the mount downloads all.
    let lines = gl302(&context("downloaded", REQUIRES, &downloaded));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("Dockerfile:6:") && lines[0].contains("went into its cache mount"),
        "{lines:?}"
    );
}

#[test]
fn a_vendored_build_downloads_nothing() {
    let vendored = BUILD_ONLY.replace("go build -o", "go build -mod=vendor -o");
    assert_eq!(
        gl302(&context("vendored", REQUIRES, &vendored)),
        Vec::<String>::new()
    );
}

#[test]
fn modules_copied_from_another_stage_are_not_downloaded_again() {
    // `COPY --from=modules /go/pkg /go/pkg`: the modules another stage downloaded are in the
    // layer before the build.
    let copied = BUILD_ONLY
        .replace(
            "FROM golang:1.23 AS build\n",
            "FROM golang:1.23 AS modules\nWORKDIR /modules\nCOPY go.mod ./\nRUN go mod download\n\nFROM golang:1.23 AS build\nCOPY --from=modules /go/pkg /go/pkg\n",
        )
        .replace("COPY . .", "COPY go.mod main.go ./");
    let lines = gl302(&context("copied-modules", REQUIRES, &copied));
    assert!(
        lines.iter().all(|l| !l.contains(":10:")),
        "the build reports no module cache: {lines:?}"
    );
    // Without the copy, the same build downloads them first.
    let not_copied = copied.replace("COPY --from=modules /go/pkg /go/pkg\n", "");
    let lines = gl302(&context("not-copied-modules", REQUIRES, &not_copied));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the module cache (`/go/pkg/mod`)") && l.contains(":9:")),
        "{lines:?}"
    );
}

/// A stage a compose service runs as its development container (`target: dev`): it builds and
/// tests at run time with the modules its layer holds, which a cache mount would leave empty.
const DEV_AND_RELEASE: &str = "FROM golang:1.23 AS dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/api .

FROM gcr.io/distroless/static-debian12:nonroot AS release
COPY --from=dev /out/api /api
ENTRYPOINT [\"/api\"]
";

#[test]
fn a_stage_run_as_a_development_container_keeps_its_modules_in_the_layer() {
    let dir = context("container-stage", REQUIRES, DEV_AND_RELEASE);
    // No compose file: the download is the finding.
    let lines = gl302_in(&dir);
    assert!(
        lines.iter().any(|l| l.contains("Dockerfile:4:")),
        "{lines:?}"
    );
    // The repository's root, with the default stage built by one service and the `dev`
    // stage run by another.
    fs::create_dir(dir.join(".git")).expect(".git");
    fs::write(
        dir.join("compose.yaml"),
        "services:\n  dev:\n    build:\n      context: .\n      target: dev\n    command: go test ./...\n  api:\n    build: .\n",
    )
    .expect("compose");
    assert_eq!(gl302(&dir), Vec::<String>::new());
}

/// GL301's first finding for a context's Dockerfile, as JSON, and the context removed.
fn gl301_json(dir: &Path) -> serde_json::Value {
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .args(["--format", "json", "--select", "GL301"])
        .arg(dir.join("Dockerfile"))
        .output()
        .expect("run");
    let _ = fs::remove_dir_all(dir);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    json["diagnostics"][0].clone()
}

#[test]
fn with_local_replacements_gl301_offers_the_mount_not_the_layer_order() {
    // `go mod download` reads the replacing folders' go.mod files: go.mod and go.sum copied
    // alone would fail, so neither the help nor a fix says to.
    let replaced = format!("{REQUIRES}\nreplace github.com/google/uuid => ./third_party/uuid\n");
    let found = gl301_json(&context("replaced", &replaced, BUILD_ONLY));
    assert_eq!(found["code"], "GL301", "{found}");
    let help = found["help"].as_str().expect("help");
    assert!(
        help.contains("--mount=type=cache,target=/go/pkg/mod"),
        "{help}"
    );
    assert!(help.contains("`./third_party/uuid`"), "{help}");
    assert!(!help.contains("COPY go.mod"), "{help}");
    assert!(found.get("fix").is_none_or(|f| f.is_null()), "{found}");
    // Without the replacement the layer order is the first advice, with its fix.
    let found = gl301_json(&context("unreplaced", REQUIRES, BUILD_ONLY));
    assert!(
        found["help"]
            .as_str()
            .expect("help")
            .contains("COPY go.mod"),
        "{found}"
    );
    assert!(found["fix"].is_object(), "{found}");
}

#[test]
fn a_script_that_may_have_fetched_the_modules_leaves_the_build_unknown() {
    // A dependency script runs after go.mod comes in: the modules may be in its layer already.
    let scripted = BUILD_ONLY.replace(
        "COPY . .\n",
        "COPY go.mod hack/install-deps.sh ./\nRUN ./install-deps.sh\nCOPY main.go ./\n",
    );
    assert_eq!(
        gl302(&context("scripted", REQUIRES, &scripted)),
        Vec::<String>::new()
    );
    // With the script's run in a cache mount, what it fetched is not in the layer.
    let mounted = scripted.replace(
        "RUN ./install-deps.sh",
        "RUN --mount=type=cache,target=/go/pkg/mod ./install-deps.sh",
    );
    let lines = gl302(&context("scripted-mounted", REQUIRES, &mounted));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("the module cache"), "{lines:?}");
}

#[test]
fn a_module_cache_moved_by_go_env_w_is_read_where_it_went() {
    // `go env -w` writes GOMODCACHE into Go's configuration file: the mount at that path is
    // the module cache, and the default path is not asked for.
    let moved = BUILD_ONLY
        .replace("COPY . .", "COPY go.mod main.go ./\nRUN go env -w GOMODCACHE=/gomodcache")
        .replace(
            "RUN --mount=type=cache,target=/root/.cache/go-build",
            "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/gomodcache",
        );
    let lines = gl302(&context("go-env-w", REQUIRES, &moved));
    assert!(lines.is_empty(), "{lines:?}");
    // Without the mount, the finding names the moved cache.
    let unmounted = moved.replace(" --mount=type=cache,target=/gomodcache", "");
    let lines = gl302(&context("go-env-w-unmounted", REQUIRES, &unmounted));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the module cache (`/gomodcache`)")),
        "{lines:?}"
    );
}

#[test]
fn a_file_every_build_makes_with_no_cache_is_not_told_of_caches() {
    // `--no-cache` reuses no layer and empties the cache mounts first (BuildKit prunes them):
    // neither GL301's order nor GL302's mounts would save anything.
    let files_first = BUILD_ONLY.replace("COPY . .", "COPY go.mod main.go ./");
    let dir = context("nocache", REQUIRES, &files_first);
    fs::create_dir_all(dir.join(".git")).expect(".git");
    let makefile = |flags: &str| format!("image:\n\tdocker build {flags}-t acme/app .\n");
    fs::write(dir.join("Makefile"), makefile("--no-cache ")).expect("Makefile");
    assert!(gl302_in(&dir).is_empty());
    let model = Command::cargo_bin("gopherlint")
        .expect("binary")
        .arg("--show-model")
        .arg(dir.join("Dockerfile"))
        .output()
        .expect("run");
    let model = String::from_utf8_lossy(&model.stdout);
    assert!(model.contains("without cache (`--no-cache`)"), "{model}");
    // One build that keeps its cache is enough for the mounts to pay.
    fs::write(
        dir.join("Makefile"),
        format!(
            "{}\nlocal:\n\tdocker build -t acme/app:dev .\n",
            makefile("--no-cache ")
        ),
    )
    .expect("Makefile");
    assert_eq!(gl302(&dir).len(), 1);
}

#[test]
fn modules_a_test_container_runs_go_on_stay_in_the_layers() {
    // `test` is built on `base` and runs `go test` when it starts: the modules must be in the
    // layer, which a cache mount on the download would leave empty.
    let dockerfile = "FROM golang:1.23 AS base
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .

FROM base AS test
ENTRYPOINT go test ./...

FROM base AS build
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/api .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";
    let lines = gl302(&context("runner-stage", REQUIRES, dockerfile));
    assert!(lines.is_empty(), "{lines:?}");
    // Without the test container the download is reported.
    let without = dockerfile.replace("FROM base AS test\nENTRYPOINT go test ./...\n\n", "");
    let lines = gl302(&context("plain-base", REQUIRES, &without));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(":4:"), "{lines:?}");
}

#[test]
fn a_download_of_a_module_that_requires_nothing_needs_no_module_cache() {
    // `go mod download` of a go.mod with no `require` fetches nothing: no module cache mount
    // to ask for. The same step with requirements is reported.
    let download = BUILD_ONLY.replace(
        "COPY . .\n",
        "COPY go.mod ./\nRUN go mod download\nCOPY . .\n",
    );
    assert_eq!(
        gl302(&context("download-none", NO_REQUIRES, &download)),
        Vec::<String>::new()
    );
    let lines = gl302(&context("download-some", REQUIRES, &download));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("the module cache"), "{lines:?}");
}

#[test]
fn a_build_script_in_a_folder_of_the_scripts_folder_is_read() {
    // `scripts/docker/build.sh` builds the image with `--no-cache`, like a script in
    // `scripts/` itself: the mounts would save nothing.
    let files_first = BUILD_ONLY.replace("COPY . .", "COPY go.mod main.go ./");
    let dir = context("nocache-nested", REQUIRES, &files_first);
    fs::create_dir_all(dir.join(".git")).expect(".git");
    assert_eq!(gl302_in(&dir).len(), 1);
    fs::create_dir_all(dir.join("scripts/docker")).expect("mkdir");
    fs::write(
        dir.join("scripts/docker/build.sh"),
        "#!/bin/sh\ndocker build . --no-cache -t acme/app -f Dockerfile\n",
    )
    .expect("script");
    assert!(gl302(&dir).is_empty());
}

#[test]
fn a_context_sent_to_builds_made_without_cache_costs_only_the_history() {
    // Every step reruns under `--no-cache` whatever the context holds: GL305 says what `.git`
    // still costs, not that each commit reruns the steps.
    let dir = context("nocache-git", REQUIRES, BUILD_ONLY);
    fs::create_dir_all(dir.join(".git")).expect(".git");
    let gl305 = |dir: &Path| {
        let output = Command::cargo_bin("gopherlint")
            .expect("binary")
            .args(["--format", "compact", "--select", "GL305"])
            .arg(dir.join("Dockerfile"))
            .output()
            .expect("run");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let cached = gl305(&dir);
    assert!(cached.contains("reruns every step after it"), "{cached}");
    fs::write(
        dir.join("Makefile"),
        "image:\n\tdocker build --no-cache -t acme/app .\n",
    )
    .expect("Makefile");
    let uncached = gl305(&dir);
    let _ = fs::remove_dir_all(&dir);
    assert!(
        uncached.contains("the repository's history goes to the builder with every build"),
        "{uncached}"
    );
    assert!(!uncached.contains("reruns every step"), "{uncached}");
}
