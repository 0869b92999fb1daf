//! Progress of an apply on stderr: one timestamped line per event (UTC, so CI logs from
//! different machines line up).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::apply::Event;
use crate::plan::StepOp;

fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = secs % 86400;
    format!("{:02}:{:02}:{:02}", day / 3600, (day / 60) % 60, day % 60)
}

fn verb(op: StepOp, done: bool) -> &'static str {
    match (op, done) {
        (StepOp::Create, false) => "creating",
        (StepOp::Update, false) => "updating",
        (StepOp::Delete, false) => "deleting",
        (StepOp::Create, true) => "created",
        (StepOp::Update, true) => "updated",
        (StepOp::Delete, true) => "deleted",
    }
}

/// The line for one event.
pub fn line(e: &Event) -> String {
    match e {
        Event::Started { address, op, .. } => {
            format!("[{}] {} {address} ...", clock(), verb(*op, false))
        }
        Event::Finished {
            address,
            op,
            elapsed,
            ..
        } => format!(
            "[{}] {} {address} ({:.1} s)",
            clock(),
            verb(*op, true),
            elapsed.as_secs_f64()
        ),
        Event::Failed {
            address, op, error, ..
        } => format!(
            "[{}] FAILED {} {address}: {error}",
            clock(),
            verb(*op, false)
        ),
        Event::Retrying { address, error, .. } => format!(
            "[{}] {address} is busy ({}); waiting to try again",
            clock(),
            error.code
        ),
        Event::Undoing { address, op, .. } => {
            format!("[{}] rollback: {} {address} ...", clock(), verb(*op, false))
        }
        Event::Undone { address, op, .. } => {
            format!("[{}] rollback: {} {address}", clock(), verb(*op, true))
        }
        Event::NotUndone {
            address, reason, ..
        } => format!("[{}] rollback: could not undo {address}: {reason}", clock()),
    }
}

/// Renders an apply's events on stderr. On a terminal a status line under the event lines
/// shows what is being waited for, redrawn in place; off a terminal, a timestamped line every
/// 30 seconds says the same, so CI logs show that a long wait is alive.
pub struct Reporter {
    tty: bool,
    /// Seconds between heartbeat lines off a terminal: `STACKCTL_HEARTBEAT_SECONDS`, default 30.
    heartbeat: u64,
    running: std::sync::Mutex<std::collections::BTreeMap<usize, (String, std::time::Instant)>>,
}

impl Reporter {
    pub fn new() -> Self {
        use std::io::IsTerminal;
        Reporter {
            tty: std::io::stderr().is_terminal(),
            heartbeat: std::env::var("STACKCTL_HEARTBEAT_SECONDS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|s| *s > 0)
                .unwrap_or(30),
            running: Default::default(),
        }
    }

    fn clear(&self) {
        if self.tty {
            crate::err!("\r\x1b[2K");
        }
    }

    pub fn event(&self, e: &Event) {
        if let Ok(mut r) = self.running.lock() {
            match e {
                Event::Started { step, address, .. } => {
                    r.insert(*step, (address.to_string(), std::time::Instant::now()));
                }
                Event::Undoing { step, address, .. } => {
                    let what = format!("rollback of {address}");
                    r.insert(*step, (what, std::time::Instant::now()));
                }
                Event::Finished { step, .. }
                | Event::Failed { step, .. }
                | Event::Undone { step, .. }
                | Event::NotUndone { step, .. } => {
                    r.remove(step);
                }
                _ => {}
            }
        }
        self.clear();
        crate::errln!("{}", line(e));
        self.status();
    }

    fn waiting(&self) -> String {
        let r = match self.running.lock() {
            Ok(r) => r,
            Err(_) => return String::new(),
        };
        r.values()
            .map(|(a, t)| format!("{a} ({}s)", t.elapsed().as_secs()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn status(&self) {
        if self.tty {
            let w = self.waiting();
            if !w.is_empty() {
                let frames = ['|', '/', '-', '\\'];
                let secs = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() / 250)
                    .unwrap_or(0);
                crate::err!("{} waiting for {w}", frames[(secs % 4) as usize]);
            }
        }
    }

    /// Called every second while the apply runs.
    pub fn tick(&self, elapsed: std::time::Duration) {
        if self.tty {
            self.clear();
            self.status();
        } else if elapsed.as_secs() > 0 && elapsed.as_secs() % self.heartbeat == 0 {
            let w = self.waiting();
            if !w.is_empty() {
                crate::errln!("[{}] waiting for {w}", clock());
            }
        }
    }

    pub fn finish(&self) {
        self.clear();
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Self::new()
    }
}
