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
        // What the secret holds: `db_master_password` or `redis_auth_token`, which its name
        // says (`master_secret_name`, `auth_token_secret_name`).
        AttrSpec::at_create("purpose"),
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

/// A proxy's `auth_secret` when it uses the master user's secret: `master:<db>:rds_managed`
/// (the secret RDS manages for the instance) or `master:<db>:generated` (the secret stackctl
/// generated). The mode is part of the value because the two are different secrets: a new
/// master password source makes the proxy's secret change in the same plan.
pub fn master_auth_secret(db: &str, source: crate::spec::raw::PasswordSource) -> String {
    let mode = match source {
        crate::spec::raw::PasswordSource::RdsManaged => "rds_managed",
        crate::spec::raw::PasswordSource::Generated => "generated",
    };
    format!("master:{db}:{mode}")
}

/// The instance and source a `master:<db>:<mode>` value names: `(db, true)` for the secret RDS
/// manages, `(db, false)` for the generated one; `None` for a secret ARN.
pub fn parse_master_auth_secret(value: &str) -> Option<(&str, bool)> {
    let (db, mode) = value.strip_prefix("master:")?.rsplit_once(':')?;
    match mode {
        "rds_managed" => Some((db, true)),
        "generated" => Some((db, false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::raw::PasswordSource;

    #[test]
    fn master_auth_secret_round_trips_each_source() {
        for (source, managed) in [
            (PasswordSource::RdsManaged, true),
            (PasswordSource::Generated, false),
        ] {
            let v = master_auth_secret("shop-db", source);
            assert_eq!(parse_master_auth_secret(&v), Some(("shop-db", managed)));
        }
        assert_eq!(
            parse_master_auth_secret("arn:aws:secretsmanager:us-east-1:1:secret:x"),
            None
        );
    }
}
