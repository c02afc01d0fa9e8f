//! Voice Connector network settings in a template: `RequireEncryption` of
//! `AWS::Chime::VoiceConnector` (CloudFormation has no termination or
//! origination resource), and the Voice Connector custom resource of
//! cdk-amazon-chime-resources (`resourceType: VoiceConnector`, with
//! `properties.encryption`, `termination.terminationCidrs` and `origination`
//! routes), as [`FactKind::VoiceConnectorNetwork`] facts; the Region a SIP
//! media application names; and what a handler needs to start Lex bot
//! conversations: Lex bot aliases, their resource policies, and the
//! resources a function's environment names.

use super::Cx;
use crate::index::{FactKind, OriginationRoute, Ref, Setting, VoiceNetwork};
use crate::source::Span;
use crate::syntax::{Node, NodeKind, Piece};

/// Records the network settings of resource `id` of type `ty`, if it has
/// any, and a SIP media application's literal `AwsRegion` ([`FactKind::Region`]).
pub(super) fn network(cx: &mut Cx, id: &str, site: Span, ty: &str, props: &Node, made: Option<u64>) {
    let counted = match ty {
        "AWS::Chime::VoiceConnector" => Some("voice-connector"),
        "AWS::Chime::VoiceConnectorGroup" => Some("voice-connector-group"),
        "AWS::ChimeSDKVoice::VoiceProfileDomain" | "AWS::Chime::VoiceProfileDomain" => Some("voice-profile-domain"),
        "AWS::ChimeSDKMediaPipelines::MediaInsightsPipelineConfiguration"
        | "AWS::Chime::MediaInsightsPipelineConfiguration" => Some("media-insights-pipeline-configuration"),
        _ => None,
    };
    if let Some(resource) = counted {
        // A template is deployed to one Region: the stack's, unless the resource names another.
        let region = props.get("AwsRegion").and_then(|m| match &m.value.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Unknown(u) if u.contains("AWS::Region") => None,
            _ => Some(format!("<{id}>")),
        });
        // `made`: once, or unknown under a `Condition` (`Fn::ForEach` is not read).
        let instances = made;
        cx.fact(id, site, FactKind::QuotaCounted { resource: resource.into(), region, instances });
    }
    match ty {
        "AWS::Lex::BotAlias" => return cx.fact(id, site, FactKind::LexBotAlias),
        "AWS::Lex::ResourcePolicy" => {
            let resource = props.get("ResourceArn").map_or(Ref::Unknown, |m| cx.to_ref(&m.value));
            return cx.fact(id, site, FactKind::LexResourcePolicy { resource });
        }
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => return environment(cx, id, site, props),
        _ => {}
    }
    if ty == "AWS::Chime::SipMediaApplication" {
        if let Some(m) = props.get("AwsRegion") {
            if let NodeKind::Str(region) = &m.value.kind {
                let kind = FactKind::Region { region: region.clone(), via: "`AwsRegion`".into() };
                cx.fact(id, m.value.span, kind);
            }
        }
        return;
    }
    let voice_connector = Ref::Address(id.to_string());
    let network = if ty == "AWS::Chime::VoiceConnector" {
        VoiceNetwork {
            voice_connector,
            region: props.get("AwsRegion").map(|m| setting(cx, &m.value)),
            encryption: props.get("RequireEncryption").map(|m| setting(cx, &m.value)),
            termination_cidrs: Vec::new(),
            routes: Vec::new(),
        }
    } else if is_custom(ty) && props.get("resourceType").and_then(|t| t.value.as_str()) == Some("VoiceConnector") {
        let Some(p) = props.get("properties").map(|m| &m.value) else { return };
        let cidrs = p.get("termination").and_then(|t| t.value.get("terminationCidrs"));
        VoiceNetwork {
            voice_connector,
            region: p.get("region").map(|m| setting(cx, &m.value)),
            encryption: p.get("encryption").map(|m| setting(cx, &m.value)),
            termination_cidrs: match cidrs.map(|c| &c.value.kind) {
                Some(NodeKind::Array(items)) => items.iter().map(|i| setting(cx, i)).collect(),
                _ => Vec::new(),
            },
            routes: p
                .get("origination")
                .map(|o| o.value.items())
                .unwrap_or_default()
                .iter()
                .filter_map(|r| {
                    Some(OriginationRoute {
                        host: setting(cx, &r.get("host")?.value),
                        port: r.get("port").map(|m| setting(cx, &m.value)),
                        protocol: r.get("protocol").map(|m| setting(cx, &m.value)),
                    })
                })
                .collect(),
        }
    } else {
        return;
    };
    cx.fact(id, site, FactKind::VoiceConnectorNetwork(Box::new(network)));
}

fn is_custom(ty: &str) -> bool {
    ty == "AWS::CloudFormation::CustomResource" || ty.starts_with("Custom::")
}

/// A scalar as written, or unknown; an unknown value names the resource of
/// the template it is read from (`!Ref SbcEip`, `!Sub "${SbcEip}/32"`).
pub(super) fn setting(cx: &Cx, node: &Node) -> Setting {
    let (value, refers_to) = match &node.kind {
        NodeKind::Str(s) | NodeKind::Number(s) => (Some(s.clone()), None),
        NodeKind::Bool(b) => (Some(b.to_string()), None),
        NodeKind::Unknown(u) => (None, cx.resource_ref(u).address().map(str::to_string)),
        NodeKind::Template(pieces) => (
            None,
            pieces.iter().find_map(|p| match p {
                Piece::Hole(h) => cx.resource_ref(h).address().map(str::to_string),
                Piece::Lit(_) => None,
            }),
        ),
        _ => (None, None),
    };
    Setting { value, span: node.span, refers_to }
}

/// The environment variables of a function that name a resource of the template.
fn environment(cx: &mut Cx, id: &str, site: Span, props: &Node) {
    let Some(vars) = props.get("Environment").and_then(|e| e.value.get("Variables")) else { return };
    let references: Vec<(Ref, Span)> = vars
        .value
        .members()
        .unwrap_or_default()
        .iter()
        .filter_map(|m| match cx.to_ref(&m.value) {
            r @ Ref::Address(_) => Some((r, m.value.span)),
            _ => None,
        })
        .collect();
    if !references.is_empty() {
        cx.fact(id, site, FactKind::FunctionEnvironment { references });
    }
}
