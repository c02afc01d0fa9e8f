//! Inline suppressions: `# policy-lint: ignore[rule-id] reason` in YAML and
//! HCL (`// ...` too in HCL), several ids as `ignore[a, b]`.
//!
//! A suppression at the end of a line covers that line; on a line of its own
//! it covers the next line. When the covered line opens a block (a Terraform
//! `resource "..." "..." {`, a CloudFormation resource's key with its indented
//! body, a list item, `jsonencode({`, a heredoc), the whole block is covered,
//! up to its closing line. A suppression silences findings of the named
//! rules that *start* on a covered line.
//!
//! Suppressions are found by scanning the text of YAML and HCL files for the
//! `policy-lint:` marker in comments; no parser is needed. Bad ones are
//! findings themselves: `invalid-suppression` (malformed, an unknown rule, no
//! reason) and `unused-suppression` (it silenced nothing).

use crate::config::Config;
use crate::finding::reported::invalid_suppression::INVALID_SUPPRESSION;
use crate::finding::reported::unused_suppression::UNUSED_SUPPRESSION;
use crate::finding::Finding;
use crate::source::{Language, Source, SourceFile, Span};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// The text every suppression comment starts with.
pub const MARKER: &str = "policy-lint:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment, from `#` or `//` to the end of its text.
    pub comment: Span,
    /// The 1-based line the comment is on.
    pub line: usize,
    /// The rule ids in the brackets, each with its span.
    pub ids: Vec<(String, Span)>,
    /// The text after the brackets; `None` when there is none.
    pub reason: Option<String>,
    /// Not of the form `policy-lint: ignore[ids] reason`; it suppresses nothing.
    pub malformed: bool,
    /// The first and last line it covers (inclusive); `None` when it covers nothing.
    pub covers: Option<(usize, usize)>,
}

impl Suppression {
    pub fn covers_line(&self, line: usize) -> bool {
        self.covers.is_some_and(|(a, b)| a <= line && line <= b)
    }
}

/// Every suppression comment in a file's text.
pub fn scan(src: &SourceFile, language: Language) -> Vec<Suppression> {
    if language == Language::Json || !src.text.contains(MARKER) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Suppressions stacked above one line share the line and its block: each
    // is found once, not once a comment (which made a stack quadratic).
    let mut first_after: Option<Option<usize>> = None;
    let mut last_block: Option<(usize, usize)> = None;
    for line in 1..=src.line_count() {
        let text = src.line_text(line);
        if !text.contains(MARKER) {
            continue;
        }
        let Some((opener, body)) = comment_start(text, language) else { continue };
        let body_text = &text[body..];
        let trimmed = body_text.trim_start();
        let Some(after_marker) = trimmed.strip_prefix(MARKER) else { continue };
        let line_start = src.line_start(line).unwrap_or(0);
        let marker_end = body + (body_text.len() - trimmed.len()) + MARKER.len();
        let comment = Span::new(line_start + opener, line_start + text.trim_end().len());
        let (ids, reason, malformed) = parse_directive(after_marker, line_start + marker_end);
        let own_line = text[..opener].trim().is_empty();
        let target = if own_line {
            let first = match first_after {
                Some(Some(l)) if l > line => Some(l),
                Some(None) => None,
                _ => first_non_comment_line(src, line, language),
            };
            first_after = Some(first);
            first.filter(|&l| !src.line_text(l).trim().is_empty())
        } else {
            Some(line)
        };
        let covers = target.map(|t| match last_block {
            Some((b, end)) if b == t => (t, end),
            _ => {
                let end = block_end(src, t, language);
                last_block = Some((t, end));
                (t, end)
            }
        });
        out.push(Suppression { comment, line, ids, reason, malformed, covers });
    }
    out
}

/// Parses what follows the marker: `ignore[a, b] reason`. `offset` is the
/// byte offset of `rest` in the file, for the ids' spans.
fn parse_directive(rest: &str, offset: usize) -> (Vec<(String, Span)>, Option<String>, bool) {
    let lead = rest.len() - rest.trim_start().len();
    let Some(after) = rest[lead..].strip_prefix("ignore") else { return (Vec::new(), None, true) };
    let gap = after.len() - after.trim_start().len();
    let Some(inner) = after[gap..].strip_prefix('[') else { return (Vec::new(), None, true) };
    let Some(close) = inner.find(']') else { return (Vec::new(), None, true) };
    let inner_offset = offset + lead + "ignore".len() + gap + 1;
    let mut ids = Vec::new();
    let mut pos = 0;
    for part in inner[..close].split(',') {
        let id = part.trim();
        if id.is_empty() {
            return (Vec::new(), None, true);
        }
        let start = inner_offset + pos + (part.len() - part.trim_start().len());
        ids.push((id.to_string(), Span::new(start, start + id.len())));
        pos += part.len() + 1;
    }
    let reason = inner[close + 1..].trim().trim_start_matches([':', '-', '\u{2013}', '\u{2014}']).trim();
    (ids, (!reason.is_empty()).then(|| reason.to_string()), false)
}

