//! The policies that apply to each principal of the project, as the rules
//! that ask "is X granted (or denied) anywhere?" need them.
//!
//! A role's set comes from the evaluation engine's principal resolution
//! ([`crate::analysis::principal`]): its inline policies, the inline-policy
//! resources and managed policies attached to it in the project, its
//! permissions boundary, and every SCP in the project; the AWS managed
//! policies attached to it are read from the bundled documents. A policy that
//! belongs to no principal of the project is a set of its own. A set that
//! names a policy known neither to the project nor as an AWS managed policy (a
//! customer policy ARN, a variable) is marked `complete: false`: rules stay
//! silent on it rather than guess. Rules report inside the project's own
//! policies only ([`PrincipalPolicies::own_identity`]), never inside an AWS
//! managed one.

use crate::analysis::principal::all_entities;
use crate::analysis::PolicySet;
use crate::index::ProjectIndex;
use crate::policy::{aws_managed, Policy, PolicyKind};
use std::collections::HashSet;

/// One principal and the engine's set of its policies.
pub struct PrincipalPolicies<'a> {
    /// The principal's address (`aws_iam_role.x`, a logical id) or the policy file's path.
    pub principal: String,
    pub policies: PolicySet<'a>,
    /// Every policy that applies is in the project.
    pub complete: bool,
}

impl<'a> PrincipalPolicies<'a> {
    /// The identity policies the project defines: those a finding may point into.
    pub fn own_identity(&self) -> impl Iterator<Item = &'a Policy> + '_ {
        self.policies.identity.iter().copied().filter(|p| !aws_managed::is_aws_managed(p))
    }

    /// Policies whose Deny statements apply to the principal's requests.
    pub fn deny_sources(&self) -> impl Iterator<Item = &'a Policy> + '_ {
        let p = &self.policies;
        p.identity.iter().chain(&p.boundary).chain(&p.scps).copied()
    }
}

/// One set per principal of the index, plus one per policy that belongs to none.
pub fn principal_policies<'a>(policies: &'a [Policy], index: &ProjectIndex) -> Vec<PrincipalPolicies<'a>> {
    let scps: Vec<&Policy> = policies.iter().filter(|p| p.kind == PolicyKind::Scp).collect();
    let mut covered: HashSet<*const Policy> = HashSet::new();
    let mut sets = Vec::new();
    for principal in all_entities(policies, index) {
        let set = principal.set;
        covered.extend(set.identity.iter().chain(&set.boundary).map(|p| *p as *const Policy));
        sets.push(PrincipalPolicies {
            principal: principal.label,
            policies: PolicySet {
                identity: set.identity,
                boundary: set.boundary,
                scps: set.scps,
                ..PolicySet::default()
            },
            complete: principal.external.is_empty() && principal.external_boundary.is_none(),
        });
    }
    for p in policies {
        if covered.contains(&(p as *const Policy)) || !matches!(p.kind, PolicyKind::Identity | PolicyKind::Unknown) {
            continue;
        }
        sets.push(PrincipalPolicies {
            principal: p.display_origin(),
            policies: PolicySet { identity: vec![p], scps: scps.clone(), ..PolicySet::default() },
            // A policy attached to a principal outside the project may be one of several.
            complete: p.origin.is_none(),
        });
    }
    sets
}
