//! An RDS instance's storage: the size each storage type allows, gp3's provisioned IOPS and
//! throughput from `GP3_PROVISIONED_MIN_GIB`, io1's and io2's required IOPS, and the KMS key.
//! AWS's constraints are CreateDBInstance's `AllocatedStorage` ("General Purpose (SSD) storage
//! (gp2, gp3): Must be an integer from 20 to 65536. Provisioned IOPS storage (io1, io2): Must be
//! an integer from 100 to 65536.") and `Iops` ("Must be a multiple between .5 and 50 of the
//! storage amount for the DB instance."), RDS API Reference; the IOPS ranges are the RDS User
//! Guide's "Amazon RDS DB instance storage" tables (gp3 12,000 to 64,000 IOPS and 500 to 4,000
//! MiB/s at 400 GiB or more; io1 and io2 1,000 to 256,000 IOPS).

use std::ops::RangeInclusive;

use super::Rules;
use crate::spec::raw::{Database, GP3_PROVISIONED_MIN_GIB, Storage, StorageType};

/// A gp3 setting that can be provisioned only at `GP3_PROVISIONED_MIN_GIB` or more.
struct Gp3Provisioned {
    /// The key under `database.storage`.
    key: &'static str,
    /// What it provisions, in a sentence.
    what: &'static str,
    unit: &'static str,
    range: RangeInclusive<u32>,
    /// The baseline gp3 gives below the size.
    small_baseline: &'static str,
}

const GP3_IOPS: Gp3Provisioned = Gp3Provisioned {
    key: "iops",
    what: "IOPS",
    unit: "IOPS",
    range: 12000..=64000,
    small_baseline: "3000 IOPS and 125 MiB/s",
};

const GP3_THROUGHPUT: Gp3Provisioned = Gp3Provisioned {
    key: "throughput_mibps",
    what: "throughput",
    unit: "MiB/s",
    range: 500..=4000,
    small_baseline: "125 MiB/s",
};

/// io1's and io2's provisioned IOPS on RDS for PostgreSQL and MySQL.
const IO_IOPS: RangeInclusive<u32> = 1000..=256_000;

/// The IOPS per GiB AWS allows: from a half to 50 times the allocated storage.
const IOPS_PER_GIB: RangeInclusive<f64> = 0.5..=50.0;

/// The sizes a storage type allows, in GiB.
fn size_range(kind: StorageType) -> RangeInclusive<u32> {
    if kind.provisioned_iops() {
        100..=65536
    } else {
        20..=65536
    }
}

