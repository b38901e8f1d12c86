//! How the go command checks the modules it downloads, and which settings turn that off.
//! Sources: `go help module-auth`, `go help private`, `go help environment` (Go 1.13 onward):
//! a module that go.sum does not list is checked against the checksum database (GOSUMDB,
//! `sum.golang.org`) unless GOSUMDB is `off` or the module matches GONOSUMDB (which defaults to
//! GOPRIVATE); GOINSECURE lets matching modules be fetched over plain HTTP and from servers
//! whose certificate is not checked; `-insecure` (go get, before Go 1.17) did both.

/// What a setting does to the checks of downloaded modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationOff {
    /// `GOSUMDB=off`: no module is checked against the checksum database.
    SumDbOff,
    /// GONOSUMDB or GOPRIVATE with a pattern that matches every module path (`*`).
    EveryModuleExempt { pattern: String },
    /// GOINSECURE: the matching modules may come over plain HTTP or unchecked TLS.
    InsecureFetch { patterns: String },
    /// `-insecure` in GOFLAGS.
    InsecureFlag,
}

/// The variables that can turn module verification off.
pub const VERIFICATION_SETTINGS: &[&str] =
    &["GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOINSECURE", "GOFLAGS"];

/// A pattern of GONOSUMDB, GOPRIVATE or GOINSECURE (a path prefix glob, matched element by
/// element) that matches every module path: its first element is only wildcards (`*`, `*.*`
/// matches any host name with a dot, which every public module path has).
fn matches_every_module(pattern: &str) -> bool {
    let first = pattern.trim().split('/').next().unwrap_or("");
    !first.is_empty() && first.chars().all(|c| matches!(c, '*' | '?' | '.'))
}

/// What `NAME=value` does to module verification, if it turns any of it off. Path-limited
/// GONOSUMDB and GOPRIVATE (`github.com/acme/*`) are the supported way to fetch private
/// modules and are not reported; `GOPROXY=direct` still checks sums.
pub fn verification_off(name: &str, value: &str) -> Option<VerificationOff> {
    match name {
        "GOSUMDB" => (value.trim() == "off").then_some(VerificationOff::SumDbOff),
        "GONOSUMDB" | "GOPRIVATE" => value.split(',').find(|p| matches_every_module(p)).map(|p| {
            VerificationOff::EveryModuleExempt {
                pattern: p.trim().to_string(),
            }
        }),
        "GOINSECURE" => (!value.trim().is_empty()).then(|| VerificationOff::InsecureFetch {
            patterns: value.trim().to_string(),
        }),
        "GOFLAGS" => value
            .split_whitespace()
            .any(|f| matches!(f, "-insecure" | "--insecure" | "-insecure=true"))
            .then_some(VerificationOff::InsecureFlag),
        _ => None,
    }
}

/// Module queries whose version moves without a commit of the file (`go help
/// module-queries`): `latest`, a branch (`master`, `main`), `HEAD`, and `go get`'s `upgrade`
/// and `patch`. A semantic version, a version prefix or a commit hash names one version.
/// The files that say which modules a build needs, without any of its packages: go.mod, go.sum
/// and a workspace's go.work and go.work.sum, as a COPY names them (`go.sum*` for a go.sum
/// that may be missing, `go.*`).
pub fn is_module_file(name: &str) -> bool {
    matches!(
        name,
        "go.mod" | "go.sum" | "go.work" | "go.work.sum" | "go.sum*" | "go.*" | "go.mod*"
    )
}

pub const FLOATING_QUERIES: &[&str] = &["latest", "master", "main", "HEAD", "upgrade", "patch"];

/// The query of `pkg@query` when it floats.
pub fn floating_query(argument: &str) -> Option<&str> {
    let (_, query) = argument.rsplit_once('@')?;
    FLOATING_QUERIES.contains(&query).then_some(query)
}

/// Modules whose packages are C code built with cgo, and bundle that C code (or a static
/// library of it) so that a C compiler is all a build needs: a program that requires one
/// needs `CGO_ENABLED=1`, a builder with gcc and a final image with the C library it was linked
/// against. Each module's own README says so: mattn/go-sqlite3 ("go-sqlite3 is cgo package",
/// the SQLite amalgamation included), crawshaw.io/sqlite (SQLite compiled in with cgo),
/// DataDog/zstd (the zstd sources bundled, built with cgo), confluent-kafka-go (librdkafka
/// prebuilt and linked statically through cgo).
pub const CGO_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "crawshaw.io/sqlite",
    "github.com/DataDog/zstd",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/confluentinc/confluent-kafka-go/v2",
    // Image libraries: libwebp, libvips and ImageMagick bindings (without cgo, chai2010/webp
    // builds and fails every call).
    "github.com/chai2010/webp",
    "github.com/h2non/bimg",
    "github.com/davidbyttow/govips",
    "gopkg.in/gographics/imagick.v2",
    "gopkg.in/gographics/imagick.v3",
];

