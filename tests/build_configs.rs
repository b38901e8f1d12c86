//! How the repository builds each Dockerfile, read through the real binary: GitHub workflows,
//! bake files, compose files, Makefiles and GoReleaser give a file its build context, target,
//! build args, platforms and publication. Each test states what the configuration changes
//! and checks it both ways: with it, and with `--no-build-config` (each file on its own).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The module at the root: newer than some builders below, so GL212 tells whether the root is
/// the build context.
const GO_MOD: &str = "module example.com/shop\n\ngo 1.25\n";

/// Built by the release workflow from the root. Its own folder has no go.mod and no `.git`;
/// the root has both (GL210). The default ldflags do not strip (GL003); the workflow's do.
const WORKFLOW_DOCKERFILE: &str = r#"FROM golang:1.25-alpine AS build
ARG LDFLAGS="-X main.version=dev"
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "$LDFLAGS" -o /out/app ./cmd/app

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
"#;

const WORKFLOW: &str = r#"name: release
on:
  push:
    tags: ["v*"]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: build/Dockerfile
          platforms: linux/amd64,linux/arm64
          build-args: |
            LDFLAGS=-s -w -X main.version=1.4.0
            COMMIT=${{ github.sha }}
          push: true
"#;

/// Built by bake, target `release`; the last stage (what a plain build ships) is a debug
/// image. The default ldflags strip; the bake target's do not.
const BAKE_DOCKERFILE: &str = r#"FROM golang:1.25-alpine AS build
ARG LDFLAGS="-s -w"
WORKDIR /src
COPY go.mod ./
COPY cmd ./cmd
RUN CGO_ENABLED=0 go build -trimpath -ldflags "$LDFLAGS" -o /out/app ./cmd/app

FROM scratch AS release
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]

FROM golang:1.25-alpine AS debug
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"#;

const BAKE: &str = r#"variable "VERSION" {
  default = "1.4.0"
}

group "default" {
  targets = ["app"]
}

target "app" {
  context    = "."
  dockerfile = "docker/Dockerfile"
  target     = "release"
  args = {
    LDFLAGS = "-X main.version=${VERSION}"
  }
  platforms = ["linux/arm64"]
}

target "app-debug" {
  inherits = ["app"]
  target   = "debug"
}
"#;

/// Run by compose for development: `go run` at every start. Its name and folder say nothing
/// of that; the compose service `dev` does. The Go version comes from a build arg.
const COMPOSE_DOCKERFILE: &str = r#"ARG GO_VERSION=1.24
FROM golang:${GO_VERSION}
WORKDIR /src
COPY . .
CMD ["go", "run", "./cmd/app"]
"#;

const COMPOSE: &str = r#"services:
  dev:
    build:
      context: .
      dockerfile: hack/live.Dockerfile
      args:
        GO_VERSION: "1.25"
    ports:
      - "8080:8080"
  db:
    image: postgres:16
"#;

/// Built by `make image` from the root, with a builder older than the root's go.mod.
const MAKE_DOCKERFILE: &str = r#"FROM golang:1.23-alpine AS build
WORKDIR /src
COPY go.mod ./
COPY cmd ./cmd
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]
"#;

const MAKEFILE: &str = "IMAGE ?= example/api\n\n.PHONY: image\nimage:\n\tdocker build -f cmd/api/Dockerfile -t $(IMAGE) .\n";

/// GoReleaser's image: it copies the binary GoReleaser built into a context it prepares, and
/// starts it through a script. A stage that downloads modules with an old Go would fail on the
/// root's go.mod, but GoReleaser's context has no go.mod.
const GORELEASER_DOCKERFILE: &str = r#"FROM golang:1.23-alpine AS modules
WORKDIR /src
COPY go.mod ./
RUN go mod download

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY shop /opt/shop/shop
COPY entrypoint.sh /entrypoint.sh
EXPOSE 8080
ENTRYPOINT ["/entrypoint.sh"]
"#;

