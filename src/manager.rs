//! [`WeakEventManager`]: one per event kind; holds receivers weakly and delivers to them.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock, Weak};

use crate::cleanup::{self, Cleanable, CleanupMode, CleanupState, CleanupStats, PurgeReport};
use crate::diagnostics::{self, ThresholdWarning, DEFAULT_LISTENER_THRESHOLD};
use crate::list::{Node, Reach};
use crate::listener::{addr_of, HandlerEntry, ListenerEntry};
use crate::listener::{Entry, Once};
use crate::source::{self, Added, EntryNode, SourceState};
use crate::subscription::Subscription;
use crate::sync::{lock, AtomicUsize, Mutex, Ordering};
use crate::table::Table;
use crate::{WeakEvent, WeakEventListener};

/// The table's upkeep floor: the first upkeep runs at this many sources, and the next is never
/// set lower.
const MIN_TABLE_MARK: usize = 16;

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
    shared: Arc<Shared<E>>,
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
/// assert_eq!((stats.sources, stats.registrations, stats.live, stats.dead), (1, 2, 1, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ManagerStats {
    /// Sources in the table (sources whose entries a pass has not yet removed count too).
    pub sources: usize,
    /// Registrations present, static ones included.
    pub registrations: usize,
    /// Registrations whose receiver is alive.
    pub live: usize,
    /// Registrations whose receiver died and that no pass has purged yet.
    pub dead: usize,
    /// Registrations on the static list (events with no source).
    pub static_registrations: usize,
    /// The cleanup counters.
    pub cleanup: CleanupStats,
}

