//! The Go toolchain of each stage, from the image its chain starts from: the Go release, the
//! official golang image's tag, and whether git is there (VCS stamping needs it).

use super::facts::FileFacts;
use super::go_build::CgoSetting;
use super::scripts::installed_packages;
use crate::knowledge::go_images::{self, GoTag};
use crate::knowledge::go_release::{GoFeature, GoRelease};
use crate::knowledge::images::ImageRef;
use crate::knowledge::{packages, tools};

/// A stage built on the official `golang` image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GolangImage<'m> {
    pub image: &'m ImageRef,
    pub tag: GoTag,
}

impl FileFacts<'_> {
    /// The shipped image is built on a Go toolchain image that compiles none of its own
    /// binaries: they are built in another stage and copied onto Go on purpose (the program
    /// runs Go at run time, the image is also where the project's tests run). Its size is Go's;
    /// what it carries beside the binary may be for that Go to use.
    pub fn final_keeps_go(&self) -> bool {
        let chain = self.final_chain();
        self.final_stage()
            .is_some_and(|stage| stage.facts.is_go_toolchain())
            && !self.go_builds.iter().any(|b| chain.contains(&b.stage))
    }

    /// The chain copies a Go toolchain image's Go root in (`COPY --from=golang:1.17 /usr/local/go
    /// /usr/local/go`): the release that image's tag names (Unknown for a floating one).
    pub fn copied_go_release(&self, stage: usize) -> Option<GoRelease> {
        let chain = self.chain(stage);
        self.copies.iter().find_map(|c| match &c.source {
            super::CopySource::Image(image)
                if chain.contains(&c.stage)
                    && crate::knowledge::go_images::is_go_toolchain(&image.name())
                    && c.sources.iter().any(|s| {
                        s.usable().is_some_and(|p| {
                            crate::paths::normalize(p) == crate::knowledge::files::GOROOT
                        })
                    }) =>
            {
                Some(crate::knowledge::go_images::release(image))
            }
            _ => None,
        })
    }

    /// The Go release a stage's builder runs: from an official golang image's tag, or another
    /// Go toolchain image's (chainguard, devcontainers; tinygo names its own releases).
    pub fn golang_release(&self, stage: usize) -> GoRelease {
        self.stages[stage].facts.go
    }

    /// Cgo is on for a build with `setting` in `stage`: set so, or left to Go where the
    /// builder has a C compiler (its image's, or one its chain installs), or where Go before
    /// 1.20 kept it on without one (`golang:1.18-alpine`, whose precompiled `net` linked musl).
    pub fn cgo_on(&self, setting: &CgoSetting, stage: usize) -> bool {
        let builder = &self.stages[stage];
        let on_without_compiler = builder.facts.c_toolchain == Some(false)
            && self
                .golang_release(stage)
                .lacks(GoFeature::CgoOffWithoutCompiler);
        !setting.disabled()
            && (setting.enabled_explicitly()
                || builder.facts.c_toolchain == Some(true)
                || builder.c_toolchain_installed
                || on_without_compiler)
    }

    /// Cgo is on for a build on purpose: set so, or left on where the chain installs a C
    /// compiler or a C library's headers, or on a toolchain chosen for what cgo links (Red Hat's Go Toolset). A
    /// compiler that merely comes with the image (`golang:1.23`) says nothing of intent.
    pub fn cgo_deliberate(&self, setting: &CgoSetting, stage: usize) -> bool {
        let builder = &self.stages[stage];
        !setting.disabled()
            && (setting.enabled_explicitly()
                || builder.c_toolchain_installed
                || builder.c_library_installed
                || builder.facts.cgo_by_design
                || (self.cgo_on(setting, stage) && self.module_needs_cgo().is_some()))
    }

    /// The context's go.mod requires a module that only builds with cgo (a C binding such
    /// as go-sqlite3 or wasmvm): the program cannot be built with `CGO_ENABLED=0` as it stands.
    pub fn module_needs_cgo(&self) -> Option<&str> {
        let go_mod = self.context_go_mod()?;
        crate::knowledge::go_modules::cgo_only_module(go_mod.requires.iter().map(String::as_str))
    }

    /// cgo is on in the build only because its stage installs a C compiler and leaves
    /// `CGO_ENABLED` unset: nothing the file shows says the program needs C.
    pub fn cgo_on_for_compiler_only(&self, setting: &CgoSetting, stage: usize) -> bool {
        let builder = &self.stages[stage];
        self.cgo_deliberate(setting, stage)
            && !setting.enabled_explicitly()
            && !builder.c_library_installed
            && !builder.facts.cgo_by_design
            && self.module_needs_cgo().is_none()
    }

    /// The stage's Go is known to predate the build cache (Go 1.10), when `-a` and
    /// `-installsuffix` still decided what was rebuilt and linked.
    pub fn predates_build_cache(&self, stage: usize) -> bool {
        self.golang_release(stage).lacks(GoFeature::BuildCache)
    }

    /// The official golang image a stage's chain starts from, if any.
    pub fn golang_image(&self, stage: usize) -> Option<GolangImage<'_>> {
        let root = self.stages[stage].root_stage;
        let image = self.stages[root].root_image.as_ref()?;
        let tag = go_images::golang_tag(image)?;
        Some(GolangImage { image, tag })
    }

    /// The stage's root image is Docker Hub's official `golang` image.
    pub fn official_golang(&self, stage: usize) -> bool {
        self.golang_image(stage).is_some()
    }

    /// A RUN of the stage's chain before `instruction` installs git as a package.
    pub fn installs_git(&self, stage: usize, instruction: usize) -> bool {
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| chain.contains(&r.stage) && r.instruction < instruction)
            .flat_map(|r| r.script.commands.iter().map(std::ops::Deref::deref))
            .filter_map(installed_packages)
            .flatten()
            .any(|p| packages::is_git(&p))
    }

    /// Every go command of the stage's chain runs a Go its RUN chooses itself, whatever
    /// release the base image has: a GOTOOLCHAIN other than `local` (inline, exported
    /// earlier in the RUN, or in the stage's environment), or a Go version manager run
    /// before it (`eval "$(gimme "$GO_VERSION")"`). False when the chain runs no go command.
    pub fn runs_chosen_go(&self, stage: usize) -> bool {
        let chooses = |value: Option<String>| {
            value.is_some_and(|v| !v.is_empty() && v != "local" && !v.starts_with("local+"))
        };
        let chain = self.chain(stage);
        let mut runs_go = false;
        for run in self.runs.iter().filter(|r| chain.contains(&r.stage)) {
            let vars = &self.stages[run.stage].vars;
            let mut chosen = chooses(
                vars.exported_value("GOTOOLCHAIN")
                    .and_then(|(v, _)| v.usable().map(str::to_string)),
            );
            for command in &run.script.commands {
                let words = command.texts();
                // The manager itself, or in the substitution `eval` runs.
                let manager = words.iter().any(|w| {
                    let program = w
                        .trim_start_matches("$(")
                        .split_whitespace()
                        .next()
                        .unwrap_or_default();
                    tools::GO_VERSION_MANAGERS.contains(&crate::paths::basename(program))
                });
                match command.program() {
                    _ if manager => chosen = true,
                    Some("export") => {
                        if let Some(value) = words[1..]
                            .iter()
                            .find_map(|w| w.strip_prefix("GOTOOLCHAIN="))
                        {
                            chosen = chooses(Some(value.trim_matches('"').to_string()));
                        }
                    }
                    Some("go") => {
                        let inline = command
                            .assignments
                            .iter()
                            .rev()
                            .find(|a| a.name == "GOTOOLCHAIN")
                            .map(|a| a.value.text.clone());
                        let this = match inline {
                            Some(value) => chooses(Some(value)),
                            None => chosen,
                        };
                        if !this {
                            return false;
                        }
                        runs_go = true;
                    }
                    _ => {}
                }
            }
        }
        runs_go
    }

    /// No Go can run on `stage`'s image: every RUN of it and of the stages built on it only
    /// installs or maintains packages, or arranges files (`apk add git tzdata`, `rm -rf`).
    /// A Go image used that way is a source of files (CA roots, zone data), whatever its Go.
    pub fn runs_no_go_on(&self, stage: usize) -> bool {
        self.runs
            .iter()
            .filter(|r| self.chain(r.stage).contains(&stage))
            .flat_map(|r| &r.script.commands)
            .all(|command| {
                let Some(program) = command.program() else {
                    return true;
                };
                let argv = command.texts();
                crate::knowledge::packages::package_install(program, &argv).is_some()
                    || crate::knowledge::packages::only_tends_the_image(program, &argv)
            })
    }

    /// Whether git is in a stage (its base, or a package the chain installs before
    /// `instruction`): `None` when the base is not one gopherlint knows.
    pub fn has_git(&self, stage: usize, instruction: usize) -> Option<bool> {
        let installed = self.installs_git(stage, instruction);
        if installed {
            return Some(true);
        }
        self.golang_image(stage).map(|golang| golang.tag.has_git())
    }
}
