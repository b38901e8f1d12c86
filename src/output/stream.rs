//! Output written file by file, in path order, as files are linted: memory stays flat however
//! many files a run covers. The documents (JSON, SARIF, GitLab) are written around their
//! findings array, Checkstyle's around its files; every format writes the same bytes as
//! rendering all reports at once.

use std::io::{self, Write};

use super::document::{ArrayFrame, OutputError};
use super::human::{Counts, human_summary, render_human_file};
use super::{FileReport, Format, checkstyle, compact, github, gitlab, json, sarif};

/// One report's output, rendered on whichever thread linted it: only the order and the
/// document's frame are left to the stream, so the writing thread does little.
pub struct RenderedFile(Piece);

enum Piece {
    /// Human (with what the summary counts), compact and GitHub output.
    Text(String, Counts),
    /// JSON's, SARIF's or GitLab's array items; JSON also lists the file.
    Items {
        file_item: Option<String>,
        items: Vec<String>,
    },
    /// Checkstyle's `<file>` element, inside the document's root element.
    Element(String),
}

/// Renders one report's part of the output in `format`.
pub fn render_file(format: Format, report: &FileReport) -> Result<RenderedFile, OutputError> {
    Ok(RenderedFile(match format {
        Format::Human { color } => {
            let mut counts = Counts::default();
            let text = render_human_file(report, color, &mut counts);
            Piece::Text(text, counts)
        }
        Format::Compact => Piece::Text(compact::compact_file(report), Counts::default()),
        Format::Github => Piece::Text(github::github_file(report), Counts::default()),
        Format::Json => Piece::Items {
            file_item: Some(json::json_file_item(report)?),
            items: json::json_items(report)?,
        },
        Format::Sarif => Piece::Items {
            file_item: None,
            items: sarif::sarif_items(report)?,
        },
        Format::Gitlab => Piece::Items {
            file_item: None,
            items: gitlab::gitlab_items(report)?,
        },
        Format::Checkstyle => Piece::Element(checkstyle::checkstyle_file(report)),
    }))
}

/// Writes reports one at a time. `file` returns what to print for a report (the document's
/// opening comes with the first one); `finish` writes what closes the output.
pub struct OutputStream {
    format: Format,
    counts: Counts,
    /// Items written into the document's array.
    items: usize,
    /// Whether the document's opening was written.
    opened: bool,
    /// The document around its findings array (JSON, SARIF, GitLab).
    frame: Option<ArrayFrame>,
    /// JSON lists every file after the findings: the `files` array's frame, and its items,
    /// kept as the text they print as (a path and an image class, under 100 bytes a file).
    files_frame: Option<ArrayFrame>,
    files_text: String,
    file_count: usize,
}

impl OutputStream {
    pub fn new(format: Format) -> Result<OutputStream, OutputError> {
        let (frame, files_frame) = match format {
            Format::Json => {
                let (diagnostics, files) = json::json_frames()?;
                (Some(diagnostics), Some(files))
            }
            Format::Sarif => (Some(sarif::sarif_frame()?), None),
            Format::Gitlab => (Some(gitlab::gitlab_frame()), None),
            _ => (None, None),
        };
        Ok(OutputStream {
            format,
            counts: Counts::default(),
            items: 0,
            opened: false,
            frame,
            files_frame,
            files_text: String::new(),
            file_count: 0,
        })
    }

    /// The output for one report.
    pub fn file(&mut self, report: &FileReport) -> Result<String, OutputError> {
        Ok(self.add(render_file(self.format, report)?))
    }

    /// Puts a report rendered by [`render_file`] in its place in the output.
    pub fn add(&mut self, rendered: RenderedFile) -> String {
        match rendered.0 {
            Piece::Text(text, counts) => {
                self.counts.add(&counts);
                text
            }
            Piece::Items { file_item, items } => {
                if let Some(item) = file_item {
                    self.files_text
                        .push_str(ArrayFrame::separator(self.file_count));
                    self.files_text.push_str(&item);
                    self.file_count += 1;
                }
                let mut out = self.open();
                out.push_str(&self.items_text(items));
                out
            }
            Piece::Element(element) => {
                let mut out = self.open();
                out.push_str(&element);
                out
            }
        }
    }

    /// Writes what closes the output. With `nothing_linted` (every file failed to read), the
    /// documents write nothing at all.
    pub fn finish(&mut self, nothing_linted: bool, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Human { .. } if nothing_linted => Ok(()),
            Format::Human { .. } => out.write_all(human_summary(&self.counts).as_bytes()),
            Format::Compact | Format::Github => Ok(()),
            Format::Json | Format::Sarif | Format::Gitlab if nothing_linted && !self.opened => {
                Ok(())
            }
            Format::Json | Format::Sarif | Format::Gitlab => {
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
            Format::Checkstyle if nothing_linted && !self.opened => Ok(()),
            Format::Checkstyle => {
                let opening = self.open();
                out.write_all(opening.as_bytes())?;
                out.write_all(checkstyle::CLOSING.as_bytes())
            }
        }
    }

    /// The document's opening, the first time.
    fn open(&mut self) -> String {
        if self.opened {
            return String::new();
        }
        self.opened = true;
        match (&self.frame, self.format) {
            (Some(frame), _) => frame.before.clone(),
            (None, Format::Checkstyle) => checkstyle::OPENING.to_string(),
            (None, _) => String::new(),
        }
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
