//! Go toolchain images: which images carry Go, what their tags say about the Go release, and
//! what the official `golang` image sets up (docker-library/golang's Dockerfiles).

use super::go_release::{GoRelease, GoVersion};
use super::images::ImageRef;

/// Images that carry a Go toolchain: the official image, Chainguard's, TinyGo's, and the
/// devcontainers Go images.
const GO_TOOLCHAIN_IMAGES: &[&str] = &[
    "golang",
    CHAINGUARD_GO,
    "tinygo/tinygo",
    "mcr.microsoft.com/devcontainers/go",
    "mcr.microsoft.com/vscode/devcontainers/go",
];

/// Images whose tags name a devcontainer release before the Go one (`1-1.22-bookworm`).
const DEVCONTAINER_IMAGES: &[&str] = &[
    "mcr.microsoft.com/devcontainers/go",
    "mcr.microsoft.com/vscode/devcontainers/go",
];

/// The GOPATH, and working directory, of the official image (`ENV GOPATH /go`, `WORKDIR $GOPATH`).
pub const GOPATH: &str = "/go";

/// The module cache in the official image: `$GOPATH/pkg/mod` (`go help gopath`), what a cache
/// mount for it targets.
pub const GOLANG_GOMODCACHE: &str = "/go/pkg/mod";

/// The Debian release `gopherlint generate` builds cgo on for a Go release line, as the
/// official image's tag names it, and as distroless names it (`debian12`): the builder and the
/// final image must have the same glibc. Bookworm (Debian 12, June 2023) from Go 1.21, the
/// first release after it, through 1.27 (docker-library/repo-info lists `golang:1.27-bookworm`);
/// bullseye (Debian 11) for older lines, whose images were published on it.
pub fn golang_debian_release(version: GoVersion) -> (&'static str, &'static str) {
    if version.minor_version() >= (1, 21) {
        ("bookworm", "debian12")
    } else {
        ("bullseye", "debian11")
    }
}

/// The official image's tag for a Go release line on Alpine (`golang:1.22-alpine`), which
/// floats to the line's newest patch and Alpine release.
pub fn golang_alpine_tag(version: GoVersion) -> String {
    format!("golang:{}.{}-alpine", version.major, version.minor)
}

/// The official image's tag for a Go release line on Debian (`golang:1.22-bookworm`), gcc and
/// git included, on the release [`golang_debian_release`] names.
pub fn golang_debian_tag(version: GoVersion) -> String {
    let (debian, _) = golang_debian_release(version);
    format!("golang:{}.{}-{debian}", version.major, version.minor)
}

/// The newest Debian release the official image published a Go line on, for lines older than
/// [`golang_debian_release`] knows: bullseye from Go 1.16 (August 2021), buster from 1.13 (its
/// images began with 1.12's last patches), stretch before.
fn published_debian_release(version: GoVersion) -> &'static str {
    match version.minor_version() {
        v if v >= (1, 21) => golang_debian_release(version).0,
        v if v >= (1, 16) => "bullseye",
        v if v >= (1, 13) => "buster",
        _ => "stretch",
    }
}

/// The variant of `variant` (what a tag says after its Go version, `-alpine3.15`, `-buster`)
/// that the official image publishes for `version`, to suggest a tag that exists: an Alpine
/// release pinned in the tag is carried only for the Go lines of its own year (no
/// `golang:1.25-alpine3.15`), so the floating `-alpine` is named; a retired Debian release
/// (buster, bullseye) becomes the one [`golang_debian_release`] names. Other variants are kept.
pub fn variant_for(variant: &str, version: GoVersion) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in variant.split('-').filter(|p| !p.is_empty()) {
        let part = if part.starts_with("alpine3.") {
            "alpine"
        } else if matches!(part, "stretch" | "buster" | "bullseye") {
            published_debian_release(version)
        } else {
            part
        };
        parts.push(part.to_string());
    }
    parts.iter().map(|p| format!("-{p}")).collect()
}

/// The directories Go itself fills under that GOPATH: `go install`'s output (on the image's
/// PATH) and the module cache. `/go/src` is not one: in module mode it is an ordinary folder.
pub const GOPATH_DIRS: &[&str] = &["/go/bin", "/go/pkg"];

