//! Go's two caches as a RUN sees them: where the go command keeps its build cache (GOCACHE) and
//! its module cache (GOMODCACHE) for the user, HOME and settings in effect, and the cache
//! mounts (`RUN --mount=type=cache,target=...`) that hold them. Sources: `go help cache`,
//! `go help environment`, `go help gopath`; BuildKit's `--mount` reference.

use super::copy::CopySource;
use super::facts::FileFacts;
use super::go_build::mount_type;
use super::vars::Vars;
use crate::knowledge::go_command;
use crate::knowledge::images::DefaultUser;
use crate::knowledge::users::UserSpec;
use crate::paths;
use crate::source::TextRange;
use crate::syntax::{Args, Keyword};

/// One of Go's caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoCache {
    /// Compiled packages and test results: GOCACHE.
    Build,
    /// Downloaded modules: GOMODCACHE.
    Module,
}

impl GoCache {
    /// The variable that names it.
    pub fn variable(self) -> &'static str {
        match self {
            GoCache::Build => "GOCACHE",
            GoCache::Module => "GOMODCACHE",
        }
    }
}

/// A `--mount=type=cache` of a RUN.
#[derive(Debug, Clone)]
pub struct CacheMount {
    /// The whole flag.
    pub range: TextRange,
    /// The target, expanded and normalised; `None` when it cannot be read.
    pub target: Option<String>,
    /// Where the target is in the flag, for retargeting.
    pub target_range: Option<TextRange>,
}

pub use super::go_cache_use::{GoCacheUse, cache_use};

