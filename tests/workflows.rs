//! Using gopherlint on real repositories: directory discovery, configuration files, flags,
//! ignore comments, the GitHub/compact formats, determinism.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const SINGLE_STAGE: &str =
    "FROM golang:1.23\nRUN go build -o /app .\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n";
/// Built in one stage, shipped on scratch as a server with a time zone: GL003 at 2:5, GL004,
/// GL005, GL006 and GL105.
const TO_SCRATCH: &str = "FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nEXPOSE 8080\nENV TZ=Europe/Paris\nENTRYPOINT [\"/app\"]\n";
// A server (it EXPOSEs a port) with no USER: every search finds it through GL005.
const ROOT_ONLY: &str = "FROM scratch\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n";

fn gopherlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("run").stdout).expect("utf-8")
}

/// `path:code` for every finding in compact output.
/// Lints `named` in `root`, which must not be linted: exit 0, no finding, and the note on
/// standard error, which is returned.
fn not_linted_note(root: &Path, named: &str) -> String {
    let output = gopherlint(root)
        .args(["--format", "compact", named])
        .output()
        .expect("run");
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    );
    assert_eq!(output.status.code(), Some(0), "{out}{err}");
    assert!(findings(&out).is_empty(), "{out}");
    assert!(
        err.starts_with(&format!("gopherlint: note: {named}: not linted: ")),
        "{err}"
    );
    err
}

fn findings(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            let (path, rest) = l.split_once(':')?;
            let code = rest.split('[').nth(1)?.split(']').next()?;
            Some(format!("{path}:{code}"))
        })
        .collect()
}

/// The files a search of `root` lints: every one is listed in the JSON report, with findings
/// or not.
fn files_listed(root: &Path) -> Vec<String> {
    let out = stdout(gopherlint(root).args(["--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    value["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect()
}

fn tree() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join(".git")).expect(".git");
    for path in [
        "Dockerfile",
        "svc/Containerfile",
        "svc/api.Dockerfile",
        "svc/worker.dockerfile",
        "svc/Dockerfile.prod",
        "tools/x.containerfile",
        ".hidden/Dockerfile",
        ".github/Dockerfile",
        "ignored/Dockerfile",
        "vendor/Dockerfile",
        "svc/testdata/Dockerfile",
        "web/node_modules/pkg/Dockerfile",
    ] {
        write(root, path, ROOT_ONLY);
    }
    write(root, "README.md", "FROM scratch\n");
    write(root, "svc/Dockerfile-old", ROOT_ONLY);
    write(root, ".gitignore", "ignored/\n");
    dir
}

#[test]
fn directories_are_searched_with_gitignore_and_hidden_rules() {
    let dir = tree();
    let paths = files_listed(dir.path());
    assert_eq!(
        paths,
        vec![
            ".github/Dockerfile",
            "Dockerfile",
            "svc/Containerfile",
            "svc/Dockerfile.prod",
            "svc/api.Dockerfile",
            "svc/worker.dockerfile",
            "tools/x.containerfile",
        ]
    );
    // Go's ignored `testdata` and the dependency trees are skipped, unless named.
    let named = stdout(gopherlint(dir.path()).args(["--format", "compact", "vendor"]));
    assert_eq!(findings(&named), vec!["vendor/Dockerfile:GL005"]);
}

#[test]
fn exclude_globs_and_explicit_files() {
    let dir = tree();
    let out = stdout(gopherlint(dir.path()).args([
        "--format",
        "compact",
        "--exclude",
        "vendor",
        "--exclude",
        "svc/*.Dockerfile",
        ".",
        "svc/Dockerfile-old",
    ]));
    let paths: Vec<String> = findings(&out)
        .into_iter()
        .map(|f| f.replace(":GL005", ""))
        .collect();
    assert!(!paths.iter().any(|p| p.starts_with("vendor/")), "{paths:?}");
    assert!(
        !paths.contains(&"svc/api.Dockerfile".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"svc/Dockerfile-old".to_string()),
        "explicit files are always linted: {paths:?}"
    );
}

#[test]
fn output_is_sorted_and_identical_across_runs() {
    let dir = TempDir::new().expect("tempdir");
    for i in (0..60).rev() {
        write(dir.path(), &format!("s{i:02}/Dockerfile"), SINGLE_STAGE);
    }
    let first = stdout(gopherlint(dir.path()).args(["--format", "json"]));
    for _ in 0..3 {
        assert_eq!(
            first,
            stdout(gopherlint(dir.path()).args(["--format", "json"]))
        );
    }
    let value: serde_json::Value = serde_json::from_str(&first).expect("json");
    let paths: Vec<&str> = value["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.first(), Some(&"s00/Dockerfile"));
}

#[test]
fn no_argument_lints_the_current_directory() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "Dockerfile", SINGLE_STAGE);
    gopherlint(dir.path())
        .assert()
        .code(1)
        .stdout(predicates::str::contains("Dockerfile:1:1"));
}