/// The manager's shared state, also reachable (weakly) from its sources' states.
pub(crate) struct Shared<E: WeakEvent> {
    table: Table<Arc<SourceState<E>>>,
    /// Sources in the table, counted here because counting a sharded map locks every shard.
    sources: AtomicUsize,
    /// Sources at which an insert asks for a full pass (twice the count after the last one).
    table_mark: AtomicUsize,
    statics: Arc<SourceState<E>>,
    /// Sources marked dirty since the last pass; see `cleanup`.
    dirty: Mutex<Vec<Arc<SourceState<E>>>>,
    cleanup: CleanupState,
    /// Registrations per source past which an add warns (`usize::MAX`: never).
    threshold: AtomicUsize,
}

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
        Self::build(None)
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
        Self::build(Some(mode))
    }

    fn build(mode: Option<CleanupMode>) -> Self {
        let shared = Arc::new_cyclic(|weak: &Weak<Shared<E>>| Shared {
            table: Table::new(),
            sources: AtomicUsize::new(0),
            table_mark: AtomicUsize::new(MIN_TABLE_MARK),
            statics: Arc::new(SourceState::new(0, None, weak.clone())),
            dirty: Mutex::new(Vec::new()),
            cleanup: CleanupState::new(mode),
            threshold: AtomicUsize::new(DEFAULT_LISTENER_THRESHOLD),
        });
        let erased: Arc<dyn Cleanable> = shared.clone();
        cleanup::register(Arc::downgrade(&erased));
        WeakEventManager { shared }
    }

    /// The process-wide manager of event kind `E`, made on first use.
    ///
    /// One lookup in a process-wide registry keyed by `TypeId`; keep the returned reference where
    /// a hot loop needs it.
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
        singleton(Self::new)
    }

    /// Registers `listener` for the events of `source`; returns the registration's id.
    ///
    /// Neither is kept alive by the manager. If this is the source's first listener and the
    /// kind has an `Event` ([`WeakEvent::event`]), the manager attaches to it before returning.
    /// O(1) amortised in the number of listeners on the source.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// #[derive(Default)]
    /// struct View(AtomicBool);
    /// impl WeakEventListener<Ping> for View {
    ///     fn receive_weak_event(&self, _: &Bus, _: &()) { self.0.store(true, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    /// manager.add_listener(&bus, &view);
    /// manager.deliver_event(&bus, &());
    /// assert!(view.0.load(Ordering::SeqCst));
    /// assert_eq!(Arc::strong_count(&view), 1, "held weakly");
    /// ```
    pub fn add_listener<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::new(listener);
        self.shared.add(source, node::<E, _, L>(entry))
    }

    /// Registers `receiver` with a plain `fn` to call for the events of `source`.
    ///
    /// The handler is given the receiver, so it needs to capture nothing; it is a plain `fn`
    /// (non-capturing closures coerce to it), so a handler that keeps its own receiver alive
    /// does not compile. Remove it by the returned id, or use
    /// [`subscribe_handler`](Self::subscribe_handler) for a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Said {}
    /// impl WeakEvent for Said { type Source = Bus; type Args = str; }
    /// #[derive(Default)]
    /// struct View { lines: Mutex<Vec<String>> }
    ///
    /// let manager = WeakEventManager::<Said>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    /// manager.add_handler(&bus, &view, |view, _bus, line| {
    ///     view.lines.lock().unwrap().push(line.to_owned())
    /// });
    /// manager.deliver_event(&bus, "hello");
    /// assert_eq!(*view.lines.lock().unwrap(), ["hello"]);
    /// ```
    ///
    /// A closure that captures its receiver is not a `fn`:
    ///
    /// ```compile_fail
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventManager};
    /// # struct Bus;
    /// # enum Said {}
    /// # impl WeakEvent for Said { type Source = Bus; type Args = str; }
    /// # struct View;
    /// # let manager = WeakEventManager::<Said>::new();
    /// # let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// let captured = Arc::clone(&view);
    /// manager.add_handler(&bus, &view, move |_view, _bus, _line| {
    ///     let _keep_alive = &captured; // would keep the view alive forever
    /// });
    /// ```
    pub fn add_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::<E, R>::new(receiver, handler);
        self.shared.add(source, node::<E, _, R>(entry))
    }

    /// Registers `listener` for one event of `source`: the first delivery that reaches it
    /// removes it, then calls it (a re-entrant or concurrent delivery does not call it again).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    /// #[derive(Default)]
    /// struct Splash(AtomicUsize);
    /// impl WeakEventListener<Loaded> for Splash {
    ///     fn receive_weak_event(&self, _: &Bus, _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, splash) = (Arc::new(Bus), Arc::new(Splash::default()));
    /// manager.add_listener_once(&bus, &splash);
    /// manager.deliver_event(&bus, &());
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(splash.0.load(Ordering::SeqCst), 1);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    pub fn add_listener_once<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::new(listener));
        self.shared.add(source, node::<E, _, L>(entry))
    }

    /// [`add_handler`](Self::add_handler) for one event of `source`; see
    /// [`add_listener_once`](Self::add_listener_once).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, count) = (Arc::new(Bus), Arc::new(AtomicUsize::new(0)));
    /// let id = manager.add_handler_once(&bus, &count, |c, _, _| { c.fetch_add(1, Ordering::SeqCst); });
    /// manager.deliver_event(&bus, &());
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(count.load(Ordering::SeqCst), 1);
    /// assert!(!manager.remove_registration(&bus, id), "removed by its delivery");
    /// ```
    pub fn add_handler_once<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::<E, R>::new(receiver, handler));
        self.shared.add(source, node::<E, _, R>(entry))
    }

    /// [`add_listener`](Self::add_listener) returning a guard that removes the registration
    /// when dropped.
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
    /// let subscription = manager.subscribe(&bus, &view);
    /// assert_eq!(manager.listener_count(&bus), 1);
    /// drop(subscription);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    pub fn subscribe<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let id = self.add_listener(source, listener);
        self.guard(source, id)
    }

    /// [`add_handler`](Self::add_handler) returning a guard that removes the registration
    /// when dropped.
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
    /// let subscription = manager.subscribe_handler(&bus, &view, |_, _, _| {});
    /// assert!(subscription.unsubscribe());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    pub fn subscribe_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let id = self.add_handler(source, receiver, handler);
        self.guard(source, id)
    }

    pub(crate) fn guard(&self, source: &E::Source, id: RegistrationId) -> Subscription {
        match self.shared.state_of(source) {
            Some(state) => Subscription::new(state, id),
            // The registration is already gone (a listener of another thread removed the
            // source's last registration and a purge ran): nothing to guard.
            None => Subscription::detached(id),
        }
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
        self.remove_listener_in(source, None, addr_of(listener))
    }

    /// Removes the most recent registration of the listener at `addr` in the list of `topic`
    /// on `source` (`None`: the main list).
    pub(crate) fn remove_listener_in(
        &self,
        source: &E::Source,
        topic: Option<&str>,
        addr: usize,
    ) -> bool {
        self.shared.state_of(source).is_some_and(|state| {
            state.remove_last(topic, |entry| entry.listener_addr() == Some(addr))
        })
    }

    /// Removes the registration `id` if it is in the list of `topic` on `source`.
    pub(crate) fn remove_registration_in(
        &self,
        source: &E::Source,
        topic: Option<&str>,
        id: RegistrationId,
    ) -> bool {
        self.shared
            .state_of(source)
            .is_some_and(|state| state.remove_id_in(topic, id.0))
    }

    /// Registrations on `source` in the list of `topic` (`None`: the main list).
    pub(crate) fn count_in(&self, source: &E::Source, topic: Option<&str>) -> usize {
        self.shared
            .state_of(source)
            .map_or(0, |state| state.count_in(topic))
    }

    /// Registers `entry` in the list of `topic` on `source` (the built-in property manager's
    /// per-property lists); `R` names the receiver type for the profiler.
    pub(crate) fn add_in<X, R>(
        &self,
        source: &Arc<E::Source>,
        topic: &str,
        entry: X,
    ) -> RegistrationId
    where
        X: Entry<E> + 'static,
        R: ?Sized,
    {
        self.shared
            .add_in(source, Some(topic), node::<E, X, R>(entry))
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
    pub fn remove_registration(&self, source: &E::Source, id: RegistrationId) -> bool {
        self.shared
            .state_of(source)
            .is_some_and(|state| state.remove_id(id.0))
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
        let key = addr_of(source);
        let reach = E::reach(args);
        let Some(snapshot) = self.shared.table.with(key, |state| state.snapshot(reach)) else {
            return;
        };
        let (dead, panic) = source::deliver::<E>(&snapshot, source, args, |id| {
            self.remove_registration(source, RegistrationId(id));
        });
        drop(snapshot);
        if dead > 0 {
            // A source already queued for a pass needs no second request (its pass clears the
            // mark before it prunes): skip the clone and the request.
            let state = self.shared.table.with(key, |state| {
                (!state.dirty.load(Ordering::Acquire)).then(|| Arc::clone(state))
            });
            if let Some(state) = state.flatten() {
                state.request_cleanup();
            }
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
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
        self.shared
            .table
            .with(addr_of(source), |state| state.len())
            .unwrap_or(0)
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
        self.shared.request(None);
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
        self.shared.run_pass(true)
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
        self.shared.run_pending()
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
        self.shared.cleanup.mode()
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
        self.shared.cleanup.set_mode(mode);
        if self.shared.cleanup.is_pending() {
            cleanup::dispatch(self.shared.clone());
        }
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
        self.shared.stats()
    }

    /// Sets the registrations per source past which an add warns, once per source (see
    /// [`ThresholdWarning`]); `None` turns the warning off. The default is
    /// [`DEFAULT_LISTENER_THRESHOLD`].
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
        self.shared
            .threshold
            .store(threshold.unwrap_or(usize::MAX), Ordering::Relaxed);
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
        match self.shared.threshold.load(Ordering::Relaxed) {
            usize::MAX => None,
            threshold => Some(threshold),
        }
    }
}