/// Where a comment starts on a line: the opener's byte index and the index
/// of the comment's text after it. Quoted strings are skipped.
pub(crate) fn comment_start(line: &str, language: Language) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                let after_space = i == 0 || b[i - 1].is_ascii_whitespace();
                match (language, c) {
                    (Language::Yaml, b'#') if after_space => return Some((i, i + 1)),
                    (Language::Yaml, b'"' | b'\'') if after_space || matches!(b[i - 1], b'[' | b'{' | b',') => {
                        quote = Some(c)
                    }
                    (Language::Hcl, b'#') => return Some((i, i + 1)),
                    (Language::Hcl, b'/') if b.get(i + 1) == Some(&b'/') => return Some((i, i + 2)),
                    (Language::Hcl, b'"') => quote = Some(c),
                    _ => {}
                }
            }
        }
        i += 1;
    }
    None
}

fn is_comment_line(text: &str, language: Language) -> bool {
    let t = text.trim_start();
    t.starts_with('#') || (language == Language::Hcl && (t.starts_with("//") || t.starts_with("/*")))
}

/// The line an own-line suppression covers: the next line that is not a
/// comment. A blank line in between ends the search (the comment then covers nothing).
fn first_non_comment_line(src: &SourceFile, line: usize, language: Language) -> Option<usize> {
    (line + 1..=src.line_count()).find(|&l| !is_comment_line(src.line_text(l), language))
}

/// The last line of the block a line opens (the line itself when it opens none).
fn block_end(src: &SourceFile, line: usize, language: Language) -> usize {
    match language {
        Language::Yaml => yaml_block_end(src, line),
        Language::Hcl => hcl_block_end(src, line),
        Language::Json => line,
    }
}