impl Rules<'_> {
    pub(super) fn storage(&mut self, db: &Database) {
        let Some(st) = &db.storage else {
            self.missing("database", "storage", "an RDS instance needs `storage`")
                .allowed("`storage: {allocated_gib: 20}` or more");
            return;
        };
        let range = size_range(st.kind);
        let (lo, hi) = (*range.start(), *range.end());
        let kind = st.kind.as_str();
        let Some(allocated) = st.allocated_gib else {
            self.missing(
                "database.storage",
                "allocated_gib",
                "an RDS instance needs `storage.allocated_gib`",
            )
            .allowed(format!("{lo} to {hi} GiB"));
            return;
        };
        if !range.contains(&allocated) {
            self.error(
                "database.storage.allocated_gib",
                format!("{allocated} GiB is outside {kind}'s range"),
            )
            .allowed(format!("{lo} to {hi} GiB"));
        }
        self.autoscaling_ceiling(allocated, st.max_allocated_gib);
        match st.kind {
            StorageType::Gp3 => {
                self.gp3_provisioned(db, allocated, &GP3_IOPS, st.iops);
                self.gp3_provisioned(db, allocated, &GP3_THROUGHPUT, st.throughput_mibps);
            }
            StorageType::Gp2 => self.gp2(st),
            StorageType::Io1 | StorageType::Io2 => self.provisioned_iops(st, allocated),
        }
        self.kms_key_needs_encryption(
            "database.storage.kms_key_id",
            st.kms_key_id.is_some(),
            st.encrypted,
            "storage is not encrypted",
            "set `encrypted: true` (the default) or remove `kms_key_id`",
        );
    }

    /// Storage autoscaling's ceiling: above the allocated storage, within the maximum size.
    fn autoscaling_ceiling(&mut self, allocated: u32, max: Option<u32>) {
        let Some(max) = max else {
            return;
        };
        if max <= allocated {
            self.error(
                "database.storage.max_allocated_gib",
                format!(
                    "the autoscaling ceiling {max} GiB must be above allocated storage ({allocated} GiB)"
                ),
            )
            .allowed(format!("{} to 65536 GiB", allocated + 1))
            .hint("omit it to turn storage autoscaling off");
        } else if max > 65536 {
            self.error(
                "database.storage.max_allocated_gib",
                format!("the autoscaling ceiling {max} GiB is above the maximum storage"),
            )
            .allowed(format!("{} to 65536 GiB", allocated + 1));
        }
    }

    /// Provisioned IOPS or throughput: only at 400 GiB or more, and then within gp3's range.
    fn gp3_provisioned(
        &mut self,
        db: &Database,
        allocated: u32,
        setting: &Gp3Provisioned,
        value: Option<u32>,
    ) {
        let Some(value) = value else {
            return;
        };
        let engine = db.engine.as_str();
        let min = GP3_PROVISIONED_MIN_GIB;
        let Gp3Provisioned {
            key, what, unit, ..
        } = *setting;
        let (lo, hi) = (*setting.range.start(), *setting.range.end());
        let path = format!("database.storage.{key}");
        if allocated < min {
            self.error(&path, format!("gp3 {what} can only be provisioned at {min} GiB or more for {engine} (allocated is {allocated} GiB)"))
                .allowed(format!("no `{key}` below {min} GiB"))
                .hint(format!("below {min} GiB gp3 gives a baseline of {}: remove `{key}`, or raise `allocated_gib` to {min}", setting.small_baseline));
        } else if !setting.range.contains(&value) {
            self.error(
                &path,
                format!("{value} {unit} is outside gp3's range for {engine} at {min} GiB or more"),
            )
            .allowed(format!("{lo} to {hi}"))
            .hint(format!(
                "{lo} {unit} is the included baseline at {min} GiB or more"
            ));
        }
    }

    /// gp2's IOPS and throughput follow its size: nothing to provision.
    fn gp2(&mut self, st: &Storage) {
        for (key, set) in [
            ("iops", st.iops.is_some()),
            ("throughput_mibps", st.throughput_mibps.is_some()),
        ] {
            if set {
                self.error(
                    &format!("database.storage.{key}"),
                    format!("gp2 takes no `{key}`: its performance follows its size"),
                )
                .allowed(format!("no `{key}` with `type: gp2`"))
                .hint(format!(
                    "remove `{key}`, or use `type: gp3` (from {GP3_PROVISIONED_MIN_GIB} GiB), `io1` or `io2` to provision it"
                ));
            }
        }
    }

    /// io1 and io2: IOPS required, within their range and 0.5 to 50 per GiB; no throughput.
    fn provisioned_iops(&mut self, st: &Storage, allocated: u32) {
        let kind = st.kind.as_str();
        let (lo, hi) = (*IO_IOPS.start(), *IO_IOPS.end());
        if st.throughput_mibps.is_some() {
            self.error(
                "database.storage.throughput_mibps",
                format!("{kind} takes no provisioned throughput: only gp3 does"),
            )
            .allowed(format!("no `throughput_mibps` with `type: {kind}`"))
            .hint("remove `throughput_mibps`; io1's and io2's throughput follows their IOPS");
        }
        let Some(iops) = st.iops else {
            self.missing(
                "database.storage",
                "iops",
                format!("{kind} storage needs its provisioned `iops`"),
            )
            .allowed(format!("{lo} to {hi}"));
            return;
        };
        let per_gib = f64::from(iops) / f64::from(allocated.max(1));
        let (min, max) = (
            (f64::from(allocated) * IOPS_PER_GIB.start()).ceil() as u32,
            (f64::from(allocated) * IOPS_PER_GIB.end()) as u32,
        );
        if !IO_IOPS.contains(&iops) {
            self.error(
                "database.storage.iops",
                format!("{iops} IOPS is outside {kind}'s range"),
            )
            .allowed(format!("{lo} to {hi}"));
        } else if !IOPS_PER_GIB.contains(&per_gib) {
            self.error(
                "database.storage.iops",
                format!(
                    "{iops} IOPS on {allocated} GiB is {per_gib:.1} per GiB; AWS allows 0.5 to 50"
                ),
            )
            .allowed(format!(
                "{} to {} at {allocated} GiB",
                min.max(lo),
                max.min(hi)
            ))
            .hint("change `iops`, or `allocated_gib` to hold them (at most 50 IOPS per GiB)");
        }
    }
}