/// Static events: kinds whose source is `()` have one process-wide list per manager.
impl<E: WeakEvent<Source = ()>> WeakEventManager<E> {
    /// Registers `listener` for the static event (no source); the listener sees `&()` as sender.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicU32, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum LowMemory {}
    /// impl WeakEvent for LowMemory { type Source = (); type Args = u32; }
    /// #[derive(Default)]
    /// struct Cache(AtomicU32);
    /// impl WeakEventListener<LowMemory> for Cache {
    ///     fn receive_weak_event(&self, _: &(), level: &u32) { self.0.store(*level, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<LowMemory>::new();
    /// let cache = Arc::new(Cache::default());
    /// manager.add_static_listener(&cache);
    /// manager.deliver_static(&2);
    /// assert_eq!(cache.0.load(Ordering::SeqCst), 2);
    /// assert!(manager.remove_static_listener(&cache));
    /// ```
    pub fn add_static_listener<L>(&self, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::new(listener);
        self.shared.add_static(node::<E, _, L>(entry))
    }

    /// Registers `receiver` and a plain `fn` for the static event.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Shutdown {}
    /// impl WeakEvent for Shutdown { type Source = (); type Args = (); }
    /// #[derive(Default)]
    /// struct Service(AtomicBool);
    ///
    /// let manager = WeakEventManager::<Shutdown>::new();
    /// let service = Arc::new(Service::default());
    /// let id = manager.add_static_handler(&service, |s, _, _| s.0.store(true, Ordering::SeqCst));
    /// manager.deliver_static(&());
    /// assert!(service.0.load(Ordering::SeqCst));
    /// assert!(manager.remove_static_registration(id));
    /// ```
    pub fn add_static_handler<R>(
        &self,
        receiver: &Arc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::<E, R>::new(receiver, handler);
        self.shared.add_static(node::<E, _, R>(entry))
    }

