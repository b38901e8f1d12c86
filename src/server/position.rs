//! Positions as the client counts them. The protocol counts columns in UTF-16 code units
//! unless client and server agree on UTF-8 or UTF-32 at initialisation; gopherlint's ranges
//! are byte offsets, turned into the agreed unit here, both ways.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::source::{LineIndex, TextRange, floor_char_boundary};

/// The unit of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use, from the client's preference order: UTF-8 when it offers it (no
    /// conversion at all), else UTF-32, else the protocol's default, UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// A document's text with its line starts, for converting positions.
pub struct Positions<'a> {
    text: &'a str,
    lines: LineIndex,
    encoding: Encoding,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Positions<'a> {
        Positions {
            text,
            lines: LineIndex::new(text),
            encoding,
        }
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.lines.line_of(offset);
        let before = &self.text[self.lines.line_start(line)..offset];
        let column: usize = before.chars().map(|c| self.encoding.width(c)).sum();
        Position::new(to_u32(line), to_u32(column))
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column past
    /// the end of its line is the line's end; a column inside a character is that character's
    /// start (the protocol's rule for UTF-16 positions that split a surrogate pair).
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let start = self.lines.line_start(line);
        let rest = &self.text[start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in line_text.char_indices() {
            let width = self.encoding.width(c);
            if units + width > wanted {
                return start + at;
            }
            units += width;
        }
        start + line_text.len()
    }

    /// The range of the whole text.
    pub fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

/// Positions are u32 in the protocol; a document that large is far beyond anything linted.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_the_agreed_units() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 UTF-16 units.
        let text = "FROM x\nLABEL a=\"é𝄞\" b=1\n";
        let b = text.find("b=1").expect("b");
        let utf16 = Positions::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(b), Position::new(1, 14));
        assert_eq!(utf16.offset(Position::new(1, 14)), b);
        let utf8 = Positions::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(b), Position::new(1, 17));
        assert_eq!(utf8.offset(Position::new(1, 17)), b);
        let utf32 = Positions::new(text, Encoding::Utf32);
        assert_eq!(utf32.position(b), Position::new(1, 13));
        // Inside a surrogate pair: the character's start.
        let clef = text.find('𝄞').expect("clef");
        assert_eq!(utf16.offset(Position::new(1, 11)), clef);
        // Past the line's end, past the text's end.
        assert_eq!(utf16.offset(Position::new(0, 99)), 6);
        assert_eq!(utf16.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn negotiation_prefers_utf8_and_defaults_to_utf16() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
    }
}
