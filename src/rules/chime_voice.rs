//! The Chime SDK Voice knowledge the gap rules need, kept as data in
//! `rules/chime-voice/` with the source of every entry, read once on first use.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub struct Dependencies {
    pub needs: Vec<Need>,
    /// Dependencies a call has only with certain request contents: not required.
    pub conditional: Vec<Conditional>,
    /// `needs` by catalog action, sorted: looked up for every granted action.
    #[serde(skip)]
    by_action: Vec<(crate::catalog::Action, usize)>,
}

#[derive(Deserialize)]
pub struct Conditional {
    /// The action, or `*` for every action.
    pub action: String,
    pub needs: Vec<String>,
    pub when: String,
}

/// One curated entry: an action and what else it needs.
#[derive(Deserialize)]
pub struct Need {
    pub action: String,
    pub needs: Vec<String>,
    pub why: String,
    pub source: String,
}

#[derive(Deserialize)]
pub struct Regions {
    pub voice: Surface,
    pub media_pipelines: Surface,
}

#[derive(Deserialize)]
pub struct Surface {
    pub surface: String,
    pub resource_types: Vec<String>,
    pub regions: Vec<String>,
}

/// The Chime SDK Voice family of an action (`rules/chime-voice-families.json`),
/// or `None` for actions of other APIs (meetings, messaging...), other
/// services, and the retired and shared tagging actions.
pub fn voice_family(action: crate::catalog::Action) -> Option<&'static str> {
    crate::rules::least_privilege::data().families.iter().find(|f| f.actions.contains(&action)).map(|f| f.name.as_str())
}

pub fn dependencies() -> &'static Dependencies {
    static DATA: OnceLock<Dependencies> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut data: Dependencies = serde_json::from_str(include_str!("../../rules/chime-voice/dependencies.json"))
            .expect("rules/chime-voice/dependencies.json is checked by the tests");
        data.by_action =
            data.needs.iter().enumerate().filter_map(|(i, n)| Some((crate::catalog::action(&n.action)?, i))).collect();
        data.by_action.sort();
        data
    })
}

pub fn regions() -> &'static Regions {
    static DATA: OnceLock<Regions> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/regions.json"))
            .expect("rules/chime-voice/regions.json is checked by the tests")
    })
}

/// Whether `action` needs `dependency` only with certain request contents.
pub fn is_conditional(action: &str, dependency: &str) -> bool {
    dependencies().conditional.iter().any(|c| {
        (c.action == "*" || c.action.eq_ignore_ascii_case(action))
            && c.needs.iter().any(|n| n.eq_ignore_ascii_case(dependency))
    })
}

/// The curated needs of one action (case-insensitive).
pub fn needs_of(action: crate::catalog::Action) -> Option<&'static Need> {
    let d = dependencies();
    let i = d.by_action.binary_search_by(|(a, _)| a.cmp(&action)).ok()?;
    d.needs.get(d.by_action[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse_and_name_real_actions() {
        for n in &dependencies().needs {
            assert!(crate::catalog::action(&n.action).is_some(), "{}", n.action);
            for d in &n.needs {
                assert!(crate::catalog::action(d).is_some(), "{d}");
            }
        }
        assert!(regions().voice.regions.contains(&"us-east-1".to_string()));
        let call = crate::catalog::action("chime:CreateSipMediaApplicationCall").unwrap();
        assert_eq!(voice_family(call), Some("SIP media application calls"));
        let meeting = crate::catalog::action("chime:CreateMeeting").unwrap();
        assert_eq!(voice_family(meeting), None);
        assert!(!regions().media_pipelines.regions.contains(&"eu-west-1".to_string()));
    }
}
