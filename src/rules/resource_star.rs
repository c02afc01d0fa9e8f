use crate::catalog::{Action, Service};
use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::passrole_unrestricted;
use crate::rules::{ActionKind, PolicyCx};
use std::cell::OnceCell;

crate::declare_rule! {
    /// ## What it does
    /// Flags an action granted on `"Resource": "*"` in an identity policy when
    /// the action supports resource-level permissions, and gives the ARN format
    /// to scope it to. One finding per `Action` entry: a pattern (`chime:Get*`)
    /// fires when any action it matches can be scoped.
    ///
    /// Silent:
    /// - for actions that accept only `*` (about a third of the Chime SDK Voice
    ///   actions: `chime:CreateSipMediaApplication`, `chime:ListSipMediaApplications`,
    ///   the phone-number actions, `chime:GetSipRule`, `chime:DeleteSipRule`...),
    ///   and for actions whose only resource type is optional, such as
    ///   `polly:SynthesizeSpeech` (lexicons): a request that names no resource
    ///   needs `*`. Amazon Chime actions are the exception: their optional type
    ///   is a resource the request always names (`chime:CreateSipRule`'s
    ///   target SIP media applications). Several optional types
    ///   (`s3:GetObject`: an object or an access-point object) mean "one of
    ///   these" and count as scopable;
    /// - when a condition limits the resources: `aws:ResourceTag/...`,
    ///   `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`,
    ///   `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`,
    ///   `aws:SourceOrgPaths`, `aws:CalledVia...`, `aws:ViaAWSService`, or any
    ///   condition key of the action's own service (`kms:ViaService`,
    ///   `iam:PassedToService`...). Caller, network and request keys
    ///   (`aws:RequestedRegion`, `aws:SourceIp`, `aws:SourceVpce`,
    ///   `aws:RequestTag/...`) do not limit the resources and do not count.
    ///   `...IfExists`, negated operators and `Null` do not count either;
    /// - for `Deny`, resource policies (where `*` means the resource the policy
    ///   is attached to), boundaries and SCPs;
    /// - where a more specific rule speaks: `*` and `service:*` (`full-admin`,
    ///   `service-wildcard`), `iam:PassRole` (`passrole-unrestricted`), actions
    ///   that return credentials (`credentials-exposure`), single-action
    ///   escalations (`privilege-escalation`) and retired actions (`deprecated-action`).
    ///
    /// ## Why is this bad?
    /// `*` reaches every resource of the kind in the account, present and
    /// future: a function meant to update calls on one SIP media application
    /// can update calls on all of them.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/6e4b1f3c-0d35-4d0e-9a6f-2f1a9c8e7b10" }
    /// ```
    /// Keep the actions that accept only `*` in a statement of their own.
    ///
    /// The unsafe fix replaces `*` by the project's own resource when every
    /// action of the statement takes one and the same resource type, the
    /// project defines resources of that type (a SIP media application, a
    /// Voice Connector: `rules/fix/arn-references.json`), and exactly one of
    /// them is used by the functions of the roles that hold the policy (the
    /// application whose endpoint a function is, or a resource its
    /// environment names). It is written as a reference
    /// (`aws_chimesdkvoice_sip_media_application.main.arn`,
    /// `!GetAtt SipMediaApp.SipMediaApplicationArn`); a JSON file gets no
    /// fix, since the resource's id is made at deploy time. Other callers of
    /// the role lose access to the other resources.
    pub RESOURCE_STAR, "resource-star", Warning, LeastPrivilege,
    "`Resource: \"*\"` on an action that can be scoped to resource ARNs", fix = Unsafe
}

