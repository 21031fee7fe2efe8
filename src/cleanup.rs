//! Idle-time cleanup: when and where the entries of dead receivers and sources are pruned.
//!
//! A manager never scans its table on the delivery path. Work is *requested* (an add that doubled
//! its source's list, a delivery that met a dead receiver, a source found dead, an explicit
//! [`WeakEventManager::schedule_cleanup`](crate::WeakEventManager::schedule_cleanup)), and a
//! *pass* runs later, visiting only the sources marked dirty since the last pass (a full pass
//! only when one was asked for). Where the pass runs is the manager's [`CleanupMode`].
//!
//! # Guarantees
//!
//! - A request is never lost: requests coalesce into one pending flag per manager, which a pass
//!   clears *before* it takes the dirty queue, so a request made while a pass runs leads to
//!   another pass.
//! - Every entry that was dead when a request covering it was made is gone after the next pass
//!   (in `Background` mode soon after the request; in `Manual` mode at the next
//!   [`run_pending_cleanup`]).
//! - A pass never removes a live registration, including one added while it runs: each source is
//!   pruned under its own list lock, and a receiver whose strong count reached zero never lives
//!   again.
//!
//! # Atomic orderings
//!
//! `pending` and each source's `dirty` flag are swapped with `AcqRel`: a requester marks the
//! source dirty (queue push under the queue mutex) *then* swaps `pending` to true; a pass swaps
//! `pending` to false *then* takes the queue. Either the pass's take sees the push, or the
//! requester's swap sees `false` and dispatches a new pass.

use std::fmt;
use std::sync::{Arc, Weak};

use crate::sync::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

/// Where a manager's cleanup passes run.
///
/// # How a dead source is found
///
/// - A source with an [`Event`](crate::Event): the `Event` drops the manager's forwarding
///   handler with the source, and that drop requests a pass over the source.
/// - A source with a [`DropNotice`](crate::DropNotice): the same, through the notice.
/// - A source with neither: nothing tells the manager, so the table's own *upkeep* finds it.
///   When the table has doubled since its last upkeep, the add that doubled it drops every dead
///   source's entries (one strong-count read per source, no user code), and the next upkeep is
///   set at twice what survived. The table so never holds more than twice the sources that were
///   alive at the last upkeep (floor: 16), at O(1) amortised per new source, in every mode.
///
/// A requested full pass ([`schedule_cleanup`](crate::WeakEventManager::schedule_cleanup),
/// [`purge`](crate::WeakEventManager::purge), [`purge_all`]) purges every dead source, whatever
/// announced it.
///
/// # Examples
///
/// ```
/// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
///
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = (); type Args = (); }
///
/// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
/// assert_eq!(manager.cleanup_mode(), CleanupMode::Manual);
/// manager.schedule_cleanup();
/// assert_eq!(manager.stats().cleanup.passes, 0, "manual: nothing runs until asked");
/// manager.run_pending_cleanup();
/// assert_eq!(manager.stats().cleanup.passes, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CleanupMode {
    /// The default: a process-wide worker thread (`weak-events-cleanup`) runs passes shortly after
    /// they are requested. Requests coalesce and a short debounce makes a burst cost one pass.
    /// The worker starts on the first request, exits after a few idle seconds, and never keeps
    /// the process from exiting.
    #[default]
    Background,
    /// Requests only mark work pending; the application runs it from its own idle point with
    /// [`run_pending_cleanup`] (winit's `about_to_wait`, glib's `idle_add`, the end of a frame),
    /// or one manager's with
    /// [`WeakEventManager::run_pending_cleanup`](crate::WeakEventManager::run_pending_cleanup):
    /// either keeps every queue bounded. The table's own upkeep (dropping dead sources as the
    /// table grows, see [above](CleanupMode#how-a-dead-source-is-found)) is not a pass and runs in this mode too.
    Manual,
    /// A pass runs at once on the thread that requested it (tests, loom models).
    Inline,
}

impl CleanupMode {
    fn to_u8(self) -> u8 {
        match self {
            CleanupMode::Background => 1,
            CleanupMode::Manual => 2,
            CleanupMode::Inline => 3,
        }
    }

