//! Copy-on-write slot lists: the storage behind [`Event`](crate::Event) and every per-source
//! listener list of a manager.
//!
//! A list is an `Arc<Vec<Arc<Node>>>` guarded by its owner's mutex. A delivery clones the `Arc` under
//! the lock (its *snapshot*) and iterates it with no lock held. Writers mutate the vector in
//! place when no snapshot is out (`Arc::get_mut`), so add is O(1) amortised; only a write that
//! races a delivery copies the vector.
//!
//! Removal finds the slot by a binary search (ids increase along the vector), sets the node's
//! `removed` flag (which a delivery checks just before each call) and counts it: O(log n). The
//! vector is compacted once removed slots outnumber the others, O(1) amortised. Until then a
//! removed slot keeps its node, whose `Weak` keeps the receiver's allocation (not its value).
//!
//! Anything a writer takes out of the list comes back as [`Garbage`] for the caller to drop after
//! it released its lock: an `Event`'s handlers are user closures whose drop is user code.
//!
//! A manager's source holds [`Lists`]: its main list, plus one list per *topic* for the kinds
//! whose events have topics (the property kind: one list per property name). An event reaches
//! the main list and its topic's list ([`Reach`]); the topic map is copy-on-write as well, so an
//! event that reaches every topic iterates a snapshot of the map with no lock and no allocation.
//!
//! # Synchronization
//!
//! Every write (push, flagging a removal, compaction) happens under the owner's mutex, and so
//! does taking a snapshot. A delivery that takes its snapshot after a removal returned therefore
//! sees the removal's flag (the mutex orders them); one that took its snapshot before may still
//! call the node if its check came first, which is the race every delivery-from-snapshot design
//! has. The flag itself is read with `Acquire` and set with `AcqRel` so that a check on another
//! thread that sees it also sees what the remover did before. A node's id is stored `Relaxed`
//! before the node is published under the mutex, and read under the mutex or from a snapshot
//! taken under it.

use crate::flavor::Flavor;
use std::collections::HashMap;

use std::panic::Location;

use crate::key_index::{KeyIndex, INDEX_FLOOR};
use crate::sync::{AtomicU64, Ordering};

mod publish;
mod walk;

pub(crate) use publish::{LoadedVec, Publication, Publisher};
pub(crate) use walk::{call_each, ListsSnapshot};
use walk::{MainSnapshot, TopicsSnapshot};

/// The removed flag, in the top bit of a node's `state`.
const REMOVED: u64 = 1 << 63;
/// Set by the first call that reached a live receiver: a registration that dies without it
/// died before its first event.
const DELIVERED: u64 = 1 << 62;
/// The id, in the other 62 bits.
const ID: u64 = !(REMOVED | DELIVERED);

/// One registration: its id, its removed flag and its value, in one allocation.
///
/// The id and the flag share one `AtomicU64`, so a node with a sized value and an `Arc` header
/// is 32 bytes, and a list slot is just the node's pointer.
pub(crate) struct Node<T: ?Sized> {
    /// `id | REMOVED | DELIVERED`; the id is written once, under the list lock, before the node
    /// is published.
    state: AtomicU64,
    /// Where the registration was made: the caller of the public method (`#[track_caller]`).
    pub(crate) site: &'static Location<'static>,
    pub(crate) value: T,
}

impl<T> Node<T> {
    pub(crate) fn new(value: T, site: &'static Location<'static>) -> Self {
        Node {
            state: AtomicU64::new(0),
            site,
            value,
        }
    }
}

impl<T: ?Sized> Node<T> {
    /// The registration's id (0 until the node is in a list).
    pub(crate) fn id(&self) -> u64 {
        self.state.load(Ordering::Relaxed) & ID
    }

    /// Whether a call ever reached its live receiver.
    pub(crate) fn was_delivered(&self) -> bool {
        self.state.load(Ordering::Relaxed) & DELIVERED != 0
    }

