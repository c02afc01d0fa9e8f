//! `explain-denied`: reads an AccessDeniedException message, finds the role in
//! the project, runs the engine, says why the call was denied, and writes the
//! smallest statement that fixes it in the format of the file it belongs in.
//!
//! The messages it reads:
//! - `User: arn:aws:sts::111122223333:assumed-role/sma-handler/fn is not authorized to perform: chime:UpdateSipMediaApplicationCall on resource: arn:aws:chime:us-east-1:111122223333:sma/abc`
//! - the same followed by `because no identity-based policy allows the chime:UpdateSipMediaApplicationCall action`
//!   (or `no resource-based policy`, `no permissions boundary`, `no service control policy`, `no session policy`, ...)
//! - or by `with an explicit deny in a service control policy` (or `in an identity-based policy`,
//!   `in a permissions boundary`, `in a resource-based policy`, ..., optionally `: <policy ARN>`)
//! - wrapped in an SDK or CLI error (`An error occurred (AccessDeniedException) when calling ...: User: ...`).

use super::eval::{evaluate, Decision, Evaluation, Layer, Miss, NearMiss, StatementRef};
use super::principal::{self, Principal};
use super::request::{CallerArn, Request};
use crate::catalog;
use crate::index::ProjectIndex;
use crate::policy::{aws_managed, Policy, Statement};
use std::fmt::Write as _;

/// The kind of policy an AWS message blames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    Identity,
    Resource,
    Boundary,
    Scp,
    Rcp,
    Session,
    VpcEndpoint,
}

impl PolicyType {
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::Resource => "resource-based policy",
            PolicyType::Boundary => "permissions boundary",
            PolicyType::Scp => "service control policy",
            PolicyType::Rcp => "resource control policy",
            PolicyType::Session => "session policy",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// "an identity-based policy", "a permissions boundary"
    pub fn with_article(self) -> String {
        let d = self.describe();
        if d.starts_with(['a', 'e', 'i', 'o', 'u']) {
            format!("an {d}")
        } else {
            format!("a {d}")
        }
    }

    fn parse(text: &str) -> Option<PolicyType> {
        let t = text.to_ascii_lowercase();
        Some(if t.starts_with("identity") {
            PolicyType::Identity
        } else if t.starts_with("resource-based") || t.starts_with("resource based") {
            PolicyType::Resource
        } else if t.starts_with("permissions boundary") {
            PolicyType::Boundary
        } else if t.starts_with("service control") {
            PolicyType::Scp
        } else if t.starts_with("resource control") {
            PolicyType::Rcp
        } else if t.starts_with("session") {
            PolicyType::Session
        } else if t.starts_with("vpc endpoint") {
            PolicyType::VpcEndpoint
        } else {
            return None;
        })
    }
}

/// What the message says caused the denial (newer messages only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsCause {
    /// `because no <type> allows the <action> action`
    NoAllow(PolicyType),
    /// `with an explicit deny in a <type>[: <policy ARN>]`
    ExplicitDeny(PolicyType, Option<String>),
}

impl AwsCause {
    pub fn describe(&self) -> String {
        match self {
            AwsCause::NoAllow(t) => format!("no {} allows the action", t.describe()),
            AwsCause::ExplicitDeny(t, None) => format!("an explicit deny in {}", t.with_article()),
            AwsCause::ExplicitDeny(t, Some(arn)) => format!("an explicit deny in {} ({arn})", t.with_article()),
        }
    }
}

/// An AccessDeniedException message, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessDenied {
    /// The caller as AWS names it: an ARN, or `anonymous`.
    pub caller: String,
    pub action: String,
    /// `None` when the message names no resource.
    pub resource: Option<String>,
    pub cause: Option<AwsCause>,
}

fn trim_token(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | '"' | '\'' | '`' | ')' | '(' | '[' | ']' | '{' | '}'))
}

impl AccessDenied {
    /// Reads the message; says what is missing when it is not one.
    pub fn parse(message: &str) -> Result<AccessDenied, String> {
        let text: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.replace("\\n", " ").replace("\\\"", "\"");
        let lower = text.to_ascii_lowercase();
        let marker = "is not authorized to perform:";
        let Some(at) = lower.find(marker) else {
            return Err("this does not look like an AccessDeniedException message: it has no \
                        `... is not authorized to perform: <action>` (paste the whole message, \
                        e.g. `User: arn:aws:sts::111122223333:assumed-role/my-role/session is not authorized to perform: chime:GetSipRule on resource: ...`)"
                .to_string());
        };
        let before = &text[..at];
        let caller = match before.to_ascii_lowercase().rfind("user:") {
            Some(u) => trim_token(before[u + 5..].trim()).to_string(),
            None => trim_token(before.split_whitespace().last().unwrap_or("")).to_string(),
        };
        let after = text[at + marker.len()..].trim_start();
        let action = trim_token(after.split_whitespace().next().unwrap_or("")).to_string();
        if !action.contains(':') {
            return Err(format!("the message names no action after `{marker}` (found `{action}`)"));
        }
        let after_lower = after.to_ascii_lowercase();
        let resource = after_lower.find("on resource:").map(|i| {
            let rest = after[i + "on resource:".len()..].trim_start();
            trim_token(rest.split_whitespace().next().unwrap_or("")).to_string()
        });
        let resource = resource.filter(|r| !r.is_empty());
        let cause = if let Some(i) = after_lower.find("because no ") {
            PolicyType::parse(&after[i + "because no ".len()..]).map(AwsCause::NoAllow)
        } else if let Some(i) = after_lower.find("with an explicit deny in ") {
            let rest = &after[i + "with an explicit deny in ".len()..];
            let rest = rest.strip_prefix("an ").or_else(|| rest.strip_prefix("a ")).unwrap_or(rest);
            let arn = rest
                .find(": arn:")
                .map(|j| trim_token(rest[j + 2..].split_whitespace().next().unwrap_or("")).to_string());
            PolicyType::parse(rest).map(|t| AwsCause::ExplicitDeny(t, arn))
        } else {
            None
        };
        Ok(AccessDenied { caller, action, resource, cause })
    }

    /// The caller's ARN, split.
    pub fn caller_arn(&self) -> Option<CallerArn<'_>> {
        CallerArn::parse(&self.caller)
    }

    /// The role (or user) name from the caller ARN.
    pub fn principal_name(&self) -> Option<&str> {
        self.caller_arn().filter(|c| !c.name.is_empty()).map(|c| c.name)
    }
}

