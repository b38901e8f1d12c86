//! Output written file by file, in path order, as files are linted: memory stays flat however
//! many files a run covers. The documents (JSON, SARIF) are written around their findings
//! array; every format writes the same bytes as rendering all reports at once.

use std::io::{self, Write};

use super::human::{Counts, human_summary, render_human_file};
use super::{ArrayFrame, FileReport, json, render_compact, render_github, sarif};

/// The formats, as the stream writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    Human { color: bool },
    Json,
    Sarif,
    Github,
    Compact,
}

/// Writes reports one at a time. `file` returns what to print for a report (the document's
/// opening comes with the first one); `finish` writes what closes the output.
pub struct OutputStream {
    format: StreamFormat,
    counts: Counts,
    /// Items written into the document's array.
    items: usize,
    /// Whether the document's opening was written.
    opened: bool,
    /// The document around its findings array (JSON, SARIF).
    frame: Option<ArrayFrame>,
    /// JSON lists every file after the findings: the `files` array's frame, and its items,
    /// kept as the text they print as (a path and an image class, under 100 bytes a file).
    files_frame: Option<ArrayFrame>,
    files_text: String,
    file_count: usize,
}

impl OutputStream {
    pub fn new(format: StreamFormat) -> OutputStream {
        let (frame, files_frame) = match format {
            StreamFormat::Json => {
                let (diagnostics, files) = json::json_stream_frames();
                (Some(diagnostics), Some(files))
            }
            StreamFormat::Sarif => (Some(sarif::sarif_frame()), None),
            _ => (None, None),
        };
        OutputStream {
            format,
            counts: Counts::default(),
            items: 0,
            opened: false,
            frame,
            files_frame,
            files_text: String::new(),
            file_count: 0,
        }
    }

    /// The output for one report.
    pub fn file(&mut self, report: &FileReport) -> String {
        match self.format {
            StreamFormat::Human { color } => render_human_file(report, color, &mut self.counts),
            StreamFormat::Compact => render_compact(std::slice::from_ref(report)),
            StreamFormat::Github => render_github(std::slice::from_ref(report)),
            StreamFormat::Json => {
                self.files_text
                    .push_str(ArrayFrame::separator(self.file_count));
                self.files_text.push_str(&json::json_file_item(report));
                self.file_count += 1;
                let mut out = self.open();
                out.push_str(&self.items_text(json::json_items(report)));
                out
            }
            StreamFormat::Sarif => {
                let mut out = self.open();
                out.push_str(&self.items_text(sarif::sarif_items(report)));
                out
            }
        }
    }

    /// Writes what closes the output. With `nothing_linted` (every file failed to read), the
    /// documents write nothing at all, as before any streaming.
    pub fn finish(&mut self, nothing_linted: bool, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            StreamFormat::Human { .. } if nothing_linted => Ok(()),
            StreamFormat::Human { .. } => out.write_all(human_summary(&self.counts).as_bytes()),
            StreamFormat::Compact | StreamFormat::Github => Ok(()),
            StreamFormat::Json | StreamFormat::Sarif if nothing_linted && !self.opened => Ok(()),
            StreamFormat::Json | StreamFormat::Sarif => {
                let opening = self.open();
                out.write_all(opening.as_bytes())?;
                if let Some(frame) = &self.frame {
                    out.write_all(frame.close(self.items).as_bytes())?;
                }
                // JSON's closing holds the list of files, known only now; written from the
                // buffer, never copied.
                if let Some(files) = &self.files_frame {
                    out.write_all(self.files_text.as_bytes())?;
                    out.write_all(files.close(self.file_count).as_bytes())?;
                }
                Ok(())
            }
        }
    }

    /// The document's opening, the first time.
    fn open(&mut self) -> String {
        if self.opened {
            return String::new();
        }
        self.opened = true;
        self.frame
            .as_ref()
            .map_or_else(String::new, |frame| frame.before.clone())
    }

    fn items_text(&mut self, items: Vec<String>) -> String {
        let mut out = String::new();
        for item in items {
            out.push_str(ArrayFrame::separator(self.items));
            out.push_str(&item);
            self.items += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{render_human, render_json, render_sarif};
    use crate::{LintOptions, lint_result};

    fn report(path: &str, text: &str) -> FileReport {
        let result = lint_result(text, &LintOptions::default()).expect("lint");
        FileReport {
            path: path.into(),
            text: text.into(),
            diagnostics: result.diagnostics,
            class: Some(result.class),
        }
    }

    fn streamed(format: StreamFormat, reports: &[FileReport]) -> String {
        let mut stream = OutputStream::new(format);
        let mut out: String = reports.iter().map(|r| stream.file(r)).collect();
        let mut closing = Vec::new();
        stream.finish(false, &mut closing).expect("write to memory");
        out.push_str(&String::from_utf8(closing).expect("UTF-8"));
        out
    }

    #[test]
    fn streaming_writes_what_rendering_all_at_once_does() {
        let bad = "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n";
        let clean = "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
        for reports in [
            vec![
                report("a/Dockerfile", bad),
                report("b/Dockerfile", clean),
                report("c/Dockerfile", bad),
            ],
            vec![report("clean/Dockerfile", clean)],
            vec![],
        ] {
            assert_eq!(
                streamed(StreamFormat::Json, &reports),
                render_json(&reports)
            );
            assert_eq!(
                streamed(StreamFormat::Sarif, &reports),
                render_sarif(&reports)
            );
            for color in [false, true] {
                assert_eq!(
                    streamed(StreamFormat::Human { color }, &reports),
                    render_human(&reports, color)
                );
            }
            let parsed: serde_json::Value =
                serde_json::from_str(&streamed(StreamFormat::Json, &reports)).expect("JSON");
            assert_eq!(
                parsed["files"].as_array().map(Vec::len),
                Some(reports.len())
            );
        }
    }
}
