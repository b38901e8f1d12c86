//! The semantic model: what the Dockerfile builds. Stages and their graph, the final stage,
//! variables, base-image facts, RUN scripts and every `go build`/`go install` with its effective
//! environment and whether its binary reaches the final image. Built once per file; rules only
//! read it.

pub mod build_flags;
mod builder;
mod context;
mod copy;
pub mod describe;
pub mod filesystem;
pub mod go;
pub mod go_env;
mod golang;
mod opaque;
pub mod platform;
pub mod purpose;
pub mod scripts;
pub mod tools;
mod users;
pub mod vars;

use std::collections::HashSet;
use std::sync::Arc;

use crate::knowledge::go_command::{self, GoFlag, GoSubcommand};
use crate::paths;
use crate::shell::Command;
use crate::source::TextRange;
use crate::syntax::{Dockerfile, Instruction, Keyword, Word};

pub use crate::knowledge::go_release::GoRelease;
pub use crate::knowledge::images::{BaseFacts, DefaultUser, Family, ImageRef, Libc, base_facts};
use builder::Builder;
pub use copy::{Copy, CopySource};
pub use filesystem::{FinalFs, Presence};
pub use golang::GolangImage;
pub use opaque::OpaqueBinary;
pub use purpose::{ImageClass, Purpose};
pub use scripts::{RunScript, run_scripts};
pub use tools::{GoGet, ToolRun};
pub use vars::{Certainty, PLATFORM_ARGS, Platform, Value, Var, Vars};

/// What a stage's FROM names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageBase {
    /// An earlier stage, by index.
    Stage(usize),
    Image(ImageRef),
    /// The reference could not be resolved (an unknown variable).
    Unknown,
}

/// The last `USER` in a stage's chain.
#[derive(Debug, Clone)]
pub struct UserSetting {
    pub instruction: usize,
    pub value: Value,
    pub range: TextRange,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lowercased.
    pub name: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Indexes of the instructions after FROM, up to the next FROM.
    pub body: Vec<usize>,
    pub image_word: Option<Word>,
    pub base: StageBase,
    /// The stage whose FROM names this stage's external root image.
    pub root_stage: usize,
    pub root_image: Option<ImageRef>,
    pub facts: BaseFacts,
    pub platform: Option<String>,
    pub user: Option<UserSetting>,
    /// Variables at the end of the stage (inherited by stages built FROM it).
    pub vars: Vars,
    /// WORKDIR at the end of the stage; `None` when it depends on an unknown value.
    pub workdir: Option<String>,
    /// The stage's shell is POSIX (not PowerShell or cmd, not a Windows image).
    pub posix_shell: bool,
    /// Something in the chain installs a C compiler.
    pub c_toolchain_installed: bool,
}

impl Stage {
    /// Label for messages: `stage 'build'` or `stage 2`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("stage `{name}`"),
            None => format!("stage {}", self.index),
        }
    }
}

/// A user a RUN creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub stage: usize,
    pub name: String,
    /// The uid given explicitly (`-u 10001`).
    pub uid: Option<u32>,
}

/// The effective `CGO_ENABLED` at a go command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgoSetting {
    /// `None`: unset, so Go decides (on when a C compiler is found).
    pub value: Option<Value>,
    /// Where it was set.
    pub origin: Option<TextRange>,
}

impl CgoSetting {
    /// Cgo is off in the default build.
    pub fn disabled(&self) -> bool {
        matches!(&self.value, Some(v) if v.usable() == Some("0"))
    }

    pub fn unknown(&self) -> bool {
        matches!(&self.value, Some(v) if v.certainty >= Certainty::Platform)
    }

    /// Explicitly enabled with a known `1`.
    pub fn enabled_explicitly(&self) -> bool {
        matches!(&self.value, Some(v) if v.usable() == Some("1"))
    }
}

/// A `go build` or `go install`.
#[derive(Debug, Clone)]
pub struct GoBuild {
    pub stage: usize,
    pub instruction: usize,
    pub command: Command,
    /// `build` or `install`.
    pub subcommand: GoSubcommand,
    /// The `go build` words, where diagnostics point.
    pub go_range: TextRange,
    pub flags: Vec<GoFlag>,
    pub goflags: Vec<GoFlag>,
    /// Where GOFLAGS was set.
    pub goflags_origin: Option<TextRange>,
    pub first_positional: usize,
    pub cgo: CgoSetting,
    /// The variables the command sees.
    pub env: Vars,
    /// Absolute output path; `None` when it cannot be told.
    pub output: Option<Value>,
    /// The binary reaches the final image.
    pub ships: bool,
    /// Where the binary lands in the final image, where that is known.
    pub landed: Vec<String>,
    /// The whole RUN could be read (no unclosed quote or substitution).
    pub script_complete: bool,
}

impl GoBuild {
    /// The `-ldflags` in effect: the last on the command line, else the last in GOFLAGS.
    pub fn ldflags(&self) -> Option<&GoFlag> {
        self.effective_flag("ldflags").map(|u| u.flag)
    }

