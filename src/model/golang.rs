//! The official `golang` images as builders: the exact Go a tag names, and whether git is
//! there (VCS stamping needs it).

use super::{ImageRef, Model};
use crate::context::GoVersion;

/// A stage built on an official `golang` image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GolangBase<'m> {
    pub image: &'m ImageRef,
    /// The Go the tag names; `None` for floating tags (`alpine`, `latest`).
    pub version: Option<GoVersion>,
    /// The tag names a patch release (`1.22.3`); `1.22` floats to the newest patch.
    pub exact_patch: bool,
    /// What the tag says after the version (`-alpine3.20`), to suggest a tag of the same kind.
    pub variant: String,
}

impl GolangBase<'_> {
    /// The builder runs at least this Go: a `1.22` tag is any 1.22 patch, so it satisfies
    /// `go 1.22.5`; `1.22.3` does not.
    pub fn satisfies(&self, required: GoVersion) -> Option<bool> {
        let have = self.version?;
        if have.minor_version() != required.minor_version() {
            return Some(have.minor_version() > required.minor_version());
        }
        Some(!self.exact_patch || !have.release || have >= required || required.patch == 0)
    }

    pub fn is_alpine(&self) -> bool {
        self.variant.contains("alpine")
    }
}

/// The Go a builder image runs, as far as its tag tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoRelease {
    /// `golang:1.22-alpine`: `(major, minor)`.
    Version(u32, u32),
    /// A tag without a version that is still published (`golang:alpine`, `golang:latest`,
    /// `golang:1`, `golang:bookworm`, no tag): the current release whenever it is pulled.
    Floating,
    /// A tag without a version of a distribution release the image no longer publishes
    /// (`golang:buster`, `golang:alpine3.16`): frozen at some release, at least this one.
    Retired(u32, u32),
    /// Not a Go image gopherlint knows, a tag from a variable, a digest, or a tag retired so
    /// long ago that its Go is too old to say.
    Unknown,
}

impl GoRelease {
    /// The builder's Go is `version` or newer for certain.
    pub fn at_least(self, version: (u32, u32)) -> bool {
        match self {
            GoRelease::Version(major, minor) | GoRelease::Retired(major, minor) => {
                (major, minor) >= version
            }
            GoRelease::Floating => true,
            GoRelease::Unknown => false,
        }
    }

    /// For messages: `the builder is Go 1.22`; `None` when unknown.
    pub fn describe(self) -> Option<String> {
        Some(match self {
            GoRelease::Version(major, minor) => format!("the builder is Go {major}.{minor}"),
            GoRelease::Floating => "the builder's tag follows the newest Go release".into(),
            GoRelease::Retired(major, minor) => format!(
                "the builder's tag is no longer published, and its images are Go {major}.{minor} or newer"
            ),
            GoRelease::Unknown => return None,
        })
    }
}

/// A distribution release named in a tag without a Go version (`alpine3.16`, `buster`): the
/// oldest Go its last image can have, if the image stopped publishing it (`None` for
/// distributions still published, `Some(None)` for ones retired before Go 1.16). Each
/// retired tag was published until at least the Go release given here.
fn retired_distribution(tag: &str) -> Option<Option<(u32, u32)>> {
    for part in tag.split('-') {
        if matches!(part, "wheezy" | "jessie" | "stretch") {
            return Some(None);
        }
        if part == "buster" {
            return Some(Some((1, 18)));
        }
        if part == "bullseye" {
            return Some(Some((1, 22)));
        }
        if let Some(minor) = part
            .strip_prefix("alpine3.")
            .and_then(|m| m.parse::<u32>().ok())
        {
            // Each Alpine release is carried for about a year after the next one arrives.
            return match minor {
                0..=12 => Some(None),
                13..=15 => Some(Some((1, 16))),
                16..=18 => Some(Some((1, 18))),
                _ => None,
            };
        }
    }
    None
}

