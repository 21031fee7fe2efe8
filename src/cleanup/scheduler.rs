//! The process-wide side of cleanup: the list of every manager, the `Manual` queue and the
//! `Background` worker.
//!
//! Under loom the lists are made afresh for each execution of a model (a static holding loom
//! objects from one execution breaks the next), and `Background` runs each pass inline on the
//! requesting thread: a pass requested in one execution never runs in another, and no thread
//! outside the model runs the crate's code.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::cleanup::SharedCleanable;
use crate::flavor::Shared;

type Job = Weak<SharedCleanable>;

type WeakList = super::WeakList<Shared, SharedCleanable>;

/// The process-wide lists. Std locks in both builds: they are leaves (nothing else is taken
/// while one is held, no user code runs under them), so loom need not see them.
struct Lists {
    /// Every manager of the process, for `purge_all`, `report` and mode changes.
    managers: Mutex<WeakList>,
    /// Managers with a pass pending in `Manual` mode, each at most once.
    manual: Mutex<WeakList>,
}

impl Lists {
    const fn new() -> Self {
        Lists {
            managers: Mutex::new(WeakList::new()),
            manual: Mutex::new(WeakList::new()),
        }
    }
}

#[cfg(not(loom))]
fn lists() -> &'static Lists {
    static LISTS: Lists = Lists::new();
    &LISTS
}

#[cfg(loom)]
fn lists() -> &'static Lists {
    loom::lazy_static! {
        static ref LISTS: Lists = Lists::new();
    }
    &LISTS
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn register(manager: Job) {
    lock(&lists().managers).push(manager);
}

pub(crate) fn managers() -> Vec<Arc<SharedCleanable>> {
    lock(&lists().managers).alive()
}

/// Queues `manager` for the next `run_pending_cleanup`, unless it is queued already.
pub(crate) fn push_manual(manager: &Arc<SharedCleanable>) {
    if manager.cleanup_state().claim_manual_slot() {
        lock(&lists().manual).push(Arc::downgrade(manager));
    }
}

pub(crate) fn take_manual() -> Vec<Job> {
    std::mem::take(&mut lock(&lists().manual).managers)
}

pub(crate) fn manual_len() -> usize {
    lock(&lists().manual).managers.len()
}

pub(crate) use imp::{push_background, DEFAULT_MODE, MODE};

#[cfg(not(loom))]
mod imp {
    use std::sync::{Arc, Mutex, Weak};
    use std::time::Duration;

    use crossbeam_channel::{Receiver, Sender};

    use super::{lock, push_manual, Job};
    use crate::cleanup::{CleanupMode, SharedCleanable};

    pub(crate) const DEFAULT_MODE: CleanupMode = CleanupMode::Background;
    pub(crate) static MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

    /// How long the worker waits after a request before it runs, so a burst costs one pass.
    const DEBOUNCE: Duration = Duration::from_millis(5);
    /// How long the worker stays idle before it exits (a later request starts a new one).
    const IDLE_EXIT: Duration = Duration::from_secs(2);

    static WORKER: Mutex<Worker> = Mutex::new(Worker {
        channel: None,
        running: false,
    });

    struct Worker {
        channel: Option<(Sender<Job>, Receiver<Job>)>,
        running: bool,
    }

    /// Queues `job` for the worker, starting one if none runs. Sending and the worker's decision
    /// to exit both happen under `WORKER`, so no job is left in the channel without a worker.
    pub(crate) fn push_background(job: Job, manager: &Arc<SharedCleanable>) {
        let mut worker = lock(&WORKER);
        let (sender, receiver) = worker
            .channel
            .get_or_insert_with(crossbeam_channel::unbounded);
        // Unbounded and its receiver is kept here: sending cannot fail.
        let _ = sender.send(job);
        let receiver = receiver.clone();
        if worker.running {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("weak-events-cleanup".into())
            .spawn(move || run_worker(receiver));
        match spawned {
            Ok(_) => worker.running = true,
            Err(_) => {
                // No thread to be had: run the pass here rather than lose it.
                drop(worker);
                manager.run_pending();
            }
        }
    }

    fn run_worker(receiver: Receiver<Job>) {
        loop {
            let first = match receiver.recv_timeout(IDLE_EXIT) {
                Ok(job) => job,
                Err(_) => {
                    let mut worker = lock(&WORKER);
                    if receiver.is_empty() {
                        worker.running = false;
                        return;
                    }
                    continue;
                }
            };
            std::thread::sleep(DEBOUNCE);
            let mut jobs = vec![first];
            jobs.extend(receiver.try_iter());
            jobs.sort_by_key(|job| job.as_ptr().cast::<()>() as usize);
            jobs.dedup_by(|a, b| Weak::ptr_eq(a, b));
            for job in jobs {
                // A pass runs user code (a source's drop, `WeakEvent::event`), and so does the
                // drop of the last handle to a manager (it detaches from its sources): a panic
                // there must not kill the worker and with it every later request.
                crate::panic::FirstPanic::new().catch(move || {
                    let Some(manager) = job.upgrade() else {
                        return;
                    };
                    match manager.cleanup_state().mode() {
                        // The mode changed while the job waited: hand it over, lose nothing.
                        CleanupMode::Manual => push_manual(&manager),
                        CleanupMode::Background | CleanupMode::Inline => {
                            manager.run_pending();
                        }
                    }
                });
            }
        }
    }
}

#[cfg(loom)]
mod imp {
    use std::sync::{Arc, Weak};

    use crate::cleanup::{CleanupMode, SharedCleanable};

    /// Inline under loom: a pass runs on the requesting (model) thread.
    pub(crate) const DEFAULT_MODE: CleanupMode = CleanupMode::Inline;
    pub(crate) static MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

    /// `Background` under loom: the pass runs inline, within the execution that asked for it.
    pub(crate) fn push_background(_: Weak<SharedCleanable>, manager: &Arc<SharedCleanable>) {
        manager.run_pending();
    }
}
