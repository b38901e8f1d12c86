//! Well-known paths in images: where Go reads CA roots and time zones, where the Go toolchain
//! and its caches live, which paths are always files, which copied paths are data rather
//! than programs, and which sources `ADD` unpacks.

/// Top-level directories a distribution's base image fills with its own files (the FHS's,
/// less the empty `/tmp`, `/mnt` and `/srv`): a copy of one takes the base's files too.
pub const BASE_DIRECTORIES: &[&str] = &[
    "/bin", "/etc", "/home", "/lib", "/lib64", "/opt", "/root", "/run", "/sbin", "/usr", "/var",
];

/// Root's home directory, `$HOME` for a program run as root.
pub const ROOT_HOME: &str = "/root";

/// Where Red Hat's container certification looks for the image's licenses (its policy requires
/// them there, beside a UBI base and the name, vendor, version, release and summary labels).
pub const CERTIFICATION_LICENSES_DIR: &str = "/licenses";

/// The CA bundle of Debian, Alpine and the official golang image, and the path gopherlint
/// copies it to and from.
pub const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// Files Go's crypto/x509 reads CA roots from on Linux (src/crypto/x509/root_linux.go).
pub const CA_FILES: &[&str] = &[
    CA_BUNDLE,
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Directories it reads every certificate from (root_linux.go's `certDirectories`).
pub const CA_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// Environment variables that point Go at other roots (crypto/x509 root_unix.go).
pub const CA_ENV: &[&str] = &["SSL_CERT_FILE", "SSL_CERT_DIR"];

/// Go modules that embed a CA root bundle in the binary and use it when the system has none:
/// a program that imports one verifies TLS on `scratch` without a CA file
/// (pkg.go.dev/golang.org/x/crypto/x509roots/fallback, github.com/breml/rootcerts).
pub const EMBEDDED_CA_MODULES: &[&str] = &[
    "golang.org/x/crypto/x509roots/fallback",
    "github.com/breml/rootcerts",
];

/// A place Go reads roots from: a bundle file, or inside (or being) a CA directory.
pub fn is_root_location(path: &str) -> bool {
    CA_FILES.contains(&path) || CA_DIRS.iter().any(|dir| crate::paths::is_within(path, dir))
}

/// The time zone database Go's `time` package reads on Linux (src/time/zoneinfo_unix.go).
pub const ZONEINFO_DIR: &str = "/usr/share/zoneinfo";

/// The environment variable that points `time` at another database (a zip or a directory).
pub const ZONEINFO_ENV: &str = "ZONEINFO";

/// Go's own copy of the database in the official image (`$GOROOT/lib/time/zoneinfo.zip`).
pub const GO_ZONEINFO_ZIP: &str = "/usr/local/go/lib/time/zoneinfo.zip";

/// GOROOT in the official golang image.
pub const GOROOT: &str = "/usr/local/go";

/// musl's dynamic loader (`/lib/ld-musl-x86_64.so.1`), which is its whole C library: copied
/// into an image, it runs any binary linked against musl.
pub fn is_musl_loader(path: &str) -> bool {
    let name = crate::paths::basename(path);
    name.starts_with("ld-musl-") && name.ends_with(".so.1")
}

/// Where an image keeps programs and libraries built for its own platform: the Go toolchain
/// (GOROOT), the system's binaries and libraries. `/usr/local/bin` is left out (builds write
/// their programs there), and `/usr/share` holds data that is the same on every platform.
pub const PLATFORM_FILE_DIRS: &[&str] = &[
    "/usr/local/go/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/lib/",
    "/usr/libexec/",
    "/bin/",
    "/sbin/",
    "/lib/",
    "/lib64/",
];

/// GOPATH when none is set: `$HOME/go` (`go help gopath`), for root.
pub const ROOT_DEFAULT_GOPATH: &str = "/root/go";

/// The build cache of root, the default user of the golang image (`$HOME/.cache/go-build`,
/// `go help cache`), and the cache directory it is in.
pub const ROOT_GOCACHE: &str = "/root/.cache/go-build";
pub const ROOT_CACHE_DIR: &str = "/root/.cache";

/// Paths that are files whatever a copy does with them (a copy source that is one of these is
/// not a directory).
pub const KNOWN_FILES: &[&str] = &["/etc/passwd", "/etc/group", CA_BUNDLE, "/etc/nsswitch.conf"];

pub const PASSWD: &str = "/etc/passwd";

/// Directories for scratch files that are emptied or world-writable: a directory made there is
/// not where a program keeps its state.
pub const TEMP_DIRS: &[&str] = &["/tmp", "/var/tmp", "/run", "/var/run"];

/// Names of a directory a program keeps its state in (`WORKDIR /data`, `/var/lib/app/db`):
/// a working directory so named is where its relative files (a SQLite database, `./logs`) land.
pub const STATE_DIR_NAMES: &[&str] = &["data", "db", "database", "storage", "state", "uploads"];

/// Whether `dir` is a state directory: its last part names one, or it is a program's own
/// directory under `/var/lib` (`WORKDIR /var/lib/app`).
pub fn names_state_dir(dir: &str) -> bool {
    is_own_state_path(dir)
        || dir
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| STATE_DIR_NAMES.contains(&last.to_ascii_lowercase().as_str()))
}

/// The directory under which programs keep their variable state (FHS 3.0, 5.8): root owns it,
/// and an image from scratch has none.
const STATE_ROOT: &str = "/var/lib/";

/// The distribution's own state under it, which a program reads and never writes.
const SYSTEM_STATE_DIRS: &[&str] = &["apt", "dpkg", "apk", "rpm", "dnf", "yum", "dbus", "ucf"];

/// A path in a program's own directory under `/var/lib` (`/var/lib/app`, `/var/lib/app/app.db`),
/// not the distribution's (`/var/lib/apt`).
pub fn is_own_state_path(path: &str) -> bool {
    path.strip_prefix(STATE_ROOT).is_some_and(|rest| {
        let first = rest.split('/').next().unwrap_or_default();
        !first.is_empty() && !SYSTEM_STATE_DIRS.contains(&first)
    })
}

/// Directories that hold system data, the Go toolchain or its caches, never a program a
/// build wrote.
const NOT_PROGRAM_DIRS: &[&str] = &[
    "/etc",
    "/usr/share",
    GOROOT,
    "/go/pkg",
    ROOT_CACHE_DIR,
    "/tmp",
];

/// File extensions of things that are not executables (site output, configs, scripts).
const DATA_EXTENSIONS: &[&str] = &[
    "html", "htm", "css", "js", "mjs", "json", "yaml", "yml", "toml", "md", "txt", "conf", "cfg",
    "ini", "xml", "sh", "py", "sql", "pem", "crt", "key", "png", "svg", "ico", "jpg", "jpeg",
    "gif", "map", "tmpl", "tpl", "gz", "tgz", "tar", "zip", "deb", "rpm", "csv", "proto",
];

/// Names of files and directories that hold data rather than programs.
const DATA_NAMES: &[&str] = &[
    "public",
    "dist",
    "static",
    "www",
    "site",
    "docs",
    "assets",
    "templates",
    "web",
    "ui",
    "config",
    "configs",
    "migrations",
    "scripts",
    "frontend",
    "locales",
    "i18n",
    "license",
    "readme",
    "node_modules",
    "src",
    "go.mod",
    "go.sum",
];

/// A copied path that may be an executable: no data extension, not a data directory, not a
/// system, Go distribution or module cache location.
pub fn may_be_program(path: &str) -> bool {
    let path = crate::paths::normalize(path);
    if path == "/"
        || NOT_PROGRAM_DIRS
            .iter()
            .any(|dir| crate::paths::is_within(&path, dir))
    {
        return false;
    }
    let name = crate::paths::basename(&path).to_ascii_lowercase();
    if DATA_NAMES.contains(&name.as_str()) {
        return false;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => !DATA_EXTENSIONS.contains(&ext),
        _ => true,
    }
}

/// Local tar archives, which `ADD` unpacks (Dockerfile reference, ADD).
pub fn is_archive(path: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|ext| path.ends_with(ext))
}

