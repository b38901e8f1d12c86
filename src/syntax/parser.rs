//! The Dockerfile parser. It follows BuildKit's reading of a file line by line (directives,
//! comments, continuation lines, heredocs) but never stops at an error: a bad instruction is
//! recorded as a [`ParseError`] and reading resumes at the next line.

use crate::source::TextRange;

use super::ast::*;
use super::json::{ExecParse, parse_exec};
use super::lines::{BOM, PhysicalLine, continuation, is_comment, parse_directive, physical_lines};
use super::logical::LogicalLine;
use super::words::{
    RawWord, extract_flags, is_split_space, parse_words, split_whitespace, unquote,
};

/// Parses a Dockerfile. Never fails: problems are collected in [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let bom = text.starts_with(BOM);
    let mut parser = Parser {
        text,
        lines: physical_lines(text, if bom { BOM.len() } else { 0 }),
        escape: '\\',
        file: Dockerfile {
            escape: '\\',
            bom,
            directives: Vec::new(),
            comments: Vec::new(),
            instructions: Vec::new(),
            errors: Vec::new(),
        },
    };
    parser.run();
    parser.file.escape = parser.escape;
    super::validate::validate(&mut parser.file);
    parser.file
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<PhysicalLine>,
    escape: char,
    file: Dockerfile,
}

