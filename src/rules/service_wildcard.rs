use crate::catalog::{self, AccessLevel, Action, ResourceType, Service};
use crate::finding::Finding;
use crate::policy::arn::Arn;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, ActionRef, PolicyCx, ProjectCx, StatementCx};
use std::cell::RefCell;
use std::rc::Rc;

crate::declare_rule! {
    /// ## What it does
    /// Flags an `Allow` of a whole service (`"chime:*"`, `"s3:*"`) in an identity
    /// policy, and of every action (`"*"`) on named resources. The message says
    /// what the wildcard really grants: for `chime:*`, 316 actions, 190 of them
    /// Write, across the Voice, Messaging, Identity, Media Pipelines and
    /// Meetings APIs and the legacy Amazon Chime ones; and it names the Chime
    /// SDK Voice action families the workload probably needs.
    ///
    /// Silent for `Deny` statements, resource policies, boundaries and SCPs,
    /// and when a condition limits the resources (`aws:ResourceTag/...`, or a
    /// condition key of the service itself). `"*"` on `"*"` is `full-admin`.
    ///
    /// An attached AWS managed policy that grants a whole service
    /// (`AmazonS3FullAccess` grants `s3:*` and `s3-object-lambda:*` on `*`) is
    /// reported where the project attaches it: the ARN in `ManagedPolicyArns`,
    /// `managed_policy_arns` or `policy_arn`, or the name in SAM `Policies`.
    ///
    /// ## Why is this bad?
    /// A service wildcard grants every action the service has and every action
    /// AWS adds to it later: deleting, reconfiguring and re-routing, not only
    /// the call the workload makes. `chime:*` is the usual answer to an
    /// `AccessDeniedException` from Chime SDK Voice, and it lets a call-control
    /// function also delete Voice Connectors, release phone numbers and read
    /// every meeting and chat channel in the account.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:*", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// Name the actions of the family the workload uses:
    /// ```json
    /// { "Effect": "Allow",
    ///   "Action": ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"],
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    ///
    /// The Chime SDK Voice families (`rules/chime-voice-families.json`):
    /// - SIP media application calls: `chime:CreateSipMediaApplicationCall`,
    ///   `chime:UpdateSipMediaApplicationCall`.
    /// - SIP media applications: `chime:CreateSipMediaApplication`,
    ///   `chime:GetSipMediaApplication`, `chime:UpdateSipMediaApplication`,
    ///   `chime:DeleteSipMediaApplication`, `chime:ListSipMediaApplications`,
    ///   `chime:GetSipMediaApplicationLoggingConfiguration`,
    ///   `chime:PutSipMediaApplicationLoggingConfiguration`.
    /// - SIP rules: `chime:CreateSipRule`, `chime:GetSipRule`, `chime:UpdateSipRule`,
    ///   `chime:DeleteSipRule`, `chime:ListSipRules`.
    /// - phone numbers: `chime:SearchAvailablePhoneNumbers`, `chime:CreatePhoneNumberOrder`,
    ///   `chime:GetPhoneNumberOrder`, `chime:ListPhoneNumberOrders`, `chime:GetPhoneNumber`,
    ///   `chime:ListPhoneNumbers`, `chime:UpdatePhoneNumber`, `chime:BatchUpdatePhoneNumber`,
    ///   `chime:DeletePhoneNumber`, `chime:BatchDeletePhoneNumber`, `chime:RestorePhoneNumber`,
    ///   `chime:GetPhoneNumberSettings`, `chime:UpdatePhoneNumberSettings`,
    ///   `chime:ListSupportedPhoneNumberCountries`, `chime:ValidateE911Address`.
    /// - Voice Connectors: `chime:CreateVoiceConnector`, `chime:GetVoiceConnector`,
    ///   `chime:UpdateVoiceConnector`, `chime:DeleteVoiceConnector`, `chime:ListVoiceConnectors`,
    ///   `chime:ListAvailableVoiceConnectorRegions`, `chime:PutVoiceConnectorOrigination`,
    ///   `chime:GetVoiceConnectorOrigination`, `chime:DeleteVoiceConnectorOrigination`,
    ///   `chime:PutVoiceConnectorTermination`, `chime:GetVoiceConnectorTermination`,
    ///   `chime:DeleteVoiceConnectorTermination`, `chime:GetVoiceConnectorTerminationHealth`,
    ///   `chime:PutVoiceConnectorTerminationCredentials`,
    ///   `chime:DeleteVoiceConnectorTerminationCredentials`,
    ///   `chime:ListVoiceConnectorTerminationCredentials`,
    ///   `chime:PutVoiceConnectorStreamingConfiguration`,
    ///   `chime:GetVoiceConnectorStreamingConfiguration`,
    ///   `chime:DeleteVoiceConnectorStreamingConfiguration`,
    ///   `chime:PutVoiceConnectorLoggingConfiguration`,
    ///   `chime:GetVoiceConnectorLoggingConfiguration`,
    ///   `chime:PutVoiceConnectorEmergencyCallingConfiguration`,
    ///   `chime:GetVoiceConnectorEmergencyCallingConfiguration`,
    ///   `chime:DeleteVoiceConnectorEmergencyCallingConfiguration`,
    ///   `chime:PutVoiceConnectorExternalSystemsConfiguration`,
    ///   `chime:GetVoiceConnectorExternalSystemsConfiguration`,
    ///   `chime:DeleteVoiceConnectorExternalSystemsConfiguration`,
    ///   `chime:AssociatePhoneNumbersWithVoiceConnector`,
    ///   `chime:DisassociatePhoneNumbersFromVoiceConnector`.
    /// - Voice Connector groups: `chime:CreateVoiceConnectorGroup`, `chime:GetVoiceConnectorGroup`,
    ///   `chime:UpdateVoiceConnectorGroup`, `chime:DeleteVoiceConnectorGroup`,
    ///   `chime:ListVoiceConnectorGroups`, `chime:AssociatePhoneNumbersWithVoiceConnectorGroup`,
    ///   `chime:DisassociatePhoneNumbersFromVoiceConnectorGroup`.
    /// - voice analytics: `chime:StartVoiceToneAnalysisTask`, `chime:GetVoiceToneAnalysisTask`,
    ///   `chime:StopVoiceToneAnalysisTask`, `chime:StartSpeakerSearchTask`,
    ///   `chime:GetSpeakerSearchTask`, `chime:StopSpeakerSearchTask`,
    ///   `chime:CreateVoiceProfileDomain`, `chime:GetVoiceProfileDomain`,
    ///   `chime:UpdateVoiceProfileDomain`, `chime:DeleteVoiceProfileDomain`,
    ///   `chime:ListVoiceProfileDomains`, `chime:CreateVoiceProfile`, `chime:GetVoiceProfile`,
    ///   `chime:UpdateVoiceProfile`, `chime:DeleteVoiceProfile`, `chime:ListVoiceProfiles`.
    /// - global settings: `chime:GetGlobalSettings`, `chime:UpdateGlobalSettings`.
    ///
    /// The unsafe fix replaces the wildcard by the actions of that service
    /// that the workload's code calls, in the list's own syntax, when all of
    /// that is known: the policy belongs to roles of the project that only
    /// Lambda functions run as, every function's code was read and every
    /// SDK call in it resolved (as `unused-grant` needs), the service is not
    /// one the Lambda runtime uses with the role (CloudWatch Logs, X-Ray...),
    /// and the code calls at least one of its actions, each of which fits
    /// the statement's resources, needs no dependent action, and is not left
    /// on `Resource: "*"` when it can be scoped.
    pub SERVICE_WILDCARD, "service-wildcard", Warning, LeastPrivilege,
    "an Allow of every action of a service (`chime:*`)", fix = Unsafe
}

