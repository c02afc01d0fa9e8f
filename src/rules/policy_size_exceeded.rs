use crate::analysis::principal::PolicyLookup;
use crate::finding::{Finding, Severity};
use crate::index::{Fact, FactKind, ProjectIndex, Ref, Site};
use crate::policy::{size::Size, Policy, PolicyKind};
use crate::rules::least_privilege::thousands;
use crate::rules::ProjectCx;
use serde::Deserialize;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Checks the project's IAM policies against IAM's size quotas, counted
    /// as IAM counts them (characters of the JSON, white space outside
    /// strings not counted):
    ///
    /// - a managed policy (`aws_iam_policy`, `AWS::IAM::ManagedPolicy`): 6,144;
    /// - all inline policies of a role together: 10,240; of a user: 2,048;
    ///   of a group: 5,120;
    /// - a role's trust policy: 2,048 by default (a quota increase allows
    ///   4,096 at most);
    /// - managed policies attached to one role or user: 10 by default (20 at
    ///   most by quota increase).
    ///
    /// Over a limit is an error; from 90 % of it, a warning. Where a part is
    /// not known statically (`var.x`, `!Ref P`, `!Sub` with parameters, a
    /// policy Terraform or SAM renders) only the known part is counted and
    /// the message says "at least". A resource with `count = 0` is never
    /// sent to IAM; one made `n` times by `count` or `for_each` counts `n`
    /// times in a principal's total, and one made an unknown number of times
    /// (`count = var.on ? 1 : 0`, a CloudFormation `Condition`) adds nothing
    /// to the total, which becomes a lower bound. The limits are data, with their source,
    /// in `rules/quotas/iam.json`.
    ///
    /// ## Why is this bad?
    /// IAM refuses the policy (`LimitExceeded: Cannot exceed quota for
    /// PolicySize`, `ACLSizePerRole`, `PoliciesPerRole`): the deploy fails
    /// half-way, and the role keeps the permissions it had, or none. AWS:
    /// "IAM and AWS STS quotas"
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_iam_policy" "handler" {
    ///   # one statement a phone number: 7,000 characters
    ///   policy = jsonencode({ Version = "2012-10-17", Statement = [ ... ] })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_iam_policy" "handler" {
    ///   # one statement, the phone numbers as one ARN pattern
    ///   policy = jsonencode({ Version = "2012-10-17", Statement = [{
    ///     Effect = "Allow", Action = "chime:UpdatePhoneNumber",
    ///     Resource = "arn:aws:chime:us-east-1:111122223333:phone-number/*" }] })
    /// }
    /// ```
    pub POLICY_SIZE_EXCEEDED, "policy-size-exceeded", Error, Quota,
    "an IAM policy, or the inline policies or attached managed policies of one principal, over IAM's size quotas"
}

/// IAM's quotas, from `rules/quotas/iam.json`.
#[derive(Deserialize)]
pub struct IamQuotas {
    pub managed_policy_chars: usize,
    pub role_inline_chars: usize,
    pub user_inline_chars: usize,
    pub group_inline_chars: usize,
    pub trust_policy_chars: usize,
    pub trust_policy_chars_max: usize,
    pub managed_per_principal: usize,
    pub managed_per_principal_max: usize,
    pub warn_from_percent: usize,
}

pub fn quotas() -> &'static IamQuotas {
    static DATA: OnceLock<IamQuotas> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/quotas/iam.json"))
            .expect("rules/quotas/iam.json is checked by the tests")
    })
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let q = quotas();
    let lookup = PolicyLookup::with_attachments(cx.policies, cx.index);
    for fact in &cx.index.facts {
        match &fact.kind {
            // A resource made no times (`count = 0`) is not sent to IAM.
            _ if cx.index.instances(&fact.site.source, &fact.address) == Some(0) => {}
            FactKind::ManagedPolicy { .. } => {
                for p in distinct(lookup.at(cx.index, &fact.site.source, &fact.address)) {
                    if p.kind == PolicyKind::Trust {
                        continue;
                    }
                    let what = format!("managed policy `{}` is", fact.address);
                    if let Some(f) = over(&what, p.size, q.managed_policy_chars, None, &p.source, p.span) {
                        out.push(f);
                    }
                }
            }
            FactKind::Role { .. } | FactKind::User { .. } | FactKind::Group { .. } => {
                principal(cx.index, &lookup, fact, out);
            }
            _ => {}
        }
    }
}

