//! Image references: how a `FROM` names an image, with Docker Hub's spellings and mirrors read
//! as one image, and what a reference alone tells (a placeholder, a Windows tag, a floating tag).

use super::go_release::GoRelease;

/// A parsed image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// As written (for messages).
    pub raw: String,
    /// Registry host, `None` for Docker Hub (whichever spelling or mirror named it).
    pub registry: Option<String>,
    /// Repository path, lowercased; Docker Hub's `library/` prefix is removed (`golang`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// How a reference floats: which image it pulls is decided by the publisher's last push, not by
/// the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floating {
    /// No tag: the pull takes `latest`.
    Untagged,
    /// The `latest` tag.
    Latest,
    /// A Go toolchain tag that names no Go minor release (`golang:alpine`, `golang:1`,
    /// `golang:bookworm`): the Go that builds moves to each new release.
    NoGoMinor,
}

/// Registries whose images come only in rolling tags (`latest`, `nonroot`, `debug`): no tag
/// pins one, and the publisher rebuilds them for security fixes on purpose. Distroless names
/// its Debian release in the image name; Chainguard's free tier publishes `latest` alone; the
/// Prometheus project's busybox bases (`quay.io/prometheus/busybox-linux-arm64:latest`, also
/// as `prom/busybox`) come as `latest`, `glibc` and `uclibc`, never a version.
const ROLLING_ONLY_PUBLISHERS: &[&str] = &[
    "gcr.io/distroless/",
    "cgr.dev/chainguard/",
    "quay.io/prometheus/busybox",
    "prom/busybox",
];

/// Docker Official Images their maintainers deprecated and stopped pushing: every tag, `latest`
/// included, has named the same image for years (`centos`: CentOS Linux 8 reached its end in
/// 2021; `java`: replaced by `openjdk` in 2017). Their tags cannot move; the base is old, which
/// pinning does not mend.
const FROZEN_IMAGES: &[&str] = &["centos", "java"];

/// Images of rolling-release distributions, which have no releases to pin: Arch Linux (its
/// snapshot tags only archive a day's packages), openSUSE Tumbleweed, Gentoo's stage3, Void,
/// Manjaro, and Kali's rolling branches (`kali-rolling`, `kali-bleeding-edge`: published as
/// `latest` and per architecture, never a version). Following their `latest` is what choosing
/// them means.
const ROLLING_DISTRIBUTIONS: &[&str] = &[
    "archlinux",
    "archlinux/archlinux",
    "opensuse/tumbleweed",
    "registry.opensuse.org/opensuse/tumbleweed",
    "gentoo/stage3",
    // Its per-architecture repositories before the multi-platform one (2020), no longer pushed.
    "gentoo/stage3-amd64",
    "gentoo/stage3-amd64-hardened",
    "gentoo/stage3-amd64-nomultilib",
    "gentoo/stage3-x86",
    "voidlinux/voidlinux",
    "ghcr.io/void-linux/void-glibc",
    "ghcr.io/void-linux/void-musl",
    "manjarolinux/base",
    "kalilinux/kali-rolling",
    "kalilinux/kali-bleeding-edge",
    "kalilinux/kali-dev",
    "kalilinux/kali-experimental",
];

/// Hosts that serve Docker Hub itself (docker/distribution's reference normalisation).
/// `registry.hub.docker.com` is the old name of the same registry, still served.
const DOCKER_HUB_HOSTS: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

/// Mirrors of Docker Hub, with the path prefix under which they serve its repositories:
/// Google's pull-through cache (`mirror.gcr.io/library/alpine`, cloud.google.com/artifact-
/// registry/docs/pull-cached-dockerhub-images) and the ECR Public Gallery's copies of the Docker
/// official images (`public.ecr.aws/docker/library/alpine`, gallery.ecr.aws/docker).
const DOCKER_HUB_MIRRORS: &[(&str, &str)] = &[
    ("mirror.gcr.io", ""),
    ("public.ecr.aws", "docker/library/"),
    ("docker.m.daocloud.io", ""),
];

/// Proxies that serve any registry under a path naming it (DaoCloud's public mirror:
/// `m.daocloud.io/gcr.io/distroless/static`, `m.daocloud.io/docker.io/library/golang`,
/// github.com/DaoCloud/public-image-mirror): the image is the one the rest of the path names.
const REGISTRY_PATH_PROXIES: &[&str] = &["m.daocloud.io"];