    fn from_u8(value: u8) -> Option<Self> {
        match value {
            1 => Some(CleanupMode::Background),
            2 => Some(CleanupMode::Manual),
            3 => Some(CleanupMode::Inline),
            _ => None,
        }
    }
}

/// What a cleanup pass (or several) did.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{CleanupMode, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Source;
/// enum Changed {}
/// impl WeakEvent for Changed { type Source = Source; type Args = (); }
/// struct View;
/// impl WeakEventListener<Changed> for View {
///     fn receive_weak_event(&self, _: &Source, _: &()) {}
/// }
///
/// let manager = WeakEventManager::<Changed>::with_cleanup(CleanupMode::Manual);
/// let source = Arc::new(Source);
/// let view = Arc::new(View);
/// manager.add_listener(&source, &view);
/// drop(view); // never removed
/// let report = manager.purge();
/// assert_eq!(report.entries_purged, 1);
/// assert_eq!(report.forgotten_removals, 1);
/// assert_eq!(report.sources_removed, 1);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgeReport {
    /// Sources whose lists the pass looked at.
    pub sources_visited: usize,
    /// Registrations dropped because their receiver or their source died.
    pub entries_purged: usize,
    /// Of those, receivers that died while still registered (nobody removed them).
    pub forgotten_removals: usize,
    /// Sources that left the table (their last registration went or the source died).
    pub sources_removed: usize,
}

impl PurgeReport {
    pub(crate) fn add(&mut self, other: PurgeReport) {
        self.sources_visited += other.sources_visited;
        self.entries_purged += other.entries_purged;
        self.forgotten_removals += other.forgotten_removals;
        self.sources_removed += other.sources_removed;
    }
}

/// Cleanup counters of a manager since it was made, or of every manager
/// ([`cleanup_stats`]).
///
/// # Examples
///
/// ```
/// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
///
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = (); type Args = (); }
///
/// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
/// manager.schedule_cleanup();
/// manager.schedule_cleanup();
/// let stats = manager.stats().cleanup;
/// assert_eq!((stats.requests, stats.requests_coalesced), (2, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CleanupStats {
    /// Cleanup requests made.
    pub requests: usize,
    /// Requests that found a pass already pending and cost nothing more.
    pub requests_coalesced: usize,
    /// Passes run. The table's own upkeep (dropping dead sources as the table grows, see
    /// [`CleanupMode`]) is not a pass; what it purges is counted in the fields below.
    pub passes: usize,
    /// Sources visited by those passes.
    pub sources_visited: usize,
    /// Registrations purged because their receiver or source died.
    pub entries_purged: usize,
    /// Receivers that died while still registered.
    pub forgotten_removals: usize,
    /// Sources that left the table in a pass.
    pub sources_removed: usize,
    /// Entries in the process-wide queue that [`run_pending_cleanup`] drains: for one manager,
    /// 1 while it waits there, else 0; for [`cleanup_stats`], the queue's length. A manager is
    /// queued at most once, and entries of dropped managers are swept out as the queue grows.
    pub queued_for_manual: usize,
}

impl CleanupStats {
    fn add(&mut self, other: CleanupStats) {
        self.requests += other.requests;
        self.requests_coalesced += other.requests_coalesced;
        self.passes += other.passes;
        self.sources_visited += other.sources_visited;
        self.entries_purged += other.entries_purged;
        self.forgotten_removals += other.forgotten_removals;
        self.sources_removed += other.sources_removed;
        self.queued_for_manual += other.queued_for_manual;
    }
}

/// A manager's cleanup state: its mode, the pending flag and the counters.
pub(crate) struct CleanupState {
    /// 0: follow the process-wide mode; otherwise `CleanupMode::to_u8`.
    mode: AtomicU8,
    pending: AtomicBool,
    /// A full pass (every source) was requested.
    full: AtomicBool,
    /// The manager sits in the process-wide manual queue: it is pushed there at most once, so
    /// that a manager whose own `run_pending_cleanup` clears `pending` again and again does not
    /// fill the queue (only the process-wide run drains it).
    queued: AtomicBool,
    requests: AtomicUsize,
    coalesced: AtomicUsize,
    passes: AtomicUsize,
    visited: AtomicUsize,
    purged: AtomicUsize,
    forgotten: AtomicUsize,
    removed: AtomicUsize,
}

