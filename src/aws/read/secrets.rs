//! Secrets Manager: the stack's secrets (every one under `stackctl/<stack>/` but the lock's and
//! journal's), observed with the purpose their name gives them.

use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, SecretListEntry};
use serde_json::json;

use super::{Context, nz, observed, owned_by, tag_map};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::aws::state::is_bookkeeping;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

/// The stack's secrets: every secret under `stackctl/<stack>/`.
pub(super) async fn list_secrets(
    c: &Clients,
    stack: &str,
) -> Result<Vec<SecretListEntry>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let resp = c
            .call(
                "secretsmanager:ListSecrets",
                c.secrets
                    .list_secrets()
                    .filters(
                        Filter::builder()
                            .key(FilterNameStringType::Name)
                            .values(format!("stackctl/{stack}/"))
                            .build(),
                    )
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        out.extend(
            resp.secret_list()
                .iter()
                .filter(|s| {
                    s.name().is_some_and(|n| {
                        n.starts_with(&format!("stackctl/{stack}/")) && !is_bookkeeping(n)
                    })
                })
                .cloned(),
        );
        token = resp.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// A secret: the Redis AUTH token's (its name ends in `/auth-token`) or a master password's.
pub(super) fn observe_secret(cx: &Context, sec: &SecretListEntry) -> ObservedResource {
    let tags = tag_map(sec.tags().iter().map(|t| (t.key(), t.value())));
    let name = sec.name().unwrap_or_default();
    let purpose = if name.ends_with("/auth-token") {
        "redis_auth_token"
    } else {
        "db_master_password"
    };
    let mut o = observed(
        Resource::new(Kind::Secret, name)
            .set("description", sec.description().unwrap_or_default())
            .set("purpose", purpose)
            .set("kms_key_id", json!(nz(sec.kms_key_id())))
            .set("tags", json!(tags)),
        owned_by(&tags, cx.stack),
        "available",
    );
    if let Some(arn) = sec.arn() {
        o.ids.insert("arn".into(), arn.to_owned());
    }
    o
}
