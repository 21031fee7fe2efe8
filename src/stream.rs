//! [`EventStream`]: a source's events as a [`futures_core::Stream`], held weakly like any
//! receiver, for async tasks.
//!
//! # Synchronization
//!
//! A stream's state is one mutex over its buffer, its lag count, its end flag and its waker. A
//! delivery pushes under it and takes the waker, then wakes with the lock released; a poll pops
//! under it or stores its waker under it. So a delivery that lands between a poll that found
//! nothing and the task parking still finds the waker stored by that poll and wakes it: no
//! wake-up is lost. The registration holds the state weakly; its entry's drop (a pass that
//! found the source dead, the manager dropped) marks the stream ended and wakes it.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Waker};

use crate::entry::{Alive, Delivery, Entry, Removal};
use crate::flavor::Shared;
use crate::sync::{lock, Mutex};
use crate::{Subscription, WeakEvent};

/// What an [`EventStream`] yields: an event, or how many events it missed before the next one.
///
/// The end of the stream is `None` from `poll_next`, never a variant of this type: a lag cannot
/// be mistaken for the end (unlike `tokio::sync::broadcast`'s `RecvError::Lagged`, which code
/// often treats as `Closed`).
///
/// # Examples
///
/// ```
/// use weak_events::StreamItem;
///
/// let item: StreamItem<u32> = StreamItem::Lagged(3);
/// assert_eq!(item.event(), None);
/// assert_eq!(StreamItem::Event(7).event(), Some(7));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamItem<A> {
    /// The next event.
    Event(A),
    /// The buffer was full: this many events (the oldest) were dropped before the next one.
    Lagged(u64),
}

impl<A> StreamItem<A> {
    /// The event, or `None` for a lag item.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::StreamItem::Event("reload").event(), Some("reload"));
    /// ```
    pub fn event(self) -> Option<A> {
        match self {
            StreamItem::Event(event) => Some(event),
            StreamItem::Lagged(_) => None,
        }
    }
}

/// The buffer room a stream allocates up front, at most.
const PREALLOCATED: usize = 1024;

/// A stream between [`EventStream::prepare`] and [`EventStream::registered`].
pub(crate) struct Unregistered<A>(Arc<State<A>>);

/// A stream's shared state: the registration holds it weakly, the stream strongly.
struct State<A> {
    inner: Mutex<Inner<A>>,
}

struct Inner<A> {
    buffer: VecDeque<A>,
    capacity: usize,
    /// Events dropped since the last lag item.
    missed: u64,
    /// The registration is gone (its source died, or its manager was dropped).
    ended: bool,
    waker: Option<Waker>,
}

