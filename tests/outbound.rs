//! GL006 reads the shipped program's own Go source before it says that TLS fails on `scratch`:
//! the built packages and the in-module packages they import. A program that only listens is
//! left alone; one that connects out is reported with the file that shows it; one whose source
//! cannot be read in its module is not judged.

use std::path::Path;

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const DOCKERFILE: &str = r#"FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server

FROM scratch
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

const MAIN: &str = "package main\n\nimport (\n\t\"example.com/app/internal/api\"\n)\n\nfunc main() { api.Serve() }\n";
const SERVER: &str = "package api\n\nimport \"net/http\"\n\nfunc Serve() { _ = http.ListenAndServe(\":8080\", nil) }\n";
const CLIENT: &str = "package api\n\nimport \"net/http\"\n\nfunc notify() { _, _ = http.Post(\"https://hooks.example.com\", \"text/plain\", nil) }\n";

fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "cmd/server/main.go", MAIN);
    write(dir.path(), "internal/api/server.go", SERVER);
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn lint(dir: &Path) -> String {
    stdout_in(dir, &["Dockerfile"])
}

#[test]
fn a_program_that_only_listens_needs_no_ca_roots() {
    let dir = repo(&[]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
}

#[test]
fn a_program_that_connects_out_is_reported_with_the_file_that_shows_it() {
    let dir = repo(&[("internal/api/notify.go", CLIENT)]);
    let out = lint(dir.path());
    assert!(out.contains("warning[GL006]"), "{out}");
    assert!(out.contains("the program connects out"), "{out}");
    assert!(
        out.contains("`internal/api/notify.go` calls `http.Post`"),
        "{out}"
    );
}

#[test]
fn a_program_whose_packages_cannot_be_read_is_not_judged() {
    // The build names a package pattern the walk does not expand: in a Go module, whether the
    // program connects out is unknown, so the rule is silent (only a lone Dockerfile, with no
    // module at all, is judged on its pattern: see tests/context.rs).
    let dir = repo(&[(
        "Dockerfile",
        &DOCKERFILE.replace("./cmd/server", "./cmd/..."),
    )]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
    // The same build of a readable package that connects out is reported.
    let dir = repo(&[("internal/api/notify.go", CLIENT)]);
    assert!(lint(dir.path()).contains("warning[GL006]"));
}

#[test]
fn a_context_folder_below_its_modules_go_mod_is_not_judged() {
    // `samples/echo/` is built with itself as the context: it has a main.go and no go.mod of
    // its own; the repository's go.mod above says the source is a module's, which this build
    // does not show.
    let dir = repo(&[
        (
            "samples/echo/Dockerfile",
            "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY main.go .\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /echo main.go\n\nFROM scratch\nCOPY --from=build /echo /echo\nUSER 65532:65532\nENTRYPOINT [\"/echo\"]\n",
        ),
        ("samples/echo/main.go", SERVER),
    ]);
    let out = stdout_in(dir.path(), &["samples/echo/Dockerfile"]);
    assert!(!out.contains("GL006"), "{out}");
}

/// A build of one copied file: `COPY main.go /src/`, then `go build /src/main.go`.
const SINGLE_FILE: &str = r#"FROM golang:1.24 AS build
COPY main.go /src/
WORKDIR /src
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server /src/main.go

FROM scratch
COPY --from=build /out/server /server
USER 65532:65532
ENTRYPOINT ["/server"]
"#;

#[test]
fn a_build_of_a_copied_file_reads_that_file() {
    let listener = "package main\n\nimport \"net\"\n\nfunc main() { l, _ := net.Listen(\"tcp\", \":10001\"); _ = l }\n";
    let dir = repo(&[("Dockerfile", SINGLE_FILE), ("main.go", listener)]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");

    let caller = "package main\n\nimport \"net/http\"\n\nfunc main() { _, _ = http.Get(\"https://example.com\") }\n";
    let dir = repo(&[("Dockerfile", SINGLE_FILE), ("main.go", caller)]);
    let out = lint(dir.path());
    assert!(out.contains("`main.go` calls `http.Get`"), "{out}");
}

/// The folders copied one by one beside go.mod (`COPY go.mod ./`, `COPY cmd cmd`) keep the
/// context's layout from the module root: the program is read there as from `COPY . .`.
#[test]
fn folders_copied_beside_go_mod_are_read_from_the_module_root() {
    let split = DOCKERFILE.replace(
        "COPY . .\n",
        "COPY go.mod ./\nCOPY cmd cmd\nCOPY internal internal\n",
    );
    let dir = repo(&[("Dockerfile", split.as_str())]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
    let dir = repo(&[
        ("Dockerfile", split.as_str()),
        ("internal/api/notify.go", CLIENT),
    ]);
    let out = lint(dir.path());
    assert!(out.contains("the program connects out"), "{out}");
}

/// A program that starts what its user configures (a hook) may need the base's shell and
/// programs: GL002 does not say the base is unneeded; with literal programs only, it does.
#[test]
fn a_program_that_starts_configured_commands_keeps_its_base() {
    let alpine = DOCKERFILE
        .replace("FROM scratch", "FROM alpine:3.20")
        .replace("USER 65532:65532\n", "");
    let hook = "package api\n\nimport \"os/exec\"\n\nfunc runHook(h Hook) error { return exec.Command(h.Program, h.Args...).Run() }\n";
    let dir = repo(&[
        ("Dockerfile", alpine.as_str()),
        ("internal/api/hook.go", hook),
    ]);
    let out = lint(dir.path());
    assert!(!out.contains("GL002"), "{out}");
    let dir = repo(&[("Dockerfile", alpine.as_str())]);
    let out = lint(dir.path());
    assert!(out.contains("GL002"), "{out}");
}

const KAFKA_MAIN: &str = "package main\n\nimport \"github.com/segmentio/kafka-go\"\n\nfunc main() { _ = kafka.NewReader(kafka.ReaderConfig{}) }\n";

#[test]
fn an_example_whose_only_client_is_a_queue_driver_is_left_alone() {
    // A demo talks to the Kafka of its compose file in plain text: nothing shows TLS.
    let dockerfile = DOCKERFILE.replace("./cmd/server", ".");
    let dir = TempDir::new().expect("tempdir");
    for root in ["examples/consumer", "consumer"] {
        write(
            dir.path(),
            &format!("{root}/go.mod"),
            "module example.com/consumer\n\ngo 1.24\n\nrequire github.com/segmentio/kafka-go v0.4.47\n",
        );
        write(dir.path(), &format!("{root}/main.go"), KAFKA_MAIN);
        write(dir.path(), &format!("{root}/Dockerfile"), &dockerfile);
    }
    let out = stdout_in(dir.path(), &["examples/consumer/Dockerfile"]);
    assert!(!out.contains("GL006"), "{out}");
    // The same program shipped as the project's own image is reported.
    let out = stdout_in(dir.path(), &["consumer/Dockerfile"]);
    assert!(out.contains("warning[GL006]"), "{out}");
    assert!(
        out.contains("imports `github.com/segmentio/kafka-go`"),
        "{out}"
    );
}

#[test]
fn clients_that_ask_for_plain_text_need_no_ca_roots() {
    // A gRPC client with insecure credentials, an HTTP request to an `http://` address.
    let grpc = "package api\n\nimport (\n\t\"google.golang.org/grpc\"\n\t\"google.golang.org/grpc/credentials/insecure\"\n)\n\nfunc dial(addr string) { _, _ = grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials())) }\n";
    let http = "package api\n\nimport \"net/http\"\n\nfunc ping() { _, _ = http.Get(\"http://metrics:9100/healthz\") }\n";
    let dir = repo(&[
        ("internal/api/dial.go", grpc),
        ("internal/api/ping.go", http),
    ]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
    // An `https://` address beside them: that client needs the roots.
    let dir = repo(&[
        ("internal/api/ping.go", http),
        ("internal/api/notify.go", CLIENT),
    ]);
    let out = lint(dir.path());
    assert!(out.contains("warning[GL006]"), "{out}");
}

#[test]
fn calls_in_generated_code_do_not_show_a_client() {
    // grpc-gateway's generated `...FromEndpoint` dials for a proxy; this server never calls it.
    let gateway = "// Code generated by protoc-gen-grpc-gateway. DO NOT EDIT.\n\npackage api\n\nimport \"google.golang.org/grpc\"\n\nfunc RegisterFromEndpoint(endpoint string) { _, _ = grpc.Dial(endpoint) }\n";
    let dir = repo(&[("internal/api/api.pb.gw.go", gateway)]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
}

#[test]
fn a_git_library_used_on_local_repositories_connects_nowhere() {
    // go-git opens, reads and resets repositories on disk as well as cloning them: only its
    // remote operations show a connection.
    let local = "package api\n\nimport \"github.com/go-git/go-git/v5\"\n\nfunc reset() { r, _ := git.PlainOpen(\".\"); _, _ = r.Worktree() }\n";
    let dir = repo(&[("internal/api/repo.go", local)]);
    let out = lint(dir.path());
    assert!(!out.contains("GL006"), "{out}");
    let remote = "package api\n\nimport \"github.com/go-git/go-git/v5\"\n\nfunc clone(url string) { _, _ = git.PlainClone(\"/tmp/r\", false, &git.CloneOptions{URL: url}) }\n";
    let dir = repo(&[("internal/api/repo.go", remote)]);
    let out = lint(dir.path());
    assert!(out.contains("warning[GL006]"), "{out}");
    assert!(out.contains("uses `git.CloneOptions`"), "{out}");
}

#[test]
fn a_context_path_above_the_root_is_read_from_the_root() {
    // BuildKit keeps a context path inside the context: `COPY .. .` copies all of it, so the
    // program read there is the one the build compiles, and the mount it starts keeps its base.
    let alpine = DOCKERFILE
        .replace("COPY . .", "COPY .. .")
        .replace("FROM scratch", "FROM alpine:3.20")
        .replace("USER 65532:65532\n", "");
    let mounts = "package api\n\nimport \"os/exec\"\n\nfunc mount(dir string) error { return exec.Command(\"mount\", dir).Run() }\n";
    let dir = repo(&[
        ("Dockerfile", alpine.as_str()),
        ("internal/api/mount.go", mounts),
    ]);
    let out = lint(dir.path());
    assert!(!out.contains("GL002"), "{out}");
    let dir = repo(&[("Dockerfile", alpine.as_str())]);
    let out = lint(dir.path());
    assert!(out.contains("GL002"), "{out}");
}

#[test]
fn a_websocket_client_of_a_plain_text_address_needs_no_ca_roots() {
    // A websocket dials TLS only for `wss://`: a client built for `ws://` (written out, or as
    // a URL's scheme) reads no system roots.
    let ws = "package api\n\nimport (\n\t\"net/url\"\n\t\"github.com/gorilla/websocket\"\n)\n\nfunc dial(host string) { u := url.URL{Scheme: \"ws\", Host: host}; _, _, _ = websocket.DefaultDialer.Dial(u.String(), nil) }\n";
    let out = lint(repo(&[("internal/api/ws.go", ws)]).path());
    assert!(!out.contains("GL006"), "{out}");
    let wss = ws.replace("Scheme: \"ws\"", "Scheme: \"wss\"");
    let out = lint(repo(&[("internal/api/ws.go", wss.as_str())]).path());
    assert!(out.contains("warning[GL006]"), "{out}");
}
