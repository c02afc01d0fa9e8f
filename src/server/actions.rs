//! Code actions: the fixes the findings carry ([`crate::finding::fix`]), safe
//! ones marked preferred, and "suppress for this line", which writes the
//! suppression comment ([`crate::suppress`]) in the file's syntax with a
//! reason to fill in.

use super::document::{self, Document};
use super::Published;
use crate::finding::Applicability;
use crate::source::Language;
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
/// of that line; or, when the line is inside a heredoc or a YAML block
/// scalar (where a `#` is text), on a line of its own above the block,
/// which covers the block. JSON has no comments: none.
pub fn suppress_edit(doc: &Document, rule: &str, line: usize) -> Option<TextEdit> {
    let language = Language::from_path(&doc.display).unwrap_or_else(|| Language::sniff(&doc.text));
    if language == Language::Json {
        return None;
    }
    let lines: Vec<&str> = doc.text.split('\n').collect();
    let comment = format!("{} ignore[{rule}] {REASON_PLACEHOLDER}", crate::suppress::MARKER);
    let opener = match language {
        Language::Hcl => heredoc_opener(&lines, line),
        _ => block_scalar_opener(&lines, line),
    };
    match opener {
        Some(open) => {
            let indent: String = lines[open].chars().take_while(|c| c.is_whitespace()).collect();
            let at = lsp_types::Position { line: open as u32, character: 0 };
            Some(TextEdit { range: Range { start: at, end: at }, new_text: format!("{indent}# {comment}\n") })
        }
        None => {
            let text = lines.get(line)?.trim_end_matches('\r');
            let end = lsp_types::Position { line: line as u32, character: text.encode_utf16().count() as u32 };
            Some(TextEdit { range: Range { start: end, end }, new_text: format!("  # {comment}") })
        }
    }
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

/// The line that opens the YAML block scalar (`key: |`) holding `line`, if it is in one.
fn block_scalar_opener(lines: &[&str], line: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines.get(line)?);
    for i in (0..line).rev() {
        let l = lines[i].trim_end_matches('\r');
        if l.trim().is_empty() {
            continue;
        }
        if indent(l) < own {
            let t = l.trim_end();
            let scalar =
                t.ends_with('|') || t.ends_with('>') || t.ends_with("|-") || t.ends_with(">-") || t.ends_with("|+");
            return scalar.then_some(i);
        }
    }
    None
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
        Document { uri, path: name.into(), display: name.into(), version: 1, text: text.into() }
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
}
