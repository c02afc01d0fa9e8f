//! A standalone IAM policy document: the whole file (or each document of a
//! YAML stream) is one policy. JSON is what IAM takes; YAML policies are kept
//! in repositories too (rendered to JSON by a build step), and a top-level
//! `Statement` says what they are.

use super::Extracted;
use crate::policy::{PolicyDoc, PolicyKind};
use crate::source::Source;
use crate::syntax::Node;

pub fn extract(source: &Source, root: Node) -> Extracted {
    Extracted {
        policies: vec![PolicyDoc {
            source: source.clone(),
            node: root,
            kind: PolicyKind::Unknown,
            origin: None,
            version_implied: false,
        }],
        ..Extracted::default()
    }
}

/// A cheap look at a walked YAML file before parsing it: a policy has a
/// top-level `Statement` key.
pub fn looks_like_yaml_policy(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start_matches('\u{feff}');
        ["Statement", "\"Statement\"", "'Statement'"]
            .iter()
            .any(|k| l.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with(':')))
    })
}
