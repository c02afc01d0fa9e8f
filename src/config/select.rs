//! Rule selectors, as `select`, `ignore` and their command-line flags take
//! them: a rule id (`resource-star`), a category (`least-privilege`, `gap`,
//! `validity`, `syntax`, `quota`, `network`, `meta`), `all`, or a prefix of ids at a word
//! boundary (`unknown`, `unknown-`, `unknown-*`: `unknown-action`,
//! `unknown-service`, `unknown-condition-key`). Each expands to rule ids
//! here, once, so the pipeline only ever compares ids.

use crate::rules::RULES;

/// The categories a selector may name.
pub const CATEGORIES: [&str; 7] = ["syntax", "validity", "least-privilege", "gap", "quota", "network", "meta"];

/// The rule ids a selector stands for, in registry order, or why it stands for none.
pub fn expand(selector: &str) -> Result<Vec<&'static str>, String> {
    let s = selector.trim();
    if let Some(r) = crate::rules::find(s) {
        return Ok(vec![r.meta.id]);
    }
    let ids = |keep: &dyn Fn(&crate::rules::Rule) -> bool| -> Vec<&'static str> {
        RULES.iter().filter(|r| keep(r)).map(|r| r.meta.id).collect()
    };
    if s.eq_ignore_ascii_case("all") {
        return Ok(ids(&|_| true));
    }
    if CATEGORIES.contains(&s) {
        return Ok(ids(&|r| r.meta.category.as_str() == s));
    }
    let prefix = s.strip_suffix('*').unwrap_or(s);
    if !prefix.is_empty() {
        let word = prefix.strip_suffix('-').unwrap_or(prefix);
        let matched = ids(&|r| r.meta.id.strip_prefix(word).is_some_and(|rest| rest.starts_with('-')));
        if !matched.is_empty() {
            return Ok(matched);
        }
    }
    let near = crate::config::closest_rule(s).or_else(|| crate::catalog::closest(s, CATEGORIES.iter().copied()));
    let near = near.map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
    Err(format!("`{s}` is not a rule{near} (`policy-lint rules` lists them)"))
}

/// Expands a list of selectors; ids in registry order, each once.
pub fn expand_all(selectors: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut errors = Vec::new();
    let mut chosen = std::collections::BTreeSet::new();
    for s in selectors {
        match expand(s) {
            Ok(ids) => chosen.extend(ids),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RULES.iter().map(|r| r.meta.id).filter(|id| chosen.contains(id)).map(String::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rules_category_can_be_selected() {
        for r in RULES.iter() {
            let category = r.meta.category.as_str();
            let ids = expand(category).unwrap_or_else(|e| panic!("{category}: {e}"));
            assert!(ids.contains(&r.meta.id), "{category} misses {}", r.meta.id);
        }
    }

    #[test]
    fn ids_categories_and_prefixes() {
        assert_eq!(expand("resource-star").unwrap(), ["resource-star"]);
        assert_eq!(expand("unknown").unwrap(), ["unknown-service", "unknown-action", "unknown-condition-key"]);
        assert_eq!(expand("unknown-*").unwrap(), expand("unknown-").unwrap());
        assert_eq!(expand("meta").unwrap(), ["invalid-suppression", "unused-suppression"]);
        assert!(expand("gap").unwrap().contains(&"sma-lambda-permission-missing"));
        assert_eq!(expand("all").unwrap().len(), RULES.len());
        assert!(expand("unknow").is_err(), "a prefix ends at a word boundary");
        assert!(expand("").is_err());
        let e = expand("least-privlege").unwrap_err();
        assert!(e.contains("did you mean `least-privilege`?"), "{e}");
    }
}
