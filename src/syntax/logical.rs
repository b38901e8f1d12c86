//! A logical line: the physical lines of one instruction joined the way BuildKit joins them
//! (continuation characters, comment lines and empty lines removed), with a map from every byte
//! of the joined text back to its byte in the source, so tokens found in the joined text keep
//! exact source ranges.

use crate::source::TextRange;

/// A run of joined text copied unchanged from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub logical_start: usize,
    pub source_start: usize,
    pub len: usize,
}

/// Text plus the segments it was assembled from. The same structure maps a shell word's
/// quote-removed text (e.g. the script of `sh -c '...'`) back to the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogicalLine {
    pub text: String,
    segments: Vec<Segment>,
}

impl LogicalLine {
    pub fn new() -> Self {
        Self::default()
    }

    /// A line that is one contiguous slice of the source starting at `source_start`.
    pub fn contiguous(text: &str, source_start: usize) -> Self {
        let mut line = Self::new();
        line.push(text, source_start);
        line
    }

    /// Appends `text`, which stands at `source_start` in the source.
    pub fn push(&mut self, text: &str, source_start: usize) {
        if text.is_empty() {
            return;
        }
        let logical_start = self.text.len();
        match self.segments.last_mut() {
            Some(last)
                if last.logical_start + last.len == logical_start
                    && last.source_start + last.len == source_start =>
            {
                last.len += text.len();
            }
            _ => self.segments.push(Segment {
                logical_start,
                source_start,
                len: text.len(),
            }),
        }
        self.text.push_str(text);
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The source offset of the logical byte at `offset`. An offset at the very end maps to the
    /// end of the last segment.
    pub fn source_offset(&self, offset: usize) -> usize {
        let Some(last) = self.segments.last() else {
            return 0;
        };
        if offset >= last.logical_start + last.len {
            return last.source_start + last.len + (offset - (last.logical_start + last.len));
        }
        let index = match self
            .segments
            .binary_search_by(|s| s.logical_start.cmp(&offset))
        {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let seg = self.segments[index];
        seg.source_start + offset.saturating_sub(seg.logical_start)
    }

    /// The source range covering the logical range (continuation characters in between included).
    pub fn source_range(&self, range: TextRange) -> TextRange {
        if range.is_empty() {
            let at = self.source_offset(range.start);
            return TextRange::empty(at);
        }
        let start = self.source_offset(range.start);
        let end = self.source_offset(range.end - 1) + 1;
        TextRange::new(start, end.max(start))
    }

    /// Whether the logical range is one unbroken slice of the source, so that an edit of it
    /// cannot touch a continuation line.
    pub fn is_contiguous(&self, range: TextRange) -> bool {
        self.source_range(range).len() == range.len()
    }

    /// The sub-line for a logical range, with its own map (used to re-read part of a line).
    pub fn slice(&self, range: TextRange) -> LogicalLine {
        let mut out = LogicalLine::new();
        for seg in &self.segments {
            let seg_end = seg.logical_start + seg.len;
            let start = seg.logical_start.max(range.start);
            let end = seg_end.min(range.end);
            if start < end {
                out.push(
                    &self.text[start..end],
                    seg.source_start + (start - seg.logical_start),
                );
            }
        }
        out
    }

    /// Maps a line built over this one's text (its "source" offsets are offsets into
    /// `self.text`) through this line's map to the real source.
    pub fn compose(&self, inner: &LogicalLine) -> LogicalLine {
        let mut out = LogicalLine::new();
        for seg in &inner.segments {
            let piece = self.slice(TextRange::new(seg.source_start, seg.source_start + seg.len));
            let text = &inner.text[seg.logical_start..seg.logical_start + seg.len];
            // Same bytes, so walk the outer pieces in step with the inner text.
            let mut taken = 0;
            for outer in &piece.segments {
                out.push(&text[taken..taken + outer.len], outer.source_start);
                taken += outer.len;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_segments() {
        // Source "RUN a \\\n  b": logical "RUN a   b".
        let mut line = LogicalLine::new();
        line.push("RUN a ", 0);
        line.push("  b", 8);
        assert_eq!(line.text, "RUN a   b");
        assert_eq!(line.source_offset(4), 4);
        assert_eq!(line.source_offset(8), 10);
        assert_eq!(
            line.source_range(TextRange::new(4, 9)),
            TextRange::new(4, 11)
        );
        assert!(line.is_contiguous(TextRange::new(0, 5)));
        assert!(!line.is_contiguous(TextRange::new(4, 9)));
        assert_eq!(line.source_offset(9), 11);
    }

    #[test]
    fn compose_maps_through_both_lines() {
        let mut outer = LogicalLine::new();
        outer.push("ab", 10);
        outer.push("cd", 20);
        // inner text "bc" taken from outer offsets 1..3
        let mut inner = LogicalLine::new();
        inner.push("bc", 1);
        let composed = outer.compose(&inner);
        assert_eq!(composed.text, "bc");
        assert_eq!(composed.source_offset(0), 11);
        assert_eq!(composed.source_offset(1), 20);
    }
}
