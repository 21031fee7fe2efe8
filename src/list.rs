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

use std::collections::HashMap;
use std::sync::Arc;

use crate::panic::FirstPanic;
use crate::sync::{AtomicU64, Ordering};

/// The removed flag, in the top bit of a node's `state` (the id takes the other 63).
const REMOVED: u64 = 1 << 63;

/// One registration: its id, its removed flag and its value, in one allocation.
///
/// The id and the flag share one `AtomicU64`, so a node with a sized value and an `Arc` header
/// is 32 bytes, and a list slot is just the node's pointer.
pub(crate) struct Node<T: ?Sized> {
    /// `id | REMOVED`; the id is written once, under the list lock, before the node is published.
    state: AtomicU64,
    pub(crate) value: T,
}

impl<T> Node<T> {
    pub(crate) fn new(value: T) -> Self {
        Node {
            state: AtomicU64::new(0),
            value,
        }
    }
}

impl<T: ?Sized> Node<T> {
    /// The registration's id (0 until the node is in a list).
    pub(crate) fn id(&self) -> u64 {
        self.state.load(Ordering::Relaxed) & !REMOVED
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
pub(crate) type Snapshot<T> = Arc<Vec<Arc<Node<T>>>>;

/// Vectors that left a list; drop them after releasing the lock that guards the list.
#[must_use = "drop garbage after releasing the list's lock"]
pub(crate) struct Garbage<T: ?Sized>(#[allow(dead_code)] Option<Snapshot<T>>, Vec<Snapshot<T>>);

impl<T: ?Sized> Garbage<T> {
    fn none() -> Self {
        Garbage(None, Vec::new())
    }

    fn one(vec: Snapshot<T>) -> Self {
        Garbage(Some(vec), Vec::new())
    }

    /// This and `other` together (allocates only when both hold a vector).
    fn and(mut self, other: Garbage<T>) -> Self {
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
pub(crate) struct Slots<T: ?Sized> {
    vec: Snapshot<T>,
    /// Slots in `vec` whose node is flagged removed.
    removed: usize,
}

impl<T: ?Sized> Clone for Slots<T> {
    fn clone(&self) -> Self {
        Slots {
            vec: Arc::clone(&self.vec),
            removed: self.removed,
        }
    }
}

impl<T: ?Sized> Slots<T> {
    pub(crate) fn new() -> Self {
        Slots {
            vec: Arc::new(Vec::new()),
            removed: 0,
        }
    }

    /// The current vector, for a delivery to iterate without the lock.
    pub(crate) fn snapshot(&self) -> Snapshot<T> {
        Arc::clone(&self.vec)
    }

    /// Registrations not removed (their receivers may be dead).
    pub(crate) fn registered(&self) -> usize {
        self.vec.len() - self.removed
    }

    /// The registrations that are not removed, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<Node<T>>> {
        self.vec.iter().filter(|node| !node.is_removed())
    }

    /// Appends `node` under a fresh id.
    pub(crate) fn push(&mut self, node: Arc<Node<T>>) -> (u64, Garbage<T>) {
        let id = crate::sync::next_id();
        // Not yet shared with any delivery: the list lock orders this store before any load.
        node.state.store(id, Ordering::Relaxed);
        if let Some(vec) = Arc::get_mut(&mut self.vec) {
            vec.push(node);
            return (id, Garbage::none());
        }
        // A delivery holds the current vector: copy it, leaving the removed slots behind.
        let mut vec = Vec::with_capacity((self.registered() + 1).next_power_of_two());
        vec.extend(self.iter().cloned());
        vec.push(node);
        self.removed = 0;
        (
            id,
            Garbage::one(std::mem::replace(&mut self.vec, Arc::new(vec))),
        )
    }

    /// Removes the registration `id`; false if it is not in the list (or already removed).
    pub(crate) fn remove(&mut self, id: u64) -> (bool, Garbage<T>) {
        let Ok(index) = self.vec.binary_search_by_key(&id, |node| node.id()) else {
            return (false, Garbage::none());
        };
        self.remove_at(index)
    }

    /// Whether the registration `id` is in this list (removed or not).
    fn contains(&self, id: u64) -> bool {
        self.vec.binary_search_by_key(&id, |node| node.id()).is_ok()
    }

    /// Removes the last registration whose value satisfies `pred`.
    pub(crate) fn remove_last(&mut self, mut pred: impl FnMut(&T) -> bool) -> (bool, Garbage<T>) {
        let found = self
            .vec
            .iter()
            .rposition(|node| !node.is_removed() && pred(&node.value));
        match found {
            Some(index) => self.remove_at(index),
            None => (false, Garbage::none()),
        }
    }

    fn remove_at(&mut self, index: usize) -> (bool, Garbage<T>) {
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
    pub(crate) fn compact(&mut self) -> Garbage<T> {
        self.retain(|_| true).1
    }

    /// Keeps the registrations whose value satisfies `keep` (called once per registration) and
    /// drops the removed slots; returns how many registrations, not already removed, it dropped.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) -> (usize, Garbage<T>) {
        // Find the first registration to drop without allocating: most passes drop nothing.
        let mut first_drop = None;
        for (index, node) in self.vec.iter().enumerate() {
            if !node.is_removed() && !keep(&node.value) {
                first_drop = Some(index);
                break;
            }
        }
        let Some(first_drop) = first_drop else {
            if self.removed == 0 {
                return (0, Garbage::none());
            }
            // Only removed slots to drop.
            let kept: Vec<Arc<Node<T>>> = self.iter().cloned().collect();
            self.removed = 0;
            return (
                0,
                Garbage::one(std::mem::replace(&mut self.vec, Arc::new(kept))),
            );
        };
        let mut kept = Vec::with_capacity(self.registered());
        kept.extend(
            self.vec[..first_drop]
                .iter()
                .filter(|node| !node.is_removed())
                .cloned(),
        );
        // Flag what this drops, so that a delivery still holding the old vector skips it too.
        self.vec[first_drop].mark_removed();
        let mut dropped = 1;
        for node in &self.vec[first_drop + 1..] {
            if node.is_removed() {
                continue;
            }
            if keep(&node.value) {
                kept.push(Arc::clone(node));
            } else {
                node.mark_removed();
                dropped += 1;
            }
        }
        self.removed = 0;
        (
            dropped,
            Garbage::one(std::mem::replace(&mut self.vec, Arc::new(kept))),
        )
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
type TopicMap<T> = HashMap<Box<str>, Slots<T>, rustc_hash::FxBuildHasher>;

/// A source's lists: the main list, and one list per topic for kinds whose events have topics
/// (the built-in property kind's per-property lists). Registration ids are unique across them.
///
/// The topic map is copy-on-write too, so that a delivery to every topic iterates a snapshot of
/// it with no lock held and without allocating; a write while such a delivery holds it copies
/// the map (its lists' vectors are shared, not copied). A topic whose list empties is removed,
/// so a topic costs nothing once its last registration went.
pub(crate) struct Lists<T: ?Sized> {
    main: Slots<T>,
    topics: Arc<TopicMap<T>>,
    /// Registrations not removed across `topics`, so that `live` is O(1).
    topic_live: usize,
}

/// What a delivery iterates: the lists it reaches, as they were when it started.
pub(crate) struct ListsSnapshot<T: ?Sized> {
    main: Snapshot<T>,
    topics: TopicsSnapshot<T>,
}

enum TopicsSnapshot<T: ?Sized> {
    None,
    One(Snapshot<T>),
    All(Arc<TopicMap<T>>),
}

impl<T: ?Sized> ListsSnapshot<T> {
    /// Each list reached, main list first (then topics in no particular order).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[Arc<Node<T>>])) {
        f(&self.main);
        match &self.topics {
            TopicsSnapshot::None => {}
            TopicsSnapshot::One(list) => f(list),
            TopicsSnapshot::All(map) => map.values().for_each(|list| f(&list.vec)),
        }
    }
}

impl<T: ?Sized> Lists<T> {
    pub(crate) fn new() -> Self {
        Lists {
            main: Slots::new(),
            topics: Arc::new(TopicMap::default()),
            topic_live: 0,
        }
    }

    /// Registrations not removed, in every list (their receivers may be dead).
    pub(crate) fn registered(&self) -> usize {
        self.main.registered() + self.topic_live
    }

    /// The lists `reach` names, for a delivery to iterate without the lock.
    pub(crate) fn snapshot(&self, reach: Reach<'_>) -> ListsSnapshot<T> {
        let topics = match reach {
            Reach::Main => TopicsSnapshot::None,
            _ if self.topics.is_empty() => TopicsSnapshot::None,
            Reach::Topic(topic) => match self.topics.get(topic) {
                Some(list) => TopicsSnapshot::One(list.snapshot()),
                None => TopicsSnapshot::None,
            },
            Reach::All => TopicsSnapshot::All(Arc::clone(&self.topics)),
        };
        ListsSnapshot {
            main: self.main.snapshot(),
            topics,
        }
    }

    /// Every registration not removed, list by list.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<Node<T>>> {
        self.main
            .iter()
            .chain(self.topics.values().flat_map(Slots::iter))
    }

    /// Registrations not removed in the list of `topic` (`None`: the main list).
    pub(crate) fn iter_in(&self, topic: Option<&str>) -> impl Iterator<Item = &Arc<Node<T>>> {
        let list = match topic {
            None => Some(&self.main),
            Some(topic) => self.topics.get(topic),
        };
        list.into_iter().flat_map(Slots::iter)
    }

    /// Appends `node` to the list of `topic` (`None`: the main list) under a fresh id.
    pub(crate) fn push(&mut self, topic: Option<&str>, node: Arc<Node<T>>) -> (u64, Garbage<T>) {
        let Some(topic) = topic else {
            return self.main.push(node);
        };
        self.topic_live += 1;
        let topics = Arc::make_mut(&mut self.topics);
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
    pub(crate) fn remove(&mut self, id: u64) -> (bool, Garbage<T>) {
        if self.main.contains(id) || !self.topics.values().any(|list| list.contains(id)) {
            return self.main.remove(id);
        }
        let topics = Arc::make_mut(&mut self.topics);
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
    pub(crate) fn remove_id_in(&mut self, topic: Option<&str>, id: u64) -> (bool, Garbage<T>) {
        self.remove_in(topic, |list| list.remove(id))
    }

    /// Removes the last registration of the list of `topic` (`None`: the main list) whose
    /// value satisfies `pred`.
    pub(crate) fn remove_last(
        &mut self,
        topic: Option<&str>,
        pred: impl FnMut(&T) -> bool,
    ) -> (bool, Garbage<T>) {
        self.remove_in(topic, |list| list.remove_last(pred))
    }

    fn remove_in(
        &mut self,
        topic: Option<&str>,
        remove: impl FnOnce(&mut Slots<T>) -> (bool, Garbage<T>),
    ) -> (bool, Garbage<T>) {
        let Some(topic) = topic else {
            return remove(&mut self.main);
        };
        if !self.topics.contains_key(topic) {
            return (false, Garbage::none());
        }
        let topics = Arc::make_mut(&mut self.topics);
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
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) -> (usize, Garbage<T>) {
        let (mut dropped, mut garbage) = self.main.retain(&mut keep);
        if self.topics.is_empty() {
            return (dropped, garbage);
        }
        let topics = Arc::make_mut(&mut self.topics);
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

/// Calls `call` for each node of `snapshot` that is not removed at its turn, in order; returns
/// how many calls returned `false` (dead receivers).
///
/// A panic does not stop the others: it is kept in `panics` (the first one) and the run resumes
/// at the next node. One `catch_unwind` covers a whole run of calls, not each call.
pub(crate) fn call_each<T: ?Sized>(
    snapshot: &[Arc<Node<T>>],
    panics: &mut FirstPanic,
    mut call: impl FnMut(u64, &T) -> bool,
) -> usize {
    let mut dead = 0;
    let mut next = 0;
    while next < snapshot.len() {
        panics.catch(|| {
            while let Some(node) = snapshot.get(next) {
                // Past this node before calling it: a panic resumes at the one after.
                next += 1;
                // Checked just before the call: a registration removed before its turn is
                // skipped, including one removed by an earlier listener of this very delivery.
                if node.is_removed() {
                    continue;
                }
                if !call(node.id(), &node.value) {
                    dead += 1;
                }
            }
        });
    }
    dead
}
