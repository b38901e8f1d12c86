//! Go builds: each `go build` and `go install` with the environment it sees, its flags from
//! the command line and GOFLAGS (read as the go command reads them, `knowledge::go_command`),
//! the effective `CGO_ENABLED`, where it writes its binary, and the build cache it uses.

use super::facts::FileFacts;
use super::go_caches::{GoCache, holds};
use super::scripts::{MadeDir, RunScript, made_dirs};
use super::stage::{Stage, chain_of};
use super::vars::{Certainty, Value, Vars};
use crate::knowledge::files;
use crate::knowledge::go_command::{self, FlagUse, GoFlag, GoSubcommand};
use crate::paths;
use crate::shell::{Command, Script};
use crate::source::TextRange;

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
    /// Its place in `FileFacts::go_builds` (what ships is told by this index).
    pub index: usize,
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
    /// The whole RUN could be read (no unclosed quote or substitution).
    pub script_complete: bool,
    /// The directory the command runs in (absolute), where known.
    pub cwd: Option<String>,
}

impl GoBuild {
    /// The build a `go build` or `go install` command makes, with the environment it sees.
    pub(super) fn read(
        index: usize,
        (stage, instruction): (usize, usize),
        command: &Command,
        env: Vars,
        (cwd, module): (Option<&str>, Option<&str>),
        script: &Script,
    ) -> GoBuild {
        let (flags, first_positional) = go_command::parse_flags(&command.argv);
        let (goflags, goflags_origin) = match env.exported_value("GOFLAGS") {
            Some((value, origin)) => match value.usable() {
                Some(text) => (go_command::parse_goflags(text), origin),
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
        let output = output_path(command, &flags, first_positional, (cwd, module), &env);
        GoBuild {
            index,
            stage,
            instruction,
            subcommand: GoSubcommand::parse(&command.argv[1].text),
            go_range: command.argv[0].range.cover(command.argv[1].range),
            command: command.clone(),
            flags,
            goflags,
            goflags_origin,
            first_positional,
            cgo,
            env,
            output,
            script_complete: script.complete,
            cwd: cwd.map(crate::paths::normalize),
        }
    }

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

    /// The build reads its dependencies from the vendor directory (`-mod=vendor`, on the
    /// command line or in GOFLAGS): no module cache is involved.
    pub fn vendored(&self) -> bool {
        self.effective_flag("mod")
            .is_some_and(|u| u.flag.value.as_deref() == Some("vendor"))
    }

    /// The package arguments.
    pub fn packages(&self) -> impl Iterator<Item = &str> {
        self.command
            .argv
            .iter()
            .skip(self.first_positional)
            .map(|w| w.text.as_str())
    }

    /// The build runs in the legacy GOPATH mode (`GO111MODULE=off` exported to it): sources
    /// are found under `$GOPATH/src/<import path>`, so file paths in the binary are already
    /// import paths under the GOPATH.
    pub fn gopath_mode(&self) -> bool {
        self.env.get("GO111MODULE").is_some_and(|var| {
            var.exported && var.value.as_ref().and_then(|v| v.usable()) == Some("off")
        })
    }

    /// The build runs in `$GOPATH/src/<import path>` (`/go/src/github.com/org/repo`), the
    /// layout from before modules: the file paths it embeds are the import paths under
    /// `$GOPATH/src`, which tell nothing of a build machine.
    pub fn builds_in_gopath_src(&self) -> bool {
        let Some(cwd) = self.cwd.as_deref() else {
            return false;
        };
        let Some(gopath) = self
            .env
            .exported_value("GOPATH")
            .and_then(|(value, _)| value.usable().map(str::to_string))
        else {
            // A base gopherlint cannot read (`FROM ${BUILDER_IMAGE}`) whose GOPATH it does not
            // know: `.../src/<host>/...` is the layout all the same.
            return crate::paths::normalize(cwd)
                .split_once("/src/")
                .and_then(|(_, rest)| rest.split('/').next())
                .is_some_and(|host| host.contains('.'));
        };
        let gopath = crate::paths::normalize(&gopath);
        let cwd = crate::paths::normalize(cwd);
        // `$GOPATH/<import path>` without `src` (metallb's `/go/go.universe.tf/metallb`)
        // embeds the import path too: `-trimpath` would drop only the GOPATH before it.
        cwd.strip_prefix(gopath.trim_end_matches('/'))
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|rest| rest.strip_prefix("src/").unwrap_or(rest))
            .and_then(|rest| rest.split('/').next())
            .is_some_and(|host| host.contains('.'))
    }

    /// The build runs in `.../src/<module path>` (or a folder of it): a GOPATH layout for a
    /// module path of any form, a bare `kubedoom` included, which the binary embeds already.
    pub fn builds_in_src_module_path(&self, module: &str) -> bool {
        let Some(cwd) = self.cwd.as_deref() else {
            return false;
        };
        let cwd = crate::paths::normalize(cwd);
        let at = format!("/src/{}", module.trim_matches('/'));
        cwd.match_indices(&at).any(|(i, _)| {
            let rest = &cwd[i + at.len()..];
            rest.is_empty() || rest.starts_with('/')
        })
    }

    /// The build names source files (`go build cmd/main.go`, `go build ./cmd/app/*`), not a
    /// package: Go builds them as `command-line-arguments`, outside the main module, and never
    /// stamps VCS information into the binary (golang/go#51279).
    pub fn builds_named_files(&self) -> bool {
        let mut packages = self.packages().peekable();
        packages.peek().is_some()
            && packages.all(|p| p.ends_with(".go") || p.ends_with("/*") || p == "*")
    }

    /// `go install pkg@version` of a package from elsewhere: a tool, not this file's program.
    pub fn is_tool_install(&self) -> bool {
        self.subcommand == GoSubcommand::Install
            && self.packages().next().is_some()
            && self.packages().all(|p| p.contains('@'))
    }

    /// A race-detector, coverage, test or debugger build (`-race`, `-cover`, `go test -c`,
    /// `-gcflags=all=-N -l`): made to test or debug, where stripping and static linking are
    /// not the goal.
    pub fn is_test_or_debug(&self) -> bool {
        if self.has_flag("race") || self.has_flag("cover") || self.subcommand == GoSubcommand::Test
        {
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

    /// Every occurrence of a flag, in the order `go` applies them: GOFLAGS first, then argv.
    pub fn flag_uses(&self, name: &str) -> Vec<FlagUse<'_>> {
        go_command::flag_uses(&self.flags, &self.goflags, name)
    }

    /// The occurrence in effect: command-line flags override GOFLAGS, and the last one wins.
    pub fn effective_flag(&self, name: &str) -> Option<FlagUse<'_>> {
        self.flag_uses(name).pop()
    }

    /// The source range of a command-line flag: its name word through its value word.
    pub fn flag_range(&self, flag: &GoFlag) -> Option<TextRange> {
        let first = self.command.argv.get(flag.name_word?)?;
        let last = self
            .command
            .argv
            .get(flag.value_word.unwrap_or(flag.name_word?))?;
        Some(first.range.cover(last.range))
    }

    /// `go build` of several packages (or a `...` pattern) without `-o` compiles them and
    /// throws the results away: it writes no binary (a cache-warming or check build).
    pub fn writes_nothing(&self) -> bool {
        // `go build -o /dev/null`, and builds of the standard library's patterns (`go build
        // std`, `go install std`): they only fill the build cache, and ship no program.
        let discarded = self.output.as_ref().is_some_and(|o| o.text == "/dev/null");
        let library_only = self.packages().count() > 0
            && self.packages().all(|p| matches!(p, "std" | "cmd" | "all"));
        discarded
            || library_only
            || (self.subcommand == GoSubcommand::Build
                && !self.has_flag("o")
                && (self.packages().count() > 1 || self.packages().any(|p| p.contains("..."))))
    }

    /// `-buildmode=plugin`: a Go plugin, which the program that loads it must match package
    /// for package, build flags such as `-trimpath` included.
    pub fn builds_plugin(&self) -> bool {
        self.flags
            .iter()
            .chain(&self.goflags)
            .any(|f| f.name == "buildmode" && f.value.as_deref() == Some("plugin"))
    }

    /// The build mode in effect (from the command line or GOFLAGS) links an executable that
    /// needs the dynamic loader (`-buildmode=pie`): it does not start on `scratch`.
    pub fn needs_dynamic_loader(&self) -> bool {
        self.effective_flag("buildmode")
            .and_then(|u| u.flag.value.as_deref())
            .is_some_and(|mode| crate::knowledge::go_linker::LOADER_BUILD_MODES.contains(&mode))
    }

    /// `go build -o DIR` of several packages (`./cmd/...`) writes each binary into `DIR`, under
    /// names the file does not spell: the output is that directory (Go refuses a file there).
    /// So does `go install` of several (`go install example.com/tool/...@v4`), into GOBIN.
    pub fn writes_into_dir(&self) -> bool {
        let into_dir = match self.subcommand {
            GoSubcommand::Build => self.has_flag("o"),
            GoSubcommand::Install => true,
            _ => false,
        };
        into_dir && (self.packages().count() > 1 || self.packages().any(|p| p.contains("...")))
    }

    /// The build writes WebAssembly (`GOARCH=wasm`, for a browser or a wasm runtime), not a
    /// program the image runs.
    pub fn is_wasm(&self) -> bool {
        self.env
            .exported_value("GOARCH")
            .and_then(|(v, _)| v.resolved())
            == Some("wasm")
    }

    /// The GOOS the build compiles for, where it can be told: unset means the builder's own,
    /// and builders here are Linux.
    pub fn target_os(&self) -> Option<String> {
        match self.env.exported_value("GOOS") {
            None => Some("linux".into()),
            Some((value, _)) => value.resolved().map(str::to_string),
        }
    }
}

/// The type of a `--mount` spec (`type=cache,target=...`): `bind` when it names none, as
/// BuildKit reads it.
pub(crate) fn mount_type(spec: &str) -> &str {
    spec.split(',')
        .find_map(|field| field.trim().strip_prefix("type="))
        .unwrap_or("bind")
}

impl FileFacts<'_> {
    /// Whether the RUN mounts a cache (`--mount=type=cache`), whatever its target.
    pub fn mounts_a_cache(&self, instruction: usize) -> bool {
        self.mounts_of_type(instruction, "cache")
    }

