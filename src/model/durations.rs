//! How long an interruption typically lasts, where AWS says so: the plan totals them per
//! resource, and `docs/impacts.md` lists them. Where AWS gives no figure, the entry says so;
//! stackctl never guesses a duration.

use super::types::{Impact, Kind, Source};

/// The typical length of one interruption.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typical {
    /// AWS's range, in seconds.
    Seconds { low: u32, high: u32, source: Source },
    /// AWS gives no figure.
    NotDocumented(Source),
}

impl Typical {
    /// `60–120 s`, or `length not documented by AWS`.
    pub fn words(&self) -> String {
        match self {
            Typical::Seconds { low, high, .. } => format!("typically {low}–{high} s"),
            Typical::NotDocumented(_) => "length not documented by AWS".to_owned(),
        }
    }
    pub fn source(&self) -> &Source {
        match self {
            Typical::Seconds { source, .. } | Typical::NotDocumented(source) => source,
        }
    }
}

const RDS_FAILOVER: Source = Source::doc(
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html",
    "Failover times are typically 60–120 seconds.",
);
const RDS_REBOOT: Source = Source::doc(
    super::aws_docs::RDS_REBOOT,
    "Rebooting a DB instance results in a momentary outage, during which the DB instance status is set to rebooting.",
);
const RDS_OUTAGE: Source = Source::NotDocumented(
    "RDS says a change \"causes an outage\" or \"a brief outage\" and gives no length",
);
const ELASTICACHE: Source = Source::NotDocumented(
    "ElastiCache says a failover or node change interrupts writes briefly and gives no length",
);

const AURORA: Source = Source::NotDocumented(
    "Aurora says a failover cuts the writer's connections, and a reboot or an upgrade interrupts the cluster, and gives no length (FailoverDBCluster's \"typically less than 35 seconds\" is said of a Multi-AZ DB cluster, not of Aurora)",
);

fn is_aurora(kind: Kind) -> bool {
    matches!(kind, Kind::DbCluster | Kind::DbClusterInstance)
}

fn is_rds(kind: Kind) -> bool {
    matches!(kind, Kind::DbInstance | Kind::DbReplica)
}

/// The typical length of `impact` on a resource of `kind`; `None` where the impact interrupts
/// nothing (online, held for the window, or a replacement, whose length is the create's).
pub fn typical(kind: Kind, impact: Impact) -> Option<Typical> {
    match impact {
        Impact::Failover if is_rds(kind) => Some(Typical::Seconds {
            low: 60,
            high: 120,
            source: RDS_FAILOVER,
        }),
        Impact::Reboot if is_rds(kind) => Some(Typical::NotDocumented(RDS_REBOOT)),
        Impact::BriefOutage if is_rds(kind) => Some(Typical::NotDocumented(RDS_OUTAGE)),
        Impact::Failover | Impact::Reboot | Impact::BriefOutage if is_aurora(kind) => {
            Some(Typical::NotDocumented(AURORA))
        }
        Impact::Failover | Impact::Reboot | Impact::BriefOutage => {
            Some(Typical::NotDocumented(ELASTICACHE))
        }
        _ => None,
    }
}

/// What a resource's interruptions add up to: the documented part as a range of seconds, and
/// how many have no documented length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    pub low: u32,
    pub high: u32,
    pub undocumented: usize,
}

impl Total {
    pub fn add(&mut self, t: &Typical) {
        match t {
            Typical::Seconds { low, high, .. } => {
                self.low += low;
                self.high += high;
            }
            Typical::NotDocumented(_) => self.undocumented += 1,
        }
    }

    /// `typically 60–120 s`, `typically 60–120 s, plus 1 of a length AWS does not document`,
    /// `AWS documents no length`.
    pub fn words(&self) -> String {
        match (self.high > 0, self.undocumented) {
            (true, 0) => format!("typically {}–{} s", self.low, self.high),
            (true, n) => format!(
                "typically {}–{} s, plus {n} of a length AWS does not document",
                self.low, self.high
            ),
            (false, _) => "AWS documents no length".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_interrupts_has_a_length_and_only_rds_failover_a_figure() {
        for kind in Kind::ALL {
            for impact in [Impact::Online, Impact::PendingMaintenance, Impact::Replace] {
                assert_eq!(typical(kind, impact), None, "{kind:?} {impact:?}");
            }
        }
        assert!(matches!(
            typical(Kind::DbInstance, Impact::Failover),
            Some(Typical::Seconds {
                low: 60,
                high: 120,
                ..
            })
        ));
        assert!(matches!(
            typical(Kind::ReplicationGroup, Impact::Failover),
            Some(Typical::NotDocumented(_))
        ));
    }

    #[test]
    fn a_total_adds_the_figures_and_counts_the_rest() {
        let mut t = Total::default();
        for i in [Impact::Failover, Impact::Failover, Impact::Reboot] {
            if let Some(x) = typical(Kind::DbInstance, i) {
                t.add(&x);
            }
        }
        assert_eq!(
            t.words(),
            "typically 120–240 s, plus 1 of a length AWS does not document"
        );
    }
}
