use crate::finding::Finding;
use crate::rules::voice_network::{self, internal_name, networks, not_public_range, parse_cidr};
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags an origination route of a Voice Connector (`route` of
    /// `aws_chimesdkvoice_voice_connector_origination` or
    /// `aws_chime_voice_connector_origination`; `origination` of a
    /// cdk-amazon-chime-resources Voice Connector) whose `host` Chime cannot
    /// reach: a private, loopback or link-local address, or a name that is
    /// clearly internal (`localhost`, `*.internal`, `*.local`, `*.lan`, ...).
    /// Hosts that cannot be resolved (`aws_eip.sbc.public_ip`) are not judged.
    ///
    /// ## Why is this bad?
    /// Origination routes are where Chime sends inbound calls, from the
    /// internet. A private address or an internal name leads nowhere: calls
    /// to your numbers fail. AWS: Amazon Chime SDK Administrator Guide,
    /// "Editing Amazon Chime SDK Voice Connector settings", Origination
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/ag/edit-voicecon.html>).
    ///
    /// ## Example
    /// ```hcl
    /// route {
    ///   host     = "10.0.12.5"
    ///   port     = 5060
    ///   protocol = "TCP"
    ///   priority = 1
    ///   weight   = 1
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// route {
    ///   host     = aws_eip.sbc.public_ip
    ///   port     = 5060
    ///   protocol = "TCP"
    ///   priority = 1
    ///   weight   = 1
    /// }
    /// ```
    pub VOICE_CONNECTOR_ORIGINATION_HOST, "voice-connector-origination-host", Error, Network,
    "a Voice Connector origination route to a private address or an internal name, which Chime cannot reach"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for (fact, network) in networks(cx.index) {
        for route in &network.routes {
            let Some(host) = route.host.value.as_deref() else { continue };
            let why = match parse_cidr(host) {
                Some(range) => match not_public_range(range) {
                    Some(range) => format!("a {range} address"),
                    None => continue,
                },
                None => match internal_name(host) {
                    Some(why) => why.to_string(),
                    None => continue,
                },
            };
            let message = format!(
                "origination route host `{host}` is {why}: Chime sends inbound calls over the internet and cannot \
                 reach it, so calls to your numbers fail"
            );
            out.push(
                Finding::new(&VOICE_CONNECTOR_ORIGINATION_HOST, &fact.site.source, route.host.span, message).with_help(
                    format!(
                        "route to the SBC's public address or a public DNS name; see {}",
                        voice_network::SETTINGS_PAGE
                    ),
                ),
            );
        }
    }
}
