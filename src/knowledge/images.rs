//! Base images: the built-in table of what each holds (references are read by `image_ref`).
//! Every fact about a base image lives here: its family, C library, shell, CA bundle, time zone
//! data, users, default user, working directory, PATH, environment, and the Go release of a Go
//! toolchain image (see `go_images`).

use super::go_images;
use super::go_release::GoRelease;
pub use super::image_ref::ImageRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libc {
    None,
    Glibc,
    Musl,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultUser {
    Root,
    NonRoot(u32),
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Scratch,
    DistrolessStatic,
    DistrolessBase,
    ChainguardStatic,
    GoToolchain,
    Alpine,
    Debian,
    /// Red Hat and other rpm-based distributions (UBI, Fedora, CentOS, Rocky, Amazon Linux).
    Rpm,
    Busybox,
    Windows,
    Other,
}

/// What gopherlint knows about a base image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseFacts {
    pub family: Family,
    /// Path of a POSIX shell, if the image has one.
    pub shell: Option<&'static str>,
    pub libc: Libc,
    pub ca_bundle: bool,
    pub tzdata: bool,
    pub passwd: bool,
    pub default_user: DefaultUser,
    /// A C toolchain is present (cgo builds work): `Some(false)` for Alpine golang images.
    pub c_toolchain: Option<bool>,
    /// The Go release of a Go toolchain image, from its tag.
    pub go: GoRelease,
    /// The users its /etc/passwd holds, where gopherlint knows them.
    pub users: &'static [(&'static str, u32)],
    /// gopherlint knows every file the image has (scratch, distroless, chainguard static):
    /// a missing file there is a finding.
    pub contents_known: bool,
    /// The environment the image sets that matters to Go builds (GOPATH, HOME).
    pub env: &'static [(&'static str, &'static str)],
    /// A Go toolchain chosen for what cgo links: Red Hat's Go Toolset, whose crypto calls
    /// OpenSSL (and its FIPS module) through cgo. A build on it that leaves cgo on does so on
    /// purpose.
    pub cgo_by_design: bool,
}

/// distroless's and chainguard static's /etc/passwd (GoogleContainerTools/distroless
/// base/base.bzl; chainguard-images/images static).
pub const DISTROLESS_USERS: &[(&str, u32)] = &[("root", 0), ("nobody", 65534), ("nonroot", 65532)];

/// Files distroless static and base images have, besides libraries: what a start command or a
/// health check could name (GoogleContainerTools/distroless base/README.md).
pub const DISTROLESS_FILES: &[&str] = &[
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/os-release",
    "/etc/ssl/certs/ca-certificates.crt",
    "/usr/share/zoneinfo",
    "/home/nonroot",
    "/root",
    "/tmp",
];

/// The distroless image a minimal final stage falls back to when it must run something
/// (GoogleContainerTools/distroless: static-debian12 has no shell, glibc or package manager).
pub const DISTROLESS_STATIC: &str = "gcr.io/distroless/static-debian12";

/// The distroless image with glibc and its dynamic loader, and nothing gcc adds: for a Go
/// binary that is dynamically linked without cgo (`-buildmode=pie`).
pub const DISTROLESS_BASE: &str = "gcr.io/distroless/base-debian12";

/// The distroless image for a binary linked with cgo, for a Debian release (`debian12`):
/// distroless base (glibc, OpenSSL, CA roots, time zones, the nonroot user) plus libgcc and
/// libstdc++, which code gcc compiled may link (GoogleContainerTools/distroless cc/README.md).
pub fn distroless_cc(debian: &str) -> String {
    format!("gcr.io/distroless/cc-{debian}")
}

/// Chainguard's static image: the only tag its free tier publishes is `latest`.
pub const CHAINGUARD_STATIC: &str = "cgr.dev/chainguard/static:latest";

/// The tag of distroless images whose default user is `nonroot` (65532).
pub const DISTROLESS_NONROOT_TAG: &str = "nonroot";

/// Debian releases distroless has stopped building images on.
const DISTROLESS_RETIRED_RELEASES: &[&str] = &["debian9", "debian10", "debian11"];

