//! The lock secret's AWS calls: create it, read it with its version, swap it for a new
//! version only if the version we know is still current (a compare-and-swap), delete it.
//!
//! The swap: PutSecretValue of a new version labelled `stackctl-next` (not current), then
//! UpdateSecretVersionStage moving AWSCURRENT to it with RemoveFromVersionId = the version we
//! believe is current. AWS refuses the move when AWSCURRENT is on another version, so of two
//! runs swapping the same version, exactly one succeeds.

use super::client::Clients;
use super::error::{AwsError, SdkResultExt, found};
use super::state::lock_name;
use crate::lock::info::LockInfo;
use crate::model::desired::OWNER_TAG;

/// The lock as read: its holder and the version id of that content.
pub struct Current {
    pub info: LockInfo,
    pub version: String,
}

/// A compare-and-swap lost: the lock is not at the version we knew (or is gone).
#[derive(Debug)]
pub enum SwapError {
    Lost,
    Aws(AwsError),
}

fn body(info: &LockInfo) -> String {
    serde_json::to_string(info).unwrap_or_default()
}

/// Creates the lock, asking for version `token`; the version id AWS gave it, or `None` when a
/// lock exists.
pub async fn create(
    c: &Clients,
    stack: &str,
    info: &LockInfo,
    token: &str,
) -> Result<Option<String>, AwsError> {
    let tag = aws_sdk_secretsmanager::types::Tag::builder()
        .key(OWNER_TAG)
        .value(stack)
        .build();
    let call = c
        .secrets
        .create_secret()
        .name(lock_name(stack))
        .description("stackctl lock: one apply, destroy or rollback at a time")
        .client_request_token(token)
        .secret_string(body(info))
        .tags(tag)
        .send();
    let r = c
        .recorder
        .track("secretsmanager:CreateSecret(lock)", call)
        .await
        .aws("secretsmanager:CreateSecret");
    match r {
        Ok(out) => Ok(Some(out.version_id().unwrap_or(token).to_owned())),
        Err(e) if e.code.contains("ResourceExists") => Ok(None),
        Err(e) => Err(e),
    }
}

/// The lock's current content and version; `None` when there is no lock.
pub async fn read(c: &Clients, stack: &str) -> Result<Option<Current>, AwsError> {
    let call = c
        .secrets
        .get_secret_value()
        .secret_id(lock_name(stack))
        .send();
    let r = c
        .recorder
        .track("secretsmanager:GetSecretValue(lock)", call)
        .await
        .aws("secretsmanager:GetSecretValue");
    let Some(v) = found(r)? else { return Ok(None) };
    let info = serde_json::from_str(v.secret_string().unwrap_or("{}"))
        .map_err(|_| AwsError::other("lock", "the lock's content is not stackctl's"))?;
    Ok(Some(Current {
        info,
        version: v.version_id().unwrap_or_default().to_owned(),
    }))
}

/// Replaces the lock at version `expected` with `info`, atomically; the new version id.
pub async fn swap(
    c: &Clients,
    stack: &str,
    expected: &str,
    info: &LockInfo,
    token: &str,
) -> Result<String, SwapError> {
    let put = c
        .secrets
        .put_secret_value()
        .secret_id(lock_name(stack))
        .client_request_token(token)
        .secret_string(body(info))
        .version_stages("stackctl-next")
        .send();
    let r = c
        .recorder
        .track("secretsmanager:PutSecretValue(lock)", put)
        .await
        .aws("secretsmanager:PutSecretValue");
    let put = r.map_err(lost_or_error)?;
    // The id AWS gave the version (the token, in AWS; an emulator may choose its own).
    let version = put.version_id().unwrap_or(token).to_owned();
    let mv = c
        .secrets
        .update_secret_version_stage()
        .secret_id(lock_name(stack))
        .version_stage("AWSCURRENT")
        .move_to_version_id(&version)
        .remove_from_version_id(expected)
        .send();
    let r = c
        .recorder
        .track("secretsmanager:UpdateSecretVersionStage(lock)", mv)
        .await
        .aws("secretsmanager:UpdateSecretVersionStage");
    r.map(|_| version).map_err(lost_or_error)
}

/// AWS refusing the move (the label is elsewhere) or not finding the secret or the version
/// means another run holds the lock now, or nobody does.
fn lost_or_error(e: AwsError) -> SwapError {
    let lost = ["InvalidParameter", "ResourceNotFound", "InvalidRequest"];
    if lost.iter().any(|c| e.code.contains(c)) {
        SwapError::Lost
    } else {
        SwapError::Aws(e)
    }
}

/// Deletes the lock, whoever holds it. Absent is fine.
pub async fn delete(c: &Clients, stack: &str) -> Result<(), AwsError> {
    let call = c
        .secrets
        .delete_secret()
        .secret_id(lock_name(stack))
        .force_delete_without_recovery(true)
        .send();
    let r = c
        .recorder
        .track("secretsmanager:DeleteSecret(lock)", call)
        .await
        .aws("secretsmanager:DeleteSecret");
    found(r).map(|_| ())
}
