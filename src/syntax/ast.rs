//! The Dockerfile syntax tree. Every token a rule may point at or edit has its own source range;
//! whatever lies between tokens (whitespace, line continuations, newlines) is trivia.

use crate::source::TextRange;

use super::logical::LogicalLine;

/// A parsed Dockerfile. Top-level items (directives, comments, instructions) never overlap and
/// appear in source order; the bytes between them are whitespace, newlines or a byte-order mark.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The escape character in effect (`\` unless an `# escape=` directive says otherwise).
    pub escape: char,
    /// Whether the text starts with a UTF-8 byte-order mark.
    pub bom: bool,
    pub directives: Vec<Directive>,
    pub comments: Vec<Comment>,
    pub instructions: Vec<Instruction>,
    pub errors: Vec<ParseError>,
}

/// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`) at the top of the file.
#[derive(Debug, Clone)]
pub struct Directive {
    pub range: TextRange,
    pub name: String,
    pub name_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
}

/// A comment line (`# ...`), either standalone or inside an instruction's continuation lines.
#[derive(Debug, Clone)]
pub struct Comment {
    pub range: TextRange,
    /// The text after `#`, trimmed.
    pub text: String,
}

/// Something the parser could not read, reported as GL000.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Not a Dockerfile instruction (reported as GL000; the rest of the file is still read).
    Unknown,
}

impl Keyword {
    pub fn parse(word: &str) -> Keyword {
        match word.to_ascii_lowercase().as_str() {
            "add" => Keyword::Add,
            "arg" => Keyword::Arg,
            "cmd" => Keyword::Cmd,
            "copy" => Keyword::Copy,
            "entrypoint" => Keyword::Entrypoint,
            "env" => Keyword::Env,
            "expose" => Keyword::Expose,
            "from" => Keyword::From,
            "healthcheck" => Keyword::Healthcheck,
            "label" => Keyword::Label,
            "maintainer" => Keyword::Maintainer,
            "onbuild" => Keyword::Onbuild,
            "run" => Keyword::Run,
            "shell" => Keyword::Shell,
            "stopsignal" => Keyword::Stopsignal,
            "user" => Keyword::User,
            "volume" => Keyword::Volume,
            "workdir" => Keyword::Workdir,
            _ => Keyword::Unknown,
        }
    }

    /// Instructions whose shell-form arguments may introduce heredocs.
    pub fn accepts_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }

    /// The flags BuildKit accepts on this instruction.
    pub fn known_flags(self) -> &'static [&'static str] {
        match self {
            Keyword::From => &["platform"],
            Keyword::Run => &["mount", "network", "security", "device"],
            Keyword::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
            Keyword::Add => &[
                "chown",
                "chmod",
                "link",
                "checksum",
                "keep-git-dir",
                "exclude",
                "unpack",
            ],
            Keyword::Healthcheck => &[
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries",
            ],
            _ => &[],
        }
    }
}

/// One instruction, from its keyword to the end of its last continuation line (and, with
/// heredocs, to the end of the last terminator line).
#[derive(Debug, Clone)]
pub struct Instruction {
    pub range: TextRange,
    pub keyword: Keyword,
    /// The keyword as written (case preserved).
    pub keyword_text: String,
    pub keyword_range: TextRange,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Source range of the argument text (after the flags), if any.
    pub args_range: Option<TextRange>,
    pub heredocs: Vec<Heredoc>,
    /// Comment lines inside the instruction's continuation lines.
    pub comments: Vec<Comment>,
    /// The instruction's logical line: continuation lines joined, as BuildKit reads it.
    pub line: LogicalLine,
}

impl Instruction {
    /// The first flag with this name (`--from`, `--platform`...), without the dashes.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// Argument words for the forms that have them (exec-form elements, whitespace-split words).
    pub fn arg_words(&self) -> &[Word] {
        match &self.args {
            Args::Words(words) => words,
            Args::Exec(exec) => &exec.elements,
            Args::Text(word) => std::slice::from_ref(word),
            _ => &[],
        }
    }
}

/// An instruction flag such as `--from=build` or `--link`.
#[derive(Debug, Clone)]
pub struct Flag {
    /// The whole flag word, `--` included.
    pub range: TextRange,
    /// The name without dashes (`from`).
    pub name: String,
    pub name_range: TextRange,
    /// The value after `=`, quotes removed; `None` for a bare flag such as `--link`.
    pub value: Option<String>,
    pub value_range: Option<TextRange>,
}

/// A word of the instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub range: TextRange,
    /// The word as written in the logical line (quotes and escapes kept).
    pub raw: String,
    /// The word with Dockerfile quotes removed and escapes resolved (variables not expanded).
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Args {
    /// No arguments.
    None,
    /// JSON (exec) form: `["a", "b"]`.
    Exec(ExecForm),
    /// Shell form: the argument text as one string.
    Shell(ShellForm),
    /// Whitespace- or quote-aware words: FROM, EXPOSE, COPY/ADD/VOLUME in shell form, ARG.
    Words(Vec<Word>),
    /// The whole argument text as one value: USER, WORKDIR, MAINTAINER, STOPSIGNAL.
    Text(Word),
    /// ENV and LABEL pairs.
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK: its type word (`CMD`, `NONE`) and the command.
    Healthcheck { kind: Word, command: Box<Args> },
    /// ONBUILD and the instruction it wraps.
    OnBuild(Box<Instruction>),
}

#[derive(Debug, Clone)]
pub struct ExecForm {
    pub range: TextRange,
    pub elements: Vec<Word>,
}

#[derive(Debug, Clone)]
pub struct ShellForm {
    pub range: TextRange,
    /// The argument text of the logical line.
    pub text: String,
    /// Where `text` starts in the instruction's logical line.
    pub logical_start: usize,
    /// The text starts with `[` but is not a JSON array of strings, so it is run by a shell.
    pub looks_like_json: bool,
}

/// `key=value` (or the legacy `key value`) in ENV and LABEL.
#[derive(Debug, Clone)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    /// `true` for `key=value`, `false` for the legacy `ENV key value` form.
    pub equals: bool,
}

/// A heredoc introduced on a RUN, COPY or ADD line (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`).
#[derive(Debug, Clone)]
pub struct Heredoc {
    /// The `<<EOF` word on the instruction line.
    pub marker_range: TextRange,
    pub name: String,
    pub file_descriptor: Option<u32>,
    /// `<<-`: leading tabs are stripped from the body and terminator.
    pub chomp: bool,
    /// Unquoted delimiter: variables in the body are expanded.
    pub expand: bool,
    /// The body, from the line after the instruction to the start of the terminator line.
    pub body_range: TextRange,
    /// The terminator line; `None` when the heredoc runs to the end of the file unterminated.
    pub terminator_range: Option<TextRange>,
}
