use crate::analysis::explain_denied::{describe_outcome_on, FixFormat};
use crate::analysis::principal::{all_entities, Principal};
use crate::analysis::{evaluate, Decision, Layer, Miss, Request};
use crate::code::sdk::sdk;
use crate::code::{Call, FunctionCode};
use crate::extract::cloudformation::sam;
use crate::finding::Finding;
use crate::index::{scope, Ref};
use crate::policy::{Policy, ValueText};
use crate::rules::ProjectCx;
use crate::syntax::Piece;

crate::declare_rule! {
    /// ## What it does
    /// Reads the code of each Lambda function the project deploys (SAM
    /// `CodeUri`, CloudFormation `Code.ZipFile`, a Terraform `archive_file`),
    /// finds its AWS SDK calls (boto3; AWS SDK for JavaScript v2 and v3, in
    /// JavaScript or TypeScript; Java; Go), and asks the engine whether the function's
    /// role allows each action a call needs. It
    /// fires at the call when the answer is no for the action the operation
    /// authorizes with (dependent actions, needed only with some parameters,
    /// are listed by `policy-lint calls`): no statement allows it, a Deny
    /// denies it, the permissions boundary or an SCP does not allow it. It
    /// stays silent when the answer is not known: the role is not the
    /// project's, a policy attached to it is not (an AWS managed policy other
    /// than the execution policies SAM attaches), the resource is unknown and
    /// some statement allows the action on some resource, or a condition decides.
    ///
    /// ## Why is this bad?
    /// The call fails at run time with `AccessDeniedException`. In a SIP media
    /// application handler that is a caller who hears silence: the
    /// `update_sip_media_application_call` added to the code with the policy
    /// left as it was is the commonest Chime SDK Voice outage.
    ///
    /// ## Example
    /// ```python
    /// chime = boto3.client("chime-sdk-voice")
    /// chime.update_sip_media_application_call(SipMediaApplicationId=sma_id, TransactionId=tx, Arguments={})
    /// # the role allows chime:CreateSipMediaApplicationCall only
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - Effect: Allow
    ///   Action: chime:UpdateSipMediaApplicationCall
    ///   Resource: !Sub arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/${SipMediaApp}
    /// ```
    pub SDK_CALL_DENIED, "sdk-call-denied", Error, Gap,
    "a function's code calls an AWS API its role does not allow"
}

/// The engine's answer for one action a call needs.
#[derive(Debug, Clone)]
pub enum Verdict {
    Allowed,
    /// Denied: why, and the fix.
    Denied {
        reason: String,
        help: Option<String>,
    },
    /// Not known statically: why.
    Unknown(String),
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied { .. } => "denied",
            Verdict::Unknown(_) => "unknown",
        }
    }
}

/// A function's calls, each action with the engine's answer.
pub struct Decided<'c, 'r> {
    pub code: &'c FunctionCode,
    /// The role, when the project defines it.
    pub role: Option<Principal<'r>>,
    /// Why the role is not known, when it is not.
    pub role_unknown: Option<String>,
    /// For each call of `code.calls`: each action it needs and the answer.
    pub verdicts: Vec<Vec<(String, Verdict)>>,
}

/// Decides every call of every function against its role.
pub fn decide<'c, 'r>(
    policies: &'r [Policy],
    index: &crate::index::ProjectIndex,
    code: &'c [FunctionCode],
) -> Vec<Decided<'c, 'r>> {
    if code.is_empty() {
        return Vec::new();
    }
    let entities = all_entities(policies, index);
    code.iter()
        .map(|f| {
            let (role, role_unknown) = match role_of(&entities, f) {
                Ok(p) => (Some(p), None),
                Err(why) => (None, Some(why)),
            };
            let verdicts = f
                .calls
                .iter()
                .map(|c| {
                    c.actions()
                        .iter()
                        .map(|a| {
                            let v = match &role {
                                // The receiver may not be that client at all (`cache.delete_item`).
                                Some(_) if c.inferred => {
                                    Verdict::Unknown("the receiver is not known to be a client of this service".into())
                                }
                                Some(p) => {
                                    let other = |r: &str| another_of_its_kind(index, f, c, r);
                                    let written = |format| project_reference(index, f, c, a, format);
                                    verdict(p, a, c, has_resource_policy(policies, f, c), &other, &written)
                                }
                                None => Verdict::Unknown(role_unknown.clone().unwrap_or_default()),
                            };
                            (a.clone(), v)
                        })
                        .collect()
                })
                .collect();
            Decided { code: f, role, role_unknown, verdicts }
        })
        .collect()
}

