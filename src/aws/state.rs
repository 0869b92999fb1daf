//! The stack's lock and apply journal, kept in AWS beside what the stack owns, so that an apply
//! on one CI runner can be resumed, rolled back or waited for from another.
//!
//! Both are Secrets Manager secrets tagged with the stack: `stackctl/<stack>/.lock` (its calls
//! are in [`super::lock`]) and `stackctl/<stack>/.journal`. They hold no secret value: who holds
//! the lock, and the journal (addresses, states, attribute values that are never sensitive).

use super::client::Clients;
use super::error::{AwsError, SdkResultExt, found};
use crate::apply::journal::Journal;
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

fn tags(stack: &str) -> aws_sdk_secretsmanager::types::Tag {
    aws_sdk_secretsmanager::types::Tag::builder()
        .key(OWNER_TAG)
        .value(stack)
        .build()
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
/// The local copy goes with it.
pub async fn clear_journal(c: &Clients, stack: &str) -> Result<(), AwsError> {
    delete(c, &journal_name(stack)).await?;
    let _ = std::fs::remove_file(local_path(stack));
    Ok(())
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
