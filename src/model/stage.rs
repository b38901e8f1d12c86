//! Stages: what each FROM names, the variables, working directory, user and shell at its end,
//! and the base image facts of the image its chain starts from.

use super::vars::{Value, Vars};
use crate::knowledge::images::{BaseFacts, ImageRef, Libc};
use crate::source::TextRange;
use crate::syntax::Word;

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
    /// What `go env -w` wrote into Go's configuration file by the end of the stage: every
    /// later go command reads it where the environment does not set the name.
    pub go_env_file: Vars,
    /// WORKDIR at the end of the stage; `None` when it depends on an unknown value.
    pub workdir: Option<String>,
    /// The stage's shell is POSIX (not PowerShell or cmd, not a Windows image).
    pub posix_shell: bool,
    /// Something in the chain installs a C compiler.
    pub c_toolchain_installed: bool,
    /// Something in the chain installs a C library's headers (`liblz4-dev`, `sqlite-dev`):
    /// a build there links that library through cgo.
    pub c_library_installed: bool,
    /// The C library the chain's package manager shows where the base's is unknown (`apt-get
    /// install` on an image gopherlint does not know: glibc).
    pub libc_by_packages: Option<Libc>,
}

impl Stage {
    /// The C library of the stage: its base's, else the one its package manager shows.
    pub fn libc(&self) -> Libc {
        match (self.facts.libc, self.libc_by_packages) {
            (Libc::Unknown, Some(libc)) => libc,
            (libc, _) => libc,
        }
    }

    /// Label for messages: `stage 'build'` or `stage 2`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("stage `{name}`"),
            None => format!("stage {}", self.index),
        }
    }

    /// How `COPY --from` names it: its name, else its index.
    pub fn reference(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.index.to_string())
    }
}

/// A user a RUN creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub stage: usize,
    pub name: String,
    /// The uid given explicitly (`-u 10001`).
    pub uid: Option<u32>,
    /// The build argument the uid is written as (`-u ${APP_UID}` with `ARG APP_UID=1000`).
    pub uid_arg: Option<String>,
}

/// A group a RUN creates (`addgroup -g 10001 app`, `groupadd --gid 10001 app`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedGroup {
    pub stage: usize,
    pub name: String,
    /// The gid given explicitly.
    pub gid: Option<u32>,
    /// The build argument the gid is written as (`-g ${APP_GID}`).
    pub gid_arg: Option<String>,
}

/// A stage and its FROM ancestors, the stage first (a cycle, which a parse error can make,
/// ends the chain).
pub(super) fn chain_of(stages: &[Stage], stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let StageBase::Stage(parent) = stages[current].base {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}