impl<'a> Parser<'a> {
    fn content(&self, line: PhysicalLine) -> &'a str {
        &self.text[line.start..line.end]
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.file.errors.push(ParseError {
            range,
            message: message.into(),
        });
    }

    fn run(&mut self) {
        // Room for an instruction per line that starts at its first column: most files indent
        // their continuation lines, so this is close, and it spares the vector's regrowth.
        let starts = self
            .lines
            .iter()
            .filter(|line| {
                self.text.as_bytes()[line.start..line.end]
                    .first()
                    .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'#'))
            })
            .count();
        self.file.instructions.reserve(starts);
        let mut directives_done = false;
        let mut index = 0;
        while index < self.lines.len() {
            let line = self.lines[index];
            let content = self.content(line);
            let lead = content.len() - content.trim_start().len();
            let trimmed = &content[lead..];
            if !directives_done {
                match parse_directive(trimmed, line.start + lead) {
                    Some(directive) => {
                        self.add_directive(directive);
                        index += 1;
                        continue;
                    }
                    None => directives_done = true,
                }
            }
            if let Some(comment) = trimmed.strip_prefix('#') {
                self.file.comments.push(Comment {
                    range: TextRange::new(line.start + lead, line.end),
                    text: comment.trim().to_string(),
                });
                index += 1;
                continue;
            }
            if trimmed.is_empty() {
                index += 1;
                continue;
            }
            index = self.read_instruction(index, line.start + lead);
        }
    }

    fn add_directive(&mut self, directive: Directive) {
        if self
            .file
            .directives
            .iter()
            .any(|d| d.name == directive.name)
        {
            self.error(
                directive.range,
                format!("only one `{}` parser directive can be used", directive.name),
            );
            return;
        }
        if directive.name == "escape" {
            match directive.value.as_str() {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                other => self.error(
                    directive.value_range,
                    format!("invalid escape character `{other}`: it must be `\\` or a backtick"),
                ),
            }
        }
        self.file.directives.push(directive);
    }

    /// Reads the instruction starting on line `first` (at byte `start`), its continuation lines
    /// and heredoc bodies. Returns the index of the next unread line.
    fn read_instruction(&mut self, first: usize, start: usize) -> usize {
        let first_line = self.lines[first];
        let mut logical = LogicalLine::new();
        let (keep, mut continues) = continuation(&self.text[start..first_line.end], self.escape);
        logical.push(&self.text[start..start + keep], start);
        let mut end = first_line.end;
        let mut comments = Vec::new();
        let mut next = first + 1;
        while continues && next < self.lines.len() {
            let line = self.lines[next];
            let raw = self.content(line);
            next += 1;
            if is_comment(raw) {
                let lead = raw.len() - raw.trim_start().len();
                comments.push(Comment {
                    range: TextRange::new(line.start + lead, line.end),
                    text: raw.trim_start()[1..].trim().to_string(),
                });
                end = line.end;
                continue;
            }
            if raw.trim_start().is_empty() {
                continue;
            }
            let (keep, more) = continuation(raw, self.escape);
            logical.push(&raw[..keep], line.start);
            end = line.end;
            continues = more;
        }
        if logical.text.trim().is_empty() {
            // Only continuation characters: nothing to read.
            return next;
        }
        let mut instruction = self.build_instruction(logical, true);
        instruction.comments = comments;
        let mut range = TextRange::new(start, end);
        if wants_heredocs(&instruction) {
            let markers = heredoc_markers(&instruction.line);
            for marker in markers {
                let (heredoc, after) = self.read_heredoc_body(marker, next);
                next = after;
                if let Some(terminator) = heredoc.terminator_range {
                    range.end = terminator.end;
                } else {
                    range.end = range.end.max(heredoc.body_range.end);
                }
                instruction.heredocs.push(heredoc);
            }
        }
        instruction.range = range;
        self.file.instructions.push(instruction);
        next
    }

    fn read_heredoc_body(&mut self, marker: HeredocMarker, mut next: usize) -> (Heredoc, usize) {
        let body_start = self.lines.get(next).map_or(self.text.len(), |l| l.start);
        let mut heredoc = Heredoc {
            marker_range: marker.range,
            name: marker.name,
            file_descriptor: marker.file_descriptor,
            chomp: marker.chomp,
            expand: marker.expand,
            body_range: TextRange::empty(body_start),
            terminator_range: None,
        };
        while next < self.lines.len() {
            let line = self.lines[next];
            next += 1;
            let mut candidate = self.content(line);
            if heredoc.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == heredoc.name {
                heredoc.body_range = TextRange::new(body_start, line.start);
                heredoc.terminator_range = Some(TextRange::new(line.start, line.end));
                return (heredoc, next);
            }
        }
        heredoc.body_range = TextRange::new(body_start, self.text.len());
        self.error(
            marker.range,
            format!(
                "unterminated heredoc: no line `{}` closes it before the end of the file",
                heredoc.name
            ),
        );
        (heredoc, next)
    }

    fn word(&self, line: &LogicalLine, raw: RawWord) -> Word {
        Word {
            range: line.source_range(raw.range),
            value: unquote(&raw.raw, self.escape),
            raw: raw.raw,
        }
    }

    /// Builds an instruction from its logical line. `allow_onbuild` is false for the instruction
    /// inside ONBUILD, so nesting never recurses further.
    fn build_instruction(&mut self, line: LogicalLine, allow_onbuild: bool) -> Instruction {
        let text = line.text.as_str();
        let kw_start = text.len() - text.trim_start().len();
        let kw_end = text[kw_start..]
            .find(is_split_space)
            .map_or(text.len(), |i| kw_start + i);
        let keyword_text = text[kw_start..kw_end].to_string();
        let keyword = Keyword::parse(&keyword_text);
        let keyword_range = line.source_range(TextRange::new(kw_start, kw_end));
        let rest_start = text[kw_end..]
            .find(|c: char| !is_split_space(c))
            .map_or(text.len(), |i| kw_end + i);
        let (raw_flags, args_offset) = extract_flags(&text[rest_start..], rest_start);
        let flags = raw_flags
            .into_iter()
            .map(|flag| make_flag(&line, flag))
            .collect();
        let args_start = rest_start + args_offset;
        let args_text = text[args_start..].trim();
        let args_start =
            args_start + (text[args_start..].len() - text[args_start..].trim_start().len());
        let args_logical = TextRange::new(args_start, args_start + args_text.len());
        let args_range = (!args_text.is_empty()).then(|| line.source_range(args_logical));

        let mut instruction = Instruction {
            range: line.source_range(TextRange::new(kw_start, text.len())),
            keyword,
            keyword_text: keyword_text.clone(),
            keyword_range,
            flags,
            args: Args::None,
            args_range,
            heredocs: Vec::new(),
            comments: Vec::new(),
            line: LogicalLine::new(),
        };
        instruction.args = match keyword {
            Keyword::From | Keyword::Expose => self.words_args(&line, args_text, args_start),
            Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
                if args_text.is_empty() {
                    Args::None
                } else {
                    Args::Text(self.word(
                        &line,
                        RawWord {
                            range: args_logical,
                            raw: args_text.to_string(),
                        },
                    ))
                }
            }
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => {
                self.maybe_exec(&line, args_text, args_start)
            }
            Keyword::Add | Keyword::Copy | Keyword::Volume => {
                match parse_exec(args_text, args_start) {
                    ExecParse::Strings(elements) => self.exec_args(&line, args_logical, elements),
                    ExecParse::NotStrings => {
                        self.not_strings_error(&line, args_logical);
                        Args::None
                    }
                    ExecParse::NotJson => self.words_args(&line, args_text, args_start),
                }
            }
            Keyword::Env | Keyword::Label => {
                self.key_values(&line, &keyword_text, args_text, args_start)
            }
            Keyword::Arg => Args::Words(
                parse_words(args_text, args_start, self.escape)
                    .into_iter()
                    .map(|w| self.word(&line, w))
                    .collect(),
            ),
            Keyword::Healthcheck => self.healthcheck(&line, args_text, args_start),
            Keyword::Onbuild => self.onbuild(&line, args_logical, allow_onbuild),
            Keyword::Unknown => {
                self.error(
                    keyword_range,
                    format!("unknown instruction `{keyword_text}`"),
                );
                self.shell_args(&line, args_text, args_start, false)
            }
        };
        instruction.line = line;
        instruction
    }

    fn words_args(&self, line: &LogicalLine, args: &str, start: usize) -> Args {
        let words = split_whitespace(args, start);
        if words.is_empty() {
            return Args::None;
        }
        Args::Words(words.into_iter().map(|w| self.word(line, w)).collect())
    }

    fn shell_args(
        &self,
        line: &LogicalLine,
        args: &str,
        start: usize,
        looks_like_json: bool,
    ) -> Args {
        if args.is_empty() {
            return Args::None;
        }
        Args::Shell(ShellForm {
            range: line.source_range(TextRange::new(start, start + args.len())),
            text: args.to_string(),
            logical_start: start,
            looks_like_json,
        })
    }

    fn exec_args(
        &self,
        line: &LogicalLine,
        logical: TextRange,
        elements: Vec<(TextRange, String)>,
    ) -> Args {
        Args::Exec(ExecForm {
            range: line.source_range(logical),
            elements: elements
                .into_iter()
                .map(|(range, value)| Word {
                    range: line.source_range(range),
                    raw: line.text[range.start..range.end].to_string(),
                    value,
                })
                .collect(),
        })
    }

    fn not_strings_error(&mut self, line: &LogicalLine, logical: TextRange) {
        self.error(
            line.source_range(logical),
            "exec form must be a JSON array of strings",
        );
    }

    fn maybe_exec(&mut self, line: &LogicalLine, args: &str, start: usize) -> Args {
        if args.is_empty() {
            return Args::None;
        }
        let logical = TextRange::new(start, start + args.len());
        match parse_exec(args, start) {
            ExecParse::Strings(elements) => self.exec_args(line, logical, elements),
            ExecParse::NotStrings => {
                self.not_strings_error(line, logical);
                Args::None
            }
            ExecParse::NotJson => self.shell_args(line, args, start, args.starts_with('[')),
        }
    }

    fn key_values(&mut self, line: &LogicalLine, keyword: &str, args: &str, start: usize) -> Args {
        let words = parse_words(args, start, self.escape);
        let Some(first) = words.first() else {
            self.error(
                line.source_range(TextRange::empty(start)),
                format!("{} needs a name and a value", keyword.to_ascii_uppercase()),
            );
            return Args::None;
        };
        if !first.raw.contains('=') {
            // Legacy `ENV name value`: the value is the rest of the text, as written.
            let name_end = args.find(is_split_space).unwrap_or(args.len());
            let value_offset = args[name_end..]
                .find(|c: char| !is_split_space(c))
                .map(|i| name_end + i);
            let Some(value_offset) = value_offset else {
                self.error(
                    line.source_range(TextRange::new(start, start + args.len())),
                    format!(
                        "{} `{}` has no value: write `{}={}` or `{} {} <value>`",
                        keyword.to_ascii_uppercase(),
                        &args[..name_end],
                        &args[..name_end],
                        "<value>",
                        keyword.to_ascii_uppercase(),
                        &args[..name_end]
                    ),
                );
                return Args::None;
            };
            let key = RawWord {
                range: TextRange::new(start, start + name_end),
                raw: args[..name_end].to_string(),
            };
            let value = RawWord {
                range: TextRange::new(start + value_offset, start + args.len()),
                raw: args[value_offset..].to_string(),
            };
            return Args::KeyValues(vec![KeyValue {
                key: self.word(line, key),
                value: self.word(line, value),
                equals: false,
            }]);
        }
        let mut pairs = Vec::with_capacity(words.len());
        for word in words {
            let Some(eq) = word.raw.find('=') else {
                self.error(
                    line.source_range(word.range),
                    format!("`{}` is not of the form `name=value`", word.raw),
                );
                return Args::None;
            };
            let key = RawWord {
                range: TextRange::new(word.range.start, word.range.start + eq),
                raw: word.raw[..eq].to_string(),
            };
            let value = RawWord {
                range: TextRange::new(word.range.start + eq + 1, word.range.end),
                raw: word.raw[eq + 1..].to_string(),
            };
            pairs.push(KeyValue {
                key: self.word(line, key),
                value: self.word(line, value),
                equals: true,
            });
        }
        Args::KeyValues(pairs)
    }

    fn healthcheck(&mut self, line: &LogicalLine, args: &str, start: usize) -> Args {
        if args.is_empty() {
            return Args::None;
        }
        let kind_len = args.find(char::is_whitespace).unwrap_or(args.len());
        let rest_offset = args[kind_len..]
            .find(|c: char| !c.is_whitespace())
            .map_or(args.len(), |i| kind_len + i);
        let kind = self.word(
            line,
            RawWord {
                range: TextRange::new(start, start + kind_len),
                raw: args[..kind_len].to_string(),
            },
        );
        let command = self.maybe_exec(line, &args[rest_offset..], start + rest_offset);
        Args::Healthcheck {
            kind,
            command: Box::new(command),
        }
    }

    fn onbuild(&mut self, line: &LogicalLine, args: TextRange, allow: bool) -> Args {
        // The instruction inside ONBUILD is read with `allow == false`: never deeper.
        if args.is_empty() || !allow {
            return Args::None;
        }
        let inner = self.build_instruction(line.slice(args), false);
        if matches!(
            inner.keyword,
            Keyword::Onbuild | Keyword::From | Keyword::Maintainer
        ) {
            self.error(
                inner.keyword_range,
                format!(
                    "`{}` is not allowed in ONBUILD",
                    inner.keyword_text.to_ascii_uppercase()
                ),
            );
        }
        Args::OnBuild(Box::new(inner))
    }
}

