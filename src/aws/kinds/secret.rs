//! The AWS side of the stack's Secrets Manager secrets (a generated master password, a Redis
//! AUTH token): listed by name prefix, observed row by row with the purpose their name gives
//! them, created with a value from Secrets Manager's own generator, their description and KMS
//! key updated, retagged, deleted. Values pass from Secrets Manager to the resource that uses
//! them inside a [`Sensitive`], never printed, never read into the observed stack.

use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, SecretListEntry, Tag};
use serde_json::{Value, json};

use super::AwsKind;
use super::calls::Planned;
use super::row::{Row, TAGGING, carried, resource};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, nz, observed, owned_by, tag_map};
use crate::aws::state::is_bookkeeping;
use crate::aws::write::{Sensitive, StepContext, sync_tags};
use crate::model::secret::attr::*;
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step, StepOp};

const CREATE: &str = "secretsmanager:CreateSecret";
const UPDATE: &str = "secretsmanager:UpdateSecret";
const DELETE: &str = "secretsmanager:DeleteSecret";

static ROWS: &[Row<SecretListEntry>] = &[
    Row {
        attr: DESCRIPTION,
        read: |s, _| json!(s.description().unwrap_or_default()),
        sent_by: &[UPDATE],
    },
    Row {
        attr: PURPOSE,
        read: |s, _| json!(purpose(s.name().unwrap_or_default())),
        sent_by: &[],
    },
    Row {
        attr: KMS_KEY_ID,
        read: |s, _| json!(nz(s.kms_key_id())),
        sent_by: &[UPDATE],
    },
    Row {
        attr: TAGS,
        read: |s, _| json!(tags(s)),
        sent_by: &[TAGGING],
    },
];

/// What a secret holds, from its name: the Redis AUTH token's ends in `/auth-token`.
fn purpose(name: &str) -> &'static str {
    if name.ends_with("/auth-token") {
        "redis_auth_token"
    } else {
        "db_master_password"
    }
}

fn tags(s: &SecretListEntry) -> std::collections::BTreeMap<String, String> {
    tag_map(s.tags().iter().map(|t| (t.key(), t.value())))
}

/// One page of the secrets whose names start with `prefix` (Secrets Manager's `name` filter
/// matches by prefix), the lock's and the journal's left out.
async fn list_page(
    c: &Clients,
    prefix: &str,
    token: Option<String>,
) -> Result<(Vec<SecretListEntry>, Option<String>), AwsError> {
    let filter = Filter::builder()
        .key(FilterNameStringType::Name)
        .values(prefix)
        .build();
    let b = c
        .secrets
        .list_secrets()
        .filters(filter)
        .set_next_token(token);
    let resp = c.call("secretsmanager:ListSecrets", b.send()).await?;
    let ours = resp.secret_list().iter().filter(|s| {
        s.name()
            .is_some_and(|n| n.starts_with(prefix) && !is_bookkeeping(n))
    });
    Ok((
        ours.cloned().collect(),
        resp.next_token().map(str::to_owned),
    ))
}

/// The stack's secrets.
pub(crate) struct Secrets;

impl AwsKind for Secrets {
    type Answer = SecretListEntry;

