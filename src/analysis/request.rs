//! A request to decide: an action on a resource, by a principal, with context keys.

use super::pattern::{Mode, Pattern, Vars};

/// One request, as IAM sees it when it decides.
///
/// The resource may be a pattern (`arn:aws:chime:us-east-1:111122223333:sma/*`):
/// the request then stands for every resource the pattern names, so an Allow
/// must cover all of them and a Deny that touches any of them denies. The bare
/// `*` is the resource IAM uses for an action without resource-level
/// permissions (`chime:ListSipMediaApplications`); for an action that has
/// resource types, `*` stands for all of its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `service:Action`, no wildcards.
    pub action: String,
    pub resource: String,
    /// The caller's ARN (`arn:aws:sts::111122223333:assumed-role/r/s`, `arn:aws:iam::111122223333:user/u`),
    /// or a service principal (`lambda.amazonaws.com`), when known.
    pub principal: Option<String>,
    /// Context keys with their values, in the order given. Keys compare case-insensitively.
    pub context: Vec<(String, Vec<String>)>,
    /// Keys known to be absent from the request: conditions on them follow IAM's
    /// rules for missing keys instead of making the answer depend on them.
    pub absent: Vec<String>,
}

/// What the request says about a context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The key is in the request with these values (possibly none: an empty set).
    Present(Vec<String>),
    /// The key is known to be absent.
    Absent,
    /// The request does not say.
    NotGiven,
}

impl Request {
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            principal: None,
            context: Vec::new(),
            absent: Vec::new(),
        }
    }

    pub fn with_principal(mut self, principal: impl Into<String>) -> Request {
        self.principal = Some(principal.into());
        self
    }

    /// Adds one value of a key (call again for a multi-valued key).
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.add_context(key, value);
        self
    }

    pub fn add_context(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.context.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            Some((_, values)) => values.push(value),
            None => self.context.push((key, vec![value])),
        }
    }

    /// Gives a key with no values (an empty set, as for `aws:TagKeys` on a request without tags).
    pub fn with_empty(mut self, key: impl Into<String>) -> Request {
        let key = key.into();
        if !self.context.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            self.context.push((key, Vec::new()));
        }
        self
    }

    pub fn with_absent(mut self, key: impl Into<String>) -> Request {
        self.absent.push(key.into());
        self
    }

    /// The values of a key: given in the context, else derived from the
    /// principal and resource ARNs (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:PrincipalType`, `aws:username`, `aws:ResourceAccount`).
    pub fn lookup(&self, key: &str) -> Lookup {
        if let Some((_, v)) = self.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            return Lookup::Present(v.clone());
        }
        if self.absent.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return Lookup::Absent;
        }
        match self.derived(key) {
            Some(v) => Lookup::Present(vec![v]),
            // `aws:username` is not present for a role session, a federated user or the root user.
            None if key.eq_ignore_ascii_case("aws:username")
                && self.principal.as_deref().and_then(CallerArn::parse).is_some_and(|c| c.kind != "user") =>
            {
                Lookup::Absent
            }
            None => Lookup::NotGiven,
        }
    }

    fn derived(&self, key: &str) -> Option<String> {
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "aws:principalarn" | "aws:principalaccount" | "aws:principaltype" | "aws:username" => {
                let p = CallerArn::parse(self.principal.as_deref()?)?;
                match lower.as_str() {
                    "aws:principalarn" => Some(p.principal_arn()),
                    "aws:principalaccount" => Some(p.account.to_string()),
                    "aws:principaltype" => Some(p.principal_type().to_string()),
                    _ => (p.kind == "user").then(|| p.name.to_string()),
                }
            }
            "aws:resourceaccount" => {
                let arn = crate::policy::arn::Arn::parse(&self.resource).ok()?;
                (!arn.account.is_empty() && arn.account.chars().all(|c| c.is_ascii_digit()))
                    .then(|| arn.account.to_string())
            }
            _ => None,
        }
    }

    /// The resource as a pattern (see the type's documentation for `*`).
    pub(crate) fn resource_pattern(&self) -> Pattern {
        let literal_star =
            self.resource == "*" && crate::catalog::action(&self.action).is_none_or(|a| !a.supports_resource_level());
        if literal_star {
            Pattern::new("*", Mode::Exact)
        } else {
            Pattern::new(&self.resource, Mode::Glob)
        }
    }
}

