//! What the shipped image is for: a Go service, a Go toolchain, a check stage, an export of
//! files, a test image, or unknown. Every rule declares the classes it applies to, so this is
//! the one place that decides whether, say, "the toolchain ships with the binary" is a finding
//! or the whole point of the image.

use super::copy::CopySource;
use super::facts::FileFacts;
use super::go_build::GoBuild;
use super::scripts::installed_packages;
use super::shipping::{Shipping, is_go_run};
use super::stage::StageBase;
use crate::knowledge::files::GOROOT;
use crate::knowledge::go_command::GoSubcommand;
use crate::knowledge::images::image_path;
use crate::knowledge::{packages, shells, tools};
use crate::paths;
use crate::syntax::Keyword;

/// The purpose of the shipped image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ImageClass {
    /// Runs or ships a Go binary this file builds.
    Service,
    /// Exists to run Go: a build image, tools on a Go base, a devcontainer.
    Toolchain,
    /// Only RUNs checks (lint, validate, vendor), starts nothing and ships nothing built.
    Check,
    /// Files for the host (`docker build --output`), not an image that runs.
    ExportOnly,
    /// Built to run tests (under `test/`, `e2e/`...): size and hardening advice is beside
    /// the point there.
    Test,
    /// Nothing tells.
    #[default]
    Unknown,
}

impl ImageClass {
    pub const ALL: [ImageClass; 6] = [
        ImageClass::Service,
        ImageClass::Toolchain,
        ImageClass::Check,
        ImageClass::ExportOnly,
        ImageClass::Test,
        ImageClass::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImageClass::Service => "service",
            ImageClass::Toolchain => "toolchain",
            ImageClass::Check => "check",
            ImageClass::ExportOnly => "export-only",
            ImageClass::Test => "test",
            ImageClass::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<ImageClass> {
        ImageClass::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for ImageClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The class of the shipped image and why.
#[derive(Debug, Clone, Default)]
pub struct Purpose {
    pub class: ImageClass,
    /// One sentence: the evidence, for `--show-model`.
    pub reason: String,
    /// A Windows image (Windows base or a PowerShell/cmd SHELL): outside the Linux runtime model.
    pub windows: bool,
    /// The file is under an examples directory (`examples/`, `_example/`, `demo/`): an image
    /// that shows how to use the project, where build hygiene notes are beside the point.
    pub example: Option<String>,
}

/// Directory names that hold example and demonstration images.
const EXAMPLE_DIRS: &[&str] = &[
    "example",
    "examples",
    "_example",
    "_examples",
    "demo",
    "demos",
    "sample",
    "samples",
];

/// Directory names that hold images built to run tests.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "e2e",
    "e2e-test",
    "e2e-tests",
    "e2etest",
    "integration",
    "integrationtest",
    "integration-test",
    "integration-tests",
    "interop",
    "conformance",
    "dummy",
];

/// What classification reads: the facts and what ships.
struct Classifier<'m, 'a> {
    facts: &'m FileFacts<'a>,
    shipping: &'m Shipping,
}

impl<'a> std::ops::Deref for Classifier<'_, 'a> {
    type Target = FileFacts<'a>;

    fn deref(&self) -> &FileFacts<'a> {
        self.facts
    }
}

/// The fourth step of the model: classifies the shipped image. `path` is the file's path, for
/// conventions the Dockerfile itself cannot show (`.devcontainer/`, `test/`).
pub(super) fn classify(facts: &FileFacts, shipping: &Shipping, path: Option<&str>) -> Purpose {
    Classifier { facts, shipping }.classify(path)
}

impl Classifier<'_, '_> {
    fn shipped(&self) -> impl Iterator<Item = &GoBuild> {
        self.go_builds
            .iter()
            .filter(|b| self.shipping.builds[b.index].ships)
    }

