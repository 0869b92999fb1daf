//! The stack's lock and apply journal, kept in AWS beside what the stack owns, so that an apply
//! on one CI runner can be resumed, rolled back or waited for from another.
//!
//! Both are Secrets Manager secrets tagged with the stack: `stackctl/<stack>/.lock` (its calls
//! are in [`super::lock`]) and `stackctl/<stack>/.journal`. They hold no secret value: who holds
//! the lock, and the journal (addresses, states, attribute values that are never sensitive).
//! The journal is stored as the text `apply::journal` makes of it: this layer neither reads
//! nor writes its contents.

use super::client::Clients;
use super::error::{AwsError, SdkResultExt, found};
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

/// The journal of the last unfinished apply, as stored, if any.
pub async fn load_journal(c: &Clients, stack: &str) -> Result<Option<String>, AwsError> {
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
    Ok(found(r)?.map(|v| v.secret_string().unwrap_or("{}").to_owned()))
}

/// Writes the stack's journal to AWS, creating it on the first write.
pub async fn save_journal(
    c: &Clients,
    stack: &str,
    body: &str,
    first: bool,
) -> Result<(), AwsError> {
    let name = journal_name(stack);
    if first {
        let created = c
            .recorder
            .track(
                "secretsmanager:CreateSecret(journal)",
                c.secrets
                    .create_secret()
                    .name(&name)
                    .description("stackctl apply journal")
                    .secret_string(body)
                    .tags(tags(stack))
                    .send(),
            )
            .await
            .aws("secretsmanager:CreateSecret");
        match created {
            Ok(_) => return Ok(()),
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
                .secret_string(body)
                .send(),
        )
        .await
        .aws("secretsmanager:PutSecretValue")?;
    Ok(())
}

/// Removes the journal once nothing is left to resume or roll back.
pub async fn clear_journal(c: &Clients, stack: &str) -> Result<(), AwsError> {
    delete(c, &journal_name(stack)).await
}