/// The inline policies, trust policy and attached managed policies of a role, user or group.
fn principal(index: &ProjectIndex, lookup: &PolicyLookup, fact: &Fact, out: &mut Vec<Finding>) {
    let q = quotas();
    let (kind, name, managed) = match &fact.kind {
        FactKind::Role { name, managed_policies, .. } => ("role", name, managed_policies),
        FactKind::User { name, managed_policies, .. } => ("user", name, managed_policies),
        FactKind::Group { name, managed_policies } => ("group", name, managed_policies),
        _ => return,
    };
    let here = &fact.site.source;
    let own = distinct(lookup.at(index, here, &fact.address));
    if kind == "role" {
        for p in own.iter().filter(|p| p.kind == PolicyKind::Trust) {
            let what = format!("the trust policy of role `{}` is", fact.address);
            let max = Some(q.trust_policy_chars_max);
            if let Some(f) = over(&what, p.size, q.trust_policy_chars, max, &p.source, p.span) {
                out.push(f);
            }
        }
    }
    // Inline: written in the principal, and inline policy resources that
    // name it, each as many times as its `count` or `for_each` makes it.
    let mut inline: Vec<(&Policy, Option<u64>)> =
        own.into_iter().filter(|p| p.kind != PolicyKind::Trust).map(|p| (p, Some(1))).collect();
    let attaching = lookup.attaching(index, here, &fact.address, name.as_deref());
    let attached = attaching.iter().filter(|f| match &f.kind {
        FactKind::InlinePolicy { attached_to } => attached_to.iter().any(|r| names(r, fact, name.as_deref())),
        _ => false,
    });
    for f in attached {
        let made = index.instances(&f.site.source, &f.address);
        for p in lookup.at(index, &f.site.source, &f.address) {
            if p.kind != PolicyKind::Trust && !inline.iter().any(|(q, _)| std::ptr::eq(*q, p)) {
                inline.push((p, made));
            }
        }
    }
    inline.retain(|(_, made)| *made != Some(0));
    let limit = match kind {
        "role" => q.role_inline_chars,
        "user" => q.user_inline_chars,
        _ => q.group_inline_chars,
    };
    // A policy made an unknown number of times may be made none: it adds
    // nothing to the total, which becomes a lower bound.
    let total = inline.iter().fold(Size { chars: 0, exact: true }, |t, (p, made)| Size {
        chars: t.chars + p.size.chars * made.unwrap_or(0) as usize,
        exact: t.exact && p.size.exact && made.is_some(),
    });
    let documents: u64 = inline.iter().map(|(_, made)| made.unwrap_or(1)).sum();
    let what = if documents == 1 {
        format!("the inline policy of {kind} `{}` is", fact.address)
    } else {
        format!("the {documents} inline policies of {kind} `{}` together are", fact.address)
    };
    if let Some(mut f) = over(&what, total, limit, None, &fact.site.source, fact.site.span) {
        for (p, made) in &inline {
            let at_least = if p.size.exact { "" } else { "at least " };
            let size = format!("{at_least}{} characters", thousands(p.size.chars));
            let label = match made {
                Some(1) => size,
                Some(n) => format!("{size}, made {n} times"),
                None => format!("{size}, made a number of times not known statically: not counted"),
            };
            f = f.with_label(&p.source, p.span, label);
        }
        out.push(f);
    }
    if kind != "group" {
        managed_count(index, &attaching, fact, kind, name.as_deref(), managed, out);
    }
}

