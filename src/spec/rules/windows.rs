//! Backup, snapshot and maintenance windows: their format, their length, and that the daily
//! window never meets the weekly one. RDS and ElastiCache share these rules.

use super::Rules;

/// How a kind of maintenance/backup window is written.
struct WindowShape {
    kind: &'static str,
    parse: fn(&str) -> Option<(u32, u32)>,
    format: &'static str,
    example: &'static str,
}

const DAILY: WindowShape = WindowShape {
    kind: "daily",
    parse: parse_daily_window,
    format: "`hh24:mi-hh24:mi` in UTC",
    example: "03:00-04:00",
};

const WEEKLY: WindowShape = WindowShape {
    kind: "weekly",
    parse: parse_weekly_window,
    format: "`ddd:hh24:mi-ddd:hh24:mi` in UTC, days `mon` to `sun`",
    example: "sun:04:30-sun:05:30",
};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A daily window `hh24:mi-hh24:mi` as (start minute of day, length in minutes).
fn parse_daily_window(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (parse_hhmm(a)?, parse_hhmm(b)?);
    Some((a, (b + 1440 - a) % 1440))
}

/// A weekly window `ddd:hh24:mi-ddd:hh24:mi` as (start minute of week, length in minutes).
fn parse_weekly_window(s: &str) -> Option<(u32, u32)> {
    let lower = s.to_ascii_lowercase();
    let (a, b) = lower.split_once('-')?;
    let point = |p: &str| -> Option<u32> {
        let (day, time) = p.split_once(':')?;
        let d = DAYS.iter().position(|x| *x == day)? as u32;
        Some(d * 1440 + parse_hhmm(time)?)
    };
    let (a, b) = (point(a)?, point(b)?);
    Some((a, (b + 10080 - a) % 10080))
}

/// Whether a daily window, repeated every day, meets a weekly window.
fn daily_meets_weekly(daily: (u32, u32), weekly: (u32, u32)) -> bool {
    let mut week = vec![false; 10080];
    for m in 0..weekly.1 {
        week[((weekly.0 + m) % 10080) as usize] = true;
    }
    (0..7).any(|d| (0..daily.1).any(|m| week[((d * 1440 + daily.0 + m) % 10080) as usize]))
}

/// A daily window (backups, snapshots) and a weekly maintenance window of one resource.
pub(super) struct Windows<'w> {
    /// The daily window's key path and value, when given.
    pub daily: (&'w str, Option<&'w String>),
    /// The maintenance window's key path and value, when given.
    pub weekly: (&'w str, Option<&'w String>),
    /// The shortest window AWS accepts, in minutes.
    pub min_minutes: u32,
    /// What the daily window is for: "backup", "snapshot".
    pub daily_kind: &'w str,
    /// What to do when they meet.
    pub overlap_hint: String,
}

impl Rules<'_> {
    /// Each window's format and length, then that the maintenance window does not meet the
    /// daily one.
    pub(super) fn windows(&mut self, w: &Windows<'_>) {
        let daily = w
            .daily
            .1
            .and_then(|v| self.window(w.daily.0, v, w.min_minutes, &DAILY));
        let weekly = w
            .weekly
            .1
            .and_then(|v| self.window(w.weekly.0, v, w.min_minutes, &WEEKLY));
        if let (Some(d), Some(m)) = (daily, weekly)
            && daily_meets_weekly(d, m)
        {
            self.error(
                w.weekly.0,
                format!(
                    "the maintenance window overlaps the daily {} window",
                    w.daily_kind
                ),
            )
            .allowed("windows that do not meet")
            .hint(w.overlap_hint.clone());
        }
    }

    /// A window's format and length; `Some((start, length))` when it parses.
    fn window(
        &mut self,
        path: &str,
        w: &str,
        min_minutes: u32,
        shape: &WindowShape,
    ) -> Option<(u32, u32)> {
        let parsed = (shape.parse)(w);
        match parsed {
            None => {
                self.error(path, format!("`{w}` is not a {} window", shape.kind))
                    .allowed(shape.format)
                    .hint(format!("e.g. `{}`", shape.example));
            }
            Some((_, len)) if len < min_minutes => {
                self.error(
                    path,
                    format!("the window `{w}` lasts {len} minutes, less than {min_minutes}"),
                )
                .allowed(format!("a window of at least {min_minutes} minutes"))
                .hint(format!("widen it, e.g. `{}`", shape.example));
            }
            Some(_) => {}
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        assert_eq!(parse_daily_window("03:00-04:00"), Some((180, 60)));
        assert_eq!(parse_daily_window("23:30-00:30"), Some((1410, 60)));
        assert_eq!(parse_daily_window("3:00-04:00"), None);
        assert_eq!(
            parse_weekly_window("Sun:04:30-sun:05:30"),
            Some((6 * 1440 + 270, 60))
        );
        assert_eq!(
            parse_weekly_window("sun:23:30-mon:00:30"),
            Some((6 * 1440 + 1410, 60))
        );
        assert_eq!(parse_weekly_window("xyz:04:30-sun:05:30"), None);
    }

    #[test]
    fn overlap_of_daily_and_weekly_windows() {
        let backup = parse_daily_window("03:00-04:00").expect("valid");
        assert!(daily_meets_weekly(
            backup,
            parse_weekly_window("sun:03:30-sun:04:30").expect("valid")
        ));
        assert!(!daily_meets_weekly(
            backup,
            parse_weekly_window("sun:04:30-sun:05:30").expect("valid")
        ));
        // A weekly window crossing the week's end still meets Monday's backup.
        assert!(daily_meets_weekly(
            backup,
            parse_weekly_window("sun:23:00-mon:03:30").expect("valid")
        ));
    }
}
