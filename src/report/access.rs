//! The access changes of `policy-lint diff`, in three formats: human (a
//! terminal), Markdown (a pull-request comment or GitHub step summary) and
//! JSON (for tools). Public and cross-account access gained comes first in
//! each; the model is [`crate::analysis::access`].

use crate::analysis::access::{shown, AccessChange, Grouped, Reach};
use serde_json::{json, Value as Json};

/// `` `chime:*` on `*`: +316 actions, 190 Write, 80 Read ``.
fn line(g: &Grouped, sign: char) -> String {
    let what: Vec<String> = if g.actions.len() <= 3 || g.patterns.is_empty() {
        g.actions.iter().take(3).map(|a| format!("`{a}`")).collect()
    } else {
        g.patterns.iter().map(|p| format!("`{p}`")).collect()
    };
    let more = if g.actions.len() > 3 && g.patterns.is_empty() { " …" } else { "" };
    let n = g.actions.len();
    let noun = if n == 1 { "action" } else { "actions" };
    let levels: Vec<String> = g.levels.iter().map(|(l, n)| format!("{n} {}", l.as_str())).collect();
    let levels = if levels.is_empty() { String::new() } else { format!(", {}", levels.join(", ")) };
    let sign = if sign == '-' { '−' } else { sign };
    format!("{}{more} on `{}`: {sign}{n} {noun}{levels}", what.join(", "), g.resource)
}

fn at(g: &Grouped) -> String {
    match (&g.at, g.at_base) {
        (Some(at), false) => format!(" ({at})"),
        (Some(at), true) => format!(" (was {at} in BASE)"),
        (None, _) => String::new(),
    }
}

/// What a group's conditions mean, by its sign and statement.
fn conditions_label(g: &Grouped, sign: char) -> Option<&'static str> {
    if g.conditions.is_empty() {
        return None;
    }
    match sign {
        '+' => Some("on conditions"),
        '-' if g.denies => Some("denied on conditions"),
        '-' if g.at_base => Some("was on conditions"),
        '-' => Some("remains on conditions"),
        _ => None,
    }
}

fn reach(c: &AccessChange) -> &'static str {
    match c.reach {
        Reach::Public => "public",
        Reach::Account(_) => "cross-account",
        Reach::Internal => "internal",
    }
}

fn heading(c: &AccessChange) -> String {
    let state = if c.added {
        ", new"
    } else if c.removed {
        ", gone"
    } else {
        ""
    };
    let account = match &c.reach {
        Reach::Account(a) => format!(", account {a}"),
        _ => String::new(),
    };
    format!("{} ({}{account}{state})", shown(&c.principal), c.kind.as_str())
}