    /// The final chain holds a Go toolchain: a Go base, a copied Go distribution, or an
    /// installed `go` package.
    fn final_has_go_toolchain(&self) -> bool {
        let Some(stage) = self.final_stage() else {
            return false;
        };
        if stage.facts.is_go_toolchain() {
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
            .flat_map(|r| r.script.commands.iter())
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
    fn starts_built_binary(&self, start: &[String]) -> Option<bool> {
        let program = start.first()?;
        let candidates = self.started_paths(program);
        let mut found = None;
        for build in self.shipped() {
            let landed = &self.shipping.builds[build.index].landed;
            let hit = landed.iter().any(|p| candidates.contains(p))
                || (build.output.as_ref().and_then(|o| o.usable()).is_none()
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

    fn classify(&self, path: Option<&str>) -> Purpose {
        let Some(stage) = self.final_stage() else {
            return Purpose::default();
        };
        let windows =
            stage.facts.family == crate::knowledge::images::Family::Windows || !stage.posix_shell;
        let path = path.map(|p| p.replace('\\', "/"));
        let dirs: Vec<&str> = path
            .as_deref()
            .map(|p| p.split('/').collect::<Vec<_>>())
            .map(|parts| parts[..parts.len().saturating_sub(1)].to_vec())
            .unwrap_or_default();
        let example = dirs
            .iter()
            .find(|d| EXAMPLE_DIRS.contains(&d.to_ascii_lowercase().as_str()))
            .map(|d| d.to_string());
        let purpose = |class: ImageClass, reason: String| Purpose {
            class,
            reason,
            windows,
            example: example.clone(),
        };
        if self.final_is_export_only() {
            return purpose(
                ImageClass::ExportOnly,
                "the shipped stage is `scratch` with only COPY/ARG/LABEL and no start command: files for the host, not an image that runs".into(),
            );
        }
        let file_name = path
            .as_deref()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase())
            .unwrap_or_default();
        let devcontainer_base = stage.root_image.as_ref().is_some_and(|i| {
            let name = i.name();
            name.starts_with("mcr.microsoft.com/devcontainers/")
                || name.starts_with("mcr.microsoft.com/vscode/devcontainers/")
        });
        if dirs.contains(&".devcontainer") || devcontainer_base {
            return purpose(
                ImageClass::Toolchain,
                "a devcontainer: a development environment that exists to run Go".into(),
            );
        }
        if let Some(dir) = dirs
            .iter()
            .find(|d| TEST_DIRS.contains(&d.to_ascii_lowercase().as_str()))
        {
            return purpose(
                ImageClass::Test,
                format!("the file is under `{dir}/`: an image built to run tests"),
            );
        }
        let start = self.shipping.start.clone();
        let toolchain = self.final_has_go_toolchain();
        if let Some(start) = &start {
            let program = start
                .first()
                .map(|p| paths::basename(p).to_ascii_lowercase());
            if is_go_run(start) {
                return purpose(
                    ImageClass::Service,
                    "the start command is `go run`: it compiles the service each time it starts"
                        .into(),
                );
            }
            if toolchain
                && let Some(p) = program.as_deref()
                && tools::LIVE_RELOADERS.contains(&p)
            {
                return purpose(
                    ImageClass::Toolchain,
                    format!(
                        "the start command runs `{p}`, which rebuilds and reruns the sources: a development image"
                    ),
                );
            }
            match self.starts_built_binary(start) {
                Some(true) if toolchain && tools::is_go_dev_tool(paths::basename(&start[0])) => {
                    return purpose(
                        ImageClass::Toolchain,
                        format!(
                            "it starts `{}`, a Go development tool installed with `go install pkg@version` on a Go toolchain",
                            start[0]
                        ),
                    );
                }
                Some(_) => {
                    return purpose(
                        ImageClass::Service,
                        format!("the start command runs `{}`, built in this file", start[0]),
                    );
                }
                None => {}
            }
        }
        let dev_name = file_name.starts_with("dev.")
            || file_name.ends_with(".dev")
            || file_name.contains(".dev.")
            || file_name.contains("-dev.");
        if toolchain && dev_name {
            return purpose(
                ImageClass::Toolchain,
                "a development image (by its file name) on a Go toolchain".into(),
            );
        }
        let local_ships = self.shipped().any(|b| !b.is_tool_install());
        let any_ships = self.shipped().next().is_some() || !self.shipping.opaque.is_empty();
        if !toolchain && any_ships {
            return purpose(
                ImageClass::Service,
                "a Go binary built in this file is copied into the shipped image".into(),
            );
        }
        // A start command that is a script or a shell may run anything: on a toolchain it
        // says nothing of a service (CI build images start through `entrypoint.sh`).
        let starts_program = start.as_ref().and_then(|s| s.first()).is_some_and(|p| {
            let name = paths::basename(p);
            !(name.ends_with(".sh") || shells::is_posix_shell(name))
        });
        if toolchain && local_ships && (starts_program || self.final_chain_has(Keyword::Expose)) {
            return purpose(
                ImageClass::Service,
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
            return purpose(
                ImageClass::Check,
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
            return purpose(ImageClass::Toolchain, why.into());
        }
        if matches!(stage.base, StageBase::Unknown) || stage.root_image.is_none() {
            return purpose(
                ImageClass::Unknown,
                "the base image cannot be resolved".into(),
            );
        }
        purpose(
            ImageClass::Unknown,
            "it ships no Go binary built in this file".into(),
        )
    }

    /// The shipped stage only RUNs checks: no start command in its chain, at least one RUN
    /// of its own, nothing copied in from other stages, no packages installed and no binary
    /// written by a `go build -o` or `go install` of its own.
    fn is_check_stage(&self) -> bool {
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
            .flat_map(|r| r.script.commands.iter())
            .any(|c| installed_packages(c).is_some());
        let builds = self.go_builds.iter().any(|b| {
            b.stage == stage.index && (b.subcommand == GoSubcommand::Install || b.has_flag("o"))
        });
        runs > 0 && !installs && !builds
    }
}
