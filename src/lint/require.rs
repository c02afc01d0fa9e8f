//! `[[require]]`: each requirement of the configuration proved, or not, by
//! the engine over the project's policies; what is not proved is a
//! `required-access-denied` finding at the principal's definition.

use crate::analysis::explain_denied::describe_outcome;
use crate::analysis::{evaluate, principal, Decision, Request};
use crate::config::require::Requirement;
use crate::finding::reported::required_access_denied::REQUIRED_ACCESS_DENIED;
use crate::finding::Finding;
use crate::index::ProjectIndex;
use crate::policy::Policy;

/// The `required-access-denied` findings: one for each (action, resource) of a
/// requirement that the engine cannot prove allowed.
pub fn check(policies: &[Policy], index: &ProjectIndex, reqs: &[Requirement]) -> Vec<Finding> {
    let mut out = Vec::new();
    for req in reqs {
        let p = match principal::resolve(policies, index, &req.principal) {
            Ok(p) => p,
            Err(e) => {
                out.push(
                    Finding::new(&REQUIRED_ACCESS_DENIED, &req.source, req.principal_span, format!("[[require]]: {e}"))
                        .with_help("`principal` takes a Terraform address, a CloudFormation logical id, a role name or a policy file path"),
                );
                continue;
            }
        };
        let (site_source, site_span) = match &p.site {
            Some(site) => (site.source.clone(), site.span),
            None => (req.source.clone(), req.principal_span),
        };
        let where_required = format!("{}:{}", req.source.path, req.line);
        for action in expand_actions(&req.actions) {
            for resource in &req.resources {
                let mut request = Request::new(action.clone(), resource.clone());
                for (k, v) in &req.context {
                    request.add_context(k.clone(), v.clone());
                }
                let ev = evaluate(&p.set, &request);
                if ev.decision == Decision::Allowed {
                    continue;
                }
                let (reason, help) = describe_outcome(&ev, &request, &p);
                let mut f = Finding::new(
                    &REQUIRED_ACCESS_DENIED,
                    &site_source,
                    site_span,
                    format!(
                        "`{}` must be allowed `{action}` on `{resource}` (required at {where_required}), but {reason}",
                        p.label
                    ),
                );
                if let Some(h) = help {
                    f = f.with_help(h);
                }
                for r in ev.deciding().take(3) {
                    f = f.with_label(
                        &r.at.policy.source,
                        r.at.statement().span,
                        format!("{} decides it", r.at.label()),
                    );
                }
                if let Some(near) = &ev.closest {
                    f = f.with_label(&near.at.policy.source, near.at.statement().span, "closest statement");
                }
                out.push(f);
            }
        }
    }
    out
}

/// Expands action patterns through the catalog; exact names stay as written
/// (an action the catalog does not know is still checked).
fn expand_actions(actions: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        let names: Vec<String> = if a.contains(['*', '?']) {
            crate::catalog::expand(a).into_iter().map(|x| x.full_name()).collect()
        } else {
            vec![crate::catalog::action(a).map_or_else(|| a.clone(), |x| x.full_name())]
        };
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::require::parse_requirements;
    use crate::source::{SourceFile, Span};

    #[test]
    fn action_patterns_expand() {
        let v = expand_actions(&[
            "chime:GetSipRule".into(),
            "chime:getsiprule".into(),
            "chime:UpdateSipMediaApplicationCal?".into(),
        ]);
        assert_eq!(v, ["chime:GetSipRule", "chime:UpdateSipMediaApplicationCall"]);
    }

    #[test]
    fn findings_point_at_the_role_definition() {
        use crate::index::{Fact, FactKind, ProjectIndex, Site};
        use crate::policy::{parse_policy, PolicyDoc, PolicyKind};
        let tf = "resource \"aws_iam_role\" \"sma_handler\" {\n  name = \"sma-handler\"\n}\n";
        let source = SourceFile::new("main.tf", tf);
        let json = r#"{"Statement":[{"Sid":"Calls","Effect":"Allow","Action":"chime:UpdateSipMediaApplicationCall",
            "Resource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}]}"#;
        let doc = PolicyDoc {
            source: SourceFile::new("main.tf", json),
            node: crate::syntax::json::parse(json).unwrap(),
            kind: PolicyKind::Identity,
            origin: Some("aws_iam_role.sma_handler".into()),
            version_implied: true,
        };
        let policy = parse_policy(&doc, &mut Vec::new());
        let role = Fact {
            address: "aws_iam_role.sma_handler".into(),
            site: Site { source: source.clone(), span: Span::new(0, 8) },
            kind: FactKind::Role { name: Some("sma-handler".into()), managed_policies: vec![], boundary: None },
        };
        let (policies, index) = (vec![policy], ProjectIndex::new(vec![role]));
        let config = "[[require]]\nprincipal = \"sma-handler\"\nactions = [\"chime:UpdateSipMediaApplicationCall\"]\nresources = [\"arn:aws:chime:us-east-1:111122223333:sma/abc\", \"arn:aws:chime:us-east-1:111122223333:sma/*\"]\n";
        let reqs = parse_requirements(config, ".policy-lint.toml").unwrap();
        let found = check(&policies, &index, &reqs);
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = &found[0];
        assert_eq!((f.rule, f.source.path.as_str(), f.span), ("required-access-denied", "main.tf", Span::new(0, 8)));
        assert!(f.message.starts_with("`aws_iam_role.sma_handler` must be allowed `chime:UpdateSipMediaApplicationCall` on `arn:aws:chime:us-east-1:111122223333:sma/*`"), "{}", f.message);
        assert!(f.help.as_deref().unwrap_or("").contains("add to aws_iam_role.sma_handler"), "{:?}", f.help);
    }
}
