//! Whether a grant of an action can name its resources instead of `*`: the
//! catalog's flags, corrected by `rules/resource-optional.json`. In the
//! catalog layer because both a rule (`resource-star`) and a suggested fix
//! (`polly:SynthesizeSpeech` without lexicons is allowed only by `*`) ask.

use super::{Action, Service};
use std::sync::LazyLock;

const OPTIONAL_JSON: &str = include_str!("../../rules/resource-optional.json");

struct Lists {
    /// Actions whose request may name no resource although the catalog
    /// marks a type required (`sns:Publish` to a phone number), sorted.
    resource_optional: Vec<Action>,
    /// Actions with one optional resource type that every request names
    /// (`chime:CreateSipRule`'s target SIP media applications), sorted.
    always_named: Vec<Action>,
    /// Services with actions of several optional resource types whose table
    /// marks no type required anywhere (`translate`), sorted.
    unmarked_services: Vec<String>,
}

mod raw {
    use serde::Deserialize;
    #[derive(Deserialize)]
    pub struct Optional {
        pub actions: Vec<OptionalAction>,
        pub always_named: AlwaysNamed,
        pub unmarked_services: Unmarked,
    }
    #[derive(Deserialize)]
    pub struct Unmarked {
        pub prefixes: Vec<String>,
    }
    #[derive(Deserialize)]
    pub struct AlwaysNamed {
        pub actions: Vec<OptionalAction>,
    }
    #[derive(Deserialize)]
    pub struct OptionalAction {
        pub action: String,
    }
}

fn lists() -> &'static Lists {
    static LISTS: LazyLock<Lists> = LazyLock::new(|| {
        let raw: raw::Optional = serde_json::from_str(OPTIONAL_JSON)
            .unwrap_or_else(|e| panic!("rules/resource-optional.json is not valid: {e}"));
        let actions = |list: &[raw::OptionalAction]| {
            let mut v: Vec<Action> = list
                .iter()
                .map(|a| {
                    super::action(&a.action)
                        .unwrap_or_else(|| panic!("rules/resource-optional.json: `{}` is not in the catalog", a.action))
                })
                .collect();
            v.sort();
            v
        };
        let mut unmarked_services = raw.unmarked_services.prefixes;
        unmarked_services.sort();
        Lists {
            resource_optional: actions(&raw.actions),
            always_named: actions(&raw.always_named.actions),
            unmarked_services,
        }
    });
    &LISTS
}

/// Can `Resource` name this action's resources instead of `*`? When it has a
/// required resource type, or several optional ones: the catalog marks none
/// required when a request names one resource out of several kinds
/// (`s3:GetObject` takes an object or an access-point object). A single
/// optional type (`polly:SynthesizeSpeech` and its lexicons,
/// `cloudformation:DescribeStacks`, `chime:ListSipRules`) also serves requests
/// that name no resource, which only `*` allows, so it does not count; except
/// where the API requires the member that names it (`chime:CreateSipRule`'s
/// target SIP media applications). Where `*` is what AWS requires, it is not
/// scopable either: a service whose table marks no type required anywhere
/// says only that a request *may* name one (`translate:TranslateText`'s
/// optional terminology), and some requests may name none although a type is
/// marked required (`sns:Publish` to a phone number). Both lists are in
/// `rules/resource-optional.json`, with their sources.
pub fn scopable(action: Action) -> bool {
    let d = lists();
    if d.resource_optional.binary_search(&action).is_ok() {
        return false;
    }
    let mut n = 0;
    for (_, required) in action.resource_types() {
        if required {
            return true;
        }
        n += 1;
    }
    match n {
        0 => false,
        1 => d.always_named.binary_search(&action).is_ok(),
        _ => marks_required(action.service()),
    }
}

/// Whether the service marks resource types required: where it marks none
/// (`translate`), an optional type says nothing about what a request must
/// name. The few such services are listed in `rules/resource-optional.json`
/// (checked against the catalog by a test), so no run scans the catalog.
fn marks_required(service: &'static Service) -> bool {
    lists().unmarked_services.binary_search_by(|p| p.as_str().cmp(service.prefix())).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unmarked_services_are_those_of_the_catalog() {
        let mut derived: Vec<&str> = super::super::services()
            .filter(|s| !s.actions().any(|a| a.resource_types().any(|(_, required)| required)))
            .filter(|s| s.actions().any(|a| a.resource_types().count() >= 2))
            .map(|s| s.prefix())
            .collect();
        derived.sort_unstable();
        assert_eq!(derived, lists().unmarked_services, "rules/resource-optional.json `unmarked_services`");
    }
}
