//! `ObservableVec`'s core, shared by both flavours: its state under its lock (copy-on-write
//! items, the queue of changes not yet delivered), the state transitions each method makes
//! (none runs user code), and the delivery of the queue, in order, with no lock held.

use std::collections::VecDeque;
use std::ops::{Bound, Deref, RangeBounds};

use crate::flavor::Flavor;
use crate::panic::FirstPanic;

use super::CollectionChange;

/// `retain` describes at most this many contiguous runs of removed items with one `Remove`
/// each; more runs are one `Reset`.
pub(crate) const RETAIN_RUNS: usize = 4;

/// A change applied to the vector: its items shared with the vector.
pub(crate) type Change<F, T> = CollectionChange<<F as Flavor>::Ptr<T>>;

/// A change as the vector queues it for delivery.
pub(crate) enum Queued<F: Flavor, T: 'static> {
    Change(Change<F, T>),
    /// A `Reset`, its items the vector's own as of the change (shared, not copied: the vector
    /// copies its item pointers if it changes again before this is delivered).
    Reset(Items<F, T>),
}

impl<F: Flavor, T: 'static> From<Change<F, T>> for Queued<F, T> {
    fn from(change: Change<F, T>) -> Self {
        Queued::Change(change)
    }
}

impl<F: Flavor, T: Clone + 'static> Queued<F, T> {
    /// The change listeners receive: copies of the shared items.
    fn copy(&self) -> CollectionChange<T> {
        match self {
            Queued::Change(change) => copy_change(change),
            Queued::Reset(items) => CollectionChange::Reset {
                items: items.iter().map(|item| T::clone(item)).collect(),
            },
        }
    }
}

/// The vector's items: shared item pointers in a shared (copy-on-write) vector.
pub(crate) type Items<F, T> = <F as Flavor>::Ptr<Vec<<F as Flavor>::Ptr<T>>>;

/// What a splice took out, and the change that describes it.
pub(crate) type Replaced<F, T> = (Vec<<F as Flavor>::Ptr<T>>, Option<Change<F, T>>);

/// An `ObservableVec`'s state, under its lock. Every method here runs under that lock and runs
/// no user code: items that leave the vector are handed back (in a change, or as garbage) to be
/// dropped once the lock is released.
pub(crate) struct State<F: Flavor, T: 'static> {
    /// The items, copy-on-write: a snapshot shares the vector until the next change.
    items: Items<F, T>,
    /// Changes applied and not yet delivered, oldest first: the order every listener sees.
    queue: VecDeque<Queued<F, T>>,
    /// A call is delivering `queue`; a change made meanwhile only joins it.
    delivering: bool,
}

