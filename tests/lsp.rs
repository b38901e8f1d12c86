//! `gopherlint server` end to end: the real binary, driven over JSON-RPC as an editor drives
//! it.

#[path = "lsp/client.rs"]
mod client;

use client::Client;
use serde_json::{Value, json};
use tempfile::TempDir;

const SERVICE: &str = "FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT [\"/app\"]
";

fn uri(dir: &TempDir, name: &str) -> String {
    format!("file://{}/{name}", dir.path().display())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

#[test]
fn pushes_diagnostics_on_open_and_on_change() {
    let dir = TempDir::new().expect("tempdir");
    let (mut client, init) = Client::start(dir.path(), json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "gopherlint");
    let uri = uri(&dir, "Dockerfile");
    let diagnostics = client.open(&uri, SERVICE);
    let gl003 = find(&diagnostics, "GL003");
    assert_eq!(gl003["source"], "gopherlint");
    assert_eq!(gl003["severity"], 2, "warning");
    assert_eq!(
        gl003["codeDescription"]["href"],
        "https://github.com/gopherlint/gopherlint/blob/main/rules/GL003.md"
    );
    assert!(
        gl003["message"]
            .as_str()
            .expect("message")
            .contains("(unstripped-binary)\nhelp: "),
        "{gl003}"
    );
    // `go build` on line 4 (0-based 3), from its `go` word.
    assert_eq!(gl003["range"]["start"], json!({"line": 3, "character": 18}));
    // A change is linted at once: with `-s -w` and -trimpath the build's findings go.
    let fixed = SERVICE.replace("go build -o", "go build -trimpath -ldflags=\"-s -w\" -o");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri);
    assert!(!codes(&after).contains(&"GL003".to_string()), "{after:#?}");
    // Closing clears them.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert_eq!(client.finish(), 0);
}

