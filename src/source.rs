//! Source files and byte spans: every diagnostic points into one of these.

use std::fmt;
use std::sync::Arc;

/// A byte range into a [`SourceFile`]'s text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn point(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One input file (or stdin), its text and a line index for line/column lookups.
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .finish()
    }
}

/// A 1-based line and column; the column counts characters, as rustc's do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(Self {
            name: name.into(),
            text,
            line_starts,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Clamps a span to the text and to character boundaries, so that a label can never point
    /// past the end of the file or into the middle of a character (both make miette panic).
    pub fn clamp(&self, span: Span) -> Span {
        let fix = |mut at: usize| {
            at = at.min(self.text.len());
            while !self.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = fix(span.start);
        Span::new(start, fix(span.end).max(start))
    }

    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = self.clamp(Span::point(offset)).start;
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let column = self.text[line_start..offset].chars().count() + 1;
        LineColumn {
            line: line + 1,
            column,
        }
    }

    /// The text of a 1-based line without its line end (`\n` or `\r\n`), as [`str::lines`]
    /// yields it; `None` past the last line.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        Some(match self.line_starts.get(line) {
            Some(&next) => {
                let text = &self.text[start..next - 1];
                text.strip_suffix('\r').unwrap_or(text)
            }
            None => &self.text[start..],
        })
    }

    /// The byte offset of a 1-based line and character column, clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        self.text[line_start..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_end, |(i, _)| line_start + i)
    }

    /// The byte offset of the `index`-th character, for parsers that report character offsets.
    pub fn char_to_byte(&self, index: usize) -> usize {
        self.text
            .char_indices()
            .nth(index)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_count_characters() {
        let file = SourceFile::new("x.yaml", "a: 1\nné: 2\n");
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(5), LineColumn { line: 2, column: 1 });
        // `2` sits after the two-byte `é`: byte 10, character column 5.
        assert_eq!(file.line_column(10), LineColumn { line: 2, column: 5 });
        assert_eq!(file.offset_of(2, 5), 10);
        assert_eq!(file.line_column(999), LineColumn { line: 3, column: 1 });
    }

    #[test]
    fn line_text_matches_str_lines() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nb\r",
            "a\n\nb\r\n",
            "\r\n\r\n",
            "x\ré\n\ny",
        ] {
            let file = SourceFile::new("x", text);
            let lines: Vec<&str> = (1..).map_while(|n| file.line_text(n)).collect();
            let expected: Vec<&str> = text.lines().collect();
            // `str::lines` yields no empty line after a final line end (or in an empty text).
            let trimmed = lines.strip_suffix(&[""]).unwrap_or(&lines);
            assert_eq!(trimmed, expected, "{text:?}");
        }
        assert_eq!(SourceFile::new("x", "a").line_text(0), None);
    }

    #[test]
    fn clamp_keeps_spans_inside_the_text_and_on_char_boundaries() {
        let file = SourceFile::new("x", "é");
        assert_eq!(file.clamp(Span::new(1, 40)), Span::new(0, 2));
    }
}
