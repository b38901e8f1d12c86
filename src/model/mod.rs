//! The semantic model: what the Dockerfile builds. Stages and their graph, the final stage,
//! variables, base-image facts, RUN scripts and every `go build`/`go install` with its effective
//! environment and whether its binary reaches the final image. Built once per file; rules only
//! read it.

pub mod go;
pub mod image;
pub mod paths;
pub mod vars;

use std::collections::HashSet;

use crate::shell::{self, Command, Script};
use crate::source::TextRange;
use crate::syntax::{Args, Dockerfile, Heredoc, Instruction, Keyword, LogicalLine, Word};

pub use go::GoFlag;
pub use image::{BaseFacts, DefaultUser, Family, ImageRef, Libc, base_facts};
pub use vars::{Certainty, PLATFORM_ARGS, Value, Var, Vars};

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

/// The source of a COPY/ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    /// The build context.
    Context,
    Stage(usize),
    Image(ImageRef),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Copy {
    pub stage: usize,
    pub instruction: usize,
    pub source: CopySource,
    /// Source paths (absolute for stage/image sources).
    pub sources: Vec<Value>,
    /// Destination, absolute; unknown when it depends on an unknown value.
    pub dest: Value,
    /// Destination is a directory (trailing `/`, or several sources).
    pub dest_is_dir: bool,
}

impl Copy {
    /// Where the file or directory at `path` in the source ends up, if this copy takes it.
    /// `Some(None)` means it is taken to an unknown place.
    pub fn destination_of(&self, path: Option<&str>) -> Option<Option<String>> {
        let dest = self.dest.usable().map(str::to_string);
        let Some(path) = path else {
            return Some(None);
        };
        for source in &self.sources {
            let Some(src) = source.usable().map(paths::normalize) else {
                return Some(None);
            };
            let into_dir = |name: &str| {
                dest.as_ref()
                    .map(|d| paths::normalize(&format!("{d}/{name}")))
            };
            if src == path {
                return Some(if self.dest_is_dir {
                    into_dir(paths::basename(path))
                } else {
                    dest.clone()
                });
            }
            if paths::is_within(path, &src) {
                let rest = path[src.len()..].trim_start_matches('/');
                return Some(into_dir(rest));
            }
            if paths::has_glob(&src) {
                let mut prefix = path.to_string();
                loop {
                    if paths::glob_match(&src, &prefix) {
                        let rest = path[prefix.len()..].trim_start_matches('/');
                        let name = paths::basename(&prefix);
                        return Some(into_dir(&format!("{name}/{rest}")));
                    }
                    match prefix.rfind('/') {
                        Some(0) | None => break,
                        Some(i) => prefix.truncate(i),
                    }
                }
            }
        }
        None
    }

    /// Where each source lands when taken as a single file (`dest`, or `dest/<name>` for a
    /// directory destination); `None` where unknown.
    pub fn landing_paths(&self) -> Vec<Option<String>> {
        let Some(dest) = self.dest.usable().map(paths::normalize) else {
            return vec![None];
        };
        if !self.dest_is_dir {
            return vec![Some(dest)];
        }
        self.sources
            .iter()
            .map(|s| {
                s.usable()
                    .map(|s| paths::normalize(&format!("{dest}/{}", paths::basename(s))))
            })
            .collect()
    }
}

/// The commands of one RUN (its shell form, or a heredoc script).
#[derive(Debug, Clone)]
pub struct RunScript {
    pub stage: usize,
    pub instruction: usize,
    pub script: Script,
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
    pub subcommand: String,
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
    /// The whole RUN could be read (no unclosed quote or substitution).
    pub script_complete: bool,
}

impl GoBuild {
    /// The `-ldflags` in effect: the last on the command line, else the last in GOFLAGS.
    pub fn ldflags(&self) -> Option<&GoFlag> {
        self.flags
            .iter()
            .rev()
            .find(|f| f.name == "ldflags")
            .or_else(|| self.goflags.iter().rev().find(|f| f.name == "ldflags"))
    }

