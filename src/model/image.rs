//! Image references and the built-in table of base-image facts.

/// A parsed image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub raw: String,
    /// Registry host, `None` for Docker Hub.
    pub registry: Option<String>,
    /// Repository path; Docker Hub's `library/` prefix is removed (`golang`, `gcr.io/...` keeps its host in `registry`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(raw: &str) -> ImageRef {
        let (name, digest) = match raw.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (raw, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_string()),
            ),
            None => (name, None),
        };
        let (registry, mut repository) = match name.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                (Some(host.to_ascii_lowercase()), rest.to_string())
            }
            _ => (None, name.to_string()),
        };
        let registry = registry.filter(|r| r != "docker.io" && r != "index.docker.io");
        if registry.is_none()
            && let Some(rest) = repository.strip_prefix("library/")
        {
            repository = rest.to_string();
        }
        ImageRef {
            raw: raw.to_string(),
            registry,
            repository: repository.to_ascii_lowercase(),
            tag,
            digest,
        }
    }

    /// `registry/repository`, or just the repository for Docker Hub.
    pub fn name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.repository),
            None => self.repository.clone(),
        }
    }

    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository == "scratch"
    }
}

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
    /// `(major, minor)` of the Go toolchain from the tag, for Go images with a versioned tag.
    pub go_version: Option<(u32, u32)>,
    /// The users its /etc/passwd holds, where gopherlint knows them.
    pub users: &'static [(&'static str, u32)],
    /// gopherlint knows every file the image has (scratch, distroless, chainguard static):
    /// a missing file there is a finding.
    pub contents_known: bool,
}

/// distroless's and chainguard static's /etc/passwd.
const DISTROLESS_USERS: &[(&str, u32)] = &[("root", 0), ("nobody", 65534), ("nonroot", 65532)];

/// Files distroless static and base images have, besides libraries: what a start command or a
/// health check could name.
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
        go_version: None,
        users: &[],
        contents_known: false,
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
}

/// The working directory an image starts a stage in, where gopherlint knows it: the official
/// golang image sets `WORKDIR /go`; distributions and minimal images leave `/`. Other images
/// may set anything, so a relative `WORKDIR`, `COPY` or `-o` there is unknown.
pub fn default_workdir(image: &ImageRef, facts: &BaseFacts) -> Option<&'static str> {
    match facts.family {
        Family::GoToolchain
            if image.registry.as_deref().is_none_or(|r| r == "docker.io")
                && image.repository == "golang"
                && !image.tag.as_deref().is_some_and(|t| {
                    t.contains("windowsservercore") || t.contains("nanoserver")
                }) =>
        {
            Some("/go")
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
    let tag = image.tag.as_deref().unwrap_or("latest");
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
        "golang"
        | "cgr.dev/chainguard/go"
        | "tinygo/tinygo"
        | "mcr.microsoft.com/devcontainers/go"
        | "mcr.microsoft.com/vscode/devcontainers/go" => {
            let alpine = tag.contains("alpine");
            BaseFacts {
                family: Family::GoToolchain,
                shell: Some("/bin/sh"),
                libc: if alpine { Libc::Musl } else { Libc::Glibc },
                ca_bundle: true,
                tzdata: !alpine,
                passwd: true,
                default_user: if name.starts_with("cgr.dev") {
                    DefaultUser::NonRoot(65532)
                } else {
                    DefaultUser::Root
                },
                c_toolchain: Some(!alpine),
                go_version: go_version_from_tag(tag),
                ..unknown
            }
        }
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
fn is_red_hat_ubi(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("registry.access.redhat.com/")
        .or_else(|| name.strip_prefix("registry.redhat.io/"))
        .or_else(|| name.strip_prefix("redhat/"))
    else {
        return false;
    };
    rest.starts_with("ubi")
}

/// `1.22.3-alpine` → `(1, 22)`; floating tags (`alpine`, `latest`) give `None`.
pub fn go_version_from_tag(tag: &str) -> Option<(u32, u32)> {
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor_start = tag.find('.')? + 1;
    let minor: String = tag[minor_start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

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
    fn facts_for_common_bases() {
        let facts = base_facts(&ImageRef::parse("golang:1.21.5-alpine3.19"));
        assert_eq!(facts.go_version, Some((1, 21)));
        assert_eq!(facts.c_toolchain, Some(false));
        assert_eq!(
            base_facts(&ImageRef::parse("golang:alpine")).go_version,
            None
        );
        let nonroot = base_facts(&ImageRef::parse("gcr.io/distroless/static:nonroot"));
        assert_eq!(nonroot.default_user, DefaultUser::NonRoot(65532));
        assert!(nonroot.is_minimal());
        assert!(!base_facts(&ImageRef::parse("alpine:3.20")).is_minimal());
    }
}
