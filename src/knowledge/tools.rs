//! Programs the rules recognise: development tools that need the Go toolchain beside them,
//! live reloaders, build drivers that hide a `go build`, HTTP clients, upx, commands that
//! cannot write module files, well-known Go commands, and the dependency managers Go modules
//! replaced.

/// Start programs that rebuild and rerun the sources on every change: a development image.
pub const LIVE_RELOADERS: &[&str] = &[
    "air",
    "reflex",
    "compiledaemon",
    "modd",
    "gow",
    "realize",
    "fresh",
    "gin",
    "watchexec",
    "nodemon",
    "dlv",
];

/// Programs that check a downloaded file against a digest or a signature, with the arguments
/// that make them check (none: every use checks): `sha256sum -c`, `gpg --verify`, `cosign
/// verify-blob`.
pub const VERIFIERS: &[(&str, &[&str])] = &[
    ("sha256sum", &["-c", "--check"]),
    ("sha512sum", &["-c", "--check"]),
    ("sha1sum", &["-c", "--check"]),
    ("shasum", &["-c", "--check"]),
    ("gpg", &["--verify"]),
    ("gpgv", &[]),
    ("minisign", &["-V"]),
    ("cosign", &["verify-blob"]),
    ("signify", &["-V", "-C"]),
];

/// Whether a command (its program and arguments) checks a file against a digest or signature.
pub fn verifies(program: &str, args: &[&str]) -> bool {
    VERIFIERS.iter().any(|(name, flags)| {
        *name == program && (flags.is_empty() || args.iter().any(|a| flags.contains(a)))
    })
}

/// Debuggers: an image that starts one is made to debug (`dlv exec /server`).
pub const DEBUGGERS: &[&str] = &["dlv", "gdb", "lldb"];

/// A program that works on Go sources (generators, linters, formatters, test runners), which
/// needs the toolchain beside it: `mockgen`, `controller-gen`, `golangci-lint`, `gofumpt`.
pub fn is_go_dev_tool(name: &str) -> bool {
    const PARTS: &[&str] = &[
        "gen",
        "mock",
        "lint",
        "protoc",
        "fmt",
        "fumpt",
        "imports",
        "swag",
        "test",
        "check",
        "vet",
        "cover",
        "gopls",
        "dlv",
        "ginkgo",
        "mage",
        "goreleaser",
        "sqlc",
        "buf",
        "wire",
    ];
    let name = name.to_ascii_lowercase();
    PARTS.iter().any(|p| name.contains(p))
}

/// Programs that drive a build without showing its `go build` line.
pub const BUILD_DRIVERS: &[&str] = &[
    "make",
    "gmake",
    "mage",
    "task",
    "just",
    "bazel",
    "bazelisk",
    "goreleaser",
    "ko",
    "earthly",
    "xx-go-build",
];

/// The image of xx's first wrapper for Go (`tonistiigi/xx:golang`, `tonistiigi/xx:golang-1.0.0`):
/// copied over a Go image's root, it puts a `go` first on the PATH that sets GOOS, GOARCH and
/// GOARM from `TARGETPLATFORM`.
pub fn is_xx_go_wrapper(image: &crate::knowledge::image_ref::ImageRef) -> bool {
    image.registry.is_none()
        && image.repository == "tonistiigi/xx"
        && image
            .tag
            .as_deref()
            .is_some_and(|t| t.starts_with("golang"))
}

/// Programs that read the repository's history: git, and GoReleaser, which takes its version
/// from the tags and refuses to build without them.
pub const GIT_HISTORY_READERS: &[&str] = &["git", "goreleaser"];

/// Programs that install the Go release they are asked for and point the shell at it
/// (`eval "$(gimme 1.24.5)"`): the base image's Go is not the one that builds.
pub const GO_VERSION_MANAGERS: &[&str] = &["gimme"];

/// Shell scripts that wait for a service before starting the program (`command: ["./wait-for",
/// "db:5432", "--", "/app"]` in a compose file): an image that carries one needs a shell.
pub const WAIT_SCRIPTS: &[&str] = &["wait-for", "wait-for-it", "wait-for-it.sh", "wait-for.sh"];

