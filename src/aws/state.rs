//! The stack's lock and apply journal, kept in AWS beside what the stack owns, so that an apply
//! on one CI runner can be resumed, rolled back or waited for from another.
//!
//! Both are Secrets Manager secrets tagged with the stack: `stackctl/<stack>/.lock` and
//! `stackctl/<stack>/.journal`. CreateSecret fails when the name exists, which makes taking the
//! lock atomic. They hold no secret value: who holds the lock, and the journal (addresses,
//! states, attribute values that are never sensitive).

use serde::{Deserialize, Serialize};

use super::client::Clients;
use super::error::{AwsError, SdkResultExt, found};
use crate::apply::journal::{Journal, now};
use crate::model::desired::OWNER_TAG;

pub fn lock_name(stack: &str) -> String {
    format!("stackctl/{stack}/.lock")
}

pub fn journal_name(stack: &str) -> String {
    format!("stackctl/{stack}/.journal")
}

/// Whether a secret name is stackctl's own bookkeeping rather than a resource of the stack.
pub fn is_bookkeeping(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|last| last.starts_with('.'))
}

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `apply`, `destroy` or `rollback`.
    pub operation: String,
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// Unix seconds.
    pub since: u64,
}

impl LockInfo {
    pub fn mine(operation: &str) -> Self {
        LockInfo {
            operation: operation.to_owned(),
            user: std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
            host: hostname(),
            pid: std::process::id(),
            since: now(),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} by {}@{} (pid {}) since {} ({} s ago)",
            self.operation,
            self.user,
            self.host,
            self.pid,
            self.since,
            now().saturating_sub(self.since)
        )
    }

    /// The holder ran on this machine and its process is gone: it was killed.
    pub fn is_dead_here(&self) -> bool {
        if self.host != hostname() || self.pid == std::process::id() {
            return false;
        }
        // Gone, or a zombie waiting to be reaped (state `Z` in /proc/PID/stat).
        match std::fs::read_to_string(format!("/proc/{}/stat", self.pid)) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state == "Z" || state == "X"),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

fn tags(stack: &str) -> aws_sdk_secretsmanager::types::Tag {
    aws_sdk_secretsmanager::types::Tag::builder()
        .key(OWNER_TAG)
        .value(stack)
        .build()
}

/// The lock, as found.
pub enum Lock {
    Acquired,
    Held(LockInfo),
}

/// Takes the stack's lock, or says who holds it.
pub async fn acquire(c: &Clients, stack: &str, me: &LockInfo) -> Result<Lock, AwsError> {
    let body = serde_json::to_string(me).unwrap_or_default();
    let r = c
        .recorder
        .track(
            "secretsmanager:CreateSecret(lock)",
            c.secrets
                .create_secret()
                .name(lock_name(stack))
                .description("stackctl lock: one apply, destroy or rollback at a time")
                .secret_string(body)
                .tags(tags(stack))
                .send(),
        )
        .await
        .aws("secretsmanager:CreateSecret");
    match r {
        Ok(_) => Ok(Lock::Acquired),
        Err(e) if e.code.contains("ResourceExists") => Ok(Lock::Held(holder(c, stack).await?)),
        Err(e) => Err(e),
    }
}

async fn holder(c: &Clients, stack: &str) -> Result<LockInfo, AwsError> {
    let v = c
        .recorder
        .track(
            "secretsmanager:GetSecretValue(lock)",
            c.secrets
                .get_secret_value()
                .secret_id(lock_name(stack))
                .send(),
        )
        .await
        .aws("secretsmanager:GetSecretValue")?;
    serde_json::from_str(v.secret_string().unwrap_or("{}"))
        .map_err(|_| AwsError::other("lock", "the lock's content is not stackctl's"))
}

/// Replaces a dead holder's lock with ours.
pub async fn take_over(c: &Clients, stack: &str, me: &LockInfo) -> Result<(), AwsError> {
    c.recorder
        .track(
            "secretsmanager:PutSecretValue(lock)",
            c.secrets
                .put_secret_value()
                .secret_id(lock_name(stack))
                .secret_string(serde_json::to_string(me).unwrap_or_default())
                .send(),
        )
        .await
        .aws("secretsmanager:PutSecretValue")?;
    Ok(())
}

/// Releases the lock (also `unlock --force`). Absent is fine.
pub async fn release(c: &Clients, stack: &str) -> Result<(), AwsError> {
    delete(c, &lock_name(stack)).await
}

async fn delete(c: &Clients, name: &str) -> Result<(), AwsError> {
    let r = c
        .recorder
        .track(
            "secretsmanager:DeleteSecret(state)",
            c.secrets
                .delete_secret()
                .secret_id(name)
                .force_delete_without_recovery(true)
                .send(),
        )
        .await
        .aws("secretsmanager:DeleteSecret");
    found(r).map(|_| ())
}

/// The journal of the last unfinished apply, if any.
pub async fn load_journal(c: &Clients, stack: &str) -> Result<Option<Journal>, AwsError> {
    let r = c
        .recorder
        .track(
            "secretsmanager:GetSecretValue(journal)",
            c.secrets
                .get_secret_value()
                .secret_id(journal_name(stack))
                .send(),
        )
        .await
        .aws("secretsmanager:GetSecretValue");
    let Some(v) = found(r)? else { return Ok(None) };
    serde_json::from_str(v.secret_string().unwrap_or("{}"))
        .map(Some)
        .map_err(|e| AwsError::other("journal", format!("the journal cannot be read: {e}")))
}

/// Writes the journal to AWS (creating it on the first write) and to a local copy.
pub async fn save_journal(c: &Clients, journal: &Journal, first: bool) -> Result<(), AwsError> {
    let body = serde_json::to_string(journal).unwrap_or_default();
    let name = journal_name(&journal.stack);
    if first {
        let created = c
            .recorder
            .track(
                "secretsmanager:CreateSecret(journal)",
                c.secrets
                    .create_secret()
                    .name(&name)
                    .description("stackctl apply journal")
                    .secret_string(&body)
                    .tags(tags(&journal.stack))
                    .send(),
            )
            .await
            .aws("secretsmanager:CreateSecret");
        match created {
            Ok(_) => {
                save_local(journal);
                return Ok(());
            }
            Err(e) if e.code.contains("ResourceExists") => {}
            Err(e) => return Err(e),
        }
    }
    c.recorder
        .track(
            "secretsmanager:PutSecretValue(journal)",
            c.secrets
                .put_secret_value()
                .secret_id(&name)
                .secret_string(&body)
                .send(),
        )
        .await
        .aws("secretsmanager:PutSecretValue")?;
    save_local(journal);
    Ok(())
}

/// Removes the journal once nothing is left to resume or roll back.
pub async fn clear_journal(c: &Clients, stack: &str) -> Result<(), AwsError> {
    delete(c, &journal_name(stack)).await
}

/// The local copy, for people to inspect: `.stackctl/<stack>.journal.json` under the current
/// directory (or `STACKCTL_STATE_DIR`). Best effort: AWS holds the one that counts.
pub fn local_path(stack: &str) -> std::path::PathBuf {
    let dir = std::env::var_os("STACKCTL_STATE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(".stackctl"));
    dir.join(format!("{stack}.journal.json"))
}

fn save_local(journal: &Journal) {
    let path = local_path(&journal.stack);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string_pretty(journal) {
        let _ = std::fs::write(path, text);
    }
}