    /// Every secret under each of these name prefixes (`stackctl/<stack>/`: the stack's own,
    /// those that left the spec too), page after page.
    async fn describe(
        c: &Clients,
        prefixes: Vec<String>,
    ) -> Result<Vec<SecretListEntry>, AwsError> {
        let mut out = Vec::new();
        for prefix in &prefixes {
            let mut token = None;
            loop {
                let (page, next) = list_page(c, prefix, token).await?;
                out.extend(page);
                token = next;
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let value = random_value(cx).await?;
        let doc = if r.str(PURPOSE) == Some("redis_auth_token") {
            json!({ "token": value.expose() })
        } else {
            let username = cx.ids.get(a, "username").unwrap_or_default();
            json!({ "username": username, "password": value.expose() })
        };
        let tags: Vec<Tag> = cx
            .create_tags(r)
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let c = cx.clients;
        let b = c
            .secrets
            .create_secret()
            .name(&a.name)
            .description(r.str(DESCRIPTION).unwrap_or_default())
            .set_kms_key_id(r.str(KMS_KEY_ID).map(str::to_owned))
            .secret_string(doc.to_string())
            .set_tags(Some(tags));
        let out = c.call(CREATE, b.send()).await;
        cx.created(a, out, |o| o.arn()).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let c = cx.clients;
        let name = r.address.name.as_str();
        let changed = carried(ROWS, step, UPDATE);
        if !changed.is_empty() {
            let b = c
                .secrets
                .update_secret()
                .secret_id(name)
                .description(r.str(DESCRIPTION).unwrap_or_default())
                .set_kms_key_id(r.str(KMS_KEY_ID).map(str::to_owned));
            c.call(UPDATE, b.send()).await?;
            cx.sent(UPDATE, &changed);
        }
        if step.attributes.iter().any(|x| x == TAGS) {
            retag(cx, name).await?;
        }
        Ok(())
    }

    /// The create (its value generated by `GetRandomPassword` first, which changes nothing in
    /// AWS and is not listed, as no read is); on an update `UpdateSecret` with the rows it
    /// carries (the description, the KMS key), then the tagging calls; the delete.
    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            return p.one(CREATE, DELETE);
        }
        let update = carried(ROWS, p.step, UPDATE).into_iter().map(str::to_owned);
        [p.carrying(UPDATE, update.collect()), p.tagging()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The value is useless without the resource it protected, and a secret kept for recovery
    /// would block a new stack of the same name: deleted without recovery.
    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let b = c
            .secrets
            .delete_secret()
            .secret_id(&a.name)
            .force_delete_without_recovery(true);
        let r = c.call(DELETE, b.send()).await;
        found(r).map(|_| ())
    }
}

/// Brings the secret's tags to the desired set (`TagResource`, `UntagResource`).
async fn retag(cx: &StepContext<'_>, name: &str) -> Result<(), AwsError> {
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            let tags: Vec<Tag> = add
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let b = c
                .secrets
                .tag_resource()
                .secret_id(name)
                .set_tags(Some(tags));
            c.call("secretsmanager:TagResource", b.send())
                .await
                .map(|_| ())
        },
        |keys| async move {
            let b = c
                .secrets
                .untag_resource()
                .secret_id(name)
                .set_tag_keys(Some(keys));
            c.call("secretsmanager:UntagResource", b.send())
                .await
                .map(|_| ())
        },
    )
    .await
}

/// A new random value from Secrets Manager's own generator, without characters RDS and Redis
/// refuse in passwords and tokens.
async fn random_value(cx: &StepContext<'_>) -> Result<Sensitive, AwsError> {
    let c = cx.clients;
    let b = c
        .secrets
        .get_random_password()
        .password_length(40)
        .exclude_punctuation(true);
    let out = c.call("secretsmanager:GetRandomPassword", b.send()).await?;
    Ok(Sensitive(
        out.random_password().unwrap_or_default().to_owned(),
    ))
}

/// Reads a generated secret's value (a password or a token), for the resource that uses it.
pub(crate) async fn secret_value(
    cx: &StepContext<'_>,
    name: &str,
    field: &str,
) -> Result<Sensitive, AwsError> {
    let c = cx.clients;
    let out = c
        .call(
            "secretsmanager:GetSecretValue",
            c.secrets.get_secret_value().secret_id(name).send(),
        )
        .await?;
    let doc: Value = serde_json::from_str(out.secret_string().unwrap_or("{}"))
        .map_err(|_| AwsError::other("secretsmanager", format!("secret {name} is not JSON")))?;
    doc.get(field)
        .and_then(Value::as_str)
        .map(|v| Sensitive(v.to_owned()))
        .ok_or_else(|| AwsError::other("secretsmanager", format!("secret {name} has no `{field}`")))
}

/// A secret with every row of its table (never its value).
pub(in crate::aws) fn observe(cx: &Context, s: &SecretListEntry) -> ObservedResource {
    let name = s.name().unwrap_or_default();
    let resource = resource(Kind::Secret, name, ROWS, s, cx);
    let mut o = observed(resource, owned_by(&tags(s), cx.stack), "available");
    if let Some(arn) = s.arn() {
        o.ids.insert("arn".into(), arn.to_owned());
    }
    o
}

#[cfg(test)]
mod tests {
    use super::ROWS;
    use crate::aws::kinds::row::assert_agrees;
    use crate::model::Kind;

    #[test]
    fn the_aws_rows_are_the_models_and_every_changeable_row_is_sent() {
        assert_agrees(Kind::Secret, ROWS);
    }
}