// ---------------------------------------------------------------------------
// Describing an evaluation in words (shared with `simulate` and `[[require]]`)
// ---------------------------------------------------------------------------

/// `` `a`, `b` and 3 more ``
pub fn list(values: &[String], max: usize) -> String {
    let shown: Vec<String> = values.iter().take(max).map(|v| format!("`{v}`")).collect();
    let more = values.len().saturating_sub(max);
    match (shown.len(), more) {
        (0, _) => "nothing".to_string(),
        (_, 0) if shown.len() > 1 => {
            let (last, rest) = shown.split_last().expect("non-empty");
            format!("{} and {last}", rest.join(", "))
        }
        (_, 0) => shown[0].clone(),
        _ => format!("{} and {more} more", shown.join(", ")),
    }
}

/// One line for each statement that decided the evaluation: where it is, in
/// which layer (identity policy, boundary, SCP...) and which policy.
fn write_deciding(o: &mut String, ev: &Evaluation) {
    for r in ev.deciding() {
        let managed = if aws_managed::is_aws_managed(r.at.policy) { "AWS managed " } else { "" };
        let _ = writeln!(
            o,
            "  {} in the {managed}{} {}",
            where_is(&r.at),
            r.layer.describe(),
            r.at.policy.display_origin()
        );
    }
}

fn where_is(at: &StatementRef) -> String {
    format!("{} ({})", at.label(), at.location())
}

/// One sentence on why the closest statement does not grant the request.
pub fn describe_near_miss(near: &NearMiss, req: &Request) -> String {
    let at = where_is(&near.at);
    let action = &req.action;
    match &near.why {
        Miss::Condition { keys } => {
            format!("{at} allows it, but its condition on {} does not hold for this request", list(keys, 3))
        }
        Miss::Resource { resources } => format!("{at} allows `{action}`, but only on {}", list(resources, 3)),
        Miss::ResourceNeedsStar { resources } => format!(
            "{at} allows `{action}` only on {}, which never matches: the action has no resource-level \
             permissions, so IAM checks it against `*`",
            list(resources, 3)
        ),
        Miss::Principal => format!("{at} allows it, but for other principals"),
        Miss::MisspeltAction { written, .. } => {
            format!("{at} names `{written}`, which is not an action: a misspelling of `{action}`")
        }
        Miss::OtherAction { actions } => {
            format!("{at} allows {} on this resource, but not `{action}`", list(actions, 3))
        }
    }
}

/// Why an evaluation is not "allowed", in one clause that reads after "but"
/// ("no statement allows it; closest: ..."). `Allowed` reads "it is allowed".
pub fn describe_outcome(ev: &Evaluation, req: &Request, p: &Principal) -> (String, Option<String>) {
    describe_outcome_on(ev, req, p, &|_| None)
}

/// [`describe_outcome`], the suggested statement's `Resource` written as
/// `written` says for a file's format (the project's own reference to the
/// resource: `!GetAtt Table.Arn`, `aws_dynamodb_table.t.arn`) where it can.
pub fn describe_outcome_on(
    ev: &Evaluation,
    req: &Request,
    p: &Principal,
    written: &dyn Fn(FixFormat) -> Option<String>,
) -> (String, Option<String>) {
    let external = if p.external.is_empty() {
        String::new()
    } else {
        format!(" (it also has policies the project does not define, which may grant it: {})", list(&p.external, 2))
    };
    match &ev.decision {
        Decision::Allowed => ("it is allowed".to_string(), None),
        Decision::ExplicitDeny => {
            let denies: Vec<String> =
                ev.deciding().map(|r| format!("{} of the {}", where_is(&r.at), r.layer.describe())).collect();
            (
                match denies.len() {
                    0 | 1 => format!("{} denies it", denies.first().map_or("a Deny", String::as_str)),
                    n => format!("{} (and {} more) deny it", denies[0], n - 1),
                },
                Some("an Allow cannot override a Deny: narrow the Deny's Action or Resource, or add a condition that excludes this request".into()),
            )
        }
        Decision::ImplicitDeny => {
            let mut reason = match ev.denied_in {
                Some(Layer::Boundary) => {
                    let granted = ev
                        .results
                        .iter()
                        .find(|r| {
                            r.layer == Layer::Identity && r.effect == crate::policy::Effect::Allow && r.outcome.is_yes()
                        })
                        .map(|r| format!(", although {} grants it", where_is(&r.at)))
                        .unwrap_or_default();
                    format!(
                        "its permissions boundary ({}) does not allow it{granted}",
                        list(&p.set.boundary.iter().map(|b| b.display_origin()).collect::<Vec<_>>(), 2)
                    )
                }
                Some(Layer::Scp) => "no service control policy allows it".to_string(),
                Some(Layer::Session) => "the session policy does not allow it".to_string(),
                Some(Layer::Resource) => {
                    "the resource is in another account, and no resource policy there allows the caller".to_string()
                }
                _ => format!("no statement allows it{external}"),
            };
            if let Some(near) = &ev.closest {
                reason.push_str("; closest: ");
                reason.push_str(&describe_near_miss(near, req));
            }
            let fix = FixStatement::for_request(req, None);
            let target = fix_target(ev, p);
            let help = match (&ev.closest, target) {
                (Some(NearMiss { why: Miss::MisspeltAction { written, value }, at, .. }), _) => {
                    let pos = at.policy.source.position(value.span.start);
                    format!("replace `{written}` with `{}` at {}:{}:{}", req.action, at.path(), pos.line, pos.column)
                }
                // A statement without the condition would widen the grant: point at the condition.
                (Some(NearMiss { why: Miss::Condition { .. }, at, .. }), _) => condition_help(at, ev),
                // The caller's side allows it: the other account's resource policy must name the caller.
                _ if ev.denied_in == Some(Layer::Resource) => cross_account_help(req),
                (_, Some(t)) => {
                    let format = FixFormat::of(t);
                    format!("add to {}: {}", t.display_origin(), fix.render_on(format, written(format)).trim_end())
                }
                (_, None) => {
                    let format = site_format(p);
                    format!("attach a policy with: {}", fix.render_on(format, written(format)).trim_end())
                }
            };
            (reason, Some(help))
        }
        Decision::Depends { keys } => (
            format!("the answer depends on {}", list(keys, 4)),
            Some(
                "say what the request carries (`context` in `[[require]]`, `--context KEY=VALUE` for `simulate`)"
                    .into(),
            ),
        ),
    }
}