impl ImageRef {
    /// Parses a reference. Docker Hub's spellings (`docker.io/library/alpine`,
    /// `index.docker.io/alpine`) and its mirrors (`mirror.gcr.io/library/alpine`,
    /// `public.ecr.aws/docker/library/alpine`) name the same image as `alpine`.
    pub fn parse(raw: &str) -> ImageRef {
        if let Some(rest) = REGISTRY_PATH_PROXIES.iter().find_map(|proxy| {
            let rest = raw.strip_prefix(proxy)?.strip_prefix('/')?;
            // The next element names the registry it serves: a host.
            rest.split('/')
                .next()
                .is_some_and(|host| host.contains('.') && rest.contains('/'))
                .then_some(rest)
        }) {
            return ImageRef {
                raw: raw.to_string(),
                ..ImageRef::parse(rest)
            };
        }
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
        let (mut registry, mut repository) = match name.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                (Some(host.to_ascii_lowercase()), rest.to_string())
            }
            _ => (None, name.to_string()),
        };
        if let Some(host) = registry.as_deref() {
            if DOCKER_HUB_HOSTS.contains(&host) {
                registry = None;
            } else if let Some((_, prefix)) = DOCKER_HUB_MIRRORS.iter().find(|(h, _)| *h == host)
                && let Some(rest) = repository.strip_prefix(prefix)
                && !rest.is_empty()
            {
                repository = rest.to_string();
                registry = None;
            } else if host.split('.').any(|label| label == "mirror")
                && (!repository.contains('/') || repository.starts_with("library/"))
            {
                // A pull-through cache by its conventional name (`docker.mirror.example.com/
                // alpine`): an official image under its own name.
                registry = None;
            }
        }
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

    /// The reference cannot be pulled as written: its repository has capitals (a placeholder
    /// a script replaces, `FROM BASEIMAGE`) or template syntax.
    pub fn is_placeholder(&self) -> bool {
        let written = self.raw.split(['@']).next().unwrap_or(&self.raw);
        let repository = match written.rfind('/') {
            Some(slash) => match written[slash..].rfind(':') {
                Some(colon) => &written[..slash + colon],
                None => written,
            },
            None => written.split(':').next().unwrap_or(written),
        };
        repository.chars().any(|c| c.is_ascii_uppercase()) || written.contains("{{")
    }

    /// `registry/repository`, or just the repository for Docker Hub.
    pub fn name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.repository),
            None => self.repository.clone(),
        }
    }

    /// How the reference floats, if it does, given the Go release its tag names (`go`, from
    /// the Go image knowledge). A digest pins it, `scratch` is no image, a placeholder is not
    /// what is pulled. A Go toolchain floats when its tag names no Go release; an image from a
    /// publisher of rolling tags alone, or of a rolling-release distribution, does not count,
    /// since no tag would pin it.
    pub fn floating(&self, go: GoRelease) -> Option<Floating> {
        if self.digest.is_some() || self.is_scratch() || self.is_placeholder() {
            return None;
        }
        // Chainguard's Go image too: its free tier publishes `latest` and `latest-dev` alone,
        // so a Go release tag is no pin its users can pull.
        let name = self.name();
        // Distroless through a registry mirror (`gcr.lank8s.cn/distroless/static`) is the same
        // repository under another host.
        let rolling_only = ROLLING_ONLY_PUBLISHERS
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || (self.registry.is_some() && self.repository.starts_with("distroless/"))
            || ROLLING_DISTRIBUTIONS.contains(&name.as_str())
            // A repository named for its rolling flavour (`karalabe/xgo-latest` beside
            // `xgo-1.21`): following the newest is what its name says.
            || self.repository.rsplit('/').next().is_some_and(|last| last.ends_with("-latest"));
        if rolling_only || FROZEN_IMAGES.contains(&name.as_str()) {
            return None;
        }
        match go {
            GoRelease::Floating => return Some(Floating::NoGoMinor),
            GoRelease::Version(_) | GoRelease::Retired(_) => return None,
            GoRelease::Unknown => {}
        }
        match self.tag.as_deref() {
            None => Some(Floating::Untagged),
            Some(tag) if tag.eq_ignore_ascii_case("latest") => Some(Floating::Latest),
            Some(_) => None,
        }
    }

    /// The account or organisation that publishes the image: the first part of a repository
    /// path that has one (`prometheus` for `quay.io/prometheus/busybox`, `portainer` for
    /// `portainer/base`); `None` for Docker Hub's official images (`alpine`).
    pub fn publisher(&self) -> Option<&str> {
        self.repository.split_once('/').map(|(owner, _)| owner)
    }

    /// The image is on a registry the account runs under its own domain (`registry.istio.io`
    /// for `istio`, `docker.elastic.co` for `elastic`): a name of the host, but its top-level
    /// domain, is the account's.
    pub fn registry_of(&self, account: &str) -> bool {
        let Some(host) = self.registry_host() else {
            return false;
        };
        let labels: Vec<&str> = host.split('.').collect();
        labels.len() > 1
            && labels[..labels.len() - 1]
                .iter()
                .any(|label| same_account(label, account))
    }

    /// The image is on a registry under `domain` (`registry.istio.io` under `istio.io`).
    pub fn registry_under(&self, domain: &str) -> bool {
        let Some(host) = self.registry_host() else {
            return false;
        };
        host.eq_ignore_ascii_case(domain)
            || host
                .to_ascii_lowercase()
                .ends_with(&format!(".{}", domain.to_ascii_lowercase()))
    }

    /// The registry's host name, without its port (`registry.istio.io` of
    /// `registry.istio.io:443`); `None` for Docker Hub.
    fn registry_host(&self) -> Option<&str> {
        let registry = self.registry.as_deref()?;
        Some(registry.split(':').next().unwrap_or(registry))
    }

    /// The tag, or `latest` when none is written (what a pull takes).
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository == "scratch"
    }

    /// Docker Hub's official `golang` image (docker-library/golang).
    pub fn is_official_golang(&self) -> bool {
        self.registry.is_none() && self.repository == "golang"
    }

    /// The image's name fixes the distribution's major release and its repositories serve
    /// that release only, so its tags move within one release line: Red Hat's UBI
    /// (`registry.access.redhat.com/ubi9/ubi-minimal`, catalog.redhat.com), and Google's
    /// marketplace images of a distribution release (`marketplace.gcr.io/google/ubuntu2404`,
    /// `.../debian12`).
    pub fn names_release_line(&self) -> bool {
        if self.registry.as_deref() == Some("marketplace.gcr.io")
            && let Some(name) = self.repository.strip_prefix("google/")
        {
            let release = name
                .strip_prefix("ubuntu")
                .or_else(|| name.strip_prefix("debian"));
            return release.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        }
        let red_hat = matches!(
            self.registry.as_deref(),
            Some("registry.access.redhat.com" | "registry.redhat.io")
        );
        // `ubi9/ubi-minimal`, and the flat names Red Hat publishes too (`ubi9-minimal`,
        // `ubi8-micro`): the release line is the `ubiN` before any variant.
        let first = self.repository.split('/').next().unwrap_or_default();
        let line = first.split('-').next().unwrap_or_default();
        red_hat
            && line
                .strip_prefix("ubi")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// A Windows variant of an official image (`windowsservercore-ltsc2022`, `nanoserver-1809`).
    pub fn has_windows_tag(&self) -> bool {
        self.tag
            .as_deref()
            .is_some_and(|t| t.contains("windowsservercore") || t.contains("nanoserver"))
    }
}
/// What organisations append to their code host name and drop from their registry account
/// (GitHub's `dgraph-io` publishes `dgraph/...`, `keel-hq` publishes `keelhq/...`).
const ORGANISATION_SUFFIXES: &[&str] = &[
    "io", "hq", "dev", "inc", "labs", "oss", "org", "app", "ai", "tech", "team", "project",
    "official",
];