/// HTTP clients a health check may run.
pub const HTTP_CLIENTS: &[&str] = &["curl", "wget", "nc"];

/// Programs that download files (an archive of another project's sources, for one).
pub const DOWNLOADERS: &[&str] = &["curl", "wget"];

/// Programs an OS base image carries that scratch and distroless lack, which health checks
/// and test harnesses run in a container.
pub const BASE_UTILITIES: &[&str] = &[
    "curl", "wget", "nc", "netstat", "ss", "grep", "pgrep", "ps", "cat", "test", "ls", "timeout",
];

/// The userland every general-purpose OS base carries (Alpine's busybox, Debian's and Ubuntu's
/// coreutils, and the like), and scratch and distroless lack: a program that starts one of
/// these by name relies on its base. Not `ps` or `ip`, which slim Debian images leave out; `bash`
/// is here for the bases that have it (`ImageFacts::lacks_program` knows Alpine does not).
pub const BASE_USERLAND: &[&str] = &[
    "sh",
    "bash",
    "cat",
    "ls",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "rmdir",
    "chmod",
    "chown",
    "ln",
    "touch",
    "echo",
    "env",
    "id",
    "date",
    "uname",
    "hostname",
    "df",
    "du",
    "sort",
    "head",
    "tail",
    "tee",
    "tar",
    "gzip",
    "gunzip",
    "grep",
    "sed",
    "find",
    "xargs",
    "kill",
    "sleep",
    "stty",
    "mount",
    "umount",
    "test",
    "true",
    "false",
    "wc",
    "cut",
    "tr",
    "uniq",
    "basename",
    "dirname",
    "readlink",
    "mktemp",
    "nproc",
    "whoami",
    "sync",
    "stat",
    "md5sum",
    "sha256sum",
];

/// Calls of Go's standard library that start another program, with the index of the argument
/// that names it (`exec.CommandContext(ctx, "git", ...)`). A program that makes them with a
/// literal name needs that program in its image: a base without it breaks that path.
pub const GO_EXEC_CALLS: &[(&str, usize)] = &[
    ("exec.Command(", 0),
    ("exec.CommandContext(", 1),
    ("exec.LookPath(", 0),
    ("syscall.Exec(", 0),
];

/// Programs that unpack an archive into the current directory.
pub const UNPACKERS: &[&str] = &["tar", "unzip", "bsdtar"];

/// Programs that only make, copy, move or describe files, or check and stop (a platform check
/// that ends in `exit 1`). A stage whose RUNs use nothing else arranges the files it is given,
/// the same whichever release of its base runs them.
pub const FILE_ARRANGERS: &[&str] = &[
    "mkdir", "cp", "mv", "ln", "chmod", "chown", "chgrp", "touch", "rm", "rmdir", "install",
    "echo", "printf", "cat", "tee", "true", "false", "exit", "test", "[", "set", "basename",
    "dirname",
];

/// Programs that read or filter text and write only to their output: in a pipeline or a
/// command substitution (`ARCH=$(uname -m | sed 's/aarch64/arm64/')`), they change no file.
pub const TEXT_READERS: &[&str] = &[
    "grep", "cut", "sed", "awk", "tr", "head", "tail", "uname", "sort", "export", "wc",
];

/// The ref a `git clone` checks out by `-b`/`--branch` (`git clone -b v0.3.29 URL`), or `None`
/// when it takes the repository's default branch.
pub fn clone_branch<'a>(argv: &[&'a str]) -> Option<&'a str> {
    argv.iter().enumerate().find_map(|(i, w)| {
        if let Some(value) = w.strip_prefix("--branch=") {
            return Some(value);
        }
        matches!(*w, "-b" | "--branch")
            .then(|| argv.get(i + 1).copied())
            .flatten()
    })
}

