//! Go settings the file writes, with the value each one replaces: `ENV`, `ARG` defaults, inline
//! assignments and `export` of variables such as GOPATH or GO111MODULE. A setting is only
//! redundant when the value before it is known, so each write carries what was in effect
//! there (from the official image's own ENV, an earlier instruction or a parent stage).

use std::collections::BTreeMap;

use super::facts::FileFacts;
use super::stage::StageBase;
use crate::knowledge::go_command;
use crate::knowledge::go_images::GOLANG_IMAGE_ENV;
use crate::knowledge::images::Family;
use crate::shell::{Command, ShellWord};
use crate::source::TextRange;
use crate::syntax::{Args, Keyword};

/// How a setting is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingForm {
    /// Pair `pair` of an `ENV` instruction with `pairs` pairs.
    Env { pair: usize, pairs: usize },
    /// An `ARG NAME=default`.
    Arg,
    /// `NAME=value command` in a RUN: for that command only.
    Inline,
    /// `export NAME=value` in a RUN: for the rest of that RUN.
    Export,
    /// `go env -w NAME=value` in a RUN: written to Go's own environment file, for every later
    /// `go` command of the user who ran it.
    GoEnv,
}

/// A variable's state at some point of the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// Not set: the Go default applies.
    Unset,
    /// Set to this literal value.
    Value(String),
    /// Set by something gopherlint cannot read (a base image it does not know, a variable).
    Unknown,
}

/// One write of a watched variable.
#[derive(Debug, Clone)]
pub struct EnvWrite {
    pub stage: usize,
    pub instruction: usize,
    pub form: SettingForm,
    pub name: String,
    /// The value written, when it is a literal.
    pub value: Option<String>,
    /// What was in effect just before.
    pub before: Setting,
    /// `NAME=value` (or `NAME value`) as written.
    pub range: TextRange,
    /// The RUN's command, for inline and exported settings.
    pub command: Option<Command>,
    /// For RUN settings: the script was read completely and the words are plain source
    /// slices, so an edit is exact.
    pub editable: bool,
}

/// What the official golang image sets a variable to: its Linux variants' ENV, and unset for
/// every other Go variable.
fn golang_image_value(name: &str) -> Setting {
    GOLANG_IMAGE_ENV
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Setting::Unset, |(_, value)| Setting::Value((*value).into()))
}

/// A literal value: no expansion, so what is written is what is set.
fn literal(value: &str) -> Option<String> {
    (!value.contains(['$', '`'])).then(|| value.to_string())
}

