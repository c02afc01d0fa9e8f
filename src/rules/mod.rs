//! The rules: one file each, declared with [`declare_rule!`](crate::declare_rule),
//! and one registry, [`RULES`], that lists them all.
//!
//! A policy rule is a function over a [`PolicyCx`] (one policy, its actions
//! already resolved against the catalog). A project rule sees every policy and
//! the project index. The rules that the front-ends, the policy grammar and
//! the pipeline report themselves are declared below them, in
//! [`crate::finding::reported`], and registered here with the others so they
//! can be listed and explained.

pub mod context;
pub mod own_resources;
pub mod render;

pub use crate::finding::{Category, RuleMeta, DOC_SECTIONS};
pub use context::{ActionKind, ActionRef, PolicyCx, ProjectCx, StatementCx};
// Declared below the layers that report them; named here with the others.
pub use crate::finding::reported::{
    file_outside_project, forbidden_access_granted, invalid_suppression, invalid_version, parse_error, policy_syntax,
    required_access_denied, unused_suppression,
};

use crate::finding::Finding;

// Syntax: the document is not what IAM reads (the rest are in `finding::reported`).

// Validity: the policy says something AWS does not understand or will not apply.
pub mod condition_operator_mismatch;
pub mod ineffective_action;
pub mod invalid_arn;
pub mod resource_mismatch;
pub mod retired_action;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_service;
pub mod wildcard_matches_nothing;

// Least privilege: what is granted too widely, and how to narrow it.
pub mod allow_not_action;
pub mod allow_not_principal;
pub mod allow_not_resource;
pub mod confused_deputy;
pub mod credentials_exposure;
pub mod deprecated_action;
pub mod federated_trust_unscoped;
pub mod full_admin;
pub mod least_privilege;
pub mod mfa_condition_misused;
pub mod passrole_unrestricted;
pub mod privilege_escalation;
pub mod public_principal;
pub mod resource_star;
pub mod service_wildcard;

// Gap: what the workload needs and its policies do not grant.
pub mod chime_voice;
pub mod code_not_read;
pub mod deny_overrides_allow;
pub mod lambda_permission_principal_mismatch;
pub mod lex_bot_policy_missing;
pub mod missing_dependent_action;
pub mod principals;
pub mod sdk_call_denied;
pub mod sma_lambda_permission_missing;
pub mod sma_lambda_region_mismatch;
pub mod trust_principal_mismatch;
pub mod unsupported_region;
pub mod unused_grant;

// Quota: limits AWS sets on sizes and counts, which fail a deploy or a call.
pub mod policy_size_exceeded;
pub mod service_quota;

// Network: the paths calls take to and from a Voice Connector.
pub mod voice_connector_allow_list;
pub mod voice_connector_encryption_mismatch;
pub mod voice_connector_origination_host;
pub mod voice_connector_sbc_ingress;
pub mod voice_network;

// Meta: about the suppression comments themselves (reported by the pipeline).

