//! The report formats CI systems read, through the real binary: GitLab Code Quality (read by
//! GitLab's merge request widget) and Checkstyle XML (read by reviewdog and Jenkins'
//! warnings-ng) as their consumers parse them, and exit codes as with every other format.

use std::collections::HashSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;

use common::write;

/// A file with identical findings: three `ADD`s of one URL without a checksum (GL403) and two
/// `go install ...@latest` (GL404), the same text on different lines.
const REPEATS: &str = "FROM golang:1.23 AS build
WORKDIR /src
ADD https://downloads.acme.dev/tool.tar.gz /tmp/
ADD https://downloads.acme.dev/tool.tar.gz /tmp/
RUN go install example.com/tool@latest
RUN go install example.com/tool@latest
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
ADD https://downloads.acme.dev/tool.tar.gz /tmp/
ENTRYPOINT [\"/app\"]
";

/// The binary, run in `dir`.
fn gopherlint_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Exit code and standard output of a run in `dir`.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = gopherlint_in(dir).args(args).output().expect("runs");
    let code = output.status.code().expect("an exit code");
    (code, String::from_utf8(output.stdout).expect("utf-8"))
}

/// The GitLab report of a run in `dir`, parsed, with its exit code.
fn gitlab(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["--no-config", "--format", "gitlab"];
    all.extend_from_slice(args);
    let (code, out) = run(dir, &all);
    let value: Value = serde_json::from_str(&out).expect("the report is JSON");
    let issues = value.as_array().expect("the report is an array").clone();
    (code, issues)
}

fn fingerprints(issues: &[Value]) -> Vec<String> {
    issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect()
}

/// Each issue has what GitLab's schema requires, with the types it checks (an invalid issue
/// stops GitLab reading the rest of the report), and what the Code Climate format adds.
#[test]
fn gitlab_issues_have_the_fields_gitlab_reads() {
    let files = [
        "fixtures/Dockerfile.single-stage",
        "fixtures/rules/GL006-bad-scratch-no-certs.Dockerfile",
    ];
    let mut args = vec![];
    args.extend_from_slice(&files);
    let (code, issues) = gitlab(repo_root(), &args);
    assert_eq!(code, 1);
    // The same findings as every other format.
    let (_, compact) = run(
        repo_root(),
        &["--no-config", "--format", "compact", files[0], files[1]],
    );
    assert_eq!(issues.len(), compact.lines().count());
    let severities = ["info", "minor", "major", "critical", "blocker"];
    for issue in &issues {
        let check = issue["check_name"].as_str().expect("check_name");
        assert!(
            check.len() == 5 && check.starts_with("GL"),
            "check_name {check}"
        );
        let description = issue["description"].as_str().expect("description");
        assert!(
            description.starts_with(&format!("{check}: ")),
            "{description}"
        );
        assert!(!description.contains('\n'), "one line: {description}");
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(
            fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "SHA-256 in hex: {fingerprint}"
        );
        let severity = issue["severity"].as_str().expect("severity");
        assert!(severities.contains(&severity), "{severity}");
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(files.contains(&path), "{path}");
        let begin = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("lines.begin is an integer");
        let end = issue["location"]["lines"]["end"]
            .as_u64()
            .expect("lines.end is an integer");
        assert!(begin >= 1 && end >= begin, "{begin}..{end}");
        assert_eq!(issue["type"], "issue");
        let categories = issue["categories"].as_array().expect("categories");
        assert!(!categories.is_empty() && categories.iter().all(Value::is_string));
    }
    // error, warning and info as GitLab's critical, major and info.
    let severity_of = |check: &str| {
        issues
            .iter()
            .find(|i| i["check_name"] == check)
            .map(|i| i["severity"].clone())
            .unwrap_or_else(|| panic!("{check} reported"))
    };
    assert_eq!(severity_of("GL001"), "critical");
    assert_eq!(severity_of("GL003"), "major");
    assert_eq!(severity_of("GL302"), "info");
    let gl003 = issues
        .iter()
        .find(|i| i["check_name"] == "GL003")
        .expect("GL003");
    assert_eq!(gl003["location"]["lines"]["begin"], 5);
    assert_eq!(gl003["location"]["path"], files[0]);
}

/// GitLab shows issues with one fingerprint as one: identical findings in a file, and the same
/// file in two folders, keep fingerprints of their own.
#[test]
fn gitlab_fingerprints_are_unique_among_identical_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a/Dockerfile", REPEATS);
    write(dir.path(), "b/Dockerfile", REPEATS);
    let (_, issues) = gitlab(dir.path(), &["a/Dockerfile", "b/Dockerfile"]);
    let in_a: Vec<&Value> = issues
        .iter()
        .filter(|i| i["location"]["path"] == "a/Dockerfile")
        .collect();
    let gl403 = in_a.iter().filter(|i| i["check_name"] == "GL403").count();
    let gl404 = in_a.iter().filter(|i| i["check_name"] == "GL404").count();
    assert_eq!((gl403, gl404), (3, 2), "{in_a:#?}");
    assert_eq!(in_a.len() * 2, issues.len(), "both files report the same");
    let all = fingerprints(&issues);
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{all:#?}");
}

