//! A claimed run keeps its claim: `work` with `chant.claim=true` (or `--claim`) claims the
//! spec before it starts (someone else's claim stops it there, exit 3), renews the lease
//! while the agent runs, and releases it once the spec is completed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::ops;
use crate::store::Store;

/// Renews a claim in the background until dropped.
pub struct Renewal {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Claims spec `id` for this run.
pub fn claim(store: &Store, id: &str) -> Result<(), Error> {
    ops::claim::claim(store, id, None, false, None)?;
    Ok(())
}

/// Renews `id`'s claim every third of its lease while the run goes on. Each renewal opens
/// the repository itself (the run's store stays with the run); one that fails is tried
/// again at the next turn.
pub fn renew_while_running(store: &Store, id: &str) -> Result<Renewal, Error> {
    let lease = ops::claim::lease(store, None)?;
    let every = Duration::from_secs((lease.seconds() / 3).max(1));
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, dir, id) = (
        stop.clone(),
        store.repo().git_dir().to_owned(),
        id.to_owned(),
    );
    let thread = std::thread::spawn(move || {
        let mut last = Instant::now();
        while !flag.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
            if last.elapsed() < every {
                continue;
            }
            last = Instant::now();
            if let Ok(store) = Store::open(&dir) {
                let _ = ops::claim::renew(&store, &id, None, None);
            }
        }
    });
    Ok(Renewal {
        stop,
        thread: Some(thread),
    })
}

impl Drop for Renewal {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Lets go of `id`'s claim after its run completed it (a run that stopped short keeps the
/// claim until its lease ends, so `resume` finds it still yours).
pub fn release_if_done(store: &Store, id: &str, status: &str) {
    if crate::lifecycle::Status::Completed.is(status) {
        let _ = ops::claim::release(store, id, false, None);
    }
}