/// `git checkout REF`, `git switch REF` or `git reset --hard REF`: the ref the work tree ends
/// on (the last word that is no option).
pub fn checked_out_ref<'a>(argv: &[&'a str]) -> Option<&'a str> {
    if !is_git(argv) || !matches!(argv.get(1), Some(&("checkout" | "switch" | "reset"))) {
        return None;
    }
    argv.iter()
        .skip(2)
        .rev()
        .find(|w| !w.starts_with('-'))
        .copied()
}

/// `git clone`: another project's sources, checked out.
pub fn is_clone(argv: &[&str]) -> bool {
    is_git(argv) && argv.get(1) == Some(&"clone")
}

/// `git fetch` or `git pull`: sources from a remote, which in a stage that copies nothing from
/// the build context are another project's (`git init && git remote add origin URL && git fetch
/// origin REF && git checkout FETCH_HEAD`).
pub fn is_git_fetch(argv: &[&str]) -> bool {
    is_git(argv) && matches!(argv.get(1), Some(&("fetch" | "pull")))
}

fn is_git(argv: &[&str]) -> bool {
    argv.first()
        .is_some_and(|p| p.rsplit('/').next() == Some("git"))
}

/// `upx`, or Debian's `upx-ucl`.
pub fn is_upx(program: &str) -> bool {
    matches!(program, "upx" | "upx-ucl")
}

