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

mod scheduler;

use std::fmt;
use std::sync::{Arc, Weak};

use crate::flavor::{Flavor, Shared};

use crate::panic::FirstPanic;
use crate::stats::{CleanupStats, PurgeReport};
use crate::sync::{lock, AtomicBool, AtomicU8, AtomicUsize, Mutex, Ordering};

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

/// A count at which to do amortised upkeep: it is reached when a size gets to twice what the
/// last upkeep left (never below a floor). Upkeep that costs the size then costs O(1) amortised
/// per unit of growth: the table's dead-source walk, a source's cleanup request when its list
/// doubled, the sweeps of the scheduler's manager lists and of the profiler's records.
///
/// A std atomic even under loom: the mark only decides *when* upkeep runs, never whether a
/// registration is kept, and the static lists need a `const` constructor.
pub(crate) struct DoublingMark {
    next: std::sync::atomic::AtomicUsize,
    floor: usize,
}

impl DoublingMark {
    pub(crate) const fn new(floor: usize) -> Self {
        DoublingMark {
            next: std::sync::atomic::AtomicUsize::new(floor),
            floor,
        }
    }

    /// True once per crossing: when `size` reached the mark and this call claimed it. The mark
    /// is raised to twice `size` at once, so that concurrent callers go on without waiting.
    pub(crate) fn claim(&self, size: usize) -> bool {
        let mark = self.next.load(Ordering::Relaxed);
        size >= mark
            && self
                .next
                .compare_exchange(
                    mark,
                    size.saturating_mul(2),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    /// Sets the next mark from what the upkeep left.
    pub(crate) fn reset(&self, left: usize) {
        self.next
            .store(left.saturating_mul(2).max(self.floor), Ordering::Relaxed);
    }
}

/// An item a pass can visit (a source's state): the flag that keeps it in the dirty queue at most
/// once.
pub(crate) trait Dirty {
    fn dirty_flag(&self) -> &AtomicBool;

    /// Whether the item waits in the queue already (a request for it would add nothing).
    fn is_marked(&self) -> bool {
        self.dirty_flag().load(Ordering::Acquire)
    }
}

/// Which pass to run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// What was requested: the items marked since the last pass, or every item if a full pass
    /// was requested.
    Requested,
    /// Every item, whatever was requested.
    Full,
}

/// What a pass visits.
pub(crate) enum Work<F: Flavor, T: 'static> {
    /// Every item (a full pass).
    Full,
    /// The items marked since the last pass.
    Marked(Vec<F::Ptr<T>>),
}

/// One manager's side of the cleanup handshake: its [`CleanupState`] and its dirty queue.
pub(crate) struct Cleanup<F: Flavor, T: 'static> {
    state: CleanupState,
    /// Items marked dirty since the last pass, each once (its `Dirty` flag).
    queue: Mutex<Vec<F::Ptr<T>>>,
}

impl<F: Flavor, T: Dirty + 'static> Cleanup<F, T> {
    pub(crate) fn new(mode: Option<CleanupMode>) -> Self {
        Cleanup {
            state: CleanupState::new(mode),
            queue: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn state(&self) -> &CleanupState {
        &self.state
    }

    /// Asks for a pass over `item`; true if the caller must dispatch one (none was pending).
    ///
    /// The item is queued *before* `pending` is set (see "Atomic orderings" above).
    pub(crate) fn request_item(&self, item: &F::Ptr<T>) -> bool {
        if !item.dirty_flag().swap(true, Ordering::AcqRel) {
            lock(&self.queue).push(item.clone());
        }
        self.state.request(false)
    }

    /// Asks for a full pass; true if the caller must dispatch one.
    pub(crate) fn request_full(&self) -> bool {
        self.state.request(true)
    }

    /// Takes the work of `pass`, about to run. The queued items' flags are cleared before the
    /// pass visits them, so a request made during the pass queues its item again.
    /// Drops the queued items `gone` names (their marks stay: they will not be queued again).
    pub(crate) fn forget_where(&self, gone: impl Fn(&T) -> bool) {
        lock(&self.queue).retain(|item| !gone(item));
    }

    pub(crate) fn take_work(&self, pass: Pass) -> Work<F, T> {
        let full = self.state.full.swap(false, Ordering::AcqRel) || pass == Pass::Full;
        let marked = std::mem::take(&mut *lock(&self.queue));
        for item in &marked {
            item.dirty_flag().store(false, Ordering::Release);
        }
        if full {
            Work::Full
        } else {
            Work::Marked(marked)
        }
    }
}

/// A manager's cleanup state, type-erased over what it cleans: its mode, the pending, full and
/// queued flags, and its counters.
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
    /// What passes and upkeep did (the request counts above are kept apart: they are counted
    /// on delivery paths, where a lock is not welcome).
    totals: Mutex<CleanupStats>,
}

