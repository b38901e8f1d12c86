//! Shell layer: turns the shell-form text of a RUN (or a heredoc script) into simple commands
//! with argv words, inline assignments and source ranges. It never fails: what it cannot read
//! marks the script incomplete, and rules stay silent about (and never fix) what they cannot see.

mod lexer;

use crate::source::TextRange;
use crate::syntax::LogicalLine;

use lexer::{Lexer, Separator, Token, WordToken};

/// How deep `sh -c '...'` scripts are re-read.
const MAX_NESTED_SCRIPTS: usize = 4;

/// A word of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// Source range of the word as written (quotes included).
    pub range: TextRange,
    /// Quote-removed text; expansions are kept as written (`$GOARCH`).
    pub text: String,
    /// The word contains `$...`, `${...}`, `$(...)` or backticks.
    pub has_expansion: bool,
    /// The word was quoted in whole or part.
    pub quoted: bool,
    /// The word is one unbroken slice of the source (no line continuation inside, not re-read
    /// from a quoted `sh -c` argument with escapes), so an edit of it is safe.
    pub exact: bool,
}

impl crate::knowledge::go_command::CommandWord for ShellWord {
    fn text(&self) -> &str {
        &self.text
    }

    fn has_expansion(&self) -> bool {
        self.has_expansion
    }
}

/// `NAME=value` before a command (or alone, as a shell variable assignment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: ShellWord,
    /// The whole `NAME=value` word.
    pub range: TextRange,
}

/// What joins a command to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    Start,
    And,
    Or,
    Sequence,
    Pipe,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub assignments: Vec<Assignment>,
    /// argv with wrappers (`env`, `sudo`, `exec`, `time`...) removed.
    pub argv: Vec<ShellWord>,
    pub connector: Connector,
    /// The command came from re-reading a `sh -c` argument.
    pub nested: bool,
    /// The arms of `if`/`case` the command is in, outermost first: each an if or case of
    /// the script (numbered in order) and the arm (`then` 0, each `elif` or `else` one more;
    /// a case's patterns in order).
    pub branches: Vec<(u32, u32)>,
    /// The files its redirections write (`> /etc/passwd`, `>> log`), as written.
    pub writes: Vec<ShellWord>,
}

impl Command {
    /// The words' texts, program first: what the knowledge layer's command readers take.
    pub fn texts(&self) -> Vec<&str> {
        self.argv.iter().map(|w| w.text.as_str()).collect()
    }

    /// The program name without its directory (`/usr/local/go/bin/go` → `go`).
    pub fn program(&self) -> Option<&str> {
        let first = self.argv.first()?;
        Some(first.text.rsplit('/').next().unwrap_or(&first.text))
    }

    /// The command as the shell runs it when its program is an unquoted expansion (`RUN
    /// $INSTALL $PACKAGES`): each unquoted expanded word split at blanks, as the shell's field
    /// splitting does. None when the program is written out, or when `expand` cannot know a
    /// value. The words keep the range of the word they came from and are not exact.
    pub fn field_split(&self, expand: impl Fn(&str) -> Option<String>) -> Option<Command> {
        let first = self.argv.first()?;
        if !first.has_expansion || first.quoted {
            return None;
        }
        let mut argv = Vec::with_capacity(self.argv.len());
        for word in &self.argv {
            if !word.has_expansion {
                argv.push(word.clone());
                continue;
            }
            let value = expand(&word.text)?;
            let fields: Vec<&str> = if word.quoted {
                vec![value.as_str()]
            } else {
                value.split_whitespace().collect()
            };
            argv.extend(fields.into_iter().map(|text| ShellWord {
                text: text.to_string(),
                has_expansion: false,
                exact: false,
                ..word.clone()
            }));
        }
        (!argv.is_empty()).then(|| Command {
            argv,
            ..self.clone()
        })
    }

