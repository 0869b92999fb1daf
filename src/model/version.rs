//! Engine versions as AWS writes them (`16.4`, `8.0.39`, `7.1.0`), compared by their numbers:
//! what counts as the major version, and which request would take an engine down.

use serde_json::Value;

use super::types::Resource;

/// The numbers of a version: `16.4` → `[16, 4]`; a part that is not a number counts as 0.
pub fn parts(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// How many leading parts of a version of `len` parts name its major version: all but the
/// last, at least one (`16` of `16.4`, `8.0` of `8.0.39`, `7` of `7.1`).
pub fn major_len(len: usize) -> usize {
    len.saturating_sub(1).max(1)
}

/// Whether `want` is an earlier version than `have`, comparing the parts both name: `16.4` is
/// earlier than `16.6` and `17.1`, `7.1` than `7.10.0`; `16` is not earlier than `16.4` (that is
/// a patch level of it), nor `7.1.0` than `7.1`.
pub fn earlier(want: &str, have: &str) -> bool {
    let (w, h) = (parts(want), parts(have));
    let n = w.len().min(h.len());
    w[..n] < h[..n]
}

/// Whether AWS may have moved from `want` to `have` by itself: with automatic minor version
/// upgrades on, to a later version of the same major.
pub fn upgraded_by_aws(want: &str, have: &str, auto: bool) -> bool {
    let (w, h) = (parts(want), parts(have));
    let m = major_len(w.len());
    auto && h.len() >= m && w[..m] == h[..m] && h >= w
}

/// Whether the desired resource lets AWS upgrade minor versions by itself: its
/// `auto_minor_version_upgrade`, on where it has none (ElastiCache's default).
pub fn auto_minor_upgrades(desired: &Resource) -> bool {
    desired
        .get("auto_minor_version_upgrade")
        .as_bool()
        .unwrap_or(true)
}

/// The versions of a change that would take the engine down, `(AWS's, the spec's)`: the spec
/// asks for an earlier version than AWS runs, and not one AWS moved on from by itself (an
/// automatic minor upgrade is not refused: the spec may be behind it).
pub fn downgrade<'a>(
    old: &'a Value,
    new: &'a Value,
    desired: &Resource,
) -> Option<(&'a str, &'a str)> {
    let (have, want) = (old.as_str()?, new.as_str()?);
    (earlier(want, have) && !upgraded_by_aws(want, have, auto_minor_upgrades(desired)))
        .then_some((have, want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_compares_the_parts_both_versions_name() {
        for (want, have) in [
            ("16.4", "16.6"),
            ("16.4", "17.1"),
            ("16", "17.1"),
            ("7.0", "7.1"),
            ("7.1", "7.10.0"),
            ("6.2", "7.1.0"),
            ("8.0.36", "8.0.39"),
        ] {
            assert!(earlier(want, have), "{want} before {have}");
        }
        for (want, have) in [
            ("16", "16.4"),
            ("16.4", "16.4"),
            ("7.1.0", "7.1"),
            ("7.1", "7.1.6"),
            ("16.6", "16.4"),
            ("17", "16.4"),
        ] {
            assert!(!earlier(want, have), "{want} not before {have}");
        }
    }

    #[test]
    fn only_a_later_version_of_the_same_major_is_aws_s_own_upgrade() {
        assert!(upgraded_by_aws("16.4", "16.6", true));
        assert!(upgraded_by_aws("8.0.36", "8.0.39", true));
        assert!(upgraded_by_aws("7.0", "7.1", true));
        assert!(!upgraded_by_aws("16.4", "16.6", false));
        assert!(!upgraded_by_aws("16.4", "17.1", true));
        assert!(!upgraded_by_aws("8.0.36", "8.4.3", true));
        assert!(!upgraded_by_aws("6.2", "7.1", true));
    }
}
