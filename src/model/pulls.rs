//! The images a build pulls: each FROM that names an image rather than a stage, each
//! `COPY --from=<image>`, and each `RUN --mount=from=<image>`, with where the file names it.

use super::copy::CopySource;
use super::facts::FileFacts;
use super::go_build::mount_type;
use super::stage::StageBase;
use super::vars::bare_variable;
use crate::knowledge::go_modules::hosting_owner;
use crate::knowledge::images::ImageRef;
use crate::source::TextRange;
use crate::syntax::{Args, Keyword};

/// How the file pulls an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullKind {
    From,
    CopyFrom,
    MountFrom,
}

/// One image the build pulls, resolved for the platform being linted.
#[derive(Debug, Clone)]
pub struct Pull<'a> {
    pub instruction: usize,
    pub kind: PullKind,
    /// Borrowed from the stage or copy that names it; owned for a mount's `from=`.
    pub image: std::borrow::Cow<'a, ImageRef>,
    /// The image reference as written (the FROM word, the `--from` flag, the mount flag).
    pub range: TextRange,
    /// The reference is written with a variable (`FROM golang:${GO_VERSION}`): what it pulls
    /// is that variable's value (its default, or what the build passes).
    pub from_variable: bool,
    /// The whole reference is one variable (`FROM ${BASE_IMAGE}`): the file leaves the image
    /// to the build, and the variable's default is only a fallback.
    pub left_to_build: bool,
    /// The reference reads a build argument declared with no value through a fallback
    /// (`golang:${GO_VERSION:-latest}` after `ARG GO_VERSION`): the file expects the build to
    /// pass it, and the fallback serves only a bare `docker build`.
    pub fallback_for_unset: bool,
}

/// Whether `word` reads, through `${NAME:-fallback}`, a build argument the file declares with
/// no value.
fn fallback_for_unset(word: &str, vars: &super::vars::Vars) -> bool {
    word.match_indices("${").any(|(at, _)| {
        let inner = &word[at + 2..];
        inner.split_once(":-").is_some_and(|(name, _)| {
            name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
                && vars.get(name).is_some_and(|v| v.value.is_none())
        })
    })
}

