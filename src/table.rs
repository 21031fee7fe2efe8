//! The lookup table from a source's address to its state, behind one small interface.
//!
//! The thread-safe flavour's, in production: a [`dashmap::DashMap`], sharded so that deliveries and adds on different sources
//! do not serialise on one lock, hashed with FxHash: keys are addresses chosen by the allocator,
//! not by an adversary, and SipHash showed up as a large share of a `deliver_event` to one
//! listener in an instruction-count profile (the figures are in BENCHMARKS.md). Under `cfg(loom)`: a loom `RwLock<HashMap>`, because loom cannot
//! see through dashmap's own lock (a dashmap guard held across a loom operation hangs the model);
//! the model then checks the crate's logic on the same interface.
//!
//! The thread-affine flavour's: a `RefCell<HashMap>` ([`LocalTable`]).
//!
//! No caller holds a table guard while it takes another lock of the crate other than a source
//! state's list lock, and nothing takes the table while holding a list lock: the lock order is
//! table shard, then list.

#[cfg(not(loom))]
mod imp {
    use dashmap::DashMap;
    use rustc_hash::FxBuildHasher;

    pub(crate) struct Table<V> {
        map: DashMap<usize, V, FxBuildHasher>,
    }

    impl<V: Clone> super::TableOps<V> for Table<V> {
        fn new() -> Self {
            Table {
                map: DashMap::with_hasher(FxBuildHasher),
            }
        }

        /// Runs `f` on the value at `key`, under the shard's read lock.
        fn with<R>(&self, key: usize, f: impl FnOnce(&V) -> R) -> Option<R> {
            self.map.get(&key).map(|value| f(&value))
        }

        /// The value at `key`, inserting `make()` if there is none.
        fn get_or_insert_with(&self, key: usize, make: impl FnOnce() -> V) -> V {
            self.map.entry(key).or_insert_with(make).value().clone()
        }

        /// Removes the value at `key` if `pred` holds for it.
        fn remove_if(&self, key: usize, pred: impl FnOnce(&V) -> bool) -> bool {
            self.map.remove_if(&key, |_, value| pred(value)).is_some()
        }

        /// A copy of every value (for full passes and statistics).
        fn values(&self) -> Vec<V> {
            self.map.iter().map(|entry| entry.value().clone()).collect()
        }
    }
}

#[cfg(loom)]
mod imp {
    use std::collections::HashMap;

    use crate::sync::RwLock;

    pub(crate) struct Table<V> {
        map: RwLock<HashMap<usize, V>>,
    }

    impl<V> Table<V> {
        fn read(&self) -> crate::sync::RwLockReadGuard<'_, HashMap<usize, V>> {
            self.map
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        fn write(&self) -> crate::sync::RwLockWriteGuard<'_, HashMap<usize, V>> {
            self.map
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    impl<V: Clone> super::TableOps<V> for Table<V> {
        fn new() -> Self {
            Table {
                map: RwLock::new(HashMap::new()),
            }
        }

        fn with<R>(&self, key: usize, f: impl FnOnce(&V) -> R) -> Option<R> {
            self.read().get(&key).map(f)
        }

        fn get_or_insert_with(&self, key: usize, make: impl FnOnce() -> V) -> V {
            self.write().entry(key).or_insert_with(make).clone()
        }

        fn remove_if(&self, key: usize, pred: impl FnOnce(&V) -> bool) -> bool {
            let mut map = self.write();
            if map.get(&key).is_some_and(pred) {
                map.remove(&key);
                true
            } else {
                false
            }
        }

        fn values(&self) -> Vec<V> {
            self.read().values().cloned().collect()
        }
    }
}

pub(crate) use imp::Table;

use std::cell::RefCell;
use std::collections::HashMap;

/// What the engine does with its table of sources; no user code runs inside these calls.
pub(crate) trait TableOps<V> {
    fn new() -> Self;
    /// `f` on the value at `key`, if any.
    fn with<R>(&self, key: usize, f: impl FnOnce(&V) -> R) -> Option<R>;
    fn get_or_insert_with(&self, key: usize, make: impl FnOnce() -> V) -> V;
    /// Removes the value at `key` if `pred` says so; whether it did.
    fn remove_if(&self, key: usize, pred: impl FnOnce(&V) -> bool) -> bool;
    /// Every value, copied out (no lock held afterwards).
    fn values(&self) -> Vec<V>;
}

/// The thread-affine flavour's table: a plain map in a `RefCell`, FxHash-keyed by address.
pub(crate) struct LocalTable<V> {
    map: RefCell<HashMap<usize, V, rustc_hash::FxBuildHasher>>,
}

impl<V: Clone> TableOps<V> for LocalTable<V> {
    fn new() -> Self {
        LocalTable {
            map: RefCell::new(HashMap::default()),
        }
    }

    #[inline]
    fn with<R>(&self, key: usize, f: impl FnOnce(&V) -> R) -> Option<R> {
        self.map.borrow().get(&key).map(f)
    }

    fn get_or_insert_with(&self, key: usize, make: impl FnOnce() -> V) -> V {
        self.map
            .borrow_mut()
            .entry(key)
            .or_insert_with(make)
            .clone()
    }

    fn remove_if(&self, key: usize, pred: impl FnOnce(&V) -> bool) -> bool {
        let mut map = self.map.borrow_mut();
        if !map.get(&key).is_some_and(pred) {
            return false;
        }
        let removed = map.remove(&key);
        drop(map);
        drop(removed);
        true
    }

    fn values(&self) -> Vec<V> {
        self.map.borrow().values().cloned().collect()
    }
}
