//! What a delivery holds and walks: the snapshot of the lists it reaches (cloned under the
//! lock, or read from a published vector), and the walk over one list that skips removed nodes
//! and keeps going past a panic.

use super::{LoadedVec, Node, Snapshot, TopicMap, DELIVERED, ID, REMOVED};
use crate::entry::Delivery;
use crate::flavor::Flavor;
use crate::panic::FirstPanic;
use crate::sync::Ordering;

/// What a delivery iterates: the lists it reaches, as they were when it started.
pub(crate) struct ListsSnapshot<F: Flavor, T: ?Sized + 'static> {
    pub(super) main: MainSnapshot<F, T>,
    pub(super) topics: TopicsSnapshot<F, T>,
}

/// The main list's vector, as a delivery holds it.
pub(super) enum MainSnapshot<F: Flavor, T: ?Sized + 'static> {
    /// Cloned under the list's lock.
    Held(Snapshot<F, T>),
    /// Read from the list's published pointer, with no lock.
    Loaded(LoadedVec<F, T>),
}

pub(super) enum TopicsSnapshot<F: Flavor, T: ?Sized + 'static> {
    None,
    One(Snapshot<F, T>),
    All(F::Ptr<TopicMap<F, T>>),
}

impl<F: Flavor, T: ?Sized + 'static> ListsSnapshot<F, T> {
    /// The main list.
    #[inline]
    pub(crate) fn main(&self) -> &[F::Ptr<Node<T>>] {
        match &self.main {
            MainSnapshot::Held(vec) => vec,
            // Only made from a loaded `Some` (see `published`).
            MainSnapshot::Loaded(loaded) => loaded.as_deref().map_or(&[], Vec::as_slice),
        }
    }

    /// The lists a delivery reaches when the main list is the only one: the vector `loaded`
    /// from its published pointer, read with no lock.
    #[inline]
    pub(crate) fn published(loaded: Option<LoadedVec<F, T>>) -> Option<Self> {
        loaded.map(|loaded| ListsSnapshot {
            main: MainSnapshot::Loaded(loaded),
            topics: TopicsSnapshot::None,
        })
    }

    /// Whether a topic's list is reached too (kinds with topics only).
    pub(crate) fn has_topics(&self) -> bool {
        !matches!(self.topics, TopicsSnapshot::None)
    }

    /// Each topic's list reached, in no particular order.
    pub(crate) fn for_each_topic(&self, mut f: impl FnMut(&[F::Ptr<Node<T>>])) {
        match &self.topics {
            TopicsSnapshot::None => {}
            TopicsSnapshot::One(list) => f(list),
            TopicsSnapshot::All(map) => map.values().for_each(|list| f(&list.vec)),
        }
    }
}

/// Calls `call` for each node of `snapshot` that is not removed at its turn, in order; returns
/// how many calls returned `false` (dead receivers).
///
/// A panic does not stop the others: it is kept in `panics` (the first one) and the run resumes
/// at the next node. One `catch_unwind` covers a whole run of calls, not each call.
#[inline(always)]
pub(crate) fn call_each<F: Flavor, T: ?Sized + 'static>(
    snapshot: &[F::Ptr<Node<T>>],
    panics: &mut FirstPanic,
    mut call: impl FnMut(u64, &T) -> Delivery,
) -> usize {
    let mut dead = 0;
    let mut next = 0;
    while next < snapshot.len() {
        let ran = panics.catch(|| {
            while let Some(node) = snapshot.get(next) {
                // One dereference of the pointer for the flag, the id and the value.
                let node: &Node<T> = node;
                // Past this node before calling it: a panic resumes at the one after.
                next += 1;
                // Checked just before the call: a registration removed before its turn is
                // skipped, including one removed by an earlier listener of this very delivery.
                let state = node.state.load(Ordering::Acquire);
                if state & REMOVED != 0 {
                    continue;
                }
                match call(state & ID, &node.value) {
                    Delivery::Reached if state & DELIVERED == 0 => {
                        // Once per registration: later calls see the flag in the load above.
                        node.state.fetch_or(DELIVERED, Ordering::Relaxed);
                    }
                    Delivery::Dead => dead += 1,
                    _ => {}
                }
            }
        });
        if ran.is_none() {
            // The call at `next - 1` panicked: it was made, so its receiver was reached (a
            // registration that dies later was delivered, not "died before its first event").
            if let Some(node) = snapshot.get(next.wrapping_sub(1)) {
                node.state.fetch_or(DELIVERED, Ordering::Relaxed);
            }
        }
    }
    dead
}