impl FileFacts<'_> {
    /// The code-host account the file names as its source: a LABEL
    /// `org.opencontainers.image.source` with a repository URL (`https://github.com/acme/app`
    /// names `acme`).
    pub fn labelled_source_owner(&self) -> Option<&str> {
        self.file.instructions.iter().find_map(|instruction| {
            let Args::KeyValues(pairs) = &instruction.args else {
                return None;
            };
            if instruction.keyword != Keyword::Label {
                return None;
            }
            pairs
                .iter()
                .find(|p| {
                    p.key
                        .value
                        .eq_ignore_ascii_case("org.opencontainers.image.source")
                })
                .and_then(|p| hosting_owner(&p.value.value))
        })
    }

    /// Whether a stage's FROM is one build argument and nothing else (`FROM ${FINAL_BASE}`):
    /// the build names the image, and the argument's default is only a fallback.
    pub fn base_left_to_build(&self, stage: usize) -> bool {
        self.stages[stage]
            .image_word
            .as_ref()
            .is_some_and(|word| bare_variable(&word.value).is_some())
    }

    /// A FROM written as the start of stage names and a variable
    /// (`install-artifacts-${INSTALLER_ARCH}` beside stages `install-artifacts-amd64` and
    /// `install-artifacts-arm64`): the variable picks a stage, and a value that names none (a
    /// default such as `scratch`) is a placeholder, not an image to pull.
    fn picks_a_stage(&self, word: &str) -> bool {
        let Some(at) = word.find('$') else {
            return false;
        };
        let prefix = word[..at].to_ascii_lowercase();
        !prefix.is_empty()
            && !prefix.contains(['/', ':', '@'])
            && self.stages.iter().any(|stage| {
                stage
                    .name
                    .as_deref()
                    .is_some_and(|name| name.len() > prefix.len() && name.starts_with(&prefix))
            })
    }

    /// Every image the build pulls, in file order. References gopherlint cannot resolve (an
    /// ARG without a value) are left out.
    pub fn pulls(&self) -> Vec<Pull<'_>> {
        let mut pulls = Vec::new();
        for stage in &self.stages {
            if let (StageBase::Image(image), Some(word)) = (&stage.base, &stage.image_word) {
                if self.picks_a_stage(&word.value) {
                    continue;
                }
                pulls.push(Pull {
                    instruction: stage.from,
                    kind: PullKind::From,
                    image: std::borrow::Cow::Borrowed(image),
                    range: word.range,
                    from_variable: word.value.contains('$'),
                    left_to_build: self.base_left_to_build(stage.index),
                    fallback_for_unset: fallback_for_unset(&word.value, &self.global_vars),
                });
            }
        }
        for copy in &self.copies {
            let CopySource::Image(image) = &copy.source else {
                continue;
            };
            let Some(flag) = self.instruction(copy.instruction).flag("from") else {
                continue;
            };
            // `COPY --from=assets` with no stage of that name: a named build context the build
            // passes (`--build-context assets=...`), or a misspelt stage; not a registry image,
            // which has a namespace or a tag where one is pulled on purpose.
            if is_bare_name(&image.raw) && !is_known_image(image) {
                continue;
            }
            pulls.push(Pull {
                instruction: copy.instruction,
                kind: PullKind::CopyFrom,
                image: std::borrow::Cow::Borrowed(image),
                range: flag.range,
                from_variable: flag.value.as_deref().is_some_and(|v| v.contains('$')),
                left_to_build: flag.value.as_deref().and_then(bare_variable).is_some(),
                fallback_for_unset: flag
                    .value
                    .as_deref()
                    .is_some_and(|v| fallback_for_unset(v, &self.stages[copy.stage].vars)),
            });
        }
        for run in &self.runs {
            self.mount_pulls(run.stage, run.instruction, &mut pulls);
        }
        pulls.sort_by_key(|p| (p.instruction, p.range.start));
        pulls
    }

    /// The images a RUN's mounts read from (`--mount=type=bind,from=golang:1.23,...`): a
    /// `from=` that names no stage of the file, by name or index.
    fn mount_pulls(&self, stage: usize, instruction: usize, pulls: &mut Vec<Pull>) {
        let vars = &self.stages[stage].vars;
        for flag in &self.instruction(instruction).flags {
            let Some(spec) = flag.value.as_deref().filter(|_| flag.name == "mount") else {
                continue;
            };
            if mount_type(spec) == "tmpfs" || mount_type(spec) == "secret" {
                continue;
            }
            let Some(from) = spec
                .split(',')
                .find_map(|field| field.trim().strip_prefix("from="))
            else {
                continue;
            };
            let value = vars.expand_reference(from);
            let Some(text) = value.resolved() else {
                continue;
            };
            let names_stage = text.parse::<usize>().is_ok()
                || self
                    .stages
                    .iter()
                    .any(|s| s.name.as_deref() == Some(text.to_ascii_lowercase().as_str()));
            if names_stage || (is_bare_name(text) && !is_known_image(&ImageRef::parse(text))) {
                continue;
            }
            pulls.push(Pull {
                instruction,
                kind: PullKind::MountFrom,
                image: std::borrow::Cow::Owned(ImageRef::parse(text)),
                range: flag.range,
                from_variable: from.contains('$'),
                left_to_build: bare_variable(from).is_some(),
                fallback_for_unset: fallback_for_unset(from, vars),
            });
        }
    }
}

/// An image gopherlint knows (`alpine`, `busybox`, `golang`): a lone name that is one.
fn is_known_image(image: &ImageRef) -> bool {
    crate::knowledge::images::base_facts(image).family != crate::knowledge::images::Family::Other
}

/// A lone lowercase word (`assets`, `builder`): what names a stage or a build context.
fn is_bare_name(reference: &str) -> bool {
    !reference.is_empty()
        && !reference.contains(['/', ':', '@', '$', '.'])
        && reference
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
