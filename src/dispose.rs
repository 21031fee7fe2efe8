//! Ownership helpers: a dispose bag (Grist's `Disposable`) that also remembers what
//! its owner listens to (Backbone's `listenTo`/`stopListening`).

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::panic::FirstPanic;
use crate::{Subscription, WeakEvent, WeakEventListener, WeakEventManager};

/// Something an owner releases when it is disposed: a [`Subscription`], a [`DisposeBag`], an
/// [`OnDispose`] closure, or a component of your own.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// use weak_events::{Dispose, DisposeBag};
///
/// struct Timer(Arc<AtomicBool>);
/// impl Dispose for Timer {
///     fn dispose(self: Box<Self>) { self.0.store(false, Ordering::SeqCst); }
/// }
///
/// let running = Arc::new(AtomicBool::new(true));
/// let bag = DisposeBag::new();
/// bag.auto_dispose(Timer(Arc::clone(&running)));
/// bag.dispose();
/// assert!(!running.load(Ordering::SeqCst));
/// ```
pub trait Dispose: Send + 'static {
    /// Releases what `self` holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{Dispose, OnDispose};
    ///
    /// let item: Box<dyn Dispose> = Box::new(OnDispose(|| println!("released")));
    /// item.dispose();
    /// ```
    fn dispose(self: Box<Self>);
}

impl Dispose for Subscription {
    /// Removes the registration.
    fn dispose(self: Box<Self>) {
        drop(self);
    }
}

impl Dispose for DisposeBag {
    /// Disposes everything the bag owns: bags nest.
    fn dispose(self: Box<Self>) {
        DisposeBag::dispose(&self);
    }
}

/// A closure run on disposal: `bag.auto_dispose(OnDispose(|| ...))`.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weak_events::{DisposeBag, OnDispose};
///
/// let log = Arc::new(Mutex::new(Vec::new()));
/// let bag = DisposeBag::new();
/// for i in 0..3 {
///     let log = Arc::clone(&log);
///     bag.auto_dispose(OnDispose(move || log.lock().unwrap().push(i)));
/// }
/// drop(bag);
/// assert_eq!(*log.lock().unwrap(), [2, 1, 0], "reverse order of registration");
/// ```
pub struct OnDispose<F: FnOnce() + Send + 'static>(pub F);

impl<F: FnOnce() + Send + 'static> Dispose for OnDispose<F> {
    fn dispose(self: Box<Self>) {
        (self.0)()
    }
}

impl<F: FnOnce() + Send + 'static> fmt::Debug for OnDispose<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnDispose(..)")
    }
}

/// The bag's view of an item: dispose it, or hand it back typed.
trait Owned: Send {
    /// Disposes the item; true if it was a subscription that removed a registration.
    fn dispose_owned(self: Box<Self>) -> bool;
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
}

