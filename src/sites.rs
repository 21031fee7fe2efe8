//! Creation sites: live registrations counted by the line that made them (for the report and
//! the growth warnings), and the "died before its first event" tally per site with its
//! once-per-site warning.

use std::fmt;
use std::panic::Location;
use std::sync::RwLock;

/// Registrations from one creation site keep dying before their first event: the signature of
/// a temporary receiver, `manager.add_listener(&source, &Arc::new(View::new()))`, where the
/// `Arc` dies at the end of the statement and the listener is never called. Handed to the hook
/// set with [`set_undelivered_hook`] (and logged with `tracing::warn!` with the `tracing`
/// feature), once per creation site per manager.
///
/// A view that closes before any event is a correct program, so one such death says nothing:
/// the warning comes when [`UNDELIVERED_WARNING`] registrations from one site died undelivered
/// and none that died from there had been called. Keep the receiver in a variable (or a field)
/// that lives as long as it should listen.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use weak_events::{CleanupMode, UndeliveredWarning, WeakEvent, WeakEventListener, WeakEventManager};
///
/// static WARNED: AtomicUsize = AtomicUsize::new(0);
/// weak_events::set_undelivered_hook(Some(|warning: &UndeliveredWarning| {
///     assert!(warning.site.file().ends_with(".rs"));
///     WARNED.fetch_add(1, Ordering::SeqCst);
/// }));
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
/// let bus = Arc::new(Bus);
/// for _ in 0..weak_events::UNDELIVERED_WARNING {
///     manager.add_listener(&bus, &Arc::new(View)); // the mistake: the view dies here
/// }
/// manager.purge();
/// assert_eq!(WARNED.load(Ordering::SeqCst), 1, "once for that line");
/// assert_eq!(manager.stats().cleanup.died_undelivered, weak_events::UNDELIVERED_WARNING);
/// weak_events::set_undelivered_hook(None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UndeliveredWarning {
    /// The event kind's type name.
    pub event: &'static str,
    /// Where those registrations were made.
    pub site: &'static Location<'static>,
    /// How many registrations from there died before their first event.
    pub registrations: usize,
}

/// How many registrations from one creation site must die before their first event, with none
/// from there that died having been called, before an [`UndeliveredWarning`] names the site.
///
/// # Examples
///
/// ```
/// assert_eq!(weak_events::UNDELIVERED_WARNING, 8);
/// ```
pub const UNDELIVERED_WARNING: usize = 8;

impl fmt::Display for UndeliveredWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "possible mistake: {} registrations for {} made at {} died before their first event; \
             was the receiver a temporary (`&Arc::new(..)`) that died at the end of the statement?",
            self.registrations, self.event, self.site
        )
    }
}

type UndeliveredHook = fn(&UndeliveredWarning);
static UNDELIVERED_HOOK: RwLock<Option<UndeliveredHook>> = RwLock::new(None);

/// Sets the function called with each [`UndeliveredWarning`] (`None`: only `tracing`, with
/// the feature).
///
/// # Examples
///
/// ```
/// weak_events::set_undelivered_hook(Some(|warning| eprintln!("{warning}")));
/// weak_events::set_undelivered_hook(None);
/// ```
pub fn set_undelivered_hook(hook: Option<fn(&UndeliveredWarning)>) {
    *UNDELIVERED_HOOK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = hook;
}

pub(crate) fn warn_undelivered(warning: UndeliveredWarning) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        event = warning.event,
        site = %warning.site,
        registrations = warning.registrations,
        "{warning}"
    );
    let hook = *UNDELIVERED_HOOK
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(hook) = hook {
        hook(&warning);
    }
}

/// Deaths per creation site in one manager, for [`UndeliveredWarning`]: one entry per line of
/// code that registers, so it never grows with churn.
#[derive(Default)]
pub(crate) struct SiteDeaths {
    sites: std::collections::HashMap<usize, SiteTally, rustc_hash::FxBuildHasher>,
}

#[derive(Default)]
struct SiteTally {
    undelivered: usize,
    delivered: usize,
    warned: bool,
}

impl SiteDeaths {
    /// Counts registrations that died (`true`: it had been called); the warnings now due.
    pub(crate) fn note(
        &mut self,
        event: &'static str,
        died: &[(&'static Location<'static>, bool)],
    ) -> Vec<UndeliveredWarning> {
        let mut due = Vec::new();
        for &(site, delivered) in died {
            let tally = self
                .sites
                .entry(std::ptr::from_ref(site) as usize)
                .or_default();
            if delivered {
                tally.delivered += 1;
            } else {
                tally.undelivered += 1;
            }
            if !tally.warned && tally.delivered == 0 && tally.undelivered >= UNDELIVERED_WARNING {
                tally.warned = true;
                due.push(UndeliveredWarning {
                    event,
                    site,
                    registrations: tally.undelivered,
                });
            }
        }
        due
    }
}

/// Live registrations by creation site, for the report and the growth warnings.
#[derive(Default)]
pub(crate) struct SiteCounts {
    counts: std::collections::HashMap<
        usize,
        (&'static Location<'static>, usize),
        rustc_hash::FxBuildHasher,
    >,
}

impl SiteCounts {
    pub(crate) fn add(&mut self, site: &'static Location<'static>, n: usize) {
        self.counts
            .entry(std::ptr::from_ref(site) as usize)
            .or_insert((site, 0))
            .1 += n;
    }

    /// The `n` sites with the most registrations, most first (ties by file and line).
    pub(crate) fn top(&self, n: usize) -> Vec<(&'static Location<'static>, usize)> {
        let mut all: Vec<_> = self.counts.values().copied().collect();
        all.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| (a.0.file(), a.0.line()).cmp(&(b.0.file(), b.0.line())))
        });
        all.truncate(n);
        all
    }

    /// Registrations counted, over every site.
    pub(crate) fn total(&self) -> usize {
        self.counts.values().map(|&(_, n)| n).sum()
    }
}