/// The unsafe fix ([`crate::rules::add_project_fixes`]): `*` replaced by
/// the one project resource the statement's actions can take and the
/// policy's roles use (the rule's documentation says when).
pub fn project_fix(cx: &crate::rules::ProjectCx, finding: &Finding) -> Option<crate::finding::Fix> {
    let (policy, i) = crate::rules::statement_at(cx, finding)?;
    let pcx = PolicyCx::new(policy);
    let sc = &pcx.statements[i];
    let resource = sc.st.resource.as_ref().filter(|r| !r.negated && !r.has_unknown)?;
    let [star] = resource.values.as_slice() else { return None };
    let star_text = star.lit().filter(|s| s.chars().all(|c| c == '*'))?;
    if !sc.actions_known() || sc.st.action.as_ref().is_none_or(|a| a.negated) {
        return None;
    }
    // Every action takes exactly this one resource type.
    let mut only = None;
    for action in sc.granted() {
        let mut types = action.resource_types().map(|(rt, _)| rt);
        let rt = types.next()?;
        if types.next().is_some()
            || only.is_some_and(|o: crate::catalog::ResourceType| {
                o.name() != rt.name() || o.arn_format() != rt.arn_format()
            })
        {
            return None;
        }
        only = Some(rt);
    }
    let of = crate::rules::own_resources::of_type(only?)?;
    let target = crate::rules::own_resources::used_by_holders(cx, policy, of)?;
    let reference = of.reference(target, crate::rules::render::Syntax::of(&policy.source))?;
    let edit = crate::rules::own_resources::write_reference(policy, star.span, star_text, &reference)?;
    crate::finding::Fix::new(crate::finding::Applicability::Unsafe, &policy.source, vec![edit])
}

/// Actions that a more specific rule reports on `*`.
fn reported_elsewhere(a: Action) -> bool {
    let d = lp::data();
    a.deprecation().is_some()
        || d.credential(a).is_some()
        || d.is_single_step_target(a)
        || Some(a) == passrole_unrestricted::pass_role()
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (sc, star) in lp::unscoped_star_grants(cx) {
        let st = sc.st;
        // Whether the statement also grants actions that accept only `*`, for
        // the help: worked out once, for its first finding.
        let star_only = OnceCell::new();
        // Whether its conditions scope it for a service's actions, asked once
        // per service (a static, so known by its address): the actions of a
        // statement share one or two.
        let mut scoped: Vec<(&'static Service, bool)> = Vec::new();
        let mut scoped_for = |service: &'static Service| match scoped.iter().find(|(s, _)| std::ptr::eq(*s, service)) {
            Some(&(_, yes)) => yes,
            None => {
                let yes = lp::scoped_for(st, Some(service.prefix()));
                scoped.push((service, yes));
                yes
            }
        };
        for a in &sc.actions {
            if !matches!(a.kind, ActionKind::Exact(_) | ActionKind::Pattern(_)) || lp::is_blanket(a) {
                continue;
            }
            let matched = a.actions();
            let scopable: Vec<Action> = matched
                .iter()
                .copied()
                .filter(|&x| lp::scopable(x) && !reported_elsewhere(x) && !scoped_for(x.service()))
                .collect();
            if scopable.is_empty() {
                continue;
            }
            let formats = lp::arn_formats(&scopable);
            let to = lp::list_words(&formats, 3, "or");
            let message = match &a.kind {
                ActionKind::Exact(x) => {
                    format!("`Resource: \"{}\"` on `{x}`, which can be scoped to {to}", star.display())
                }
                _ if scopable.len() == matched.len() => format!(
                    "`Resource: \"{}\"` on `{}`: all {} actions it matches can be scoped, to {to}",
                    star.display(),
                    lp::entry_text(a),
                    matched.len(),
                ),
                _ => format!(
                    "`Resource: \"{}\"` on `{}`: {} of the {} actions it matches can be scoped, to {to}",
                    star.display(),
                    lp::entry_text(a),
                    scopable.len(),
                    matched.len(),
                ),
            };
            let help = if *star_only.get_or_init(|| sc.granted().any(|x| !lp::scopable(x))) {
                "replace `*` with the ARNs of the resources the workload uses, in a statement of its own: the \
                 actions here that accept only `*` can keep `*`"
            } else {
                "replace `*` with the ARNs of the resources the workload uses"
            };
            out.push(
                Finding::new(&RESOURCE_STAR, &cx.policy.source, a.value.span, message)
                    .with_label(&cx.policy.source, star.span, "every resource")
                    .with_help(help),
            );
        }
    }
}
