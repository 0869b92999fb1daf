//! The executor's ordering, failure, conflict, journal and undo logic, against a recording
//! double of its one seam ([`super::effects::Effects`]): no AWS here, whose behaviour is
//! tested against the emulator only.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::LocalBoxFuture;

use super::effects::{Effects, StepInput};
use super::executor::{Control, Journaled, execute, undo};
use super::journal::{Journal, StepState};
use crate::aws::AwsError;
use crate::aws::write::Ids;
use crate::model::{Address, Impact, Kind, Resource};
use crate::plan::{Observed, ObservedResource, Plan, Step, StepOp, Until, Wait};
use crate::stop::Stop;

/// Records every call and journal write, in order; fails or conflicts where told.
#[derive(Default)]
struct Recording {
    log: RefCell<Vec<String>>,
    /// Step id → how long its call takes (ms).
    takes: BTreeMap<usize, u64>,
    /// Step id → the error code its call fails with.
    fails: BTreeMap<usize, &'static str>,
    /// Step id → how many times it meets a conflict before it succeeds.
    conflicts: RefCell<BTreeMap<usize, usize>>,
    /// The resource each call was given to make, by step id, in order.
    given: RefCell<Vec<(usize, Option<Resource>)>>,
    /// The wait each call was given, by step id, in order.
    waits: RefCell<Vec<(usize, Option<Wait>)>>,
}

impl Recording {
    fn at(&self, entry: &str) -> usize {
        let log = self.log.borrow();
        log.iter()
            .position(|l| l == entry)
            .unwrap_or_else(|| panic!("no `{entry}` in {log:#?}"))
    }
    fn has(&self, entry: &str) -> bool {
        self.log.borrow().iter().any(|l| l == entry)
    }
}

impl Effects for Recording {
    fn run<'a>(
        &'a self,
        step: &'a Step,
        input: StepInput<'a>,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>> {
        Box::pin(async move {
            let op = format!("{:?}", step.op).to_lowercase();
            let undo = if input.undo.is_some() { " (undo)" } else { "" };
            self.log
                .borrow_mut()
                .push(format!("start {} {op}{undo}", step.id));
            self.given
                .borrow_mut()
                .push((step.id, input.desired.cloned()));
            self.waits.borrow_mut().push((step.id, input.wait));
            let ms = self.takes.get(&step.id).copied().unwrap_or(5);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            self.log
                .borrow_mut()
                .push(format!("end {} {op}{undo}", step.id));
            if let Some(n) = self.conflicts.borrow_mut().get_mut(&step.id)
                && *n > 0
            {
                *n -= 1;
                return Err(error("InvalidDBInstanceState"));
            }
            match self.fails.get(&step.id) {
                Some(code) => Err(error(code)),
                None => Ok(()),
            }
        })
    }

    fn save_journal<'a>(
        &'a self,
        journal: &'a Journal,
        _first: bool,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>> {
        let states: Vec<String> = journal
            .steps
            .iter()
            .map(|s| format!("{}:{:?}", s.id, s.state))
            .collect();
        self.log
            .borrow_mut()
            .push(format!("journal {}", states.join(",")));
        Box::pin(async { Ok(()) })
    }
}

fn error(code: &str) -> AwsError {
    let mut e = AwsError::other("test", "injected");
    e.code = code.to_owned();
    e
}

/// A plan of steps, each `(op, depends_on)`, on alarms named after their ids, each with the
/// undo the planner fixes for it (against nothing observed: creates are undone by deletes).
fn plan(steps: &[(StepOp, &[usize])]) -> Plan {
    let mut p = Plan {
        format_version: crate::plan::FORMAT_VERSION,
        stackctl_version: String::new(),
        stack: "t".into(),
        region: "us-east-1".into(),
        observed_fingerprint: String::new(),
        changes: Vec::new(),
        notes: Vec::new(),
        desired: Vec::new(),
        spec: None,
        steps: steps
            .iter()
            .enumerate()
            .map(|(id, (op, deps))| Step {
                id,
                address: Address::new(Kind::Alarm, format!("a{id}")),
                op: *op,
                attributes: Vec::new(),
                reboot: false,
                depends_on: deps.to_vec(),
                impact: Impact::Online,
                resource: None,
                calls: Vec::new(),
                undo: None,
                wait: None,
            })
            .collect(),
    };
    crate::plan::undo::fix(&mut p.steps, &Observed::default());
    p
}

