//! Code actions: the fixes the findings carry ([`crate::finding::fix`]), safe
//! ones marked preferred, and "suppress for this line", which writes the
//! suppression comment ([`crate::suppress`]) in the file's syntax with a
//! reason to fill in.

use super::document::{self, Document};
use super::Published;
use crate::finding::Applicability;
use crate::source::Language;
use crate::suppress::{comment_start, MARKER};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// What the comment's reason says until the user writes one.
pub const REASON_PLACEHOLDER: &str = "<reason>";

/// The actions for the findings whose range meets `range`.
pub fn actions(doc: &Document, published: &[Published], range: Range) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let meets = |r: &Range| r.start <= range.end && range.start <= r.end;
    for p in published.iter().filter(|p| meets(&p.diagnostic.range)) {
        if let Some((applicability, edits)) = &p.fix {
            let safe = *applicability == Applicability::Safe;
            let title = match &p.fix_title {
                Some(t) => format!("{t} ({})", applicability.as_str()),
                None => format!("Fix `{}` ({})", p.rule, applicability.as_str()),
            };
            out.push(action(doc, title, edits.clone(), vec![p.diagnostic.clone()], safe));
        }
        if let Some(edit) = suppress_edit(doc, p.rule, p.diagnostic.range.start.line as usize) {
            let title = format!("Suppress `{}` for this line", p.rule);
            out.push(action(doc, title, vec![edit], vec![p.diagnostic.clone()], false));
        }
    }
    out
}

