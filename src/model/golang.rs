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

impl Model<'_> {
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
