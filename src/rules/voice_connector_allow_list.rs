use crate::finding::Finding;
use crate::rules::voice_network::{self, networks, not_public_range, parse_cidr};
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags an entry of a Voice Connector's termination allow-list
    /// (`cidr_allow_list` of `aws_chimesdkvoice_voice_connector_termination`
    /// or `aws_chime_voice_connector_termination`; `terminationCidrs` of a
    /// cdk-amazon-chime-resources Voice Connector) that is:
    ///
    /// - not publicly routable: private (`10.0.0.0/8`, `172.16.0.0/12`,
    ///   `192.168.0.0/16`), carrier-grade NAT, loopback, link-local;
    /// - every address (`0.0.0.0/0`, `::/0`).
    ///
    /// Values that cannot be resolved (`var.sbc_cidrs`) are not judged.
    ///
    /// ## Why is this bad?
    /// The allow-list names the addresses your SIP infrastructure sends
    /// calls from. Calls reach Chime from your SBC's public address (over
    /// the internet, or over a Direct Connect public virtual interface), so a
    /// private one never matches: outbound calls are refused. `0.0.0.0/0` lets anyone on
    /// the internet who has the connector's host name place calls on your
    /// account (toll fraud). AWS: Amazon Chime SDK Administrator Guide,
    /// "Editing Amazon Chime SDK Voice Connector settings", Termination
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/ag/edit-voicecon.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector_termination" "pbx" {
    ///   voice_connector_id = aws_chimesdkvoice_voice_connector.pbx.id
    ///   calling_regions    = ["US"]
    ///   cidr_allow_list    = ["10.0.12.0/24", "0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector_termination" "pbx" {
    ///   voice_connector_id = aws_chimesdkvoice_voice_connector.pbx.id
    ///   calling_regions    = ["US"]
    ///   cidr_allow_list    = ["203.0.113.10/32"] # the SBC's public (Elastic IP) address
    /// }
    /// ```
    pub VOICE_CONNECTOR_ALLOW_LIST, "voice-connector-allow-list", Error, Network,
    "a Voice Connector termination allow-list entry that is private (calls fail) or `0.0.0.0/0` (toll fraud)"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for (fact, network) in networks(cx.index) {
        for cidr in &network.termination_cidrs {
            let Some(text) = cidr.value.as_deref() else { continue };
            let Some((ip, prefix)) = parse_cidr(text) else { continue };
            let message = if prefix == 0 {
                format!(
                    "`{text}` lets every address on the internet place calls through this Voice Connector, on your \
                     account: list only your SIP infrastructure's public addresses (toll fraud)"
                )
            } else if ip.is_ipv4() && prefix < 8 {
                format!(
                    "`{text}` lets {} addresses of the internet place calls through this Voice Connector, on your \
                     account: list only your SIP infrastructure's public addresses (toll fraud)",
                    crate::rules::least_privilege::thousands(1usize << (32 - prefix))
                )
            } else if let Some(range) = not_public_range((ip, prefix)) {
                format!(
                    "`{text}` is a {range} range: calls reach Chime from your SBC's public address (over the \
                     internet, or a Direct Connect public virtual interface), never from this one, so they are \
                     refused; list the public (Elastic IP or NAT) address instead"
                )
            } else {
                continue;
            };
            out.push(
                Finding::new(&VOICE_CONNECTOR_ALLOW_LIST, &fact.site.source, cidr.span, message)
                    .with_help(format!("see {}", voice_network::SETTINGS_PAGE)),
            );
        }
    }
}
