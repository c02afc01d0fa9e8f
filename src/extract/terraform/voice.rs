//! Voice Connector network settings: `require_encryption` on the connector,
//! `cidr_allow_list` of its termination, the `route` blocks of its
//! origination (both the `aws_chimesdkvoice_*` and the older `aws_chime_*`
//! resources), as [`FactKind::VoiceConnectorNetwork`] facts.

use super::{address_of, attr, nested, Block, Module};
use crate::index::{Fact, FactKind, OriginationRoute, Ref, Setting, Site, VoiceNetwork};
use crate::syntax::{Node, NodeKind, Piece};

/// Records the network settings a resource of `b`'s type carries, if any,
/// and the resources that count against a Chime SDK Voice quota.
pub(super) fn network(m: &mut Module, b: &Block) {
    let body = b.body;
    let kind = b.rtype.strip_prefix("aws_chimesdkvoice_").or_else(|| b.rtype.strip_prefix("aws_chime_"));
    let counted = match (b.rtype, kind) {
        (_, Some("voice_connector")) => Some("voice-connector"),
        (_, Some("voice_connector_group")) => Some("voice-connector-group"),
        (_, Some("voice_profile_domain")) => Some("voice-profile-domain"),
        ("aws_chimesdkmediapipelines_media_insights_pipeline_configuration", _) => {
            Some("media-insights-pipeline-configuration")
        }
        _ => None,
    };
    if let Some(resource) = counted {
        let region = match attr(body, "aws_region").or_else(|| attr(body, "region")) {
            None => None,
            Some(a) => match m.resolve(&a.value).kind {
                NodeKind::Str(s) => Some(s),
                // A Region that is not known: not counted with any other.
                _ => Some(format!("<{}>", b.address)),
            },
        };
        let kind = FactKind::QuotaCounted { resource: resource.into(), region, instances: super::instances(m, body) };
        m.out.facts.push(Fact {
            address: b.address.clone(),
            site: Site { source: m.source.clone(), span: body.span },
            kind,
        });
    }
    let network = match kind {
        Some("voice_connector") => VoiceNetwork {
            voice_connector: Ref::Address(b.address.clone()),
            region: attr(body, "aws_region").map(|a| setting(m, &a.value)),
            encryption: attr(body, "require_encryption").map(|a| setting(m, &a.value)),
            termination_cidrs: Vec::new(),
            routes: Vec::new(),
        },
        Some("voice_connector_termination") => VoiceNetwork {
            voice_connector: m.reference_of(body, "voice_connector_id"),
            region: None,
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
            region: None,
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
/// the span of the value in the resource. An unknown value names the
/// resource it is read from (`"${aws_eip.sbc.public_ip}/32"`: `aws_eip.sbc`).
pub(super) fn setting(m: &Module, node: &Node) -> Setting {
    let (value, refers_to) = match m.resolve(node).kind {
        NodeKind::Str(s) | NodeKind::Number(s) => (Some(s), None),
        NodeKind::Bool(b) => (Some(b.to_string()), None),
        NodeKind::Unknown(text) => (None, address_of(&text)),
        NodeKind::Template(pieces) => (
            None,
            pieces.iter().find_map(|p| match p {
                Piece::Hole(h) => address_of(h),
                Piece::Lit(_) => None,
            }),
        ),
        _ => (None, None),
    };
    Setting { value, span: node.span, refers_to }
}