/// Whether the project resource a call acts on has a policy of its own.
fn has_resource_policy(policies: &[Policy], f: &FunctionCode, call: &Call) -> bool {
    let Some(address) = call.resource_address.as_deref() else { return false };
    let here = scope(&f.site.source.path);
    policies.iter().any(|p| {
        matches!(p.kind, crate::policy::PolicyKind::Resource | crate::policy::PolicyKind::Trust)
            && p.origin.as_deref() == Some(address)
            && scope(&p.source.path) == here
    })
}

/// Whether `reference` (`OtherTable`, `aws_dynamodb_table.other`) is a
/// project resource other than the one the call acts on, of the same type:
/// a grant on it does not cover the call. Unknown types are not.
fn another_of_its_kind(index: &crate::index::ProjectIndex, f: &FunctionCode, call: &Call, reference: &str) -> bool {
    let Some(address) = call.resource_address.as_deref().filter(|_| call.resource.is_none()) else { return false };
    let from = &f.site.source;
    reference != address
        && index.type_of(from, address).is_some_and(|ty| index.type_of(from, reference).as_deref() == Some(ty.as_str()))
}

/// CloudFormation types whose `Arn` attribute is the ARN a grant names.
const GETATT_ARN: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::Lambda::Function",
    "AWS::Serverless::Function",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
];
/// CloudFormation types whose `Ref` is the id their ARN ends with.
const REF_ID: &[&str] = &[
    "AWS::Chime::SipMediaApplication",
    "AWS::ChimeSDKVoice::SipMediaApplication",
    "AWS::Chime::VoiceConnector",
    "AWS::ChimeSDKVoice::VoiceConnector",
];

/// How the file a fix goes in writes the ARN of the project resource the
/// call acts on, when the action acts on that kind of resource and its ARN
/// ends with the resource's one name or id: `!GetAtt Table.Arn`,
/// `!Sub arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/${Sma}`
/// in YAML, `aws_dynamodb_table.t.arn` in Terraform. `None` elsewhere: the
/// catalog's ARN pattern is suggested.
fn project_reference(
    index: &crate::index::ProjectIndex,
    f: &FunctionCode,
    call: &Call,
    action: &str,
    format: FixFormat,
) -> Option<String> {
    let address = call.resource_address.as_deref().filter(|_| call.resource.is_none())?;
    let from = &f.site.source;
    let ty = index.type_of(from, address)?;
    let squash = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let (rt, _) =
        crate::catalog::action(action)?.resource_types().find(|(rt, _)| squash(&ty).ends_with(&squash(rt.name())))?;
    let arn = rt.arn_formats().next()?;
    let pseudo = |name: &str| match name {
        "Partition" => Some("${AWS::Partition}"),
        "Region" => Some("${AWS::Region}"),
        "Account" | "AccountId" => Some("${AWS::AccountId}"),
        _ => None,
    };
    // One placeholder is the resource's own, and it ends the ARN.
    let holes: Vec<&str> = arn.split("${").skip(1).filter_map(|h| h.split_once('}').map(|(n, _)| n)).collect();
    let own = holes.iter().filter(|h| pseudo(h).is_none()).count();
    if own != 1 || !arn.ends_with('}') || pseudo(holes.last()?).is_some() {
        return None;
    }
    match format {
        FixFormat::HclBlock | FixFormat::HclObject if crate::index::is_terraform(&from.path) => {
            Some(format!("{address}.arn"))
        }
        FixFormat::Yaml if GETATT_ARN.contains(&ty.as_str()) => Some(format!("!GetAtt {address}.Arn")),
        FixFormat::Yaml if REF_ID.contains(&ty.as_str()) => {
            let mut sub = arn.to_string();
            for h in &holes {
                let own = format!("${{{address}}}");
                sub = sub.replace(&format!("${{{h}}}"), pseudo(h).unwrap_or(&own));
            }
            Some(format!("!Sub {sub}"))
        }
        _ => None,
    }
}

/// The project's role that runs the function.
fn role_of<'r>(entities: &[Principal<'r>], f: &FunctionCode) -> Result<Principal<'r>, String> {
    let here = scope(&f.site.source.path);
    let found = match &f.role {
        Ref::Address(a) => {
            entities.iter().find(|p| p.label == *a && p.site.as_ref().is_some_and(|s| scope(&s.source.path) == here))
        }
        Ref::Literal(arn) => {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            entities.iter().find(|p| p.name.as_deref() == Some(name))
        }
        Ref::Unknown => return Err("its role is not known statically".into()),
    };
    let label = match &f.role {
        Ref::Address(a) | Ref::Literal(a) => a.as_str(),
        Ref::Unknown => "",
    };
    found.cloned().ok_or_else(|| format!("its role `{label}` is not defined in the project"))
}

