//! Checkstyle XML, as Jenkins' warnings-ng (`recordIssues tool: checkStyle(...)`) and
//! reviewdog (`-f=checkstyle`) read it: one `<file>` per linted file (empty when the file has
//! no finding, as Checkstyle writes it), one `<error>` per finding. Written as text, without an
//! XML library: the document is two elements deep, and what must be right is the escaping of
//! attribute values, which `escape_attribute` does and a test checks with an XML parser.

use std::fmt::Write;

use super::FileReport;

/// What opens the document, before the first file.
pub(crate) const OPENING: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";

/// What closes the document, after the last file.
pub(crate) const CLOSING: &str = "</checkstyle>\n";

/// What comes before the code in an error's `source`: warnings-ng takes an issue's type from
/// after the source's last dot (Checkstyle's sources are class names), so a bare `GL003` would
/// leave it empty; reviewdog shows the source as the finding's code, where the tool's name
/// keeps it apart from other linters' codes in one review.
const SOURCE_PREFIX: &str = "gopherlint.";

/// Appends `text` as an XML 1.0 attribute value between double quotes: the five markup
/// characters as entities, and tab, line feed and carriage return as character references
/// (a parser turns them, written as they are, into spaces). XML 1.0 allows no other control
/// character, not even as a reference, nor U+FFFE and U+FFFF: they become U+FFFD, the
/// replacement character, so the document stays well-formed whatever a path or a message holds.
fn escape_attribute(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// One report's `<file>` element. Lines and columns are 1-based; columns count characters.
pub(crate) fn checkstyle_file(report: &FileReport) -> String {
    let mut out = String::with_capacity(
        report.path.len()
            + 32
            + report
                .diagnostics
                .iter()
                .map(|d| d.message.len() + 96)
                .sum::<usize>(),
    );
    out.push_str("  <file name=\"");
    escape_attribute(&report.path, &mut out);
    out.push_str("\">\n");
    let index = report.line_index();
    for d in &report.diagnostics {
        let pos = index.line_col(&report.text, d.range.start);
        // Writing into a String cannot fail. Checkstyle's severities are ours by name.
        let _ = write!(
            out,
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"",
            pos.line, pos.column, d.severity
        );
        escape_attribute(&d.message, &mut out);
        let _ = writeln!(out, "\" source=\"{SOURCE_PREFIX}{}\"/>", d.code());
    }
    out.push_str("  </file>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Format, linted_reports, render};

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_attribute(text, &mut out);
        out
    }

    #[test]
    fn markup_and_whitespace_are_escaped() {
        assert_eq!(
            escaped("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(escaped("x\ty\nz\r"), "x&#9;y&#10;z&#13;");
        assert_eq!(
            escaped("bell\u{7} nul\u{0} \u{fffe}"),
            "bell\u{fffd} nul\u{fffd} \u{fffd}"
        );
        assert_eq!(escaped("`go build` é ✓"), "`go build` é ✓");
    }

    /// Every character a Rust string can hold, escaped, reads back through an XML parser as
    /// itself, or as U+FFFD where XML 1.0 has no way to write it.
    #[test]
    fn every_character_reads_back() {
        let all: String = (0..=0x10_ffffu32).filter_map(char::from_u32).collect();
        let document = format!("<a b=\"{}\"/>", escaped(&all));
        let parsed = roxmltree::Document::parse(&document).expect("well-formed");
        let read = parsed.root_element().attribute("b").expect("attribute");
        let expected: String = all
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
                c => c,
            })
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn the_document_holds_every_file() {
        let texts = [
            "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n",
            "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n",
        ];
        assert_eq!(render(Format::Checkstyle, &[]).expect("render"), {
            format!("{OPENING}{CLOSING}")
        });
        let reports = linted_reports(&texts);
        let written = render(Format::Checkstyle, &reports).expect("render");
        let document = roxmltree::Document::parse(&written).expect("well-formed");
        let files: Vec<_> = document
            .root_element()
            .children()
            .filter(|n| n.has_tag_name("file"))
            .collect();
        assert_eq!(files.len(), reports.len());
        for (file, report) in files.iter().zip(&reports) {
            assert_eq!(file.attribute("name"), Some(report.path.as_str()));
            let errors = file.children().filter(|n| n.has_tag_name("error")).count();
            assert_eq!(errors, report.diagnostics.len());
        }
    }
}
