//! Cross-compilation: platform facts for the rules: which platform a stage runs on, where a go
//! build's GOOS/GOARCH come from (the target's automatic ARGs, a literal, the build machine),
//! which automatic platform ARGs a stage has declared at an instruction, and whether the final
//! image is one that `docker build --platform` can produce for any architecture.

use crate::shell::ShellWord;
use crate::source::TextRange;
use crate::syntax::Keyword;

use super::copy::CopySource;
use super::facts::FileFacts;
use super::go_build::GoBuild;
use super::platform::PLATFORM_ARGS;
use super::vars::{Certainty, Value, Vars};
use crate::knowledge::downloads;
use crate::knowledge::go_command;
use crate::knowledge::images::ARCH_NAMES;

/// How deep `GOARCH=$ARCH`, `ARCH=$TARGETARCH` chains are followed.
const MAX_TRACE_DEPTH: usize = 6;

/// Where a go command's GOOS or GOARCH comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformSource {
    /// Not in the command's environment: `go` builds for the machine it runs on.
    Unset,
    /// From `TARGETOS`/`TARGETARCH`/`TARGETPLATFORM`/`TARGETVARIANT`, directly or through
    /// other variables (whether declared or not: an undeclared one is GL208's other case).
    Target,
    /// From the build machine's `BUILD*` ARGs.
    Build,
    /// A value written in the file (an inline assignment, ENV, or an ARG default).
    Literal {
        value: String,
        /// The assignment that sets the variable itself, when it is written there as a
        /// plain literal (`GOARCH=amd64`): where a fix can replace the value.
        assignment: Option<LiteralAssignment>,
    },
    /// Cannot be told: a build argument without a default, a command substitution, a
    /// variable gopherlint does not follow (a loop variable).
    Unknown,
}

/// `NAME=value` written plainly in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralAssignment {
    /// The value's range (no quotes, no variables, one line).
    pub value: TextRange,
    /// The instruction that holds it.
    pub instruction: usize,
    /// It is the default of an automatic platform ARG (`ARG TARGETARCH=amd64`), which BuildKit
    /// uses instead of the platform being built: the fix is to drop `=value`.
    pub platform_arg_default: bool,
}

/// A `$TARGET*`/`$BUILD*` reference in a RUN whose stage has not declared the ARG.
#[derive(Debug, Clone)]
pub struct UndeclaredPlatformArg {
    pub instruction: usize,
    pub stage: usize,
    pub name: &'static str,
    /// The reference (`$TARGETARCH`, `${TARGETARCH}`) where the word is plain source text,
    /// else the whole word.
    pub range: TextRange,
}

