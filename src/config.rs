//! `gopherlint.toml` / `.gopherlint.toml`: schema, validation and discovery, and the settings
//! that command-line flags and a config file together produce.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cache::BoundedCache;
use crate::diagnostic::Severity;
use crate::model::ImageClass;
use crate::rules::{self, Rule};

pub const CONFIG_NAMES: [&str; 2] = ["gopherlint.toml", ".gopherlint.toml"];

/// The file as written. Unknown keys are rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    ignore: Option<Vec<String>>,
    failure_threshold: Option<String>,
    severity: Option<BTreeMap<String, String>>,
    final_stage: Option<FinalStageSection>,
    image: Option<ImageSection>,
    context: Option<ContextSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ContextSection {
    paths: Option<BTreeMap<String, String>>,
}

/// The build context of the files a glob matches (`[context.paths]`).
#[derive(Debug, Clone)]
pub struct ContextByPath {
    pub glob: String,
    matcher: globset::GlobMatcher,
    /// The context directory, resolved against the config file's directory.
    pub dir: PathBuf,
}

impl PartialEq for ContextByPath {
    fn eq(&self, other: &Self) -> bool {
        self.glob == other.glob && self.dir == other.dir
    }
}

impl Eq for ContextByPath {}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ImageSection {
    class: Option<String>,
    paths: Option<BTreeMap<String, String>>,
}

/// An image class set for the files a glob matches.
#[derive(Debug, Clone)]
pub struct ClassByPath {
    pub glob: String,
    matcher: globset::GlobMatcher,
    pub class: ImageClass,
}

impl PartialEq for ClassByPath {
    fn eq(&self, other: &Self) -> bool {
        self.glob == other.glob && self.class == other.class
    }
}

impl Eq for ClassByPath {}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FinalStageSection {
    allowed_bases: Option<Vec<String>>,
}

/// A validated configuration (from a file, or the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Where it was read from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// Rules turned off.
    pub ignore: Vec<&'static Rule>,
    /// `None` in the file means the default (warning).
    pub failure_threshold: Option<Threshold>,
    pub severity: HashMap<&'static Rule, Severity>,
    pub allowed_bases: Vec<String>,
    /// `[image] class`: the class of every image this config covers.
    pub class: Option<ImageClass>,
    /// `[image.paths]`: classes by glob, relative to the config file's directory; the first
    /// match (in the file's order of keys, sorted) wins over `class`.
    pub class_by_path: Vec<ClassByPath>,
    /// `[context.paths]`: build contexts by glob, relative to the config file's directory.
    pub context_by_path: Vec<ContextByPath>,
}

impl Config {
    /// The image class the config sets for a file, if any.
    pub fn class_for(&self, file: &Path) -> Option<ImageClass> {
        if self.class_by_path.is_empty() {
            return self.class;
        }
        let relative = self.relative(file);
        self.class_by_path
            .iter()
            .find(|c| c.matcher.is_match(&relative))
            .map(|c| c.class)
            .or(self.class)
    }

    /// The build context the config sets for a file (`[context.paths]`), if any.
    pub fn context_for(&self, file: &Path) -> Option<&Path> {
        if self.context_by_path.is_empty() {
            return None;
        }
        let relative = self.relative(file);
        self.context_by_path
            .iter()
            .find(|c| c.matcher.is_match(&relative))
            .map(|c| c.dir.as_path())
    }

    /// A file's path relative to the config file's directory (globs are written so).
    fn relative(&self, file: &Path) -> PathBuf {
        let base = self.path.as_deref().and_then(Path::parent);
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        base.and_then(|b| std::path::absolute(b).ok())
            .and_then(|b| absolute.strip_prefix(b).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| file.to_path_buf())
    }
}

/// The lowest severity that fails a run, or `None` for never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold(pub Option<Severity>);

impl Threshold {
    pub const DEFAULT: Threshold = Threshold(Some(Severity::Warning));

    pub fn parse(text: &str) -> Option<Threshold> {
        match text {
            "none" => Some(Threshold(None)),
            other => Severity::parse(other).map(|s| Threshold(Some(s))),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        self.0.is_some_and(|min| severity >= min)
    }
}

/// A problem with a configuration file or flag value (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule by code or name, or an error naming where it was written.
pub fn rule_named(name: &str, place: &str) -> Result<&'static Rule, ConfigError> {
    rules::find(name.trim()).ok_or_else(|| {
        ConfigError(format!(
            "{place}: unknown rule `{name}` (`gopherlint --list-rules` lists codes and names)"
        ))
    })
}

