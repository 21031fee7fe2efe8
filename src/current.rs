//! The process-wide values behind every `current()`: one per type, made on first use and kept
//! for the life of the process.
//!
//! Generic statics do not exist in Rust, so the values live in one `TypeId`-keyed map; a hit is
//! one read lock and one hash lookup. A std lock even under loom: the values live for the whole
//! process, across the model's iterations, so loom must not see them (a model that wants
//! `current()` is a later concern of the crate's loom support).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock};

/// `TypeId`s are hashes already: FxHash rather than SipHash.
type Values = RwLock<HashMap<TypeId, &'static (dyn Any + Send + Sync), rustc_hash::FxBuildHasher>>;

/// The process-wide value of type `T`, made by `make` on first use.
pub(crate) fn current<T: Send + Sync + 'static>(make: impl FnOnce() -> T) -> &'static T {
    static VALUES: OnceLock<Values> = OnceLock::new();
    let values = VALUES.get_or_init(Default::default);
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
