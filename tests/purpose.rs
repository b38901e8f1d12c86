//! What the image is for, and what follows from it: the class gopherlint gives each kind of
//! image, `--show-model`, `--platform`, classes set in configuration, path conventions, and
//! messages that state only what the file shows.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use gopherlint::model::{ImageClass, Platform};
use gopherlint::{LintOptions, lint, lint_result};
use tempfile::TempDir;

fn gopherlint() -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("run").stdout).expect("utf-8")
}

fn class_of(text: &str, options: &LintOptions) -> ImageClass {
    lint_result(text, options).expect("lint").class
}

const TEST_HELPER: &str = "FROM golang:1.23 AS build\nRUN go build -o /out/helper .\nFROM alpine:3.20\nCOPY --from=build /out/helper /helper\nENTRYPOINT [\"/helper\"]\n";

#[test]
fn each_kind_of_image_gets_its_class() {
    let fixture = |name: &str| {
        fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(name),
        )
        .expect("fixture")
    };
    let cases = [
        ("Dockerfile.single-stage", ImageClass::Service),
        ("Dockerfile.modern", ImageClass::Service),
        ("rules/class-service-go-run.Dockerfile", ImageClass::Service),
        (
            "rules/class-toolchain-ci-build-image.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-mock-generator.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-prebuilt-tool.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-live-reload.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-devcontainer.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-tools-on-other-base.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-prebuilt-binary-on-golang.Dockerfile",
            ImageClass::Toolchain,
        ),
        ("rules/class-check-stage.Dockerfile", ImageClass::Check),
        ("rules/class-check-vendor.Dockerfile", ImageClass::Check),
        (
            "rules/export-only-final-stage.Dockerfile",
            ImageClass::ExportOnly,
        ),
        (
            "rules/export-only-platform-stage.Dockerfile",
            ImageClass::ExportOnly,
        ),
        (
            "rules/GL002-good-static-site-from-go-stage.Dockerfile",
            ImageClass::Unknown,
        ),
        ("rules/no-go.Dockerfile", ImageClass::Unknown),
        ("rules/class-test-comment.Dockerfile", ImageClass::Test),
        (
            "rules/class-test-coverage-target.Dockerfile",
            ImageClass::Test,
        ),
        (
            "rules/class-test-ci-runner-base.Dockerfile",
            ImageClass::Test,
        ),
        ("rules/class-dev-debugger.Dockerfile", ImageClass::Dev),
        (
            "rules/class-toolchain-go-at-run-time.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-go-env-for-run-time.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-toolchain-packaging.Dockerfile",
            ImageClass::Toolchain,
        ),
        (
            "rules/class-service-go-run-builder.Dockerfile",
            ImageClass::Service,
        ),
        ("rules/GL005-bad-prebuilt.Dockerfile", ImageClass::Prebuilt),
        (
            "rules/GL003-good-coverage-build.Dockerfile",
            ImageClass::Test,
        ),
    ];
    for (name, class) in cases {
        assert_eq!(
            class_of(&fixture(name), &LintOptions::default()),
            class,
            "{name}"
        );
    }
}

#[test]
fn go_environment_set_after_the_last_build_is_for_run_time() {
    let service = "FROM golang:1.23\nENV GOPATH=/go\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nENV APP_MODE=release\nCMD [\"/app\"]\n";
    assert_eq!(
        class_of(service, &LintOptions::default()),
        ImageClass::Service
    );
    // No build of the file reads a GOFLAGS set after its last go command: the running
    // container does.
    let for_run_time = service.replace("ENV APP_MODE=release", "ENV GOFLAGS=-mod=mod");
    assert_eq!(
        class_of(&for_run_time, &LintOptions::default()),
        ImageClass::Toolchain
    );
}