impl Config {
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display();
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            ConfigError(format!(
                "{shown}: {}",
                e.to_string().trim_end().replace('\n', "\n  ")
            ))
        })?;
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        for name in file.ignore.unwrap_or_default() {
            config
                .ignore
                .push(rule_named(&name, &format!("{shown}: `ignore`"))?);
        }
        if let Some(text) = file.failure_threshold {
            config.failure_threshold = Some(Threshold::parse(&text).ok_or_else(|| {
                ConfigError(format!(
                    "{shown}: `failure-threshold` must be error, warning, info or none, not `{text}`"
                ))
            })?);
        }
        for (name, level) in file.severity.unwrap_or_default() {
            let rule = rule_named(&name, &format!("{shown}: `[severity]`"))?;
            let severity = Severity::parse(&level).ok_or_else(|| {
                ConfigError(format!(
                    "{shown}: `[severity] {name}` must be error, warning or info, not `{level}`"
                ))
            })?;
            config.severity.insert(rule, severity);
        }
        config.allowed_bases = file
            .final_stage
            .and_then(|s| s.allowed_bases)
            .unwrap_or_default();
        let class = |text: &str, place: &str| {
            ImageClass::parse(text).ok_or_else(|| {
                let names: Vec<&str> = ImageClass::ALL.iter().map(|c| c.as_str()).collect();
                ConfigError(format!(
                    "{shown}: {place} must be one of {}, not `{text}`",
                    names.join(", ")
                ))
            })
        };
        if let Some(image) = file.image {
            if let Some(text) = image.class {
                config.class = Some(class(&text, "`[image] class`")?);
            }
            for (glob, text) in image.paths.unwrap_or_default() {
                let matcher = globset::GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        ConfigError(format!("{shown}: `[image.paths]` `{glob}`: {}", e.kind()))
                    })?
                    .compile_matcher();
                config.class_by_path.push(ClassByPath {
                    class: class(&text, &format!("`[image.paths]` `{glob}`"))?,
                    glob,
                    matcher,
                });
            }
        }
        let base = path.parent().unwrap_or(Path::new(""));
        for (glob, dir) in file.context.and_then(|c| c.paths).unwrap_or_default() {
            let matcher = globset::GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    ConfigError(format!("{shown}: `[context.paths]` `{glob}`: {}", e.kind()))
                })?
                .compile_matcher();
            if dir.trim().is_empty() {
                return Err(ConfigError(format!(
                    "{shown}: `[context.paths]` `{glob}`: the context directory is empty (use \".\" for the config file's directory)"
                )));
            }
            config.context_by_path.push(ContextByPath {
                glob,
                matcher,
                dir: base.join(dir),
            });
        }
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read config `{}`: {}", path.display(), e)))?;
        Config::parse(&text, path)
    }
}

/// Finds the config file that applies to files in `dir`: the nearest `gopherlint.toml` or
/// `.gopherlint.toml` from `dir` upward, stopping at the repository root (the first directory
/// holding `.git`) or the filesystem root. Results are cached per directory, in a bounded cache.
pub struct Discovery {
    cache: BoundedCache<PathBuf, Option<PathBuf>>,
}

impl Default for Discovery {
    fn default() -> Discovery {
        Discovery {
            cache: BoundedCache::new(crate::cache::DEFAULT_CAPACITY),
        }
    }
}

