//! The process-wide values behind every `current()`: one per type, made on first use and kept
//! for the life of the process.
//!
//! Generic statics do not exist in Rust, so the values live in one `TypeId`-keyed map behind a
//! read-write lock. Each thread keeps its own copy of the entries it looked up (a value never
//! leaves the map, so a copy never goes stale): a hit there is one hash lookup with no atomic
//! write, so threads calling `current()` at once share no written cache line.
//!
//! Under loom the map is made afresh for each execution of a model, so that a user's model over
//! code that calls `current()` sees the same fresh managers in every execution, as it would
//! with private ones (a value holding loom objects from one execution breaks the next). Its lock
//! is a std lock in both builds: it is a leaf, held only for a lookup or an insert (the value is
//! made outside it), so loom need not see it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// `TypeId`s are hashes already: FxHash rather than SipHash.
type Values = RwLock<HashMap<TypeId, &'static (dyn Any + Send + Sync), rustc_hash::FxBuildHasher>>;

#[cfg(not(loom))]
fn values() -> &'static Values {
    static VALUES: std::sync::OnceLock<Values> = std::sync::OnceLock::new();
    VALUES.get_or_init(Default::default)
}

#[cfg(loom)]
fn values() -> &'static Values {
    loom::lazy_static! {
        static ref VALUES: Values = Values::default();
    }
    &VALUES
}

#[cfg(not(loom))]
thread_local! {
    /// This thread's copy of the entries of `values()` it looked up.
    static SEEN: std::cell::RefCell<HashMap<TypeId, &'static (dyn Any + Send + Sync), rustc_hash::FxBuildHasher>> =
        std::cell::RefCell::default();
}

/// The process-wide value of type `T`, made by `make` on first use.
///
/// Looked up in this thread's copy first; the shared map on a miss, then copied here. (Under
/// loom, and while this thread's locals are being destroyed, always the shared map.)
pub(crate) fn current<T: Send + Sync + 'static>(make: impl FnOnce() -> T) -> &'static T {
    #[cfg(not(loom))]
    {
        let key = TypeId::of::<T>();
        let seen = SEEN
            .try_with(|seen| seen.borrow().get(&key).copied())
            .ok()
            .flatten();
        let any = match seen {
            Some(any) => any,
            None => {
                let any = shared::<T>(make);
                // Ignored when this thread's locals are gone: the next call asks the map again.
                let _ = SEEN.try_with(|seen| seen.borrow_mut().insert(key, any));
                any
            }
        };
        downcast(any)
    }
    #[cfg(loom)]
    downcast(shared::<T>(make))
}

fn downcast<T: 'static>(any: &'static (dyn Any + Send + Sync)) -> &'static T {
    match any.downcast_ref::<T>() {
        Some(value) => value,
        None => unreachable!("the map keys each value by its own TypeId"),
    }
}

/// The entry of type `T` in the shared map, made by `make` on first use.
///
/// Under loom, the execution's value: made on first use in each execution of a model. Values
/// of finished executions are leaked (a model's executions are counted in thousands, and a
/// manager is small), because the `&'static` handed out must stay valid.
fn shared<T: Send + Sync + 'static>(make: impl FnOnce() -> T) -> &'static (dyn Any + Send + Sync) {
    let values = values();
    let key = TypeId::of::<T>();
    let found = values
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .copied();
    match found {
        Some(any) => any,
        None => {
            // Made outside the lock (`make` may use other values); a racing thread's value wins
            // and ours is dropped unused.
            let value = make();
            *values
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(key)
                // One per type for the life of the process: leaked on purpose.
                .or_insert_with(|| Box::leak(Box::new(value)))
        }
    }
}