#[test]
fn nearest_config_wins_up_to_the_repository_root() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    // Above the repository: must not be used.
    write(
        root,
        "gopherlint.toml",
        "ignore = [\"GL001\", \"GL003\", \"GL004\", \"GL005\"]\n",
    );
    fs::create_dir_all(root.join("repo/.git")).expect(".git");
    write(root, "repo/gopherlint.toml", "ignore = [\"root-user\"]\n");
    write(root, "repo/Dockerfile", SINGLE_STAGE);
    write(root, "repo/sub/.gopherlint.toml", "ignore = [\"GL001\"]\n");
    write(root, "repo/sub/Dockerfile", SINGLE_STAGE);
    let out = stdout(gopherlint(&root.join("repo")).args(["--format", "compact"]));
    let found = findings(&out);
    assert!(found.contains(&"Dockerfile:GL001".to_string()), "{found:?}");
    assert!(
        !found.contains(&"Dockerfile:GL005".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"sub/Dockerfile:GL005".to_string()),
        "nearest config only: {found:?}"
    );
    assert!(
        !found.contains(&"sub/Dockerfile:GL001".to_string()),
        "{found:?}"
    );
    // --no-config and --config override discovery.
    let all = findings(&stdout(gopherlint(&root.join("repo")).args([
        "--format",
        "compact",
        "--no-config",
        "Dockerfile",
    ])));
    assert!(all.contains(&"Dockerfile:GL005".to_string()), "{all:?}");
    let chosen = findings(&stdout(gopherlint(&root.join("repo")).args([
        "--format",
        "compact",
        "--config",
        "sub/.gopherlint.toml",
        "Dockerfile",
    ])));
    assert!(
        !chosen.contains(&"Dockerfile:GL001".to_string()),
        "{chosen:?}"
    );
}

#[test]
fn config_errors_exit_2_and_name_the_problem() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "Dockerfile", SINGLE_STAGE);
    write(
        dir.path(),
        "gopherlint.toml",
        "ignore = [\"GL001\"]\n[final-stage]\nallowed-base = []\n",
    );
    gopherlint(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("allowed-base"));
    write(dir.path(), "gopherlint.toml", "ignore = [\"GL042\"]\n");
    gopherlint(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown rule `GL042`"));
    write(dir.path(), "gopherlint.toml", "");
    write(dir.path(), ".gopherlint.toml", "");
    gopherlint(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "both `gopherlint.toml` and `.gopherlint.toml`",
        ));
}

#[test]
fn flags_beat_the_config_file() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "Dockerfile", TO_SCRATCH);
    write(
        dir.path(),
        "gopherlint.toml",
        "failure-threshold = \"none\"\n[severity]\nGL003 = \"info\"\n",
    );
    gopherlint(dir.path()).assert().code(0);
    gopherlint(dir.path())
        .args(["--failure-threshold", "warning"])
        .assert()
        .code(1);
    let only = findings(&stdout(gopherlint(dir.path()).args([
        "--format",
        "compact",
        "--select",
        "GL003,cgo-not-disabled",
    ])));
    assert_eq!(only, vec!["Dockerfile:GL003", "Dockerfile:GL004"]);
    let out = stdout(gopherlint(dir.path()).args([
        "--format",
        "compact",
        "--ignore",
        "GL004,GL005,GL006,GL105,GL206,GL302",
    ]));
    assert_eq!(
        out,
        "Dockerfile:3:5: info[GL003] `go build` ships an unstripped binary: there is no `-ldflags=\"-s -w\"`\n"
    );
    gopherlint(dir.path())
        .args(["--select", "GL777"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--select: unknown rule `GL777`"));
}

#[test]
fn severity_overrides_reach_sarif_levels() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "Dockerfile", SINGLE_STAGE);
    write(
        dir.path(),
        "gopherlint.toml",
        "[severity]\nunstripped-binary = \"error\"\n",
    );
    let out = stdout(gopherlint(dir.path()).args(["--format", "sarif"]));
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "GL003")
        .expect("GL003")
        .clone();
    assert_eq!(result["level"], "error");
}

