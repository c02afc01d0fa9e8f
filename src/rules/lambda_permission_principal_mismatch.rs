use crate::finding::Finding;
use crate::index::{Fact, FactKind, Ref};
use crate::policy::{Policy, PolicyKind, Statement};
use crate::rules::ProjectCx;
use serde::Deserialize;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Flags the principal of a Lambda permission (`aws_lambda_permission`,
    /// `AWS::Lambda::Permission`) whose function an Amazon Chime resource
    /// invokes, when it is not the service principal that resource's service
    /// uses: a SIP media application invokes its endpoint as
    /// `voiceconnector.chime.amazonaws.com`, a channel flow processor is invoked
    /// as `messaging.chime.amazonaws.com`. The invoker is known when a SIP media
    /// application of the project names the function as its endpoint, or when
    /// the permission's `aws:SourceArn` is a SIP media application or an app
    /// instance. The pairs, with their AWS pages, are in
    /// `rules/chime-voice/invokers.json`. Silent when the principal or the
    /// source ARN is unknown (a variable, a parameter).
    ///
    /// ## Why is this bad?
    /// Lambda compares the principal exactly: a permission for
    /// `chime.amazonaws.com` does not let `messaging.chime.amazonaws.com`
    /// invoke the processor, so every message of the channel flow fails (or
    /// every call of the SIP media application hangs up) while the template
    /// looks right.
    ///
    /// ## Example
    /// ```yaml
    /// ProcessorPermission:
    ///   Type: AWS::Lambda::Permission
    ///   Properties:
    ///     FunctionName: !Ref Processor
    ///     Action: lambda:InvokeFunction
    ///     Principal: chime.amazonaws.com
    ///     SourceArn: !Sub arn:aws:chime:${AWS::Region}:${AWS::AccountId}:app-instance/*
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ProcessorPermission:
    ///   Type: AWS::Lambda::Permission
    ///   Properties:
    ///     FunctionName: !Ref Processor
    ///     Action: lambda:InvokeFunction
    ///     Principal: messaging.chime.amazonaws.com
    ///     SourceArn: !Sub arn:aws:chime:${AWS::Region}:${AWS::AccountId}:app-instance/*
    /// ```
    pub LAMBDA_PERMISSION_PRINCIPAL_MISMATCH, "lambda-permission-principal-mismatch", Error, Gap,
    "a Lambda permission for a function a Chime resource invokes names another service principal"
}

#[derive(Deserialize)]
struct Invokers {
    invokers: Vec<Invoker>,
}

/// A Chime resource that invokes functions, by the resource part of its ARN.
#[derive(Deserialize)]
struct Invoker {
    resource: Vec<String>,
    what: String,
    principal: String,
    source: String,
}

fn invokers() -> &'static Invokers {
    static DATA: OnceLock<Invokers> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/invokers.json"))
            .expect("rules/chime-voice/invokers.json is checked by the tests")
    })
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for policy in cx.policies.iter().filter(|p| p.kind == PolicyKind::Resource) {
        let Some(address) = policy.origin.as_deref() else { continue };
        let Some(permission) =
            cx.index.get(&policy.source, address).find(|f| matches!(f.kind, FactKind::LambdaPermission { .. }))
        else {
            continue;
        };
        for st in policy.statements.iter().filter(|s| s.is_allow()) {
            let Some((invoker, by, certain)) = invoker_of(cx, policy, permission, st) else { continue };
            let Some(principal) = st.principal.as_ref().filter(|p| !p.negated) else { continue };
            for value in principal.services() {
                let Some(service) = value.lit() else { continue };
                // A function a SIP media application invokes may have other
                // invokers too (an EventBridge rule); only a source ARN says
                // who this permission is for, otherwise only Chime's own
                // principals can be the wrong one.
                let chime = service.to_ascii_lowercase().ends_with("chime.amazonaws.com");
                if service.eq_ignore_ascii_case(&invoker.principal) || !(certain || chime) {
                    continue;
                }
                out.push(
                    Finding::new(
                        &LAMBDA_PERMISSION_PRINCIPAL_MISMATCH,
                        &policy.source,
                        value.span,
                        format!(
                            "`{service}` never invokes this function: {by} invokes it as `{}`, so this permission \
                             lets nothing in and the invocation is denied",
                            invoker.principal
                        ),
                    )
                    .with_help(format!(
                        "name `{}` as the principal (`{}` in rules/chime-voice/invokers.json)",
                        invoker.principal, invoker.source
                    )),
                );
            }
        }
    }
}

/// The Chime resource that invokes the permission's function, how we know
/// (a SIP media application of the project that names it as endpoint, or the
/// permission's `aws:SourceArn`), and whether the permission is for that
/// invoker alone (it names its source ARN).
fn invoker_of(
    cx: &ProjectCx,
    policy: &Policy,
    permission: &Fact,
    st: &Statement,
) -> Option<(&'static Invoker, String, bool)> {
    let data = invokers();
    if let FactKind::LambdaPermission { function: Ref::Address(function), .. } = &permission.kind {
        let sma = cx.index.in_scope(&policy.source).find(|f| match &f.kind {
            FactKind::SipMediaApplication { endpoints, .. } => endpoints.iter().any(|e| e.address() == Some(function)),
            _ => false,
        });
        if let Some(sma) = sma {
            let invoker = data.invokers.iter().find(|i| i.resource.iter().any(|r| r == "sma"))?;
            return Some((invoker, format!("SIP media application `{}`", sma.address), false));
        }
    }
    for c in st.conditions.iter().filter(|c| c.key.eq_ignore_ascii_case("aws:SourceArn")) {
        for v in &c.values {
            let Some(arn) = v.as_pattern() else { continue };
            let mut parts = arn.splitn(6, ':');
            let (Some("arn"), _, Some(service), _, _, Some(resource)) =
                (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if service != "chime" {
                continue;
            }
            let kind = resource.split('/').next().unwrap_or("");
            if let Some(invoker) = data.invokers.iter().find(|i| i.resource.iter().any(|r| r == kind)) {
                return Some((invoker, format!("{} (the source ARN `{}`)", invoker.what, v.display()), true));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invoker_names_a_source_and_a_chime_principal() {
        let meta: serde_json::Value =
            serde_json::from_str(include_str!("../../rules/chime-voice/invokers.json")).unwrap();
        for i in &invokers().invokers {
            assert!(meta["_meta"]["sources"][&i.source].is_string(), "{}", i.source);
            assert!(i.principal.ends_with(".chime.amazonaws.com"), "{}", i.principal);
        }
    }
}
