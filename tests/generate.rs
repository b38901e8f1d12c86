//! `gopherlint generate` on synthetic modules made in temporary folders: the Dockerfile's
//! content (snapshots for the main cases), that gopherlint reports nothing on it when the real
//! binary lints it with the module as the build context, and that the build commands it
//! contains work: `go mod download` and `go build` run outside Docker with the local Go
//! (Debian's `golang-go` in CI), the module's `go` line set to that Go's release, and the
//! binary is static when cgo is off.
//!
//! The image itself is not built here: there is no registry access to pull `golang` or
//! `scratch`. When `go` is missing the build checks are skipped and say so, unless
//! `GOPHERLINT_REQUIRE_GO` is set (CI sets it), where a missing Go fails the test.

mod common;
mod generated;

use std::fs;

use generated::{Module, generate, lints_clean, no_new_files, run_build, run_build_in};

const HELLO_SERVER: &str = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() {\n\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, \"hello\") })\n\t_ = http.ListenAndServe(\":8080\", nil)\n}\n";

const HELLO: &str = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n";

#[test]
fn one_main_at_the_root() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO_SERVER);
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Wrote "), "{}", out.stdout);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_one_main_at_the_root", text);
    for needle in [
        "# syntax=docker/dockerfile:1\n",
        "FROM --platform=$BUILDPLATFORM golang:1.24-alpine AS build\n",
        "COPY go.mod go.sum* ./\n",
        "go mod download\n",
        "COPY . .\n",
        "ARG TARGETOS TARGETARCH\n",
        "--mount=type=cache,target=/go/pkg/mod",
        "--mount=type=cache,target=/root/.cache/go-build",
        "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH",
        "go build -trimpath -buildvcs=false -tags timetzdata -ldflags=\"-s -w\" -o /out/hello .\n",
        "FROM scratch\n",
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n",
        "USER 65532:65532\n",
        "ENTRYPOINT [\"/hello\"]\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(!text.contains("EXPOSE"), "no port was given: no EXPOSE");
    // The context had no .dockerignore: one that keeps .git out is written.
    let ignore = module.read(".dockerignore");
    assert!(ignore.lines().any(|l| l == ".git"), "{ignore}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &[], true);
}

#[test]
fn one_main_in_cmd_among_packages_the_go_command_skips() {
    let module = Module::new("example.com/svc", "1.24");
    module.write("cmd/api/main.go", "package main\n\nimport \"example.com/svc/internal/greet\"\n\nfunc main() { greet.Hello() }\n");
    module.write(
        "internal/greet/greet.go",
        "package greet\n\nimport \"fmt\"\n\nfunc Hello() { fmt.Println(\"hello\") }\n",
    );
    // A generator run with `go run`, excluded by its build constraint.
    module.write(
        "internal/greet/gen.go",
        "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
    );
    // Folders `go build ./...` skips, and a nested module, are not the module's programs.
    module.write("testdata/tool/main.go", HELLO);
    module.write("_examples/demo/main.go", HELLO);
    module.write(".hidden/main.go", HELLO);
    module.write("tools/go.mod", "module example.com/svc/tools\n\ngo 1.24\n");
    module.write("tools/lint/main.go", HELLO);
    // A file only for Windows does not make its package a program here.
    module.write("pkg/win/svc_windows.go", "package main\n\nfunc main() {}\n");
    module.write("pkg/win/doc.go", "package win\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_one_main_in_cmd", text);
    assert!(text.contains("-o /out/api ./cmd/api\n"), "{text}");
    assert!(text.contains("ENTRYPOINT [\"/api\"]"), "{text}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &[], true);
}

#[test]
fn several_mains_exit_2_and_are_listed_until_main_picks_one() {
    let module = Module::new("example.com/multi", "1.24");
    module.write("cmd/worker/main.go", HELLO);
    module.write("cmd/api/main.go", HELLO);
    module.write("tools/gen/main.go", HELLO);
    module.write("pkg/lib/lib.go", "package lib\n");
    let before = module.files();
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "gopherlint: the module has several main packages: ./cmd/api, ./cmd/worker, ./tools/gen; pick one with --main\n"
    );
    no_new_files(&module, &before);
    // A path, with or without `./` and a trailing slash, or the import path, picks one.
    for pick in [
        "./cmd/worker",
        "cmd/worker/",
        "example.com/multi/cmd/worker",
    ] {
        let out = generate(module.dir(), &["--main", pick, "--stdout"]);
        assert_eq!(out.code, 0, "{pick}: {}", out.stderr);
        assert!(
            out.stdout.contains("-o /out/worker ./cmd/worker\n"),
            "{pick}: {}",
            out.stdout
        );
    }
    let out = generate(module.dir(), &["--main", "./pkg/lib"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "gopherlint: `./pkg/lib` is not a main package of the module (its main packages: ./cmd/api, ./cmd/worker, ./tools/gen)\n"
    );
    no_new_files(&module, &before);
    let out = generate(module.dir(), &["--main", "./cmd/api"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &["--main", "./cmd/api"], true);
}

#[test]
fn cgo_from_import_c_builds_on_debian_and_ships_on_distroless_cc() {
    let module = Module::new("example.com/native", "1.24");
    module.write("cmd/native/main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/native/internal/calc\"\n)\n\nfunc main() { fmt.Println(calc.Two()) }\n");
    module.write("internal/calc/calc.go", "package calc\n\n// int two(void) { return 2; }\nimport \"C\"\n\nfunc Two() int { return int(C.two()) }\n");
    let out = generate(module.dir(), &["--port", "8080"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_cgo_import_c", text);
    for needle in [
        // No --platform: cgo compiles on the platform it targets, with its own gcc.
        "FROM golang:1.24-bookworm AS build\n",
        "# cgo: `import \"C\"` in internal/calc/calc.go\n",
        "CGO_ENABLED=1 \\\n",
        "FROM gcr.io/distroless/cc-debian12:nonroot\n",
        "EXPOSE 8080\n",
        "USER 65532:65532\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(
        !text.contains("TARGETARCH") && !text.contains("ca-certificates.crt"),
        "{text}"
    );
    // distroless cc has the time zone database: nothing to embed.
    assert!(!text.contains("timetzdata"), "{text}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    // scratch and chainguard static have no C library for it.
    for base in ["scratch", "chainguard"] {
        let out = generate(module.dir(), &["--base", base, "--stdout"]);
        assert_eq!(out.code, 2, "{base}");
        assert!(
            out.stderr.starts_with(
                "gopherlint: the program uses cgo (`import \"C\"` in internal/calc/calc.go)"
            ),
            "{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1);
    }
    run_build(&module, &["--force"], false);
}

#[test]
fn cgo_from_a_cgo_module_in_go_mod() {
    // The driver is not downloaded here, so this build is not run; the vendored case below
    // builds the same choice.
    let module = Module::new("example.com/store", "1.24");
    module.append("go.mod", "\nrequire github.com/mattn/go-sqlite3 v1.14.22\n");
    module.write("go.sum", "github.com/mattn/go-sqlite3 v1.14.22 h1:2gZY6PC6kBnID23Tichd1K+Z0oS6nE/XwU+Vz/5o4kU=\ngithub.com/mattn/go-sqlite3 v1.14.22/go.mod h1:Uh1q+B4BYcTPb+yiD3kU8Ct7aC0hY9fxUwlHK0RXw+Y=\n");
    module.write("main.go", "package main\n\nimport (\n\t\"database/sql\"\n\n\t_ \"github.com/mattn/go-sqlite3\"\n)\n\nfunc main() { _, _ = sql.Open(\"sqlite3\", \":memory:\") }\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    assert!(
        text.contains("# cgo: go.mod requires `github.com/mattn/go-sqlite3`, which is C code\n"),
        "{text}"
    );
    assert!(
        text.contains("FROM golang:1.24-bookworm AS build\n"),
        "{text}"
    );
    assert!(text.contains("CGO_ENABLED=1"), "{text}");
    assert!(
        text.contains("FROM gcr.io/distroless/cc-debian12:nonroot\n"),
        "{text}"
    );
    assert!(text.contains("COPY go.mod go.sum* ./\n"), "{text}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
}

#[test]
fn vendored_cgo_module_builds_with_mod_vendor_and_no_download() {
    let module = Module::new("example.com/store", "1.24");
    module.append("go.mod", "\nrequire github.com/mattn/go-sqlite3 v1.14.22\n");
    module.write(
        "vendor/modules.txt",
        "# github.com/mattn/go-sqlite3 v1.14.22\n## explicit\ngithub.com/mattn/go-sqlite3\n",
    );
    // A stand-in for the driver: C code, as the real one is.
    module.write("vendor/github.com/mattn/go-sqlite3/sqlite3.go", "package sqlite3\n\n// int version(void) { return 3; }\nimport \"C\"\n\nfunc Version() int { return int(C.version()) }\n");
    module.write("main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\tsqlite3 \"github.com/mattn/go-sqlite3\"\n)\n\nfunc main() { fmt.Println(sqlite3.Version()) }\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_vendored_cgo", text);
    assert!(text.contains("go build -mod=vendor "), "{text}");
    assert!(
        !text.contains("go mod download"),
        "vendored: nothing to download\n{text}"
    );
    assert!(
        !text.contains("target=/go/pkg/mod"),
        "vendored: no module cache\n{text}"
    );
    assert!(
        text.contains("`import \"C\"` in vendor/github.com/mattn/go-sqlite3/sqlite3.go"),
        "{text}"
    );
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &["--force"], false);
}

#[test]
fn vendored_module_without_cgo() {
    let module = Module::new("example.com/app", "1.24");
    module.append("go.mod", "\nrequire example.com/greet v1.0.0\n");
    module.write(
        "vendor/modules.txt",
        "# example.com/greet v1.0.0\n## explicit\nexample.com/greet\n",
    );
    module.write(
        "vendor/example.com/greet/greet.go",
        "package greet\n\nfunc Hello() string { return \"hello\" }\n",
    );
    module.write("main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n");
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_vendored", text);
    assert!(text.contains("CGO_ENABLED=0"), "{text}");
    assert!(text.contains("go build -mod=vendor -trimpath"), "{text}");
    assert!(!text.contains("go mod download"), "{text}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &["--force"], true);
}

#[test]
fn a_module_without_go_sum_builds() {
    let module = Module::new("example.com/nosum", "1.24");
    module.write("main.go", HELLO);
    assert!(!module.dir().join("go.sum").exists());
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    // A pattern, never the file itself: COPY of a missing go.sum would fail the build.
    assert!(text.contains("COPY go.mod go.sum* ./\n"), "{text}");
    assert!(
        !text.contains("go.sum ") && !text.contains("source=go.sum"),
        "{text}"
    );
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    run_build(&module, &["--force"], true);
}

#[test]
fn a_workspace_builds_from_its_root() {
    let module = Module::empty();
    module.write("go.work", "go 1.24\n\nuse (\n\t./api\n\t./lib\n)\n");
    module.write(
        "api/go.mod",
        "module example.com/api\n\ngo 1.24\n\nrequire example.com/lib v0.0.0\n",
    );
    module.write("api/cmd/api/main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Hello()) }\n");
    module.write("lib/go.mod", "module example.com/lib\n\ngo 1.23\n");
    module.write(
        "lib/lib.go",
        "package lib\n\nfunc Hello() string { return \"hello\" }\n",
    );
    // From the workspace's root: its Dockerfile, the whole workspace as the context.
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_workspace_root", text);
    assert!(
        text.contains("golang:1.24-alpine"),
        "the newest go line of the workspace\n{text}"
    );
    assert!(!text.contains("go mod download"), "{text}");
    assert!(text.contains("-o /out/api ./api/cmd/api\n"), "{text}");
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    // From the module inside it: the Dockerfile beside its go.mod, built from the workspace's
    // root, whose .dockerignore it writes.
    let before = module.files();
    fs::remove_file(module.dir().join(".dockerignore")).expect("remove");
    let out = generate(&module.dir().join("api"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("api/Dockerfile");
    assert!(
        text.contains("# Build it from this folder: docker build -t api -f Dockerfile ..\n"),
        "{text}"
    );
    assert!(text.contains("-o /out/api ./api/cmd/api\n"), "{text}");
    let ignore = module.read(".dockerignore");
    assert!(ignore.lines().any(|l| l == "api/Dockerfile"), "{ignore}");
    assert!(out.stdout.contains(".dockerignore"), "{}", out.stdout);
    drop(before);
    lints_clean(module.dir(), &module.dir().join("api/Dockerfile"));
    run_build(&module, &["--force"], true);
}

#[test]
fn a_workspace_that_uses_a_module_above_its_root() {
    let module = Module::empty();
    module.write("ws/go.work", "go 1.24\n\nuse (\n\t./api\n\t../shared\n)\n");
    module.write(
        "ws/api/go.mod",
        "module example.com/api\n\ngo 1.24\n\nrequire example.com/shared v0.0.0\n",
    );
    module.write("ws/api/main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/shared\"\n)\n\nfunc main() { fmt.Println(shared.Hi()) }\n");
    module.write("shared/go.mod", "module example.com/shared\n\ngo 1.24\n");
    module.write(
        "shared/shared.go",
        "package shared\n\nfunc Hi() string { return \"hi\" }\n",
    );
    let ws = module.dir().join("ws");
    let out = generate(&ws, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("ws/Dockerfile");
    // The context holds the workspace and the module above it; the build runs from the root.
    assert!(
        text.contains("docker build -t api -f Dockerfile ..\n"),
        "{text}"
    );
    assert!(text.contains("COPY . .\nWORKDIR /src/ws\n"), "{text}");
    assert!(text.contains("-o /out/api ./api\n"), "{text}");
    assert!(module.dir().join(".dockerignore").is_file());
    lints_clean(module.dir(), &ws.join("Dockerfile"));
    run_build_in(&module, "ws", &[], true);
}

#[test]
fn a_local_replacement_widens_the_context() {
    let module = Module::empty();
    module.write("svc/go.mod", "module example.com/svc\n\ngo 1.24\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n");
    module.write("svc/main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Hello()) }\n");
    module.write("lib/go.mod", "module example.com/lib\n\ngo 1.24\n");
    module.write(
        "lib/lib.go",
        "package lib\n\nfunc Hello() string { return \"hello\" }\n",
    );
    let out = generate(&module.dir().join("svc"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("svc/Dockerfile");
    insta::assert_snapshot!("generate_local_replacement", text);
    assert!(text.contains("COPY . .\nWORKDIR /src/svc\n"), "{text}");
    assert!(!text.contains("go mod download"), "{text}");
    assert!(module.dir().join(".dockerignore").is_file());
    lints_clean(module.dir(), &module.dir().join("svc/Dockerfile"));
    run_build_in(&module, "svc", &["--force"], true);
}

#[test]
fn other_bases() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    for (base, from) in [
        (
            "distroless",
            "FROM gcr.io/distroless/static-debian12:nonroot\n",
        ),
        ("chainguard", "FROM cgr.dev/chainguard/static:latest\n"),
        ("scratch", "FROM scratch\n"),
    ] {
        // Each round starts at the module's own go line (the build below sets the local Go's).
        module.write("go.mod", "module example.com/hello\n\ngo 1.24\n");
        let out = generate(module.dir(), &["--base", base, "--force"]);
        assert_eq!(out.code, 0, "{base}: {}", out.stderr);
        let text = module.read("Dockerfile");
        if base != "scratch" {
            insta::assert_snapshot!(format!("generate_base_{base}"), text);
            // Both carry CA roots and time zones: nothing to copy or embed.
            assert!(
                !text.contains("ca-certificates.crt") && !text.contains("timetzdata"),
                "{text}"
            );
        }
        assert!(text.contains(from), "{base}: {text}");
        assert!(text.contains("USER 65532:65532\n"), "{text}");
        lints_clean(module.dir(), &module.dir().join("Dockerfile"));
        run_build(&module, &["--base", base, "--force"], true);
    }
}

#[test]
fn git_is_sent_only_to_a_program_that_reads_its_stamp() {
    let module = Module::new("example.com/hello", "1.24");
    module.write("main.go", HELLO);
    // The context's own .dockerignore sends .git.
    module.write(".dockerignore", "*.md\n");
    let git = init_git(&module);
    let out = generate(module.dir(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    // The program has no use for it: the copy leaves it out, and nothing is stamped.
    assert!(text.contains("COPY --exclude=.git . .\n"), "{text}");
    assert!(
        text.contains("golang:1.24-alpine") && text.contains("-buildvcs=false"),
        "{text}"
    );
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    // A program that reads the stamp gets it: git on the builder (Debian), .git copied.
    module.write(
        "version.go",
        "package main\n\nimport \"runtime/debug\"\n\nfunc revision() string {\n\tinfo, _ := debug.ReadBuildInfo()\n\tfor _, s := range info.Settings {\n\t\tif s.Key == \"vcs.revision\" {\n\t\t\treturn s.Value\n\t\t}\n\t}\n\treturn \"\"\n}\n",
    );
    let out = generate(module.dir(), &["--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = module.read("Dockerfile");
    insta::assert_snapshot!("generate_vcs_stamp", text);
    assert!(
        text.contains("FROM --platform=$BUILDPLATFORM golang:1.24-bookworm AS build\n"),
        "{text}"
    );
    assert!(
        text.contains("COPY . .\n") && !text.contains("-buildvcs"),
        "{text}"
    );
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
    // The .dockerignore generate writes keeps .git out: no stamp, Alpine.
    let ours = module.read(".dockerignore");
    fs::remove_file(module.dir().join(".dockerignore")).expect("remove");
    let out = generate(module.dir(), &["--stdout"]);
    assert!(
        out.stdout.contains("golang:1.24-alpine") && out.stdout.contains("-buildvcs=false"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("COPY . .\n"), "{}", out.stdout);
    module.write(".dockerignore", &ours);
    // The stamping build runs where git made a real repository.
    if git {
        run_build(&module, &[], true);
    }
}

/// Makes the module a git repository with one commit, when git is there (the go command stamps
/// from it); else a bare `.git` folder, enough for the context to hold one.
fn init_git(module: &Module) -> bool {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(module.dir())
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if git(&["init", "-q"]) && git(&["add", "-A"]) && git(&["commit", "-qm", "init"]) {
        return true;
    }
    fs::create_dir_all(module.dir().join(".git")).expect(".git");
    false
}

#[test]
fn the_readme_shows_what_generate_writes() {
    let module = Module::new("example.com/hello", "1.26");
    module.write("main.go", HELLO_SERVER);
    let out = generate(module.dir(), &["--port", "8080"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    generated::check_readme_block(
        "<!-- generate: dockerfile -->",
        &module.read("Dockerfile"),
        "the generated Dockerfile",
    );
    generated::check_readme_block(
        "<!-- generate: dockerignore -->",
        &module.read(".dockerignore"),
        "the generated .dockerignore",
    );
    lints_clean(module.dir(), &module.dir().join("Dockerfile"));
}