#[test]
fn allowed_bases_from_the_config() {
    let dir = TempDir::new().expect("tempdir");
    let text = "FROM golang:1.23 AS b\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\nUSER 1000:1000\nENTRYPOINT [\"/app\"]\n";
    write(dir.path(), "Dockerfile", text);
    gopherlint(dir.path()).assert().code(1);
    write(
        dir.path(),
        "gopherlint.toml",
        "[final-stage]\nallowed-bases = [\"alpine:3\"]\n",
    );
    gopherlint(dir.path()).assert().code(0);
}

#[test]
fn ignore_comments_local_global_and_unused() {
    let dir = TempDir::new().expect("tempdir");
    let text = "\
# gopherlint global ignore=root-user
# gopherlint ignore=GL001
FROM golang:1.23
COPY . .
# gopherlint ignore=GL003,GL302
RUN go build -o /app .
EXPOSE 8080
# gopherlint ignore=GL006
ENTRYPOINT [\"/app\"]

# gopherlint ignore=GL002
";
    write(dir.path(), "Dockerfile", text);
    let out = stdout(gopherlint(dir.path()).args(["--format", "compact"]));
    assert_eq!(
        out,
        "Dockerfile:8:1: info[GL900] unused ignore: `GL006` reported nothing here\n\
         Dockerfile:11:1: info[GL900] ignore comment for `GL002` is not directly above an instruction\n"
    );
    gopherlint(dir.path()).assert().code(0);
    let audit = findings(&stdout(gopherlint(dir.path()).args([
        "--format",
        "compact",
        "--no-ignore-comments",
    ])));
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert!(!audit.iter().any(|f| f.ends_with("GL900")));
}

#[test]
fn github_and_compact_formats() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "app, v2/Dockerfile", TO_SCRATCH);
    let github = stdout(gopherlint(dir.path()).args(["--format", "github", "--ignore", "GL001"]));
    insta::assert_snapshot!("github_format", github);
    let compact = stdout(gopherlint(dir.path()).args(["--format", "compact", "--ignore", "GL001"]));
    insta::assert_snapshot!("compact_format", compact);
}

#[test]
fn init_writes_a_starter_config_once() {
    let dir = TempDir::new().expect("tempdir");
    gopherlint(dir.path()).arg("--init").assert().code(0);
    let text = fs::read_to_string(dir.path().join("gopherlint.toml")).expect("written");
    assert!(text.contains("failure-threshold"));
    gopherlint(dir.path())
        .arg("--init")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exists"));
}

#[test]
fn sarif_fingerprints_survive_lines_added_above() {
    let dir = TempDir::new().expect("tempdir");
    let fingerprints = |text: &str| -> Vec<String> {
        write(dir.path(), "Dockerfile", text);
        let out = stdout(gopherlint(dir.path()).args(["--format", "sarif"]));
        let log: serde_json::Value = serde_json::from_str(&out).expect("sarif");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["gopherlint/v1"]
                    .as_str()
                    .expect("fp")
                    .to_string()
            })
            .collect()
    };
    let before = fingerprints(TO_SCRATCH);
    let after = fingerprints(&format!("# a new comment\n\n{TO_SCRATCH}"));
    assert_eq!(before.len(), 7);
    assert_eq!(before, after);
}

#[test]
fn templates_are_skipped_by_searches_and_named_get_a_note_and_no_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "Dockerfile", ROOT_ONLY);
    write(root, "Dockerfile.tmpl", "FROM {{ .Image }}\nUSER root\n");
    write(
        root,
        "deploy/Dockerfile",
        "# rendered by the release tool\nFROM cockroachdb/cockroach:{{ .Tag }}\nUSER root\n",
    );
    let paths = files_listed(root);
    assert_eq!(paths, vec!["Dockerfile"]);
    for (named, line) in [("Dockerfile.tmpl", 1), ("deploy/Dockerfile", 2)] {
        let err = not_linted_note(root, named);
        assert!(
            err.contains(&format!(
                "this is a template, not a Dockerfile (the FROM on line {line} holds template syntax)"
            )),
            "{err}"
        );
    }
    // Named beside a Dockerfile, the template changes nothing in the others' report.
    let output = gopherlint(root)
        .args(["--format", "json", "Dockerfile", "Dockerfile.tmpl"])
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("\"Dockerfile\""), "{out}");
    assert!(!out.contains("Dockerfile.tmpl"), "{out}");
}