async fn run(fx: &Recording, p: &Plan, journal: Option<&Journaled<'_>>) -> super::Report {
    let stop = Stop::default();
    let control = Control {
        final_snapshot: false,
        stop: &stop,
    };
    execute(
        p,
        &Observed::default(),
        fx,
        &Ids::default(),
        control,
        &|_| {},
        journal,
    )
    .await
}

const CREATE: StepOp = StepOp::Create;

#[tokio::test]
async fn a_step_starts_only_after_its_dependencies_and_independent_steps_overlap() {
    // 0 → (1, 2) → 3
    let p = plan(&[
        (CREATE, &[]),
        (CREATE, &[0]),
        (CREATE, &[0]),
        (CREATE, &[1, 2]),
    ]);
    let fx = Recording {
        takes: BTreeMap::from([(1, 30), (2, 30)]),
        ..Default::default()
    };
    let report = run(&fx, &p, None).await;
    assert!(report.succeeded(), "{report:?}");
    for later in ["start 1 create", "start 2 create"] {
        assert!(fx.at("end 0 create") < fx.at(later));
    }
    assert!(
        fx.at("start 2 create") < fx.at("end 1 create")
            && fx.at("start 1 create") < fx.at("end 2 create"),
        "1 and 2 depend only on 0: they run at once"
    );
    for earlier in ["end 1 create", "end 2 create"] {
        assert!(fx.at(earlier) < fx.at("start 3 create"));
    }
}

#[tokio::test]
async fn after_a_failure_nothing_new_starts_and_running_steps_finish() {
    // 0 → (1 fails at once, 2 slow) → 3
    let p = plan(&[
        (CREATE, &[]),
        (CREATE, &[0]),
        (CREATE, &[0]),
        (CREATE, &[1, 2]),
    ]);
    let fx = Recording {
        takes: BTreeMap::from([(2, 50)]),
        fails: BTreeMap::from([(1, "ValidationError")]),
        ..Default::default()
    };
    let report = run(&fx, &p, None).await;
    assert_eq!(
        report.failed.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [1]
    );
    assert!(fx.has("end 2 create"), "the running step is let finish");
    assert_eq!(report.done, [0, 2]);
    assert_eq!(report.not_started, [3]);
    assert!(!fx.has("start 3 create"));
}

#[tokio::test]
async fn a_busy_resource_is_waited_out_and_the_step_tried_again() {
    let p = plan(&[(CREATE, &[])]);
    let fx = Recording {
        conflicts: RefCell::new(BTreeMap::from([(0, 2)])),
        ..Default::default()
    };
    let report = run(&fx, &p, None).await;
    assert!(report.succeeded(), "{report:?}");
    let starts = fx
        .log
        .borrow()
        .iter()
        .filter(|l| *l == "start 0 create")
        .count();
    assert_eq!(starts, 3, "two conflicts, then the call that succeeds");
}

#[tokio::test]
async fn each_step_is_journaled_started_before_its_call_and_done_after_it() {
    let p = plan(&[(CREATE, &[]), (CREATE, &[0])]);
    let fx = Recording::default();
    let journal = Journal::new(&p, "id".into(), "me".into());
    let journaled = Journaled::new(&fx, journal, false);
    let report = run(&fx, &p, Some(&journaled)).await;
    assert!(report.succeeded(), "{report:?}");
    let first_with = |state: &str| -> usize {
        let log = fx.log.borrow();
        log.iter()
            .position(|l| l.starts_with("journal") && l.contains(state))
            .unwrap_or_else(|| panic!("no journal write with {state}: {log:#?}"))
    };
    for id in [0, 1] {
        assert!(
            first_with(&format!("{id}:Started")) < fx.at(&format!("start {id} create")),
            "step {id}'s intent is durable before its call"
        );
        assert!(
            fx.at(&format!("end {id} create")) < first_with(&format!("{id}:Done")),
            "step {id} is done only after its call"
        );
    }
}