/// What the resource's own policy, in the other account, must say.
fn cross_account_help(req: &Request) -> String {
    let principal = req
        .principal
        .as_deref()
        .and_then(CallerArn::parse)
        .map_or_else(|| "the caller's role ARN".to_string(), |c| format!("`{}`", c.principal_arn()));
    format!(
        "the policy of `{}` (in its own account) must allow `{}` to {principal}: a statement with that \
         `Principal`; the caller's identity policies already allow it",
        req.resource, req.action
    )
}

/// The conditions of the closest statement that do not hold, with where they are.
fn condition_help(at: &StatementRef, ev: &Evaluation) -> String {
    let st = at.statement();
    let failed = ev
        .results
        .iter()
        .find(|r| std::ptr::eq(r.at.policy, at.policy) && r.at.index == at.index)
        .map(|r| r.failed_conditions.clone())
        .unwrap_or_default();
    let shown: Vec<String> = failed
        .iter()
        .filter_map(|&i| st.conditions.get(i))
        .map(|c| {
            let pos = at.policy.source.position(c.operator_span.start);
            let values: Vec<String> = c.values.iter().map(|v| v.display()).collect();
            format!("`{} {} {}` at {}:{}:{}", c.operator, c.key, values.join(" | "), at.path(), pos.line, pos.column)
        })
        .collect();
    format!(
        "the request does not meet {}: send the value it expects (`--context KEY=VALUE`), or change the \
         value the condition expects; do not drop the condition, that widens the grant",
        if shown.is_empty() { "the statement's condition".to_string() } else { shown.join(" and ") }
    )
}

/// The policy a fix belongs in: the layer that fails to allow (the closest
/// statement's policy first), else the first identity policy. Never an AWS
/// managed policy: the project cannot edit one.
pub fn fix_target<'r>(ev: &Evaluation<'r>, p: &Principal<'r>) -> Option<&'r Policy> {
    let own = |q: &&'r Policy| !aws_managed::is_aws_managed(q);
    if let Some(near) = ev.closest.as_ref().filter(|n| own(&n.at.policy)) {
        return Some(near.at.policy);
    }
    match ev.denied_in {
        Some(Layer::Boundary) => p.set.boundary.iter().copied().find(own),
        Some(Layer::Scp) => p.set.scps.first().copied(),
        Some(Layer::Session) => p.set.session.first().copied(),
        _ => p.set.identity.iter().copied().find(own),
    }
}

// ---------------------------------------------------------------------------
// The fix: the smallest statement, in the file's own format
// ---------------------------------------------------------------------------

/// The fix format of the file that defines the principal.
fn site_format(p: &Principal) -> FixFormat {
    p.site.as_ref().map_or(FixFormat::Json, |s| FixFormat::of_path(&s.source.path))
}

/// How a statement is written in the file a fix belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixFormat {
    /// A policy file, a CloudFormation JSON template, or a JSON heredoc in Terraform.
    Json,
    /// A CloudFormation or SAM YAML template.
    Yaml,
    /// A `statement { }` block of Terraform's `aws_iam_policy_document`.
    HclBlock,
    /// An object inside Terraform's `jsonencode({ Statement = [...] })`.
    HclObject,
}

impl FixFormat {
    /// The format of a file with no policy to add to (a role without policies):
    /// a `statement {}` block for Terraform, YAML or JSON for templates.
    pub fn of_path(path: &str) -> FixFormat {
        let path = path.to_ascii_lowercase();
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            FixFormat::Yaml
        } else if path.ends_with(".tf") || path.ends_with(".hcl") {
            FixFormat::HclBlock
        } else {
            FixFormat::Json
        }
    }

    /// The format of the file a policy lives in, and of how its statements are written there.
    pub fn of(policy: &Policy) -> FixFormat {
        let path = policy.source.path.to_ascii_lowercase();
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            return FixFormat::Yaml;
        }
        if !(path.ends_with(".tf") || path.ends_with(".hcl")) {
            return FixFormat::Json;
        }
        let text = policy
            .statements
            .first()
            .map_or_else(|| policy.source.slice(policy.span), |s: &Statement| policy.source.slice(s.span));
        let has = |pattern: &str| regex::Regex::new(pattern).is_ok_and(|r| r.is_match(text));
        // ASCII classes (`(?-u)`): the crate is built without its Unicode tables.
        if has(r#"(?-u)"(Effect|Action|Resource)"\s*:"#) {
            FixFormat::Json
        } else if has(r"(?m-u)^\s*(effect|actions|resources)\s*=") || text.trim_start().starts_with("statement") {
            FixFormat::HclBlock
        } else if has(r"(?-u)\b(Effect|Action|Resource)\s*=") || policy.source.slice(policy.span).contains("jsonencode")
        {
            FixFormat::HclObject
        } else {
            FixFormat::HclBlock
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FixFormat::Json => "json",
            FixFormat::Yaml => "yaml",
            FixFormat::HclBlock => "hcl-block",
            FixFormat::HclObject => "hcl-jsonencode",
        }
    }
}

/// One Allow statement for one action on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixStatement {
    pub sid: String,
    pub action: String,
    pub resource: String,
}

impl FixStatement {
    /// The smallest grant for the request: the exact action (never `service:*`),
    /// on the request's resource; `*` only for an action that accepts nothing
    /// else, or whose requests may name none of its resources. Without a
    /// resource, the action's ARN format from the catalog with the caller's
    /// partition and account filled in.
    pub fn for_request(req: &Request, caller: Option<&CallerArn>) -> FixStatement {
        let known = catalog::action(&req.action);
        let action = known.map_or_else(|| req.action.clone(), |a| a.full_name());
        let name = action.split_once(':').map_or(action.as_str(), |(_, n)| n);
        let sid = format!("Allow{}", name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>());
        let resource = match known {
            Some(a) if !a.supports_resource_level() => "*".to_string(),
            _ if !req.resource.is_empty() && req.resource != "*" => req.resource.clone(),
            // A request may name none of its resources (`polly:SynthesizeSpeech`
            // without lexicons): only `*` allows that one.
            Some(a) if !catalog::scopable(a) => "*".to_string(),
            // An S3 access point stands in for a bucket: the bucket's ARN is what a call's `Bucket` names.
            Some(a) => match a
                .resource_types()
                .find(|(rt, _)| !rt.name().starts_with("accesspoint"))
                .or(a.resource_types().next())
            {
                Some((rt, _)) => fill_arn_format(rt.arn_formats().next().unwrap_or("*"), caller),
                None => "*".to_string(),
            },
            None => req.resource.clone(),
        };
        FixStatement { sid, action, resource }
    }