/// Where an OS image keeps its programs and libraries. A final stage that copies one of them
/// elsewhere (`cp -r /bin /.tools`) ships the base's own files as its payload.
pub const SYSTEM_DIRS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/lib",
    "/usr/lib",
];

/// `path` is one of SYSTEM_DIRS, or something in one (`/bin/busybox`, `/bin/`, `/bin/*`).
pub fn in_system_dir(path: &str) -> bool {
    SYSTEM_DIRS.iter().any(|dir| {
        path.strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Entries of a repository's root that only its hosting, CI and editors read: a Go build never
/// needs them, so a starting `.dockerignore` leaves them out (with `.git`, which every commit
/// changes).
pub const CONTEXT_NEVER_BUILT: &[&str] = &[".git", ".github", ".gitlab", ".idea", ".vscode"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_dirs() {
        assert!(in_system_dir("/bin"));
        assert!(in_system_dir("/bin/"));
        assert!(in_system_dir("/usr/bin/busybox"));
        assert!(!in_system_dir("/binaries"));
        assert!(!in_system_dir("/out/bin"));
    }

    #[test]
    fn programs_and_data() {
        assert!(may_be_program("/src/bin/server"));
        assert!(may_be_program("/out/app.exe"));
        assert!(may_be_program("/go/bin/"));
        assert!(!may_be_program("/src/public"));
        assert!(!may_be_program("/src/site/index.html"));
        assert!(!may_be_program(CA_BUNDLE));
        assert!(!may_be_program(GOROOT));
        assert!(!may_be_program("/app/config.yaml"));
        assert!(is_root_location("/etc/ssl/certs/x.pem") && !is_root_location("/etc/ssl"));
    }
}