#[test]
fn paths_tell_test_images_and_devcontainers() {
    let at = |path: &str| LintOptions {
        path: Some(path.into()),
        ..LintOptions::default()
    };
    assert_eq!(
        class_of(TEST_HELPER, &LintOptions::default()),
        ImageClass::Service
    );
    for path in [
        "test/e2e/helper/Dockerfile",
        "integration-tests/Dockerfile",
        "e2e/Dockerfile",
    ] {
        let options = at(path);
        assert_eq!(class_of(TEST_HELPER, &options), ImageClass::Test, "{path}");
        assert!(
            lint(TEST_HELPER, &options).expect("lint").is_empty(),
            "{path}"
        );
    }
    // A directory merely named like one is not a test directory.
    assert_eq!(
        class_of(TEST_HELPER, &at("latest/Dockerfile")),
        ImageClass::Service
    );
    let devcontainer = "FROM golang:1.23\nRUN go build -o /usr/local/bin/app .\nEXPOSE 8080\n";
    assert_eq!(
        class_of(devcontainer, &LintOptions::default()),
        ImageClass::Service
    );
    assert_eq!(
        class_of(devcontainer, &at(".devcontainer/Dockerfile")),
        ImageClass::Toolchain
    );
}

#[test]
fn names_and_folders_say_what_an_image_is_for() {
    let at = |path: &str| LintOptions {
        path: Some(path.into()),
        ..LintOptions::default()
    };
    let cases = [
        (
            "docs/tutorial/v1/images/guestbook/Dockerfile",
            ImageClass::Example,
        ),
        ("examples/compose/Dockerfile", ImageClass::Example),
        (".circleci/images/primary/Dockerfile", ImageClass::Test),
        (".github/workflows/smoke/Dockerfile", ImageClass::Test),
        ("Complement.Dockerfile", ImageClass::Test),
        ("build/test-server.Dockerfile", ImageClass::Test),
        ("cmd/test-server/Dockerfile", ImageClass::Test),
        ("deploy/demo-app/Dockerfile", ImageClass::Example),
        ("Dockerfile.integration", ImageClass::Test),
        ("Dockerfile.debug", ImageClass::Dev),
        ("scanner.dsym.Dockerfile", ImageClass::Dev),
        // Release images live in `.github/docker/` too, and `contrib/` often holds the real one.
        (".github/docker/Dockerfile", ImageClass::Service),
        ("contrib/docker/Dockerfile", ImageClass::Service),
        ("Dockerfile.latest", ImageClass::Service),
    ];
    for (path, class) in cases {
        assert_eq!(class_of(TEST_HELPER, &at(path)), class, "{path}");
    }
    // The file's own words come first, and --show-model says which signal decided.
    let stated =
        format!("# Used for tests only: a fake server for the client's tests.\n{TEST_HELPER}");
    assert_eq!(
        class_of(&stated, &at("cmd/helper/Dockerfile")),
        ImageClass::Test
    );
    let shown = stdout(
        gopherlint()
            .args([
                "--show-model",
                "--stdin-filename",
                "cmd/helper/Dockerfile",
                "-",
            ])
            .write_stdin(stated),
    );
    assert!(
        shown.contains("class: test (by a comment): line 1 says \"tests only\""),
        "{shown}"
    );
    // A comment just above the first stage of a multi-stage file speaks of that stage only.
    let first_stage = format!(
        "# Licensed under the Apache License.\n\n# Development image, for local development only.\nFROM alpine:3.20 AS dev\nRUN true\n\n{TEST_HELPER}"
    );
    assert_eq!(
        class_of(&first_stage, &LintOptions::default()),
        ImageClass::Service
    );
    // A comment elsewhere (about one step) does not re-class the image.
    let step = TEST_HELPER.replace("FROM alpine:3.20\n", "FROM alpine:3.20\n# Test deps\n");
    assert_eq!(
        class_of(&step, &LintOptions::default()),
        ImageClass::Service
    );
}

