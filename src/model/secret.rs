//! Secrets Manager secrets the stack owns: a generated master password, a Redis AUTH token.
//! Their values are generated at apply time, written only to Secrets Manager, and never read
//! back, compared, printed or stored in a plan.

use super::types::{AttrSpec, Kind, KindSpec};

pub static SECRET: KindSpec = KindSpec {
    kind: Kind::Secret,
    name: "secret",
    label: "Secrets Manager secret",
    stateful: true,
    loses_data: true,
    attrs: &[
        AttrSpec::online("description"),
        // What the secret holds: `db_master_password` or `redis_auth_token`.
        AttrSpec::online("purpose").with(super::Impact::Replace),
        AttrSpec::online("kms_key_id")
            .compare(super::Compare::KmsKey)
            .unmanaged_when_null(),
        AttrSpec::online("tags"),
    ],
};

/// The secret holding a generated master password.
pub fn master_secret_name(stack: &str, db: &str) -> String {
    format!("stackctl/{stack}/{db}/master")
}

/// The secret holding a generated Redis AUTH token.
pub fn auth_token_secret_name(stack: &str, group: &str) -> String {
    format!("stackctl/{stack}/{group}/auth-token")
}