#[tokio::test]
async fn undo_deletes_what_was_created_most_recent_first_and_never_undoes_a_delete() {
    // 0 create → 1 delete → 2 create
    let p = plan(&[(CREATE, &[]), (StepOp::Delete, &[0]), (CREATE, &[1])]);
    let fx = Recording::default();
    let journal = Journal::new(&p, "id".into(), "me".into());
    let journaled = Journaled::new(&fx, journal, false);
    assert!(run(&fx, &p, Some(&journaled)).await.succeeded());
    fx.log.borrow_mut().clear();
    let report = undo(&journaled, &fx, &Ids::default(), &|_| {}, &Stop::default()).await;
    assert!(fx.at("start 2 delete (undo)") < fx.at("start 0 delete (undo)"));
    assert!(
        !fx.has("start 1 create (undo)") && !fx.has("start 1 delete (undo)"),
        "a deletion cannot be undone: nothing runs for it"
    );
    assert_eq!(report.undone.len(), 2);
    assert_eq!(report.not_undone.len(), 1);
    let last = journaled.snapshot().await;
    assert_eq!(last.steps[0].state, StepState::Undone);
    assert_eq!(last.steps[1].state, StepState::NotUndoable);
}

#[tokio::test]
async fn undo_registers_again_a_proxy_target_it_deregistered_as_aws_had_it() {
    let mut p = plan(&[(StepOp::Delete, &[])]);
    let target = Address::new(Kind::ProxyTarget, "proxy/db");
    p.steps[0].address = target.clone();
    let before = Resource::new(Kind::ProxyTarget, "proxy/db").set("db_instance", "db");
    let mut observed = Observed::default();
    observed.insert(ObservedResource {
        resource: before.clone(),
        owned: true,
        status: "available".into(),
        pending: Default::default(),
        facts: Default::default(),
        ids: Default::default(),
    });
    crate::plan::undo::fix(&mut p.steps, &observed);
    let fx = Recording::default();
    let journal = Journal::new(&p, "id".into(), "me".into());
    let journaled = Journaled::new(&fx, journal, false);
    assert!(run(&fx, &p, Some(&journaled)).await.succeeded());
    fx.given.borrow_mut().clear();
    let report = undo(&journaled, &fx, &Ids::default(), &|_| {}, &Stop::default()).await;
    assert_eq!(report.undone, vec![target]);
    assert!(report.not_undone.is_empty(), "{:?}", report.not_undone);
    assert!(fx.has("start 0 create"), "registered again");
    assert_eq!(*fx.given.borrow(), vec![(0, Some(before))], "as AWS had it");
    assert_eq!(journaled.snapshot().await.steps[0].state, StepState::Undone);
}

#[tokio::test]
async fn each_step_and_each_undo_waits_as_the_plan_says() {
    let mut p = plan(&[(CREATE, &[])]);
    p.steps[0].address = Address::new(Kind::DbInstance, "db");
    let (step_wait, undo_wait) = (
        Wait {
            until: Until::Available,
            limit_seconds: 7,
        },
        Wait {
            until: Until::Gone,
            limit_seconds: 11,
        },
    );
    p.steps[0].wait = Some(step_wait);
    p.steps[0].undo.as_mut().expect("a create's undo").wait = Some(undo_wait);
    let fx = Recording::default();
    let journal = Journal::new(&p, "id".into(), "me".into());
    let journaled = Journaled::new(&fx, journal, false);
    assert!(run(&fx, &p, Some(&journaled)).await.succeeded());
    undo(&journaled, &fx, &Ids::default(), &|_| {}, &Stop::default()).await;
    assert_eq!(
        *fx.waits.borrow(),
        vec![(0, Some(step_wait)), (0, Some(undo_wait))]
    );
}
