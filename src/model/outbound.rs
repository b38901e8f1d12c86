//! What the shipped program's own Go source shows, read from the build context: whether it
//! opens connections (GL006 asks before it says that TLS fails) and which programs it starts
//! (GL002 asks before it takes the base's programs away). Unknown unless every binary the final
//! image ships is built here from packages placed in the context.

use std::path::Path;

use super::Model;
use super::copy::CopySource;
use super::go_build::GoBuild;
use super::go_caches::GoCacheRun;
use crate::context::go_source::{self, Outbound};
use crate::context::program_files;
use crate::paths;

impl Model<'_> {
    /// What the shipped program's own source shows about outbound connections: `None` when
    /// the context, its go.mod or a built package cannot be read, or the final image ships a
    /// binary from elsewhere.
    pub fn shipped_program_outbound(&self) -> Option<Outbound> {
        let (root, module, dirs) = self.shipped_program_packages(false)?;
        go_source::outbound(Path::new(root), module, &dirs)
    }

    /// The programs the shipped program's own source starts by name, each with the file (in
    /// the context) that starts it: `None` where [`Self::shipped_program_outbound`] is.
    pub fn shipped_program_starts(&self) -> Option<Vec<(String, String)>> {
        let (root, module, dirs) = self.shipped_program_packages(false)?;
        go_source::started_programs(Path::new(root), module, &dirs)
    }

    /// The file of the shipped program that starts a program named at run time (a
    /// configured hook or command): `None` where [`Self::shipped_program_outbound`] is,
    /// `Some(None)` when no file does.
    pub fn shipped_program_starts_run_time_programs(&self) -> Option<Option<String>> {
        let (root, module, dirs) = self.shipped_program_packages(false)?;
        go_source::starts_run_time_programs(Path::new(root), module, &dirs)
    }

    /// The file of the shipped program that writes a path relative to its working directory,
    /// with that path: `None` where [`Self::shipped_program_outbound`] is, `Some(None)` when
    /// nothing shows such a write.
    pub fn shipped_program_relative_writes(&self) -> Option<Option<(String, String)>> {
        let (root, module, dirs) = self.shipped_program_packages(false)?;
        go_source::writes_relative_files(Path::new(root), module, &dirs)
    }

    /// The file of the shipped program that reads a path relative to its working directory at
    /// run time, with that path (`params.txt`; `.env` for `godotenv.Load()`): `None` where
    /// [`Self::shipped_program_outbound`] is, `Some(None)` when no file does.
    pub fn shipped_program_relative_reads(&self) -> Option<Option<(String, String)>> {
        let (root, module, dirs) = self.shipped_program_packages(false)?;
        program_files::reads_relative_files(Path::new(root), module, &dirs)
    }

    /// The RUN's go commands only build programs the final image ships (no download, test,
    /// run or generate), and the shipped program's packages import nothing from outside the
    /// module and the standard library: it downloads no module, whatever go.mod requires
    /// for the tests or other programs.
    pub fn builds_need_no_modules(&self, run: &GoCacheRun) -> bool {
        if run.uses.downloads || run.uses.loads_other_packages {
            return false;
        }
        let mut builds = self
            .go_builds
            .iter()
            .filter(|b| b.instruction == run.instruction)
            .peekable();
        if builds.peek().is_none() || !builds.all(|b| self.ships(b)) {
            return false;
        }
        let Some((root, module, dirs)) = self.shipped_program_packages(false) else {
            return false;
        };
        matches!(
            go_source::imports_outside_module(Path::new(root), module, &dirs),
            Some(None)
        )
    }

    /// The file of the shipped program that reads its VCS stamp (`vcs.revision` from
    /// `debug.ReadBuildInfo`): `None` where [`Self::shipped_program_outbound`] is, `Some(None)`
    /// when no file does.
    pub fn shipped_program_reads_vcs_stamp(&self) -> Option<Option<String>> {
        let (root, module, dirs) = self.shipped_program_packages(true)?;
        go_source::reads_vcs_stamp(Path::new(root), module, &dirs)
    }

    /// The context's root, its module path and the directories of the packages every binary
    /// the final image ships is built from: `None` unless all of them are built here. With
    /// `patterns`, a build of a package pattern (`go install ./...`) counts with every package
    /// under it (`cmd/...`): a superset of the shipped programs, which only questions that any
    /// one of them settles may ask (does one read its VCS stamp).
    fn shipped_program_packages(&self, patterns: bool) -> Option<(&str, &str, Vec<String>)> {
        let context = self.context()?;
        let module = self.context_go_mod()?.module.as_deref()?;
        let from_elsewhere = self
            .final_copies()
            .any(|c| matches!(c.source, CopySource::Image(_) | CopySource::Unknown));
        if from_elsewhere || !self.opaque_go_copies().is_empty() {
            return None;
        }
        let mut dirs = Vec::new();
        for build in self.shipped_builds() {
            if build.is_tool_install() {
                return None;
            }
            dirs.extend(self.package_dirs(build, module, patterns)?);
        }
        if dirs.is_empty() {
            return None;
        }
        Some((context.dir.as_str(), module, dirs))
    }

    /// The context directories (relative to its root, which holds go.mod; `""` for the root)
    /// of the packages a build compiles: `None` where they cannot be known.
    pub fn built_package_dirs(&self, build: &GoBuild) -> Option<Vec<String>> {
        let module = self.context_go_mod()?.module.as_deref()?;
        self.package_dirs(build, module, false)
    }

    /// The context directories (relative to its root, which holds go.mod) of the packages a
    /// build compiles, where the whole context was copied into the stage and the build runs
    /// inside that copy. A package pattern (`./cmd/...`) is kept as its directory followed by
    /// `...` where `patterns` allows it, and makes the answer unknown where not.
    fn package_dirs(&self, build: &GoBuild, module: &str, patterns: bool) -> Option<Vec<String>> {
        let cwd = build.cwd.as_deref()?;
        // Where the context's root lands, or else where its go.mod does: Go finds packages
        // from the go.mod's directory, so the folders copied beside it one by one (`COPY
        // go.mod ./`, `COPY pkg pkg`) keep the context's layout there.
        let module_roots = self.context_landings(build.stage, ".").into_iter().chain(
            self.context_landings(build.stage, "go.mod")
                .into_iter()
                .map(|go_mod| paths::parent(&go_mod).to_string()),
        );
        let Some(landing) = module_roots
            .into_iter()
            .find(|dir| paths::is_within(cwd, dir))
        else {
            return self.copied_file_dirs(build, cwd);
        };
        let cwd_in_context = paths::into_normal(format!("/{}", &cwd[landing.len()..]));
        let mut packages: Vec<&str> = build.packages().collect();
        if packages.is_empty() {
            packages.push(".");
        }
        let mut dirs = Vec::new();
        for package in packages {
            let (package, pattern) = match package.strip_suffix("/...") {
                Some(dir) if patterns => (dir, true),
                _ => (package, false),
            };
            if package.contains("...") || package.contains('$') || package.contains("..") {
                return None;
            }
            let dir = if package.ends_with(".go") {
                paths::parent(&paths::join(&cwd_in_context, package)).to_string()
            } else if package == "." || package.starts_with("./") {
                paths::join(&cwd_in_context, package)
            } else if package == module {
                "/".to_string()
            } else {
                let rest = package.strip_prefix(module)?.strip_prefix('/')?;
                paths::into_normal(format!("/{rest}"))
            };
            let dir = dir.trim_start_matches('/');
            dirs.push(match (pattern, dir) {
                (false, _) => dir.to_string(),
                (true, "") => "...".to_string(),
                (true, _) => format!("{dir}/..."),
            });
        }
        Some(dirs)
    }

    /// For a build of named files (`COPY main.go /src/` then `go build /src/main.go`): the
    /// context directories those files were copied from. Their directory is read whole, which
    /// can only add connections the named files lack.
    fn copied_file_dirs(&self, build: &GoBuild, cwd: &str) -> Option<Vec<String>> {
        let packages: Vec<&str> = build.packages().collect();
        if packages.is_empty() || !packages.iter().all(|p| p.ends_with(".go")) {
            return None;
        }
        let chain = self.chain(build.stage);
        let mut dirs = Vec::new();
        for package in packages {
            let built = paths::join(cwd, package);
            let source = self
                .copies
                .iter()
                .filter(|c| c.source == CopySource::Context && chain.contains(&c.stage))
                .flat_map(|c| c.sources.iter().filter_map(|s| s.usable()))
                .find(|source| {
                    source.ends_with(".go")
                        && !source.contains(['*', '?', '['])
                        && self.context_landings(build.stage, source).contains(&built)
                })?;
            let in_context = paths::into_normal(format!("/{source}"));
            dirs.push(
                paths::parent(&in_context)
                    .trim_start_matches('/')
                    .to_string(),
            );
        }
        Some(dirs)
    }
}
