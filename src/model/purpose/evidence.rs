//! The evidence classification weighs: what the final image starts and where it lives, the
//! Go toolchain in it, what it copies in from the build context, check stages, test builds.

use super::Classifier;
use crate::knowledge::files::{GOROOT, may_be_program};
use crate::knowledge::go_command::{self, GoSubcommand};
use crate::knowledge::images::image_path;
use crate::knowledge::{conventions, packages};
use crate::model::copy::CopySource;
use crate::model::go_build::GoBuild;
use crate::model::scripts::installed_packages;
use crate::model::stage::Stage;
use crate::paths;
use crate::shell;
use crate::syntax::{Args, Keyword};

impl Classifier<'_, '_> {
    /// The final chain holds a Go toolchain: a Go base, a copied Go distribution, or an
    /// installed `go` package.
    pub(super) fn final_has_go_toolchain(&self) -> bool {
        let Some(stage) = self.final_stage() else {
            return false;
        };
        // A Go image, or Go the model found installed in the stage (a release tarball
        // unpacked into /usr/local).
        if stage.facts.is_go_toolchain() || stage.facts.go.version().is_some() {
            return true;
        }
        let copies_go = self.final_copies().any(|c| {
            c.source != CopySource::Context
                && c.sources
                    .iter()
                    .any(|s| s.usable().is_some_and(|p| paths::normalize(p) == GOROOT))
        });
        let chain = self.final_chain();
        // A `go` command run in the shipped chain: Go is there, however it was installed
        // (a tarball, gimme, a distribution package).
        let runs_go = self
            .runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .flat_map(|r| r.script.commands.iter().map(std::ops::Deref::deref))
            .any(|c| matches!(c.program(), Some("go" | "gimme")));
        copies_go
            || runs_go
            || self
                .final_installed_packages()
                .iter()
                .any(|p| packages::is_go_toolchain(p))
    }

    /// Where a started program lives, resolved against the final WORKDIR and PATH.
    fn started_paths(&self, program: &str) -> Vec<String> {
        if program.starts_with('/') {
            return vec![paths::normalize(program)];
        }
        let Some(stage) = self.final_stage() else {
            return Vec::new();
        };
        if program.contains('/') {
            return stage
                .workdir
                .as_deref()
                .map(|cwd| vec![paths::join(cwd, program)])
                .unwrap_or_default();
        }
        let path = stage
            .vars
            .exported_value("PATH")
            .and_then(|(v, _)| v.usable().map(str::to_string))
            .unwrap_or_else(|| image_path(stage.root_image.as_ref()).into());
        path.split(':')
            .filter(|d| d.starts_with('/'))
            .map(|d| paths::join(d, program))
            .collect()
    }

    /// Whether the start program is a binary this file builds, and whether that build is a
    /// tool install (`go install pkg@version`).
    pub(super) fn starts_built_binary(&self, start: &[String]) -> Option<bool> {
        let program = start.first()?;
        let candidates = self.started_paths(program);
        let mut found = None;
        for build in self.shipped() {
            let landed = &self.shipping.builds[build.index].landed;
            // A directory of binaries lands as `/usr/bin/*`: any program started from there.
            let hit = landed.iter().any(|p| {
                candidates.contains(p)
                    || (p.ends_with("/*") && candidates.iter().any(|c| paths::glob_match(p, c)))
            }) || (build.output.as_ref().and_then(|o| o.usable()).is_none()
                && build.output_name().as_deref() == Some(paths::basename(program)));
            if hit {
                let tool = build.is_tool_install();
                found = Some(found.unwrap_or(true) && tool);
            }
        }
        if found.is_none()
            && self.shipping.opaque.iter().any(|binary| {
                binary
                    .landing
                    .as_ref()
                    .is_some_and(|l| candidates.contains(l) || paths::basename(l) == program)
            })
        {
            found = Some(false);
        }
        found
    }

