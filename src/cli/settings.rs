//! Settings of a run: flags combined with each file's configuration (flags win), and the
//! configuration that applies to each directory.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Cli;
use crate::LintOptions;
use crate::config::{Config, ConfigError, Discovery, STARTER, Threshold, rule_named};
use crate::model::Platform;
use crate::rules::{RULES, RuleSettings};

/// What the flags say, to be combined with each file's config (flags win).
pub(super) struct FlagSettings {
    target: Option<String>,
    platform: Platform,
    ignore: Vec<&'static str>,
    select: Option<Vec<&'static str>>,
    threshold: Option<Threshold>,
    ignore_comments: bool,
}

impl FlagSettings {
    pub(super) fn from_cli(cli: &Cli) -> Result<FlagSettings, ConfigError> {
        let codes = |names: &[String], flag: &str| -> Result<Vec<&'static str>, ConfigError> {
            names
                .iter()
                .filter(|n| !n.trim().is_empty())
                .map(|n| rule_named(n, flag).map(|r| r.code))
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
    pub(super) fn options(&self, config: &Config, file: Option<&Path>) -> LintOptions {
        // Nothing selected or ignored: every rule runs, with no set to build or look up.
        let all = self.select.is_none() && self.ignore.is_empty() && config.ignore.is_empty();
        let enabled: HashSet<&'static str> = match &self.select {
            _ if all => HashSet::new(),
            Some(select) => select.iter().copied().collect(),
            None => RULES
                .iter()
                .map(|r| r.code)
                .filter(|c| !config.ignore.contains(c))
                .collect(),
        };
        let enabled = enabled
            .into_iter()
            .filter(|c| !self.ignore.contains(c))
            .collect();
        LintOptions {
            target: self.target.clone(),
            platform: self.platform.clone(),
            path: file.map(|f| f.to_string_lossy().into_owned()),
            class: file.and_then(|f| config.class_for(f)).or(config.class),
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

/// The config that applies to each directory: `--no-config`, `--config`, or discovery.
pub(super) struct ConfigResolver {
    fixed: Option<Config>,
    discovery: Option<Discovery>,
    loaded: HashMap<PathBuf, Config>,
}

impl ConfigResolver {
    pub(super) fn new(cli: &Cli) -> Result<ConfigResolver, ConfigError> {
        let (fixed, discovery) = if cli.no_config {
            (Some(Config::default()), None)
        } else if let Some(path) = &cli.config {
            (Some(Config::load(path)?), None)
        } else {
            (None, Some(Discovery::default()))
        };
        Ok(ConfigResolver {
            fixed,
            discovery,
            loaded: HashMap::new(),
        })
    }

    pub(super) fn for_dir(&mut self, dir: &Path) -> Result<Config, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let Some(discovery) = self.discovery.as_mut() else {
            return Ok(Config::default());
        };
        let Some(path) = discovery.config_for_dir(dir)? else {
            return Ok(Config::default());
        };
        if let Some(config) = self.loaded.get(&path) {
            return Ok(config.clone());
        }
        let config = Config::load(&path)?;
        self.loaded.insert(path, config.clone());
        Ok(config)
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
