//! The file as physical lines, as BuildKit reads it before instructions: line endings,
//! comment lines, the continuation test and the parser directives at the top.

use crate::source::TextRange;

use super::ast::Directive;

pub(super) const BOM: &str = "\u{feff}";

/// A physical line: `start..end` is its content without the line ending.
#[derive(Debug, Clone, Copy)]
pub(super) struct PhysicalLine {
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn physical_lines(text: &str, first_start: usize) -> Vec<PhysicalLine> {
    let bytes = text.as_bytes();
    // Sized once: growing a vector step by step costs the allocator more than counting.
    let mut lines = Vec::with_capacity(bytes.iter().filter(|&&b| b == b'\n').count() + 1);
    let mut start = first_start;
    while start < bytes.len() {
        let newline = memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let next = newline.map_or(bytes.len(), |i| i + 1);
        let mut end = newline.unwrap_or(bytes.len());
        // BuildKit trims every trailing \r and \n from a line.
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        lines.push(PhysicalLine { start, end });
        start = next;
    }
    lines
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

pub(super) fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// BuildKit's continuation test: the line ends with the escape character (plus blanks) that is
/// not itself escaped, or consists of only the escape character. Returns the length of the text
/// kept from the line and whether the instruction continues on the next line.
pub(super) fn continuation(line: &str, escape: char) -> (usize, bool) {
    let body = line.trim_end_matches([' ', '\t']);
    let Some(last) = body.chars().next_back() else {
        return (line.len(), false);
    };
    if last != escape {
        return (line.len(), false);
    }
    let keep = body.len() - last.len_utf8();
    match body[..keep].chars().next_back() {
        None => (0, true),
        Some(prev) if prev != escape => (keep, true),
        Some(_) => (line.len(), false),
    }
}

/// `# name=value` at the top of the file, for the directives BuildKit knows.
pub(super) fn parse_directive(line: &str, line_start: usize) -> Option<Directive> {
    let rest = line.strip_prefix('#')?;
    let name_start = rest.len() - rest.trim_start_matches(is_go_space).len();
    let after_ws = &rest[name_start..];
    let name_len = after_ws
        .char_indices()
        .take_while(|&(i, c)| {
            if i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric()
            }
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &after_ws[..name_len];
    let after_name = after_ws[name_len..].trim_start_matches(is_go_space);
    let value_part = after_name.strip_prefix('=')?;
    let value_trimmed_start = value_part.trim_start_matches(is_go_space);
    let value = value_trimmed_start.trim_end_matches(is_go_space);
    if value.is_empty() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if !matches!(lower.as_str(), "syntax" | "escape" | "check") {
        return None;
    }
    let name_offset = line_start + 1 + name_start;
    let value_offset = line_start + (line.len() - value_trimmed_start.len());
    Some(Directive {
        range: TextRange::new(line_start, line_start + line.len()),
        name: lower,
        name_range: TextRange::new(name_offset, name_offset + name_len),
        value: value.to_string(),
        value_range: TextRange::new(value_offset, value_offset + value.len()),
    })
}

fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_follows_buildkit() {
        assert_eq!(continuation(r"echo \", '\\'), (5, true));
        assert_eq!(continuation(r"echo \  ", '\\'), (5, true));
        assert_eq!(continuation(r"\", '\\'), (0, true));
        assert_eq!(continuation(r"a\\", '\\'), (3, false));
        assert_eq!(continuation("a `", '`'), (2, true));
        assert_eq!(continuation("", '\\'), (0, false));
    }

    #[test]
    fn directives_are_recognised() {
        let d = parse_directive("# syntax = docker/dockerfile:1", 0).unwrap();
        assert_eq!(
            (d.name.as_str(), d.value.as_str()),
            ("syntax", "docker/dockerfile:1")
        );
        assert_eq!(d.value_range, TextRange::new(11, 30));
        assert!(parse_directive("# hello world", 0).is_none());
        assert!(parse_directive("# foo=bar", 0).is_none());
    }
}
