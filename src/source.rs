//! Source files and byte spans, with the line index that turns a span into
//! the 1-based line and column (in characters) that users and editors see.

use std::sync::{Arc, OnceLock};

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

    /// The language of a text whose name says none (standard input without
    /// `--stdin-filename`, a file named without an extension): JSON when it
    /// starts with `{` or `[`, Terraform when it starts with a block
    /// (`resource "…"`, `data`, `variable`, `locals`, ...), YAML otherwise.
    /// Comments and blank lines before are passed over.
    pub fn sniff(text: &str) -> Language {
        const BLOCKS: [&str; 9] =
            ["resource", "data", "variable", "locals", "provider", "module", "terraform", "output", "import"];
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//") && !l.starts_with("/*"));
        let Some(line) = first else { return Language::Json };
        if line.starts_with(['{', '[']) {
            return Language::Json;
        }
        let word = line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
        let rest = line[word.len()..].trim_start();
        if BLOCKS.contains(&word) && (rest.starts_with('"') || rest.starts_with('{')) {
            Language::Hcl
        } else {
            Language::Yaml
        }
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
    /// Characters before each [`CHUNK`]-byte boundary, when the text is not
    /// ASCII: a column is then counted from the nearest boundary, not from the
    /// start of its line, which on a one-line file of many findings would
    /// make the run quadratic. Empty for ASCII text (a column is a byte count).
    chars_before_chunk: Vec<u32>,
    /// The language the front-end read the text as, when not the one its
    /// name says ([`SourceFile::language`]).
    read_as: OnceLock<Language>,
    /// The spans of the YAML anchors the front-end met ([`SourceFile::repeated_elsewhere`]).
    anchored: OnceLock<Vec<Span>>,
}

/// Bytes between two entries of [`SourceFile::chars_before_chunk`]: at most
/// this many are counted for a column.
const CHUNK: usize = 256;

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
        let chars_before_chunk = if text.is_ascii() { Vec::new() } else { chars_before_chunks(&text) };
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
            chars_before_chunk,
            read_as: OnceLock::new(),
            anchored: OnceLock::new(),
        })
    }

    /// The same file without its text, for findings that keep only their
    /// positions once the text is no longer needed.
    pub fn without_text(&self) -> Source {
        Arc::new(SourceFile {
            path: self.path.clone(),
            text: String::new(),
            line_starts: vec![0],
            chars_before_chunk: Vec::new(),
            read_as: self.read_as.clone(),
            anchored: OnceLock::new(),
        })
    }

    /// Whether the bytes `span` touch YAML an alias repeats elsewhere (an
    /// anchored node, from the start of its first line to the end of its
    /// last): an edit there would change every place that uses it.
    pub fn repeated_elsewhere(&self, span: Span) -> bool {
        let Some(anchored) = self.anchored.get() else { return false };
        anchored.iter().any(|a| {
            let (start, end) = (a.start as usize, a.end as usize);
            let first = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let last = self.text[end..].find('\n').map_or(self.text.len(), |i| end + i);
            span.start as usize <= last && span.end as usize >= first
        })
    }

    /// The language the text is written in, as the front-end read it: the
    /// one its name says (or its first line, without one), unless the parser
    /// read it as another (a YAML template named `.template`). A fix writes
    /// in this language, whatever the name.
    pub fn language(&self) -> Language {
        self.read_as
            .get()
            .copied()
            .unwrap_or_else(|| Language::from_path(&self.path).unwrap_or_else(|| Language::sniff(&self.text)))
    }

    /// Records the spans of the YAML anchors the front-end met.
    pub fn anchored(&self, spans: Vec<Span>) {
        let _ = self.anchored.set(spans);
    }

    /// Records that the front-end read the text as `language`.
    pub fn read_as(&self, language: Language) {
        // Set once, by the one parse of the file.
        let _ = self.read_as.set(language);
    }

    /// The 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let line_start = self.line_starts[line] as usize;
        let column = if self.chars_before_chunk.is_empty() {
            offset - line_start
        } else if offset - line_start <= CHUNK {
            self.text[line_start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(line_start)
        };
        Position { line: line + 1, column: column + 1 }
    }

    /// How many characters the text has before a byte offset (on a character
    /// boundary), counting at most a chunk's bytes.
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return offset;
        }
        let chunk = offset / CHUNK;
        let from = chunk * CHUNK;
        // A character starts at every byte that is not a continuation byte.
        let starts = self.text.as_bytes()[from..offset].iter().filter(|&&b| (b as i8) >= -0x40).count();
        self.chars_before_chunk[chunk] as usize + starts
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

/// [`SourceFile::chars_before_chunk`]: characters (bytes that start one)
/// before each multiple of [`CHUNK`], the text's end included.
fn chars_before_chunks(text: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(text.len() / CHUNK + 1);
    let mut total = 0u32;
    out.push(0);
    for chunk in text.as_bytes().chunks(CHUNK) {
        total += chunk.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32;
        out.push(total);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_a_name_is_told_by_its_start() {
        assert_eq!(Language::sniff("  {\"Statement\": []}"), Language::Json);
        assert_eq!(Language::sniff("[1]"), Language::Json);
        assert_eq!(Language::sniff("# roles\nresource \"aws_iam_role\" \"r\" {}"), Language::Hcl);
        assert_eq!(Language::sniff("data \"aws_iam_policy_document\" \"d\" {}"), Language::Hcl);
        assert_eq!(Language::sniff("locals {\n}"), Language::Hcl);
        assert_eq!(Language::sniff("Statement:\n  - Effect: Allow"), Language::Yaml);
        assert_eq!(Language::sniff("# c\nResources: {}"), Language::Yaml);
        assert_eq!(Language::sniff("data: x"), Language::Yaml);
        assert_eq!(Language::sniff(""), Language::Json);
    }

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

    /// Columns counted from chunk boundaries are the columns counted from the
    /// line's start, across chunks, lines and characters of every width.
    #[test]
    fn columns_of_long_lines_count_characters() {
        let line = "aé€😀\t".repeat(CHUNK);
        let text = format!("{line}\nx{line}\n{line}");
        let f = SourceFile::new("a.json", text.as_str());
        for (offset, _) in text.char_indices().step_by(7).chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(f.position(offset as u32).column, expected, "at {offset}");
        }
    }
}