    /// Whether the registration was removed.
    ///
    /// `Acquire` pairs with the `AcqRel` in [`mark_removed`](Self::mark_removed); a delivery that
    /// starts after a removal returned also synchronises through the list lock it took for its
    /// snapshot.
    pub(crate) fn is_removed(&self) -> bool {
        self.state.load(Ordering::Acquire) & REMOVED != 0
    }

    /// Marks the node removed; true if this call removed it.
    fn mark_removed(&self) -> bool {
        self.state.fetch_or(REMOVED, Ordering::AcqRel) & REMOVED == 0
    }
}

/// What a delivery iterates.
pub(crate) type Snapshot<F, T> = <F as Flavor>::Ptr<Vec<<F as Flavor>::Ptr<Node<T>>>>;

/// Vectors that left a list; drop them after releasing the lock that guards the list.
#[must_use = "drop garbage after releasing the list's lock"]
pub(crate) struct Garbage<F: Flavor, T: ?Sized + 'static>(
    #[allow(dead_code)] Option<Snapshot<F, T>>,
    Vec<Snapshot<F, T>>,
);

impl<F: Flavor, T: ?Sized + 'static> Garbage<F, T> {
    fn none() -> Self {
        Garbage(None, Vec::new())
    }

    fn one(vec: Snapshot<F, T>) -> Self {
        Garbage(Some(vec), Vec::new())
    }

    /// This and `other` together (allocates only when both hold a vector).
    fn and(mut self, other: Garbage<F, T>) -> Self {
        if self.0.is_none() && self.1.is_empty() {
            return other;
        }
        self.1.extend(other.0);
        self.1.extend(other.1);
        self
    }
}

/// The list itself; its owner wraps it in a mutex.
///
/// Cloning shares the vector (the clone copies it on its first write while the other holds it).
pub(crate) struct Slots<F: Flavor, T: ?Sized + 'static> {
    vec: Snapshot<F, T>,
    /// The ids of `vec`'s nodes, in the same order (increasing): searched by writers without
    /// touching the nodes, so a removal's binary search stays within one contiguous array.
    /// Shared by clones until one writes (copy-on-write, like `vec`).
    ids: F::Ptr<Vec<u64>>,
    /// Slots in `vec` whose node is flagged removed.
    removed: usize,
    /// The index for removal by key, once one was needed; see [`KeyIndex`].
    index: Option<Box<KeyIndex>>,
}

impl<F: Flavor, T: ?Sized + 'static> Clone for Slots<F, T> {
    /// The clone shares the vector; it leaves the index behind (rebuilt when needed).
    fn clone(&self) -> Self {
        Slots {
            vec: self.vec.clone(),
            ids: self.ids.clone(),
            removed: self.removed,
            index: None,
        }
    }
}

