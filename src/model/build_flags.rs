//! What the flags of a go build say, for rules about obsolete or redundant flags: every
//! occurrence of a flag in argv and GOFLAGS and the one in effect (the go command's reading is
//! `knowledge::go_command`'s), where a flag is written, the platform it builds for, and whether
//! the RUN mounts a cache on the build cache (GOCACHE).

use crate::knowledge::files;
use crate::knowledge::go_command::{self, FlagUse, GoFlag};
use crate::knowledge::users::UserSpec;
use crate::paths;
use crate::source::TextRange;

use super::{GoBuild, Model};

impl GoBuild {
    /// Every occurrence of a flag, in the order `go` applies them: GOFLAGS first, then argv.
    pub fn flag_uses(&self, name: &str) -> Vec<FlagUse<'_>> {
        go_command::flag_uses(&self.flags, &self.goflags, name)
    }

    /// The occurrence in effect: command-line flags override GOFLAGS, and the last one wins.
    pub fn effective_flag(&self, name: &str) -> Option<FlagUse<'_>> {
        self.flag_uses(name).pop()
    }

    /// The source range of a command-line flag: its name word through its value word.
    pub fn flag_range(&self, flag: &GoFlag) -> Option<TextRange> {
        let first = self.command.argv.get(flag.name_word?)?;
        let last = self
            .command
            .argv
            .get(flag.value_word.unwrap_or(flag.name_word?))?;
        Some(first.range.cover(last.range))
    }

    /// The GOOS the build compiles for, where it can be told: unset means the builder's own,
    /// and builders here are Linux.
    pub fn target_os(&self) -> Option<String> {
        match self.env.exported_value("GOOS") {
            None => Some("linux".into()),
            Some((value, _)) => value.resolved().map(str::to_string),
        }
    }
}

impl Model<'_> {
    /// The `--mount=type=cache` of the build's RUN whose target is the build cache (GOCACHE,
    /// by default `$HOME/.cache/go-build`, `/root/.cache/go-build` for root) or a directory
    /// above it: the mount flag's range. `None` when there is none or the cache directory cannot be told.
    pub fn build_cache_mount(&self, build: &GoBuild) -> Option<TextRange> {
        let gocache = self.gocache(build)?;
        let vars = &self.stages[build.stage].vars;
        self.instruction(build.instruction)
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .find(|f| {
                let Some(spec) = f.value.as_deref() else {
                    return false;
                };
                let mut cache = false;
                let mut target = None;
                for field in spec.split(',') {
                    match field.split_once('=') {
                        Some(("type", "cache")) => cache = true,
                        Some(("target" | "dst" | "destination", t)) => target = Some(t),
                        _ => {}
                    }
                }
                let target = target.map(|t| vars.expand(t));
                // A cache on a parent directory (`target=/root/.cache`) holds GOCACHE too.
                cache
                    && target.as_ref().and_then(|t| t.usable()).is_some_and(|t| {
                        let t = paths::normalize(t);
                        t.starts_with('/')
                            && t != "/"
                            && paths::is_within(&paths::normalize(&gocache), &t)
                    })
            })
            .map(|f| f.range)
    }

    /// The build cache directory the go command uses, where it can be told.
    fn gocache(&self, build: &GoBuild) -> Option<String> {
        if let Some((value, _)) = build.env.exported_value("GOCACHE") {
            return value.usable().map(str::to_string);
        }
        if let Some((value, _)) = build.env.exported_value("XDG_CACHE_HOME") {
            return value.usable().map(|v| format!("{v}/go-build"));
        }
        if let Some((value, _)) = build.env.exported_value("HOME") {
            return value.usable().map(|v| format!("{v}/.cache/go-build"));
        }
        // Without HOME set, root's home; another user's depends on the image's passwd.
        let stage = &self.stages[build.stage];
        match &stage.user {
            None => Some(files::ROOT_GOCACHE.into()),
            Some(user) if user.instruction < build.instruction => {
                UserSpec::parse(user.value.usable()?)
                    .is_root()
                    .then(|| files::ROOT_GOCACHE.into())
            }
            Some(_) => None,
        }
    }
}