    /// The two commands are on different arms of one `if` or `case`: at most one runs.
    pub fn excludes(&self, other: &Command) -> bool {
        self.branches
            .iter()
            .any(|(group, arm)| other.branches.iter().any(|(g, a)| g == group && a != arm))
    }

    pub fn range(&self) -> Option<TextRange> {
        let first = self
            .assignments
            .first()
            .map(|a| a.range)
            .or_else(|| self.argv.first().map(|w| w.range))?;
        let last = self.argv.last().map_or(first, |w| w.range);
        Some(first.cover(last))
    }
}

/// The commands of a script, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Shared, not copied, with the tool runs the model records for them.
    pub commands: Vec<std::sync::Arc<Command>>,
    /// Everything was read; false when a quote or substitution was left open.
    pub complete: bool,
    /// How many `if`s and `case`s were read: the next one's number.
    pub branch_groups: u32,
}

/// Reads a script whose text maps to the source through `line`.
pub fn parse_script(line: &LogicalLine) -> Script {
    let mut script = Script {
        commands: Vec::new(),
        complete: true,
        branch_groups: 0,
    };
    read_into(line, &mut script, 0, &[], &[]);
    script
}

fn read_into(
    line: &LogicalLine,
    script: &mut Script,
    depth: usize,
    inherited: &[Assignment],
    outer_branches: &[(u32, u32)],
) {
    let mut lexer = Lexer::new(&line.text);
    let mut builder = CommandBuilder {
        branches: outer_branches.to_vec(),
        ..CommandBuilder::default()
    };
    let mut connector = Connector::Start;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::Word(word) => builder.word(line, to_shell_word(line, word, depth > 0), script),
            Token::Redirection(None) => {}
            Token::Redirection(Some(target)) => builder
                .current
                .writes
                .push(to_shell_word(line, target, depth > 0).word),
            Token::Separator(sep) if builder.in_case_pattern => {
                // `a|b)`: a pattern list ends at its `)`.
                builder.in_case_pattern = sep != Separator::CloseParen;
            }
            Token::Separator(sep) => {
                if let Some(command) = builder.finish(connector) {
                    push_command(line, script, command, depth, inherited);
                }
                connector = match sep {
                    Separator::And => Connector::And,
                    Separator::Or => Connector::Or,
                    Separator::Pipe => Connector::Pipe,
                    Separator::DoubleSemicolon => {
                        builder.in_case_pattern = builder.case_depth > 0;
                        builder.next_arm();
                        Connector::Sequence
                    }
                    _ => Connector::Sequence,
                };
            }
        }
    }
    if let Some(command) = builder.finish(connector) {
        push_command(line, script, command, depth, inherited);
    }
    script.complete &= lexer.complete;
}

/// A word with what is needed to re-read it: its range in the lexed text and a map from its
/// quote-removed value to the lexed text.
#[derive(Debug, Clone)]
struct LexedWord {
    word: ShellWord,
    value: LogicalLine,
    range: TextRange,
}

fn to_shell_word(line: &LogicalLine, token: WordToken, nested: bool) -> LexedWord {
    let word = ShellWord {
        range: line.source_range(token.range),
        text: token.value.text.clone(),
        has_expansion: token.has_expansion,
        quoted: token.quoted,
        exact: !nested && line.is_contiguous(token.range),
    };
    LexedWord {
        word,
        value: token.value,
        range: token.range,
    }
}

fn push_command(
    line: &LogicalLine,
    script: &mut Script,
    mut command: PendingCommand,
    depth: usize,
    inherited: &[Assignment],
) {
    unwrap_wrappers(line, &mut command);
    let mut assignments: Vec<Assignment> = inherited.to_vec();
    assignments.extend(command.assignments);
    if let Some(inner) = shell_c_script(&command.argv)
        && depth < MAX_NESTED_SCRIPTS
    {
        let inner_line = line.compose(&inner);
        read_into(
            &inner_line,
            script,
            depth + 1,
            &assignments,
            &command.branches,
        );
        return;
    }
    script.commands.push(std::sync::Arc::new(Command {
        assignments,
        argv: command.argv.into_iter().map(|w| w.word).collect(),
        connector: command.connector.unwrap_or(Connector::Start),
        nested: depth > 0,
        branches: command.branches,
        writes: command.writes,
    }));
}

