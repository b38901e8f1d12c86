//! The language server in a real editor: Neovim, headless, configured with the file the README
//! tells Neovim users to install (editors/neovim/gopherlint.lua). It opens a Dockerfile, waits
//! for gopherlint's diagnostics, applies the quick fix for GL003 and checks that the finding is
//! gone. CI installs Neovim (Debian's package); elsewhere the test is skipped when Neovim is
//! not installed, and says so.

use std::path::Path;
use std::process::Command;

const DOCKERFILE: &str = "FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT [\"/app\"]
";

#[test]
fn neovim_applies_the_quick_fix_for_gl003() {
    if Command::new("nvim").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the Neovim test: install Neovim (apt-get install neovim)"
        );
        eprintln!("skipped: Neovim is not installed");
        return;
    }
    let dir = tempfile::TempDir::new().expect("tempdir");
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, DOCKERFILE).expect("Dockerfile");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The config starts `gopherlint server` from PATH: this build's binary comes first.
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_gopherlint"))
        .parent()
        .expect("binary dir");
    let path = std::env::join_paths(std::iter::once(binary_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u"])
        .arg(root.join("editors/neovim/gopherlint.lua"))
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root.join("tests/editors/neovim_quick_fix.lua").display()
        ))
        .arg(&file)
        .env("PATH", path)
        .current_dir(dir.path())
        .output()
        .expect("run nvim");
    assert!(
        output.status.success(),
        "neovim: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_readme_shows_the_neovim_setup_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let setup = std::fs::read_to_string(root.join("editors/neovim/gopherlint.lua")).expect("setup");
    assert!(
        readme.contains(&format!("```lua\n{setup}```")),
        "the README's Neovim block must be editors/neovim/gopherlint.lua, which CI runs"
    );
}
