//! What each go command does with Go's caches: compiles (the build cache), downloads modules
//! (the module cache), loads packages besides those it builds, or empties a cache. Sources:
//! `go help build`, `go help mod`, `go help clean`.

use crate::knowledge::go_command::{self, GoSubcommand};

/// What a go command does that a cache serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoCacheUse {
    /// It compiles (build, install, test, run, vet): the build cache.
    pub compiles: bool,
    /// It downloads modules (`go mod download`, `tidy`, `vendor`, `go get`, `go install
    /// pkg@version`).
    pub downloads: bool,
    /// It downloads modules whatever packages are there (`go mod download`, `go get`, `go
    /// install pkg@version`), not only those the packages it loads import (`go mod tidy`,
    /// `go mod vendor`).
    pub downloads_outright: bool,
    /// It loads packages besides the ones it builds (`go test`, `go run`, `go vet`, `go
    /// generate`): what they import is not the built program's.
    pub loads_other_packages: bool,
    /// It empties the build cache (`go clean -cache`).
    pub cleans_build: bool,
    /// It empties the module cache (`go clean -modcache`); one command may empty both.
    pub cleans_modules: bool,
}

/// `pkg@version`, which the go command downloads: an import path before the `@`, not a flag
/// or a shell fragment that holds one (`-ldflags=... $(date -d @${EPOCH})`).
fn is_versioned_package(word: &str) -> bool {
    let Some((path, version)) = word.split_once('@') else {
        return false;
    };
    !word.starts_with('-')
        && !version.is_empty()
        && path.contains(['.', '/'])
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_' | '~'))
}

/// What the go command with these arguments does with the caches.
pub fn cache_use(argv: &[crate::shell::ShellWord]) -> GoCacheUse {
    let Some(subcommand) = go_command::subcommand(argv) else {
        return GoCacheUse::default();
    };
    let words: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let has = |w: &str| words.contains(&w);
    match subcommand {
        GoSubcommand::Build => GoCacheUse {
            compiles: true,
            downloads: words.iter().skip(2).any(|w| is_versioned_package(w)),
            downloads_outright: words.iter().skip(2).any(|w| is_versioned_package(w)),
            ..GoCacheUse::default()
        },
        GoSubcommand::Test | GoSubcommand::Run => GoCacheUse {
            compiles: true,
            downloads: words.iter().skip(2).any(|w| is_versioned_package(w)),
            downloads_outright: words.iter().skip(2).any(|w| is_versioned_package(w)),
            loads_other_packages: true,
            ..GoCacheUse::default()
        },
        GoSubcommand::Install => GoCacheUse {
            compiles: true,
            downloads: words.iter().skip(2).any(|w| is_versioned_package(w)),
            downloads_outright: words.iter().skip(2).any(|w| is_versioned_package(w)),
            ..GoCacheUse::default()
        },
        GoSubcommand::Get => GoCacheUse {
            compiles: false,
            downloads: true,
            downloads_outright: true,
            ..GoCacheUse::default()
        },
        GoSubcommand::Mod => GoCacheUse {
            compiles: false,
            // `tidy` and `vendor` load every package, downloading the modules they need.
            downloads: has("download") || has("tidy") || has("vendor"),
            downloads_outright: has("download"),
            ..GoCacheUse::default()
        },
        GoSubcommand::Other => match words.get(1).copied() {
            // `go generate` runs what its directives name (protoc, a shell command): whether
            // anything compiles is unknown.
            Some("vet") => GoCacheUse {
                compiles: true,
                loads_other_packages: true,
                ..GoCacheUse::default()
            },
            Some("clean") => GoCacheUse {
                cleans_build: has("-cache"),
                cleans_modules: has("-modcache"),
                ..GoCacheUse::default()
            },
            Some("version" | "help") => GoCacheUse::default(),
            _ => GoCacheUse {
                loads_other_packages: true,
                ..GoCacheUse::default()
            },
        },
        GoSubcommand::Env => GoCacheUse::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_package_path_before_the_at_is_a_download() {
        assert!(is_versioned_package(
            "golang.org/x/tools/cmd/stringer@v0.30.0"
        ));
        assert!(is_versioned_package("github.com/a/b@latest"));
        for word in [
            "-ldflags=-X main.t=$(date -u -d @${EPOCH})",
            "@${EPOCH})",
            "user@host",
            "./cmd/app",
            "github.com/a/b@",
        ] {
            assert!(!is_versioned_package(word), "{word}");
        }
    }
}
