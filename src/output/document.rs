//! JSON documents written piece by piece: the opening and closing text around an array whose
//! items are written as they come, laid out exactly as serde_json's pretty printer lays out the
//! whole document (two-space indents, `[]` for an empty array). The frames are composed field
//! by field, never cut out of a rendered document.

use serde::Serialize;

/// Why output could not be written.
#[derive(Debug)]
pub struct OutputError(String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot serialise the output: {}", self.0)
    }
}

impl std::error::Error for OutputError {}

impl From<serde_json::Error> for OutputError {
    fn from(error: serde_json::Error) -> OutputError {
        OutputError(error.to_string())
    }
}

/// A value pretty-printed as it stands `depth` levels deep: its first line unindented (it
/// follows a key or an indent), the following lines indented to its place.
pub(crate) fn nested<T: Serialize>(value: &T, depth: usize) -> Result<String, OutputError> {
    let text = serde_json::to_string_pretty(value)?;
    let indent = "  ".repeat(depth);
    Ok(text.replace('\n', &format!("\n{indent}")))
}

/// `"key": value` as a field of an object `depth - 1` levels deep, indented.
pub(crate) fn field<T: Serialize>(
    depth: usize,
    key: &str,
    value: &T,
) -> Result<String, OutputError> {
    Ok(format!(
        "{}{}: {}",
        "  ".repeat(depth),
        serde_json::to_string(key)?,
        nested(value, depth)?
    ))
}

/// `"key": [`, the opening of an array field of an object `depth - 1` levels deep (`key` is one
/// of the documents' own field names, which need no escaping).
pub(crate) fn array_field(depth: usize, key: &str) -> String {
    format!("{}\"{key}\": [", "  ".repeat(depth))
}

/// An item of an array `depth - 1` levels deep, indented.
pub(crate) fn array_item<T: Serialize>(value: &T, depth: usize) -> Result<String, OutputError> {
    Ok(format!("{}{}", "  ".repeat(depth), nested(value, depth)?))
}

/// The text around one array of a document: what comes before its items (through the `[`) and
/// after them (from the `]`).
#[derive(Debug, Clone)]
pub(crate) struct ArrayFrame {
    pub(crate) before: String,
    pub(crate) after: String,
    /// Indentation of the closing `]` when the array has items.
    close_indent: String,
}

impl ArrayFrame {
    /// An array `depth` levels deep: `before` is the document through its `[`, `after` the
    /// rest from just after its `]`.
    pub(crate) fn new(before: String, depth: usize, after: &str) -> ArrayFrame {
        ArrayFrame {
            before,
            after: format!("]{after}"),
            close_indent: "  ".repeat(depth),
        }
    }

    /// What separates the items from what comes before them, for the `n`th item (0-based).
    pub(crate) fn separator(n: usize) -> &'static str {
        if n == 0 { "\n" } else { ",\n" }
    }

    /// What closes the array after `count` items.
    pub(crate) fn close(&self, count: usize) -> String {
        if count == 0 {
            self.after.clone()
        } else {
            format!("\n{}{}", self.close_indent, self.after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        a: u32,
        b: Vec<Item>,
    }

    #[derive(Serialize)]
    struct Item {
        x: Vec<u32>,
    }

    fn written(items: &[Item]) -> String {
        let frame = ArrayFrame::new(
            format!(
                "{{\n{},\n{}",
                field(1, "a", &1).expect("field"),
                array_field(1, "b")
            ),
            1,
            "\n}",
        );
        let mut out = frame.before.clone();
        for (n, item) in items.iter().enumerate() {
            out.push_str(ArrayFrame::separator(n));
            out.push_str(&array_item(item, 2).expect("item"));
        }
        out.push_str(&frame.close(items.len()));
        out
    }

    #[test]
    fn frames_lay_out_as_serde_json_does() {
        for items in [vec![], vec![Item { x: vec![1, 2] }, Item { x: vec![] }]] {
            let expected = serde_json::to_string_pretty(&Doc {
                a: 1,
                b: items.iter().map(|i| Item { x: i.x.clone() }).collect(),
            })
            .expect("json");
            assert_eq!(written(&items), expected);
        }
    }
}