impl Vars for Request {
    fn var(&self, key: &str) -> Option<Vec<String>> {
        match self.lookup(key) {
            Lookup::Present(v) => Some(v),
            _ => None,
        }
    }

    fn absent(&self, key: &str) -> bool {
        self.lookup(key) == Lookup::Absent
    }
}

/// A caller ARN split into what conditions and messages need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerArn<'a> {
    pub partition: &'a str,
    /// `sts` or `iam`.
    pub service: &'a str,
    pub account: &'a str,
    /// `assumed-role`, `role`, `user`, `root`, `federated-user`, ...
    pub kind: &'a str,
    /// The role or user name (without path); empty for `root`.
    pub name: &'a str,
    /// The session name of an assumed role.
    pub session: Option<&'a str>,
}

impl<'a> CallerArn<'a> {
    pub fn parse(arn: &'a str) -> Option<CallerArn<'a>> {
        let crate::policy::arn::Arn { partition, service, account, resource, .. } =
            crate::policy::arn::Arn::parse(arn).ok()?;
        if service != "sts" && service != "iam" {
            return None;
        }
        if resource == "root" {
            return Some(CallerArn { partition, service, account, kind: "root", name: "", session: None });
        }
        let (kind, rest) = resource.split_once('/')?;
        let (name, session) = if kind == "assumed-role" {
            let (role, session) = rest.split_once('/').unwrap_or((rest, ""));
            (role, Some(session))
        } else {
            // Users and roles may have a path: the name is the last part.
            (rest.rsplit('/').next().unwrap_or(rest), None)
        };
        Some(CallerArn { partition, service, account, kind, name, session })
    }

    /// The ARN `aws:PrincipalArn` holds: the role's ARN for an assumed-role session.
    pub fn principal_arn(&self) -> String {
        match self.kind {
            "assumed-role" => format!("arn:{}:iam::{}:role/{}", self.partition, self.account, self.name),
            "root" => format!("arn:{}:iam::{}:root", self.partition, self.account),
            _ => format!("arn:{}:{}::{}:{}/{}", self.partition, self.service, self.account, self.kind, self.name),
        }
    }

    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            "assumed-role" => "AssumedRole",
            "user" => "User",
            "root" => "Account",
            "federated-user" => "FederatedUser",
            _ => "AssumedRole",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_principal_keys() {
        let r = Request::new("chime:GetSipRule", "arn:aws:chime:us-east-1:111122223333:sip-rule/x")
            .with_principal("arn:aws:sts::111122223333:assumed-role/sma-handler/fn");
        assert_eq!(
            r.lookup("aws:PrincipalArn"),
            Lookup::Present(vec!["arn:aws:iam::111122223333:role/sma-handler".into()])
        );
        assert_eq!(r.lookup("AWS:PRINCIPALACCOUNT"), Lookup::Present(vec!["111122223333".into()]));
        assert_eq!(r.lookup("aws:username"), Lookup::Absent);
        assert_eq!(r.lookup("aws:ResourceAccount"), Lookup::Present(vec!["111122223333".into()]));
        let u = Request::new("s3:GetObject", "*").with_principal("arn:aws:iam::111122223333:user/dev/alice");
        assert_eq!(u.lookup("aws:username"), Lookup::Present(vec!["alice".into()]));
        let c = u.with_context("aws:username", "bob").with_absent("aws:SourceArn");
        assert_eq!(c.lookup("aws:username"), Lookup::Present(vec!["bob".into()]));
        assert_eq!(c.lookup("aws:sourcearn"), Lookup::Absent);
    }
}
