//! The event-kind trait [`WeakEvent`] and the listener trait [`WeakEventListener`].

use std::ops::ControlFlow;
use std::sync::Arc;

use crate::cleanup::{self, SharedCleanable};
use crate::engine::{Engine, Erase, Kind};
use crate::entry::Entry;
use crate::flavor::Shared;
use crate::list::{Node, Reach};
use crate::profiling;
use crate::source::SourceState;
use crate::{DropNotice, Event, ManagerSlot};

/// Names one kind of event: its sender type, its arguments, and how a manager attaches to a
/// sender's [`Event`].
///
/// Implement it on an uninhabited marker type, one per event kind; the manager of that kind is
/// [`WeakEventManager::<Kind>::current()`](crate::WeakEventManager::current).
///
/// [`event`](Self::event) plays the part of WPF's `StartListening`/`StopListening`: when a source
/// gets its first listener the manager subscribes one forwarding handler to the `Event` it
/// returns, and unsubscribes it when the source's last listener goes (removed, guard dropped, or
/// purged). A sender that has no `Event` leaves the default (`None`) and hands its events to
/// [`WeakEventManager::deliver_event`](crate::WeakEventManager::deliver_event) itself; it can
/// carry a [`DropNotice`] ([`drop_notice`](Self::drop_notice)) so that its death is announced.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicU32, Ordering}};
/// use weak_events::{Event, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Button { clicked: Event<u32> }
///
/// enum Clicked {}
/// impl WeakEvent for Clicked {
///     type Source = Button;
///     type Args = u32;
///     fn event(button: &Button) -> Option<&Event<u32>> { Some(&button.clicked) }
/// }
///
/// struct Counter(AtomicU32);
/// impl WeakEventListener<Clicked> for Counter {
///     fn receive_weak_event(&self, _: &Button, clicks: &u32) {
///         self.0.fetch_add(*clicks, Ordering::Relaxed);
///     }
/// }
///
/// let button = Arc::new(Button { clicked: Event::new() });
/// let counter = Arc::new(Counter(AtomicU32::new(0)));
/// let manager = WeakEventManager::<Clicked>::new();
/// manager.add_listener(&button, &counter);
/// assert_eq!(button.clicked.handler_count(), 1, "the manager attached one forwarding handler");
///
/// button.clicked.raise(&1);
/// assert_eq!(counter.0.load(Ordering::Relaxed), 1);
/// assert!(manager.remove_listener(&button, &counter));
/// assert!(button.clicked.is_empty(), "and detached with the last listener");
/// ```
pub trait WeakEvent: 'static {
    /// The sender type; sources are registered as `Arc<Source>` and held weakly.
    type Source: ?Sized + Send + Sync + 'static;
    /// The event's arguments, passed by reference.
    type Args: ?Sized + 'static;

    /// The `Event` on `source` that the manager attaches to, or `None` if the sender calls
    /// [`deliver_event`](crate::WeakEventManager::deliver_event) itself (the default).
    ///
    /// Called without any lock of the crate held. It must not add listeners of this kind to
    /// `source` itself (an add waits for the attach in progress to finish).
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{Event, WeakEvent};
    ///
    /// struct Model { changed: Event<str> }
    /// enum Changed {}
    /// impl WeakEvent for Changed {
    ///     type Source = Model;
    ///     type Args = str;
    ///     fn event(model: &Model) -> Option<&Event<str>> { Some(&model.changed) }
    /// }
    ///
    /// enum Pushed {}
    /// impl WeakEvent for Pushed {
    ///     type Source = Model;
    ///     type Args = ();
    /// }
    /// let model = Model { changed: Event::new() };
    /// assert!(Changed::event(&model).is_some());
    /// assert!(Pushed::event(&model).is_none());
    /// ```
    fn event(source: &Self::Source) -> Option<&Event<Self::Args>> {
        let _ = source;
        None
    }

    /// The [`DropNotice`] that announces `source`'s death, for a source with no [`Event`]
    /// (the default: none).
    ///
    /// Without an `Event` or a notice, a dropped source's entries wait for the table's amortised
    /// upkeep; with one, they go at the next pass. Ignored when [`event`](Self::event) returns
    /// an `Event` (its drop announces the death already). Called without any lock of the crate
    /// held, when a source gets its first registration and when its last one goes.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DropNotice, WeakEvent};
    ///
    /// #[derive(Default)]
    /// struct Job { done: DropNotice }
    /// enum Progress {}
    /// impl WeakEvent for Progress {
    ///     type Source = Job;
    ///     type Args = u32;
    ///     fn drop_notice(job: &Job) -> Option<&DropNotice> { Some(&job.done) }
    /// }
    /// assert!(Progress::drop_notice(&Job::default()).is_some());
    /// ```
    fn drop_notice(source: &Self::Source) -> Option<&DropNotice> {
        let _ = source;
        None
    }

    /// The static slot of this kind's process-wide manager, if it has one (the default: none,
    /// and [`current()`](crate::WeakEventManager::current) looks the manager up by `TypeId`).
    ///
    /// [`weak_event!`](crate::weak_event) declares a slot for each kind; a hand-written kind
    /// can return its own `static` (see [`ManagerSlot`](crate::ManagerSlot)).
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{ManagerSlot, WeakEvent};
    ///
    /// enum Saved {}
    /// impl WeakEvent for Saved {
    ///     type Source = ();
    ///     type Args = str;
    ///     fn manager_slot() -> Option<&'static ManagerSlot<Self>> {
    ///         static SLOT: ManagerSlot<Saved> = ManagerSlot::new();
    ///         Some(&SLOT)
    ///     }
    /// }
    /// assert!(Saved::manager_slot().is_some());
    /// ```
    fn manager_slot() -> Option<&'static ManagerSlot<Self>>
    where
        Self: Sized,
    {
        None
    }

    /// Which of a source's lists an event reaches: the crate's built-in property kind keeps one
    /// list per property name. Not part of the stable API: its type cannot be named outside the
    /// crate, so only the crate's own kinds override it.
    #[doc(hidden)]
    fn reach(args: &Self::Args) -> Reach<'_> {
        let _ = args;
        Reach::Main
    }
}

