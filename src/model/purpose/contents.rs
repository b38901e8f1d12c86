//! The class from what the file does when nothing names its purpose: what the final image
//! starts, builds and ships, and whether a release tool built what it copies.

use super::{Classifier, ImageClass, Signal};
use crate::knowledge::conventions::Intent;
use crate::knowledge::{packages, shells, tools};
use crate::model::shipping::is_go_run;
use crate::model::stage::StageBase;
use crate::paths;
use crate::syntax::Keyword;

impl Classifier<'_, '_> {
    /// By contents, where a release tool built the binary the file copies (GoReleaser): a
    /// file that starts a copied program gopherlint cannot place is a prebuilt image.
    pub(super) fn by_contents_released(
        &self,
        build: &crate::repository::Chosen,
    ) -> (ImageClass, Signal, String) {
        let decided = self.by_contents();
        if decided.0 == ImageClass::Unknown
            && build.released.is_some()
            && self.shipping.start.is_some()
        {
            return (
                ImageClass::Prebuilt,
                Signal::Build,
                format!(
                    "GoReleaser builds the binary it copies ({})",
                    build.described.first().map_or("", String::as_str)
                ),
            );
        }
        decided
    }

    /// The interactive tools the shipped image installs when it is an environment one works
    /// in: a browser IDE (`code-server`), or an editor with an interactive shell or a
    /// multiplexer (`vim` and `fish`; `chsh` to a shell counts as one). `None` otherwise.
    pub(super) fn workstation_tools(&self) -> Option<Vec<&'static str>> {
        let mut found: Vec<&'static str> = Vec::new();
        let mut changes_login_shell = false;
        for &stage in self.final_chain() {
            for run in self.runs_in_stage(stage) {
                for command in &run.script.commands {
                    let Some(program) = command.program().map(paths::basename) else {
                        continue;
                    };
                    changes_login_shell |= program == "chsh";
                    if !packages::is_installer(program) {
                        continue;
                    }
                    for word in command.argv.iter().skip(1) {
                        if let Some(tool) = packages::workstation_package(&word.text)
                            && !found.contains(&tool)
                        {
                            found.push(tool);
                        }
                    }
                }
            }
        }
        let has = |list: &[&str]| found.iter().any(|t| list.contains(t));
        let ide = has(packages::IDE_SERVERS);
        let editor = has(packages::EDITORS);
        let shell = has(packages::INTERACTIVE_SHELLS) || changes_login_shell;
        (ide || (editor && shell)).then_some(found)
    }

    /// The final chain copies nothing in (no COPY or ADD) and fetches nothing (no `git`, `curl`,
    /// `wget`, `go get`): what it holds is its bases' and its packages'.
    fn final_holds_no_sources(&self) -> bool {
        let chain = self.final_chain();
        !self.copies.iter().any(|c| chain.contains(&c.stage))
            && !chain.iter().any(|&stage| {
                self.runs_in_stage(stage).iter().any(|run| {
                    run.script.commands.iter().any(|c| {
                        c.program().map(paths::basename).is_some_and(|p| {
                            p == "git"
                                || tools::DOWNLOADERS.contains(&p)
                                || (p == "go" && c.argv.get(1).is_some_and(|w| w.text == "get"))
                        })
                    })
                })
            })
            && !self.file.instructions.iter().any(|i| {
                i.flags.iter().any(|f| {
                    f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=bind"))
                })
            })
    }

    /// The class from what the file does: what it starts, builds and ships.
    pub(super) fn by_contents(&self) -> (ImageClass, Signal, String) {
        let Some(stage) = self.final_stage() else {
            return (ImageClass::Unknown, Signal::Contents, String::new());
        };
        let start = self.shipping.start.clone();
        let toolchain = self.final_has_go_toolchain();
        if let Some(program) = start.as_ref().and_then(|s| s.first()) {
            let name = paths::basename(program).to_ascii_lowercase();
            if tools::DEBUGGERS.contains(&name.as_str()) {
                return (
                    ImageClass::Dev,
                    Signal::Start,
                    format!(
                        "it starts the debugger `{name}`: {}",
                        Intent::Dev.describe()
                    ),
                );
            }
        }
        if let Some(why) = self.needs_go_at_run_time() {
            return (ImageClass::Toolchain, Signal::Contents, why);
        }
        if let Some(found) = self
            .test_or_debug_builds()
            .or_else(|| self.maintainer_tool_builds())
        {
            return found;
        }
        if let Some(start) = &start {
            let program = start
                .first()
                .map(|p| paths::basename(p).to_ascii_lowercase());
            // `go run main.go` in an image that holds no sources (nothing copied or fetched
            // in): the sources are mounted when it runs, a development image.
            if is_go_run(start)
                && !start.iter().any(|w| w.contains('@'))
                && self.final_holds_no_sources()
            {
                return (
                    ImageClass::Toolchain,
                    Signal::Start,
                    "the start command is `go run` on sources the image does not hold (nothing is copied or fetched in): they are mounted when it runs, a development image"
                        .into(),
                );
            }
            if is_go_run(start) {
                return (
                    ImageClass::Service,
                    Signal::Start,
                    "the start command is `go run`: it compiles the service each time it starts"
                        .into(),
                );
            }
            if toolchain
                && let Some(p) = program.as_deref()
                && tools::LIVE_RELOADERS.contains(&p)
            {
                return (
                    ImageClass::Toolchain,
                    Signal::Start,
                    format!(
                        "the start command runs `{p}`, which rebuilds and reruns the sources: a development image"
                    ),
                );
            }
            match self.starts_built_binary(start) {
                Some(true) if toolchain && tools::is_go_dev_tool(paths::basename(&start[0])) => {
                    return (
                        ImageClass::Toolchain,
                        Signal::Start,
                        format!(
                            "it starts `{}`, a Go development tool installed with `go install pkg@version` on a Go toolchain",
                            start[0]
                        ),
                    );
                }
                Some(_) => {
                    return (
                        ImageClass::Service,
                        Signal::Start,
                        format!("the start command runs `{}`, built in this file", start[0]),
                    );
                }
                None => {}
            }
        }
        if start.is_none()
            && let Some(tool) = self
                .final_installed_packages()
                .into_iter()
                .find(|p| packages::is_packaging_tool(p))
        {
            return (
                ImageClass::Toolchain,
                Signal::Contents,
                format!(
                    "it installs `{tool}` and starts nothing: an image that builds OS packages"
                ),
            );
        }
        let local_ships = self.shipped().any(|b| !b.is_tool_install());
        let any_ships = self.shipped().next().is_some() || !self.shipping.opaque.is_empty();
        // Tools installed from elsewhere (`go install golang.org/x/lint/golint@latest`) in an
        // image that starts nothing: a base of tools for other builds, not a service.
        if start.is_none() && any_ships && !local_ships && self.shipping.opaque.is_empty() {
            return (
                ImageClass::Toolchain,
                Signal::Contents,
                "it starts nothing and ships only tools installed with `go install pkg@version`: an image of tools for other builds".into(),
            );
        }
        if !toolchain && any_ships {
            return (
                ImageClass::Service,
                Signal::Contents,
                "a Go binary built in this file is copied into the shipped image".into(),
            );
        }
        // A start command that is a script or a shell may run anything: on a toolchain it
        // says nothing of a service (CI build images start through `entrypoint.sh`).
        // Nor does a build driver (`ENTRYPOINT ["mage"]`, `make`): the image is a builder
        // others run to compile.
        let starts_program = start.as_ref().and_then(|s| s.first()).is_some_and(|p| {
            let name = paths::basename(p);
            !(name.ends_with(".sh")
                || shells::is_posix_shell(name)
                || crate::knowledge::tools::BUILD_DRIVERS.contains(&name))
        });
        if toolchain && local_ships && (starts_program || self.final_chain_has(Keyword::Expose)) {
            return (
                ImageClass::Service,
                Signal::Contents,
                "it compiles Go in the shipped stage and starts a program or EXPOSEs a port".into(),
            );
        }
        // Only where Go is at hand: another image (a database, a Java runtime) with RUN steps
        // and the start command of its base is not a check stage.
        let mounts_tools = stage.body.iter().any(|&i| {
            let instruction = self.instruction(i);
            instruction.keyword == Keyword::Run
                && instruction.flags.iter().any(|f| {
                    f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("from="))
                })
        });
        // A check stage extends another stage (`FROM base AS validate`) or mounts its tools.
        let extends_stage = matches!(stage.base, StageBase::Stage(_));
        if start.is_none()
            && ((toolchain && extends_stage) || mounts_tools)
            && self.is_check_stage()
        {
            return (
                ImageClass::Check,
                Signal::Contents,
                "the shipped stage only RUNs commands, starts nothing and ships nothing built: a check stage".into(),
            );
        }
        if toolchain {
            let why = if local_ships {
                "it compiles Go on a Go toolchain, and neither starts what it builds nor EXPOSEs a port: a build image"
            } else if self.shipped().next().is_some() {
                "it installs Go tools onto a Go toolchain"
            } else {
                "it is a Go toolchain and compiles nothing it starts"
            };
            return (ImageClass::Toolchain, Signal::Contents, why.into());
        }
        if matches!(stage.base, StageBase::Unknown) || stage.root_image.is_none() {
            return (
                ImageClass::Unknown,
                Signal::Base,
                "the base image cannot be resolved".into(),
            );
        }
        if let Some(program) = self.prebuilt_program() {
            return (
                ImageClass::Prebuilt,
                Signal::Contents,
                format!(
                    "it ships {program}, copied in from the build context: a binary built outside this file"
                ),
            );
        }
        (
            ImageClass::Unknown,
            Signal::Contents,
            "it ships no Go binary built in this file".into(),
        )
    }
}