/// The unsafe fix ([`crate::rules::add_project_fixes`]): the service
/// wildcard replaced by the actions of the service the code calls (the
/// rule's documentation says when).
pub fn project_fix(cx: &ProjectCx, finding: &Finding) -> Option<crate::finding::Fix> {
    let (policy, i) = crate::rules::statement_at(cx, finding)?;
    let pcx = PolicyCx::new(policy);
    let sc = &pcx.statements[i];
    let list = sc.st.action.as_ref().filter(|l| !l.negated)?;
    let entry = sc.actions.iter().find(|a| a.value.span == finding.span)?;
    let service = lp::whole_service(entry)?;
    let current = entry.value.lit()?;
    let code = crate::code::sdk::sdk();
    if code.used_by_runtime(&format!("{}:*", service.prefix())) {
        return None;
    }
    let mut called: Vec<Action> = Vec::new();
    for function in crate::rules::own_resources::holder_functions(cx, policy)? {
        let scope = crate::index::scope(&function.site.source.path);
        let read = cx
            .code
            .iter()
            .find(|c| c.function == function.address && crate::index::scope(&c.site.source.path) == scope)?;
        if !read.complete {
            return None;
        }
        let actions = read.calls.iter().flat_map(|c| c.actions()).filter_map(|a| catalog::action(a));
        called.extend(actions.filter(|a| std::ptr::eq(a.service(), service)));
    }
    called.sort_by_key(|a| a.full_name());
    called.dedup();
    // Names the statement already grants stay where they are.
    called
        .retain(|a| !sc.actions.iter().any(|e| e.value.lit().is_some_and(|l| l.eq_ignore_ascii_case(&a.full_name()))));
    // A call whose action fits none of the statement's resources is left as
    // it is: naming the others would make the call's denial certain where
    // the wildcard on a templated ARN leaves it unknown.
    let star = lp::star_resource(sc.st).is_some() && !lp::scoped_for(sc.st, Some(service.prefix()));
    let fits =
        |a: &Action| sc.resources_apply(*a) && a.dependent_actions().next().is_none() && !(star && lp::scopable(*a));
    if called.is_empty() || !called.iter().all(fits) {
        return None;
    }
    let names: Vec<String> = called.iter().map(|a| a.full_name()).collect();
    let whole = list.values.len() == 1 && list.span == entry.value.span;
    let edit = crate::finding::fix::replace_with_entries(&policy.source, entry.value.span, current, whole, &names)?;
    crate::finding::Fix::new(crate::finding::Applicability::Unsafe, &policy.source, vec![edit])
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !lp::is_identity(cx.policy.kind) {
        return;
    }
    for (sc, a) in cx.granted_entries() {
        let st = sc.st;
        if let Some(svc) = lp::whole_service(a) {
            if lp::scoped_for(st, Some(svc.prefix())) {
                continue;
            }
            out.push(service_finding(cx, sc, a, svc));
        } else if matches!(a.kind, ActionKind::All) {
            // `*` on `*` is full-admin; here only `*` on named resources.
            let Some(resources) = st.resource.as_ref().filter(|r| !r.negated && !r.values.is_empty()) else {
                continue;
            };
            if lp::star_resource(st).is_some() || resources.has_unknown || lp::scoped_for(st, None) {
                continue;
            }
            out.push(everything_finding(cx, sc, a));
        }
    }
}