/// A receiver of events of kind `E`, held weakly by the manager.
///
/// Typed: the manager calls it with the kind's own source and argument types, so there is no
/// downcast and no "did not handle" result (WPF's `IWeakEventListener` returns `bool` and takes
/// `object`/`EventArgs`).
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Store;
/// enum Saved {}
/// impl WeakEvent for Saved { type Source = Store; type Args = str; }
///
/// #[derive(Default)]
/// struct Log(Mutex<Vec<String>>);
/// impl WeakEventListener<Saved> for Log {
///     fn receive_weak_event(&self, _: &Store, path: &str) {
///         self.0.lock().unwrap().push(path.to_owned());
///     }
/// }
///
/// let store = Arc::new(Store);
/// let log = Arc::new(Log::default());
/// let manager = WeakEventManager::<Saved>::new();
/// manager.add_listener(&store, &log);
/// manager.deliver_event(&store, "a.txt");
/// assert_eq!(*log.0.lock().unwrap(), ["a.txt"]);
/// ```
pub trait WeakEventListener<E: WeakEvent>: Send + Sync {
    /// Receives one event from `sender`.
    ///
    /// Runs with no lock of the crate held: it may add, remove and deliver re-entrantly.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventListener};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = u64; }
    /// struct Clock;
    /// impl WeakEventListener<Tick> for Clock {
    ///     fn receive_weak_event(&self, _: &(), now: &u64) { assert!(*now > 0); }
    /// }
    /// Clock.receive_weak_event(&(), &1);
    /// ```
    fn receive_weak_event(&self, sender: &E::Source, args: &E::Args);

    /// Receives one event and says whether to stay registered: what the manager calls.
    ///
    /// The default calls [`receive_weak_event`](Self::receive_weak_event) and continues.
    /// Override it to end the registration from inside, with no id or guard at hand: on
    /// `ControlFlow::Break(())` the registration that delivered this event is removed before the
    /// delivery returns and is never called again (only that one, if the listener is registered
    /// more than once). A listener that overrides it usually lets `receive_weak_event` call it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Download;
    /// enum Progress {}
    /// impl WeakEvent for Progress { type Source = Download; type Args = u8; }
    ///
    /// // Follows a download until it reaches 100%, then stops listening by itself.
    /// #[derive(Default)]
    /// struct Bar(AtomicUsize);
    /// impl WeakEventListener<Progress> for Bar {
    ///     fn receive_weak_event(&self, download: &Download, percent: &u8) {
    ///         let _ = self.handle_weak_event(download, percent);
    ///     }
    ///     fn handle_weak_event(&self, _: &Download, percent: &u8) -> ControlFlow<()> {
    ///         self.0.fetch_add(1, Ordering::SeqCst);
    ///         if *percent == 100 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    ///     }
    /// }
    ///
    /// let manager = WeakEventManager::<Progress>::new();
    /// let (download, bar) = (Arc::new(Download), Arc::new(Bar::default()));
    /// manager.add_listener(&download, &bar);
    /// for percent in [50, 100, 100] {
    ///     manager.deliver_event(&download, &percent);
    /// }
    /// assert_eq!(bar.0.load(Ordering::SeqCst), 2, "removed at 100%");
    /// assert_eq!(manager.listener_count(&download), 0);
    /// ```
    fn handle_weak_event(&self, sender: &E::Source, args: &E::Args) -> ControlFlow<()> {
        self.receive_weak_event(sender, args);
        ControlFlow::Continue(())
    }
}

/// How the engine sees a kind of the thread-safe flavour.
impl<E: WeakEvent> Kind<Shared> for E {
    type Source = <E as WeakEvent>::Source;
    type Args = <E as WeakEvent>::Args;
    type Entry = dyn Entry<Shared, E> + Send + Sync;
    const PRUNES_IN_PLACE: bool = false;

    fn reach(args: &<E as WeakEvent>::Args) -> Reach<'_> {
        <E as WeakEvent>::reach(args)
    }

    kind_hooks!(Shared);

    fn register(engine: &Arc<Engine<Shared, E>>) {
        let erased: Arc<SharedCleanable> = engine.clone();
        cleanup::register(Arc::downgrade(&erased));
    }

    fn dispatch(engine: Arc<Engine<Shared, E>>) {
        cleanup::dispatch(engine);
    }

    type Pending = profiling::Pending<Shared, dyn profiling::Probe + Send + Sync>;

    fn note(pending: Self::Pending, state: &Arc<SourceState<Shared, E>>, manager: usize) {
        let source = state.source_weak().map(|source| {
            let liveness: profiling::SharedSource = Arc::new(source.clone());
            (
                <Shared as crate::flavor::Flavor>::weak_addr(&source),
                liveness,
            )
        });
        profiling::record_shared(pending, source, manager);
    }

    fn note_pruned(node: usize, receiver_dead: bool) {
        profiling::pruned_shared(node, receiver_dead);
    }
}

impl<E: WeakEvent, X: Entry<Shared, E> + Send + Sync + 'static> Erase<Shared, X> for E {
    fn erase(
        node: Node<X>,
        receiver: &'static str,
    ) -> (Arc<Node<Self::Entry>>, Option<Self::Pending>) {
        let node = Arc::new(node);
        let pending = profiling::pending_shared(&node, std::any::type_name::<E>(), receiver);
        (node, pending)
    }
}
