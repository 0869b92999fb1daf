//! Secrets Manager writes: generated master passwords and AUTH tokens. Values pass from
//! Secrets Manager to the resource that uses them inside a [`Sensitive`], never printed.

use super::*;

/// A new random value from Secrets Manager's own generator, without characters RDS and Redis
/// refuse in passwords and tokens.
pub(super) async fn random_value(cx: &StepContext<'_>) -> Result<Sensitive, AwsError> {
    let c = cx.clients;
    let out = c
        .call(
            "secretsmanager:GetRandomPassword",
            c.secrets
                .get_random_password()
                .password_length(40)
                .exclude_punctuation(true)
                .send(),
        )
        .await?;
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

pub(super) async fn secret(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    use aws_sdk_secretsmanager::types::Tag;
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let value = random_value(cx).await?;
            let doc = if str_of(r, "purpose") == Some("redis_auth_token") {
                serde_json::json!({ "token": value.expose() })
            } else {
                let username = cx
                    .desired
                    .and_then(|_| cx.ids.get(a, "username"))
                    .unwrap_or_default();
                serde_json::json!({ "username": username, "password": value.expose() })
            };
            let tags: Vec<Tag> = cx
                .create_tags(r)
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let out = c
                .call(
                    "secretsmanager:CreateSecret",
                    c.secrets
                        .create_secret()
                        .name(&a.name)
                        .description(str_of(r, "description").unwrap_or_default())
                        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
                        .secret_string(doc.to_string())
                        .set_tags(Some(tags))
                        .send(),
                )
                .await;
            cx.created(a, out, |o| o.arn()).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.call(
                "secretsmanager:UpdateSecret",
                c.secrets
                    .update_secret()
                    .secret_id(&a.name)
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
                    .send(),
            )
            .await?;
            cx.sent(
                "secretsmanager:UpdateSecret",
                &["description", "kms_key_id"],
            );
            let name = a.name.as_str();
            sync_tags(
                cx,
                |add| async move {
                    let tags: Vec<Tag> = add
                        .iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect();
                    c.call(
                        "secretsmanager:TagResource",
                        c.secrets
                            .tag_resource()
                            .secret_id(name)
                            .set_tags(Some(tags))
                            .send(),
                    )
                    .await
                    .map(|_| ())
                },
                |keys| async move {
                    c.call(
                        "secretsmanager:UntagResource",
                        c.secrets
                            .untag_resource()
                            .secret_id(name)
                            .set_tag_keys(Some(keys))
                            .send(),
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await?;
            Ok(())
        }
        StepOp::Delete => {
            // The value is useless without the resource it protected, and a secret kept for
            // recovery would block a new stack of the same name.
            let r = c
                .call(
                    "secretsmanager:DeleteSecret",
                    c.secrets
                        .delete_secret()
                        .secret_id(&a.name)
                        .force_delete_without_recovery(true)
                        .send(),
                )
                .await;
            found(r).map(|_| ())
        }
    }
}
