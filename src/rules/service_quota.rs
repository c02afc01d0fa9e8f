use crate::finding::Finding;
use crate::index::{Fact, FactKind};
use crate::rules::ProjectCx;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Counts the Chime SDK Voice resources one template or Terraform module
    /// creates in one Region (Voice Connectors, Voice Connector groups, voice
    /// profile domains, media insights pipeline configurations) and reports
    /// the first one past AWS's default quota, with the quota's name. A
    /// resource without a Region of its own is in the stack's or provider's
    /// Region, counted with the others of its file. Counts that depend on a
    /// `count` or `for_each` that is not known, and Regions that are not
    /// known, stay silent. The quotas are data, with their AWS pages, in
    /// `rules/quotas/chime-sdk-voice.json`.
    ///
    /// ## Why is this bad?
    /// The account starts with the default quota: the create call past it
    /// fails with `ResourceLimitExceededException` and the deploy stops,
    /// unless the quota was raised first. Resources the account already has
    /// count too, so the deploy can fail even below the default. AWS:
    /// "Amazon Chime SDK endpoints and quotas"
    /// (<https://docs.aws.amazon.com/general/latest/gr/chime-sdk.html>) and
    /// "Call analytics service quotas for the Amazon Chime SDK"
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/dg/ca-regions.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_chimesdkvoice_voice_connector" "trunk" {
    ///   count              = 4
    ///   name               = "trunk-${count.index}"
    ///   aws_region         = "us-east-1"
    ///   require_encryption = true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// # Ask for "Voice Connectors per Region" >= 4 in Service Quotas first,
    /// # or spread the connectors over Regions.
    /// resource "aws_chimesdkvoice_voice_connector" "trunk" {
    ///   count              = 3
    ///   name               = "trunk-${count.index}"
    ///   aws_region         = "us-east-1"
    ///   require_encryption = true
    /// }
    /// ```
    pub SERVICE_QUOTA, "service-quota", Info, Quota,
    "more Chime SDK Voice resources in one Region than AWS's default quota allows"
}

#[derive(Deserialize)]
struct Quotas {
    quotas: Vec<Quota>,
}

#[derive(Deserialize)]
struct Quota {
    resource: String,
    what: String,
    name: String,
    default: u64,
    source: String,
}

fn quotas() -> &'static Quotas {
    static DATA: OnceLock<Quotas> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../rules/quotas/chime-sdk-voice.json"))
            .expect("rules/quotas/chime-sdk-voice.json is checked by the tests")
    })
}

/// The resources counted together: (scope, resource, Region).
type Group<'a> = (&'a str, &'a str, Option<&'a str>);

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<Group, Vec<(&Fact, Option<u64>)>> = BTreeMap::new();
    for f in &cx.index.facts {
        if let FactKind::QuotaCounted { resource, region, instances } = &f.kind {
            let scope = crate::index::scope(&f.site.source.path);
            groups.entry((scope, resource, region.as_deref())).or_default().push((f, *instances));
        }
    }
    for ((_, resource, region), members) in groups {
        let Some(quota) = quotas().quotas.iter().find(|q| q.resource == resource) else { continue };
        if region.is_some_and(|r| r.starts_with('<')) || members.iter().any(|(_, n)| n.is_none()) {
            continue;
        }
        let mut total: u64 = 0;
        for (fact, n) in members.iter().map(|(f, n)| (f, n.unwrap_or(0))) {
            total = total.saturating_add(n);
            if total <= quota.default {
                continue;
            }
            let region = region.map_or("the stack's or provider's Region".to_string(), |r| format!("`{r}`"));
            out.push(
                Finding::new(
                    &SERVICE_QUOTA,
                    &fact.site.source,
                    fact.site.span,
                    format!(
                        "this makes {total} {}s in {region}, over the default quota of {} (`{}`): the create \
                         fails unless the quota is raised first",
                        quota.what, quota.default, quota.name
                    ),
                )
                .with_help(format!(
                    "request a higher `{}` for Amazon Chime SDK in Service Quotas (see {})",
                    quota.name, quota.source
                )),
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_quotas_parse() {
        assert!(super::quotas().quotas.iter().any(|q| q.resource == "voice-connector" && q.default == 3));
    }
}
