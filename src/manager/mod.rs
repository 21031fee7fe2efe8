//! [`WeakEventManager`]: one per event kind; holds receivers weakly and delivers to them.
//!
//! The public face only: every registration form below is a short wrapper over the engine's one
//! registration path (`Engine::register`, given where the registration goes and what entry it
//! is), and every other method forwards to the engine. The registration forms for a source are
//! in `register.rs`, the static forms in `statics.rs`.

mod register;
mod statics;

use std::fmt;
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

    /// The one registration path every form below wraps.
    fn register<R: ?Sized, X>(
        &self,
        target: Target<'_, Shared, E>,
        entry: X,
    ) -> Registered<Shared, E>
    where
        X: Entry<Shared, E> + Send + Sync + 'static,
    {
        Engine::<Shared, E>::register::<X, R>(&self.engine, target, entry)
    }

    /// The engine, for the built-in managers that register into topic lists.
    pub(crate) fn engine(&self) -> &Arc<Engine<Shared, E>> {
        &self.engine
    }

    /// Removes the most recent registration of `listener` on `source`; false if there is none.
    ///
    /// Pass the `Arc` that was registered (`&view`). Identity is the receiver's allocation, so
    /// any clone of that `Arc` matches; a registration made through another manager or for
    /// another source does not. From inside the listener, where only `&self` is at hand, use
    /// [`remove_listener_by_ref`](Self::remove_listener_by_ref). Handlers registered with
    /// [`add_handler`](Self::add_handler) are removed by id or guard, not here. This scans the
    /// source's list (O(n)); removal by id or by guard is a binary search over the list's
    /// increasing ids (O(log n)).
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
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// manager.add_listener(&bus, &view);
    /// manager.add_listener(&bus, &view);
    /// assert!(manager.remove_listener(&bus, &view));
    /// assert_eq!(manager.listener_count(&bus), 1, "one registration per removal");
    /// assert!(manager.remove_listener(&bus, &Arc::clone(&view)), "any clone matches");
    /// assert!(!manager.remove_listener(&bus, &view));
    /// ```
    ///
    /// A plain reference is not the registered `Arc`, and does not compile here:
    ///
    /// ```compile_fail
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// manager.remove_listener(&bus, &*view); // use `&view`, or `remove_listener_by_ref`
    /// ```
    #[must_use = "false means nothing was registered for this listener on this source"]
    pub fn remove_listener<L>(&self, source: &E::Source, listener: &Arc<L>) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.remove_listener_by_ref(source, &**listener)
    }

    /// Removes the most recent registration of the listener `listener` points to: for code
    /// that has only a plain reference, such as a listener removing itself from `&self`.
    ///
    /// The reference must point into the registered `Arc` (`&*view`, or `self` inside
    /// [`receive_weak_event`](WeakEventListener::receive_weak_event)). `L` must be the listener
    /// type itself: a reference to the `Arc` (`&view`) is not a listener and does not compile;
    /// pass it to [`remove_listener`](Self::remove_listener) instead.
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
    ///
    /// // Listens to the first ping only: it removes itself.
    /// struct Splash;
    /// impl WeakEventListener<Ping> for Splash {
    ///     fn receive_weak_event(&self, bus: &Bus, _: &()) {
    ///         let removed = WeakEventManager::<Ping>::current().remove_listener_by_ref(bus, self);
    ///         assert!(removed);
    ///     }
    /// }
    ///
    /// let manager = WeakEventManager::<Ping>::current();
    /// let (bus, splash) = (Arc::new(Bus), Arc::new(Splash));
    /// manager.add_listener(&bus, &splash);
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    ///
    /// The `Arc` itself is not a listener:
    ///
    /// ```compile_fail
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// manager.remove_listener_by_ref(&bus, &view); // use `&*view`, or `remove_listener(&bus, &view)`
    /// ```
    #[must_use = "false means nothing was registered for this listener on this source"]
    pub fn remove_listener_by_ref<L>(&self, source: &E::Source, listener: &L) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.engine
            .remove_listener_in(source, None, addr_of(listener))
    }

    /// Removes the registration `id` of `source`; false if it is not registered there.
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
    /// let (a, b, view) = (Arc::new(Bus), Arc::new(Bus), Arc::new(View));
    /// let id = manager.add_handler(&a, &view, |_, _, _| {});
    /// assert!(!manager.remove_registration(&b, id), "not a registration of b");
    /// assert!(manager.remove_registration(&a, id));
    /// ```
    #[must_use = "false means `id` is not registered on this source (removed already, or made elsewhere)"]
    pub fn remove_registration(&self, source: &E::Source, id: RegistrationId) -> bool {
        self.engine.remove_registration(source, id)
    }

    /// Delivers `args` from `source` to the source's listeners.
    ///
    /// One table lookup, one snapshot, one `Weak::upgrade` per listener; no allocation and no
    /// lock per listener. A source with no listeners gets a no-op. A delivery that meets dead
    /// receivers asks for a cleanup pass over this source.
    ///
    /// A sender that delivers this way has no [`Event`](crate::Event) whose drop tells the
    /// manager it died: give it a [`DropNotice`](crate::DropNotice) (see
    /// [`WeakEvent::drop_notice`]) and its entries go at the next pass after it dies; without
    /// one they go at the table's upkeep (see
    /// [`CleanupMode`](crate::CleanupMode#how-a-dead-source-is-found)).
    ///
    /// # Panics
    ///
    /// If a listener panics, the others are still called, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Count {}
    /// impl WeakEvent for Count { type Source = Bus; type Args = usize; }
    /// #[derive(Default)]
    /// struct Total(AtomicUsize);
    /// impl WeakEventListener<Count> for Total {
    ///     fn receive_weak_event(&self, _: &Bus, n: &usize) { self.0.fetch_add(*n, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Count>::new();
    /// let (a, b) = (Arc::new(Bus), Arc::new(Bus));
    /// let total = Arc::new(Total::default());
    /// manager.add_listener(&a, &total);
    /// manager.deliver_event(&a, &5);
    /// manager.deliver_event(&b, &100); // b's listeners: none
    /// assert_eq!(total.0.load(Ordering::SeqCst), 5);
    /// ```
    pub fn deliver_event(&self, source: &E::Source, args: &E::Args) {
        self.engine.deliver(source, args);
    }

    /// The number of registrations on `source` (their receivers may have died since).
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
    /// let manager = WeakEventManager::<Ping>::new();
    /// assert_eq!(manager.listener_count(&Bus), 0);
    /// ```
    pub fn listener_count(&self, source: &E::Source) -> usize {
        self.engine.listener_count(source)
    }

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

    /// Runs a full cleanup pass now, on this thread, whatever the mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{Event, WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus { ping: Event<()> }
    /// enum Ping {}
    /// impl WeakEvent for Ping {
    ///     type Source = Bus;
    ///     type Args = ();
    ///     fn event(bus: &Bus) -> Option<&Event<()>> { Some(&bus.ping) }
    /// }
    /// struct View;
    /// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let bus = Arc::new(Bus { ping: Event::new() });
    /// let view = Arc::new(View);
    /// manager.add_listener(&bus, &view);
    /// drop(view);
    /// assert_eq!(manager.purge().entries_purged, 1);
    /// assert!(bus.ping.is_empty(), "the last entry went: the manager detached");
    /// ```
    pub fn purge(&self) -> PurgeReport {
        self.engine.run_full_pass()
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

    /// The table's counts and the cleanup counters; see [`ManagerStats`].
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// assert_eq!(WeakEventManager::<Ping>::new().stats().registrations, 0);
    /// ```
    pub fn stats(&self) -> ManagerStats {
        self.engine.stats()
    }

    /// Sets the registrations per source past which an add warns, once per source (see
    /// [`ThresholdWarning`](crate::ThresholdWarning)); `None` turns the warning off. The default is
    /// [`DEFAULT_LISTENER_THRESHOLD`](crate::DEFAULT_LISTENER_THRESHOLD).
    ///
    /// `Some(usize::MAX)` is the same as `None` (no source can hold more than `usize::MAX`
    /// registrations, so it never warns) and reads back as `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// assert_eq!(manager.listener_threshold(), Some(weak_events::DEFAULT_LISTENER_THRESHOLD));
    /// manager.set_listener_threshold(None);
    /// assert_eq!(manager.listener_threshold(), None);
    /// manager.set_listener_threshold(Some(usize::MAX)); // can never be crossed
    /// assert_eq!(manager.listener_threshold(), None);
    /// ```
    pub fn set_listener_threshold(&self, threshold: Option<usize>) {
        self.engine.set_threshold(threshold);
    }

    /// The listener threshold; see [`set_listener_threshold`](Self::set_listener_threshold).
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// manager.set_listener_threshold(Some(50));
    /// assert_eq!(manager.listener_threshold(), Some(50));
    /// ```
    pub fn listener_threshold(&self) -> Option<usize> {
        self.engine.threshold()
    }
}

impl<E: WeakEvent> Registered<Shared, E> {
    /// A guard that removes the registration when dropped.
    pub(crate) fn into_guard(self) -> crate::Subscription {
        crate::Subscription::new(self.state, self.id)
    }
}

impl<E: WeakEvent> Default for WeakEventManager<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: WeakEvent> Clone for WeakEventManager<E> {
    /// Another handle to the same manager.
    fn clone(&self) -> Self {
        WeakEventManager {
            engine: Arc::clone(&self.engine),
        }
    }
}

impl<E: WeakEvent> fmt::Debug for WeakEventManager<E> {
    /// Never blocks and never scans the table: prints the event kind, the source count and the
    /// cleanup state.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakEventManager")
            .field("event", &std::any::type_name::<E>())
            .field("sources", &self.engine.source_count())
            .field("cleanup", self.engine.cleanup_state())
            .finish_non_exhaustive()
    }
}
