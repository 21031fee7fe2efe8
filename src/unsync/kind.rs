//! The thread-affine flavour's kind trait [`WeakEvent`] and listener trait
//! [`WeakEventListener`], and how the engine sees them.

use std::ops::ControlFlow;
use std::rc::Rc;

use crate::cleanup::Cleanable;
use crate::engine::{Engine, Erase, Kind};
use crate::entry::Entry;
use crate::flavor::Local;
use crate::list::{Node, Reach};
use crate::profiling;
use crate::source::SourceState;
use crate::unsync::{cleanup, DropNotice, Event};

/// Names one kind of event of the thread-affine flavour: the `Rc` twin of
/// [`crate::WeakEvent`].
///
/// The sender (`Source`) is shared through an `Rc` and need not be `Send` or `Sync`; so need not
/// the arguments. As in the root flavour, a kind may name the sender's [`Event`] (the manager
/// then attaches one forwarding handler to it, so a raise needs no table lookup), or its
/// [`DropNotice`], or neither (the sender then delivers with
/// [`WeakEventManager::deliver_event`](crate::unsync::WeakEventManager::deliver_event)).
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use weak_events::unsync::{Event, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Button { clicked: Event<u32> }
/// enum Clicked {}
/// impl WeakEvent for Clicked {
///     type Source = Button;
///     type Args = u32;
///     fn event(button: &Button) -> Option<&Event<u32>> { Some(&button.clicked) }
/// }
///
/// struct Label { clicks: Cell<u32> }
/// impl WeakEventListener<Clicked> for Label {
///     fn receive_weak_event(&self, _: &Button, n: &u32) { self.clicks.set(self.clicks.get() + n) }
/// }
///
/// let button = Rc::new(Button { clicked: Event::new() });
/// let label = Rc::new(Label { clicks: Cell::new(0) });
/// WeakEventManager::<Clicked>::current().add_listener(&button, &label);
/// button.clicked.raise(&1);
/// assert_eq!(label.clicks.get(), 1);
/// ```
pub trait WeakEvent: 'static {
    /// The sender, held in an `Rc`.
    type Source: ?Sized + 'static;
    /// What a delivery carries.
    type Args: ?Sized + 'static;

    /// The source's event the manager attaches to, if it has one.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::unsync::{Event, WeakEvent};
    /// struct Button { clicked: Event<()> }
    /// enum Clicked {}
    /// impl WeakEvent for Clicked {
    ///     type Source = Button;
    ///     type Args = ();
    ///     fn event(button: &Button) -> Option<&Event<()>> { Some(&button.clicked) }
    /// }
    /// let button = Button { clicked: Event::new() };
    /// assert!(Clicked::event(&button).is_some());
    /// ```
    fn event(source: &Self::Source) -> Option<&Event<Self::Args>> {
        let _ = source;
        None
    }

    /// The source's death announcement, for a source without an [`Event`].
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::unsync::{DropNotice, WeakEvent};
    /// struct Timer { notice: DropNotice }
    /// enum Tick {}
    /// impl WeakEvent for Tick {
    ///     type Source = Timer;
    ///     type Args = ();
    ///     fn drop_notice(timer: &Timer) -> Option<&DropNotice> { Some(&timer.notice) }
    /// }
    /// assert!(Tick::drop_notice(&Timer { notice: DropNotice::new() }).is_some());
    /// ```
    fn drop_notice(source: &Self::Source) -> Option<&DropNotice> {
        let _ = source;
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

/// A receiver of the events of kind `E`, called by the thread's manager: the `Rc` twin of
/// [`crate::WeakEventListener`], with no `Send` or `Sync` bound.
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Model;
/// enum Renamed {}
/// impl WeakEvent for Renamed { type Source = Model; type Args = str; }
///
/// struct View { title: RefCell<String> }
/// impl WeakEventListener<Renamed> for View {
///     fn receive_weak_event(&self, _: &Model, name: &str) { *self.title.borrow_mut() = name.into() }
/// }
///
/// let manager = WeakEventManager::<Renamed>::new();
/// let (model, view) = (Rc::new(Model), Rc::new(View { title: RefCell::default() }));
/// manager.add_listener(&model, &view);
/// manager.deliver_event(&model, "draft");
/// assert_eq!(*view.title.borrow(), "draft");
/// ```
pub trait WeakEventListener<E: WeakEvent> {
    /// Called for each event of `sender` while the listener is registered and alive.
    fn receive_weak_event(&self, sender: &E::Source, args: &E::Args);

    /// What the manager calls: [`receive_weak_event`](Self::receive_weak_event), then
    /// `Continue`. Override it to return `Break(())`, which removes this registration.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{ops::ControlFlow, rc::Rc};
    /// use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Model;
    /// enum Saved {}
    /// impl WeakEvent for Saved { type Source = Model; type Args = (); }
    /// struct Toast;
    /// impl WeakEventListener<Saved> for Toast {
    ///     fn receive_weak_event(&self, _: &Model, _: &()) {}
    ///     fn handle_weak_event(&self, _: &Model, _: &()) -> ControlFlow<()> {
    ///         ControlFlow::Break(()) // shown once, then gone
    ///     }
    /// }
    /// let manager = WeakEventManager::<Saved>::new();
    /// let (model, toast) = (Rc::new(Model), Rc::new(Toast));
    /// manager.add_listener(&model, &toast);
    /// manager.deliver_event(&model, &());
    /// assert_eq!(manager.listener_count(&model), 0);
    /// ```
    fn handle_weak_event(&self, sender: &E::Source, args: &E::Args) -> ControlFlow<()> {
        self.receive_weak_event(sender, args);
        ControlFlow::Continue(())
    }
}

/// How the engine sees a kind of the thread-affine flavour.
impl<E: WeakEvent> Kind<Local> for E {
    type Source = <E as WeakEvent>::Source;
    type Args = <E as WeakEvent>::Args;
    type Entry = dyn Entry<Local, E>;
    const PRUNES_IN_PLACE: bool = true;

    fn reach(args: &<E as WeakEvent>::Args) -> Reach<'_> {
        <E as WeakEvent>::reach(args)
    }

    kind_hooks!(Local);

    fn register(engine: &Rc<Engine<Local, E>>) {
        let erased: Rc<dyn Cleanable> = engine.clone();
        cleanup::register(Rc::downgrade(&erased));
    }

    fn dispatch(engine: Rc<Engine<Local, E>>) {
        cleanup::dispatch(engine);
    }

    type Pending = profiling::Pending<Local, dyn profiling::Probe>;

    fn note(pending: Self::Pending, state: &Rc<SourceState<Local, E>>, manager: usize) {
        let source = state.source_weak().map(|source| {
            let liveness: profiling::LocalSource = Rc::new(source.clone());
            (
                <Local as crate::flavor::Flavor>::weak_addr(&source),
                liveness,
            )
        });
        profiling::record_local(pending, source, manager);
    }

    fn note_pruned(node: usize, receiver_dead: bool) {
        profiling::pruned_local(node, receiver_dead);
    }
}

impl<E: WeakEvent, X: Entry<Local, E> + 'static> Erase<Local, X> for E {
    fn erase(
        node: Node<X>,
        receiver: &'static str,
    ) -> (Rc<Node<Self::Entry>>, Option<Self::Pending>) {
        let node = Rc::new(node);
        let pending = profiling::pending_local(&node, std::any::type_name::<E>(), receiver);
        (node, pending)
    }
}

receive_impl!(Local);