impl<F: Flavor, T: 'static> State<F, T> {
    pub(crate) fn new(items: Vec<F::Ptr<T>>) -> Self {
        State {
            items: F::new(items),
            queue: VecDeque::new(),
            delivering: false,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn get(&self, index: usize) -> Option<F::Ptr<T>> {
        self.items.get(index).cloned()
    }

    /// The items as they are now, shared.
    pub(crate) fn snapshot(&self) -> Items<F, T> {
        self.items.clone()
    }

    /// The items, to change: copied first (item pointers only) if a snapshot holds them.
    fn items_mut(&mut self) -> &mut Vec<F::Ptr<T>> {
        F::make_mut(&mut self.items)
    }

    /// Inserts the items of `new` at `index`, taking them; the `Add`, or `None` (and `new` left
    /// as it was) if `index` is past the end or `new` is empty.
    pub(crate) fn insert(
        &mut self,
        index: usize,
        new: &mut Vec<F::Ptr<T>>,
    ) -> Option<Change<F, T>> {
        if index > self.len() || new.is_empty() {
            return None;
        }
        self.items_mut().splice(index..index, new.iter().cloned());
        Some(CollectionChange::Add {
            index,
            items: std::mem::take(new),
        })
    }

    /// Removes `start..end` (already checked against the length); the `Remove`, or `None` for
    /// an empty range. `Err` if the range does not fit.
    #[allow(clippy::result_unit_err)]
    pub(crate) fn remove_range(
        &mut self,
        start: usize,
        end: usize,
    ) -> Result<Option<Change<F, T>>, ()> {
        if start > end || end > self.len() {
            return Err(());
        }
        if start == end {
            return Ok(None);
        }
        let items: Vec<F::Ptr<T>> = self.items_mut().drain(start..end).collect();
        Ok(Some(CollectionChange::Remove {
            index: start,
            items,
        }))
    }

    /// Replaces `start..end` (checked by the caller) with the items of `new`, taking them; the
    /// old items, and the change that describes it (`None` if nothing changed).
    pub(crate) fn replace_range(
        &mut self,
        start: usize,
        end: usize,
        new: &mut Vec<F::Ptr<T>>,
    ) -> Replaced<F, T> {
        let old: Vec<F::Ptr<T>> = self
            .items_mut()
            .splice(start..end, new.iter().cloned())
            .collect();
        let new = std::mem::take(new);
        let change = match (old.is_empty(), new.is_empty()) {
            (true, true) => None,
            (true, false) => Some(CollectionChange::Add {
                index: start,
                items: new,
            }),
            (false, true) => Some(CollectionChange::Remove {
                index: start,
                items: old.clone(),
            }),
            (false, false) => Some(CollectionChange::Replace {
                index: start,
                old: old.clone(),
                new,
            }),
        };
        (old, change)
    }

    /// Moves the item at `from` to `to`; the `Move`, or `None` if either is out of range.
    pub(crate) fn move_item(&mut self, from: usize, to: usize) -> Option<Change<F, T>> {
        if from >= self.len() || to >= self.len() {
            return None;
        }
        let items = self.items_mut();
        let item = items.remove(from);
        items.insert(to, item.clone());
        Some(CollectionChange::Move {
            from,
            to,
            items: vec![item],
        })
    }

    /// Empties the vector; the `Reset`, and the old items to drop once the lock is released.
    pub(crate) fn clear(&mut self) -> (Queued<F, T>, Items<F, T>) {
        let old = std::mem::replace(&mut self.items, F::new(Vec::new()));
        (Queued::Reset(self.items.clone()), old)
    }

    /// Removes the items of `snapshot` (what the vector held when `retain` began) whose flag in
    /// `keep` is false; the changes (one `Remove` per run, last first, or one `Reset` past
    /// [`RETAIN_RUNS`] runs) and what to drop once the lock is released.
    ///
    /// When the vector is still the snapshot's, the flags apply by position; when it changed
    /// meanwhile, they apply by identity: the items of the snapshot to remove are looked up by
    /// address (the snapshot keeps them alive, so addresses are not reused), and items added
    /// since are kept.
    pub(crate) fn retain(
        &mut self,
        snapshot: Items<F, T>,
        keep: &[bool],
    ) -> (Vec<Queued<F, T>>, Garbage<F, T>) {
        let mut garbage = Garbage(Vec::new(), None);
        let unchanged = F::addr(&self.items) == F::addr(&snapshot);
        let gone: std::collections::HashSet<usize> = if unchanged {
            // Let go of the snapshot first, so the vector is changed in place (unless the
            // application holds a snapshot of its own).
            drop(snapshot);
            std::collections::HashSet::new()
        } else {
            let gone = snapshot
                .iter()
                .zip(keep)
                .filter(|(_, keep)| !**keep)
                .map(|(item, _)| F::addr(item))
                .collect();
            garbage.1 = Some(snapshot);
            gone
        };
        let removes = |index: usize, item: &F::Ptr<T>| {
            if unchanged {
                !keep.get(index).copied().unwrap_or(true)
            } else {
                gone.contains(&F::addr(item))
            }
        };
        let old = std::mem::take(self.items_mut());
        let mut kept = Vec::with_capacity(old.len());
        let mut removed = Vec::new();
        // Runs of removed items: (index in the vector before, count).
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut previous_removed = false;
        for (index, item) in old.into_iter().enumerate() {
            if removes(index, &item) {
                match runs.last_mut() {
                    Some((_, count)) if previous_removed => *count += 1,
                    _ => runs.push((index, 1)),
                }
                removed.push(item);
                previous_removed = true;
            } else {
                kept.push(item);
                previous_removed = false;
            }
        }
        *self.items_mut() = kept;
        let changes = if runs.len() > RETAIN_RUNS {
            garbage.0 = removed;
            vec![Queued::Reset(self.items.clone())]
        } else {
            let mut removed = removed.into_iter();
            let mut changes: Vec<Queued<F, T>> = runs
                .into_iter()
                .map(|(index, count)| {
                    let items = removed.by_ref().take(count).collect();
                    Queued::Change(CollectionChange::Remove { index, items })
                })
                .collect();
            changes.reverse();
            changes
        };
        (changes, garbage)
    }
}

/// Items and a vector that left an `ObservableVec` under its lock, dropped by the caller once
/// the lock is released (their drops are user code).
#[must_use = "drop it once the lock is released"]
pub(crate) struct Garbage<F: Flavor, T: 'static>(
    #[allow(dead_code)] Vec<F::Ptr<T>>,
    #[allow(dead_code)] Option<Items<F, T>>,
);