/// An AWS managed policy that grants a whole service (`AmazonS3FullAccess`),
/// reported where the project attaches it.
pub fn attached(cx: &ProjectCx, out: &mut Vec<Finding>) {
    lp::attached::at_attachments(
        cx,
        &SERVICE_WILDCARD,
        check,
        "attach a policy that names the actions the workload calls instead (your own, or a narrower AWS managed \
         policy: a `ReadOnlyAccess` one when it only reads)",
        out,
    );
}

fn level_counts(actions: impl Iterator<Item = Action>) -> (usize, usize, usize) {
    actions.fold((0, 0, 0), |(n, w, p), a| match a.access_level() {
        AccessLevel::Write => (n + 1, w + 1, p),
        AccessLevel::PermissionsManagement => (n + 1, w, p + 1),
        _ => (n + 1, w, p),
    })
}

fn levels_text(w: usize, p: usize) -> String {
    match (w, p) {
        (w, 0) => format!("{w} of them Write"),
        (0, p) => format!("{p} of them Permissions management"),
        (w, p) => format!("{w} of them Write and {p} Permissions management"),
    }
}

/// Resource patterns of the statement, holes as wildcards; ARNs only.
fn resource_patterns(sc: &StatementCx) -> Vec<String> {
    sc.st
        .resource
        .iter()
        .filter(|r| !r.negated)
        .flat_map(|r| r.values.iter())
        .filter_map(|v| v.as_pattern())
        .filter(|p| !lp::is_any_resource(p) && Arn::parse(p).is_ok())
        .map(|p| p.into_owned())
        .collect()
}