impl FileFacts<'_> {
    /// The value of the last `go env -w NAME=VALUE` of the stage's chain, up to `instruction`
    /// (a RUN before it, or the RUN itself).
    fn go_env_written(&self, stage: usize, instruction: usize, name: &str) -> Option<String> {
        // Most files write no Go setting: one substring search, not a walk of every command.
        if !self.text.contains("env -w") {
            return None;
        }
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| r.instruction <= instruction && chain.contains(&r.stage))
            .flat_map(|r| &r.script.commands)
            .flat_map(|c| go_command::env_writes(&c.argv))
            .filter(|&(_, written, _)| written == name)
            .map(|(_, _, value)| value)
            .rfind(|v| !v.contains('$'))
            .map(str::to_string)
    }

    /// The directory the go command of a RUN uses for a cache, with the variables it sees
    /// (`env`), where it can be told: GOCACHE or GOMODCACHE when set, else from XDG_CACHE_HOME,
    /// GOPATH or HOME, else root's home when the RUN is known to run as root. `None` for a
    /// user whose home only the image's passwd knows, or a value gopherlint cannot read.
    pub fn go_cache_dir(
        &self,
        cache: GoCache,
        env: &Vars,
        stage: usize,
        instruction: usize,
    ) -> Option<String> {
        // The environment first, then what `go env -w` wrote into Go's configuration file
        // (`go env -w GOMODCACHE=/gomodcache`), which the environment overrides.
        let read = |name: &str| -> Option<Option<String>> {
            match env.exported_value(name) {
                Some((value, _)) => Some(value.usable().map(|v| paths::normalize(v.trim()))),
                None => self
                    .go_env_written(stage, instruction, name)
                    .map(|v| Some(paths::normalize(v.trim()))),
            }
        };
        if let Some(value) = read(cache.variable()) {
            return value.filter(|v| v.starts_with('/'));
        }
        // Only a base whose environment gopherlint knows leaves the rest to Go's defaults: an
        // unknown one may set GOPATH or HOME itself.
        if !self.stages[stage].facts.is_known_distribution() {
            return None;
        }
        let home = || -> Option<String> {
            if let Some(value) = read("HOME") {
                return value;
            }
            let stage = &self.stages[stage];
            match &stage.user {
                // No USER: the base's own user, whose home is known when it is root.
                None => {
                    (stage.facts.default_user == DefaultUser::Root).then(|| "/root".to_string())
                }
                Some(user) if user.instruction < instruction => {
                    UserSpec::parse(user.value.usable()?)
                        .is_root()
                        .then(|| "/root".to_string())
                }
                Some(_) => None,
            }
        };
        let dir = match cache {
            GoCache::Build => match read("XDG_CACHE_HOME") {
                Some(value) => format!("{}/go-build", value?),
                None => format!("{}/.cache/go-build", home()?),
            },
            GoCache::Module => match read("GOPATH") {
                // The first entry of a GOPATH list holds the module cache.
                Some(value) => format!("{}/pkg/mod", value?.split(':').next()?),
                None => format!("{}/go/pkg/mod", home()?),
            },
        };
        let dir = paths::into_normal(dir);
        dir.starts_with('/').then_some(dir)
    }

    /// The instruction runs as root: no USER in the stage's chain, or a root one before it. A
    /// USER after it (the stage records only its last) leaves the user at it unknown: false.
    pub fn runs_as_root(&self, stage: usize, instruction: usize) -> bool {
        match &self.stages[stage].user {
            None => true,
            Some(user) if user.instruction < instruction => user
                .value
                .usable()
                .is_some_and(|u| UserSpec::parse(u).is_root()),
            Some(_) => false,
        }
    }

    /// The chain's builds read their modules from a vendor directory: `-mod=vendor`, a copied
    /// `vendor`, or the context's vendor/modules.txt (which Go 1.14 and later use by default).
    pub fn modules_vendored(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        self.go_builds
            .iter()
            .any(|b| chain.contains(&b.stage) && b.vendored())
            || self
                .copies
                .iter()
                .any(|c| chain.contains(&c.stage) && c.names("vendor"))
            || self
                .context()
                .is_some_and(|c| c.sends_file("vendor/modules.txt"))
    }

    /// Every build of the file the repository runs passes `--no-cache`: no layer is reused,
    /// and BuildKit empties the cache mounts of its RUN steps before each build
    /// (moby/buildkit#1092). Neither the order of the module download nor a cache mount
    /// saves anything there.
    pub fn every_build_uncached(&self) -> bool {
        self.build
            .as_deref()
            .is_some_and(|b| b.builds > 0 && b.uncached)
    }

    /// Every build of the file the repository runs is on the classic builder, which rejects
    /// `RUN --mount` ("the --mount option requires BuildKit").
    pub fn every_build_classic(&self) -> bool {
        self.build
            .as_deref()
            .is_some_and(|b| b.builds > 0 && b.classic_builder)
    }

    /// A stage built on `stage` (or `stage` itself) is a target the repository runs as a
    /// container (a compose service's `target: dev`) and has Go: a development container that
    /// builds and tests at run time with the caches its layers hold, which a cache mount on
    /// `stage` would leave empty.
    pub fn feeds_go_container(&self, stage: usize) -> bool {
        // A stage built on it whose container starts a go command (`ENTRYPOINT go test ./...`):
        // it runs Go on the modules and packages its layers hold.
        let starts_go = self.stages.iter().any(|s| {
            Some(s.index) != self.final_stage
                && self.chain(s.index).contains(&stage)
                && self.stage_starts_go(s.index)
        });
        if starts_go {
            return true;
        }
        let Some(build) = self.build.as_deref() else {
            return false;
        };
        self.stages.iter().any(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| build.run_targets.iter().any(|t| t == n))
                && Some(s.index) != self.final_stage
                && self.chain(s.index).contains(&stage)
                && self.chain(s.index).iter().any(|&c| {
                    let facts = &self.stages[c].facts;
                    facts.is_go_toolchain() || facts.go.version().is_some()
                })
        })
    }

    /// The last ENTRYPOINT or CMD of a stage's chain runs the go command.
    fn stage_starts_go(&self, stage: usize) -> bool {
        let start = self
            .chain_instructions(stage)
            .into_iter()
            .map(|i| self.instruction(i))
            .rfind(|i| matches!(i.keyword, Keyword::Entrypoint | Keyword::Cmd));
        let Some(start) = start else {
            return false;
        };
        let first = match &start.args {
            Args::Exec(exec) => exec.elements.first().map(|w| w.value.clone()),
            Args::Shell(shell) => shell.text.split_whitespace().next().map(str::to_string),
            _ => None,
        };
        first.is_some_and(|program| go_command::is_go_program(paths::basename(&program)))
    }

    /// The RUN and its chain before it take no files: no COPY or ADD but a download or a git
    /// source (each pinned or not by the file), or helper programs of the context copied into
    /// a directory of the default PATH (`COPY scripts/gimme /usr/local/bin/`), no bind mount.
    /// Its layer reruns only when the file, its base or a helper changes, and a new base
    /// usually brings a new Go, whose cache starts cold anyway: a pinned tool built in a stage
    /// of its own.
    pub fn takes_no_files_before(&self, stage: usize, instruction: usize) -> bool {
        let chain = self.chain(stage);
        let program_dirs: Vec<&str> = crate::knowledge::images::DEFAULT_PATH.split(':').collect();
        let helper_programs = |c: &super::copy::Copy| {
            c.source == super::copy::CopySource::Context
                && c.landing_paths().iter().all(|landing| {
                    landing
                        .as_deref()
                        .is_some_and(|path| program_dirs.contains(&crate::paths::parent(path)))
                })
        };
        let takes_files = |c: &super::copy::Copy| {
            c.instruction < instruction
                && chain.contains(&c.stage)
                && !c.is_remote()
                && !helper_programs(c)
        };
        // Most chains copy from the context first: the copies answer before the mounts are read.
        !self.copies.iter().any(takes_files)
            && !self
                .runs
                .iter()
                .filter(|r| r.instruction <= instruction && chain.contains(&r.stage))
                .any(|r| self.mounts_of_type(r.instruction, "bind"))
    }

    /// The RUN's downloads are only those of `go mod tidy` or `go mod vendor`, with no package
    /// of the module in its chain yet: they load no package and download nothing (tidy drops
    /// every requirement instead).
    pub fn downloads_nothing(&self, run: &GoCacheRun) -> bool {
        run.uses.downloads
            && !run.uses.downloads_outright
            && !run.uses.compiles
            && self.takes_only_module_files_before(run.stage, run.instruction)
    }

    /// Before `instruction` the chain has taken only module files from the context (`COPY
    /// go.mod go.sum ./`), and no Go package: a `go mod tidy` there loads no package and
    /// downloads nothing.
    pub fn takes_only_module_files_before(&self, stage: usize, instruction: usize) -> bool {
        let chain = self.chain(stage);
        let module_files_only = |c: &super::copy::Copy| {
            c.source == super::copy::CopySource::Context
                && c.sources.iter().all(|s| {
                    s.certainty == super::Certainty::Known
                        && crate::knowledge::go_modules::is_module_file(crate::paths::basename(
                            &s.text,
                        ))
                })
        };
        self.copies
            .iter()
            .filter(|c| c.instruction < instruction && chain.contains(&c.stage))
            .all(module_files_only)
            && !self
                .runs
                .iter()
                .filter(|r| r.instruction <= instruction && chain.contains(&r.stage))
                .any(|r| self.mounts_of_type(r.instruction, "bind"))
    }

    /// The cache mounts of a RUN, targets expanded with the stage's variables.
    pub fn cache_mounts(&self, stage: usize, instruction: usize) -> Vec<CacheMount> {
        let vars = &self.stages[stage].vars;
        self.instruction(instruction)
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .filter_map(|f| {
                let spec = f.value.as_deref()?;
                if mount_type(spec) != "cache" {
                    return None;
                }
                let mut offset = 0;
                let mut target = None;
                for field in spec.split(',') {
                    if let Some((key, value)) = field.split_once('=')
                        && matches!(key.trim(), "target" | "dst" | "destination")
                    {
                        target = Some((offset + key.len() + 1, value));
                    }
                    offset += field.len() + 1;
                }
                // The value range maps one to one onto the spec when it was written unquoted.
                let target_range = match (target, f.value_range) {
                    (Some((at, value)), Some(range)) if range.end - range.start == spec.len() => {
                        Some(TextRange::new(
                            range.start + at,
                            range.start + at + value.len(),
                        ))
                    }
                    _ => None,
                };
                let target = target
                    .and_then(|(_, t)| {
                        if t.contains('$') {
                            vars.expand(t).usable().map(paths::normalize)
                        } else {
                            Some(paths::normalize(t))
                        }
                    })
                    .filter(|t| t.starts_with('/'));
                Some(CacheMount {
                    range: f.range,
                    target,
                    target_range,
                })
            })
            .collect()
    }
}