/// What runs a rule.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by a front-end or the policy grammar, not by a check of its own.
    Reported,
    /// Runs once per policy.
    Policy(fn(&PolicyCx, &mut Vec<Finding>)),
    /// Runs once per run, over every policy and the project index.
    Project(fn(&ProjectCx, &mut Vec<Finding>)),
    /// Both: once per policy, and once per run on the project's facts
    /// (`credentials-exposure`: secrets in outputs; `full-admin` and
    /// `service-wildcard`: an AWS managed policy's grants, at the attachment).
    PolicyAndProject(fn(&PolicyCx, &mut Vec<Finding>), fn(&ProjectCx, &mut Vec<Finding>)),
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
    Rule { meta: &file_outside_project::FILE_OUTSIDE_PROJECT, check: Check::Reported },
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
    Rule { meta: &retired_action::RETIRED_ACTION, check: Check::Policy(retired_action::check) },
    Rule { meta: &full_admin::FULL_ADMIN, check: Check::PolicyAndProject(full_admin::check, full_admin::attached) },
    Rule {
        meta: &service_wildcard::SERVICE_WILDCARD,
        check: Check::PolicyAndProject(service_wildcard::check, service_wildcard::attached),
    },
    Rule { meta: &resource_star::RESOURCE_STAR, check: Check::Policy(resource_star::check) },
    Rule { meta: &allow_not_action::ALLOW_NOT_ACTION, check: Check::Policy(allow_not_action::check) },
    Rule { meta: &allow_not_resource::ALLOW_NOT_RESOURCE, check: Check::Policy(allow_not_resource::check) },
    Rule { meta: &allow_not_principal::ALLOW_NOT_PRINCIPAL, check: Check::Policy(allow_not_principal::check) },
    Rule { meta: &passrole_unrestricted::PASSROLE_UNRESTRICTED, check: Check::Policy(passrole_unrestricted::check) },
    Rule { meta: &public_principal::PUBLIC_PRINCIPAL, check: Check::Policy(public_principal::check) },
    Rule { meta: &confused_deputy::CONFUSED_DEPUTY, check: Check::Policy(confused_deputy::check) },
    Rule { meta: &privilege_escalation::PRIVILEGE_ESCALATION, check: Check::Policy(privilege_escalation::check) },
    Rule {
        meta: &credentials_exposure::CREDENTIALS_EXPOSURE,
        check: Check::PolicyAndProject(credentials_exposure::check, credentials_exposure::check_outputs),
    },
    Rule { meta: &deprecated_action::DEPRECATED_ACTION, check: Check::Policy(deprecated_action::check) },
    Rule {
        meta: &federated_trust_unscoped::FEDERATED_TRUST_UNSCOPED,
        check: Check::Policy(federated_trust_unscoped::check),
    },
    Rule { meta: &mfa_condition_misused::MFA_CONDITION_MISUSED, check: Check::Policy(mfa_condition_misused::check) },
    Rule { meta: &deny_overrides_allow::DENY_OVERRIDES_ALLOW, check: Check::Project(deny_overrides_allow::check) },
    Rule {
        meta: &missing_dependent_action::MISSING_DEPENDENT_ACTION,
        check: Check::Project(missing_dependent_action::check),
    },
    Rule {
        meta: &sma_lambda_permission_missing::SMA_LAMBDA_PERMISSION_MISSING,
        check: Check::Project(sma_lambda_permission_missing::check),
    },
    Rule {
        meta: &trust_principal_mismatch::TRUST_PRINCIPAL_MISMATCH,
        check: Check::Project(trust_principal_mismatch::check),
    },
    Rule { meta: &unsupported_region::UNSUPPORTED_REGION, check: Check::Project(unsupported_region::check) },
    Rule {
        meta: &sma_lambda_region_mismatch::SMA_LAMBDA_REGION_MISMATCH,
        check: Check::Project(sma_lambda_region_mismatch::check),
    },
    Rule {
        meta: &lex_bot_policy_missing::LEX_BOT_POLICY_MISSING,
        check: Check::Project(lex_bot_policy_missing::check),
    },
    Rule {
        meta: &lambda_permission_principal_mismatch::LAMBDA_PERMISSION_PRINCIPAL_MISMATCH,
        check: Check::Project(lambda_permission_principal_mismatch::check),
    },
    Rule { meta: &sdk_call_denied::SDK_CALL_DENIED, check: Check::Project(sdk_call_denied::check) },
    Rule { meta: &unused_grant::UNUSED_GRANT, check: Check::Project(unused_grant::check) },
    Rule { meta: &code_not_read::CODE_NOT_READ, check: Check::Project(code_not_read::check) },
    Rule { meta: &required_access_denied::REQUIRED_ACCESS_DENIED, check: Check::Reported },
    Rule { meta: &forbidden_access_granted::FORBIDDEN_ACCESS_GRANTED, check: Check::Reported },
    Rule { meta: &policy_size_exceeded::POLICY_SIZE_EXCEEDED, check: Check::Project(policy_size_exceeded::check) },
    Rule { meta: &service_quota::SERVICE_QUOTA, check: Check::Project(service_quota::check) },
    Rule {
        meta: &voice_connector_allow_list::VOICE_CONNECTOR_ALLOW_LIST,
        check: Check::Project(voice_connector_allow_list::check),
    },
    Rule {
        meta: &voice_connector_origination_host::VOICE_CONNECTOR_ORIGINATION_HOST,
        check: Check::Project(voice_connector_origination_host::check),
    },
    Rule {
        meta: &voice_connector_encryption_mismatch::VOICE_CONNECTOR_ENCRYPTION_MISMATCH,
        check: Check::Project(voice_connector_encryption_mismatch::check),
    },
    Rule {
        meta: &voice_connector_sbc_ingress::VOICE_CONNECTOR_SBC_INGRESS,
        check: Check::Project(voice_connector_sbc_ingress::check),
    },
    Rule { meta: &invalid_suppression::INVALID_SUPPRESSION, check: Check::Reported },
    Rule { meta: &unused_suppression::UNUSED_SUPPRESSION, check: Check::Reported },
    // Run by `lint::finish` through `lint::require::check` (needs the configuration).
];

