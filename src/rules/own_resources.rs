//! The project's own resources, as a fix names them: which IAM resource
//! types the project index knows resources of, which of those resources a
//! role's functions use, and how the file's syntax writes such a resource's
//! ARN (`rules/fix/arn-references.json`).
//!
//! An ARN is written as a reference (`aws_chimesdkvoice_sip_media_application.main.arn`,
//! `!GetAtt Sma.SipMediaApplicationArn`), never guessed: the id in it is
//! made by AWS at deploy time, so a plain JSON policy, which can hold no
//! reference, gets no fix.

use crate::catalog::ResourceType;
use crate::index::{Fact, FactKind, ProjectIndex, Ref};
use crate::policy::Policy;
use crate::rules::render::Syntax;
use crate::rules::ProjectCx;
use crate::source::{Source, Span};
use serde::Deserialize;
use std::sync::OnceLock;

/// One resource type the index knows resources of, and how their ARN is named.
#[derive(Debug, Deserialize)]
pub struct ArnReference {
    pub service: String,
    pub resource_type: String,
    /// The [`FactKind`] variant of such a resource.
    pub fact: String,
    /// Terraform resource types, and the attribute that holds the ARN.
    pub terraform: Vec<String>,
    pub terraform_attribute: String,
    /// CloudFormation types, and the `Fn::GetAtt` attribute that gives the ARN.
    pub cloudformation: Vec<String>,
    pub get_att: String,
}

#[derive(Deserialize)]
struct Table {
    types: Vec<ArnReference>,
}

fn table() -> &'static [ArnReference] {
    static TABLE: OnceLock<Vec<ArnReference>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<Table>(include_str!("../../rules/fix/arn-references.json"))
            .map(|t| t.types)
            .unwrap_or_default()
    })
}

/// How the ARN of resources of type `rt` is named, when the index knows them.
pub fn of_type(rt: ResourceType) -> Option<&'static ArnReference> {
    let service = rt.arn_format().split(':').nth(2).unwrap_or_default();
    table().iter().find(|e| e.resource_type == rt.name() && e.service == service)
}

/// The entry for the ARN format a rule's data gives
/// (`arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}`):
/// the same service and the same resource part before its first `/`. The
/// Lex form of a SIP media application's ARN (service `voiceconnector`) is
/// not the one its `Arn` attribute gives, and matches nothing.
pub fn of_arn_format(format: &str) -> Option<&'static ArnReference> {
    let shape = |arn: &str| {
        let mut parts = arn.splitn(6, ':');
        let service = parts.nth(2)?.to_string();
        let resource = parts.nth(2)?.split('/').next()?.to_string();
        Some((service, resource))
    };
    let want = shape(format)?;
    table().iter().find(|e| {
        let rt = crate::catalog::service(&e.service)
            .and_then(|s| s.resource_types().find(|rt| rt.name() == e.resource_type));
        rt.is_some_and(|rt| rt.arn_formats().any(|f| shape(f).as_ref() == Some(&want)))
    })
}

fn fact_kind_name(kind: &FactKind) -> Option<&'static str> {
    match kind {
        FactKind::SipMediaApplication { .. } => Some("SipMediaApplication"),
        FactKind::VoiceConnector { .. } => Some("VoiceConnector"),
        _ => None,
    }
}

impl ArnReference {
    /// Whether `fact` is a resource of this type.
    pub fn is(&self, fact: &Fact) -> bool {
        fact_kind_name(&fact.kind) == Some(self.fact.as_str())
            && (!crate::index::is_terraform(&fact.site.source.path)
                || self.terraform.iter().any(|t| fact.address.split_once('.').is_some_and(|(ty, _)| ty == t)))
    }

