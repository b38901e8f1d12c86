//! What tests/generate.rs shares: synthetic modules in temporary folders, running
//! `gopherlint generate` and the linter on them, and running the build commands a generated
//! Dockerfile holds with the local Go.

#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

/// A Go module (or workspace) written into a temporary folder.
pub struct Module {
    dir: tempfile::TempDir,
}

impl Module {
    /// A module `path` with `go <go>` and nothing else.
    pub fn new(path: &str, go: &str) -> Module {
        let module = Module::empty();
        module.write("go.mod", &format!("module {path}\n\ngo {go}\n"));
        module
    }

    pub fn empty() -> Module {
        Module {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        super::common::write(self.dir(), path, text);
    }

    pub fn append(&self, path: &str, text: &str) {
        let mut old = self.read(path);
        old.push_str(text);
        self.write(path, &old);
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Every file under the folder, relative and sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut queue = vec![self.dir().to_path_buf()];
        while let Some(dir) = queue.pop() {
            for entry in fs::read_dir(&dir).expect("list").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    queue.push(path);
                } else {
                    let rel = path.strip_prefix(self.dir()).expect("under");
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }
}

/// What a run printed and its exit code.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `gopherlint generate DIR ARGS...`.
pub fn generate(dir: &Path, args: &[&str]) -> Output {
    let out = assert_cmd::Command::cargo_bin("gopherlint")
        .expect("binary")
        .arg("generate")
        .arg(dir)
        .args(args)
        .output()
        .expect("runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What `gopherlint generate DIR ARGS...` prints on standard output.
pub fn stdout_of(dir: &Path, args: &[&str]) -> String {
    generate(dir, args).stdout
}

/// The real binary finds nothing in `dockerfile` built from `context`.
pub fn lints_clean(context: &Path, dockerfile: &Path) {
    let out = assert_cmd::Command::cargo_bin("gopherlint")
        .expect("binary")
        .args(["--color", "never", "--context"])
        .arg(context)
        .arg(dockerfile)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        (out.status.code(), stdout.as_ref()),
        (Some(0), "No problems found in 1 file.\n"),
        "gopherlint reports on the generated {}:\n{}",
        dockerfile.display(),
        fs::read_to_string(dockerfile).unwrap_or_default()
    );
}

/// The fenced block that follows `marker` in the README.
pub fn block_after<'a>(readme: &'a str, marker: &str) -> &'a str {
    let start = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no `{marker}`"));
    let rest = &readme[start..];
    let open = rest.find("```").expect("a fenced block");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    &body[..body.find("\n```").map_or(body.len(), |i| i + 1)]
}

/// Compares the README's block after `marker` with `actual`, or with
/// `GOPHERLINT_UPDATE_README=1` (as tests/gopherfile.rs does) writes `actual` into it for review.
pub fn check_readme_block(marker: &str, actual: &str, what: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let old = block_after(&readme, marker);
    if std::env::var_os("GOPHERLINT_UPDATE_README").is_some() {
        let start = old.as_ptr() as usize - readme.as_ptr() as usize;
        let updated = format!(
            "{}{actual}{}",
            &readme[..start],
            &readme[start + old.len()..]
        );
        fs::write(&path, updated).expect("write README");
        return;
    }
    assert_eq!(
        old, actual,
        "README: {what} is out of date (GOPHERLINT_UPDATE_README=1 rewrites it)"
    );
}

/// The local Go's release line (`1.19`), or `None` when there is no `go`. In CI
/// (`GOPHERLINT_REQUIRE_GO` set) a missing Go fails the test.
pub fn local_go() -> Option<String> {
    let found = Command::new("go")
        .args(["env", "GOVERSION"])
        .env("GOTOOLCHAIN", "local")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(version) = found else {
        assert!(
            std::env::var_os("GOPHERLINT_REQUIRE_GO").is_none(),
            "GOPHERLINT_REQUIRE_GO is set and there is no `go`: install Go (apt-get install golang-go)"
        );
        eprintln!("skipped: the generated build commands are not run, there is no `go`");
        return None;
    };
    let version = version.strip_prefix("go").unwrap_or(&version);
    let mut parts = version.split('.');
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

/// Sets every go.mod's and go.work's `go` line to `release` and drops `toolchain` lines, which
/// the Go releases before 1.21 do not read.
fn set_go_lines(module: &Module, release: &str) {
    for file in module.files() {
        let name = file.rsplit('/').next().unwrap_or(&file);
        if !(name == "go.mod" || name == "go.work") || file.starts_with("vendor/") {
            continue;
        }
        let text: String = module
            .read(&file)
            .lines()
            .filter(|l| !l.starts_with("toolchain "))
            .map(|l| {
                if l.starts_with("go ") {
                    format!("go {release}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        module.write(&file, &text);
    }
}

/// The build stage's commands: the RUNs that call go, without their mounts, and the folder
/// they run in (the last WORKDIR under /src), relative to the context.
fn build_steps(dockerfile: &str) -> (String, Vec<String>) {
    let joined = dockerfile.replace("\\\n", " ");
    // The header, the build stage, the final stage: blank lines before each FROM.
    let build_stage = joined.split("\n\nFROM ").nth(1).expect("the build stage");
    let mut workdir = String::new();
    let mut runs = Vec::new();
    for line in build_stage.lines() {
        if let Some(dir) = line.strip_prefix("WORKDIR ") {
            workdir = dir
                .trim()
                .strip_prefix("/src")
                .expect("WORKDIR under /src")
                .trim_start_matches('/')
                .to_string();
        } else if let Some(run) = line.strip_prefix("RUN ") {
            let words: Vec<&str> = run
                .split_whitespace()
                .filter(|w| !w.starts_with("--mount="))
                .collect();
            runs.push(words.join(" "));
        }
    }
    (workdir, runs)
}

/// The build context the Dockerfile's header names, from its folder: `.` or `..`.
fn context_of(dockerfile: &str) -> String {
    let line = dockerfile
        .lines()
        .find(|l| l.starts_with("# Build it from this folder: docker build "))
        .expect("the build command in the header");
    line.rsplit(' ').next().unwrap_or(".").to_string()
}

/// Generates the module's Dockerfile again with its go lines at the local Go's release, and
/// runs its `go mod download` and `go build` there, outside Docker, offline. The binary must be
/// static (no ELF interpreter) when `static_binary`, and dynamic otherwise (cgo).
pub fn run_build(module: &Module, args: &[&str], static_binary: bool) {
    run_build_in(module, "", args, static_binary);
}

/// [`run_build`] for the Dockerfile generated in the folder `rel` of the module's tree.
pub fn run_build_in(module: &Module, rel: &str, args: &[&str], static_binary: bool) {
    let Some(release) = local_go() else {
        return;
    };
    let dir = module.dir().join(rel);
    set_go_lines(module, &release);
    let args: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "--force")
        .chain(["--stdout"])
        .collect();
    let out = generate(&dir, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dockerfile = out.stdout;
    let (workdir, runs) = build_steps(&dockerfile);
    let context = dir.join(context_of(&dockerfile));
    let cwd = context.join(&workdir);
    let home = tempfile::tempdir().expect("tempdir");
    let bin = home.path().join("bin");
    let mut built = None;
    for run in &runs {
        let mut command = run.clone();
        if let Some(at) = command.find("-o /out/") {
            let rest = &command[at + "-o /out/".len()..];
            let name = rest
                .split_whitespace()
                .next()
                .expect("output name")
                .to_string();
            let output = bin.join(&name);
            command = command.replacen(
                &format!("-o /out/{name}"),
                &format!("-o {}", output.display()),
                1,
            );
            built = Some(output);
        }
        let result = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&cwd)
            .env("TARGETOS", "linux")
            .env("TARGETARCH", host_arch())
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "")
            .env("GOCACHE", home.path().join("cache"))
            .env("GOPATH", home.path().join("gopath"))
            .env("GOMODCACHE", home.path().join("gopath/pkg/mod"))
            .env_remove("GOWORK")
            .output()
            .expect("sh runs");
        assert!(
            result.status.success(),
            "`{command}` failed in {}:\n{}\n{dockerfile}",
            cwd.display(),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let binary = built.expect("a go build with -o");
    let bytes = fs::read(&binary).expect("the binary was built");
    assert_eq!(
        !has_interpreter(&bytes),
        static_binary,
        "{} should be {}",
        binary.display(),
        if static_binary {
            "static"
        } else {
            "dynamic (cgo)"
        }
    );
    if let Ok(file) = Command::new("file").arg(&binary).output() {
        let said = String::from_utf8_lossy(&file.stdout);
        assert_eq!(said.contains("statically linked"), static_binary, "{said}");
    }
}

fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    }
}

/// Whether an ELF file has a program interpreter (`PT_INTERP`, the dynamic loader): a static
/// binary has none.
pub fn has_interpreter(bytes: &[u8]) -> bool {
    assert!(bytes.starts_with(b"\x7fELF"), "not an ELF file");
    assert_eq!(bytes[5], 1, "little-endian ELF expected");
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let (phoff, phentsize, phnum) = if bytes[4] == 2 {
        let phoff = u64::from_le_bytes(bytes[0x20..0x28].try_into().expect("8 bytes")) as usize;
        (phoff, u16_at(0x36), u16_at(0x38))
    } else {
        (u32_at(0x1C) as usize, u16_at(0x2A), u16_at(0x2C))
    };
    const PT_INTERP: u32 = 3;
    (0..phnum).any(|i| u32_at(phoff + i * phentsize) == PT_INTERP)
}

/// No file appeared or went since `before`.
pub fn no_new_files(module: &Module, before: &[String]) {
    assert_eq!(module.files(), before, "generate wrote or removed files");
}
