//! GL305 reads the build context: a whole-context copy into a Go stage is reported when the
//! context holds `.git` and no ignore file leaves it out, and only when the context is known to
//! be the build's (it holds the copied go.mod, or it was named).

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const BUILD: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server .

FROM scratch
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

/// A repository with `.git`, a go.mod unless `go_mod` is false, and `files`.
fn repo(go_mod: bool, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    if go_mod {
        write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
        write(dir.path(), "go.sum", "");
    }
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn gl305(dir: &TempDir, args: &[&str]) -> String {
    let mut all = vec!["--select", "GL305,GL210"];
    all.extend_from_slice(args);
    stdout_in(dir.path(), &all)
}

#[test]
fn a_context_without_an_ignore_file_is_reported_with_a_starting_one() {
    let dir = repo(
        true,
        &[("Dockerfile", BUILD), (".github/workflows/ci.yml", "")],
    );
    let out = gl305(&dir, &["Dockerfile"]);
    assert!(out.contains("note[GL305]"), "{out}");
    assert!(out.contains("5 │ COPY . ."), "{out}");
    assert!(out.contains("has no `.dockerignore`"), "{out}");
    assert!(out.contains("a start: `.git`, `.github`"), "{out}");
    assert!(
        !out.contains("`.vscode`"),
        "only what the context holds: {out}"
    );
}

#[test]
fn an_ignore_file_that_sends_git_is_named() {
    let dir = repo(true, &[("Dockerfile", BUILD), (".dockerignore", "bin/\n")]);
    let out = gl305(&dir, &["Dockerfile"]);
    assert!(
        out.contains("`.dockerignore` does not leave out `.git`"),
        "{out}"
    );
    assert!(out.contains("add `.git` to `.dockerignore`"), "{out}");
}

#[test]
fn leaving_git_out_or_having_none_is_silent() {
    let ignored = repo(true, &[("Dockerfile", BUILD), (".dockerignore", ".git\n")]);
    assert!(!gl305(&ignored, &["Dockerfile"]).contains("GL305"));
    let beside = repo(
        true,
        &[("Dockerfile", BUILD), ("Dockerfile.dockerignore", ".git\n")],
    );
    assert!(!gl305(&beside, &["Dockerfile"]).contains("GL305"));
    let excluded = repo(
        true,
        &[(
            "Dockerfile",
            &BUILD.replace("COPY . .", "COPY --exclude=.git . ."),
        )],
    );
    assert!(!gl305(&excluded, &["Dockerfile"]).contains("GL305"));
    let no_git = TempDir::new().expect("tempdir");
    write(
        no_git.path(),
        "go.mod",
        "module example.com/app\n\ngo 1.24\n",
    );
    write(no_git.path(), "Dockerfile", BUILD);
    assert!(!gl305(&no_git, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn a_folder_without_go_mod_is_the_build_context_only_when_named() {
    let dir = repo(false, &[("Dockerfile", BUILD)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let out = gl305(&dir, &["--context", ".", "Dockerfile"]);
    assert!(out.contains("note[GL305]"), "{out}");
}

#[test]
fn only_stages_that_build_go_and_images_maintained_for_themselves() {
    let node = "FROM node:22 AS web\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n";
    let dir = repo(true, &[("Dockerfile", node)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let make = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN make build",
    );
    let dir = repo(true, &[("Dockerfile", &make)]);
    assert!(
        gl305(&dir, &["Dockerfile"]).contains("GL305"),
        "make builds Go"
    );
    let test = format!("# Integration testing only.\n{BUILD}");
    let dir = repo(true, &[("Dockerfile", &test)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn a_builder_without_git_is_left_to_gl210() {
    let alpine = BUILD.replace("golang:1.24 AS", "golang:1.24-alpine AS");
    let dir = repo(true, &[("Dockerfile", &alpine)]);
    let out = gl305(&dir, &["Dockerfile"]);
    assert!(out.contains("GL210"), "{out}");
    assert!(!out.contains("GL305"), "{out}");
}

#[test]
fn every_whole_context_copy_after_the_first_is_labelled() {
    let two = BUILD.replace(
        "FROM scratch\n",
        "FROM golang:1.24 AS tools\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/tool ./tool\n\nFROM scratch\nCOPY --from=tools /out/tool /tool\n",
    );
    let dir = repo(true, &[("Dockerfile", &two)]);
    let out = gl305(&dir, &["Dockerfile"]);
    assert_eq!(out.matches("note[GL305]").count(), 1, "{out}");
    assert!(out.contains("this copy sends it too"), "{out}");
}

#[test]
fn a_build_that_stamps_its_version_from_git_needs_the_history() {
    let make = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN make build",
    );
    let stamped = "COMMIT := $(shell git rev-parse HEAD)\nbuild:\n\tgo build -ldflags \"-X main.commit=$(COMMIT)\" -o /out/server .\n";
    let dir = repo(true, &[("Dockerfile", &make), ("Makefile", stamped)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // Git asked only for the host's image label: the build itself never reads `.git`.
    let labelled = "REVISION := $(shell git rev-parse HEAD)\nimage:\n\tdocker build --label rev=$(REVISION) .\nbuild:\n\tgo build -o /out/server .\n";
    let dir = repo(true, &[("Dockerfile", &make), ("Makefile", labelled)]);
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let inline = BUILD.replace(
        "-ldflags=\"-s -w\"",
        "-ldflags=\"-s -w -X main.version=$(git describe --tags)\"",
    );
    let dir = repo(true, &[("Dockerfile", &inline)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // A variable the RUN sets from git on its first line, then hands to the linker.
    let assigned = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN VERSION=${VERSION:-$(git rev-parse --short HEAD)} && \\\n    CGO_ENABLED=0 go build -trimpath -ldflags \"-s -w -X main.version=${VERSION}\" -o /out/server .",
    );
    assert_ne!(assigned, BUILD);
    let dir = repo(true, &[("Dockerfile", &assigned)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn a_program_that_reports_its_vcs_stamp_needs_the_history() {
    let main = "package main\n\nimport \"runtime/debug\"\n\nfunc main() {\n\tinfo, _ := debug.ReadBuildInfo()\n\tfor _, s := range info.Settings {\n\t\tif s.Key == \"vcs.revision\" {\n\t\t\tprintln(s.Value)\n\t\t}\n\t}\n}\n";
    let dir = repo(true, &[("Dockerfile", BUILD), ("main.go", main)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // The main module's version, which Go 1.24 stamps from the repository's tags.
    let version = "package main\n\nimport \"runtime/debug\"\n\nfunc main() {\n\tinfo, _ := debug.ReadBuildInfo()\n\tprintln(info.Main.Version)\n}\n";
    let dir = repo(true, &[("Dockerfile", BUILD), ("main.go", version)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let plain = "package main\n\nfunc main() {\n\tprintln(\"hello\")\n}\n";
    let dir = repo(true, &[("Dockerfile", BUILD), ("main.go", plain)]);
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn a_builder_that_installs_git_for_its_build_driver_needs_the_history() {
    let mage = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN apt-get update && apt-get install -y git\nRUN go run mage.go build",
    );
    let dir = repo(true, &[("Dockerfile", &mage)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn goreleaser_and_git_installed_for_the_vcs_stamp_need_the_history() {
    // GoReleaser takes its version from the tags, and refuses to build without them.
    let goreleaser = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN goreleaser build --single-target --snapshot -o /out/server",
    );
    let dir = repo(true, &[("Dockerfile", &goreleaser)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // Git installed, as its comment says, so that `go build` stamps the revision.
    let stamped = BUILD
        .replace("FROM golang:1.24 AS build", "FROM golang:1.24-alpine AS build")
        .replace(
            "WORKDIR /src",
            "# git, so that go build writes the VCS details into the build info\nRUN apk add --no-cache git\nWORKDIR /src",
        );
    let dir = repo(true, &[("Dockerfile", &stamped)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // Git installed with no word of why (often to fetch modules): nothing the file says needs
    // the history.
    let fetching = stamped.replace(
        "# git, so that go build writes the VCS details into the build info\n",
        "",
    );
    let dir = repo(true, &[("Dockerfile", &fetching)]);
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // ...unless the build turns stamping off.
    let unstamped = stamped.replace("go build -trimpath", "go build -buildvcs=false -trimpath");
    let dir = repo(true, &[("Dockerfile", &unstamped)]);
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn a_version_script_or_magefile_that_asks_git_needs_the_history() {
    let make = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN make build",
    );
    // The Makefile takes the version from a script of the repository, which asks git.
    let makefile = "VERSION ?= $(shell ./scripts/git-version)\nbuild:\n\tgo build -ldflags \"-w -X main.version=$(VERSION)\" -o /out/server .\n";
    let script = "#!/bin/sh -e\nCOMMIT=`git rev-parse --short=8 HEAD`\necho \"$COMMIT\"\n";
    let dir = repo(
        true,
        &[
            ("Dockerfile", &make),
            ("Makefile", makefile),
            ("scripts/git-version", script),
        ],
    );
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let fixed = "#!/bin/sh\necho 1.0.0\n";
    let dir = repo(
        true,
        &[
            ("Dockerfile", &make),
            ("Makefile", makefile),
            ("scripts/git-version", fixed),
        ],
    );
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // Mage runs the magefile, which asks git for the version.
    let mage = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN mage build",
    );
    let magefile = "//go:build mage\n\npackage main\n\nimport \"os/exec\"\n\nfunc Build() error {\n\tv, _ := exec.Command(\"git\", \"describe\", \"--tags\").Output()\n\treturn exec.Command(\"go\", \"build\", \"-ldflags\", \"-X main.version=\"+string(v)).Run()\n}\n";
    let dir = repo(true, &[("Dockerfile", &mage), ("magefile.go", magefile)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    // So does a build program run with `go run`.
    let go_run = BUILD.replace(
        "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .",
        "RUN go run build.go -o /out/server",
    );
    let program = magefile.replace("//go:build mage\n\n", "");
    let dir = repo(true, &[("Dockerfile", &go_run), ("build.go", &program)]);
    assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"));
    let no_git = program.replace("\"git\", \"describe\", \"--tags\"", "\"date\"");
    let dir = repo(true, &[("Dockerfile", &go_run), ("build.go", &no_git)]);
    assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"));
}

#[test]
fn the_vcs_stamp_is_named_only_where_go_would_write_one() {
    // golang:1.24 (Debian) has git and stamps the revision: without `.git` the stamp is lost.
    let dir = repo(true, &[("Dockerfile", BUILD)]);
    let out = gl305(&dir, &["Dockerfile"]);
    assert!(out.contains("carries no VCS stamp"), "{out}");
    // Go 1.17 stamps nothing: there is no stamp to lose.
    write(
        dir.path(),
        "Dockerfile",
        &BUILD.replace("golang:1.24", "golang:1.17"),
    );
    let out = gl305(&dir, &["Dockerfile"]);
    assert!(out.contains("note[GL305]"), "{out}");
    assert!(!out.contains("carries no VCS stamp"), "{out}");
}

#[test]
fn build_push_action_with_no_context_builds_the_git_checkout_without_git() {
    let workflow = |with: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n{with}          push: true\n          tags: acme/app:latest\n"
        )
    };
    // No `context:`, or `{{defaultContext}}`: BuildKit fetches the commit, without `.git`.
    for with in ["", "          context: \"{{defaultContext}}\"\n"] {
        let dir = repo(
            true,
            &[
                ("Dockerfile", BUILD),
                (".github/workflows/release.yml", &workflow(with)),
            ],
        );
        assert!(!gl305(&dir, &["Dockerfile"]).contains("GL305"), "{with}");
        let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
        assert!(model.contains("fetches the Git checkout"), "{model}");
    }
    // The checked-out workspace, or a Git context that keeps `.git`, sends it.
    for with in [
        "          context: .\n",
        "          build-args: BUILDKIT_CONTEXT_KEEP_GIT_DIR=1\n",
    ] {
        let dir = repo(
            true,
            &[
                ("Dockerfile", BUILD),
                (".github/workflows/release.yml", &workflow(with)),
            ],
        );
        assert!(gl305(&dir, &["Dockerfile"]).contains("GL305"), "{with}");
    }
}
