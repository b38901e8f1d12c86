//! Programs followed besides `go build`: `go get` (GL201), `upx` (GL209) and `make` (what the
//! context's Makefile runs, `make_runs.rs`), recorded with the environment and working
//! directory they run in, and the facts rules ask about them: the builder's Go version,
//! whether a go.mod can be there, which files upx packs.

use super::facts::FileFacts;
use super::vars::{Certainty, Vars};
use crate::knowledge::go_command::{self, GoFlag, GoSubcommand};
use crate::knowledge::go_modules;
use crate::knowledge::tools::{self, LEAVES_NO_MODULE};
use crate::paths;
use crate::shell::Command;
use crate::syntax::Keyword;

/// A followed command with what it sees.
#[derive(Debug, Clone)]
pub struct ToolRun {
    pub stage: usize,
    pub instruction: usize,
    pub command: std::sync::Arc<Command>,
    /// The variables the command sees (its own assignments included).
    pub env: Vars,
    /// The working directory; `None` when unknown.
    pub cwd: Option<String>,
    /// Index in `Model::runs` of the script, and of the command in it.
    pub script: usize,
    pub position: usize,
    /// The whole RUN could be read.
    pub script_complete: bool,
}

/// Which commands the builder records as tool runs.
pub(super) fn is_followed(command: &Command) -> bool {
    match command.program() {
        // Every go command: `go get` for GL201, and each one's cache use (GOCACHE, GOMODCACHE).
        Some("go") => go_command::subcommand(&command.argv).is_some(),
        Some("make" | "gmake") => true,
        Some(program) => tools::is_upx(program) || tools::is_strip(program),
        None => false,
    }
}

/// A `go get` with its flags and package arguments.
#[derive(Debug, Clone)]
pub struct GoGet<'m> {
    pub run: &'m ToolRun,
    pub flags: Vec<GoFlag>,
    pub first_positional: usize,
}

impl GoGet<'_> {
    /// Package arguments as argv indexes.
    pub fn package_words(&self) -> std::ops::Range<usize> {
        self.first_positional..self.run.command.argv.len()
    }

    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name == name)
    }
}

