//! The command line as users meet it: exit codes, messages for bad input, every output format.

use std::path::Path;

use assert_cmd::Command;

fn gopherlint() -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("run").stdout).expect("utf-8")
}

#[test]
fn clean_file_exits_0_and_findings_exit_1() {
    gopherlint()
        .arg("fixtures/Dockerfile.modern")
        .assert()
        .code(0)
        .stdout("No problems found in 1 file.\n");
    gopherlint()
        .arg("fixtures/Dockerfile.single-stage")
        .assert()
        .code(1);
}

#[test]
fn info_findings_alone_do_not_fail() {
    gopherlint()
        .arg("fixtures/rules/GL004-bad-alpine-builder-info.Dockerfile")
        .assert()
        .code(0);
}

#[test]
fn human_output_shows_source_help_and_fix() {
    let out =
        stdout_of(gopherlint().args(["--color", "never", "fixtures/Dockerfile.single-stage"]));
    insta::assert_snapshot!("human_single_stage", out);
}

#[test]
fn json_output_is_versioned_and_exact() {
    let out = stdout_of(gopherlint().args([
        "--format",
        "json",
        "fixtures/rules/GL003-bad-ldflags-without-s.Dockerfile",
    ]));
    insta::assert_snapshot!("json_gl003", out);
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(value["schema_version"], 1);
}

#[test]
fn sarif_output_has_rules_regions_and_relative_uris() {
    let out = stdout_of(gopherlint().args([
        "--format",
        "sarif",
        "fixtures/Dockerfile.single-stage",
        "fixtures/rules/GL006-bad-scratch-no-certs.Dockerfile",
    ]));
    let log: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), gopherlint::rules::RULES.len());
    let results = run["results"].as_array().expect("results");
    // Single-stage: GL001, GL003, GL005 and GL302 (no build cache mount); the scratch file:
    // GL006, GL206 and GL302 (no TZ asks for a zone, so no GL105).
    assert_eq!(results.len(), 7);
    let gl003 = results
        .iter()
        .find(|r| r["ruleId"] == "GL003")
        .expect("GL003");
    let location = &gl003["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "fixtures/Dockerfile.single-stage"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 5);
    assert_eq!(location["region"]["endColumn"], 13);
    let index = gl003["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "GL003");
    assert!(gl003["fixes"][0]["artifactChanges"][0]["replacements"].is_array());
    assert!(gl003["partialFingerprints"]["gopherlint/v1"].is_string());
}

#[test]
fn stdin_with_a_reported_name() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/GL005-bad-user-root.Dockerfile"),
    )
    .expect("fixture");
    let assert = gopherlint()
        .args([
            "--format",
            "json",
            "--stdin-filename",
            "app/Dockerfile",
            "-",
        ])
        .write_stdin(text)
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    assert!(out.contains("\"path\": \"app/Dockerfile\""), "{out}");
}

#[test]
fn missing_file_exits_2_naming_the_path() {
    gopherlint()
        .arg("no/such/Dockerfile")
        .assert()
        .code(2)
        .stderr("gopherlint: cannot read `no/such/Dockerfile`: No such file or directory\n");
}