/// The distroless static image that matches a distroless `base`/`cc` reference: the same Debian
/// release (the current one for a release distroless no longer builds) and tag (`gcr.io/distroless/base-debian13:nonroot-amd64` →
/// `gcr.io/distroless/static-debian13:nonroot-amd64`); `None` for any other image.
pub fn distroless_static_for(image: &ImageRef) -> Option<String> {
    let name = image.name();
    let rest = name.strip_prefix("gcr.io/distroless/")?;
    // Releases distroless no longer builds (debian11 ended in 2024) give the current one.
    let debian = rest
        .split('-')
        .find(|part| part.starts_with("debian"))
        .filter(|release| !DISTROLESS_RETIRED_RELEASES.contains(release))
        .unwrap_or("debian12");
    let family = rest.split('-').next()?;
    if !matches!(family, "base" | "cc" | "java" | "static") {
        return None;
    }
    Some(match image.tag.as_deref() {
        Some(tag) => format!("gcr.io/distroless/static-{debian}:{tag}"),
        None => format!("gcr.io/distroless/static-{debian}"),
    })
}

/// The PATH a container gets when its image sets none (moby's `oci.DefaultPathEnv`).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The PATH an image's processes get when the Dockerfile sets none: the official golang
/// image's own (with `$GOPATH/bin`), else the default.
pub fn image_path(image: Option<&ImageRef>) -> &'static str {
    match image {
        Some(image) if image.is_official_golang() => go_images::GOLANG_IMAGE_PATH,
        _ => DEFAULT_PATH,
    }
}

impl BaseFacts {
    pub const UNKNOWN: BaseFacts = BaseFacts {
        family: Family::Other,
        shell: Some("/bin/sh"),
        libc: Libc::Unknown,
        ca_bundle: false,
        tzdata: false,
        passwd: true,
        default_user: DefaultUser::Unknown,
        c_toolchain: None,
        go: GoRelease::Unknown,
        users: &[],
        contents_known: false,
        env: &[],
        cgo_by_design: false,
    };

    pub fn is_go_toolchain(&self) -> bool {
        self.family == Family::GoToolchain
    }

    /// A general-purpose OS image (a distribution, busybox, a Go toolchain, distroless
    /// base/cc): what GL002 can say a static binary does not need. Application images and
    /// unknown bases are not.
    pub fn is_os_image(&self) -> bool {
        matches!(
            self.family,
            Family::Alpine
                | Family::Debian
                | Family::Rpm
                | Family::Busybox
                | Family::GoToolchain
                | Family::DistrolessBase
        )
    }

    /// A distribution or Go image whose environment gopherlint knows: none of them sets
    /// `CGO_ENABLED` or writes module files before the Dockerfile's own steps.
    pub fn is_known_distribution(&self) -> bool {
        matches!(
            self.family,
            Family::GoToolchain | Family::Alpine | Family::Debian | Family::Rpm | Family::Busybox
        )
    }

    /// Published for several architectures, so `docker build --platform` gives an image of
    /// any common architecture (scratch has no files of any). Unknown and Windows bases are
    /// not known to be.
    pub fn is_multi_arch(&self) -> bool {
        matches!(
            self.family,
            Family::Scratch
                | Family::DistrolessStatic
                | Family::DistrolessBase
                | Family::ChainguardStatic
                | Family::GoToolchain
                | Family::Alpine
                | Family::Debian
                | Family::Rpm
                | Family::Busybox
        )
    }

    /// Accepted by GL002 as a final base for a Go binary without cgo.
    pub fn is_minimal(&self) -> bool {
        matches!(
            self.family,
            Family::Scratch | Family::DistrolessStatic | Family::ChainguardStatic
        )
    }

    /// Holds no executable, library or file of any architecture (scratch, distroless and
    /// chainguard static): a stage on it that runs nothing is the same on every platform.
    pub fn is_platform_neutral(&self) -> bool {
        matches!(
            self.family,
            Family::Scratch | Family::DistrolessStatic | Family::ChainguardStatic
        )
    }

    /// The image's default command (with no ENTRYPOINT or CMD of the file's own) is a shell:
    /// the distributions' official images start `sh` or `bash` (alpine, busybox, debian,
    /// ubuntu, ubi).
    pub fn default_command_is_shell(&self) -> bool {
        matches!(
            self.family,
            Family::Alpine | Family::Debian | Family::Rpm | Family::Busybox
        )
    }

    /// The base is known to lack a program unless a package adds it: busybox gives Alpine
    /// `wget` and `nc` but no `curl`; Debian and Ubuntu images carry neither `curl` nor `wget`
    /// nor `netstat`; minimal images carry no programs at all.
    pub fn lacks_program(&self, program: &str) -> bool {
        match self.family {
            Family::Scratch
            | Family::DistrolessStatic
            | Family::DistrolessBase
            | Family::ChainguardStatic => true,
            Family::Alpine => matches!(program, "curl" | "bash"),
            Family::Debian => matches!(program, "curl" | "wget" | "netstat" | "nc"),
            _ => false,
        }
    }

