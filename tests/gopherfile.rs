//! "The Gopherfile, modernised" in the README: gopherlint's real output on the seed's 2018
//! Gopherfile, the file after `--fix --unsafe-fixes`, what remains, and the file once the user
//! has removed the dep step by hand. This test keeps the README and fixtures/Gopherfile.modern
//! true to what gopherlint does.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use gopherlint::{LintOptions, lint};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gopherlint() -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

fn read(name: &str) -> String {
    fs::read_to_string(root().join(name)).expect(name)
}

/// The README's fenced block that follows `marker` (a line of the README).
fn block_after<'a>(readme: &'a str, marker: &str) -> &'a str {
    let start = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no `{marker}`"));
    let rest = &readme[start..];
    let open = rest.find("```").expect("a fenced block");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    &body[..body.find("\n```").map_or(body.len(), |i| i + 1)]
}

#[test]
fn the_readme_shows_the_gopherfile_modernised() {
    let readme = read("README.md");
    // What gopherlint says about the seed's file.
    let output = gopherlint()
        .args(["--color", "never", "fixtures/Gopherfile"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(
        block_after(&readme, "<!-- gopherfile: findings -->"),
        report,
        "README: the findings on fixtures/Gopherfile are out of date"
    );
    // The file after every fix, and what is left for the user.
    let output = gopherlint()
        .args([
            "--color",
            "never",
            "--fix",
            "--unsafe-fixes",
            "--stdin-filename",
            "fixtures/Gopherfile",
            "-",
        ])
        .write_stdin(read("fixtures/Gopherfile"))
        .output()
        .expect("run");
    let fixed = String::from_utf8(output.stdout).expect("utf-8");
    let remaining = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(
        block_after(&readme, "<!-- gopherfile: fixed -->").trim_end(),
        fixed.trim_end(),
        "README: the fixed Gopherfile is out of date"
    );
    assert_eq!(
        block_after(&readme, "<!-- gopherfile: remaining -->"),
        remaining,
        "README: what remains after the fixes is out of date"
    );
    // By hand, as the README says: the dep step goes (with the `apk update` and git it needed),
    // and `gopher` gets a numeric id.
    let modern = read("fixtures/Gopherfile.modern");
    assert_eq!(
        modern,
        by_hand(&fixed),
        "Gopherfile.modern is the fixed file edited by hand"
    );
    assert_eq!(
        block_after(&readme, "<!-- gopherfile: modern -->"),
        modern,
        "README: the modernised Gopherfile is out of date"
    );
}

/// The steps the README leaves to the user: no fix can move a project off dep or choose a uid.
fn by_hand(fixed: &str) -> String {
    let dep_step = "# certificates\nRUN apk update\n\n# optional (dependency management)\nRUN apk add git\nRUN go install github.com/golang/dep/cmd/dep@latest\nRUN dep ensure --vendor-only\n\n";
    assert!(
        fixed.contains(dep_step),
        "the fixed file still has the dep step"
    );
    let mut text = fixed
        .replace(dep_step, "")
        .replace(
            "RUN adduser -D -g '' gopher",
            "RUN adduser -D -g '' -u 10001 gopher",
        )
        .replace("USER gopher", "USER 10001");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[test]
fn the_modernised_gopherfile_is_clean_and_keeps_the_pattern() {
    let modern = read("fixtures/Gopherfile.modern");
    let found: Vec<String> = lint(&modern, &LintOptions::default())
        .expect("lint")
        .iter()
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    assert!(found.is_empty(), "{found:?}");
    // Still the seed's pattern: a build stage, a static stripped binary on scratch with the CA
    // bundle and a non-root user, started in exec form.
    for needle in [
        "as build",
        "CGO_ENABLED=0",
        "-s",
        "FROM scratch",
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
        "USER ",
        "ENTRYPOINT [\"",
    ] {
        assert!(
            modern.contains(needle) || modern.to_ascii_lowercase().contains(needle),
            "Gopherfile.modern lost `{needle}`"
        );
    }
    assert!(!modern.contains("dep "), "no dep step");
}
