//! [`WeakEventManager`] and [`Subscription`] of the thread-affine flavour: the public face, each
//! method a one-line wrapper over the engine it shares with the root flavour.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::rc::Rc;

use crate::engine::{Engine, Registered, Target};
use crate::entry::{addr_of, ClosureEntry, Entry, HandlerEntry, ListenerEntry, Once, Unborn};
use crate::flavor::Local;
use crate::unsync::{CleanupMode, OwnedSubscription, Subscription, WeakEvent, WeakEventListener};
use crate::{ManagerStats, PurgeReport, RegistrationId};

/// The manager of one event kind `E` on one thread: the `Rc` twin of
/// [`crate::WeakEventManager`], with the same semantics (weak receivers and sources, snapshot
/// delivery that skips what was removed before its turn, no borrow held while user code runs,
/// panics isolated and resumed, duplicates, clear answers to bad input).
///
/// It is `!Send`: its sources, receivers and registrations belong to the thread that made them.
/// [`current`](Self::current) is this thread's manager of `E` (each thread has its own, as
/// WPF's weak-event tables are per thread); [`new`](Self::new) makes a private one. Cloning is
/// cheap and shares the manager.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use weak_events::unsync::{Event, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Settings { changed: Event<str> }
/// enum SettingChanged {}
/// impl WeakEvent for SettingChanged {
///     type Source = Settings;
///     type Args = str;
///     fn event(s: &Settings) -> Option<&Event<str>> { Some(&s.changed) }
/// }
/// struct View { repaints: Rc<Cell<u32>> }
/// impl WeakEventListener<SettingChanged> for View {
///     fn receive_weak_event(&self, _: &Settings, _: &str) { self.repaints.set(self.repaints.get() + 1) }
/// }
///
/// let settings = Rc::new(Settings { changed: Event::new() });
/// let repaints = Rc::new(Cell::new(0));
/// let view = Rc::new(View { repaints: Rc::clone(&repaints) });
/// WeakEventManager::<SettingChanged>::current().add_listener(&settings, &view);
///
/// settings.changed.raise("theme");
/// drop(view); // closed, never unsubscribed
/// settings.changed.raise("font");
/// assert_eq!(repaints.get(), 1);
/// ```
///
/// It is not `Send`:
///
/// ```compile_fail
/// # use weak_events::unsync::{WeakEvent, WeakEventManager};
/// # struct Bus;
/// # enum Ping {}
/// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// fn send<T: Send>(_: T) {}
/// send(WeakEventManager::<Ping>::new());
/// ```
pub struct WeakEventManager<E: WeakEvent> {
    engine: Rc<Engine<Local, E>>,
}

thread_local! {
    /// This thread's `current()` managers, by kind; dropped with the thread.
    static CURRENT: RefCell<HashMap<TypeId, Rc<dyn Any>, rustc_hash::FxBuildHasher>> =
        RefCell::new(HashMap::default());
}

impl<E: WeakEvent> WeakEventManager<E> {
    /// A private manager in [`CleanupMode::Idle`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// let manager = WeakEventManager::<Ping>::new();
    /// assert_eq!(manager.stats().registrations, 0);
    /// ```
    pub fn new() -> Self {
        Self::with_cleanup(CleanupMode::default())
    }

    /// A private manager with its own cleanup mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// use weak_events::unsync::CleanupMode;
    /// let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
    /// assert_eq!(manager.cleanup_mode(), CleanupMode::Inline);
    /// ```
    pub fn with_cleanup(mode: CleanupMode) -> Self {
        WeakEventManager {
            engine: Engine::<Local, E>::new(Some(mode.to_shared())),
        }
    }

    /// This thread's manager of `E`: an owned handle (a clone of an `Rc`), made on the thread's
    /// first call and dropped when the thread ends, so a thread's managers (and what they hold)
    /// do not outlive it.
    ///
    /// Called while the thread's locals are being destroyed (from a `Drop` run by a
    /// thread-local's destructor), when the thread's managers may be gone already, it returns a
    /// new private manager instead (see [`try_current`](Self::try_current) to tell).
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let a = WeakEventManager::<Ping>::current();
    /// let b = WeakEventManager::<Ping>::current();
    /// a.add_listener(&bus, &view);
    /// assert_eq!(b.listener_count(&bus), 1, "one manager per thread");
    /// let other = std::thread::spawn(|| WeakEventManager::<Ping>::current().stats().registrations);
    /// assert_eq!(other.join().unwrap(), 0, "another thread has its own");
    /// ```
    pub fn current() -> Self {
        Self::try_current().unwrap_or_else(Self::new)
    }