/// A finding keeps its fingerprint when lines are added above it, so GitLab does not show it
/// as fixed and new; a rerun gives the same report.
#[test]
fn gitlab_fingerprints_stay_when_lines_are_added_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Dockerfile", REPEATS);
    let (_, before) = gitlab(dir.path(), &["Dockerfile"]);
    let (_, again) = gitlab(dir.path(), &["Dockerfile"]);
    assert_eq!(before, again, "a rerun gives the same report");
    let (first, rest) = REPEATS.split_once('\n').expect("lines");
    write(
        dir.path(),
        "Dockerfile",
        &format!("{first}\n\n# the module's tools\n{rest}"),
    );
    let (_, after) = gitlab(dir.path(), &["Dockerfile"]);
    assert_eq!(before.len(), after.len());
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old["description"], new["description"]);
        assert_eq!(old["fingerprint"], new["fingerprint"], "{new:#?}");
        let line = |i: &Value| i["location"]["lines"]["begin"].as_u64().expect("line");
        assert_eq!(line(old) + 2, line(new));
    }
    // Editing the flagged line makes it another finding.
    write(
        dir.path(),
        "Dockerfile",
        &REPEATS.replacen("/tmp/", "/opt/", 1),
    );
    let (_, edited) = gitlab(dir.path(), &["Dockerfile"]);
    assert_ne!(fingerprints(&before), fingerprints(&edited));
}

#[test]
fn gitlab_report_without_findings_is_an_empty_array() {
    let (code, out) = run(
        repo_root(),
        &["--format", "gitlab", "fixtures/Dockerfile.modern"],
    );
    assert_eq!((code, out.as_str()), (0, "[]\n"));
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out) = run(dir.path(), &["--format", "gitlab", "."]);
    assert_eq!((code, out.as_str()), (0, "[]\n"), "no Dockerfile at all");
}

/// Exit codes do not depend on the format: findings at or above the threshold give 1, none
/// 0, a missing file 2 (after the other files' report).
#[test]
fn report_formats_exit_as_json_does() {
    let cases: &[&[&str]] = &[
        &["fixtures/Dockerfile.modern"],
        &["fixtures/Dockerfile.single-stage"],
        &[
            "--failure-threshold",
            "none",
            "fixtures/Dockerfile.single-stage",
        ],
        &[
            "--failure-threshold",
            "error",
            "fixtures/Dockerfile.single-stage",
        ],
        &[
            "--failure-threshold",
            "error",
            "fixtures/rules/GL005-bad-user-root.Dockerfile",
        ],
        &["fixtures/rules/GL004-bad-alpine-builder-info.Dockerfile"],
        &[
            "--failure-threshold",
            "info",
            "fixtures/rules/GL004-bad-alpine-builder-info.Dockerfile",
        ],
        &["fixtures/Dockerfile.modern", "missing.Dockerfile"],
    ];
    let expected = [0, 1, 0, 1, 0, 0, 1, 2];
    for (args, expected) in cases.iter().zip(expected) {
        for format in ["json", "gitlab", "checkstyle"] {
            let mut all = vec!["--no-config", "--format", format];
            all.extend_from_slice(args);
            let (code, out) = run(repo_root(), &all);
            assert_eq!(code, expected, "{format} {args:?}");
            if format != "json" {
                // The report is written whatever the exit code, so CI can upload it.
                assert!(!out.is_empty(), "{format} {args:?}");
            }
        }
    }
    // The threshold changes the exit code only, never the report.
    for format in ["gitlab", "checkstyle"] {
        let report = |threshold: &str| {
            run(
                repo_root(),
                &[
                    "--format",
                    format,
                    "--failure-threshold",
                    threshold,
                    "fixtures/Dockerfile.single-stage",
                ],
            )
            .1
        };
        assert_eq!(report("none"), report("warning"), "{format}");
    }
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The `<file>` elements of a Checkstyle document.
fn files<'a>(document: &'a roxmltree::Document) -> Vec<roxmltree::Node<'a, 'a>> {
    let root = document.root_element();
    assert!(root.has_tag_name("checkstyle"));
    assert_eq!(root.attribute("version"), Some("4.3"));
    root.children().filter(|n| n.is_element()).collect()
}

fn errors<'a>(file: roxmltree::Node<'a, 'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    assert!(file.has_tag_name("file"), "{file:?}");
    file.children().filter(|n| n.is_element()).collect()
}