impl FileFacts<'_> {
    /// The `--platform` value in effect for a stage: its own FROM's, else the one of the
    /// stage it is built FROM (BuildKit keeps the base stage's platform).
    pub fn stage_platform(&self, stage: usize) -> Option<&str> {
        self.chain(stage)
            .iter()
            .copied()
            .find_map(|s| self.stages[s].platform.as_deref())
    }

    /// The stage runs on the build machine (`FROM --platform=$BUILDPLATFORM`), so its go
    /// builds cross-compile only when told the target.
    pub fn runs_on_build_platform(&self, stage: usize) -> bool {
        self.stage_platform(stage).is_some_and(|p| {
            ["BUILDPLATFORM", "BUILDOS", "BUILDARCH"]
                .iter()
                .any(|name| mentions(p, name))
        })
    }

    /// The range of the `--platform` flag that puts a stage on the build machine.
    pub fn build_platform_flag(&self, stage: usize) -> Option<TextRange> {
        self.chain(stage).iter().copied().find_map(|s| {
            let flag = self.instruction(self.stages[s].from).flag("platform")?;
            flag.value.as_ref()?;
            Some(flag.range)
        })
    }

    /// Where a go build's `GOOS` or `GOARCH` comes from.
    pub fn platform_source(&self, build: &GoBuild, name: &str) -> PlatformSource {
        match build.env.get(name) {
            Some(var) if var.exported => self.trace_platform(&build.env, name, 0),
            _ if self.environment_from_elsewhere(build, name) => PlatformSource::Unknown,
            _ => PlatformSource::Unset,
        }
    }

    /// The build's RUN reads variables from a file or a command (`. ./env.sh`, `source`,
    /// `eval "$(...)"`), or an earlier RUN of the chain ran `go env -w NAME=...`: the
    /// variable may be set where the model cannot see.
    fn environment_from_elsewhere(&self, build: &GoBuild, name: &str) -> bool {
        let sourced = self
            .runs_of(build.instruction)
            .iter()
            .flat_map(|r| &r.script.commands)
            .any(|c| matches!(c.program(), Some("." | "source" | "eval")));
        let chain = self.chain(build.stage);
        let go_env = self
            .go_env_writes()
            .iter()
            .any(|(stage, instruction, command)| {
                chain.contains(stage)
                    && *instruction <= build.instruction
                    && go_command::env_writes(&command.argv)
                        .iter()
                        .any(|&(_, written, _)| written == name)
            });
        sourced || go_env
    }

    /// Every `go env -w` command of the file, with its stage and instruction.
    fn go_env_writes(&self) -> &[(usize, usize, std::sync::Arc<crate::shell::Command>)] {
        self.go_env_writes.get_or_init(|| {
            self.runs
                .iter()
                .flat_map(|r| r.script.commands.iter().map(move |c| (r, c)))
                .filter(|(_, c)| !go_command::env_writes(&c.argv).is_empty())
                .map(|(r, c)| (r.stage, r.instruction, c.clone()))
                .collect()
        })
    }

    fn trace_platform(&self, env: &Vars, name: &str, depth: usize) -> PlatformSource {
        if let Some(kind) = platform_arg_kind(name) {
            return self.platform_arg_default(env, name).unwrap_or(kind);
        }
        let Some(var) = env.get(name) else {
            // Never set where the model can see: a loop or `read` variable, or nothing.
            return PlatformSource::Unknown;
        };
        let Some(value) = &var.value else {
            // `ARG NAME` without a default: whoever builds passes it.
            return PlatformSource::Unknown;
        };
        if depth > MAX_TRACE_DEPTH || value.is_unknown() {
            return PlatformSource::Unknown;
        }
        let Some(origin) = var.origin else {
            return PlatformSource::Unknown;
        };
        // An ARG the repository's build passes a value (`--build-arg GOARCH=$(GOARCH)` from a
        // Makefile's `GOARCH ?= amd64`): whoever builds chooses it, as for an ARG without a
        // default, not the file.
        if self.passes_value(name)
            && self
                .instruction_at(origin.start)
                .is_some_and(|i| self.instruction(i).keyword == Keyword::Arg)
        {
            return PlatformSource::Unknown;
        }
        let written = &self.text[origin.start..origin.end];
        let Some(expression) = assigned_text(written, name) else {
            // `ARG NAME` taking a global default: a literal when the default is one.
            return known_literal(value);
        };
        let references = references(expression);
        if references.is_empty() {
            let plain = !expression.is_empty()
                && expression
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
            let assignment = plain
                .then(|| {
                    let start = origin.end - expression.len();
                    let instruction = self.instruction_at(start)?;
                    Some(LiteralAssignment {
                        value: TextRange::new(start, origin.end),
                        instruction,
                        platform_arg_default: false,
                    })
                })
                .flatten();
            return PlatformSource::Literal {
                value: value.text.clone(),
                assignment,
            };
        }
        // `GOARCH=${GOARCH}` re-exports the value it had before (an `ARG GOARCH=amd64`), which
        // the model has already expanded into this one: a literal if that was.
        if references.iter().any(|r| r == name) {
            if self.passes_value(name) {
                return PlatformSource::Unknown;
            }
            return known_literal(value);
        }
        let sources: Vec<PlatformSource> = references
            .iter()
            .map(|r| self.trace_platform(env, r, depth + 1))
            .collect();
        if sources.contains(&PlatformSource::Target) {
            return PlatformSource::Target;
        }
        if sources.contains(&PlatformSource::Build) {
            return PlatformSource::Build;
        }
        if sources
            .iter()
            .all(|s| matches!(s, PlatformSource::Literal { .. }))
            && !value.text.is_empty()
        {
            // `GOARCH=$TARGETARCH` with `ARG TARGETARCH=amd64`: the fix is at the ARG.
            let through_platform_default = match sources.as_slice() {
                [
                    PlatformSource::Literal {
                        assignment: Some(a),
                        ..
                    },
                ] if a.platform_arg_default => Some(a.clone()),
                _ => None,
            };
            return PlatformSource::Literal {
                value: value.text.clone(),
                assignment: through_platform_default,
            };
        }
        PlatformSource::Unknown
    }

    /// The repository's build configuration passes the build argument `name` a value.
    fn passes_value(&self, name: &str) -> bool {
        self.build
            .as_ref()
            .is_some_and(|b| b.args.iter().any(|(n, v)| n == name && v.is_some()))
    }

    /// A variable's value is (partly) given at build time: it is an `ARG` without a default,
    /// or its assignment refers to one, or to a variable the model does not follow.
    pub fn passed_in(&self, env: &Vars, name: &str) -> bool {
        let Some(var) = env.get(name) else {
            return false;
        };
        let Some(value) = &var.value else {
            return true;
        };
        if value.is_unknown() {
            return true;
        }
        let Some(origin) = var.origin else {
            return false;
        };
        let written = &self.text[origin.start..origin.end];
        assigned_text(written, name).is_some_and(|expression| {
            references(expression).iter().any(|r| {
                !PLATFORM_ARGS.contains(&r.as_str()) && env.get(r).is_none_or(|v| v.value.is_none())
            })
        })
    }

    /// `ARG TARGETARCH=amd64` in a stage (or `ENV TARGETARCH=amd64`, or a shell assignment):
    /// a written default wins over the platform being built unless `--build-arg` overrides
    /// it, so the variable is a literal.
    fn platform_arg_default(&self, env: &Vars, name: &str) -> Option<PlatformSource> {
        let var = env.get(name)?;
        let origin = var.origin?;
        let value = var.value.as_ref()?;
        let written = &self.text[origin.start..origin.end];
        let expression = assigned_text(written, name)?;
        let text = value.usable()?;
        if text.is_empty() || !references(expression).is_empty() {
            return None;
        }
        let plain = expression
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        let instruction = self.instruction_at(origin.start)?;
        let is_arg = self.instruction(instruction).keyword == Keyword::Arg;
        let assignment = (plain && is_arg).then(|| LiteralAssignment {
            // `=value`, removed whole by a fix.
            value: TextRange::new(origin.end - expression.len() - 1, origin.end),
            instruction,
            platform_arg_default: true,
        });
        Some(PlatformSource::Literal {
            value: text.to_string(),
            assignment,
        })
    }

    /// `xx-go --wrap` ran earlier in the stage's chain, or xx's Go wrapper image was copied
    /// into it (`COPY --from=tonistiigi/xx:golang / /`): plain `go` is then xx's
    /// cross-compiler, which sets GOOS/GOARCH from the target.
    pub fn go_wrapped_by_xx(&self, stage: usize, instruction: usize) -> bool {
        let chain = self.chain(stage);
        let copied = self.copies.iter().any(|c| {
            chain.contains(&c.stage)
                && c.instruction < instruction
                && matches!(&c.source, super::copy::CopySource::Image(image) if crate::knowledge::tools::is_xx_go_wrapper(image))
        });
        copied
            || chain.iter().copied().any(|s| {
                self.runs_in_stage(s)
                    .iter()
                    .take_while(|r| r.instruction <= instruction)
                    .flat_map(|r| &r.script.commands)
                    .any(|c| {
                        c.program() == Some("xx-go") && c.argv.iter().any(|w| w.text == "--wrap")
                    })
            })
    }

    /// RUN references to automatic platform ARGs the stage has not declared: they expand to
    /// nothing. A script that sets the variable itself is left alone.
    pub fn undeclared_platform_args(&self) -> Vec<UndeclaredPlatformArg> {
        let mut out = Vec::new();
        for run in &self.runs {
            let commands = &run.script.commands;
            let assigned = |name: &str| {
                commands.iter().map(std::ops::Deref::deref).any(|c| {
                    c.assignments.iter().any(|a| a.name == name)
                        || (matches!(c.program(), Some("export" | "read" | "local" | "declare"))
                            && c.argv[1..]
                                .iter()
                                .any(|w| w.text.split('=').next() == Some(name)))
                })
            };
            for command in commands {
                let words = command
                    .assignments
                    .iter()
                    .map(|a| &a.value)
                    .chain(&command.argv);
                for word in words.filter(|w| w.has_expansion) {
                    for name in references(&word.text) {
                        let Some(name) = PLATFORM_ARGS.iter().copied().find(|n| *n == name) else {
                            continue;
                        };
                        let reported = out.iter().any(|u: &UndeclaredPlatformArg| {
                            u.instruction == run.instruction && u.name == name
                        });
                        if reported
                            || assigned(name)
                            || self.declared_before(run.stage, run.instruction, name)
                        {
                            continue;
                        }
                        out.push(UndeclaredPlatformArg {
                            instruction: run.instruction,
                            stage: run.stage,
                            name,
                            range: self.reference_range(word, name),
                        });
                    }
                }
            }
        }
        out
    }

    /// The `$NAME` or `${NAME...}` inside a word written plainly, else the word.
    fn reference_range(&self, word: &ShellWord, name: &str) -> TextRange {
        if !word.exact {
            return word.range;
        }
        let written = &self.text[word.range.start..word.range.end];
        for (at, _) in written.match_indices('$') {
            let rest = &written[at + 1..];
            if let Some(braced) = rest.strip_prefix('{') {
                if braced.starts_with(name)
                    && !braced[name.len()..].starts_with(is_name_byte)
                    && let Some(close) = braced.find('}')
                {
                    let start = word.range.start + at;
                    return TextRange::new(start, start + close + 3);
                }
            } else if rest.starts_with(name) && !rest[name.len()..].starts_with(is_name_byte) {
                let start = word.range.start + at;
                return TextRange::new(start, start + name.len() + 1);
            }
        }
        word.range
    }

    /// The final image can be built for any architecture: its base is a multi-platform
    /// image (or scratch), not pinned to one architecture by tag, digest or `--platform`.
    pub fn final_is_multi_platform(&self) -> bool {
        let Some(stage) = self.final_stage() else {
            return false;
        };
        let Some(image) = &stage.root_image else {
            return false;
        };
        if !stage.facts.is_multi_arch() || image.digest.is_some() {
            return false;
        }
        // A digest may name one architecture's manifest; an arch in the name or tag does.
        let arch_named = |text: &str| {
            text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(|part| ARCH_NAMES.contains(&part.to_ascii_lowercase().as_str()))
        };
        if image.tag.as_deref().is_some_and(arch_named) || arch_named(&image.repository) {
            return false;
        }
        // `--platform=linux/amd64` (or a build argument) fixes the final image's platform.
        self.final_chain().iter().all(|&s| {
            self.stages[s]
                .platform
                .as_deref()
                .is_none_or(|p| mentions(p, "TARGETPLATFORM"))
        }) && self.shipped_download_architecture().is_none()
    }

    /// A RUN of the stage's chain downloads by the target platform (`.../protoc-linux-${TARGETARCH}.zip`):
    /// tools the stage runs itself, which on the build machine would be the wrong ones.
    pub fn fetches_for_target(&self, stage: usize) -> bool {
        self.download_addresses(self.chain(stage)).any(|(_, url)| {
            PLATFORM_ARGS
                .iter()
                .any(|arg| arg.starts_with("TARGET") && mentions(url, arg))
        })
    }

    /// The one architecture that the programs the shipped image downloads are built for, when
    /// their addresses name one and only one (`dockerize-linux-amd64.tar.gz`): the image then
    /// runs on that architecture only, by the file's own choice. Addresses that name several
    /// (a `case` over the architectures) or take it from a variable leave it open.
    pub fn shipped_download_architecture(&self) -> Option<&'static str> {
        // The shipped image's chain, and the stages it copies from that do not run on the
        // build machine (a stage that fetches `rclone-linux-amd64` for the image to copy).
        let chain = self.final_chain();
        let mut stages: Vec<usize> = chain.to_vec();
        for copy in self.copies.iter().filter(|c| chain.contains(&c.stage)) {
            if let CopySource::Stage(from) = copy.source
                && !stages.contains(&from)
                && !self.runs_on_build_platform(from)
            {
                stages.push(from);
            }
        }
        let mut named = None;
        for (_, url) in self.download_addresses(&stages) {
            match (named, downloads::named_architecture(url)) {
                (_, None) => {}
                (None, Some(arch)) => named = Some(arch),
                (Some(first), Some(arch)) if first != arch => return None,
                _ => {}
            }
        }
        named
    }
}

