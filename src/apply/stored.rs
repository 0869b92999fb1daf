//! Where the journal is kept: its text in AWS (through `aws::state`, which stores it without
//! reading it), and a local copy for people to inspect.

use super::journal::Journal;
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::aws::state;

/// The journal of the last unfinished apply, if any.
pub async fn load(c: &Clients, stack: &str) -> Result<Option<Journal>, AwsError> {
    let Some(text) = state::load_journal(c, stack).await? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| AwsError::other("journal", format!("the journal cannot be read: {e}")))
}

/// Writes the journal to AWS (creating it on the first write) and to the local copy.
pub async fn save(c: &Clients, journal: &Journal, first: bool) -> Result<(), AwsError> {
    let body = serde_json::to_string(journal).unwrap_or_default();
    state::save_journal(c, &journal.stack, &body, first).await?;
    save_local(journal);
    Ok(())
}

/// Removes the journal once nothing is left to resume or roll back, and its local copy.
pub async fn clear(c: &Clients, stack: &str) -> Result<(), AwsError> {
    state::clear_journal(c, stack).await?;
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