fn make_flag(line: &LogicalLine, flag: super::words::RawFlag) -> Flag {
    let body = flag.text.strip_prefix("--").unwrap_or(&flag.text);
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => (body.to_string(), None),
    };
    let raw = &line.text[flag.range.start..flag.range.end];
    let name_start = flag.range.start + 2.min(raw.len());
    let name_range = TextRange::new(name_start, (name_start + name.len()).min(flag.range.end));
    let value_range = value
        .as_ref()
        .and_then(|_| raw.find('='))
        .map(|eq| TextRange::new(flag.range.start + eq + 1, flag.range.end));
    Flag {
        range: line.source_range(flag.range),
        name,
        name_range: line.source_range(name_range),
        value,
        value_range: value_range.map(|r| line.source_range(r)),
    }
}

/// Whether BuildKit looks for heredocs on this instruction's line.
fn wants_heredocs(instruction: &Instruction) -> bool {
    let target = match &instruction.args {
        Args::OnBuild(inner) => inner.as_ref(),
        _ => instruction,
    };
    target.keyword.accepts_heredocs()
        && !matches!(target.args, Args::Exec(_))
        && instruction.line.text.contains("<<")
}

#[derive(Debug)]
struct HeredocMarker {
    range: TextRange,
    name: String,
    file_descriptor: Option<u32>,
    chomp: bool,
    expand: bool,
}