    /// A flag in argv or GOFLAGS, by name.
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags
            .iter()
            .chain(&self.goflags)
            .any(|f| f.name == name)
    }

    /// The package arguments.
    pub fn packages(&self) -> impl Iterator<Item = &str> {
        self.command
            .argv
            .iter()
            .skip(self.first_positional)
            .map(|w| w.text.as_str())
    }

    /// `go install pkg@version` of a package from elsewhere: a tool, not this file's program.
    pub fn is_tool_install(&self) -> bool {
        self.subcommand == GoSubcommand::Install
            && self.packages().next().is_some()
            && self.packages().all(|p| p.contains('@'))
    }

    /// A race-detector or debugger build (`-race`, `-gcflags=all=-N -l`): made to test or
    /// debug, where stripping and static linking are not the goal.
    pub fn is_debug(&self) -> bool {
        if self.has_flag("race") {
            return true;
        }
        self.flags
            .iter()
            .chain(&self.goflags)
            .filter(|f| f.name == "gcflags")
            .filter_map(|f| f.value.as_deref())
            .any(go_command::gcflags_for_debugger)
    }

    /// The binary's file name when the path is unknown but the package tells it.
    pub fn output_name(&self) -> Option<String> {
        if let Some(out) = self.output.as_ref().and_then(|o| o.usable()) {
            return Some(paths::basename(out).to_string());
        }
        let package = self.packages().next()?;
        let path = package.split('@').next().unwrap_or(package);
        let last = paths::basename(path);
        if last == "." || last.contains("...") {
            return None;
        }
        go_command::binary_name(path).map(str::to_string)
    }
}