/// Managed policies attached to a role or user: in the principal
/// (`managed_policy_arns`, `ManagedPolicyArns`), by attachment resources,
/// and by managed policies that name it (`Roles`, `Users`).
fn managed_count(
    index: &ProjectIndex,
    attaching: &[&Fact],
    fact: &Fact,
    kind: &str,
    name: Option<&str>,
    written: &[Ref],
    out: &mut Vec<Finding>,
) {
    let q = quotas();
    // SAM writes a policy template into the role's inline policy, not as a managed policy.
    let managed =
        |r: &&Ref| !matches!(r, Ref::Literal(l) if crate::extract::cloudformation::sam::template_named(l).is_some());
    let mut refs: Vec<Ref> = written.iter().filter(managed).cloned().collect();
    let mut sites: Vec<&Site> = Vec::new();
    for f in attaching {
        if index.instances(&f.site.source, &f.address) == Some(0) {
            continue;
        }
        match &f.kind {
            FactKind::PolicyAttachment { policy, principal } if names(principal, fact, name) => {
                refs.push(policy.clone());
                sites.push(&f.site);
            }
            FactKind::ManagedPolicy { attached_to, .. } if attached_to.iter().any(|r| names(r, fact, name)) => {
                sites.push(&f.site);
                refs.push(Ref::Address(f.address.clone()));
            }
            _ => {}
        }
    }
    let unknown = refs.iter().any(|r| matches!(r, Ref::Unknown));
    let mut known: Vec<String> = refs
        .iter()
        .filter_map(|r| match r {
            Ref::Address(a) => Some(a.clone()),
            Ref::Literal(l) => Some(l.clone()),
            Ref::Unknown => None,
        })
        .collect();
    known.sort_unstable();
    known.dedup();
    let n = known.len();
    let (limit, max) = (q.managed_per_principal, q.managed_per_principal_max);
    let severity = if n > limit {
        Severity::Error
    } else if n * 100 >= limit * q.warn_from_percent {
        Severity::Warning
    } else {
        return;
    };
    let at_least = if unknown { "at least " } else { "" };
    let message = if n > max {
        format!(
            "{at_least}{n} managed policies are attached to {kind} `{}`: IAM allows {limit} by default and {max} at \
             most with a quota increase",
            fact.address
        )
    } else if n > limit {
        format!(
            "{at_least}{n} managed policies are attached to {kind} `{}`, over IAM's default quota of {limit} \
             (`Managed policies per {kind}`; a quota increase allows up to {max}): the attachment fails",
            fact.address
        )
    } else {
        format!(
            "{at_least}{n} managed policies are attached to {kind} `{}`, {}% of IAM's default quota of {limit} \
             (a quota increase allows up to {max})",
            fact.address,
            n * 100 / limit
        )
    };
    let mut f = Finding::new(&POLICY_SIZE_EXCEEDED, &fact.site.source, fact.site.span, message).with_help(
        "merge policies into fewer customer managed policies, or ask for a higher `Managed policies per role` \
         quota in Service Quotas (IAM)",
    );
    f.severity = severity;
    for s in sites {
        f = f.with_label(&s.source, s.span, "attached here");
    }
    out.push(f);
}

/// Does a reference name this principal (by address, or a literal name or ARN)?
fn names(r: &Ref, fact: &Fact, name: Option<&str>) -> bool {
    match r {
        Ref::Address(a) => *a == fact.address,
        Ref::Literal(l) => name.is_some_and(|n| l == n || (l.starts_with("arn:") && l.rsplit('/').next() == Some(n))),
        Ref::Unknown => false,
    }
}

fn distinct(policies: Vec<&Policy>) -> Vec<&Policy> {
    let mut out: Vec<&Policy> = Vec::with_capacity(policies.len());
    for p in policies {
        if !out.iter().any(|q| std::ptr::eq(*q, p)) {
            out.push(p);
        }
    }
    out
}

/// A finding when `size` is over `limit` (error) or at 90 % of it (warning);
/// `what` ends in its verb (`managed policy `x` is`).
fn over(
    what: &str,
    size: Size,
    limit: usize,
    raised: Option<usize>,
    source: &crate::source::Source,
    span: crate::source::Span,
) -> Option<Finding> {
    let q = quotas();
    let chars = size.chars;
    let severity = if chars > limit {
        Severity::Error
    } else if chars * 100 >= limit * q.warn_from_percent {
        Severity::Warning
    } else {
        return None;
    };
    let at_least = if size.exact { "" } else { "at least " };
    let counted = format!("{what} {at_least}{} characters (white space outside strings not counted)", thousands(chars));
    let message = match raised {
        Some(max) if chars > max => format!(
            "{counted}, over IAM's limit of {} and over the {} a quota increase allows: IAM refuses it",
            thousands(limit),
            thousands(max)
        ),
        Some(max) if chars > limit => format!(
            "{counted}, over IAM's default limit of {} (a quota increase allows up to {}): IAM refuses it",
            thousands(limit),
            thousands(max)
        ),
        _ if chars > limit => format!("{counted}, over IAM's limit of {}: IAM refuses it", thousands(limit)),
        Some(max) => format!(
            "{counted}, {}% of IAM's default limit of {} (a quota increase allows up to {})",
            chars * 100 / limit,
            thousands(limit),
            thousands(max)
        ),
        None => format!("{counted}, {}% of IAM's limit of {}", chars * 100 / limit, thousands(limit)),
    };
    let help = "merge statements that share an effect and conditions, use one ARN pattern for many resources, \
                or split the grants over several managed policies";
    let mut f = Finding::new(&POLICY_SIZE_EXCEEDED, source, span, message).with_help(help);
    f.severity = severity;
    Some(f)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_quotas_parse() {
        let q = super::quotas();
        assert_eq!((q.managed_policy_chars, q.role_inline_chars, q.trust_policy_chars_max), (6144, 10240, 4096));
    }
}