fn indent(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

/// YAML: the lines indented deeper than `line` (and, under a mapping key, a
/// sequence at the key's own indentation), skipping blank and comment lines.
fn yaml_block_end(src: &SourceFile, line: usize) -> usize {
    let head = src.line_text(line);
    let n = indent(head);
    let is_item = head.trim_start().starts_with('-');
    let mut end = line;
    for l in line + 1..=src.line_count() {
        let t = src.line_text(l);
        let trimmed = t.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let i = indent(t);
        let compact_sequence = !is_item && i == n && (trimmed == "-" || trimmed.starts_with("- "));
        if i > n || compact_sequence {
            end = l;
        } else {
            break;
        }
    }
    end
}

/// HCL: from `line`, the line where the brackets opened on it close again
/// (or a heredoc started on it ends). Strings, `${...}` interpolations and
/// comments are skipped.
fn hcl_block_end(src: &SourceFile, line: usize) -> usize {
    let total = src.line_count();
    let mut depth: i64 = 0;
    // Bracket depths at which a `${` inside a string was opened.
    let mut templates: Vec<i64> = Vec::new();
    let mut in_string = false;
    let mut block_comment = false;
    let mut l = line;
    while l <= total {
        let b = src.line_text(l).as_bytes();
        let mut heredoc: Option<String> = None;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied();
            if block_comment {
                if c == b'*' && next == Some(b'/') {
                    block_comment = false;
                    i += 1;
                }
            } else if in_string {
                match c {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    b'$' | b'%' if next == Some(c) => i += 1,
                    b'$' | b'%' if next == Some(b'{') => {
                        templates.push(depth);
                        depth += 1;
                        in_string = false;
                        i += 1;
                    }
                    _ => {}
                }
            } else {
                match c {
                    b'#' => break,
                    b'/' if next == Some(b'/') => break,
                    b'/' if next == Some(b'*') => {
                        block_comment = true;
                        i += 1;
                    }
                    b'"' => in_string = true,
                    b'{' | b'[' | b'(' => depth += 1,
                    b'}' | b']' | b')' => {
                        depth -= 1;
                        if templates.last() == Some(&depth) {
                            templates.pop();
                            in_string = true;
                        }
                    }
                    b'<' if next == Some(b'<') => {
                        let rest = &b[i + 2..];
                        let rest = rest.strip_prefix(b"-").unwrap_or(rest);
                        let ident: Vec<u8> =
                            rest.iter().copied().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').collect();
                        if !ident.is_empty() {
                            heredoc = Some(String::from_utf8_lossy(&ident).into_owned());
                            i += 1 + ident.len();
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if templates.is_empty() {
            in_string = false;
        }
        if let Some(tag) = heredoc {
            match (l + 1..=total).find(|&k| src.line_text(k).trim() == tag) {
                Some(k) => l = k,
                None => return total,
            }
        }
        if depth <= 0 && !block_comment {
            return l;
        }
        l += 1;
    }
    total
}

/// A file, its suppressions, and which of each one's ids silenced something.
type FileSuppressions = (Source, Vec<Suppression>, Vec<Vec<bool>>);

/// Removes the findings that suppressions silence, and adds the findings
/// about the suppressions themselves. `sources` are the files that were read.
pub fn apply(findings: Vec<Finding>, sources: &[Source], config: &Config) -> Vec<Finding> {
    let mut files: HashMap<&str, FileSuppressions> = HashMap::new();
    for src in sources {
        let Some(language) = Language::from_path(&src.path) else { continue };
        let found = scan(src, language);
        if !found.is_empty() {
            let used = found.iter().map(|s| vec![false; s.ids.len()]).collect();
            files.insert(&src.path, (src.clone(), found, used));
        }
    }
    if files.is_empty() {
        return findings;
    }
    // Which suppression silences each finding, file by file: findings in
    // line order, suppressions entering when their first line is reached
    // and leaving after their last, so each is looked at a bounded number of
    // times however many findings and suppressions a file has.
    let mut silenced = vec![false; findings.len()];
    let mut by_file: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if files.contains_key(f.source.path.as_str()) {
            by_file.entry(f.source.path.as_str()).or_default().push((f.source.position(f.span.start).line, i));
        }
    }
    for (path, mut lines) in by_file {
        let Some((_, sups, used)) = files.get_mut(path) else { continue };
        lines.sort_unstable();
        let mut order: Vec<usize> =
            (0..sups.len()).filter(|&si| !sups[si].malformed && sups[si].covers.is_some()).collect();
        order.sort_by_key(|&si| sups[si].covers.map(|c| c.0));
        let mut next = 0;
        // By rule: the (suppression, id) pairs covering the current line;
        // the first of them is what the one-by-one search found first.
        let mut active: HashMap<&str, BTreeSet<(usize, usize)>> = HashMap::new();
        let mut ends: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
        for (line, i) in lines {
            while let Some(&si) = order.get(next).filter(|&&si| sups[si].covers.is_some_and(|c| c.0 <= line)) {
                for (k, (id, _)) in sups[si].ids.iter().enumerate() {
                    active.entry(id.as_str()).or_default().insert((si, k));
                }
                ends.push(Reverse((sups[si].covers.map_or(0, |c| c.1), si)));
                next += 1;
            }
            while let Some(&Reverse((_, si))) = ends.peek().filter(|e| e.0 .0 < line) {
                ends.pop();
                for (k, (id, _)) in sups[si].ids.iter().enumerate() {
                    if let Some(set) = active.get_mut(id.as_str()) {
                        set.remove(&(si, k));
                    }
                }
            }
            if let Some(&(si, k)) = active.get(findings[i].rule).and_then(|set| set.first()) {
                used[si][k] = true;
                silenced[i] = true;
            }
        }
    }
    let mut kept: Vec<Finding> =
        findings.into_iter().zip(silenced).filter(|(_, silenced)| !silenced).map(|(f, _)| f).collect();
    let mut paths: Vec<&&str> = files.keys().collect();
    paths.sort();
    let mut meta = Vec::new();
    for path in paths {
        let (src, sups, used) = &files[*path];
        for (s, used) in sups.iter().zip(used) {
            report(src, s, used, config, &mut meta);
        }
    }
    kept.extend(meta);
    kept
}

fn report(src: &Source, s: &Suppression, used: &[bool], config: &Config, out: &mut Vec<Finding>) {
    let form = "write `# policy-lint: ignore[rule-id] reason` (several ids: `ignore[rule-a, rule-b]`)";
    if s.malformed {
        out.push(
            Finding::new(&INVALID_SUPPRESSION, src, s.comment, "this suppression comment is malformed").with_help(form),
        );
        return;
    }
    for (k, (id, span)) in s.ids.iter().enumerate() {
        if let Some(message) = crate::config::rule_error(id) {
            out.push(Finding::new(&INVALID_SUPPRESSION, src, *span, message));
        } else if !used[k] && config.enabled(id) && !s.ids[..k].iter().any(|(other, _)| other == id) {
            let message = if s.covers.is_some() {
                format!("`{id}` is not reported on the lines this comment covers, so suppressing it has no effect")
            } else {
                format!("this comment covers no line (a blank line or the end of the file follows it), so suppressing `{id}` has no effect")
            };
            out.push(
                Finding::new(&UNUSED_SUPPRESSION, src, *span, message)
                .with_help(
                    "remove it, or move it next to the finding: a suppression covers its own line or, on a line of its own, the next line and the block that line opens",
                ),
            );
        } else if !used[k] && s.ids[..k].iter().any(|(other, _)| other == id) {
            out.push(Finding::new(&UNUSED_SUPPRESSION, src, *span, format!("`{id}` is named twice; remove one")));
        }
    }
    if s.reason.is_none() {
        out.push(
            Finding::new(&INVALID_SUPPRESSION, src, s.comment, "the suppression gives no reason")
                .with_help("say why after the brackets: `# policy-lint: ignore[rule-id] the reason`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::resource_mismatch::RESOURCE_MISMATCH;
    use crate::rules::unknown_action::UNKNOWN_ACTION;

    fn covers(text: &str, language: Language) -> Vec<(usize, Option<(usize, usize)>)> {
        let src = SourceFile::new("x", text);
        scan(&src, language).iter().map(|s| (s.line, s.covers)).collect()
    }

    /// A finding of `rule` at the first occurrence of `needle`.
    fn at(src: &Source, rule: &'static crate::rules::RuleMeta, needle: &str) -> Finding {
        let start = src.text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        Finding::new(rule, src, Span::new(start, start + needle.len()), "m")
    }

    fn summary(findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|f| {
                let p = f.source.position(f.span.start);
                format!("{}:{}:{} {}", f.source.path, p.line, p.column, f.rule)
            })
            .collect()
    }

    #[test]
    fn parses_ids_reason_and_spans() {
        let src = SourceFile::new("t.yaml", "a: 1  # policy-lint: ignore[unknown-action, invalid-arn] -- legacy\n");
        let s = &scan(&src, Language::Yaml)[0];
        assert!(!s.malformed);
        assert_eq!(s.ids.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(), ["unknown-action", "invalid-arn"]);
        assert_eq!(src.slice(s.ids[1].1), "invalid-arn");
        assert_eq!(src.slice(s.comment), "# policy-lint: ignore[unknown-action, invalid-arn] -- legacy");
        assert_eq!(s.reason.as_deref(), Some("legacy"));
        assert_eq!(s.covers, Some((1, 1)));
        for bad in [
            "# policy-lint: ignore unknown-action x",
            "# policy-lint: ignore[] x",
            "# policy-lint: ignore[a,] x",
            "# policy-lint: disable[a] x",
            "# policy-lint: ignore[a x",
        ] {
            let src = SourceFile::new("t.yaml", bad);
            assert!(scan(&src, Language::Yaml)[0].malformed, "{bad}");
        }
        let src = SourceFile::new("t.yaml", "# policy-lint: ignore[a]\nx: 1\n");
        assert_eq!(scan(&src, Language::Yaml)[0].reason, None);
    }

    #[test]
    fn markers_in_strings_and_other_comments_are_not_suppressions() {
        let yaml = "a: \"# policy-lint: ignore[x] y\"\nb: 'it''s # policy-lint: ignore[x] y'\nc: d#policy-lint: ignore[x] y\n# see policy-lint: docs\n";
        assert!(covers(yaml, Language::Yaml).is_empty());
        let hcl = "a = \"# policy-lint: ignore[x] y\"\nb = \"x // policy-lint: ignore[x] y\"\n";
        assert!(covers(hcl, Language::Hcl).is_empty());
        assert!(covers("{\"a\": \"# policy-lint: ignore[x] y\"}", Language::Json).is_empty());
        // An apostrophe inside a plain scalar does not open a string.
        assert_eq!(covers("d: it's fine # policy-lint: ignore[x] y\n", Language::Yaml), [(1, Some((1, 1)))]);
    }

    #[test]
    fn yaml_resource_blocks_and_items() {
        let yaml = "\
Resources:
  # policy-lint: ignore[x] reason
  Role:
    Type: AWS::IAM::Role
    Properties:

      Policies:
      - PolicyName: p
  # a comment between resources
  Other:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          # policy-lint: ignore[x] reason
          # policy-lint: ignore[y] reason
          - Effect: Allow
            Action: chime:*
          - Effect: Deny
            Action: '*' # policy-lint: ignore[x] reason
        # policy-lint: ignore[x] reason

Outputs: {}
";
        assert_eq!(
            covers(yaml, Language::Yaml),
            [(2, Some((3, 8))), (15, Some((17, 18))), (16, Some((17, 18))), (20, Some((20, 20))), (21, None)]
        );
    }

    #[test]
    fn hcl_blocks_heredocs_and_expressions() {
        let hcl = r#"
# policy-lint: ignore[x] reason
resource "aws_iam_policy" "p" {
  name = "${var.prefix}-p" # a } in a comment
  policy = jsonencode({
    Statement = [{ Action = "chime:*", Resource = "arn:${lookup(var.m, "k")}:}" }]
  })
}
// policy-lint: ignore[x] reason
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["chime:*"] /* } */
  }
}
resource "aws_iam_role_policy" "r" {
  # policy-lint: ignore[x] reason
  policy = <<EOF
{ "Statement": [ { "Action": "chime:*" } ] }
EOF
  # policy-lint: ignore[x] reason
  role = "x"
}
"#;
        assert_eq!(
            covers(hcl, Language::Hcl),
            [(2, Some((3, 8))), (9, Some((10, 14))), (16, Some((17, 19))), (20, Some((21, 21)))]
        );
    }

    #[test]
    fn apply_silences_covered_findings_and_reports_bad_suppressions() {
        let text = "\
Resources:
  # policy-lint: ignore[unknown-action] generated by a tool we do not control
  Role:
    Properties:
      Action: chime:Nope
  Other:
    Properties:
      Action: chime:Nope2 # policy-lint: ignore[resource-mismatch, unknown-acton] typo
      Resource: x # policy-lint: ignore[resource-mismatch]
      Extra: 1 # policy-lint: ignore resource-mismatch
";
        let src = SourceFile::new("t.yaml", text);
        let findings = vec![
            at(&src, &UNKNOWN_ACTION, "chime:Nope"),
            at(&src, &UNKNOWN_ACTION, "chime:Nope2"),
            at(&src, &RESOURCE_MISMATCH, "x #"),
        ];
        let out = apply(findings, std::slice::from_ref(&src), &Config::default());
        assert_eq!(
            summary(&out),
            [
                // Outside the covered block: still reported.
                "t.yaml:8:15 unknown-action",
                "t.yaml:8:49 unused-suppression",
                "t.yaml:8:68 invalid-suppression",
                "t.yaml:9:19 invalid-suppression",
                "t.yaml:10:16 invalid-suppression",
            ]
        );
        let unknown = out.iter().find(|f| f.rule == "invalid-suppression").unwrap();
        assert!(unknown.message.contains("did you mean `unknown-action`?"), "{}", unknown.message);
    }

    #[test]
    fn apply_hcl_block_suppression() {
        let text = r#"
// policy-lint: ignore[unknown-action, resource-mismatch] reviewed in SEC-12
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["chime:Nope"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = "chime:Nope"
}
"#;
        let src = SourceFile::new("main.tf", text);
        let findings =
            vec![at(&src, &UNKNOWN_ACTION, "\"chime:Nope\"]"), at(&src, &UNKNOWN_ACTION, "\"chime:Nope\"\n")];
        let out = apply(findings, std::slice::from_ref(&src), &Config::default());
        assert_eq!(summary(&out), ["main.tf:10:12 unknown-action", "main.tf:2:40 unused-suppression"]);
    }

    #[test]
    fn disabled_rules_are_not_reported_unused() {
        let src = SourceFile::new("t.yaml", "# policy-lint: ignore[invalid-arn] why\na: 1\n");
        let config = Config { ignore: vec!["invalid-arn".into()], ..Config::default() };
        assert!(apply(Vec::new(), std::slice::from_ref(&src), &config).is_empty());
        assert_eq!(summary(&apply(Vec::new(), &[src], &Config::default())), ["t.yaml:1:23 unused-suppression"]);
    }
}