const GORELEASER: &str = r#"version: 2
project_name: shop
builds:
  - id: shop
    main: ./cmd/shop
    env:
      - CGO_ENABLED=0
    ldflags:
      - -s -w -X main.version={{ .Version }}
dockers:
  - image_templates:
      - "example/shop:{{ .Version }}-amd64"
    dockerfile: Dockerfile
    use: buildx
    build_flag_templates:
      - "--platform=linux/amd64"
"#;

/// A repository (`.git` marks its root) with one Dockerfile per kind of configuration.
fn repo() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join(".git")).expect(".git");
    for (path, text) in [
        ("go.mod", GO_MOD),
        ("build/Dockerfile", WORKFLOW_DOCKERFILE),
        (".github/workflows/release.yml", WORKFLOW),
        ("docker/Dockerfile", BAKE_DOCKERFILE),
        ("docker-bake.hcl", BAKE),
        ("hack/live.Dockerfile", COMPOSE_DOCKERFILE),
        ("compose.yaml", COMPOSE),
        ("cmd/api/Dockerfile", MAKE_DOCKERFILE),
        ("Makefile", MAKEFILE),
        ("Dockerfile", GORELEASER_DOCKERFILE),
        (".goreleaser.yml", GORELEASER),
    ] {
        write(root, path, text);
    }
    dir
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("run");
    Run {
        stdout: String::from_utf8(output.stdout).expect("utf-8"),
        stderr: String::from_utf8(output.stderr).expect("utf-8"),
        code: output.status.code().unwrap_or(-1),
    }
}

/// `path:CODE` for every finding of a compact run, in output order.
fn findings(dir: &Path, args: &[&str]) -> Vec<String> {
    // These textbook files build without cache mounts on purpose: the build-speed rules are
    // not what the build configurations decide, so they stay out of the lists compared here.
    let mut all = vec!["--format", "compact", "--ignore", "GL301,GL302,GL304"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert!(
        out.code == 0 || out.code == 1,
        "{}{}",
        out.stdout,
        out.stderr
    );
    out.stdout
        .lines()
        .filter_map(|l| {
            let (path, rest) = l.split_once(':')?;
            let code = rest.split('[').nth(1)?.split(']').next()?;
            Some(format!("{path}:{code}"))
        })
        .collect()
}

/// The codes reported for one file.
fn codes(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut found: Vec<String> = findings(dir, args)
        .into_iter()
        .filter_map(|f| f.rsplit_once(':').map(|(_, c)| c.to_string()))
        .collect();
    found.sort();
    found
}

fn show(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--show-model"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    out.stdout
}

/// The line of `--show-model` that starts with `prefix`.
fn line<'a>(shown: &'a str, prefix: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{shown}"))
}

fn has(text: &str, part: &str) {
    assert!(text.contains(part), "`{part}` is not in:\n{text}");
}

/// The build context `--show-model` names, resolved from `cwd` (it may be written relative or
/// absolute) and canonicalized; `None` when it says the context is unknown.
fn context_of(shown: &str, cwd: &Path) -> Option<PathBuf> {
    let dir = line(shown, "context: ").strip_prefix("context: `")?;
    let dir = dir.split('`').next()?;
    Some(cwd.join(dir).canonicalize().expect("context exists"))
}

/// `rel` under `root`, canonicalized, as `context_of` gives it.
fn under(root: &Path, rel: &str) -> Option<PathBuf> {
    Some(root.join(rel).canonicalize().expect("canonical"))
}

/// The repository's configuration files, removed to compare with a repository that has none.
const CONFIGS: &[&str] = &[
    ".github/workflows/release.yml",
    "docker-bake.hcl",
    "compose.yaml",
    "Makefile",
    ".goreleaser.yml",
];

