//! A build on the classic builder (a GitLab CI job whose Docker client predates 23.0) has no
//! cache mounts: GL302 does not ask for one, and GL301 offers only the layer order.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const BROAD: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server .

FROM scratch
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

const PIPELINE: &str = r#"stages: [release]
release-image:
  stage: release
  image: docker:20.10
  services: [docker:20.10-dind]
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_TAG .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_TAG
"#;

fn repo(pipeline: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(
        dir.path(),
        "go.mod",
        "module example.com/app\n\ngo 1.24\n\nrequire golang.org/x/net v0.30.0\n",
    );
    write(dir.path(), "go.sum", "");
    write(
        dir.path(),
        "main.go",
        "package main\n\nimport _ \"golang.org/x/net/html\"\n\nfunc main() {}\n",
    );
    write(dir.path(), ".dockerignore", ".git\n");
    write(dir.path(), ".gitlab-ci.yml", pipeline);
    write(dir.path(), "Dockerfile", BROAD);
    dir
}

fn lint(dir: &TempDir) -> String {
    stdout_in(dir.path(), &["--select", "GL301,GL302", "Dockerfile"])
}

#[test]
fn a_gitlab_job_on_an_old_docker_client_gets_no_mount_advice() {
    let dir = repo(PIPELINE);
    let out = lint(&dir);
    assert!(out.contains("GL301"), "{out}");
    assert!(!out.contains("GL302"), "{out}");
    assert!(!out.contains("--mount"), "{out}");
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(model.contains("builder: classic"), "{model}");
    assert!(model.contains("GitLab CI job `release-image`"), "{model}");
}

#[test]
fn buildkit_asked_for_gets_the_mount_advice() {
    let asked = PIPELINE.replace(
        "  stage: release\n",
        "  stage: release\n  variables:\n    DOCKER_BUILDKIT: \"1\"\n",
    );
    let out = lint(&repo(&asked));
    assert!(out.contains("GL302"), "{out}");
    assert!(out.contains("--mount=type=cache"), "{out}");
    let current = PIPELINE.replace("docker:20.10", "docker:27.3");
    let out = lint(&repo(&current));
    assert!(out.contains("GL302"), "{out}");
}
