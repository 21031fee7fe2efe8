//! The counters the crate reports: [`ManagerStats`] (a manager's table at one moment),
//! [`PurgeReport`] (what passes did) and [`CleanupStats`] (a manager's cleanup since it was
//! made). Each sums with `+=`, field by field in one place.

use std::ops::AddAssign;

/// A manager's table and cleanup counters at one moment.
///
/// The table counts (`sources`, `registrations`, `live`, `dead`) cost one pass over the table:
/// statistics are for tests, diagnostics and leak reports, not for the hot path.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Ping>::new();
/// let bus = Arc::new(Bus);
/// let (a, b) = (Arc::new(View), Arc::new(View));
/// manager.add_listener(&bus, &a);
/// manager.add_listener(&bus, &b);
/// drop(b);
/// let stats = manager.stats();
/// assert_eq!((stats.sources, stats.registrations, stats.alive, stats.dead), (1, 2, 1, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ManagerStats {
    /// Sources in the table (sources whose entries a pass has not yet removed count too).
    pub sources: usize,
    /// Registrations present, static ones included.
    pub registrations: usize,
    /// Registrations whose receiver and source are alive: they are called by the next delivery.
    pub alive: usize,
    /// Registrations whose receiver (or source) died and that no pass has purged yet.
    pub dead: usize,
    /// Registrations on the static list (events with no source).
    pub static_registrations: usize,
    /// The cleanup counters.
    pub cleanup: CleanupStats,
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
    /// Of those, registrations whose receiver died before its first event (never called): the
    /// signature of a temporary receiver, `add_listener(&source, &Arc::new(View))`.
    pub died_undelivered: usize,
    /// Sources that left the table (their last registration went or the source died).
    pub sources_removed: usize,
}

impl AddAssign for PurgeReport {
    fn add_assign(&mut self, other: PurgeReport) {
        self.sources_visited += other.sources_visited;
        self.entries_purged += other.entries_purged;
        self.forgotten_removals += other.forgotten_removals;
        self.died_undelivered += other.died_undelivered;
        self.sources_removed += other.sources_removed;
    }
}

/// Cleanup counters of a manager since it was made, or of every manager
/// ([`cleanup_stats`](crate::cleanup_stats)).
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
    /// [`CleanupMode`](crate::CleanupMode)) is not a pass; what it purges is counted in the fields below.
    pub passes: usize,
    /// Sources visited by those passes.
    pub sources_visited: usize,
    /// Registrations purged because their receiver or source died.
    pub entries_purged: usize,
    /// Receivers that died while still registered.
    pub forgotten_removals: usize,
    /// Of those, receivers that died before their first event (never called).
    pub died_undelivered: usize,
    /// Sources that left the table in a pass.
    pub sources_removed: usize,
    /// Entries in the process-wide queue that [`run_pending_cleanup`](crate::run_pending_cleanup) drains: for one manager,
    /// 1 while it waits there, else 0; for [`cleanup_stats`](crate::cleanup_stats), the queue's length. A manager is
    /// queued at most once, and entries of dropped managers are swept out as the queue grows.
    pub queued_for_manual: usize,
}

impl AddAssign for CleanupStats {
    fn add_assign(&mut self, other: CleanupStats) {
        self.requests += other.requests;
        self.requests_coalesced += other.requests_coalesced;
        self.passes += other.passes;
        *self += PurgeReport {
            sources_visited: other.sources_visited,
            entries_purged: other.entries_purged,
            forgotten_removals: other.forgotten_removals,
            died_undelivered: other.died_undelivered,
            sources_removed: other.sources_removed,
        };
        self.queued_for_manual += other.queued_for_manual;
    }
}

/// What passes did, added to the totals (the pass count is the caller's: upkeep is no pass).
impl AddAssign<PurgeReport> for CleanupStats {
    fn add_assign(&mut self, report: PurgeReport) {
        self.sources_visited += report.sources_visited;
        self.entries_purged += report.entries_purged;
        self.forgotten_removals += report.forgotten_removals;
        self.died_undelivered += report.died_undelivered;
        self.sources_removed += report.sources_removed;
    }
}