    /// A flag in argv or GOFLAGS, by name.
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags
            .iter()
            .chain(&self.goflags)
            .any(|f| f.name == name)
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
    /// The file compiles Go or uses a Go toolchain image: Go-scoped rules apply.
    pub builds_go: bool,
    /// The stage of each instruction (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
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
        target: Option<&str>,
    ) -> Result<Model<'a>, ModelError> {
        let mut builder = Builder::new(file, text);
        builder.run();
        let mut model = builder.model;
        model.final_stage = match target {
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
                    .any(|c| matches!(c.program(), Some("go" | "xx-go")))
            });
        let ships: Vec<bool> = model
            .go_builds
            .iter()
            .map(|b| model.reaches_final(b.stage, b.output.as_ref().and_then(|o| o.usable())))
            .collect();
        for (build, ships) in model.go_builds.iter_mut().zip(ships) {
            build.ships = ships;
        }
        Ok(model)
    }

    pub fn instruction(&self, index: usize) -> &'a Instruction {
        &self.file.instructions[index]
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

    /// Whether a file at `path` in `stage` (unknown path: anything the stage has) is in the
    /// final image, through FROM inheritance and COPY --from, transitively.
    pub fn reaches_final(&self, stage: usize, path: Option<&str>) -> bool {
        let chain = self.final_chain();
        let mut visited = HashSet::new();
        let mut work = vec![(stage, path.map(str::to_string))];
        while let Some((stage, path)) = work.pop() {
            if !visited.insert((stage, path.clone())) || visited.len() > 4096 {
                continue;
            }
            if chain.contains(&stage) {
                return true;
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
        false
    }

    /// The final image holds a Go binary built in this file: a go build that ships, or a copy
    /// from a Go toolchain stage whose build commands gopherlint cannot see (`RUN make`).
    pub fn final_ships_go(&self) -> bool {
        if self.go_builds.iter().any(|b| b.ships) {
            return true;
        }
        self.final_copies().any(|copy| match copy.source {
            CopySource::Stage(stage) => {
                let chain = self.chain(stage);
                self.stages[stage].facts.is_go_toolchain()
                    && !self.go_builds.iter().any(|b| chain.contains(&b.stage))
            }
            _ => false,
        })
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

struct Builder<'a> {
    model: Model<'a>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a Dockerfile, text: &'a str) -> Self {
        Builder {
            model: Model {
                file,
                text,
                stages: Vec::new(),
                final_stage: None,
                global_vars: Vars::default(),
                runs: Vec::new(),
                copies: Vec::new(),
                go_builds: Vec::new(),
                builds_go: false,
                stage_of: vec![None; file.instructions.len()],
            },
        }
    }

    fn run(&mut self) {
        let file = self.model.file;
        for name in PLATFORM_ARGS {
            self.model.global_vars.set(
                *name,
                Var {
                    value: Some(Value {
                        text: String::new(),
                        certainty: Certainty::Platform,
                    }),
                    origin: None,
                    from_env: false,
                    exported: false,
                },
            );
        }
        let mut current: Option<usize> = None;
        for (index, instruction) in file.instructions.iter().enumerate() {
            if instruction.keyword == Keyword::From {
                current = Some(self.start_stage(index, instruction));
            } else if let Some(stage) = current {
                self.model.stage_of[index] = Some(stage);
                self.model.stages[stage].body.push(index);
                self.stage_instruction(stage, index, instruction);
            } else if instruction.keyword == Keyword::Arg {
                let mut globals = std::mem::take(&mut self.model.global_vars);
                declare_args(&mut globals, None, instruction, true);
                self.model.global_vars = globals;
            }
        }
    }

    fn start_stage(&mut self, index: usize, instruction: &Instruction) -> usize {
        let stage_index = self.model.stages.len();
        self.model.stage_of[index] = Some(stage_index);
        let words = instruction.arg_words();
        let image_word = words.first().cloned();
        let name = (words.len() == 3 && words[1].value.eq_ignore_ascii_case("as"))
            .then(|| words[2].value.to_ascii_lowercase());
        let reference = image_word
            .as_ref()
            .map(|w| self.model.global_vars.expand(&w.value));
        let base = match &reference {
            Some(value) => match value.usable() {
                Some(text) => {
                    let lower = text.to_ascii_lowercase();
                    match self
                        .model
                        .stages
                        .iter()
                        .find(|s| s.name.as_deref() == Some(lower.as_str()))
                    {
                        Some(parent) => StageBase::Stage(parent.index),
                        None => StageBase::Image(ImageRef::parse(text)),
                    }
                }
                None => StageBase::Unknown,
            },
            None => StageBase::Unknown,
        };
        let (root_stage, root_image, facts, vars, user, workdir, posix, cc) = match &base {
            StageBase::Stage(parent) => {
                let p = &self.model.stages[*parent];
                (
                    p.root_stage,
                    p.root_image.clone(),
                    p.facts,
                    p.vars.clone(),
                    p.user.clone(),
                    p.workdir.clone(),
                    p.posix_shell,
                    p.c_toolchain_installed,
                )
            }
            StageBase::Image(image) => {
                let facts = base_facts(image);
                (
                    stage_index,
                    Some(image.clone()),
                    facts,
                    image_env(&facts),
                    None,
                    Some("/".to_string()),
                    facts.family != Family::Windows,
                    false,
                )
            }
            StageBase::Unknown => (
                stage_index,
                None,
                BaseFacts::UNKNOWN,
                Vars::default(),
                None,
                Some("/".to_string()),
                true,
                false,
            ),
        };
        self.model.stages.push(Stage {
            index: stage_index,
            name,
            from: index,
            body: Vec::new(),
            image_word,
            base,
            root_stage,
            root_image,
            facts,
            platform: instruction.flag("platform").and_then(|f| f.value.clone()),
            user,
            vars,
            workdir,
            posix_shell: posix,
            c_toolchain_installed: cc,
        });
        stage_index
    }

    fn stage_instruction(&mut self, stage: usize, index: usize, instruction: &Instruction) {
        match instruction.keyword {
            Keyword::Arg => {
                let globals = self.model.global_vars.clone();
                declare_args(
                    &mut self.model.stages[stage].vars,
                    Some(&globals),
                    instruction,
                    false,
                );
            }
            Keyword::Env => {
                if let Args::KeyValues(pairs) = &instruction.args {
                    for pair in pairs {
                        let vars = &mut self.model.stages[stage].vars;
                        let value = vars.expand(&pair.value.value);
                        vars.set(
                            pair.key.value.clone(),
                            Var {
                                value: Some(value),
                                origin: Some(pair.key.range.cover(pair.value.range)),
                                from_env: true,
                                exported: true,
                            },
                        );
                    }
                }
            }
            Keyword::Workdir => {
                if let Args::Text(word) = &instruction.args {
                    let s = &mut self.model.stages[stage];
                    let value = s.vars.expand(&word.value);
                    s.workdir = match (value.usable(), &s.workdir) {
                        (Some(dir), Some(cwd)) => Some(paths::join(cwd, dir)),
                        (Some(dir), None) if dir.starts_with('/') => Some(paths::normalize(dir)),
                        _ => None,
                    };
                }
            }
            Keyword::User => {
                if let Args::Text(word) = &instruction.args {
                    let s = &mut self.model.stages[stage];
                    s.user = Some(UserSetting {
                        instruction: index,
                        value: s.vars.expand(&word.value),
                        range: word.range,
                    });
                }
            }
            Keyword::Shell => {
                if let Args::Exec(exec) = &instruction.args
                    && let Some(program) = exec.elements.first()
                {
                    let name = program.value.rsplit(['/', '\\']).next().unwrap_or("");
                    let name = name.to_ascii_lowercase();
                    self.model.stages[stage].posix_shell = !(name.starts_with("powershell")
                        || name.starts_with("pwsh")
                        || name.starts_with("cmd"));
                }
            }
            Keyword::Copy | Keyword::Add => self.copy(stage, index, instruction),
            Keyword::Run => self.run_instruction(stage, index, instruction),
            _ => {}
        }
    }

    fn copy(&mut self, stage: usize, index: usize, instruction: &Instruction) {
        let words = instruction.arg_words();
        let Some((dest_word, source_words)) = words.split_last() else {
            return;
        };
        let s = &self.model.stages[stage];
        let source = match instruction.flag("from").and_then(|f| f.value.as_deref()) {
            None => CopySource::Context,
            Some(from) => {
                let value = s.vars.expand(from);
                match value.usable() {
                    None => CopySource::Unknown,
                    Some(text) => {
                        let lower = text.to_ascii_lowercase();
                        let named = self.model.stages[..stage]
                            .iter()
                            .find(|s| s.name.as_deref() == Some(lower.as_str()))
                            .map(|s| s.index);
                        let numbered = text.parse::<usize>().ok().filter(|&n| n < stage);
                        match named.or(numbered) {
                            Some(i) => CopySource::Stage(i),
                            None => CopySource::Image(ImageRef::parse(text)),
                        }
                    }
                }
            }
        };
        let from_root = !matches!(source, CopySource::Context);
        let sources = source_words
            .iter()
            .map(|w| {
                let v = s.vars.expand(&w.value);
                if from_root && !v.is_unknown() {
                    Value {
                        text: paths::join("/", &v.text),
                        certainty: v.certainty,
                    }
                } else {
                    v
                }
            })
            .collect::<Vec<_>>();
        let dest_value = s.vars.expand(&dest_word.value);
        let dest = match (&dest_value.usable(), &s.workdir) {
            (Some(d), _) if d.starts_with('/') => Value {
                text: paths::normalize(d),
                certainty: dest_value.certainty,
            },
            (Some(d), Some(cwd)) => Value {
                text: paths::join(cwd, d),
                certainty: dest_value.certainty,
            },
            _ => Value::unknown(),
        };
        // Into a directory: a trailing `/`, several sources, or a directory that exists (`/`,
        // `.` and the WORKDIR).
        let dest_is_dir = dest_value.text.ends_with('/')
            || sources.len() > 1
            || matches!(dest_value.text.as_str(), "." | "./" | "..")
            || dest.text == "/"
            || s.workdir.as_deref() == Some(dest.text.as_str());
        self.model.copies.push(Copy {
            stage,
            instruction: index,
            source,
            sources,
            dest,
            dest_is_dir,
        });
    }

    fn run_instruction(&mut self, stage: usize, index: usize, instruction: &Instruction) {
        if !self.model.stages[stage].posix_shell {
            return;
        }
        for script in run_scripts(instruction, self.model.text) {
            self.walk_script(stage, index, &script);
            self.model.runs.push(RunScript {
                stage,
                instruction: index,
                script,
            });
        }
    }

    /// Follows a RUN's commands in order, tracking `export`, assignments and `cd`, and records
    /// every go build/install with the environment it sees.
    fn walk_script(&mut self, stage: usize, index: usize, script: &Script) {
        let mut vars = self.model.stages[stage].vars.clone();
        let mut cwd = self.model.stages[stage].workdir.clone();
        for command in &script.commands {
            let assign = |vars: &mut Vars, a: &shell::Assignment, export: bool| {
                let value = vars.expand(&a.value.text);
                let exported = export || vars.get(&a.name).is_some_and(|v| v.exported);
                vars.set(
                    a.name.clone(),
                    Var {
                        value: Some(value),
                        origin: Some(a.range),
                        from_env: false,
                        exported,
                    },
                );
            };
            if command.argv.is_empty() {
                for a in &command.assignments {
                    assign(&mut vars, a, false);
                }
                continue;
            }
            match command.program() {
                Some("export") => {
                    for word in &command.argv[1..] {
                        if word.text.starts_with('-') {
                            continue;
                        }
                        match word.text.split_once('=') {
                            Some((name, value)) => {
                                let a = shell::Assignment {
                                    name: name.to_string(),
                                    value: shell::ShellWord {
                                        text: value.to_string(),
                                        ..word.clone()
                                    },
                                    range: word.range,
                                };
                                assign(&mut vars, &a, true);
                            }
                            None => {
                                if let Some(var) = vars.get_mut(&word.text) {
                                    var.exported = true;
                                }
                            }
                        }
                    }
                }
                Some("unset") => {
                    for word in &command.argv[1..] {
                        vars.remove(&word.text);
                    }
                }
                Some("cd") => {
                    let target = command.argv.get(1).map(|w| vars.expand(&w.text));
                    cwd = match (target, cwd) {
                        (Some(t), Some(c)) => t.usable().map(|t| paths::join(&c, t)),
                        _ => None,
                    };
                }
                Some("apk" | "apt-get" | "apt" | "yum" | "dnf" | "microdnf") => {
                    let installs_cc = command.argv.iter().skip(1).any(|w| {
                        matches!(
                            w.text.as_str(),
                            "gcc" | "build-base" | "musl-dev" | "clang" | "g++" | "build-essential"
                        )
                    });
                    if installs_cc {
                        self.model.stages[stage].c_toolchain_installed = true;
                    }
                }
                Some("go" | "xx-go") => {
                    let sub = command.argv.get(1).map(|w| w.text.as_str());
                    if matches!(sub, Some("build" | "install")) {
                        let mut env = vars.clone();
                        for a in &command.assignments {
                            assign(&mut env, a, true);
                        }
                        let build = go_build(stage, index, command, env, cwd.as_deref(), script);
                        self.model.go_builds.push(build);
                    }
                }
                _ => {}
            }
        }
    }
}

fn go_build(
    stage: usize,
    instruction: usize,
    command: &Command,
    env: Vars,
    cwd: Option<&str>,
    script: &Script,
) -> GoBuild {
    let (flags, first_positional) = go::parse_go_flags(&command.argv);
    let (goflags, goflags_origin) = match env.exported_value("GOFLAGS") {
        Some((value, origin)) => match value.usable() {
            Some(text) => (go::parse_goflags_env(text), origin),
            None => (Vec::new(), origin),
        },
        None => (Vec::new(), None),
    };
    let cgo = match env.get("CGO_ENABLED") {
        Some(var) if var.exported => CgoSetting {
            value: var.value.clone(),
            origin: var.origin,
        },
        _ => CgoSetting {
            value: None,
            origin: None,
        },
    };
    let output = go::output_path(command, &flags, first_positional, cwd, &env);
    GoBuild {
        stage,
        instruction,
        subcommand: command.argv[1].text.clone(),
        go_range: command.argv[0].range.cover(command.argv[1].range),
        command: command.clone(),
        flags,
        goflags,
        goflags_origin,
        first_positional,
        cgo,
        env,
        output,
        ships: false,
        script_complete: script.complete,
    }
}

/// Environment variables a base image sets that matter to Go builds.
fn image_env(facts: &BaseFacts) -> Vars {
    let mut vars = Vars::default();
    if facts.is_go_toolchain() {
        for (name, value) in [("GOPATH", "/go"), ("GOTOOLCHAIN", "local")] {
            vars.set(
                name,
                Var {
                    value: Some(Value::known(value)),
                    origin: None,
                    from_env: true,
                    exported: true,
                },
            );
        }
    }
    vars
}

/// Applies an `ARG` instruction to a scope. In a stage, a name without a default takes the
/// global default (or the automatic platform value); an ENV of the same name wins over it.
fn declare_args(vars: &mut Vars, globals: Option<&Vars>, instruction: &Instruction, global: bool) {
    for word in instruction.arg_words() {
        let (name, default) = match word.value.split_once('=') {
            Some((n, d)) => (n.to_string(), Some(d.to_string())),
            None => (word.value.clone(), None),
        };
        if vars.get(&name).is_some_and(|v| v.from_env) {
            continue;
        }
        let value = match default {
            Some(default) => {
                let v = vars.expand(&default);
                Some(Value {
                    certainty: v.certainty.max(Certainty::Default),
                    text: v.text,
                })
            }
            None => globals
                .and_then(|g| g.get(&name))
                .and_then(|v| v.value.clone()),
        };
        vars.set(
            name,
            Var {
                value,
                origin: Some(word.range),
                from_env: false,
                exported: !global,
            },
        );
    }
}

/// The shell scripts of a RUN: its shell form, plus heredoc bodies that a shell runs.
pub fn run_scripts(instruction: &Instruction, text: &str) -> Vec<Script> {
    let mut scripts = Vec::new();
    let line_script = match &instruction.args {
        Args::Shell(shell) => {
            let range = TextRange::new(shell.logical_start, shell.logical_start + shell.text.len());
            Some(shell::parse_script(&instruction.line.slice(range)))
        }
        Args::Exec(exec) => Some(exec_script(&exec.elements)),
        _ => None,
    };
    let runs_heredoc_as_script = match &line_script {
        // `RUN <<EOF`, `RUN sh <<EOF`, `RUN bash -e <<EOF`: the shell reads the heredoc.
        Some(script) => match script.commands.as_slice() {
            [] => true,
            [only] => {
                matches!(only.program(), Some("sh" | "bash" | "ash" | "dash"))
                    && only.argv.iter().skip(1).all(|w| w.text.starts_with('-'))
            }
            _ => false,
        },
        None => false,
    };
    if let Some(script) = line_script {
        scripts.push(script);
    }
    if runs_heredoc_as_script {
        for heredoc in &instruction.heredocs {
            if let Some(script) = heredoc_script(heredoc, text) {
                scripts.push(script);
            }
        }
    }
    scripts
}

fn heredoc_script(heredoc: &Heredoc, text: &str) -> Option<Script> {
    if heredoc.file_descriptor.is_some_and(|fd| fd != 0) {
        return None;
    }
    let body = &text[heredoc.body_range.start..heredoc.body_range.end];
    if let Some(shebang) = body.strip_prefix("#!") {
        let interpreter = shebang.lines().next().unwrap_or("");
        let posix = ["sh", "bash", "ash", "dash"]
            .iter()
            .any(|s| interpreter.split([' ', '/']).any(|part| part == *s));
        if !posix {
            return None;
        }
    }
    Some(shell::parse_script(&LogicalLine::contiguous(
        body,
        heredoc.body_range.start,
    )))
}

/// Exec form `["go", "build", ...]` or `["sh", "-c", "..."]` as a script.
fn exec_script(elements: &[Word]) -> Script {
    let as_shell_c = matches!(
        elements
            .first()
            .map(|w| w.value.rsplit('/').next().unwrap_or("")),
        Some("sh" | "bash" | "ash" | "dash")
    ) && elements.len() >= 3
        && elements[1].value.starts_with('-')
        && elements[1].value.contains('c');
    if as_shell_c {
        let script = &elements[2];
        // Map the script to the source only when the JSON string has no escapes.
        let plain = script.raw.len() == script.value.len() + 2;
        let start = if plain {
            script.range.start + 1
        } else {
            script.range.start
        };
        let mut parsed = shell::parse_script(&LogicalLine::contiguous(&script.value, start));
        for command in &mut parsed.commands {
            command.nested = true;
            for word in &mut command.argv {
                word.exact = false;
                if !plain {
                    word.range = script.range;
                }
            }
        }
        return parsed;
    }
    let argv = elements
        .iter()
        .map(|w| shell::ShellWord {
            range: w.range,
            text: w.value.clone(),
            has_expansion: false,
            quoted: true,
            exact: false,
        })
        .collect();
    Script {
        commands: vec![Command {
            assignments: Vec::new(),
            argv,
            connector: shell::Connector::Start,
            nested: false,
        }],
        complete: true,
    }
}