/// Finds the heredoc words (`<<EOF`, `<<-"EOF"`, `3<<EOF`) on an instruction line, in order.
fn heredoc_markers(line: &LogicalLine) -> Vec<HeredocMarker> {
    let mut markers = Vec::new();
    // BuildKit splits the line with its shell lexer, `\` as escape, quotes kept.
    let words = parse_words(&line.text, 0, '\\');
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        index += 1;
        let mut raw = word.raw.clone();
        let mut range = word.range;
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        // Its lexer keeps the blanks after a bare `<<` in the word, so the next word joins it:
        // `<< 'EOF'` is a heredoc since BuildKit 0.22 (moby/buildkit#5817). `<<- EOF` is not:
        // the `-` ends the blanks' run.
        if raw[digits..] == *"<<"
            && let Some(next) = words.get(index)
        {
            raw.push_str(&next.raw);
            range = TextRange::new(range.start, next.range.end);
            index += 1;
        }
        let raw = raw.as_str();
        let Some(after) = raw[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, rest) = match after.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let name = unquote(rest, '\\');
        let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
        // A delimiter of several shell words (`<<"a b"` aside) is not a heredoc.
        if name.is_empty() || parse_words(rest, 0, '\\').len() != 1 {
            continue;
        }
        markers.push(HeredocMarker {
            range: line.source_range(range),
            expand: quotes(&name) == quotes(rest),
            name,
            file_descriptor: (digits > 0).then(|| raw[..digits].parse().ok()).flatten(),
            chomp,
        });
    }
    markers
}
