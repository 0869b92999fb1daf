//! The network: the VPC, the subnets, the security groups and their ingress rules, and every
//! reference to a security group from the other sections.

use std::collections::BTreeSet;

use super::Rules;
use super::shapes::{is_cidr, is_hex_id, join_code};
use crate::spec::raw::{IngressRule, SecurityGroup};
use crate::spec::structure::did_you_mean;
use crate::spec::tree::KeyPath;

impl Rules<'_> {
    pub(super) fn network(&mut self) {
        self.vpc();
        self.subnets();
        for (name, sg) in &self.stack.network.security_groups {
            self.security_group(name, sg);
        }
    }

    fn vpc(&mut self) {
        let vpc = &self.stack.network.vpc;
        match (&vpc.id, &vpc.tags) {
            (Some(id), None) => {
                if !is_hex_id(id, "vpc-") {
                    self.error("network.vpc.id", format!("`{id}` is not a VPC id"))
                        .allowed("`vpc-` followed by 8 or 17 hex digits")
                        .hint("e.g. `vpc-0a1b2c3d4e5f67890`");
                }
            }
            (None, Some(tags)) if !tags.is_empty() => {}
            _ => {
                self.error(
                    "network.vpc",
                    "give the VPC by `id` or by `tags`, not both nor neither",
                )
                .allowed("`id: vpc-…` or `tags: {Name: …}`")
                .hint("`id` is exact; `tags` must match exactly one VPC");
            }
        }
    }

    fn subnets(&mut self) {
        let subnets = &self.stack.network.subnets;
        match (&subnets.ids, &subnets.tags) {
            (Some(ids), None) => {
                if ids.len() < 2 {
                    self.error(
                        "network.subnets.ids",
                        "a DB subnet group needs at least 2 subnets",
                    )
                    .allowed("2 or more subnet ids, in at least two availability zones")
                    .hint("RDS and ElastiCache place standbys and replicas in another zone");
                }
                let mut seen = BTreeSet::new();
                for (i, id) in ids.iter().enumerate() {
                    let path = format!("network.subnets.ids[{i}]");
                    if !is_hex_id(id, "subnet-") {
                        self.error(&path, format!("`{id}` is not a subnet id"))
                            .allowed("`subnet-` followed by 8 or 17 hex digits");
                    } else if !seen.insert(id) {
                        self.error(&path, format!("subnet `{id}` is listed twice"))
                            .hint("remove the repeated entry");
                    }
                }
            }
            (None, Some(tags)) if !tags.is_empty() => {}
            _ => {
                self.error(
                    "network.subnets",
                    "give the subnets by `ids` or by `tags`, not both nor neither",
                )
                .allowed("`ids: [subnet-…, subnet-…]` or `tags: {tier: private}`");
            }
        }
    }

    fn security_group(&mut self, name: &str, sg: &SecurityGroup) {
        let base = format!("network.security_groups.{name}");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            let kp = KeyPath::root()
                .key("network")
                .key("security_groups")
                .key(name);
            self.key_error(kp, format!("`{name}` is not a valid security group name"))
                .allowed("lower-case letters, digits, `-` and `_`");
        }
        if let Some(id) = &sg.id {
            if !is_hex_id(id, "sg-") {
                self.error(
                    &format!("{base}.id"),
                    format!("`{id}` is not a security group id"),
                )
                .allowed("`sg-` followed by 8 or 17 hex digits");
            }
            if sg.description.is_some() || !sg.ingress.is_empty() {
                self.error(&base, "a group given by `id` is not owned by the stack: it takes no `description` or `ingress`")
                    .hint("drop `id` to let stackctl create and own this group, or drop its rules");
            }
            return;
        }
        for (i, rule) in sg.ingress.iter().enumerate() {
            self.ingress(&format!("{base}.ingress[{i}]"), rule);
        }
    }

    fn ingress(&mut self, path: &str, rule: &IngressRule) {
        match (&rule.from, &rule.cidr) {
            (Some(from), None) => {
                if !self.stack.network.security_groups.contains_key(from) {
                    self.unknown_security_group(&format!("{path}.from"), from, None);
                }
            }
            (None, Some(cidr)) => {
                if !is_cidr(cidr) {
                    self.error(
                        &format!("{path}.cidr"),
                        format!("`{cidr}` is not an IPv4 CIDR block"),
                    )
                    .allowed("`a.b.c.d/n`, e.g. `10.0.0.0/16`");
                } else if cidr.ends_with("/0") {
                    self.warning(
                        &format!("{path}.cidr"),
                        format!("`{cidr}` opens port {} to the whole internet", rule.port),
                    )
                    .hint("allow the application's security group with `from:` instead");
                }
            }
            _ => {
                self.error(
                    path,
                    "an ingress rule takes exactly one of `from` and `cidr`",
                )
                .allowed("`from: <security group name>` or `cidr: 10.0.0.0/16`");
            }
        }
        if rule.port == 0 {
            self.error(&format!("{path}.port"), "port 0 is not a TCP port")
                .allowed("1 to 65535");
        }
    }

    /// A list of security groups (`database`, `proxy`, a proxy endpoint, `redis`): each a group
    /// defined under `network.security_groups`, listed once.
    pub(super) fn security_group_refs(&mut self, path: &str, refs: &[String]) {
        let mut seen = BTreeSet::new();
        for (i, name) in refs.iter().enumerate() {
            let item = format!("{path}[{i}]");
            if !seen.insert(name) {
                self.error(&item, format!("security group `{name}` is listed twice"))
                    .hint("remove the repeated entry");
            } else if !self.stack.network.security_groups.contains_key(name) {
                self.unknown_security_group(
                    &item,
                    name,
                    Some("define it under `network.security_groups`"),
                );
            }
        }
    }

    /// A name that `network.security_groups` does not define, wherever it is used; `otherwise`
    /// is the hint when no defined name is near it.
    fn unknown_security_group(&mut self, path: &str, name: &str, otherwise: Option<&str>) {
        let stack = self.stack;
        let known: Vec<&str> = stack
            .network
            .security_groups
            .keys()
            .map(String::as_str)
            .collect();
        let near = did_you_mean(name, known.iter().copied());
        let d = self
            .error(
                path,
                format!("no security group `{name}` in `network.security_groups`"),
            )
            .allowed(if known.is_empty() {
                "a name defined under `network.security_groups`".to_owned()
            } else {
                format!("one of {}", join_code(&known))
            });
        match (near, otherwise) {
            (None, Some(hint)) => d.hint(hint),
            _ => d.did_you_mean(near),
        };
    }
}
