//! The supply-chain rules read the repository around the file: GL401 names the release of the
//! context's go.mod `go` line, and leaves alone the images the project's own account
//! publishes (as go.mod's module path names it).

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const DOCKERFILE: &str = r#"FROM golang:alpine AS build
WORKDIR /src
COPY go.mod ./
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server .

FROM ghcr.io/acme/base:latest
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

fn repo(module: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "go.mod",
        &format!("module {module}\n\ngo 1.26.2\n"),
    );
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    dir
}

#[test]
fn the_help_names_the_release_of_the_go_line() {
    let dir = repo("github.com/acme/server");
    let out = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(
        out.contains(
            "`golang:1.26-alpine` or a newer, supported release (go.mod's `go 1.26.2` line names the oldest the module accepts)"
        ),
        "{out}"
    );
    // A go line Go no longer supports is no pin to suggest: the newest release is.
    write(
        dir.path(),
        "go.mod",
        "module github.com/acme/server\n\ngo 1.17\n",
    );
    let out = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(
        out.contains(
            "`golang:1.27-alpine` or another supported release (go.mod's `go 1.17` line names the oldest the module accepts, a release Go no longer supports)"
        ),
        "{out}"
    );
}

#[test]
fn the_projects_own_images_may_float() {
    let own = repo("github.com/acme/server");
    let out = stdout_in(own.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(!out.contains("ghcr.io/acme/base"), "{out}");
    // Another account's image is reported.
    let other = repo("github.com/someone/server");
    let out = stdout_in(other.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(
        out.contains("`ghcr.io/acme/base:latest` is `latest`"),
        "{out}"
    );
}

#[test]
fn a_dockerfile_in_a_subfolder_belongs_to_the_module_above_it() {
    let dir = repo("github.com/acme/server");
    // The file's own folder is its context and holds no go.mod; the repository's root does.
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    let tool = "FROM ghcr.io/acme/ci-base:latest\nRUN echo ok\n";
    write(dir.path(), "build/ci/Dockerfile", tool);
    let out = stdout_in(dir.path(), &["--select", "GL401", "build/ci/Dockerfile"]);
    assert!(!out.contains("ghcr.io/acme/ci-base"), "{out}");
    // Not past the repository's root: a go.mod above it is another project's.
    let outer = TempDir::new().expect("tempdir");
    write(
        outer.path(),
        "go.mod",
        "module github.com/acme/outer\n\ngo 1.24\n",
    );
    write(outer.path(), "inner/.git/HEAD", "ref: refs/heads/main\n");
    write(outer.path(), "inner/ci/Dockerfile", tool);
    let out = stdout_in(outer.path(), &["--select", "GL401", "inner/ci/Dockerfile"]);
    assert!(out.contains("ghcr.io/acme/ci-base"), "{out}");
}

#[test]
fn a_helper_that_fetches_a_versioned_release_for_the_target_platform_may_float() {
    let dir = repo("github.com/acme/tools");
    let fetched = "FROM alpine AS kubectl
ARG KUBE_VERSION=v1.34.3
ARG TARGETARCH
RUN apk add --no-cache curl && \\
    curl -LO https://dl.k8s.io/release/${KUBE_VERSION}/bin/linux/${TARGETARCH}/kubectl && \\
    chmod +x kubectl

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=kubectl /kubectl /kubectl
ENTRYPOINT [\"/kubectl\"]
";
    write(dir.path(), "Dockerfile", fetched);
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(!found.contains("GL401"), "{found}");
    // A version the build must pass (no default) names one release too.
    write(
        dir.path(),
        "Dockerfile",
        &fetched.replace("ARG KUBE_VERSION=v1.34.3", "ARG KUBE_VERSION"),
    );
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(!found.contains("GL401"), "{found}");
    // A default that names no release (`latest`) floats with the base: the base's release
    // matters.
    write(
        dir.path(),
        "Dockerfile",
        &fetched.replace("ARG KUBE_VERSION=v1.34.3", "ARG KUBE_VERSION=latest"),
    );
    let found = stdout_in(dir.path(), &["--format", "compact", "Dockerfile"]);
    assert!(found.contains("GL401"), "{found}");
}

#[test]
fn a_vanity_modules_own_registry_is_its_own() {
    // `istio.io/istio` publishes its bases on `registry.istio.io`.
    let dir = repo("acme.io/server");
    let own = DOCKERFILE.replace(
        "ghcr.io/acme/base:latest",
        "registry.acme.io/release/base:latest",
    );
    write(dir.path(), "Dockerfile", &own);
    let out = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(!out.contains("registry.acme.io"), "{out}");
    // Another domain's registry is reported.
    let other = own.replace("registry.acme.io", "registry.example.io");
    write(dir.path(), "Dockerfile", &other);
    let out = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(out.contains("registry.example.io"), "{out}");
}

#[test]
fn a_newest_release_installed_beside_does_not_excuse_an_open_go_release() {
    // A tool's newest release installed by design floats the image, but the Go that compiles
    // the binary is the tag's: `golang:alpine` is still reported; the final base is not.
    let dir = repo("github.com/someone/server");
    let text = DOCKERFILE.replace(
        "FROM ghcr.io/acme/base:latest",
        "FROM ghcr.io/acme/base:latest\nRUN curl -fsSLo /usr/local/bin/tool https://github.com/acme/tool/releases/latest/download/tool",
    );
    write(dir.path(), "Dockerfile", &text);
    let out = stdout_in(
        dir.path(),
        &["--select", "GL401", "--format", "compact", "Dockerfile"],
    );
    assert!(out.contains("`golang:alpine`"), "{out}");
    assert!(!out.contains("ghcr.io/acme/base"), "{out}");
}

/// GL403's help: a URL whose variable an `ENV` fixes is one URL, which one digest fits; one a
/// build argument picks changes with the build.
#[test]
fn a_download_url_fixed_by_an_env_takes_one_digest() {
    let dir = TempDir::new().expect("tempdir");
    let dockerfile = "FROM alpine:3.20\nENV TINI_VERSION=v0.19.0\nADD https://github.com/krallin/tini/releases/download/${TINI_VERSION}/tini-static-amd64 /tini\nENTRYPOINT [\"/tini\", \"--\"]\n";
    write(dir.path(), "Dockerfile", dockerfile);
    let args = ["--select", "GL403", "--color", "never", "Dockerfile"];
    let fixed = stdout_in(dir.path(), &args);
    assert!(
        fixed.contains("add `--checksum=sha256:<digest>`") && !fixed.contains("no single digest"),
        "{fixed}"
    );
    write(
        dir.path(),
        "Dockerfile",
        &dockerfile.replace("ENV TINI_VERSION=", "ARG TINI_VERSION="),
    );
    let chosen = stdout_in(dir.path(), &args);
    assert!(chosen.contains("no single digest"), "{chosen}");
}

/// GL404: an image that installs the project's own command `@latest` packages its newest
/// release on purpose; another project's tool at `@latest` floats.
#[test]
fn the_projects_own_command_at_latest_is_its_release() {
    let dockerfile = "FROM golang:1.23 AS build\nRUN go install github.com/acme/scanner@latest\nRUN go install github.com/other/helper/cmd/helper@latest\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /go/bin/scanner /go/bin/helper /usr/local/bin/\nENTRYPOINT [\"scanner\"]\n";
    let dir = repo("github.com/acme/scanner");
    write(dir.path(), "Dockerfile", dockerfile);
    let out = stdout_in(dir.path(), &["--select", "GL404", "Dockerfile"]);
    assert!(!out.contains("acme/scanner@latest"), "{out}");
    assert!(
        out.contains("`go install github.com/other/helper/cmd/helper@latest`"),
        "{out}"
    );
}

/// GL401: a base that the repository's own compose file or Makefile builds and tags (`image:
/// app-base` beside `build:`) is made on the same machine before the file, not pulled from a
/// registry; a tag nothing in the repository builds is pulled, and floats.
#[test]
fn an_image_the_repository_builds_is_not_pulled() {
    let dir = repo("github.com/acme/server");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    for base in ["app-base", "tools-base", "index-base"] {
        write(
            dir.path(),
            &format!("selftest/{base}.Dockerfile"),
            &format!("FROM {base}\nENTRYPOINT [\"/server\", \"selftest\"]\n"),
        );
    }
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app:\n    build: .\n    image: app-base\n  db:\n    image: tools-base\n",
    );
    let lint = |dir: &TempDir| {
        stdout_in(
            dir.path(),
            &["--select", "GL401", "--format", "compact", "selftest"],
        )
    };
    let out = lint(&dir);
    assert!(!out.contains("`app-base`"), "{out}");
    assert!(out.contains("`tools-base`"), "{out}");
    assert!(out.contains("`index-base`"), "{out}");
    // A Makefile's `docker build -t` tags the image as well, and a script's whose folder is
    // not read here (`$buildfolder`).
    write(
        dir.path(),
        "Makefile",
        "images:\n\tdocker build -t tools-base:dev -f tools.Dockerfile .\n\tbash index/build.sh\n",
    );
    write(dir.path(), "tools.Dockerfile", "FROM alpine:3.20\n");
    write(
        dir.path(),
        "index/build.sh",
        "#!/bin/sh\nbuildfolder=$(dirname $0)\ndocker build -t index-base:latest --platform \"$arch\" $buildfolder\n",
    );
    let out = lint(&dir);
    assert!(!out.contains("`tools-base`"), "{out}");
    assert!(!out.contains("`index-base`"), "{out}");
}

/// GL401: the account a repository's own builds tag images under is the project's, whatever
/// its module path says (a fork renamed the module; a script tags `acme/$NAME`).
#[test]
fn an_account_the_repository_tags_under_is_its_own() {
    let dir = repo("github.com/someone/server");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    let before = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(before.contains("`ghcr.io/acme/base:latest`"), "{before}");
    write(
        dir.path(),
        "build.sh",
        "#!/bin/sh\nbuild_image() {\n    docker build -t acme/$2:$1 -f ./Dockerfile-$2 .\n}\nbuild_image \"$1\" server\n",
    );
    let after = stdout_in(dir.path(), &["--select", "GL401", "Dockerfile"]);
    assert!(!after.contains("ghcr.io/acme/base"), "{after}");
}
