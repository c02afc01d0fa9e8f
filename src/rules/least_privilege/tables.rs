//! The least-privilege rules' data tables (`rules/*.json`, compiled in), read
//! once and resolved against the catalog once: escalation paths, actions that
//! return credentials, the condition keys that narrow a grant, service
//! principals, and the Chime SDK Voice families.

use crate::catalog::{self, Action};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const ESCALATION_JSON: &str = include_str!("../../../rules/privilege-escalation.json");
const CREDENTIALS_JSON: &str = include_str!("../../../rules/credential-actions.json");
const SCOPES_JSON: &str = include_str!("../../../rules/condition-scopes.json");
const PRINCIPALS_JSON: &str = include_str!("../../../rules/service-principals.json");
const FAMILIES_JSON: &str = include_str!("../../../rules/chime-voice-families.json");

/// One step of an escalation path: any of these actions.
#[derive(Debug)]
pub struct Step {
    pub actions: Vec<Action>,
    /// The same actions as a set of `Data::escalation_actions`, to test a
    /// policy's grants against every step without searching its statements.
    pub bits: u64,
}

#[derive(Debug)]
pub struct EscalationPath {
    /// The first step is the target (granted broadly); the others enable it.
    pub steps: Vec<Step>,
    /// For pass-role paths: the service the role is passed to.
    pub passed_to: Option<String>,
    pub effect: String,
}

#[derive(Debug)]
pub struct Capability {
    pub id: String,
    pub name: String,
    pub fix: String,
    pub paths: Vec<EscalationPath>,
}

#[derive(Debug)]
pub struct CredentialAction {
    pub action: Action,
    pub returns: String,
}

#[derive(Debug)]
pub struct Family {
    pub name: String,
    pub actions: Vec<Action>,
}

/// Every table, resolved.
#[derive(Debug)]
pub struct Data {
    pub capabilities: Vec<Capability>,
    pub credentials: Vec<CredentialAction>,
    pub resource_scope: Vec<String>,
    pub principal_narrowing: Vec<String>,
    pub source: Vec<String>,
    pub trust_exempt: Vec<String>,
    pub source_arn: HashMap<String, String>,
    /// (principal, service prefix of the policy's actions, `aws:SourceArn`):
    /// where the documented ARN depends on the resource the policy is on.
    pub source_arn_by_target: Vec<(String, String, String)>,
    pub families: Vec<Family>,
    /// Actions that take a passed role, with the service they pass it to.
    pub pass_role_consumers: Vec<(Action, String)>,
    /// Targets of one-step escalation paths, sorted.
    single_step_targets: Vec<Action>,
    /// The actions of every escalation path, sorted: few enough (`load`
    /// checks) that a set of them is a `u64`, bit `i` for the action at `i`.
    escalation_actions: Vec<Action>,
}

impl Data {
    /// `action` as a set of escalation actions: its bit, or none.
    pub fn escalation_bit(&self, action: Action) -> u64 {
        bit_of(&self.escalation_actions, action)
    }

    /// The escalation actions for which `test` is true.
    pub fn escalation_bits(&self, test: impl Fn(Action) -> bool) -> u64 {
        let bits = self.escalation_actions.iter().enumerate();
        bits.filter(|&(_, &a)| test(a)).fold(0, |set, (i, _)| set | 1 << i)
    }

    /// The escalation actions in `actions`, which is sorted (as a pattern's
    /// expansion is). Only those between its first and last action are
    /// looked for: none, for a pattern of a service without escalation actions.
    pub fn escalation_bits_in(&self, actions: &[Action]) -> u64 {
        let (Some(first), Some(last)) = (actions.first(), actions.last()) else { return 0 };
        let lo = self.escalation_actions.partition_point(|a| a < first);
        let hi = self.escalation_actions.partition_point(|a| a <= last);
        let inside = (lo..hi).filter(|&i| actions.binary_search(&self.escalation_actions[i]).is_ok());
        inside.fold(0, |set, i| set | 1 << i)
    }

    /// Actions that one step on a broad resource turns into escalation.
    pub fn is_single_step_target(&self, action: Action) -> bool {
        self.single_step_targets.binary_search(&action).is_ok()
    }

    pub fn credential(&self, action: Action) -> Option<&CredentialAction> {
        self.credentials.iter().find(|c| c.action == action)
    }
}

mod raw {
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    pub struct Escalation {
        pub pass_role_consumers: BTreeMap<String, String>,
        pub capabilities: Vec<Capability>,
    }
    #[derive(Deserialize)]
    pub struct Capability {
        pub id: String,
        pub name: String,
        pub fix: String,
        pub paths: Vec<Path>,
    }
    #[derive(Deserialize)]
    pub struct Path {
        pub steps: Vec<Step>,
        pub passed_to: Option<String>,
        pub effect: String,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Step {
        One(String),
        Any(Vec<String>),
    }
    #[derive(Deserialize)]
    pub struct Credentials {
        pub actions: Vec<Credential>,
    }
    #[derive(Deserialize)]
    pub struct Credential {
        pub action: String,
        pub returns: String,
    }
    #[derive(Deserialize)]
    pub struct Keys {
        pub keys: Vec<String>,
    }
    #[derive(Deserialize)]
    pub struct Scopes {
        pub resource_scope: Keys,
        pub principal_narrowing: Keys,
        pub source: Keys,
    }
    #[derive(Deserialize)]
    pub struct Principals {
        pub trust_exempt: Vec<String>,
        pub source_arn: BTreeMap<String, String>,
        pub source_arn_by_target: ByTarget,
    }
    #[derive(Deserialize)]
    pub struct ByTarget {
        pub targets: BTreeMap<String, BTreeMap<String, String>>,
    }
    #[derive(Deserialize)]
    pub struct Families {
        pub families: Vec<Family>,
    }
    #[derive(Deserialize)]
    pub struct Family {
        pub name: String,
        pub actions: Vec<String>,
    }
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("rules/{name} is not valid: {e}"))
}