/// One `<file>` per linted file, a clean one empty; one `<error>` per finding, with the
/// attributes reviewdog and warnings-ng read.
#[test]
fn checkstyle_lists_every_file_and_finding() {
    let paths = [
        "fixtures/Dockerfile.modern",
        "fixtures/Dockerfile.single-stage",
        "fixtures/rules/GL006-bad-scratch-no-certs.Dockerfile",
    ];
    let mut args = vec!["--no-config", "--format", "checkstyle"];
    args.extend_from_slice(&paths);
    let (code, out) = run(repo_root(), &args);
    assert_eq!(code, 1);
    assert!(out.starts_with(XML_DECLARATION), "{out}");
    let document = roxmltree::Document::parse(&out).expect("well-formed XML");
    let files = files(&document);
    let names: Vec<&str> = files.iter().filter_map(|f| f.attribute("name")).collect();
    assert_eq!(names, paths, "every file, in path order");
    let mut compact_args = vec!["--no-config", "--format", "compact"];
    compact_args.extend_from_slice(&paths);
    let (_, compact) = run(repo_root(), &compact_args);
    let mut total = 0;
    for file in &files {
        let name = file.attribute("name").expect("name");
        let errors = errors(*file);
        let expected = compact
            .lines()
            .filter(|l| l.starts_with(&format!("{name}:")))
            .count();
        assert_eq!(errors.len(), expected, "{name}");
        total += errors.len();
        for error in errors {
            assert!(error.has_tag_name("error"));
            let number = |attribute: &str| {
                error
                    .attribute(attribute)
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or_else(|| panic!("{attribute} is a number: {error:?}"))
            };
            assert!(number("line") >= 1 && number("column") >= 1);
            let severity = error.attribute("severity").expect("severity");
            assert!(["error", "warning", "info"].contains(&severity));
            assert!(!error.attribute("message").expect("message").is_empty());
            let source = error.attribute("source").expect("source");
            let code = source
                .strip_prefix("gopherlint.")
                .expect("gopherlint.GLnnn");
            assert!(code.len() == 5 && code.starts_with("GL"), "{source}");
        }
    }
    assert_eq!(errors(files[0]).len(), 0, "the clean file is listed, empty");
    assert_eq!(total, compact.lines().count());
    let gl003 = errors(files[1])
        .into_iter()
        .find(|e| e.attribute("source") == Some("gopherlint.GL003"))
        .expect("GL003");
    assert_eq!(gl003.attribute("line"), Some("5"));
    assert_eq!(gl003.attribute("column"), Some("5"));
    assert_eq!(gl003.attribute("severity"), Some("warning"));
    assert!(
        gl003
            .attribute("message")
            .expect("message")
            .contains("`-ldflags=\"-s -w\"`"),
        "{gl003:?}"
    );
}

/// A path and a message holding XML's markup characters, a tab and a control character read
/// back as written (the control character, which XML 1.0 cannot hold, as U+FFFD).
#[test]
fn checkstyle_escapes_paths_and_messages() {
    let text = "FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
ADD https://downloads.acme.dev/t.tar.gz?a=1&b=<x>&c=\\'y\\'&d=\\\"z\\\" /tmp/
ENTRYPOINT [\"/app\"]
";
    let name = "svc<&\"'>\t\u{1}/Dockerfile";
    let output = |format: &str| {
        let output = gopherlint_in(repo_root())
            .args([
                "--no-config",
                "--format",
                format,
                "--stdin-filename",
                name,
                "-",
            ])
            .write_stdin(text)
            .output()
            .expect("runs");
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let out = output("checkstyle");
    let document = roxmltree::Document::parse(&out).expect("well-formed XML");
    let files = files(&document);
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].attribute("name"),
        Some("svc<&\"'>\t\u{fffd}/Dockerfile")
    );
    let gl403 = errors(files[0])
        .into_iter()
        .find(|e| e.attribute("source") == Some("gopherlint.GL403"))
        .expect("GL403");
    let message = gl403.attribute("message").expect("message");
    assert!(message.contains("?a=1&b=<x>&c='y'&d=\"z\"`"), "{message}");
    // The message is the one every format prints.
    let compact = output("compact");
    let line = compact
        .lines()
        .find(|l| l.contains("[GL403] "))
        .expect("GL403");
    assert_eq!(line.split_once("[GL403] ").map(|(_, m)| m), Some(message));
}

#[test]
fn checkstyle_of_no_file_is_an_empty_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out) = run(dir.path(), &["--format", "checkstyle", "."]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("{XML_DECLARATION}<checkstyle version=\"4.3\">\n</checkstyle>\n")
    );
    let document = roxmltree::Document::parse(&out).expect("well-formed XML");
    assert!(files(&document).is_empty());
}
