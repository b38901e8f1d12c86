//! The build context where nothing in the repository names it: the folder that holds what the
//! file copies. And what the context's `.git` does to builds of named files (GL210).

mod common;

use common::{stdout_in, write};

/// A file under `build/app/` that copies `go.mod` and its own `passwd` from the root: built from
/// the repository root, where go.mod tells that the program embeds its CA roots (no GL006) and
/// the passwd file gives the user's id.
#[test]
fn the_folder_holding_the_copied_files_is_the_context() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    write(
        root,
        "go.mod",
        "module example.com/acme/db\n\ngo 1.24\n\nrequire golang.org/x/crypto/x509roots/fallback v0.0.0-20240507223354-67b13616a595\n",
    );
    write(
        root,
        "build/app/passwd",
        "app:x:1000:1000::/:/sbin/nologin\n",
    );
    write(
        root,
        "build/app/Dockerfile",
        "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/db ./cmd/db\n\nFROM scratch\nCOPY build/app/passwd /etc/passwd\nCOPY --from=build /out/db /db\nUSER app\nENTRYPOINT [\"/db\"]\n",
    );
    let model = stdout_in(root, &["--show-model", "build/app/Dockerfile"]);
    assert!(model.contains("context: `.`"), "{model}");
    assert!(
        model.contains("go.mod: module `example.com/acme/db`"),
        "{model}"
    );
    let found = stdout_in(root, &["--format", "compact", "build/app/Dockerfile"]);
    assert!(!found.contains("GL006"), "{found}");
    // The passwd file it copies from there gives `app`'s id.
    let human = stdout_in(root, &["--color", "never", "build/app/Dockerfile"]);
    assert!(
        human.contains("help: use the numeric id: `app` is 1000 here (`USER 1000`)"),
        "{human}"
    );
    // Run from inside the folder, the same: the context is two folders up.
    let inside = stdout_in(&root.join("build/app"), &["--show-model", "Dockerfile"]);
    assert!(inside.contains("context: `../..`"), "{inside}");
    // A file whose own folder holds what it copies keeps its folder.
    write(
        root,
        "deploy/Dockerfile",
        "FROM alpine:3.20\nCOPY run.sh /run.sh\n",
    );
    write(root, "deploy/run.sh", "#!/bin/sh\n");
    let own = stdout_in(root, &["--show-model", "deploy/Dockerfile"]);
    assert!(own.contains("context: `deploy`"), "{own}");
}

/// `go build cmd/main.go` builds `command-line-arguments`, which Go never stamps: `.git` in
/// the context costs cache misses there, but git in the builder would not stamp anything.
#[test]
fn builds_of_named_files_are_never_stamped() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    write(root, "go.mod", "module example.com/acme/api\n\ngo 1.24\n");
    let lint = |build: &str| {
        write(
            root,
            "Dockerfile",
            &format!(
                "FROM golang:1.24-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/api {build}\n\nFROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /out/api /api\nUSER 65532:65532\nENTRYPOINT [\"/api\"]\n"
            ),
        );
        stdout_in(
            root,
            &["--format", "compact", "--select", "GL210", "Dockerfile"],
        )
    };
    assert!(lint("./cmd/api").contains("GL210"));
    assert!(lint("cmd/api/main.go").is_empty());
    assert!(lint("./cmd/api/*").is_empty());
}
