use crate::finding::{Finding, Severity};
use crate::index::{Fact, FactKind, Ingress, ProjectIndex, Ref, Setting};
use crate::rules::voice_network::{self, covered, networks, parse_cidr};
use crate::rules::ProjectCx;
use crate::source::Source;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Follows each address of a Voice Connector's termination allow-list and
    /// each origination route host that is read from a resource of the project
    /// (`"${aws_eip.sbc.public_ip}/32"`, `host = aws_eip.sbc.public_ip`,
    /// `!Ref SbcEip`) to the instance or network interface that has it, and
    /// reads the ingress rules of its security groups (`aws_security_group`,
    /// `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`;
    /// `AWS::EC2::SecurityGroup`, `AWS::EC2::SecurityGroupIngress`). Flags:
    ///
    /// - an error when, for an origination route host of a connector whose
    ///   Region the project names, no rule admits SIP signaling from the
    ///   connector Region's signaling range (the route's port, on its
    ///   protocol, on TCP when the connector requires encryption), or none
    ///   admits RTP media (UDP, on ports beyond the SIP port) from its media
    ///   range (the sources of all the rules that admit it count together:
    ///   two adjacent /24 admit a /23). An address only in the allow-list sends the calls:
    ///   security groups are stateful, so the answers come back, and a missing
    ///   rule is not reported there;
    /// - a warning at each rule that admits those ports from every address
    ///   (`0.0.0.0/0`, `::/0`).
    ///
    /// The ranges are AWS's (`rules/chime-voice/voice-connector-ranges.json`).
    /// Silent on what cannot be known: an address, Region, port or source that
    /// is a variable or parameter, a security group defined elsewhere, a rule
    /// whose source is another security group or a prefix list.
    ///
    /// ## Why is this bad?
    /// Chime sends SIP signaling and RTP media to your SBC from the Voice
    /// Connector addresses of the connector's Region. A security group that
    /// does not admit them drops the calls Chime sends (inbound calls fail,
    /// and media of outbound calls may not arrive). One open to the whole
    /// internet exposes the SBC to SIP scanning and toll fraud. AWS: Amazon
    /// Chime SDK Administrator Guide, "Network configuration and bandwidth
    /// requirements", Amazon Chime SDK Voice Connector
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/ag/network-config.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "sbc" {
    ///   ingress {
    ///     protocol    = "udp"
    ///     from_port   = 5060
    ///     to_port     = 5060
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_security_group" "sbc" {
    ///   ingress { # SIP signaling, us-east-1
    ///     protocol    = "udp"
    ///     from_port   = 5060
    ///     to_port     = 5060
    ///     cidr_blocks = ["3.80.16.0/23"]
    ///   }
    ///   ingress { # RTP media, us-east-1
    ///     protocol    = "udp"
    ///     from_port   = 5000
    ///     to_port     = 65000
    ///     cidr_blocks = ["3.80.16.0/23"]
    ///   }
    /// }
    /// ```
    pub VOICE_CONNECTOR_SBC_INGRESS, "voice-connector-sbc-ingress", Error, Network,
    "an SBC's security group that does not admit a Voice Connector's signaling or media ranges (calls fail), or admits the world"
}

/// The Amazon Chime SDK Administrator Guide page with the ranges.
const NETWORK_PAGE: &str = "https://docs.aws.amazon.com/chime-sdk/latest/ag/network-config.html";

#[derive(Deserialize)]
pub struct Ranges {
    pub regions: BTreeMap<String, RegionRanges>,
}

#[derive(Deserialize)]
pub struct RegionRanges {
    pub signaling: Vec<String>,
    pub media: Vec<String>,
}

pub fn ranges() -> &'static Ranges {
    static DATA: OnceLock<Ranges> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/voice-connector-ranges.json"))
            .expect("rules/chime-voice/voice-connector-ranges.json is checked by the tests")
    })
}

/// What an SBC must admit: SIP signaling on one of some (protocol, port)
/// pairs, or RTP media.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Signaling(&'static [(Proto, u16)]),
    Media,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Proto {
    Tcp,
    Udp,
}

const TLS: &[(Proto, u16)] = &[(Proto::Tcp, 5061)];
const ANY_SIP: &[(Proto, u16)] = &[(Proto::Udp, 5060), (Proto::Tcp, 5060), (Proto::Tcp, 5061)];

