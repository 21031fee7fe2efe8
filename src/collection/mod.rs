//! The built-in collection-changed event (WPF's `CollectionChangedEventManager` and
//! `ObservableCollection`): the source trait, the kind, its manager and `ObservableVec`, written
//! once for both flavours (this file); the change type and its mirror helper (`change.rs`); the
//! vector's shared core, its state and the order its changes are delivered in (`core.rs`).

use std::sync::Arc;

use crate::flavor::Shared;
use crate::{Event, WeakEvent, WeakEventManager};

mod change;
mod core;

pub use self::core::SnapshotIter;
pub(crate) use self::core::{bounds, commit, owned_bounds, unshare, Queued, State};
pub use change::CollectionChange;

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
