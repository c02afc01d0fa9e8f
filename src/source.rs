//! Source files and byte spans, with the line index that turns a span into
//! the 1-based line and column (in characters) that users and editors see.

use std::sync::Arc;

/// A half-open byte range into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = start.min(u32::MAX as usize) as u32;
        let end = (end.min(u32::MAX as usize) as u32).max(start);
        Span { start, end }
    }

    /// A span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Which syntax a file is written in; decides the front-end that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Json,
    Yaml,
    Hcl,
}

impl Language {
    /// The language a path's name implies, if any.
    pub fn from_path(path: &str) -> Option<Language> {
        Language::from_name(path.as_bytes())
    }

    /// [`Language::from_path`] on the bytes of a name or a path (only its
    /// ASCII suffix counts, so the bytes need not be UTF-8).
    pub fn from_name(name: &[u8]) -> Option<Language> {
        let ends_with = |suffix| bytes_end_with_ignore_case(name, suffix);
        if ends_with(".json") || ends_with(".template") {
            Some(Language::Json)
        } else if ends_with(".yaml") || ends_with(".yml") {
            Some(Language::Yaml)
        } else if ends_with(".tf") || ends_with(".hcl") {
            Some(Language::Hcl)
        } else {
            None
        }
    }
}

/// A Terraform configuration file (`.tf`, `.tf.json`), whose module is its
/// directory. The one place that says so.
pub fn is_terraform(path: &str) -> bool {
    ends_with_ignore_case(path, ".tf") || ends_with_ignore_case(path, ".tf.json")
}

/// Whether `path` ends with `suffix`, in any ASCII case. Asked of every file
/// the walk meets: compared in place, not on a lowercased copy.
pub fn ends_with_ignore_case(path: &str, suffix: &str) -> bool {
    bytes_end_with_ignore_case(path.as_bytes(), suffix)
}

fn bytes_end_with_ignore_case(bytes: &[u8], suffix: &str) -> bool {
    bytes.len() >= suffix.len() && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// One file's text, shared by the policies and findings that point into it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative stays relative).
    pub path: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Places on lines longer than [`CHECKPOINT`] bytes, each with the
    /// characters before it on its line: a column there is counted from the
    /// nearest one, not from the line's start, so the findings on a line of
    /// megabytes (a plan on one line) cost no more than on a short one.
    checkpoints: Vec<(u32, u32)>,
}

/// Bytes between two [`SourceFile`] checkpoints on a long line.
const CHECKPOINT: usize = 4096;

pub type Source = Arc<SourceFile>;

/// A 1-based position as shown to users: line, and column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        // One pass (SIMD) for the line index.
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0u32);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
        let checkpoints = checkpoints(&text, &line_starts);
        Arc::new(SourceFile { path: path.into(), text, line_starts, checkpoints })
    }

    /// The same file without its text, for findings that keep only their
    /// positions once the text is no longer needed.
    pub fn without_text(&self) -> Source {
        Arc::new(SourceFile {
            path: self.path.clone(),
            text: String::new(),
            line_starts: vec![0],
            checkpoints: Vec::new(),
        })
    }

    /// The 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let line_start = self.line_starts[line] as usize;
        let nearest = self.checkpoints.partition_point(|&(at, _)| at as usize <= offset).checked_sub(1);
        let (from, before) = match nearest.map(|i| self.checkpoints[i]) {
            Some((at, before)) if at as usize >= line_start => (at as usize, before as usize),
            _ => (line_start, 0),
        };
        let column = before + self.text[from..offset].chars().count() + 1;
        Position { line: line + 1, column }
    }

    /// The 1-based line of a byte offset (clamped to the text). Unlike
    /// [`SourceFile::position`], it does not count the characters before the
    /// offset: on a line of megabytes that is what costs.
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = (offset as usize).min(self.text.len());
        self.line_starts.partition_point(|&s| s as usize <= offset)
    }

    /// The text of one 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line.wrapping_sub(1)).map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// The [`SourceFile::checkpoints`] of a text: every [`CHECKPOINT`] bytes (at
/// a character boundary) of each line longer than that.
fn checkpoints(text: &str, line_starts: &[u32]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    if text.len() <= CHECKPOINT {
        return out;
    }
    let ends = line_starts.iter().skip(1).map(|&e| e as usize).chain(std::iter::once(text.len()));
    for (&start, end) in line_starts.iter().zip(ends) {
        let (mut at, mut before) = (start as usize, 0);
        while end - at > CHECKPOINT {
            let mut next = at + CHECKPOINT;
            while !text.is_char_boundary(next) {
                next += 1;
            }
            before += text[at..next].chars().count();
            out.push((next as u32, before as u32));
            at = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.json", "ab\né\"x\"\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        assert_eq!(f.position(5), Position { line: 2, column: 2 });
        assert_eq!(f.line_text(2), "é\"x\"");
        assert_eq!(f.position(999), Position { line: 3, column: 1 });
    }

    /// Columns on a long line are counted from the nearest checkpoint, and
    /// come out as counted from the line's start.
    #[test]
    fn columns_on_long_lines_count_characters() {
        let line = "é".repeat(5_000) + &"a".repeat(10_000) + &"\u{1F600}".repeat(3_000);
        let text = format!("short\n{line}\n{line}");
        let f = SourceFile::new("a.json", text.clone());
        for offset in (0..text.len()).step_by(997).chain([text.len()]) {
            let mut at = offset;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[start..at].chars().count() + 1;
            assert_eq!(f.position(offset as u32).column, expected, "offset {offset}");
        }
    }
}
