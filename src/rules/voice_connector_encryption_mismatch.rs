use crate::finding::{Finding, Severity};
use crate::index::{Ref, Setting};
use crate::rules::voice_network::{self, networks};
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags an origination route on UDP or on port 5060 of a Voice Connector
    /// that requires encryption (`require_encryption = true`,
    /// `RequireEncryption: true`, `encryption: true` in
    /// cdk-amazon-chime-resources). The connector and its routes are matched
    /// by reference (`voice_connector_id = aws_chimesdkvoice_voice_connector.pbx.id`);
    /// a connector or setting that cannot be resolved is not judged.
    ///
    /// A route on UDP is an error; a TCP route on port 5060 a warning (an SBC
    /// may take TLS there, though SIP over TLS is on 5061).
    ///
    /// ## Why is this bad?
    /// With encryption on, inbound calls use TLS for SIP signaling (TLS runs
    /// on TCP; the Voice Connector service uses TLS port 5061) and SRTP for
    /// media. A route on UDP cannot carry TLS, and port 5060 is where SIP
    /// servers take unencrypted SIP: inbound calls fail. AWS: Amazon Chime
    /// SDK Administrator Guide, "Editing Amazon Chime SDK Voice Connector
    /// settings", Encryption (<https://docs.aws.amazon.com/chime-sdk/latest/ag/edit-voicecon.html>);
    /// API Reference, `OriginationRoute` ("Encryption-enabled Amazon Chime SDK
    /// Voice Connectors use TCP protocol").
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector" "pbx" {
    ///   name               = "pbx"
    ///   require_encryption = true
    /// }
    /// resource "aws_chimesdkvoice_voice_connector_origination" "pbx" {
    ///   voice_connector_id = aws_chimesdkvoice_voice_connector.pbx.id
    ///   route {
    ///     host     = "sbc.example.com"
    ///     port     = 5060
    ///     protocol = "UDP"
    ///     priority = 1
    ///     weight   = 1
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    ///   route {
    ///     host     = "sbc.example.com"
    ///     port     = 5061
    ///     protocol = "TCP"
    ///     priority = 1
    ///     weight   = 1
    ///   }
    /// ```
    pub VOICE_CONNECTOR_ENCRYPTION_MISMATCH, "voice-connector-encryption-mismatch", Error, Network,
    "an origination route on UDP or port 5060 of a Voice Connector that requires encryption (TLS on TCP 5061)"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    // The connectors that require encryption: the fact, its address, the setting.
    let encrypted: Vec<_> = networks(cx.index)
        .filter_map(|(fact, n)| {
            let setting = n.encryption.as_ref()?;
            let on = setting.value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true"));
            Some((fact, n.voice_connector.address()?, setting)).filter(|_| on)
        })
        .collect();
    for (connector, address, setting) in encrypted {
        let routes = networks(cx.index)
            .filter(|(f, n)| {
                crate::index::scope(&f.site.source.path) == crate::index::scope(&connector.site.source.path)
                    && n.voice_connector == Ref::Address(address.to_string())
            })
            .flat_map(|(f, n)| n.routes.iter().map(move |r| (f, r)));
        for (fact, route) in routes {
            let udp = route.protocol.as_ref().filter(|p| is(p, "UDP"));
            let plain_port = route.port.as_ref().filter(|p| is(p, "5060"));
            let host = route.host.value.as_deref().unwrap_or("<unresolved>");
            let (at, message, severity) = match (udp, plain_port) {
                (Some(p), _) => (
                    p,
                    format!(
                        "Voice Connector `{address}` requires encryption, so inbound calls use TLS, which runs on \
                         TCP, but the route to `{host}` is on UDP: inbound calls fail"
                    ),
                    Severity::Error,
                ),
                (None, Some(p)) => (
                    p,
                    format!(
                        "Voice Connector `{address}` requires encryption, so inbound calls use TLS, but the route to \
                         `{host}` goes to port 5060, where SIP servers take unencrypted SIP (SIP over TLS is on \
                         5061): calls fail unless the SBC takes TLS on 5060"
                    ),
                    Severity::Warning,
                ),
                (None, None) => continue,
            };
            let mut f = Finding::new(&VOICE_CONNECTOR_ENCRYPTION_MISMATCH, &fact.site.source, at.span, message);
            f.severity = severity;
            out.push(f.with_label(&connector.site.source, setting.span, "encryption required here").with_help(
                format!(
                    "use `protocol = \"TCP\"` and `port = 5061` on this route (and TLS on the SBC), or turn \
                         encryption off; see {}",
                    voice_network::SETTINGS_PAGE
                ),
            ));
        }
    }
}

fn is(setting: &Setting, value: &str) -> bool {
    setting.value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(value))
}