#[test]
fn a_class_set_by_the_user_wins() {
    let text = "FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@v0.24.0\n";
    assert_eq!(
        class_of(text, &LintOptions::default()),
        ImageClass::Toolchain
    );
    assert!(
        lint(text, &LintOptions::default())
            .expect("lint")
            .is_empty()
    );
    let service = LintOptions {
        class: Some(ImageClass::Service),
        ..LintOptions::default()
    };
    let codes: Vec<_> = lint(text, &service)
        .expect("lint")
        .iter()
        .map(|d| d.code())
        .collect();
    // No EXPOSE and no user of its own: GL005 cannot tell a server from a tool, and says nothing.
    // A pinned tool built from no file of the context needs no cache mount (no GL302).
    assert_eq!(codes, ["GL001", "GL003"]);
}

#[test]
fn config_sets_classes_by_path() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect(".git");
    fs::create_dir_all(root.join("ci")).expect("ci");
    fs::create_dir_all(root.join("svc")).expect("svc");
    fs::write(root.join("ci/Dockerfile"), TEST_HELPER).expect("write");
    fs::write(root.join("svc/Dockerfile"), TEST_HELPER).expect("write");
    fs::write(
        root.join("gopherlint.toml"),
        "[image.paths]\n\"ci/*\" = \"toolchain\"\n",
    )
    .expect("config");
    let out = stdout(
        Command::cargo_bin("gopherlint")
            .expect("binary")
            .current_dir(root)
            .args(["--format", "json", "."]),
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let classes: Vec<(String, String)> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["image_class"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            ("ci/Dockerfile".to_string(), "toolchain".to_string()),
            ("svc/Dockerfile".to_string(), "service".to_string())
        ]
    );
    let findings = json["diagnostics"].as_array().expect("diagnostics");
    assert!(findings.iter().all(|d| d["path"] == "svc/Dockerfile"));
    fs::write(
        root.join("gopherlint.toml"),
        "[image]\nclass = \"server\"\n",
    )
    .expect("config");
    Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(root)
        .arg(".")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "must be one of service, prebuilt, toolchain",
        ));
}

#[test]
fn show_model_explains_what_was_understood() {
    let out = stdout(gopherlint().args([
        "--show-model",
        "fixtures/Dockerfile.modern",
        "fixtures/rules/export-only-platform-stage.Dockerfile",
    ]));
    insta::assert_snapshot!("show_model", out);
    // The README shows the first file's account as it is.
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let single = stdout(gopherlint().args(["--show-model", "fixtures/Dockerfile.modern"]));
    assert!(
        readme.contains(&single),
        "README's --show-model example is out of date:\n{single}"
    );
}

#[test]
fn platform_args_resolve_to_the_platform_built() {
    // Which stage ships depends on `$TARGETARCH`: amd64 by default, arm64 when asked.
    let text = "FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch AS run-amd64\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\nFROM gcr.io/distroless/static-debian12:nonroot AS run-arm64\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\nFROM run-$TARGETARCH\n";
    let codes = |options: &LintOptions| -> Vec<&'static str> {
        lint(text, options)
            .expect("lint")
            .iter()
            .map(|d| d.code())
            .collect()
    };
    // amd64 ships on scratch: no CA bundle (GL006); nothing asks for a time zone (no GL105) and
    // nothing says it is a server (no GL005).
    assert_eq!(
        codes(&LintOptions::default()),
        ["GL304", "GL003", "GL206", "GL006"]
    );
    let arm = LintOptions {
        platform: Platform::parse("linux/arm64").expect("platform"),
        ..LintOptions::default()
    };
    assert_eq!(codes(&arm), ["GL304", "GL003", "GL206"]);
    let out = stdout(
        gopherlint()
            .args(["--platform", "linux/arm64", "--show-model", "-"])
            .write_stdin(text),
    );
    assert!(out.contains("platform: linux/arm64"), "{out}");
    assert!(out.contains("FROM stage `run-arm64`"), "{out}");
    gopherlint()
        .args(["--platform", "linux arm64", "-"])
        .write_stdin(text)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--platform: `linux arm64` is not a platform",
        ));
}

