//! How ids, ARNs, versions, instance classes, CIDR blocks and identifiers are written, and the
//! rules several sections share: identifiers, engine versions, KMS keys, retention in days.

use super::Rules;

/// RDS-style identifier rules: 1 to `max` letters, digits or hyphens, starting with a letter,
/// no two hyphens in a row, not ending with a hyphen.
pub(super) fn identifier_problem(id: &str, max: usize) -> Option<String> {
    if id.is_empty() || id.len() > max {
        return Some(format!(
            "must be 1 to {max} characters long (it has {})",
            id.len()
        ));
    }
    if !id.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some("must start with a letter".into());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "must hold only letters, digits and hyphens, not `{c}`"
        ));
    }
    if id.contains("--") {
        return Some("must not contain two hyphens in a row".into());
    }
    if id.ends_with('-') {
        return Some("must not end with a hyphen".into());
    }
    None
}

pub(super) fn is_hex_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    })
}

pub(super) fn is_arn(s: &str, service: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == service
        && !parts[5].is_empty()
}

fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn is_class(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('.').collect();
        parts.len() == 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    })
}

pub(super) fn is_cidr(s: &str) -> bool {
    let Some((ip, len)) = s.split_once('/') else {
        return false;
    };
    ip.parse::<std::net::Ipv4Addr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 32)
}

pub(super) fn join_code(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The YAML spelling of a unit enum value.
pub(super) fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Rules<'_> {
    /// An identifier of `what` (instance, replica, proxy, endpoint, replication group, stack).
    pub(super) fn identifier(&mut self, path: &str, id: &str, max: usize, what: &str) {
        if let Some(problem) = identifier_problem(id, max) {
            self.error(path, format!("{what} `{id}` {problem}"))
                .allowed(format!(
                    "1 to {max} letters, digits and hyphens; a letter first; no `--`; no hyphen last"
                ))
                .hint("e.g. `shop-prod-db`");
        }
    }

    /// The identifiers of `list` (`database.replicas`, `database.instances`): each well formed
    /// (as a `what`) and none equal to the database's own or an earlier one's; `among` says
    /// what they must be unique among.
    pub(super) fn unique_identifiers<'i>(
        &mut self,
        database: &str,
        list: &str,
        ids: impl Iterator<Item = &'i str>,
        what: &str,
        among: &str,
    ) {
        let mut seen: std::collections::BTreeMap<&str, String> = Default::default();
        seen.insert(database, "database.identifier".into());
        for (i, id) in ids.enumerate() {
            let path = format!("{list}[{i}].identifier");
            self.identifier(&path, id, 63, what);
            if let Some(first) = seen.get(id) {
                let message = format!("identifier `{id}` is already used by `{first}`");
                self.error(&path, message)
                    .allowed(format!("an identifier unique among {among}"));
            } else {
                seen.insert(id, path);
            }
        }
    }

    /// An engine version (RDS or Redis); `examples` shows the engine's own.
    pub(super) fn engine_version(&mut self, path: &str, version: &str, examples: &str) {
        if !is_version(version) {
            self.error(path, format!("`{version}` is not an engine version"))
                .allowed(format!("digits and dots, e.g. {examples}"));
        }
    }

    /// A KMS key given for something that is not encrypted: `off` says what is off.
    pub(super) fn kms_key_needs_encryption(
        &mut self,
        path: &str,
        key_set: bool,
        encrypted: bool,
        off: &str,
        hint: &str,
    ) {
        if key_set && !encrypted {
            self.error(path, format!("a KMS key is set but {off}"))
                .hint(hint);
        }
    }

    /// Automated backups and snapshots are kept at most 35 days, by RDS and by ElastiCache.
    pub(super) fn retention_days(&mut self, path: &str, days: u32, service: &str) {
        if days > 35 {
            self.error(path, format!("{days} days is more than {service} keeps"))
                .allowed("0 to 35");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(identifier_problem("shop-prod-db", 63), None);
        assert!(identifier_problem("1db", 63).is_some());
        assert!(identifier_problem("db--x", 63).is_some());
        assert!(identifier_problem("db-", 63).is_some());
        assert!(identifier_problem("db_x", 63).is_some());
        assert!(identifier_problem(&"a".repeat(41), 40).is_some());
    }

    #[test]
    fn ids_and_arns() {
        assert!(is_hex_id("vpc-0a1b2c3d", "vpc-"));
        assert!(is_hex_id("subnet-0a1b2c3d4e5f67890", "subnet-"));
        assert!(!is_hex_id("subnet-XYZ", "subnet-"));
        assert!(is_arn("arn:aws:iam::123456789012:role/x", "iam"));
        assert!(!is_arn("arn:aws:iam:role/x", "iam"));
        assert!(is_cidr("10.0.0.0/16"));
        assert!(!is_cidr("10.0.0.0/33"));
    }
}