#[test]
fn workflow_gives_context_args_platforms_and_publication() {
    let dir = repo();
    let root = dir.path();
    let shown = show(root, &["build/Dockerfile"]);
    has(
        &shown,
        "built by:\n  `.github/workflows/release.yml:10` (workflow `image`), publishes (linted as this one)\n  build args: `LDFLAGS=-s -w -X main.version=1.4.0`, `COMMIT (a value not read here)`\n  platforms: linux/amd64, linux/arm64\n",
    );
    // linux/amd64 is among the platforms built: it stays the one linted for.
    assert_eq!(line(&shown, "platform: "), "platform: linux/amd64");
    assert_eq!(context_of(&shown, root), under(root, ""));
    has(&shown, "    -ldflags: `-s -w -X main.version=1.4.0`\n");
    // The root context sends `.git` (GL210); the workflow's ldflags strip (no GL003).
    assert_eq!(codes(root, &["build/Dockerfile"]), ["GL210"]);

    // On its own: the ARG default does not strip. Its folder holds no Go code, and it copies
    // the whole context to build Go: it is built from the module above (the root), as the
    // workflow says too.
    let alone = show(root, &["--no-build-config", "build/Dockerfile"]);
    assert!(!alone.contains("built by:"), "{alone}");
    assert_eq!(context_of(&alone, root), under(root, ""));
    has(
        &alone,
        "    -ldflags: `-X main.version=dev` (a build-arg default)\n",
    );
    let alone = ["--no-build-config", "build/Dockerfile"];
    assert_eq!(codes(root, &alone), ["GL003", "GL210"]);
}

#[test]
fn bake_target_with_variables_and_the_default_group() {
    let dir = repo();
    let root = dir.path();
    let shown = show(root, &["docker/Dockerfile"]);
    // The default group's target publishes and is linted as; the debug one is listed after.
    // The variable's default reaches the arg, and the arg `ARG LDFLAGS`.
    has(
        &shown,
        "built by:\n  `docker-bake.hcl:9` (bake target `app`), publishes (linted as this one)\n  `docker-bake.hcl:19` (bake target `app-debug`)\n  build args: `LDFLAGS=-X main.version=1.4.0`\n  platforms: linux/arm64\n",
    );
    has(&shown, "    -ldflags: `-X main.version=1.4.0`\n");
    assert_eq!(line(&shown, "platform: "), "platform: linux/arm64");
    has(&shown, "\nshipped stage: stage `release` ");
    assert_eq!(context_of(&shown, root), under(root, ""));
    assert_eq!(codes(root, &["docker/Dockerfile"]), ["GL003"]);

    // On its own the last stage (a debug image) ships; built as `release`, the ARG default
    // strips: GL003 comes from the bake args alone.
    let alone = show(root, &["--no-build-config", "docker/Dockerfile"]);
    assert!(!alone.contains("built by:"), "{alone}");
    assert_eq!(line(&alone, "platform: "), "platform: linux/amd64");
    has(&alone, "\nshipped stage: stage `debug` ");
    assert!(codes(root, &["--no-build-config", "docker/Dockerfile"]).is_empty());
    let release = [
        "--no-build-config",
        "--target",
        "release",
        "docker/Dockerfile",
    ];
    assert!(codes(root, &release).is_empty());
    // The flags win over the target's platform and stage.
    let flags = ["--platform", "linux/amd64", "--target", "debug"];
    let flagged = show(root, &[&flags[..], &["docker/Dockerfile"]].concat());
    assert_eq!(line(&flagged, "platform: "), "platform: linux/amd64");
    has(&flagged, "\nshipped stage: stage `debug` ");
}

