//! What the common base images weigh: the compressed size of each for linux/amd64 and
//! linux/arm64, as its registry publishes it, with the source and date of every figure.
//! `--show-model`, the help of GL001 and GL002, and the README read it.
//!
//! Every figure is a *compressed download size*: the sum of an image's compressed layers for one
//! architecture, what `docker pull` transfers, as docker-library's `repo-info` records it for
//! each official image ("Total Size: ... (compressed transfer size, not on-disk size)"). It is
//! not the size `docker image ls` prints, which is the unpacked size (the seed's 334 MB and
//! 5.59 MB are unpacked sizes). Each image is measured at one tag; its other tags weigh about
//! the same (a newer Go or Alpine release moves the figure by a few percent).
//!
//! Where no source we could read publishes a per-architecture compressed size, the figure is
//! left out (`None`), and nothing is said about that image: distroless and Chainguard publish
//! outside Docker Hub, and their documentation gives only a rounded size ("around 2 MiB", in
//! the distroless README) without saying whether it is compressed or for which architecture.

use super::images::{Family, ImageRef, base_facts};

/// Bytes in a megabyte as registries count them (repo-info's "75.2 MB (75169503 bytes)").
const MB: f64 = 1_000_000.0;

/// A base image whose weight gopherlint tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeighedBase {
    Scratch,
    /// The official `golang` image, Debian variants (`golang:1.N`, `-bookworm`, `-trixie`).
    GolangDebian,
    /// The official `golang` image, Alpine variants (`golang:1.N-alpine`).
    GolangAlpine,
    /// `debian:*-slim`.
    DebianSlim,
    Alpine,
    Busybox,
    Ubuntu,
    DistrolessStatic,
    DistrolessBase,
    DistrolessCc,
    ChainguardStatic,
}

/// One row of the table: what was measured, the figures, and where they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageWeight {
    pub base: WeighedBase,
    /// The image reference measured (the figure is for this tag).
    pub measured: &'static str,
    /// Compressed download size for linux/amd64, in bytes.
    pub amd64: Option<u64>,
    /// Compressed download size for linux/arm64 (arm64/v8), in bytes.
    pub arm64: Option<u64>,
    /// Where the figures are published.
    pub source: &'static str,
    /// When the measured image was built (the figures' date).
    pub date: &'static str,
}

