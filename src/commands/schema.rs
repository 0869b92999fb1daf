//! `stackctl schema`: the JSON Schema of the stack file, for editors and CI.

use crate::exit::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    let schema = crate::spec::schema::spec_schema();
    crate::outln!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(Outcome::Success)
}