impl Discovery {
    pub fn config_for_dir(&mut self, dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let mut visited = Vec::new();
        let mut current = Some(dir.as_path());
        let mut found = None;
        while let Some(d) = current {
            if let Some(cached) = self.cache.get(d) {
                found = cached.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let present: Vec<PathBuf> = CONFIG_NAMES
                .iter()
                .map(|n| d.join(n))
                .filter(|p| p.is_file())
                .collect();
            if present.len() > 1 {
                return Err(ConfigError(format!(
                    "both `gopherlint.toml` and `.gopherlint.toml` in {}: keep one",
                    d.display()
                )));
            }
            if let Some(path) = present.into_iter().next() {
                found = Some(path);
                break;
            }
            if d.join(".git").exists() {
                break;
            }
            current = d.parent();
        }
        for d in visited {
            self.cache.insert(d, found.clone());
        }
        Ok(found)
    }
}

/// The starter file written by `gopherlint --init`.
pub const STARTER: &str = r#"# gopherlint configuration. gopherlint uses the nearest gopherlint.toml (or .gopherlint.toml)
# from each linted file's directory up to the repository root. Flags on the command line win.

# Rules to turn off, by code or name (`gopherlint --list-rules`).
ignore = []
# ignore = ["GL006", "root-user"]

# The lowest severity that makes gopherlint exit 1: error, warning, info or none.
failure-threshold = "warning"

# Per-rule severity overrides.
[severity]
# GL003 = "error"

[final-stage]
# Final base images GL002 accepts besides scratch, distroless static and chainguard static.
# `name` accepts any tag, `name:tag` that tag (and tags starting with `tag.`).
allowed-bases = []
# allowed-bases = ["alpine:3", "gcr.io/distroless/base-debian12"]

[image]
# What the images are for, when gopherlint reads it wrong: service, toolchain, check,
# export-only, test or unknown. The Go runtime rules judge service images only.
# class = "service"

[image.paths]
# Classes by glob, relative to this file's directory (first match wins over `class`).
# "build/ci/*.Dockerfile" = "toolchain"

[context.paths]
# The build context of the files a glob matches, as `docker build -f FILE DIR` (default: the
# Dockerfile's own directory). Both relative to this file's directory; first match wins.
# "deploy/*.Dockerfile" = "."
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_schema() {
        let text = r#"
ignore = ["GL006", "root-user"]
failure-threshold = "error"
[severity]
GL003 = "error"
unstripped-binary = "info"
[final-stage]
allowed-bases = ["alpine:3"]
[image]
class = "service"
[image.paths]
"ci/**" = "toolchain"
"#;
        let config = Config::parse(text, Path::new("gopherlint.toml")).expect("valid");
        assert_eq!(config.class, Some(ImageClass::Service));
        assert_eq!(
            config.class_for(Path::new("ci/images/Dockerfile")),
            Some(ImageClass::Toolchain)
        );
        assert_eq!(
            config.class_for(Path::new("deploy/Dockerfile")),
            Some(ImageClass::Service)
        );
        let codes: Vec<&str> = config.ignore.iter().map(|r| r.code).collect();
        assert_eq!(codes, vec!["GL006", "GL005"]);
        assert_eq!(
            config.failure_threshold,
            Some(Threshold(Some(Severity::Error)))
        );
        let gl003 = rules::find("GL003").expect("GL003");
        assert_eq!(config.severity.get(gl003), Some(&Severity::Info));
        assert_eq!(config.allowed_bases, vec!["alpine:3"]);
    }

    #[test]
    fn rejects_unknown_keys_and_rules() {
        let err = Config::parse("ignroe = []", Path::new("g.toml")).expect_err("unknown key");
        assert!(err.0.contains("ignroe"), "{}", err.0);
        let err = Config::parse("ignore = [\"GL999\"]", Path::new("g.toml")).expect_err("rule");
        assert!(err.0.contains("unknown rule `GL999`"), "{}", err.0);
        let err =
            Config::parse("[final-stage]\nallowed = 1", Path::new("g.toml")).expect_err("key");
        assert!(err.0.contains("allowed"), "{}", err.0);
        let err =
            Config::parse("failure-threshold = \"high\"", Path::new("g.toml")).expect_err("level");
        assert!(err.0.contains("`high`"), "{}", err.0);
        let err =
            Config::parse("[image]\nclass = \"server\"", Path::new("g.toml")).expect_err("class");
        assert!(err.0.contains("not `server`"), "{}", err.0);
        let err = Config::parse("[image.paths]\n\"a[\" = \"check\"", Path::new("g.toml"))
            .expect_err("glob");
        assert!(err.0.contains("`a[`"), "{}", err.0);
    }

    #[test]
    fn the_starter_file_is_valid() {
        Config::parse(STARTER, Path::new("gopherlint.toml")).expect("starter parses");
    }
}
