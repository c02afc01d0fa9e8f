//! `terraform show -json` output (a plan, or the state): every managed resource
//! with its values, read by the same walk as `.tf` files. Policies there are
//! JSON strings; they are read with spans into the plan file, and each policy's
//! origin is the resource's address (`module.voice.aws_iam_role.sma[0]`).
//! Data sources are skipped: a policy document's rendered JSON already appears
//! in the resources that use it.

use super::{prepare, Block, Format, Module};
use crate::extract::Extracted;
use crate::source::Source;
use crate::syntax::{Node, NodeKind};

/// How deep `child_modules` are followed.
const MAX_MODULE_DEPTH: usize = 64;

pub fn extract_plan(source: &Source, root: Node) -> Extracted {
    let mut found: Vec<(String, String, Node)> = Vec::new();
    let values = root.get("planned_values").or_else(|| root.get("values"));
    if let Some(module) = values.and_then(|v| v.value.get("root_module")) {
        collect(&module.value, 0, &mut found);
    } else if let Some(changes) = root.get("resource_changes") {
        for r in changes.value.items() {
            if let Some(after) = r.get("change").and_then(|c| c.value.get("after")) {
                push(r, &after.value, &mut found);
            }
        }
    }
    let found: Vec<(String, String, Node)> =
        found.into_iter().map(|(a, t, v)| (a, t, prepare(v, &source.text, Format::Plan))).collect();
    let empty = Node::new(root.span, NodeKind::Object(Vec::new()));
    let mut module = Module::new(source, &empty, Format::Plan);
    for (address, rtype, body) in &found {
        module.resource(&Block { address: address.clone(), rtype, body });
    }
    module.out
}

fn collect(module: &Node, depth: usize, out: &mut Vec<(String, String, Node)>) {
    if let Some(resources) = module.get("resources") {
        for r in resources.value.items() {
            if let Some(values) = r.get("values") {
                push(r, &values.value, out);
            }
        }
    }
    if depth < MAX_MODULE_DEPTH {
        if let Some(children) = module.get("child_modules") {
            for child in children.value.items() {
                collect(child, depth + 1, out);
            }
        }
    }
}

fn push(r: &Node, values: &Node, out: &mut Vec<(String, String, Node)>) {
    let text = |k: &str| r.get(k).and_then(|m| m.value.as_str());
    if text("mode") == Some("data") {
        return;
    }
    if let (Some(address), Some(rtype), Some(_)) = (text("address"), text("type"), values.members()) {
        out.push((address.to_string(), rtype.to_string(), values.clone()));
    }
}