    /// This thread's manager of `E`, or `None` while the thread's locals are being destroyed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// assert!(WeakEventManager::<Ping>::try_current().is_some());
    /// ```
    pub fn try_current() -> Option<Self> {
        CURRENT
            .try_with(|current| {
                let found = current.borrow().get(&TypeId::of::<Self>()).cloned();
                let any = found.unwrap_or_else(|| {
                    // Made with no borrow held: making a manager registers it with the thread.
                    let made: Rc<dyn Any> = Rc::new(Self::new());
                    current
                        .borrow_mut()
                        .entry(TypeId::of::<Self>())
                        .or_insert(made)
                        .clone()
                });
                any.downcast_ref::<Self>().cloned()
            })
            .ok()
            .flatten()
    }

    /// Registers a receiver still being built, from its `Weak`, inside `Rc::new_cyclic`, so
    /// that it keeps the guard in its own field; see the root flavour's
    /// [`subscribe_weak`](crate::WeakEventManager::subscribe_weak).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use weak_events::unsync::{OwnedSubscription, WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Settings;
    /// enum Changed {}
    /// impl WeakEvent for Changed { type Source = Settings; type Args = (); }
    /// struct Panel { _subscription: OwnedSubscription }
    /// impl WeakEventListener<Changed> for Panel { fn receive_weak_event(&self, _: &Settings, _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Changed>::new();
    /// let settings = Rc::new(Settings);
    /// let panel = Rc::new_cyclic(|me| Panel { _subscription: manager.subscribe_weak(&settings, me) });
    /// assert_eq!(manager.listener_count(&settings), 1);
    /// drop(panel);
    /// assert_eq!(manager.listener_count(&settings), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_weak<L>(
        &self,
        source: &Rc<E::Source>,
        listener: &std::rc::Weak<L>,
    ) -> OwnedSubscription
    where
        L: WeakEventListener<E> + 'static,
    {
        let entry = Unborn::new(ListenerEntry::<Local, L>::from_weak(listener));
        let guard = self
            .register::<L, _>(Target::Source(source, None), entry)
            .into_guard();
        OwnedSubscription { guard: guard.guard }
    }

    /// A handler that may capture context beside the receiver it is given (held weakly); see
    /// the root flavour's [`add_closure_handler`](crate::WeakEventManager::add_closure_handler)
    /// for what it gives up.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use weak_events::unsync::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = u32; }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Rc::new(Bus), Rc::new("inbox"));
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let sink = Rc::clone(&log);
    /// manager.add_closure_handler(&bus, &view, move |view, _, n| sink.borrow_mut().push(format!("{view} got {n}")));
    /// manager.deliver_event(&bus, &3);
    /// assert_eq!(*log.borrow(), ["inbox got 3"]);
    /// ```
    #[track_caller]
    pub fn add_closure_handler<R, H>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: H,
    ) -> RegistrationId
    where
        R: ?Sized + 'static,
        H: Fn(&R, &E::Source, &E::Args) + 'static,
    {
        let entry = ClosureEntry::<Local, R, H>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_closure_handler`](Self::add_closure_handler) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use weak_events::unsync::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = u32; }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Rc::new(Bus), Rc::new(()));
    /// let guard = manager.subscribe_closure_handler(&bus, &receiver, |_, _, _| {});
    /// drop(guard);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_closure_handler<R, H>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: H,
    ) -> Subscription
    where
        R: ?Sized + 'static,
        H: Fn(&R, &E::Source, &E::Args) + 'static,
    {
        let entry = ClosureEntry::<Local, R, H>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// The engine, for the built-in managers' faces.
    pub(crate) fn engine(&self) -> &Rc<Engine<Local, E>> {
        &self.engine
    }

    manager_methods!(Rc, "std::rc::Rc", "weak_events::unsync", "crate::unsync");

    #[track_caller]
    fn register<R: ?Sized, X: Entry<Local, E> + 'static>(
        &self,
        target: Target<'_, Local, E>,
        entry: X,
    ) -> Registered<Local, E> {
        let site = std::panic::Location::caller();
        Engine::<Local, E>::register::<X, R>(&self.engine, target, entry, site)
    }

    /// Registers `listener` for the events of `source`, weakly; its id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let id = manager.add_listener(&bus, &view);
    /// assert!(manager.remove_registration(&bus, id));
    /// ```
    #[track_caller]
    pub fn add_listener<L>(&self, source: &Rc<E::Source>, listener: &Rc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::<Local, L>::new(listener);
        self.register::<L, _>(Target::Source(source, None), entry)
            .id
    }

    /// Registers `handler`, called with `receiver` (held weakly) for the events of `source`.
    /// A plain `fn`: a handler cannot capture (and so keep alive) its own receiver.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let label = Rc::new(std::cell::Cell::new(0));
    /// manager.add_handler(&bus, &label, |label, _, _| label.set(label.get() + 1));
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(label.get(), 1);
    /// ```
    #[track_caller]
    pub fn add_handler<R>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: ?Sized + 'static,
    {
        let entry = HandlerEntry::<Local, E, R>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_handler`](Self::add_handler) whose handler returns `Break(())` to remove its own
    /// registration.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// use std::ops::ControlFlow;
    /// let receiver = Rc::new(());
    /// manager.add_flow_handler(&bus, &receiver, |_, _, _| ControlFlow::Break(()));
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn add_flow_handler<R>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: fn(&R, &E::Source, &E::Args) -> ControlFlow<()>,
    ) -> RegistrationId
    where
        R: ?Sized + 'static,
    {
        let entry = HandlerEntry::<Local, E, R, ControlFlow<()>>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_listener`](Self::add_listener) for the next event only: removed before it is
    /// called, so a re-entrant delivery never calls it twice.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// manager.add_listener_once(&bus, &view);
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn add_listener_once<L>(&self, source: &Rc<E::Source>, listener: &Rc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::<Local, L>::new(listener));
        self.register::<L, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_handler`](Self::add_handler) for the next event only.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let receiver = Rc::new(());
    /// manager.add_handler_once(&bus, &receiver, |_, _, _| {});
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn add_handler_once<R>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::<Local, E, R>::new(receiver, handler));
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_listener`](Self::add_listener), removed when the returned guard is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let subscription = manager.subscribe(&bus, &view);
    /// assert_eq!(manager.listener_count(&bus), 1);
    /// drop(subscription);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn subscribe<L>(&self, source: &Rc<E::Source>, listener: &Rc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::<Local, L>::new(listener);
        self.register::<L, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_handler`](Self::add_handler), removed when the returned guard is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let receiver = Rc::new(());
    /// let subscription = manager.subscribe_handler(&bus, &receiver, |_, _, _| {});
    /// assert!(subscription.unsubscribe());
    /// ```
    #[track_caller]
    pub fn subscribe_handler<R>(
        &self,
        source: &Rc<E::Source>,
        receiver: &Rc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> Subscription
    where
        R: ?Sized + 'static,
    {
        let entry = HandlerEntry::<Local, E, R>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_listener_once`](Self::add_listener_once), removed when the guard is dropped if it
    /// has not fired yet.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// let subscription = manager.subscribe_once(&bus, &view);
    /// manager.deliver_event(&bus, &());
    /// assert!(!subscription.unsubscribe(), "fired, so gone");
    /// ```
    #[track_caller]
    pub fn subscribe_once<L>(&self, source: &Rc<E::Source>, listener: &Rc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::<Local, L>::new(listener));
        self.register::<L, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// Asks for a full pass, run as the manager's mode says.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// manager.schedule_cleanup();
    /// manager.run_pending_cleanup();
    /// ```
    pub fn schedule_cleanup(&self) {
        Engine::<Local, E>::request_full_pass(&self.engine);
    }

    /// Runs this manager's pending pass, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// assert_eq!(manager.run_pending_cleanup().entries_purged, 0);
    /// ```
    pub fn run_pending_cleanup(&self) -> PurgeReport {
        self.engine.run_pending_pass()
    }

    /// The manager's cleanup mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// assert_eq!(manager.cleanup_mode(), weak_events::unsync::CleanupMode::Idle);
    /// ```
    pub fn cleanup_mode(&self) -> CleanupMode {
        CleanupMode::from_shared(self.engine.cleanup_state().mode())
    }

    /// Sets the manager's cleanup mode; a pass already pending goes to the new mode's runner.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// # struct View;
    /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    /// # let manager = WeakEventManager::<Ping>::new();
    /// # let (bus, view) = (Rc::new(Bus), Rc::new(View));
    /// use weak_events::unsync::CleanupMode;
    /// manager.set_cleanup_mode(CleanupMode::Inline);
    /// assert_eq!(manager.cleanup_mode(), CleanupMode::Inline);
    /// ```
    pub fn set_cleanup_mode(&self, mode: CleanupMode) {
        Engine::<Local, E>::set_cleanup_mode(&self.engine, Some(mode.to_shared()));
    }
}

impl<E: WeakEvent<Source = ()>> WeakEventManager<E> {
    /// Registers `listener` for the kind's static events (no source).
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// manager.add_static_listener(&app);
    /// manager.deliver_static(&());
    /// assert_eq!(manager.stats().static_registrations, 1);
    /// ```
    #[track_caller]
    pub fn add_static_listener<L>(&self, listener: &Rc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::<Local, L>::new(listener);
        self.register::<L, _>(Target::Static, entry).id
    }

    /// Registers `handler`, called with `receiver` (held weakly), for the static events.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// let receiver = Rc::new(());
    /// let id = manager.add_static_handler(&receiver, |_, _, _| {});
    /// assert!(manager.remove_static_registration(id));
    /// ```
    #[track_caller]
    pub fn add_static_handler<R>(
        &self,
        receiver: &Rc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> RegistrationId
    where
        R: ?Sized + 'static,
    {
        let entry = HandlerEntry::<Local, E, R>::new(receiver, handler);
        self.register::<R, _>(Target::Static, entry).id
    }

    /// [`add_static_listener`](Self::add_static_listener), removed when the guard is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// let subscription = manager.subscribe_static(&app);
    /// drop(subscription);
    /// assert_eq!(manager.stats().static_registrations, 0);
    /// ```
    #[track_caller]
    pub fn subscribe_static<L>(&self, listener: &Rc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::<Local, L>::new(listener);
        self.register::<L, _>(Target::Static, entry).into_guard()
    }

    /// Removes the most recent static registration of `listener`; false if there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// manager.add_static_listener(&app);
    /// assert!(manager.remove_static_listener(&app));
    /// assert!(!manager.remove_static_listener(&app));
    /// ```
    #[must_use = "false means nothing was registered for this listener"]
    pub fn remove_static_listener<L>(&self, listener: &Rc<L>) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.engine
            .statics()
            .remove_listener(None, addr_of(&**listener))
    }

    /// Removes the static registration `id`; false if it is not one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// let id = manager.add_static_listener(&app);
    /// assert!(manager.remove_static_registration(id));
    /// ```
    #[must_use = "false means `id` is not a static registration of this manager"]
    pub fn remove_static_registration(&self, id: RegistrationId) -> bool {
        self.engine.statics().remove_id(id.0)
    }

    /// Delivers `args` to the static listeners.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    /// # enum Quit {}
    /// # impl WeakEvent for Quit { type Source = (); type Args = (); }
    /// # struct App;
    /// # impl WeakEventListener<Quit> for App { fn receive_weak_event(&self, _: &(), _: &()) {} }
    /// # let manager = WeakEventManager::<Quit>::new();
    /// # let app = Rc::new(App);
    /// manager.deliver_static(&()); // none registered: delivers to none
    /// ```
    pub fn deliver_static(&self, args: &E::Args) {
        self.engine.deliver_static(args);
    }
}

manager_impls!(WeakEventManager, WeakEvent);
