//! A README that describes an image's directory in an index of images ("FastCGI application
//! for e2e tests") classes the image, through the real binary: its findings for shipped
//! services go, and `--show-model` says which README line decided.

use std::fs;
use std::path::Path;

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

/// A service-shaped image: built here, started, unstripped, run by a user name.
const DOCKERFILE: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
"#;

const INDEX: &str = "# Images\n\nDirectory | Purpose\n--- | ---\nhelloserver | FastCGI application for e2e tests\ncontroller | The controller image\n";

fn repo() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "images/README.md", INDEX);
    write(
        dir.path(),
        "images/helloserver/rootfs/Dockerfile",
        DOCKERFILE,
    );
    write(dir.path(), "images/controller/Dockerfile", DOCKERFILE);
    dir
}

fn run(dir: &Path, args: &[&str]) -> String {
    stdout_in(dir, args)
}

#[test]
fn an_image_the_readme_calls_an_e2e_fixture_is_a_test_image() {
    let dir = repo();
    let out = run(dir.path(), &["--format", "compact", "images"]);
    assert!(!out.contains("helloserver"), "{out}");
    assert!(
        out.contains("images/controller/Dockerfile:4:19: warning[GL003]"),
        "{out}"
    );
    let model = run(
        dir.path(),
        &["--show-model", "images/helloserver/rootfs/Dockerfile"],
    );
    assert!(
        model.contains("class: test (by the repository's documentation): `images/README.md:5` describes `helloserver/` with \"e2e test\""),
        "{model}"
    );
    // Reading the repository off: the file alone is a service.
    let alone = run(
        dir.path(),
        &["--format", "compact", "--no-build-config", "images"],
    );
    assert!(
        alone.contains("helloserver/rootfs/Dockerfile:4:19: warning[GL003]"),
        "{alone}"
    );
}
