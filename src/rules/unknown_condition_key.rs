use crate::catalog;
use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a condition key that is neither an AWS global key (`aws:...`) nor
    /// defined by the service of any action in its statement. Amazon Chime
    /// defines no keys of its own: only the global tag keys
    /// (`aws:RequestTag/...`, `aws:ResourceTag/...`, `aws:TagKeys`) apply.
    ///
    /// ## Why is this bad?
    /// A condition on a key that is never present in the request is never
    /// true (or, with a negated operator, always true): the statement does
    /// nothing, or more than intended.
    ///
    /// ## Example
    /// ```json
    /// "Condition": { "StringEquals": { "chime:VoiceConnectorId": "abc" } }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": { "StringEquals": { "aws:ResourceTag/team": "voice" } }
    /// ```
    pub UNKNOWN_CONDITION_KEY, "unknown-condition-key", Warning, Validity,
    "a condition key that does not apply to the statement's actions"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        // With every action, or actions not known statically, any service's key may apply.
        let open = sc.st.action.as_ref().is_none_or(|a| a.negated || a.has_unknown)
            || sc.actions.iter().any(|a| !matches!(a.kind, ActionKind::Exact(_) | ActionKind::Pattern(_)));
        for c in &sc.st.conditions {
            if c.key_unknown
                || catalog::global_condition_key(&c.key).is_some()
                || identity_provider_key(&c.key)
                || used_by_aws(&c.key)
            {
                continue;
            }
            let problem = match c.key.split_once(':') {
                None => format!("`{}` is not a condition key: keys look like `service:Name` or `aws:Name`", c.key),
                Some((prefix, _)) if prefix.eq_ignore_ascii_case("aws") => {
                    format!("`{}` is not an AWS global condition key", c.key)
                }
                // A retired or undocumented service's keys: its grants are reported
                // (`retired-action`) or cannot be checked; the key is no typo.
                Some((prefix, _))
                    if catalog::retired_service(prefix).is_some() || catalog::is_undocumented_service(prefix) =>
                {
                    continue
                }
                Some((prefix, _)) => match catalog::service(prefix).or_else(|| catalog::service_listing_key(&c.key)) {
                    None => format!("`{}` names no AWS service (`{prefix}`)", c.key),
                    Some(s) if s.condition_key(&c.key).is_none() => {
                        format!("`{}` is not a condition key of `{}` ({})", c.key, s.prefix(), s.name())
                    }
                    Some(s)
                        if !open
                            && !sc.granted().any(|a| {
                                a.service().prefix() == s.prefix()
                                    || a.resource_types().any(|(rt, _)| rt.has_condition_key(&c.key))
                            }) =>
                    {
                        let mut services: Vec<_> = sc.granted().map(|a| a.service().prefix()).collect();
                        services.sort_unstable();
                        services.dedup();
                        let services: Vec<_> = services.iter().map(|p| format!("`{p}`")).collect();
                        format!(
                            "`{}` is a key of `{}`, but the statement's actions are of {}: the key is never in the request",
                            c.key,
                            s.prefix(),
                            services.join(", ")
                        )
                    }
                    Some(_) => continue,
                },
            };
            out.push(Finding::new(&UNKNOWN_CONDITION_KEY, &cx.policy.source, c.key_span, problem));
        }
    }
}

/// A key that an identity provider puts in a federated request:
/// `<provider>:<claim>` with the provider's host (`cognito-identity.amazonaws.com:aud`,
/// `token.actions.githubusercontent.com:sub`, `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub`)
/// or `saml:<attribute>`. IAM reads them in the trust policies of
/// `sts:AssumeRoleWithWebIdentity` and `sts:AssumeRoleWithSAML` (where AWS
/// requires the `aud` test: without it any identity pool could assume the
/// role) and in the policies of the sessions that follow. Which claims exist
/// is the provider's to say, so any is taken.
/// Keys that AWS managed policies test and the catalog does not list
/// (`rules/managed-policies/condition-keys.json`, written by
/// `tools/managed_policies.py`): AWS's own use shows they are real.
fn used_by_aws(key: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Keys {
        keys: std::collections::BTreeMap<String, Vec<String>>,
    }
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let data: Keys = serde_json::from_str(include_str!("../../rules/managed-policies/condition-keys.json"))
            .expect("rules/managed-policies/condition-keys.json is checked by the tests");
        data.keys.into_keys().map(|k| k.to_ascii_lowercase()).collect()
    })
    .contains(&key.to_ascii_lowercase())
}

fn identity_provider_key(key: &str) -> bool {
    key.split_once(':').is_some_and(|(provider, claim)| {
        !claim.is_empty() && (provider.eq_ignore_ascii_case("saml") || provider.contains('.'))
    })
}
