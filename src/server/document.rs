//! The open documents: their text as the editor has it, and the conversion
//! between byte offsets (what findings and fixes carry) and LSP positions
//! (lines, and columns in UTF-16 code units, the protocol's default).

use lsp_types::{Position, Range, Uri};
use std::path::PathBuf;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    /// The file it stands for on disk (it may not exist yet).
    pub path: PathBuf,
    /// The path as findings name it: relative to the workspace root when under it.
    pub display: String,
    /// What it is linted with ([`super::unit_root`]), found when it is opened.
    pub unit: PathBuf,
    pub version: i32,
    pub text: String,
}

/// The file a `file:` URI names; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///abs` or `file://host/abs`: the path starts at the first `/`.
    let path = &rest[rest.find('/')?..];
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &std::path::Path) -> Option<Uri> {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    let text = path.to_str()?;
    let encoded = percent_encoding::utf8_percent_encode(text, KEEP);
    format!("file://{encoded}").parse().ok()
}

/// The LSP position of byte `offset` of `text` (clamped to the text).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count();
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position { line: line as u32, character: character as u32 }
}

pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range { start: position(text, start), end: position(text, end) }
}

/// The byte offset of an LSP position in `text`; a position past a line's
/// end is its end, past the text the text's end.
pub fn offset(text: &str, position: Position) -> usize {
    let mut start = 0;
    for _ in 0..position.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u32;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= position.character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// Applies an LSP content change (a range and its new text, or the whole text).
pub fn apply_change(text: &mut String, change: &lsp_types::TextDocumentContentChangeEvent) {
    match change.range {
        Some(r) => {
            let start = offset(text, r.start);
            let end = offset(text, r.end).max(start);
            text.replace_range(start..end, &change.text);
        }
        None => *text = change.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "ab\n\u{1F600}x\u{e9}\ny";
        let x = text.find('x').unwrap();
        assert_eq!(position(text, x), Position { line: 1, character: 2 });
        assert_eq!(offset(text, Position { line: 1, character: 2 }), x);
        assert_eq!(offset(text, Position { line: 1, character: 99 }), text.find("\ny").unwrap());
        assert_eq!(offset(text, Position { line: 9, character: 0 }), text.len());
        let mut t = text.to_string();
        let change = lsp_types::TextDocumentContentChangeEvent {
            range: Some(range(text, x, x + 1)),
            range_length: None,
            text: "Z".into(),
        };
        apply_change(&mut t, &change);
        assert_eq!(t, "ab\n\u{1F600}Z\u{e9}\ny");
    }

    #[test]
    fn file_uris_and_paths_round_trip() {
        let p = std::path::Path::new("/tmp/a dir/r\u{e9}le.tf");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/r%C3%A9le.tf");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
    }
}
