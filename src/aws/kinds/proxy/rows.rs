//! The proxy's attribute rows on AWS's side: for each row of `model::proxy::PROXY`, how it is
//! read from `DescribeDBProxies` and which field of `CreateDBProxy` and `ModifyDBProxy` it
//! sets. The secret and IAM authentication rows share one field, the proxy's `Auth`.

use std::collections::BTreeMap;

use aws_sdk_rds::operation::create_db_proxy::builders::CreateDBProxyFluentBuilder as Create;
use aws_sdk_rds::operation::modify_db_proxy::builders::ModifyDBProxyFluentBuilder as Modify;
use aws_sdk_rds::types::{AuthScheme, DbProxy, EngineFamily, IamAuthMode, UserAuthConfig};
use serde_json::{Value, json};

use super::super::Req;
use crate::aws::read::{Context, sorted};
use crate::aws::write::rds_tag_list;
use crate::model::proxy::attr::proxy::*;
use crate::model::secret::master_auth_secret;
use crate::spec::stack::PasswordSource;

/// What a row is read from: one proxy in AWS's answer, the secrets that name its auth secret
/// (DB id → the master secret RDS manages; the stack's secrets, name → ARN), and the rest of
/// the read.
pub(super) struct Seen<'a> {
    pub p: &'a DbProxy,
    pub master_secret_arns: &'a BTreeMap<String, String>,
    pub secret_arns: &'a BTreeMap<String, String>,
    pub cx: &'a Context<'a>,
}

impl Seen<'_> {
    fn auth(&self) -> Option<&aws_sdk_rds::types::UserAuthConfigInfo> {
        self.p.auth().first()
    }
}

/// What a proxy's request is set from: the shared request and the ARN of the secret its
/// `Auth` names, resolved right before a call that sends it.
pub(super) struct ProxyReq<'a> {
    pub q: Req<'a>,
    pub secret_arn: Option<String>,
}

impl ProxyReq<'_> {
    /// The proxy's one `Auth` entry: its secret and whether IAM authentication is required.
    fn auth(&self) -> Option<Vec<UserAuthConfig>> {
        let iam = if self.q.r.str(IAM_AUTH) == Some("required") {
            IamAuthMode::Required
        } else {
            IamAuthMode::Disabled
        };
        let entry = UserAuthConfig::builder()
            .auth_scheme(AuthScheme::Secrets)
            .secret_arn(self.secret_arn.clone()?)
            .iam_auth(iam)
            .build();
        Some(vec![entry])
    }
}

