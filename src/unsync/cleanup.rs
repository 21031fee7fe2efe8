//! Cleanup in the thread-affine flavour: no worker thread (receivers are not `Send`), so passes
//! run in place after deliveries, inline when the table doubles, and at the thread's idle point.

use std::cell::RefCell;
use std::rc::Rc;

use crate::cleanup::{self as shared, Cleanable, WeakList};
use crate::flavor::Local;
use crate::stats::PurgeReport;

/// When the thread-affine flavour prunes dead entries.
///
/// Whatever the mode, two things happen without the application's help: a delivery that met
/// dead receivers prunes its source's list as it returns (in place, when no other delivery of
/// that source is under way), and the walk that bounds the table's dead sources runs on the
/// add that doubles the table. The mode decides what happens to the rest (a source that
/// announced its death, a list that doubled, a prune that found a delivery in progress).
///
/// # Examples
///
/// ```
/// use weak_events::unsync::{CleanupMode, WeakEventManager, WeakEvent};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
///
/// assert_eq!(WeakEventManager::<Ping>::new().cleanup_mode(), CleanupMode::Idle);
/// let tests = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
/// assert_eq!(tests.cleanup_mode(), CleanupMode::Inline);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CleanupMode {
    /// The default: the rest waits for the thread's idle point, where the application calls
    /// [`run_pending_cleanup`] (glib's `idle_add`, winit's `about_to_wait`, the end of a
    /// frame). A program that never calls it still keeps a bounded table: dead receivers are
    /// pruned by the deliveries that meet them, dead sources by the walk on add.
    #[default]
    Idle,
    /// Every request runs its pass at once, on the call that made it (tests, deterministic
    /// programs).
    Inline,
}

impl CleanupMode {
    /// The engine's mode for this one (the engine shares the root flavour's cleanup state).
    pub(crate) fn to_shared(self) -> shared::CleanupMode {
        match self {
            CleanupMode::Idle => shared::CleanupMode::Manual,
            CleanupMode::Inline => shared::CleanupMode::Inline,
        }
    }

    pub(crate) fn from_shared(mode: shared::CleanupMode) -> Self {
        match mode {
            shared::CleanupMode::Inline => CleanupMode::Inline,
            _ => CleanupMode::Idle,
        }
    }
}

/// This thread's managers of the thread-affine flavour.
struct Registry {
    /// Every manager, for [`purge_all`] and the diagnostics report.
    managers: WeakList<Local, dyn Cleanable>,
    /// Managers with a pass pending in `Idle` mode, each at most once.
    idle: WeakList<Local, dyn Cleanable>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = const {
        RefCell::new(Registry {
            managers: WeakList::new(),
            idle: WeakList::new(),
        })
    };
}

/// Registers a new manager with this thread's list. While the thread's locals are being
/// destroyed nothing is registered: such a manager is cleaned by its own deliveries and walks.
pub(crate) fn register(manager: std::rc::Weak<dyn Cleanable>) {
    let _ = REGISTRY.try_with(|registry| registry.borrow_mut().managers.push(manager));
}

/// Hands a manager's pending pass to the runner of its mode.
pub(crate) fn dispatch(manager: Rc<dyn Cleanable>) {
    match CleanupMode::from_shared(manager.cleanup_state().mode()) {
        CleanupMode::Inline => {
            manager.run_pending();
        }
        CleanupMode::Idle => {
            if manager.cleanup_state().claim_manual_slot() {
                let queued = REGISTRY
                    .try_with(|registry| registry.borrow_mut().idle.push(Rc::downgrade(&manager)));
                if queued.is_err() {
                    // The thread is ending: nobody will reach its idle point again.
                    manager.cleanup_state().release_manual_slot();
                    manager.run_pending();
                }
            }
        }
    }
}

/// This thread's managers, alive.
pub(crate) fn managers() -> Vec<Rc<dyn Cleanable>> {
    REGISTRY
        .try_with(|registry| registry.borrow().managers.alive())
        .unwrap_or_default()
}

/// Runs the pending pass of every manager of this thread in [`CleanupMode::Idle`]; call it
/// from the thread's idle point.
///
/// Cheap when nothing is pending. Only this thread's managers: each UI thread runs its own.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use weak_events::unsync::{DropNotice, WeakEvent, WeakEventManager};
///
/// struct Timer { notice: DropNotice }
/// enum Tick {}
/// impl WeakEvent for Tick {
///     type Source = Timer;
///     type Args = ();
///     fn drop_notice(timer: &Timer) -> Option<&DropNotice> { Some(&timer.notice) }
/// }
///
/// let manager = WeakEventManager::<Tick>::current();
/// let (timer, receiver) = (Rc::new(Timer { notice: DropNotice::new() }), Rc::new(()));
/// manager.add_handler(&timer, &receiver, |_, _, _| {});
/// drop(timer);
/// // ... at the idle point:
/// let report = weak_events::unsync::run_pending_cleanup();
/// assert_eq!(report.sources_removed, 1);
/// assert_eq!(manager.stats().sources, 0);
/// ```
pub fn run_pending_cleanup() -> PurgeReport {
    let queued = REGISTRY
        .try_with(|registry| std::mem::take(&mut registry.borrow_mut().idle.managers))
        .unwrap_or_default();
    shared::run_queued::<Local, _>(queued)
}

/// Runs a full pass over every manager of this thread now, whatever their mode; for leak
/// detectors and tests.
///
/// # Examples
///
/// ```
/// assert_eq!(weak_events::unsync::purge_all().entries_purged, 0);
/// ```
pub fn purge_all() -> PurgeReport {
    shared::each(managers(), |manager| manager.purge())
}
