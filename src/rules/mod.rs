//! The rules: one file each, declared with [`declare_rule!`](crate::declare_rule),
//! and one registry, [`RULES`], that lists them all.
//!
//! A policy rule is a function over a [`PolicyCx`] (one policy, its actions
//! already resolved against the catalog). A project rule sees every policy and
//! the project index. Syntax rules are reported by the front-ends and the
//! policy grammar; they are registered here so they can be listed and explained.

mod context;
mod declare;

pub use context::{ActionKind, ActionRef, PolicyCx, StatementCx};
pub use declare::{Category, RuleMeta};

use crate::finding::Finding;

// Syntax: reported while reading files.
pub mod invalid_version;
pub mod parse_error;
pub mod policy_syntax;

// Validity: the policy says something AWS does not understand or will not apply.
pub mod condition_operator_mismatch;
pub mod ineffective_action;
pub mod invalid_arn;
pub mod resource_mismatch;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_service;
pub mod wildcard_matches_nothing;

// Gap: what the workload needs and the policies do not grant.
pub mod required_access_denied;

/// What runs a rule.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by a front-end or the policy grammar, not by a check of its own.
    Reported,
    /// Runs once per policy.
    Policy(fn(&PolicyCx, &mut Vec<Finding>)),
}

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// Every rule, in the order `policy-lint rules` lists them.
pub static RULES: &[Rule] = &[
    Rule { meta: &parse_error::PARSE_ERROR, check: Check::Reported },
    Rule { meta: &policy_syntax::POLICY_SYNTAX, check: Check::Reported },
    Rule { meta: &invalid_version::INVALID_VERSION, check: Check::Reported },
    Rule { meta: &unknown_service::UNKNOWN_SERVICE, check: Check::Policy(unknown_service::check) },
    Rule { meta: &unknown_action::UNKNOWN_ACTION, check: Check::Policy(unknown_action::check) },
    Rule {
        meta: &wildcard_matches_nothing::WILDCARD_MATCHES_NOTHING,
        check: Check::Policy(wildcard_matches_nothing::check),
    },
    Rule { meta: &invalid_arn::INVALID_ARN, check: Check::Policy(invalid_arn::check) },
    Rule { meta: &resource_mismatch::RESOURCE_MISMATCH, check: Check::Policy(resource_mismatch::check) },
    Rule { meta: &ineffective_action::INEFFECTIVE_ACTION, check: Check::Policy(ineffective_action::check) },
    Rule { meta: &unknown_condition_key::UNKNOWN_CONDITION_KEY, check: Check::Policy(unknown_condition_key::check) },
    Rule {
        meta: &condition_operator_mismatch::CONDITION_OPERATOR_MISMATCH,
        check: Check::Policy(condition_operator_mismatch::check),
    },
    // Run by `lint::finish` through `analysis::require::check` (needs the configuration).
    Rule { meta: &required_access_denied::REQUIRED_ACCESS_DENIED, check: Check::Reported },
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.meta.id == id)
}
