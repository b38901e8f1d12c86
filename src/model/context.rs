//! What the build context adds to the model: where the context's files land in a stage (so a
//! `go build .` is named after the module, and GL210/GL212 know which go.mod a stage builds
//! with), and where the `.git` it sends is wasted. Everything here is Unknown without a
//! context.

use std::path::Path;

use super::Model;
use super::copy::{Copy, CopySource};
use super::facts::FileFacts;
use super::go_build::GoBuild;
use super::stage::{Stage, chain_of};
use super::vars::Value;
use crate::context::make_run::stamps_from_git;
use crate::context::{BuildContext, GoMod};
use crate::knowledge::go_release::GoFeature;
use crate::knowledge::{conventions, tools};
use crate::paths;

impl FileFacts<'_> {
    pub fn context(&self) -> Option<&BuildContext> {
        self.context.as_deref()
    }

    /// The repository exports a build's layer cache (`cache-to`) somewhere in its CI: layers
    /// survive its CI runs, cache mounts do not.
    pub fn layer_cache_exported(&self) -> bool {
        self.repo_wide
            .as_deref()
            .is_some_and(|r| r.layer_cache_exported)
    }

    /// A build of the repository tags `image`: the project's own image, built before this
    /// file by the same configuration, not one a registry publishes. Not an image the
    /// knowledge layer knows (a compose service that builds a customised `postgres` and tags
    /// it so still starts from Docker Hub's).
    pub fn built_by_repository(&self, image: &crate::knowledge::image_ref::ImageRef) -> bool {
        use crate::knowledge::images::{self, Family};
        self.repo_wide
            .as_deref()
            .is_some_and(|r| r.builds_image(image))
            && images::base_facts(image).family == Family::Other
    }

    /// A build of the repository tags images under the account that publishes `image`
    /// (`FROM deepfabric/build` where a script runs `docker build -t deepfabric/$NAME`): the
    /// project's own account, whatever its module path says.
    pub fn account_built_by_repository(
        &self,
        image: &crate::knowledge::image_ref::ImageRef,
    ) -> bool {
        self.repo_wide
            .as_deref()
            .is_some_and(|r| r.tags_under_account_of(image))
    }

    /// The context's go.mod, when it was read.
    pub fn context_go_mod(&self) -> Option<&GoMod> {
        self.context()?.go_mod.value()
    }

    /// Where the context file or directory at `path` lands in a stage, through the context
    /// copies of its chain so far, where known.
    pub fn context_landings(&self, stage: usize, path: &str) -> Vec<String> {
        context_copies(&self.stages, &self.copies, self.context(), stage, path)
            .filter_map(|(_, landed)| landed)
            .collect()
    }

    /// The first context copy of a stage's chain that takes `path`, for diagnostics that
    /// point at it.
    pub fn context_copy_of(&self, stage: usize, path: &str) -> Option<&Copy> {
        context_copies(&self.stages, &self.copies, self.context(), stage, path)
            .next()
            .map(|(c, _)| c)
    }

    /// The build runs where git is known to be missing, says nothing about `-buildvcs`, and
    /// uses a Go that skips stamping quietly (1.18.1 and later; a floating tag is taken as
    /// current).
    fn stamping_skipped(&self, build: &GoBuild) -> bool {
        // Named files are never stamped, git or not: `.git` there is only a cache miss, and
        // installing git would change nothing.
        if build.has_flag("buildvcs") || build.builds_named_files() {
            return false;
        }
        // GOFLAGS from a value gopherlint cannot know may hold `-buildvcs`.
        if build
            .env
            .exported_value("GOFLAGS")
            .is_some_and(|(v, _)| v.usable().is_none())
        {
            return false;
        }
        if self.has_git(build.stage, build.instruction) != Some(false) {
            return false;
        }
        let Some(golang) = self.golang_image(build.stage) else {
            return false;
        };
        golang
            .tag
            .newest_go()
            .is_none_or(|v| v.has(GoFeature::VcsStamping))
    }
}

