//! [`Event`]: the plain strong multicast event a sender owns.

use std::sync::Arc;

use crate::entry::Delivery;
use crate::flavor::{Flavor, Shared};
use crate::list::{call_each, Node, Slots};
use crate::panic::FirstPanic;

type Handler<A> = dyn Fn(&A) + Send + Sync;

/// The handlers of an event of either flavour: a slot list under the flavour's lock, raised
/// from a snapshot with no lock held. `H` is the erased handler type (`dyn Fn(&A) + Send + Sync`
/// in the thread-safe flavour, `dyn Fn(&A)` in the other).
pub(crate) struct Handlers<F: Flavor, H: ?Sized + 'static> {
    slots: F::Lock<Slots<F, H>>,
}

impl<F: Flavor, H: ?Sized + 'static> Handlers<F, H> {
    pub(crate) fn new() -> Self {
        Handlers {
            slots: F::new_lock(Slots::new()),
        }
    }

    /// Appends `handler`; its token.
    pub(crate) fn subscribe(&self, handler: F::Ptr<Node<H>>) -> EventToken {
        let mut slots = F::lock(&self.slots);
        let (id, garbage) = slots.push(handler);
        drop(slots);
        drop(garbage);
        EventToken(id)
    }

    /// Removes the handler of `token` (dropped with no lock held).
    pub(crate) fn unsubscribe(&self, token: EventToken) -> bool {
        let mut slots = F::lock(&self.slots);
        let (removed, garbage) = slots.remove(token.0);
        let compacted = if removed { slots.compact() } else { garbage };
        drop(slots);
        drop(compacted);
        removed
    }

    /// Calls every handler of a snapshot taken now; the first panic resumes at the end.
    pub(crate) fn raise(&self, mut call: impl FnMut(&H)) {
        let snapshot = F::lock(&self.slots).snapshot();
        let mut panics = FirstPanic::new();
        call_each::<F, H>(&snapshot, &mut panics, |_, handler| {
            call(handler);
            // A handler is not a receiver held weakly: no "delivered" bit to keep.
            Delivery::Skipped
        });
        drop(snapshot);
        panics.resume();
    }

    pub(crate) fn count(&self) -> usize {
        F::lock(&self.slots).registered()
    }
}

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
    handlers: Handlers<Shared, Handler<A>>,
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
pub struct EventToken(pub(crate) u64);

impl<A: ?Sized + 'static> Event<A> {
    event_methods!("weak_events::Event");

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
    #[track_caller]
    pub fn subscribe<F>(&self, handler: F) -> EventToken
    where
        F: Fn(&A) + Send + Sync + 'static,
    {
        let node: Arc<Node<Handler<A>>> =
            Arc::new(Node::new(handler, std::panic::Location::caller()));
        self.handlers.subscribe(node)
    }
}

event_impls!(Event);