    /// The files of the base, where they are known file by file.
    pub fn files(&self) -> &'static [&'static str] {
        match self.family {
            Family::DistrolessStatic | Family::DistrolessBase | Family::ChainguardStatic => {
                DISTROLESS_FILES
            }
            _ => &[],
        }
    }
}

/// The working directory an image starts a stage in, where gopherlint knows it: the official
/// golang image sets `WORKDIR /go`; distributions and minimal images leave `/`. Other images
/// may set anything, so a relative `WORKDIR`, `COPY` or `-o` there is unknown.
pub fn default_workdir(image: &ImageRef, facts: &BaseFacts) -> Option<&'static str> {
    match facts.family {
        Family::GoToolchain if image.is_official_golang() && !image.has_windows_tag() => {
            Some(go_images::GOPATH)
        }
        Family::Scratch
        | Family::DistrolessStatic
        | Family::DistrolessBase
        | Family::ChainguardStatic
        | Family::Alpine
        | Family::Debian
        | Family::Rpm
        | Family::Busybox => Some("/"),
        _ => None,
    }
}

/// Facts for an image reference, from the built-in table.
pub fn base_facts(image: &ImageRef) -> BaseFacts {
    let name = image.name();
    let tag = image.tag_or_latest();
    let nonroot_tag = tag.contains("nonroot");
    let debug_tag = tag.contains("debug");
    let unknown = BaseFacts::UNKNOWN;
    if image.is_scratch() {
        return BaseFacts {
            family: Family::Scratch,
            shell: None,
            libc: Libc::None,
            ca_bundle: false,
            tzdata: false,
            passwd: false,
            default_user: DefaultUser::Root,
            contents_known: true,
            ..unknown
        };
    }
    if let Some(rest) = name.strip_prefix("gcr.io/distroless/") {
        let distroless = BaseFacts {
            shell: debug_tag.then_some("/busybox/sh"),
            ca_bundle: true,
            tzdata: true,
            passwd: true,
            default_user: if nonroot_tag {
                DefaultUser::NonRoot(65532)
            } else {
                DefaultUser::Root
            },
            users: DISTROLESS_USERS,
            ..unknown
        };
        if rest.starts_with("static") {
            return BaseFacts {
                family: Family::DistrolessStatic,
                libc: Libc::None,
                // `:debug` tags add busybox and its tools.
                contents_known: !debug_tag,
                ..distroless
            };
        }
        if rest.starts_with("base") || rest.starts_with("cc") {
            return BaseFacts {
                family: Family::DistrolessBase,
                libc: Libc::Glibc,
                contents_known: !debug_tag,
                ..distroless
            };
        }
        return BaseFacts {
            family: Family::Other,
            libc: Libc::Glibc,
            ..distroless
        };
    }
    if go_images::is_go_toolchain(&name) {
        let alpine = tag.contains("alpine");
        let red_hat = go_images::is_red_hat_go_toolset(&name);
        // `golang@sha256:...` with no tag: any variant, Debian or Alpine, so neither its libc
        // nor its C compiler is known (the digest is not `latest`). Red Hat's Go Toolset has
        // one variant, on UBI, with gcc for its OpenSSL-backed crypto.
        let variant_known = red_hat || image.tag.is_some() || image.digest.is_none();
        return BaseFacts {
            family: Family::GoToolchain,
            shell: Some("/bin/sh"),
            libc: match (variant_known, alpine) {
                (false, _) => Libc::Unknown,
                (true, true) => Libc::Musl,
                (true, false) => Libc::Glibc,
            },
            ca_bundle: true,
            tzdata: !alpine && variant_known,
            passwd: true,
            default_user: if red_hat {
                DefaultUser::NonRoot(go_images::GO_TOOLSET_USER)
            } else {
                DefaultUser::Root
            },
            c_toolchain: variant_known.then_some(!alpine),
            go: go_images::release(image),
            env: if red_hat {
                go_images::GO_TOOLSET_ENV
            } else if name == go_images::CHAINGUARD_GO {
                go_images::CHAINGUARD_GO_ENV
            } else {
                go_images::GOLANG_IMAGE_ENV
            },
            cgo_by_design: red_hat,
            ..unknown
        };
    }
    match name.as_str() {
        "cgr.dev/chainguard/static" => BaseFacts {
            family: Family::ChainguardStatic,
            shell: None,
            libc: Libc::None,
            ca_bundle: true,
            tzdata: true,
            passwd: true,
            default_user: DefaultUser::NonRoot(65532),
            users: DISTROLESS_USERS,
            contents_known: true,
            ..unknown
        },
        "alpine" => BaseFacts {
            family: Family::Alpine,
            libc: Libc::Musl,
            ca_bundle: true,
            default_user: DefaultUser::Root,
            ..unknown
        },
        "debian" | "ubuntu" | "buildpack-deps" => BaseFacts {
            family: Family::Debian,
            libc: Libc::Glibc,
            default_user: DefaultUser::Root,
            ..unknown
        },
        "centos"
        | "fedora"
        | "rockylinux"
        | "rockylinux/rockylinux"
        | "almalinux"
        | "amazonlinux"
        | "oraclelinux"
        | "quay.io/centos/centos"
        | "opensuse/leap"
        | "opensuse/tumbleweed"
        | "registry.suse.com/bci/bci-base"
        | "registry.suse.com/bci/bci-minimal"
        | "registry.suse.com/bci/bci-micro" => BaseFacts {
            family: Family::Rpm,
            libc: Libc::Glibc,
            default_user: DefaultUser::Root,
            ..unknown
        },
        n if is_red_hat_ubi(n) => BaseFacts {
            family: Family::Rpm,
            libc: Libc::Glibc,
            default_user: DefaultUser::Root,
            ..unknown
        },
        "busybox" => BaseFacts {
            family: Family::Busybox,
            libc: if tag.contains("musl") {
                Libc::Musl
            } else {
                Libc::Glibc
            },
            default_user: DefaultUser::Root,
            ..unknown
        },
        n if n.starts_with("mcr.microsoft.com/windows")
            || n.contains("nanoserver")
            || n.contains("servercore") =>
        {
            BaseFacts {
                family: Family::Windows,
                shell: None,
                ..unknown
            }
        }
        n if n.starts_with("cgr.dev/chainguard/") => BaseFacts {
            default_user: DefaultUser::NonRoot(65532),
            ..unknown
        },
        _ => unknown,
    }
}