    /// Whether the RUN has a `--mount` of this type (`cache`, `bind`, the default).
    pub fn mounts_of_type(&self, instruction: usize, kind: &str) -> bool {
        self.instruction(instruction)
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .any(|f| {
                f.value
                    .as_deref()
                    .is_some_and(|spec| mount_type(spec) == kind)
            })
    }

    /// The `--mount=type=cache` of the build's RUN whose target is the build cache (GOCACHE,
    /// by default `$HOME/.cache/go-build`, `/root/.cache/go-build` for root) or a directory
    /// above it: the mount flag's range. `None` when there is none or the cache directory cannot be told.
    pub fn build_cache_mount(&self, build: &GoBuild) -> Option<TextRange> {
        let gocache =
            self.go_cache_dir(GoCache::Build, &build.env, build.stage, build.instruction)?;
        self.cache_mounts(build.stage, build.instruction)
            .into_iter()
            .find(|m| m.target.as_deref().is_some_and(|t| holds(t, &gocache)))
            .map(|m| m.range)
    }
}

/// Where a `go build` or `go install` writes its binary, as an absolute path; `None` when it
/// cannot be told (unknown variables, several packages).
pub fn output_path(
    command: &Command,
    flags: &[GoFlag],
    first_positional: usize,
    (cwd, module): (Option<&str>, Option<&str>),
    env: &Vars,
) -> Option<Value> {
    let subcommand = go_command::subcommand(&command.argv)?;
    let packages: Vec<&str> = command.argv[first_positional..]
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    let binary_name = || -> Option<String> {
        let package = packages.first().copied().unwrap_or(".");
        if packages.iter().any(|p| p.contains("...")) {
            return None;
        }
        if package.ends_with(".go") {
            return Some(paths::basename(package).trim_end_matches(".go").to_string());
        }
        let package = package.split('@').next().unwrap_or(package);
        let path = if package.starts_with('.') || package.starts_with('/') {
            let joined = paths::join(cwd?, package);
            // The module's own directory: the binary is named after the module path in
            // go.mod, which only the build context shows.
            if Some(joined.as_str()) == cwd.map(paths::normalize).as_deref() {
                return module.map(str::to_string);
            }
            joined
        } else {
            package.to_string()
        };
        // `example.com/cmd/app/v2` installs `app`.
        go_command::binary_name(&path).map(str::to_string)
    };
    let known = |path: String, like: &Value| Value {
        text: path,
        certainty: like.certainty,
    };
    if let Some(flag) = flags.iter().rev().find(|f| f.name == "o") {
        let raw = flag.value.as_deref()?;
        let value = env.expand(raw);
        if value.is_unknown() {
            return None;
        }
        let base = if value.text.starts_with('/') {
            "/"
        } else {
            cwd?
        };
        let joined = paths::join(base, &value.text);
        if value.text.ends_with('/') {
            return Some(known(
                format!("{joined}/{}", binary_name()?).replace("//", "/"),
                &value,
            ));
        }
        return Some(known(joined, &value));
    }
    match subcommand {
        GoSubcommand::Build => {
            let name = binary_name()?;
            Some(Value::known(paths::join(cwd?, &name)))
        }
        // `go test -c` names the binary after the package, with `.test`.
        GoSubcommand::Test => {
            let name = binary_name()?;
            Some(Value::known(paths::join(cwd?, &format!("{name}.test"))))
        }
        GoSubcommand::Install => {
            let bin = match env.exported_value("GOBIN") {
                Some((v, _)) if !v.text.is_empty() => v.clone(),
                _ => {
                    let gopath = env.exported_value("GOPATH").map_or_else(
                        || Value::known(files::ROOT_DEFAULT_GOPATH),
                        |(v, _)| v.clone(),
                    );
                    let first = gopath.text.split(':').next().unwrap_or("").to_string();
                    Value {
                        text: format!("{first}/bin"),
                        certainty: gopath.certainty,
                    }
                }
            };
            if bin.is_unknown() {
                return None;
            }
            // Several commands go into GOBIN itself, by names the file does not spell.
            if packages.len() > 1 || packages.iter().any(|p| p.contains("...")) {
                return Some(known(paths::normalize(&bin.text), &bin));
            }
            Some(known(paths::join(&bin.text, &binary_name()?), &bin))
        }
        _ => None,
    }
}

