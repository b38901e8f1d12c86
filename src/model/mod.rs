//! The semantic model: what the Dockerfile builds, in four typed steps, each computed from
//! the ones before it and never revised:
//!
//! 1. [`FileFacts`] (`builder`): what the file says. Stages and their graph, the shipped stage,
//!    variables, copies, RUN scripts, every `go build`/`go install` with its effective
//!    environment, tool runs, users.
//! 2. [`Shipping`]: what ships. Whether each build's binary reaches the final image and where,
//!    binaries from builds gopherlint cannot read, the start command.
//! 3. [`FinalFs`]: the final image's files.
//! 4. [`Purpose`]: what the image is for.
//!
//! Domain facts (images, Go, shells, packages, users) come from `crate::knowledge`. Built
//! once per file; rules only read it.

mod base_bound;
mod base_files;
mod build_args;
mod builder;
mod context;
pub mod copy;
pub mod cross;
pub mod describe;
pub mod facts;
mod fetches;
pub mod filesystem;
pub mod go_build;
pub mod go_cache_use;
pub mod go_caches;
mod golang;
mod intent;
mod make_runs;
pub mod module_layer;
mod opaque;
mod outbound;
pub mod platform;
pub mod pulls;
pub mod purpose;
pub mod scripts;
pub mod settings;
pub mod shipping;
mod side_stages;
pub mod stage;
mod start_vars;
pub mod tools;
mod users;
pub mod vars;

use std::sync::Arc;

use crate::knowledge::go_command;
use crate::paths;
use crate::syntax::Dockerfile;

pub use copy::{Copy, CopySource};
pub use facts::FileFacts;
pub use filesystem::{FinalFs, Presence};
pub use go_build::{CgoSetting, GoBuild};
pub use golang::GolangImage;
pub use opaque::OpaqueBinary;
pub(crate) use opaque::is_opaque_build;
pub use platform::{PLATFORM_ARGS, Platform};
pub use pulls::{Pull, PullKind};
pub use purpose::{ImageClass, Purpose};
pub use scripts::{RunScript, run_scripts};
pub use shipping::{Shipment, Shipping};
pub use stage::{CreatedUser, Stage, StageBase, UserSetting};
pub use tools::{GoGet, ToolRun};
pub use vars::{Certainty, Value, Var, Vars};

/// The model of one Dockerfile: its four steps. It reads as its facts (`model.stages`,
/// `model.chain(s)`); what ships, the files and the purpose have their own accessors.
#[derive(Debug)]
pub struct Model<'a> {
    facts: FileFacts<'a>,
    shipping: Shipping,
    fs: FinalFs,
    /// What the shipped image is for.
    pub purpose: Purpose,
}

impl<'a> std::ops::Deref for Model<'a> {
    type Target = FileFacts<'a>;

    fn deref(&self) -> &FileFacts<'a> {
        &self.facts
    }
}

/// What the model is told besides the file.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// The stage that is shipped (`--target`); the last when `None`.
    pub target: Option<String>,
    /// The platform built for (`--platform`); linux/amd64 by default.
    pub platform: Platform,
    /// The file's path, for conventions only a path shows (`.devcontainer/`, `test/`).
    pub path: Option<String>,
    /// The image class, when the user sets it (config `[image] class`).
    pub class: Option<ImageClass>,
    /// The build context (`--context`, or the Dockerfile's directory), read once per context.
    pub context: Option<Arc<crate::context::BuildContext>>,
    /// How the repository builds the file (its workflows, bake, compose, Makefiles), when
    /// something does: build args, platforms, publication.
    pub build: Option<Arc<crate::repository::Chosen>>,
    /// How the repository's documentation runs its images (`docker run`, compose).
    pub run_docs: Option<Arc<crate::repository::RunDocs>>,
    /// What holds for the file's whole repository.
    pub repo_wide: Option<Arc<crate::repository::RepoWide>>,
    /// The folder of another project copied whole into the repository that holds the file.
    pub nested_project: Option<String>,
}

/// Why a model could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    UnknownTarget { target: String, stages: Vec<String> },
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::UnknownTarget { target, stages } if stages.is_empty() => {
                write!(f, "no stage named `{target}`: the file has no named stages")
            }
            ModelError::UnknownTarget { target, stages } => write!(
                f,
                "no stage named `{target}` (stages: {})",
                stages.join(", ")
            ),
        }
    }
}

