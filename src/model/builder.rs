//! Reading the file: one pass over the instructions, stage by stage, following variables,
//! WORKDIR, USER, SHELL, copies and the commands of every RUN. What it reads becomes the
//! model's first step, [`FileFacts`].

use std::collections::HashMap;
use std::sync::Arc;

use super::build_args::declare_args;
use super::context::module_binary_name;
use super::copy::{Copy, CopySource};
use super::facts::{FileFacts, GraphIndex};
use super::go_build::GoBuild;
use super::scripts::{MadeDir, RunScript, installed_with, made_by, run_scripts};
use super::stage::{CreatedGroup, CreatedUser, Stage, StageBase, UserSetting};
use super::start_vars::{image_env, image_reference, platform_args};
use super::tools::{self, ToolRun};
use super::vars::{Value, Var, Vars, word_assignment};
use super::{ModelError, ModelOptions};
use crate::context::BuildContext;
use crate::knowledge::go_command;
use crate::knowledge::go_release::{GoRelease, GoVersion, distribution_release};
use crate::knowledge::images::{BaseFacts, Family, ImageRef, base_facts, default_workdir};
use crate::knowledge::{packages, shells, users};
use crate::paths;
use crate::shell::{self, Script};
use crate::syntax::{Args, Dockerfile, Instruction, Keyword};

/// The facts read so far, in file order.
struct Builder<'a> {
    file: &'a Dockerfile,
    text: &'a str,
    context: Option<Arc<BuildContext>>,
    stages: Vec<Stage>,
    /// The first stage of each name, as BuildKit resolves `FROM name` and `--from=name`.
    stage_names: HashMap<String, usize>,
    global_vars: Vars,
    runs: Vec<RunScript>,
    copies: Vec<Copy>,
    go_builds: Vec<GoBuild>,
    tool_runs: Vec<ToolRun>,
    made_dirs: Vec<MadeDir>,
    stage_of: Vec<Option<usize>>,
    users: Vec<CreatedUser>,
    groups: Vec<CreatedGroup>,
    /// Build args the repository's build passes (`--build-arg`, bake `args`).
    passed_args: Vec<(String, Option<String>)>,
}

/// Reads the file into its facts; `options.target` names the shipped stage.
pub(super) fn read<'a>(
    file: &'a Dockerfile,
    text: &'a str,
    options: &ModelOptions,
) -> Result<FileFacts<'a>, ModelError> {
    let mut builder = Builder {
        file,
        text,
        context: options.context.clone(),
        stages: Vec::new(),
        stage_names: HashMap::new(),
        global_vars: platform_args(&options.platform),
        passed_args: options
            .build
            .as_ref()
            .map(|b| b.args.clone())
            .unwrap_or_default(),
        runs: Vec::new(),
        copies: Vec::new(),
        go_builds: Vec::new(),
        tool_runs: Vec::new(),
        made_dirs: Vec::new(),
        stage_of: vec![None; file.instructions.len()],
        users: Vec::new(),
        groups: Vec::new(),
    };
    builder.run();
    builder.finish(options)
}

impl<'a> Builder<'a> {
    fn run(&mut self) {
        let file = self.file;
        let mut current: Option<usize> = None;
        for (index, instruction) in file.instructions.iter().enumerate() {
            if instruction.keyword == Keyword::From {
                current = Some(self.start_stage(index, instruction));
            } else if let Some(stage) = current {
                self.stage_of[index] = Some(stage);
                self.stages[stage].body.push(index);
                self.stage_instruction(stage, index, instruction);
            } else if instruction.keyword == Keyword::Arg {
                declare_args(&mut self.global_vars, None, instruction, &self.passed_args);
            }
        }
    }

