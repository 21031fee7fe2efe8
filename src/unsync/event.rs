//! [`Event`] and [`DropNotice`] of the thread-affine flavour.

use std::rc::Rc;

use crate::event::Handlers;
use crate::flavor::Local;
use crate::list::Node;
use crate::EventToken;

type Handler<A> = dyn Fn(&A);

/// A plain multicast event for one thread: the sender owns it and it holds its handlers
/// **strongly**; the `Rc` twin of [`crate::Event`], with the same semantics.
///
/// Handlers need not be `Send`: they may capture `Rc`s and `RefCell`s. [`raise`](Self::raise)
/// calls a snapshot of the handlers, skips one unsubscribed before its turn, holds no borrow
/// while a handler runs (handlers may subscribe, unsubscribe and raise re-entrantly), and a
/// panicking handler does not stop the others (the first panic resumes at the end).
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use weak_events::unsync::Event;
///
/// let clicked: Event<u32> = Event::new();
/// let total = Rc::new(Cell::new(0));
/// let seen = Rc::clone(&total);
/// let token = clicked.subscribe(move |n| seen.set(seen.get() + n));
///
/// clicked.raise(&2);
/// assert!(clicked.unsubscribe(token));
/// clicked.raise(&40);
/// assert_eq!(total.get(), 2);
/// ```
pub struct Event<A: ?Sized + 'static> {
    handlers: Handlers<Local, Handler<A>>,
}

impl<A: ?Sized + 'static> Event<A> {
    event_methods!("weak_events::unsync::Event");

    /// Adds `handler`, held strongly until [`unsubscribe`](Self::unsubscribe).
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<()> = weak_events::unsync::Event::new();
    /// let _token = event.subscribe(|()| {});
    /// assert_eq!(event.handler_count(), 1);
    /// ```
    #[track_caller]
    pub fn subscribe<H>(&self, handler: H) -> EventToken
    where
        H: Fn(&A) + 'static,
    {
        let node: Rc<Node<Handler<A>>> =
            Rc::new(Node::new(handler, std::panic::Location::caller()));
        self.handlers.subscribe(node)
    }
}

event_impls!(Event);

drop_notice! {
/// The death announcement of a source that has no [`Event`]: the `Rc` twin of
/// [`crate::DropNotice`].
///
/// A source keeps one in a field and returns it from
/// [`WeakEvent::drop_notice`](crate::unsync::WeakEvent::drop_notice); the manager watches it,
/// and the source's drop tells the manager that its entries are garbage.
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
/// let manager = WeakEventManager::<Tick>::new();
/// let timer = Rc::new(Timer { notice: DropNotice::new() });
/// let receiver = Rc::new(());
/// manager.add_handler(&timer, &receiver, |_, _, _| {});
/// assert_eq!(timer.notice.watchers(), 1);
/// drop(timer); // announced: its entries go at the thread's next idle point
/// assert_eq!(manager.run_pending_cleanup().sources_removed, 1);
/// ```
    DropNotice, Event<()>, "weak_events::unsync::DropNotice"
}
