//! The stop signal of a locked command: set by SIGINT or SIGTERM, or when the command's lock
//! is found to be held by another run. Once set, nothing new starts; what runs finishes.

use std::sync::Arc;

use tokio::sync::watch;

/// Why the command stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// SIGINT (Ctrl-C): exit 130.
    Interrupt,
    /// SIGTERM: exit 143.
    Terminate,
    /// Another run holds the lock now: exit 1.
    LockLost,
}

impl Reason {
    pub fn exit_code(self) -> u8 {
        match self {
            Reason::Interrupt => 130,
            Reason::Terminate => 143,
            Reason::LockLost => 1,
        }
    }

    pub fn is_signal(self) -> bool {
        self != Reason::LockLost
    }
}

/// Shared by everything a command runs; cheap to clone.
#[derive(Clone)]
pub struct Stop {
    tx: Arc<watch::Sender<Option<Reason>>>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            tx: Arc::new(watch::channel(None).0),
        }
    }
}

impl Stop {
    /// Asks everything to stop. The first reason given is kept.
    pub fn request(&self, reason: Reason) {
        self.tx
            .send_if_modified(|r| r.is_none() && r.replace(reason).is_none());
    }

    /// Why the command is stopping, once it is.
    pub fn reason(&self) -> Option<Reason> {
        *self.tx.borrow()
    }

    /// Resolves when a stop is requested.
    pub async fn requested(&self) -> Reason {
        let mut rx = self.tx.subscribe();
        let reason = rx.wait_for(Option::is_some).await.ok().and_then(|r| *r);
        match reason {
            Some(r) => r,
            None => std::future::pending().await,
        }
    }

    /// A stop signal that SIGINT and SIGTERM set. A second signal exits at once, leaving the
    /// lock to expire with its lease.
    pub fn on_signals() -> Self {
        let stop = Stop::default();
        let s = stop.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut int), Ok(mut term)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                return;
            };
            loop {
                let reason = tokio::select! {
                    _ = int.recv() => Reason::Interrupt,
                    _ = term.recv() => Reason::Terminate,
                };
                if s.reason().is_some_and(Reason::is_signal) {
                    crate::errln!(
                        "\nSecond signal: exiting now. The lock stays until its lease expires; the journal is kept."
                    );
                    std::process::exit(i32::from(reason.exit_code()));
                }
                crate::errln!(
                    "\nStopping ({}): starting nothing new, letting what runs finish (a second signal exits at once).",
                    if reason == Reason::Interrupt {
                        "SIGINT"
                    } else {
                        "SIGTERM"
                    }
                );
                s.request(reason);
            }
        });
        stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_is_kept() {
        let s = Stop::default();
        assert_eq!(s.reason(), None);
        s.request(Reason::Terminate);
        s.request(Reason::LockLost);
        assert_eq!(s.reason(), Some(Reason::Terminate));
        assert_eq!(Reason::Terminate.exit_code(), 143);
        assert_eq!(Reason::Interrupt.exit_code(), 130);
    }

    #[tokio::test]
    async fn requested_resolves_once_set() {
        let s = Stop::default();
        let t = s.clone();
        let waiter = tokio::spawn(async move { t.requested().await });
        s.request(Reason::Interrupt);
        assert_eq!(waiter.await.ok(), Some(Reason::Interrupt));
    }
}
