//! The policies that apply to each principal of the project: what IAM
//! evaluates together when that principal makes a request.
//!
//! A role's set is its inline policies, the inline-policy resources and the
//! managed policies attached to it in the project, its permissions boundary,
//! and every SCP in the project. A standalone policy file is a set of its own.
//! A set that names a policy defined outside the project (an AWS managed
//! policy, a variable) is marked `complete: false`: rules that ask "is X
//! granted anywhere?" stay silent on it rather than guess.

use crate::index::{same_scope, FactKind, ProjectIndex, Ref};
use crate::policy::{Policy, PolicyKind};
use crate::source::Source;
use std::collections::HashSet;

pub struct PolicySet<'a> {
    /// The principal's address (`aws_iam_role.x`, a logical id) or the policy file's path.
    pub principal: String,
    pub identity: Vec<&'a Policy>,
    pub boundary: Vec<&'a Policy>,
    pub scps: Vec<&'a Policy>,
    /// Every policy that applies is in the project.
    pub complete: bool,
}

impl<'a> PolicySet<'a> {
    /// Policies whose Deny statements apply to the principal's requests.
    pub fn deny_sources(&self) -> impl Iterator<Item = &'a Policy> + '_ {
        self.identity.iter().chain(&self.boundary).chain(&self.scps).copied()
    }
}

/// The policies a resource at `address` (in the template or module of `from`)
/// defines or uses: those written inside it, and the Terraform policy
/// documents it names (`policy = data.aws_iam_policy_document.x.json`).
pub fn policies_at<'a>(policies: &'a [Policy], index: &ProjectIndex, from: &Source, address: &str) -> Vec<&'a Policy> {
    let mut origins = vec![address];
    for f in index.get(from, address) {
        if let FactKind::PolicyReference { document: Ref::Address(d), .. } = &f.kind {
            origins.push(d);
        }
    }
    policies
        .iter()
        .filter(|p| p.origin.as_deref().is_some_and(|o| origins.contains(&o)) && same_scope(&p.source, from))
        .collect()
}

/// One set per principal of the index, plus one per policy that belongs to none.
pub fn policy_sets<'a>(policies: &'a [Policy], index: &ProjectIndex) -> Vec<PolicySet<'a>> {
    let scps: Vec<&Policy> = policies.iter().filter(|p| p.kind == PolicyKind::Scp).collect();
    let mut covered: HashSet<*const Policy> = HashSet::new();
    let mut sets = Vec::new();

    for fact in &index.facts {
        let (managed, boundary) = match &fact.kind {
            FactKind::Role { managed_policies, boundary, .. } => (managed_policies, boundary.as_ref()),
            FactKind::User { managed_policies, .. } | FactKind::Group { managed_policies, .. } => {
                (managed_policies, None)
            }
            _ => continue,
        };
        let me = Ref::Address(fact.address.clone());
        let mut set = PolicySet {
            principal: fact.address.clone(),
            identity: Vec::new(),
            boundary: Vec::new(),
            scps: scps.clone(),
            complete: true,
        };
        set.identity.extend(
            policies_at(policies, index, &fact.site.source, &fact.address)
                .into_iter()
                .filter(|p| p.kind == PolicyKind::Identity),
        );
        let mut attached: Vec<&Ref> = managed.iter().collect();
        for other in &index.facts {
            match &other.kind {
                FactKind::InlinePolicy { attached_to } | FactKind::ManagedPolicy { attached_to, .. }
                    if attached_to.contains(&me) && same_scope(&other.site.source, &fact.site.source) =>
                {
                    set.identity.extend(policies_at(policies, index, &other.site.source, &other.address));
                }
                FactKind::PolicyAttachment { policy, principal }
                    if *principal == me && same_scope(&other.site.source, &fact.site.source) =>
                {
                    attached.push(policy)
                }
                _ => {}
            }
        }
        for r in attached {
            match r {
                Ref::Address(a) => set.identity.extend(policies_at(policies, index, &fact.site.source, a)),
                _ => set.complete = false,
            }
        }
        match boundary {
            Some(Ref::Address(a)) => set.boundary.extend(policies_at(policies, index, &fact.site.source, a)),
            Some(_) => set.complete = false,
            None => {}
        }
        set.identity.sort_by_key(|p| p as *const _);
        set.identity.dedup_by_key(|p| *p as *const _);
        covered.extend(set.identity.iter().map(|p| *p as *const Policy));
        covered.extend(set.boundary.iter().map(|p| *p as *const Policy));
        sets.push(set);
    }

    for p in policies {
        if covered.contains(&(p as *const Policy)) || !matches!(p.kind, PolicyKind::Identity | PolicyKind::Unknown) {
            continue;
        }
        sets.push(PolicySet {
            principal: p.display_origin(),
            identity: vec![p],
            boundary: Vec::new(),
            scps: scps.clone(),
            // A policy attached to a principal outside the project may be one of several.
            complete: p.origin.is_none(),
        });
    }
    sets
}
