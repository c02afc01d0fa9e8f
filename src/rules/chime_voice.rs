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
    /// A key of `_meta.sources`: the AWS page, or why there is none.
    pub source: String,
    /// `warning` where AWS documents the dependency, `info` where it does not.
    pub severity: NeedSeverity,
    /// The service whose service-linked role, once the project defines it,
    /// makes this dependency moot (`iam:CreateServiceLinkedRole` is needed
    /// only to create the role).
    #[serde(default)]
    pub unless_service_linked_role: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum NeedSeverity {
    Warning,
    Info,
}

#[derive(Deserialize)]
pub struct Regions {
    pub surfaces: Vec<Surface>,
}

/// One surface of the API, the resource types it serves and its Regions.
#[derive(Deserialize)]
pub struct Surface {
    pub id: String,
    pub surface: String,
    pub resource_types: Vec<String>,
    pub regions: Vec<String>,
    /// A key of `_meta.sources`: the AWS page the Regions come from.
    pub source: String,
}

impl Regions {
    /// The surface with this id (`voice`, `call-analytics`...).
    pub fn surface(&self, id: &str) -> Option<&Surface> {
        self.surfaces.iter().find(|s| s.id == id)
    }

    /// The surface that serves a resource type of the catalog.
    pub fn of_resource_type(&self, resource_type: &str) -> Option<&Surface> {
        self.surfaces.iter().find(|s| s.resource_types.iter().any(|t| t == resource_type))
    }
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

/// The curated needs of one action, in the order of the file.
pub fn needs_of(action: crate::catalog::Action) -> impl Iterator<Item = &'static Need> {
    let d = dependencies();
    let start = d.by_action.partition_point(|(a, _)| *a < action);
    let end = d.by_action.partition_point(|(a, _)| *a <= action);
    d.by_action[start..end].iter().map(|&(_, i)| &d.needs[i])
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
        let voice = regions().surface("voice").unwrap();
        assert!(voice.regions.contains(&"us-east-1".to_string()));
        assert_eq!(voice.regions.len(), 10);
        let call = crate::catalog::action("chime:CreateSipMediaApplicationCall").unwrap();
        assert_eq!(voice_family(call), Some("SIP media application calls"));
        let meeting = crate::catalog::action("chime:CreateMeeting").unwrap();
        assert_eq!(voice_family(meeting), None);
        assert!(!regions().surface("media-pipelines").unwrap().regions.contains(&"eu-west-1".to_string()));
        let profiles = regions().of_resource_type("voice-profile").unwrap();
        assert_eq!(profiles.regions, ["us-east-1", "us-west-2"]);
        let analytics = regions().of_resource_type("media-insights-pipeline-configuration").unwrap();
        assert_eq!(analytics.regions, ["us-east-1", "us-west-2", "eu-central-1"]);
        // Every resource type named is one of the `chime` catalog's.
        let chime = crate::catalog::service("chime").unwrap();
        for s in &regions().surfaces {
            for t in &s.resource_types {
                assert!(chime.resource_type(t).is_some(), "{t}");
            }
        }
    }
}