impl FileFacts<'_> {
    /// Every write of the named variables, in file order, each with the value it replaces.
    pub fn env_writes(&self, names: &[&str]) -> Vec<EnvWrite> {
        let mut writes = Vec::new();
        // The value at the end of each stage, for the stages built FROM it.
        let mut at_end: Vec<BTreeMap<String, Setting>> = Vec::new();
        for stage in &self.stages {
            let mut current: BTreeMap<String, Setting> = names
                .iter()
                .map(|&name| {
                    let start = match &stage.base {
                        StageBase::Stage(parent) => at_end
                            .get(*parent)
                            .and_then(|m| m.get(name).cloned())
                            .unwrap_or(Setting::Unknown),
                        // The Windows variants use `C:\gopath`: only the Linux ones are known.
                        StageBase::Image(image)
                            if self.official_golang(stage.index)
                                && stage.facts.family != Family::Windows
                                && !image.has_windows_tag() =>
                        {
                            golang_image_value(name)
                        }
                        _ => Setting::Unknown,
                    };
                    (name.to_string(), start)
                })
                .collect();
            // Names whose current value an ENV set (an ARG cannot override those).
            let mut by_env: Vec<String> = names
                .iter()
                .filter(|n| current.get(**n) != Some(&Setting::Unset))
                .map(|n| n.to_string())
                .collect();
            for &index in &stage.body {
                self.writes_of(stage.index, index, &mut current, &mut by_env, &mut writes);
            }
            at_end.push(current);
        }
        writes
    }

    /// Whether an instruction other than `except` expands the variable `name` (`ENV
    /// SRC=$GOPATH/src/app`): the file then depends on its value, and a setting that pins the
    /// value states the dependency.
    pub fn refers_to(&self, name: &str, except: usize) -> bool {
        self.arguments_except(except)
            .any(|args| super::cross::references(args).iter().any(|r| r == name))
    }

    /// The argument text of every instruction but `except`, as written.
    fn arguments_except(&self, except: usize) -> impl Iterator<Item = &str> {
        self.file
            .instructions
            .iter()
            .enumerate()
            .filter(move |(index, _)| *index != except)
            .filter_map(|(_, instruction)| instruction.args_range)
            .map(|range| &self.text[range.start..range.end])
    }

    /// Whether an instruction other than `except` names a path under one of `dirs` as
    /// written (`COPY --from=build /go/bin/tool /`, `curl -o /go/bin/x`): the file then
    /// depends on that layout, and a setting that pins it states the dependency. A path a
    /// `go build -o` names itself is not a dependency: it is written there whatever the
    /// setting says.
    pub fn names_path_under(&self, dirs: &[&str], except: usize) -> bool {
        let prefixes: Vec<String> = dirs
            .iter()
            .map(|dir| format!("{}/", dir.trim_end_matches('/')))
            .collect();
        let chosen_outputs: Vec<&str> = self
            .go_builds
            .iter()
            .filter(|build| build.flags.iter().any(|flag| flag.name == "o"))
            .filter_map(|build| build.output.as_ref())
            .filter(|output| !output.is_unknown())
            .map(|output| output.text.as_str())
            .collect();
        let path_char = |c: char| c.is_alphanumeric() || "_-./$".contains(c);
        self.arguments_except(except).any(|args| {
            prefixes.iter().any(|prefix| {
                args.match_indices(prefix.as_str()).any(|(at, _)| {
                    let path = args[at..].split(|c: char| !path_char(c)).next();
                    !args[..at].chars().next_back().is_some_and(path_char)
                        && !path.is_some_and(|path| chosen_outputs.contains(&path))
                })
            })
        })
    }

    fn writes_of(
        &self,
        stage: usize,
        index: usize,
        current: &mut BTreeMap<String, Setting>,
        by_env: &mut Vec<String>,
        writes: &mut Vec<EnvWrite>,
    ) {
        let instruction = self.instruction(index);
        match (&instruction.keyword, &instruction.args) {
            (Keyword::Env, Args::KeyValues(pairs)) => {
                for (pair_index, pair) in pairs.iter().enumerate() {
                    let Some(before) = current.get(&pair.key.value).cloned() else {
                        continue;
                    };
                    let value = literal(&pair.value.value);
                    writes.push(EnvWrite {
                        stage,
                        instruction: index,
                        form: SettingForm::Env {
                            pair: pair_index,
                            pairs: pairs.len(),
                        },
                        name: pair.key.value.clone(),
                        value: value.clone(),
                        before,
                        range: pair.key.range.cover(pair.value.range),
                        command: None,
                        editable: true,
                    });
                    current.insert(
                        pair.key.value.clone(),
                        value.map_or(Setting::Unknown, Setting::Value),
                    );
                    by_env.push(pair.key.value.clone());
                }
            }
            (Keyword::Arg, _) => {
                for word in instruction.arg_words() {
                    let (name, default) = match word.value.split_once('=') {
                        Some((n, d)) => (n, Some(d)),
                        None => (word.value.as_str(), None),
                    };
                    let Some(before) = current.get(name).cloned() else {
                        continue;
                    };
                    if by_env.iter().any(|n| n == name) {
                        // ENV wins over ARG: the ARG changes nothing.
                        continue;
                    }
                    let value = default.and_then(literal);
                    if default.is_some() {
                        writes.push(EnvWrite {
                            stage,
                            instruction: index,
                            form: SettingForm::Arg,
                            name: name.to_string(),
                            value: value.clone(),
                            before,
                            range: word.range,
                            command: None,
                            editable: false,
                        });
                    }
                    // A build argument may set any value.
                    current.insert(name.to_string(), Setting::Unknown);
                }
            }
            (Keyword::Run, _) => {
                for run in self.runs_of(index) {
                    let mut local = current.clone();
                    for command in &run.script.commands {
                        let editable = run.script.complete && !command.nested;
                        self.run_writes(stage, index, command, editable, &mut local, writes);
                    }
                }
            }
            _ => {}
        }
    }

    fn run_writes(
        &self,
        stage: usize,
        index: usize,
        command: &Command,
        editable: bool,
        local: &mut BTreeMap<String, Setting>,
        writes: &mut Vec<EnvWrite>,
    ) {
        let write = |name: &str, value: &ShellWord, range: TextRange, form, before| EnvWrite {
            stage,
            instruction: index,
            form,
            name: name.to_string(),
            value: (!value.has_expansion).then(|| value.text.clone()),
            before,
            range,
            command: Some(command.clone()),
            editable: editable && value.exact,
        };
        if !command.argv.is_empty() {
            for a in &command.assignments {
                if let Some(before) = local.get(&a.name).cloned() {
                    writes.push(write(
                        &a.name,
                        &a.value,
                        a.range,
                        SettingForm::Inline,
                        before,
                    ));
                }
            }
        }
        // `go env -w NAME=value ...` writes Go's environment file, read by every later go
        // command (of that user, in this stage and the stages built on it); `export NAME=value`
        // sets the variable for the rest of the RUN.
        let go_env = go_command::env_writes(&command.argv);
        let (form, words): (_, Vec<(&ShellWord, &str, &str)>) = if !go_env.is_empty() {
            let words = go_env
                .into_iter()
                .map(|(i, name, value)| (&command.argv[i], name, value))
                .collect();
            (SettingForm::GoEnv, words)
        } else if command.program() == Some("export") {
            let words = command.argv[1..]
                .iter()
                .filter_map(|w| w.text.split_once('=').map(|(n, v)| (w, n, v)))
                .collect();
            (SettingForm::Export, words)
        } else {
            return;
        };
        for (word, name, value) in words {
            let Some(before) = local.get(name).cloned() else {
                continue;
            };
            let value_word = ShellWord {
                text: value.to_string(),
                ..word.clone()
            };
            writes.push(write(name, &value_word, word.range, form, before));
            if form == SettingForm::Export {
                let after = literal(value)
                    .filter(|_| !word.has_expansion)
                    .map_or(Setting::Unknown, Setting::Value);
                local.insert(name.to_string(), after);
            }
        }
    }
}

