//! The executor: starts every step whose dependencies are done, runs independent steps
//! concurrently, journals each step before and after its side effect, waits out conflicts
//! (a resource still modifying), and on a failure or a stop (a signal) starts nothing new but
//! lets running steps finish. [`undo`] reverses what a journal says an apply did.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::effects::{Effects, StepInput};
use super::journal::{ApplyState, Journal, StepState};
use crate::aws::AwsError;
use crate::aws::write::Ids;
use crate::aws::write::owner::UndoOf;
use crate::model::{Address, Kind};
use crate::plan::{Observed, ObservedResource, Plan, Step, StepOp};
use crate::stop::Stop;

/// What happened, for reporters.
#[derive(Debug, Clone)]
pub enum Event {
    Started {
        step: usize,
        address: Address,
        op: StepOp,
    },
    Finished {
        step: usize,
        address: Address,
        op: StepOp,
        elapsed: Duration,
    },
    Failed {
        step: usize,
        address: Address,
        op: StepOp,
        error: AwsError,
    },
    /// A conflict (the resource is busy) is being waited out before trying again.
    Retrying {
        step: usize,
        address: Address,
        error: AwsError,
    },
    Undoing {
        step: usize,
        address: Address,
        op: StepOp,
    },
    Undone {
        step: usize,
        address: Address,
        op: StepOp,
    },
    NotUndone {
        step: usize,
        address: Address,
        reason: String,
    },
}

/// How an apply ended.
#[derive(Debug, Default)]
pub struct Report {
    pub done: Vec<usize>,
    pub failed: Vec<(usize, AwsError)>,
    /// Steps never started because an earlier one failed or a stop was requested.
    pub not_started: Vec<usize>,
    /// Steps running when a stop was requested (they were let finish).
    pub in_flight_at_stop: usize,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.not_started.is_empty()
    }
}

/// How an undo ended.
#[derive(Debug, Default)]
pub struct UndoReport {
    pub undone: Vec<Address>,
    /// What could not be undone, and why.
    pub not_undone: Vec<(Address, String)>,
    /// Creates whose name is held by something this apply did not create, left alone.
    pub left_alone: Vec<(Address, String)>,
}

/// The journal of the running apply, written through to AWS before and after every side
/// effect. Writes are group-committed: a change returns once a write that includes it is
/// durable, so steps that record at the same time share one write instead of queueing.
pub struct Journaled<'a> {
    effects: &'a dyn Effects,
    /// The journal in memory and its version (one per change).
    state: std::sync::Mutex<(Journal, u64)>,
    /// Held while a write is in flight; holds the version last made durable.
    writer: tokio::sync::Mutex<u64>,
    written_once: std::sync::atomic::AtomicBool,
    /// Test hook: abort the process right after this many journal writes.
    crash_after: Option<usize>,
    /// The apply's id, the mark its creates put on what they create.
    pub apply_id: String,
}

impl<'a> Journaled<'a> {
    pub fn new(effects: &'a dyn Effects, journal: Journal, already_in_aws: bool) -> Self {
        Journaled {
            apply_id: journal.apply_id.clone(),
            effects,
            state: std::sync::Mutex::new((journal, 0)),
            writer: tokio::sync::Mutex::new(0),
            written_once: std::sync::atomic::AtomicBool::new(already_in_aws),
            crash_after: std::env::var("STACKCTL_TEST_CRASH_AFTER_JOURNAL_WRITES")
                .ok()
                .and_then(|v| v.parse().ok()),
        }
    }