/// A registry account and a code host owner that are one organisation: the same letters and
/// digits (Docker Hub names have no hyphens: `crazymax` publishes GitHub's `crazy-max`), or
/// the owner's name with an organisation suffix the account drops (`dgraph-io`, `dgraph`).
pub fn same_account(publisher: &str, owner: &str) -> bool {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let (publisher, owner_plain) = (plain(publisher), plain(owner));
    if publisher.is_empty() {
        return false;
    }
    publisher == owner_plain
        || owner.rsplit_once(['-', '_']).is_some_and(|(name, suffix)| {
            ORGANISATION_SUFFIXES.contains(&suffix.to_ascii_lowercase().as_str())
                && plain(name) == publisher
        })
}

#[cfg(test)]
mod tests {
    use super::{ImageRef, same_account};

    #[test]
    fn googles_marketplace_distribution_releases() {
        assert!(
            ImageRef::parse("marketplace.gcr.io/google/ubuntu2404:latest").names_release_line()
        );
        assert!(ImageRef::parse("marketplace.gcr.io/google/debian12").names_release_line());
        assert!(!ImageRef::parse("marketplace.gcr.io/google/ubuntu").names_release_line());
        assert!(!ImageRef::parse("marketplace.gcr.io/google/postgres14").names_release_line());
        assert!(!ImageRef::parse("ubuntu2404:latest").names_release_line());
    }