impl<F: Flavor, T: ?Sized + 'static> Slots<F, T> {
    pub(crate) fn new() -> Self {
        Slots {
            vec: F::new(Vec::new()),
            ids: F::new(Vec::new()),
            removed: 0,
            index: None,
        }
    }

    /// The current vector, for a delivery to iterate without the lock.
    #[inline]
    pub(crate) fn snapshot(&self) -> Snapshot<F, T> {
        self.vec.clone()
    }

    /// Registrations not removed (their receivers may be dead).
    pub(crate) fn registered(&self) -> usize {
        self.vec.len() - self.removed
    }

    /// The registrations that are not removed, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &F::Ptr<Node<T>>> {
        self.vec.iter().filter(|node| !node.is_removed())
    }

    /// Appends `node` under a fresh id.
    pub(crate) fn push(&mut self, node: F::Ptr<Node<T>>) -> (u64, Garbage<F, T>) {
        let id = crate::sync::next_id();
        // Not yet shared with any delivery: the list lock orders this store before any load.
        node.state.store(id, Ordering::Relaxed);
        if let Some(vec) = F::get_mut(&mut self.vec) {
            vec.push(node);
            F::make_mut(&mut self.ids).push(id);
            return (id, Garbage::none());
        }
        // A delivery holds the current vector: copy it, leaving the removed slots behind.
        let mut vec = Vec::with_capacity((self.registered() + 1).next_power_of_two());
        vec.extend(self.iter().cloned());
        vec.push(node);
        self.removed = 0;
        let garbage = Garbage::one(std::mem::replace(&mut self.vec, F::new(vec)));
        self.sync_ids();
        (id, garbage)
    }

    /// Removes the registration `id`; false if it is not in the list (or already removed).
    pub(crate) fn remove(&mut self, id: u64) -> (bool, Garbage<F, T>) {
        let Ok(index) = self.ids.binary_search(&id) else {
            return (false, Garbage::none());
        };
        self.remove_at(index)
    }

    /// Whether the registration `id` is in this list (removed or not).
    fn contains(&self, id: u64) -> bool {
        self.ids.binary_search(&id).is_ok()
    }

    /// Rebuilds `ids` from `vec`, after `vec` was replaced.
    fn sync_ids(&mut self) {
        self.ids = F::new(self.vec.iter().map(|node| node.id()).collect());
    }

    /// Removes the last registration whose value satisfies `pred`.
    pub(crate) fn remove_last(
        &mut self,
        mut pred: impl FnMut(&T) -> bool,
    ) -> (bool, Garbage<F, T>) {
        let found = self
            .vec
            .iter()
            .rposition(|node| !node.is_removed() && pred(&node.value));
        match found {
            Some(index) => self.remove_at(index),
            None => (false, Garbage::none()),
        }
    }

    /// Removes the most recent registration whose value's key (`key_of`) is `key`: O(1)
    /// expected at any position once the list has an index (see [`KeyIndex`]).
    pub(crate) fn remove_last_by_key(
        &mut self,
        key: usize,
        key_of: impl Fn(&T) -> Option<usize>,
    ) -> (bool, Garbage<F, T>) {
        if self.index.is_none() && self.vec.len() < INDEX_FLOOR {
            return self.remove_last(|value| key_of(value) == Some(key));
        }
        let index = self.index.get_or_insert_with(|| {
            let mut index = KeyIndex::default();
            index.last.reserve(self.vec.len());
            Box::new(index)
        });
        // Catch up with the registrations pushed since the index last looked (all of them, the
        // first time): ids increase along the vector, so they are its suffix past `upto`.
        if let Some(&last) = self.ids.last() {
            if last > index.upto {
                let start = self.ids.partition_point(|&id| id <= index.upto);
                for node in &self.vec[start..] {
                    if !node.is_removed() {
                        if let Some(node_key) = key_of(&node.value) {
                            index.insert(node_key, node.id());
                        }
                    }
                }
                index.upto = last;
            }
        }
        while let Some(id) = index.pop(key) {
            if let Ok(position) = self.ids.binary_search(&id) {
                if !self.vec[position].is_removed() {
                    return self.remove_at(position);
                }
            }
            // Removed another way since it was indexed: skip it.
        }
        (false, Garbage::none())
    }

    fn remove_at(&mut self, index: usize) -> (bool, Garbage<F, T>) {
        if !self.vec[index].mark_removed() {
            return (false, Garbage::none());
        }
        self.removed += 1;
        // Compact once removed slots outnumber the others: O(1) amortised per removal, and an
        // emptied list frees its vector at once.
        let garbage = if self.removed * 2 > self.vec.len() {
            self.compact()
        } else {
            Garbage::none()
        };
        (true, garbage)
    }

    /// Drops every removed slot now.
    pub(crate) fn compact(&mut self) -> Garbage<F, T> {
        self.retain(|_| true).1
    }

    /// Keeps the registrations whose value satisfies `keep` (called once per registration) and
    /// drops the removed slots; returns how many registrations, not already removed, it dropped.
    pub(crate) fn retain(
        &mut self,
        mut keep: impl FnMut(&Node<T>) -> bool,
    ) -> (usize, Garbage<F, T>) {
        // Find the first registration to drop without allocating: most passes drop nothing.
        let mut first_drop = None;
        for (index, node) in self.vec.iter().enumerate() {
            if !node.is_removed() && !keep(node) {
                first_drop = Some(index);
                break;
            }
        }
        let Some(first_drop) = first_drop else {
            if self.removed == 0 {
                return (0, Garbage::none());
            }
            // Only removed slots to drop.
            let kept: Vec<F::Ptr<Node<T>>> = self.iter().cloned().collect();
            self.removed = 0;
            let garbage = Garbage::one(std::mem::replace(&mut self.vec, F::new(kept)));
            self.sync_ids();
            self.drop_stale_index();
            return (0, garbage);
        };
        self.removed = 0;
        let mut dropped = 1;
        // Whether the node at `index` stays: not removed, and `keep` (called once per
        // registration: those before `first_drop` were kept, the one there was not).
        let mut stays = |index: usize, node: &Node<T>| {
            if node.is_removed() || index == first_drop {
                return false;
            }
            if index < first_drop || keep(node) {
                return true;
            }
            dropped += 1;
            false
        };
        let Some(vec) = F::get_mut(&mut self.vec) else {
            // A delivery holds the vector: copy what stays, and flag what goes so that the
            // delivery skips it too.
            let mut kept = Vec::new();
            for (index, node) in self.vec.iter().enumerate() {
                if stays(index, node) {
                    kept.push(node.clone());
                } else {
                    node.mark_removed();
                }
            }
            let garbage = Garbage::one(std::mem::replace(&mut self.vec, F::new(kept)));
            self.sync_ids();
            self.drop_stale_index();
            return (dropped, garbage);
        };
        // No delivery holds the vector: move the nodes instead of counting references, and hand
        // what goes back as garbage. What goes is still flagged removed: the profiler holds weak
        // references to nodes and may read one before the garbage is dropped. Partitioned in
        // place (what stays to the front, in order), then split so that the only new allocation
        // is the smaller part: a pass that drops everything allocates nothing.
        let mut nodes = std::mem::take(vec);
        let mut front = 0;
        for index in 0..nodes.len() {
            if stays(index, &nodes[index]) {
                nodes.swap(front, index);
                front += 1;
            } else {
                nodes[index].mark_removed();
            }
        }
        let gone = if front <= nodes.len() - front {
            let kept: Vec<_> = nodes.drain(..front).collect();
            std::mem::replace(&mut nodes, kept)
        } else {
            nodes.split_off(front)
        };
        *vec = nodes;
        self.sync_ids();
        self.drop_stale_index();
        (dropped, Garbage::one(F::new(gone)))
    }

    /// Drops the identity index once it holds more stale ids than the list has registrations
    /// (or the list emptied); the next removal by key rebuilds it. Called whenever the list drops
    /// slots, so the index never outgrows the list.
    fn drop_stale_index(&mut self) {
        let registered = self.registered();
        if self
            .index
            .as_ref()
            .is_some_and(|index| registered == 0 || index.len() > 2 * registered)
        {
            self.index = None;
        }
    }
}

