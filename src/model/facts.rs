//! The first step of the model: what the file says, read in one pass (see `builder`). Stages
//! and their graph, the shipped stage (the last, or `--target`), variables, copies, RUN
//! scripts, go builds, tool runs and users, with the indexes that keep every query linear in
//! the size of the file.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::copy::{Copy, CopySource};
use super::go_build::GoBuild;
use super::platform::Platform;
use super::scripts::RunScript;
use super::stage::{CreatedGroup, CreatedUser, Stage, StageBase, UserSetting, chain_of};
use super::tools::ToolRun;
use super::vars::Vars;
use crate::context::BuildContext;
use crate::knowledge::images::Family;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword};

/// Whether a file reaches the final image, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traced {
    pub reaches: bool,
    /// Where it lands there, where that is known.
    pub landed: Vec<String>,
    /// It reaches the image only inside copies of a whole directory (`COPY --from=build
    /// /go/bin /usr/bin`), never named by a copy or built in the final chain.
    pub only_in_bulk: bool,
}

/// What the file says, before anything is judged.
#[derive(Debug)]
pub struct FileFacts<'a> {
    pub file: &'a Dockerfile,
    pub text: &'a str,
    /// The platform being linted (automatic platform ARGs resolve to it).
    pub platform: Platform,
    /// The build context, when one was read.
    pub(super) context: Option<Arc<BuildContext>>,
    /// How the repository builds the file, when its configuration says.
    pub build: Option<Arc<crate::repository::Chosen>>,
    /// How the repository's documentation runs its images.
    pub run_docs: Option<Arc<crate::repository::RunDocs>>,
    /// What holds for the file's whole repository (`None`: not read).
    pub repo_wide: Option<Arc<crate::repository::RepoWide>>,
    pub stages: Vec<Stage>,
    pub global_vars: Vars,
    pub runs: Vec<RunScript>,
    pub copies: Vec<Copy>,
    pub go_builds: Vec<GoBuild>,
    /// `go get` and `upx` commands (see `tools`).
    pub tool_runs: Vec<ToolRun>,
    /// The directories `mkdir` makes in RUN commands.
    pub made_dirs: Vec<super::scripts::MadeDir>,
    /// The stage of each instruction (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// Users created by `adduser`/`useradd` in RUN commands.
    pub users: Vec<CreatedUser>,
    /// Groups created by `addgroup`/`groupadd` in RUN commands.
    pub groups: Vec<CreatedGroup>,
    /// Index of the shipped stage: the last, or the `--target`.
    pub final_stage: Option<usize>,
    /// The file compiles Go or uses a Go toolchain image: Go-scoped rules apply.
    pub builds_go: bool,
    pub(super) index: GraphIndex,
    /// The RUNs that run the go command with their caches, read on first use (several rules
    /// ask).
    pub(super) go_cache_runs: std::sync::OnceLock<Vec<super::go_caches::GoCacheRun>>,
    /// The side-target class of each stage, worked out on first use (every rule's findings
    /// ask it of their stage).
    pub(super) side_stage_classes: std::sync::OnceLock<Vec<Option<super::purpose::ImageClass>>>,
    /// The `go env -w NAME=...` commands of the file (stage, instruction, command), read on
    /// first use: every go build asks whether one set its GOOS or GOARCH, and a file of
    /// thousands of RUNs must not be read once per build.
    pub(super) go_env_writes:
        std::sync::OnceLock<Vec<(usize, usize, std::sync::Arc<crate::shell::Command>)>>,
}

/// Lookups the queries need, made once when the facts are complete.
#[derive(Debug)]
pub(super) struct GraphIndex {
    /// The final stage and the stages it is built FROM, final first.
    final_chain: Vec<usize>,
    /// Each stage and the stages it is built FROM, itself first: asked for by many queries,
    /// several times a file.
    chains: Vec<Vec<usize>>,
    /// The stages built FROM each stage, in file order.
    children: Vec<Vec<usize>>,
    /// The copies (indexes into `copies`) that take files from each stage, in file order.
    copies_from: Vec<Vec<usize>>,
    /// The ARG and ENV instructions of the stages that declare each name, in file order.
    declarations: HashMap<String, Vec<usize>>,
}