#[test]
fn compose_dev_service_is_not_a_shipped_image() {
    let dir = repo();
    let root = dir.path();
    let shown = show(root, &["hack/live.Dockerfile"]);
    has(
        &shown,
        "built by:\n  `compose.yaml:4` (compose service `dev`) (linted as this one)\n  build args: `GO_VERSION=1.25`\n",
    );
    assert_eq!(context_of(&shown, root), under(root, ""));
    // The arg picks the builder: Go 1.25, as the root's go.mod needs (no GL212).
    has(&shown, "FROM image `golang:1.25`");
    has(
        &shown,
        "\nclass: toolchain (by the repository's build configuration): only `compose.yaml:4` (compose service `dev`) builds it, and nothing publishes it: a debug or local-development image\n",
    );
    assert!(codes(root, &["hack/live.Dockerfile"]).is_empty());

    // On its own, an image that starts with `go run` is a service that ships its toolchain.
    let alone = show(root, &["--no-build-config", "hack/live.Dockerfile"]);
    has(&alone, "\nclass: service (by the start command)");
    let alone = ["--no-build-config", "hack/live.Dockerfile"];
    assert_eq!(codes(root, &alone), ["GL001"]);

    // Once a release workflow publishes it too, it is what users get: GL001 again.
    let workflow = "on:\n  release:\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: hack/live.Dockerfile\n          build-args: GO_VERSION=1.25\n          push: true\n";
    write(root, ".github/workflows/dev-image.yml", workflow);
    let published = show(root, &["hack/live.Dockerfile"]);
    has(
        &published,
        "built by:\n  `.github/workflows/dev-image.yml:7` (workflow `publish`), publishes (linted as this one)\n  `compose.yaml:4` (compose service `dev`)\n",
    );
    assert_eq!(codes(root, &["hack/live.Dockerfile"]), ["GL001"]);
}

