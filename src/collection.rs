//! The built-in collection-changed event (WPF's `CollectionChangedEventManager` and
//! `ObservableCollection`): the change type and its mirror helper, the source trait, the kind,
//! its manager and `ObservableVec`, written once for both flavours, and the vector's shared core
//! (its state and the order its changes are delivered in).

use std::collections::VecDeque;
use std::ops::{Bound, Deref, RangeBounds};
use std::sync::Arc;

use crate::flavor::{Flavor, Shared};
use crate::panic::FirstPanic;
use crate::{Event, WeakEvent, WeakEventManager};

/// What changed in a collection, with the indices and the items involved (WPF's
/// `NotifyCollectionChangedEventArgs`).
///
/// Each change describes the collection as it is after the changes before it: applied in order
/// to a copy of the collection as it was (with [`apply_to`](Self::apply_to)), they keep the copy
/// equal to the collection.
///
/// # Examples
///
/// ```
/// use weak_events::CollectionChange;
///
/// let change = CollectionChange::Add { index: 2, items: vec!['c'] };
/// assert!(matches!(change, CollectionChange::Add { index: 2, .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CollectionChange<T> {
    /// `items` were inserted, the first at `index`.
    Add {
        /// Index of the first inserted item.
        index: usize,
        /// The inserted items, in order.
        items: Vec<T>,
    },
    /// `items` were removed; the first was at `index`.
    Remove {
        /// Index the first removed item had.
        index: usize,
        /// The removed items, in order.
        items: Vec<T>,
    },
    /// The `old` items starting at `index` were replaced by the `new` ones (a splice: the two
    /// may differ in length).
    Replace {
        /// Index of the first replaced item.
        index: usize,
        /// The items that were there.
        old: Vec<T>,
        /// The items there now.
        new: Vec<T>,
    },
    /// `items` moved from index `from` to index `to` (an index in the collection after the move).
    Move {
        /// Where the items were.
        from: usize,
        /// Where they are now.
        to: usize,
        /// The moved items.
        items: Vec<T>,
    },
    /// The collection changed too much to describe (it was cleared, or many runs were removed
    /// at once): `items` is its whole content as of this change. A copy rebuilds itself from
    /// `items`, not by reading the live collection, which may have changed again since (the
    /// changes queued after this one describe those).
    Reset {
        /// Every item of the collection, as of this change.
        items: Vec<T>,
    },
}

impl<T: Clone> CollectionChange<T> {
    /// Applies this change to `mirror`, a copy of the collection as it was before it; false,
    /// and `mirror` unchanged, if the change does not fit it (an index past its end).
    ///
    /// A view that mirrors a collection applies each change it hears, in order, and stays equal
    /// to it.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::CollectionChange;
    ///
    /// let mut rows = vec!['a', 'b', 'c'];
    /// assert!(CollectionChange::Move { from: 0, to: 2, items: vec!['a'] }.apply_to(&mut rows));
    /// assert_eq!(rows, ['b', 'c', 'a']);
    /// assert!(CollectionChange::Replace { index: 1, old: vec!['c'], new: vec!['x', 'y'] }.apply_to(&mut rows));
    /// assert_eq!(rows, ['b', 'x', 'y', 'a']);
    /// assert!(!CollectionChange::Remove { index: 3, items: vec!['a', 'z'] }.apply_to(&mut rows));
    /// assert_eq!(rows, ['b', 'x', 'y', 'a'], "did not fit: unchanged");
    /// assert!(CollectionChange::Reset { items: vec!['r'] }.apply_to(&mut rows));
    /// assert_eq!(rows, ['r']);
    /// ```
    #[must_use = "false means the change did not fit the mirror, which is left unchanged"]
    pub fn apply_to(&self, mirror: &mut Vec<T>) -> bool {
        let len = mirror.len();
        let fits =
            |start: usize, count: usize| start.checked_add(count).is_some_and(|end| end <= len);
        match self {
            CollectionChange::Add { index, items } => {
                if *index > len {
                    return false;
                }
                mirror.splice(*index..*index, items.iter().cloned());
            }
            CollectionChange::Remove { index, items } => {
                if !fits(*index, items.len()) {
                    return false;
                }
                mirror.drain(*index..*index + items.len());
            }
            CollectionChange::Replace { index, old, new } => {
                if !fits(*index, old.len()) {
                    return false;
                }
                mirror.splice(*index..*index + old.len(), new.iter().cloned());
            }
            CollectionChange::Move { from, to, items } => {
                if !fits(*from, items.len()) || !fits(*to, items.len()) {
                    return false;
                }
                let moved: Vec<T> = mirror.drain(*from..*from + items.len()).collect();
                mirror.splice(*to..*to, moved);
            }
            CollectionChange::Reset { items } => {
                mirror.clear();
                mirror.extend(items.iter().cloned());
            }
        }
        true
    }
}