    /// Every resource type's ARN pattern of a known action (`*` for the
    /// parts a caller does not give), for a grant that must cover whichever
    /// type a request names: `chime:StartVoiceToneAnalysisTask` acts on a
    /// voice connector or a media pipeline.
    pub fn resource_patterns(action: &str) -> Vec<String> {
        let Some(a) = catalog::action(action) else { return Vec::new() };
        a.resource_types().map(|(rt, _)| fill_arn_format(rt.arn_formats().next().unwrap_or("*"), None)).collect()
    }

    pub fn render(&self, format: FixFormat) -> String {
        self.render_on(format, None)
    }

    /// The statement, its `Resource` the expression `written` as is when
    /// given (`!GetAtt Table.Arn`), else the ARN as a string of the format.
    pub fn render_on(&self, format: FixFormat, written: Option<String>) -> String {
        let (sid, action) = (&self.sid, &self.action);
        let resource = |quote: fn(&str) -> String| written.clone().unwrap_or_else(|| quote(&self.resource));
        match format {
            FixFormat::Json => format!(
                "{{\n  \"Sid\": {},\n  \"Effect\": \"Allow\",\n  \"Action\": {},\n  \"Resource\": {}\n}}\n",
                json_str(sid),
                json_str(action),
                resource(json_str)
            ),
            FixFormat::Yaml => format!(
                "- Sid: {}\n  Effect: Allow\n  Action: {}\n  Resource: {}\n",
                yaml_str(sid),
                yaml_str(action),
                resource(yaml_str)
            ),
            FixFormat::HclBlock => format!(
                "statement {{\n  sid       = {}\n  effect    = \"Allow\"\n  actions   = [{}]\n  resources = [{}]\n}}\n",
                hcl_str(sid),
                hcl_str(action),
                resource(hcl_str)
            ),
            FixFormat::HclObject => format!(
                "{{\n  Sid      = {}\n  Effect   = \"Allow\"\n  Action   = {}\n  Resource = {}\n}},\n",
                hcl_str(sid),
                hcl_str(action),
                resource(hcl_str)
            ),
        }
    }
}

fn fill_arn_format(format: &str, caller: Option<&CallerArn>) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else { break };
        let name = &rest[i + 2..i + j];
        out.push_str(match (name, caller) {
            ("Partition", Some(c)) => c.partition,
            ("Partition", None) => "aws",
            ("Account" | "AccountId", Some(c)) if !c.account.is_empty() => c.account,
            _ => "*",
        });
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || ":/._-".contains(c))
        && !s.ends_with(':')
        && !matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "null");
    if plain {
        s.to_string()
    } else {
        json_str(s)
    }
}

fn hcl_str(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"").replace("${", "$${").replace("%{", "%%{");
    format!("\"{escaped}\"")
}

// ---------------------------------------------------------------------------
// The explanation
// ---------------------------------------------------------------------------

/// A denial, run through the engine against the project.
#[derive(Debug)]
pub struct Explanation<'r> {
    pub denial: AccessDenied,
    pub principal: Principal<'r>,
    pub request: Request,
    pub evaluation: Evaluation<'r>,
}

/// Finds the caller in the project (by role or user name; for a project of
/// policy files, its only file or the file named after the role) and
/// evaluates the denied request against its policies.
pub fn explain<'r>(
    policies: &'r [Policy],
    index: &'r ProjectIndex,
    denial: AccessDenied,
) -> Result<Explanation<'r>, String> {
    let principal = match denial.principal_name() {
        Some(name) => principal::find_by_name(policies, index, name),
        None => principal::resolve_default(policies, index),
    }
    .map_err(|e| e.to_string())?;
    let mut request = Request::new(denial.action.clone(), denial.resource.clone().unwrap_or_else(|| "*".to_string()));
    if let Some(c) = denial.caller_arn() {
        // The role lives in the caller's account: the template's own account and
        // partition are the caller's.
        request.add_context("AWS::AccountId", c.account);
        request.add_context("AWS::Partition", c.partition);
        request = request.with_principal(denial.caller.clone());
    }
    let evaluation = evaluate(&principal.set, &request);
    Ok(Explanation { denial, principal, request, evaluation })
}