    /// The resources of this type the template or module of `from` defines.
    pub fn defined<'a>(&'a self, index: &'a ProjectIndex, from: &Source) -> impl Iterator<Item = &'a Fact> + 'a {
        index.in_scope(from).filter(move |f| self.is(f))
    }

    /// The ARN of `fact` as an expression of `syntax`: `None` in JSON.
    pub fn reference(&self, fact: &Fact, syntax: Syntax) -> Option<Reference> {
        let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match syntax {
            Syntax::Hcl if fact.address.split('.').all(plain) => {
                Some(Reference::Hcl(format!("{}.{}", fact.address, self.terraform_attribute)))
            }
            // A CloudFormation logical id is alphanumeric.
            Syntax::Yaml if fact.address.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(Reference::GetAtt(fact.address.clone(), self.get_att.clone()))
            }
            _ => None,
        }
    }
}

/// A reference to a resource's ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `aws_chimesdkvoice_sip_media_application.main.arn`
    Hcl(String),
    /// `!GetAtt Sma.SipMediaApplicationArn`
    GetAtt(String, String),
}

impl Reference {
    /// As a YAML value: `!GetAtt Sma.SipMediaApplicationArn`; in Terraform, `aws_x.main.arn`.
    pub fn value(&self) -> String {
        match self {
            Reference::Hcl(r) => r.clone(),
            Reference::GetAtt(id, attr) => format!("!GetAtt {id}.{attr}"),
        }
    }
}

/// An edit that writes `reference` in place of the string literal at `span`
/// (whose value is `current`), in the literal's host: a bare reference for an
/// HCL string, an interpolation inside heredoc JSON or a quoted JSON string,
/// a tag for a YAML scalar. `None` where the literal is inside a string (a
/// JSON policy embedded in YAML, where no tag can go), or is not exactly `current`.
pub fn write_reference(policy: &Policy, span: Span, current: &str, reference: &Reference) -> Option<(Span, String)> {
    let source = &policy.source;
    let text = &source.text;
    let raw = text.get(span.range())?;
    match (Syntax::of(source), reference) {
        (Syntax::Hcl, Reference::Hcl(r)) if source.language() == crate::source::Language::Hcl => {
            if raw == format!("\\\"{current}\\\"") {
                Some((span, format!("\\\"${{{r}}}\\\"")))
            } else if raw == format!("\"{current}\"") {
                let text = if in_heredoc(&text[..span.start as usize]) { format!("\"${{{r}}}\"") } else { r.clone() };
                Some((span, text))
            } else {
                None
            }
        }
        (Syntax::Yaml, Reference::GetAtt(..)) => {
            let quoted = [format!("\"{current}\""), format!("'{current}'"), current.to_string()];
            if !quoted.iter().any(|q| q == raw) || embedded_yaml(policy) {
                return None;
            }
            Some((span, reference.value()))
        }
        _ => None,
    }
}

/// Whether the end of `before` is inside a heredoc (`<<EOT` ... `EOT`): a
/// heredoc is a template, so a reference is written there as `${...}`.
pub fn in_heredoc(before: &str) -> bool {
    let Some(open) = before.rfind("<<") else { return false };
    let rest = &before[open + 2..];
    let marker: String =
        rest.trim_start_matches(['-', '~']).chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if marker.is_empty() {
        return false;
    }
    let Some(body_start) = rest.find('\n') else { return false };
    !rest[body_start..].lines().any(|l| l.trim() == marker)
}

/// Whether a YAML file's policy is a JSON string (`PolicyDocument: |` or a
/// quoted scalar) rather than YAML nodes.
pub fn embedded_yaml(policy: &Policy) -> bool {
    let text = &policy.source.text;
    let start = policy.span.start as usize;
    let first = text[start..].chars().next();
    let before = text[..start].trim_end_matches([' ', '\t', '\r', '\n']);
    let header = before.rsplit([' ', '\n']).next().unwrap_or_default();
    matches!(first, Some('"' | '\'')) || before.ends_with(['"', '\'']) || header.starts_with(['|', '>'])
}

