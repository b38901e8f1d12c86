//! Exec (JSON) form: `["a", "b"]`, with a range for every element.

use crate::source::TextRange;

/// Result of reading argument text as exec form.
#[derive(Debug, PartialEq, Eq)]
pub enum ExecParse {
    /// Valid JSON array of strings: each element's logical range (quotes included) and value.
    Strings(Vec<(TextRange, String)>),
    /// Valid JSON array with a non-string element: BuildKit rejects the file.
    NotStrings,
    /// Not a JSON array: the text is shell form.
    NotJson,
}

/// Reads `text` (which starts at logical offset `base`) as a JSON array of strings.
pub fn parse_exec(text: &str, base: usize) -> ExecParse {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('[') {
        return ExecParse::NotJson;
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(trimmed) else {
        return ExecParse::NotJson;
    };
    let mut strings = Vec::with_capacity(values.len());
    for value in values {
        match value {
            serde_json::Value::String(s) => strings.push(s),
            _ => return ExecParse::NotStrings,
        }
    }
    // The text is valid JSON, so every element is a string literal: find their ranges.
    let offset = base + (text.len() - trimmed.len());
    let bytes = trimmed.as_bytes();
    let mut ranges = Vec::with_capacity(strings.len());
    let mut i = 0;
    while i < bytes.len() && ranges.len() < strings.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            ranges.push(TextRange::new(offset + start, offset + i + 1));
        }
        i += 1;
    }
    ExecParse::Strings(ranges.into_iter().zip(strings).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_with_ranges() {
        let ExecParse::Strings(els) = parse_exec(r#" ["a", "b\"c"]"#, 5) else {
            panic!("not exec form")
        };
        assert_eq!(els[0], (TextRange::new(7, 10), "a".to_string()));
        assert_eq!(els[1], (TextRange::new(12, 18), "b\"c".to_string()));
    }

    #[test]
    fn rejects_non_json_and_nested() {
        assert_eq!(parse_exec("['a']", 0), ExecParse::NotJson);
        assert_eq!(parse_exec(r#"["a"] x"#, 0), ExecParse::NotJson);
        assert_eq!(parse_exec(r#"["a", ["b"]]"#, 0), ExecParse::NotStrings);
        assert_eq!(parse_exec("[]", 0), ExecParse::Strings(vec![]));
    }
}
