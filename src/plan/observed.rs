//! What AWS says now, normalised into the model's form by the `aws` module.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Address, Kind, Resource};

/// One resource as AWS reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedResource {
    pub resource: Resource,
    /// Carries this stack's ownership tag.
    pub owned: bool,
    /// AWS's status word (`available`, `creating`, `modifying`, …).
    #[serde(default)]
    pub status: String,
    /// Changes AWS has accepted but holds for the maintenance window, in the model's form.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<String, Value>,
    /// AWS identifiers the executor needs (ARN, group id, endpoint), never compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ids: BTreeMap<String, String>,
    /// What AWS says of the resource that decides a change's cost but is never compared: a DB
    /// parameter group's `apply_types` (`static` or `dynamic`, by parameter name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, Value>,
}

/// Everything found in AWS for one stack. In JSON, a list of resources (each names its
/// address).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    #[serde(with = "as_list")]
    pub resources: BTreeMap<Address, ObservedResource>,
}

/// Whether two kinds draw their names from one identifier space in AWS.
pub fn same_identifiers(a: Kind, b: Kind) -> bool {
    let db = |k: Kind| matches!(k, Kind::DbInstance | Kind::DbReplica);
    a == b || (db(a) && db(b))
}

mod as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::ObservedResource;
    use crate::model::Address;

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<Address, ObservedResource>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.values().collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Address, ObservedResource>, D::Error> {
        let list = Vec::<ObservedResource>::deserialize(d)?;
        Ok(list
            .into_iter()
            .map(|r| (r.resource.address.clone(), r))
            .collect())
    }
}

impl Observed {
    pub fn get(&self, a: &Address) -> Option<&ObservedResource> {
        self.resources.get(a)
    }

    /// What holds `a`'s identifier in AWS, whatever kind it is observed as: the resource at
    /// that address, or one of another kind in the same identifier space (a DB instance and a
    /// read replica share DB instance identifiers: a promoted replica, or another team's
    /// instance named like a replica in the spec).
    pub fn holder_of(&self, a: &Address) -> Option<&ObservedResource> {
        self.get(a).or_else(|| {
            self.resources.values().find(|o| {
                o.resource.address.name == a.name
                    && same_identifiers(o.resource.address.kind, a.kind)
            })
        })
    }

    pub fn insert(&mut self, r: ObservedResource) {
        self.resources.insert(r.resource.address.clone(), r);
    }

    /// A stable fingerprint of the observed state: a saved plan records it, and apply refuses
    /// the plan when AWS no longer matches. FNV-1a over the canonical JSON (maps are sorted).
    pub fn fingerprint(&self) -> String {
        let canonical: Vec<(&Address, &Resource, bool, &BTreeMap<String, Value>)> = self
            .resources
            .iter()
            .map(|(a, r)| (a, &r.resource, r.owned, &r.pending))
            .collect();
        let text = serde_json::to_string(&canonical).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}
