//! [`Event`]: the plain strong multicast event a sender owns.

use std::sync::Arc;

use crate::entry::Delivery;
use crate::flavor::{Flavor, Shared};
use crate::list::{call_each, Node, Publication, Publisher, Slots};
use crate::panic::FirstPanic;

type Handler<A> = dyn Fn(&A) + Send + Sync;

/// The handlers of an event of either flavour: a slot list under the flavour's lock, raised
/// from a snapshot with no lock held. `H` is the erased handler type (`dyn Fn(&A) + Send + Sync`
/// in the thread-safe flavour, `dyn Fn(&A)` in the other).
///
/// In the thread-safe flavour a raise publishes the vector it took, and the raises after it read
/// that with no lock and no reference count until the next subscribe or unsubscribe clears it:
/// a manager's forwarding handler then costs a raise no more than `deliver_event`'s table lookup.
pub(crate) struct Handlers<F: Flavor, H: ?Sized + 'static> {
    slots: F::Lock<Locked<F, H>>,
    published: Publisher<F, H>,
}

struct Locked<F: Flavor, H: ?Sized + 'static> {
    slots: Slots<F, H>,
    /// `published`'s bookkeeping.
    publication: Publication,
}

impl<F: Flavor, H: ?Sized + 'static> Handlers<F, H> {
    pub(crate) fn new() -> Self {
        Handlers {
            slots: F::new_lock(Locked {
                slots: Slots::new(),
                publication: Publication::default(),
            }),
            published: Publisher::new(),
        }
    }

    /// The lock, for a change: the published vector is cleared first (see `list::publish`).
    fn write(&self) -> F::Guard<'_, Locked<F, H>> {
        let mut locked = F::lock(&self.slots);
        self.published.clear(&mut locked.publication);
        locked
    }

    /// Appends `handler`; its token.
    pub(crate) fn subscribe(&self, handler: F::Ptr<Node<H>>) -> EventToken {
        let mut locked = self.write();
        let (id, garbage) = locked.slots.push(handler);
        drop(locked);
        drop(garbage);
        EventToken(id)
    }

    /// Removes the handler of `token` (dropped with no lock held).
    pub(crate) fn unsubscribe(&self, token: EventToken) -> bool {
        let mut locked = self.write();
        let (removed, garbage) = locked.slots.remove(token.0);
        let compacted = if removed {
            locked.slots.compact()
        } else {
            garbage
        };
        drop(locked);
        drop(compacted);
        removed
    }

    /// Calls every handler of a snapshot taken now; the first panic resumes at the end.
    pub(crate) fn raise(&self, mut call: impl FnMut(&H)) {
        let loaded = self.published.load();
        let mut held = None;
        let snapshot: &[F::Ptr<Node<H>>] = match loaded.as_deref().and_then(Option::as_deref) {
            Some(vec) => vec,
            None => held.insert(self.snapshot()),
        };
        let mut panics = FirstPanic::new();
        call_each::<F, H>(snapshot, &mut panics, |_, handler| {
            call(handler);
            // A handler is not a receiver held weakly: no "delivered" bit to keep.
            Delivery::Skipped
        });
        // Both before a panic resumes: the last reference to a handler unsubscribed during the
        // raise may be here, and its drop must not run while unwinding.
        drop(loaded);
        drop(held);
        panics.resume();
    }

    /// The current vector, taken under the lock and published for the raises after this one.
    fn snapshot(&self) -> crate::list::Snapshot<F, H> {
        let mut locked = F::lock(&self.slots);
        let locked = &mut *locked;
        let snapshot = locked.slots.snapshot();
        self.published
            .locked_read(&mut locked.publication, || Some(snapshot.clone()));
        snapshot
    }

    pub(crate) fn count(&self) -> usize {
        F::lock(&self.slots).slots.registered()
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