impl Need {
    /// What goes wrong without it.
    fn consequence(self) -> &'static str {
        match self {
            Need::Signaling(_) => "the SIP requests Chime sends to the SBC (inbound calls) are dropped",
            Need::Media => "the RTP media Chime sends to the SBC is dropped (calls without audio)",
        }
    }

    /// The ports to admit, as the fix names them.
    fn ports(self) -> String {
        match self {
            Need::Media => "UDP 5000-65000 (or the SBC's RTP port range)".to_string(),
            Need::Signaling(ports) => {
                let (p, n) = ports[0];
                format!("{} {n}", if p == Proto::Tcp { "TCP" } else { "UDP" })
            }
        }
    }

    fn describe(self) -> String {
        match self {
            Need::Media => "RTP media (UDP)".to_string(),
            Need::Signaling(ports) => {
                let ports: Vec<String> = ports
                    .iter()
                    .map(|(p, n)| format!("{} {n}", if *p == Proto::Tcp { "TCP" } else { "UDP" }))
                    .collect();
                format!("SIP signaling ({})", ports.join(" or "))
            }
        }
    }
}

/// One rule of a security group, read: `None` for a part not known.
struct Rule<'a> {
    fact: &'a Fact,
    ingress: &'a Ingress,
    /// `None`: every protocol (`-1`).
    proto: Option<Option<Proto>>,
    ports: Option<(u16, u16)>,
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let mut reported: HashSet<(String, u32, &'static str)> = HashSet::new();
    for connector in connectors(cx.index) {
        let region =
            connector.region.and_then(|r| r.value.as_deref()).and_then(|r| Some((r, ranges().regions.get(r)?)));
        let encryption = connector.encryption.map(|e| e.value.as_deref().map(|v| v.eq_ignore_ascii_case("true")));
        for entry in &connector.entries {
            let Some(address) = entry.setting.refers_to.as_deref() else { continue };
            let Some(groups) = security_groups(cx.index, &entry.fact.site.source, address) else { continue };
            let rules: Vec<Rule> = groups.rules.iter().map(|&(f, i)| read(f, i)).collect();
            for rule in &rules {
                world_open(rule, &mut reported, out);
            }
            let (Some((region, ranges)), Some(group)) = (region, groups.first) else { continue };
            if !groups.complete
                || rules.iter().any(|r| r.ingress.other_sources || r.proto.is_none() || r.ports.is_none())
            {
                continue;
            }
            // Chime opens calls to a route host, so it must admit them. An
            // address only in the allow-list sends the calls: security groups
            // are stateful, the answers come back as return traffic, and the
            // port Chime would open a request to is written nowhere.
            let Some(route) = entry.route else { continue };
            let signaling = route_ports(route, encryption);
            let needs = signaling
                .map(|s| (Need::Signaling(s), &ranges.signaling))
                .into_iter()
                .chain([(Need::Media, &ranges.media)]);
            for (need, cidrs) in needs {
                // A source not known (`!Ref OfficeCidr`) may be the range;
                // the known sources of every rule that admits it count together.
                let sources: Vec<&Setting> =
                    rules.iter().filter(|r| admits(r, need)).flat_map(|r| r.ingress.cidrs.iter()).collect();
                if sources.iter().any(|c| c.value.is_none()) || covers(&sources, cidrs) {
                    continue;
                }
                let key = (
                    group.site.source.path.clone(),
                    group.site.span.start,
                    if need == Need::Media { "m" } else { "s" },
                );
                if !reported.insert(key) {
                    continue;
                }
                let message = format!(
                    "security group `{}` of the SBC at `{address}` admits no {} from the Amazon Chime SDK Voice \
                     Connector range of {region} ({}): {}",
                    group.address,
                    need.describe(),
                    cidrs.join(", "),
                    need.consequence(),
                );
                let f = Finding::new(&VOICE_CONNECTOR_SBC_INGRESS, &group.site.source, group.site.span, message)
                    .with_label(&entry.fact.site.source, entry.setting.span, entry.label())
                    .with_help(format!(
                        "admit {} from {}; the ranges of every Region are on {NETWORK_PAGE}",
                        need.ports(),
                        match cidrs.split_first() {
                            Some((v4, v6)) if !v6.is_empty() => format!("{v4} (and {} over IPv6)", v6.join(", ")),
                            _ => cidrs.join(", "),
                        }
                    ));
                out.push(f);
            }
        }
    }
}

