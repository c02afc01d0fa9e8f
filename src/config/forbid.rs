//! `[[forbid]]` in `.policy-lint.toml`: access that no principal but those
//! listed may have, checked on every lint. The counterpart of `[[require]]`.
//!
//! ```toml
//! [[forbid]]
//! principals    = ["aws_iam_role.deployer"]   # the only ones allowed; addresses, logical ids, names, grantees
//! actions       = ["iam:PassRole", "iam:Create*"]
//! resources     = ["*"]                       # default: ["*"]
//! public        = false                       # optional: never to everyone (`*`), listed or not
//! cross-account = false                       # optional: never to a principal named by account id
//! ```
//!
//! Without `principals`, only `public` and `cross-account` restrict. Each
//! grant that breaks a table is a `forbidden-access-granted` finding at the
//! statement that grants it ([`crate::lint::forbid`]).

use crate::source::{Source, Span};
use serde::Deserialize;
use toml::Spanned;

/// One `[[forbid]]` table.
#[derive(Debug, Clone)]
pub struct Forbid {
    /// The principals allowed this access; `None`: every principal but those `public`/`cross-account` exclude.
    pub principals: Option<Vec<String>>,
    /// Action patterns, `service:Name` (`*`, `?` as in IAM).
    pub actions: Vec<String>,
    /// Resource ARNs or patterns; `["*"]` when the table gives none.
    pub resources: Vec<String>,
    /// `public = false`: no grant to everyone.
    pub no_public: bool,
    /// `cross-account = false`: no grant to a principal named by account.
    pub no_cross_account: bool,
    /// The configuration file, and the table's header in it.
    pub source: Source,
    pub span: Span,
    /// 1-based line of the header.
    pub line: usize,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    forbid: Vec<Spanned<Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    #[serde(default)]
    principals: Option<Vec<String>>,
    actions: Spanned<Vec<String>>,
    #[serde(default)]
    resources: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    public: Option<bool>,
    #[serde(default)]
    cross_account: Option<bool>,
}

/// Reads the `[[forbid]]` tables of a configuration file. Errors read
/// `path:line:col: message`.
pub fn parse_forbids(toml_text: &str, path: &str) -> Result<Vec<Forbid>, String> {
    let place = super::TomlPlace::new(toml_text, path);
    let at = |span: Option<std::ops::Range<usize>>, message: &str| place.at(span, message);
    let source = &place.source;
    let file: File = toml::from_str(toml_text).map_err(|e| at(e.span(), e.message()))?;
    let mut out = Vec::new();
    for table in file.forbid {
        let span = table.span();
        let t = table.into_inner();
        let actions_span = t.actions.span();
        let actions = t.actions.into_inner();
        if actions.is_empty() {
            return Err(at(Some(actions_span), "`actions` is empty: list the actions to forbid"));
        }
        if let Some(bad) =
            actions.iter().find(|a| a != &"*" && a.split_once(':').is_none_or(|(s, n)| s.is_empty() || n.is_empty()))
        {
            return Err(at(
                Some(actions_span),
                &format!("`{bad}` is not an action: write `service:Action`, e.g. `iam:PassRole`"),
            ));
        }
        if let Some(bad) =
            actions.iter().find(|a| crate::catalog::expand(a).is_empty() && crate::catalog::action(a).is_none())
        {
            return Err(at(Some(actions_span), &format!("`{bad}` matches no action of the catalog")));
        }
        let resources_span = t.resources.as_ref().map(|r| r.span());
        let resources = match t.resources {
            Some(r) if r.get_ref().is_empty() => {
                return Err(at(Some(r.span()), "`resources` is empty: leave it out for `*`, or list ARNs"))
            }
            Some(r) => r.into_inner(),
            None => vec!["*".to_string()],
        };
        if let Some(bad) = resources.iter().find(|r| r.as_str() != "*" && !r.starts_with("arn:")) {
            return Err(at(
                resources_span,
                &format!(
                    "`{bad}` is not an ARN: write `arn:aws:service:region:account:resource` (wildcards allowed) or `*`"
                ),
            ));
        }
        // `true` would forbid nothing: only `false` is a restriction.
        for (key, value) in [("public", t.public), ("cross-account", t.cross_account)] {
            if value == Some(true) {
                return Err(at(
                    Some(span.clone()),
                    &format!("`{key} = true` forbids nothing: write `{key} = false` to forbid it, or leave it out"),
                ));
            }
        }
        let (no_public, no_cross_account) = (t.public == Some(false), t.cross_account == Some(false));
        if t.principals.is_none() && !no_public && !no_cross_account {
            return Err(at(
                Some(span.clone()),
                "a [[forbid]] needs `principals` (the only ones allowed), `public = false` or `cross-account = false`",
            ));
        }
        out.push(Forbid {
            principals: t.principals,
            actions,
            resources,
            no_public,
            no_cross_account,
            source: source.clone(),
            span: Span::new(span.start, span.end),
            line: source.position(span.start as u32).line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_forbid_tables() {
        let text = "[[require]]\nprincipal = \"x\"\nactions = [\"chime:GetSipRule\"]\n\n[[forbid]]\nprincipals = [\"aws_iam_role.deployer\"]\nactions = [\"iam:PassRole\"]\npublic = false\n\n[[forbid]]\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::b/*\"]\ncross-account = false\n";
        let f = parse_forbids(text, ".policy-lint.toml").unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].principals.as_deref(), Some(&["aws_iam_role.deployer".to_string()][..]));
        assert!(f[0].no_public && !f[0].no_cross_account);
        assert_eq!(f[0].resources, ["*"]);
        assert_eq!(f[0].line, 5);
        assert!(f[1].principals.is_none() && f[1].no_cross_account);
    }

    #[test]
    fn bad_tables_are_errors_with_a_location() {
        let e = parse_forbids("[[forbid]]\nactions = [\"iam:PassRole\"]\n", "c.toml").unwrap_err();
        assert!(e.contains("needs `principals`"), "{e}");
        let e = parse_forbids("[[forbid]]\nprincipals = []\nactions = [\"iam:PassRol\"]\n", "c.toml").unwrap_err();
        assert!(e.starts_with("c.toml:3:11:") && e.contains("matches no action"), "{e}");
        let e = parse_forbids("[[forbid]]\nprincipals = []\nactions = []\n", "c.toml").unwrap_err();
        assert!(e.contains("`actions` is empty"), "{e}");
        let e = parse_forbids("[[forbid]]\nprincipal = []\nactions = [\"iam:PassRole\"]\n", "c.toml").unwrap_err();
        assert!(e.contains("unknown field `principal`"), "{e}");
        let e = parse_forbids(
            "[[forbid]]\nactions = [\"s3:GetObject\"]\nresources = [\"not-an-arn\"]\npublic = false\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.starts_with("c.toml:3:13:") && e.contains("`not-an-arn` is not an ARN"), "{e}");
        let e = parse_forbids("[[forbid]]\nactions = [\"s3:GetObject\"]\npublic = true\n", "c.toml").unwrap_err();
        assert!(e.starts_with("c.toml:1:1:") && e.contains("`public = true` forbids nothing"), "{e}");
        let e = parse_forbids(
            "[[forbid]]\nprincipals = []\nactions = [\"s3:GetObject\"]\ncross-account = true\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.contains("`cross-account = true` forbids nothing"), "{e}");
        assert!(parse_forbids(
            "[[forbid]]\nprincipals = []\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::b/*\", \"*\"]\n",
            "c.toml"
        )
        .is_ok());
    }
}
