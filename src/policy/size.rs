//! A policy's size as IAM counts it against its quotas: the characters of
//! its JSON, without the white space outside strings (IAM User Guide, "IAM
//! and AWS STS quotas": "IAM doesn't count white space when calculating the
//! size of a policy against these quotas").

use super::PolicyDoc;
use crate::syntax::{Node, NodeKind, Piece};

/// The characters a document counts for, and whether that is all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Size {
    pub chars: usize,
    /// False when a part is not known statically (`var.x`, `!Ref P`, a
    /// string with holes) or is rendered by a tool: `chars` is then the
    /// known part, a lower bound.
    pub exact: bool,
}

/// `"Version":"2012-10-17",`, which Terraform's policy documents and SAM add.
const VERSION_MEMBER: usize = r#""Version":"2012-10-17","#.len();
/// `{"Version":"2012-10-17","Statement":` and `}` around a bare statement list.
const WRAPPER: usize = r#"{"Version":"2012-10-17","Statement":}"#.len();

/// The size of a document as the front-end found it. A document whose
/// format supplies the version (a Terraform `aws_iam_policy_document`, SAM)
/// is rendered by a tool: counted with its version, one-item lists as the
/// single value the tool writes, and the result is a lower bound.
pub fn of(doc: &PolicyDoc) -> Size {
    let mut size = Size { chars: 0, exact: true };
    let rendered = doc.version_implied;
    count(&doc.node, rendered, &mut size);
    if rendered {
        size.exact = false;
        match &doc.node.kind {
            NodeKind::Array(_) => size.chars += WRAPPER,
            NodeKind::Object(_) if doc.node.get("Version").is_none() => size.chars += VERSION_MEMBER,
            _ => {}
        }
    }
    size
}

fn count(node: &Node, rendered: bool, size: &mut Size) {
    match &node.kind {
        NodeKind::Null => size.chars += 4,
        NodeKind::Bool(b) => size.chars += if *b { 4 } else { 5 },
        NodeKind::Number(n) => size.chars += n.chars().count(),
        NodeKind::Str(s) => size.chars += string(s),
        NodeKind::Template(pieces) => {
            size.exact = false;
            size.chars += 2;
            for p in pieces {
                if let Piece::Lit(s) = p {
                    size.chars += string(s) - 2;
                }
            }
        }
        NodeKind::Unknown(_) => size.exact = false,
        NodeKind::Array(items) if rendered && items.len() == 1 => count(&items[0], rendered, size),
        NodeKind::Array(items) => {
            size.chars += 2 + items.len().saturating_sub(1);
            for i in items {
                count(i, rendered, size);
            }
        }
        NodeKind::Object(members) => {
            size.chars += 2 + members.len().saturating_sub(1);
            for m in members {
                size.chars += string(&m.key) + 1;
                count(&m.value, rendered, size);
            }
        }
    }
}

/// A JSON string's characters, quotes and escapes included. Counted on the
/// bytes: a character is a byte that does not continue a UTF-8 sequence, and
/// the characters JSON escapes are all ASCII.
fn string(s: &str) -> usize {
    let chars = s.bytes().filter(|&b| (b as i8) >= -0x40).count();
    let escapes: usize = s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            b if b < 0x20 => 5,
            _ => 0,
        })
        .sum();
    2 + chars + escapes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;

    fn size_of(text: &str) -> Size {
        let node = crate::syntax::json::parse(text).unwrap();
        let source = crate::source::SourceFile::new("p.json", text);
        of(&PolicyDoc { source, node, kind: PolicyKind::Identity, origin: None, version_implied: false })
    }

    #[test]
    fn white_space_outside_strings_is_not_counted() {
        let minified = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b k/*"}]}"#;
        let spaced = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ { \"Effect\": \"Allow\",\n \"Action\": [ \"s3:GetObject\", \"s3:PutObject\" ],\n \"Resource\": \"arn:aws:s3:::b k/*\" } ]\n}\n";
        assert_eq!(size_of(minified), Size { chars: minified.chars().count(), exact: true });
        assert_eq!(size_of(spaced), Size { chars: minified.chars().count(), exact: true });
        assert_eq!(size_of(r#"{"a":"q\"\\é"}"#).chars, r#"{"a":"q\"\\é"}"#.chars().count());
        // A control character is written `\u0001`; a character outside the BMP is one.
        assert_eq!(string("a\u{1}b"), 2 + 3 + 5);
        assert_eq!(string("\u{1F4DE}\t"), 2 + 2 + 1);
    }
}
