//! What a bag holds, shared by both flavours: its lock, its items by key (and by source), the
//! typed key of an item, and the reverse-order disposal of a batch of items.

use std::fmt;
use std::marker::PhantomData;
use std::ops::DerefMut;
use std::panic::Location;
use std::sync::PoisonError;

use crate::panic::FirstPanic;

/// The bag's lock in each flavour: a std `Mutex` in the root flavour (a leaf lock, never held
/// while user code runs, so a loom model need not see it), a `RefCell` in the other.
pub(crate) trait BagLock<T>: Sized {
    type Guard<'a>: DerefMut<Target = T>
    where
        Self: 'a;
    fn new_lock(value: T) -> Self;
    fn lock(&self) -> Self::Guard<'_>;
    /// The lock if it is free now; `None` if it is held.
    fn try_lock(&self) -> Option<Self::Guard<'_>>;
}

/// The root flavour's bag lock.
pub(crate) type StdMutex<T> = std::sync::Mutex<T>;

impl<T> BagLock<T> for StdMutex<T> {
    type Guard<'a>
        = std::sync::MutexGuard<'a, T>
    where
        T: 'a;
    fn new_lock(value: T) -> Self {
        std::sync::Mutex::new(value)
    }
    fn lock(&self) -> Self::Guard<'_> {
        std::sync::Mutex::lock(self).unwrap_or_else(PoisonError::into_inner)
    }
    fn try_lock(&self) -> Option<Self::Guard<'_>> {
        match std::sync::Mutex::try_lock(self) {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

impl<T> BagLock<T> for std::cell::RefCell<T> {
    type Guard<'a>
        = std::cell::RefMut<'a, T>
    where
        T: 'a;
    fn new_lock(value: T) -> Self {
        std::cell::RefCell::new(value)
    }
    fn lock(&self) -> Self::Guard<'_> {
        self.borrow_mut()
    }
    fn try_lock(&self) -> Option<Self::Guard<'_>> {
        self.try_borrow_mut().ok()
    }
}

/// The key of an item in a [`DisposeBag`](crate::DisposeBag), typed by the item so that
/// [`DisposeBag::dispose_release`](crate::DisposeBag::dispose_release) hands back a `T`.
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, DisposeKey, OnDispose};
///
/// fn noop() {}
/// let bag = DisposeBag::new();
/// let key: DisposeKey<OnDispose<fn()>> = bag.auto_dispose(OnDispose(noop as fn())).key().unwrap();
/// assert!(bag.dispose_discard(key));
/// ```
pub struct DisposeKey<T> {
    pub(crate) key: u64,
    item: PhantomData<fn() -> T>,
}

impl<T> DisposeKey<T> {
    pub(crate) fn new(key: u64) -> Self {
        DisposeKey {
            key,
            item: PhantomData,
        }
    }
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

pub(crate) struct BagItem<V> {
    pub(crate) key: u64,
    /// The source a subscription listens to (for `stop_listening_to`); `None` for other items.
    pub(crate) source: Option<usize>,
    pub(crate) value: V,
}

type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// What the bag's lock guards: its items by key (keys increase with each item, so sorting by
/// key is the order of ownership), and the keys of each source's subscriptions, so that taking
/// one item or one source's subscriptions out costs what it takes, not the bag's size.
pub(crate) struct BagContents<V> {
    pub(crate) items: FxMap<u64, BagItem<V>>,
    pub(crate) by_source: FxMap<usize, Vec<u64>>,
    pub(crate) disposed: bool,
    /// Where `dispose` was called, if it was (not the drop).
    pub(crate) disposed_at: Option<&'static Location<'static>>,
}

impl<V> BagContents<V> {
    pub(crate) fn insert(&mut self, item: BagItem<V>) {
        if let Some(source) = item.source {
            self.by_source.entry(source).or_default().push(item.key);
        }
        self.items.insert(item.key, item);
    }

    pub(crate) fn remove(&mut self, key: u64) -> Option<BagItem<V>> {
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
    pub(crate) fn take_all(&mut self) -> Vec<BagItem<V>> {
        self.by_source.clear();
        sorted(std::mem::take(&mut self.items).into_values().collect())
    }
}

impl<V> Default for BagContents<V> {
    fn default() -> Self {
        BagContents {
            items: FxMap::default(),
            by_source: FxMap::default(),
            disposed: false,
            disposed_at: None,
        }
    }
}

/// `items` in order of ownership.
pub(crate) fn sorted<V>(mut items: Vec<BagItem<V>>) -> Vec<BagItem<V>> {
    items.sort_unstable_by_key(|item| item.key);
    items
}

/// What to do with a disposal's panic once every item had its turn.
#[derive(Clone, Copy)]
pub(crate) enum Unwinding {
    /// Resume the first one (an explicit call).
    Resume,
    /// Drop it: the bag is being dropped while the thread already unwinds from another panic,
    /// and a second panic would abort the process (the panic hook has reported it already).
    Swallow,
}

/// Disposes `items` last first, with no lock held; a panic does not stop the rest. Returns how
/// many registrations the subscriptions among them removed.
pub(crate) fn dispose_in_reverse<V>(
    items: Vec<BagItem<V>>,
    unwinding: Unwinding,
    dispose: impl Fn(V) -> bool,
) -> usize {
    let mut panics = FirstPanic::new();
    let mut removed = 0;
    for item in items.into_iter().rev() {
        if panics.catch(|| dispose(item.value)) == Some(true) {
            removed += 1;
        }
    }
    match unwinding {
        Unwinding::Resume => panics.resume(),
        Unwinding::Swallow => panics.discard(),
    }
    removed
}