#[test]
fn messages_never_print_an_unknown_value_as_empty() {
    let texts = [
        "ARG BASE_IMAGE\nFROM golang:1.23 AS build\nRUN go build -o /app .\nFROM ${BASE_IMAGE}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
        "ARG ns\nARG ver\nFROM golang:1.23 AS build\nRUN go build -o /app .\nFROM ${ns}/exporter-base:${ver}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
        "ARG ARCH\nFROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot-${ARCH}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
        "ARG GO\nFROM golang:${GO}-alpine AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
    ];
    for text in texts {
        for d in lint(text, &LintOptions::default()).expect("lint") {
            let all = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
            // Every code span: not empty, no dangling `:`/`-`, no leading `:`.
            for (i, span) in all.split('`').enumerate() {
                let empty_part =
                    span.is_empty() || span.starts_with(':') || span.ends_with([':', '-']);
                assert!(
                    i % 2 == 0 || !empty_part,
                    "{}: `{all}` prints an empty value",
                    d.code()
                );
            }
        }
    }
    // A tag that depends on an unknown value still names the image: `golang:${GO}-alpine` is
    // an Alpine Go toolchain without a C compiler, so GL004 gives its info.
    let gl004 = lint(texts[3], &LintOptions::default())
        .expect("lint")
        .into_iter()
        .find(|d| d.code() == "GL004")
        .expect("GL004");
    assert_eq!(gl004.severity, gopherlint::diagnostic::Severity::Info);
}

#[test]
fn messages_name_the_real_stage_and_the_known_default_user() {
    let text = "FROM golang:1.23 AS builder\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /app .\nFROM scratch\nCOPY --from=builder /app /app\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n";
    let diagnostics = lint(text, &LintOptions::default()).expect("lint");
    let gl006 = diagnostics
        .iter()
        .find(|d| d.code() == "GL006")
        .expect("GL006");
    let help = gl006.help.as_deref().unwrap_or("");
    assert!(help.contains("COPY --from=builder "), "{help}");
    let gl005 = diagnostics
        .iter()
        .find(|d| d.code() == "GL005")
        .expect("GL005");
    assert_eq!(
        gl005.message,
        "no USER is set and `scratch` runs as root by default"
    );
    // A base gopherlint does not know has a default user nobody can tell (it may set one, or
    // start through an init that drops root): GL005 says nothing rather than guess.
    let other = text.replace("FROM scratch", "FROM registry.example.com/base:1");
    let diagnostics = lint(&other, &LintOptions::default()).expect("lint");
    assert!(!diagnostics.iter().any(|d| d.code() == "GL005"));
    // An explicit root user on it is the file's own choice, unless it serves RUN steps after
    // it that never switch back: then it is one.
    let root = other.replace("ENTRYPOINT", "USER root\nENTRYPOINT");
    let diagnostics = lint(&root, &LintOptions::default()).expect("lint");
    assert!(!diagnostics.iter().any(|d| d.code() == "GL005"));
    let installs = other.replace("ENTRYPOINT", "USER root\nRUN mkdir -p /etc/app\nENTRYPOINT");
    let diagnostics = lint(&installs, &LintOptions::default()).expect("lint");
    let gl005 = diagnostics
        .iter()
        .find(|d| d.code() == "GL005")
        .expect("GL005");
    assert_eq!(
        gl005.message,
        "the final image runs as root: the stage switches to `USER root` for its RUN steps and never switches back"
    );
}

#[test]
fn cgo_messages_are_conditional_and_never_claim_cgo_is_on_without_a_compiler() {
    let alpine = "FROM golang:1.23-alpine AS build\nRUN go build -ldflags=\"-s -w\" -o /app .\nFROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let diagnostics = lint(alpine, &LintOptions::default()).expect("lint");
    let gl004 = diagnostics
        .iter()
        .find(|d| d.code() == "GL004")
        .expect("GL004");
    assert!(
        !gl004.message.contains("cgo is enabled"),
        "{}",
        gl004.message
    );
    assert!(
        gl004.message.starts_with("`CGO_ENABLED` is unset"),
        "{}",
        gl004.message
    );
    let debian = alpine.replace("golang:1.23-alpine", "golang:1.23");
    let diagnostics = lint(&debian, &LintOptions::default()).expect("lint");
    let gl004 = diagnostics
        .iter()
        .find(|d| d.code() == "GL004")
        .expect("GL004");
    assert!(
        gl004
            .message
            .contains("if the program or a dependency uses net, os/user or C code"),
        "{}",
        gl004.message
    );
}