/// The script of `sh -c 'script'` (any POSIX shell, options such as `-e` or `-ec` allowed).
fn shell_c_script(argv: &[LexedWord]) -> Option<LogicalLine> {
    let program = &argv.first()?.word;
    let name = program.text.rsplit('/').next().unwrap_or(&program.text);
    if !crate::knowledge::shells::is_posix_shell(name) {
        return None;
    }
    let mut rest = argv[1..].iter();
    while let Some(lexed) = rest.next() {
        let text = lexed.word.text.as_str();
        if text == "-o" || text == "+o" {
            rest.next();
            continue;
        }
        if let Some(opts) = text.strip_prefix('-')
            && !opts.is_empty()
            && opts.chars().all(|c| c.is_ascii_alphabetic())
        {
            if opts.contains('c') {
                return rest.next().map(|script| script.value.clone());
            }
            continue;
        }
        return None;
    }
    None
}

#[derive(Default)]
struct PendingCommand {
    assignments: Vec<Assignment>,
    argv: Vec<LexedWord>,
    connector: Option<Connector>,
    branches: Vec<(u32, u32)>,
    writes: Vec<ShellWord>,
}

#[derive(Default)]
struct CommandBuilder {
    current: PendingCommand,
    /// Skipping the header of `for x in ...;` up to its separator.
    skipping_header: bool,
    case_depth: usize,
    /// Reading `case` patterns up to the `)`.
    in_case_pattern: bool,
    /// After `case`: skip the subject word and `in`.
    case_header: bool,
    /// The `if`/`case` arms open here, outermost first (see `Command::branches`).
    branches: Vec<(u32, u32)>,
}

const RESERVED_PREFIXES: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time",
];

impl CommandBuilder {
    fn open_group(&mut self, script: &mut Script) {
        self.branches.push((script.branch_groups, 0));
        script.branch_groups = script.branch_groups.saturating_add(1);
    }

    fn next_arm(&mut self) {
        if let Some((_, arm)) = self.branches.last_mut() {
            *arm = arm.saturating_add(1);
        }
    }

    fn word(&mut self, line: &LogicalLine, lexed: LexedWord, script: &mut Script) {
        let word = &lexed.word;
        if self.skipping_header {
            return;
        }
        let starts_command = self.current.argv.is_empty() && self.current.assignments.is_empty();
        if self.case_header {
            if !word.quoted && word.text == "in" {
                self.case_header = false;
                self.in_case_pattern = true;
            }
            return;
        }
        if self.in_case_pattern {
            if !word.quoted && word.text == "esac" {
                self.in_case_pattern = false;
                self.case_depth = self.case_depth.saturating_sub(1);
                self.branches.pop();
            }
            // Patterns end with `)`, which arrives as a separator.
            return;
        }
        if starts_command && !word.quoted {
            match word.text.as_str() {
                "for" | "select" => {
                    self.skipping_header = true;
                    return;
                }
                "case" => {
                    self.case_depth += 1;
                    self.case_header = true;
                    self.open_group(script);
                    return;
                }
                "esac" => {
                    self.case_depth = self.case_depth.saturating_sub(1);
                    self.branches.pop();
                    return;
                }
                "if" => {
                    self.open_group(script);
                    return;
                }
                "elif" | "else" => {
                    self.next_arm();
                    return;
                }
                "fi" => {
                    self.branches.pop();
                    return;
                }
                w if RESERVED_PREFIXES.contains(&w) => return,
                _ => {}
            }
        }
        if self.current.argv.is_empty()
            && let Some(assignment) = as_assignment(line, &lexed)
        {
            self.current.assignments.push(assignment);
            return;
        }
        self.current.argv.push(lexed);
    }

