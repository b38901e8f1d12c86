//! The build context: where it is looked up (the Dockerfile's directory, `--context`,
//! `[context.paths]`), what is read from it, and the rules that need it (GL210, GL212).
//! Unknown or unreadable contexts never fail a run.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn gopherlint() -> Command {
    let mut cmd = Command::cargo_bin("gopherlint").expect("binary");
    cmd.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn compact(cmd: &mut Command) -> (Vec<String>, i32) {
    let output = cmd.output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let lines = text
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": info["))
        .map(str::to_string)
        .collect();
    (lines, output.status.code().unwrap_or(-1))
}

/// What a finished command printed on standard output.
fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn codes(lines: &[String], code: &str) -> usize {
    lines
        .iter()
        .filter(|l| l.contains(&format!("[{code}]")))
        .count()
}

/// A scratch directory for one test, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gopherlint-ctx-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("mkdir");
    dir
}

const SERVICE: &str = "FROM golang:1.24-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/api .

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/api /api
USER 65532:65532
ENTRYPOINT [\"/api\"]
";

#[test]
fn go_mod_newer_than_the_builder_is_gl212_and_no_go_mod_is_silent() {
    let (lines, code) = compact(
        gopherlint()
            .args(["--format", "compact", "--select", "GL212"])
            .arg("fixtures/context/go-version-mismatch/Dockerfile"),
    );
    assert_eq!(
        lines,
        vec![
            "fixtures/context/go-version-mismatch/Dockerfile:3:6: error[GL212] go.mod requires Go 1.24, but `golang:1.22` has Go 1.22: the build stops with \"go.mod requires go >= 1.24\""
        ]
    );
    assert_eq!(code, 1);
    let (lines, code) = compact(
        gopherlint()
            .args(["--format", "compact", "--select", "GL212"])
            .arg("fixtures/context/no-go-mod/Dockerfile"),
    );
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(code, 0);
    // --show-model says what was read and where the go.mod goes.
    let shown = stdout_of(gopherlint().args([
        "--show-model",
        "fixtures/context/go-version-mismatch/Dockerfile",
    ]));
    assert!(
        shown.contains("context: `fixtures/context/go-version-mismatch`\n  go.mod: module `example.com/acme/api`, go 1.24\n"),
        "{shown}"
    );
    assert!(
        shown.contains("  go.mod copied into stage `build` (line 5)\n"),
        "{shown}"
    );
}

#[test]
fn the_context_flag_names_another_directory() {
    let (lines, _) = compact(
        gopherlint()
            .args(["--format", "compact", "--select", "GL212", "--context"])
            .arg("fixtures/context/go-version-mismatch")
            .arg("fixtures/context/no-go-mod/Dockerfile"),
    );
    assert_eq!(codes(&lines, "GL212"), 1, "{lines:?}");
    // A context that is not a directory is unknown: a warning, not a failure.
    let output = gopherlint()
        .args(["--select", "GL212", "--context", "no/such/dir"])
        .arg("fixtures/context/go-version-mismatch/Dockerfile")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the build context `no/such/dir` is not a directory"),
        "{stderr}"
    );
}