/// `retain` describes at most this many contiguous runs of removed items with one `Remove`
/// each; more runs are one `Reset`.
pub(crate) const RETAIN_RUNS: usize = 4;

/// Writes the collection kind, its source trait, its manager, `ObservableVec` and `VecSnapshot`
/// into a flavour's module, where `Event` and `WeakEventManager` name that flavour's own: one
/// text for both flavours, doc examples included. `$F` is the flavour, `$Ptr` its pointer
/// (`$ptr_use` its path), `$path` the module's public path, `$sb` the bounds the flavour puts on
/// what crosses threads (`[Send, Sync]`, or `[]`).
macro_rules! collection_flavour {
    ($F:ident, $Ptr:ident, $ptr_use:literal, $path:literal, [$($sb:ident),*]) => {
        /// A source of collection changes: it owns an [`Event`] of [`CollectionChange`]s
        /// (WPF's `INotifyCollectionChanged`).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{CollectionChange, Event, NotifyCollectionChanged};")]
        ///
        /// struct Inbox { changed: Event<CollectionChange<String>> }
        /// impl NotifyCollectionChanged for Inbox {
        ///     type Item = String;
        ///     fn collection_changed(&self) -> &Event<CollectionChange<String>> { &self.changed }
        /// }
        /// let inbox = Inbox { changed: Event::new() };
        /// inbox.collection_changed().raise(&CollectionChange::Reset { items: Vec::new() });
        /// ```
        pub trait NotifyCollectionChanged: $($sb +)* 'static {
            /// The collection's item type.
            type Item: 'static;
            /// The event raised on every change.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $path, "::{NotifyCollectionChanged, ObservableVec};")]
            ///
            /// let list = ObservableVec::<u8>::new();
            /// let _token = list.collection_changed().subscribe(|change| println!("{change:?}"));
            /// list.push(1);
            /// ```
            fn collection_changed(&self) -> &Event<CollectionChange<Self::Item>>;
        }

        /// The event kind of a source's collection changes; its manager is
        /// [`CollectionChangedManager<S>`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        /// use std::sync::Mutex;
        #[doc = concat!(" use ", $path, "::{CollectionChange, CollectionChanged, CollectionChangedManager};")]
        #[doc = concat!(" use ", $path, "::{ObservableVec, WeakEventListener};")]
        ///
        /// #[derive(Default)]
        /// struct ListView { rows: Mutex<Vec<u32>> }
        /// impl WeakEventListener<CollectionChanged<ObservableVec<u32>>> for ListView {
        ///     fn receive_weak_event(&self, _: &ObservableVec<u32>, change: &CollectionChange<u32>) {
        ///         if let CollectionChange::Add { index, items } = change {
        ///             let mut rows = self.rows.lock().unwrap();
        ///             rows.splice(*index..*index, items.iter().copied());
        ///         }
        ///     }
        /// }
        ///
        #[doc = concat!(" let numbers = ", stringify!($Ptr), "::new(ObservableVec::new());")]
        #[doc = concat!(" let view = ", stringify!($Ptr), "::new(ListView::default());")]
        /// CollectionChangedManager::<ObservableVec<u32>>::current().add_listener(&numbers, &view);
        /// numbers.push(1);
        /// numbers.push(2);
        /// assert_eq!(*view.rows.lock().unwrap(), [1, 2]);
        /// ```
        pub struct CollectionChanged<S: ?Sized> {
            never: ::std::convert::Infallible,
            source: ::std::marker::PhantomData<fn(&S)>,
        }

        impl<S: NotifyCollectionChanged + ?Sized> WeakEvent for CollectionChanged<S> {
            type Source = S;
            type Args = CollectionChange<S::Item>;

            fn event(source: &S) -> Option<&Event<CollectionChange<S::Item>>> {
                Some(source.collection_changed())
            }
        }

        impl<S: ?Sized> ::std::fmt::Debug for CollectionChanged<S> {
            fn fmt(&self, _: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let _ = self.source;
                match self.never {}
            }
        }

        /// The collection-changed manager: a [`WeakEventManager`] of [`CollectionChanged<S>`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{CollectionChangedManager, ObservableVec};")]
        /// let manager = CollectionChangedManager::<ObservableVec<char>>::new();
        /// assert_eq!(manager.stats().registrations, 0);
        /// ```
        pub type CollectionChangedManager<S> = WeakEventManager<CollectionChanged<S>>;

        /// A vector that raises a [`CollectionChange`] from each mutating method (WPF's
        /// `ObservableCollection`).
        ///
        /// Out-of-range indices and ranges change nothing and raise nothing (`None` or `false`).
        ///
        /// # Order and re-entrancy
        ///
        /// Every listener sees the changes in the order they were applied. Each method applies its
        /// change and queues its notification under one lock, then delivers the queue outside it. A
        /// change made while another is being delivered (by a listener, re-entrantly, or on another
        /// thread) is applied at once and queued; the call already delivering delivers it once the
        /// current change has reached every listener, and the method that made it returns without
        /// waiting. So a listener that pushes during an `Add` sees its own change applied
        /// (`len()` tells), and every listener, this one included, hears it after the outer one. A
        /// panicking listener does not stop the queue: the first panic resumes on the delivering call
        /// once the queue is empty. Producers never wait for the listeners: while other threads
        /// keep changing the vector faster than its listeners take the changes, the delivering
        /// call keeps delivering (it returns once it has caught up), and the queue holds the
        /// changes not yet delivered.
        ///
        /// # No user code under the lock
        ///
        #[doc = concat!(" Items are stored shared (`", stringify!($Ptr), "<T>`) in a copy-on-write vector: a [`snapshot`](Self::snapshot)")]
        /// shares the vector until the next change, [`get`](Self::get) and a notification's copies
        /// need only reference counts under the lock, and `T::clone`, `T::drop`, `T`'s `Debug`, an
        /// iterator handed to [`extend`](Self::extend) and [`retain`](Self::retain)'s predicate all
        /// run with no lock held, and may use the vector.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        /// use std::sync::Mutex;
        #[doc = concat!(" use ", $path, "::{CollectionChange, NotifyCollectionChanged, ObservableVec};")]
        ///
        /// let list = ObservableVec::from(vec!['a', 'b']);
        #[doc = concat!(" let seen = ", stringify!($Ptr), "::new(Mutex::new(Vec::new()));")]
        #[doc = concat!(" let log = ", stringify!($Ptr), "::clone(&seen);")]
        /// let _token = list.collection_changed().subscribe(move |c: &CollectionChange<char>| {
        ///     log.lock().unwrap().push(c.clone())
        /// });
        /// list.insert(1, 'x');
        /// assert_eq!(list.to_vec(), ['a', 'x', 'b']);
        /// assert_eq!(seen.lock().unwrap()[0], CollectionChange::Add { index: 1, items: vec!['x'] });
        /// assert!(!list.insert(9, 'z'), "out of range: nothing changes");
        /// ```
        pub struct ObservableVec<T: 'static> {
            state: <$F as $crate::flavor::Flavor>::Lock<$crate::collection::State<$F, T>>,
            changed: Event<CollectionChange<T>>,
        }

        /// The items of an [`ObservableVec`] as they were when [`ObservableVec::snapshot`] took them:
        /// borrowed reads with no lock held and no copy of the items (the vector shares its storage
        /// with the snapshot until its next change).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 2, 3]);")]
        /// let snapshot = list.snapshot();
        /// list.push(4); // the snapshot does not change
        /// assert_eq!(snapshot.iter().sum::<i32>(), 6);
        /// assert_eq!(snapshot.get(0), Some(&1));
        /// assert_eq!(list.snapshot().len(), 4);
        /// ```
        pub struct VecSnapshot<T: 'static> {
            items: $Ptr<Vec<$Ptr<T>>>,
        }

        impl<T: 'static> VecSnapshot<T> {
            /// The number of items.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec!['a']).snapshot().len(), 1);")]
            /// ```
            pub fn len(&self) -> usize {
                self.items.len()
            }

            /// Whether there are no items.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert!(", $path, "::ObservableVec::<u8>::new().snapshot().is_empty());")]
            /// ```
            pub fn is_empty(&self) -> bool {
                self.items.is_empty()
            }

            /// The item at `index`, borrowed.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let snapshot = ", $path, "::ObservableVec::from(vec![\"a\"]).snapshot();")]
            /// assert_eq!(snapshot.get(0), Some(&"a"));
            /// assert_eq!(snapshot.get(1), None);
            /// ```
            pub fn get(&self, index: usize) -> Option<&T> {
                self.items.get(index).map(|item| &**item)
            }

            /// The items, borrowed, in order.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![String::from(\"a\"), String::from(\"b\")]);")]
            /// let snapshot = list.snapshot();
            /// let names: Vec<&str> = snapshot.iter().map(String::as_str).collect();
            /// assert_eq!(names, ["a", "b"]);
            /// ```
            pub fn iter(&self) -> $crate::collection::SnapshotIter<'_, $Ptr<T>> {
                $crate::collection::SnapshotIter::new(&self.items)
            }

            /// A copy of the items.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec![1, 2]).snapshot().to_vec(), [1, 2]);")]
            /// ```
            pub fn to_vec(&self) -> Vec<T>
            where
                T: Clone,
            {
                self.iter().cloned().collect()
            }
        }

        impl<'a, T: 'static> IntoIterator for &'a VecSnapshot<T> {
            type Item = &'a T;
            type IntoIter = $crate::collection::SnapshotIter<'a, $Ptr<T>>;

            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }

        impl<T: 'static> Clone for VecSnapshot<T> {
            /// Shares the same items.
            fn clone(&self) -> Self {
                VecSnapshot {
                    items: $Ptr::clone(&self.items),
                }
            }
        }

        impl<T: ::std::fmt::Debug + 'static> ::std::fmt::Debug for VecSnapshot<T> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }

        impl<T: Clone + $($sb +)* 'static> ObservableVec<T> {
            /// An empty vector.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert!(", $path, "::ObservableVec::<u8>::new().is_empty());")]
            /// ```
            pub fn new() -> Self {
                Self::from(Vec::new())
            }

            fn lock(&self) -> <$F as $crate::flavor::Flavor>::Guard<'_, $crate::collection::State<$F, T>> {
                <$F as $crate::flavor::Flavor>::lock(&self.state)
            }

            /// Queues `changes` (just applied under `state`) and delivers the queue unless another call
            /// is delivering it already.
            fn commit(
                &self,
                state: <$F as $crate::flavor::Flavor>::Guard<'_, $crate::collection::State<$F, T>>,
                changes: impl IntoIterator<Item = impl Into<$crate::collection::Queued<$F, T>>>,
            ) {
                $crate::collection::commit::<$F, T>(&self.state, state, changes, |change| {
                    self.changed.raise(change)
                });
            }

            /// Appends `item`; raises `Add`.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::new();")]
            /// list.push(3);
            /// assert_eq!(list.to_vec(), [3]);
            /// ```
            pub fn push(&self, item: T) {
                let mut new = vec![$Ptr::new(item)];
                let mut state = self.lock();
                let end = state.len();
                let change = state.insert(end, &mut new);
                self.commit(state, change);
            }

            /// Appends every item of `iter`; raises one `Add` (none if `iter` is empty).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1]);")]
            /// list.extend([2, 3]);
            /// assert_eq!(list.to_vec(), [1, 2, 3]);
            /// ```
            pub fn extend(&self, iter: impl IntoIterator<Item = T>) {
                // Collected before the lock: the iterator is user code.
                let mut new: Vec<$Ptr<T>> = iter.into_iter().map($Ptr::new).collect();
                let mut state = self.lock();
                let end = state.len();
                let change = state.insert(end, &mut new);
                self.commit(state, change);
            }

            /// Inserts `item` at `index` (`index <= len`); raises `Add`. False, and no change, if
            /// `index` is out of range.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 3]);")]
            /// assert!(list.insert(1, 2));
            /// assert_eq!(list.to_vec(), [1, 2, 3]);
            /// ```
            pub fn insert(&self, index: usize, item: T) -> bool {
                let mut new = vec![$Ptr::new(item)];
                let mut state = self.lock();
                let change = state.insert(index, &mut new);
                let inserted = change.is_some();
                self.commit(state, change);
                // Not inserted: the item is dropped here, with no lock held.
                drop(new);
                inserted
            }

            /// Removes and returns the item at `index`; raises `Remove`. `None` if out of range.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec!['a', 'b']);")]
            /// assert_eq!(list.remove(0), Some('a'));
            /// assert_eq!(list.remove(5), None);
            /// ```
            pub fn remove(&self, index: usize) -> Option<T> {
                self.remove_range(index..index.checked_add(1)?)?.pop()
            }

            /// Removes and returns the last item; raises `Remove`. `None` if the vector is empty.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 2]);")]
            /// assert_eq!(list.pop(), Some(2));
            /// assert_eq!(list.pop(), Some(1));
            /// assert_eq!(list.pop(), None);
            /// ```
            pub fn pop(&self) -> Option<T> {
                let mut state = self.lock();
                let len = state.len();
                let change = state.remove_range(len.checked_sub(1)?, len).ok()?;
                self.finish_removal(state, change).pop()
            }

            /// Removes the items in `range` and returns them; raises one `Remove` (none for an empty
            /// range). `None`, and no change, if the range is out of bounds.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![0, 1, 2, 3, 4]);")]
            /// assert_eq!(list.remove_range(1..3), Some(vec![1, 2]));
            /// assert_eq!(list.to_vec(), [0, 3, 4]);
            /// assert_eq!(list.remove_range(2..9), None, "past the end: nothing removed");
            /// assert_eq!(list.remove_range(..), Some(vec![0, 3, 4]));
            /// ```
            pub fn remove_range(&self, range: impl ::std::ops::RangeBounds<usize>) -> Option<Vec<T>> {
                // Read (and dropped) before the lock: a range type's methods are user code.
                let range = $crate::collection::owned_bounds(range);
                let mut state = self.lock();
                let (start, end) = $crate::collection::bounds(range, state.len())?;
                let change = state.remove_range(start, end).ok()?;
                Some(self.finish_removal(state, change))
            }

            /// Shortens the vector to `len` items, removing the rest; raises one `Remove` (none if it
            /// is no longer than `len`, as `Vec::truncate`).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 2, 3]);")]
            /// list.truncate(1);
            /// assert_eq!(list.to_vec(), [1]);
            /// list.truncate(5); // a no-op
            /// assert_eq!(list.len(), 1);
            /// ```
            pub fn truncate(&self, len: usize) {
                let mut state = self.lock();
                let end = state.len();
                if len >= end {
                    return;
                }
                let change = state.remove_range(len, end).ok().flatten();
                // The removed items are dropped once delivered, with no lock held.
                self.commit(state, change);
            }

            /// Replaces the items in `range` with those of `items` (a splice) and returns the old ones;
            /// raises one `Replace` (an `Add` if the range is empty, a `Remove` if `items` is, nothing
            /// if both are). `None`, and no change, if the range is out of bounds.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec!['a', 'b', 'c']);")]
            /// assert_eq!(list.replace_range(1..2, ['x', 'y']), Some(vec!['b']));
            /// assert_eq!(list.to_vec(), ['a', 'x', 'y', 'c']);
            /// assert_eq!(list.replace_range(5..6, ['z']), None);
            /// ```
            pub fn replace_range(
                &self,
                range: impl ::std::ops::RangeBounds<usize>,
                items: impl IntoIterator<Item = T>,
            ) -> Option<Vec<T>> {
                // Collected before the lock: the iterator and the range's methods are user code.
                let range = $crate::collection::owned_bounds(range);
                let mut new: Vec<$Ptr<T>> = items.into_iter().map($Ptr::new).collect();
                let mut state = self.lock();
                let Some((start, end)) = $crate::collection::bounds(range, state.len()) else {
                    drop(state);
                    return None;
                };
                let (old, change) = state.replace_range(start, end, &mut new);
                self.commit(state, change);
                Some(old.into_iter().map($crate::collection::unshare::<$F, T>).collect())
            }

            /// Replaces the item at `index` and returns the old one; raises `Replace`. `None` if out of
            /// range.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 2]);")]
            /// assert_eq!(list.set(1, 20), Some(2));
            /// assert_eq!(list.to_vec(), [1, 20]);
            /// ```
            pub fn set(&self, index: usize, item: T) -> Option<T> {
                self.replace_range(index..index.checked_add(1)?, [item])?.pop()
            }

            /// Moves the item at `from` so that it ends up at `to`; raises `Move`. False, and no change,
            /// if either index is out of range.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec!['a', 'b', 'c']);")]
            /// assert!(list.move_item(0, 2));
            /// assert_eq!(list.to_vec(), ['b', 'c', 'a']);
            /// ```
            pub fn move_item(&self, from: usize, to: usize) -> bool {
                let mut state = self.lock();
                let change = state.move_item(from, to);
                let moved = change.is_some();
                self.commit(state, change);
                moved
            }

            /// Keeps the items for which `keep` answers true, in order, and removes the others; raises
            /// one `Remove` per contiguous run of removed items, the last run first (so that each index
            /// holds when the changes are applied in order), or one `Reset` when more than four runs
            /// went.
            ///
            /// `keep` runs with no lock held, on the items as they were when `retain` started; an item
            /// added meanwhile (by `keep` itself, or another thread) is kept, and one removed meanwhile
            /// stays removed.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from((0..10).collect::<Vec<u32>>());")]
            /// list.retain(|n| n % 2 == 0);
            /// assert_eq!(list.to_vec(), [0, 2, 4, 6, 8]);
            /// ```
            pub fn retain(&self, mut keep: impl FnMut(&T) -> bool) {
                let snapshot = self.lock().snapshot();
                let flags: Vec<bool> = snapshot.iter().map(|item| keep(item)).collect();
                let mut state = self.lock();
                let (changes, garbage) = state.retain(snapshot, &flags);
                self.commit(state, changes);
                drop(garbage);
            }

            /// Removes every item; raises `Reset` (with no items).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![1, 2]);")]
            /// list.clear();
            /// assert!(list.is_empty());
            /// ```
            pub fn clear(&self) {
                let mut state = self.lock();
                let (change, old) = state.clear();
                self.commit(state, Some(change));
                // The items' drops run with no lock held: they may use the vector.
                drop(old);
            }

            /// Delivers a removal and hands its items back (moved out, or copied if a snapshot or a
            /// listener still holds them).
            fn finish_removal(
                &self,
                state: <$F as $crate::flavor::Flavor>::Guard<'_, $crate::collection::State<$F, T>>,
                change: Option<CollectionChange<$Ptr<T>>>,
            ) -> Vec<T> {
                let removed: Vec<$Ptr<T>> = match &change {
                    Some(CollectionChange::Remove { items, .. }) => items.clone(),
                    _ => Vec::new(),
                };
                self.commit(state, change);
                removed
                    .into_iter()
                    .map($crate::collection::unshare::<$F, T>)
                    .collect()
            }

            /// The number of items.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec![1, 2]).len(), 2);")]
            /// ```
            pub fn len(&self) -> usize {
                self.lock().len()
            }

            /// Whether there are no items.
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert!(", $path, "::ObservableVec::<()>::new().is_empty());")]
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// A copy of the item at `index` (cloned with no lock held).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![\"a\"]);")]
            /// assert_eq!(list.get(0), Some("a"));
            /// assert_eq!(list.get(1), None);
            /// ```
            pub fn get(&self, index: usize) -> Option<T> {
                let item = self.lock().get(index);
                item.map(|item| T::clone(&item))
            }

            /// The items as they are now, for reading without a lock and without copying them: see
            /// [`VecSnapshot`]. O(1); the vector's next change copies its list of item pointers if the
            /// snapshot is still held (not the items).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" let list = ", $path, "::ObservableVec::from(vec![3, 1, 2]);")]
            /// let largest = list.snapshot().iter().copied().max();
            /// assert_eq!(largest, Some(3));
            /// ```
            pub fn snapshot(&self) -> VecSnapshot<T> {
                VecSnapshot {
                    items: self.lock().snapshot(),
                }
            }

            /// A copy of the items (cloned with no lock held).
            ///
            /// # Examples
            ///
            /// ```
        #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec![1]).to_vec(), [1]);")]
            /// ```
            pub fn to_vec(&self) -> Vec<T> {
                self.snapshot().to_vec()
            }
        }

        impl<T: 'static> From<Vec<T>> for ObservableVec<T> {
            fn from(items: Vec<T>) -> Self {
                ObservableVec {
                    state: <$F as $crate::flavor::Flavor>::new_lock($crate::collection::State::new(
                        items.into_iter().map($Ptr::new).collect(),
                    )),
                    changed: Event::new(),
                }
            }
        }

        impl<T: Clone + $($sb +)* 'static> Default for ObservableVec<T> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T: Clone + $($sb +)* 'static> NotifyCollectionChanged for ObservableVec<T> {
            type Item = T;

            fn collection_changed(&self) -> &Event<CollectionChange<T>> {
                &self.changed
            }
        }

        impl<T: ::std::fmt::Debug + 'static> ::std::fmt::Debug for ObservableVec<T> {
            /// Never blocks: prints `<locked>` while another thread holds the items; the items are
            /// formatted with no lock held.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut s = f.debug_struct("ObservableVec");
                let items = <$F as $crate::flavor::Flavor>::try_lock(&self.state)
                    .map(|state| VecSnapshot { items: state.snapshot() });
                match &items {
                    Some(items) => s.field("items", items),
                    None => s.field("items", &format_args!("<locked>")),
                };
                s.field("changed", &self.changed).finish()
            }
        }
    };
}