    fn finish(&mut self, connector: Connector) -> Option<PendingCommand> {
        if self.skipping_header {
            self.skipping_header = false;
            return None;
        }
        let mut command = std::mem::take(&mut self.current);
        if command.argv.is_empty() && command.assignments.is_empty() {
            return None;
        }
        command.connector = Some(connector);
        command.branches = self.branches.clone();
        Some(command)
    }
}

/// `NAME=value` with an unquoted, valid name.
fn as_assignment(line: &LogicalLine, lexed: &LexedWord) -> Option<Assignment> {
    let (word, value) = (&lexed.word, &lexed.value);
    let eq = value.text.find('=')?;
    let name = &value.text[..eq];
    let valid = name
        .chars()
        .enumerate()
        .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
    // The name and `=` must be written plainly: `"A"=b` is not an assignment.
    let first = value.segments().first()?;
    if !valid || name.is_empty() || first.source_start != lexed.range.start || first.len <= eq {
        return None;
    }
    let value_start = lexed.range.start + eq + 1;
    let value_range = line.source_range(TextRange::new(value_start, lexed.range.end));
    Some(Assignment {
        name: name.to_string(),
        value: ShellWord {
            range: value_range,
            text: value.text[eq + 1..].to_string(),
            has_expansion: word.has_expansion,
            quoted: word.quoted,
            exact: word.exact,
        },
        range: word.range,
    })
}

