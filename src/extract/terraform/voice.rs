//! Voice Connector network settings: `require_encryption` on the connector,
//! `cidr_allow_list` of its termination, the `route` blocks of its
//! origination (both the `aws_chimesdkvoice_*` and the older `aws_chime_*`
//! resources), as [`FactKind::VoiceConnectorNetwork`] facts.

use super::{attr, nested, Block, Module};
use crate::index::{Fact, FactKind, OriginationRoute, Ref, Setting, Site, VoiceNetwork};
use crate::syntax::{Node, NodeKind};

/// Records the network settings a resource of `b`'s type carries, if any.
pub(super) fn network(m: &mut Module, b: &Block) {
    let body = b.body;
    let kind = b.rtype.strip_prefix("aws_chimesdkvoice_").or_else(|| b.rtype.strip_prefix("aws_chime_"));
    let network = match kind {
        Some("voice_connector") => VoiceNetwork {
            voice_connector: Ref::Address(b.address.clone()),
            encryption: attr(body, "require_encryption").map(|a| setting(m, &a.value)),
            termination_cidrs: Vec::new(),
            routes: Vec::new(),
        },
        Some("voice_connector_termination") => VoiceNetwork {
            voice_connector: m.reference_of(body, "voice_connector_id"),
            encryption: None,
            termination_cidrs: attr(body, "cidr_allow_list")
                .map(|a| match m.resolve(&a.value).kind {
                    NodeKind::Array(items) => items.iter().map(|i| setting(m, i)).collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default(),
            routes: Vec::new(),
        },
        Some("voice_connector_origination") => VoiceNetwork {
            voice_connector: m.reference_of(body, "voice_connector_id"),
            encryption: None,
            termination_cidrs: Vec::new(),
            routes: nested(body, "route")
                .into_iter()
                .filter_map(|(_, r)| {
                    Some(OriginationRoute {
                        host: setting(m, &attr(r, "host")?.value),
                        port: attr(r, "port").map(|a| setting(m, &a.value)),
                        protocol: attr(r, "protocol").map(|a| setting(m, &a.value)),
                    })
                })
                .collect(),
        },
        _ => return,
    };
    m.out.facts.push(Fact {
        address: b.address.clone(),
        site: Site { source: m.source.clone(), span: body.span },
        kind: FactKind::VoiceConnectorNetwork(Box::new(network)),
    });
}

/// A scalar as written (variables of the file resolved), or unknown; at
/// the span of the value in the resource.
fn setting(m: &Module, node: &Node) -> Setting {
    let value = match m.resolve(node).kind {
        NodeKind::Str(s) | NodeKind::Number(s) => Some(s),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    Setting { value, span: node.span }
}
