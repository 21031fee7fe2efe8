//! [`Event`]: the plain strong multicast event a sender owns.

use std::fmt;
use std::sync::Arc;

use crate::list::{call_each, Node, Slots};
use crate::panic::FirstPanic;
use crate::sync::{lock, Mutex};

type Handler<A> = dyn Fn(&A) + Send + Sync;

/// A plain multicast event: the sender owns it and it holds its handlers **strongly**.
///
/// This is the "standard event" of the weak-event pattern: a sender exposes an `Event`, as it
/// would without this crate, and a [`WeakEventManager`](crate::WeakEventManager) attaches one
/// forwarding handler to it (see [`WeakEvent::event`](crate::WeakEvent::event)), so the sender
/// needs no change to take weak listeners. Used directly, it has the classic leak this crate is
/// about: a handler that captures its receiver keeps it alive until [`unsubscribe`](Self::unsubscribe).
///
/// Delivery follows the crate's semantics: [`raise`](Self::raise) calls a snapshot of the handlers
/// taken when it starts, skips a handler unsubscribed before its turn, holds no lock while a
/// handler runs (handlers may subscribe, unsubscribe and raise re-entrantly), and a panicking
/// handler does not stop the others (the first panic resumes after the last handler ran).
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
/// use weak_events::Event;
///
/// let clicked: Event<u32> = Event::new();
/// let total = Arc::new(AtomicUsize::new(0));
/// let seen = Arc::clone(&total);
/// let token = clicked.subscribe(move |n| { seen.fetch_add(*n as usize, Ordering::Relaxed); });
///
/// clicked.raise(&2);
/// assert!(clicked.unsubscribe(token));
/// clicked.raise(&40);
/// assert_eq!(total.load(Ordering::Relaxed), 2);
/// assert!(!clicked.unsubscribe(token), "a token removes once");
/// ```
pub struct Event<A: ?Sized + 'static> {
    handlers: Mutex<Slots<Handler<A>>>,
}

/// Identifies one handler of an [`Event`]; hand it to [`Event::unsubscribe`].
///
/// Tokens are unique in the process: a token of one event never removes a handler of another.
///
/// # Examples
///
/// ```
/// use weak_events::Event;
///
/// let a: Event<()> = Event::new();
/// let b: Event<()> = Event::new();
/// let token = a.subscribe(|_| {});
/// assert!(!b.unsubscribe(token));
/// assert!(a.unsubscribe(token));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventToken(u64);

impl<A: ?Sized + 'static> Event<A> {
    /// An event with no handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// let event: weak_events::Event<str> = weak_events::Event::new();
    /// assert!(event.is_empty());
    /// ```
    pub fn new() -> Self {
        Event {
            handlers: Mutex::new(Slots::new()),
        }
    }

    /// Adds `handler`, called by every later [`raise`](Self::raise) until unsubscribed.
    ///
    /// O(1) amortised; the event holds the handler (and all it captures) strongly.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = weak_events::Event::<i32>::new();
    /// let _token = event.subscribe(|n| assert_eq!(*n, 7));
    /// event.raise(&7);
    /// assert_eq!(event.handler_count(), 1);
    /// ```
    pub fn subscribe<F>(&self, handler: F) -> EventToken
    where
        F: Fn(&A) + Send + Sync + 'static,
    {
        let node: Arc<Node<Handler<A>>> = Arc::new(Node::new(handler));
        let mut handlers = lock(&self.handlers);
        let (id, garbage) = handlers.push(node);
        drop(handlers);
        drop(garbage);
        EventToken(id)
    }

    /// Removes the handler `token` names; false if it is not (or no longer) a handler of this event.
    ///
    /// The handler is dropped before this returns unless a [`raise`](Self::raise) running on
    /// another thread still holds it (then it goes when that delivery ends); it is never called
    /// by a delivery that reaches its turn after this returned.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = weak_events::Event::<()>::new();
    /// let token = event.subscribe(|_| {});
    /// assert!(event.unsubscribe(token));
    /// assert!(!event.unsubscribe(token));
    /// assert!(event.is_empty());
    /// ```
    #[must_use = "false means `token` is not subscribed to this event"]
    pub fn unsubscribe(&self, token: EventToken) -> bool {
        let mut handlers = lock(&self.handlers);
        let (removed, garbage) = handlers.remove(token.0);
        // A strong event releases what the handler captured at once, not at the next compaction.
        let compacted = if removed { handlers.compact() } else { garbage };
        drop(handlers);
        // The handler's captures may run user code when dropped: never under the lock.
        drop(compacted);
        removed
    }

    /// Calls every handler with `args`, in subscription order.
    ///
    /// Handlers subscribed during the raise are not called by it; handlers unsubscribed before
    /// their turn are skipped.
    ///
    /// # Panics
    ///
    /// If a handler panics, the others are still called, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let event = weak_events::Event::<str>::new();
    /// let log = Arc::new(Mutex::new(Vec::new()));
    /// for name in ["a", "b"] {
    ///     let log = Arc::clone(&log);
    ///     let _ = event.subscribe(move |msg| log.lock().unwrap().push(format!("{name}:{msg}")));
    /// }
    /// event.raise("hi");
    /// assert_eq!(*log.lock().unwrap(), ["a:hi", "b:hi"]);
    /// ```
    pub fn raise(&self, args: &A) {
        let snapshot = lock(&self.handlers).snapshot();
        let mut panics = FirstPanic::new();
        call_each(&snapshot, &mut panics, |_, handler| {
            handler(args);
            true
        });
        drop(snapshot);
        panics.resume();
    }

    /// The number of handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = weak_events::Event::<()>::new();
    /// let _ = event.subscribe(|_| {});
    /// let _ = event.subscribe(|_| {});
    /// assert_eq!(event.handler_count(), 2);
    /// ```
    pub fn handler_count(&self) -> usize {
        lock(&self.handlers).registered()
    }

    /// Whether the event has no handler.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::Event::<u8>::new().is_empty());
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
    /// Never blocks: prints `<locked>` while another thread holds the list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Event");
        match self.handlers.try_lock() {
            Ok(handlers) => s.field("handlers", &handlers.registered()),
            Err(_) => s.field("handlers", &format_args!("<locked>")),
        };
        s.finish_non_exhaustive()
    }
}
