//! The built-in collection-changed event (WPF's `CollectionChangedEventManager` and
//! `ObservableCollection`).

use std::collections::VecDeque;
use std::ops::Deref;
use std::sync::Arc;

use crate::flavor::{Flavor, Shared};
use crate::{Event, WeakEvent, WeakEventManager};

/// What changed in a collection, with the indices and the items involved (WPF's
/// `NotifyCollectionChangedEventArgs`).
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
    /// `old` items starting at `index` were replaced by `new` ones.
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
    /// The collection changed too much to describe (it was cleared, say): re-read it.
    Reset,
}

/// Writes the collection kind, its source trait, its manager and `ObservableVec` into a
/// flavour's module, where `Event` and `WeakEventManager` name that flavour's own: one text for
/// both flavours, doc examples included. `$F` is the flavour, `$Ptr` its pointer (`$ptr_use` its
/// path), `$path` the module's public path, `$sb` the bounds the flavour puts on what crosses
/// threads (`[Send, Sync]`, or `[]`).
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
        /// inbox.collection_changed().raise(&CollectionChange::Reset);
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
        /// Out-of-range indices change nothing and raise nothing (`None` or `false`).
        ///
        /// # Order and re-entrancy
        ///
        /// Every listener sees the changes in the order they were applied. Each method applies its
        /// change and queues its notification under one lock, then delivers the queue outside it. A
        /// change made while another is being delivered (by a listener, re-entrantly, or on another
        /// thread) is applied at once and queued; the thread already delivering delivers it once the
        /// current change has reached every listener, and the method that made it returns without
        /// waiting. So a listener that pushes during an `Add` sees its own change applied
        /// (`len()` tells), and every listener, this one included, hears it after the outer one. A
        /// panicking listener does not stop the queue: the first panic resumes on the delivering thread
        /// once the queue is empty.
        ///
        /// # No user code under the lock
        ///
        #[doc = concat!(" Items are stored shared (`", stringify!($Ptr), "<T>`), so reading or copying one needs only a reference count")]
        /// under the lock: `T::clone` (for [`get`](Self::get), [`to_vec`](Self::to_vec) and the copies
        /// in each notification), `T::drop` and `T`'s `Debug` all run with no lock held, and may use the
        /// vector.
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

            fn lock(&self) -> <$F as $crate::flavor::Flavor>::Guard<'_, $crate::collection::State<$F, T>> { <$F as $crate::flavor::Flavor>::lock(&self.state)
            }

            /// Queues `change` (just applied under `state`) and delivers the queue unless another call
            /// is delivering it already.
            fn commit(&self, mut state: <$F as $crate::flavor::Flavor>::Guard<'_, $crate::collection::State<$F, T>>, change: CollectionChange<$Ptr<T>>) {
                state.queue.push_back(change);
                if state.delivering {
                    return;
                }
                state.delivering = true;
                drop(state);
                let mut panics = $crate::panic::FirstPanic::new();
                loop {
                    let next = {
                        let mut state = self.lock();
                        match state.queue.pop_front() {
                            Some(next) => next,
                            None => {
                                state.delivering = false;
                                break;
                            }
                        }
                    };
                    // Copies made, listeners called and items dropped with no lock held; a panic in
                    // any of them must not leave `delivering` set (the queue would never move again).
                    panics.catch(|| {
                        self.changed.raise(&$crate::collection::copy_change(&next));
                        drop(next);
                    });
                }
                panics.resume();
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
                let item = $Ptr::new(item);
                let mut state = self.lock();
                state.items.push($Ptr::clone(&item));
                let index = state.items.len() - 1;
                let change = CollectionChange::Add {
                    index,
                    items: vec![item],
                };
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
                let added: Vec<$Ptr<T>> = iter.into_iter().map($Ptr::new).collect();
                if added.is_empty() {
                    return;
                }
                let mut state = self.lock();
                let index = state.items.len();
                state.items.extend(added.iter().cloned());
                let change = CollectionChange::Add {
                    index,
                    items: added,
                };
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
                let item = $Ptr::new(item);
                let mut state = self.lock();
                if index > state.items.len() {
                    drop(state);
                    return false;
                }
                state.items.insert(index, $Ptr::clone(&item));
                let change = CollectionChange::Add {
                    index,
                    items: vec![item],
                };
                self.commit(state, change);
                true
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
                let mut state = self.lock();
                if index >= state.items.len() {
                    return None;
                }
                let removed = state.items.remove(index);
                let change = CollectionChange::Remove {
                    index,
                    items: vec![$Ptr::clone(&removed)],
                };
                self.commit(state, change);
                Some($crate::collection::unshare::<$F, T>(removed))
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
                let item = $Ptr::new(item);
                let mut state = self.lock();
                let Some(slot) = state.items.get_mut(index) else {
                    drop(state);
                    return None;
                };
                let old = std::mem::replace(slot, $Ptr::clone(&item));
                let change = CollectionChange::Replace {
                    index,
                    old: vec![$Ptr::clone(&old)],
                    new: vec![item],
                };
                self.commit(state, change);
                Some($crate::collection::unshare::<$F, T>(old))
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
                if from >= state.items.len() || to >= state.items.len() {
                    return false;
                }
                let item = state.items.remove(from);
                state.items.insert(to, $Ptr::clone(&item));
                let change = CollectionChange::Move {
                    from,
                    to,
                    items: vec![item],
                };
                self.commit(state, change);
                true
            }

            /// Removes every item; raises `Reset`.
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
                let items = std::mem::take(&mut state.items);
                self.commit(state, CollectionChange::Reset);
                // The items' drops run with no lock held: they may use the vector.
                drop(items);
            }

            /// The number of items.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec![1, 2]).len(), 2);")]
            /// ```
            pub fn len(&self) -> usize {
                self.lock().items.len()
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
                let item = self.lock().items.get(index).cloned();
                item.map(|item| T::clone(&item))
            }

            /// A copy of the items (cloned with no lock held).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" assert_eq!(", $path, "::ObservableVec::from(vec![1]).to_vec(), [1]);")]
            /// ```
            pub fn to_vec(&self) -> Vec<T> {
                let items = self.lock().items.clone();
                items.iter().map(|item| T::clone(item)).collect()
            }
        }



        impl<T: 'static> From<Vec<T>> for ObservableVec<T> {
            fn from(items: Vec<T>) -> Self {
                ObservableVec {
                    state: <$F as $crate::flavor::Flavor>::new_lock($crate::collection::State {
                        items: items.into_iter().map($Ptr::new).collect(),
                        queue: ::std::collections::VecDeque::new(),
                        delivering: false,
                    }),
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
                let items = <$F as $crate::flavor::Flavor>::try_lock(&self.state).map(|state| state.items.clone());
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

/// An `ObservableVec`'s state, under its lock.
pub(crate) struct State<F: Flavor, T: 'static> {
    pub(crate) items: Vec<F::Ptr<T>>,
    /// Changes applied and not yet delivered, oldest first: the order every listener sees.
    pub(crate) queue: VecDeque<CollectionChange<F::Ptr<T>>>,
    /// A thread is delivering `queue`; a change made meanwhile only joins it.
    pub(crate) delivering: bool,
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
        CollectionChange::Reset => CollectionChange::Reset,
    }
}