#[test]
fn other_files_are_still_linted_when_one_is_missing() {
    let assert = gopherlint()
        .args(["fixtures/Dockerfile.single-stage", "missing.Dockerfile"])
        .assert()
        .code(2);
    let out = stdout_text(&assert);
    assert!(out.contains("GL001"), "{out}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    gopherlint().arg("--frobnicate").assert().code(2);
}

#[test]
fn unknown_target_exits_2() {
    gopherlint()
        .args(["--target", "release", "fixtures/Dockerfile.modern"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no stage named `release` (stages: build)",
        ));
}

#[test]
fn explain_prints_the_rule_doc_by_code_or_name() {
    let by_code = stdout_of(gopherlint().args(["--explain", "gl003"]));
    let by_name = stdout_of(gopherlint().args(["--explain", "unstripped-binary"]));
    assert!(by_code.starts_with("# GL003 unstripped-binary"));
    assert_eq!(by_code, by_name);
    gopherlint()
        .args(["--explain", "GL999"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown rule `GL999`"));
}

#[test]
fn list_rules_matches_the_readme() {
    let table = stdout_of(gopherlint().arg("--list-rules"));
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    assert!(
        readme.contains(&table),
        "README's rule table is out of date; paste `gopherlint --list-rules`:\n{table}"
    );
}

#[test]
fn a_path_named_rules_is_a_path() {
    // `rules/` holds no Dockerfiles: it is searched like any directory, not taken as a command.
    gopherlint()
        .arg("rules")
        .assert()
        .code(0)
        .stdout("No problems found in 0 files.\n")
        .stderr("gopherlint: warning: no Dockerfiles found in `rules`\n");
}

#[test]
fn version_flag() {
    gopherlint()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(format!("gopherlint {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bad_bytes_get_gl000_not_a_panic() {
    // Binary data.
    gopherlint()
        .args(["--format", "json", "-"])
        .write_stdin(vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("binary data"));
    // Non-UTF-8 bytes: reported, and the rest is still linted.
    let mut bytes = b"FROM golang:1.23\n# caf\xe9\nRUN go build -o /app .\n".to_vec();
    bytes.extend_from_slice(b"USER 1000\nENTRYPOINT [\"/app\"]\n");
    let assert = gopherlint()
        .args(["--format", "json", "-"])
        .write_stdin(bytes)
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    assert!(out.contains("not valid UTF-8"), "{out}");
    assert!(out.contains("GL001"), "{out}");
    // Empty input and a file with no FROM.
    gopherlint()
        .arg("-")
        .write_stdin("")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("no instructions"));
    gopherlint()
        .arg("-")
        .write_stdin("RUN echo hi\n")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("comes before any FROM"));
}

#[test]
fn unknown_instruction_does_not_hide_the_rest() {
    let assert = gopherlint()
        .args(["--format", "json", "-"])
        .write_stdin("FROM golang:1.23\nFOO bar\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n")
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    assert!(out.contains("unknown instruction `FOO`"));
    assert!(out.contains("GL003"));
}

#[test]
fn a_5_mb_file_is_linted() {
    let mut text = String::from("FROM golang:1.23 AS build\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("RUN echo 'some fairly long line of shell to pad the file out' && true\n");
    }
    text.push_str(
        "RUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
    );
    let assert = gopherlint()
        .args(["--format", "json", "-"])
        .write_stdin(text)
        .assert()
        .code(1);
    let out = stdout_text(&assert);
    assert!(out.contains("GL003") && out.contains("GL006"));
}

#[test]
fn an_unreadable_run_is_still_checked_but_never_fixed() {
    let text = "FROM golang:1.23 AS build\nRUN go build -o /app . && echo \"unclosed\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let assert = gopherlint()
        .args(["--format", "json", "-"])
        .write_stdin(text)
        .assert()
        .code(1);
    let out: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("JSON");
    let gl003 = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "GL003")
        .expect("GL003 still reported");
    assert!(
        gl003["fix"].is_null(),
        "no fix in a RUN that could not be read whole"
    );
}

#[test]
fn readme_shows_the_checked_workflows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    for file in [
        "fixtures/github/code-scanning.yml",
        "fixtures/github/uses-action.yml",
        "fixtures/github/reviewdog.yml",
        "fixtures/gitlab/code-quality.yml",
    ] {
        let workflow = std::fs::read_to_string(root.join(file)).expect("workflow");
        assert!(
            readme.contains(&workflow),
            "README must show {file} verbatim"
        );
    }
}

#[test]
fn pre_commit_hooks_match_the_discovery_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).expect("hooks");
    let line = format!("files: {}", gopherlint::discover::PRE_COMMIT_FILES_REGEX);
    assert_eq!(
        hooks.matches(&line).count(),
        2,
        "both hooks use the discovery regex"
    );
    assert!(hooks.contains("language: rust") && hooks.contains("language: system"));
}

#[test]
fn readme_shows_the_real_output_of_the_first_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let out =
        stdout_of(gopherlint().args(["--color", "never", "fixtures/Dockerfile.single-stage"]));
    assert!(
        readme.contains(&format!("```text\n{out}```")),
        "README's example output is out of date:\n{out}"
    );
}

/// What a finished command printed on standard output.
fn stdout_text(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8")
}

#[test]
fn our_own_image_follows_the_pattern_with_no_finding() {
    // The root Dockerfile builds gopherlint's image: this machine cannot pull its bases, so it
    // is checked with gopherlint and the parser only.
    gopherlint()
        .args(["--no-config", "Dockerfile"])
        .assert()
        .code(0)
        .stdout("No problems found in 1 file.\n");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile"))
        .expect("Dockerfile");
    let file = gopherlint::syntax::parse(&text);
    let options = gopherlint::LintOptions::default();
    let model =
        gopherlint::model::Model::build(&file, &text, &options.model_options()).expect("model");
    let shipped = model.final_stage().expect("a final stage");
    assert!(shipped.root_image.as_ref().is_some_and(|i| i.is_scratch()));
    let user = model
        .final_user()
        .and_then(|u| u.value.usable().map(str::to_string));
    assert_eq!(
        user.as_deref(),
        Some("65532:65532"),
        "a non-root numeric user"
    );
    assert_eq!(
        model.start_command(),
        Some(&["/gopherlint".to_string()][..])
    );
}