/// How many of `actions` apply to the statement's named resources, as a clause.
/// The ARNs are matched once per resource type, not once per action.
fn on_named(sc: &StatementCx, actions: &[Action]) -> String {
    let patterns = resource_patterns(sc);
    if patterns.is_empty() || lp::star_resource(sc.st).is_some() {
        return String::new();
    }
    let mut services: Vec<&'static Service> = Vec::new();
    for a in actions {
        if !services.contains(&a.service()) {
            services.push(a.service());
        }
    }
    let types: Vec<ResourceType> = services
        .iter()
        .flat_map(|s| s.resource_types())
        .filter(|rt| patterns.iter().any(|p| rt.matches_arn(p)))
        .collect();
    let applying = actions.iter().copied().filter(|a| a.resource_types().any(|(rt, _)| types.contains(&rt)));
    let (n, w, p) = level_counts(applying);
    if n == 0 {
        return String::new();
    }
    format!("; on the resources named here that is still {n} actions, {}", levels_text(w, p))
}

fn family_label(api: &str) -> Option<&'static str> {
    Some(match api {
        "chime-sdk-voice" => "Voice",
        "chime-sdk-messaging" => "Messaging",
        "chime-sdk-identity" => "Identity",
        "chime-sdk-media-pipelines" => "Media Pipelines",
        "chime-sdk-meetings" => "Meetings",
        _ => return None,
    })
}

/// What `service:*` grants: the service's actions, counted by access level,
/// and for Amazon Chime by API family. The same few services are wildcarded
/// file after file (Chime has 316 actions), so each is counted once per thread.
struct ServiceGrants {
    actions: Vec<Action>,
    /// All of them, Write, Permissions management.
    levels: (usize, usize, usize),
    /// Read or List.
    reads: usize,
    /// For Amazon Chime, ", across ... and ..., plus ... legacy ..."; else empty.
    families: String,
}

