//! Stages that serve only a development target: a `dev` image beside the release, built for
//! the tests or by hand, also when a last `FROM dev` makes it the file's default target. The
//! build-speed and supply-chain rules judge the release, not them; a file whose shipped image
//! is the development target itself is judged whole.

mod common;

use common::{module_repo, stdout_in, write};

/// `devbuild` compiles the working tree for `dev`; `release` copies in a binary built outside
/// the file. `{last}` is appended: the file's default target.
fn dev_beside_release(last: &str) -> String {
    format!(
        "FROM golang:latest AS devbuild
ENV CGO_ENABLED=0
WORKDIR /build
COPY . ./
RUN go build -o /build/app .

FROM alpine:3.22 AS dev
COPY --from=devbuild /build/app /bin/app
ENTRYPOINT [\"/bin/app\"]

FROM alpine:3.22 AS release
ARG TARGETOS TARGETARCH
COPY dist/$TARGETOS/$TARGETARCH/app /bin/app
USER 65532:65532
ENTRYPOINT [\"/bin/app\"]
{last}"
    )
}

const GO_MOD: &str =
    "module github.com/example/app\n\ngo 1.25\n\nrequire golang.org/x/sync v0.10.0\n";

/// A workflow that publishes the `release` target of the root Dockerfile.
const RELEASE_WORKFLOW: &str = "on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          target: release
          push: true
          tags: example/app:latest
";

fn codes(found: &str) -> Vec<&str> {
    let mut codes: Vec<&str> = found
        .lines()
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

#[test]
fn a_dev_target_beside_the_release_is_not_judged_for_speed_or_pins() {
    let dir = module_repo(GO_MOD);
    // No `.dockerignore`: GL305 would report the whole-context copy of a release build.
    std::fs::remove_file(dir.path().join(".dockerignore")).expect("rm");
    write(dir.path(), "Dockerfile", &dev_beside_release(""));
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    for code in ["GL301", "GL302", "GL305", "GL401"] {
        assert!(!found.contains(code), "{code}: {found}");
    }
}

#[test]
fn a_default_target_that_only_renames_dev_is_dev() {
    // `FROM dev` last makes `dev` the default target; the repository publishes `release`.
    let dir = module_repo(GO_MOD);
    write(
        dir.path(),
        "Dockerfile",
        &dev_beside_release("\nFROM dev\n"),
    );
    write(dir.path(), ".github/workflows/image.yml", RELEASE_WORKFLOW);
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    for code in ["GL301", "GL302", "GL401"] {
        assert!(!found.contains(code), "{code}: {found}");
    }
}

#[test]
fn a_dev_target_that_is_shipped_is_judged() {
    // Nothing says which target is built: `FROM dev`, last, is the image, and its build is
    // the file's own.
    let dir = module_repo(GO_MOD);
    write(
        dir.path(),
        "Dockerfile",
        &dev_beside_release("\nFROM dev\n"),
    );
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    let codes = codes(&found);
    for code in ["GL301", "GL302", "GL401"] {
        assert!(codes.contains(&code), "{code}: {found}");
    }
}

#[test]
fn a_target_named_for_nothing_is_still_judged() {
    // `tools` says nothing of what the image is for: its build is judged as the file's own.
    let dir = module_repo(GO_MOD);
    let text = dev_beside_release("").replace(" AS dev\n", " AS tools\n");
    write(dir.path(), "Dockerfile", &text);
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(found.contains("GL302"), "{found}");
}
