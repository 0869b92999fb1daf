//! `stackctl unlock FILE --force`: clear a lock left by a run that is gone.

use std::path::Path;

use anyhow::bail;

use super::common::load_spec;
use crate::aws::{Clients, lock};
use crate::exit::Outcome;

pub async fn run(file: &Path, force: bool) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    if !force {
        bail!("unlock clears another run's lock: make sure it is gone, then pass --force");
    }
    let clients = Clients::new(&stack.region).await;
    lock::delete(&clients, &stack.name).await?;
    crate::errln!("Stack {} is unlocked.", stack.name);
    Ok(Outcome::Success)
}
