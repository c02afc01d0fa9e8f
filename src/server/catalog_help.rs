//! Hover and completion from the bundled AWS data ([`crate::catalog`]): what
//! an action, a pattern, a condition key or an ARN under the cursor means,
//! and the service prefixes, actions, condition keys and operators a policy
//! document may name at the cursor.
//!
//! Both read the text around the cursor, not a parse tree: the same words
//! stand in a JSON policy, a YAML template and a Terraform document, and a
//! buffer being typed rarely parses.

use crate::catalog::{self, AccessLevel, Action};
use crate::policy::operator::OPERATORS;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};

/// The bytes of an IAM word: an action, a pattern, a condition key, an ARN.
fn word_byte(b: u8) -> bool {
    !b.is_ascii_whitespace()
        && !matches!(b, b'"' | b'\'' | b',' | b'[' | b']' | b'(' | b')' | b'=' | b'`' | b'<' | b'>')
}

/// The word around byte `at`: its span.
pub fn word_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let mut start = at;
    while start > 0 && word_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < bytes.len() && word_byte(bytes[end]) {
        end += 1;
    }
    // A YAML key (`Action:`) or a trailing `:` is not part of the word; neither are braces of a flow mapping.
    while end > start && matches!(bytes[end - 1], b':' | b'}' | b'{') && !text[start..end].contains("${") {
        end -= 1;
    }
    while start < end && matches!(bytes[start], b'{' | b'}' | b'-') {
        start += 1;
    }
    (start < end && text.is_char_boundary(start) && text.is_char_boundary(end)).then_some((start, end))
}

/// Markdown about the IAM word at byte `at`, if it is one the catalog knows.
pub fn hover(text: &str, at: usize) -> Option<(String, (usize, usize))> {
    let (start, end) = word_at(text, at)?;
    let word = &text[start..end];
    let markdown = if word.starts_with("arn:") {
        arn(word)
    } else if catalog::has_wildcard(word) && word.contains(':') {
        pattern(word)
    } else if let Some(a) = catalog::action(word) {
        Some(action(a))
    } else {
        retired(word).or_else(|| condition_key(word))
    }?;
    Some((markdown, (start, end)))
}

fn action(a: Action) -> String {
    let svc = a.service();
    let mut md = format!("**`{a}`** — {} (`{}`)\n\nAccess level: **{}**\n", svc.name(), svc.prefix(), a.access_level());
    if let Some(family) = a.api_family() {
        md.push_str(&format!("\nAPI family: `{family}`; "));
        md.push_str(if a.is_sdk_voice() { "an Amazon Chime SDK Voice operation\n" } else { "not Chime SDK Voice\n" });
    }
    if let Some(d) = a.deprecation() {
        md.push_str(&format!("\n**Deprecated**: {d}\n"));
    }
    let types: Vec<_> = a.resource_types().collect();
    if types.is_empty() {
        md.push_str("\nResource types: none (`Resource: \"*\"`)\n");
    } else {
        md.push_str("\nResource types:\n");
        for (t, required) in types {
            let star = if required { " (required)" } else { "" };
            md.push_str(&format!("- `{}`{star}: `{}`\n", t.name(), t.arn_formats_shown()));
        }
    }
    let keys: Vec<_> = a.condition_keys().collect();
    if !keys.is_empty() {
        md.push_str(&format!("\nCondition keys: {}\n", code_list(&keys)));
    }
    let deps: Vec<_> = a.dependent_actions().collect();
    if !deps.is_empty() {
        md.push_str(&format!("\nDependent actions: {}\n", code_list(&deps)));
    }
    md
}

fn code_list(items: &[&str]) -> String {
    items.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

fn retired(word: &str) -> Option<String> {
    let (prefix, name) = word.split_once(':')?;
    if let Some(r) = catalog::retired_service(prefix) {
        return Some(format!(
            "**`{word}`** — {} (`{}`), **retired**: last listed by AWS on {}\n",
            r.service_name, r.prefix, r.last_listed
        ));
    }
    let r = catalog::service(prefix)?.retired_action(name)?;
    Some(format!("**`{word}`** — {}, **retired** action: last listed by AWS on {}\n", r.service_name, r.last_listed))
}

fn pattern(word: &str) -> Option<String> {
    let actions = catalog::expand(word);
    let mut md = format!("**`{word}`** matches {} action{}", actions.len(), if actions.len() == 1 { "" } else { "s" });
    if actions.is_empty() {
        return Some(md + "\n");
    }
    md.push_str(":\n\n| Access level | Actions |\n| --- | --- |\n");
    let levels = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];
    for level in levels {
        let n = actions.iter().filter(|a| a.access_level() == level).count();
        if n > 0 {
            md.push_str(&format!("| {level} | {n} |\n"));
        }
    }
    const SHOWN: usize = 20;
    let names: Vec<String> = actions.iter().take(SHOWN).map(|a| format!("`{a}`")).collect();
    md.push_str(&format!("\n{}", names.join(", ")));
    if actions.len() > SHOWN {
        md.push_str(&format!(", … ({} more)", actions.len() - SHOWN));
    }
    Some(md + "\n")
}