impl FileFacts<'_> {
    /// Every `go get`, in file order.
    pub fn go_gets(&self) -> impl Iterator<Item = GoGet<'_>> {
        self.tool_runs
            .iter()
            .filter(|r| {
                r.command.program() == Some("go")
                    && go_command::subcommand(&r.command.argv) == Some(GoSubcommand::Get)
            })
            .map(|run| {
                let (flags, first_positional) = go_command::parse_flags(&run.command.argv);
                GoGet {
                    run,
                    flags,
                    first_positional,
                }
            })
    }

    /// Every `upx` run, in file order.
    pub fn upx_runs(&self) -> impl Iterator<Item = &ToolRun> {
        self.tool_runs
            .iter()
            .filter(|r| r.command.program().is_some_and(tools::is_upx))
    }

    /// A `strip` after `build`, in its stage, of the file it writes: the binary then ships
    /// without its symbol table and debug info whatever its `-ldflags` say. Options that
    /// strip only part (`--strip-debug`) or keep the debug info do not count.
    pub fn stripped_after(&self, build: &super::go_build::GoBuild) -> bool {
        let Some(output) = build
            .output
            .as_ref()
            .filter(|o| o.certainty <= Certainty::Default)
        else {
            return false;
        };
        self.tool_runs
            .iter()
            .filter(|r| r.stage == build.stage && r.instruction >= build.instruction)
            .filter(|r| r.command.program().is_some_and(tools::is_strip))
            .any(|r| {
                self.strip_files(r)
                    .iter()
                    .any(|f| f.as_deref() == Some(paths::normalize(&output.text).as_str()))
            })
    }

    /// The files a `strip` run strips in place, as absolute paths (`None` where unknown);
    /// empty when it strips only in part or writes elsewhere (`-o`).
    fn strip_files(&self, run: &ToolRun) -> Vec<Option<String>> {
        let mut files = Vec::new();
        let mut words = run.command.argv.iter().skip(1);
        while let Some(word) = words.next() {
            let text = word.text.as_str();
            if tools::STRIP_PARTIAL_OPTIONS.contains(&text) || text == "-o" {
                return Vec::new();
            }
            if tools::STRIP_OPTIONS_WITH_VALUE.contains(&text) {
                words.next();
                continue;
            }
            if text.starts_with('-') {
                continue;
            }
            let value = run.env.expand_strict(text);
            files.push(
                if value.certainty > Certainty::Default || value.text.contains(['*', '?', '[']) {
                    None
                } else {
                    paths::resolve(&value.text, run.cwd.as_deref())
                },
            );
        }
        files
    }

    /// Nothing before this command can have put a go.mod in the stage: the root image is a
    /// known OS or Go image, nothing was copied or mounted in, and every earlier command of
    /// the chain is one that writes no module files.
    pub fn no_module_before(&self, run: &ToolRun) -> bool {
        let stage = &self.stages[run.stage];
        if !stage.facts.is_known_distribution() || stage.root_image.is_none() {
            return false;
        }
        let chain = self.chain(run.stage);
        let mounts = self
            .instruction(run.instruction)
            .flags
            .iter()
            .any(|f| f.name == "mount" && !f.value.as_deref().is_some_and(is_cache_or_secret));
        if mounts {
            return false;
        }
        let earlier = |i: usize| i < run.instruction;
        if self
            .copies
            .iter()
            .any(|c| chain.contains(&c.stage) && earlier(c.instruction))
        {
            return false;
        }
        let chain_instructions = self.chain_instructions(run.stage);
        if chain_instructions.iter().any(|&i| {
            earlier(i)
                && matches!(
                    self.instruction(i).keyword,
                    Keyword::Onbuild | Keyword::Volume
                )
        }) {
            return false;
        }
        let earlier_commands = self
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| chain.contains(&r.stage) && earlier(r.instruction))
            .flat_map(|(_, r)| r.script.commands.iter().map(std::ops::Deref::deref))
            .chain(
                self.runs
                    .get(run.script)
                    .map(|r| &r.script.commands[..run.position.min(r.script.commands.len())])
                    .unwrap_or(&[])
                    .iter()
                    .map(std::ops::Deref::deref),
            );
        let mut all_harmless = true;
        for command in earlier_commands {
            let program = command.program().unwrap_or("");
            let harmless = match program {
                "go" => go_command::subcommand(&command.argv)
                    .is_some_and(|sub| sub != GoSubcommand::Mod),
                "" => true,
                p => LEAVES_NO_MODULE.contains(&p),
            };
            all_harmless &= harmless;
        }
        all_harmless
    }

    /// A later `go build`, `go install` or `go run` in the file names this package (without a
    /// version), or a package under it (`repo/...`): the `go get` fetched it for that command.
    pub fn package_used_later(&self, run: &ToolRun, package: &str) -> bool {
        self.runs.iter().enumerate().any(|(index, r)| {
            let commands = if index == run.script {
                r.script.commands.get(run.position + 1..).unwrap_or(&[])
            } else if r.instruction > run.instruction {
                &r.script.commands[..]
            } else {
                &[]
            };
            commands.iter().map(std::ops::Deref::deref).any(|c| {
                c.program() == Some("go")
                    && go_command::subcommand(&c.argv).is_some_and(|sub| {
                        matches!(
                            sub,
                            GoSubcommand::Build | GoSubcommand::Install | GoSubcommand::Run
                        )
                    })
                    // The package, or packages under it (`go install repo/...` installs
                    // the commands below the library `go get` fetched).
                    && c.argv.iter().skip(2).any(|w| {
                        w.text.split('@').next().is_some_and(|named| {
                            named == package
                                || named
                                    .strip_prefix(package)
                                    .is_some_and(|rest| rest.starts_with('/'))
                        })
                    })
            })
        })
    }

    /// The files a `upx` run packs, as absolute paths (`None` where unknown); empty when the
    /// run packs nothing (`-d`, `-t`, `-l`, `--version`...).
    pub fn upx_packed_files(&self, run: &ToolRun) -> Vec<Option<String>> {
        let argv = &run.command.argv;
        let mut files = Vec::new();
        let mut output: Option<&str> = None;
        let mut words = argv.iter().skip(1);
        let mut options_done = false;
        while let Some(word) = words.next() {
            let text = word.text.as_str();
            if !options_done && text == "--" {
                options_done = true;
                continue;
            }
            if !options_done && text.starts_with('-') && text.len() > 1 {
                match text {
                    "-d" | "--decompress" | "-t" | "--test" | "-l" | "--list" | "-V"
                    | "--version" | "-h" | "--help" | "-L" | "--license" | "--fileinfo" => {
                        return Vec::new();
                    }
                    "-o" => output = words.next().map(|w| w.text.as_str()),
                    _ => {
                        if let Some(value) = text
                            .strip_prefix("--output=")
                            .or_else(|| text.strip_prefix("-o").filter(|v| !v.is_empty()))
                        {
                            output = Some(value);
                        }
                    }
                }
                continue;
            }
            files.push(text);
        }
        if let Some(output) = output {
            files = vec![output];
        }
        files
            .into_iter()
            .map(|file| {
                let value = run.env.expand_strict(file);
                if value.certainty > Certainty::Default || value.text.contains(['*', '?', '[']) {
                    return None;
                }
                paths::resolve(&value.text, run.cwd.as_deref())
            })
            .collect()
    }
}