/// Red Hat's Universal Base Images (`registry.access.redhat.com/ubi9/ubi-minimal`, `redhat/ubi8`).
pub fn is_red_hat_ubi(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("registry.access.redhat.com/")
        .or_else(|| name.strip_prefix("registry.redhat.io/"))
        .or_else(|| name.strip_prefix("redhat/"))
    else {
        return false;
    };
    rest.starts_with("ubi")
}

/// Debian, then Ubuntu, release names as they appear in image tags, oldest first within each
/// (wiki.debian.org/DebianReleases, wiki.ubuntu.com/Releases): a tag that names one tells the
/// glibc release of the image.
const DISTRIBUTION_RELEASES: &[&str] = &[
    "stretch", "buster", "bullseye", "bookworm", "trixie", "bionic", "focal", "jammy", "noble",
    "oracular", "plucky",
];

/// Where Ubuntu's names start in `DISTRIBUTION_RELEASES`.
const FIRST_UBUNTU: usize = 5;

/// A Debian or Ubuntu release a tag names, comparable with another of the same distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistributionRelease(usize);

impl DistributionRelease {
    /// The release a tag names (`golang:1.22-bookworm`, `debian:bullseye-slim`).
    pub fn of_tag(tag: &str) -> Option<DistributionRelease> {
        let tag = tag.to_ascii_lowercase();
        DISTRIBUTION_RELEASES
            .iter()
            .position(|r| tag.contains(r))
            .map(DistributionRelease)
    }

    pub fn name(self) -> &'static str {
        DISTRIBUTION_RELEASES[self.0]
    }

    /// Whether `self` is newer than `other`; `None` across Debian and Ubuntu, whose releases
    /// do not compare.
    pub fn newer_than(self, other: DistributionRelease) -> Option<bool> {
        ((self.0 < FIRST_UBUNTU) == (other.0 < FIRST_UBUNTU)).then_some(self.0 > other.0)
    }
}

