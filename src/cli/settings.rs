//! Settings of a run: flags combined with each file's configuration (flags win), and the
//! configuration that applies to each directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Cli;
use crate::LintOptions;
use crate::cache::BoundedCache;
use crate::config::{Config, ConfigError, Discovery, STARTER, Threshold, rule_named};
use crate::context::BuildContext;
use crate::model::Platform;
use crate::repository::Chosen;
use crate::rules::{RULES, Rule, RuleSet, RuleSettings};

/// What the flags say, to be combined with each file's config (flags win).
pub(super) struct FlagSettings {
    target: Option<String>,
    platform: Platform,
    /// `--platform` was given.
    platform_flag: bool,
    ignore: Vec<&'static Rule>,
    select: Option<Vec<&'static Rule>>,
    threshold: Option<Threshold>,
    ignore_comments: bool,
}

impl FlagSettings {
    pub(super) fn from_cli(cli: &Cli) -> Result<FlagSettings, ConfigError> {
        let codes = |names: &[String], flag: &str| -> Result<Vec<&'static Rule>, ConfigError> {
            names
                .iter()
                .filter(|n| !n.trim().is_empty())
                .map(|n| rule_named(n, flag))
                .collect()
        };
        let threshold = match &cli.failure_threshold {
            None => None,
            Some(text) => Some(Threshold::parse(text).ok_or_else(|| {
                ConfigError(format!(
                    "--failure-threshold must be error, warning, info or none, not `{text}`"
                ))
            })?),
        };
        let platform = match &cli.platform {
            None => Platform::default(),
            Some(text) => {
                Platform::parse(text).map_err(|e| ConfigError(format!("--platform: {e}")))?
            }
        };
        Ok(FlagSettings {
            target: cli.target.clone(),
            platform,
            platform_flag: cli.platform.is_some(),
            ignore: codes(&cli.ignore, "--ignore")?,
            select: if cli.select.is_empty() {
                None
            } else {
                Some(codes(&cli.select, "--select")?)
            },
            threshold,
            ignore_comments: !cli.no_ignore_comments,
        })
    }

    /// The options for one file (`file`: its path, for config classes and path conventions).
    pub(super) fn options(
        &self,
        config: &Config,
        file: Option<&Path>,
        context: Option<Arc<BuildContext>>,
        build: Option<Arc<Chosen>>,
    ) -> LintOptions {
        // Nothing selected or ignored: every rule runs, with no set to build or look up.
        let all = self.select.is_none() && self.ignore.is_empty() && config.ignore.is_empty();
        let mut enabled: RuleSet = match &self.select {
            _ if all => RuleSet::default(),
            Some(select) => select.iter().copied().collect(),
            None => RULES
                .iter()
                .copied()
                .filter(|r| !config.ignore.contains(r))
                .collect(),
        };
        for rule in &self.ignore {
            enabled.remove(rule);
        }
        // The flags win; then what the repository's build of the file says.
        let target = self
            .target
            .clone()
            .or_else(|| build.as_ref().and_then(|b| b.target.clone()));
        let platform = match (&self.platform_flag, &build) {
            (false, Some(b)) => {
                build_platform(&b.platforms).unwrap_or_else(|| self.platform.clone())
            }
            _ => self.platform.clone(),
        };
        LintOptions {
            target,
            platform,
            path: file.map(|f| f.to_string_lossy().into_owned()),
            class: file.and_then(|f| config.class_for(f)).or(config.class),
            context,
            build,
            run_docs: None,
            repo_wide: None,
            nested_project: None,
            rules: RuleSettings {
                allowed_bases: config.allowed_bases.clone(),
            },
            enabled: (!all).then_some(enabled),
            severity: config.severity.clone(),
            ignore_comments: self.ignore_comments,
        }
    }

    pub(super) fn threshold(&self, config: &Config) -> Threshold {
        self.threshold
            .or(config.failure_threshold)
            .unwrap_or(Threshold::DEFAULT)
    }
}

/// The platform to lint a build for, from the platforms it builds: the default one when it is
/// among them, else the first gopherlint can read.
fn build_platform(platforms: &[String]) -> Option<Platform> {
    let parsed: Vec<Platform> = platforms
        .iter()
        .filter(|p| !Platform::is_builders_own(p))
        .filter_map(|p| Platform::parse(p).ok())
        .collect();
    if parsed.is_empty() || parsed.contains(&Platform::default()) {
        return None;
    }
    parsed.into_iter().next()
}

/// The config that applies to each directory: `--no-config`, `--config`, or discovery. Each
/// config is loaded once and shared by the files it covers.
pub(super) struct ConfigResolver {
    fixed: Option<Arc<Config>>,
    discovery: Option<Discovery>,
    loaded: HashMap<PathBuf, Arc<Config>>,
    default: Arc<Config>,
}

