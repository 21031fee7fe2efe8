//! [`Event`] and [`DropNotice`] of the thread-affine flavour.

use std::fmt;
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
    /// An event with no handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<str> = weak_events::unsync::Event::new();
    /// assert!(event.is_empty());
    /// ```
    pub fn new() -> Self {
        Event {
            handlers: Handlers::new(),
        }
    }

    /// Adds `handler`, held strongly until [`unsubscribe`](Self::unsubscribe).
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<()> = weak_events::unsync::Event::new();
    /// let _token = event.subscribe(|()| {});
    /// assert_eq!(event.handler_count(), 1);
    /// ```
    pub fn subscribe<H>(&self, handler: H) -> EventToken
    where
        H: Fn(&A) + 'static,
    {
        let node: Rc<Node<Handler<A>>> = Rc::new(Node::new(handler));
        self.handlers.subscribe(node)
    }

    /// Removes the handler of `token` and drops it (with no borrow held); false if `token` is
    /// not subscribed to this event.
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<()> = weak_events::unsync::Event::new();
    /// let token = event.subscribe(|()| {});
    /// assert!(event.unsubscribe(token));
    /// assert!(!event.unsubscribe(token), "a token removes once");
    /// ```
    #[must_use = "false means `token` is not subscribed to this event"]
    pub fn unsubscribe(&self, token: EventToken) -> bool {
        self.handlers.unsubscribe(token)
    }

    /// Calls every handler subscribed when the call starts, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc};
    /// let event: weak_events::unsync::Event<i32> = weak_events::unsync::Event::new();
    /// let seen = Rc::new(Cell::new(0));
    /// let s = Rc::clone(&seen);
    /// let _ = event.subscribe(move |n| s.set(*n));
    /// event.raise(&7);
    /// assert_eq!(seen.get(), 7);
    /// ```
    pub fn raise(&self, args: &A) {
        self.handlers.raise(|handler| handler(args));
    }

    /// Handlers subscribed.
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<()> = weak_events::unsync::Event::new();
    /// assert_eq!(event.handler_count(), 0);
    /// ```
    pub fn handler_count(&self) -> usize {
        self.handlers.count()
    }

    /// Whether no handler is subscribed.
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::unsync::Event<()> = weak_events::unsync::Event::default();
    /// assert!(event.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.handler_count() == 0
    }
}

impl<A: ?Sized + 'static> Default for Event<A> {
    fn default() -> Self {
        Event::new()
    }
}

impl<A: ?Sized + 'static> fmt::Debug for Event<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("handlers", &self.handlers.count())
            .finish_non_exhaustive()
    }
}

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
#[derive(Default)]
pub struct DropNotice {
    watchers: Event<()>,
}

impl DropNotice {
    /// A notice with no watchers.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::unsync::DropNotice::new().watchers(), 0);
    /// ```
    pub fn new() -> Self {
        DropNotice {
            watchers: Event::new(),
        }
    }

    /// Managers watching this notice (one per manager the source has registrations in).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::unsync::DropNotice::default().watchers(), 0);
    /// ```
    pub fn watchers(&self) -> usize {
        self.watchers.handler_count()
    }

    pub(crate) fn event(&self) -> &Event<()> {
        &self.watchers
    }
}

impl fmt::Debug for DropNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropNotice")
            .field("watchers", &self.watchers)
            .finish()
    }
}