/// A `--mount` that brings no files from the context or a stage (a cache or a secret).
fn is_cache_or_secret(value: &str) -> bool {
    matches!(
        super::go_build::mount_type(value),
        "cache" | "secret" | "ssh" | "tmpfs"
    )
}

#[cfg(test)]
mod tests {

    use crate::model::ModelOptions;

    fn with_model(text: &str, check: impl FnOnce(&crate::model::Model)) {
        let file = crate::syntax::parse(text);
        let model =
            crate::model::Model::build(&file, text, &ModelOptions::default()).expect("model");
        check(&model);
    }

    #[test]
    fn upx_files_resolve_and_modes_that_pack_nothing() {
        let text = "FROM alpine\nWORKDIR /src\nARG BIN\nRUN upx -9 --lzma app /abs/tool && upx -t app && upx /a -o /b && upx -o/c /a && upx $BIN && cd sub && upx ./x\n";
        with_model(text, |m| {
            let files: Vec<Vec<Option<String>>> =
                m.upx_runs().map(|r| m.upx_packed_files(r)).collect();
            assert_eq!(
                files,
                vec![
                    vec![Some("/src/app".into()), Some("/abs/tool".into())],
                    vec![],
                    vec![Some("/b".into())],
                    vec![Some("/c".into())],
                    vec![None],
                    vec![Some("/src/sub/x".into())],
                ]
            );
        });
    }

    #[test]
    fn module_context_before_go_get() {
        let text = "FROM golang:1.22\nRUN apk add git && go get a.io/x\nCOPY go.mod .\nRUN go get b.io/y\nFROM golang:1.22\nRUN git clone https://a.io/r && go get c.io/z\nFROM golang:1.22\nRUN --mount=type=bind,target=. go get d.io/w\nRUN --mount=type=cache,target=/go/pkg/mod go get e.io/v\n";
        with_model(text, |m| {
            let outside: Vec<bool> = m.go_gets().map(|g| m.no_module_before(g.run)).collect();
            assert_eq!(outside, vec![true, false, false, false, true]);
        });
    }
}

/// A `go install` or `go run` of a package at a version query that floats (`@latest`,
/// `@master`): what it builds changes without a commit of the file.
#[derive(Debug, Clone)]
pub struct FloatingGoTool {
    pub instruction: usize,
    pub subcommand: GoSubcommand,
    /// The `pkg@query` word as written.
    pub range: crate::source::TextRange,
    pub package: String,
    pub query: String,
}

impl FileFacts<'_> {
    /// Every `go install pkg@query` and `go run pkg@query` of the file whose query floats, in
    /// file order. A word from a variable (`@${VERSION}`) is not read: its value is unknown.
    pub fn floating_go_tools(&self) -> Vec<FloatingGoTool> {
        let mut found = Vec::new();
        for run in &self.runs {
            for command in &run.script.commands {
                let Some(subcommand) = (command.program() == Some("go"))
                    .then(|| go_command::subcommand(&command.argv))
                    .flatten()
                    .filter(|s| matches!(s, GoSubcommand::Install | GoSubcommand::Run))
                else {
                    continue;
                };
                let operands = command
                    .argv
                    .iter()
                    .skip(2)
                    .filter(|w| !w.text.starts_with('-'));
                // `go run pkg@v args...`: only the first operand is the package.
                let take = if subcommand == GoSubcommand::Run {
                    1
                } else {
                    usize::MAX
                };
                for word in operands.take(take) {
                    if word.has_expansion {
                        continue;
                    }
                    if let Some(query) = go_modules::floating_query(&word.text) {
                        let package = word.text[..word.text.len() - query.len() - 1].to_string();
                        found.push(FloatingGoTool {
                            instruction: run.instruction,
                            subcommand,
                            range: word.range,
                            package,
                            query: query.to_string(),
                        });
                    }
                }
            }
        }
        found
    }
}