#[test]
fn windows_images_get_no_linux_user_advice() {
    let text = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY app.exe C:/app.exe\nENTRYPOINT [\"C:/app.exe\"]\n";
    assert!(
        lint(text, &LintOptions::default())
            .expect("lint")
            .is_empty()
    );
    let shell =
        "FROM example.com/win-base:1\nSHELL [\"powershell\", \"-Command\"]\nRUN Write-Host hi\n";
    assert!(
        lint(shell, &LintOptions::default())
            .expect("lint")
            .is_empty()
    );
}

#[test]
fn example_images_get_no_build_hygiene_notes() {
    let text = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let run = |name: &str| {
        stdout(
            gopherlint()
                .args(["--format", "compact", "--stdin-filename", name, "-"])
                .write_stdin(text),
        )
    };
    assert!(run("cmd/app/Dockerfile").contains("[GL206]"));
    for name in [
        "examples/app/Dockerfile",
        "_example/memory/Dockerfile",
        "demo/Dockerfile",
    ] {
        assert!(!run(name).contains("[GL206]"), "{name}");
    }
    let shown = stdout(
        gopherlint()
            .args([
                "--show-model",
                "--stdin-filename",
                "examples/app/Dockerfile",
                "-",
            ])
            .write_stdin(text),
    );
    assert!(
        shown.contains("class: example (by the directory): the file is under `examples/`"),
        "{shown}"
    );
}

#[test]
fn show_model_never_prints_an_unset_build_arg_as_an_empty_value() {
    let text = "FROM golang:1.23 AS build\nARG LDFLAGS\nRUN go build -ldflags \"$LDFLAGS\" -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let shown = stdout(gopherlint().args(["--show-model", "-"]).write_stdin(text));
    assert!(!shown.contains("``"), "{shown}");
    assert!(
        shown.contains("-ldflags: `$LDFLAGS` (unknown: it uses a value this file does not set)"),
        "{shown}"
    );
}

#[test]
fn a_program_from_the_projects_tools_directory_is_a_maintainers_tool() {
    let tool = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/formatter ./tools/formatter\nFROM alpine:3.20\nCOPY --from=build /out/formatter /formatter\nENTRYPOINT [\"/formatter\"]\n";
    assert_eq!(class_of(tool, &LintOptions::default()), ImageClass::Dev);
    // The project's own commands, and a tool module's own path, are what it releases.
    let service = tool.replace("./tools/formatter", "./cmd/server");
    assert_eq!(
        class_of(&service, &LintOptions::default()),
        ImageClass::Service
    );
    let gopls = tool.replace("./tools/formatter", "golang.org/x/tools/gopls");
    assert_ne!(class_of(&gopls, &LintOptions::default()), ImageClass::Dev);
}

#[test]
fn show_model_estimates_the_size_from_the_base_when_the_table_knows_it() {
    let model = |text: &str, platform: &str| {
        let options = LintOptions {
            platform: Platform::parse(platform).expect("platform"),
            ..LintOptions::default()
        };
        let out = gopherlint::show_model(text, &options).expect("model");
        out.lines()
            .find(|l| l.trim_start().starts_with("size "))
            .map(str::to_string)
    };
    let alpine = "FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM alpine:3.20\nRUN apk add --no-cache tzdata\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    assert_eq!(
        model(alpine, "linux/arm64").as_deref(),
        Some(
            "  size (compressed, linux/arm64): base about 4.2 MB (measured on `alpine:3.24`, 2026-09-17) + the copied files + what its RUN steps add"
        )
    );
    // No figure for the platform, or for the base: nothing is said.
    assert_eq!(model(alpine, "linux/s390x"), None);
    let distroless = "FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    assert_eq!(model(distroless, "linux/amd64"), None);
}
