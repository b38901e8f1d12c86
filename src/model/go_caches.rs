//! Go's two caches as a RUN sees them: where the go command keeps its build cache (GOCACHE) and
//! its module cache (GOMODCACHE) for the user, HOME and settings in effect, and the cache
//! mounts (`RUN --mount=type=cache,target=...`) that hold them. Sources: `go help cache`,
//! `go help environment`, `go help gopath`; BuildKit's `--mount` reference.

use super::facts::FileFacts;
use super::go_build::mount_type;
use super::vars::Vars;
use crate::knowledge::go_command::{self, GoSubcommand};
use crate::knowledge::users::UserSpec;
use crate::paths;
use crate::source::TextRange;

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

/// What a go command does that a cache serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoCacheUse {
    /// It compiles (build, install, test, run, generate, vet): the build cache.
    pub compiles: bool,
    /// It downloads modules (`go mod download`, `go get`, `go install pkg@version`).
    pub downloads: bool,
    /// It empties a cache (`go clean -cache`, `-modcache`).
    pub cleans: Option<GoCache>,
}

/// What the go command with these arguments does with the caches.
pub fn cache_use(argv: &[crate::shell::ShellWord]) -> GoCacheUse {
    let Some(subcommand) = go_command::subcommand(argv) else {
        return GoCacheUse::default();
    };
    let words: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let has = |w: &str| words.contains(&w);
    match subcommand {
        GoSubcommand::Build | GoSubcommand::Test | GoSubcommand::Run => GoCacheUse {
            compiles: true,
            downloads: words.iter().skip(2).any(|w| w.contains('@')),
            cleans: None,
        },
        GoSubcommand::Install => GoCacheUse {
            compiles: true,
            downloads: words.iter().skip(2).any(|w| w.contains('@')),
            cleans: None,
        },
        GoSubcommand::Get => GoCacheUse {
            compiles: false,
            downloads: true,
            cleans: None,
        },
        GoSubcommand::Mod => GoCacheUse {
            compiles: false,
            downloads: has("download"),
            cleans: None,
        },
        GoSubcommand::Other => match words.get(1).copied() {
            Some("generate" | "vet") => GoCacheUse {
                compiles: true,
                ..GoCacheUse::default()
            },
            Some("clean") => GoCacheUse {
                cleans: if has("-modcache") {
                    Some(GoCache::Module)
                } else if has("-cache") {
                    Some(GoCache::Build)
                } else {
                    None
                },
                ..GoCacheUse::default()
            },
            _ => GoCacheUse::default(),
        },
        GoSubcommand::Env => GoCacheUse::default(),
    }
}

impl FileFacts<'_> {
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
        let read = |name: &str| -> Option<Option<String>> {
            let (value, _) = env.exported_value(name)?;
            Some(value.usable().map(|v| paths::normalize(v.trim())))
        };
        if let Some(value) = read(cache.variable()) {
            return value.filter(|v| v.starts_with('/'));
        }
        let home = || -> Option<String> {
            if let Some(value) = read("HOME") {
                return value;
            }
            let stage = &self.stages[stage];
            match &stage.user {
                None => Some("/root".to_string()),
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
        let dir = paths::normalize(&dir);
        dir.starts_with('/').then_some(dir)
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
                    .and_then(|(_, t)| vars.expand(t).usable().map(paths::normalize))
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

/// A cache mount at `target` holds the cache directory `dir`: the same directory or one above
/// it (`target=/root/.cache` holds `/root/.cache/go-build`), never `/` itself.
pub fn holds(target: &str, dir: &str) -> bool {
    target != "/" && paths::is_within(dir, target)
}
