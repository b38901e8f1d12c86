//! A small POSIX shell lexer: words (quotes, escapes, `$()`, `${}`, backticks), operators,
//! redirections and shell heredocs. No recursion, linear time, never fails: an unclosed quote or
//! substitution marks the text incomplete and the word runs to the end.

use crate::source::TextRange;
use crate::syntax::LogicalLine;

/// A word as lexed: its range in the lexed text, its quote-removed value (expansions kept as
/// written) and a map from the value back to the lexed text.
#[derive(Debug, Clone)]
pub struct WordToken {
    pub range: TextRange,
    pub value: LogicalLine,
    pub has_expansion: bool,
    pub quoted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    And,
    Or,
    Semicolon,
    DoubleSemicolon,
    Newline,
    Pipe,
    Background,
    OpenParen,
    CloseParen,
}

#[derive(Debug, Clone)]
pub enum Token {
    Word(WordToken),
    Separator(Separator),
    /// A redirection; its target word has been consumed. For one that writes a file (`>`,
    /// `>>`, `>|`, `&>`), that file's word: `None` for input, heredocs and descriptor copies
    /// (`2>&1`).
    Redirection(Option<WordToken>),
}

pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// False once something could not be read to its end (unclosed quote, substitution...).
    pub complete: bool,
    pending_heredocs: Vec<(String, bool)>,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            complete: true,
            pending_heredocs: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.peek(1) == Some(b'\n') => self.pos += 2,
                _ => return,
            }
        }
    }

    /// Skips the bodies of shell heredocs started on the line that just ended.
    fn skip_heredoc_bodies(&mut self) {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.pending_heredocs) {
            loop {
                if self.pos >= self.bytes.len() {
                    self.complete = false;
                    return;
                }
                let end = self.text[self.pos..]
                    .find('\n')
                    .map_or(self.bytes.len(), |i| self.pos + i);
                let mut line = self.text[self.pos..end].trim_end_matches('\r');
                if strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                self.pos = (end + 1).min(self.bytes.len());
                if line == delimiter {
                    break;
                }
            }
        }
    }

    pub fn next_token(&mut self) -> Option<Token> {
        self.skip_blanks();
        let c = self.peek(0)?;
        let sep = |lexer: &mut Self, len: usize, sep: Separator| {
            lexer.pos += len;
            Some(Token::Separator(sep))
        };
        match c {
            b'\n' => {
                self.pos += 1;
                self.skip_heredoc_bodies();
                Some(Token::Separator(Separator::Newline))
            }
            b'#' => {
                let end = self.text[self.pos..]
                    .find('\n')
                    .map_or(self.bytes.len(), |i| self.pos + i);
                self.pos = end;
                self.next_token()
            }
            b';' => match self.peek(1) {
                Some(b';') => sep(self, 2, Separator::DoubleSemicolon),
                Some(b'&') => sep(self, 2, Separator::DoubleSemicolon),
                _ => sep(self, 1, Separator::Semicolon),
            },
            b'&' => match self.peek(1) {
                Some(b'&') => sep(self, 2, Separator::And),
                Some(b'>') => {
                    self.pos += if self.peek(2) == Some(b'>') { 3 } else { 2 };
                    Some(Token::Redirection(self.redirection_target(None)))
                }
                _ => sep(self, 1, Separator::Background),
            },
            b'|' => match self.peek(1) {
                Some(b'|') => sep(self, 2, Separator::Or),
                Some(b'&') => sep(self, 2, Separator::Pipe),
                _ => sep(self, 1, Separator::Pipe),
            },
            b'(' => sep(self, 1, Separator::OpenParen),
            b')' => sep(self, 1, Separator::CloseParen),
            b'<' | b'>' => Some(Token::Redirection(self.redirection())),
            _ => {
                let word = self.word();
                // `2>file`: digits directly before a redirection are its file descriptor.
                if matches!(self.peek(0), Some(b'<' | b'>'))
                    && !word.quoted
                    && !word.value.text.is_empty()
                    && word.value.text.bytes().all(|b| b.is_ascii_digit())
                {
                    return Some(Token::Redirection(self.redirection()));
                }
                Some(Token::Word(word))
            }
        }
    }

    /// Reads a redirection and its target: the target's word when it is a file written.
    fn redirection(&mut self) -> Option<WordToken> {
        let rest = &self.bytes[self.pos..];
        let (len, heredoc, writes) = match rest {
            [b'<', b'<', b'<', ..] => (3, None, false),
            [b'<', b'<', b'-', ..] => (3, Some(true), false),
            [b'<', b'<', ..] => (2, Some(false), false),
            [b'<', b'>', ..] => (2, None, true),
            [b'<', b'&', ..] | [b'>', b'&', ..] => (2, None, false),
            [b'>', b'>' | b'|', ..] => (2, None, true),
            [b'>', ..] => (1, None, true),
            _ => (1, None, false),
        };
        self.pos += len;
        let target = self.redirection_target(heredoc);
        target.filter(|_| writes)
    }

    fn redirection_target(&mut self, heredoc: Option<bool>) -> Option<WordToken> {
        self.skip_blanks();
        match self.peek(0) {
            None | Some(b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>') => None,
            Some(_) => {
                let target = self.word();
                if let Some(strip_tabs) = heredoc {
                    self.pending_heredocs
                        .push((target.value.text.clone(), strip_tabs));
                }
                Some(target)
            }
        }
    }

    fn word(&mut self) -> WordToken {
        let start = self.pos;
        let mut value = LogicalLine::new();
        let mut has_expansion = false;
        let mut quoted = false;
        while let Some(c) = self.peek(0) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                    break;
                }
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        self.pos += 1;
                        self.push_char(&mut value);
                    }
                    None => self.pos += 1,
                },
                b'\'' => {
                    quoted = true;
                    self.single_quoted(&mut value);
                }
                b'"' => {
                    quoted = true;
                    has_expansion |= self.double_quoted(&mut value);
                }
                b'$' if self.peek(1) == Some(b'\'') => {
                    quoted = true;
                    self.pos += 1;
                    self.single_quoted(&mut value);
                }
                b'$' | b'`' => {
                    let expansion_start = self.pos;
                    if self.expansion() {
                        has_expansion = true;
                    }
                    value.push(&self.text[expansion_start..self.pos], expansion_start);
                }
                _ => self.push_char(&mut value),
            }
        }
        WordToken {
            range: TextRange::new(start, self.pos),
            value,
            has_expansion,
            quoted,
        }
    }

    fn push_char(&mut self, value: &mut LogicalLine) {
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        value.push(&self.text[self.pos..self.pos + len], self.pos);
        self.pos += len;
    }

    fn single_quoted(&mut self, value: &mut LogicalLine) {
        self.pos += 1;
        match self.text[self.pos..].find('\'') {
            Some(i) => {
                value.push(&self.text[self.pos..self.pos + i], self.pos);
                self.pos += i + 1;
            }
            None => {
                value.push(&self.text[self.pos..], self.pos);
                self.pos = self.bytes.len();
                self.complete = false;
            }
        }
    }

    /// Reads `"..."`; returns whether it holds an expansion.
    fn double_quoted(&mut self, value: &mut LogicalLine) -> bool {
        self.pos += 1;
        let mut has_expansion = false;
        loop {
            match self.peek(0) {
                None => {
                    self.complete = false;
                    return has_expansion;
                }
                Some(b'"') => {
                    self.pos += 1;
                    return has_expansion;
                }
                Some(b'\\') => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(b'$' | b'`' | b'"' | b'\\') => {
                        self.pos += 1;
                        self.push_char(value);
                    }
                    _ => self.push_char(value),
                },
                Some(b'$' | b'`') => {
                    let start = self.pos;
                    has_expansion |= self.expansion();
                    value.push(&self.text[start..self.pos], start);
                }
                Some(_) => self.push_char(value),
            }
        }
    }

    /// Skips an expansion at `$` or a backtick. Returns false for a lone literal `$`.
    fn expansion(&mut self) -> bool {
        let c = self.peek(0);
        if c == Some(b'`') {
            self.pos += 1;
            while let Some(c) = self.peek(0) {
                self.pos += 1;
                match c {
                    b'\\' => self.pos += 1,
                    b'`' => return true,
                    _ => {}
                }
            }
            self.pos = self.bytes.len();
            self.complete = false;
            return true;
        }
        match self.peek(1) {
            Some(b'(') => {
                self.pos += 2;
                self.balanced(b'(', b')');
                true
            }
            Some(b'{') => {
                self.pos += 2;
                self.balanced(b'{', b'}');
                true
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.pos += 2;
                while matches!(self.peek(0), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
                    self.pos += 1;
                }
                true
            }
            Some(c) if c.is_ascii_digit() || b"@*#?-$!".contains(&c) => {
                self.pos += 2;
                true
            }
            _ => {
                self.pos += 1;
                false
            }
        }
    }

    /// Skips to the bracket closing an already-opened one, across quotes and nested brackets.
    /// Inside `$( )`, a `case ... esac` may hold unbalanced `)` after its patterns.
    fn balanced(&mut self, open: u8, close: u8) {
        let mut depth = 1usize;
        let mut case_depth = 0usize;
        while let Some(c) = self.peek(0) {
            match c {
                b'\\' => self.pos += 2,
                b'\'' => {
                    self.pos += 1;
                    match self.text[self.pos..].find('\'') {
                        Some(i) => self.pos += i + 1,
                        None => self.pos = self.bytes.len(),
                    }
                }
                b'"' => {
                    let mut scratch = LogicalLine::new();
                    self.double_quoted(&mut scratch);
                }
                c if c.is_ascii_alphabetic() => {
                    let start = self.pos;
                    while matches!(self.peek(0), Some(c) if c.is_ascii_alphanumeric() || c == b'_')
                    {
                        self.pos += 1;
                    }
                    let word_start = start == 0 || !self.bytes[start - 1].is_ascii_alphanumeric();
                    match &self.text[start..self.pos] {
                        "case" if word_start => case_depth += 1,
                        "esac" if word_start => case_depth = case_depth.saturating_sub(1),
                        _ => {}
                    }
                }
                c if c == open => {
                    depth += 1;
                    self.pos += 1;
                }
                c if c == close => {
                    self.pos += 1;
                    if open == b'(' && case_depth > 0 {
                        continue;
                    }
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.bytes.len();
        self.complete = false;
    }
}