impl Model<'_> {
    /// The Go release a stage's builder runs: from an official golang image's tag, or another
    /// Go toolchain image's (chainguard, devcontainers; tinygo names its own releases).
    pub fn golang_release(&self, stage: usize) -> GoRelease {
        let s = &self.stages[stage];
        let Some(image) = s.root_image.as_ref() else {
            return GoRelease::Unknown;
        };
        let tag = image.tag.as_deref().unwrap_or("latest");
        if image.repository == "tinygo/tinygo" {
            return GoRelease::Unknown;
        }
        let version = match self.golang_base(stage) {
            Some(base) => base.version.map(|v| (v.major, v.minor)),
            None if s.facts.is_go_toolchain() => s.facts.go_version,
            None => return GoRelease::Unknown,
        };
        // A digest pins whatever release was current when it was taken: the tag's version
        // still says which, but a tag without one says nothing.
        if let Some((major, minor)) = version {
            return GoRelease::Version(major, minor);
        }
        if image.digest.is_some() || tag.contains('$') {
            return GoRelease::Unknown;
        }
        // `golang:1` and `golang:1-alpine` follow the newest Go 1; any other number is a
        // version gopherlint could not read.
        let major_only = tag == "1" || tag.starts_with("1-");
        if tag.starts_with(|c: char| c.is_ascii_digit()) && !major_only {
            return GoRelease::Unknown;
        }
        match retired_distribution(tag) {
            None => GoRelease::Floating,
            Some(Some((major, minor))) => GoRelease::Retired(major, minor),
            Some(None) => GoRelease::Unknown,
        }
    }

    /// The stage's Go is known to predate the build cache (Go 1.10), when `-a` and
    /// `-installsuffix` still decided what was rebuilt and linked.
    pub fn predates_build_cache(&self, stage: usize) -> bool {
        matches!(self.golang_release(stage), GoRelease::Version(1, minor) if minor < 10)
    }

    /// The official golang image a stage's chain starts from, if any.
    pub fn golang_base(&self, stage: usize) -> Option<GolangBase<'_>> {
        let root = self.stages[stage].root_stage;
        let image = self.stages[root].root_image.as_ref()?;
        if image.registry.as_deref().is_some_and(|r| r != "docker.io")
            || image.repository != "golang"
        {
            return None;
        }
        let tag = image.tag.as_deref().unwrap_or("latest");
        let version_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.') || c == '-')
            .unwrap_or(tag.len());
        let (version_text, variant) = tag.split_at(version_len);
        let version = GoVersion::parse(version_text);
        Some(GolangBase {
            image,
            version,
            exact_patch: version_text.matches('.').count() >= 2,
            variant: if version.is_some() {
                variant.to_string()
            } else {
                format!("-{tag}")
            },
        })
    }

    /// Whether git is in a stage (its base, or a package the chain installs before
    /// `instruction`): `None` when the base is not one gopherlint knows.
    pub fn has_git(&self, stage: usize, instruction: usize) -> Option<bool> {
        let chain = self.chain(stage);
        let installed = self
            .runs
            .iter()
            .filter(|r| chain.contains(&r.stage) && r.instruction < instruction)
            .flat_map(|r| r.script.commands.iter())
            .filter_map(super::purpose::installs_packages)
            .flatten()
            .any(|p| super::purpose::package_name(&p) == "git");
        if installed {
            return Some(true);
        }
        // The Debian golang images ship git; the Alpine ones do not.
        self.golang_base(stage).map(|base| !base.is_alpine())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `check` on the golang base of `FROM golang:<tag>`.
    fn with_base(tag: &str, check: impl Fn(&GolangBase)) {
        let text = format!("FROM golang:{tag}\n");
        let file = crate::syntax::parse(&text);
        let model = Model::build(&file, &text, &Default::default()).expect("model");
        check(&model.golang_base(0).expect("golang"));
    }

    fn v(text: &str) -> GoVersion {
        GoVersion::parse(text).expect("version")
    }

    #[test]
    fn releases_from_tags() {
        let text = "FROM golang:1.17\nFROM golang:alpine\nFROM golang:1\nARG V\nFROM golang:${V}-alpine\nFROM alpine:3.20\nFROM golang@sha256:abc\nFROM golang:1.25-alpine@sha256:abc\nFROM golang:1-buster\nFROM golang:alpine3.12\nFROM golang:alpine3.16\nFROM golang:bookworm\nFROM cgr.dev/chainguard/go\nFROM tinygo/tinygo:0.33.0\n";
        let file = crate::syntax::parse(text);
        let model = Model::build(&file, text, &Default::default()).expect("model");
        let got: Vec<GoRelease> = (0..model.stages.len())
            .map(|s| model.golang_release(s))
            .collect();
        assert_eq!(
            got,
            vec![
                GoRelease::Version(1, 17),
                GoRelease::Floating,
                GoRelease::Floating,
                GoRelease::Unknown,
                GoRelease::Unknown,
                GoRelease::Unknown,
                GoRelease::Version(1, 25),
                GoRelease::Retired(1, 18),
                GoRelease::Unknown,
                GoRelease::Retired(1, 18),
                GoRelease::Floating,
                GoRelease::Floating,
                GoRelease::Unknown,
            ]
        );
        assert!(GoRelease::Retired(1, 18).at_least((1, 16)));
        assert!(!GoRelease::Retired(1, 18).at_least((1, 22)));
        assert!(!GoRelease::Unknown.at_least((1, 0)));
    }

    #[test]
    fn tags_name_versions_and_variants() {
        with_base("1.22-alpine3.20", |b| {
            assert_eq!(b.version, Some(v("1.22")));
            assert_eq!(b.variant, "-alpine3.20");
            assert!(b.is_alpine() && !b.exact_patch);
            assert_eq!(b.satisfies(v("1.22.5")), Some(true));
            assert_eq!(b.satisfies(v("1.24")), Some(false));
        });
        with_base("1.22.3", |b| {
            assert_eq!(b.satisfies(v("1.22.5")), Some(false));
            assert_eq!(b.satisfies(v("1.22")), Some(true));
            assert_eq!(b.satisfies(v("1.21.9")), Some(true));
        });
        with_base("alpine", |b| {
            assert_eq!(b.version, None);
            assert!(b.is_alpine());
            assert_eq!(b.satisfies(v("1.24")), None);
        });
        with_base("1.24rc1-bookworm", |b| {
            assert_eq!(b.satisfies(v("1.24")), Some(true));
        });
    }
}
