//! The executor: starts every step whose dependencies are done, runs independent steps
//! concurrently, and on a failure starts nothing new but lets running steps finish.

use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::aws::write::{Ids, StepContext};
use crate::aws::{AwsError, Clients};
use crate::model::{Address, Kind};
use crate::plan::{Observed, Plan, StepOp};

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
}

/// How an apply ended.
#[derive(Debug, Default)]
pub struct Report {
    pub done: Vec<usize>,
    pub failed: Vec<(usize, AwsError)>,
    /// Steps never started because an earlier one failed.
    pub not_started: Vec<usize>,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.not_started.is_empty()
    }
}

/// Executes `plan` against AWS.
pub async fn execute(
    plan: &Plan,
    observed: &Observed,
    clients: &Clients,
    final_snapshot: bool,
    on_event: &(dyn Fn(Event) + Sync),
) -> Report {
    let ids = Ids::default();
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
    let n = plan.steps.len();
    let mut state = vec![State::Waiting; n];
    let mut report = Report::default();
    let mut running = FuturesUnordered::new();
    let mut stopping = false;
    loop {
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
                    let cx = StepContext {
                        clients,
                        stack: &plan.stack,
                        desired: plan.desired(&step.address),
                        observed: observed.get(&step.address),
                        ids: &ids,
                        final_snapshot,
                    };
                    running.push(async move {
                        let start = Instant::now();
                        let result = crate::aws::write::run(step, &cx).await;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done,
    Failed,
}