/// The Go cache a mount's target was meant for, by the directory names Go gives its caches:
/// `.../go-build` is a build cache, `.../pkg/mod` a module cache.
pub fn meant_for(target: &str) -> Option<GoCache> {
    if target.ends_with("/go-build") {
        Some(GoCache::Build)
    } else if target.ends_with("/pkg/mod") {
        Some(GoCache::Module)
    } else {
        None
    }
}

/// A cache mount at `target` holds the cache directory `dir`: the same directory or one above
/// it (`target=/root/.cache` holds `/root/.cache/go-build`), never `/` itself.
pub fn holds(target: &str, dir: &str) -> bool {
    target != "/" && paths::is_within(dir, target)
}

/// The go commands of one RUN, and what they ask of the caches.
#[derive(Debug, Clone)]
pub struct GoCacheRun {
    pub stage: usize,
    pub instruction: usize,
    /// What its go commands do, together.
    pub uses: GoCacheUse,
    /// Caches a command of it empties.
    pub cleans: Vec<GoCache>,
    /// The build and module cache directories of its first go command, where known.
    pub build_dir: Option<String>,
    pub module_dir: Option<String>,
    pub mounts: Vec<CacheMount>,
    /// The first go command's `go <subcommand>` words, to point at.
    pub range: TextRange,
    /// It runs as root (no USER before it in the chain, or a root one): a cache mount, which
    /// BuildKit creates owned by root, is writable.
    pub as_root: bool,
}