fn action_of(name: &str, file: &str) -> Action {
    catalog::action(name).unwrap_or_else(|| panic!("rules/{file}: `{name}` is not in the catalog"))
}

/// `action` as a set over the sorted `actions`: bit `i` for the action at
/// `i`, or none.
fn bit_of(actions: &[Action], action: Action) -> u64 {
    actions.binary_search(&action).map_or(0, |i| 1 << i)
}

fn load() -> Data {
    let esc: raw::Escalation = parse("privilege-escalation.json", ESCALATION_JSON);
    let mut capabilities: Vec<Capability> = esc
        .capabilities
        .into_iter()
        .map(|c| Capability {
            id: c.id,
            name: c.name,
            fix: c.fix,
            paths: c
                .paths
                .into_iter()
                .map(|p| EscalationPath {
                    steps: p
                        .steps
                        .iter()
                        .map(|s| Step {
                            actions: match s {
                                raw::Step::One(a) => vec![action_of(a, "privilege-escalation.json")],
                                raw::Step::Any(v) => {
                                    v.iter().map(|a| action_of(a, "privilege-escalation.json")).collect()
                                }
                            },
                            bits: 0, // set below, once every action is known
                        })
                        .collect(),
                    passed_to: p.passed_to,
                    effect: p.effect,
                })
                .collect(),
        })
        .collect();
    let mut pass_role_consumers: Vec<(Action, String)> = esc
        .pass_role_consumers
        .iter()
        .filter(|(k, _)| *k != "about")
        .map(|(k, v)| (action_of(k, "privilege-escalation.json"), v.clone()))
        .collect();
    for p in capabilities.iter().flat_map(|c| &c.paths) {
        if let (Some(to), Some(step)) = (&p.passed_to, p.steps.get(1)) {
            for &a in &step.actions {
                pass_role_consumers.push((a, to.clone()));
            }
        }
    }
    let mut single_step_targets: Vec<Action> = capabilities
        .iter()
        .flat_map(|c| &c.paths)
        .filter(|p| p.steps.len() == 1)
        .flat_map(|p| p.steps[0].actions.iter().copied())
        .collect();
    single_step_targets.sort();
    single_step_targets.dedup();
    let steps = capabilities.iter().flat_map(|c| &c.paths).flat_map(|p| &p.steps);
    let mut escalation_actions: Vec<Action> = steps.flat_map(|s| s.actions.iter().copied()).collect();
    escalation_actions.sort();
    escalation_actions.dedup();
    assert!(
        escalation_actions.len() <= 64,
        "rules/privilege-escalation.json: more than 64 actions do not fit `Step::bits`"
    );
    for step in capabilities.iter_mut().flat_map(|c| &mut c.paths).flat_map(|p| &mut p.steps) {
        step.bits = step.actions.iter().fold(0, |set, &a| set | bit_of(&escalation_actions, a));
    }
    let cred: raw::Credentials = parse("credential-actions.json", CREDENTIALS_JSON);
    let scopes: raw::Scopes = parse("condition-scopes.json", SCOPES_JSON);
    let principals: raw::Principals = parse("service-principals.json", PRINCIPALS_JSON);
    let families: raw::Families = parse("chime-voice-families.json", FAMILIES_JSON);
    Data {
        capabilities,
        credentials: cred
            .actions
            .into_iter()
            .map(|c| CredentialAction { action: action_of(&c.action, "credential-actions.json"), returns: c.returns })
            .collect(),
        resource_scope: scopes.resource_scope.keys,
        principal_narrowing: scopes.principal_narrowing.keys,
        source: scopes.source.keys,
        trust_exempt: principals.trust_exempt,
        source_arn: principals.source_arn.into_iter().filter(|(k, _)| k != "about").collect(),
        source_arn_by_target: principals
            .source_arn_by_target
            .targets
            .into_iter()
            .flat_map(|(principal, by)| by.into_iter().map(move |(prefix, arn)| (principal.clone(), prefix, arn)))
            .collect(),
        families: families
            .families
            .into_iter()
            .map(|f| Family {
                actions: f.actions.iter().map(|a| action_of(a, "chime-voice-families.json")).collect(),
                name: f.name,
            })
            .collect(),
        pass_role_consumers,
        single_step_targets,
        escalation_actions,
    }
}

/// The tables, read on first use.
pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(load)
}
