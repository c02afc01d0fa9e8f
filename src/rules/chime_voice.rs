//! The Chime SDK Voice knowledge the gap rules need, kept as data in
//! `rules/chime-voice/` with the source of every entry, read once on first use.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub struct Dependencies {
    pub needs: Vec<Need>,
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

#[derive(Deserialize)]
pub struct Families {
    pub families: Vec<Family>,
}

#[derive(Deserialize)]
pub struct Family {
    pub family: String,
    pub patterns: Vec<String>,
}

pub fn families() -> &'static Families {
    static DATA: OnceLock<Families> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/families.json"))
            .expect("rules/chime-voice/families.json is checked by the tests")
    })
}

/// The Chime SDK Voice family of an action, or `None` for actions of other
/// APIs (meetings, messaging...) and other services.
pub fn voice_family(action: crate::catalog::Action) -> Option<&'static str> {
    if !action.is_sdk_voice() || action.service().prefix() != "chime" {
        return None;
    }
    families()
        .families
        .iter()
        .find(|f| f.patterns.iter().any(|p| crate::catalog::wildcard_match(p, action.name(), true)))
        .map(|f| f.family.as_str())
}

pub fn dependencies() -> &'static Dependencies {
    static DATA: OnceLock<Dependencies> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/dependencies.json"))
            .expect("rules/chime-voice/dependencies.json is checked by the tests")
    })
}

pub fn regions() -> &'static Regions {
    static DATA: OnceLock<Regions> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/chime-voice/regions.json"))
            .expect("rules/chime-voice/regions.json is checked by the tests")
    })
}

/// The curated needs of one action (case-insensitive).
pub fn needs_of(action: &str) -> Option<&'static Need> {
    dependencies().needs.iter().find(|n| n.action.eq_ignore_ascii_case(action))
}

#[cfg(test)]
mod tests {
    // The families table is also checked here.
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
        assert_eq!(voice_family(call), Some("SIP media applications and calls"));
        let meeting = crate::catalog::action("chime:CreateMeeting").unwrap();
        assert_eq!(voice_family(meeting), None);
        assert!(!regions().media_pipelines.regions.contains(&"eu-west-1".to_string()));
    }
}