    /// Changes the journal and returns once AWS (and the local copy) hold the change.
    pub async fn record(&self, change: impl FnOnce(&mut Journal)) -> Result<(), AwsError> {
        let mine = {
            let mut st = self
                .state
                .lock()
                .map_err(|_| AwsError::other("journal", "poisoned"))?;
            change(&mut st.0);
            st.1 += 1;
            st.1
        };
        let mut durable = self.writer.lock().await;
        if *durable >= mine {
            return Ok(());
        }
        let (snapshot, version) = {
            let mut st = self
                .state
                .lock()
                .map_err(|_| AwsError::other("journal", "poisoned"))?;
            st.0.writes += 1;
            (st.0.clone(), st.1)
        };
        let first = !self
            .written_once
            .swap(true, std::sync::atomic::Ordering::SeqCst);
        self.effects.save_journal(&snapshot, first).await?;
        *durable = version;
        if self.crash_after.is_some_and(|n| snapshot.writes >= n) {
            // Fault injection for tests: die as SIGKILL would, right after a durable write.
            std::process::abort();
        }
        Ok(())
    }

    pub async fn mark(
        &self,
        step: usize,
        state: StepState,
        error: Option<String>,
    ) -> Result<(), AwsError> {
        let mut bad = None;
        self.record(|j| {
            if let Err(e) = j.mark(step, state, error) {
                bad = Some(e);
            }
        })
        .await?;
        match bad {
            Some(e) => Err(AwsError::other("journal", e.to_string())),
            None => Ok(()),
        }
    }

    /// Ends a step: its state, its error, and what AWS returned for a create.
    pub async fn finish(
        &self,
        step: usize,
        state: StepState,
        error: Option<String>,
        outputs: BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let mut bad = None;
        self.record(|j| {
            if let Err(e) = j.mark(step, state, error) {
                bad = Some(e);
            }
            j.set_outputs(step, outputs);
        })
        .await?;
        match bad {
            Some(e) => Err(AwsError::other("journal", e.to_string())),
            None => Ok(()),
        }
    }

    pub async fn set_state(&self, state: ApplyState) -> Result<(), AwsError> {
        self.record(|j| {
            j.set_state(state);
        })
        .await
    }

    pub async fn snapshot(&self) -> Journal {
        match self.state.lock() {
            Ok(st) => st.0.clone(),
            Err(e) => e.into_inner().0.clone(),
        }
    }
}

/// AWS says the resource is busy (still creating or modifying): wait and try again.
fn is_conflict(e: &AwsError) -> bool {
    [
        "InvalidDBInstanceState",
        "InvalidDBProxyStateFault",
        "InvalidReplicationGroupState",
        "InvalidCacheClusterState",
        "InvalidDBParameterGroupState",
        "InvalidCacheParameterGroupState",
        "DependencyViolation",
    ]
    .iter()
    .any(|c| e.code.contains(c))
}

/// How long a step may wait out conflicts: `STACKCTL_CONFLICT_WAIT_SECONDS` (default 30 min).
fn conflict_limit() -> Duration {
    std::env::var("STACKCTL_CONFLICT_WAIT_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(30 * 60))
}

/// Runs one step, waiting out conflicts with backoff.
async fn run_step(
    effects: &dyn Effects,
    step: &Step,
    input: &StepInput<'_>,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<(), AwsError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match effects.run(step, input.clone()).await {
            Err(e) if is_conflict(&e) && start.elapsed() + delay < conflict_limit() => {
                on_event(Event::Retrying {
                    step: step.id,
                    address: step.address.clone(),
                    error: e,
                });
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(15));
            }
            other => return other,
        }
    }
}

/// How an execution runs.
pub struct Control<'a> {
    /// Take final snapshots before deleting databases and Redis.
    pub final_snapshot: bool,
    /// Once set, no new step starts.
    pub stop: &'a Stop,
}