impl<A> State<A> {
    /// Pushes `args` (dropping the oldest if full) and wakes the task, with the lock released.
    fn push(&self, args: A) {
        let (waker, evicted) = {
            let mut inner = lock(&self.inner);
            let evicted = if inner.buffer.len() == inner.capacity {
                inner.missed += 1;
                inner.buffer.pop_front()
            } else {
                None
            };
            inner.buffer.push_back(args);
            (inner.waker.take(), evicted)
        };
        // The oldest event's drop may be user code: not under the lock.
        drop(evicted);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Marks the stream ended and wakes the task, with the lock released.
    fn end(&self) {
        let waker = {
            let mut inner = lock(&self.inner);
            inner.ended = true;
            inner.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The registration of a stream: holds its state weakly; its drop ends the stream.
pub(crate) struct StreamEntry<A> {
    state: Weak<State<A>>,
}

impl<A> Alive for StreamEntry<A> {
    fn is_alive(&self) -> bool {
        self.state.strong_count() > 0
    }
}

impl<E> Entry<Shared, E> for StreamEntry<<E as WeakEvent>::Args>
where
    E: WeakEvent,
    E::Args: Clone + Send + Sized,
{
    fn deliver(&self, _: Removal<'_>, _: &E::Source, args: &E::Args) -> Delivery {
        match self.state.upgrade() {
            Some(state) => {
                state.push(args.clone());
                Delivery::Reached
            }
            None => Delivery::Dead,
        }
    }

    fn listener_addr(&self) -> Option<usize> {
        None
    }
}

impl<A> Drop for StreamEntry<A> {
    /// The registration left its list while the stream lives: its source died (a pass pruned
    /// it) or its manager went. Either way no event will come: the stream ends after its buffer.
    fn drop(&mut self) {
        if let Some(state) = self.state.upgrade() {
            state.end();
        }
    }
}

/// A source's events as a [`Stream`](futures_core::Stream) for one async task: made by
/// [`WeakEventManager::stream`](crate::WeakEventManager::stream).
///
/// The manager holds the stream weakly, like any receiver, and the stream holds neither the
/// source nor the manager: the task that owns it ending is the unsubscription. Dropping the
/// stream removes its registration at once (as a [`Subscription`] does) and frees its waker,
/// and with it what the task's waker keeps.
///
/// - Events arrive in order, each cloned once into the stream's buffer; a delivery never blocks
///   and never waits for the task.
/// - The buffer holds `capacity` events. When the task falls behind, the oldest are dropped and
///   the stream yields [`StreamItem::Lagged`] with how many it missed, then the next event.
/// - When the source is dropped, the stream yields what it buffered, then ends (`None`). It
///   learns of the death at the cleanup pass that prunes the source: soon for a source whose
///   death the manager learns (its [`Event`](crate::Event), or a
///   [`DropNotice`](crate::DropNotice)); at the table's next upkeep for a source that announces
///   nothing, so give such a source a `DropNotice` if its streams must end promptly.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::task::{Context, Poll, Wake, Waker};
/// use futures_core::Stream;
/// use weak_events::{CleanupMode, Event, StreamItem, WeakEvent, WeakEventManager};
///
/// struct Config { reloaded: Event<u32> }
/// enum Reloaded {}
/// impl WeakEvent for Reloaded {
///     type Source = Config;
///     type Args = u32;
///     fn event(config: &Config) -> Option<&Event<u32>> { Some(&config.reloaded) }
/// }
///
/// let manager = WeakEventManager::<Reloaded>::with_cleanup(CleanupMode::Inline);
/// let config = Arc::new(Config { reloaded: Event::new() });
/// let mut stream = manager.stream(&config, 2);
/// for version in 1..=3 {
///     config.reloaded.raise(&version);
/// }
/// drop(config);
///
/// struct Noop;
/// impl Wake for Noop { fn wake(self: Arc<Self>) {} }
/// let waker = Waker::from(Arc::new(Noop));
/// let mut cx = Context::from_waker(&waker);
/// let mut next = || Stream::poll_next(std::pin::Pin::new(&mut stream), &mut cx);
/// assert_eq!(next(), Poll::Ready(Some(StreamItem::Lagged(1)))); // version 1 was dropped
/// assert_eq!(next(), Poll::Ready(Some(StreamItem::Event(2))));
/// assert_eq!(next(), Poll::Ready(Some(StreamItem::Event(3))));
/// assert_eq!(next(), Poll::Ready(None), "the source is gone: the stream ended");
/// ```
#[must_use = "streams do nothing unless polled; dropping one removes its registration"]
pub struct EventStream<E: WeakEvent>
where
    E::Args: Sized,
{
    state: Arc<State<E::Args>>,
    registration: Subscription,
}

impl<E: WeakEvent> EventStream<E>
where
    E::Args: Clone + Send + Sized,
{
    /// A stream of `capacity` (at least 1), unregistered: its entry, to register, and what
    /// [`registered`](Self::registered) turns into the stream once it is.
    pub(crate) fn prepare(capacity: usize) -> (StreamEntry<E::Args>, Unregistered<E::Args>) {
        let capacity = capacity.max(1);
        let state = Arc::new(State {
            inner: Mutex::new(Inner {
                // Room for the first events at once; a larger buffer grows as it fills (a
                // capacity of `usize::MAX` is "unbounded", not an allocation of that size).
                buffer: VecDeque::with_capacity(capacity.min(PREALLOCATED)),
                capacity,
                missed: 0,
                ended: false,
                waker: None,
            }),
        });
        let entry = StreamEntry {
            state: Arc::downgrade(&state),
        };
        (entry, Unregistered(state))
    }

    /// The stream, once its entry is registered under `registration`.
    pub(crate) fn registered(stream: Unregistered<E::Args>, registration: Subscription) -> Self {
        EventStream {
            state: stream.0,
            registration,
        }
    }

    /// Events buffered and not yet taken.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = u8; }
    /// let manager = WeakEventManager::<Ping>::new();
    /// let bus = Arc::new(Bus);
    /// let stream = manager.stream(&bus, 8);
    /// manager.deliver_event(&bus, &1);
    /// assert_eq!(stream.buffered(), 1);
    /// ```
    pub fn buffered(&self) -> usize {
        lock(&self.state.inner).buffer.len()
    }

    /// The stream's registration id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventManager};
    /// # struct Bus;
    /// # enum Ping {}
    /// # impl WeakEvent for Ping { type Source = Bus; type Args = u8; }
    /// let manager = WeakEventManager::<Ping>::new();
    /// let bus = Arc::new(Bus);
    /// let stream = manager.stream(&bus, 8);
    /// let id = stream.id();
    /// drop(stream);
    /// assert!(!manager.remove_registration(&bus, id), "dropping the stream removed it");
    /// ```
    pub fn id(&self) -> crate::RegistrationId {
        self.registration.id()
    }
}

impl<E: WeakEvent> futures_core::Stream for EventStream<E>
where
    E::Args: Clone + Send + Sized,
{
    type Item = StreamItem<E::Args>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut inner = lock(&self.state.inner);
        if inner.missed > 0 {
            let missed = std::mem::take(&mut inner.missed);
            return Poll::Ready(Some(StreamItem::Lagged(missed)));
        }
        if let Some(event) = inner.buffer.pop_front() {
            return Poll::Ready(Some(StreamItem::Event(event)));
        }
        if inner.ended {
            return Poll::Ready(None);
        }
        match &mut inner.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let inner = lock(&self.state.inner);
        let ready = inner.buffer.len() + usize::from(inner.missed > 0);
        (ready, if inner.ended { Some(ready) } else { None })
    }
}

impl<E: WeakEvent> fmt::Debug for EventStream<E>
where
    E::Args: Sized,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = lock(&self.state.inner);
        f.debug_struct("EventStream")
            .field("event", &std::any::type_name::<E>())
            .field("buffered", &inner.buffer.len())
            .field("capacity", &inner.capacity)
            .field("ended", &inner.ended)
            .finish_non_exhaustive()
    }
}
