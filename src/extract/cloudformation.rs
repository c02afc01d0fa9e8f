//! CloudFormation and SAM templates: where policies live in `Resources`.

use super::Extracted;
use crate::source::Source;
use crate::syntax::Node;

/// A template: `AWSTemplateFormatVersion`, or `Resources` entries with `Type: AWS::...`.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").and_then(|r| r.value.members()).is_some_and(|members| {
        members
            .iter()
            .any(|m| m.value.get("Type").and_then(|t| t.value.as_str()).is_some_and(|t| t.starts_with("AWS::")))
    })
}

pub fn extract(_source: &Source, _root: Node) -> Extracted {
    Extracted::default()
}