/// Which of a source's lists an event reaches, besides the main list.
///
/// Public but unnameable outside the crate (this module is private): only the crate's own
/// kinds override [`WeakEvent::reach`](crate::WeakEvent::reach).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach<'a> {
    /// The main list only (a kind without topics).
    Main,
    /// The main list and the list of this topic.
    Topic(&'a str),
    /// Every list.
    All,
}

/// Per-topic lists, by topic. FxHash: topics (property names) are looked up on every event.
type TopicMap<F, T> = HashMap<Box<str>, Slots<F, T>, rustc_hash::FxBuildHasher>;

/// A source's lists: the main list, and one list per topic for kinds whose events have topics
/// (the built-in property kind's per-property lists). Registration ids are unique across them.
///
/// The topic map is copy-on-write too, so that a delivery to every topic iterates a snapshot of
/// it with no lock held and without allocating; a write while such a delivery holds it copies
/// the map (its lists' vectors are shared, not copied). A topic whose list empties is removed,
/// so a topic costs nothing once its last registration went.
pub(crate) struct Lists<F: Flavor, T: ?Sized + 'static> {
    main: Slots<F, T>,
    topics: F::Ptr<TopicMap<F, T>>,
    /// Registrations not removed across `topics`, so that `live` is O(1).
    topic_live: usize,
}