impl Explanation<'_> {
    /// The fix: a statement and the policy it belongs in, when a new Allow is the fix.
    pub fn fix(&self) -> Option<(Option<&Policy>, FixFormat, String)> {
        let ev = &self.evaluation;
        let wants_statement = match &ev.decision {
            Decision::ImplicitDeny => {
                ev.denied_in != Some(Layer::Resource)
                    && !matches!(
                        ev.closest.as_ref().map(|n| &n.why),
                        Some(Miss::MisspeltAction { .. } | Miss::Condition { .. } | Miss::Principal)
                    )
            }
            Decision::Allowed | Decision::ExplicitDeny | Decision::Depends { .. } => false,
        };
        if !wants_statement {
            return None;
        }
        let target = fix_target(ev, &self.principal);
        let format = target.map_or_else(|| site_format(&self.principal), FixFormat::of);
        let st = FixStatement::for_request(&self.request, self.denial.caller_arn().as_ref());
        Some((target, format, st.render(format)))
    }

    /// The explanation as text, ending with the fix.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let d = &self.denial;
        let req = &self.request;
        let p = &self.principal;
        let _ = writeln!(
            o,
            "request:   {} on {}",
            req.action,
            d.resource.as_deref().unwrap_or("* (no resource in the message)")
        );
        let _ = writeln!(o, "caller:    {}", d.caller);
        if let Some(c) = &d.cause {
            let _ = writeln!(o, "AWS says:  {}", c.describe());
        }
        let site = p.site.as_ref().filter(|_| p.kind != principal::PrincipalKind::PolicyFile).map(|s| {
            let pos = s.source.position(s.span.start);
            format!(" ({}:{}:{})", s.source.path, pos.line, pos.column)
        });
        let _ =
            writeln!(o, "principal: {} {}{}: {}", p.kind.as_str(), p.label, site.unwrap_or_default(), describe_set(p));
        let _ = writeln!(o, "decision:  {}\n", decision_words(&self.evaluation.decision));
        self.render_cause(&mut o);
        o
    }

    fn render_cause(&self, o: &mut String) {
        let ev = &self.evaluation;
        let req = &self.request;
        let p = &self.principal;
        match &ev.decision {
            Decision::ExplicitDeny => {
                let _ = writeln!(o, "cause: an explicit Deny matches the request; no Allow can override it:");
                write_deciding(o, ev);
                let _ = writeln!(
                    o,
                    "\nfix: narrow that Deny: leave `{}` out of its Resource (or `{}` out of its Action), \
                     or add a condition that does not hold for this caller.",
                    req.resource, req.action
                );
                self.compare_with_message(o, Some(Layer::Identity));
            }
            Decision::ImplicitDeny => {
                match ev.denied_in {
                    Some(Layer::Boundary) => {
                        let _ = writeln!(
                            o,
                            "cause: the permissions boundary does not allow `{}`. The identity policies grant it, \
                             but a boundary caps what they can grant.",
                            req.action
                        );
                    }
                    Some(Layer::Scp) => {
                        let _ = writeln!(o, "cause: no service control policy of the project allows `{}`.", req.action);
                    }
                    Some(Layer::Session) => {
                        let _ = writeln!(o, "cause: the session policy does not allow `{}`.", req.action);
                    }
                    Some(Layer::Resource) => {
                        let _ = writeln!(
                            o,
                            "cause: `{}` is in another account: its resource policy must also allow the caller, and none does.",
                            req.resource
                        );
                    }
                    _ => {
                        let _ = writeln!(o, "cause: no statement allows `{}` on `{}`.", req.action, req.resource);
                    }
                }
                if let Some(near) = &ev.closest {
                    let _ = writeln!(o, "  closest: {}", describe_near_miss(near, req));
                    if let Miss::MisspeltAction { written, value } = &near.why {
                        let pos = near.at.policy.source.position(value.span.start);
                        let _ = writeln!(
                            o,
                            "\nfix: replace `{written}` with `{}` at {}:{}:{}.",
                            req.action,
                            near.at.path(),
                            pos.line,
                            pos.column
                        );
                    }
                    if let Miss::Condition { keys } = &near.why {
                        let _ = writeln!(
                            o,
                            "\nfix: the call does not meet the condition on {} of that statement: check the value the \
                             caller sends, or the value the policy expects.",
                            list(keys, 3)
                        );
                    }
                }
                if let Some(a) = catalog::action(&req.action) {
                    if !a.supports_resource_level() && req.resource != "*" {
                        let _ = writeln!(
                            o,
                            "  note: `{}` has no resource-level permissions: IAM checks it against `*`, whatever the message says.",
                            a.full_name()
                        );
                    }
                } else if let Some((prefix, _)) = req.action.split_once(':') {
                    if catalog::service(prefix).is_some() {
                        let _ = writeln!(o, "  note: `{}` is not an action of the catalog.", req.action);
                    }
                }
                if let Some((target, format, text)) = self.fix() {
                    match target {
                        Some(t) => {
                            let where_ = if t.origin.is_some() {
                                format!("{} ({})", t.display_origin(), t.source.path)
                            } else {
                                t.source.path.clone()
                            };
                            let _ = writeln!(o, "\nfix: add this statement to {where_}:\n");
                        }
                        None => {
                            let _ = writeln!(o, "\nfix: attach a policy with this statement:\n");
                        }
                    }
                    let _ = write!(o, "{}", indent(&text, format));
                }
                if !p.external.is_empty() {
                    let _ = writeln!(
                        o,
                        "\nnote: the {} also has policies the project does not define ({}); they were not evaluated.",
                        p.kind.as_str(),
                        list(&p.external, 3)
                    );
                }
                self.compare_with_message(o, ev.denied_in);
            }
            Decision::Depends { keys } => {
                let allow_side: Vec<_> = ev.deciding().filter(|r| r.effect != crate::policy::Effect::Deny).collect();
                let deny_side: Vec<_> = ev.deciding().filter(|r| r.effect == crate::policy::Effect::Deny).collect();
                let _ =
                    writeln!(o, "cause: the decision turns on {}, which the message does not carry.", list(keys, 4));
                for r in &allow_side {
                    let _ = writeln!(
                        o,
                        "  {} allows it only when {} holds: AWS denied the call, so it most likely did not.",
                        where_is(&r.at),
                        conditions_text(r.at.statement(), r.outcome.keys())
                    );
                }
                for r in &deny_side {
                    let _ = writeln!(
                        o,
                        "  {} denies it when {} holds{}.",
                        where_is(&r.at),
                        conditions_text(r.at.statement(), r.outcome.keys()),
                        if matches!(self.denial.cause, Some(AwsCause::ExplicitDeny(..))) {
                            ": AWS reports an explicit deny, so this is the likely cause"
                        } else {
                            ""
                        }
                    );
                }
                let _ = writeln!(
                    o,
                    "\nfix: compare the condition with the request the caller makes (`policy-lint simulate --context KEY=VALUE` \
                     tries a value)."
                );
            }
            Decision::Allowed => {
                let _ = writeln!(o, "cause: the project's policies allow this request:");
                write_deciding(o, ev);
                let _ = writeln!(o, "so the deny comes from a policy the project does not define:");
                let _ = writeln!(o, "  {}", self.outside_cause());
            }
        }
    }

    /// Where the deny comes from when the project allows the call.
    fn outside_cause(&self) -> String {
        let p = &self.principal;
        if let Some(b) = &p.external_boundary {
            if matches!(
                self.denial.cause,
                None | Some(AwsCause::NoAllow(PolicyType::Boundary))
                    | Some(AwsCause::ExplicitDeny(PolicyType::Boundary, _))
            ) {
                return format!("the permissions boundary `{b}`, which is not defined in the project");
            }
        }
        match &self.denial.cause {
            Some(AwsCause::NoAllow(PolicyType::Scp)) | Some(AwsCause::ExplicitDeny(PolicyType::Scp, _)) => {
                "a service control policy of your AWS Organization (not in the project): ask the organization's administrators".into()
            }
            Some(AwsCause::NoAllow(PolicyType::Rcp)) | Some(AwsCause::ExplicitDeny(PolicyType::Rcp, _)) => {
                "a resource control policy of your AWS Organization (not in the project)".into()
            }
            Some(AwsCause::NoAllow(PolicyType::Resource)) | Some(AwsCause::ExplicitDeny(PolicyType::Resource, _)) => {
                "the resource's own policy (a cross-account call needs the resource policy to allow it too)".into()
            }
            Some(AwsCause::NoAllow(PolicyType::Session)) | Some(AwsCause::ExplicitDeny(PolicyType::Session, _)) => {
                "a session policy passed when the role was assumed".into()
            }
            Some(AwsCause::NoAllow(PolicyType::VpcEndpoint)) | Some(AwsCause::ExplicitDeny(PolicyType::VpcEndpoint, _)) => {
                "the policy of the VPC endpoint the call went through".into()
            }
            Some(AwsCause::ExplicitDeny(PolicyType::Identity, Some(arn))) => {
                format!("the identity policy {arn}, which the project does not define")
            }
            Some(AwsCause::ExplicitDeny(PolicyType::Identity, None) | AwsCause::NoAllow(PolicyType::Identity))
                if !p.external.is_empty() =>
            {
                format!("an identity policy the project does not define ({})", list(&p.external, 3))
            }
            _ => "an SCP, a session policy, the resource's own policy, or a policy attached outside this project \
                  (or the deployed policies differ from the project's)"
                .into(),
        }
    }

    /// Notes where the message and the project disagree.
    fn compare_with_message(&self, o: &mut String, denied_in: Option<Layer>) {
        let Some(cause) = &self.denial.cause else { return };
        let p = &self.principal;
        let blamed = match cause {
            AwsCause::NoAllow(t) | AwsCause::ExplicitDeny(t, _) => *t,
        };
        let present = match blamed {
            PolicyType::Scp => !p.set.scps.is_empty(),
            PolicyType::Rcp => !p.set.rcps.is_empty(),
            PolicyType::Boundary => !p.set.boundary.is_empty(),
            PolicyType::Identity => true,
            PolicyType::Resource => !p.set.resource.is_empty(),
            PolicyType::Session => !p.set.session.is_empty(),
            PolicyType::VpcEndpoint => false,
        };
        let ours = match (denied_in, &self.evaluation.decision) {
            (_, Decision::ExplicitDeny) => self.evaluation.deciding().next().map(|r| r.layer),
            (l, _) => l,
        };
        let agrees = matches!(
            (blamed, ours),
            (PolicyType::Identity, Some(Layer::Identity))
                | (PolicyType::Scp, Some(Layer::Scp))
                | (PolicyType::Boundary, Some(Layer::Boundary))
                | (PolicyType::Resource, Some(Layer::Resource))
                | (PolicyType::Rcp, Some(Layer::Rcp))
                | (PolicyType::Session, Some(Layer::Session))
        );
        if !present {
            let _ = writeln!(
                o,
                "\nnote: AWS blames {}, and the project defines none for this principal: {}.",
                blamed.with_article(),
                match blamed {
                    PolicyType::Scp | PolicyType::Rcp => "it lives in AWS Organizations",
                    PolicyType::Boundary => "the boundary is set outside the project",
                    PolicyType::Session => "it was passed when the role was assumed",
                    PolicyType::VpcEndpoint => "it is the endpoint's policy",
                    _ => "it is the resource's own policy",
                }
            );
        } else if !agrees {
            let _ = writeln!(
                o,
                "\nnote: AWS blames {}; the project's policies also deny the call (in the {}), so fix both.",
                blamed.with_article(),
                ours.map_or("identity policy", Layer::describe)
            );
        }
    }
}

