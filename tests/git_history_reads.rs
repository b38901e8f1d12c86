//! GL305 says the `.git` a whole-context copy sends is wasted. Not where the build reads it: a
//! `go generate` whose generator asks git for the commit it writes into the build, or a
//! program (installed with `go install ./...` and copied by name) that reports the VCS stamp
//! `go build` takes from `.git`.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

fn repo(dockerfile: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "go.mod", "module example.org/mail\n\ngo 1.23\n");
    write(dir.path(), "Dockerfile", dockerfile);
    write(
        dir.path(),
        "main.go",
        "package main\n\nimport \"example.org/mail/internal/version\"\n\nfunc main() { println(version.String()) }\n",
    );
    dir
}

const GENERATE: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go generate ./...\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/mail .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/mail /mail\nENTRYPOINT [\"/mail\"]\n";

#[test]
fn a_generator_that_asks_git_reads_the_history_it_is_sent() {
    let args = ["--select", "GL305", "--format", "compact", "Dockerfile"];
    let quiet = repo(GENERATE);
    write(
        quiet.path(),
        "internal/version/version.go",
        "package version\n\n//go:generate go run gen.go\n\nfunc String() string { return commit }\n",
    );
    write(
        quiet.path(),
        "internal/version/gen.go",
        "//go:build ignore\n\npackage main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"git\", \"log\", \"-1\").Output() }\n",
    );
    let out = stdout_in(quiet.path(), &args);
    assert!(!out.contains("GL305"), "{out}");
    // A generator that asks nothing of git: the history is wasted.
    let wasted = repo(GENERATE);
    write(
        wasted.path(),
        "internal/version/version.go",
        "package version\n\n//go:generate stringer -type=Kind\n\nfunc String() string { return \"dev\" }\n",
    );
    let out = stdout_in(wasted.path(), &args);
    assert!(out.contains("GL305"), "{out}");
}

const INSTALL_ALL: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go install -trimpath -ldflags=\"-s -w\" ./...\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /go/bin/mail /go/bin/mail-util /usr/bin/\nENTRYPOINT [\"/usr/bin/mail\"]\n";

#[test]
fn a_program_installed_with_its_module_that_reports_its_vcs_stamp_needs_the_history() {
    let stamped = repo(INSTALL_ALL);
    write(
        stamped.path(),
        "internal/version/version.go",
        "package version\n\nimport \"runtime/debug\"\n\nfunc String() string {\n\tinfo, _ := debug.ReadBuildInfo()\n\tfor _, s := range info.Settings {\n\t\tif s.Key == \"vcs.revision\" {\n\t\t\treturn s.Value\n\t\t}\n\t}\n\treturn \"\"\n}\n",
    );
    write(
        stamped.path(),
        "cmd/mail-util/main.go",
        "package main\n\nfunc main() {}\n",
    );
    // The copy of one binary out of GOBIN takes one of the installed programs.
    let model = stdout_in(stamped.path(), &["--show-model", "Dockerfile"]);
    assert!(model.contains("ships in the final image: yes"), "{model}");
    let args = ["--select", "GL305", "--format", "compact", "Dockerfile"];
    let out = stdout_in(stamped.path(), &args);
    assert!(!out.contains("GL305"), "{out}");
    let plain = repo(INSTALL_ALL);
    write(
        plain.path(),
        "internal/version/version.go",
        "package version\n\nfunc String() string { return \"dev\" }\n",
    );
    let out = stdout_in(plain.path(), &args);
    assert!(out.contains("GL305"), "{out}");
}