impl GoCacheRun {
    /// A cache mount of the RUN holds this cache; `None` when one has a target gopherlint
    /// cannot read, or the cache's directory is unknown.
    pub fn mounted(&self, cache: GoCache) -> Option<bool> {
        let dir = match cache {
            GoCache::Build => self.build_dir.as_deref()?,
            GoCache::Module => self.module_dir.as_deref()?,
        };
        if self.mounts.iter().any(|m| m.target.is_none()) {
            return None;
        }
        // Go keeps the modules it downloads in the module cache's `cache/download`: a mount
        // there alone (`target=/go/pkg/mod/cache`) keeps them, and only their unpacking
        // is done again.
        let downloads = format!("{dir}/cache/download");
        Some(self.mounts.iter().any(|m| {
            m.target.as_deref().is_some_and(|t| {
                holds(t, dir) || (cache == GoCache::Module && holds(t, &downloads))
            })
        }))
    }

    /// A cache mount of the RUN is named for this cache (`.../go-build`, `.../pkg/mod`)
    /// wherever it points: the RUN means to cache it, rightly or not.
    pub fn names_a_mount_for(&self, cache: GoCache) -> bool {
        self.mounts
            .iter()
            .any(|m| m.target.as_deref().and_then(meant_for) == Some(cache))
    }
}