/// A rule that admits SIP or RTP ports from every address: a warning at the CIDR.
fn world_open(rule: &Rule, reported: &mut HashSet<(String, u32, &'static str)>, out: &mut Vec<Finding>) {
    let open = [Need::Signaling(ANY_SIP), Need::Media].into_iter().any(|n| admits(rule, n));
    if !open {
        return;
    }
    for cidr in &rule.ingress.cidrs {
        let Some((_, 0)) = cidr.value.as_deref().and_then(parse_cidr) else { continue };
        let source = &rule.fact.site.source;
        if !reported.insert((source.path.clone(), cidr.span.start, "w")) {
            continue;
        }
        let text = cidr.value.as_deref().unwrap_or_default();
        let message = format!(
            "`{text}` opens the SBC's SIP signaling or RTP media ports to every address on the internet: admit only \
             the Amazon Chime SDK Voice Connector ranges of the connector's Region (SIP scanning, toll fraud)"
        );
        let mut f = Finding::new(&VOICE_CONNECTOR_SBC_INGRESS, source, cidr.span, message).with_help(format!(
            "the ranges by Region are on {NETWORK_PAGE}; see also {}",
            voice_network::SETTINGS_PAGE
        ));
        f.severity = Severity::Warning;
        out.push(f);
    }
}

/// Whether a rule's protocol and ports admit what `need` asks (sources aside).
fn admits(rule: &Rule, need: Need) -> bool {
    let (Some(proto), Some((from, to))) = (rule.proto, rule.ports) else { return false };
    match need {
        Need::Signaling(ports) => {
            ports.iter().any(|(p, n)| proto.is_none_or(|q| q == *p) && (proto.is_none() || (from..=to).contains(n)))
        }
        // RTP goes to the ports the SBC offers, not to its SIP port: a UDP
        // range that reaches beyond 5060-5061 (or every protocol) admits it.
        Need::Media => {
            let lowest = from.max(1024);
            proto.is_none_or(|q| q == Proto::Udp) && lowest <= to && !(lowest >= 5060 && to <= 5061)
        }
    }
}

/// Whether the sources together hold one of the published ranges.
fn covers(sources: &[&Setting], ranges: &[String]) -> bool {
    let outers: Vec<_> = sources.iter().filter_map(|c| c.value.as_deref().and_then(parse_cidr)).collect();
    ranges.iter().filter_map(|r| parse_cidr(r)).any(|inner| covered(inner, &outers))
}

/// The signaling port of an origination route: its port (5060 when not
/// written) on its protocol, on TCP when the connector requires encryption;
/// `None` when either is not known, or a port other than 5060 or 5061.
fn route_ports(
    route: &crate::index::OriginationRoute,
    encryption: Option<Option<bool>>,
) -> Option<&'static [(Proto, u16)]> {
    let protocol = match encryption {
        Some(Some(true)) => Some("TCP".to_string()),
        Some(None) => None,
        _ => route.protocol.as_ref()?.value.as_deref().map(str::to_ascii_uppercase),
    };
    let port = match &route.port {
        None => Some(5060),
        Some(p) => p.value.as_deref().and_then(|v| v.parse::<u16>().ok()),
    };
    match (protocol?.as_str(), port?) {
        ("UDP", 5060) => Some(&[(Proto::Udp, 5060)]),
        ("TCP", 5060) => Some(&[(Proto::Tcp, 5060)]),
        ("TCP", 5061) => Some(TLS),
        _ => None,
    }
}

fn read<'a>(fact: &'a Fact, ingress: &'a Ingress) -> Rule<'a> {
    let text = |s: &Option<Setting>| s.as_ref().and_then(|s| s.value.as_deref()).map(str::to_ascii_lowercase);
    let proto = match text(&ingress.protocol).as_deref() {
        Some("-1" | "all") => Some(None),
        Some("tcp" | "6") => Some(Some(Proto::Tcp)),
        Some("udp" | "17") => Some(Some(Proto::Udp)),
        _ => None,
    };
    let port = |s: &Option<Setting>| text(s).and_then(|v| v.parse::<i32>().ok());
    let ports = match (proto, port(&ingress.from_port), port(&ingress.to_port)) {
        (Some(None), _, _) => Some((0, u16::MAX)),
        (_, Some(-1), Some(-1)) => Some((0, u16::MAX)),
        (_, Some(f), Some(t)) => u16::try_from(f).ok().zip(u16::try_from(t).ok()).filter(|(f, t)| f <= t),
        _ => None,
    };
    Rule { fact, ingress, proto, ports }
}

