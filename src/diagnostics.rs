//! Leak diagnostics: the process-wide report and the listener threshold (Node's
//! `MaxListenersExceededWarning`); dispose profiling and the leak check are in `profiling/`.
//!
//! # Costs
//!
//! The threshold check is a comparison under the source's list lock the add already holds. The
//! report walks every manager's table.

use std::fmt;
use std::ops::AddAssign;
use std::panic::Location;
use std::sync::RwLock;

use crate::stats::ManagerStats;

/// The live listener count per source past which a manager warns (then again at each further
/// 50% of growth; see [`ThresholdWarning`]), unless changed
/// with [`WeakEventManager::set_listener_threshold`](crate::WeakEventManager::set_listener_threshold).
///
/// Node's emitters warn past 10, tuned for servers where an eleventh listener is usually a leak.
/// One app-wide source in a UI legitimately feeds many views, so the default is higher: past a
/// thousand listeners a source has more receivers than a screen has widgets, and one delivery
/// costs a thousand listener calls, a share of a frame budget worth knowing about (BENCHMARKS.md
/// has the times).
///
/// # Examples
///
/// ```
/// assert_eq!(weak_events::DEFAULT_LISTENER_THRESHOLD, 1000);
/// ```
pub const DEFAULT_LISTENER_THRESHOLD: usize = 1000;

/// One event kind's line of the process-wide [`Report`].
///
/// # Examples
///
/// ```
/// let report = weak_events::report();
/// for row in &report.rows {
///     assert!(row.alive + row.dead <= row.registrations);
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportRow {
    /// The event kind's type name.
    pub event: &'static str,
    /// Managers of this kind (the process-wide one and private ones).
    pub managers: usize,
    /// Sources in their tables.
    pub sources: usize,
    /// Registrations present.
    pub registrations: usize,
    /// Registrations whose receiver is alive.
    pub alive: usize,
    /// Registrations whose receiver died, not yet pruned.
    pub dead: usize,
    /// Receivers pruned after dying while still registered.
    pub forgotten_removals: usize,
    /// Of those, receivers that died before their first event (a temporary receiver?).
    pub died_undelivered: usize,
    /// The creation sites with the most live registrations, most first (at most three), with
    /// their counts.
    pub top_sites: Vec<(&'static Location<'static>, usize)>,
    /// Cleanup passes run.
    pub passes: usize,
}

/// Every event kind's registrations and cleanup counters, for leak reports; [`report`] makes it.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{WeakEvent, WeakEventManager};
///
/// struct Bus;
/// enum Saved {}
/// impl WeakEvent for Saved { type Source = Bus; type Args = (); }
///
/// let manager = WeakEventManager::<Saved>::new();
/// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
/// manager.add_handler(&bus, &receiver, |_, _, _| {});
///
/// let report = weak_events::report();
/// let row = report.rows.iter().find(|r| r.event.ends_with("Saved")).unwrap();
/// assert_eq!((row.sources, row.alive, row.dead), (1, 1, 0));
/// assert!(report.to_string().contains("Saved"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// One row per event kind, sorted by name.
    pub rows: Vec<ReportRow>,
}

/// The diagnostics report: per event kind, live and dead registrations, sources, forgotten
/// removals and cleanup passes, over every manager of the thread-safe flavour in the process and
/// the calling thread's managers of the [`unsync`](crate::unsync) flavour. `Display` renders it
/// as a table.
///
/// # Examples
///
/// ```
/// println!("{}", weak_events::report());
/// ```
pub fn report() -> Report {
    let mut rows: Vec<ReportRow> = Vec::new();
    let shared = crate::cleanup::managers();
    let local = crate::unsync::managers();
    let all: Vec<&dyn crate::cleanup::Cleanable> = shared
        .iter()
        .map(|manager| &**manager as &dyn crate::cleanup::Cleanable)
        .chain(local.iter().map(|manager| &**manager))
        .collect();
    let mut sites: Vec<(&'static str, SiteCounts)> = Vec::new();
    for manager in &all {
        let (event, _) = manager.describe();
        let at = match sites.iter().position(|(e, _)| *e == event) {
            Some(at) => at,
            None => {
                sites.push((event, SiteCounts::default()));
                sites.len() - 1
            }
        };
        manager.count_sites(&mut sites[at].1);
    }
    for (event, stats) in all.iter().map(|manager| manager.describe()) {
        let row = match rows.iter_mut().position(|r| r.event == event) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(ReportRow {
                    event,
                    ..ReportRow::default()
                });
                rows.last_mut().expect("just pushed")
            }
        };
        *row += stats;
    }
    for row in &mut rows {
        if let Some((_, counts)) = sites.iter().find(|(event, _)| *event == row.event) {
            row.top_sites = counts.top(3);
        }
    }
    rows.sort_by_key(|r| r.event);
    Report { rows }
}