    #[test]
    fn red_hats_release_lines_in_both_spellings() {
        for name in [
            "registry.access.redhat.com/ubi9/ubi-minimal",
            "registry.access.redhat.com/ubi9-minimal",
            "registry.redhat.io/ubi8-micro:latest",
        ] {
            assert!(ImageRef::parse(name).names_release_line(), "{name}");
        }
        for name in [
            "registry.access.redhat.com/ubi-minimal",
            "docker.io/ubi9-minimal",
        ] {
            assert!(!ImageRef::parse(name).names_release_line(), "{name}");
        }
    }

    #[test]
    fn distroless_through_a_mirror_publishes_only_rolling_tags() {
        use super::GoRelease;
        let floats = |name: &str| ImageRef::parse(name).floating(GoRelease::Unknown);
        assert_eq!(floats("gcr.lank8s.cn/distroless/cc-debian12:latest"), None);
        assert_eq!(floats("gcr.io/distroless/static-debian12"), None);
        assert!(floats("example.com/tools/static:latest").is_some());
        // Rolling by name, or a rolling distribution.
        assert_eq!(floats("karalabe/xgo-latest"), None);
        assert_eq!(floats("kalilinux/kali-rolling"), None);
        assert!(floats("karalabe/xgo-base").is_some());
    }

    #[test]
    fn a_path_proxy_serves_the_image_its_path_names() {
        let distroless = ImageRef::parse("m.daocloud.io/gcr.io/distroless/static:nonroot");
        assert_eq!(distroless.name(), "gcr.io/distroless/static");
        assert_eq!(distroless.tag.as_deref(), Some("nonroot"));
        assert_eq!(
            distroless.raw,
            "m.daocloud.io/gcr.io/distroless/static:nonroot"
        );
        assert_eq!(
            ImageRef::parse("m.daocloud.io/docker.io/library/golang:1.24").name(),
            "golang"
        );
        assert_eq!(
            ImageRef::parse("docker.m.daocloud.io/library/alpine:3.20").name(),
            "alpine"
        );
        // Not a path naming a registry: the proxy's own repository.
        assert_eq!(
            ImageRef::parse("m.daocloud.io/acme/app").name(),
            "m.daocloud.io/acme/app"
        );
    }

    #[test]
    fn one_organisation_under_two_names() {
        assert!(same_account("crazymax", "crazy-max"));
        assert!(same_account("dgraph", "dgraph-io"));
        assert!(same_account("keelhq", "keel-hq"));
        assert!(!same_account("dgraph", "dgraph-fans"));
        assert!(!same_account("library", "acme-io"));
        assert!(ImageRef::parse("registry.istio.io/release/base:latest").registry_of("istio"));
        assert!(ImageRef::parse("docker.elastic.co/beats/x:1").registry_of("elastic"));
        assert!(!ImageRef::parse("gcr.io/istio-release/base").registry_of("istio"));
        assert!(!ImageRef::parse("istio/base:latest").registry_of("istio"));
        assert!(ImageRef::parse("registry.istio.io/release/base").registry_under("istio.io"));
        assert!(!ImageRef::parse("registry.notistio.io/base").registry_under("istio.io"));
    }
}
