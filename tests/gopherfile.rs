//! "The Gopherfile, modernised" in the README: gopherlint's real output on the seed's 2018
//! Gopherfile, the file after `--fix --unsafe-fixes`, what remains, and the file once the user
//! has removed the dep step by hand. This test keeps the README and fixtures/Gopherfile.modern
//! true to what gopherlint does.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use gopherlint::knowledge::image_weights::{IMAGE_WEIGHTS, compressed_size};
use gopherlint::knowledge::images::ImageRef;
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

/// `GOPHERLINT_UPDATE_README=1` rewrites the README's blocks and Gopherfile.modern from what
/// gopherlint prints, instead of comparing them (as `GOPHERLINT_UPDATE_EXPECT` does for the
/// fixtures): review the diff before committing it.
fn updating() -> bool {
    std::env::var_os("GOPHERLINT_UPDATE_README").is_some()
}

/// Replaces the fenced block after `marker` with `body` (which ends with a newline).
fn replace_block(readme: &str, marker: &str, body: &str) -> String {
    let old = block_after(readme, marker);
    let start = old.as_ptr() as usize - readme.as_ptr() as usize;
    format!("{}{body}{}", &readme[..start], &readme[start + old.len()..])
}

/// Compares a README block with what gopherlint printed, or rewrites it when updating.
fn check_block(readme: &mut String, marker: &str, actual: &str, what: &str) {
    if updating() {
        let mut body = actual.trim_end().to_string();
        body.push('\n');
        *readme = replace_block(readme, marker, &body);
        fs::write(root().join("README.md"), readme.as_bytes()).expect("write README");
        return;
    }
    assert_eq!(
        block_after(readme, marker).trim_end(),
        actual.trim_end(),
        "README: {what} is out of date (GOPHERLINT_UPDATE_README=1 rewrites it)"
    );
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
    let mut readme = read("README.md");
    // What gopherlint says about the seed's file.
    let output = gopherlint()
        .args(["--color", "never", "fixtures/Gopherfile"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8(output.stdout).expect("utf-8");
    check_block(
        &mut readme,
        "<!-- gopherfile: findings -->",
        &report,
        "the findings on fixtures/Gopherfile",
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
    check_block(
        &mut readme,
        "<!-- gopherfile: fixed -->",
        &fixed,
        "the fixed Gopherfile",
    );
    check_block(
        &mut readme,
        "<!-- gopherfile: remaining -->",
        &remaining,
        "what remains after the fixes",
    );
    // By hand, as the README says: the dep step goes (with the `apk update` and git it needed),
    // `gopher` gets a numeric id, and the Go release is named.
    let modern = by_hand(&fixed);
    if updating() {
        fs::write(root().join("fixtures/Gopherfile.modern"), &modern).expect("write modern");
    }
    assert_eq!(
        read("fixtures/Gopherfile.modern"),
        modern,
        "Gopherfile.modern is the fixed file edited by hand"
    );
    check_block(
        &mut readme,
        "<!-- gopherfile: modern -->",
        &modern,
        "the modernised Gopherfile",
    );
}

/// The steps the README leaves to the user: no fix can move a project off dep or choose a uid.
fn by_hand(fixed: &str) -> String {
    let dep_step = "# certificates\nRUN apk update\n\n# optional (dependency management)\nRUN apk add git\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go install github.com/golang/dep/cmd/dep@latest\nRUN dep ensure --vendor-only\n\n";
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
        .replace("USER gopher", "USER 10001")
        .replace("golang:alpine as build", "golang:1.25-alpine as build");
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

/// `12.3 MB` as the README writes a figure of the table (`0 MB` for none).
fn megabytes(bytes: u64) -> String {
    if bytes == 0 {
        "0 MB".to_string()
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

#[test]
fn the_readme_weights_are_the_knowledge_tables() {
    let readme = read("README.md");
    let start = readme.find("<!-- weights -->").expect("the weights table");
    let section_end = readme[start..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + i);
    let section = &readme[start..section_end];
    let table: Vec<&str> = section
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .collect();
    assert!(!table.is_empty(), "the weights table has rows");
    let mut figures = Vec::new();
    let mut named = Vec::new();
    for row in table {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let base = cells[0].trim_matches('`');
        let image = ImageRef::parse(base);
        for (arch, cell) in [("amd64", cells[2]), ("arm64", cells[3])] {
            let weight = compressed_size(&image, arch).unwrap_or_else(|| {
                panic!("README names `{base}`, which the table has no {arch} figure for")
            });
            assert_eq!(cell, megabytes(weight.bytes), "{base} {arch}");
            figures.push(cell.to_string());
        }
        // A row is the measured reference itself, and links the row's source.
        let row_of = compressed_size(&image, "amd64").expect("in the table").row;
        assert_eq!(row_of.measured, base, "{base}");
        if row_of.amd64 != Some(0) {
            assert!(
                row.contains(row_of.source) && row.contains(row_of.date),
                "{row}"
            );
        }
        named.push(base.to_string());
    }
    // Every figure the knowledge table has is in the README.
    for row in IMAGE_WEIGHTS.iter().filter(|r| r.amd64.is_some()) {
        assert!(
            named.iter().any(|n| n == row.measured),
            "README lacks `{}`",
            row.measured
        );
    }
    // Every figure the section's prose gives is one of the table's.
    let prose = &section[section.find("\n\n").unwrap_or(0)..];
    for word in prose.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',') {
        if word.ends_with('.') || word.parse::<f64>().is_err() {
            continue;
        }
        let figure = format!("{word} MB");
        if prose.contains(&figure) && word.contains('.') {
            assert!(
                figures.contains(&figure),
                "the README's {figure} is not a figure of the table"
            );
        }
    }
}