impl<T: Dispose> Owned for T {
    fn dispose_owned(self: Box<Self>) -> bool {
        let any: Box<dyn Any + Send> = self;
        match any.downcast::<Subscription>() {
            Ok(subscription) => subscription.unsubscribe(),
            Err(any) => {
                if let Ok(item) = any.downcast::<T>() {
                    Dispose::dispose(item);
                }
                false
            }
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

struct Item {
    key: u64,
    /// The source a subscription listens to (for `stop_listening_to`); `None` for other items.
    source: Option<usize>,
    value: Box<dyn Owned>,
}

type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// What the bag's lock guards: its items by key (keys increase with each item, so sorting by
/// key is the order of ownership), and the keys of each source's subscriptions, so that taking
/// one item or one source's subscriptions out costs what it takes, not the bag's size.
#[derive(Default)]
struct Contents {
    items: FxMap<u64, Item>,
    by_source: FxMap<usize, Vec<u64>>,
    disposed: bool,
}

impl Contents {
    fn insert(&mut self, item: Item) {
        if let Some(source) = item.source {
            self.by_source.entry(source).or_default().push(item.key);
        }
        self.items.insert(item.key, item);
    }

    fn remove(&mut self, key: u64) -> Option<Item> {
        let item = self.items.remove(&key)?;
        if let Some(source) = item.source {
            if let Some(keys) = self.by_source.get_mut(&source) {
                keys.retain(|&k| k != key);
                if keys.is_empty() {
                    self.by_source.remove(&source);
                }
            }
        }
        Some(item)
    }

    /// Every item, oldest first.
    fn take_all(&mut self) -> Vec<Item> {
        self.by_source.clear();
        sorted(std::mem::take(&mut self.items).into_values().collect())
    }
}

/// `items` in order of ownership.
fn sorted(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_unstable_by_key(|item| item.key);
    items
}

/// An owner: it records what a component owns and disposes all of it at once, in reverse order.
///
/// Grist's `Disposable`: [`auto_dispose`](Self::auto_dispose) takes ownership of a
/// [`Subscription`], a nested bag or anything [`Dispose`]; [`dispose_release`](Self::dispose_release)
/// hands an item back undisposed; [`dispose_discard`](Self::dispose_discard) disposes one early;
/// [`dispose`](Self::dispose) (also run on drop) disposes the rest, last registered first, and is
/// idempotent. And Backbone's `listenTo`: [`listen_to`](Self::listen_to) subscribes and remembers,
/// [`stop_listening`](Self::stop_listening) drops every subscription the bag owns, across sources
/// and event kinds, and [`stop_listening_to`](Self::stop_listening_to) those of one source.
///
/// Methods take `&self` (the bag locks internally), so a component shared in an `Arc`, as weak
/// receivers are, can own its bag directly. Disposal runs with no lock held: an item's disposal
/// may use the bag.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Basket;
/// enum Scored {}
/// impl WeakEvent for Scored { type Source = Basket; type Args = u32; }
///
/// struct Game { bag: DisposeBag }
/// impl WeakEventListener<Scored> for Game {
///     fn receive_weak_event(&self, _: &Basket, _points: &u32) {}
/// }
///
/// let basket = Arc::new(Basket);
/// let game = Arc::new(Game { bag: DisposeBag::new() });
/// game.bag.listen_to::<Scored, _>(&basket, &game);
/// assert_eq!(WeakEventManager::<Scored>::current().listener_count(&basket), 1);
///
/// game.bag.dispose(); // the game is destroyed: everything it listened to is dropped
/// assert_eq!(WeakEventManager::<Scored>::current().listener_count(&basket), 0);
/// assert!(game.bag.is_disposed());
/// ```
pub struct DisposeBag {
    inner: Mutex<Contents>,
}

/// The key of an item in a [`DisposeBag`], typed by the item so that
/// [`DisposeBag::dispose_release`] hands back a `T`.
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, DisposeKey, OnDispose};
///
/// fn noop() {}
/// let bag = DisposeBag::new();
/// let key: DisposeKey<OnDispose<fn()>> = bag.auto_dispose(OnDispose(noop as fn())).unwrap();
/// assert!(bag.dispose_discard(key));
/// ```
pub struct DisposeKey<T> {
    key: u64,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for DisposeKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for DisposeKey<T> {}

impl<T> PartialEq for DisposeKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for DisposeKey<T> {}

impl<T> fmt::Debug for DisposeKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DisposeKey").field(&self.key).finish()
    }
}

impl DisposeBag {
    /// An empty bag.
    ///
    /// # Examples
    ///
    /// ```
    /// let bag = weak_events::DisposeBag::new();
    /// assert!(bag.is_empty() && !bag.is_disposed());
    /// ```
    pub fn new() -> Self {
        DisposeBag {
            inner: Mutex::new(Contents::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Contents> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes ownership of `item`, to dispose it with the bag; returns its key.
    ///
    /// If the bag is already disposed, `item` is disposed at once and the answer is `None`:
    /// nothing is silently kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, OnDispose};
    ///
    /// let bag = DisposeBag::new();
    /// bag.dispose();
    /// let ran = Arc::new(AtomicBool::new(false));
    /// let flag = Arc::clone(&ran);
    /// assert!(bag.auto_dispose(OnDispose(move || flag.store(true, Ordering::SeqCst))).is_none());
    /// assert!(ran.load(Ordering::SeqCst), "disposed at once");
    /// ```
    pub fn auto_dispose<T: Dispose>(&self, item: T) -> Option<DisposeKey<T>> {
        let source = (&item as &dyn Any)
            .downcast_ref::<Subscription>()
            .map(Subscription::source_key);
        let mut inner = self.lock();
        if inner.disposed {
            drop(inner);
            Box::new(item).dispose();
            return None;
        }
        let key = crate::sync::next_id();
        inner.insert(Item {
            key,
            source,
            value: Box::new(item),
        });
        Some(DisposeKey {
            key,
            item: PhantomData,
        })
    }

    fn take(&self, key: u64) -> Option<Item> {
        self.lock().remove(key)
    }

    /// Takes the item back out of the bag, undisposed; `None` if it is not in the bag (released,
    /// discarded, or disposed with the bag).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    ///
    /// let bag = DisposeBag::new();
    /// let key = bag.auto_dispose(manager.subscribe_handler(&bus, &receiver, |_, _, _| {})).unwrap();
    /// let subscription = bag.dispose_release(key).unwrap();
    /// bag.dispose();
    /// assert_eq!(manager.listener_count(&bus), 1, "released: the bag did not dispose it");
    /// drop(subscription);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    pub fn dispose_release<T: Dispose>(&self, key: DisposeKey<T>) -> Option<T> {
        let item = self.take(key.key)?;
        match item.value.into_any().downcast::<T>() {
            Ok(value) => Some(*value),
            // Unreachable: keys are unique in the process and typed by their item.
            Err(_) => None,
        }
    }

    /// Disposes one item now, before the bag; true if it was in the bag (so it is disposed once).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, OnDispose};
    ///
    /// let runs = Arc::new(AtomicUsize::new(0));
    /// let counted = Arc::clone(&runs);
    /// let bag = DisposeBag::new();
    /// let key = bag.auto_dispose(OnDispose(move || { counted.fetch_add(1, Ordering::SeqCst); })).unwrap();
    /// assert!(bag.dispose_discard(key));
    /// assert!(!bag.dispose_discard(key));
    /// bag.dispose();
    /// assert_eq!(runs.load(Ordering::SeqCst), 1);
    /// ```
    #[must_use = "false means the item was not in the bag (released, discarded or disposed already)"]
    pub fn dispose_discard<T>(&self, key: DisposeKey<T>) -> bool {
        match self.take(key.key) {
            Some(item) => {
                // A subscription that already fired (a once-registration) was still owned and
                // is now discarded: `true` answers "was it in the bag", not "did it remove".
                item.value.dispose_owned();
                true
            }
            None => false,
        }
    }

    /// Disposes everything the bag owns, last registered first, and marks the bag disposed.
    ///
    /// Idempotent; also run when the bag is dropped. If an item's disposal panics, the others are
    /// still disposed, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// let bag = weak_events::DisposeBag::new();
    /// bag.dispose();
    /// bag.dispose(); // a no-op
    /// assert!(bag.is_disposed());
    /// ```
    pub fn dispose(&self) {
        dispose_in_reverse(self.take_all(), Unwinding::Resume);
    }

    /// Marks the bag disposed and takes its items out.
    fn take_all(&self) -> Vec<Item> {
        let mut inner = self.lock();
        inner.disposed = true;
        inner.take_all()
    }

    /// Whether [`dispose`](Self::dispose) ran.
    ///
    /// # Examples
    ///
    /// ```
    /// let bag = weak_events::DisposeBag::new();
    /// assert!(!bag.is_disposed());
    /// bag.dispose();
    /// assert!(bag.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.lock().disposed
    }

    /// Items the bag owns.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DisposeBag, OnDispose};
    /// let bag = DisposeBag::new();
    /// bag.auto_dispose(OnDispose(|| {}));
    /// assert_eq!(bag.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether the bag owns nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::DisposeBag::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Subscribes `listener` to `source` through [`WeakEventManager::current`] and keeps the
    /// subscription in the bag (Backbone's `listenTo`). For a private manager, hand its
    /// [`subscribe`](WeakEventManager::subscribe) to [`auto_dispose`](Self::auto_dispose): the
    /// bag remembers subscriptions however they were made.
    ///
    /// Returns `None` if the bag is disposed (the subscription is then removed at once).
    ///
    /// The kind is a type parameter: name it with a turbofish, `listen_to::<SettingChanged, _>`
    /// (the `_` is the listener's type). Rust cannot infer it from the arguments when the
    /// listener listens to more than one kind of the same source, and then says "type
    /// annotations needed" (E0283); the turbofish with the kind's name is the answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Model;
    /// enum Changed {}
    /// impl WeakEvent for Changed { type Source = Model; type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Changed> for View { fn receive_weak_event(&self, _: &Model, _: &()) {} }
    ///
    /// let (model, view, bag) = (Arc::new(Model), Arc::new(View), DisposeBag::new());
    /// bag.listen_to::<Changed, _>(&model, &view);
    /// assert_eq!(bag.stop_listening(), 1);
    /// ```
    #[track_caller]
    pub fn listen_to<E, L>(
        &self,
        source: &Arc<E::Source>,
        listener: &Arc<L>,
    ) -> Option<DisposeKey<Subscription>>
    where
        E: WeakEvent,
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.auto_dispose(WeakEventManager::<E>::current().subscribe(source, listener))
    }