impl CleanupState {
    fn new(mode: Option<CleanupMode>) -> Self {
        CleanupState {
            mode: AtomicU8::new(mode.map_or(0, CleanupMode::to_u8)),
            pending: AtomicBool::new(false),
            full: AtomicBool::new(false),
            queued: AtomicBool::new(false),
            requests: AtomicUsize::new(0),
            coalesced: AtomicUsize::new(0),
            totals: Mutex::new(CleanupStats::default()),
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
    fn request(&self, full: bool) -> bool {
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

    /// Counts a request that ran its pass at once, with no queue (`Inline` mode).
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Clears the pending flag; true if it was set (a pass must run).
    pub(crate) fn take_pending(&self) -> bool {
        self.pending.swap(false, Ordering::AcqRel)
    }

    /// Takes the manager's one place in the manual queue; false if it holds it already.
    #[cfg_attr(loom, allow(dead_code))] // loom has no process-wide queue
    pub(crate) fn claim_manual_slot(&self) -> bool {
        !self.queued.swap(true, Ordering::AcqRel)
    }

    /// Gives the place back: the process-wide run took the manager out of the queue.
    pub(crate) fn release_manual_slot(&self) {
        self.queued.store(false, Ordering::Release);
    }

    /// Counts a pass and what it did.
    pub(crate) fn record_pass(&self, report: PurgeReport) {
        let mut totals = lock(&self.totals);
        totals.passes += 1;
        *totals += report;
    }

    /// Counts what the table's own upkeep did (not a pass: it only drops dead sources).
    pub(crate) fn record_upkeep(&self, report: PurgeReport) {
        *lock(&self.totals) += report;
    }

    pub(crate) fn stats(&self) -> CleanupStats {
        let mut stats = *lock(&self.totals);
        stats.requests = self.requests.load(Ordering::Relaxed);
        stats.requests_coalesced = self.coalesced.load(Ordering::Relaxed);
        stats.queued_for_manual = usize::from(self.queued.load(Ordering::Relaxed));
        stats
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
pub(crate) trait Cleanable {
    fn cleanup_state(&self) -> &CleanupState;
    /// Runs a pass if one is pending.
    fn run_pending(&self) -> PurgeReport;
    /// Runs a full pass now.
    fn purge(&self) -> PurgeReport;
    /// The event kind's name and the manager's statistics, for the diagnostics report.
    fn describe(&self) -> (&'static str, crate::stats::ManagerStats);
    /// Adds its live registrations to `counts`, by creation site.
    fn count_sites(&self, counts: &mut crate::diagnostics::SiteCounts);
}

/// A thread-safe flavour's manager, as the process-wide lists hold it.
pub(crate) type SharedCleanable = dyn Cleanable + Send + Sync;

/// Every live manager of the process.
pub(crate) fn managers() -> Vec<Arc<SharedCleanable>> {
    scheduler::managers()
}

/// Sends a newly pending manager to where its mode runs passes.
pub(crate) fn dispatch(manager: Arc<SharedCleanable>) {
    match manager.cleanup_state().mode() {
        CleanupMode::Inline => {
            manager.run_pending();
        }
        CleanupMode::Manual => scheduler::push_manual(&manager),
        CleanupMode::Background => scheduler::push_background(Arc::downgrade(&manager), &manager),
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
    CleanupMode::from_u8(scheduler::MODE.load(Ordering::Acquire)).unwrap_or(scheduler::DEFAULT_MODE)
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
    scheduler::MODE.store(mode.to_u8(), Ordering::Release);
    for manager in scheduler::managers() {
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
    run_queued::<Shared, _>(scheduler::take_manual())
}

/// Runs the pending pass of each queued manager still alive: the `run_pending_cleanup` of both
/// flavours.
pub(crate) fn run_queued<F: Flavor, C: Cleanable + ?Sized + 'static>(
    queued: Vec<F::Weak<C>>,
) -> PurgeReport {
    each(queued.iter().filter_map(F::upgrade), |manager| {
        // Given back before the pass, so that a request made during it queues it again.
        manager.cleanup_state().release_manual_slot();
        manager.run_pending()
    })
}

/// `pass` on each manager, added up. A pass runs user code; its panic must not cost the
/// managers after it their pass: it resumes once every one had its turn.
pub(crate) fn each<P: std::ops::Deref>(
    managers: impl IntoIterator<Item = P>,
    pass: impl Fn(&P::Target) -> PurgeReport,
) -> PurgeReport {
    let mut report = PurgeReport::default();
    let mut panics = FirstPanic::new();
    for manager in managers {
        if let Some(done) = panics.catch(|| pass(&manager)) {
            report += done;
        }
    }
    panics.resume();
    report
}

/// Weak handles to managers, with dropped ones swept out as it grows: it holds at most twice
/// the live ones (plus a floor of 16), at O(1) amortised per push.
pub(crate) struct WeakList<F: Flavor, C: ?Sized + 'static> {
    pub(crate) managers: Vec<F::Weak<C>>,
    sweep: DoublingMark,
}

impl<F: Flavor, C: ?Sized + 'static> WeakList<F, C> {
    pub(crate) const fn new() -> Self {
        WeakList {
            managers: Vec::new(),
            sweep: DoublingMark::new(16),
        }
    }

    pub(crate) fn push(&mut self, manager: F::Weak<C>) {
        if self.sweep.claim(self.managers.len()) {
            self.managers.retain(|m| F::strong_count(m) > 0);
            self.sweep.reset(self.managers.len());
        }
        self.managers.push(manager);
    }

    /// The managers still alive.
    pub(crate) fn alive(&self) -> Vec<F::Ptr<C>> {
        self.managers.iter().filter_map(F::upgrade).collect()
    }
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
    each(scheduler::managers(), |manager| manager.purge())
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
    for manager in scheduler::managers() {
        stats += manager.cleanup_state().stats();
    }
    stats.queued_for_manual = scheduler::manual_len();
    stats
}

/// Registers a manager with the process-wide scheduler (for [`purge_all`] and mode changes).
pub(crate) fn register(manager: Weak<SharedCleanable>) {
    scheduler::register(manager);
}