/// How a row reaches AWS when the proxy exists.
#[derive(Clone, Copy)]
pub(super) enum OnModify {
    /// Fields of `ModifyDBProxy`.
    Field(fn(Modify, &ProxyReq<'_>) -> Modify),
    /// `AddTagsToResource` and `RemoveTagsFromResource`.
    Tags,
    /// No call changes it: the model replaces the proxy.
    Never,
}

/// One attribute row on AWS's side.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub attr: &'static str,
    pub read: fn(&Seen<'_>) -> Value,
    pub create: fn(Create, &ProxyReq<'_>) -> Create,
    pub modify: OnModify,
}

const fn row(
    attr: &'static str,
    read: fn(&Seen<'_>) -> Value,
    create: fn(Create, &ProxyReq<'_>) -> Create,
) -> Row {
    Row {
        attr,
        read,
        create,
        modify: OnModify::Never,
    }
}

impl Row {
    const fn modify(mut self, f: fn(Modify, &ProxyReq<'_>) -> Modify) -> Self {
        self.modify = OnModify::Field(f);
        self
    }
    const fn by(mut self, how: OnModify) -> Self {
        self.modify = how;
        self
    }
}

/// Every row of the proxy's table.
pub(super) static ROWS: &[Row] = &[
    row(
        ENGINE_FAMILY,
        |s| json!(s.p.engine_family().unwrap_or_default().to_ascii_lowercase()),
        |b, q| {
            let mysql = q.q.r.str(ENGINE_FAMILY) == Some("mysql");
            b.engine_family(if mysql {
                EngineFamily::Mysql
            } else {
                EngineFamily::Postgresql
            })
        },
    ),
    row(
        ROLE_ARN,
        |s| json!(s.p.role_arn().unwrap_or_default()),
        |b, q| b.role_arn(q.q.s(ROLE_ARN)),
    )
    .modify(|b, q| b.role_arn(q.q.s(ROLE_ARN))),
    row(
        AUTH_SECRET,
        |s| {
            let secret = s.auth().and_then(|a| a.secret_arn()).unwrap_or_default();
            json!(auth_secret(secret, s.master_secret_arns, s.secret_arns))
        },
        |b, q| b.set_auth(q.auth()),
    )
    .modify(|b, q| b.set_auth(q.auth())),
    row(
        IAM_AUTH,
        |s| {
            let iam = s.auth().and_then(|a| a.iam_auth());
            json!(iam.map_or_else(|| "disabled".into(), |m| m.as_str().to_ascii_lowercase()))
        },
        |b, q| b.set_auth(q.auth()),
    )
    .modify(|b, q| b.set_auth(q.auth())),
    row(
        REQUIRE_TLS,
        |s| json!(s.p.require_tls().unwrap_or(false)),
        |b, q| b.require_tls(q.q.b(REQUIRE_TLS)),
    )
    .modify(|b, q| b.require_tls(q.q.b(REQUIRE_TLS))),
    row(
        IDLE_CLIENT_TIMEOUT_SECONDS,
        |s| json!(s.p.idle_client_timeout().unwrap_or(0)),
        |b, q| b.set_idle_client_timeout(q.q.i(IDLE_CLIENT_TIMEOUT_SECONDS)),
    )
    .modify(|b, q| b.set_idle_client_timeout(q.q.i(IDLE_CLIENT_TIMEOUT_SECONDS))),
    row(
        DEBUG_LOGGING,
        |s| json!(s.p.debug_logging().unwrap_or(false)),
        |b, q| b.debug_logging(q.q.b(DEBUG_LOGGING)),
    )
    .modify(|b, q| b.debug_logging(q.q.b(DEBUG_LOGGING))),
    row(
        SECURITY_GROUPS,
        |s| s.cx.sg_list(s.p.vpc_security_group_ids().to_vec()),
        |b, q| b.set_vpc_security_group_ids(q.q.sg_ids.clone()),
    )
    .modify(|b, q| b.set_security_groups(q.q.sg_ids.clone())),
    row(
        SUBNET_IDS,
        |s| sorted(s.p.vpc_subnet_ids().to_vec()),
        |b, q| b.set_vpc_subnet_ids(Some(q.q.r.strings(SUBNET_IDS))),
    ),
    row(
        TAGS,
        |s| s.cx.arn_tags(s.p.db_proxy_arn()),
        |b, q| b.set_tags(Some(rds_tag_list(&q.q.create_tags))),
    )
    .by(OnModify::Tags),
];

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}

/// Whether a row sends the proxy's `Auth` (and so needs its secret's ARN).
pub(super) fn sends_auth(attr: &str) -> bool {
    attr == AUTH_SECRET || attr == IAM_AUTH
}

/// The master user's secret reads as `master:<db>:rds_managed` (the one RDS manages for the
/// instance now) or `master:<db>:generated` (the stack's generated one); any other secret,
/// such as one RDS deleted when it stopped managing the password, as its ARN.
fn auth_secret(
    secret: &str,
    master_secret_arns: &BTreeMap<String, String>,
    secret_arns: &BTreeMap<String, String>,
) -> String {
    master_secret_arns
        .iter()
        .find(|(_, a)| a.as_str() == secret)
        .map(|(id, _)| master_auth_secret(id, &PasswordSource::RdsManaged))
        .or_else(|| {
            secret_arns
                .iter()
                .find(|(n, a)| a.as_str() == secret && n.ends_with("/master"))
                .map(|(n, _)| {
                    let db_id = n.rsplit('/').nth(1).unwrap_or_default();
                    master_auth_secret(db_id, &PasswordSource::Generated)
                })
        })
        .unwrap_or_else(|| secret.to_owned())
}
