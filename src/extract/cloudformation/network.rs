//! The EC2 network around a Voice Connector's SBC in a template: security
//! groups with their `SecurityGroupIngress` items, `AWS::EC2::SecurityGroupIngress`,
//! and the instances, network interfaces and Elastic IPs they attach to, as
//! [`FactKind::SecurityGroup`], [`FactKind::SecurityGroupIngress`] and
//! [`FactKind::NetworkHost`] facts.

use super::voice::setting;
use super::Cx;
use crate::index::{FactKind, Ingress, Ref};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

pub(super) fn emit(cx: &mut Cx, id: &str, site: Span, ty: &str, props: &Node) {
    let prop = |k: &str| props.get(k).map(|m| &m.value);
    let one = |cx: &Cx, k: &str| prop(k).map_or(Ref::Unknown, |n| cx.to_ref(n));
    let kind = match ty {
        "AWS::EC2::SecurityGroup" => {
            let rules: Vec<Ingress> = prop("SecurityGroupIngress")
                .map(|n| n.items().iter().map(|r| ingress(cx, Ref::Address(id.to_string()), r)).collect())
                .unwrap_or_default();
            for (rule, item) in rules.into_iter().zip(prop("SecurityGroupIngress").map(Node::items).unwrap_or_default())
            {
                cx.fact(id, item.span, FactKind::SecurityGroupIngress(Box::new(rule)));
            }
            // `SecurityGroupIngress: !If [...]` or a parameter: rules not known.
            if prop("SecurityGroupIngress").is_some_and(|n| !matches!(n.kind, NodeKind::Array(_))) {
                let unknown = Node::new(site, NodeKind::Null);
                let rule = Ingress { other_sources: true, ..ingress(cx, Ref::Address(id.to_string()), &unknown) };
                cx.fact(id, site, FactKind::SecurityGroupIngress(Box::new(rule)));
            }
            FactKind::SecurityGroup
        }
        "AWS::EC2::SecurityGroupIngress" => {
            let group = prop("GroupId").or_else(|| prop("GroupName")).map_or(Ref::Unknown, |n| cx.to_ref(n));
            FactKind::SecurityGroupIngress(Box::new(ingress(cx, group, props)))
        }
        "AWS::EC2::Instance" => {
            let mut security_groups = cx.refs(prop("SecurityGroupIds"));
            security_groups.extend(cx.refs(prop("SecurityGroups")));
            let mut attached_to = Vec::new();
            for interface in prop("NetworkInterfaces").map(Node::items).unwrap_or_default() {
                security_groups.extend(cx.refs(interface.get("GroupSet").map(|m| &m.value)));
                if let Some(n) = interface.get("NetworkInterfaceId") {
                    attached_to.push(cx.to_ref(&n.value));
                }
            }
            if prop("LaunchTemplate").is_some() && security_groups.is_empty() {
                // Its security groups are the launch template's: not read.
                // (Security groups given here replace the template's.)
                security_groups.push(Ref::Unknown);
            }
            FactKind::NetworkHost { security_groups, attached_to }
        }
        "AWS::EC2::NetworkInterface" => {
            FactKind::NetworkHost { security_groups: cx.refs(prop("GroupSet")), attached_to: Vec::new() }
        }
        "AWS::EC2::NetworkInterfaceAttachment" => FactKind::NetworkHost {
            security_groups: Vec::new(),
            attached_to: vec![one(cx, "InstanceId"), one(cx, "NetworkInterfaceId")],
        },
        "AWS::EC2::EIP" => {
            FactKind::NetworkHost { security_groups: Vec::new(), attached_to: vec![one(cx, "InstanceId")] }
        }
        "AWS::EC2::EIPAssociation" => FactKind::NetworkHost {
            security_groups: Vec::new(),
            attached_to: vec![
                one(cx, "EIP"),
                one(cx, "AllocationId"),
                one(cx, "InstanceId"),
                one(cx, "NetworkInterfaceId"),
            ],
        },
        _ => return,
    };
    cx.fact(id, site, kind);
}

/// An ingress rule of `group`, from the properties of an item of
/// `SecurityGroupIngress` or of an `AWS::EC2::SecurityGroupIngress`.
fn ingress(cx: &Cx, group: Ref, rule: &Node) -> Ingress {
    let one = |k: &str| rule.get(k).map(|m| setting(cx, &m.value));
    let others = ["SourceSecurityGroupId", "SourceSecurityGroupName", "SourcePrefixListId"];
    Ingress {
        group,
        protocol: one("IpProtocol"),
        from_port: one("FromPort"),
        to_port: one("ToPort"),
        cidrs: ["CidrIp", "CidrIpv6"].iter().filter_map(|k| one(k)).collect(),
        other_sources: others.iter().any(|k| rule.get(k).is_some()),
    }
}
