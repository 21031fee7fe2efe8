//! [`WeakEventManager`]: one per event kind; holds receivers weakly and delivers to them.
//!
//! The public face only: every registration form below is a short wrapper over the engine's one
//! registration path (`Engine::register`, given where the registration goes and what entry it
//! is), and every other method forwards to the engine. The registration forms for a source are
//! in `register.rs`, the static forms in `statics.rs`.

mod register;
mod statics;

use std::sync::Arc;

use crate::cleanup::CleanupMode;
use crate::engine::{Engine, Registered, Target};
use crate::entry::{addr_of, Entry};
use crate::flavor::Shared;
use crate::stats::{ManagerStats, PurgeReport};
use crate::{WeakEvent, WeakEventListener};

/// The manager of one event kind `E`: the sender's event holds only this, and this holds
/// receivers (and sources) **weakly**.
///
/// Receivers are registered per source, as a typed [`WeakEventListener`]
/// ([`add_listener`](Self::add_listener)) or as a receiver plus a plain `fn`
/// ([`add_handler`](Self::add_handler)); [`subscribe`](Self::subscribe) is the RAII form. A
/// receiver that is dropped without being removed is simply not called again; its entry is pruned
/// by an idle-time cleanup pass (see [`CleanupMode`]).
///
/// # Semantics
///
/// - The manager never keeps a receiver or a source alive, and never calls into a dead source.
/// - Delivery is keyed by the sender ([`deliver_event`](Self::deliver_event), or the source whose
///   [`Event`](crate::Event) fired).
/// - A delivery calls a snapshot of the source's list taken when it starts: a listener added
///   during it is not called by it; one removed before its turn is not called.
/// - No lock of the crate is held while user code runs: listeners may add, remove and deliver
///   re-entrantly, and a receiver's last `Arc` may drop inside a delivery.
/// - A panicking listener does not stop the others; the first panic resumes once the delivery
///   finished, and the manager stays fully usable.
/// - Duplicates are allowed: each registration is called once per delivery, and removing by
///   identity removes one registration (the most recent).
/// - Removing what was never added returns `false`; delivering to a source with no listeners
///   delivers to none.
///
/// # Examples
///
/// A receiver dropped without unsubscribing is not called again:
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
/// use weak_events::{Event, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Settings { changed: Event<str> }
/// enum SettingChanged {}
/// impl WeakEvent for SettingChanged {
///     type Source = Settings;
///     type Args = str;
///     fn event(s: &Settings) -> Option<&Event<str>> { Some(&s.changed) }
/// }
///
/// static CALLS: AtomicUsize = AtomicUsize::new(0);
/// struct View;
/// impl WeakEventListener<SettingChanged> for View {
///     fn receive_weak_event(&self, _: &Settings, _: &str) { CALLS.fetch_add(1, Ordering::SeqCst); }
/// }
///
/// let settings = Arc::new(Settings { changed: Event::new() });
/// let view = Arc::new(View);
/// WeakEventManager::<SettingChanged>::current().add_listener(&settings, &view);
///
/// settings.changed.raise("theme");
/// drop(view); // closed without unsubscribing
/// settings.changed.raise("theme");
/// assert_eq!(CALLS.load(Ordering::SeqCst), 1);
/// ```
pub struct WeakEventManager<E: WeakEvent> {
    engine: Arc<Engine<Shared, E>>,
}

/// Identifies one registration; remove it with
/// [`WeakEventManager::remove_registration`].
///
/// Ids are unique in the process: an id never removes a registration of another source or manager.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{WeakEvent, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
///
/// let manager = WeakEventManager::<Ping>::new();
/// let (bus, view) = (Arc::new(Bus), Arc::new(View));
/// let id = manager.add_handler(&bus, &view, |_view, _bus, _args| {});
/// assert!(manager.remove_registration(&bus, id));
/// assert!(!manager.remove_registration(&bus, id));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationId(pub(crate) u64);

impl<E: WeakEvent> WeakEventManager<E> {
    /// A private manager whose cleanup follows the process-wide mode ([`crate::cleanup_mode`]).
    ///
    /// For tests, loom models and embedders that must not share the process-wide
    /// [`current`](Self::current) manager.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let a = WeakEventManager::<Ping>::new();
    /// let b = WeakEventManager::<Ping>::new();
    /// assert_eq!(a.stats(), b.stats());
    /// ```
    pub fn new() -> Self {
        WeakEventManager {
            engine: Engine::<Shared, E>::new(None),
        }
    }

