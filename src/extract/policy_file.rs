//! A standalone IAM policy document (`.json`): the whole file is one policy.

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
