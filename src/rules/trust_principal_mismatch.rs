use crate::analysis::principal::PolicyLookup;
use crate::catalog::wildcard_match;
use crate::finding::Finding;
use crate::index::{Fact, FactKind, Ref};
use crate::policy::{Policy, PolicyKind};
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a role used by a service that cannot assume it: the execution
    /// role of a Lambda function whose trust policy does not trust
    /// `lambda.amazonaws.com`; likewise ECS tasks (`ecs-tasks.amazonaws.com`),
    /// Step Functions (`states.amazonaws.com`), EC2 instance profiles
    /// (`ec2.amazonaws.com`) and the media insights pipeline resource access
    /// role that `mediapipelines.chime.amazonaws.com` assumes. Roles and trust
    /// policies defined outside the project are not judged.
    ///
    /// ## Why is this bad?
    /// The service cannot assume the role: the deploy fails ("The role
    /// defined for the function cannot be assumed by Lambda"), or, for media
    /// pipelines, every call analytics session fails at run time.
    ///
    /// ## Example
    /// ```yaml
    /// AnalyticsRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     AssumeRolePolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Principal: { Service: chime.amazonaws.com }
    ///           Action: sts:AssumeRole
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///           Principal: { Service: mediapipelines.chime.amazonaws.com }
    /// ```
    pub TRUST_PRINCIPAL_MISMATCH, "trust-principal-mismatch", Error, Gap,
    "a role's trust policy does not trust the service that uses the role", fix = Unsafe
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let lookup = PolicyLookup::new(cx.policies);
    for user in &cx.index.facts {
        let Some((role, service, what)) = role_use(user) else { continue };
        let Some(role_address) = role.address() else { continue };
        if cx.index.get(&user.site.source, role_address).all(|f| !matches!(f.kind, FactKind::Role { .. })) {
            continue;
        }
        let trusts: Vec<&Policy> = lookup
            .at(cx.index, &user.site.source, role_address)
            .into_iter()
            .filter(|p| p.kind == PolicyKind::Trust)
            .collect();
        if trusts.is_empty() {
            continue;
        }
        let trusted = match trusted_services(&trusts) {
            Some(t) => t,
            None => continue, // some principal is not known statically
        };
        if trusted.iter().any(|t| t == service) {
            continue;
        }
        let policy = trusts[0];
        let at = policy
            .statements
            .iter()
            .find_map(|s| s.principal.as_ref().map(|p| p.span))
            .unwrap_or(crate::source::Span { start: policy.span.start, end: policy.span.start + 1 });
        let trusted_text = if trusted.is_empty() {
            "no service".to_string()
        } else {
            trusted.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
        };
        out.push(
            Finding::new(
                &TRUST_PRINCIPAL_MISMATCH,
                &policy.source,
                at,
                format!(
                    "role `{role_address}` is the role of {what} `{}`, but its trust policy trusts {trusted_text}, not `{service}`: the service cannot assume it",
                    user.address
                ),
            )
            .with_help(format!("trust the service: \"Principal\": {{ \"Service\": \"{service}\" }} with \"Action\": \"sts:AssumeRole\""))
            .with_label(&user.site.source, user.site.span, format!("{what} that uses the role"))
            .with_fix(replace_service(&trusts, &trusted, service).filter(|_| !needed_elsewhere(cx, &lookup, user, &trusts, &trusted))),
        );
    }
}

/// The unsafe fix when the trust policies trust one service, written once:
/// that principal replaced by the service that uses the role. Unsafe: the
/// service trusted until now no longer is.
fn replace_service(trusts: &[&Policy], trusted: &[String], service: &str) -> Option<crate::finding::Fix> {
    let [old] = trusted else { return None };
    let mut places = trusts.iter().flat_map(|p| {
        p.statements
            .iter()
            .filter_map(|s| s.principal.as_ref())
            .flat_map(|pr| pr.services())
            .filter(|v| v.lit() == Some(old.as_str()))
            .map(move |v| (p, v))
    });
    let (policy, value) = places.next()?;
    if places.next().is_some() {
        return None;
    }
    crate::finding::fix::replace(crate::finding::Applicability::Unsafe, &policy.source, value.span, old, service)
}

/// Whether another user of the role (an instance profile beside a function)
/// needs a service the trust policies trust now: replacing it would move the
/// mismatch there, and the next pass would move it back.
fn needed_elsewhere(
    cx: &ProjectCx,
    lookup: &PolicyLookup,
    user: &Fact,
    trusts: &[&Policy],
    trusted: &[String],
) -> bool {
    cx.index.facts.iter().filter(|other| !std::ptr::eq(*other, user)).any(|other| {
        let Some((role, service, _)) = role_use(other) else { return false };
        let Some(address) = role.address() else { return false };
        let same_role = lookup
            .at(cx.index, &other.site.source, address)
            .into_iter()
            .any(|p| trusts.iter().any(|t| std::ptr::eq(*t, p)));
        same_role && trusted.iter().any(|t| t == service)
    })
}

/// The role a resource runs as, the service principal that assumes it, and what the resource is.
fn role_use(fact: &Fact) -> Option<(&Ref, &str, &'static str)> {
    match &fact.kind {
        FactKind::LambdaFunction { role, .. } => Some((role, "lambda.amazonaws.com", "Lambda function")),
        FactKind::MediaInsightsPipeline { resource_access_role } => {
            Some((resource_access_role, "mediapipelines.chime.amazonaws.com", "media insights pipeline configuration"))
        }
        FactKind::RoleUser { service, role } => Some((role, service.as_str(), "resource")),
        _ => None,
    }
}

/// Services the trust policies let assume the role, or `None` when a
/// principal or action cannot be known statically.
fn trusted_services(trusts: &[&Policy]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for p in trusts {
        for st in p.statements.iter().filter(|s| s.is_allow()) {
            let principal = st.principal.as_ref()?;
            let actions = st.action.as_ref()?;
            if principal.has_unknown || principal.negated || actions.has_unknown {
                return None;
            }
            let assumes = actions.values.iter().any(|v| match v.lit() {
                Some(a) => wildcard_match(a, "sts:AssumeRole", true) != actions.negated,
                None => true,
            });
            if !assumes {
                continue;
            }
            for s in principal.services() {
                match s.lit() {
                    Some(name) => out.push(name.to_string()),
                    None => return None,
                }
            }
        }
    }
    Some(out)
}