/// Architecture names that pin an image to one platform (`amd64/alpine`,
/// `static:nonroot-arm64`): the names Docker Hub's per-architecture repositories and tags use.
pub const ARCH_NAMES: &[&str] = &[
    "amd64", "arm64", "arm64v8", "arm32v6", "arm32v7", "aarch64", "x86_64", "i386", "386",
    "ppc64le", "s390x", "riscv64", "armhf", "armv7",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("docker.io/library/golang:1.22-alpine@sha256:abc");
        assert_eq!(r.registry, None);
        assert_eq!(r.repository, "golang");
        assert_eq!(r.tag.as_deref(), Some("1.22-alpine"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("localhost:5000/team/app");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.tag, None);
        assert_eq!(
            ImageRef::parse("gcr.io/distroless/static-debian12:nonroot").name(),
            "gcr.io/distroless/static-debian12"
        );
    }

    #[test]
    fn a_go_image_pinned_by_digest_alone_keeps_the_libc_of_its_one_variant() {
        let libc = |raw: &str| base_facts(&ImageRef::parse(raw)).libc;
        // golang has Debian and Alpine variants: a digest alone may be either.
        assert_eq!(libc("golang@sha256:abc"), Libc::Unknown);
        assert_eq!(
            libc("registry.redhat.io/ubi9/go-toolset@sha256:abc"),
            Libc::Glibc
        );
    }

    #[test]
    fn docker_hub_spellings_and_mirrors_are_one_image() {
        for raw in [
            "alpine:3.20",
            "docker.io/alpine:3.20",
            "docker.io/library/alpine:3.20",
            "index.docker.io/library/alpine:3.20",
            "registry-1.docker.io/library/alpine:3.20",
            "registry.hub.docker.com/library/alpine:3.20",
            "mirror.gcr.io/library/alpine:3.20",
            "mirror.gcr.io/alpine:3.20",
            "public.ecr.aws/docker/library/alpine:3.20",
        ] {
            let image = ImageRef::parse(raw);
            assert_eq!(
                (image.name(), image.tag.as_deref()),
                ("alpine".into(), Some("3.20")),
                "{raw}"
            );
            assert_eq!(base_facts(&image).family, Family::Alpine, "{raw}");
        }
        // Other images on those registries stay theirs.
        assert_eq!(
            ImageRef::parse("public.ecr.aws/lambda/go:1").name(),
            "public.ecr.aws/lambda/go"
        );
        assert!(ImageRef::parse("mirror.gcr.io/library/golang:1.23").is_official_golang());
        // Published in rolling tags only: nothing to pin but a digest.
        for raw in [
            "quay.io/prometheus/busybox-linux-arm64:latest",
            "prom/busybox:glibc",
            "gcr.io/distroless/static-debian12:nonroot",
        ] {
            let image = ImageRef::parse(raw);
            assert_eq!(
                image.floating(crate::knowledge::go_images::release(&image)),
                None,
                "{raw}"
            );
        }
        assert_eq!(
            ImageRef::parse("docker.mirror.example.com/alpine:3.20").name(),
            "alpine"
        );
        assert_eq!(
            ImageRef::parse("mirror.example.com/acme/app:1").name(),
            "mirror.example.com/acme/app"
        );
        assert!(ImageRef::parse("BASEIMAGE").is_placeholder());
        assert_eq!(
            distroless_static_for(&ImageRef::parse(
                "gcr.io/distroless/base-debian13:nonroot-amd64"
            ))
            .as_deref(),
            Some("gcr.io/distroless/static-debian13:nonroot-amd64")
        );
        assert_eq!(
            distroless_static_for(&ImageRef::parse("gcr.io/distroless/base-debian11")).as_deref(),
            Some("gcr.io/distroless/static-debian12")
        );
        assert_eq!(distroless_static_for(&ImageRef::parse("alpine:3.20")), None);
        assert!(ImageRef::parse("registry.k8s.io/ARCH/base:1").is_placeholder());
        assert!(!ImageRef::parse("registry.k8s.io/base:V1").is_placeholder());
    }

    #[test]
    fn facts_for_common_bases() {
        let facts = base_facts(&ImageRef::parse("golang:1.21.5-alpine3.19"));
        assert_eq!(facts.go.version().map(|v| v.minor_version()), Some((1, 21)));
        assert_eq!(facts.c_toolchain, Some(false));
        assert_eq!(
            base_facts(&ImageRef::parse("golang:alpine")).go.version(),
            None
        );
        let nonroot = base_facts(&ImageRef::parse("gcr.io/distroless/static:nonroot"));
        assert_eq!(nonroot.default_user, DefaultUser::NonRoot(65532));
        assert!(nonroot.is_minimal());
        assert!(!base_facts(&ImageRef::parse("alpine:3.20")).is_minimal());
    }

    #[test]
    fn distribution_releases_compare_within_a_distribution() {
        let release = |t| DistributionRelease::of_tag(t).expect(t);
        assert_eq!(
            release("bookworm").newer_than(release("1.22-bullseye")),
            Some(true)
        );
        assert_eq!(release("noble").newer_than(release("bookworm")), None);
        assert_eq!(DistributionRelease::of_tag("3.20"), None);
    }
}
