//! Terraform: policies in `.tf` / `.tf.json` resources and data sources, and
//! in `terraform show -json` plan output.

use super::Extracted;
use crate::source::Source;
use crate::syntax::Node;

/// `terraform show -json` output: `format_version` with `planned_values` or `values`.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some()
            || root.get("values").is_some()
            || root.get("resource_changes").is_some())
}

pub fn extract(_source: &Source, _root: Node) -> Extracted {
    Extracted::default()
}

pub fn extract_plan(_source: &Source, _root: Node) -> Extracted {
    Extracted::default()
}