    /// A private manager with its own cleanup mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
    /// assert_eq!(manager.cleanup_mode(), CleanupMode::Inline);
    /// ```
    pub fn with_cleanup(mode: CleanupMode) -> Self {
        WeakEventManager {
            engine: Engine::<Shared, E>::new(Some(mode)),
        }
    }

    /// The process-wide manager of event kind `E`, made on first use.
    ///
    /// For a kind declared with [`weak_event!`](crate::weak_event) (or one that returns a
    /// [`ManagerSlot`](crate::ManagerSlot) from [`WeakEvent::manager_slot`]), one atomic load
    /// from the kind's static slot; for another kind, one lookup in a process-wide map keyed by
    /// `TypeId` (keep the returned reference where a hot loop needs it). Under `cfg(loom)`, the
    /// manager of the current execution of the model (see the guide's loom section).
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let a: &'static WeakEventManager<Ping> = WeakEventManager::current();
    /// assert!(std::ptr::eq(a, WeakEventManager::<Ping>::current()));
    /// ```
    pub fn current() -> &'static Self {
        // Under loom, every process-wide value is made per execution: no static slot.
        #[cfg(not(loom))]
        if let Some(slot) = E::manager_slot() {
            return slot.get_or_init(Self::new);
        }
        crate::current::current(Self::new)
    }

    /// The one registration path every form below wraps; the creation site is its caller's
    /// caller (every form is `#[track_caller]`).
    #[track_caller]
    fn register<R: ?Sized, X>(
        &self,
        target: Target<'_, Shared, E>,
        entry: X,
    ) -> Registered<Shared, E>
    where
        X: Entry<Shared, E> + Send + Sync + 'static,
    {
        let site = std::panic::Location::caller();
        Engine::<Shared, E>::register::<X, R>(&self.engine, target, entry, site)
    }

    /// The engine, for the built-in managers that register into topic lists.
    pub(crate) fn engine(&self) -> &Arc<Engine<Shared, E>> {
        &self.engine
    }

    manager_methods!(Arc, "std::sync::Arc", "weak_events", "crate");

    /// Asks for a full cleanup pass (every source), run where the manager's [`CleanupMode`] says.
    ///
    /// Every entry dead at this call is gone after that pass. Requests coalesce: many calls
    /// before the pass runs cost one pass.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
    /// manager.schedule_cleanup();
    /// assert_eq!(manager.stats().cleanup.passes, 1, "inline: ran at once");
    /// ```
    pub fn schedule_cleanup(&self) {
        Engine::<Shared, E>::request_full_pass(&self.engine);
    }

    /// Runs this manager's pending pass, if any (see [`CleanupMode::Manual`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    /// assert_eq!(manager.run_pending_cleanup().sources_visited, 0);
    /// manager.schedule_cleanup();
    /// manager.run_pending_cleanup();
    /// assert_eq!(manager.stats().cleanup.passes, 1);
    /// ```
    pub fn run_pending_cleanup(&self) -> PurgeReport {
        self.engine.run_pending_pass()
    }

    /// This manager's cleanup mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// assert_eq!(manager.cleanup_mode(), weak_events::cleanup_mode());
    /// ```
    pub fn cleanup_mode(&self) -> CleanupMode {
        self.engine.cleanup_state().mode()
    }

    /// Sets this manager's cleanup mode; `None` follows the process-wide mode again.
    ///
    /// Work already pending is not lost: it is sent to the new mode's runner at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{CleanupMode, WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    /// manager.schedule_cleanup();
    /// manager.set_cleanup_mode(Some(CleanupMode::Inline));
    /// assert_eq!(manager.stats().cleanup.passes, 1, "the pending pass ran");
    /// ```
    pub fn set_cleanup_mode(&self, mode: Option<CleanupMode>) {
        Engine::<Shared, E>::set_cleanup_mode(&self.engine, mode);
    }
}

impl<E: WeakEvent> Registered<Shared, E> {
    /// A guard that removes the registration when dropped.
    pub(crate) fn into_guard(self) -> crate::Subscription {
        crate::Subscription::new(self.state, self.id)
    }
}

manager_impls!(WeakEventManager, WeakEvent);