/// The Lambda functions of `role` (an address in the scope of `from`),
/// or `None` when something else runs as it too.
fn functions_of<'a>(index: &'a ProjectIndex, from: &Source, role: &str) -> Option<Vec<&'a Fact>> {
    let mut functions = Vec::new();
    for f in index.in_scope(from) {
        match &f.kind {
            FactKind::LambdaFunction { role: Ref::Address(r), .. } if r == role => functions.push(f),
            FactKind::RoleUser { role: Ref::Address(r), .. }
            | FactKind::MediaInsightsPipeline { resource_access_role: Ref::Address(r) }
                if r == role =>
            {
                return None
            }
            _ => {}
        }
    }
    Some(functions)
}

/// Whether `function` uses `resource`: it is the SIP media application's
/// endpoint, or its environment names the resource.
fn uses(index: &ProjectIndex, function: &Fact, resource: &Fact) -> bool {
    let endpoint = matches!(&resource.kind, FactKind::SipMediaApplication { endpoints, .. }
        if endpoints.iter().any(|e| e.address() == Some(function.address.as_str())));
    let named = index.get(&function.site.source, &function.address).any(|f| {
        matches!(&f.kind, FactKind::FunctionEnvironment { references }
            if references.iter().any(|(r, _)| r.address() == Some(resource.address.as_str())))
    });
    endpoint || named
}

/// The Lambda functions that run as the principals holding `policy`, when
/// each of those is a role of the project that only Lambda functions run as:
/// then what these functions use is all the policy is used for.
pub fn holder_functions<'a>(cx: &'a ProjectCx, policy: &Policy) -> Option<Vec<&'a Fact>> {
    let holders: Vec<&str> = cx.holders_of(policy).map(|set| set.principal.as_str()).collect();
    if holders.is_empty() {
        return None;
    }
    let mut functions = Vec::new();
    for role in holders {
        let is_role = cx.index.get(&policy.source, role).any(|f| matches!(f.kind, FactKind::Role { .. }));
        if !is_role {
            return None;
        }
        functions.extend(functions_of(cx.index, &policy.source, role)?);
    }
    (!functions.is_empty()).then_some(functions)
}

/// The one resource of type `of` that the functions of the principals
/// holding `policy` use ([`holder_functions`]), among those the project defines.
pub fn used_by_holders<'a>(cx: &'a ProjectCx, policy: &Policy, of: &'static ArnReference) -> Option<&'a Fact> {
    let functions = holder_functions(cx, policy)?;
    let mut used = of.defined(cx.index, &policy.source).filter(|r| functions.iter().any(|f| uses(cx.index, f, r)));
    let one = used.next()?;
    used.next().is_none().then_some(one)
}

/// The only resource of type `of` that the template or module of `from` defines.
pub fn only_one<'a>(cx: &'a ProjectCx, from: &Source, of: &'static ArnReference) -> Option<&'a Fact> {
    let mut all = of.defined(cx.index, from);
    let one = all.next()?;
    all.next().is_none().then_some(one)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heredoc_is_open_until_its_marker_line() {
        assert!(in_heredoc("policy = <<EOT\n{\n  \"Resource\": "));
        assert!(in_heredoc("policy = <<-JSON\n  {\"Resource\": "));
        assert!(!in_heredoc("policy = <<EOT\n{}\nEOT\n}\nresource \"x\" \"y\" {\n  a = "));
        assert!(!in_heredoc("a = jsonencode({ Resource = "));
    }

    #[test]
    fn arn_formats_find_their_resource_type() {
        let sma = of_arn_format("arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}");
        assert_eq!(sma.map(|e| e.get_att.as_str()), Some("SipMediaApplicationArn"));
        let vc = of_arn_format("arn:${Partition}:chime:${Region}:${Account}:vc/${VoiceConnectorId}");
        assert_eq!(vc.map(|e| e.terraform_attribute.as_str()), Some("arn"));
        // The Lex form names the application under another service: no attribute gives it.
        assert!(of_arn_format("arn:${Partition}:voiceconnector:${Region}:${Account}:sma/${SipMediaApplicationId}")
            .is_none());
        assert!(of_arn_format("arn:${Partition}:s3:::${BucketName}").is_none());
    }
}
