//! The process-wide values behind every `current()`: one per type, made on first use and kept
//! for the life of the process.
//!
//! Generic statics do not exist in Rust, so the values live in one `TypeId`-keyed map; a hit is
//! one read lock and one hash lookup.
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

/// The process-wide value of type `T`, made by `make` on first use.
///
/// Under loom, the execution's value: made on first use in each execution of a model. Values
/// of finished executions are leaked (a model's executions are counted in thousands, and a
/// manager is small), because the `&'static` handed out must stay valid.
pub(crate) fn current<T: Send + Sync + 'static>(make: impl FnOnce() -> T) -> &'static T {
    let values = values();
    let key = TypeId::of::<T>();
    let found = values
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .copied();
    let any = match found {
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
    };
    match any.downcast_ref::<T>() {
        Some(value) => value,
        None => unreachable!("the map keys each value by its own TypeId"),
    }
}