    /// [`listen_to`](Self::listen_to) for one event: the first delivery removes the
    /// registration (Backbone's `listenToOnce`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Model;
    /// enum Ready {}
    /// impl WeakEvent for Ready { type Source = Model; type Args = (); }
    /// #[derive(Default)]
    /// struct View(AtomicUsize);
    /// impl WeakEventListener<Ready> for View {
    ///     fn receive_weak_event(&self, _: &Model, _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
    /// }
    ///
    /// let (model, view, bag) = (Arc::new(Model), Arc::new(View::default()), DisposeBag::new());
    /// bag.listen_to_once::<Ready, _>(&model, &view);
    /// let manager = WeakEventManager::<Ready>::current();
    /// manager.deliver_event(&model, &());
    /// manager.deliver_event(&model, &());
    /// assert_eq!(view.0.load(Ordering::SeqCst), 1);
    /// ```
    #[track_caller]
    pub fn listen_to_once<E, L>(
        &self,
        source: &Arc<E::Source>,
        listener: &Arc<L>,
    ) -> Option<DisposeKey<Subscription>>
    where
        E: WeakEvent,
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.auto_dispose(WeakEventManager::<E>::current().subscribe_once(source, listener))
    }

    /// Removes every subscription the bag owns (and only those: other items stay, and other
    /// owners' subscriptions to the same sources are untouched); returns how many registrations
    /// that removed. A subscription whose registration was already gone (a
    /// [`listen_to_once`](Self::listen_to_once) that fired, a registration removed by id) leaves
    /// the bag but is not counted.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, OnDispose, WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver, bag) = (Arc::new(Bus), Arc::new(()), DisposeBag::new());
    /// bag.auto_dispose(manager.subscribe_handler(&bus, &receiver, |_, _, _| {}));
    /// bag.auto_dispose(OnDispose(|| {}));
    /// assert_eq!(bag.stop_listening(), 1);
    /// assert_eq!(bag.len(), 1, "the closure is still owned");
    /// ```
    pub fn stop_listening(&self) -> usize {
        let taken: Vec<Item> = {
            let mut inner = self.lock();
            let keys: Vec<u64> = std::mem::take(&mut inner.by_source)
                .into_values()
                .flatten()
                .collect();
            keys.into_iter()
                .filter_map(|key| inner.items.remove(&key))
                .collect()
        };
        dispose_in_reverse(sorted(taken), Unwinding::Resume)
    }