#[test]
fn columns_are_utf16_unless_the_client_offers_utf8() {
    let dir = TempDir::new().expect("tempdir");
    let text = SERVICE.replace("RUN CGO_ENABLED", "RUN echo \"é𝄞\" && CGO_ENABLED");
    let line = text.lines().nth(3).expect("line 4");
    let go = line.find("go build").expect("go build");
    let utf16 = line[..go].encode_utf16().count();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let diagnostics = client.open(&uri(&dir, "Dockerfile"), &text);
    assert_eq!(
        find(&diagnostics, "GL003")["range"]["start"]["character"],
        utf16
    );
    assert_eq!(client.finish(), 0);
    let (mut client, init) = Client::start(
        dir.path(),
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let diagnostics = client.open(&uri(&dir, "Dockerfile"), &text);
    assert_eq!(
        find(&diagnostics, "GL003")["range"]["start"]["character"],
        go
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn code_actions_fix_ignore_and_fix_all() {
    let dir = TempDir::new().expect("tempdir");
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let uri = uri(&dir, "Dockerfile");
    let single =
        "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
    let diagnostics = client.open(&uri, single);
    let gl003 = find(&diagnostics, "GL003").clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gl003["range"], "context": {"diagnostics": [gl003]}}),
    );
    let actions = actions.as_array().expect("actions");
    let fix = actions
        .iter()
        .find(|a| {
            a["kind"] == "quickfix"
                && a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("GL003: add"))
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["isPreferred"], true, "a safe fix is preferred");
    let edits = &fix["edit"]["changes"][&uri];
    assert!(
        edits[0]["newText"]
            .as_str()
            .expect("text")
            .contains("-s -w"),
        "{fix}"
    );
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "GL003: ignore it on this instruction")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(
        ignore["edit"]["changes"][&uri][0]["newText"],
        "# gopherlint ignore=GL003\n"
    );
    assert_eq!(
        ignore["edit"]["changes"][&uri][0]["range"]["start"],
        json!({"line": 3, "character": 0})
    );
    // GL001's fix rewrites the image into stages: unsafe, marked, never preferred.
    let gl001 = find(&diagnostics, "GL001").clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gl001["range"], "context": {"diagnostics": [gl001]}}),
    );
    let unsafe_fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("GL001:") && t.contains("unsafe"))
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(unsafe_fix["isPreferred"], false);
    // `source.fixAll` takes gopherlint's: every safe fix, as `--fix` applies them.
    let all = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let all = all.as_array().expect("actions");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["kind"], "source.fixAll.gopherlint");
    let text = all[0]["edit"]["changes"][&uri][0]["newText"]
        .as_str()
        .expect("text");
    assert!(text.contains("-ldflags=\"-s -w\""), "{text}");
    assert!(
        text.starts_with("FROM golang:1.23\n"),
        "the unsafe GL001 fix is not applied: {text}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn hover_shows_the_model_where_the_cursor_is() {
    let dir = TempDir::new().expect("tempdir");
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let uri = uri(&dir, "Dockerfile");
    client.open(&uri, SERVICE);
    let hover = |client: &mut Client, line: u32, character: u32| -> String {
        let result = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        result["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let image = hover(&mut client, 0, 8);
    assert!(
        image.contains("Go toolchain") && image.contains("default user: root"),
        "{image}"
    );
    let distroless = hover(&mut client, 5, 10);
    assert!(
        distroless.contains("minimal: yes") && distroless.contains("non-root (65532)"),
        "{distroless}"
    );
    let build = hover(&mut client, 3, 20);
    assert!(
        build.contains("CGO_ENABLED: `0`")
            && build.contains("ships in the final image: yes, as `/app`"),
        "{build}"
    );
    assert!(
        build.contains("GL003 unstripped-binary"),
        "the finding there too: {build}"
    );
    let stage = hover(&mut client, 6, 13);
    assert!(
        stage.contains("stage `build`") && stage.contains("the shipped image copies from it"),
        "{stage}"
    );
    let shipped = hover(&mut client, 0, 22);
    assert!(shipped.contains("stage `build`"), "{shipped}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn reads_the_config_of_each_document_and_reloads_it() {
    let dir = TempDir::new().expect("tempdir");
    std::fs::write(dir.path().join("gopherlint.toml"), "ignore = [\"GL003\"]\n").expect("config");
    std::fs::write(dir.path().join("Dockerfile"), SERVICE).expect("file");
    let (mut client, _) = Client::start(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks to watch the settings files.
    let registration = client.wait_for(|m| m["method"] == "client/registerCapability");
    client.send(&json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));
    let uri = uri(&dir, "Dockerfile");
    let diagnostics = client.open(&uri, SERVICE);
    assert!(
        !codes(&diagnostics).contains(&"GL003".to_string()),
        "{diagnostics:#?}"
    );
    std::fs::write(dir.path().join("gopherlint.toml"), "ignore = [\"GL206\"]\n").expect("config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("{}/gopherlint.toml", uri.trim_end_matches("/Dockerfile")), "type": 2}]}),
    );
    let diagnostics = client.diagnostics(&uri);
    let codes = codes(&diagnostics);
    assert!(
        codes.contains(&"GL003".to_string()) && !codes.contains(&"GL206".to_string()),
        "{codes:?}"
    );
    // A config that does not parse is shown to the user, and nothing is reported.
    std::fs::write(dir.path().join("gopherlint.toml"), "ignore = [\n").expect("config");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .expect("message")
            .contains("gopherlint.toml"),
        "{shown}"
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert_eq!(client.finish(), 0);
}

#[test]
fn no_document_stops_the_server() {
    let dir = TempDir::new().expect("tempdir");
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let binary = "\u{0}\u{1}FROM\u{0} \u{fffd}\u{fffd}\nRUN \\\n".repeat(2000);
    let half_typed = "FROM golang:1.23 AS\nRUN go build -ldflags=\"-s\nCOPY --from=";
    let huge = format!(
        "{SERVICE}{}",
        "RUN echo hello && go build ./... \\\n  && true\n".repeat(5_000)
    );
    for (name, text) in [
        ("a.Dockerfile", binary.as_str()),
        ("b.Dockerfile", half_typed),
        ("c.Dockerfile", huge.as_str()),
    ] {
        client.open(&uri(&dir, name), text);
    }
    // Other files are not linted; requests the server does not know get an error, not a crash.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&dir, "main.go"), "languageId": "go", "version": 1, "text": "package main"}}),
    );
    let unknown = client.request("textDocument/definition", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let diagnostics = client.open(&uri(&dir, "Dockerfile"), SERVICE);
    assert!(codes(&diagnostics).contains(&"GL003".to_string()));
    assert_eq!(client.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let dir = TempDir::new().expect("tempdir");
    let (mut client, _) = Client::start(dir.path(), json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 1);
}

#[test]
fn a_file_named_server_is_linted_with_a_path() {
    let dir = TempDir::new().expect("tempdir");
    std::fs::write(dir.path().join("server"), SERVICE).expect("file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gopherlint"))
        .args(["--format", "compact", "./server"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&output.stdout).contains("[GL003]"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gopherlint"))
        .args(["server", "Dockerfile"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("gopherlint ./server"));
}