    /// The shipped stage only RUNs checks: no start command in its chain, at least one RUN
    /// of its own, nothing copied in from other stages, no packages installed and no binary
    /// written by a `go build -o` or `go install` of its own.
    pub(super) fn is_check_stage(&self) -> bool {
        let Some(stage) = self.final_stage() else {
            return false;
        };
        if self.final_chain_has(Keyword::Entrypoint) || self.final_chain_has(Keyword::Cmd) {
            return false;
        }
        let mut runs = 0;
        for &i in &stage.body {
            match self.instruction(i).keyword {
                Keyword::Run => runs += 1,
                Keyword::Arg | Keyword::Env | Keyword::Workdir | Keyword::Label => {}
                Keyword::Copy | Keyword::Add => {
                    if self
                        .copies
                        .iter()
                        .any(|c| c.instruction == i && c.source != CopySource::Context)
                    {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        let installs = self
            .runs
            .iter()
            .filter(|r| r.stage == stage.index)
            .flat_map(|r| r.script.commands.iter().map(std::ops::Deref::deref))
            .any(|c| installed_packages(c).is_some());
        let builds = self.go_builds.iter().any(|b| {
            b.stage == stage.index && (b.subcommand == GoSubcommand::Install || b.has_flag("o"))
        });
        runs > 0 && !installs && !builds
    }

    /// The program the image starts needs Go at run time: the final stage copies a Go
    /// toolchain in from another stage (a CLI that scaffolds and builds, next to `go`), or its
    /// start command or start script compiles Go.
    pub(super) fn needs_go_at_run_time(&self) -> Option<String> {
        let stage = self.final_stage()?;
        let copies_goroot = self.copies.iter().any(|c| {
            c.stage == stage.index
                && c.source != CopySource::Context
                && c.sources
                    .iter()
                    .any(|s| s.usable().is_some_and(|p| paths::normalize(p) == GOROOT))
        });
        if copies_goroot && !stage.facts.is_go_toolchain() && self.shipping.start.is_some() {
            return Some(format!(
                "the shipped stage copies the Go toolchain (`{GOROOT}`) in beside the program it starts: that program needs Go at run time"
            ));
        }
        if let Some(why) = self.configures_go_for_run_time(stage) {
            return Some(why);
        }
        let script = self.start_script()?;
        let compiles = shell::parse_script(&crate::syntax::LogicalLine::contiguous(&script, 0))
            .commands
            .iter()
            .any(|c| {
                c.program().is_some_and(go_command::is_go_program)
                    && (go_command::writes_binary(&c.argv)
                        || go_command::subcommand(&c.argv) == Some(GoSubcommand::Run))
            });
        compiles.then(|| {
            "its start script compiles Go (`go build` or `go run`): the toolchain is needed at run time".into()
        })
    }

    /// An ENV that configures the go command (`ENV GOPATH /go`) after the shipped stage's
    /// last go command, in an image that keeps Go and starts a program: no build of the file
    /// reads it, so it is for the running container, whose program runs Go (a notebook
    /// kernel that compiles each cell).
    fn configures_go_for_run_time(&self, stage: &Stage) -> Option<String> {
        self.shipping.start.as_ref()?;
        if !self.final_has_go_toolchain() {
            return None;
        }
        let last_go = self
            .runs
            .iter()
            .filter(|r| r.stage == stage.index)
            .filter(|r| {
                r.script
                    .commands
                    .iter()
                    .any(|c| c.program().is_some_and(go_command::is_go_program))
            })
            .map(|r| r.instruction)
            .max()?;
        stage
            .body
            .iter()
            .filter(|&&i| i > last_go)
            .map(|&i| self.instruction(i))
            .filter(|i| i.keyword == Keyword::Env)
            .find_map(|i| match &i.args {
                Args::KeyValues(pairs) => pairs
                    .iter()
                    .find(|kv| go_command::configures_go_command(&kv.key.value))
                    .map(|kv| kv.key.value.clone()),
                _ => None,
            })
            .map(|key| {
                format!(
                    "the shipped stage sets `{key}` after its last go command, for the running container: the program it starts runs Go"
                )
            })
    }

    /// The text of the script the image starts: the start command itself when it is a shell
    /// (`sh -c "..."`), or a script file copied in from the build context.
    fn start_script(&self) -> Option<String> {
        let start = self.shipping.start.as_ref()?;
        let program = start.first()?;
        let candidates = self.started_paths(program);
        let context = self.context()?;
        self.final_copies()
            .filter(|c| c.source == CopySource::Context)
            .find_map(|c| {
                c.sources
                    .iter()
                    .zip(c.landing_paths())
                    .find(|(_, landing)| landing.as_ref().is_some_and(|l| candidates.contains(l)))
                    .and_then(|(source, _)| context.read_small_file(source.usable()?))
            })
    }

    /// The build whose binary the start command runs: the one the last copy onto the started
    /// path takes (a `test` target that copies a coverage build over the service's binary
    /// runs the coverage build).
    fn started_build(&self) -> Option<&GoBuild> {
        let start = self.shipping.start.as_ref()?;
        let candidates = self.started_paths(start.first()?);
        let copy = self
            .final_copies()
            .filter(|c| matches!(c.source, CopySource::Stage(_)))
            .filter(|c| {
                c.landing_paths()
                    .iter()
                    .flatten()
                    .any(|l| candidates.contains(l))
            })
            .max_by_key(|c| c.instruction)?;
        let CopySource::Stage(from) = copy.source else {
            return None;
        };
        let chain = self.chain(from);
        let copied: Vec<String> = copy
            .sources
            .iter()
            .filter_map(|s| s.usable().map(paths::normalize))
            .collect();
        self.shipped()
            .filter(|b| chain.contains(&b.stage))
            .filter(|b| {
                b.output
                    .as_ref()
                    .and_then(|o| o.usable())
                    .is_some_and(|o| copied.contains(&paths::normalize(o)))
            })
            .last()
    }

    /// The build the image starts, or else every local build that ships, is a test or debug build (`go test -c`, `-cover`,
    /// `-race`, `-gcflags=all=-N -l`): a test image, or a debug one.
    pub(super) fn test_or_debug_builds(
        &self,
    ) -> Option<(super::ImageClass, super::Signal, String)> {
        let local: Vec<&GoBuild> = match self.started_build() {
            Some(build) => vec![build],
            None => self.shipped().filter(|b| !b.is_tool_install()).collect(),
        };
        if local.is_empty() || !local.iter().all(|b| b.is_test_or_debug()) {
            return None;
        }
        let debugger = local.iter().all(|b| {
            !b.has_flag("race") && !b.has_flag("cover") && b.subcommand != GoSubcommand::Test
        });
        Some(if debugger {
            (
                super::ImageClass::Dev,
                super::Signal::Builds,
                "it ships only debugger builds (`-gcflags=all=-N -l`): a debug image".into(),
            )
        } else {
            (
                super::ImageClass::Test,
                super::Signal::Builds,
                "it ships only race, coverage or test builds (`-race`, `-cover`, `go test -c`): an image built to run tests".into(),
            )
        })
    }

    /// Every Go program the image ships is built from the project's `tools/` or `hack/`
    /// directory (`go build ./tools/formatter`, or the module's own path then `tools/...`):
    /// a maintainer's tool (a formatter, a template tester, a code generator), not what the
    /// project releases. A package outside the context's module is not judged by its path.
    pub(super) fn maintainer_tool_builds(
        &self,
    ) -> Option<(super::ImageClass, super::Signal, String)> {
        let module = self.context_go_mod().and_then(|m| m.module.as_deref());
        let local: Vec<&GoBuild> = self.shipped().filter(|b| !b.is_tool_install()).collect();
        let mut named = None;
        for build in &local {
            let mut packages = build.packages().peekable();
            packages.peek()?;
            for package in packages {
                let inside = match package.strip_prefix("./") {
                    Some(relative) => relative,
                    None => module
                        .and_then(|m| package.strip_prefix(m))
                        .and_then(|rest| rest.strip_prefix('/'))?,
                };
                let first = inside.split('/').next().unwrap_or_default();
                if !conventions::MAINTAINER_TOOL_DIRS.contains(&first) {
                    return None;
                }
                named.get_or_insert_with(|| inside.to_string());
            }
        }
        let tool = named?;
        Some((
            super::ImageClass::Dev,
            super::Signal::Builds,
            format!(
                "it ships only `{tool}`, from the project's own tools: a maintainer's tool, not a release"
            ),
        ))
    }

    /// A program copied in from the build context, which the image starts or puts in a `bin`
    /// directory: a binary built outside the file (by a Makefile, a CI job, GoReleaser).
    pub(super) fn prebuilt_program(&self) -> Option<String> {
        let start: Vec<String> = self
            .shipping
            .start
            .as_ref()
            .and_then(|s| s.first())
            .map(|p| self.started_paths(p))
            .unwrap_or_default();
        // `COPY ${BINARY} /bin/${BINARY}`, `COPY dist/$OS/$ARCH/$BIN /bin/`: a name only the
        // build knows, in a bin directory.
        let into_bin = self.final_copies().find_map(|c| {
            let words = self.instruction(c.instruction).arg_words();
            let (dest, sources) = words.split_last()?;
            let dir = if dest.value.ends_with('/') {
                dest.value.trim_end_matches('/')
            } else {
                paths::parent(&dest.value)
            };
            let unknown_name = paths::basename(&dest.value).contains('$')
                || (dest.value.ends_with('/')
                    && sources
                        .iter()
                        .any(|s| paths::basename(&s.value).contains('$')));
            (c.source == CopySource::Context
                && unknown_name
                && !dir.contains('$')
                && paths::basename(dir) == "bin")
                .then(|| format!("a program in `{dir}/`"))
        });
        if into_bin.is_some() {
            return into_bin;
        }
        let is_program = |landing: &String| {
            let name = paths::basename(landing);
            may_be_program(landing) && !name.ends_with(".sh") && !name.contains('.')
        };
        let direct = self
            .final_copies()
            .filter(|c| c.source == CopySource::Context)
            .flat_map(|c| c.platform_landing_paths())
            .flatten()
            .find(|landing| {
                is_program(landing)
                    && (start.contains(landing) || paths::basename(paths::parent(landing)) == "bin")
            });
        if let Some(landing) = direct {
            return Some(format!("`{landing}`"));
        }
        // Through a stage that only passes it on: the context's file is copied into a stage,
        // and from there to the program the image starts.
        self.final_copies().find_map(|c| {
            let CopySource::Stage(from) = c.source else {
                return None;
            };
            let landing = c
                .landing_paths()
                .into_iter()
                .flatten()
                .find(|l| start.contains(l) && is_program(l))?;
            let passed: Vec<String> = c
                .sources
                .iter()
                .filter_map(|s| s.usable().map(paths::normalize))
                .collect();
            let chain = self.chain(from);
            let from_context = self
                .copies
                .iter()
                .filter(|k| chain.contains(&k.stage) && k.source == CopySource::Context)
                .flat_map(|k| k.landing_paths())
                .flatten()
                .any(|l| passed.contains(&l));
            from_context.then(|| format!("`{landing}`"))
        })
    }
}
