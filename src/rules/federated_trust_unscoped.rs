use crate::catalog::{self, Action};
use crate::finding::Finding;
use crate::policy::{Condition, PolicyKind, Statement, Value};
use crate::rules::least_privilege as lp;
use crate::rules::PolicyCx;
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Flags a trust policy that lets a federated identity assume the role
    /// without the condition that says whose identity:
    ///
    /// - `sts:AssumeRoleWithWebIdentity` for GitHub Actions
    ///   (`token.actions.githubusercontent.com`) without a
    ///   `token.actions.githubusercontent.com:sub` condition naming the
    ///   repositories (`repo:my-org/my-repo:*`);
    /// - for Amazon Cognito (`cognito-identity.amazonaws.com`) without
    ///   `cognito-identity.amazonaws.com:aud` (the identity pool);
    /// - for any other OpenID Connect provider without an `aud` (or `sub`)
    ///   condition on the provider's claims;
    /// - `sts:AssumeRoleWithSAML` without `SAML:aud`.
    ///
    /// A `StringLike` whose values are all `*` (or `repo:*`) counts as no
    /// condition; a negated operator does not narrow. Silent when the
    /// conditions cannot be read (`var.x`, `!Ref`): a value that cannot be
    /// resolved is taken to narrow.
    ///
    /// ## Why is this bad?
    /// An OIDC token says who issued it, not that it was issued to you: any
    /// GitHub repository, any Cognito identity pool in any AWS account, any
    /// application signed in with the same identity provider can present one.
    /// Without the condition, each of them can assume the role and act with
    /// its permissions. AWS: "Create a role for OpenID Connect federation"
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html>),
    /// "Create a role for SAML 2.0 federation"
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>),
    /// Amazon Cognito "Role trust and permissions"
    /// (<https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html>).
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow",
    ///   "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
    ///   "Action": "sts:AssumeRoleWithWebIdentity",
    ///   "Condition": { "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow",
    ///   "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
    ///   "Action": "sts:AssumeRoleWithWebIdentity",
    ///   "Condition": {
    ///     "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
    ///     "StringLike": { "token.actions.githubusercontent.com:sub": "repo:my-org/voice-infra:ref:refs/heads/main" } } }
    /// ```
    pub FEDERATED_TRUST_UNSCOPED, "federated-trust-unscoped", Error, LeastPrivilege,
    "a federated trust (GitHub Actions, Cognito, OIDC, SAML) with no condition on whose identities may assume the role"
}

/// The identity providers whose trust needs a particular claim tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    GitHub,
    Cognito,
    /// Another OpenID Connect provider, or one not known statically.
    Oidc,
    Saml,
}

const GITHUB: &str = "token.actions.githubusercontent.com";
const COGNITO: &str = "cognito-identity.amazonaws.com";

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !matches!(cx.policy.kind, PolicyKind::Trust | PolicyKind::Unknown) {
        return;
    }
    let (Some(web), Some(saml)) = (action("sts:AssumeRoleWithWebIdentity"), action("sts:AssumeRoleWithSAML")) else {
        return;
    };
    for sc in cx.allows() {
        let st = sc.st;
        let Some(principal) = st.principal.as_ref().filter(|p| !p.negated) else { continue };
        if st.conditions_unknown || st.conditions.iter().any(|c| c.key_unknown) {
            continue;
        }
        let web_span = lp::statement_grants(sc, web);
        let saml_span = lp::statement_grants(sc, saml);
        let federated: Vec<&Value> =
            principal.entries.iter().filter(|e| e.kind == "Federated").map(|e| &e.value).collect();
        // Which providers the statement trusts, and where each is written.
        let mut trusted: Vec<(Provider, Span)> = Vec::new();
        for value in &federated {
            let Some(text) = value.as_pattern() else { continue };
            let provider = provider_of(&text);
            let span_ok = match provider {
                Provider::Saml => saml_span.is_some(),
                _ => web_span.is_some(),
            };
            if span_ok {
                trusted.push((provider, value.span));
            }
        }
        // A provider written as a reference (`aws_iam_openid_connect_provider.x.arn`,
        // `!Ref GithubOidc`) is still an OIDC provider when the action is
        // `AssumeRoleWithWebIdentity`, and the one its condition keys name.
        if trusted.is_empty() && federated.is_empty() && principal.has_unknown {
            if let Some(span) = web_span {
                trusted.push((provider_of_keys(st), span));
            }
        }
        for (provider, span) in trusted {
            if let Some(message) = unscoped(st, provider) {
                out.push(
                    Finding::new(&FEDERATED_TRUST_UNSCOPED, &cx.policy.source, span, message).with_help(help(provider)),
                );
            }
        }
    }
}

fn action(name: &str) -> Option<Action> {
    catalog::action(name)
}

fn provider_of(text: &str) -> Provider {
    let lower = text.to_ascii_lowercase();
    if lower.contains(":saml-provider/") {
        Provider::Saml
    } else if lower.ends_with(GITHUB) {
        Provider::GitHub
    } else if lower == COGNITO {
        Provider::Cognito
    } else {
        Provider::Oidc
    }
}

/// The provider a statement's condition keys name (`token.actions.githubusercontent.com:aud`
/// names GitHub), for a principal written as a reference.
fn provider_of_keys(st: &Statement) -> Provider {
    let names = |host: &str| {
        st.conditions.iter().any(|c| c.key.rsplit_once(':').is_some_and(|(p, _)| p.eq_ignore_ascii_case(host)))
    };
    if names(GITHUB) {
        Provider::GitHub
    } else if names(COGNITO) {
        Provider::Cognito
    } else {
        Provider::Oidc
    }
}