impl CleanupState {
    pub(crate) fn new(mode: Option<CleanupMode>) -> Self {
        CleanupState {
            mode: AtomicU8::new(mode.map_or(0, CleanupMode::to_u8)),
            pending: AtomicBool::new(false),
            full: AtomicBool::new(false),
            queued: AtomicBool::new(false),
            requests: AtomicUsize::new(0),
            coalesced: AtomicUsize::new(0),
            passes: AtomicUsize::new(0),
            visited: AtomicUsize::new(0),
            purged: AtomicUsize::new(0),
            forgotten: AtomicUsize::new(0),
            removed: AtomicUsize::new(0),
        }
    }

    pub(crate) fn mode(&self) -> CleanupMode {
        CleanupMode::from_u8(self.mode.load(Ordering::Acquire)).unwrap_or_else(cleanup_mode)
    }

    pub(crate) fn set_mode(&self, mode: Option<CleanupMode>) {
        self.mode
            .store(mode.map_or(0, CleanupMode::to_u8), Ordering::Release);
    }

    fn follows_process_mode(&self) -> bool {
        self.mode.load(Ordering::Acquire) == 0
    }

    /// Counts a request and sets the pending flag; true if this request must dispatch a pass
    /// (none was pending).
    pub(crate) fn request(&self, full: bool) -> bool {
        if full {
            self.full.store(true, Ordering::Release);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        if self.pending.swap(true, Ordering::AcqRel) {
            self.coalesced.fetch_add(1, Ordering::Relaxed);
            false
        } else {
            true
        }
    }

    pub(crate) fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Clears the pending flag; true if it was set (a pass must run).
    pub(crate) fn take_pending(&self) -> bool {
        self.pending.swap(false, Ordering::AcqRel)
    }

    /// Clears the full-pass request; true if there was one.
    pub(crate) fn take_full(&self) -> bool {
        self.full.swap(false, Ordering::AcqRel)
    }

    /// Counts a pass and what it did.
    pub(crate) fn record(&self, report: PurgeReport) {
        self.passes.fetch_add(1, Ordering::Relaxed);
        self.record_upkeep(report);
    }

    /// Counts what the table's own upkeep did (not a pass: it only drops dead sources).
    pub(crate) fn record_upkeep(&self, report: PurgeReport) {
        self.visited
            .fetch_add(report.sources_visited, Ordering::Relaxed);
        self.purged
            .fetch_add(report.entries_purged, Ordering::Relaxed);
        self.forgotten
            .fetch_add(report.forgotten_removals, Ordering::Relaxed);
        self.removed
            .fetch_add(report.sources_removed, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> CleanupStats {
        CleanupStats {
            requests: self.requests.load(Ordering::Relaxed),
            requests_coalesced: self.coalesced.load(Ordering::Relaxed),
            passes: self.passes.load(Ordering::Relaxed),
            sources_visited: self.visited.load(Ordering::Relaxed),
            entries_purged: self.purged.load(Ordering::Relaxed),
            forgotten_removals: self.forgotten.load(Ordering::Relaxed),
            sources_removed: self.removed.load(Ordering::Relaxed),
            queued_for_manual: usize::from(self.queued.load(Ordering::Relaxed)),
        }
    }
}

impl fmt::Debug for CleanupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CleanupState")
            .field("mode", &self.mode())
            .field("pending", &self.is_pending())
            .finish_non_exhaustive()
    }
}

/// A manager as the scheduler sees it, type-erased over its event kind.
pub(crate) trait Cleanable: Send + Sync {
    fn cleanup_state(&self) -> &CleanupState;
    /// Runs a pass if one is pending.
    fn run_pending(&self) -> PurgeReport;
    /// Runs a full pass now.
    fn purge(&self) -> PurgeReport;
    /// The event kind's name and the manager's statistics, for the diagnostics report.
    fn describe(&self) -> (&'static str, crate::ManagerStats);
}

/// Every live manager of the process.
pub(crate) fn managers() -> Vec<Arc<dyn Cleanable>> {
    global::managers()
}

/// Sends a newly pending manager to where its mode runs passes.
pub(crate) fn dispatch(manager: Arc<dyn Cleanable>) {
    match manager.cleanup_state().mode() {
        CleanupMode::Inline => {
            manager.run_pending();
        }
        CleanupMode::Manual => global::push_manual(&manager),
        CleanupMode::Background => global::push_background(Arc::downgrade(&manager), &manager),
    }
}

/// The process-wide cleanup mode, which [`WeakEventManager::current`](crate::WeakEventManager::current)
/// managers and managers made with [`WeakEventManager::new`](crate::WeakEventManager::new) follow.
///
/// # Examples
///
/// ```
/// assert_eq!(weak_events::cleanup_mode(), weak_events::CleanupMode::Background);
/// ```
pub fn cleanup_mode() -> CleanupMode {
    CleanupMode::from_u8(global::MODE.load(Ordering::Acquire)).unwrap_or(global::DEFAULT_MODE)
}

/// Sets the process-wide cleanup mode (see [`cleanup_mode`]).
///
/// Work already pending is not lost: managers that follow the process-wide mode and have a pass
/// pending are sent to the new mode's runner at once.
///
/// # Examples
///
/// ```
/// use weak_events::{set_cleanup_mode, run_pending_cleanup, CleanupMode};
///
/// // An application with its own idle point.
/// set_cleanup_mode(CleanupMode::Manual);
/// // ... and at that idle point:
/// let _report = run_pending_cleanup();
/// set_cleanup_mode(CleanupMode::Background);
/// ```
pub fn set_cleanup_mode(mode: CleanupMode) {
    global::MODE.store(mode.to_u8(), Ordering::Release);
    for manager in global::managers() {
        let state = manager.cleanup_state();
        if state.follows_process_mode() && state.is_pending() {
            dispatch(manager);
        }
    }
}

/// Runs the pending pass of every manager in `Manual` mode; returns what they did together.
///
/// Cheap when nothing is pending (one uncontended lock). Call it from the application's idle
/// point; see [`CleanupMode::Manual`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{CleanupMode, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Tick {}
/// impl WeakEvent for Tick { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Tick>::with_cleanup(CleanupMode::Manual);
/// let bus = Arc::new(Bus);
/// let view = Arc::new(View);
/// manager.add_listener(&bus, &view);
/// drop(view);
/// manager.deliver_event(&bus, &()); // meets the dead view: a pass is now pending
/// assert_eq!(manager.stats().dead, 1);
/// let report = weak_events::run_pending_cleanup();
/// assert!(report.entries_purged >= 1);
/// assert_eq!(manager.stats().registrations, 0);
/// ```
pub fn run_pending_cleanup() -> PurgeReport {
    let mut report = PurgeReport::default();
    for manager in global::take_manual() {
        if let Some(manager) = manager.upgrade() {
            // Cleared before the pass, so that a request made during it queues the manager again.
            manager
                .cleanup_state()
                .queued
                .store(false, Ordering::Release);
            report.add(manager.run_pending());
        }
    }
    report
}

/// Runs a full pass over every manager of the process now, whatever their mode; for leak
/// detectors and tests.
///
/// # Examples
///
/// ```
/// let report = weak_events::purge_all();
/// assert_eq!(report.entries_purged, 0);
/// ```
pub fn purge_all() -> PurgeReport {
    let mut report = PurgeReport::default();
    for manager in global::managers() {
        report.add(manager.purge());
    }
    report
}

/// The cleanup counters of every live manager of the process, added up.
///
/// # Examples
///
/// ```
/// let before = weak_events::cleanup_stats();
/// weak_events::purge_all();
/// assert!(weak_events::cleanup_stats().passes >= before.passes);
/// ```
pub fn cleanup_stats() -> CleanupStats {
    let mut stats = CleanupStats::default();
    for manager in global::managers() {
        stats.add(manager.cleanup_state().stats());
    }
    stats.queued_for_manual = global::manual_len();
    stats
}

/// Registers a manager with the process-wide scheduler (for [`purge_all`] and mode changes).
pub(crate) fn register(manager: Weak<dyn Cleanable>) {
    global::register(manager);
}

#[cfg(not(loom))]
mod global {
    use std::sync::{Arc, Mutex, Weak};
    use std::time::Duration;