impl FileFacts<'_> {
    /// A RUN of the stage's chain works on the files of Go's module cache with a program other
    /// than go: patches a module's sources in place (`sed -i ... $GOPATH/pkg/mod/...`), copies
    /// out of it, changes its modes; or another stage copies it out with `COPY --from`. The stage (or one built on it) relies on the modules staying in its layers,
    /// which a cache mount would take out of them: a later RUN would find them unpatched, or a
    /// layer restored from the cache would come with an empty mount.
    pub fn handles_module_cache_files(&self, stage: usize) -> bool {
        // The stage's own chain, and the stages built on it, which inherit its layers.
        let chain = self.chain(stage);
        let related = |s: usize| chain.contains(&s) || self.chain(s).contains(&stage);
        let in_runs = self
            .runs
            .iter()
            .filter(|run| related(run.stage))
            .flat_map(|run| run.script.commands.iter())
            .filter(|command| command.program().is_some_and(|p| p != "go"))
            .flat_map(|command| command.argv.iter().skip(1))
            .any(|word| names_module_cache(&word.text));
        // Another stage copies the module cache out of its layers (`COPY --from=deps
        // /go/pkg/mod /go/pkg/mod`, or a folder above it: `/go/pkg`): in a mount, there would
        // be nothing to copy.
        in_runs
            || self.copies.iter().any(|copy| {
                matches!(copy.source, CopySource::Stage(from) if related(from))
                    && self.copies_module_cache(copy)
            })
    }

    /// A copy from another stage takes that stage's module cache: a source that names it, or
    /// a folder that holds the module cache of one of that stage's go steps (`/go/pkg` over
    /// `/go/pkg/mod`).
    pub fn copies_module_cache(&self, copy: &super::copy::Copy) -> bool {
        let CopySource::Stage(from) = copy.source else {
            return false;
        };
        let chain = self.chain(from);
        let module_dirs: Vec<&str> = self
            .go_cache_runs()
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .filter_map(|r| r.module_dir.as_deref())
            .collect();
        copy.sources
            .iter()
            .filter_map(|s| s.usable())
            .any(|source| {
                let source = source.trim_end_matches('/');
                names_module_cache(source)
                    || (!source.is_empty()
                        && module_dirs
                            .iter()
                            .any(|dir| crate::paths::is_within(dir, source)))
            })
    }

    /// The RUNs of a stage's chain after `instruction` that build through something that
    /// hides its go commands (make, a script): they use Go's caches where gopherlint cannot
    /// see, so a cache moved into a mount must be mounted there too.
    pub fn opaque_builds_after(&self, stage: usize, instruction: usize) -> Vec<usize> {
        self.runs
            .iter()
            .filter(|r| r.instruction > instruction && self.chain(r.stage).contains(&stage))
            .filter(|r| r.builds_opaquely())
            .map(|r| r.instruction)
            .collect()
    }

    /// The RUNs of `stage`'s chain between two instructions that build through something that
    /// hides its go commands (make, a script) with no cache mount: what they fetch stays in
    /// their layer (`RUN ./hack/install-dependencies.sh` after `COPY go.mod go.sum`).
    pub fn opaque_builds_in_layer_between(
        &self,
        stage: usize,
        after: usize,
        before: usize,
    ) -> Vec<usize> {
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| r.instruction > after && r.instruction < before)
            .filter(|r| chain.contains(&r.stage) && r.builds_opaquely())
            .filter(|r| !self.mounts_a_cache(r.instruction))
            .map(|r| r.instruction)
            .collect()
    }

    /// The RUN builds through something that hides its go commands (make, a script).
    pub fn runs_opaque_build(&self, instruction: usize) -> bool {
        self.runs
            .iter()
            .find(|r| r.instruction == instruction)
            .is_some_and(|r| r.builds_opaquely())
    }

    /// Every RUN that runs the go command, in file order, with its cache directories and
    /// mounts.
    pub fn go_cache_runs(&self) -> &[GoCacheRun] {
        self.go_cache_runs.get_or_init(|| self.read_go_cache_runs())
    }

    fn read_go_cache_runs(&self) -> Vec<GoCacheRun> {
        let mut out: Vec<GoCacheRun> = Vec::new();
        for run in self
            .tool_runs
            .iter()
            .filter(|r| r.command.program() == Some("go"))
        {
            let uses = cache_use(&run.command.argv);
            let same = out
                .last()
                .is_some_and(|last| last.instruction == run.instruction);
            if !same {
                let as_root = self.runs_as_root(run.stage, run.instruction);
                let range = match run.command.argv.get(1) {
                    Some(sub) => run.command.argv[0].range.cover(sub.range),
                    None => run.command.argv[0].range,
                };
                let build_dir =
                    self.go_cache_dir(GoCache::Build, &run.env, run.stage, run.instruction);
                let module_dir =
                    self.go_cache_dir(GoCache::Module, &run.env, run.stage, run.instruction);
                out.push(GoCacheRun {
                    stage: run.stage,
                    instruction: run.instruction,
                    uses: GoCacheUse::default(),
                    cleans: Vec::new(),
                    build_dir,
                    module_dir,
                    mounts: self.cache_mounts(run.stage, run.instruction),
                    range,
                    as_root,
                });
            }
            let Some(last) = out.last_mut() else {
                continue;
            };
            last.uses.compiles |= uses.compiles;
            last.uses.downloads |= uses.downloads;
            last.uses.downloads_outright |= uses.downloads_outright;
            last.uses.loads_other_packages |= uses.loads_other_packages;
            for (cleans, cache) in [
                (uses.cleans_build, GoCache::Build),
                (uses.cleans_modules, GoCache::Module),
            ] {
                if cleans && !last.cleans.contains(&cache) {
                    last.cleans.push(cache);
                }
            }
        }
        out
    }
}

/// A word that points into Go's module cache: a path with a `pkg/mod` directory
/// (`${GOPATH}/pkg/mod/github.com/...`, `/go/pkg/mod`) or the cache's variable read
/// (`$(go env GOMODCACHE)/...`); not an assignment of the variable.
fn names_module_cache(text: &str) -> bool {
    let in_path = text.match_indices("/pkg/mod").any(|(at, needle)| {
        text[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '/' | '"' | '\'' | ')' | '}' | '*'))
    });
    in_path || (text.contains("GOMODCACHE") && !text.starts_with("GOMODCACHE="))
}