/// binutils' `strip`, LLVM's `llvm-strip` (versioned too: `llvm-strip-15`), and the cross
/// toolchains' `x86_64-linux-gnu-strip`, `aarch64-linux-musl-strip`...
pub fn is_strip(program: &str) -> bool {
    let program = crate::paths::basename(program);
    program == "strip"
        || program.ends_with("-strip")
        || program
            .strip_prefix("llvm-strip-")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// `strip` options with which the file is not stripped as `-ldflags="-s -w"` strips it: they
/// leave the symbol table, keep only the debug info, or strip nothing (`--version`, `--help`).
pub const STRIP_PARTIAL_OPTIONS: &[&str] = &[
    "-g",
    "-S",
    "-d",
    "--strip-debug",
    "--strip-dwo",
    "--only-keep-debug",
    "-V",
    "--version",
    "-h",
    "--help",
    "--info",
];

/// `strip` options that take the next word as their value.
pub const STRIP_OPTIONS_WITH_VALUE: &[&str] = &["-o", "-F", "-I", "-O", "-R", "-K", "-N"];

/// Programs that cannot bring a go.mod into a stage: package managers, user and file
/// permission tools, and shell builtins.
pub const LEAVES_NO_MODULE: &[&str] = &[
    "apk",
    "apt-get",
    "apt",
    "yum",
    "dnf",
    "microdnf",
    "zypper",
    "mkdir",
    "rm",
    "chmod",
    "chown",
    "adduser",
    "useradd",
    "addgroup",
    "groupadd",
    "ls",
    "true",
    "set",
    "export",
    "cd",
    "update-ca-certificates",
    "which",
    "[",
    "test",
];

/// Well-known commands whose main package is the module root or a directory not named `cmd`.
pub const KNOWN_GO_COMMANDS: &[&str] = &[
    "github.com/golang/dep/cmd/dep",
    "github.com/Masterminds/glide",
    "github.com/tools/godep",
    "github.com/kardianos/govendor",
    "golang.org/x/lint/golint",
    "github.com/golang/lint/golint",
    "github.com/cosmtrek/air",
    "github.com/air-verse/air",
    "github.com/cespare/reflex",
    "github.com/githubnemo/CompileDaemon",
    "github.com/codegangsta/gin",
    "github.com/pilu/fresh",
    "github.com/oxequa/realize",
    "github.com/golang/mock/mockgen",
    "go.uber.org/mock/mockgen",
    "github.com/GeertJohan/go.rice/rice",
    "github.com/kisielk/errcheck",
    "github.com/mattn/goveralls",
    "github.com/axw/gocov/gocov",
    "github.com/jstemmer/go-junit-report",
    "github.com/beego/bee",
    "github.com/mitchellh/gox",
    "github.com/tcnksm/ghr",
    "github.com/alecthomas/gometalinter",
    "github.com/swaggo/swag",
    "github.com/vektra/mockery",
];

/// The dependency managers Go modules replaced (go.dev/blog/migrating-to-go-modules), with
/// every way a Dockerfile meets them.
pub mod legacy_managers {
    /// The managers' programs.
    pub const PROGRAMS: &[&str] = &["dep", "glide", "godep", "govendor"];

    /// Import paths of the managers' commands, as `go get`/`go install` name them.
    pub const PACKAGES: &[(&str, &str)] = &[
        ("github.com/golang/dep/cmd/dep", "dep"),
        ("github.com/golang/dep", "dep"),
        ("github.com/Masterminds/glide", "glide"),
        ("github.com/tools/godep", "godep"),
        ("github.com/kardianos/govendor", "govendor"),
    ];

    /// Install scripts and release downloads fetched with curl, wget or ADD.
    pub const DOWNLOADS: &[(&str, &str)] = &[
        ("raw.githubusercontent.com/golang/dep/", "dep"),
        ("glide.sh/get", "glide"),
        ("github.com/golang/dep/releases/download/", "dep"),
        ("github.com/Masterminds/glide/releases/download/", "glide"),
    ];

    /// OS packages of the managers (Debian's `go-dep`, `golang-glide`; Alpine's `glide`).
    pub const OS_PACKAGES: &[(&str, &str)] = &[
        ("go-dep", "dep"),
        ("golang-dep", "dep"),
        ("glide", "glide"),
        ("golang-glide", "glide"),
        ("godep", "godep"),
        ("golang-godep", "godep"),
        ("govendor", "govendor"),
    ];

    /// Manifest files by name, and by parent directory and name.
    pub const MANIFESTS: &[(&str, &str)] = &[
        ("Gopkg.toml", "dep"),
        ("Gopkg.lock", "dep"),
        ("glide.yaml", "glide"),
        ("glide.lock", "glide"),
        ("Godeps/Godeps.json", "godep"),
        ("Godeps", "godep"),
        ("vendor/vendor.json", "govendor"),
    ];
}

/// Init programs that reap zombies and forward signals to the program named in their
/// arguments (`ENTRYPOINT ["/sbin/tini", "--"]` with `CMD ["server"]`): the image starts that
/// program. Each with its options that take a value in the next word.
pub const INIT_PROGRAMS: &[(&str, &[&str])] = &[
    ("tini", &["-p", "-e"]),
    ("tini-static", &["-p", "-e"]),
    ("dumb-init", &["-r", "--rewrite"]),
    ("catatonit", &[]),
];

/// The program an init program starts, from the words after it: its options and `--`
/// skipped. `None` when `argv` does not start with an init program.
pub fn after_init_program(argv: &[String]) -> Option<&[String]> {
    let name = argv.first()?.rsplit('/').next()?;
    let (_, valued) = INIT_PROGRAMS.iter().find(|(n, _)| *n == name)?;
    let mut i = 1;
    while let Some(word) = argv.get(i) {
        if word == "--" {
            i += 1;
            break;
        }
        if !word.starts_with('-') {
            break;
        }
        i += if valued.contains(&word.as_str()) {
            2
        } else {
            1
        };
    }
    Some(&argv[i.min(argv.len())..])
}

#[cfg(test)]
mod tests {
    use super::after_init_program;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn an_init_program_starts_the_words_after_its_options() {
        let tini = words("/sbin/tini -s -p SIGTERM -- /app serve");
        assert_eq!(after_init_program(&tini), Some(&tini[5..]));
        let bare = words("tini --");
        assert_eq!(after_init_program(&bare).map(<[String]>::len), Some(0));
        let dumb = words("/usr/bin/dumb-init -r 15:2 /server");
        assert_eq!(after_init_program(&dumb), Some(&dumb[3..]));
        assert_eq!(after_init_program(&words("/server --flag")), None);
    }
}
