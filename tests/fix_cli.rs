//! `--fix`, `--unsafe-fixes` and `--diff` from the command line: what is written, what is
//! printed, exit codes, and files that must not be touched.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const SINGLE_STAGE: &str = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nENTRYPOINT [\"/bin/app\"]\n";

fn gopherlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(dir);
    cmd
}

#[test]
fn fix_writes_safe_fixes_in_place_keeping_permissions() {
    let dir = TempDir::new().expect("tempdir");
    let path = dir.path().join("Dockerfile");
    fs::write(&path, SINGLE_STAGE).expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    let assert = gopherlint(dir.path())
        .args(["--fix", "--color", "never", "Dockerfile"])
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    // GL003's flags and GL302's cache mount.
    assert!(out.ends_with("Applied 2 fixes to 1 file.\n"), "{out}");
    assert!(
        out.contains("GL001") && !out.contains("GL003"),
        "remaining findings are shown: {out}"
    );
    let fixed = fs::read_to_string(&path).expect("read");
    assert!(
        fixed.contains(
            "RUN --mount=type=cache,target=/root/.cache/go-build go build -ldflags=\"-s -w\" -o /bin/app ."
        ),
        "{fixed}"
    );
    let mode = fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn unsafe_fixes_rewrite_to_the_gopherfile_pattern() {
    let dir = TempDir::new().expect("tempdir");
    fs::write(dir.path().join("Dockerfile"), SINGLE_STAGE).expect("write");
    gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "Dockerfile"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Applied 5 fixes to 1 file."));
    let fixed = fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert!(fixed.contains("FROM scratch\n"), "{fixed}");
    // GL003, GL302, GL001, then GL004 on the new scratch stage; nothing asks for a time zone,
    // so GL105 adds no tag.
    assert!(fixed.contains("USER 65532:65532"), "{fixed}");
    assert!(!fixed.contains("-tags timetzdata"), "{fixed}");
    // A second run has nothing left to do.
    gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "Dockerfile"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Applied 0 fixes to 0 files."));
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = TempDir::new().expect("tempdir");
    fs::write(dir.path().join("Dockerfile"), SINGLE_STAGE).expect("write");
    let assert = gopherlint(dir.path())
        .args(["--diff", "Dockerfile"])
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    assert_eq!(
        out,
        "--- Dockerfile\n+++ Dockerfile\n@@ -1,5 +1,5 @@\n FROM golang:1.23\n WORKDIR /src\n COPY . .\n-RUN go build -o /bin/app .\n+RUN --mount=type=cache,target=/root/.cache/go-build go build -ldflags=\"-s -w\" -o /bin/app .\n ENTRYPOINT [\"/bin/app\"]\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        SINGLE_STAGE
    );
    let clean = "FROM scratch\nCOPY app /app\nUSER 1:1\nENTRYPOINT [\"/app\"]\n";
    fs::write(dir.path().join("Dockerfile"), clean).expect("write");
    gopherlint(dir.path())
        .args(["--diff", "Dockerfile"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fix_on_stdin_prints_the_fixed_file() {
    let dir = TempDir::new().expect("tempdir");
    let assert = gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "-"])
        .write_stdin(SINGLE_STAGE)
        .assert()
        .code(0);
    let out = stdout_text(&assert);
    assert!(out.starts_with("FROM golang:1.23 AS build\n"), "{out}");
    assert!(out.contains("COPY --from=build /bin/app /app\n"), "{out}");
}

#[test]
fn files_with_parse_errors_are_left_untouched() {
    let dir = TempDir::new().expect("tempdir");
    let text = "FROM golang:1.23\nFOO bar\nRUN go build -o /app .\n";
    fs::write(dir.path().join("Dockerfile"), text).expect("write");
    gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "Dockerfile"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "Dockerfile: not fixed: the file has parse errors",
        ));
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        text
    );
}

#[test]
fn fix_flags_are_validated() {
    let dir = TempDir::new().expect("tempdir");
    gopherlint(dir.path())
        .args(["--fix", "--diff", "x"])
        .assert()
        .code(2);
}

#[test]
fn no_line_is_inserted_into_a_continuation_at_the_end_of_the_file() {
    // Found by fuzzing: `USER` appended after an instruction whose last line continues.
    let dir = TempDir::new().expect("tempdir");
    let text = "FROM ubuntu\nENV name=value \\\n    other=value \\\n";
    gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "-"])
        .write_stdin(text)
        .assert()
        .stdout(text)
        .stderr(predicates::str::contains("not fixed").not());
}

/// What a finished command printed on standard output.
fn stdout_text(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8")
}

#[test]
fn fixing_through_a_symlink_updates_its_target() {
    let dir = TempDir::new().expect("tempdir");
    fs::write(dir.path().join("real.Dockerfile"), SINGLE_STAGE).expect("write");
    std::os::unix::fs::symlink("real.Dockerfile", dir.path().join("Dockerfile")).expect("symlink");
    gopherlint(dir.path())
        .args(["--fix", "Dockerfile"])
        .assert()
        .code(1);
    let link = fs::symlink_metadata(dir.path().join("Dockerfile")).expect("stat");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let fixed = fs::read_to_string(dir.path().join("real.Dockerfile")).expect("read");
    assert!(fixed.contains("-ldflags=\"-s -w\""), "{fixed}");
}

#[test]
fn ignored_parse_errors_still_block_fixes() {
    // Found by fuzzing: `# gopherlint global ignore=GL000` hid the parse errors from the fixer.
    let dir = TempDir::new().expect("tempdir");
    let text =
        "# gopherlint global ignore=GL000\nFROM golang:1.23\nFOO bar\nRUN go build -o /app .\n";
    fs::write(dir.path().join("Dockerfile"), text).expect("write");
    gopherlint(dir.path())
        .args(["--fix", "--unsafe-fixes", "Dockerfile"])
        .assert()
        .stderr(predicates::str::contains(
            "Dockerfile: not fixed: the file has parse errors",
        ));
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        text
    );
    gopherlint(dir.path())
        .args(["--fix", "--ignore", "GL000", "Dockerfile"])
        .assert()
        .stderr(predicates::str::contains("not fixed"));
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        text
    );
}
