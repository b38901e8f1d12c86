//! Files the program needs at run time, as its own source shows them: a file it reads from its
//! working directory goes along into the image GL001 proposes, and no rewrite drops it.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const SINGLE_STAGE: &str = "FROM golang:1.24\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nEXPOSE 8080\nCMD [\"/app/server\"]\n";

fn repo(dockerfile: &str, main_go: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.24\n");
    write(dir.path(), "main.go", main_go);
    write(dir.path(), "Dockerfile", dockerfile);
    dir
}

const READS_PARAMS: &str = "package main\n\nimport \"os\"\n\nfunc main() {\n\tf, err := os.Open(\"params.txt\")\n\tif err != nil {\n\t\tos.Exit(1)\n\t}\n\tf.Close()\n}\n";

const PLAIN: &str = "package main\n\nfunc main() {}\n";

#[test]
fn a_file_read_from_the_working_directory_goes_along() {
    let dir = repo(SINGLE_STAGE, READS_PARAMS);
    let out = stdout_in(dir.path(), &["--select", "GL001", "Dockerfile"]);
    assert!(out.contains("error[GL001]"), "{out}");
    assert!(
        out.contains("the program reads `params.txt` from its working directory (`main.go`)"),
        "{out}"
    );
    assert!(!out.contains("copy only the binary"), "{out}");
    assert!(out.contains("with `WORKDIR /app` as here"), "{out}");
    assert!(!out.contains("fix:"), "{out}");
    // Without the read, the rewrite is offered.
    let plain = repo(SINGLE_STAGE, PLAIN);
    let out = stdout_in(plain.path(), &["--select", "GL001", "Dockerfile"]);
    assert!(out.contains("fix:"), "{out}");
    assert!(!out.contains("working directory"), "{out}");
}

#[test]
fn a_dotenv_loader_reads_dot_env() {
    let main_go = "package main\n\nimport \"github.com/joho/godotenv\"\n\nfunc main() {\n\t_ = godotenv.Load()\n}\n";
    let dir = repo(SINGLE_STAGE, main_go);
    let out = stdout_in(dir.path(), &["--select", "GL001", "Dockerfile"]);
    assert!(out.contains("reads `.env`"), "{out}");
}
