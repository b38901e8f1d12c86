//! A compose file that runs the base image's own programs in an image it builds (`command: sh
//! -c '...'`, a healthcheck that runs `netstat`) needs that image's OS: GL002 does not ask for
//! a base without them. Through the real binary, on a repository laid out on disk.

use std::fs;
use std::path::Path;

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

/// A static Go server on alpine that installs nothing and starts its own binary.
const DOCKERFILE: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM alpine:3.20
COPY --from=build /out/app /bin/app
USER 65532:65532
ENTRYPOINT ["/bin/app"]
"#;

fn repo(compose: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "compose.yaml", compose);
    dir
}

fn lint(dir: &Path) -> String {
    stdout_in(dir, &["--format", "compact", "Dockerfile"])
}

#[test]
fn a_service_started_through_sh_keeps_its_os_base() {
    let dir = repo(
        "services:\n  app:\n    build: .\n    command: sh -c 'app serve & sleep 1; app seed; wait'\n",
    );
    let out = lint(dir.path());
    assert!(!out.contains("GL002"), "{out}");
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        model.contains(
            "runs the base's `sh` in the image: `compose.yaml:3` (compose service `app`)"
        ),
        "{model}"
    );
}

#[test]
fn a_healthcheck_that_runs_base_programs_keeps_its_os_base() {
    for test in [
        "\"netstat -nlt | grep ':8080 '\"",
        "[\"CMD-SHELL\", \"wget -qO- localhost:8080\"]",
        "[\"CMD\", \"netstat\", \"-nlt\"]",
    ] {
        let dir = repo(&format!(
            "services:\n  app:\n    build: .\n    healthcheck:\n      test: {test}\n"
        ));
        let out = lint(dir.path());
        assert!(!out.contains("GL002"), "{test}: {out}");
    }
}

#[test]
fn a_service_that_runs_only_the_image_program_still_gets_gl002() {
    let dir = repo(
        "services:\n  app:\n    build: .\n    command: [\"/bin/app\", \"serve\"]\n    healthcheck:\n      test: [\"CMD\", \"/bin/app\", \"health\"]\n",
    );
    let out = lint(dir.path());
    assert!(out.contains("Dockerfile:6:6: warning[GL002]"), "{out}");
}

#[test]
fn a_healthcheck_with_a_program_the_base_lacks_decides_nothing() {
    // Alpine has no `curl`: that healthcheck fails on this image as it is, so it does not tie
    // the image to its base.
    let dir = repo(
        "services:\n  app:\n    build: .\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]\n",
    );
    let out = lint(dir.path());
    assert!(out.contains("Dockerfile:6:6: warning[GL002]"), "{out}");
}

#[test]
fn a_toolchain_image_whose_healthcheck_runs_pgrep_is_told_to_keep_it() {
    // GL001: the toolchain ships, but scratch would break the compose healthcheck.
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        "go.mod",
        "module example.com/proxy\n\ngo 1.24\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/proxy .\nEXPOSE 8080\nENTRYPOINT [\"proxy\"]\n",
    );
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  proxy:\n    build: .\n    healthcheck:\n      test: [\"CMD\", \"pgrep\", \"proxy\"]\n",
    );
    let out = stdout_in(dir.path(), &["--select", "GL001", "Dockerfile"]);
    assert!(out.contains("error[GL001]"), "{out}");
    assert!(out.contains("a small base that has `pgrep`"), "{out}");
    assert!(!out.contains("fix:"), "{out}");
}

#[test]
fn every_target_a_compose_file_builds_counts_as_built() {
    // Two services build two targets of one file: BuildKit runs the stages of both.
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "go.mod", "module example.com/bots\n\ngo 1.24\n");
    write(
        dir.path(),
        "Dockerfile",
        "FROM golang:1.24 AS api_build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/api ./cmd/api\n\nFROM scratch AS api\nCOPY --from=api_build /out/api /api\nUSER 65532:65532\nENTRYPOINT [\"/api\"]\n\nFROM golang:1.24 AS worker_build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/worker ./cmd/worker\n\nFROM scratch AS worker\nCOPY --from=worker_build /out/worker /worker\nUSER 65532:65532\nENTRYPOINT [\"/worker\"]\n",
    );
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: .\n      target: api\n  worker:\n    build:\n      context: .\n      target: worker\n",
    );
    let out = stdout_in(
        dir.path(),
        &["--select", "GL302", "--format", "compact", "Dockerfile"],
    );
    assert!(out.contains("Dockerfile:4:"), "{out}");
    assert!(out.contains("Dockerfile:14:"), "{out}");
}

#[test]
fn a_plain_compose_service_keeps_an_image_out_of_the_test_class() {
    let test_compose = "services:\n  app:\n    build: .\n  tests:\n    image: curlimages/curl\n";
    let dir = repo("services:\n  app:\n    build: .\n    ports: [\"8080:8080\"]\n");
    write(dir.path(), "docker-compose.test.yml", test_compose);
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(!model.contains("\nclass: test"), "{model}");
    // With the test compose file alone, the image is for the tests.
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "docker-compose.test.yml", test_compose);
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(model.contains("\nclass: test"), "{model}");
}