    /// The facts, with the shipped stage chosen and the lookups made.
    fn finish(self, options: &ModelOptions) -> Result<FileFacts<'a>, ModelError> {
        let final_stage = match options.target.as_deref() {
            Some(target) => match self.stage_names.get(&target.to_ascii_lowercase()) {
                Some(&index) => Some(index),
                None => {
                    return Err(ModelError::UnknownTarget {
                        target: target.to_string(),
                        stages: self.stages.iter().filter_map(|s| s.name.clone()).collect(),
                    });
                }
            },
            None => self.stages.len().checked_sub(1),
        };
        let builds_go = !self.go_builds.is_empty()
            || self.stages.iter().any(|s| s.facts.is_go_toolchain())
            || self.runs.iter().any(|r| {
                r.script
                    .commands
                    .iter()
                    .any(|c| c.program().is_some_and(go_command::is_go_program))
            });
        let index = GraphIndex::new(self.file, &self.stages, &self.copies, final_stage);
        let mut go_builds = self.go_builds;
        super::go_build::land_in_made_dirs(&mut go_builds, &self.stages, &self.made_dirs);
        Ok(FileFacts {
            file: self.file,
            text: self.text,
            platform: options.platform.clone(),
            context: self.context,
            build: options.build.clone(),
            run_docs: options.run_docs.clone(),
            repo_wide: options.repo_wide.clone(),
            stages: self.stages,
            global_vars: self.global_vars,
            runs: self.runs,
            copies: self.copies,
            go_builds,
            tool_runs: self.tool_runs,
            made_dirs: self.made_dirs,
            stage_of: self.stage_of,
            users: self.users,
            groups: self.groups,
            final_stage,
            builds_go,
            index,
            go_cache_runs: std::sync::OnceLock::new(),
            side_stage_classes: std::sync::OnceLock::new(),
            go_env_writes: std::sync::OnceLock::new(),
        })
    }

    fn start_stage(&mut self, index: usize, instruction: &Instruction) -> usize {
        let stage_index = self.stages.len();
        self.stage_of[index] = Some(stage_index);
        let words = instruction.arg_words();
        let image_word = words.first().cloned();
        let name = (words.len() == 3 && words[1].value.eq_ignore_ascii_case("as"))
            .then(|| words[2].value.to_ascii_lowercase());
        let reference = image_word
            .as_ref()
            .map(|w| image_reference(&self.global_vars, &w.value));
        let base = match &reference {
            Some(value) => match value.resolved() {
                Some(text) => match self.stage_names.get(&text.to_ascii_lowercase()) {
                    Some(&parent) => StageBase::Stage(parent),
                    None => StageBase::Image(ImageRef::parse(text)),
                },
                None => StageBase::Unknown,
            },
            None => StageBase::Unknown,
        };
        let go_env_file = match &base {
            StageBase::Stage(parent) => self.stages[*parent].go_env_file.clone(),
            _ => Vars::default(),
        };
        let (root_stage, root_image, facts, vars, user, workdir, posix, cc, libs, libc) =
            match &base {
                StageBase::Stage(parent) => {
                    let p = &self.stages[*parent];
                    (
                        p.root_stage,
                        p.root_image.clone(),
                        p.facts,
                        p.vars.clone(),
                        p.user.clone(),
                        p.workdir.clone(),
                        p.posix_shell,
                        p.c_toolchain_installed,
                        p.c_library_installed,
                        p.libc_by_packages,
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
                        default_workdir(image, &facts).map(str::to_string),
                        facts.family != Family::Windows,
                        false,
                        false,
                        None,
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
                    false,
                    None,
                ),
            };
        if let Some(name) = &name {
            self.stage_names.entry(name.clone()).or_insert(stage_index);
        }
        self.stages.push(Stage {
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
            go_env_file,
            workdir,
            posix_shell: posix,
            c_toolchain_installed: cc,
            c_library_installed: libs,
            libc_by_packages: libc,
        });
        stage_index
    }

    fn stage_instruction(&mut self, stage: usize, index: usize, instruction: &Instruction) {
        match instruction.keyword {
            Keyword::Arg => {
                let globals = self.global_vars.clone();
                declare_args(
                    &mut self.stages[stage].vars,
                    Some(&globals),
                    instruction,
                    &self.passed_args,
                );
            }
            Keyword::Env => {
                if let Args::KeyValues(pairs) = &instruction.args {
                    for pair in pairs {
                        let vars = &mut self.stages[stage].vars;
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
                    let s = &mut self.stages[stage];
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
                    let s = &mut self.stages[stage];
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
                    self.stages[stage].posix_shell = !shells::is_windows_shell(&program.value);
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
        let s = &self.stages[stage];
        let source = match instruction.flag("from").and_then(|f| f.value.as_deref()) {
            None => CopySource::Context,
            Some(from) => {
                let value = s.vars.expand_reference(from);
                match value.resolved() {
                    None => CopySource::Unknown,
                    Some(text) => {
                        let named = self
                            .stage_names
                            .get(&text.to_ascii_lowercase())
                            .copied()
                            .filter(|&i| i < stage);
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
                // A source path built from a variable nothing sets (`/src/${BIN}` with `ARG
                // BIN` and no default) names what the build passes in, not the directory the
                // empty value would leave.
                let v = s.vars.expand_strict(&w.value);
                if from_root && !v.is_unknown() {
                    Value {
                        text: paths::join("/", &v.text),
                        certainty: v.certainty,
                    }
                } else if !v.is_unknown() && v.text.split('/').any(|part| part == "..") {
                    // BuildKit resolves a context path inside the context, whose root `..`
                    // cannot leave: `COPY ../../csi /src` copies `csi`, `COPY .. .` all of it.
                    let inside = paths::join("/", &v.text);
                    let relative = inside.trim_start_matches('/');
                    Value {
                        text: if relative.is_empty() { "." } else { relative }.to_string(),
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
        let chown_flag = instruction.flag("chown");
        self.copies.push(Copy {
            stage,
            instruction: index,
            source,
            sources,
            dest,
            dest_is_dir,
            is_add: instruction.keyword == Keyword::Add,
            chown: chown_flag
                .and_then(|f| f.value.as_deref())
                .map(|v| s.vars.expand(v)),
            chown_range: chown_flag.and_then(|f| f.value_range),
            link: instruction.flag("link").is_some(),
            parents_or_exclude: instruction.flag("parents").is_some()
                || instruction.flag("exclude").is_some(),
        });
    }

    fn run_instruction(&mut self, stage: usize, index: usize, instruction: &Instruction) {
        if !self.stages[stage].posix_shell {
            return;
        }
        for script in run_scripts(instruction, self.text) {
            self.walk_script(stage, index, &script);
            self.runs.push(RunScript {
                stage,
                instruction: index,
                script,
            });
        }
    }

    /// Follows a RUN's commands in order, tracking `export`, assignments and `cd`, and records
    /// every go build/install with the environment it sees.
    fn walk_script(&mut self, stage: usize, index: usize, script: &Script) {
        let mut vars = self.stages[stage].vars.clone();
        let mut cwd = self.stages[stage].workdir.clone();
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
            if tools::is_followed(command) {
                let mut env = vars.clone();
                for a in &command.assignments {
                    assign(&mut env, a, true);
                }
                self.tool_runs.push(ToolRun {
                    stage,
                    instruction: index,
                    command: command.clone(),
                    env,
                    cwd: cwd.clone(),
                    script: self.runs.len(),
                    position: script
                        .commands
                        .iter()
                        .take_while(|c| !std::ptr::eq(*c, command))
                        .count(),
                    script_complete: script.complete,
                });
            }
            for (i, name, value) in go_command::env_writes(&command.argv) {
                let var = Var {
                    value: Some(vars.expand(value)),
                    origin: Some(command.argv[i].range),
                    from_env: false,
                    exported: true,
                };
                self.stages[stage].go_env_file.set(name, var);
            }
            match command.program() {
                Some("export") => {
                    for word in &command.argv[1..] {
                        if word.text.starts_with('-') {
                            continue;
                        }
                        match word.text.split_once('=') {
                            Some((name, value)) => {
                                let a = word_assignment(word, name, value, word.has_expansion);
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
                Some(program)
                    if let Some((name, value)) =
                        crate::knowledge::shells::powershell_env_assignment(program) =>
                {
                    let a = word_assignment(&command.argv[0], name, value, false);
                    assign(&mut vars, &a, true);
                }
                // A Go distribution downloaded by the file: its archive names the release,
                // where the base image said nothing of Go.
                Some(program)
                    if crate::knowledge::tools::DOWNLOADERS.contains(&program)
                        && self.stages[stage].facts.go == GoRelease::Unknown =>
                {
                    let release = command.argv[1..].iter().find_map(|w| {
                        let url = vars.expand_strict(&w.text);
                        distribution_release(url.usable()?)
                    });
                    if let Some(version) = release {
                        self.stages[stage].facts.go =
                            GoRelease::Version(GoVersion::new(version.major, version.minor));
                    }
                }
                // `install -d DIR` makes directories as `mkdir -p` does.
                Some(maker @ ("mkdir" | "install"))
                    if maker == "mkdir"
                        || command.argv[1..]
                            .iter()
                            .any(|w| matches!(w.text.as_str(), "-d" | "--directory")) =>
                {
                    let made = made_by(command, &vars, cwd.as_deref());
                    self.made_dirs.extend(made.into_iter().map(|path| MadeDir {
                        stage,
                        instruction: index,
                        path,
                    }));
                }
                Some("cd") => {
                    let target = command.argv.get(1).map(|w| vars.expand(&w.text));
                    cwd = match (target, cwd) {
                        (Some(t), Some(c)) => t.usable().map(|t| paths::join(&c, t)),
                        _ => None,
                    };
                }
                Some(program) if users::creates_group(program) => {
                    if let Some(group) = super::users::created_group(stage, command, &vars) {
                        self.groups.push(group);
                    }
                }
                Some(program) if users::creates_user(program) => {
                    if let Some(user) = super::users::created_user(stage, command, &vars) {
                        self.users.push(user);
                    }
                }
                Some(program)
                    if go_command::is_go_program(program)
                        && go_command::writes_binary(&command.argv) =>
                {
                    let mut env = vars.clone();
                    for a in &command.assignments {
                        assign(&mut env, a, true);
                    }
                    for (name, var) in self.stages[stage].go_env_file.iter() {
                        if !env.get(name).is_some_and(|v| v.exported) {
                            env.set(name, var.clone());
                        }
                    }
                    let module = module_binary_name(
                        &self.stages,
                        &self.copies,
                        self.context.as_deref(),
                        stage,
                        cwd.as_deref(),
                    );
                    let build = GoBuild::read(
                        self.go_builds.len(),
                        (stage, index),
                        command,
                        env,
                        (cwd.as_deref(), module.as_deref()),
                        script,
                    );
                    self.go_builds.push(build);
                }
                // A package install (no earlier arm's program installs packages), read once.
                _ => {
                    let installed = installed_with(command).or_else(|| {
                        let split = command
                            .field_split(|w| vars.expand_strict(w).usable().map(str::to_string))?;
                        installed_with(&split)
                    });
                    if let Some((manager, installed)) = installed {
                        let stage = &mut self.stages[stage];
                        stage.libc_by_packages.get_or_insert(manager.libc());
                        stage.c_toolchain_installed |=
                            installed.iter().any(|p| packages::is_c_toolchain(p));
                        stage.c_library_installed |=
                            installed.iter().any(|p| packages::is_c_library_headers(p));
                    }
                }
            }
        }
    }
}