impl GraphIndex {
    /// The lookups over a file's stages and copies, with `final_stage` the shipped stage.
    pub(super) fn new(
        file: &Dockerfile,
        stages: &[Stage],
        copies: &[Copy],
        final_stage: Option<usize>,
    ) -> GraphIndex {
        let mut children = vec![Vec::new(); stages.len()];
        for stage in stages {
            if let StageBase::Stage(parent) = stage.base {
                children[parent].push(stage.index);
            }
        }
        let mut copies_from = vec![Vec::new(); stages.len()];
        for (i, copy) in copies.iter().enumerate() {
            if let CopySource::Stage(stage) = copy.source {
                copies_from[stage].push(i);
            }
        }
        let mut declarations: HashMap<String, Vec<usize>> = HashMap::new();
        for &index in stages.iter().flat_map(|s| &s.body) {
            let instruction = &file.instructions[index];
            let names: Vec<&str> = match (&instruction.keyword, &instruction.args) {
                (Keyword::Arg, _) => instruction
                    .arg_words()
                    .iter()
                    .map(|w| w.value.split('=').next().unwrap_or(""))
                    .collect(),
                (Keyword::Env, Args::KeyValues(pairs)) => {
                    pairs.iter().map(|p| p.key.value.as_str()).collect()
                }
                _ => continue,
            };
            for name in names {
                let list = declarations.entry(name.to_string()).or_default();
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        GraphIndex {
            final_chain: final_stage.map_or_else(Vec::new, |stage| chain_of(stages, stage)),
            chains: (0..stages.len())
                .map(|stage| chain_of(stages, stage))
                .collect(),
            children,
            copies_from,
            declarations,
        }
    }
}

impl<'a> FileFacts<'a> {
    pub fn instruction(&self, index: usize) -> &'a Instruction {
        &self.file.instructions[index]
    }

    /// The instruction whose source holds an offset.
    pub fn instruction_at(&self, offset: usize) -> Option<usize> {
        let instructions = &self.file.instructions;
        let after = instructions.partition_point(|i| i.range.start <= offset);
        let index = after.checked_sub(1)?;
        let range = instructions[index].range;
        (offset < range.end.max(range.start + 1)).then_some(index)
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
    pub fn final_chain(&self) -> &[usize] {
        &self.index.final_chain
    }

    /// A stage and its FROM ancestors, the stage first.
    pub fn chain(&self, stage: usize) -> &[usize] {
        self.index.chains.get(stage).map_or(&[], Vec::as_slice)
    }

    /// Instructions of a chain in build order (root stage first).
    pub fn chain_instructions(&self, stage: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for &s in self.chain(stage).iter().rev() {
            out.extend(&self.stages[s].body);
        }
        out
    }

    /// A RUN follows `instruction` in the final chain, in build order.
    pub fn runs_after(&self, instruction: usize) -> bool {
        let Some(stage) = self.final_stage else {
            return false;
        };
        self.chain_instructions(stage)
            .into_iter()
            .skip_while(|&i| i != instruction)
            .skip(1)
            .any(|i| self.instruction(i).keyword == Keyword::Run)
    }

    /// Whether the final chain holds an instruction of this kind.
    pub fn final_chain_has(&self, keyword: Keyword) -> bool {
        self.final_chain().iter().any(|&s| {
            self.stages[s]
                .body
                .iter()
                .any(|&i| self.instruction(i).keyword == keyword)
        })
    }

    /// The final image sets no ENTRYPOINT or CMD and its base starts a shell by default: a
    /// toolbox that carries its programs on the PATH for commands given at `docker run`.
    pub fn final_runs_base_shell(&self) -> bool {
        !self.final_chain_has(Keyword::Entrypoint)
            && !self.final_chain_has(Keyword::Cmd)
            && self
                .final_stage()
                .is_some_and(|stage| stage.facts.default_command_is_shell())
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
        let traced = self.trace_routes(stage, path);
        (traced.reaches, traced.landed)
    }

    /// As `trace`, and whether only copies of whole directories take the file there.
    pub fn trace_routes(&self, stage: usize, path: Option<&str>) -> Traced {
        let chain = self.final_chain();
        let mut visited = HashSet::new();
        // Each route remembers whether a copy on it named the file (or nothing copied it).
        let mut work = vec![(stage, path.map(str::to_string), false)];
        let mut traced = Traced::default();
        let mut named_route = false;
        while let Some((stage, path, in_bulk)) = work.pop() {
            if !visited.insert((stage, path.clone(), in_bulk)) || visited.len() > 4096 {
                continue;
            }
            if chain.contains(&stage) {
                traced.reaches = true;
                named_route |= !in_bulk;
                traced.landed.extend(path);
                continue;
            }
            for &child in &self.index.children[stage] {
                work.push((child, path.clone(), in_bulk));
            }
            for &copy in &self.index.copies_from[stage] {
                let copy = &self.copies[copy];
                if let Some(dest) = copy.destination_of(path.as_deref()) {
                    let bulk = in_bulk || path.as_deref().is_some_and(|p| !copy.names(p));
                    work.push((copy.stage, dest, bulk));
                }
            }
        }
        traced.only_in_bulk = traced.reaches && !named_route;
        traced
    }

    /// The stages built FROM `stage`, directly or through other stages, in file order.
    pub fn built_on(&self, stage: usize) -> Vec<usize> {
        let mut found = Vec::new();
        let mut work = vec![stage];
        while let Some(stage) = work.pop() {
            for &child in &self.index.children[stage] {
                if !found.contains(&child) {
                    found.push(child);
                    work.push(child);
                }
            }
        }
        found.sort_unstable();
        found
    }

    /// The stages that use a stage directly: built FROM it, or copying files from it.
    pub fn users_of(&self, stage: usize) -> Vec<usize> {
        let mut users = self.index.children[stage].clone();
        for copy in self.copies_from(stage) {
            if !users.contains(&copy.stage) {
                users.push(copy.stage);
            }
        }
        users
    }

    /// BuildKit builds the stage for a target: it is the final stage, a stage another build
    /// of the repository names as its target (compose services of several targets) or a last
    /// stage of a chain that starts a program of its own (an image built with `--target`), or
    /// one a target is built on or copies from, at any remove. BuildKit skips the others (a
    /// download stage nothing copies from). True when the target is not known.
    pub fn built_for_target(&self, stage: usize) -> bool {
        let Some(target) = self.final_stage else {
            return true;
        };
        // A stage nothing uses that sets its own start command is an image of its own, built
        // with `--target`; one that starts nothing (a download stage left behind) is not.
        let named = |s: usize| {
            self.build.as_deref().is_some_and(|b| {
                self.stages[s]
                    .name
                    .as_deref()
                    .is_some_and(|n| b.targets.iter().any(|t| t == n))
            }) || (self.users_of(s).is_empty()
                && self.chain(s).iter().any(|&c| {
                    self.stages[c].body.iter().any(|&i| {
                        matches!(
                            self.instruction(i).keyword,
                            Keyword::Entrypoint | Keyword::Cmd
                        )
                    })
                }))
        };
        let mut seen = vec![stage];
        let mut work = vec![stage];
        while let Some(current) = work.pop() {
            if current == target || named(current) {
                return true;
            }
            for user in self.users_of(current) {
                if !seen.contains(&user) {
                    seen.push(user);
                    work.push(user);
                }
            }
        }
        false
    }

    /// The copies that take files from a stage, in file order.
    pub fn copies_from(&self, stage: usize) -> impl Iterator<Item = &Copy> {
        self.index.copies_from[stage]
            .iter()
            .map(|&i| &self.copies[i])
    }

    /// COPY/ADD instructions of the final chain.
    pub fn final_copies(&self) -> impl Iterator<Item = &Copy> {
        let chain = self.final_chain();
        self.copies.iter().filter(move |c| chain.contains(&c.stage))
    }

    /// The final chain copies musl's loader in from a stage (`COPY --from=build
    /// /lib/ld-musl-x86_64.so.1 /lib/`): it carries the C library a musl-linked binary needs.
    pub fn final_copies_musl_loader(&self) -> bool {
        self.final_copies().any(|c| {
            c.source != super::copy::CopySource::Context
                && c.sources
                    .iter()
                    .filter_map(|s| s.usable())
                    .any(crate::knowledge::files::is_musl_loader)
        })
    }

    /// The `USER` in effect in the final image, if any USER is set.
    pub fn final_user(&self) -> Option<&UserSetting> {
        self.final_stage()?.user.as_ref()
    }

    /// Whether `NAME` is declared (ARG or ENV) in a stage's chain before an instruction: only
    /// then does a RUN see an automatic platform ARG. Stages built FROM a stage keep its ARGs,
    /// as BuildKit does.
    pub fn declared_before(&self, stage: usize, instruction: usize, name: &str) -> bool {
        let Some(declarations) = self.index.declarations.get(name) else {
            return false;
        };
        let chain = self.chain(stage);
        declarations
            .iter()
            .take_while(|&&i| i < instruction)
            .any(|&i| self.stage_of[i].is_some_and(|s| chain.contains(&s)))
    }

    /// The ENTRYPOINT and CMD in effect in the final chain (instruction indexes). An
    /// ENTRYPOINT resets a CMD set before it, as BuildKit does; `ENTRYPOINT []` clears it.
    pub fn start_instructions(&self) -> (Option<usize>, Option<usize>) {
        let mut entrypoint = None;
        let mut cmd = None;
        for &stage in self.final_chain().iter().rev() {
            for &i in &self.stages[stage].body {
                match self.instruction(i).keyword {
                    Keyword::Entrypoint => {
                        // `ENTRYPOINT []` clears the entrypoint: the CMD that follows starts.
                        let empty = matches!(&self.instruction(i).args,
                            crate::syntax::Args::Exec(exec) if exec.elements.is_empty());
                        entrypoint = (!empty).then_some(i);
                        cmd = None;
                    }
                    Keyword::Cmd => cmd = Some(i),
                    _ => {}
                }
            }
        }
        (entrypoint, cmd)
    }

    /// The image's default command only prints usage (`ENTRYPOINT ["cfssl"]` with `CMD
    /// ["--help"]`): a command-line tool, run with a subcommand each time. A port it `EXPOSE`s
    /// serves one of its modes, not what the image is.
    pub fn default_prints_usage(&self) -> bool {
        let (entrypoint, cmd) = self.start_instructions();
        let Some(cmd) = cmd.filter(|_| entrypoint.is_some()) else {
            return false;
        };
        let words: Vec<&str> = self
            .instruction(cmd)
            .arg_words()
            .iter()
            .flat_map(|w| w.value.split_whitespace())
            .collect();
        matches!(words.as_slice(), [word] if crate::knowledge::conventions::USAGE_ARGS.contains(word))
    }

    /// The HEALTHCHECK in effect in the final chain.
    pub fn healthcheck(&self) -> Option<usize> {
        self.chain_instructions(self.final_stage?)
            .into_iter()
            .rfind(|&i| self.instruction(i).keyword == Keyword::Healthcheck)
    }
}