fn action(
    doc: &Document,
    title: String,
    edits: Vec<TextEdit>,
    diagnostics: Vec<lsp_types::Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(diagnostics),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// The comment that suppresses `rule` on line `line` (0-based): at the end
/// of that line; on a line of its own above it when the line has a comment
/// already (the reader takes a suppression only at the start of a comment);
/// or, when the line is inside a heredoc or a YAML block scalar (where a `#`
/// is text), on a line of its own above the block, which covers the block.
/// JSON has no comments: none.
pub fn suppress_edit(doc: &Document, rule: &str, line: usize) -> Option<TextEdit> {
    let language = Language::from_path(&doc.display).unwrap_or_else(|| Language::sniff(&doc.text));
    if language == Language::Json {
        return None;
    }
    let lines: Vec<&str> = doc.text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let text = *lines.get(line)?;
    let comment = format!("{MARKER} ignore[{rule}] {REASON_PLACEHOLDER}");
    let block = match language {
        Language::Hcl => heredoc_opener(&lines, line),
        _ => block_scalar_opener(&lines, line),
    };
    match block.or_else(|| comment_start(text, language).map(|_| line)) {
        Some(above) => {
            let indent = &lines[above][..indent(lines[above])];
            let newline = if doc.text.contains("\r\n") { "\r\n" } else { "\n" };
            let at = lsp_types::Position { line: above as u32, character: 0 };
            Some(TextEdit { range: Range { start: at, end: at }, new_text: format!("{indent}# {comment}{newline}") })
        }
        None => {
            let end = lsp_types::Position { line: line as u32, character: text.encode_utf16().count() as u32 };
            Some(TextEdit { range: Range { start: end, end }, new_text: format!("  # {comment}") })
        }
    }
}

/// The byte length of a line's leading whitespace.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The line that opens the heredoc holding `line`, if it is in one.
fn heredoc_opener(lines: &[&str], line: usize) -> Option<usize> {
    let mut open: Option<(usize, String)> = None;
    for (i, l) in lines.iter().enumerate().take(line + 1) {
        match &open {
            Some((_, marker)) if l.trim() == marker => open = None,
            Some(_) => {}
            None => {
                if let Some(p) = l.find("<<") {
                    let m: String = l[p + 2..]
                        .trim_start_matches(['-', '~'])
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !m.is_empty() && i < line {
                        open = Some((i, m));
                    }
                }
            }
        }
    }
    open.map(|(i, _)| i)
}

/// The line that opens the YAML block scalar (`key: |`) holding `line`, if
/// it is in one. Read from the top, as [`heredoc_opener`] is: the text of a
/// block may be indented at will past the key (JSON often is), so the first
/// less indented line above `line` may be a line of the block.
fn block_scalar_opener(lines: &[&str], line: usize) -> Option<usize> {
    let mut open: Option<(usize, usize)> = None;
    for (i, l) in lines.iter().enumerate().take(line + 1) {
        if let Some((opener, key)) = open {
            if l.trim().is_empty() || indent(l) > key {
                if i == line {
                    return Some(opener);
                }
                continue;
            }
        }
        open = block_scalar_header(l).map(|key| (i, key));
    }
    None
}

/// When `line` opens a block scalar (`key: |`, `key: !Sub >-`, `- |`, a
/// comment after the indicator), the column its text is indented past: the
/// key's (past the `- ` of sequence items), or the dash's for a bare item.
fn block_scalar_header(line: &str) -> Option<usize> {
    let code = comment_start(line, Language::Yaml).map_or(line, |(at, _)| &line[..at]);
    let mut tokens = code.split_whitespace().rev();
    let indicator = tokens.next()?;
    let is_indicator = indicator.len() <= 3
        && indicator.starts_with(['|', '>'])
        && indicator[1..].chars().all(|c| matches!(c, '1'..='9' | '+' | '-'));
    // What may stand before it: a key, the dash of an item, a tag, an anchor.
    let before = tokens.next()?;
    if !is_indicator || !(before.ends_with(':') || before == "-" || before.starts_with(['!', '&'])) {
        return None;
    }
    let mut column = indent(line);
    let mut dash = None;
    let mut rest = &line[column..];
    while let Some(after) = rest.strip_prefix('-').filter(|r| r.starts_with(' ')) {
        dash = Some(column);
        let trimmed = after.trim_start();
        column += rest.len() - trimmed.len();
        rest = trimmed;
    }
    let keyed = !rest.starts_with(['|', '>', '!', '&']);
    Some(if keyed { column } else { dash.unwrap_or(column) })
}

/// The fix of a finding as LSP edits on the document's text.
pub fn fix_edits(text: &str, fix: &crate::finding::Fix) -> Vec<TextEdit> {
    fix.edits
        .iter()
        .map(|e| TextEdit { range: document::range(text, e.start as usize, e.end as usize), new_text: e.text.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> Document {
        let uri = format!("file:///p/{name}").parse().unwrap();
        Document { uri, path: name.into(), display: name.into(), unit: name.into(), version: 1, text: text.into() }
    }

    #[test]
    fn the_suppression_goes_at_the_line_end_or_above_a_block_of_text() {
        let d = doc("a.yaml", "Action: chime:*\n");
        let e = suppress_edit(&d, "service-wildcard", 0).unwrap();
        assert_eq!(e.new_text, "  # policy-lint: ignore[service-wildcard] <reason>");
        assert_eq!(e.range.start.character, 15);
        let d = doc("a.tf", "x {\n  policy = <<EOF\n{\"Action\": \"chime:*\"}\nEOF\n}\n");
        let e = suppress_edit(&d, "service-wildcard", 2).unwrap();
        assert_eq!(
            (e.range.start.line, e.new_text.as_str()),
            (1, "  # policy-lint: ignore[service-wildcard] <reason>\n")
        );
        let d = doc("t.yaml", "P:\n  Doc: |\n    {\"Action\": \"chime:*\"}\n");
        assert_eq!(suppress_edit(&d, "service-wildcard", 2).unwrap().range.start.line, 1);
        assert!(suppress_edit(&doc("p.json", "{}"), "service-wildcard", 0).is_none());
    }

    /// The line of the opener, for `line` of `text` in a file named `name`.
    fn above(name: &str, text: &str, line: usize) -> Option<u32> {
        let e = suppress_edit(&doc(name, text), "unknown-action", line)?;
        e.new_text.ends_with('\n').then_some(e.range.start.line)
    }

    #[test]
    fn a_block_scalar_is_found_however_its_text_is_indented() {
        // JSON whose first line is less indented than the finding's.
        let t = "R:\n  P:\n    Doc: |\n      {\"Version\": \"2012-10-17\",\n       \"Statement\": []}\n";
        assert_eq!(above("t.yaml", t, 4), Some(2));
        // A tag, an indicator with chomping and indentation, a comment after it; lines past a blank one.
        let t = "P:\n  Doc: !Sub |2- # the JSON\n    {\n\n      \"Action\": \"s3:x\"}\nQ: 1\n";
        assert_eq!(above("t.yaml", t, 4), Some(1));
        assert_eq!(above("t.yaml", t, 5), None, "the block ended");
        // A block under an item ends at the item's next key, which is no text of it.
        let t = "- Doc: >\n    text\n  Action: s3:x\n- |\n  Action: s3:x\n";
        assert_eq!(above("t.yaml", t, 1), Some(0));
        assert_eq!(above("t.yaml", t, 2), None);
        assert_eq!(above("t.yaml", t, 4), Some(3));
        // A `|` that is text, or a plain value ending in one, opens nothing.
        let t = "A: b |\n  c: x\nD: |\n  e |\n    f\n";
        assert_eq!(above("t.yaml", t, 1), None);
        assert_eq!(above("t.yaml", t, 4), Some(2));
    }

    #[test]
    fn a_line_with_a_comment_gets_the_suppression_above_it() {
        let d = doc("a.yaml", "S:\n  - Action: chime:*  # the SIP media apps\n");
        let e = suppress_edit(&d, "service-wildcard", 1).unwrap();
        assert_eq!(
            (e.range.start, e.new_text.as_str()),
            (lsp_types::Position { line: 1, character: 0 }, "  # policy-lint: ignore[service-wildcard] <reason>\n")
        );
        // A `#` in a string is no comment.
        let d = doc("a.yaml", "Resource: \"arn:aws:s3:::a#b\"\n");
        assert!(!suppress_edit(&d, "r", 0).unwrap().new_text.ends_with('\n'));
        for line in ["    Action = \"chime:*\" // SIP", "    Action = \"chime:*\" # SIP"] {
            let d = doc("a.tf", &format!("x = {{\r\n{line}\r\n}}\r\n"));
            let e = suppress_edit(&d, "service-wildcard", 1).unwrap();
            assert_eq!(
                (e.range.start.line, e.new_text.as_str()),
                (1, "    # policy-lint: ignore[service-wildcard] <reason>\r\n")
            );
        }
    }
}
