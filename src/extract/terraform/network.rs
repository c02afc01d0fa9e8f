//! The EC2 network around a Voice Connector's SBC: security groups and their
//! ingress rules (inline `ingress` blocks, `aws_security_group_rule`,
//! `aws_vpc_security_group_ingress_rule`), and the instances, network
//! interfaces and Elastic IPs they attach to, as [`FactKind::SecurityGroup`],
//! [`FactKind::SecurityGroupIngress`] and [`FactKind::NetworkHost`] facts.

use super::voice::setting;
use super::{attr, nested, Block, Module};
use crate::index::{FactKind, Ingress, Ref, Setting};
use crate::syntax::{Node, NodeKind};

pub(super) fn emit(m: &mut Module, b: &Block) {
    let body = b.body;
    let refs = |keys: &[&str]| keys.iter().flat_map(|k| m.references(body, k)).collect::<Vec<Ref>>();
    let kind = match b.rtype {
        "aws_security_group" => {
            let group = Ref::Address(b.address.clone());
            let mut rules: Vec<_> = nested(body, "ingress")
                .into_iter()
                .map(|(_, r)| ingress(m, group.clone(), r, &["cidr_blocks", "ipv6_cidr_blocks"]))
                .collect();
            // `dynamic "ingress"` blocks, or `ingress = var.rules`: rules not known.
            let written = attr(body, "ingress").map(|a| m.resolve(&a.value).kind);
            let dynamic = nested(body, "dynamic").iter().any(|(_, d)| attr(d, "ingress").is_some());
            if dynamic || matches!(written, Some(k) if !matches!(k, NodeKind::Array(_) | NodeKind::Object(_))) {
                rules.push(Ingress {
                    other_sources: true,
                    ..ingress(m, group.clone(), &Node::new(body.span, NodeKind::Null), &[])
                });
            }
            for rule in rules {
                m.fact(b, FactKind::SecurityGroupIngress(Box::new(rule)));
            }
            FactKind::SecurityGroup
        }
        "aws_security_group_rule" => {
            let kind = attr(body, "type").map(|a| m.resolve(&a.value).kind);
            if !matches!(kind, Some(NodeKind::Str(ref t)) if t == "ingress") {
                return;
            }
            let group = m.reference_of(body, "security_group_id");
            FactKind::SecurityGroupIngress(Box::new(ingress(m, group, body, &["cidr_blocks", "ipv6_cidr_blocks"])))
        }
        "aws_vpc_security_group_ingress_rule" => {
            let group = m.reference_of(body, "security_group_id");
            let mut rule = ingress(m, group, body, &["cidr_ipv4", "cidr_ipv6"]);
            rule.protocol = attr(body, "ip_protocol").map(|a| setting(m, &a.value));
            FactKind::SecurityGroupIngress(Box::new(rule))
        }
        "aws_instance" => FactKind::NetworkHost {
            security_groups: refs(&["vpc_security_group_ids", "security_groups"]),
            attached_to: nested(body, "network_interface")
                .into_iter()
                .map(|(_, n)| m.reference_of(n, "network_interface_id"))
                .collect(),
        },
        "aws_network_interface" => FactKind::NetworkHost {
            security_groups: refs(&["security_groups"]),
            attached_to: nested(body, "attachment").into_iter().map(|(_, a)| m.reference_of(a, "instance")).collect(),
        },
        "aws_network_interface_sg_attachment" => FactKind::NetworkHost {
            security_groups: vec![m.reference_of(body, "security_group_id")],
            attached_to: vec![m.reference_of(body, "network_interface_id")],
        },
        "aws_eip" => FactKind::NetworkHost {
            security_groups: Vec::new(),
            attached_to: vec![m.reference_of(body, "instance"), m.reference_of(body, "network_interface")],
        },
        "aws_eip_association" => FactKind::NetworkHost {
            security_groups: Vec::new(),
            attached_to: vec![
                m.reference_of(body, "allocation_id"),
                m.reference_of(body, "instance_id"),
                m.reference_of(body, "network_interface_id"),
            ],
        },
        _ => return,
    };
    m.fact(b, kind);
}

/// An ingress rule of `group` written in `body`; `cidr_keys` name its IPv4
/// and IPv6 source attributes (a list or one CIDR each).
fn ingress(m: &Module, group: Ref, body: &Node, cidr_keys: &[&str]) -> Ingress {
    let one = |k: &str| attr(body, k).map(|a| setting(m, &a.value));
    let mut cidrs: Vec<Setting> = Vec::new();
    for key in cidr_keys {
        let Some(a) = attr(body, key) else { continue };
        match m.resolve(&a.value).kind {
            NodeKind::Array(items) => cidrs.extend(items.iter().map(|i| setting(m, i))),
            _ => cidrs.push(setting(m, &a.value)),
        }
    }
    let others = [
        "security_groups",
        "source_security_group_id",
        "referenced_security_group_id",
        "prefix_list_ids",
        "prefix_list_id",
    ];
    let is_self = matches!(attr(body, "self").map(|a| m.resolve(&a.value).kind), Some(NodeKind::Bool(true)));
    Ingress {
        group,
        protocol: one("protocol"),
        from_port: one("from_port"),
        to_port: one("to_port"),
        cidrs,
        other_sources: is_self || others.iter().any(|k| attr(body, k).is_some()),
    }
}