collection_flavour!(Shared, Arc, "std::sync::Arc", "weak_events", [Send, Sync]);

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

    fn applied(change: CollectionChange<u8>, mirror: &[u8]) -> Option<Vec<u8>> {
        let mut mirror = mirror.to_vec();
        let before = mirror.clone();
        if change.apply_to(&mut mirror) {
            Some(mirror)
        } else {
            assert_eq!(
                mirror, before,
                "a change that does not fit leaves the mirror as it was"
            );
            None
        }
    }

    #[test]
    fn apply_to_every_variant_fits_or_says_so() {
        use CollectionChange::*;
        let m = [1, 2, 3];
        let add = |index, items: &[u8]| Add {
            index,
            items: items.to_vec(),
        };
        assert_eq!(applied(add(3, &[4, 5]), &m), Some(vec![1, 2, 3, 4, 5]));
        assert_eq!(applied(add(0, &[0]), &m), Some(vec![0, 1, 2, 3]));
        assert_eq!(applied(add(4, &[9]), &m), None);
        let remove = |index, items: &[u8]| Remove {
            index,
            items: items.to_vec(),
        };
        assert_eq!(applied(remove(1, &[2, 3]), &m), Some(vec![1]));
        assert_eq!(applied(remove(2, &[3, 4]), &m), None);
        assert_eq!(applied(remove(usize::MAX, &[1]), &m), None, "no overflow");
        let replace = |index, old: &[u8], new: &[u8]| Replace {
            index,
            old: old.to_vec(),
            new: new.to_vec(),
        };
        assert_eq!(
            applied(replace(0, &[1], &[7, 8]), &m),
            Some(vec![7, 8, 2, 3])
        );
        assert_eq!(applied(replace(1, &[2, 3], &[]), &m), Some(vec![1]));
        assert_eq!(applied(replace(2, &[3, 4], &[5]), &m), None);
        let moved = |from, to, items: &[u8]| Move {
            from,
            to,
            items: items.to_vec(),
        };
        assert_eq!(applied(moved(0, 2, &[1]), &m), Some(vec![2, 3, 1]));
        assert_eq!(applied(moved(2, 0, &[3]), &m), Some(vec![3, 1, 2]));
        assert_eq!(applied(moved(0, 1, &[1, 2]), &m), Some(vec![3, 1, 2]));
        assert_eq!(
            applied(moved(0, 2, &[1, 2]), &m),
            None,
            "to + count past the end"
        );
        assert_eq!(applied(moved(3, 0, &[9]), &m), None);
        let reset = Reset { items: vec![9, 9] };
        assert_eq!(applied(reset, &m), Some(vec![9, 9]));
        assert_eq!(applied(Reset { items: vec![] }, &m), Some(vec![]));
    }

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