/// `go build -o /out` writes `/out/<name>` when `/out` is a directory: one an earlier `mkdir`
/// of the build's chain made. The output path is corrected in place, so what ships is read
/// from where the binary really is.
pub(super) fn land_in_made_dirs(builds: &mut [GoBuild], stages: &[Stage], made: &[MadeDir]) {
    for build in builds.iter_mut() {
        let Some(output) = build.output.as_ref().filter(|o| !o.is_unknown()) else {
            continue;
        };
        let chain = chain_of(stages, build.stage);
        let made =
            made_dirs(made, &chain, build.instruction).contains(&paths::normalize(&output.text));
        let name = build
            .packages()
            .next()
            .map(|p| p.split('@').next().unwrap_or(p));
        let name = name
            .filter(|p| !matches!(paths::basename(p), "." | "") && !p.contains("..."))
            .and_then(go_command::binary_name);
        if made && let Some(name) = name {
            let text = paths::join(&output.text, name);
            build.output = Some(Value {
                text,
                ..output.clone()
            });
        }
    }
}

impl FileFacts<'_> {
    /// The build compiles another project's sources fetched in the file, not this project's:
    /// a `git clone` earlier in its RUN (`git clone .../gosu && cd gosu && go build`), or a
    /// clone or `git fetch`, or a download unpacked (`curl -L .../v1.2.tar.gz | tar -x`), or an
    /// `ADD` of a URL, earlier in its stage's chain, which takes nothing from the build context
    /// before it.
    pub fn builds_fetched_sources(&self, build: &GoBuild) -> bool {
        use crate::knowledge::tools::{DOWNLOADERS, UNPACKERS, is_clone, is_git_fetch};
        let before = |r| commands_before(r, build);
        let same_run: Vec<&Command> = self
            .runs_of(build.instruction)
            .iter()
            .flat_map(before)
            .collect();
        if same_run.iter().any(|c| is_clone(&c.texts())) {
            return true;
        }
        let chain = chain_of(&self.stages, build.stage);
        let earlier = |instruction: usize| {
            self.stage_of
                .get(instruction)
                .copied()
                .flatten()
                .is_some_and(|s| chain.contains(&s))
                && instruction <= build.instruction
        };
        let own_sources = self.copies.iter().any(|c| {
            earlier(c.instruction) && c.source == super::copy::CopySource::Context && !c.is_remote()
        });
        if own_sources {
            return false;
        }
        let added_url = self
            .copies
            .iter()
            .any(|c| earlier(c.instruction) && c.is_remote());
        let commands: Vec<&Command> = chain
            .iter()
            .flat_map(|&s| self.runs_in_stage(s))
            .filter(|r| r.instruction <= build.instruction)
            .flat_map(before)
            .collect();
        let program = |c: &&Command, names: &[&str]| {
            c.program()
                .is_some_and(|p| names.contains(&p.rsplit('/').next().unwrap_or(p)))
        };
        let cloned = commands.iter().any(|c| {
            let argv = c.texts();
            is_clone(&argv) || is_git_fetch(&argv)
        });
        let unpacked_download = commands.iter().any(|c| program(c, DOWNLOADERS))
            && commands.iter().any(|c| program(c, UNPACKERS));
        cloned || unpacked_download || added_url
    }
}

/// A RUN's commands that run before `build` (all of them in an earlier RUN).
fn commands_before<'a>(run: &'a RunScript, build: &GoBuild) -> Vec<&'a Command> {
    run.script
        .commands
        .iter()
        .map(std::ops::Deref::deref)
        .take_while(|c| run.instruction < build.instruction || c.range() != build.command.range())
        .collect()
}
