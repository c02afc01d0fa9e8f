//! `[[require]]` in `.policy-lint.toml`: what each principal must be able to
//! do, proved by the engine on every run.
//!
//! ```toml
//! [[require]]
//! principal = "aws_iam_role.sma_handler"   # or a logical id, a role name, a policy file
//! actions   = ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"]
//! resources = ["arn:aws:chime:us-east-1:111122223333:sma/*"]   # default: ["*"]
//! context   = { "aws:SourceAccount" = "111122223333" }         # optional
//! ```
//!
//! A resource pattern (`sma/*`) stands for every resource it names: the
//! principal must be allowed on all of them. An action pattern (`chime:Get*`)
//! stands for every action of the catalog it matches. Each (action, resource)
//! that the engine cannot prove allowed is a `required-access-denied` finding
//! at the principal's definition.
//!
//! This module reads the `[[require]]` tables into plain data; the pipeline
//! checks them ([`crate::lint::require`]).

use crate::source::{Source, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One `[[require]]` table.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// A Terraform address, CloudFormation logical id, role/user name, or policy file path.
    pub principal: String,
    /// Actions, `service:Name`; patterns expand through the catalog.
    pub actions: Vec<String>,
    /// Resource ARNs or patterns; `["*"]` when the table gives none.
    pub resources: Vec<String>,
    /// Context keys and values for the request (a key may repeat for several values).
    pub context: Vec<(String, String)>,
    /// The configuration file, for findings about the table itself.
    pub source: Source,
    /// The `[[require]]` header.
    pub span: Span,
    /// The `principal` value.
    pub principal_span: Span,
    /// 1-based line of the header.
    pub line: usize,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    require: Vec<Spanned<Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    principal: Spanned<String>,
    actions: Spanned<OneOrMany>,
    #[serde(default)]
    resources: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    context: BTreeMap<String, OneOrMany>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Reads the `[[require]]` tables of a configuration file. Errors read
/// `path:line:col: message`.
pub fn parse_requirements(toml_text: &str, path: &str) -> Result<Vec<Requirement>, String> {
    let place = super::TomlPlace::new(toml_text, path);
    let at = |span: Option<std::ops::Range<usize>>, message: &str| place.at(span, message);
    let source = &place.source;
    let file: File = toml::from_str(toml_text).map_err(|e| at(e.span(), e.message()))?;
    let mut out = Vec::new();
    for table in file.require {
        let span = table.span();
        let t = table.into_inner();
        let principal_span = t.principal.span();
        let principal = t.principal.into_inner();
        if principal.trim().is_empty() {
            return Err(at(
                Some(principal_span),
                "`principal` is empty: name a role address, logical id, role name or policy file",
            ));
        }
        let actions_span = t.actions.span();
        let actions = t.actions.into_inner().into_vec();
        if actions.is_empty() {
            return Err(at(Some(actions_span), "`actions` is empty: list the actions the principal must be allowed"));
        }
        if let Some(bad) = actions.iter().find(|a| a.split_once(':').is_none_or(|(s, n)| s.is_empty() || n.is_empty()))
        {
            return Err(at(
                Some(actions_span),
                &format!("`{bad}` is not an action: write `service:Action`, e.g. `chime:GetSipRule`"),
            ));
        }
        if let Some(message) = actions.iter().find_map(|a| unknown_action(a)) {
            return Err(at(Some(actions_span), &message));
        }
        let resources = match t.resources {
            Some(r) => {
                let r_span = r.span();
                let v = r.into_inner().into_vec();
                if v.is_empty() {
                    return Err(at(Some(r_span), "`resources` is empty: leave it out for `*`, or list ARNs"));
                }
                v
            }
            None => vec!["*".to_string()],
        };
        let context =
            t.context.into_iter().flat_map(|(k, v)| v.into_vec().into_iter().map(move |v| (k.clone(), v))).collect();
        out.push(Requirement {
            principal,
            actions,
            resources,
            context,
            source: source.clone(),
            span: Span::new(span.start, span.end),
            principal_span: Span::new(principal_span.start, principal_span.end),
            line: source.position(span.start as u32).line,
        });
    }
    Ok(out)
}

/// Why an action is not one the catalog knows, with the nearest that is: a
/// requirement on a misspelt action would be proved denied for ever, or
/// (written as a pattern that matches nothing) proved nothing.
fn unknown_action(action: &str) -> Option<String> {
    let (prefix, name) = action.split_once(':')?;
    let Some(service) = crate::catalog::service(prefix) else {
        let near =
            crate::catalog::suggest_service(prefix).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        return Some(format!("`{action}`: `{prefix}` is not an AWS service{near}"));
    };
    if crate::catalog::has_wildcard(name) {
        return crate::catalog::expand(action)
            .is_empty()
            .then(|| format!("`{action}` matches no action of `{}`", service.prefix()));
    }
    if service.action(name).is_some() {
        return None;
    }
    let near = crate::catalog::closest(name, service.actions().map(|a| a.name()))
        .map(|n| format!("; did you mean `{}:{n}`?", service.prefix()))
        .unwrap_or_default();
    Some(format!("`{action}` is not an action of `{}`{near}", service.prefix()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_require_tables() {
        let text = r#"
fail-on = "error"
[rules]
x = 1

[[require]]
principal = "aws_iam_role.sma_handler"
actions = ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"]
resources = ["arn:aws:chime:us-east-1:111122223333:sma/*"]

[[require]]
principal = "policy.json"
actions = "chime:ListSipMediaApplications"
context = { "aws:SourceAccount" = "111122223333", "aws:TagKeys" = ["a", "b"] }
"#;
        let reqs = parse_requirements(text, ".policy-lint.toml").unwrap();
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].principal, "aws_iam_role.sma_handler");
        assert_eq!(reqs[0].actions.len(), 2);
        assert_eq!(reqs[0].line, 6);
        assert_eq!(reqs[1].resources, ["*"]);
        assert_eq!(reqs[1].context.len(), 3);
        assert_eq!(reqs[1].source.slice(reqs[1].principal_span), "\"policy.json\"");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_with_a_location() {
        let e = parse_requirements(
            "[[require]]\nprincipal = \"r\"\nactions = [\"chime:GetSipRule\"]\nresource = \"x\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.starts_with("c.toml:4:1: unknown field `resource`"), "{e}");
        let e = parse_requirements("[[require]]\nprincipal = \"r\"\n", "c.toml").unwrap_err();
        assert!(e.contains("missing field `actions`"), "{e}");
        let e = parse_requirements("[[require]]\nprincipal = \"r\"\nactions = []\n", "c.toml").unwrap_err();
        assert!(e.starts_with("c.toml:3:11: `actions` is empty"), "{e}");
        let e =
            parse_requirements("[[require]]\nprincipal = \"r\"\nactions = [\"GetSipRule\"]\n", "c.toml").unwrap_err();
        assert!(e.contains("is not an action"), "{e}");
        let e = parse_requirements("[[require]]\nprincipal = 3\nactions = [\"a:b\"]\n", "c.toml").unwrap_err();
        assert!(e.starts_with("c.toml:2:13:"), "{e}");
        let e = parse_requirements("[[require]]\nprincipal = \"r\"\nactions = [\"chime:GetSipRul\"]\n", "c.toml")
            .unwrap_err();
        assert_eq!(e, "c.toml:3:11: `chime:GetSipRul` is not an action of `chime`; did you mean `chime:GetSipRule`?");
        let e = parse_requirements("[[require]]\nprincipal = \"r\"\nactions = [\"chmie:GetSipRule\"]\n", "c.toml")
            .unwrap_err();
        assert!(e.contains("`chmie` is not an AWS service; did you mean `chime`?"), "{e}");
        let e =
            parse_requirements("[[require]]\nprincipal = \"r\"\nactions = [\"chime:Fly*\"]\n", "c.toml").unwrap_err();
        assert!(e.contains("matches no action"), "{e}");
        assert!(parse_requirements("not toml [", "c.toml").unwrap_err().starts_with("c.toml:1:"));
        assert!(parse_requirements("", "c.toml").unwrap().is_empty());
    }
}