/// Why the statement lets anyone with a token from the provider in, or `None`.
fn unscoped(st: &Statement, provider: Provider) -> Option<String> {
    match provider {
        Provider::GitHub if !narrows(st, "sub", repositories_named) => Some(match wide_sub(st) {
            Some(value) => format!(
                "any GitHub repository can assume this role: the `{GITHUB}:sub` condition `{value}` names no \
                 repository"
            ),
            None => format!(
                "any GitHub repository can assume this role: `sts:AssumeRoleWithWebIdentity` for `{GITHUB}` has no \
                 `{GITHUB}:sub` condition naming the repositories"
            ),
        }),
        Provider::Cognito if !narrows(st, "aud", any_value) => Some(format!(
            "identities of any Cognito identity pool, in any AWS account, can assume this role: \
             `sts:AssumeRoleWithWebIdentity` for `{COGNITO}` has no `{COGNITO}:aud` condition naming the identity pool"
        )),
        Provider::Oidc if !narrows(st, "aud", any_value) && !narrows(st, "sub", any_value) => Some(
            "any application that signs in with this OpenID Connect provider can assume this role: \
             `sts:AssumeRoleWithWebIdentity` has no `<provider>:aud` (or `:sub`) condition"
                .to_string(),
        ),
        Provider::Saml if !narrows(st, "SAML:aud", any_value) => Some(
            "`sts:AssumeRoleWithSAML` has no `SAML:aud` condition: a SAML assertion meant for another \
             service provider can be used to assume this role"
                .to_string(),
        ),
        _ => None,
    }
}

/// A positive condition on the claim (`sub`: any `<provider>:sub` key;
/// `SAML:aud`: that key) whose values `scoped` accepts.
fn narrows(st: &Statement, claim: &str, scoped: fn(&Condition) -> bool) -> bool {
    st.conditions.iter().any(|c| {
        let key_matches = if claim.contains(':') {
            c.key.eq_ignore_ascii_case(claim)
        } else {
            c.key.rsplit_once(':').is_some_and(|(provider, k)| {
                k.eq_ignore_ascii_case(claim) && !provider.eq_ignore_ascii_case("aws") && !provider.is_empty()
            })
        };
        key_matches && claim_positive(c) && scoped(c)
    })
}

/// A positive condition on a claim the token always carries (`sub`, `aud`,
/// `SAML:aud`): `…IfExists` tests it as the operator without the suffix does.
fn claim_positive(c: &Condition) -> bool {
    match c.operator.strip_suffix("IfExists") {
        Some(op) => lp::is_positive(&Condition { operator: op.to_string(), ..c.clone() }),
        None => lp::is_positive(c),
    }
}

/// The first value of a `sub` condition that names no repository (`*`, `repo:*`).
fn wide_sub(st: &Statement) -> Option<String> {
    let sub = |c: &&Condition| c.key.rsplit_once(':').is_some_and(|(_, k)| k.eq_ignore_ascii_case("sub"));
    st.conditions
        .iter()
        .filter(sub)
        .flat_map(|c| &c.values)
        .find_map(|v| v.lit().filter(|t| names_no_repository(t)).map(str::to_string))
}

/// `*`, `repo:*`, `repo:*/*`: a `sub` value whose owner part is all wildcards.
fn names_no_repository(text: &str) -> bool {
    let rest = text.strip_prefix("repo:").unwrap_or(text);
    let owner = rest.split(['/', ':']).next().unwrap_or("");
    owner.is_empty() || owner.chars().all(|ch| ch == '*' || ch == '?')
}

fn any_value(_: &Condition) -> bool {
    true
}

/// `repo:my-org/*` names repositories; `*`, `repo:*` and `repo:*/*` do not.
fn repositories_named(c: &Condition) -> bool {
    // A value not known statically is taken to name them.
    c.values.iter().all(|v| v.lit().is_none_or(|text| !names_no_repository(text)))
}

fn help(provider: Provider) -> String {
    match provider {
        Provider::GitHub => format!(
            "add `\"StringLike\": {{\"{GITHUB}:sub\": \"repo:<owner>/<repository>:*\"}}` (or a branch or \
             environment: `repo:<owner>/<repository>:ref:refs/heads/main`) and \
             `\"StringEquals\": {{\"{GITHUB}:aud\": \"sts.amazonaws.com\"}}`"
        ),
        Provider::Cognito => format!(
            "add `\"StringEquals\": {{\"{COGNITO}:aud\": \"<region>:<identity-pool-id>\"}}`, and \
             `\"ForAnyValue:StringLike\": {{\"{COGNITO}:amr\": \"authenticated\"}}` unless unauthenticated \
             identities are meant to use the role"
        ),
        Provider::Oidc => "add `\"StringEquals\": {\"<provider>:aud\": \"<client id>\"}` and a `<provider>:sub` \
                           condition naming the subjects"
            .to_string(),
        Provider::Saml => "add `\"StringEquals\": {\"SAML:aud\": \"https://signin.aws.amazon.com/saml\"}`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_told_apart() {
        assert_eq!(
            provider_of("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"),
            Provider::GitHub
        );
        assert_eq!(provider_of("cognito-identity.amazonaws.com"), Provider::Cognito);
        assert_eq!(provider_of("arn:aws:iam::111122223333:saml-provider/Okta"), Provider::Saml);
        assert_eq!(
            provider_of("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AB"),
            Provider::Oidc
        );
    }
}