/// The table. repo-info is docker-library's record of every official image, updated as images
/// are pushed; each figure below is its "Total Size" of the tag's linux/amd64 and linux/arm64
/// (variant v8) images, read in December 2026 at the commit the link names.
pub const IMAGE_WEIGHTS: &[ImageWeight] = &[
    ImageWeight {
        base: WeighedBase::Scratch,
        measured: "scratch",
        // `scratch` is no image to pull: a stage on it starts with no layer at all.
        amd64: Some(0),
        arm64: Some(0),
        source: "https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch",
        date: "2026-12",
    },
    ImageWeight {
        base: WeighedBase::GolangDebian,
        measured: "golang:1.27-bookworm",
        amd64: Some(300_568_722),
        arm64: Some(290_769_175),
        source: "https://github.com/docker-library/repo-info/blob/2cdf8feb5d06990d5f67eeb7647ae628ea37489b/repos/golang/remote/1.27-bookworm.md",
        date: "2026-08-25",
    },
    ImageWeight {
        base: WeighedBase::GolangAlpine,
        measured: "golang:1.27-alpine",
        amd64: Some(75_169_503),
        arm64: Some(72_083_568),
        source: "https://github.com/docker-library/repo-info/blob/274d39a50141ecda8745a0ebaa20760259111041/repos/golang/remote/1.27-alpine.md",
        date: "2026-09-01",
    },
    ImageWeight {
        base: WeighedBase::DebianSlim,
        measured: "debian:bookworm-slim",
        amd64: Some(28_232_590),
        arm64: Some(28_117_202),
        source: "https://github.com/docker-library/repo-info/blob/05f354f0a08a211fdfed2f21845d1fccd389921d/repos/debian/remote/bookworm-slim.md",
        date: "2026-08-03",
    },
    ImageWeight {
        base: WeighedBase::Alpine,
        measured: "alpine:3.24",
        amd64: Some(3_849_738),
        arm64: Some(4_187_659),
        source: "https://github.com/docker-library/repo-info/blob/1746b58749182f00f5d2c26a53fff697cfce2c81/repos/alpine/remote/3.24.md",
        date: "2026-09-17",
    },
    ImageWeight {
        base: WeighedBase::Busybox,
        measured: "busybox:1.38",
        amd64: Some(2_226_327),
        arm64: Some(1_915_158),
        source: "https://github.com/docker-library/repo-info/blob/01a7054230d50b3dccaf8d579f161c522be8c9f0/repos/busybox/remote/1.38.md",
        date: "2026-05-13",
    },
    ImageWeight {
        base: WeighedBase::Ubuntu,
        measured: "ubuntu:24.04",
        amd64: Some(29_764_116),
        arm64: Some(28_941_580),
        source: "https://github.com/docker-library/repo-info/blob/1c2b9d920fdd20f9cb58fbd6cd771fe434b465d6/repos/ubuntu/remote/24.04.md",
        date: "2026-09-11",
    },
    // No per-architecture compressed size found (see the module's comment): left out.
    ImageWeight {
        base: WeighedBase::DistrolessStatic,
        measured: "gcr.io/distroless/static-debian12",
        amd64: None,
        arm64: None,
        source: "https://github.com/GoogleContainerTools/distroless/blob/main/README.md",
        date: "2026-12",
    },
    ImageWeight {
        base: WeighedBase::DistrolessBase,
        measured: "gcr.io/distroless/base-debian12",
        amd64: None,
        arm64: None,
        source: "https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md",
        date: "2026-12",
    },
    ImageWeight {
        base: WeighedBase::DistrolessCc,
        measured: "gcr.io/distroless/cc-debian12",
        amd64: None,
        arm64: None,
        source: "https://github.com/GoogleContainerTools/distroless/blob/main/cc/README.md",
        date: "2026-12",
    },
    ImageWeight {
        base: WeighedBase::ChainguardStatic,
        measured: "cgr.dev/chainguard/static",
        amd64: None,
        arm64: None,
        source: "https://edu.chainguard.dev/chainguard/chainguard-images/reference/static/",
        date: "2026-12",
    },
];

/// Which row of the table an image reference falls in, read with the same facts the rules use
/// (`images::base_facts`): `None` for an image the table does not track (a full `debian`, an
/// application image, a Go image other than the official one).
pub fn weighed_base(image: &ImageRef) -> Option<WeighedBase> {
    let facts = base_facts(image);
    let name = image.name();
    let tag = image.tag_or_latest();
    Some(match facts.family {
        Family::Scratch => WeighedBase::Scratch,
        Family::GoToolchain if image.is_official_golang() && !image.has_windows_tag() => {
            if tag.contains("alpine") {
                WeighedBase::GolangAlpine
            } else {
                WeighedBase::GolangDebian
            }
        }
        Family::Alpine => WeighedBase::Alpine,
        Family::Busybox => WeighedBase::Busybox,
        Family::Debian if name == "debian" && tag.contains("slim") => WeighedBase::DebianSlim,
        Family::Debian if name == "ubuntu" => WeighedBase::Ubuntu,
        Family::DistrolessStatic => WeighedBase::DistrolessStatic,
        Family::DistrolessBase if name.starts_with("gcr.io/distroless/cc") => {
            WeighedBase::DistrolessCc
        }
        Family::DistrolessBase => WeighedBase::DistrolessBase,
        Family::ChainguardStatic => WeighedBase::ChainguardStatic,
        _ => return None,
    })
}

/// The table's row for a base.
pub fn row(base: WeighedBase) -> Option<&'static ImageWeight> {
    IMAGE_WEIGHTS.iter().find(|w| w.base == base)
}

/// A compressed size from the table, for one architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    pub bytes: u64,
    pub row: &'static ImageWeight,
}

impl Weight {
    /// `about 301 MB`, `about 3.8 MB`, `0 MB`: rounded as a reader compares them.
    pub fn about(&self) -> String {
        if self.bytes == 0 {
            return "0 MB".to_string();
        }
        let mb = self.bytes as f64 / MB;
        if mb >= 10.0 {
            format!("about {mb:.0} MB")
        } else {
            format!("about {mb:.1} MB")
        }
    }
}