fn condition_key(word: &str) -> Option<String> {
    let (prefix, _) = word.split_once(':')?;
    if let Some(k) = catalog::global_condition_key(word) {
        return Some(format!(
            "**`{}`** — global condition key, type `{}`: every service's actions may take it\n",
            k.name(),
            k.value_type()
        ));
    }
    let svc = catalog::service(prefix).or_else(|| catalog::service_listing_key(word))?;
    let k = svc.condition_key(word)?;
    let taking: Vec<Action> =
        svc.actions().filter(|a| a.condition_keys().any(|c| c.eq_ignore_ascii_case(k.name()))).collect();
    let mut md = format!("**`{}`** — condition key of {}, type `{}`\n", k.name(), svc.name(), k.value_type());
    const SHOWN: usize = 15;
    if taking.is_empty() {
        md.push_str("\nNo action lists it itself: it applies through the resource types that have it.\n");
    } else {
        let names: Vec<String> = taking.iter().take(SHOWN).map(|a| format!("`{a}`")).collect();
        md.push_str(&format!(
            "\nTaken by {} action{}: {}",
            taking.len(),
            if taking.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
        if taking.len() > SHOWN {
            md.push_str(&format!(", … ({} more)", taking.len() - SHOWN));
        }
        md.push('\n');
    }
    Some(md)
}

fn arn(word: &str) -> Option<String> {
    let mut parts = word.splitn(6, ':');
    let (_, _, prefix) = (parts.next(), parts.next(), parts.next()?);
    let svc = catalog::service(prefix)?;
    let fits: Vec<_> = svc.resource_types().filter(|t| t.matches_arn(word)).collect();
    let mut md = format!("**ARN** of {} (`{}`)\n", svc.name(), svc.prefix());
    if fits.is_empty() {
        md.push_str("\nIt fits no resource type of the service.\n");
    } else {
        md.push_str("\nResource type it fits:\n");
        for t in fits {
            md.push_str(&format!("- `{}`: `{}`\n", t.name(), t.arn_formats_shown()));
        }
    }
    Some(md)
}

/// What the cursor may be typing, told by the last key written before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Action,
    Operator,
    ConditionKey,
}

/// The slot at byte `at`: the nearest key before it, in any of the three syntaxes
/// (`"Action":`, `Action:`, `actions =`, `"StringEquals": {`, `test =`, `variable =`).
pub fn slot(text: &str, at: usize) -> Option<Slot> {
    static KEY: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        regex::Regex::new(
            r#"(?m)"([^"\n]+)"[ \t]*[:=]|^[ \t-]*([A-Za-z_][\w:/.-]*):(?:[ \t]|$)|([A-Za-z_]\w*)[ \t]*=[^=]"#,
        )
        .expect("a valid pattern")
    });
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // The word being typed is no key yet (`aws:` at the end of a YAML line).
    let at = word_at(text, at).map_or(at, |(start, _)| start.min(at));
    let before = &text[..at];
    let last = key.captures_iter(before).last()?;
    let k = (1..=3).find_map(|i| last.get(i)).map(|m| m.as_str())?;
    let lower = k.to_ascii_lowercase();
    let base = lower.trim_start_matches("forallvalues:").trim_start_matches("foranyvalue:");
    let base = base.strip_suffix("ifexists").unwrap_or(base);
    Some(match lower.as_str() {
        "action" | "notaction" | "actions" | "not_actions" => Slot::Action,
        "condition" | "test" => Slot::Operator,
        "variable" => Slot::ConditionKey,
        _ if OPERATORS.iter().any(|(op, _)| op.eq_ignore_ascii_case(base)) => Slot::ConditionKey,
        _ if k.contains(':') && catalog::has_wildcard(k) => return None,
        _ if k.contains(':') => Slot::ConditionKey,
        _ => return None,
    })
}