impl ConfigResolver {
    pub(super) fn new(cli: &Cli) -> Result<ConfigResolver, ConfigError> {
        let (fixed, discovery) = if cli.no_config {
            (Some(Arc::new(Config::default())), None)
        } else if let Some(path) = &cli.config {
            (Some(Arc::new(Config::load(path)?)), None)
        } else {
            (None, Some(Discovery::default()))
        };
        Ok(ConfigResolver {
            fixed,
            discovery,
            loaded: HashMap::new(),
            default: Arc::new(Config::default()),
        })
    }

    pub(super) fn for_dir(&mut self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let Some(discovery) = self.discovery.as_mut() else {
            return Ok(self.default.clone());
        };
        let Some(path) = discovery.config_for_dir(dir)? else {
            return Ok(self.default.clone());
        };
        if let Some(config) = self.loaded.get(&path) {
            return Ok(config.clone());
        }
        let config = Arc::new(Config::load(&path)?);
        self.loaded.insert(path, config.clone());
        Ok(config)
    }
}

/// The build context of each file: `--context`, else the config's `[context.paths]`, else the
/// Dockerfile's own directory. A context directory is read once, whatever the number of
/// Dockerfiles or stages built from it (in a bounded cache: on a tree of thousands of
/// directories, a context not used for a long while may be read again).
pub(super) struct ContextResolver {
    flag: Option<PathBuf>,
    /// Keyed by the directory and whether it was named for the file.
    loaded: BoundedCache<(PathBuf, bool), Arc<BuildContext>>,
}

impl ContextResolver {
    pub(super) fn new(flag: Option<PathBuf>) -> ContextResolver {
        ContextResolver {
            flag,
            loaded: BoundedCache::new(crate::cache::DEFAULT_CAPACITY),
        }
    }

    /// The context for a file (`None`: standard input without `--stdin-filename` or
    /// `--context`, where no directory is known). `build_named` says that `from_build` came
    /// from the repository's build configuration, not from where the file's sources are.
    pub(super) fn for_file(
        &mut self,
        config: &Config,
        file: Option<&Path>,
        from_build: Option<Option<PathBuf>>,
        build_named: bool,
    ) -> Option<Arc<BuildContext>> {
        let named = self.flag.is_some()
            || file.is_some_and(|f| config.context_for(f).is_some())
            || (build_named && matches!(from_build, Some(Some(_))));
        let dir = match (&self.flag, file) {
            (Some(dir), _) => dir.clone(),
            (None, Some(file)) => match (config.context_for(file), from_build) {
                (Some(dir), _) => dir.to_path_buf(),
                // The repository's build names the context; or it is one the build prepares
                // (GoReleaser's) or names with a value not read: unknown.
                (None, Some(Some(dir))) => dir,
                (None, Some(None)) => return None,
                (None, None) => file
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            },
            (None, None) => return None,
        };
        let key = (dir.canonicalize().unwrap_or_else(|_| dir.clone()), named);
        let context = match self.loaded.get(&key) {
            Some(context) => context.clone(),
            None => {
                let context = Arc::new(BuildContext {
                    named,
                    ..BuildContext::load(&dir)
                });
                self.loaded.insert(key, context.clone());
                context
            }
        };
        // `<Dockerfile>.dockerignore` beside the file replaces the context's `.dockerignore`.
        match file.and_then(|f| context.for_dockerfile(f)) {
            Some(specific) => Some(Arc::new(specific)),
            None => Some(context),
        }
    }
}

pub(super) fn init() -> Result<(), String> {
    for name in crate::config::CONFIG_NAMES {
        if Path::new(name).exists() {
            return Err(format!("`{name}` already exists here; not overwriting it"));
        }
    }
    std::fs::write("gopherlint.toml", STARTER)
        .map_err(|e| format!("cannot write gopherlint.toml: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_context_is_read_once() {
        let mut contexts = ContextResolver::new(None);
        let config = Config::default();
        let a = contexts.for_file(
            &config,
            Some(Path::new("fixtures/Dockerfile.modern")),
            None,
            false,
        );
        let b = contexts.for_file(&config, Some(Path::new("fixtures/Gopherfile")), None, false);
        let (Some(a), Some(b)) = (a, b) else {
            panic!("both files have a context");
        };
        assert!(Arc::ptr_eq(&a, &b), "one read for one directory");
        assert!(
            !a.named,
            "the Dockerfile's folder is the default, not a named context"
        );
        assert_eq!(contexts.loaded.len(), 1);
        assert!(contexts.for_file(&config, None, None, false).is_none());
        let mut flagged = ContextResolver::new(Some(PathBuf::from("fixtures/context/no-go-mod")));
        let c = flagged
            .for_file(&config, None, None, false)
            .expect("--context applies to standard input");
        assert!(c.exists && c.dir.ends_with("no-go-mod"));
        assert!(c.named, "--context names the context");
    }
}