#[test]
fn makefile_build_from_the_root_reads_the_root_go_mod() {
    let dir = repo();
    let root = dir.path();
    let shown = show(root, &["cmd/api/Dockerfile"]);
    has(
        &shown,
        "built by:\n  `Makefile:5` (Makefile `image`) (linted as this one)\ncontext: ",
    );
    assert_eq!(context_of(&shown, root), under(root, ""));
    has(&shown, "  go.mod: module `example.com/shop`, go 1.25\n");
    let out = run(
        root,
        &[
            "--format",
            "compact",
            "--ignore",
            "GL302",
            "cmd/api/Dockerfile",
        ],
    );
    assert_eq!(
        out.stdout,
        "cmd/api/Dockerfile:1:6: error[GL212] go.mod requires Go 1.25, but `golang:1.23-alpine` has Go 1.23: the build stops with \"go.mod requires go >= 1.25\"\n"
    );
    assert_eq!(out.code, 1);

    // Without the build configuration, the file still says where it is built from: it copies
    // go.mod, which only the root has.
    let alone = show(root, &["--no-build-config", "cmd/api/Dockerfile"]);
    has(&alone, "  go.mod: module `example.com/shop`, go 1.25\n");
    assert_eq!(context_of(&alone, root), under(root, ""));
    let out = run(
        root,
        &[
            "--format",
            "compact",
            "--no-build-config",
            "cmd/api/Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
}

#[test]
fn goreleaser_image_ships_its_binary_from_a_prepared_context() {
    let dir = repo();
    let root = dir.path();
    let shown = show(root, &["Dockerfile"]);
    has(
        &shown,
        "built by:\n  `.goreleaser.yml:11` (GoReleaser `example/shop:{{ .Version }}-amd64`), publishes (linted as this one)\n  platforms: linux/amd64\n  GoReleaser binary: stripped (`-s -w`), CGO_ENABLED=0\ncontext: unknown (the repository's build prepares it, or names it with a value not read here)\n",
    );
    has(
        &shown,
        "\nclass: prebuilt (by the repository's build configuration): GoReleaser builds the binary it copies",
    );
    // A prebuilt server runs as root (GL005); the context rules are silent (no GL212).
    assert_eq!(codes(root, &["Dockerfile"]), ["GL005"]);

    // On its own: the root is the context, with a go.mod too new for the modules stage, and
    // the image is of no known class.
    let alone = show(root, &["--no-build-config", "Dockerfile"]);
    assert_eq!(context_of(&alone, root), under(root, ""));
    has(&alone, "\nclass: unknown ");
    assert_eq!(codes(root, &["--no-build-config", "Dockerfile"]), ["GL212"]);
}

#[test]
fn a_call_from_a_subdirectory_finds_the_root() {
    let dir = repo();
    let root = dir.path();
    let build = root.join("build");
    let shown = show(&build, &["Dockerfile"]);
    has(
        &shown,
        "  `.github/workflows/release.yml:10` (workflow `image`), publishes (linted as this one)\n",
    );
    assert_eq!(context_of(&shown, &build), under(root, ""));
    assert_eq!(codes(&build, &["Dockerfile"]), ["GL210"]);
    assert_eq!(findings(&build, &["."]), ["Dockerfile:GL210"]);
    assert_eq!(
        codes(&build, &["--no-build-config", "Dockerfile"]),
        ["GL003", "GL210"]
    );
    // Standard input named after the file is built as the file is.
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(&build)
        .args(["--format", "compact", "--stdin-filename", "Dockerfile", "-"])
        .write_stdin(WORKFLOW_DOCKERFILE)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("[GL210]") && !stdout.contains("[GL003]"),
        "{stdout}"
    );
}

#[test]
fn the_root_search_lints_every_file_with_its_build() {
    let dir = repo();
    let root = dir.path();
    let with = [
        "Dockerfile:GL005",
        "build/Dockerfile:GL210",
        "cmd/api/Dockerfile:GL212",
        "docker/Dockerfile:GL003",
    ];
    assert_eq!(findings(root, &["."]), with);
    let without = [
        "Dockerfile:GL212",
        "build/Dockerfile:GL210",
        "build/Dockerfile:GL003",
        "cmd/api/Dockerfile:GL212",
        "hack/live.Dockerfile:GL001",
    ];
    assert_eq!(findings(root, &["--no-build-config", "."]), without);
    let shown = show(root, &["."]);
    assert_eq!(shown.matches("\nbuilt by:\n").count(), 5, "{shown}");
}

/// The root search takes the compose files it sees on its way; a single file's run, or a search
/// with `--exclude`, looks for them itself. Both find the same builds.
#[test]
fn the_root_search_and_single_files_read_the_same_builds() {
    let dir = repo();
    let root = dir.path();
    let nested = "services:\n  worker:\n    build:\n      context: ../..\n      dockerfile: cmd/worker/Dockerfile\n";
    write(root, "deploy/local/compose.yaml", nested);
    write(root, "cmd/worker/Dockerfile", MAKE_DOCKERFILE);
    let files = [
        "Dockerfile",
        "build/Dockerfile",
        "cmd/api/Dockerfile",
        "cmd/worker/Dockerfile",
        "docker/Dockerfile",
        "hack/live.Dockerfile",
    ];
    let at_root = show(root, &["."]);
    let excluding = show(root, &["--exclude", "nothing-matches-this", "."]);
    let one_by_one: Vec<String> = files.iter().map(|f| show(root, &[f])).collect();
    let one_by_one = one_by_one.join("\n");
    assert_eq!(at_root, one_by_one);
    assert_eq!(excluding, at_root);
    has(
        &at_root,
        "`deploy/local/compose.yaml:4` (compose service `worker`)",
    );
}

#[test]
fn no_build_config_is_the_behaviour_without_configs() {
    let dir = repo();
    let root = dir.path();
    let flagged = run(root, &["--no-build-config", "--format", "json", "."]);
    for config in CONFIGS {
        fs::remove_file(root.join(config)).expect("remove");
    }
    let without = run(root, &["--format", "json", "."]);
    assert_eq!(flagged.stdout, without.stdout);
    assert_eq!((flagged.code, without.code), (1, 1));
    has(&flagged.stdout, "\"GL001\"");
}

#[test]
fn the_context_flag_and_config_paths_win_over_the_build() {
    let dir = repo();
    let root = dir.path();
    let flagged = ["--context", "cmd/api", "cmd/api/Dockerfile"];
    let shown = show(root, &flagged);
    // The Makefile still names the build; the flag names its context.
    has(&shown, "  `Makefile:5` (Makefile `image`)");
    assert_eq!(context_of(&shown, root), under(root, "cmd/api"));
    assert!(codes(root, &flagged).is_empty());
    // A context given for GoReleaser's prepared one: the root's go.mod is read again.
    let flagged = ["--context", ".", "Dockerfile"];
    assert_eq!(codes(root, &flagged), ["GL005", "GL212"]);

    let config = "[context.paths]\n\"cmd/api/Dockerfile\" = \"cmd/api\"\n";
    write(root, "gopherlint.toml", config);
    let shown = show(root, &["cmd/api/Dockerfile"]);
    assert_eq!(context_of(&shown, root), under(root, "cmd/api"));
    assert!(codes(root, &["cmd/api/Dockerfile"]).is_empty());
    // The files it does not name keep their build's context.
    assert_eq!(codes(root, &["build/Dockerfile"]), ["GL210"]);
}

#[test]
fn malformed_configs_warn_once_and_the_others_are_used() {
    let dir = repo();
    let root = dir.path();
    let broken = "jobs:\n  image:\n    steps:\n      - run: docker build -f cmd/api/Dockerfile cmd/api\n       oops: [\n";
    write(root, ".github/workflows/broken.yml", broken);
    write(
        root,
        "docker-bake.hcl",
        "target \"app\" {\n  context = \".\"\n",
    );
    let out = run(root, &["--format", "compact", "."]);
    let warnings: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", out.stderr);
    for (warning, file) in warnings
        .iter()
        .zip([".github/workflows/broken.yml", "docker-bake.hcl"])
    {
        let start = format!("gopherlint: warning: cannot read `{file}`: ");
        assert!(warning.starts_with(&start), "{}", out.stderr);
        assert!(
            warning.ends_with("; its builds are ignored"),
            "{}",
            out.stderr
        );
    }
    // The release workflow, Makefile, compose file and GoReleaser still apply (the broken
    // workflow's cmd/api context would silence GL212); the bake file's Dockerfile is linted on
    // its own.
    let expected = [
        "Dockerfile:GL005",
        "build/Dockerfile:GL210",
        "cmd/api/Dockerfile:GL212",
    ];
    assert_eq!(findings(root, &["."]), expected);
    assert_eq!(out.code, 1);
    // The exit code is the findings': with none, 0, warnings or not.
    let quiet = run(root, &["--select", "GL201", "."]);
    assert_eq!(quiet.code, 0, "{}{}", quiet.stdout, quiet.stderr);
    assert_eq!(quiet.stderr.lines().count(), 2, "{}", quiet.stderr);
    // With build configs off, nothing is read and nothing is reported.
    let off = run(root, &["--no-build-config", "--select", "GL201", "."]);
    assert_eq!((off.code, off.stderr.as_str()), (0, ""));
}

#[test]
fn a_script_beside_its_dockerfile_builds_it() {
    let dir = repo();
    let root = dir.path();
    write(root, "build/release.Dockerfile", MAKE_DOCKERFILE);
    let script = "#!/bin/sh\nset -e\ndocker build -f release.Dockerfile -t shop .\n";
    write(root, "build/image.sh", script);
    let shown = show(root, &["build/release.Dockerfile"]);
    has(
        &shown,
        "built by:\n  `build/image.sh:3` (script) (linted as this one)\n",
    );
    assert_eq!(context_of(&shown, root), under(root, "build"));
}

/// What the file's folders say is read from the repository root, wherever gopherlint runs:
/// from inside `docs/tutorial/guestbook/` the file is still a tutorial's, and the folders
/// above the root (here `test/`) say nothing of it.
#[test]
fn conventions_read_the_path_from_the_repository_root() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path().join("test").join("shop");
    fs::create_dir_all(root.join(".git")).expect(".git");
    write(&root, "docs/tutorial/guestbook/Dockerfile", MAKE_DOCKERFILE);
    write(&root, "Dockerfile", MAKE_DOCKERFILE);
    let inside = root.join("docs/tutorial/guestbook");
    let class = |cwd: &Path, args: &[&str]| line(&show(cwd, args), "class:").to_string();
    for args in [&["Dockerfile"][..], &["--no-build-config", "Dockerfile"]] {
        let shown = class(&inside, args);
        assert!(
            shown.starts_with("class: example (by the directory)"),
            "{shown}"
        );
    }
    let absolute = root.join("Dockerfile");
    let shown = class(&root, &[absolute.to_str().expect("utf-8")]);
    assert!(shown.starts_with("class: service"), "{shown}");
}