/// The fix of a policy rule's finding that only the whole project can give
/// (the resources it defines, the code its functions run): the finding is
/// made per policy, and gets this fix once the project rules have run.
fn project_fix(cx: &ProjectCx, finding: &Finding) -> Option<crate::finding::Fix> {
    match finding.rule {
        id if id == resource_star::RESOURCE_STAR.id => resource_star::project_fix(cx, finding),
        id if id == service_wildcard::SERVICE_WILDCARD.id => service_wildcard::project_fix(cx, finding),
        id if id == confused_deputy::CONFUSED_DEPUTY.id => confused_deputy::project_fix(cx, finding),
        _ => None,
    }
}

/// Gives the findings of a unit or project the fixes only the project can give:
/// they replace the fix the policy alone gave (a Lambda permission's own
/// account, to which the project adds the application that calls).
pub fn add_project_fixes(cx: &ProjectCx, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        if let Some(fix) = project_fix(cx, f) {
            f.fix = Some(Box::new(fix));
        }
    }
}

/// The policy of `cx` a finding points into, and the statement whose
/// action, resource or principal entry is at the finding's span.
pub fn statement_at<'a>(cx: &ProjectCx<'a>, finding: &Finding) -> Option<(&'a crate::policy::Policy, usize)> {
    let at = finding.span;
    cx.policies.iter().filter(|p| p.source.path == finding.source.path).find_map(|p| {
        let i = p.statements.iter().position(|st| {
            let lists = [&st.action, &st.resource].into_iter().flatten();
            let services = st.principal.iter().flat_map(|pr| pr.services());
            lists.flat_map(|l| l.values.iter()).chain(services).any(|v| v.span == at)
        })?;
        Some((p, i))
    })
}

/// Reads the tables the rules look things up in (`rules/*.json`, compiled
/// in), which each rule otherwise reads on first use. A run over a tree
/// calls this on an idle thread while the walk starts, so that the first
/// files linted do not wait on it: a tenth of a millisecond, as much as
/// linting ten policies.
pub fn prepare() {
    least_privilege::data();
    chime_voice::dependencies();
    chime_voice::regions();
    unknown_action::prepare();
    passrole_unrestricted::pass_role();
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.meta.id == id)
}

/// The README's rules table, in registry order: what `README.md` holds between
/// `<!-- rules-table:start -->` and `<!-- rules-table:end -->` (tests/it/cli.rs
/// checks it; `UPDATE_README=1 cargo test --test it readme` rewrites it).
pub fn markdown_table() -> String {
    let mut table = String::from("| id | severity | category | what it finds |\n| --- | --- | --- | --- |\n");
    for rule in RULES {
        let (id, severity, category, summary) =
            (rule.meta.id, rule.meta.severity.as_str(), rule.meta.category.as_str(), rule.meta.summary);
        let fix = rule.meta.fix.map(|a| format!(" (fix: {})", a.as_str())).unwrap_or_default();
        table.push_str(&format!("| `{id}` | {severity} | {category} | {summary}{fix} |\n"));
    }
    table
}
