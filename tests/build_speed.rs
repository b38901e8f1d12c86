//! GL301 reads the build context: it reports a copy of the whole context that brings the
//! context's go.mod before the modules are downloaded, and its fix copies go.sum by name only
//! when the context has one.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const BROAD: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server .

FROM scratch
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "go.mod",
        "module example.com/app\n\ngo 1.24\n\nrequire golang.org/x/net v0.30.0\n",
    );
    // The program imports what go.mod requires: building it downloads that module.
    write(
        dir.path(),
        "main.go",
        "package main\n\nimport _ \"golang.org/x/net/html\"\n\nfunc main() {}\n",
    );
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn gl301(dir: &TempDir) -> String {
    stdout_in(dir.path(), &["--select", "GL301", "Dockerfile"])
}

fn fixed(dir: &TempDir) -> String {
    stdout_in(
        dir.path(),
        &[
            "--select",
            "GL301",
            "--unsafe-fixes",
            "--diff",
            "Dockerfile",
        ],
    )
}

#[test]
fn a_whole_context_copy_before_the_download_is_reported_with_go_sum_by_name() {
    let dir = repo(&[("Dockerfile", BROAD), ("go.sum", "")]);
    let out = gl301(&dir);
    assert!(out.contains("warning[GL301]"), "{out}");
    assert!(out.contains("3 │ COPY . ."), "{out}");
    let diff = fixed(&dir);
    assert!(
        diff.contains("+COPY go.mod go.sum ./\n+RUN go mod download\n"),
        "{diff}"
    );
}

#[test]
fn without_a_go_sum_the_fix_copies_it_if_present() {
    let dir = repo(&[("Dockerfile", BROAD)]);
    let diff = fixed(&dir);
    assert!(diff.contains("+COPY go.mod go.sum* ./\n"), "{diff}");
}

#[test]
fn vendored_modules_and_mounted_caches_are_left_alone() {
    let vendored = repo(&[("Dockerfile", BROAD), ("vendor/modules.txt", "# none\n")]);
    assert!(!gl301(&vendored).contains("GL301"));
    let mounted = BROAD.replace(
        "RUN CGO_ENABLED=0",
        "RUN --mount=type=cache,target=/go/pkg/mod CGO_ENABLED=0",
    );
    let cached = repo(&[("Dockerfile", &mounted)]);
    assert!(!gl301(&cached).contains("GL301"));
    let layered = BROAD.replace(
        "COPY . .",
        "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .",
    );
    let ordered = repo(&[("Dockerfile", &layered), ("go.sum", "")]);
    assert!(!gl301(&ordered).contains("GL301"));
}

#[test]
fn a_copied_vendor_directory_is_where_the_modules_come_from() {
    let vendored = BROAD.replace("COPY . .", "COPY vendor vendor\nCOPY . .");
    let dir = repo(&[("Dockerfile", &vendored), ("go.sum", "")]);
    assert!(!gl301(&dir).contains("GL301"));
}

/// A stage of its own downloads the modules (it reruns only with go.mod), and the build copies
/// its module cache in, by a folder above it: a source change downloads nothing.
#[test]
fn a_module_cache_copied_from_a_download_stage_is_where_the_modules_come_from() {
    let staged = BROAD.replace(
        "FROM golang:1.24 AS build\n",
        "FROM golang:1.24 AS modules\nWORKDIR /modules\nCOPY go.mod go.sum ./\nRUN go mod download\n\nFROM golang:1.24 AS build\nCOPY --from=modules /go/pkg /go/pkg\n",
    );
    let dir = repo(&[("Dockerfile", &staged), ("go.sum", "")]);
    assert!(!gl301(&dir).contains("GL301"), "{}", gl301(&dir));
    // Copied from an image, the folder holds no download of this module.
    let dir = repo(&[
        (
            "Dockerfile",
            &staged.replace("--from=modules /go/pkg", "--from=golang:1.24 /go/pkg"),
        ),
        ("go.sum", ""),
    ]);
    assert!(gl301(&dir).contains("GL301"));
}

#[test]
fn a_module_that_requires_nothing_has_nothing_to_download() {
    let dir = repo(&[("Dockerfile", BROAD)]);
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
    assert!(!gl301(&dir).contains("GL301"));
}

#[test]
fn a_program_that_imports_no_module_downloads_none() {
    // go.mod requires a module only the tests import: `go build` downloads nothing.
    let dir = repo(&[("Dockerfile", BROAD)]);
    write(
        dir.path(),
        "main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/app/internal/quote\"\n)\n\nfunc main() { fmt.Println(quote.Text) }\n",
    );
    write(
        dir.path(),
        "internal/quote/quote.go",
        "package quote\n\nconst Text = \"hello\"\n",
    );
    write(
        dir.path(),
        "main_test.go",
        "package main\n\nimport _ \"golang.org/x/net/html\"\n",
    );
    assert!(!gl301(&dir).contains("GL301"));
    // go.mod on its own first, then no download: the build would fetch into its layer.
    let gl302 = |dir: &TempDir| {
        write(
            dir.path(),
            "Dockerfile",
            &BROAD.replace("COPY . .", "COPY go.mod ./\nCOPY . ."),
        );
        stdout_in(dir.path(), &["--select", "GL302", "Dockerfile"])
    };
    let out = gl302(&dir);
    assert!(!out.contains("module cache"), "{out}");
    assert!(out.contains("GL302"), "the build cache still counts: {out}");
    write(dir.path(), "Dockerfile", BROAD);
    // An internal package that imports the module downloads it.
    write(
        dir.path(),
        "internal/quote/quote.go",
        "package quote\n\nimport _ \"golang.org/x/net/html\"\n\nconst Text = \"hello\"\n",
    );
    assert!(gl301(&dir).contains("warning[GL301]"));
    let out = gl302(&dir);
    assert!(out.contains("module cache"), "{out}");
}

#[test]
fn tidy_before_the_sources_downloads_nothing_and_the_build_downloads_all() {
    let dockerfile = "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod tidy\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .\n\nFROM scratch\nCOPY --from=build /out/server /server\nUSER 65532:65532\nENTRYPOINT [\"/server\"]\n";
    let dir = repo(&[("Dockerfile", dockerfile)]);
    let out = stdout_in(
        dir.path(),
        &["--select", "GL302", "--format", "compact", "Dockerfile"],
    );
    assert!(!out.contains("Dockerfile:4:"), "{out}");
    assert!(
        out.contains("Dockerfile:6:") && out.contains("module cache"),
        "{out}"
    );
}