fn is_name_byte(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `text` refers to the variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`).
fn mentions(text: &str, name: &str) -> bool {
    references(text).iter().any(|r| r == name)
}

/// `TARGET*` and `BUILD*` automatic ARGs, by where they point.
fn platform_arg_kind(name: &str) -> Option<PlatformSource> {
    if !PLATFORM_ARGS.contains(&name) {
        return None;
    }
    Some(if name.starts_with("TARGET") {
        PlatformSource::Target
    } else {
        PlatformSource::Build
    })
}

/// The value part of `NAME=value` (ARG, ENV, shell assignment) or `NAME value` (the old ENV
/// form), as written; `None` for a bare `NAME`.
fn assigned_text<'t>(written: &'t str, name: &str) -> Option<&'t str> {
    let rest = written.strip_prefix(name)?;
    let value = match rest.strip_prefix('=') {
        Some(value) => value,
        None if rest.starts_with([' ', '\t']) => rest.trim_start(),
        None => return None,
    };
    Some(value)
}

/// The variable names a text refers to: `$NAME`, `${NAME}`, `${NAME:-default}` (and the
/// names inside the default).
pub fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let start = match bytes.get(i + 1) {
            Some(b'{') => i + 2,
            _ => i + 1,
        };
        let len = text[start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let name = &text[start..start + len];
        if !name.is_empty() && !name.as_bytes()[0].is_ascii_digit() {
            out.push(name.to_string());
        }
        i = start + len.max(1);
    }
    out
}

/// A value the model resolved from what the file writes (not a platform or unknown value), as
/// a literal with no place to fix it.
fn known_literal(value: &Value) -> PlatformSource {
    match value.certainty {
        Certainty::Known | Certainty::Default if !value.text.is_empty() => {
            PlatformSource::Literal {
                value: value.text.clone(),
                assignment: None,
            }
        }
        _ => PlatformSource::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Vec<PlatformSource> {
        let file = crate::syntax::parse(text);
        let model = super::super::Model::build(&file, text, &Default::default()).expect("model");
        model
            .go_builds
            .iter()
            .map(|b| model.platform_source(b, "GOARCH"))
            .collect()
    }

    #[test]
    fn traces_goarch_to_where_it_comes_from() {
        let found = sources(
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS b\n\
             ARG TARGETARCH ARCH=arm64 PASSED\n\
             RUN go build -o /a .\n\
             RUN GOARCH=$TARGETARCH go build -o /b .\n\
             RUN a=$TARGETARCH && GOARCH=$a go build -o /c .\n\
             RUN GOARCH=$ARCH go build -o /d .\n\
             RUN GOARCH=$PASSED go build -o /e .\n\
             RUN GOARCH=$BUILDARCH go build -o /f .\n\
             RUN GOARCH=amd64 go build -o /g .\n\
             RUN GOARCH=$(uname -m) go build -o /h .\n",
        );
        assert_eq!(found[0], PlatformSource::Unset);
        assert_eq!(found[1], PlatformSource::Target);
        assert_eq!(found[2], PlatformSource::Target);
        assert!(
            matches!(&found[3], PlatformSource::Literal { value, assignment: None } if value == "arm64")
        );
        assert_eq!(found[4], PlatformSource::Unknown);
        // BUILDARCH is not declared in the stage, but names the build machine all the same.
        assert_eq!(found[5], PlatformSource::Build);
        assert!(matches!(
            &found[6],
            PlatformSource::Literal {
                assignment: Some(_),
                ..
            }
        ));
        assert_eq!(found[7], PlatformSource::Unknown);
    }

    #[test]
    fn finds_references() {
        assert_eq!(
            references("${TARGETARCH:-$ARCH}-x$Y $1 $"),
            vec!["TARGETARCH", "ARCH", "Y"]
        );
        assert_eq!(assigned_text("GOARCH=amd64", "GOARCH"), Some("amd64"));
        assert_eq!(
            assigned_text("GOARCH \"arm64\"", "GOARCH"),
            Some("\"arm64\"")
        );
        assert_eq!(assigned_text("GOARCH", "GOARCH"), None);
        assert_eq!(assigned_text("GOARCHX=1", "GOARCH"), None);
    }
}