/// The environment the official image's Linux variants set that matters to Go builds. Every
/// other Go variable is unset there. (The PATH it sets is `IMAGE_PATH`.)
pub const GOLANG_IMAGE_ENV: &[(&str, &str)] = &[("GOPATH", GOPATH), ("GOTOOLCHAIN", "local")];

/// The PATH the official image sets: `$GOPATH/bin` and Go's own `bin` before the default.
pub const GOLANG_IMAGE_PATH: &str =
    "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What Red Hat's Go Toolset images set that matters to Go builds: the home of their
/// application user, which `USER root` does not reset (an ENV), so GOPATH (unset) is
/// `/opt/app-root/src/go` for every user (sclorg/golang-container, s2i-base).
pub const GO_TOOLSET_ENV: &[(&str, &str)] = &[("HOME", "/opt/app-root/src")];

/// What Chainguard's Go image (`cgr.dev/chainguard/go`, Wolfi) sets that matters to Go builds:
/// GOTOOLCHAIN only. GOPATH is unset, so Go's caches are under the home of the user, root by
/// default (chainguard-images/images go/config: `run-as: 0`, GOTOOLCHAIN `local+auto`).
pub const CHAINGUARD_GO_ENV: &[(&str, &str)] = &[("GOTOOLCHAIN", "local+auto")];

/// Chainguard's Go image.
pub const CHAINGUARD_GO: &str = "cgr.dev/chainguard/go";

/// The user Red Hat's Go Toolset images run as (`default`, uid 1001, the s2i convention).
pub const GO_TOOLSET_USER: u32 = 1001;

/// Red Hat's Go Toolset images (`registry.access.redhat.com/ubi9/go-toolset`,
/// `registry.redhat.io/rhel9/go-toolset`): Go with gcc, cgo on by default (their FIPS mode
/// needs it).
pub fn is_red_hat_go_toolset(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("registry.access.redhat.com/")
        .or_else(|| name.strip_prefix("registry.redhat.io/"))
    else {
        return false;
    };
    rest.split_once('/').is_some_and(|(line, image)| {
        (line.starts_with("ubi") || line.starts_with("rhel")) && image == "go-toolset"
    })
}

/// An image name (as `ImageRef::name` gives it) that carries a Go toolchain.
pub fn is_go_toolchain(name: &str) -> bool {
    GO_TOOLCHAIN_IMAGES.contains(&name) || is_red_hat_go_toolset(name)
}

/// What a Go image's tag says: the Go version it names and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoTag {
    /// The Go the tag names; `None` for floating tags (`alpine`, `latest`).
    pub version: Option<GoVersion>,
    /// The tag names a patch release (`1.22.3`); `1.22` floats to the newest patch.
    pub exact_patch: bool,
    /// What the tag says after the version (`-alpine3.20`), or the whole tag with a `-` before
    /// it when it names no version: to suggest a tag of the same kind.
    pub variant: String,
}

impl GoTag {
    /// Reads `1.22.3-alpine3.20`, `1.24rc1-bookworm`, `alpine`.
    pub fn parse(tag: &str) -> GoTag {
        let version_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(tag.len());
        let (version_text, variant) = tag.split_at(version_len);
        let version = GoVersion::parse(version_text);
        GoTag {
            version,
            exact_patch: version_text.matches('.').count() >= 2,
            variant: if version.is_some() {
                variant.to_string()
            } else {
                format!("-{tag}")
            },
        }
    }

    /// The newest Go the tag can run: its version, or for a tag without one, the last Go
    /// line published on the retired OS release it names (`golang:alpine3.9` stopped at an
    /// older Go than 1.18: the image carried Alpine 3.13 and older, and Debian stretch, only
    /// for Go 1.17 and before). `None` where the tag follows the newest Go.
    pub fn newest_go(&self) -> Option<GoVersion> {
        if self.version.is_some() {
            return self.version;
        }
        let retired = self.variant.split('-').any(|word| {
            matches!(word, "stretch" | "jessie" | "wheezy")
                || word
                    .strip_prefix("alpine3.")
                    .and_then(|minor| minor.parse::<u32>().ok())
                    .is_some_and(|minor| minor <= 13)
        });
        retired.then(|| GoVersion::new(1, 17))
    }

