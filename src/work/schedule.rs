//! Running many specs: a queue worked by N threads, each spec in its own worktree and each
//! run opening the repository itself; with `chain`, the next ready spec is taken when the
//! queue is empty, and the first run that does not finish stops the others from starting;
//! with `--merge`, each completed run lands before its thread takes the next spec.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::{next_ready, work, Options, RunOutcome};
use crate::error::Error;
use crate::lifecycle::Status;
use crate::store::Store;

/// How a batch runs.
pub struct Batch {
    /// Specs to work first, in order.
    pub queue: VecDeque<String>,
    /// Runs at once (at least one).
    pub parallel: usize,
    /// Take the next ready spec when the queue is empty; stop at the first failure.
    pub chain: bool,
    /// With `chain`: at most this many runs in all.
    pub limit: Option<usize>,
    /// The agents (settings, as `--agent` takes them) the slots use in turn; empty: the
    /// options' own.
    pub agents: Vec<String>,
}

/// A run that ended where the agent meant it to: completed, or handed back for attention.
pub fn finished(status: &str) -> bool {
    matches!(
        Status::of(status),
        Status::Completed | Status::NeedsAttention
    )
}

/// With `--merge`, lands a completed run's branch, one run at a time (a dependent taken
/// next then starts from the landed tip). The store is opened again: the run recorded the
/// branch's target in the config after the first was opened.
fn land_completed(
    mut outcome: RunOutcome,
    opts: &Options,
    landing: &Mutex<()>,
) -> Result<RunOutcome, Error> {
    let Some(land_opts) = &opts.land else {
        return Ok(outcome);
    };
    if !Status::Completed.is(&outcome.status) {
        return Ok(outcome);
    }
    let _turn = landing.lock().unwrap_or_else(|p| p.into_inner());
    let store = Store::open(".")?;
    outcome.landed = Some(super::land::land(&store, &outcome.id, land_opts)?);
    Ok(outcome)
}

/// Works the batch; each run's spec id and outcome, in the order they ended.
pub fn run_batch(mut batch: Batch, opts: &Options) -> Vec<(String, Result<RunOutcome, Error>)> {
    let queue = Mutex::new(std::mem::take(&mut batch.queue));
    let taken = Mutex::new(Vec::<String>::new());
    let results = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let landing = Mutex::new(());
    // A poisoned lock only means another run panicked: its data is still whole.
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }
    std::thread::scope(|scope| {
        for slot in 0..batch.parallel.max(1) {
            let mut opts = opts.clone();
            if !batch.agents.is_empty() {
                opts.agent = Some(batch.agents[slot % batch.agents.len()].clone());
            }
            let (queue, taken, results, stop, landing, batch) =
                (&queue, &taken, &results, &stop, &landing, &batch);
            scope.spawn(move || loop {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let next = {
                    let mut q = lock(queue);
                    let mut taken = lock(taken);
                    let next = q.pop_front().or_else(|| {
                        if !batch.chain || batch.limit.is_some_and(|n| taken.len() >= n) {
                            return None;
                        }
                        Store::open(".")
                            .ok()
                            .and_then(|s| next_ready(&s, &taken).ok().flatten())
                    });
                    if let Some(id) = &next {
                        taken.push(id.clone());
                    }
                    next
                };
                let Some(id) = next else { return };
                let outcome = Store::open(".")
                    .map_err(Error::from)
                    .and_then(|s| work(&s, &id, &opts))
                    .and_then(|o| land_completed(o, &opts, landing));
                if batch.chain && !matches!(&outcome, Ok(o) if finished(&o.status)) {
                    stop.store(true, Ordering::SeqCst);
                }
                lock(results).push((id, outcome));
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner())
}