/// The engine's answer for one action of a call, or why there is none.
/// Only identity-side policies are evaluated: where a resource policy may
/// grant the call by itself (a role's trust policy for `sts:AssumeRole`, the
/// policy of the project resource the call acts on), the answer is unknown.
/// A grant whose `Resource` names only other project resources of the
/// call's resource's type does not cover it: it is left out. The fix
/// suggested names the call's project resource as `written` says.
fn verdict(
    role: &Principal,
    action: &str,
    call: &Call,
    resource_policy: bool,
    other: &dyn Fn(&str) -> bool,
    written: &dyn Fn(FixFormat) -> Option<String>,
) -> Verdict {
    let prefix = action.split(':').next().unwrap_or("");
    if prefix.eq_ignore_ascii_case("sts") {
        return Verdict::Unknown("the role's trust policy may allow it without an identity policy".into());
    }
    if resource_policy {
        return Verdict::Unknown("the resource's own policy may allow it without an identity policy".into());
    }
    // Attached policies the project does not define may grant it, but for the
    // execution policies SAM attaches, whose prefixes are known.
    // So is a SAM policy template that may allow the action: its resources are SAM's parameters.
    let mut role = role.clone();
    role.external.retain(|e| match sam::template_named(e) {
        Some(t) => sam::template_may_allow(t, action) != Some(false),
        None => sdk().execution_policy_prefixes(e).is_none_or(|p| p.iter().any(|p| p == prefix)),
    });
    if let Some(e) = role.external.first() {
        return Verdict::Unknown(match sam::template_named(e) {
            Some(t) => format!("the SAM policy template `{t}` of the role may allow it"),
            None => format!("`{e}` is attached to the role and not defined in the project"),
        });
    }
    let covers = |p: &Policy, st: &crate::policy::Statement| !(st.is_allow() && names_only_others(p, st, other));
    let narrowed: Vec<Policy> = (role.set.identity.iter())
        .filter(|p| !p.statements.iter().all(|st| covers(p, st)))
        .map(|p| Policy {
            statements: p.statements.iter().filter(|st| covers(p, st)).cloned().collect(),
            ..(*p).clone()
        })
        .collect();
    let mut narrowed = narrowed.iter();
    for p in role.set.identity.iter_mut() {
        if !p.statements.iter().all(|st| covers(p, st)) {
            *p = narrowed.next().unwrap_or(p);
        }
    }
    let req = Request::new(action, call.resource.as_deref().unwrap_or("*"));
    let ev = evaluate(&role.set, &req);
    let known_resource = call.resource.is_some();
    match &ev.decision {
        Decision::Allowed => Verdict::Allowed,
        // Undecided only because the grant's resource is a reference: to the very resource the code acts on.
        Decision::Depends { .. }
            if !known_resource
                && ev.deny_depends.is_empty()
                && ev.deciding().any(|r| r.effect == crate::policy::Effect::Allow && names_resource(&r.at, call)) =>
        {
            Verdict::Allowed
        }
        Decision::Depends { keys } => Verdict::Unknown(format!("the answer depends on {}", keys.join(", "))),
        // A Deny on `*` without conditions denies every resource; another may not touch this one.
        Decision::ExplicitDeny
            if !known_resource
                && !ev.deciding().any(|r| {
                    let st = r.at.statement();
                    st.conditions.is_empty()
                        && !st.conditions_unknown
                        && st.resource.as_ref().is_some_and(|l| !l.negated && l.literals().any(|(_, t)| t == "*"))
                }) =>
        {
            Verdict::Unknown("a Deny applies to some resources, and the resource is not known".into())
        }
        // The closest statement grants the action on the very resource the
        // infrastructure hands the code (`sma/${SipMediaApp}` for `SMA_ID: !Ref SipMediaApp`).
        Decision::ImplicitDeny
            if !known_resource
                && matches!(ev.denied_in, None | Some(Layer::Identity))
                && ev
                    .closest
                    .as_ref()
                    .is_some_and(|n| matches!(n.why, Miss::Resource { .. }) && names_resource(&n.at, call)) =>
        {
            Verdict::Allowed
        }
        Decision::ImplicitDeny
            if !known_resource
                && ev.closest.as_ref().is_some_and(|n| {
                    matches!(n.why, Miss::Resource { .. } | Miss::ResourceNeedsStar { .. } | Miss::Condition { .. })
                }) =>
        {
            Verdict::Unknown("a statement allows it on some resources, and the resource is not known".into())
        }
        Decision::ExplicitDeny | Decision::ImplicitDeny => {
            let (reason, help) = describe_outcome_on(&ev, &req, &role, written);
            Verdict::Denied { reason, help }
        }
    }
}

