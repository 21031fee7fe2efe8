//! The identity index of a long list: from a registration's key (its listener's address) to
//! its ids, so that a removal by identity is O(1) expected at any position.

use std::collections::HashMap;

/// Lists shorter than this are searched from the end on a removal by key, with no index.
pub(crate) const INDEX_FLOOR: usize = 32;

/// An index from a registration's key (its listener's address) to its ids: a removal by key
/// finds the most recent registration of that key in O(1) expected, at any position.
///
/// Built lazily, on the first removal by key on a list of at least [`INDEX_FLOOR`] slots, so a
/// list that is only added to, delivered and removed by id or guard never pays for it. It
/// catches up with the registrations pushed since (ids increase along the list, so they are a
/// suffix). Ids of registrations removed another way (by id, by guard, by a pass) stay in it; a
/// removal by key skips them. When the list drops slots and the index holds more than twice as
/// many ids as the list has registrations (or the list emptied), the index is dropped and the
/// next removal by key rebuilds it: it never outgrows the list, and an emptied list keeps none.
///
/// The most recent id of each key sits in `last` (16 bytes an entry); a key registered more than
/// once keeps its older ids in `older`, so duplicates cost nothing when there are none.
#[derive(Default)]
pub(crate) struct KeyIndex {
    pub(crate) last: HashMap<usize, u64, rustc_hash::FxBuildHasher>,
    pub(crate) older: HashMap<usize, Vec<u64>, rustc_hash::FxBuildHasher>,
    /// The highest id indexed.
    pub(crate) upto: u64,
}

impl KeyIndex {
    /// Ids held, stale ones included.
    pub(crate) fn len(&self) -> usize {
        self.last.len() + self.older.values().map(Vec::len).sum::<usize>()
    }

    pub(crate) fn insert(&mut self, key: usize, id: u64) {
        if let Some(previous) = self.last.insert(key, id) {
            self.older.entry(key).or_default().push(previous);
        }
    }

    /// Takes the most recent id indexed for `key`.
    pub(crate) fn pop(&mut self, key: usize) -> Option<u64> {
        let id = self.last.remove(&key)?;
        if let Some(older) = self.older.get_mut(&key) {
            if let Some(previous) = older.pop() {
                self.last.insert(key, previous);
            }
            if older.is_empty() {
                self.older.remove(&key);
            }
        }
        Some(id)
    }
}