/// Queues `changes` (just applied under `state`) and, unless another call is delivering the
/// queue already, delivers it with `raise`, change by change, with no lock held.
pub(crate) fn commit<F: Flavor, T: Clone + 'static>(
    lock: &F::Lock<State<F, T>>,
    mut state: F::Guard<'_, State<F, T>>,
    changes: impl IntoIterator<Item = impl Into<Queued<F, T>>>,
    raise: impl Fn(&CollectionChange<T>),
) {
    state.queue.extend(changes.into_iter().map(Into::into));
    if state.delivering || state.queue.is_empty() {
        return;
    }
    state.delivering = true;
    drop(state);
    let mut panics = FirstPanic::new();
    loop {
        let next = {
            let mut state = F::lock(lock);
            match state.queue.pop_front() {
                Some(next) => next,
                None => {
                    state.delivering = false;
                    break;
                }
            }
        };
        // Copies made, listeners called and items dropped with no lock held; a panic in any of
        // them must not leave `delivering` set (the queue would never move again).
        panics.catch(|| {
            raise(&next.copy());
            drop(next);
        });
    }
    panics.resume();
}

/// The bounds of `range`, read and owned (and `range` dropped) before any lock is taken: a
/// `RangeBounds` implementation is user code.
pub(crate) fn owned_bounds(range: impl RangeBounds<usize>) -> (Bound<usize>, Bound<usize>) {
    (range.start_bound().cloned(), range.end_bound().cloned())
}

/// `range` as `start..end` within a length of `len`; `None` if it does not fit.
pub(crate) fn bounds(range: impl RangeBounds<usize>, len: usize) -> Option<(usize, usize)> {
    let start = match range.start_bound() {
        Bound::Included(&start) => start,
        Bound::Excluded(&start) => start.checked_add(1)?,
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&end) => end.checked_add(1)?,
        Bound::Excluded(&end) => end,
        Bound::Unbounded => len,
    };
    (start <= end && end <= len).then_some((start, end))
}

/// The iterator of a `VecSnapshot`: its items, borrowed, in order.
///
/// # Examples
///
/// ```
/// let list = weak_events::ObservableVec::from(vec![1, 2]);
/// let snapshot = list.snapshot();
/// let iter: weak_events::SnapshotIter<'_, std::sync::Arc<i32>> = snapshot.iter();
/// assert_eq!(iter.len(), 2);
/// ```
pub struct SnapshotIter<'a, P> {
    inner: std::slice::Iter<'a, P>,
}

impl<'a, P> SnapshotIter<'a, P> {
    pub(crate) fn new(items: &'a [P]) -> Self {
        SnapshotIter {
            inner: items.iter(),
        }
    }
}

impl<'a, P: Deref> Iterator for SnapshotIter<'a, P> {
    type Item = &'a P::Target;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|item| &**item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<P: Deref> DoubleEndedIterator for SnapshotIter<'_, P> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|item| &**item)
    }
}

impl<P: Deref> ExactSizeIterator for SnapshotIter<'_, P> {}

impl<P> std::fmt::Debug for SnapshotIter<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotIter")
            .field("left", &self.inner.len())
            .finish()
    }
}

/// The value behind `item`: moved out if no one else holds it, cloned (with no lock held)
/// otherwise.
pub(crate) fn unshare<F: Flavor, T: Clone + 'static>(item: F::Ptr<T>) -> T {
    F::try_unwrap(item).unwrap_or_else(|shared| T::clone(&shared))
}

/// The change listeners receive: copies of the shared items.
pub(crate) fn copy_change<T: Clone, P: Deref<Target = T>>(
    change: &CollectionChange<P>,
) -> CollectionChange<T> {
    let copy = |items: &[P]| items.iter().map(|item| T::clone(item)).collect();
    match change {
        CollectionChange::Add { index, items } => CollectionChange::Add {
            index: *index,
            items: copy(items),
        },
        CollectionChange::Remove { index, items } => CollectionChange::Remove {
            index: *index,
            items: copy(items),
        },
        CollectionChange::Replace { index, old, new } => CollectionChange::Replace {
            index: *index,
            old: copy(old),
            new: copy(new),
        },
        CollectionChange::Move { from, to, items } => CollectionChange::Move {
            from: *from,
            to: *to,
            items: copy(items),
        },
        CollectionChange::Reset { items } => CollectionChange::Reset { items: copy(items) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_checks_every_form_of_range() {
        assert_eq!(bounds(.., 3), Some((0, 3)));
        assert_eq!(bounds(1..=2, 3), Some((1, 3)));
        assert_eq!(bounds(3.., 3), Some((3, 3)));
        assert_eq!(bounds(..=3, 3), None);
        assert_eq!(bounds((Bound::Included(2), Bound::Excluded(1)), 3), None);
        assert_eq!(bounds(..=usize::MAX, 3), None, "no overflow");
        let excluded = (Bound::Excluded(usize::MAX), Bound::Unbounded);
        assert_eq!(bounds(excluded, 3), None);
    }
}