/// The model of one Dockerfile.
#[derive(Debug)]
pub struct Model<'a> {
    pub file: &'a Dockerfile,
    pub text: &'a str,
    pub stages: Vec<Stage>,
    /// Index of the shipped stage: the last, or the `--target`.
    pub final_stage: Option<usize>,
    pub global_vars: Vars,
    pub runs: Vec<RunScript>,
    pub copies: Vec<Copy>,
    pub go_builds: Vec<GoBuild>,
    /// `go get` and `upx` commands (see `tools`).
    pub tool_runs: Vec<ToolRun>,
    /// The file compiles Go or uses a Go toolchain image: Go-scoped rules apply.
    pub builds_go: bool,
    /// The stage of each instruction (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// Users created by `adduser`/`useradd` in RUN commands.
    pub users: Vec<CreatedUser>,
    /// The platform being linted (automatic platform ARGs resolve to it).
    pub platform: Platform,
    /// What the shipped image is for.
    pub purpose: Purpose,
    /// The words of the program the final image starts, when this file sets one.
    start: Option<Vec<String>>,
    /// The final image's files.
    fs: FinalFs,
    /// The build context, when one was read.
    context: Option<Arc<crate::context::BuildContext>>,
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
        let mut builder = Builder::new(file, text, &options.platform, options.context.clone());
        builder.run();
        let mut model = builder.model;
        model.final_stage = match options.target.as_deref() {
            Some(target) => {
                let wanted = target.to_ascii_lowercase();
                let found = model
                    .stages
                    .iter()
                    .find(|s| s.name.as_deref() == Some(wanted.as_str()))
                    .map(|s| s.index);
                match found {
                    Some(index) => Some(index),
                    None => {
                        return Err(ModelError::UnknownTarget {
                            target: target.to_string(),
                            stages: model.stages.iter().filter_map(|s| s.name.clone()).collect(),
                        });
                    }
                }
            }
            None => model.stages.len().checked_sub(1),
        };
        model.builds_go = !model.go_builds.is_empty()
            || model.stages.iter().any(|s| s.facts.is_go_toolchain())
            || model.runs.iter().any(|r| {
                r.script
                    .commands
                    .iter()
                    .any(|c| c.program().is_some_and(go_command::is_go_program))
            });
        let ships: Vec<(bool, Vec<String>)> = (0..model.go_builds.len())
            .map(|i| {
                let b = &model.go_builds[i];
                if model.overwritten(i) {
                    return (false, Vec::new());
                }
                model.trace(b.stage, b.output.as_ref().and_then(|o| o.usable()))
            })
            .collect();
        for (build, (ships, landed)) in model.go_builds.iter_mut().zip(ships) {
            build.ships = ships;
            build.landed = landed;
        }
        model.start = model.read_start_command();
        model.fs = model.read_final_fs();
        let mut purpose = model.classify(options.path.as_deref());
        if let Some(class) = options.class {
            purpose.reason = format!(
                "set by configuration (gopherlint would say {}: {})",
                purpose.class, purpose.reason
            );
            purpose.class = class;
        }
        model.purpose = purpose;
        Ok(model)
    }

    /// A later build in the same stage chain writes the same known output path, so this
    /// build's binary is replaced before anything can copy it (a cache-warming build).
    fn overwritten(&self, index: usize) -> bool {
        let build = &self.go_builds[index];
        let Some(out) = build.output.as_ref().and_then(|o| o.usable()) else {
            return false;
        };
        self.go_builds[index + 1..].iter().any(|later| {
            later.stage == build.stage
                && later.output.as_ref().and_then(|o| o.usable()) == Some(out)
                && self.copies_between(build, later)
        })
    }

    /// No COPY --from takes the stage's files between two builds (the earlier binary could
    /// have been copied out before it was replaced).
    fn copies_between(&self, earlier: &GoBuild, later: &GoBuild) -> bool {
        !self.copies.iter().any(|c| {
            c.source == CopySource::Stage(earlier.stage)
                && c.instruction > earlier.instruction
                && c.instruction < later.instruction
        })
    }

    pub fn instruction(&self, index: usize) -> &'a Instruction {
        &self.file.instructions[index]
    }

    /// The scripts of one RUN instruction (its shell form and the heredocs it runs). Runs are
    /// recorded in file order, so this is a binary search, not a scan.
    pub fn runs_of(&self, instruction: usize) -> &[RunScript] {
        let start = self.runs.partition_point(|r| r.instruction < instruction);
        let end = self.runs.partition_point(|r| r.instruction <= instruction);
        &self.runs[start..end]
    }

    /// The scripts of a stage's own RUN instructions (stages hold consecutive instructions).
    pub fn runs_in_stage(&self, stage: usize) -> &[RunScript] {
        let start = self.runs.partition_point(|r| r.stage < stage);
        let end = self.runs.partition_point(|r| r.stage <= stage);
        &self.runs[start..end]
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.final_stage.map(|i| &self.stages[i])
    }

    /// The final stage and the stages it is built FROM, final first.
    pub fn final_chain(&self) -> Vec<usize> {
        self.final_stage.map_or_else(Vec::new, |i| self.chain(i))
    }

    /// A stage and its FROM ancestors, the stage first.
    pub fn chain(&self, stage: usize) -> Vec<usize> {
        let mut chain = vec![stage];
        let mut current = stage;
        while let StageBase::Stage(parent) = self.stages[current].base {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }

    /// Instructions of a chain in build order (root stage first).
    pub fn chain_instructions(&self, stage: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for s in self.chain(stage).into_iter().rev() {
            out.extend(&self.stages[s].body);
        }
        out
    }

    /// The final stage is an export of files, not a runtime image: root `scratch`, only
    /// COPY/ARG/LABEL in its chain, no ENTRYPOINT/CMD (docker/buildx's `FROM binaries` pattern).
    pub fn final_is_export_only(&self) -> bool {
        let Some(stage) = self.final_stage() else {
            return false;
        };
        stage.facts.family == Family::Scratch
            && self.chain_instructions(stage.index).iter().all(|&i| {
                matches!(
                    self.instruction(i).keyword,
                    Keyword::Copy | Keyword::Arg | Keyword::Label
                )
            })
    }

    /// Whether a file at `path` in `stage` (unknown path: anything the stage has) reaches the
    /// final image, through FROM inheritance and COPY --from, transitively; and where it lands
    /// there, where that is known.
    pub fn trace(&self, stage: usize, path: Option<&str>) -> (bool, Vec<String>) {
        let chain = self.final_chain();
        let mut visited = HashSet::new();
        let mut work = vec![(stage, path.map(str::to_string))];
        let mut reaches = false;
        let mut landed = Vec::new();
        while let Some((stage, path)) = work.pop() {
            if !visited.insert((stage, path.clone())) || visited.len() > 4096 {
                continue;
            }
            if chain.contains(&stage) {
                reaches = true;
                landed.extend(path);
                continue;
            }
            for child in &self.stages {
                if child.base == StageBase::Stage(stage) {
                    work.push((child.index, path.clone()));
                }
            }
            for copy in &self.copies {
                if copy.source == CopySource::Stage(stage)
                    && let Some(dest) = copy.destination_of(path.as_deref())
                {
                    work.push((copy.stage, dest));
                }
            }
        }
        (reaches, landed)
    }

    /// The final image holds a Go binary built in this file: a go build that ships, or a
    /// binary copied from a Go stage that builds it with commands gopherlint cannot see.
    pub fn final_ships_go(&self) -> bool {
        self.go_builds.iter().any(|b| b.ships) || !self.opaque_go_copies().is_empty()
    }

    /// COPY/ADD instructions of the final chain.
    pub fn final_copies(&self) -> impl Iterator<Item = &Copy> {
        let chain = self.final_chain();
        self.copies.iter().filter(move |c| chain.contains(&c.stage))
    }

    /// The `USER` in effect in the final image, if any USER is set.
    pub fn final_user(&self) -> Option<&UserSetting> {
        self.final_stage()?.user.as_ref()
    }
}
