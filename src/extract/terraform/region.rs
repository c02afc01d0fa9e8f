//! The Region a resource is in, where the file says it, as
//! [`FactKind::Region`] facts: a SIP media application's `aws_region`, and
//! a Lambda function's `region` (AWS provider 6) or the `region` of the
//! `aws` provider it uses (`provider = aws.west`, or the provider without an
//! alias), when that provider is configured in the same file.

use super::{attr, nested, Block, Module};
use crate::index::{Fact, FactKind, Site};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};
use std::collections::HashMap;

pub(super) fn emit(m: &mut Module, root: &Node, resources: &[Block]) {
    let providers = providers(m, root);
    for b in resources {
        let found = match b.rtype {
            "aws_chimesdkvoice_sip_media_application" => literal(m, b.body, "aws_region", "`aws_region`"),
            "aws_lambda_function" => literal(m, b.body, "region", "`region`").or_else(|| {
                let alias = match attr(b.body, "provider").map(|a| &a.value.kind) {
                    None => None,
                    Some(NodeKind::Unknown(text)) => Some(text.strip_prefix("aws.")?.to_string()),
                    Some(_) => return None,
                };
                let (region, span) = providers.get(&alias)?;
                let via = match &alias {
                    Some(a) => format!("provider `aws.{a}`"),
                    None => "the default `aws` provider".to_string(),
                };
                Some((region.clone(), *span, via))
            }),
            _ => None,
        };
        if let Some((region, span, via)) = found {
            m.out.facts.push(Fact {
                address: b.address.clone(),
                site: Site { source: m.source.clone(), span },
                kind: FactKind::Region { region, via },
            });
        }
    }
}

/// A literal attribute naming a Region, with its span and how it is named.
fn literal(m: &Module, body: &Node, key: &str, via: &str) -> Option<(String, Span, String)> {
    let a = attr(body, key)?;
    match m.resolve(&a.value).kind {
        NodeKind::Str(s) if !s.is_empty() => Some((s, a.value.span, via.to_string())),
        _ => None,
    }
}

/// The file's `aws` provider configurations by alias (`None`: the default),
/// each with its literal `region` and where it is written.
fn providers(m: &Module, root: &Node) -> HashMap<Option<String>, (String, Span)> {
    let mut out = HashMap::new();
    for (_, named) in nested(root, "provider") {
        for p in named.members().unwrap_or_default().iter().filter(|p| p.key == "aws") {
            for body in p.value.items() {
                let alias = match attr(body, "alias").map(|a| m.resolve(&a.value).kind) {
                    None => None,
                    Some(NodeKind::Str(s)) => Some(s),
                    Some(_) => continue,
                };
                if let Some((region, span, _)) = literal(m, body, "region", "") {
                    out.insert(alias, (region, span));
                }
            }
        }
    }
    out
}