    /// A variant of the Alpine image, with musl and without gcc or git.
    pub fn is_alpine(&self) -> bool {
        self.variant.contains("alpine")
    }

    /// The builder runs at least this Go: a `1.22` tag is any 1.22 patch, so it satisfies
    /// `go 1.22.5`; `1.22.3` does not. `None` for a tag without a version.
    pub fn satisfies(&self, required: GoVersion) -> Option<bool> {
        let have = self.version?;
        if have.minor_version() != required.minor_version() {
            return Some(have.minor_version() > required.minor_version());
        }
        Some(!self.exact_patch || !have.release || have >= required || required.patch == 0)
    }

    /// Whether the official image of this tag has git: the Debian variants install it, the
    /// Alpine ones do not.
    pub fn has_git(&self) -> bool {
        !self.is_alpine()
    }
}

/// The Go tag of an image that is the official `golang` image.
/// `None` for a tag with a variant the image never published (`golang:1.15-apline`): no
/// image has it.
pub fn golang_tag(image: &ImageRef) -> Option<GoTag> {
    if !image.is_official_golang() {
        return None;
    }
    let tag = GoTag::parse(image.tag_or_latest());
    (tag.version.is_none() || is_published_variant(&tag.variant)).then_some(tag)
}

/// The Go release a Go toolchain image runs, as far as its reference tells.
pub fn release(image: &ImageRef) -> GoRelease {
    let name = image.name();
    if !is_go_toolchain(&name) || name == "tinygo/tinygo" {
        // TinyGo's tags name TinyGo releases, not Go's.
        return GoRelease::Unknown;
    }
    let tag = image.tag_or_latest();
    let go_tag = if DEVCONTAINER_IMAGES.contains(&name.as_str()) {
        // `1-1.22-bookworm`: the devcontainer release, then Go's.
        let after_release = tag
            .split_once('-')
            .filter(|(first, rest)| {
                first.bytes().all(|b| b.is_ascii_digit()) && GoTag::parse(rest).version.is_some()
            })
            .map_or(tag, |(_, rest)| rest);
        GoTag::parse(after_release)
    } else {
        GoTag::parse(tag)
    };
    // A variant the official image never published (`golang:1.15-apline`) names no image:
    // the build fails at FROM, whatever its Go would have been.
    if image.is_official_golang()
        && go_tag.version.is_some()
        && !is_published_variant(&go_tag.variant)
    {
        return GoRelease::Unknown;
    }
    // A digest pins whatever release was current when it was taken: the tag's version still
    // says which, but a tag without one says nothing.
    if let Some(version) = go_tag.version {
        return GoRelease::Version(GoVersion::new(version.major, version.minor));
    }
    // No Go image publishes a tag with capitals: `golang:INVALID-bookworm` is a placeholder
    // default that every build replaces with its release (`ARG GO_VERSION=INVALID`).
    if image.digest.is_some() || tag.contains('$') || tag.bytes().any(|b| b.is_ascii_uppercase()) {
        return GoRelease::Unknown;
    }
    // `golang:1` and `golang:1-alpine` follow the newest Go 1; any other number is a version
    // gopherlint could not read.
    let major_only = tag == "1" || tag.starts_with("1-");
    if tag.starts_with(|c: char| c.is_ascii_digit()) && !major_only {
        return GoRelease::Unknown;
    }
    match retired_distribution(tag) {
        None => GoRelease::Floating,
        Some(Some(version)) => GoRelease::Retired(version),
        Some(None) => GoRelease::Unknown,
    }
}

/// The words of the official golang image's variants (`-alpine3.21`, `-bookworm`,
/// `-windowsservercore-ltsc2022`): docker-library/golang's `versions.json` over its history.
const VARIANT_WORDS: &[&str] = &[
    "alpine",
    "bookworm",
    "bullseye",
    "buster",
    "stretch",
    "jessie",
    "wheezy",
    "trixie",
    "windowsservercore",
    "nanoserver",
    "ltsc2016",
    "ltsc2019",
    "ltsc2022",
    "ltsc2025",
    "1709",
    "1803",
    "1809",
    "onbuild",
    "cross",
    "wheezy",
];