fn indent(text: &str, _format: FixFormat) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

fn conditions_text(st: &Statement, keys: &[String]) -> String {
    let parts: Vec<String> = st
        .conditions
        .iter()
        .filter(|c| keys.iter().any(|k| k.starts_with(&c.key)))
        .map(|c| {
            let values: Vec<String> = c.values.iter().map(|v| v.display()).collect();
            format!("`{} {} {}`", c.operator, c.key, values.join(" | "))
        })
        .collect();
    if parts.is_empty() {
        list(keys, 3)
    } else {
        parts.join(" and ")
    }
}

/// `allowed`, `explicitly denied`, ...
pub fn decision_words(d: &Decision) -> String {
    match d {
        Decision::Allowed => "allowed".into(),
        Decision::ExplicitDeny => "explicitly denied".into(),
        Decision::ImplicitDeny => "implicitly denied".into(),
        Decision::Depends { keys } => format!("depends on {}", keys.join(", ")),
    }
}

/// "2 identity policies, a permissions boundary, 1 SCP"
pub fn describe_set(p: &Principal) -> String {
    let s = &p.set;
    let mut parts =
        vec![format!("{} identity polic{}", s.identity.len(), if s.identity.len() == 1 { "y" } else { "ies" })];
    if !s.resource.is_empty() {
        parts.push(format!("{} resource polic{}", s.resource.len(), if s.resource.len() == 1 { "y" } else { "ies" }));
    }
    if !s.boundary.is_empty() {
        parts.push("a permissions boundary".into());
    }
    if !s.scps.is_empty() {
        parts.push(format!("{} SCP{}", s.scps.len(), if s.scps.len() == 1 { "" } else { "s" }));
    }
    if !s.rcps.is_empty() {
        parts.push(format!("{} RCP{}", s.rcps.len(), if s.rcps.len() == 1 { "" } else { "s" }));
    }
    if !s.session.is_empty() {
        parts.push("a session policy".into());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_message_forms() {
        let m = AccessDenied::parse("User: arn:aws:sts::111122223333:assumed-role/sma-handler/fn is not authorized to perform: chime:UpdateSipMediaApplicationCall on resource: arn:aws:chime:us-east-1:111122223333:sma/abc").unwrap();
        assert_eq!(m.caller, "arn:aws:sts::111122223333:assumed-role/sma-handler/fn");
        assert_eq!(m.action, "chime:UpdateSipMediaApplicationCall");
        assert_eq!(m.resource.as_deref(), Some("arn:aws:chime:us-east-1:111122223333:sma/abc"));
        assert_eq!(m.cause, None);
        assert_eq!(m.principal_name(), Some("sma-handler"));

        let m = AccessDenied::parse("An error occurred (AccessDeniedException) when calling the UpdateSipMediaApplicationCall operation: User: arn:aws:sts::111122223333:assumed-role/sma-handler/fn is not authorized to perform: chime:UpdateSipMediaApplicationCall on resource: arn:aws:chime:us-east-1:111122223333:sma/abc because no identity-based policy allows the chime:UpdateSipMediaApplicationCall action").unwrap();
        assert_eq!(m.cause, Some(AwsCause::NoAllow(PolicyType::Identity)));
        assert_eq!(m.resource.as_deref(), Some("arn:aws:chime:us-east-1:111122223333:sma/abc"));

        let m = AccessDenied::parse("User: arn:aws:iam::111122223333:user/dev/alice is not authorized to perform: chime:ListSipMediaApplications with an explicit deny in a service control policy").unwrap();
        assert_eq!((m.resource.clone(), m.cause.clone()), (None, Some(AwsCause::ExplicitDeny(PolicyType::Scp, None))));
        assert_eq!(m.caller_arn().unwrap().name, "alice");

        for (tail, want) in [
            ("with an explicit deny in an identity-based policy", AwsCause::ExplicitDeny(PolicyType::Identity, None)),
            ("with an explicit deny in a permissions boundary", AwsCause::ExplicitDeny(PolicyType::Boundary, None)),
            (
                "because no resource-based policy allows the chime:GetSipRule action",
                AwsCause::NoAllow(PolicyType::Resource),
            ),
            (
                "because no permissions boundary allows the chime:GetSipRule action",
                AwsCause::NoAllow(PolicyType::Boundary),
            ),
            (
                "because no service control policy allows the chime:GetSipRule action",
                AwsCause::NoAllow(PolicyType::Scp),
            ),
            ("because no session policy allows the chime:GetSipRule action", AwsCause::NoAllow(PolicyType::Session)),
            ("with an explicit deny in a VPC endpoint policy", AwsCause::ExplicitDeny(PolicyType::VpcEndpoint, None)),
            (
                "with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/DenyAll",
                AwsCause::ExplicitDeny(PolicyType::Identity, Some("arn:aws:iam::111122223333:policy/DenyAll".into())),
            ),
        ] {
            let text = format!("User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: chime:GetSipRule on resource: arn:aws:chime:us-east-1:111122223333:sip-rule/x {tail}");
            assert_eq!(AccessDenied::parse(&text).unwrap().cause, Some(want), "{tail}");
        }
        // Line breaks and quoting from logs.
        let m = AccessDenied::parse("\"User: arn:aws:sts::111122223333:assumed-role/r/s\nis not authorized to perform: chime:GetSipRule on resource: \"arn:aws:chime:us-east-1:111122223333:sip-rule/x\".\"").unwrap();
        assert_eq!(m.resource.as_deref(), Some("arn:aws:chime:us-east-1:111122223333:sip-rule/x"));
        assert!(AccessDenied::parse("Rate exceeded").is_err());
        assert!(AccessDenied::parse("User: x is not authorized to perform: nothing").is_err());
    }

    #[test]
    fn fix_statements_are_scoped_and_in_the_file_format() {
        let req = Request::new("chime:updatesipmediaapplicationcall", "arn:aws:chime:us-east-1:111122223333:sma/abc");
        let st = FixStatement::for_request(&req, None);
        assert_eq!(st.action, "chime:UpdateSipMediaApplicationCall");
        assert_eq!(st.resource, "arn:aws:chime:us-east-1:111122223333:sma/abc");
        assert_eq!(st.sid, "AllowUpdateSipMediaApplicationCall");
        let json: serde_json::Value = serde_json::from_str(&st.render(FixFormat::Json)).unwrap();
        assert_eq!(json["Resource"], "arn:aws:chime:us-east-1:111122223333:sma/abc");
        assert_eq!(
            st.render(FixFormat::Yaml),
            "- Sid: AllowUpdateSipMediaApplicationCall\n  Effect: Allow\n  Action: chime:UpdateSipMediaApplicationCall\n  Resource: arn:aws:chime:us-east-1:111122223333:sma/abc\n"
        );
        assert!(st.render(FixFormat::HclBlock).contains("actions   = [\"chime:UpdateSipMediaApplicationCall\"]"));
        assert!(st
            .render(FixFormat::HclObject)
            .contains("Resource = \"arn:aws:chime:us-east-1:111122223333:sma/abc\""));
        // An action that takes only `*`.
        let list = FixStatement::for_request(
            &Request::new("chime:ListSipMediaApplications", "arn:aws:chime:us-east-1:1:sma/x"),
            None,
        );
        assert_eq!(list.resource, "*");
        assert!(list.render(FixFormat::Yaml).contains("Resource: \"*\""));
        // No resource in the message: the ARN format, never `*`.
        let caller = CallerArn::parse("arn:aws:sts::111122223333:assumed-role/r/s").unwrap();
        let st = FixStatement::for_request(&Request::new("chime:UpdateSipMediaApplicationCall", "*"), Some(&caller));
        assert_eq!(st.resource, "arn:aws:chime:*:111122223333:sma/*");
        assert_eq!(hcl_str("a${b}"), "\"a$${b}\"");
    }

    #[test]
    fn the_fix_format_follows_the_file() {
        use crate::policy::{parse_policy, PolicyDoc, PolicyKind};
        use crate::source::SourceFile;
        let mk = |path: &str, text: &str, stmt: std::ops::Range<usize>| {
            let source = SourceFile::new(path, text);
            let node = crate::syntax::json::parse(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"}]}"#,
            )
            .unwrap();
            let doc =
                PolicyDoc { source, node, kind: PolicyKind::Identity, origin: Some("x".into()), version_implied: true };
            let mut p = parse_policy(&doc, &mut Vec::new());
            p.statements[0].span = crate::source::Span::new(stmt.start, stmt.end);
            p.span = crate::source::Span::new(0, text.len());
            p
        };
        let block = "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    effect = \"Allow\"\n    actions = [\"a:b\"]\n  }\n}\n";
        assert_eq!(FixFormat::of(&mk("main.tf", block, 40..90)), FixFormat::HclBlock);
        let enc = "policy = jsonencode({\n  Statement = [{\n    Effect = \"Allow\"\n    Action = \"a:b\"\n  }]\n})\n";
        assert_eq!(FixFormat::of(&mk("main.tf", enc, 37..80)), FixFormat::HclObject);
        let heredoc = "policy = <<EOF\n{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:b\"}]}\nEOF\n";
        assert_eq!(FixFormat::of(&mk("main.tf", heredoc, 30..65)), FixFormat::Json);
        assert_eq!(FixFormat::of(&mk("template.yaml", "x", 0..1)), FixFormat::Yaml);
        assert_eq!(FixFormat::of(&mk("template.json", "x", 0..1)), FixFormat::Json);
    }

    /// A project as the Terraform and CloudFormation front-ends will index it:
    /// the policy model comes from JSON, the source text and spans from the
    /// file the user edits.
    fn project(
        path: &str,
        text: &str,
        statement_at: &str,
        origin: &str,
        facts: Vec<crate::index::Fact>,
    ) -> (Vec<Policy>, ProjectIndex) {
        use crate::policy::{parse_policy, PolicyDoc, PolicyKind};
        use crate::source::{SourceFile, Span};
        let json = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ControlActiveCalls","Effect":"Allow",
            "Action":"chime:UpdateSipMediaApplicationCall","Resource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}]}"#;
        let source = SourceFile::new(path, text);
        let doc = PolicyDoc {
            source: source.clone(),
            node: crate::syntax::json::parse(json).unwrap(),
            kind: PolicyKind::Identity,
            origin: Some(origin.into()),
            version_implied: true,
        };
        let mut policy = parse_policy(&doc, &mut Vec::new());
        let start = text.find(statement_at).unwrap();
        policy.statements[0].span = Span::new(start, start + statement_at.len());
        policy.span = Span::new(0, text.len());
        (vec![policy], ProjectIndex::new(facts))
    }

    fn role(address: &str, name: Option<&str>, source: &crate::source::Source) -> crate::index::Fact {
        use crate::index::{Fact, FactKind, Site};
        Fact {
            address: address.into(),
            site: Site { source: source.clone(), span: crate::source::Span::new(0, 8) },
            kind: FactKind::Role { name: name.map(str::to_string), managed_policies: vec![], boundary: None },
        }
    }

    const MESSAGE: &str = "User: arn:aws:sts::111122223333:assumed-role/sma-handler/fn is not authorized to perform: \
        chime:UpdateSipMediaApplicationCall on resource: arn:aws:chime:us-east-1:111122223333:sma/xyz";

    #[test]
    fn terraform_roles_are_found_by_name_and_fixed_in_hcl() {
        use crate::index::{Fact, FactKind, Ref, Site};
        let tf = r#"resource "aws_iam_role" "sma_handler" {
  name = "sma-handler"
}

data "aws_iam_policy_document" "sma_handler" {
  statement {
    sid       = "ControlActiveCalls"
    actions   = ["chime:UpdateSipMediaApplicationCall"]
    resources = ["arn:aws:chime:us-east-1:111122223333:sma/abc"]
  }
}
"#;
        let source = crate::source::SourceFile::new("infra/main.tf", tf);
        let facts = vec![
            role("aws_iam_role.sma_handler", Some("sma-handler"), &source),
            role("aws_iam_role.other", Some("other"), &source),
            Fact {
                address: "aws_iam_role_policy.sma_handler".into(),
                site: Site { source: source.clone(), span: crate::source::Span::default() },
                kind: FactKind::InlinePolicy { attached_to: vec![Ref::Address("aws_iam_role.sma_handler".into())] },
            },
        ];
        let (mut policies, index) =
            project("infra/main.tf", tf, "statement {", "aws_iam_role_policy.sma_handler", facts);
        policies[0].source = source;
        let ex = explain(&policies, &index, AccessDenied::parse(MESSAGE).unwrap()).unwrap();
        assert_eq!(ex.principal.label, "aws_iam_role.sma_handler");
        assert_eq!(ex.evaluation.decision, Decision::ImplicitDeny);
        let (target, format, text) = ex.fix().unwrap();
        assert_eq!(target.unwrap().display_origin(), "aws_iam_role_policy.sma_handler");
        assert_eq!(format, FixFormat::HclBlock);
        assert!(text.contains("resources = [\"arn:aws:chime:us-east-1:111122223333:sma/xyz\"]"), "{text}");
        let out = ex.render();
        assert!(out.contains("principal: role aws_iam_role.sma_handler (infra/main.tf:1:1)"), "{out}");
        assert!(out.contains("fix: add this statement to aws_iam_role_policy.sma_handler (infra/main.tf):"), "{out}");
        assert!(out.contains("    statement {"), "{out}");
        assert!(out.contains("statement `ControlActiveCalls` (infra/main.tf:6:3)"), "{out}");
    }

    #[test]
    fn cloudformation_logical_ids_are_found_and_fixed_in_yaml() {
        let yaml = "Resources:\n  SmaHandlerRole:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyDocument:\n            Statement:\n              - Sid: ControlActiveCalls\n                Effect: Allow\n";
        let source = crate::source::SourceFile::new("template.yaml", yaml);
        let (mut policies, index) = project(
            "template.yaml",
            yaml,
            "- Sid: ControlActiveCalls",
            "SmaHandlerRole",
            vec![role("SmaHandlerRole", None, &source)],
        );
        policies[0].source = source;
        let ex = explain(&policies, &index, AccessDenied::parse(MESSAGE).unwrap()).unwrap();
        assert_eq!(ex.principal.label, "SmaHandlerRole");
        let (_, format, text) = ex.fix().unwrap();
        assert_eq!(format, FixFormat::Yaml);
        assert!(text.contains("  Resource: arn:aws:chime:us-east-1:111122223333:sma/xyz\n"), "{text}");
    }

    #[test]
    fn template_account_and_partition_are_the_callers() {
        use crate::policy::{parse_policy, PolicyDoc, PolicyKind};
        use crate::syntax::{Node, NodeKind, Piece};
        fn fill(n: &mut Node) {
            match &mut n.kind {
                NodeKind::Str(s) if s == "HOLE" => {
                    n.kind = NodeKind::Template(vec![
                        Piece::Lit("arn:".into()),
                        Piece::Hole("AWS::Partition".into()),
                        Piece::Lit(":chime:us-east-1:".into()),
                        Piece::Hole("AWS::AccountId".into()),
                        Piece::Lit(":sma/*".into()),
                    ])
                }
                NodeKind::Array(items) => items.iter_mut().for_each(fill),
                NodeKind::Object(members) => members.iter_mut().for_each(|m| fill(&mut m.value)),
                _ => {}
            }
        }
        let json =
            r#"{"Statement":[{"Effect":"Allow","Action":"chime:UpdateSipMediaApplicationCall","Resource":"HOLE"}]}"#;
        let mut node = crate::syntax::json::parse(json).unwrap();
        fill(&mut node);
        let doc = PolicyDoc {
            source: crate::source::SourceFile::new("template.json", json),
            node,
            kind: PolicyKind::Identity,
            origin: Some("SmaHandlerRole".into()),
            version_implied: true,
        };
        let (policies, index) = (vec![parse_policy(&doc, &mut Vec::new())], ProjectIndex::default());
        let ex = explain(&policies, &index, AccessDenied::parse(MESSAGE).unwrap()).unwrap();
        assert_eq!(ex.evaluation.decision, Decision::Allowed);
        let other = MESSAGE.replace("sts::111122223333", "sts::444455556666");
        let ex = explain(&policies, &index, AccessDenied::parse(&other).unwrap()).unwrap();
        assert_eq!(ex.evaluation.decision, Decision::ImplicitDeny);
    }
}