    /// [`add_static_listener`](Self::add_static_listener) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// let guard = manager.subscribe_static(&view);
    /// assert_eq!(manager.stats().static_registrations, 1);
    /// drop(guard);
    /// assert_eq!(manager.stats().static_registrations, 0);
    /// ```
    pub fn subscribe_static<L>(&self, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let id = self.add_static_listener(listener);
        Subscription::new(self.shared.statics.clone(), id)
    }

    /// Removes the most recent static registration of `listener`, the `Arc` that was
    /// registered; false if there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// assert!(!manager.remove_static_listener(&view), "never added");
    /// manager.add_static_listener(&view);
    /// assert!(manager.remove_static_listener(&view));
    /// ```
    #[must_use = "false means nothing was registered for this listener"]
    pub fn remove_static_listener<L>(&self, listener: &Arc<L>) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.remove_static_listener_by_ref(&**listener)
    }

    /// [`remove_static_listener`](Self::remove_static_listener) from a plain reference into the
    /// registered `Arc` (a listener removing itself); see
    /// [`remove_listener_by_ref`](Self::remove_listener_by_ref).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// manager.add_static_listener(&view);
    /// assert!(manager.remove_static_listener_by_ref(&*view));
    /// ```
    #[must_use = "false means nothing was registered for this listener"]
    pub fn remove_static_listener_by_ref<L>(&self, listener: &L) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let addr = addr_of(listener);
        self.shared
            .statics
            .remove_last(None, |entry| entry.listener_addr() == Some(addr))
    }

    /// Removes the static registration `id`; false if it is not one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Tick>::new();
    /// let id = manager.add_static_handler(&Arc::new(()), |_, _, _| {});
    /// assert!(manager.remove_static_registration(id));
    /// assert!(!manager.remove_static_registration(id));
    /// ```
    pub fn remove_static_registration(&self, id: RegistrationId) -> bool {
        self.shared.statics.remove_id(id.0)
    }

    /// Delivers `args` to every static registration.
    ///
    /// # Panics
    ///
    /// If a listener panics, the others are still called, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// WeakEventManager::<Tick>::new().deliver_static(&()); // no listeners: a no-op
    /// ```
    pub fn deliver_static(&self, args: &E::Args) {
        let statics = &self.shared.statics;
        let snapshot = statics.snapshot(Reach::Main);
        let (dead, panic) = source::deliver::<E>(&snapshot, &(), args, |id| {
            statics.remove_id(id);
        });
        drop(snapshot);
        if dead > 0 {
            statics.request_cleanup();
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
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
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<E: WeakEvent> fmt::Debug for WeakEventManager<E> {
    /// Never blocks and never scans the table: prints the event kind, the source count and the
    /// cleanup state.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakEventManager")
            .field("event", &std::any::type_name::<E>())
            .field("sources", &self.shared.sources.load(Ordering::Relaxed))
            .field("cleanup", &self.shared.cleanup)
            .finish_non_exhaustive()
    }
}

impl<E: WeakEvent> Shared<E> {
    fn stats(&self) -> ManagerStats {
        let mut stats = ManagerStats {
            cleanup: self.cleanup.stats(),
            ..ManagerStats::default()
        };
        let states = self.table.values();
        stats.sources = states.len();
        for state in states.iter().chain([&self.statics]) {
            let (registrations, alive) = state.counts();
            stats.registrations += registrations;
            stats.live += alive;
        }
        stats.dead = stats.registrations - stats.live;
        stats.static_registrations = self.statics.len();
        stats
    }

    /// The state of `source`, if it has one.
    fn state_of(&self, source: &E::Source) -> Option<Arc<SourceState<E>>> {
        self.table.with(addr_of(source), Arc::clone)
    }

    fn add(self: &Arc<Self>, source: &Arc<E::Source>, node: EntryNode<E>) -> RegistrationId {
        self.add_in(source, None, node)
    }

    /// Adds `node` to the list of `topic` (`None`: the main list) of `source`'s state.
    fn add_in(
        self: &Arc<Self>,
        source: &Arc<E::Source>,
        topic: Option<&str>,
        mut node: EntryNode<E>,
    ) -> RegistrationId {
        let key = addr_of(Arc::as_ptr(source));
        loop {
            let mut inserted = false;
            let state = self.table.get_or_insert_with(key, || {
                inserted = true;
                // Counted before the state is visible, so that a pass that closes it at once
                // never counts it out first.
                self.sources.fetch_add(1, Ordering::Relaxed);
                Arc::new(SourceState::new(
                    key,
                    Some(Arc::downgrade(source)),
                    Arc::downgrade(self),
                ))
            });
            if inserted {
                self.note_inserted();
            }
            // No other state can sit at `key`: a state's `Weak` keeps the source's allocation,
            // so a live source's address is not another source's.
            let threshold = self.threshold.load(Ordering::Relaxed);
            match state.add(Some(source), topic, node, threshold) {
                Ok(added) => return self.added(&state, added),
                Err(returned) => {
                    // Closed under us: help remove it, then retry on a fresh state.
                    node = returned;
                    self.forget_source(&state);
                }
            }
        }
    }

    fn add_static(self: &Arc<Self>, node: EntryNode<E>) -> RegistrationId {
        let threshold = self.threshold.load(Ordering::Relaxed);
        match self.statics.add(None, None, node, threshold) {
            Ok(added) => self.added(&self.statics, added),
            Err(_) => unreachable!("the static list never closes"),
        }
    }

    /// The follow-up of a successful add, with no lock held: a cleanup request if the list
    /// doubled, a warning if it crossed the threshold.
    fn added(self: &Arc<Self>, state: &Arc<SourceState<E>>, added: Added) -> RegistrationId {
        if added.grew {
            self.request(Some(state));
        }
        if let Some(listeners) = added.crossed {
            diagnostics::warn_threshold(ThresholdWarning {
                event: std::any::type_name::<E>(),
                source: std::any::type_name::<E::Source>(),
                listeners,
                threshold: self.threshold.load(Ordering::Relaxed),
            });
        }
        RegistrationId(added.id)
    }

    /// After a new source was counted: when the table has doubled since its last upkeep, drops
    /// the states of sources that died (the table's own upkeep, in every cleanup mode).
    ///
    /// A source with no `Event` and no [`DropNotice`](crate::DropNotice) tells nobody when it
    /// dies, so only a walk of the table finds it. The walk reads one strong count per source and
    /// runs no user code (a dead source's `Event` is gone, and dropping an entry drops only weak
    /// references), so it runs here, on the adding thread, like a vector's growth: the next mark
    /// is twice what survived it, so the table never holds more than twice the sources that were
    /// alive at the last upkeep (floor: `MIN_TABLE_MARK`), at O(1) amortised per insert.
    fn note_inserted(&self) {
        let sources = self.sources.load(Ordering::Relaxed);
        let mark = self.table_mark.load(Ordering::Relaxed);
        // One thread walks per crossing; the mark is raised first so that the others go on.
        if sources < mark
            || self
                .table_mark
                .compare_exchange(
                    mark,
                    sources.saturating_mul(2),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        let mut report = PurgeReport::default();
        for state in self.table.values() {
            if state.source_is_dead() {
                report.add(state.prune().into_report());
            }
        }
        self.reset_table_mark();
        self.cleanup.record_upkeep(report);
    }

    /// Sets the next upkeep mark from what the table holds now (after a walk or a full pass).
    fn reset_table_mark(&self) {
        let left = self.sources.load(Ordering::Relaxed);
        self.table_mark.store(
            left.saturating_mul(2).max(MIN_TABLE_MARK),
            Ordering::Relaxed,
        );
    }

    /// Removes `state` from the table if it is still there.
    pub(crate) fn forget_source(&self, state: &SourceState<E>) {
        if self.table.remove_if(state.key, |current| {
            std::ptr::eq(Arc::as_ptr(current), state)
        }) {
            self.sources.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// A cleanup request: for one source's state, or for every source (`None`).
    pub(crate) fn request(self: &Arc<Self>, state: Option<&Arc<SourceState<E>>>) {
        if let Some(state) = state {
            if !state.dirty.swap(true, Ordering::AcqRel) {
                lock(&self.dirty).push(Arc::clone(state));
            }
        }
        if self.cleanup.request(state.is_none()) {
            cleanup::dispatch(self.clone());
        }
    }

    /// One pass: the dirty sources, or every source if a full pass was asked for (or `full`).
    fn run_pass(&self, full: bool) -> PurgeReport {
        let full = self.cleanup.take_full() || full;
        let queued = std::mem::take(&mut *lock(&self.dirty));
        // Cleared before the prune, so a request made during it queues the source again.
        for state in &queued {
            state.dirty.store(false, Ordering::Release);
        }
        let states = if full {
            let mut all = self.table.values();
            all.push(Arc::clone(&self.statics));
            all
        } else {
            queued
        };
        let mut report = PurgeReport::default();
        let mut panic = None;
        for state in &states {
            // Detaching runs user code (`WeakEvent::event`, a source's drop): a panic there must
            // not cost the states after it their pass, whose dirty marks are already cleared.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.prune())) {
                Ok(pruned) => report.add(pruned.into_report()),
                Err(payload) => {
                    report.sources_visited += 1;
                    panic.get_or_insert(payload);
                }
            }
        }
        if full {
            // From what survived, not from what the pass found: a table of dead sources must
            // not double its next mark at every pass.
            self.reset_table_mark();
        }
        self.cleanup.record(report);
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
        report
    }
}

impl<E: WeakEvent> Cleanable for Shared<E> {
    fn cleanup_state(&self) -> &CleanupState {
        &self.cleanup
    }

    fn run_pending(&self) -> PurgeReport {
        if self.cleanup.take_pending() {
            self.run_pass(false)
        } else {
            PurgeReport::default()
        }
    }

    fn purge(&self) -> PurgeReport {
        self.run_pass(true)
    }

    fn describe(&self) -> (&'static str, ManagerStats) {
        (std::any::type_name::<E>(), self.stats())
    }
}

/// The process-wide value of type `T`, made by `make` on first use and kept for the life of the
/// process: the registry behind every `current()`. Generic statics do not exist in Rust, so the
/// values live in one `TypeId`-keyed map; a hit is one read lock and one hash lookup.
pub(crate) fn singleton<T: Send + Sync + 'static>(make: impl FnOnce() -> T) -> &'static T {
    // `TypeId`s are hashes already: FxHash instead of SipHash halves a lookup.
    type Registry =
        RwLock<HashMap<TypeId, &'static (dyn Any + Send + Sync), rustc_hash::FxBuildHasher>>;
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let registry = REGISTRY.get_or_init(Default::default);
    let key = TypeId::of::<T>();
    let found = registry
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
        .copied();
    let any = match found {
        Some(any) => any,
        None => {
            // Made outside the lock (`make` may use other singletons); a racing thread's value
            // wins and ours is dropped unused.
            let value = make();
            *registry
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(key)
                // One per type for the life of the process: leaked on purpose.
                .or_insert_with(|| Box::leak(Box::new(value)))
        }
    };
    match any.downcast_ref::<T>() {
        Some(value) => value,
        None => unreachable!("the registry maps each TypeId to a value of that type"),
    }
}

/// Allocates a registration's node, tells the profiler about it, and erases its receiver type.
fn node<E, X, R>(entry: X) -> EntryNode<E>
where
    E: WeakEvent,
    X: Entry<E> + 'static,
    R: ?Sized,
{
    let node = Arc::new(Node::new(entry));
    diagnostics::note_registration(
        &node,
        std::any::type_name::<E>(),
        std::any::type_name::<R>(),
    );
    node
}

impl<E: WeakEvent> Drop for Shared<E> {
    /// A private manager going away detaches from every source's `Event`, so none keeps a
    /// forwarding handler to a manager that no longer exists.
    fn drop(&mut self) {
        for state in self.table.values() {
            state.shutdown();
        }
    }
}
