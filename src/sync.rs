//! The synchronisation facade: every lock and atomic that the loom models must see comes from here.
//!
//! Under `cfg(loom)` these are loom's types, so `loom-tests/` explores every interleaving of the
//! crate's own logic; otherwise they are `std`'s. Two things deliberately stay `std` in both builds:
//!
//! - `Arc`/`Weak` of receivers, sources and the crate's internal shared state: loom has no `Weak`
//!   (tokio-rs/loom#156), and reference counts are not where the crate's races live;
//! - the process-wide id counter (`next_id`): a `static` cannot hold a loom atomic, and the counter
//!   only has to hand out unique numbers; it is always used under a list lock that orders it.

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize},
    Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize},
    Condvar, Mutex, MutexGuard,
};

pub(crate) use std::sync::atomic::Ordering;

/// A pointer a writer sets under its own lock and readers take with no lock at all: a list's
/// current vector, which a delivery publishes for the deliveries after it (`SourceState` and
/// `Event` keep it in step with their lists). `arc-swap` in the build: a read is a slot in the
/// thread's debt list, no reference count and no lock. Under loom a loom mutex around the
/// pointer, so the models explore every order of publishing, clearing and reading it.
#[cfg(not(loom))]
pub(crate) struct Published<T> {
    ptr: arc_swap::ArcSwapOption<T>,
    /// Whether `ptr` was last set to a vector: a hint read with a plain load, so that a list
    /// that is not published costs its deliveries no slot. Correctness never depends on it (a
    /// stale hint only sends a delivery to the lock), so it needs no ordering.
    set: std::sync::atomic::AtomicBool,
}

/// A pointer read from a [`Published`].
#[cfg(not(loom))]
pub(crate) type Loaded<T> = arc_swap::Guard<Option<std::sync::Arc<T>>>;

#[cfg(not(loom))]
impl<T> Published<T> {
    pub(crate) fn new() -> Self {
        Published {
            ptr: arc_swap::ArcSwapOption::empty(),
            set: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The published pointer, if one is set.
    #[inline]
    pub(crate) fn load(&self) -> Option<Loaded<T>> {
        if !self.set.load(Ordering::Relaxed) {
            return None;
        }
        let loaded = self.ptr.load();
        loaded.is_some().then_some(loaded)
    }

    pub(crate) fn set(&self, value: Option<std::sync::Arc<T>>) {
        self.set.store(value.is_some(), Ordering::Relaxed);
        self.ptr.store(value);
    }
}

#[cfg(loom)]
pub(crate) struct Published<T>(Mutex<Option<std::sync::Arc<T>>>);

#[cfg(loom)]
pub(crate) struct Loaded<T>(Option<std::sync::Arc<T>>);

#[cfg(loom)]
impl<T> std::ops::Deref for Loaded<T> {
    type Target = Option<std::sync::Arc<T>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

#[cfg(loom)]
impl<T> Published<T> {
    pub(crate) fn new() -> Self {
        Published(Mutex::new(None))
    }

    pub(crate) fn load(&self) -> Option<Loaded<T>> {
        let loaded = lock(&self.0).clone();
        loaded.is_some().then_some(Loaded(loaded))
    }

    pub(crate) fn set(&self, value: Option<std::sync::Arc<T>>) {
        let old = std::mem::replace(&mut *lock(&self.0), value);
        drop(old);
    }
}

#[cfg(loom)]
pub(crate) use loom::thread::ThreadId;
#[cfg(not(loom))]
pub(crate) use std::thread::ThreadId;

/// The current thread's id (loom's under `cfg(loom)`, where its threads share one OS thread).
pub(crate) fn current_thread() -> ThreadId {
    #[cfg(loom)]
    return loom::thread::current().id();
    #[cfg(not(loom))]
    return std::thread::current().id();
}

/// Locks `mutex`, ignoring poison.
///
/// The crate never runs user code while it holds one of its locks, so a panic can only happen
/// under a lock through an allocation failure; the data is consistent between statements either
/// way, and a poisoned lock must not turn one listener's panic into a dead manager.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `condvar`, ignoring poison (see [`lock`]).
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A process-wide unique, increasing number: registration ids and event tokens.
///
/// Callers take it while holding the lock of the list the id goes into, so ids within one list
/// are increasing in list order (the list binary-searches them).
pub(crate) fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
