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