impl ServiceGrants {
    fn of(svc: &'static Service) -> Rc<ServiceGrants> {
        thread_local! {
            /// At most one entry per service, found by its (static) address.
            static COUNTED: RefCell<Vec<(&'static Service, Rc<ServiceGrants>)>> = RefCell::default();
        }
        COUNTED.with_borrow_mut(|counted| {
            if let Some((_, g)) = counted.iter().find(|(s, _)| std::ptr::eq(*s, svc)) {
                return Rc::clone(g);
            }
            let g = Rc::new(ServiceGrants::count(svc));
            counted.push((svc, Rc::clone(&g)));
            g
        })
    }

    fn count(svc: &'static Service) -> ServiceGrants {
        let actions: Vec<Action> = svc.actions().collect();
        let levels = level_counts(actions.iter().copied());
        let reads =
            actions.iter().filter(|a| matches!(a.access_level(), AccessLevel::Read | AccessLevel::List)).count();
        let families = if svc.prefix() == "chime" { chime_families(&actions) } else { String::new() };
        ServiceGrants { actions, levels, reads, families }
    }
}

/// Amazon Chime's actions by API family, largest first; the rest (legacy,
/// console, shared tagging) summed.
fn chime_families(actions: &[Action]) -> String {
    let mut families: Vec<(&'static str, usize)> = Vec::new();
    let mut other = 0;
    for act in actions {
        match act.api_family().and_then(family_label) {
            Some(label) => match families.iter_mut().find(|(l, _)| *l == label) {
                Some(f) => f.1 += 1,
                None => families.push((label, 1)),
            },
            None => other += 1,
        }
    }
    families.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let parts: Vec<String> = families.iter().map(|(l, c)| format!("{l} ({c})")).collect();
    let mut text = String::new();
    if let Some((last, init)) = parts.split_last() {
        text.push_str(&format!(", across {} and {last}", init.join(", ")));
    }
    if other > 0 {
        text.push_str(&format!(", plus {other} legacy Amazon Chime, console and tagging actions"));
    }
    text
}

fn service_finding(cx: &PolicyCx, sc: &StatementCx, a: &ActionRef, svc: &'static Service) -> Finding {
    let grants = ServiceGrants::of(svc);
    let (n, w, p) = grants.levels;
    let mut message = format!(
        "`{}` grants all {} actions of {}, {}",
        lp::entry_text(a),
        lp::thousands(n),
        svc.name(),
        levels_text(w, p)
    );
    let help = if svc.prefix() == "chime" {
        message.push_str(&grants.families);
        message.push_str(&on_named(sc, &grants.actions));
        let names: Vec<&str> = lp::data().families.iter().map(|f| f.name.as_str()).collect();
        if let Some((last, init)) = names.split_last() {
            message.push_str(&format!(
                "; for Chime SDK Voice, grant only the family the workload uses: {} or {last}",
                init.join(", ")
            ));
        }
        "a function that places or updates calls needs only `chime:CreateSipMediaApplicationCall` and \
         `chime:UpdateSipMediaApplicationCall`, on \
         `arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}`; \
         `policy-lint explain service-wildcard` lists the actions of every family"
            .to_string()
    } else {
        message.push_str(&on_named(sc, &grants.actions));
        let reads = grants.reads;
        format!(
            "name the actions the workload calls instead of the whole service (if it only reads, {reads} of the \
             {n} actions are Read or List)"
        )
    };
    Finding::new(&SERVICE_WILDCARD, &cx.policy.source, a.value.span, message).with_help(help)
}

fn everything_finding(cx: &PolicyCx, sc: &StatementCx, a: &ActionRef) -> Finding {
    // The services the named ARNs belong to, to say what `*` amounts to there.
    let mut services: Vec<&'static Service> = Vec::new();
    for p in resource_patterns(sc) {
        if let Some(svc) = Arn::parse(&p).ok().and_then(|arn| catalog::service(arn.service)) {
            if !services.contains(&svc) {
                services.push(svc);
            }
        }
    }
    let actions: Vec<Action> = services.iter().flat_map(|s| s.actions()).collect();
    let mut message = format!("`{}` grants every action of every AWS service on these resources", lp::entry_text(a));
    let named = on_named(sc, &actions);
    if let Some(rest) = named.strip_prefix("; on the resources named here that is still ") {
        message.push_str(&format!(": that is {rest}"));
    }
    Finding::new(&SERVICE_WILDCARD, &cx.policy.source, a.value.span, message)
        .with_help("name the actions the workload calls on these resources")
}

#[cfg(test)]
mod tests {
    #[test]
    fn explain_lists_every_family_action() {
        for f in &super::lp::data().families {
            assert!(super::SERVICE_WILDCARD.doc.contains(&format!("{}:", f.name)), "family {}", f.name);
            for a in &f.actions {
                assert!(super::SERVICE_WILDCARD.doc.contains(&format!("`{a}`")), "{a} missing from the doc");
            }
        }
    }
}