/// The compressed size of `image` for the architecture `arch` (`amd64`, `arm64`), where the
/// table knows it.
pub fn compressed_size(image: &ImageRef, arch: &str) -> Option<Weight> {
    let row = row(weighed_base(image)?)?;
    let bytes = match arch {
        "amd64" => row.amd64,
        "arm64" => row.arm64,
        _ => None,
    }?;
    Some(Weight { bytes, row })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight(raw: &str, arch: &str) -> Option<u64> {
        compressed_size(&ImageRef::parse(raw), arch).map(|w| w.bytes)
    }

    #[test]
    fn references_fall_in_their_rows() {
        let base = |raw: &str| weighed_base(&ImageRef::parse(raw));
        assert_eq!(base("golang:1.23"), Some(WeighedBase::GolangDebian));
        assert_eq!(
            base("golang:1.23-bookworm"),
            Some(WeighedBase::GolangDebian)
        );
        assert_eq!(
            base("docker.io/library/golang:1.23-alpine3.20"),
            Some(WeighedBase::GolangAlpine)
        );
        assert_eq!(base("golang:1.23-windowsservercore"), None);
        assert_eq!(base("cgr.dev/chainguard/go"), None);
        assert_eq!(base("debian:bookworm-slim"), Some(WeighedBase::DebianSlim));
        assert_eq!(
            base("debian:bookworm"),
            None,
            "a full debian is not the slim one"
        );
        assert_eq!(base("ubuntu:22.04"), Some(WeighedBase::Ubuntu));
        assert_eq!(base("alpine"), Some(WeighedBase::Alpine));
        assert_eq!(base("busybox:musl"), Some(WeighedBase::Busybox));
        assert_eq!(base("scratch"), Some(WeighedBase::Scratch));
        assert_eq!(
            base("gcr.io/distroless/cc-debian12:nonroot"),
            Some(WeighedBase::DistrolessCc)
        );
        assert_eq!(
            base("gcr.io/distroless/base-debian12"),
            Some(WeighedBase::DistrolessBase)
        );
        assert_eq!(
            base("gcr.io/distroless/static"),
            Some(WeighedBase::DistrolessStatic)
        );
        assert_eq!(
            base("cgr.dev/chainguard/static:latest"),
            Some(WeighedBase::ChainguardStatic)
        );
        assert_eq!(base("grafana/grafana"), None);
    }

    #[test]
    fn figures_per_architecture_and_none_where_unknown() {
        assert_eq!(weight("golang:1.23", "amd64"), Some(300_568_722));
        assert_eq!(weight("golang:1.23", "arm64"), Some(290_769_175));
        assert_eq!(weight("golang:1.23", "s390x"), None);
        assert_eq!(weight("scratch", "arm64"), Some(0));
        assert_eq!(weight("gcr.io/distroless/static-debian12", "amd64"), None);
        let about = |raw: &str| compressed_size(&ImageRef::parse(raw), "amd64").map(|w| w.about());
        assert_eq!(about("golang:1.23").as_deref(), Some("about 301 MB"));
        assert_eq!(about("alpine:3.20").as_deref(), Some("about 3.8 MB"));
        assert_eq!(about("scratch").as_deref(), Some("0 MB"));
    }

    #[test]
    fn every_row_is_sourced_and_in_its_known_order_of_magnitude() {
        for row in IMAGE_WEIGHTS {
            assert!(row.source.starts_with("https://"), "{row:?}");
            assert!(!row.date.is_empty() && !row.measured.is_empty(), "{row:?}");
            assert_eq!(
                row.amd64.is_some(),
                row.arm64.is_some(),
                "both or neither: {row:?}"
            );
            // Every row's measured reference falls in its own row.
            assert_eq!(
                weighed_base(&ImageRef::parse(row.measured)),
                Some(row.base),
                "{row:?}"
            );
        }
        // The well-known orders of magnitude (MB, compressed, linux/amd64).
        let mb = |raw: &str| weight(raw, "amd64").map(|b| b as f64 / MB);
        let within = |raw: &str, low: f64, high: f64| {
            let v = mb(raw).expect(raw);
            assert!((low..=high).contains(&v), "{raw}: {v} MB");
        };
        within("golang:1.27", 250.0, 310.0);
        within("golang:1.27-alpine", 65.0, 80.0);
        within("debian:bookworm-slim", 25.0, 31.0);
        within("alpine:3.24", 3.0, 4.5);
        within("busybox:1.38", 1.5, 2.5);
        within("ubuntu:24.04", 25.0, 32.0);
    }
}
