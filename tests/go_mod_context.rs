//! What the context's go.mod says to the builder's Go: a go.mod written for Go 1.21's
//! toolchains (a `toolchain` line, a `go` line with a patch release) cannot be read by an
//! older Go at all (GL212, an error), whatever the code needs.

mod common;

use common::{stdout_in, write};

/// GL212's output, with `args` before the file, for a build on `image` of a module whose
/// go.mod is `go_mod`.
fn gl212_with(go_mod: &str, image: &str, args: &[&str]) -> String {
    let dir = tempfile::TempDir::new().expect("tempdir");
    write(dir.path(), "go.mod", go_mod);
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM {image} AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"),
    );
    let mut all = vec!["--select", "GL212"];
    all.extend_from_slice(args);
    all.push("Dockerfile");
    stdout_in(dir.path(), &all)
}

fn gl212(go_mod: &str, image: &str) -> String {
    gl212_with(go_mod, image, &["--format", "compact"])
}

#[test]
fn a_go_mod_for_toolchains_stops_go_before_1_21() {
    // A toolchain line: Go 1.20 stops at it even though the go line is its own release.
    let toolchain = gl212(
        "module example.com/app\n\ngo 1.20\n\ntoolchain go1.21.3\n",
        "golang:1.20.7",
    );
    assert!(toolchain.contains("error[GL212]"), "{toolchain}");
    assert!(
        toolchain.contains("`golang:1.20.7` has Go 1.20.7, which cannot read the context's go.mod: Go before 1.21 stops at its `toolchain` line (\"unknown directive: toolchain\")"),
        "{toolchain}"
    );
    // A go line with a patch release, newer than the builder: not "builds it anyway".
    let patch = gl212("module example.com/app\n\ngo 1.21.0\n", "golang:1.19.4");
    assert!(patch.contains("error[GL212]"), "{patch}");
    assert!(
        patch.contains("its `go` line, a release with a patch number"),
        "{patch}"
    );
    assert!(!patch.contains("builds it anyway"), "{patch}");
    // The old form is still advisory there, and Go 1.21 reads both forms.
    let advisory = gl212("module example.com/app\n\ngo 1.21\n", "golang:1.19.4");
    assert!(
        advisory.contains("info[GL212]") && advisory.contains("builds it anyway"),
        "{advisory}"
    );
    let modern = gl212(
        "module example.com/app\n\ngo 1.21.0\n\ntoolchain go1.21.3\n",
        "golang:1.21",
    );
    assert!(modern.is_empty(), "{modern}");
}

#[test]
fn the_suggested_tag_is_one_the_official_image_publishes() {
    let help = |image: &str| {
        gl212_with(
            "module example.com/app\n\ngo 1.24.2\n",
            image,
            &["--color", "never"],
        )
    };
    // No Go 1.24 image is built on Alpine 3.15 or on Debian buster.
    let alpine = help("golang:1.22-alpine3.15");
    assert!(
        alpine.contains("build with `golang:1.24.2-alpine` or newer"),
        "{alpine}"
    );
    let buster = help("golang:1.19-buster");
    assert!(
        buster.contains("build with `golang:1.24.2-bookworm` or newer"),
        "{buster}"
    );
    let floating = help("golang:1.22-alpine");
    assert!(
        floating.contains("build with `golang:1.24.2-alpine` or newer"),
        "{floating}"
    );
}

#[test]
fn a_tag_the_official_image_never_published_says_no_release() {
    // `-apline` names no image: the build fails at FROM, not at the go line.
    let go_mod = "module example.com/app\n\ngo 1.25\n";
    assert!(gl212(go_mod, "golang:1.15-alpine").contains("GL212"));
    assert!(!gl212(go_mod, "golang:1.15-apline").contains("GL212"));
}