/// The context copies of a stage's chain that take the context file or directory at `path`
/// (relative to the context root), each with where it lands (absolute; `None` where unknown).
/// Nothing when the ignore file leaves it out or there is no context.
pub(super) fn context_copies<'m>(
    stages: &[Stage],
    copies: &'m [Copy],
    context: Option<&BuildContext>,
    stage: usize,
    path: &str,
) -> impl Iterator<Item = (&'m Copy, Option<String>)> + 'm {
    let sent = context.and_then(|c| c.sends(path)) == Some(true);
    let chain = chain_of(stages, stage);
    let rooted = format!("/{}", path.trim_start_matches("./").trim_start_matches('/'));
    copies
        .iter()
        .filter(move |c| sent && chain.contains(&c.stage))
        .filter(|c| c.source == CopySource::Context && !c.parents_or_exclude)
        .filter_map(move |c| Some((c, rooted_copy(c).destination_of(Some(&rooted))?)))
}

/// The binary name of a `go build` of the module's root package run in `cwd`: the module
/// path's last element, when the context's go.mod was copied to `cwd`.
pub(super) fn module_binary_name(
    stages: &[Stage],
    copies: &[Copy],
    context: Option<&BuildContext>,
    stage: usize,
    cwd: Option<&str>,
) -> Option<String> {
    let cwd = paths::normalize(cwd?);
    let go_mod: &GoMod = context?.go_mod.value()?;
    let wanted = paths::join(&cwd, "go.mod");
    context_copies(stages, copies, context, stage, "go.mod")
        .any(|(_, landed)| landed.as_deref() == Some(wanted.as_str()))
        .then(|| go_mod.binary_name("."))
        .flatten()
}

/// The copy with its context sources written as absolute paths from the context root, so the
/// stage-copy path logic applies (`.` and `./` are the root).
fn rooted_copy(copy: &Copy) -> Copy {
    let sources = copy
        .sources
        .iter()
        .map(|s| match s.usable() {
            Some(text) => Value {
                text: paths::join("/", text),
                certainty: s.certainty,
            },
            None => s.clone(),
        })
        .collect();
    Copy {
        sources,
        ..copy.clone()
    }
}

impl Model<'_> {
    /// A RUN after `copy`, in its stage or one built from it, reads the git history the copy
    /// brought: it runs git itself, or stamps the build from git (`-ldflags "-X
    /// main.commit=$(git rev-parse HEAD)"`) on its own command line or through make or a
    /// script of the context, or through a build driver (make, mage, a script) in a stage
    /// that installs git for it. A Makefile that asks git only for the host's use (an image
    /// label) does not count, nor does a script gopherlint cannot read.
    pub fn reads_git_after(&self, copy: &Copy) -> bool {
        let context = self.context();
        let read = |path: &str| context.and_then(|c| c.read_small_file(path));
        // A builder that installs git for a build driver (make, mage, a script) installs it
        // for that build: it stamps the version from the history.
        let git_installed = self.installs_git(copy.stage, usize::MAX);
        self.runs
            .iter()
            .filter(|r| {
                r.instruction > copy.instruction && self.chain(r.stage).contains(&copy.stage)
            })
            .any(|r| {
                let range = self.instruction(r.instruction).range;
                let own = self.text.get(range.start..range.end).unwrap_or_default();
                // Git installed, as its comment says, for the VCS stamp of a plain `go build`:
                // Go writes the revision into the binary when git and `.git` are both there.
                let stamping_build = git_installed
                    && self.explains_git_for_vcs_stamp(copy.stage)
                    && self
                        .go_builds
                        .iter()
                        .any(|b| b.instruction == r.instruction && !b.has_flag("buildvcs"));
                stamps_from_git(run_body(own))
                    || stamping_build
                    || r.script
                        .commands
                        .iter()
                        .any(|command| match command.program() {
                            Some(program) if tools::GIT_HISTORY_READERS.contains(&program) => true,
                            _ if git_installed && super::opaque::is_opaque_build(command) => true,
                            Some("make" | "gmake") => crate::makefile::read_with_includes(&read)
                                .is_some_and(|text| {
                                    crate::context::make_run::stamps_from_git_reading(&text, &|p| {
                                        read(p)
                                    })
                                }),
                            // Mage runs the magefile, `go run build.go` its build program: one
                            // that asks git for the version.
                            Some("mage") => read("magefile.go").is_some_and(|text| {
                                crate::context::make_run::go_source_asks_git(&text)
                            }),
                            // `go generate` runs the module's generators: one that asks git
                            // for the commit it writes into the build.
                            Some("go")
                                if command.argv.get(1).is_some_and(|w| w.text == "generate") =>
                            {
                                context.is_some_and(|c| {
                                    crate::context::go_source::generators_ask_git(Path::new(&c.dir))
                                })
                            }
                            Some("go") => command
                                .argv
                                .iter()
                                .skip(1)
                                .map(|w| w.text.as_str())
                                .take_while(|w| !w.is_empty())
                                .skip_while(|w| *w != "run")
                                .find(|w| w.ends_with(".go"))
                                .and_then(|file| read(file.trim_start_matches("./")))
                                .is_some_and(|text| {
                                    crate::context::make_run::go_source_asks_git(&text)
                                }),
                            _ if super::opaque::is_opaque_build(command) => command
                                .argv
                                .iter()
                                .map(|w| w.text.as_str())
                                .find(|w| w.ends_with(".sh") || w.starts_with("./"))
                                .and_then(read)
                                .is_some_and(|text| stamps_from_git(&text)),
                            _ => false,
                        })
            })
    }

    /// A comment above a RUN of the stage's chain that installs git says it is there for the
    /// VCS stamp ("install git so that go build populates the VCS details").
    fn explains_git_for_vcs_stamp(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .filter(|r| {
                r.script
                    .commands
                    .iter()
                    .filter_map(|c| super::scripts::installed_packages(c))
                    .flatten()
                    .any(|p| crate::knowledge::packages::is_git(&p))
            })
            .any(|r| {
                self.explained_here(r.instruction, conventions::VCS_STAMP_TOPICS)
                    .is_some()
            })
    }

    /// The copies that send the context's `.git` into a builder without git, each with the
    /// first shipped build after it that quietly goes unstamped there (Go 1.18.1 and later):
    /// the directory buys nothing and only busts the cache.
    pub fn unstamped_git_copies(&self) -> Vec<(&Copy, &GoBuild)> {
        let Some(context) = self.context() else {
            return Vec::new();
        };
        if !context.git || context.sends(".git") != Some(true) {
            return Vec::new();
        }
        let mut found: Vec<(&Copy, &GoBuild)> = Vec::new();
        for build in self.shipped_builds().filter(|b| !b.is_test_or_debug()) {
            let Some(copy) = self.context_copy_of(build.stage, ".git") else {
                continue;
            };
            if copy.instruction > build.instruction
                || found.iter().any(|(c, _)| c.instruction == copy.instruction)
                || !self.stamping_skipped(build)
            {
                continue;
            }
            found.push((copy, build));
        }
        found
    }
}

/// A RUN instruction's text without its keyword and flags (`RUN --mount=... VERSION=$(git
/// describe) && ...` → `VERSION=$(git describe) && ...`): the script, whose first line may
/// assign a variable as a Makefile line does.
fn run_body(instruction: &str) -> &str {
    let mut rest = instruction.trim_start();
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case("run") {
        rest = rest[3..].trim_start();
    }
    while rest.starts_with("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest
}