/// Completion items at byte `at`, each replacing the word typed so far.
pub fn complete(text: &str, at: usize) -> Vec<CompletionItem> {
    let Some(slot) = slot(text, at) else { return Vec::new() };
    let (start, end) = word_at(text, at).map_or((at, at), |(s, _)| (s, at));
    let typed = &text[start..end.max(start)];
    let range = crate::server::document::range(text, start, end.max(start));
    let item = |label: String, kind: CompletionItemKind, detail: String| CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail: Some(detail),
        filter_text: Some(label.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: label })),
        ..CompletionItem::default()
    };
    let services = |suffix_detail: &str| {
        catalog::services()
            .map(|s| {
                let mut i = item(
                    format!("{}:", s.prefix()),
                    CompletionItemKind::MODULE,
                    format!("{}{suffix_detail}", s.name()),
                );
                // Typing the prefix goes on to its actions or keys.
                i.command = Some(lsp_types::Command {
                    title: "more".into(),
                    command: "editor.action.triggerSuggest".into(),
                    arguments: None,
                });
                i
            })
            .collect::<Vec<_>>()
    };
    match slot {
        Slot::Action => match typed.split_once(':') {
            Some((prefix, _)) => catalog::service(prefix)
                .map(|s| {
                    s.actions().map(|a| item(a.to_string(), CompletionItemKind::FUNCTION, action_detail(a))).collect()
                })
                .unwrap_or_default(),
            None => services(""),
        },
        Slot::Operator => OPERATORS
            .iter()
            .flat_map(|(op, ty)| {
                [
                    item(op.to_string(), CompletionItemKind::OPERATOR, format!("{} comparison", ty.as_str())),
                    item(
                        format!("{op}IfExists"),
                        CompletionItemKind::OPERATOR,
                        format!("{} comparison, when the key is present", ty.as_str()),
                    ),
                ]
            })
            .filter(|i| i.label != "NullIfExists")
            .collect(),
        Slot::ConditionKey => match typed.split_once(':') {
            Some((prefix, _)) if prefix.eq_ignore_ascii_case("aws") => global_keys(&item),
            Some((prefix, _)) => catalog::service(prefix)
                .map(|s| {
                    s.condition_keys()
                        .map(|k| item(k.name().to_string(), CompletionItemKind::FIELD, k.value_type().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            None => {
                let mut items = global_keys(&item);
                items.extend(services(": condition keys"));
                items
            }
        },
    }
}

fn global_keys(item: &dyn Fn(String, CompletionItemKind, String) -> CompletionItem) -> Vec<CompletionItem> {
    catalog::global_condition_keys()
        .map(|k| item(k.name().to_string(), CompletionItemKind::FIELD, format!("{} (global)", k.value_type())))
        .collect()
}

fn action_detail(a: Action) -> String {
    let mut d = a.access_level().to_string();
    if a.deprecation().is_some() {
        d.push_str(", deprecated");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slot_is_told_by_the_last_key_in_each_syntax() {
        let json = r#"{"Statement": [{"Action": ["chime:Cr"#;
        assert_eq!(slot(json, json.len()), Some(Slot::Action));
        let json = r#"{"Condition": {"StringEquals": {"aws:So"#;
        assert_eq!(slot(json, json.len()), Some(Slot::ConditionKey));
        let json = r#"{"Condition": {"Stri"#;
        assert_eq!(slot(json, json.len()), Some(Slot::Operator));
        let yaml = "Statement:\n  - Effect: Allow\n    Action:\n      - chime:Get\n      - chi";
        assert_eq!(slot(yaml, yaml.len()), Some(Slot::Action));
        let yaml = "    Condition:\n      StringEquals:\n        aws:";
        assert_eq!(slot(yaml, yaml.len()), Some(Slot::ConditionKey));
        let hcl = "statement {\n  actions = [\"chime:Get\", \"ch";
        assert_eq!(slot(hcl, hcl.len()), Some(Slot::Action));
        let hcl = "condition {\n  test = \"Str";
        assert_eq!(slot(hcl, hcl.len()), Some(Slot::Operator));
        let hcl = "condition {\n  test = \"StringEquals\"\n  variable = \"aws:";
        assert_eq!(slot(hcl, hcl.len()), Some(Slot::ConditionKey));
        let hcl = "jsonencode({ Statement = [{ Effect = \"Allow\", Action = [\"chime:";
        assert_eq!(slot(hcl, hcl.len()), Some(Slot::Action));
        let json = r#"{"Resource": "arn:aws:"#;
        assert_eq!(slot(json, json.len()), None);
    }

    #[test]
    fn hover_names_an_action_a_pattern_a_key_and_an_arn() {
        let text = r#"["chime:CreateSipMediaApplicationCall", "chime:*SipRule*", "chime:VoiceConnector", "arn:aws:chime:us-east-1:111122223333:sma/abc"]"#;
        let at = |w: &str| text.find(w).unwrap() + 3;
        let (md, _) = hover(text, at("chime:CreateSip")).unwrap();
        assert!(md.contains("Access level: **Write**") && md.contains("chime-sdk-voice"), "{md}");
        let (md, _) = hover(text, at("chime:*Sip")).unwrap();
        assert!(md.contains("matches") && md.contains("| Write |"), "{md}");
        let (md, _) = hover(text, at("arn:aws")).unwrap();
        assert!(md.contains("`sip-media-application`") || md.contains("sma"), "{md}");
        let (md, _) = hover("\"aws:SourceAccount\"", 3).unwrap();
        assert!(md.contains("global condition key"), "{md}");
    }
}