/// A Voice Connector with what the project says of its network.
struct Connector<'a> {
    region: Option<&'a Setting>,
    encryption: Option<&'a Setting>,
    entries: Vec<Entry<'a>>,
}

/// An allow-list entry or a route host.
struct Entry<'a> {
    fact: &'a Fact,
    setting: &'a Setting,
    route: Option<&'a crate::index::OriginationRoute>,
}

impl Entry<'_> {
    fn label(&self) -> &'static str {
        if self.route.is_some() {
            "the SBC's address, as an origination route host"
        } else {
            "the SBC's address, in the termination allow-list"
        }
    }
}

/// The Voice Connectors of the project, by scope and address, each with its
/// settings gathered from the resources that name it.
fn connectors(index: &ProjectIndex) -> Vec<Connector<'_>> {
    let mut by: BTreeMap<(String, String), Connector> = BTreeMap::new();
    for (fact, n) in networks(index) {
        let Some(address) = n.voice_connector.address() else { continue };
        let key = (crate::index::scope(&fact.site.source.path).to_string(), address.to_string());
        let c = by.entry(key).or_insert(Connector { region: None, encryption: None, entries: Vec::new() });
        c.region = c.region.or(n.region.as_ref());
        c.encryption = c.encryption.or(n.encryption.as_ref());
        c.entries.extend(n.termination_cidrs.iter().map(|s| Entry { fact, setting: s, route: None }));
        c.entries.extend(n.routes.iter().map(|r| Entry { fact, setting: &r.host, route: Some(r) }));
    }
    by.into_values().collect()
}

/// The security groups of the machine an address belongs to, and their rules.
struct Groups<'a> {
    /// The first security group defined in the project, where a missing rule is reported.
    first: Option<&'a Fact>,
    rules: Vec<(&'a Fact, &'a Ingress)>,
    /// Every security group is defined in the project, and the machine has one.
    complete: bool,
}

/// Follows `address` through Elastic IPs, associations, network interfaces and
/// instances to their security groups; `None` when it reaches no machine.
fn security_groups<'a>(index: &'a ProjectIndex, from: &Source, address: &str) -> Option<Groups<'a>> {
    let hosts: Vec<(&Fact, &Vec<Ref>, &Vec<Ref>)> = index
        .in_scope(from)
        .filter_map(|f| match &f.kind {
            FactKind::NetworkHost { security_groups, attached_to } => Some((f, security_groups, attached_to)),
            _ => None,
        })
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::from([address]);
    let mut queue = vec![address];
    let mut group_refs: Vec<&Ref> = Vec::new();
    let mut machine = false;
    while let Some(a) = queue.pop() {
        for (fact, groups, attached) in &hosts {
            let linked = fact.address == a || attached.iter().any(|r| r.address() == Some(a));
            if !linked {
                continue;
            }
            group_refs.extend(groups.iter());
            machine |= !groups.is_empty() || fact.address == a;
            for next in std::iter::once(fact.address.as_str()).chain(attached.iter().filter_map(Ref::address)) {
                if seen.insert(next) {
                    queue.push(next);
                }
            }
        }
    }
    if !machine {
        return None;
    }
    let mut complete = !group_refs.is_empty();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for r in &group_refs {
        match r.address() {
            Some(g) if index.get(from, g).any(|f| matches!(f.kind, FactKind::SecurityGroup)) => {
                names.insert(g);
            }
            _ => complete = false,
        }
    }
    let first = names.iter().find_map(|g| index.get(from, g).find(|f| matches!(f.kind, FactKind::SecurityGroup)));
    let rules = index
        .in_scope(from)
        .filter_map(|f| match &f.kind {
            FactKind::SecurityGroupIngress(i) => Some((f, i.as_ref())),
            _ => None,
        })
        .filter(|(_, i)| i.group.address().is_some_and(|g| names.contains(g)))
        .collect();
    Some(Groups { first, rules, complete })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn every_region_has_parsable_ranges_of_both_families() {
        let data = ranges();
        assert_eq!(data.regions.len(), 10);
        for (region, r) in &data.regions {
            for list in [&r.signaling, &r.media] {
                let parsed: Vec<IpAddr> = list.iter().map(|c| parse_cidr(c).expect(region).0).collect();
                assert!(parsed.iter().any(IpAddr::is_ipv4) && parsed.iter().any(IpAddr::is_ipv6), "{region}");
            }
        }
        assert!(data.regions.keys().all(|r| crate::rules::chime_voice::regions().surfaces[0].regions.contains(r)));
    }
}
