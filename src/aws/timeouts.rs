//! How long stackctl waits for AWS to answer, so that a silent endpoint ends a command with a
//! clear error instead of a hang: a time limit to connect, one for each attempt (the SDK
//! retries a timed-out attempt), and an overall budget per call, retries included.
//!
//! `STACKCTL_CONNECT_TIMEOUT_SECONDS` (default 5), `STACKCTL_CALL_TIMEOUT_SECONDS` (each
//! attempt, default 30) and `STACKCTL_CALL_BUDGET_SECONDS` (each call, default 120).

use std::sync::OnceLock;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub connect: Duration,
    pub attempt: Duration,
    pub budget: Duration,
}

fn seconds(var: &str, default: f64) -> Duration {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs_f64(default))
}

impl Limits {
    pub fn from_env() -> Self {
        Limits {
            connect: seconds("STACKCTL_CONNECT_TIMEOUT_SECONDS", 5.0),
            attempt: seconds("STACKCTL_CALL_TIMEOUT_SECONDS", 30.0),
            budget: seconds("STACKCTL_CALL_BUDGET_SECONDS", 120.0),
        }
    }

    pub fn config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .read_timeout(self.attempt)
            .operation_attempt_timeout(self.attempt)
            .operation_timeout(self.budget)
            .build()
    }
}

static REGION: OnceLock<String> = OnceLock::new();

/// Remembers the region the clients talk to, to name endpoints in errors.
pub fn set_region(region: &str) {
    let _ = REGION.set(region.to_owned());
}

/// The endpoint an operation (`rds:CreateDBInstance`) talks to: `AWS_ENDPOINT_URL` when set,
/// else the service's regional endpoint.
pub fn endpoint_of(operation: &str) -> String {
    let url = std::env::var("AWS_ENDPOINT_URL").ok();
    let region = REGION.get().map(String::as_str).unwrap_or("us-east-1");
    endpoint(url.as_deref(), operation, region)
}

fn endpoint(url: Option<&str>, operation: &str, region: &str) -> String {
    if let Some(url) = url.filter(|u| !u.is_empty()) {
        return url.to_owned();
    }
    let service = match operation.split(':').next().unwrap_or("") {
        "cloudwatch" => "monitoring",
        "tags" | "tagging" => "tagging",
        s => s,
    };
    format!("https://{service}.{region}.amazonaws.com")
}

/// What to say when `operation` got no answer in time.
pub fn no_answer(operation: &str) -> String {
    let l = Limits::from_env();
    format!(
        "{} did not answer (each attempt may take {} s, the whole call {} s, connecting {} s)",
        endpoint_of(operation),
        l.attempt.as_secs_f64(),
        l.budget.as_secs_f64(),
        l.connect.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_named_by_service_and_region_unless_one_is_set() {
        assert_eq!(
            endpoint(None, "cloudwatch:PutMetricAlarm", "eu-west-1"),
            "https://monitoring.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            endpoint(None, "rds:CreateDBInstance", "us-east-1"),
            "https://rds.us-east-1.amazonaws.com"
        );
        assert_eq!(
            endpoint(Some("http://127.0.0.1:4566"), "rds:X", "us-east-1"),
            "http://127.0.0.1:4566"
        );
    }
}