/// Whether the go command fetches a module go.sum does not pin where a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnpinnedFetch {
    /// A go command that can (`go mod download`, `tidy`, `go get`, `go install pkg@version`)
    /// runs there; the range is its `go <subcommand>` words.
    At(TextRange),
    /// A RUN there hides its commands (make, a script) or was not read completely.
    Unknown,
    /// Only builds, which refuse a module go.sum does not list (`-mod=readonly`).
    Never,
}

impl FileFacts<'_> {
    /// Where a setting written by `instruction` of `stage` holds (that RUN and the later ones of
    /// the stage and the stages built on it), whether the go command fetches a module go.sum
    /// does not pin: only such a fetch asks the checksum database.
    pub fn unpinned_fetch_after(&self, stage: usize, instruction: usize) -> UnpinnedFetch {
        let later = |s: usize, i: usize| i >= instruction && self.chain(s).contains(&stage);
        if let Some(run) = self
            .go_cache_runs()
            .iter()
            .find(|r| later(r.stage, r.instruction) && r.uses.downloads)
        {
            return UnpinnedFetch::At(run.range);
        }
        let hidden = self
            .runs
            .iter()
            .filter(|r| later(r.stage, r.instruction))
            .any(|r| r.builds_opaquely() || !r.script.complete);
        if hidden {
            UnpinnedFetch::Unknown
        } else {
            UnpinnedFetch::Never
        }
    }

    /// A RUN of the stage's chain runs the go command, or may (make, a script): the image is
    /// built with Go, not only a place for its users to run it.
    pub fn chain_runs_go(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        self.go_cache_runs()
            .iter()
            .any(|r| chain.contains(&r.stage))
            || self
                .runs
                .iter()
                .filter(|r| chain.contains(&r.stage))
                .any(|r| r.builds_opaquely())
    }
}