impl<F: Flavor, T: ?Sized + 'static> Lists<F, T> {
    pub(crate) fn new() -> Self {
        Lists {
            main: Slots::new(),
            topics: F::new(TopicMap::default()),
            topic_live: 0,
        }
    }

    /// Registrations not removed, in every list (their receivers may be dead).
    pub(crate) fn registered(&self) -> usize {
        self.main.registered() + self.topic_live
    }

    /// Whether no snapshot of any list is out (so a pass compacts in place, with no copy).
    pub(crate) fn is_unshared(&mut self) -> bool {
        F::get_mut(&mut self.main.vec).is_some()
            && F::get_mut(&mut self.topics).is_some_and(|topics| {
                topics
                    .values_mut()
                    .all(|list| F::get_mut(&mut list.vec).is_some())
            })
    }

    /// The lists `reach` names, for a delivery to iterate without the lock.
    #[inline]
    pub(crate) fn snapshot(&self, reach: Reach<'_>) -> ListsSnapshot<F, T> {
        let topics = match reach {
            Reach::Main => TopicsSnapshot::None,
            _ if self.topics.is_empty() => TopicsSnapshot::None,
            Reach::Topic(topic) => match self.topics.get(topic) {
                Some(list) => TopicsSnapshot::One(list.snapshot()),
                None => TopicsSnapshot::None,
            },
            Reach::All => TopicsSnapshot::All(self.topics.clone()),
        };
        ListsSnapshot {
            main: MainSnapshot::Held(self.main.snapshot()),
            topics,
        }
    }

    /// The main list's vector, for deliveries to read with no lock, while it is the only list
    /// (a kind with topics delivers under the lock's snapshot).
    pub(crate) fn publishable(&self) -> Option<Snapshot<F, T>> {
        self.topics.is_empty().then(|| self.main.snapshot())
    }

    /// Every registration not removed, list by list.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &F::Ptr<Node<T>>> {
        self.main
            .iter()
            .chain(self.topics.values().flat_map(Slots::iter))
    }

    /// Registrations not removed in the list of `topic` (`None`: the main list).
    pub(crate) fn iter_in(&self, topic: Option<&str>) -> impl Iterator<Item = &F::Ptr<Node<T>>> {
        let list = match topic {
            None => Some(&self.main),
            Some(topic) => self.topics.get(topic),
        };
        list.into_iter().flat_map(Slots::iter)
    }

    /// Appends `node` to the list of `topic` (`None`: the main list) under a fresh id.
    pub(crate) fn push(
        &mut self,
        topic: Option<&str>,
        node: F::Ptr<Node<T>>,
    ) -> (u64, Garbage<F, T>) {
        let Some(topic) = topic else {
            return self.main.push(node);
        };
        self.topic_live += 1;
        let topics = F::make_mut(&mut self.topics);
        match topics.get_mut(topic) {
            Some(list) => list.push(node),
            None => {
                let mut list = Slots::new();
                let pushed = list.push(node);
                topics.insert(topic.into(), list);
                pushed
            }
        }
    }

    /// Removes the registration `id`, in whichever list holds it; false if none does (or it is
    /// already removed).
    pub(crate) fn remove(&mut self, id: u64) -> (bool, Garbage<F, T>) {
        if self.topics.is_empty() || self.main.contains(id) {
            return self.main.remove(id);
        }
        if !self.topics.values().any(|list| list.contains(id)) {
            return (false, Garbage::none());
        }
        let topics = F::make_mut(&mut self.topics);
        let mut emptied = None;
        let mut outcome = (false, Garbage::none());
        if let Some((topic, list)) = topics.iter_mut().find(|(_, list)| list.contains(id)) {
            outcome = list.remove(id);
            if list.registered() == 0 {
                emptied = Some(topic.clone());
            }
        }
        if outcome.0 {
            self.topic_live -= 1;
        }
        if let Some(topic) = emptied {
            // An emptied list has compacted to an empty vector: nothing to drop later.
            topics.remove(&topic);
        }
        outcome
    }

    /// Removes the registration `id` if the list of `topic` (`None`: the main list) holds it.
    pub(crate) fn remove_id_in(&mut self, topic: Option<&str>, id: u64) -> (bool, Garbage<F, T>) {
        self.remove_in(topic, |list| list.remove(id))
    }

    /// Removes the most recent registration of the list of `topic` (`None`: the main list)
    /// whose value's key is `key`; see [`Slots::remove_last_by_key`].
    pub(crate) fn remove_last_by_key(
        &mut self,
        topic: Option<&str>,
        key: usize,
        key_of: impl Fn(&T) -> Option<usize>,
    ) -> (bool, Garbage<F, T>) {
        self.remove_in(topic, |list| list.remove_last_by_key(key, key_of))
    }

    fn remove_in(
        &mut self,
        topic: Option<&str>,
        remove: impl FnOnce(&mut Slots<F, T>) -> (bool, Garbage<F, T>),
    ) -> (bool, Garbage<F, T>) {
        let Some(topic) = topic else {
            return remove(&mut self.main);
        };
        if !self.topics.contains_key(topic) {
            return (false, Garbage::none());
        }
        let topics = F::make_mut(&mut self.topics);
        let Some(list) = topics.get_mut(topic) else {
            return (false, Garbage::none());
        };
        let (removed, garbage) = remove(list);
        if removed {
            self.topic_live -= 1;
            if list.registered() == 0 {
                // An emptied list has compacted to an empty vector: nothing to drop later.
                topics.remove(topic);
            }
        }
        (removed, garbage)
    }

    /// [`Slots::retain`] over every list; drops emptied topics.
    pub(crate) fn retain(
        &mut self,
        mut keep: impl FnMut(&Node<T>) -> bool,
    ) -> (usize, Garbage<F, T>) {
        let (mut dropped, mut garbage) = self.main.retain(&mut keep);
        if self.topics.is_empty() {
            return (dropped, garbage);
        }
        let topics = F::make_mut(&mut self.topics);
        let mut emptied = Vec::new();
        for (topic, list) in topics.iter_mut() {
            let (gone, more) = list.retain(&mut keep);
            dropped += gone;
            garbage = garbage.and(more);
            if list.registered() == 0 {
                emptied.push(topic.clone());
            }
        }
        for topic in emptied {
            topics.remove(&topic);
        }
        self.topic_live = topics.values().map(Slots::registered).sum();
        (dropped, garbage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Shared;
    use std::sync::Arc;

    /// A list of `Node<usize>` whose value is its key.
    fn list(keys: impl IntoIterator<Item = usize>) -> (Slots<Shared, usize>, Vec<u64>) {
        let mut slots = Slots::new();
        let ids = keys
            .into_iter()
            .map(|key| slots.push(Arc::new(Node::new(key, Location::caller()))).0)
            .collect();
        (slots, ids)
    }

    fn remove_key(slots: &mut Slots<Shared, usize>, key: usize) -> bool {
        slots.remove_last_by_key(key, |value| Some(*value)).0
    }

    #[test]
    fn removal_by_key_removes_the_most_recent_registration_of_that_key() {
        // Keys 0..100, then 0..100 again: every key registered twice.
        let (mut slots, ids) = list((0..100).chain(0..100));
        assert!(remove_key(&mut slots, 7));
        assert!(slots.index.is_some(), "a list past the floor is indexed");
        let left: Vec<u64> = slots.iter().map(|node| node.id()).collect();
        assert!(
            !left.contains(&ids[107]),
            "the newer registration of 7 went"
        );
        assert!(left.contains(&ids[7]), "the older one stays");
        assert!(remove_key(&mut slots, 7));
        assert!(!remove_key(&mut slots, 7), "none left");
        assert!(!remove_key(&mut slots, 1000), "never registered");
    }

    #[test]
    fn the_index_skips_what_was_removed_another_way_and_catches_up_with_pushes() {
        let (mut slots, ids) = list(0..64);
        assert!(remove_key(&mut slots, 1)); // builds the index
        assert!(slots.remove(ids[2]).0); // by id: the index still holds it
        assert!(
            !remove_key(&mut slots, 2),
            "removed by id: skipped, not removed twice"
        );
        let (late, _) = slots.push(Arc::new(Node::new(3, Location::caller())));
        assert!(remove_key(&mut slots, 3));
        assert!(
            !slots.iter().any(|node| node.id() == late),
            "the registration pushed after the index was built is the most recent"
        );
        assert_eq!(slots.registered(), 62);
    }

    #[test]
    fn the_index_goes_when_the_list_compacts_or_empties() {
        let (mut slots, _) = list(0..64);
        assert!(remove_key(&mut slots, 0));
        assert!(slots.index.is_some());
        // Removing most of the list compacts it: the index goes with the old vector.
        for key in 1..40 {
            assert!(remove_key(&mut slots, key));
        }
        assert_eq!(slots.registered(), 24);
        for key in 40..64 {
            assert!(remove_key(&mut slots, key));
        }
        assert_eq!(slots.registered(), 0);
        assert!(slots.index.is_none(), "an emptied list keeps no index");
        assert!(slots.vec.is_empty(), "nor its vector");
    }

    #[test]
    fn an_index_full_of_ids_removed_another_way_is_dropped() {
        let (mut slots, ids) = list(0..200);
        assert!(remove_key(&mut slots, 0)); // builds the index: 199 ids
                                            // Removed by id, behind the index's back: at the 101st removal the list compacts to 99
                                            // slots, and an index of 199 ids for 99 registrations is dropped.
        for &id in &ids[1..=100] {
            assert!(slots.remove(id).0);
        }
        assert_eq!(slots.registered(), 99);
        assert!(slots.index.is_none(), "dropped at compaction");
        assert!(
            remove_key(&mut slots, 150),
            "the next removal by key rebuilds it"
        );
        assert_eq!(slots.index.as_ref().map(|index| index.len()), Some(98));
    }

    #[test]
    fn removal_by_key_in_every_order_agrees_with_a_model() {
        // Keys with duplicates; removal in creation, reverse and scrambled order against a
        // model that removes the last occurrence of the key.
        let keys: Vec<usize> = (0..300).map(|i| i % 97).collect();
        let orders: [Vec<usize>; 3] = [
            (0..97).chain(0..97).chain(0..97).collect(),
            (0..97).rev().chain((0..97).rev()).collect(),
            (0..400).map(|i| (i * 37 + 11) % 101).collect(),
        ];
        for order in orders {
            let (mut slots, ids) = list(keys.iter().copied());
            let mut model: Vec<(u64, usize)> =
                ids.iter().copied().zip(keys.iter().copied()).collect();
            for key in order {
                let expected = model.iter().rposition(|&(_, k)| k == key);
                assert_eq!(remove_key(&mut slots, key), expected.is_some(), "key {key}");
                if let Some(position) = expected {
                    model.remove(position);
                }
                let left: Vec<u64> = slots.iter().map(|node| node.id()).collect();
                let want: Vec<u64> = model.iter().map(|&(id, _)| id).collect();
                assert_eq!(left, want);
            }
        }
    }
}