/// The report for a terminal.
pub fn human(base: &str, changes: &[AccessChange]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str(&format!("No access changes from {base} to the work tree.\n"));
        return out;
    }
    let exposures: Vec<&AccessChange> = changes.iter().filter(|c| c.is_exposure()).collect();
    if !exposures.is_empty() {
        out.push_str("Public or cross-account access that appears:\n");
        for c in &exposures {
            for g in &c.gained {
                out.push_str(&format!("  ! {}: {}{}\n", heading(c), line(g, '+'), at(g)));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("Access changes from {base} to the work tree, by principal:\n"));
    for c in changes {
        out.push_str(&format!("\n{}\n", heading(c)));
        for (sign, list) in [('+', &c.gained), ('-', &c.lost), ('?', &c.unknown)] {
            for g in list {
                out.push_str(&format!("  {sign} {}{}\n", line(g, sign), at(g)));
                if let Some(label) = conditions_label(g, sign) {
                    out.push_str(&format!("      {label}: {}\n", g.conditions.join("; ")));
                }
                if !g.depends.is_empty() {
                    out.push_str(&format!("      unknown: depends on {}\n", g.depends.join(", ")));
                }
            }
        }
    }
    let (gained, lost) = totals(changes);
    out.push_str(&format!(
        "\n{} principal{} changed: +{gained} actions gained, −{lost} lost.\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    ));
    out
}

fn totals(changes: &[AccessChange]) -> (usize, usize) {
    let sum = |f: &dyn Fn(&AccessChange) -> &Vec<Grouped>| -> usize {
        changes.iter().flat_map(|c| f(c).iter()).map(|g| g.actions.len()).sum()
    };
    (sum(&|c| &c.gained), sum(&|c| &c.lost))
}

/// The report as a pull-request comment.
pub fn markdown(base: &str, changes: &[AccessChange]) -> String {
    let mut out = format!("### Access changes from `{base}`\n\n");
    if changes.is_empty() {
        out.push_str("No access changes.\n");
        return out;
    }
    let exposures: Vec<&AccessChange> = changes.iter().filter(|c| c.is_exposure()).collect();
    if !exposures.is_empty() {
        out.push_str("> [!WARNING]\n> **Public or cross-account access appears:**\n");
        for c in &exposures {
            for g in &c.gained {
                out.push_str(&format!("> - {}: {}{}\n", heading(c), line(g, '+'), at(g)));
            }
        }
        out.push('\n');
    }
    out.push_str("| principal | gained | lost | unknown |\n|---|---:|---:|---:|\n");
    for c in changes {
        let n = |l: &Vec<Grouped>| l.iter().map(|g| g.actions.len()).sum::<usize>();
        out.push_str(&format!("| {} | +{} | −{} | {} |\n", heading(c), n(&c.gained), n(&c.lost), n(&c.unknown)));
    }
    for c in changes {
        out.push_str(&format!("\n#### {}\n\n", heading(c)));
        for (sign, word, list) in [('+', "gained", &c.gained), ('-', "lost", &c.lost), ('?', "unknown", &c.unknown)] {
            for g in list {
                out.push_str(&format!("- **{word}** {}{}\n", line(g, sign), at(g)));
                if let Some(label) = conditions_label(g, sign) {
                    out.push_str(&format!("  - {label}: `{}`\n", g.conditions.join("`; `")));
                }
                if !g.depends.is_empty() {
                    out.push_str(&format!("  - depends on {}\n", g.depends.join(", ")));
                }
            }
        }
    }
    out
}

fn group_json(g: &Grouped) -> Json {
    let levels: serde_json::Map<String, Json> =
        g.levels.iter().map(|(l, n)| (l.as_str().to_string(), json!(n))).collect();
    json!({
        "service": g.service,
        "patterns": g.patterns,
        "resource": g.resource,
        "action_count": g.actions.len(),
        "actions": g.actions,
        "access_levels": levels,
        "conditions": g.conditions,
        "depends_on": g.depends,
        "statement": g.at,
        "statement_in_base": g.at_base,
        "statement_denies": g.denies,
    })
}

/// The report for tools: principals as structured data.
pub fn json(base: &str, changes: &[AccessChange]) -> String {
    let (gained, lost) = totals(changes);
    let list: Vec<Json> = changes
        .iter()
        .map(|c| {
            json!({
                "principal": c.principal,
                "kind": c.kind.as_str(),
                "grantee": c.grantee,
                "reach": reach(c),
                "account": match &c.reach { Reach::Account(a) => Some(a.clone()), _ => None },
                "exposure": c.is_exposure(),
                "added": c.added,
                "removed": c.removed,
                "gained": c.gained.iter().map(group_json).collect::<Vec<_>>(),
                "lost": c.lost.iter().map(group_json).collect::<Vec<_>>(),
                "unknown": c.unknown.iter().map(group_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "base": base,
        "summary": {
            "principals_changed": changes.len(),
            "actions_gained": gained,
            "actions_lost": lost,
            "exposures": changes.iter().filter(|c| c.is_exposure()).count(),
        },
        "changes": list,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
