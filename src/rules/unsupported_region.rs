use crate::finding::Finding;
use crate::index::FactKind;
use crate::policy::arn::Arn;
use crate::rules::{chime_voice, ProjectCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a Chime SDK Voice resource (SIP media application, Voice
    /// Connector) or a Chime SDK Voice ARN in a policy whose Region does not
    /// offer the API surface of that resource. The Regions are data, by
    /// surface, with the AWS page of each, in `rules/chime-voice/regions.json`:
    /// the voice API (SIP media applications, Voice Connectors) in 10 Regions;
    /// voice analytics (voice profile domains and profiles) in us-east-1 and
    /// us-west-2; call analytics (media insights pipeline configurations) in
    /// us-east-1, us-west-2 and eu-central-1; media pipelines in 10, not eu-west-1.
    ///
    /// ## Why is this bad?
    /// The deploy fails, or a policy scoped to that Region grants nothing,
    /// because there is no endpoint there.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector" "pbx" {
    ///   name       = "pbx"
    ///   aws_region = "eu-west-3"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector" "pbx" {
    ///   name       = "pbx"
    ///   aws_region = "eu-central-1"
    /// }
    /// ```
    pub UNSUPPORTED_REGION, "unsupported-region", Warning, Gap,
    "a Chime SDK Voice resource or ARN in a Region without the API"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let data = chime_voice::regions();
    let Some(voice) = data.surface("voice") else { return };
    for fact in &cx.index.facts {
        let (region, what) = match &fact.kind {
            FactKind::SipMediaApplication { region: Some(r), .. } => (r, "SIP media application"),
            FactKind::VoiceConnector { region: Some(r), .. } => (r, "Voice Connector"),
            _ => continue,
        };
        if !voice.regions.iter().any(|r| r == region) {
            out.push(Finding::new(
                &UNSUPPORTED_REGION,
                &fact.site.source,
                fact.site.span,
                format!(
                    "{what} `{}` is in `{region}`, where Amazon Chime SDK Voice is not offered; it is offered in {}",
                    fact.address,
                    voice.regions.join(", ")
                ),
            ));
        }
    }
    for policy in cx.policies {
        for st in &policy.statements {
            let Some(resources) = &st.resource else { continue };
            for (value, text) in resources.literals() {
                let Ok(arn) = Arn::parse(text) else { continue };
                if arn.service != "chime" || arn.region.is_empty() || arn.region.contains(['*', '?', '$']) {
                    continue;
                }
                let resource_type = arn.resource.split('/').next().unwrap_or("");
                let surface =
                    data.surfaces.iter().find(|s| s.resource_types.iter().any(|t| arn_prefix(t) == resource_type));
                let Some(surface) = surface else { continue };
                if !surface.regions.iter().any(|r| r == arn.region) {
                    out.push(Finding::new(
                        &UNSUPPORTED_REGION,
                        &policy.source,
                        value.span,
                        format!(
                            "`{text}` is in `{}`, where {} is not offered: the statement grants nothing there (offered in {})",
                            arn.region,
                            surface.surface,
                            surface.regions.join(", ")
                        ),
                    ));
                }
            }
        }
    }
}

/// The ARN resource prefix of a Chime resource type (`sip-media-application` → `sma`).
fn arn_prefix(resource_type: &str) -> &str {
    match resource_type {
        "sip-media-application" => "sma",
        "voice-connector" => "vc",
        other => other,
    }
}