/// Removes wrapper programs (`env A=1 go`, `sudo -E go`, `exec go`, `time go`) so that argv[0]
/// is the program really run; `env` assignments become the command's assignments.
fn unwrap_wrappers(line: &LogicalLine, command: &mut PendingCommand) {
    for _ in 0..8 {
        let Some(first) = command.argv.first().map(|w| &w.word) else {
            return;
        };
        let name = first
            .text
            .rsplit('/')
            .next()
            .unwrap_or(&first.text)
            .to_string();
        let (options_with_value, allows_assignments): (&[&str], bool) = match name.as_str() {
            "env" => (&["-u", "-C", "-S", "--unset", "--chdir"], true),
            "sudo" => (
                &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
                true,
            ),
            "doas" => (&["-u", "-C"], false),
            "exec" => (&["-a"], false),
            "time" | "nohup" | "command" | "builtin" => (&[], false),
            "nice" => (&["-n"], false),
            _ => return,
        };
        let mut index = 1;
        while let Some(lexed) = command.argv.get(index) {
            let text = lexed.word.text.as_str();
            if text == "--" {
                index += 1;
                break;
            }
            if !text.starts_with('-') || text == "-" {
                break;
            }
            index += if options_with_value.contains(&text) {
                2
            } else {
                1
            };
        }
        let mut rest: Vec<LexedWord> = command.argv.drain(..).skip(index).collect();
        if allows_assignments {
            while let Some(lexed) = rest.first() {
                match as_assignment(line, lexed) {
                    Some(assignment) => {
                        command.assignments.push(assignment);
                        rest.remove(0);
                    }
                    None => break,
                }
            }
        }
        command.argv = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(text: &str) -> Script {
        parse_script(&LogicalLine::contiguous(text, 0))
    }

    fn argvs(script: &Script) -> Vec<Vec<String>> {
        script
            .commands
            .iter()
            .map(|c| c.argv.iter().map(|w| w.text.clone()).collect())
            .collect()
    }

    #[test]
    fn splits_commands_and_keeps_ranges() {
        let s = script(r#"CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app . && echo ok"#);
        assert_eq!(
            argvs(&s),
            vec![
                vec!["go", "build", "-ldflags=-s -w", "-o", "/out/app", "."],
                vec!["echo", "ok"]
            ]
        );
        let go = &s.commands[0];
        assert_eq!(go.assignments[0].name, "CGO_ENABLED");
        assert_eq!(go.assignments[0].value.text, "0");
        assert_eq!(go.assignments[0].value.range, TextRange::new(12, 13));
        assert_eq!(go.argv[2].range, TextRange::new(23, 39));
        assert!(go.argv[2].exact);
    }

    #[test]
    fn redirections_name_the_files_they_write() {
        let s = script(
            "echo a:x:1: > /etc/group 2>&1 && cat < in >> log 2>/dev/null; cat <<EOF >&2\nx\nEOF",
        );
        let writes: Vec<Vec<&str>> = s
            .commands
            .iter()
            .map(|c| c.writes.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(
            writes,
            vec![vec!["/etc/group"], vec!["log", "/dev/null"], vec![]]
        );
        assert_eq!(argvs(&s)[1], vec!["cat"]);
    }

    #[test]
    fn unwraps_wrappers_and_shell_c() {
        let s = script(r#"env GOOS=linux sudo -E sh -ec 'go build -o /app .; true'"#);
        assert_eq!(argvs(&s)[0], vec!["go", "build", "-o", "/app", "."]);
        assert_eq!(s.commands[0].assignments[0].name, "GOOS");
        // The re-read word maps back into the quoted argument.
        assert_eq!(s.commands[0].argv[0].range, TextRange::new(31, 33));
    }

    #[test]
    fn control_flow_and_case_do_not_hide_commands() {
        let s = script(
            "if [ -f go.mod ]; then go mod download; fi; for p in a b; do go build ./$p; done; \
             case $X in a|b) go vet ;; *) true ;; esac",
        );
        let programs: Vec<_> = s
            .commands
            .iter()
            .map(std::ops::Deref::deref)
            .filter_map(|c| c.program())
            .collect();
        assert_eq!(programs, vec!["[", "go", "go", "go", "true"]);
    }

    #[test]
    fn arms_of_one_if_or_case_exclude_each_other() {
        let s = script(
            "if [ \"$F\" = true ]; then go build -tags fips .; \
             elif [ -n \"$X\" ]; then go build -tags x .; else go build .; fi; go vet; \
             case $A in a) go test ;; *) sh -c 'go run .' ;; esac",
        );
        let c = &s.commands;
        let go: Vec<_> = c.iter().filter(|c| c.program() == Some("go")).collect();
        assert_eq!(go.len(), 6);
        assert!(go[0].excludes(go[1]) && go[1].excludes(go[2]) && go[0].excludes(go[2]));
        // After `fi` every arm's command may have run before.
        assert!(!go[3].excludes(go[0]) && !go[0].excludes(go[3]));
        // A case's arms, and a `sh -c` inside one, keep to their arm.
        assert!(go[4].excludes(go[5]));
        assert!(go[5].nested && !go[5].excludes(go[3]));
    }

    #[test]
    fn expansions_and_unclosed_quotes() {
        let s = script(r#"go build -o /out/$TARGETOS/$(echo x) "unclosed"#);
        assert!(!s.complete);
        assert!(s.commands[0].argv[3].has_expansion);
        assert_eq!(s.commands[0].argv[3].text, "/out/$TARGETOS/$(echo x)");
    }

    #[test]
    fn shell_heredoc_bodies_are_skipped() {
        let s = script("cat <<EOF > /etc/x\ngo build\nEOF\ngo version\n");
        assert_eq!(argvs(&s), vec![vec!["cat"], vec!["go", "version"]]);
    }

    #[test]
    fn deep_nesting_is_linear() {
        let text = "(".repeat(20_000) + "go build";
        let s = script(&text);
        assert_eq!(argvs(&s), vec![vec!["go", "build"]]);
        let text = "$(".repeat(20_000);
        assert!(!script(&text).complete);
    }
}