#[test]
fn a_file_named_in_several_spellings_is_linted_once_under_one_name() {
    let out = stdout_of(gopherlint().args([
        "--format",
        "compact",
        "fixtures/Dockerfile.single-stage",
        "fixtures//Dockerfile.single-stage",
        "./fixtures/./Dockerfile.single-stage",
    ]));
    let single =
        stdout_of(gopherlint().args(["--format", "compact", "fixtures/Dockerfile.single-stage"]));
    assert!(!single.is_empty());
    assert_eq!(out, single);
    assert!(
        out.lines()
            .all(|l| l.starts_with("fixtures/Dockerfile.single-stage:"))
    );
}

#[test]
fn a_tree_larger_than_the_per_directory_caches_gets_every_directory_right() {
    // More directories than the config and context caches keep (1,024 entries each), so
    // entries are dropped along the way: the root's config must still apply to every file, a
    // nested config to its own, and each file must still be judged with its own go.mod.
    let root = tempfile::TempDir::new().expect("temp dir");
    std::fs::write(
        root.path().join("gopherlint.toml"),
        "ignore = [\"GL001\"]\n",
    )
    .expect("config");
    std::fs::create_dir(root.path().join(".git")).expect(".git");
    let dockerfile = "FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n";
    let dirs = 1300;
    for n in 0..dirs {
        let dir = root.path().join(format!("d{n:04}"));
        std::fs::create_dir(&dir).expect("dir");
        std::fs::write(dir.join("Dockerfile"), dockerfile).expect("Dockerfile");
        // Even directories need a newer Go than the builder's (GL212), odd ones do not.
        let go = if n % 2 == 0 { "1.24" } else { "1.21" };
        std::fs::write(
            dir.join("go.mod"),
            format!("module example.com/a\n\ngo {go}\n"),
        )
        .expect("go.mod");
    }
    let z = root.path().join("z");
    std::fs::create_dir(&z).expect("z");
    std::fs::write(z.join("gopherlint.toml"), "").expect("empty config");
    std::fs::write(z.join("Dockerfile"), dockerfile).expect("Dockerfile");
    let out = stdout_of(
        gopherlint()
            .current_dir(root.path())
            .args(["--format", "json", "."]),
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["files"].as_array().map(Vec::len), Some(dirs + 1));
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let paths = |code: &str| -> Vec<String> {
        diagnostics
            .iter()
            .filter(|d| d["code"] == code)
            .filter_map(|d| d["path"].as_str().map(str::to_string))
            .collect()
    };
    // The root config turns GL001 off everywhere but under z/, which has its own config.
    assert_eq!(paths("GL001"), vec!["z/Dockerfile".to_string()]);
    let expected: Vec<String> = (0..dirs)
        .step_by(2)
        .map(|n| format!("d{n:04}/Dockerfile"))
        .collect();
    assert_eq!(paths("GL212"), expected);
}

/// A parser's test input under a test-data folder (`testfiles`, `testfiles-negative`, an e2e
/// tree's `fixtures`) is
/// not a Dockerfile anyone builds: even one with no stage at all gets no GL000. The same text
/// elsewhere does.
#[test]
fn test_data_without_a_stage_gets_no_parse_error() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let text = "CMD [\"a\"]\n";
    for path in [
        "parser/testfiles-negative/case/Dockerfile",
        "pkg/e2e/fixtures/broken-build/Dockerfile",
        "app/Dockerfile",
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, text).expect("write");
    }
    let run = |path: &str| {
        gopherlint()
            .current_dir(dir.path())
            .args(["--format", "compact", path])
            .output()
            .expect("runs")
    };
    let test_data = run("parser/testfiles-negative/case/Dockerfile");
    assert_eq!(test_data.status.code(), Some(0), "{test_data:?}");
    // An e2e test's fixture, made to fail a build.
    let fixture = run("pkg/e2e/fixtures/broken-build/Dockerfile");
    assert_eq!(fixture.status.code(), Some(0), "{fixture:?}");
    let app = run("app/Dockerfile");
    assert!(
        String::from_utf8_lossy(&app.stdout).contains("GL000"),
        "{app:?}"
    );
}

#[test]
fn a_dockerfile_named_for_its_architecture_may_fix_goarch() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let text = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 GOARCH=arm64 go build -trimpath -ldflags=\"-s -w\" -o /out/server .\n\nFROM scratch\nCOPY --from=build /out/server /server\nUSER 65532:65532\nENTRYPOINT [\"/server\"]\n";
    for name in ["Dockerfile.arm64", "Dockerfile"] {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let out = |name: &str| {
        stdout_of(
            gopherlint()
                .current_dir(dir.path())
                .args(["--select", "GL207", name]),
        )
    };
    assert!(!out("Dockerfile.arm64").contains("GL207"));
    assert!(out("Dockerfile").contains("GL207"));
}
