//! `gopherlint generate`'s options and its refusals: an existing Dockerfile (left alone unless
//! `--force`), `--stdout`, an existing `.dockerignore` (kept, and read), `--port`, the
//! toolchain line, and bad input, which exits 2 with one line and writes nothing.

mod common;
mod generated;

use std::fs;
use std::path::Path;

use generated::{Module, generate, lints_clean, no_new_files};

const HELLO: &str = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n";

#[test]
fn an_existing_dockerfile_is_left_alone_unless_forced() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    module.write("Dockerfile", "FROM scratch\n");
    let before = module.files();
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("Dockerfile` exists and is left alone: --force replaces it"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
    assert_eq!(module.read("Dockerfile"), "FROM scratch\n");
    no_new_files(&module, &before);
    // --stdout writes nothing, existing file or not.
    let out = generate(module.dir(), &["--stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("# syntax=docker/dockerfile:1\n"));
    assert_eq!(module.read("Dockerfile"), "FROM scratch\n");
    no_new_files(&module, &before);
    // --force replaces it, atomically and keeping its permissions.
    set_mode(&module.dir().join("Dockerfile"), 0o640);
    let out = generate(module.dir(), &["--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        module.read("Dockerfile"),
        generated::stdout_of(module.dir(), &["--stdout"])
    );
    assert_eq!(mode(&module.dir().join("Dockerfile")), 0o640);
    let leftovers: Vec<String> = module
        .files()
        .into_iter()
        .filter(|f| f.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stdout_writes_nothing() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    let before = module.files();
    let out = generate(module.dir(), &["--stdout", "--port", "9090"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("EXPOSE 9090\n"), "{}", out.stdout);
    assert!(out.stderr.contains("no .dockerignore"), "{}", out.stderr);
    no_new_files(&module, &before);
}

#[test]
fn ports_and_bad_input_are_one_line_errors() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    for port in ["0", "65536", "http", "-1"] {
        let out = generate(module.dir(), &["--port", port, "--stdout"]);
        assert_eq!(out.code, 2, "{port}");
        assert_eq!(
            out.stderr,
            format!("gopherlint: --port takes a TCP port from 1 to 65535, not `{port}`\n")
        );
    }
    let out = generate(module.dir(), &["--port", "65535", "--stdout"]);
    assert!(out.stdout.contains("EXPOSE 65535\n"));
    let out = generate(module.dir(), &["--base", "alpine", "--stdout"]);
    assert_eq!(
        (out.code, out.stderr.lines().count()),
        (2, 1),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .starts_with("gopherlint: invalid value 'alpine' for '--base"),
        "{}",
        out.stderr
    );

    let cases: [(&str, Option<&str>, &str); 5] = [
        (
            "no go.mod",
            None,
            "has no go.mod (nor go.work): name the folder of a Go module",
        ),
        (
            "no go line",
            Some("module example.com/x\n"),
            "has no `go` line, so the Go release to build with is unknown",
        ),
        (
            "bad go line",
            Some("module example.com/x\n\ngo 1.x\n"),
            "is `go 1.x`, not a Go release",
        ),
        (
            "binary go.mod",
            Some("module \0\n"),
            "it is not a UTF-8 text file",
        ),
        (
            "no main",
            Some("module example.com/x\n\ngo 1.24\n"),
            "has no main package (`package main`) to build",
        ),
    ];
    for (what, go_mod, message) in cases {
        let module = Module::empty();
        if let Some(text) = go_mod {
            module.write("go.mod", text);
        }
        module.write("lib.go", "package x\n");
        let before = module.files();
        let out = generate(module.dir(), &[]);
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("gopherlint: ") && out.stderr.contains(message),
            "{what}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{what}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}");
        no_new_files(&module, &before);
    }
    let out = generate(&module.dir().join("missing"), &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not a directory"), "{}", out.stderr);
}

#[test]
fn an_existing_dockerignore_is_kept_and_read() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    module.write(".dockerignore", "# ours\n.git\n*.md\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(module.read(".dockerignore"), "# ours\n.git\n*.md\n");
    assert!(!out.stdout.contains(".dockerignore"), "{}", out.stdout);
    let out = generate(module.dir(), &["--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        module.read(".dockerignore"),
        "# ours\n.git\n*.md\n",
        "never replaced"
    );
    // One that leaves out what the build copies stops generate.
    fs::remove_file(module.dir().join("Dockerfile")).expect("remove");
    module.write(".dockerignore", "go.mod\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "gopherlint: the build context's .dockerignore leaves out `go.mod`, which the build copies\n"
    );
    assert!(!module.dir().join("Dockerfile").exists());
}

#[test]
fn the_toolchain_line_names_the_builder() {
    let module = Module::empty();
    module.write(
        "go.mod",
        "module example.com/tc\n\ngo 1.21\n\ntoolchain go1.22.3\n",
    );
    module.write("main.go", HELLO);
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    assert!(text.contains("golang:1.22-alpine AS build"), "{text}");
    // GL212 compares the builder with go.mod's toolchain line: nothing to report.
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
}

#[test]
fn a_file_named_generate_is_linted_as_a_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write(
        dir.path(),
        "generate",
        "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n",
    );
    let out = assert_cmd::Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(dir.path())
        .args(["--no-build-config", "./generate"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 file"), "{stdout}");
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}
