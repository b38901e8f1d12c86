//! What the repository around a file says that the file cannot: a Dockerfile under
//! `third_party/` that nothing builds is another project's, copied in; a Makefile's included
//! files are part of it (a version stamped from git in `Makefile.def`); bake's `local`
//! platform is the builder's own, not an operating system.

mod common;

use common::{stdout_in, write};

/// An unstripped service image on scratch, run as root: GL003 and GL005 where judged.
const UPSTREAM: &str = "FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM scratch
COPY --from=build /app /app
EXPOSE 8080
ENTRYPOINT [\"/app\"]
";

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
    dir
}

#[test]
fn a_third_party_file_nothing_builds_is_not_judged() {
    let dir = repository();
    write(
        dir.path(),
        "third_party/nats-docker/amd64/Dockerfile",
        UPSTREAM,
    );
    let path = "third_party/nats-docker/amd64/Dockerfile";
    let found = stdout_in(dir.path(), &["--format", "compact", path]);
    assert!(!found.contains("GL0"), "{found}");
    let shown = stdout_in(dir.path(), &["--show-model", path]);
    assert!(
        shown.contains("another project's file, copied under `third_party/`"),
        "{shown}"
    );
}

#[test]
fn a_third_party_file_the_repository_builds_is_judged() {
    let dir = repository();
    write(dir.path(), "third_party/gateway/Dockerfile", UPSTREAM);
    write(
        dir.path(),
        "Makefile",
        "image:\n\tdocker build -t example/gateway -f third_party/gateway/Dockerfile .\n",
    );
    let found = stdout_in(
        dir.path(),
        &["--format", "compact", "third_party/gateway/Dockerfile"],
    );
    assert!(found.contains("GL003"), "{found}");
}

/// A builder that runs make, whose version comes from git in an included file.
const MAKE_BUILD: &str = "FROM golang:1.24 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build make build

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/app /app
ENTRYPOINT [\"/app\"]
";

#[test]
fn a_git_version_in_an_included_makefile_needs_the_history() {
    let dir = repository();
    write(dir.path(), "go.sum", "");
    write(dir.path(), "Dockerfile", MAKE_BUILD);
    write(
        dir.path(),
        "Makefile",
        "include Makefile.def\n\nbuild:\n\tCGO_ENABLED=0 go build -trimpath -ldflags \"$(LD_FLAGS)\" -o bin/app .\n",
    );
    write(
        dir.path(),
        "Makefile.def",
        "GitSHA=`git rev-parse HEAD`\nLD_FLAGS=-s -w -X main.sha=${GitSHA}\n",
    );
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(!found.contains("GL305"), "{found}");
    // The same Makefile with the version written out sends `.git` for nothing.
    write(
        dir.path(),
        "Makefile.def",
        "LD_FLAGS=-s -w -X main.sha=v1\n",
    );
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(found.contains("GL305"), "{found}");
}

#[test]
fn bakes_local_platform_is_not_an_operating_system() {
    let dir = repository();
    write(
        dir.path(),
        "Dockerfile",
        "FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM scratch AS bin-image-linux
COPY --from=build /out/app /app
FROM scratch AS bin-image-darwin
COPY --from=build /out/app /app

FROM bin-image-${TARGETOS} AS bin-image
",
    );
    write(
        dir.path(),
        "docker-bake.hcl",
        "target \"binary\" {\n  target = \"bin-image\"\n  platforms = [\"local\"]\n}\n",
    );
    let shown = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(!shown.contains("local/amd64"), "{shown}");
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(!found.contains("bin-image-local"), "{found}");
    assert!(!found.contains("GL401"), "{found}");
}

/// Another project's source tree kept whole in the repository: its own `.github/` and a
/// module another account owns.
fn with_nested_upstream(module: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        "go.mod",
        "module github.com/example/mover\n\ngo 1.24\n",
    );
    write(
        dir.path(),
        "mover/upstream/go.mod",
        &format!("module {module}\n\ngo 1.23\n"),
    );
    write(
        dir.path(),
        "mover/upstream/.github/workflows/docker.yml",
        "on: push\n",
    );
    write(dir.path(), "mover/upstream/docker/Dockerfile", UPSTREAM);
    dir
}

#[test]
fn another_accounts_project_kept_whole_is_not_judged() {
    let dir = with_nested_upstream("github.com/upstream/tool");
    let path = "mover/upstream/docker/Dockerfile";
    let found = stdout_in(dir.path(), &["--format", "compact", path]);
    assert!(!found.contains("GL0"), "{found}");
    let shown = stdout_in(dir.path(), &["--show-model", path]);
    assert!(
        shown.contains("another project's file, copied under `mover/upstream/`"),
        "{shown}"
    );
}

#[test]
fn a_nested_module_of_the_same_account_is_judged() {
    // The project's own second module, with its own workflows: still the project's file.
    let dir = with_nested_upstream("github.com/example/mover/tools");
    let found = stdout_in(
        dir.path(),
        &["--format", "compact", "mover/upstream/docker/Dockerfile"],
    );
    assert!(found.contains("GL003"), "{found}");
}