    use crossbeam_channel::{Receiver, Sender};

    use super::{Cleanable, CleanupMode};
    use crate::sync::{lock, Ordering};

    pub(super) const DEFAULT_MODE: CleanupMode = CleanupMode::Background;
    pub(super) static MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

    /// How long the worker waits after a request before it runs, so a burst costs one pass.
    const DEBOUNCE: Duration = Duration::from_millis(5);
    /// How long the worker stays idle before it exits (a later request starts a new one).
    const IDLE_EXIT: Duration = Duration::from_secs(2);

    type Job = Weak<dyn Cleanable>;

    static MANAGERS: Mutex<Registry> = Mutex::new(Registry {
        managers: Vec::new(),
        mark: 16,
    });
    static MANUAL: Mutex<Registry> = Mutex::new(Registry {
        managers: Vec::new(),
        mark: 16,
    });
    static WORKER: Mutex<Worker> = Mutex::new(Worker {
        channel: None,
        running: false,
    });

    /// Weak handles to managers, with dropped ones swept out as it grows: it holds at most
    /// twice the live ones (plus a floor of 16), at O(1) amortised per push.
    struct Registry {
        managers: Vec<Job>,
        /// Length at which dropped managers are swept out.
        mark: usize,
    }

    impl Registry {
        fn push(&mut self, manager: Job) {
            if self.managers.len() >= self.mark {
                self.managers.retain(|m| m.strong_count() > 0);
                self.mark = (self.managers.len() * 2).max(16);
            }
            self.managers.push(manager);
        }
    }

