//! Who holds a stack's lock and until when: the lock secret's content, the lease decision and
//! how both read to people. Pure: no AWS, no clock of its own (callers pass `now`).

use serde::{Deserialize, Serialize};

/// The lock secret's body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `apply`, `destroy` or `rollback`.
    pub operation: String,
    pub user: String,
    pub host: String,
    /// For people only: a PID means nothing in another PID namespace or on another host.
    pub pid: u32,
    /// Unix seconds.
    pub since: u64,
    /// The CI run holding the lock, when there is one (`GITHUB_ACTOR`, `GITHUB_RUN_ID`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<String>,
    /// Unix seconds until which the holder owns the lock; it renews this while it runs.
    /// `None`: written by a stackctl without leases, never expires (clear with `unlock --force`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<u64>,
    /// The lease length the holder renews with, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<u64>,
}

impl LockInfo {
    pub fn mine(operation: &str, now: u64) -> Self {
        LockInfo {
            operation: operation.to_owned(),
            user: std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
            host: hostname(),
            pid: std::process::id(),
            since: now,
            ci: ci_run(&|k| std::env::var(k).ok()),
            lease_until: None,
            lease_seconds: None,
        }
    }

    /// The same holder with a lease of `seconds` from `now`.
    pub fn leased(&self, now: u64, seconds: u64) -> Self {
        LockInfo {
            lease_until: Some(now + seconds),
            lease_seconds: Some(seconds),
            ..self.clone()
        }
    }

    /// Another run may take the lock over: its lease has run out.
    pub fn expired(&self, now: u64) -> bool {
        self.lease_until.is_some_and(|until| now >= until)
    }

    /// Who: `apply by alice@ci-7 (pid 42, GitHub Actions run 9 by alice)`.
    pub fn who(&self) -> String {
        let ci = self
            .ci
            .as_ref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default();
        format!(
            "{} by {}@{} (pid {}{ci})",
            self.operation, self.user, self.host, self.pid
        )
    }

    /// Who, since when and until when, for the "locked" message.
    pub fn describe(&self, now: u64) -> String {
        let lease = match self.lease_until {
            None => "no lease (a lock written by an older stackctl: it never expires)".to_owned(),
            Some(u) if now >= u => format!("lease expired at {} ({} s ago)", rfc3339(u), now - u),
            Some(u) => format!("lease expires at {} (in {} s)", rfc3339(u), u - now),
        };
        format!(
            "{} since {} ({} s ago); {lease}",
            self.who(),
            rfc3339(self.since),
            now.saturating_sub(self.since)
        )
    }
}

/// The CI run, from the environment variables GitHub Actions or GitLab CI set.
pub fn ci_run(var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(run) = var("GITHUB_RUN_ID") {
        let actor = var("GITHUB_ACTOR").unwrap_or_else(|| "unknown".into());
        return Some(format!("GitHub Actions run {run} by {actor}"));
    }
    if let Some(job) = var("CI_JOB_ID") {
        let actor = var("GITLAB_USER_LOGIN").unwrap_or_else(|| "unknown".into());
        return Some(format!("GitLab CI job {job} by {actor}"));
    }
    None
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

/// Unix seconds as RFC 3339 in UTC: `2026-01-01T12:00:00Z`.
pub fn rfc3339(secs: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let t = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(lease_until: Option<u64>) -> LockInfo {
        LockInfo {
            operation: "apply".into(),
            user: "alice".into(),
            host: "ci-7".into(),
            pid: 42,
            since: 1_767_225_600,
            ci: None,
            lease_until,
            lease_seconds: lease_until.map(|_| 120),
        }
    }

    #[test]
    fn rfc3339_formats_utc_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600 + 45_296), "2026-01-01T12:34:56Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn a_lease_expires_at_its_end_and_not_before() {
        let l = holder(Some(1000));
        assert!(!l.expired(999));
        assert!(l.expired(1000));
        assert!(l.expired(5000));
    }

    #[test]
    fn a_lock_without_a_lease_never_expires() {
        assert!(!holder(None).expired(u64::MAX));
    }

    #[test]
    fn leased_sets_the_end_and_the_length() {
        let l = holder(None).leased(100, 30);
        assert_eq!((l.lease_until, l.lease_seconds), (Some(130), Some(30)));
        assert!(!l.expired(129) && l.expired(130));
    }

    #[test]
    fn describe_shows_times_holder_and_lease() {
        let now = 1_767_225_600 + 60;
        let d = holder(Some(now + 90)).describe(now);
        assert_eq!(
            d,
            "apply by alice@ci-7 (pid 42) since 2026-01-01T00:00:00Z (60 s ago); \
             lease expires at 2026-01-01T00:02:30Z (in 90 s)"
        );
        assert!(holder(Some(now - 5)).describe(now).contains("expired at"));
        assert!(holder(None).describe(now).contains("never expires"));
    }

    #[test]
    fn the_ci_run_comes_from_github_or_gitlab_variables() {
        let gh = |k: &str| match k {
            "GITHUB_RUN_ID" => Some("9".to_owned()),
            "GITHUB_ACTOR" => Some("bob".to_owned()),
            _ => None,
        };
        assert_eq!(ci_run(&gh).as_deref(), Some("GitHub Actions run 9 by bob"));
        let gl = |k: &str| (k == "CI_JOB_ID").then(|| "7".to_owned());
        assert_eq!(ci_run(&gl).as_deref(), Some("GitLab CI job 7 by unknown"));
        assert_eq!(ci_run(&|_| None), None);
        let mut l = holder(None);
        l.ci = ci_run(&gh);
        assert_eq!(
            l.who(),
            "apply by alice@ci-7 (pid 42, GitHub Actions run 9 by bob)"
        );
    }
}