    /// Removes the bag's subscriptions to `source` (the `Arc` that was listened to), of every
    /// event kind; returns how many registrations that removed, as
    /// [`stop_listening`](Self::stop_listening) counts them.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{DisposeBag, WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (a, b, receiver, bag) = (Arc::new(Bus), Arc::new(Bus), Arc::new(()), DisposeBag::new());
    /// bag.auto_dispose(manager.subscribe_handler(&a, &receiver, |_, _, _| {}));
    /// bag.auto_dispose(manager.subscribe_handler(&b, &receiver, |_, _, _| {}));
    /// assert_eq!(bag.stop_listening_to(&a), 1);
    /// assert_eq!((manager.listener_count(&a), manager.listener_count(&b)), (0, 1));
    /// ```
    pub fn stop_listening_to<S: ?Sized>(&self, source: &Arc<S>) -> usize {
        let addr = crate::entry::addr_of(Arc::as_ptr(source));
        let taken: Vec<Item> = {
            let mut inner = self.lock();
            let keys = inner.by_source.remove(&addr).unwrap_or_default();
            keys.into_iter()
                .filter_map(|key| inner.items.remove(&key))
                .collect()
        };
        dispose_in_reverse(sorted(taken), Unwinding::Resume)
    }
}

/// What to do with a disposal's panic once every item had its turn.
#[derive(Clone, Copy)]
enum Unwinding {
    /// Resume the first one (an explicit call).
    Resume,
    /// Drop it: the bag is being dropped while the thread already unwinds from another panic,
    /// and a second panic would abort the process (the panic hook has reported it already).
    Swallow,
}

/// Disposes `items` last first, with no lock held; a panic does not stop the rest. Returns how
/// many registrations the subscriptions among them removed.
fn dispose_in_reverse(items: Vec<Item>, unwinding: Unwinding) -> usize {
    let mut panics = FirstPanic::new();
    let mut removed = 0;
    for item in items.into_iter().rev() {
        if panics.catch(|| item.value.dispose_owned()) == Some(true) {
            removed += 1;
        }
    }
    match unwinding {
        Unwinding::Resume => panics.resume(),
        Unwinding::Swallow => panics.discard(),
    }
    removed
}

impl Default for DisposeBag {
    fn default() -> Self {
        DisposeBag::new()
    }
}

impl Drop for DisposeBag {
    /// Disposes what is left: an owner going away releases what it owns.
    ///
    /// A panicking disposal resumes after the others ran, as with
    /// [`dispose`](DisposeBag::dispose), unless the thread is already unwinding from another
    /// panic: then it is dropped (a second panic would abort the process).
    fn drop(&mut self) {
        let items = self.take_all();
        let unwinding = if std::thread::panicking() {
            Unwinding::Swallow
        } else {
            Unwinding::Resume
        };
        dispose_in_reverse(items, unwinding);
    }
}

impl fmt::Debug for DisposeBag {
    /// Never blocks: prints `<locked>` while another thread holds the bag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("DisposeBag");
        match self.inner.try_lock() {
            Ok(inner) => s
                .field("items", &inner.items.len())
                .field("disposed", &inner.disposed),
            Err(_) => s.field("items", &format_args!("<locked>")),
        };
        s.finish_non_exhaustive()
    }
}