    struct Worker {
        channel: Option<(Sender<Job>, Receiver<Job>)>,
        running: bool,
    }

    pub(super) fn register(manager: Job) {
        lock(&MANAGERS).push(manager);
    }

    pub(super) fn managers() -> Vec<Arc<dyn Cleanable>> {
        let registry = lock(&MANAGERS);
        registry.managers.iter().filter_map(Weak::upgrade).collect()
    }

    /// Queues `manager` for the next `run_pending_cleanup`, unless it is queued already.
    pub(super) fn push_manual(manager: &Arc<dyn Cleanable>) {
        if !manager.cleanup_state().queued.swap(true, Ordering::AcqRel) {
            lock(&MANUAL).push(Arc::downgrade(manager));
        }
    }

    pub(super) fn take_manual() -> Vec<Job> {
        std::mem::take(&mut lock(&MANUAL).managers)
    }

    pub(super) fn manual_len() -> usize {
        lock(&MANUAL).managers.len()
    }

    /// Queues `job` for the worker, starting one if none runs. Sending and the worker's decision
    /// to exit both happen under `WORKER`, so no job is left in the channel without a worker.
    pub(super) fn push_background(job: Job, manager: &Arc<dyn Cleanable>) {
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
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
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
                }));
            }
        }
    }
}

#[cfg(loom)]
mod global {
    //! Under loom there is no process-wide state (a static holding loom objects breaks the next
    //! iteration): models use private managers, and `Background` runs passes inline.
    use std::sync::{Arc, Weak};

    use super::{Cleanable, CleanupMode};

    pub(super) const DEFAULT_MODE: CleanupMode = CleanupMode::Inline;
    pub(super) static MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

    pub(super) fn register(_: Weak<dyn Cleanable>) {}
    pub(super) fn managers() -> Vec<Arc<dyn Cleanable>> {
        Vec::new()
    }
    pub(super) fn push_manual(_: &Arc<dyn Cleanable>) {}
    pub(super) fn take_manual() -> Vec<Weak<dyn Cleanable>> {
        Vec::new()
    }
    pub(super) fn manual_len() -> usize {
        0
    }
    pub(super) fn push_background(_: Weak<dyn Cleanable>, manager: &Arc<dyn Cleanable>) {
        manager.run_pending();
    }
}
