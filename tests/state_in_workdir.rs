//! GL005 reads the shipped program's own Go source before it asks a service to run as another
//! user: a program that writes files relative to its working directory (a SQLite database, a
//! session file, `./data`) works only as root in one root owns, such as `/` without a WORKDIR.

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
EXPOSE 8080
ENTRYPOINT ["/server"]
"#;

const MAIN: &str = "package main\n\nimport (\n\t\"example.com/app/internal/store\"\n)\n\nfunc main() { store.Open() }\n";

fn repo(store: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "cmd/server/main.go", MAIN);
    write(dir.path(), "internal/store/store.go", store);
    dir
}

fn lint(dir: &Path) -> String {
    stdout_in(dir, &["--select", "GL005", "Dockerfile"])
}

#[test]
fn a_service_that_writes_nothing_is_asked_to_drop_root() {
    let store =
        "package store\n\nimport \"os\"\n\nfunc Open() { _, _ = os.ReadFile(\"/etc/app.json\") }\n";
    let out = lint(repo(store).path());
    assert!(out.contains("warning[GL005]"), "{out}");
}

#[test]
fn a_database_beside_the_program_keeps_root() {
    let store = "package store\n\nimport \"gorm.io/driver/sqlite\"\n\nfunc Open() { _ = sqlite.Open(\"app.db\") }\n";
    let out = lint(repo(store).path());
    assert!(!out.contains("GL005"), "{out}");
    let default =
        "package store\n\nfunc Open() { setDefault(\"storage.path\", \"./data/app.db\") }\n";
    let out = lint(repo(default).path());
    assert!(!out.contains("GL005"), "{out}");
}

#[test]
fn a_directory_default_counts_only_in_a_program_that_writes_files() {
    let config = "package store\n\ntype Config struct{ CertDir string }\n\nvar defaults = Config{\n\tCertDir: \"./certs\",\n}\n\nfunc Open() {}\n";
    let out = lint(repo(config).path());
    assert!(out.contains("warning[GL005]"), "{out}");
    let writes = config.replace(
        "func Open() {}",
        "func Open() { _ = os.MkdirAll(defaults.CertDir, 0o755) }",
    );
    let out = lint(repo(&writes).path());
    assert!(!out.contains("GL005"), "{out}");
}

#[test]
fn a_state_directory_under_var_lib_keeps_root() {
    // Root owns /var/lib, and scratch has none: a user other than root cannot make it.
    let store = "package store\n\nconst defaultDb = \"/var/lib/app/app.db\"\n\nfunc Open() {}\n";
    let out = lint(repo(store).path());
    assert!(!out.contains("GL005"), "{out}");
}
