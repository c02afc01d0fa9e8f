//! The IAM policy grammar: reads a node tree into a [`Policy`], reporting each
//! violation (`policy-syntax`, `invalid-version`) at its own location.

use super::model::*;
use super::operator::Operator;
use crate::finding::reported::{invalid_version::INVALID_VERSION, policy_syntax::POLICY_SYNTAX};
use crate::finding::{fix, Applicability, Finding};
use crate::source::{Source, Span};
use crate::syntax::{Member, Node, NodeKind};

const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const PRINCIPAL_KINDS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// Reads a policy document, pushing syntax findings. Always returns the parts it
/// could read, so other rules still run on a partly broken policy.
pub fn parse_policy(doc: &PolicyDoc, out: &mut Vec<Finding>) -> Policy {
    let mut p = Parser { source: &doc.source, out };
    p.policy(doc)
}

struct Parser<'a> {
    source: &'a Source,
    out: &'a mut Vec<Finding>,
}

impl Parser<'_> {
    fn syntax(&mut self, span: Span, message: impl Into<String>) {
        self.out.push(Finding::new(&POLICY_SYNTAX, self.source, span, message));
    }

    fn policy(&mut self, doc: &PolicyDoc) -> Policy {
        let node = &doc.node;
        let mut policy = Policy {
            source: doc.source.clone(),
            span: node.span,
            kind: doc.kind,
            origin: doc.origin.clone(),
            used_from: None,
            version: None,
            statements: Vec::new(),
            size: super::size::of(doc),
        };
        match &node.kind {
            NodeKind::Object(members) if !members.iter().any(|m| POLICY_ELEMENTS.contains(&m.key.as_str())) => {
                self.syntax(
                    opening(node),
                    "this is not an IAM policy document: it has no `Statement` (nor `Version` or `Id`)",
                );
            }
            NodeKind::Object(members) => {
                let mut statement = None;
                for m in members {
                    match m.key.as_str() {
                        "Version" => policy.version = self.string(&m.value, "Version"),
                        "Id" => {
                            self.string(&m.value, "Id");
                        }
                        "Statement" => statement = Some(m),
                        other => self.unknown_element(m, other, POLICY_ELEMENTS, "policy"),
                    }
                }
                self.version(doc, &policy, node);
                match statement {
                    Some(m) => self.statements(&m.value, &mut policy),
                    None => self.syntax(
                        opening(node),
                        "the policy has no `Statement` element: a policy needs at least one statement",
                    ),
                }
            }
            // SAM and some Terraform forms give a bare list of statements.
            NodeKind::Array(_) if doc.version_implied => self.statements(node, &mut policy),
            NodeKind::Unknown(_) | NodeKind::Template(_) => {}
            _ => self.syntax(node.span, format!("a policy document must be an object, found {}", node.type_name())),
        }
        if policy.version.is_none() && doc.version_implied {
            // The format writes the version itself (Terraform policy documents, SAM).
            policy.version = Some(Value { span: opening(node), text: ValueText::Lit("2012-10-17".into()) });
        }
        if policy.kind == PolicyKind::Unknown {
            policy.kind = infer_kind(&policy);
        }
        self.check_principal_use(&policy);
        policy
    }

    fn version(&mut self, doc: &PolicyDoc, policy: &Policy, node: &Node) {
        match &policy.version {
            None if !doc.version_implied && node.get("Version").is_none() => {
                self.out.push(
                    Finding::new(
                        &INVALID_VERSION,
                        self.source,
                        opening(node),
                        "the policy has no `Version`: IAM then uses 2008-10-17, which disables policy variables",
                    )
                    .with_help("add \"Version\": \"2012-10-17\"")
                    .with_fix(add_version(self.source, node)),
                );
            }
            Some(v) => match v.lit() {
                Some("2012-10-17") | None => {}
                Some("2008-10-17") => self.out.push(
                    Finding::new(
                        &INVALID_VERSION,
                        self.source,
                        v.span,
                        "`Version` 2008-10-17 is outdated: policy variables such as `${aws:username}` are not substituted",
                    )
                    .with_help("use \"Version\": \"2012-10-17\"")
                    .with_fix(fix::replace(Applicability::Safe, self.source, v.span, "2008-10-17", "2012-10-17")),
                ),
                Some(other) => self.out.push(
                    Finding::new(
                        &INVALID_VERSION,
                        self.source,
                        v.span,
                        format!("`Version` must be \"2012-10-17\" (or the outdated \"2008-10-17\"), found \"{other}\""),
                    )
                    .with_help("use \"Version\": \"2012-10-17\"; it is a fixed date, not the date you wrote the policy")
                    .with_fix(fix::replace(Applicability::Safe, self.source, v.span, other, "2012-10-17")),
                ),
            },
            None => {}
        }
    }

    fn statements(&mut self, node: &Node, policy: &mut Policy) {
        let items: &[Node] = match &node.kind {
            NodeKind::Object(_) => std::slice::from_ref(node),
            NodeKind::Array(items) if items.is_empty() => {
                self.syntax(node.span, "`Statement` is an empty list: a policy needs at least one statement");
                return;
            }
            NodeKind::Array(items) => items,
            NodeKind::Unknown(_) => return,
            _ => {
                self.syntax(
                    node.span,
                    format!("`Statement` must be an object or a list of objects, found {}", node.type_name()),
                );
                return;
            }
        };
        // By text, so that a policy of many statements is checked in linear time.
        let mut sids: foldhash::HashMap<String, Span> = foldhash::HashMap::default();
        // Policies are kept for the whole run: no spare capacity.
        policy.statements.reserve_exact(items.len());
        for (index, item) in items.iter().enumerate() {
            let Some(st) = self.statement(item, index, policy.kind) else { continue };
            if let Some((text, span)) = st.sid.as_ref().and_then(|s| s.lit().map(|t| (t, s.span))) {
                if !text.is_empty() {
                    if let Some(first) = sids.get(text) {
                        let first_line = self.source.position(first.start).line;
                        self.syntax(span, format!("duplicate `Sid` \"{text}\" (first used on line {first_line}): each statement needs its own"));
                    } else {
                        sids.insert(text.to_string(), span);
                    }
                }
            }
            policy.statements.push(st);
        }
    }

    fn statement(&mut self, node: &Node, index: usize, kind: PolicyKind) -> Option<Statement> {
        let members = match &node.kind {
            NodeKind::Object(m) => m,
            NodeKind::Unknown(_) => return None,
            _ => {
                self.syntax(node.span, format!("a statement must be an object, found {}", node.type_name()));
                return None;
            }
        };
        let mut st = Statement {
            span: node.span,
            index,
            sid: None,
            effect: Effect::Unknown,
            effect_span: opening(node),
            principal: None,
            action: None,
            resource: None,
            conditions: Vec::new(),
            conditions_unknown: false,
        };
        let mut has_effect = false;
        for m in members {
            match m.key.as_str() {
                "Sid" => {
                    st.sid = self.string(&m.value, "Sid");
                    if let (Some(sid), true) = (st.sid.as_ref().and_then(|s| s.lit()), kind == PolicyKind::Identity) {
                        if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                            self.syntax(
                                m.value.span,
                                format!("`Sid` \"{sid}\" may only contain letters and digits in an identity policy"),
                            );
                        }
                    }
                }
                "Effect" => {
                    has_effect = true;
                    st.effect_span = m.value.span;
                    st.effect = match &m.value.kind {
                        NodeKind::Str(s) if s == "Allow" => Effect::Allow,
                        NodeKind::Str(s) if s == "Deny" => Effect::Deny,
                        NodeKind::Str(s) => {
                            let hint = if s.eq_ignore_ascii_case("allow") || s.eq_ignore_ascii_case("deny") {
                                " (it is case-sensitive)"
                            } else {
                                ""
                            };
                            self.syntax(
                                m.value.span,
                                format!("`Effect` must be \"Allow\" or \"Deny\", found \"{s}\"{hint}"),
                            );
                            Effect::Unknown
                        }
                        NodeKind::Unknown(_) | NodeKind::Template(_) => Effect::Unknown,
                        _ => {
                            self.syntax(
                                m.value.span,
                                format!("`Effect` must be \"Allow\" or \"Deny\", found {}", m.value.type_name()),
                            );
                            Effect::Unknown
                        }
                    }
                }
                "Action" | "NotAction" => {
                    if let Some(prev) = &st.action {
                        self.exclusive(m, prev.key_span, "Action", "NotAction");
                    } else {
                        st.action = self.value_list(m);
                    }
                }
                "Resource" | "NotResource" => {
                    if let Some(prev) = &st.resource {
                        self.exclusive(m, prev.key_span, "Resource", "NotResource");
                    } else {
                        st.resource = self.value_list(m);
                    }
                }
                "Principal" | "NotPrincipal" => {
                    if let Some(prev) = &st.principal {
                        self.exclusive(m, prev.key_span, "Principal", "NotPrincipal");
                    } else {
                        st.principal = self.principals(m);
                    }
                }
                "Condition" => self.conditions(&m.value, &mut st),
                other => self.unknown_element(m, other, STATEMENT_ELEMENTS, "statement"),
            }
        }
        let at = opening(node);
        if !has_effect {
            self.syntax(at, format!("{} has no `Effect`: add \"Effect\": \"Allow\" or \"Deny\"", st.label()));
        }
        if st.action.is_none() {
            self.syntax(at, format!("{} has no `Action` or `NotAction`", st.label()));
        }
        let needs_resource = matches!(kind, PolicyKind::Identity | PolicyKind::Boundary)
            || (kind == PolicyKind::Unknown && st.principal.is_none());
        if st.resource.is_none() && needs_resource {
            self.syntax(at, format!("{} has no `Resource` or `NotResource`", st.label()));
        }
        Some(st)
    }

    fn exclusive(&mut self, m: &Member, _first: Span, a: &str, not_a: &str) {
        self.syntax(
            m.key_span,
            format!("a statement cannot have both `{a}` and `{not_a}` (or the same element twice)"),
        );
    }

    fn unknown_element(&mut self, m: &Member, key: &str, known: &[&str], what: &str) {
        let hint = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(key))
            .map(|k| format!("; did you mean `{k}`? Element names are case-sensitive"))
            .unwrap_or_else(|| {
                format!("; a {what} may have {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            });
        self.syntax(m.key_span, format!("unknown {what} element `{key}`{hint}"));
    }

    fn string(&mut self, node: &Node, element: &str) -> Option<Value> {
        match &node.kind {
            NodeKind::Str(_) | NodeKind::Template(_) | NodeKind::Unknown(_) => Value::from_node(node),
            _ => {
                self.syntax(node.span, format!("`{element}` must be a string, found {}", node.type_name()));
                None
            }
        }
    }

    fn value_list(&mut self, m: &Member) -> Option<ValueList> {
        let negated = m.key.starts_with("Not");
        let mut list =
            ValueList { negated, key_span: m.key_span, span: m.value.span, values: Vec::new(), has_unknown: false };
        match &m.value.kind {
            NodeKind::Array(items) if items.is_empty() => {
                self.syntax(m.value.span, format!("`{}` is an empty list: it matches nothing", m.key));
            }
            NodeKind::Array(items) => {
                list.values.reserve_exact(items.len());
                for item in items {
                    match &item.kind {
                        NodeKind::Str(_) | NodeKind::Template(_) => list.values.extend(Value::from_node(item)),
                        NodeKind::Unknown(_) => list.has_unknown = true,
                        _ => self.syntax(
                            item.span,
                            format!("`{}` entries must be strings, found {}", m.key, item.type_name()),
                        ),
                    }
                }
            }
            NodeKind::Str(_) | NodeKind::Template(_) => list.values.extend(Value::from_node(&m.value)),
            NodeKind::Unknown(_) => list.has_unknown = true,
            _ => {
                self.syntax(
                    m.value.span,
                    format!("`{}` must be a string or a list of strings, found {}", m.key, m.value.type_name()),
                );
            }
        }
        Some(list)
    }

    fn principals(&mut self, m: &Member) -> Option<Principals> {
        let mut p = Principals {
            negated: m.key == "NotPrincipal",
            key_span: m.key_span,
            span: m.value.span,
            entries: Vec::new(),
            has_unknown: false,
        };
        match &m.value.kind {
            NodeKind::Str(s) if s == "*" => {
                p.entries.push(PrincipalEntry { kind: "*".into(), value: Value::from_node(&m.value)? });
            }
            NodeKind::Str(s) => self.syntax(
                m.value.span,
                format!(
                    "`{}` must be \"*\" or an object such as {{\"AWS\": \"{s}\"}} or {{\"Service\": \"{s}\"}}",
                    m.key
                ),
            ),
            NodeKind::Object(members) => {
                for e in members {
                    if !PRINCIPAL_KINDS.contains(&e.key.as_str()) {
                        let hint = PRINCIPAL_KINDS
                            .iter()
                            .find(|k| k.eq_ignore_ascii_case(&e.key))
                            .map(|k| format!("did you mean `{k}`?"))
                            .unwrap_or_else(|| "use `AWS`, `Service`, `Federated` or `CanonicalUser`".into());
                        self.syntax(e.key_span, format!("unknown principal type `{}`: {hint}", e.key));
                        continue;
                    }
                    match &e.value.kind {
                        NodeKind::Array(items) if items.is_empty() => {
                            self.syntax(e.value.span, format!("principal `{}` is an empty list", e.key))
                        }
                        NodeKind::Array(items) => {
                            for item in items {
                                match &item.kind {
                                    NodeKind::Unknown(_) => p.has_unknown = true,
                                    NodeKind::Str(_) | NodeKind::Template(_) => p
                                        .entries
                                        .push(PrincipalEntry { kind: e.key.clone(), value: Value::from_node(item)? }),
                                    _ => self.syntax(
                                        item.span,
                                        format!("principal entries must be strings, found {}", item.type_name()),
                                    ),
                                }
                            }
                        }
                        NodeKind::Str(_) | NodeKind::Template(_) => {
                            p.entries.push(PrincipalEntry { kind: e.key.clone(), value: Value::from_node(&e.value)? })
                        }
                        NodeKind::Unknown(_) => p.has_unknown = true,
                        _ => self.syntax(
                            e.value.span,
                            format!("principal `{}` must be a string or a list, found {}", e.key, e.value.type_name()),
                        ),
                    }
                }
            }
            NodeKind::Unknown(_) | NodeKind::Template(_) => p.has_unknown = true,
            _ => self
                .syntax(m.value.span, format!("`{}` must be \"*\" or an object, found {}", m.key, m.value.type_name())),
        }
        Some(p)
    }

    fn conditions(&mut self, node: &Node, st: &mut Statement) {
        let operators = match &node.kind {
            NodeKind::Object(m) => m,
            NodeKind::Unknown(_) => {
                st.conditions_unknown = true;
                return;
            }
            _ => {
                self.syntax(
                    node.span,
                    format!("`Condition` must be an object of operators, found {}", node.type_name()),
                );
                return;
            }
        };
        for op in operators {
            if !op.key.contains("${") && Operator::parse(&op.key).is_none() {
                let hint = Operator::suggest(&op.key).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                self.syntax(op.key_span, format!("unknown condition operator `{}`{hint}", op.key));
                continue;
            }
            let keys = match &op.value.kind {
                NodeKind::Object(k) => k,
                NodeKind::Unknown(_) => {
                    st.conditions_unknown = true;
                    continue;
                }
                _ => {
                    self.syntax(
                        op.value.span,
                        format!(
                            "condition operator `{}` must map keys to values, found {}",
                            op.key,
                            op.value.type_name()
                        ),
                    );
                    continue;
                }
            };
            for k in keys {
                let mut values = Vec::new();
                for item in k.value.items() {
                    match &item.kind {
                        NodeKind::Array(_) | NodeKind::Object(_) | NodeKind::Null => self.syntax(
                            item.span,
                            format!(
                                "condition values must be strings, numbers or booleans, found {}",
                                item.type_name()
                            ),
                        ),
                        _ => values.extend(Value::from_node(item)),
                    }
                }
                if matches!(&k.value.kind, NodeKind::Array(v) if v.is_empty()) {
                    self.syntax(k.value.span, format!("condition key `{}` has an empty list of values", k.key));
                }
                st.conditions.push(Condition {
                    operator: op.key.clone(),
                    operator_span: op.key_span,
                    key: k.key.clone(),
                    key_span: k.key_span,
                    values,
                    values_span: k.value.span,
                    key_unknown: k.key.contains("${"),
                });
            }
        }
    }

    fn check_principal_use(&mut self, policy: &Policy) {
        for st in &policy.statements {
            match (policy.kind, &st.principal) {
                (PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Scp, Some(p)) => self.syntax(
                    p.key_span,
                    format!(
                        "{} of {} policy has a `Principal`: the principal is whoever the policy is attached to",
                        st.label(),
                        article(policy.kind)
                    ),
                ),
                (PolicyKind::Resource | PolicyKind::Trust, None) => self.syntax(
                    opening_span(st.span),
                    format!("{} of a {} policy has no `Principal`", st.label(), policy.kind.as_str()),
                ),
                _ => {}
            }
        }
    }
}

fn article(kind: PolicyKind) -> String {
    match kind {
        PolicyKind::Identity => "an identity".into(),
        PolicyKind::Scp => "a service control".into(),
        PolicyKind::Rcp => "a resource control".into(),
        other => format!("a {}", other.as_str()),
    }
}

/// A standalone document's kind, from what its statements name.
fn infer_kind(policy: &Policy) -> PolicyKind {
    let with_principal = policy.statements.iter().filter(|s| s.principal.is_some()).count();
    if with_principal == 0 {
        return PolicyKind::Identity;
    }
    let assumes = policy.statements.iter().all(|s| {
        s.action.as_ref().is_some_and(|a| {
            // Only a role's trust policy names STS actions with a principal:
            // `sts:AssumeRole*`, `sts:TagSession`, and wildcards like `sts:*`.
            a.literals().all(|(_, t)| t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:")))
        })
    });
    if assumes && with_principal == policy.statements.len() {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

/// The first character of a node: where findings about a missing element point.
/// The safe fix of a policy without `Version`: the member written before the
/// first one, in the same layout: a JSON object's (in a JSON file or a
/// Terraform heredoc) indentation, a YAML block mapping's, an HCL object's
/// (`jsonencode`). Not offered in a quoted string holding JSON, nor in a flow
/// mapping of YAML.
fn add_version(source: &Source, node: &Node) -> Option<fix::Fix> {
    use crate::source::Language;
    let first = node.members()?.first()?;
    let text = &source.text;
    let open = node.span.start as usize;
    let key_start = first.key_span.start as usize;
    let key = text.get(first.key_span.range())?;
    let braced = text[open..].starts_with('{');
    let language = source.language();
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..key_start];
    let eol = if text[key_start..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    let edit = match language {
        // A JSON object: a member inserted after `{`, with the whitespace
        // that comes before the first one (heredoc JSON in HCL likewise).
        Language::Json | Language::Hcl if braced && key.starts_with('"') => {
            if crate::source::is_terraform(&source.path) && language == Language::Json {
                return None;
            }
            let between = text.get(open + 1..key_start)?;
            if !between.trim().is_empty() {
                return None;
            }
            (Span::new(open + 1, open + 1), format!("{between}\"Version\": \"2012-10-17\","))
        }
        // An HCL object of bare keys (`jsonencode({ Statement = [...] })`).
        Language::Hcl if braced && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            let between = text.get(open + 1..key_start)?;
            if !between.trim().is_empty() {
                return None;
            }
            let text = if before.trim().is_empty() {
                format!("Version = \"2012-10-17\"{eol}{before}")
            } else {
                "Version = \"2012-10-17\", ".to_string()
            };
            (Span::new(key_start, key_start), text)
        }
        Language::Yaml if !braced && before.chars().all(|c| c == ' ' || c == '-') => {
            let indent = " ".repeat(before.chars().count());
            (Span::new(key_start, key_start), format!("Version: \"2012-10-17\"{eol}{indent}"))
        }
        _ => return None,
    };
    fix::Fix::new(Applicability::Safe, source, vec![edit])
}

pub fn opening(node: &Node) -> Span {
    opening_span(node.span)
}

fn opening_span(span: Span) -> Span {
    Span { start: span.start, end: span.start.saturating_add(1).min(span.end.max(span.start + 1)) }
}