/// Executes `plan` through `effects`, journaling every step when `journal` is given.
pub async fn execute(
    plan: &Plan,
    observed: &Observed,
    effects: &dyn Effects,
    ids: &Ids,
    control: Control<'_>,
    on_event: &(dyn Fn(Event) + Sync),
    journal: Option<&Journaled<'_>>,
) -> Report {
    let final_snapshot = control.final_snapshot;
    seed_ids(plan, observed, ids);
    let n = plan.steps.len();
    let mut state = vec![State::Waiting; n];
    let mut report = Report::default();
    let mut running = FuturesUnordered::new();
    let mut stopping = false;
    loop {
        if !stopping && control.stop.reason().is_some() {
            stopping = true;
            report.in_flight_at_stop = running.len();
        }
        if !stopping {
            for step in &plan.steps {
                if state[step.id] == State::Waiting
                    && step.depends_on.iter().all(|d| state[*d] == State::Done)
                {
                    state[step.id] = State::Running;
                    on_event(Event::Started {
                        step: step.id,
                        address: step.address.clone(),
                        op: step.op,
                    });
                    let input = StepInput {
                        stack: &plan.stack,
                        desired: plan.makes(step),
                        observed: observed.get(&step.address),
                        ids,
                        final_snapshot,
                        apply_id: journal.map(|j| j.apply_id.as_str()).unwrap_or_default(),
                        undo: None,
                        wait: step.wait,
                    };
                    if step.op == StepOp::Create {
                        // What this create records is what AWS returns to it, nothing older.
                        ids.forget(&step.address, CREATED);
                    }
                    running.push(async move {
                        let start = Instant::now();
                        let result = async {
                            if let Some(j) = journal {
                                j.mark(step.id, StepState::Started, None).await?;
                            }
                            let r = run_step(effects, step, &input, on_event).await;
                            if let Some(j) = journal {
                                let (s, e) = match &r {
                                    Ok(()) => (StepState::Done, None),
                                    Err(e) => (StepState::Failed, Some(e.to_string())),
                                };
                                let outputs = match step.op {
                                    StepOp::Create => ids.only(&step.address, CREATED),
                                    _ => BTreeMap::new(),
                                };
                                j.finish(step.id, s, e, outputs).await?;
                            }
                            r
                        }
                        .await;
                        (step, result, start.elapsed())
                    });
                }
            }
        }
        let Some((step, result, elapsed)) = running.next().await else {
            break;
        };
        match result {
            Ok(()) => {
                state[step.id] = State::Done;
                report.done.push(step.id);
                on_event(Event::Finished {
                    step: step.id,
                    address: step.address.clone(),
                    op: step.op,
                    elapsed,
                });
            }
            Err(error) => {
                state[step.id] = State::Failed;
                stopping = true;
                on_event(Event::Failed {
                    step: step.id,
                    address: step.address.clone(),
                    op: step.op,
                    error: error.clone(),
                });
                report.failed.push((step.id, error));
            }
        }
    }
    report.not_started = (0..n).filter(|i| state[*i] == State::Waiting).collect();
    report
}

/// The identifiers a create's response gives, which its journal entry keeps.
const CREATED: &[&str] = &["arn", "id"];

fn seed_ids(plan: &Plan, observed: &Observed, ids: &Ids) {
    for (addr, o) in &observed.resources {
        ids.seed(addr, &o.ids);
    }
    // A generated master password's secret records the user name beside it.
    for r in &plan.desired {
        if r.address.kind == Kind::DbInstance
            && let Some(user) = r.str("master_username")
        {
            let secret = Address::new(
                Kind::Secret,
                crate::model::secret::master_secret_name(&plan.stack, &r.address.name),
            );
            ids.set(&secret, "username", user);
        }
    }
}

