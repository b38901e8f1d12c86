//! A program whose go.mod requires a module that only builds with cgo (a C binding such as
//! herumi's BLS signatures or CosmWasm's wasmvm) uses cgo by design: GL002 does not offer a
//! static image it cannot have, and GL304 says that cross-compiling it needs a C toolchain.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

const DOCKERFILE: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -ldflags=\"-s -w\" -o /out/node ./cmd/node\n\nFROM ubuntu:24.04\nCOPY --from=build /out/node /usr/local/bin/node\nUSER 65532:65532\nENTRYPOINT [\"node\"]\n";

fn repo(requires: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(
        dir.path(),
        "go.mod",
        &format!(
            "module github.com/acme/chain\n\ngo 1.23\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n{requires})\n"
        ),
    );
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(
        dir.path(),
        ".github/workflows/image.yml",
        "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          platforms: linux/amd64,linux/arm64\n          push: true\n",
    );
    dir
}

#[test]
fn a_module_that_needs_cgo_keeps_its_os_and_needs_a_c_cross_toolchain() {
    let args = [
        "--select",
        "GL002,GL304",
        "--format",
        "compact",
        "Dockerfile",
    ];
    let plain = stdout_in(repo("").path(), &args);
    assert!(plain.contains("GL002"), "{plain}");
    assert!(plain.contains("GL304"), "{plain}");
    let cgo = repo("\tgithub.com/herumi/bls-go-binary v1.28.2 // indirect\n");
    let out = stdout_in(cgo.path(), &args);
    assert!(!out.contains("GL002"), "{out}");
    let help = stdout_in(cgo.path(), &["--select", "GL304", "Dockerfile"]);
    assert!(help.contains("this build uses cgo"), "{help}");
    // A major version of the module is the same module.
    let wasmvm = repo("\tgithub.com/CosmWasm/wasmvm/v2 v2.2.4\n");
    let out = stdout_in(wasmvm.path(), &args);
    assert!(!out.contains("GL002"), "{out}");
}

#[test]
fn image_library_bindings_need_cgo() {
    let args = ["--select", "GL002", "--format", "compact", "Dockerfile"];
    let webp = repo("\tgithub.com/chai2010/webp v1.1.1\n");
    let out = stdout_in(webp.path(), &args);
    assert!(!out.contains("GL002"), "{out}");
}
