use crate::catalog::{self, Action};
use crate::finding::Finding;
use crate::policy::arn::Arn;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a resource ARN that fits no resource type of any action in its
    /// statement: a SIP media application ARN with
    /// `chime:PutVoiceConnectorOrigination`, which takes a Voice Connector.
    /// Statements with unresolved or `*` actions are skipped.
    ///
    /// The AWS Service Authorization Reference does not list every resource of
    /// another service that AWS authorizes an action on: `ssm:StartSession` on
    /// an EKS cluster, `ec2:CreateVpcEndpointServiceConfiguration` on a Network
    /// Load Balancer, `codestar-connections:UseConnection` on a connection of
    /// the renamed `codeconnections` namespace. Where AWS managed policies
    /// grant a service's actions on another service's ARNs
    /// (`rules/catalog/cross-service.json`), such an ARN is unknown, not wrong;
    /// so is an action's own ARN when the reference lists only other services'
    /// types for it (`waf-regional:GetWebACLForResource`: a load balancer).
    ///
    /// ## Why is this bad?
    /// The statement grants nothing on that resource; the request the author
    /// had in mind is denied, usually because the ARN names the wrong kind of
    /// resource or is missing a path part (`sma/` vs `vc/`).
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:PutVoiceConnectorOrigination",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/abc" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:PutVoiceConnectorOrigination",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:vc/abcdef1ghij2klmno3pqr4" }
    /// ```
    pub RESOURCE_MISMATCH, "resource-mismatch", Error, Validity,
    "a resource ARN fits no resource type of the statement's actions"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        let (Some(action), Some(resources)) = (&sc.st.action, &sc.st.resource) else { continue };
        if action.negated || resources.negated || !sc.actions_known() {
            continue;
        }
        let actions: Vec<_> = sc.granted().filter(|a| a.supports_resource_level()).collect();
        if actions.is_empty() {
            continue;
        }
        for (i, value) in resources.values.iter().enumerate() {
            let Some(pattern) = value.as_pattern() else { continue };
            // Not an ARN at all (holes read as `*`): that is `invalid-arn`'s finding.
            if pattern.chars().all(|c| c == '*') {
                continue;
            }
            let Ok(arn) = Arn::parse(&pattern) else { continue };
            if actions.iter().any(|&a| sc.value_applies(i, a)) {
                continue;
            }
            if !sc.granted().all(|a| judges_service(a, arn.service)) {
                continue;
            }
            let expected: Vec<String> = actions
                .iter()
                .filter(|&&a| judges_service(a, arn.service))
                .take(2)
                .filter_map(|a| {
                    a.resource_types()
                        .next()
                        .map(|(rt, _)| format!("`{}` takes {} {}", a.full_name(), rt.name(), rt.arn_formats_shown()))
                })
                .collect();
            out.push(
                Finding::new(
                    &RESOURCE_MISMATCH,
                    &cx.policy.source,
                    value.span,
                    format!(
                        "`{}` fits no resource type of the statement's actions, so it grants nothing",
                        value.display()
                    ),
                )
                .with_help(expected.join("; ")),
            );
        }
    }
}

/// Whether `action` is known to take no resource of ARN namespace
/// `service` but those of its resource types: always for an action that takes
/// only `*`; for a namespace of its resource types, by its format; for its own
/// namespace when its types are all other services' (the reference lists the
/// resource acted on, `waf-regional:GetWebACLForResource` a load balancer, and
/// not its own); for another service's, unless AWS managed policies grant
/// its service's actions there (`catalog::Service::accepts_resources_of`).
fn judges_service(action: Action, service: &str) -> bool {
    if catalog::has_wildcard(service) || !action.supports_resource_level() {
        return true;
    }
    let mut formats = action.resource_types().flat_map(|(rt, _)| rt.arn_formats());
    if formats.any(|format| {
        let ns = format.split(':').nth(2).unwrap_or("");
        ns.contains("${") || ns.eq_ignore_ascii_case(service)
    }) {
        return true;
    }
    let own = action.service();
    !own.prefix().eq_ignore_ascii_case(service) && !own.accepts_resources_of(service)
}