/// Undoes what the journal says the apply did, most recent first, each step as the plan fixed
/// its undo (`Step::undo`): deletes what it created, restores what it updated to the values
/// AWS had before, registers again a proxy target it deregistered. Any other deletion cannot
/// be undone.
/// Idempotent: undoing a create whose resource never came to be, or was already deleted,
/// succeeds; so does running the undo again. Once `stop` is set, nothing more is undone.
pub async fn undo(
    journal: &Journaled<'_>,
    effects: &dyn Effects,
    ids: &Ids,
    on_event: &(dyn Fn(Event) + Sync),
    stop: &Stop,
) -> UndoReport {
    let snapshot = journal.snapshot().await;
    let mut report = UndoReport::default();
    for id in snapshot.undo_order() {
        let Some(js) = snapshot.steps.iter().find(|s| s.id == id) else {
            continue;
        };
        let address = js.address.clone();
        if stop.reason().is_some() {
            report
                .not_undone
                .push((address, "stopped before its undo".to_owned()));
            continue;
        }
        let planned = js
            .undo
            .clone()
            .filter(|_| js.op != StepOp::Delete || js.state == StepState::Done);
        let Some(planned) = planned else {
            let reason = match (js.op, js.state) {
                (StepOp::Delete, StepState::Done) => {
                    "it was deleted, and a deletion cannot be undone"
                }
                (StepOp::Delete, _) => {
                    "its deletion may have begun, and a deletion cannot be undone"
                }
                _ => "the plan has no record of its previous values",
            }
            .to_owned();
            let _ = journal
                .mark(id, StepState::NotUndoable, Some(reason.clone()))
                .await;
            on_event(Event::NotUndone {
                step: id,
                address: address.clone(),
                reason: reason.clone(),
            });
            report.not_undone.push((address, reason));
            continue;
        };
        let (op, desired, wait) = (planned.op, planned.restores, planned.wait);
        // What an update's undo changes back from: what the step made.
        let observed =
            js.after
                .clone()
                .filter(|_| op == StepOp::Update)
                .map(|r| ObservedResource {
                    resource: r,
                    owned: true,
                    status: String::new(),
                    pending: Default::default(),
                    facts: Default::default(),
                    ids: Default::default(),
                });
        // A replica's or proxy target's undo of an update restores only what changed.
        let step = Step {
            id,
            address: address.clone(),
            op,
            attributes: js.attributes.clone(),
            reboot: false,
            depends_on: Vec::new(),
            impact: crate::model::Impact::Online,
            resource: None,
            calls: Vec::new(),
            undo: None,
            wait,
        };
        if let Err(e) = journal.mark(id, StepState::Undoing, None).await {
            report
                .not_undone
                .push((address, format!("the journal could not be written: {e}")));
            continue;
        }
        on_event(Event::Undoing {
            step: id,
            address: address.clone(),
            op,
        });
        let input = StepInput {
            stack: &snapshot.stack,
            desired: desired.as_ref(),
            observed: observed.as_ref(),
            ids,
            final_snapshot: false,
            apply_id: &snapshot.apply_id,
            undo: (js.op == StepOp::Create).then(|| {
                ids.seed(&address, &js.outputs);
                UndoOf {
                    marks: vec![snapshot.apply_of(js).to_owned()],
                    recorded: js.outputs.get("arn").or(js.outputs.get("id")).cloned(),
                }
            }),
            wait,
        };
        match run_step(effects, &step, &input, on_event).await {
            // What holds the name is not what this apply created: there is nothing to undo.
            Err(e) if matches!(e.code.as_str(), "NotOwned" | "NotThisApply") => {
                let _ = journal
                    .mark(id, StepState::Undone, Some(e.message.clone()))
                    .await;
                report.left_alone.push((address, e.message));
            }
            Ok(()) => {
                let _ = journal.mark(id, StepState::Undone, None).await;
                on_event(Event::Undone {
                    step: id,
                    address: address.clone(),
                    op,
                });
                report.undone.push(address);
            }
            Err(e) => {
                let _ = journal
                    .mark(id, StepState::UndoFailed, Some(e.to_string()))
                    .await;
                on_event(Event::NotUndone {
                    step: id,
                    address: address.clone(),
                    reason: e.to_string(),
                });
                report.not_undone.push((address, e.to_string()));
            }
        }
    }
    report
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done,
    Failed,
}