/// Modules that only build with cgo, whether or not their C code comes with them: the
/// [`CGO_MODULES`], and bindings whose C side is a library prebuilt for each platform that the
/// program loads or links (herumi's BLS signatures, "a prebuilt binary of bls"; Wasmer's Go
/// embedding; CosmWasm's wasmvm, whose VM is `libwasmvm`). A program whose module graph
/// requires one cannot be built with `CGO_ENABLED=0` as it stands.
const CGO_ONLY_BINDINGS: &[&str] = &[
    "github.com/herumi/bls-go-binary",
    "github.com/herumi/bls-eth-go-binary",
    "github.com/wasmerio/wasmer-go",
    "github.com/CosmWasm/wasmvm",
];

/// The module of `requires` (module paths a go.mod requires, directly or not) that only builds
/// with cgo, if any. A major version suffix (`github.com/CosmWasm/wasmvm/v2`) is the same
/// module.
pub fn cgo_only_module<'a>(requires: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    requires.into_iter().find(|path| {
        CGO_MODULES
            .iter()
            .chain(CGO_ONLY_BINDINGS)
            .any(|m| match path.strip_prefix(m) {
                Some("") => true,
                Some(rest) => rest
                    .strip_prefix("/v")
                    .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
                None => false,
            })
    })
}

/// Code hosts whose paths name the owning account second (`host/owner/repo`), in module paths
/// and repository URLs alike.
const CODE_HOSTS: &[&str] = &["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"];

/// The domain of a vanity module path (`istio.io` for `istio.io/istio`, `go.uber.org` for
/// `go.uber.org/zap`): the project's own domain. `None` on a code host, or for a path with no
/// domain.
pub fn vanity_domain(path: &str) -> Option<&str> {
    let host = path.trim().split('/').next()?;
    (host.contains('.') && !CODE_HOSTS.contains(&host)).then_some(host)
}

/// The account that owns a repository on a code host, from a module path
/// (`github.com/prometheus/node_exporter`) or a repository URL
/// (`https://github.com/prometheus/node_exporter.git`, `git@github.com:prometheus/x`); `None`
/// for a vanity path or another host.
pub fn hosting_owner(path: &str) -> Option<&str> {
    let path = path.trim();
    let path = path
        .strip_prefix("https://")
        .or_else(|| path.strip_prefix("http://"))
        .or_else(|| path.strip_prefix("git@"))
        .unwrap_or(path);
    let mut parts = path.splitn(3, ['/', ':']);
    let host = parts.next()?;
    let owner = parts.next().filter(|o| !o.is_empty())?;
    CODE_HOSTS.contains(&host).then_some(owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgo_only_modules_by_path_and_major_version() {
        assert_eq!(
            cgo_only_module(["github.com/spf13/cobra", "github.com/CosmWasm/wasmvm/v2"]),
            Some("github.com/CosmWasm/wasmvm/v2")
        );
        assert_eq!(
            cgo_only_module(["github.com/mattn/go-sqlite3"]),
            Some("github.com/mattn/go-sqlite3")
        );
        assert_eq!(cgo_only_module(["github.com/CosmWasm/wasmvm-tools"]), None);
        assert_eq!(cgo_only_module(["github.com/CosmWasm/wasmvm/vx"]), None);
    }

    #[test]
    fn only_settings_that_drop_checks_are_read_as_such() {
        assert_eq!(
            verification_off("GOSUMDB", "off"),
            Some(VerificationOff::SumDbOff)
        );
        assert_eq!(verification_off("GOSUMDB", "sum.golang.google.cn"), None);
        assert!(verification_off("GONOSUMDB", "*").is_some());
        assert!(verification_off("GOPRIVATE", "github.com/acme/*,*.*").is_some());
        assert_eq!(verification_off("GOPRIVATE", "github.com/acme/*"), None);
        assert_eq!(verification_off("GONOSUMDB", "*.corp.example.com"), None);
        assert!(verification_off("GOINSECURE", "git.corp.example.com").is_some());
        assert_eq!(verification_off("GOINSECURE", ""), None);
        assert!(verification_off("GOFLAGS", "-mod=mod -insecure").is_some());
        assert_eq!(verification_off("GOFLAGS", "-mod=mod"), None);
        assert_eq!(verification_off("GOPROXY", "direct"), None);
    }

    #[test]
    fn floating_queries_are_told_from_versions() {
        assert_eq!(
            floating_query("golang.org/x/tools/cmd/stringer@latest"),
            Some("latest")
        );
        assert_eq!(floating_query("github.com/a/b@master"), Some("master"));
        assert_eq!(floating_query("github.com/a/b@v1.2.3"), None);
        assert_eq!(floating_query("github.com/a/b@v1"), None);
        assert_eq!(floating_query("./cmd/app"), None);
    }

    #[test]
    fn hosting_owners_from_module_paths_and_urls() {
        use super::hosting_owner;
        assert_eq!(hosting_owner("github.com/acme/app/v2"), Some("acme"));
        assert_eq!(
            hosting_owner("https://github.com/acme/app.git"),
            Some("acme")
        );
        assert_eq!(hosting_owner("git@gitlab.com:acme/app"), Some("acme"));
        assert_eq!(hosting_owner("go.uber.org/zap"), None);
        assert_eq!(hosting_owner("https://example.com/acme/app"), None);
    }
}
