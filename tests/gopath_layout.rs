//! GL206: a build in `.../src/<module path>` embeds the import path already, whatever form
//! the module path takes (`kubedoom` as much as `github.com/acme/app`): `-trimpath` would drop
//! only the folder above it.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

fn repo(module: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "go.mod",
        &format!("module {module}\n\ngo 1.23\n"),
    );
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    write(
        dir.path(),
        "Dockerfile",
        "FROM golang:1.23 AS build\nWORKDIR /go/src/kubedoom\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/kubedoom .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/kubedoom /kubedoom\nENTRYPOINT [\"/kubedoom\"]\n",
    );
    dir
}

#[test]
fn a_build_in_src_under_its_bare_module_path_embeds_the_import_path() {
    let args = ["--select", "GL206", "--format", "compact", "Dockerfile"];
    let out = stdout_in(repo("kubedoom").path(), &args);
    assert!(!out.contains("GL206"), "{out}");
    // Another module built there: the folder is not its import path.
    let out = stdout_in(repo("github.com/acme/doom").path(), &args);
    assert!(out.contains("GL206"), "{out}");
}
