//! A Dockerfile that only compose files or test jobs build, beside its release twin that the
//! project publishes (`Dockerfile` and `Dockerfile.release`), makes a local image: the project
//! ships the twin. Through the real binary, on a repository laid out on disk.

use std::fs;

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

/// A service built from source, unstripped, with no user: GL003 and GL005 on its own.
const DOCKERFILE: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
EXPOSE 8080
ENTRYPOINT ["/app"]
"#;

/// What GoReleaser publishes: the binary it built.
const RELEASE: &str = r#"FROM gcr.io/distroless/static-debian12:nonroot
COPY app /app
ENTRYPOINT ["/app"]
"#;

const GORELEASER: &str = r#"version: 2
builds:
  - env:
      - CGO_ENABLED=0
dockers:
  - image_templates:
      - "example/app:{{ .Version }}"
    dockerfile: Dockerfile.release
"#;

const COMPOSE: &str = "services:\n  app:\n    build: .\n    ports:\n      - \"8080:8080\"\n";

fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "compose.yaml", COMPOSE);
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn lint(dir: &std::path::Path) -> String {
    stdout_in(dir, &["--format", "compact", "Dockerfile"])
}

#[test]
fn a_file_built_only_locally_beside_its_published_twin_is_local() {
    let dir = repo(&[
        ("Dockerfile.release", RELEASE),
        (".goreleaser.yaml", GORELEASER),
    ]);
    let out = lint(dir.path());
    assert!(!out.contains("GL003") && !out.contains("GL005"), "{out}");
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        model.contains(
            "class: dev (by the repository's build configuration): only `compose.yaml:3` (compose service `app`) builds it, and nothing publishes it, while `.goreleaser.yaml:6` publishes its release twin `Dockerfile.release`: a debug or local-development image"
        ),
        "{model}"
    );
}

#[test]
fn without_a_published_twin_the_compose_build_is_what_users_run() {
    // GoReleaser publishes a Dockerfile that is not this one's variant: no twin.
    let other = GORELEASER.replace("Dockerfile.release", "Dockerfile.agent");
    let dir = repo(&[("Dockerfile.agent", RELEASE), (".goreleaser.yaml", &other)]);
    let out = lint(dir.path());
    assert!(out.contains("GL003"), "{out}");
    assert!(out.contains("GL005"), "{out}");
}

#[test]
fn a_file_that_is_published_itself_is_not_local_for_its_twin() {
    let both = format!(
        "{GORELEASER}  - image_templates:\n      - \"example/app:{{{{ .Version }}}}-src\"\n    dockerfile: Dockerfile\n"
    );
    let dir = repo(&[("Dockerfile.release", RELEASE), (".goreleaser.yaml", &both)]);
    let out = lint(dir.path());
    assert!(out.contains("GL003"), "{out}");
}

#[test]
fn a_ci_job_that_scans_the_image_treats_it_as_a_product() {
    let scan = "on: [push]\njobs:\n  container-scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          push: false\n";
    let tests = scan.replace("container-scan", "docker-tests");
    for (workflow, local) in [(scan, false), (tests.as_str(), true)] {
        let dir = repo(&[
            ("Dockerfile.release", RELEASE),
            (".goreleaser.yaml", GORELEASER),
            (".github/workflows/image.yaml", workflow),
        ]);
        let out = lint(dir.path());
        assert_eq!(!out.contains("GL003"), local, "{workflow}: {out}");
    }
}

/// A repository with no compose file: nothing builds the files but GoReleaser.
fn bare_repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

#[test]
fn a_variant_nothing_builds_beside_its_published_twin_is_local() {
    let goreleaser = GORELEASER.replace("Dockerfile.release", "Dockerfile.cli.release");
    let dir = bare_repo(&[
        ("Dockerfile.cli", DOCKERFILE),
        ("Dockerfile.cli.release", RELEASE),
        (".goreleaser.yaml", &goreleaser),
    ]);
    let out = stdout_in(dir.path(), &["--format", "compact", "Dockerfile.cli"]);
    assert!(!out.contains("GL003") && !out.contains("GL005"), "{out}");
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile.cli"]);
    assert!(
        model.contains(
            "built by: nothing in the repository; `.goreleaser.yaml:6` publishes its release twin `Dockerfile.cli.release`"
        ),
        "{model}"
    );
    assert!(
        model.contains(
            "class: dev (by the repository's build configuration): nothing in the repository builds it, while `.goreleaser.yaml:6` publishes its release twin `Dockerfile.cli.release`: a debug or local-development image"
        ),
        "{model}"
    );
    // The context is still the folder of what it copies, not left unknown.
    assert!(model.contains("context: `.`"), "{model}");
}

#[test]
fn a_plain_dockerfile_nothing_builds_is_what_users_build_from_source() {
    let dir = bare_repo(&[
        ("Dockerfile", DOCKERFILE),
        ("Dockerfile.release", RELEASE),
        (".goreleaser.yaml", GORELEASER),
    ]);
    let out = lint(dir.path());
    assert!(out.contains("GL003") && out.contains("GL005"), "{out}");
}

#[test]
fn an_image_devspace_builds_is_a_development_image() {
    let devspace = "version: v2beta1\nimages:\n  app:\n    image: ${IMAGE}\n    dockerfile: ./Dockerfile\n    target: build\n";
    let dir = bare_repo(&[
        ("Dockerfile", DOCKERFILE),
        ("Dockerfile.release", RELEASE),
        (".goreleaser.yaml", GORELEASER),
        ("devspace.yaml", devspace),
    ]);
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        model.contains("`devspace.yaml:4` (DevSpace image `app`)"),
        "{model}"
    );
    // Its target is the Go stage: a development container with the toolchain in it.
    assert!(
        model.contains(
            "class: toolchain (by the repository's build configuration): only `devspace.yaml:4` (DevSpace image `app`) builds it"
        ),
        "{model}"
    );
    let out = lint(dir.path());
    assert!(!out.contains("GL003"), "{out}");
}
