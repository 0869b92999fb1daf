//! The describe calls behind [`super::watch`]: each returns what AWS has of the ids asked for,
//! keyed by id; an id AWS does not have is absent. Their operations are named `...(wait)`, so
//! `STACKCTL_REPORT_CALLS` counts the calls spent waiting.

use std::collections::BTreeMap;

use super::client::Clients;
use super::error::{AwsError, found};
use super::pages::all_pages;
use super::watch::{Seen, seen_status};

/// DB instances: by identifier for one, filtered by `db-instance-id` for more (100 a call).
pub async fn instances(c: &Clients, ids: &[String]) -> Result<BTreeMap<String, Seen>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(100) {
        let req = c.rds.describe_db_instances();
        let req = if let [one] = chunk {
            req.db_instance_identifier(one)
        } else {
            req.filters(
                aws_sdk_rds::types::Filter::builder()
                    .name("db-instance-id")
                    .set_values(Some(chunk.to_vec()))
                    .build(),
            )
        };
        let r = c.call("rds:DescribeDBInstances(wait)", req.send()).await;
        let Some(r) = found(r)? else { continue };
        for i in r.db_instances() {
            let Some(id) = i.db_instance_identifier() else {
                continue;
            };
            let mut seen = seen_status(i.db_instance_status(), i.db_instance_arn());
            seen.secret_arn = i
                .master_user_secret()
                .and_then(|m| m.secret_arn())
                .map(str::to_owned);
            out.insert(id.to_owned(), seen);
        }
    }
    Ok(out)
}

/// Aurora clusters: filtered by `db-cluster-id` (100 a call).
pub async fn clusters(c: &Clients, ids: &[String]) -> Result<BTreeMap<String, Seen>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(100) {
        let req = c.rds.describe_db_clusters().filters(
            aws_sdk_rds::types::Filter::builder()
                .name("db-cluster-id")
                .set_values(Some(chunk.to_vec()))
                .build(),
        );
        let r = c.call("rds:DescribeDBClusters(wait)", req.send()).await;
        let Some(r) = found(r)? else { continue };
        for cl in r.db_clusters() {
            let Some(id) = cl.db_cluster_identifier() else {
                continue;
            };
            let mut seen = seen_status(cl.status(), cl.db_cluster_arn());
            seen.secret_arn = cl
                .master_user_secret()
                .and_then(|m| m.secret_arn())
                .map(str::to_owned);
            out.insert(id.to_owned(), seen);
        }
    }
    Ok(out)
}

/// Replication groups: by id for one, else every page of the region's.
pub async fn replication_groups(
    c: &Clients,
    one: Option<String>,
) -> Result<BTreeMap<String, Seen>, AwsError> {
    let seen = all_pages(|marker| {
        let req = c
            .elasticache
            .describe_replication_groups()
            .set_replication_group_id(one.clone())
            .set_marker(marker);
        async move {
            let r = c.call("elasticache:DescribeReplicationGroups(wait)", req.send());
            Ok(found(r.await)?.map(|r| {
                let seen = r
                    .replication_groups()
                    .iter()
                    .filter_map(|g| {
                        Some((
                            g.replication_group_id()?.to_owned(),
                            seen_status(g.status(), g.arn()),
                        ))
                    })
                    .collect();
                (seen, r.marker().map(str::to_owned))
            }))
        }
    })
    .await?;
    Ok(seen.into_iter().collect())
}

/// Proxies: by name for one, else every page of the region's.
pub async fn proxies(c: &Clients, one: Option<String>) -> Result<BTreeMap<String, Seen>, AwsError> {
    let seen = all_pages(|marker| {
        let req = c
            .rds
            .describe_db_proxies()
            .set_db_proxy_name(one.clone())
            .set_marker(marker);
        async move {
            let r = c.call("rds:DescribeDBProxies(wait)", req.send());
            Ok(found(r.await)?.map(|r| {
                let seen = r
                    .db_proxies()
                    .iter()
                    .filter_map(|p| {
                        let status = p.status().map(|s| s.as_str());
                        Some((
                            p.db_proxy_name()?.to_owned(),
                            seen_status(status, p.db_proxy_arn()),
                        ))
                    })
                    .collect();
                (seen, r.marker().map(str::to_owned))
            }))
        }
    })
    .await?;
    Ok(seen.into_iter().collect())
}

/// Proxy endpoints: by name for one, else every page of the region's.
pub async fn proxy_endpoints(
    c: &Clients,
    one: Option<String>,
) -> Result<BTreeMap<String, Seen>, AwsError> {
    let seen = all_pages(|marker| {
        let req = c
            .rds
            .describe_db_proxy_endpoints()
            .set_db_proxy_endpoint_name(one.clone())
            .set_marker(marker);
        async move {
            let r = c.call("rds:DescribeDBProxyEndpoints(wait)", req.send());
            Ok(found(r.await)?.map(|r| {
                let seen = r
                    .db_proxy_endpoints()
                    .iter()
                    .filter_map(|e| {
                        let status = e.status().map(|s| s.as_str());
                        let seen = seen_status(status, e.db_proxy_endpoint_arn());
                        Some((e.db_proxy_endpoint_name()?.to_owned(), seen))
                    })
                    .collect();
                (seen, r.marker().map(str::to_owned))
            }))
        }
    })
    .await?;
    Ok(seen.into_iter().collect())
}