/// Every word of a golang tag's variant is one the official image publishes: `alpine3.N`,
/// a Debian or Windows release. An empty variant (`golang:1.24`) is one.
fn is_published_variant(variant: &str) -> bool {
    variant.split('-').filter(|w| !w.is_empty()).all(|word| {
        VARIANT_WORDS.contains(&word)
            || word
                .strip_prefix("alpine3.")
                .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A distribution release named in a tag without a Go version (`alpine3.16`, `buster`): the
/// oldest Go its last image can have, if the official image stopped publishing it (`None` for
/// distributions still published, `Some(None)` for ones retired before Go 1.16). Each retired
/// tag was published until at least the Go release given here (docker-library/golang's
/// history of `versions.json`).
fn retired_distribution(tag: &str) -> Option<Option<GoVersion>> {
    for part in tag.split('-') {
        if matches!(part, "wheezy" | "jessie" | "stretch") {
            return Some(None);
        }
        if part == "buster" {
            return Some(Some(GoVersion::new(1, 18)));
        }
        if part == "bullseye" {
            return Some(Some(GoVersion::new(1, 22)));
        }
        if let Some(minor) = part
            .strip_prefix("alpine3.")
            .and_then(|m| m.parse::<u32>().ok())
        {
            // Each Alpine release is carried for about a year after the next one arrives.
            return match minor {
                0..=12 => Some(None),
                13..=15 => Some(Some(GoVersion::new(1, 16))),
                16..=18 => Some(Some(GoVersion::new(1, 18))),
                _ => None,
            };
        }
    }
    None
}

/// Packages the official Alpine variant installs itself (its Dockerfile's `apk add`).
pub const GOLANG_ALPINE_PACKAGES: &[&str] = &["ca-certificates"];

#[cfg(test)]
mod tests {
    use super::*;

    fn release_of(raw: &str) -> GoRelease {
        release(&ImageRef::parse(raw))
    }

    fn v(major: u32, minor: u32) -> GoVersion {
        GoVersion::new(major, minor)
    }

    #[test]
    fn builder_tags_and_the_module_cache_follow_the_official_image() {
        assert_eq!(GOLANG_GOMODCACHE, format!("{GOPATH}/pkg/mod"));
        assert_eq!(golang_alpine_tag(v(1, 24)), "golang:1.24-alpine");
        assert_eq!(golang_debian_tag(v(1, 27)), "golang:1.27-bookworm");
        assert_eq!(golang_debian_tag(v(1, 20)), "golang:1.20-bullseye");
        assert_eq!(golang_debian_release(v(1, 21)), ("bookworm", "debian12"));
        assert_eq!(variant_for("-alpine3.15", v(1, 25)), "-alpine");
        assert_eq!(variant_for("-buster", v(1, 21)), "-bookworm");
        assert_eq!(variant_for("-bullseye", v(1, 20)), "-bullseye");
        assert_eq!(variant_for("-stretch", v(1, 14)), "-buster");
        assert_eq!(variant_for("-bookworm", v(1, 24)), "-bookworm");
        assert_eq!(variant_for("", v(1, 24)), "");
        assert_eq!(
            variant_for("-windowsservercore-ltsc2022", v(1, 24)),
            "-windowsservercore-ltsc2022"
        );
        // The tags it writes read back as the release they were made for.
        for tag in [golang_alpine_tag(v(1, 24)), golang_debian_tag(v(1, 22))] {
            assert!(
                matches!(release(&ImageRef::parse(&tag)), GoRelease::Version(_)),
                "{tag}"
            );
        }
    }

    #[test]
    fn a_variant_never_published_names_no_release() {
        assert_eq!(release_of("golang:1.15-apline"), GoRelease::Unknown);
        assert_eq!(release_of("golang:1.24-bookwrm"), GoRelease::Unknown);
        for tag in [
            "golang:1.15-alpine3.12",
            "golang:1.24-bookworm",
            "golang:1.22-windowsservercore-ltsc2022",
            "golang:1.24rc1-alpine",
            "golang:1.24",
        ] {
            assert!(matches!(release_of(tag), GoRelease::Version(_)), "{tag}");
        }
    }

    #[test]
    fn red_hat_go_toolset() {
        assert!(is_go_toolchain(
            "registry.access.redhat.com/ubi9/go-toolset"
        ));
        assert!(is_go_toolchain("registry.redhat.io/rhel8/go-toolset"));
        assert!(!is_go_toolchain(
            "registry.access.redhat.com/ubi9/ubi-minimal"
        ));
        assert_eq!(
            release_of("registry.access.redhat.com/ubi9/go-toolset:1.23.6-1745328278"),
            GoRelease::Version(v(1, 23))
        );
    }

    #[test]
    fn releases_from_tags() {
        assert_eq!(release_of("golang:1.17"), GoRelease::Version(v(1, 17)));
        assert_eq!(release_of("golang:alpine"), GoRelease::Floating);
        assert_eq!(release_of("golang:1"), GoRelease::Floating);
        assert_eq!(release_of("golang:${V}-alpine"), GoRelease::Unknown);
        // A placeholder default the build replaces, not a tag Docker Hub has.
        assert_eq!(release_of("golang:INVALID-bookworm"), GoRelease::Unknown);
        assert_eq!(release_of("alpine:3.20"), GoRelease::Unknown);
        assert_eq!(release_of("golang@sha256:abc"), GoRelease::Unknown);
        assert_eq!(
            release_of("golang:1.25-alpine@sha256:abc"),
            GoRelease::Version(v(1, 25))
        );
        assert_eq!(release_of("golang:1-buster"), GoRelease::Retired(v(1, 18)));
        assert_eq!(release_of("golang:alpine3.12"), GoRelease::Unknown);
        assert_eq!(
            release_of("golang:alpine3.16"),
            GoRelease::Retired(v(1, 18))
        );
        assert_eq!(release_of("golang:bookworm"), GoRelease::Floating);
        assert_eq!(release_of("cgr.dev/chainguard/go"), GoRelease::Floating);
        assert_eq!(release_of("tinygo/tinygo:0.33.0"), GoRelease::Unknown);
        assert_eq!(
            release_of("mcr.microsoft.com/vscode/devcontainers/go:1-1.26"),
            GoRelease::Version(v(1, 26))
        );
        assert_eq!(
            release_of("mcr.microsoft.com/devcontainers/go:1.22-bookworm"),
            GoRelease::Version(v(1, 22))
        );
    }

    #[test]
    fn retired_os_releases_bound_the_go_of_versionless_tags() {
        let newest = |tag: &str| GoTag::parse(tag).newest_go();
        assert_eq!(newest("alpine3.9"), Some(GoVersion::new(1, 17)));
        assert_eq!(newest("stretch"), Some(GoVersion::new(1, 17)));
        assert_eq!(newest("alpine3.13"), Some(GoVersion::new(1, 17)));
        assert_eq!(newest("alpine3.14"), None);
        assert_eq!(newest("alpine"), None);
        assert_eq!(newest("bookworm"), None);
        assert_eq!(newest("1.21-alpine3.9").map(|v| v.minor), Some(21));
    }

    #[test]
    fn tags_name_versions_and_variants() {
        let parse = |t| GoVersion::parse(t).expect(t);
        let tag = GoTag::parse("1.22-alpine3.20");
        assert_eq!(tag.version, Some(parse("1.22")));
        assert_eq!(tag.variant, "-alpine3.20");
        assert!(tag.is_alpine() && !tag.exact_patch && !tag.has_git());
        assert_eq!(tag.satisfies(parse("1.22.5")), Some(true));
        assert_eq!(tag.satisfies(parse("1.24")), Some(false));
        let tag = GoTag::parse("1.22.3");
        assert_eq!(tag.satisfies(parse("1.22.5")), Some(false));
        assert_eq!(tag.satisfies(parse("1.22")), Some(true));
        assert_eq!(tag.satisfies(parse("1.21.9")), Some(true));
        let tag = GoTag::parse("alpine");
        assert_eq!((tag.version, tag.is_alpine()), (None, true));
        assert_eq!(tag.satisfies(parse("1.24")), None);
        assert_eq!(
            GoTag::parse("1.24rc1-bookworm").satisfies(parse("1.24")),
            Some(true)
        );
    }
}
