//! Splitting instruction text into words the way BuildKit's line parsers do, keeping each word's
//! range in the logical line.

use crate::source::TextRange;

/// A word found in a logical line: its logical range and its raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawWord {
    pub range: TextRange,
    pub raw: String,
}

/// BuildKit's whitespace set for splitting (`[\t\v\f\r ]`).
pub fn is_split_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c' | '\r')
}

/// Splits on runs of whitespace, quotes not considered (FROM, EXPOSE, shell-form COPY/ADD/VOLUME).
pub fn split_whitespace(text: &str, base: usize) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_split_space(c) {
            if let Some(s) = start.take() {
                words.push(RawWord {
                    range: TextRange::new(base + s, base + i),
                    raw: text[s..i].to_string(),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(RawWord {
            range: TextRange::new(base + s, base + text.len()),
            raw: text[s..].to_string(),
        });
    }
    words
}

/// Quote-aware splitting that keeps quotes and escapes in the words (BuildKit's `parseWords`,
/// used for ENV, LABEL and ARG). An escape character at the very end is dropped.
pub fn parse_words(text: &str, base: usize, escape: char) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut word_start: Option<usize> = None;
    let mut word_end = 0;
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            None => {
                if c.is_whitespace() {
                    if let Some(s) = word_start.take()
                        && (blank_ok || !word.is_empty())
                    {
                        words.push(RawWord {
                            range: TextRange::new(base + s, base + word_end),
                            raw: std::mem::take(&mut word),
                        });
                    }
                    word.clear();
                    blank_ok = false;
                    continue;
                }
                word_start.get_or_insert(i);
                word_end = i + c.len_utf8();
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                }
                if c == escape {
                    // An escape at the very end is dropped.
                    take_escaped(&mut chars, c, &mut word, &mut word_end);
                    continue;
                }
                word.push(c);
            }
            Some(q) => {
                word_end = i + c.len_utf8();
                if c == q {
                    quote = None;
                }
                if c == escape && q != '\'' {
                    if !take_escaped(&mut chars, c, &mut word, &mut word_end) {
                        quote = None;
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    if let Some(s) = word_start
        && (blank_ok || !word.is_empty())
    {
        words.push(RawWord {
            range: TextRange::new(base + s, base + word_end),
            raw: word,
        });
    }
    words
}

/// Keeps an escape character and the character after it in `word`; false at the end of text.
fn take_escaped(
    chars: &mut std::iter::Peekable<std::str::CharIndices>,
    escape: char,
    word: &mut String,
    word_end: &mut usize,
) -> bool {
    match chars.next() {
        None => false,
        Some((j, next)) => {
            word.push(escape);
            word.push(next);
            *word_end = j + next.len_utf8();
            true
        }
    }
}

/// A builder flag word (`--name[=value]`) found before an instruction's arguments.
#[derive(Debug, Clone)]
pub struct RawFlag {
    /// Logical range of the whole word.
    pub range: TextRange,
    /// Quote-removed text, e.g. `--from=build`.
    pub text: String,
}

/// Reads leading `--flag` words (BuildKit's `extractBuilderFlags`). Returns the flags and the
/// offset in `text` where the arguments begin; a lone `--` ends the flags and is consumed.
pub fn extract_flags(text: &str, base: usize) -> (Vec<RawFlag>, usize) {
    let bytes = text.as_bytes();
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && (bytes[pos] as char).is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return (flags, bytes.len());
        }
        if !(bytes[pos] == b'-' && bytes.get(pos + 1) == Some(&b'-')) {
            return (flags, pos);
        }
        let start = pos;
        let mut word = Vec::new();
        let mut quote: Option<u8> = None;
        let mut blank_ok = false;
        while pos < bytes.len() {
            let b = bytes[pos];
            match quote {
                None => {
                    if (b as char).is_ascii_whitespace() {
                        break;
                    }
                    if b == b'\'' || b == b'"' {
                        quote = Some(b);
                        blank_ok = true;
                    } else if b == b'\\' {
                        if pos + 1 < bytes.len() {
                            pos += 1;
                            word.push(bytes[pos]);
                        }
                    } else {
                        word.push(b);
                    }
                }
                Some(q) => {
                    if b == q {
                        quote = None;
                    } else if b == b'\\' {
                        if pos + 1 < bytes.len() {
                            pos += 1;
                            word.push(bytes[pos]);
                        } else {
                            quote = None;
                        }
                    } else {
                        word.push(b);
                    }
                }
            }
            pos += 1;
        }
        let text_value = String::from_utf8_lossy(&word).into_owned();
        if text_value == "--" && !blank_ok {
            return (flags, pos);
        }
        if blank_ok || !word.is_empty() {
            flags.push(RawFlag {
                range: TextRange::new(base + start, base + pos),
                text: text_value,
            });
        }
    }
}

/// Removes Dockerfile quotes and resolves escapes in a word, without expanding variables:
/// what BuildKit's word processing yields for a word with no variables in it.
pub fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            for c in chars.by_ref() {
                if c == '\'' {
                    break;
                }
                out.push(c);
            }
        } else if c == '"' {
            while let Some(c) = chars.next() {
                if c == '"' {
                    break;
                }
                if c == escape {
                    match chars.peek() {
                        Some(&n) if n == '"' || n == '$' || n == escape => {
                            out.push(n);
                            chars.next();
                            continue;
                        }
                        _ => {}
                    }
                }
                out.push(c);
            }
        } else if c == escape {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raws(words: &[RawWord]) -> Vec<&str> {
        words.iter().map(|w| w.raw.as_str()).collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_ranges() {
        let words = parse_words(r#"abc="123 456" def"#, 10, '\\');
        assert_eq!(raws(&words), vec![r#"abc="123 456""#, "def"]);
        assert_eq!(words[0].range, TextRange::new(10, 23));
        assert_eq!(words[1].range, TextRange::new(24, 27));
    }

    #[test]
    fn flags_stop_at_first_argument_or_double_dash() {
        let (flags, rest) = extract_flags("--from=build --link /a /b", 0);
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[1].text, "--link");
        assert_eq!(rest, 20);
        let (flags, rest) = extract_flags("--doit=true -- foo", 0);
        assert_eq!(flags.len(), 1);
        assert_eq!(&"--doit=true -- foo"[rest..], " foo");
        let (flags, _) = extract_flags(r#"--mount="type=cache,target=/a b""#, 0);
        assert_eq!(flags[0].text, "--mount=type=cache,target=/a b");
    }

    #[test]
    fn unquote_handles_both_quotes_and_escapes() {
        assert_eq!(unquote(r#""a\"b" 'c\d'"#, '\\'), r#"a"b c\d"#);
        assert_eq!(unquote(r"a\ b", '\\'), "a b");
        assert_eq!(unquote(r#""\n""#, '\\'), r"\n");
    }
}