#[test]
fn a_file_named_as_a_template_that_a_script_builds_as_it_is_is_linted() {
    // `release/Dockerfile.in` is whole, and the release script builds it with `-f`: it is a
    // Dockerfile whatever its name says.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect(".git");
    write(root, "Dockerfile.in", "FROM alpine\nUSER root\n");
    write(root, "release/Dockerfile.in", "FROM alpine\nUSER root\n");
    write(root, "Makefile", "release:\n\trelease/release.sh\n");
    write(
        root,
        "release/release.sh",
        "#!/bin/sh\ndocker build -f release/Dockerfile.in -t acme/app:release .\n",
    );
    let out = stdout(gopherlint(root).args(["--format", "compact", "release/Dockerfile.in"]));
    assert!(!out.contains("GL000"), "{out}");
    assert!(out.contains("GL401"), "{out}");
    // The same name that nothing builds is still a template.
    let err = not_linted_note(root, "Dockerfile.in");
    assert!(err.contains("its name is a template's"), "{err}");
}

#[test]
fn a_document_named_explicitly_gets_a_note_not_a_parse_error_per_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "docs/append-dockerfile-instructions.mdx",
        "---\ntitle: Append Dockerfile instructions\n---\n\nThe `appendDockerfileInstructions` option adds lines.\n",
    );
    let named = "docs/append-dockerfile-instructions.mdx";
    let err = not_linted_note(root, named);
    assert!(
        err.contains("this is a document, not a Dockerfile (a `.mdx` file)"),
        "{err}"
    );
}

#[test]
fn an_ignore_file_or_leftover_named_after_a_dockerfile_gets_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "Dockerfile", ROOT_ONLY);
    // A pre-commit hook matching `Dockerfile.*` names these too; each line of an ignore file
    // would otherwise be an unknown instruction.
    write(
        root,
        "Dockerfile.dockerignore",
        "**/.git/\n**/node_modules/\n",
    );
    write(root, "Dockerfile.orig", ROOT_ONLY);
    assert_eq!(files_listed(root), vec!["Dockerfile"]);
    let err = not_linted_note(root, "Dockerfile.dockerignore");
    assert!(
        err.contains("this is an ignore file, not a Dockerfile: BuildKit reads"),
        "{err}"
    );
    let err = not_linted_note(root, "Dockerfile.orig");
    assert!(err.contains("(a `.orig` file)"), "{err}");
}

#[test]
fn excerpts_and_placeholder_templates_are_skipped_by_searches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "Dockerfile", ROOT_ONLY);
    // Documentation that shows part of a file, and a file a script renders with `sed`.
    write(
        root,
        "docs/content/samples/Dockerfile",
        "FROM golang:1.24 AS build\n...\nFROM alpine\nUSER root\n",
    );
    write(root, "sed/Dockerfile", "FROM alpine\nUSER root\nCMD1\n");
    // envsubst's whole-line placeholder: the FROMs are plain, the message says what is not.
    write(
        root,
        "bundle/Dockerfile",
        "FROM scratch\n${LABELS}\nCOPY manifests /manifests\n",
    );
    // A language counter's test data: a file named Dockerfile with no instruction in it.
    write(root, "langs/Dockerfile", "this is a dockerfile\n");
    // A Dockerfile switched off by commenting out every line.
    write(
        root,
        "client/Dockerfile",
        "# FROM golang:1.24 AS build\n# RUN go build -o /app .\n\n# FROM scratch\n",
    );
    assert_eq!(files_listed(root), vec!["Dockerfile"]);
    for (named, says) in [
        (
            "docs/content/samples/Dockerfile",
            "this is an excerpt, not a whole Dockerfile (`...` on line 2",
        ),
        (
            "sed/Dockerfile",
            "line 3, `CMD1`, stands where an instruction must",
        ),
        (
            "bundle/Dockerfile",
            "line 2, `${LABELS}`, stands where an instruction must",
        ),
        (
            "langs/Dockerfile",
            "this is not a Dockerfile: no line of it starts with an instruction (line 1 starts `this`)",
        ),
        (
            "client/Dockerfile",
            "every line of this file is commented out (line 1 was a FROM): nothing builds it",
        ),
    ] {
        let err = not_linted_note(root, named);
        assert!(err.contains(says), "{err}");
    }
}