/// One manager's statistics, added to its kind's row.
impl AddAssign<ManagerStats> for ReportRow {
    fn add_assign(&mut self, stats: ManagerStats) {
        self.managers += 1;
        self.sources += stats.sources;
        self.registrations += stats.registrations;
        self.alive += stats.alive;
        self.dead += stats.dead;
        self.forgotten_removals += stats.cleanup.forgotten_removals;
        self.died_undelivered += stats.cleanup.died_undelivered;
        self.passes += stats.cleanup.passes;
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|r| r.event.len())
            .chain([10])
            .max()
            .unwrap_or(10);
        writeln!(
            f,
            "{:<width$} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>11} {:>8}",
            "event",
            "managers",
            "sources",
            "entries",
            "alive",
            "dead",
            "forgotten",
            "undelivered",
            "passes"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<width$} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>11} {:>8}",
                r.event,
                r.managers,
                r.sources,
                r.registrations,
                r.alive,
                r.dead,
                r.forgotten_removals,
                r.died_undelivered,
                r.passes
            )?;
            for (site, count) in &r.top_sites {
                writeln!(f, "    {count} alive made at {site}")?;
            }
        }
        Ok(())
    }
}

/// A source's listeners keep growing; handed to the hook set with [`set_threshold_hook`] (and
/// logged with `tracing::warn!` when the `tracing` feature is on).
///
/// The rule: a source warns when its registrations with a live receiver pass the manager's
/// threshold, and again each time they grow by another 50% past the last warning (a source
/// that warned at 1,001 warns again past 1,501, then past 2,251, and so on): a one-shot warning
/// would hide the real leak that comes later. Registrations whose receiver died do not count.
/// Live receivers are counted at checkpoints only (when the source's registrations grow by
/// half), so the check costs O(1) amortised per add. Each warning names the creation site with
/// the most of those live registrations, and whether it *dominates* (holds over 30% of them:
/// one call site is the likely leak) or they are *spread*.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use weak_events::{ThresholdWarning, WeakEvent, WeakEventManager};
///
/// static WARNED: AtomicUsize = AtomicUsize::new(0);
/// fn hook(warning: &ThresholdWarning) {
///     assert_eq!((warning.listeners, warning.threshold), (3, 2));
///     WARNED.fetch_add(1, Ordering::SeqCst);
/// }
/// weak_events::set_threshold_hook(Some(hook));
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// let manager = WeakEventManager::<Ping>::new();
/// manager.set_listener_threshold(Some(2));
/// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
/// for _ in 0..4 {
///     manager.add_handler(&bus, &receiver, |_, _, _| {});
/// }
/// assert_eq!(WARNED.load(Ordering::SeqCst), 1, "once until they grow by another half");
/// weak_events::set_threshold_hook(None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThresholdWarning {
    /// The event kind's type name.
    pub event: &'static str,
    /// The source's type name.
    pub source: &'static str,
    /// Registrations with a live receiver on the source at this warning.
    pub listeners: usize,
    /// The manager's threshold.
    pub threshold: usize,
    /// The creation site with the most of those registrations.
    pub site: Option<&'static Location<'static>>,
    /// How many of them were made there.
    pub site_registrations: usize,
    /// Whether that site holds over 30% of them (one call site is the likely leak), rather than
    /// the registrations being spread over many.
    pub dominated: bool,
}

impl fmt::Display for ThresholdWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "possible leak: a {} has {} live listeners for {} (threshold {}); \
             receivers that are never removed keep accumulating",
            self.source, self.listeners, self.event, self.threshold
        )?;
        if let Some(site) = self.site {
            write!(
                f,
                "; {} of them made at {site} ({})",
                self.site_registrations,
                if self.dominated {
                    "dominated"
                } else {
                    "spread"
                }
            )?;
        }
        Ok(())
    }
}

type ThresholdHook = fn(&ThresholdWarning);
static HOOK: RwLock<Option<ThresholdHook>> = RwLock::new(None);

/// Sets the process-wide function called when a source crosses its manager's listener threshold
/// (`None` removes it). The hook runs on the registering thread with no lock of the crate held.
///
/// # Examples
///
/// ```
/// fn log(warning: &weak_events::ThresholdWarning) { eprintln!("{warning}"); }
/// weak_events::set_threshold_hook(Some(log));
/// weak_events::set_threshold_hook(None);
/// ```
pub fn set_threshold_hook(hook: Option<fn(&ThresholdWarning)>) {
    *HOOK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = hook;
}

pub(crate) fn warn_threshold(warning: ThresholdWarning) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        event = warning.event,
        source = warning.source,
        listeners = warning.listeners,
        threshold = warning.threshold,
        "{warning}"
    );
    let hook = *HOOK
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(hook) = hook {
        hook(&warning);
    }
}

pub(crate) use crate::sites::{warn_undelivered, SiteCounts, SiteDeaths};