impl<'a> Model<'a> {
    pub fn build(
        file: &'a Dockerfile,
        text: &'a str,
        options: &ModelOptions,
    ) -> Result<Model<'a>, ModelError> {
        let facts = builder::read(file, text, options)?;
        let shipping = Shipping::resolve(&facts);
        let fs = FinalFs::read(&facts);
        let mut purpose = purpose::classify(
            &facts,
            &shipping,
            options.path.as_deref(),
            options.nested_project.as_deref(),
        );
        if let Some(class) = options.class {
            purpose.reason = format!(
                "set by configuration (gopherlint would say {}: {})",
                purpose.class, purpose.reason
            );
            purpose.class = class;
            purpose.signal = purpose::Signal::Config;
        }
        Ok(Model {
            facts,
            shipping,
            fs,
            purpose,
        })
    }

    /// The binary of this build reaches the final image.
    pub fn ships(&self, build: &GoBuild) -> bool {
        self.shipping.builds[build.index].ships
    }

    /// Where this build's binary lands in the final image, where that is known.
    pub fn landed(&self, build: &GoBuild) -> &[String] {
        &self.shipping.builds[build.index].landed
    }

    /// A tool installed from elsewhere (`go install pkg@version`) that the image does not
    /// start and carries only inside a copy of a whole directory (`COPY --from=build /go/bin
    /// /usr/bin`): it ships by the way, not as what the image is for.
    pub fn ships_by_the_way(&self, build: &GoBuild) -> bool {
        let shipment = &self.shipping.builds[build.index];
        if !shipment.ships || !shipment.only_in_bulk || !build.is_tool_install() {
            return false;
        }
        let Some(program) = self.start_command().and_then(|s| s.first()) else {
            return false;
        };
        let started = paths::basename(program);
        let installed = build
            .packages()
            .filter_map(go_command::binary_name)
            .map(str::to_string);
        !shipment
            .landed
            .iter()
            .map(|l| paths::basename(l).to_string())
            .chain(installed)
            .any(|name| name == started)
    }

    /// A build that reaches the final image is for another operating system (`GOOS=darwin`,
    /// `GOOS=windows`): the image carries release binaries for several systems, copied out of
    /// it rather than run, each built for its target on purpose.
    pub fn ships_builds_for_other_systems(&self) -> bool {
        self.shipped_builds()
            .any(|build| build.target_os().is_some_and(|os| os != "linux"))
    }

    /// The builds whose binary reaches the final image, in file order.
    pub fn shipped_builds(&self) -> impl Iterator<Item = &GoBuild> {
        self.go_builds.iter().filter(|b| self.ships(b))
    }

    /// The words of the program the final image starts (ENTRYPOINT, else CMD), expanded
    /// where known; shell form is read as a shell would. `None` when no start command is set
    /// in this file's chain.
    pub fn start_command(&self) -> Option<&[String]> {
        self.shipping.start.as_deref()
    }

    /// The stages the started program is copied from (`COPY --from=fetch /kubectl /kubectl`
    /// then `ENTRYPOINT ["/kubectl"]`), with their FROM ancestors: they make what the image
    /// is, whatever else they are.
    pub fn started_program_stages(&self) -> Vec<usize> {
        let Some(program) = self.start_command().and_then(|s| s.first()) else {
            return Vec::new();
        };
        let mut stages = Vec::new();
        for copy in self.final_copies() {
            let copy::CopySource::Stage(source) = copy.source else {
                continue;
            };
            let lands_as_program = copy.landing_paths().iter().flatten().any(|landed| {
                landed == program || (!program.contains('/') && paths::basename(landed) == program)
            });
            // A directory copied whole (`COPY --from=build /staging/app /app`) carries it too.
            let carries_program = program.starts_with('/')
                && copy.dest.usable().is_some_and(|dest| {
                    let dest = paths::normalize(dest);
                    dest != "/" && dest != *program && paths::is_within(program, &dest)
                });
            if lands_as_program || carries_program {
                stages.extend_from_slice(self.chain(source));
            }
        }
        stages
    }

    /// The shell a start command needs at each start: an exec-form `sh -c` script, or a
    /// shell-form command, that reads variables or runs several commands, pipes or
    /// redirects.
    pub fn start_shell(&self) -> Option<&str> {
        self.shipping.start_shell.as_deref()
    }

    /// The final image starts with `go run`: it compiles its sources at every start.
    pub fn starts_with_go_run(&self) -> bool {
        self.start_command().is_some_and(shipping::is_go_run)
    }

    /// Binaries built by unseen commands in Go stages and copied into the final image.
    pub fn opaque_go_copies(&self) -> &[OpaqueBinary] {
        &self.shipping.opaque
    }

    /// The final image holds a Go binary built in this file: a go build that ships, or a
    /// binary copied from a Go stage that builds it with commands gopherlint cannot see.
    pub fn final_ships_go(&self) -> bool {
        self.shipped_builds().next().is_some() || !self.shipping.opaque.is_empty()
    }

    /// The final image's files.
    pub fn final_fs(&self) -> &FinalFs {
        &self.fs
    }
}