/// Whether a statement's `Resource` is written from the project resource the
/// call acts on: a `${SipMediaApp}` or `${SipMediaApp.Arn}` hole, or a
/// Terraform reference `aws_x.y.arn`, without conditions.
fn names_resource(at: &crate::analysis::StatementRef, call: &Call) -> bool {
    let st = at.statement();
    let Some(address) = call.resource_address.as_deref() else { return false };
    let Some(list) = st.resource.as_ref().filter(|l| !l.negated) else { return false };
    if !st.conditions.is_empty() || st.conditions_unknown {
        return false;
    }
    let names = |hole: &str| {
        let hole = reference(hole);
        hole == address || hole.strip_prefix(address).is_some_and(|rest| rest.starts_with('.'))
    };
    let whole = at.policy.source.slice(list.span).trim().trim_matches(['[', ']']).trim();
    (list.has_unknown && list.values.is_empty() && names(whole))
        || list.values.iter().any(|v| match &v.text {
            ValueText::Template(pieces) => pieces.iter().any(|p| matches!(p, Piece::Hole(h) if names(h))),
            // A whole-value reference (`aws_x.y.arn` in Terraform): its text as written.
            ValueText::Unknown => names(at.policy.source.slice(v.span)),
            ValueText::Lit(_) => false,
        })
}

/// The reference a hole or a whole value is written with: `X.Arn` for
/// `${Ref:X}`, `${GetAtt:X.Arn}`, `!Ref X`, `!GetAtt X.Arn`; Terraform's as is.
fn reference(hole: &str) -> &str {
    let hole = hole.trim();
    ["Ref:", "GetAtt:", "!Ref ", "!GetAtt "].iter().find_map(|p| hole.strip_prefix(p)).unwrap_or(hole).trim()
}

/// Whether every value of a statement's `Resource` is written from a
/// resource `other` says is another of the call's kind (`!GetAtt
/// OtherTable.Arn`, `aws_dynamodb_table.other.arn`, `${OtherTable.Arn}/index/x`),
/// with no other reference nor wildcard that could reach the call's.
fn names_only_others(policy: &Policy, st: &crate::policy::Statement, other: &dyn Fn(&str) -> bool) -> bool {
    let Some(list) = st.resource.as_ref().filter(|l| !l.negated) else { return false };
    // `OtherTable` of `OtherTable.Arn`, `aws_x.y` of `aws_x.y.arn`.
    let is_other = |hole: &str| {
        let hole = reference(hole);
        let mut dots = hole.match_indices('.').map(|(i, _)| i).chain([hole.len()]);
        dots.by_ref().take(2).any(|i| other(&hole[..i]))
    };
    let pseudo = |hole: &str| reference(hole).starts_with("AWS::");
    if list.values.is_empty() {
        let whole = policy.source.slice(list.span).trim().trim_matches(['[', ']']).trim();
        return list.has_unknown && is_other(whole);
    }
    !list.has_unknown
        && list.values.iter().all(|v| match &v.text {
            ValueText::Template(pieces) => {
                pieces.iter().any(|p| matches!(p, Piece::Hole(h) if is_other(h)))
                    && pieces.iter().all(|p| match p {
                        Piece::Hole(h) => is_other(h) || pseudo(h),
                        Piece::Lit(l) => !l.contains(['*', '?']),
                    })
            }
            ValueText::Unknown => is_other(policy.source.slice(v.span)),
            ValueText::Lit(_) => false,
        })
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for d in cx.decided() {
        let Some(role) = &d.role else { continue };
        if !d.code.from_handler {
            continue;
        }
        for (call, verdicts) in d.code.calls.iter().zip(&d.verdicts) {
            // The action the operation authorizes with. Its dependent actions
            // are needed only with some parameters (`chime:CreateVoiceConnector`
            // needs the Connect connectors only for a Connect integration):
            // `calls` lists them, the rule does not report them.
            for (action, v) in verdicts.iter().take(1) {
                let Verdict::Denied { reason, help } = v else { continue };
                let resource = match (&call.resource, &call.resource_note) {
                    (Some(arn), _) => format!(" on `{arn}`"),
                    (None, Some(note)) => format!(" ({note})"),
                    (None, None) => String::new(),
                };
                let message = format!(
                    "`{}` needs `{action}`{resource}, and role `{}` of function `{}` does not allow it: {reason}",
                    call.method, role.label, d.code.function
                );
                let mut f = Finding::new(&SDK_CALL_DENIED, &call.source, call.span, message);
                if let Some(help) = help {
                    f = f.with_help(help.clone());
                }
                out.push(f);
            }
        }
    }
}