#[test]
fn config_sets_the_context_per_path() {
    let root = scratch("config");
    fs::create_dir_all(root.join("deploy")).expect("mkdir");
    fs::write(root.join("go.mod"), "module example.com/m\n\ngo 1.25\n").expect("go.mod");
    let dockerfile = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context/no-go-mod/Dockerfile"),
    )
    .expect("fixture");
    fs::write(root.join("deploy/api.Dockerfile"), &dockerfile).expect("Dockerfile");
    let run = |root: &Path| {
        compact(gopherlint().current_dir(root).args([
            "--format",
            "compact",
            "--select",
            "GL212",
            "deploy/api.Dockerfile",
        ]))
        .0
    };
    // Built from deploy/ (the default), there is no go.mod.
    assert!(run(&root).is_empty());
    fs::write(
        root.join("gopherlint.toml"),
        "[context.paths]\n\"deploy/*.Dockerfile\" = \".\"\n",
    )
    .expect("config");
    let lines = run(&root);
    assert_eq!(codes(&lines, "GL212"), 1, "{lines:?}");
    assert!(lines[0].contains("go.mod requires Go 1.25"), "{lines:?}");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn unreadable_context_files_are_unknown() {
    let root = scratch("unreadable");
    let dockerfile = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context/no-go-mod/Dockerfile"),
    )
    .expect("fixture");
    fs::write(root.join("Dockerfile"), dockerfile).expect("Dockerfile");
    for bad in [
        vec![0u8, 159, 146, 150],
        b"go 1.99\xff\xfe".to_vec(),
        vec![b'x'; gopherlint::context::MAX_FILE_BYTES + 1],
    ] {
        fs::write(root.join("go.mod"), &bad).expect("go.mod");
        fs::write(root.join(".dockerignore"), &bad).expect("ignore");
        let output = gopherlint()
            .current_dir(&root)
            .args(["--format", "compact", "Dockerfile"])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            !stdout.contains("GL212") && !stdout.contains("GL210"),
            "{stdout}"
        );
        assert_ne!(output.status.code(), Some(2), "{stdout}");
        let shown = stdout_of(
            gopherlint()
                .current_dir(&root)
                .args(["--show-model", "Dockerfile"]),
        );
        assert!(shown.contains("go.mod: unreadable (unknown)"), "{shown}");
    }
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn git_sent_to_a_builder_without_git_is_gl210() {
    let root = scratch("vcs");
    fs::create_dir_all(root.join(".git")).expect(".git");
    fs::write(
        root.join("go.mod"),
        "module example.com/acme/api\n\ngo 1.24\n",
    )
    .expect("go.mod");
    fs::write(root.join("Dockerfile"), SERVICE).expect("Dockerfile");
    let run = |root: &Path| {
        compact(gopherlint().current_dir(root).args([
            "--format",
            "compact",
            "--select",
            "GL210",
            "Dockerfile",
        ]))
        .0
    };
    assert_eq!(
        run(&root),
        vec![
            "Dockerfile:3:1: info[GL210] this copy sends the context's `.git` into stage `build`, which has no git: `go build` skips VCS stamping, and every commit invalidates this layer and the build cache after it"
        ]
    );
    // A Dockerfile-specific ignore file leaves it out.
    fs::write(root.join("Dockerfile.dockerignore"), ".git\n").expect("ignore");
    assert!(run(&root).is_empty());
    fs::remove_file(root.join("Dockerfile.dockerignore")).expect("rm");
    // So does the context's, with Docker's pattern semantics.
    fs::write(root.join(".dockerignore"), "**/.git\n").expect("ignore");
    assert!(run(&root).is_empty());
    fs::write(root.join(".dockerignore"), "*\n!.git\n").expect("ignore");
    assert_eq!(run(&root).len(), 1);
    fs::remove_file(root.join(".dockerignore")).expect("rm");
    // git in the builder: the stamping is deliberate.
    fs::write(
        root.join("Dockerfile"),
        SERVICE.replace(
            "WORKDIR /src\n",
            "WORKDIR /src\nRUN apk add --no-cache git\n",
        ),
    )
    .expect("Dockerfile");
    assert!(run(&root).is_empty());
    // `-buildvcs` either way is a decision.
    fs::write(
        root.join("Dockerfile"),
        SERVICE.replace("-trimpath", "-trimpath -buildvcs=true"),
    )
    .expect("Dockerfile");
    assert!(run(&root).is_empty());
    // A builder on a retired Alpine release without a Go version (`golang:alpine3.9`) ran
    // Go 1.17 at the newest: there was no VCS stamping to skip.
    let image = SERVICE
        .lines()
        .find_map(|l| l.strip_prefix("FROM "))
        .and_then(|l| l.split_whitespace().next())
        .expect("FROM")
        .to_string();
    fs::write(
        root.join("Dockerfile"),
        SERVICE.replacen(&image, "golang:alpine3.9", 1),
    )
    .expect("Dockerfile");
    assert!(run(&root).is_empty());
    fs::write(
        root.join("Dockerfile"),
        SERVICE.replacen(&image, "golang:alpine3.20", 1),
    )
    .expect("Dockerfile");
    assert_eq!(run(&root).len(), 1);
    // Without `.git` in the context, nothing is sent.
    fs::write(root.join("Dockerfile"), SERVICE).expect("Dockerfile");
    fs::remove_dir_all(root.join(".git")).expect("rm .git");
    assert!(run(&root).is_empty());
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn the_module_path_names_a_build_without_output() {
    let root = scratch("module");
    fs::write(
        root.join("go.mod"),
        "module github.com/acme/api/v2\n\ngo 1.24\n",
    )
    .expect("go.mod");
    let text = SERVICE
        .replace(" -o /out/api .", "")
        .replace("/out/api", "/src/api");
    fs::write(root.join("Dockerfile"), &text).expect("Dockerfile");
    let shown = stdout_of(
        gopherlint()
            .current_dir(&root)
            .args(["--show-model", "Dockerfile"]),
    );
    assert!(shown.contains("context: `.`"), "{shown}");
    assert!(
        shown.contains("go.mod: module `github.com/acme/api/v2`, go 1.24"),
        "{shown}"
    );
    assert!(shown.contains("output: `/src/api`"), "{shown}");
    assert!(
        shown.contains("ships in the final image: yes, as `/api`"),
        "{shown}"
    );
    // Standard input without --context has no context.
    let shown = stdout_of(
        gopherlint()
            .current_dir(&root)
            .args(["--show-model", "-"])
            .write_stdin(text),
    );
    assert!(shown.contains("context: unknown"), "{shown}");
    assert!(shown.contains("output: unknown"), "{shown}");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_binary_with_embedded_ca_roots_needs_no_bundle() {
    let (lines, _) = compact(
        gopherlint()
            .args(["--format", "compact", "--select", "GL006"])
            .arg("fixtures/context/embedded-ca-roots/Dockerfile"),
    );
    assert!(lines.is_empty(), "{lines:?}");
    // The same file without that go.mod: GL006 reports, and says what would answer it.
    let dir = scratch("no-embedded-roots");
    fs::copy(
        "fixtures/context/embedded-ca-roots/Dockerfile",
        dir.join("Dockerfile"),
    )
    .expect("copy");
    let shown = stdout_of(
        gopherlint()
            .args(["--select", "GL006"])
            .arg(dir.join("Dockerfile")),
    );
    assert!(shown.contains("warning[GL006]"), "{shown}");
    // Without a readable go.mod the consequence is stated with its condition.
    assert!(
        shown.contains("nothing copies CA certificates into it: unless the program embeds its own roots, its TLS connections fail"),
        "{shown}"
    );
    assert!(
        shown.contains("the build context's go.mod, not readable here, tells: the program embeds its roots if it requires `golang.org/x/crypto/x509roots/fallback` or `github.com/breml/rootcerts`"),
        "{shown}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_start_script_that_compiles_needs_the_toolchain() {
    let shown = stdout_of(
        gopherlint()
            .arg("--show-model")
            .arg("fixtures/context/start-script-builds/Dockerfile"),
    );
    assert!(
        shown.contains("class: toolchain (by the contents): its start script compiles Go"),
        "{shown}"
    );
    let (lines, _) = compact(
        gopherlint()
            .args(["--format", "compact"])
            .arg("fixtures/context/start-script-builds/Dockerfile"),
    );
    assert_eq!(
        codes(&lines, "GL001") + codes(&lines, "GL107"),
        0,
        "{lines:?}"
    );
}

#[test]
fn a_frameworks_generated_scaffolding_is_an_example() {
    let dir = scratch("wails");
    fs::write(dir.join("wails.json"), "{\"name\": \"app\"}\n").expect("wails.json");
    fs::create_dir_all(dir.join("build/docker")).expect("mkdir");
    fs::write(dir.join("build/docker/Dockerfile"), SERVICE).expect("Dockerfile");
    let shown = stdout_of(
        gopherlint()
            .arg("--show-model")
            .arg(dir.join("build/docker/Dockerfile")),
    );
    assert!(
        shown.contains(
            "class: example (by the directory): the file is Wails's generated project scaffolding"
        ),
        "{shown}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Go 1.19.13 and Go 1.20.8 learned to refuse go lines of 1.22 or later: on them the build
/// stops (an error); an older point release still tries the build (info).
#[test]
fn go_120_point_releases_refuse_newer_go_lines() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.24\n",
    )
    .expect("go.mod");
    let lint = |image: &str| {
        let dockerfile = dir.path().join("Dockerfile");
        fs::write(
            &dockerfile,
            format!("FROM {image} AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"),
        )
        .expect("Dockerfile");
        let (lines, _) = compact(
            gopherlint()
                .args(["--format", "compact", "--select", "GL212"])
                .arg(&dockerfile),
        );
        lines.join("\n")
    };
    let floating = lint("golang:1.20");
    assert!(floating.contains("error[GL212]"), "{floating}");
    assert!(
        floating.contains("the build stops, since Go 1.19.13 and Go 1.20.8 refuse modules that declare Go 1.22 or later"),
        "{floating}"
    );
    let old_patch = lint("golang:1.20.7");
    assert!(old_patch.contains("info[GL212]"), "{old_patch}");
    assert!(old_patch.contains("which builds it anyway"), "{old_patch}");
}

#[test]
fn leaving_gopath_mode_names_the_context_module() {
    let file = "FROM golang:1.23 AS build\nWORKDIR /go/src/example.com/relay\nCOPY . .\nRUN CGO_ENABLED=0 GO111MODULE=off go build -o /out/relay example.com/relay/cmd/relay\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/relay /relay\nENTRYPOINT [\"/relay\"]\n";
    let dir = scratch("gopath-mode");
    fs::write(dir.join("Dockerfile"), file).expect("Dockerfile");
    let lint = || {
        stdout_of(
            gopherlint()
                .args(["--select", "GL211"])
                .arg(dir.join("Dockerfile")),
        )
    };
    let without = lint();
    assert!(
        without.contains("build in module mode (the default since Go 1.16) with a go.mod,"),
        "{without}"
    );
    fs::write(dir.join("go.mod"), "module example.com/relay\n\ngo 1.23\n").expect("go.mod");
    let with = lint();
    assert!(
        with.contains("from the module root, with the context's go.mod (`module example.com/relay`) and package paths relative to it"),
        "{with}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// A program whose own source starts a program of its base (`exec.Command("cat", ...)`) needs
/// that base: GL002 does not offer scratch. The same program without that call gets GL002.
#[test]
fn a_program_that_starts_base_programs_keeps_its_base() {
    let dir = scratch("starts-base-program");
    fs::write(
        dir.join("Dockerfile"),
        "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/web ./cmd/web\n\nFROM debian:bookworm-slim\nCOPY --from=build /out/web /usr/local/bin/web\nENTRYPOINT [\"/usr/local/bin/web\"]\n",
    )
    .expect("write");
    fs::write(dir.join("go.mod"), "module example.com/web\n\ngo 1.24\n").expect("write");
    fs::create_dir_all(dir.join("cmd/web")).expect("mkdir");
    fs::create_dir_all(dir.join("internal/log")).expect("mkdir");
    fs::write(
        dir.join("cmd/web/main.go"),
        "package main\n\nimport \"example.com/web/internal/log\"\n\nfunc main() { log.Show() }\n",
    )
    .expect("write");
    let lint = || {
        compact(
            gopherlint()
                .args(["--format", "compact", "--select", "GL002"])
                .arg(dir.join("Dockerfile")),
        )
        .0
    };
    fs::write(
        dir.join("internal/log/log.go"),
        "package log\n\nfunc Show() {}\n",
    )
    .expect("write");
    assert_eq!(codes(&lint(), "GL002"), 1);
    // A program no base carries says nothing about the base.
    fs::write(
        dir.join("internal/log/log.go"),
        "package log\n\nimport \"os/exec\"\n\nfunc Show() { _ = exec.Command(\"xdg-open\", \"http://localhost\").Run() }\n",
    )
    .expect("write");
    assert_eq!(codes(&lint(), "GL002"), 1);
    fs::write(
        dir.join("internal/log/log.go"),
        "package log\n\nimport \"os/exec\"\n\nfunc Show() { _ = exec.Command(\"cat\", \"/var/log/web\").Run() }\n",
    )
    .expect("write");
    assert_eq!(lint(), Vec::<String>::new());
    let _ = fs::remove_dir_all(&dir);
}

/// The final image copies the built package's directory from the context as it is (a site that
/// serves its own source tree): the paths `-trimpath` would hide ship anyway, and GL206 is
/// silent. Without that copy it reports.
#[test]
fn a_source_tree_that_ships_needs_no_trimpath() {
    let dir = scratch("source-tree-ships");
    fs::write(dir.join("go.mod"), "module example.com/site\n\ngo 1.24\n").expect("write");
    fs::create_dir_all(dir.join("website/server")).expect("mkdir");
    fs::write(
        dir.join("website/server/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .expect("write");
    let dockerfile = |ships_source: bool| {
        let copy = if ships_source {
            "COPY website /srv/website\n"
        } else {
            ""
        };
        format!(
            "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/site ./website/server\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/site /site\n{copy}ENTRYPOINT [\"/site\", \"--root=/srv/website\"]\n"
        )
    };
    let lint = || {
        compact(
            gopherlint()
                .args(["--format", "compact", "--select", "GL206"])
                .arg(dir.join("Dockerfile")),
        )
        .0
    };
    fs::write(dir.join("Dockerfile"), dockerfile(false)).expect("write");
    assert_eq!(codes(&lint(), "GL206"), 1);
    fs::write(dir.join("Dockerfile"), dockerfile(true)).expect("write");
    assert_eq!(lint(), Vec::<String>::new());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn gotoolchain_is_named_only_for_a_release_that_has_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let build = |image: &str| {
        format!(
            "FROM {image} AS build\nWORKDIR /src\nCOPY go.mod ./\nCOPY . .\nRUN go build -o /app .\n"
        )
    };
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .expect("main");
    let help = |go_line: &str, image: &str| {
        std::fs::write(
            dir.path().join("go.mod"),
            format!("module example.com/app\n\ngo {go_line}\n"),
        )
        .expect("go.mod");
        std::fs::write(dir.path().join("Dockerfile"), build(image)).expect("Dockerfile");
        stdout_of(gopherlint().current_dir(dir.path()).args([
            "--select",
            "GL212",
            "--color",
            "never",
            "Dockerfile",
        ]))
    };
    // GOTOOLCHAIN exists from Go 1.21: the images of older releases have nothing to set.
    let out = help("1.16", "golang:1.15.5");
    assert!(
        out.contains("help: build with `golang:1.16` or newer\n"),
        "{out}"
    );
    assert!(!out.contains("GOTOOLCHAIN"), "{out}");
    let out = help("1.24", "golang:1.22");
    assert!(out.contains("GOTOOLCHAIN=local"), "{out}");
}
