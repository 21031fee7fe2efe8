//! The built-in collection-changed event (WPF's `CollectionChangedEventManager` and
//! `ObservableCollection`).

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// A source of collection changes: it owns an [`Event`] of [`CollectionChange`]s
/// (WPF's `INotifyCollectionChanged`).
///
/// # Examples
///
/// ```
/// use weak_events::{CollectionChange, Event, NotifyCollectionChanged};
///
/// struct Inbox { changed: Event<CollectionChange<String>> }
/// impl NotifyCollectionChanged for Inbox {
///     type Item = String;
///     fn collection_changed(&self) -> &Event<CollectionChange<String>> { &self.changed }
/// }
/// let inbox = Inbox { changed: Event::new() };
/// inbox.collection_changed().raise(&CollectionChange::Reset);
/// ```
pub trait NotifyCollectionChanged: Send + Sync + 'static {
    /// The collection's item type.
    type Item: 'static;
    /// The event raised on every change.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{NotifyCollectionChanged, ObservableVec};
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
/// use std::sync::{Arc, Mutex};
/// use weak_events::{CollectionChange, CollectionChanged, CollectionChangedManager};
/// use weak_events::{ObservableVec, WeakEventListener};
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
/// let numbers = Arc::new(ObservableVec::new());
/// let view = Arc::new(ListView::default());
/// CollectionChangedManager::<ObservableVec<u32>>::current().add_listener(&numbers, &view);
/// numbers.push(1);
/// numbers.push(2);
/// assert_eq!(*view.rows.lock().unwrap(), [1, 2]);
/// ```
pub struct CollectionChanged<S: ?Sized> {
    never: Infallible,
    source: PhantomData<fn(&S)>,
}

impl<S: NotifyCollectionChanged + ?Sized> WeakEvent for CollectionChanged<S> {
    type Source = S;
    type Args = CollectionChange<S::Item>;

    fn event(source: &S) -> Option<&Event<CollectionChange<S::Item>>> {
        Some(source.collection_changed())
    }
}

impl<S: ?Sized> fmt::Debug for CollectionChanged<S> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = self.source;
        match self.never {}
    }
}

/// The collection-changed manager: a [`WeakEventManager`] of [`CollectionChanged<S>`].
///
/// # Examples
///
/// ```
/// use weak_events::{CollectionChangedManager, ObservableVec};
/// let manager = CollectionChangedManager::<ObservableVec<char>>::new();
/// assert_eq!(manager.stats().registrations, 0);
/// ```
pub type CollectionChangedManager<S> = WeakEventManager<CollectionChanged<S>>;

/// A vector that raises a [`CollectionChange`] from each mutating method (WPF's
/// `ObservableCollection`).
///
/// Each method changes the vector under its lock, releases the lock, then raises the event, so
/// listeners may read the vector (and mutate it, re-entrantly). Out-of-range indices change
/// nothing and raise nothing (`None` or `false`). Like `ObservableCollection`, it is meant to be
/// mutated from one thread at a time: concurrent mutation is safe, but the notifications of
/// mutations racing on two threads may arrive in either order.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weak_events::{CollectionChange, NotifyCollectionChanged, ObservableVec};
///
/// let list = ObservableVec::from(vec!['a', 'b']);
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let _token = list.collection_changed().subscribe(move |c: &CollectionChange<char>| {
///     log.lock().unwrap().push(c.clone())
/// });
/// list.insert(1, 'x');
/// assert_eq!(list.to_vec(), ['a', 'x', 'b']);
/// assert_eq!(seen.lock().unwrap()[0], CollectionChange::Add { index: 1, items: vec!['x'] });
/// assert!(!list.insert(9, 'z'), "out of range: nothing changes");
/// ```
pub struct ObservableVec<T: 'static> {
    items: Mutex<Vec<T>>,
    changed: Event<CollectionChange<T>>,
}

impl<T: Clone + Send + Sync + 'static> ObservableVec<T> {
    /// An empty vector.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::ObservableVec::<u8>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::from(Vec::new())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<T>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `item`; raises `Add`.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::new();
    /// list.push(3);
    /// assert_eq!(list.to_vec(), [3]);
    /// ```
    pub fn push(&self, item: T) {
        let change = {
            let mut items = self.lock();
            items.push(item.clone());
            CollectionChange::Add {
                index: items.len() - 1,
                items: vec![item],
            }
        };
        self.changed.raise(&change);
    }

    /// Appends every item of `iter`; raises one `Add` (none if `iter` is empty).
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec![1]);
    /// list.extend([2, 3]);
    /// assert_eq!(list.to_vec(), [1, 2, 3]);
    /// ```
    pub fn extend(&self, iter: impl IntoIterator<Item = T>) {
        let added: Vec<T> = iter.into_iter().collect();
        if added.is_empty() {
            return;
        }
        let change = {
            let mut items = self.lock();
            let index = items.len();
            items.extend(added.iter().cloned());
            CollectionChange::Add {
                index,
                items: added,
            }
        };
        self.changed.raise(&change);
    }

    /// Inserts `item` at `index` (`index <= len`); raises `Add`. False, and no change, if
    /// `index` is out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec![1, 3]);
    /// assert!(list.insert(1, 2));
    /// assert_eq!(list.to_vec(), [1, 2, 3]);
    /// ```
    pub fn insert(&self, index: usize, item: T) -> bool {
        let change = {
            let mut items = self.lock();
            if index > items.len() {
                return false;
            }
            items.insert(index, item.clone());
            CollectionChange::Add {
                index,
                items: vec![item],
            }
        };
        self.changed.raise(&change);
        true
    }

    /// Removes and returns the item at `index`; raises `Remove`. `None` if out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec!['a', 'b']);
    /// assert_eq!(list.remove(0), Some('a'));
    /// assert_eq!(list.remove(5), None);
    /// ```
    pub fn remove(&self, index: usize) -> Option<T> {
        let (removed, change) = {
            let mut items = self.lock();
            if index >= items.len() {
                return None;
            }
            let removed = items.remove(index);
            let change = CollectionChange::Remove {
                index,
                items: vec![removed.clone()],
            };
            (removed, change)
        };
        self.changed.raise(&change);
        Some(removed)
    }

    /// Replaces the item at `index` and returns the old one; raises `Replace`. `None` if out of
    /// range.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec![1, 2]);
    /// assert_eq!(list.set(1, 20), Some(2));
    /// assert_eq!(list.to_vec(), [1, 20]);
    /// ```
    pub fn set(&self, index: usize, item: T) -> Option<T> {
        let (old, change) = {
            let mut items = self.lock();
            let slot = items.get_mut(index)?;
            let old = std::mem::replace(slot, item.clone());
            let change = CollectionChange::Replace {
                index,
                old: vec![old.clone()],
                new: vec![item],
            };
            (old, change)
        };
        self.changed.raise(&change);
        Some(old)
    }

    /// Moves the item at `from` so that it ends up at `to`; raises `Move`. False, and no change,
    /// if either index is out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec!['a', 'b', 'c']);
    /// assert!(list.move_item(0, 2));
    /// assert_eq!(list.to_vec(), ['b', 'c', 'a']);
    /// ```
    pub fn move_item(&self, from: usize, to: usize) -> bool {
        let change = {
            let mut items = self.lock();
            if from >= items.len() || to >= items.len() {
                return false;
            }
            let item = items.remove(from);
            items.insert(to, item.clone());
            CollectionChange::Move {
                from,
                to,
                items: vec![item],
            }
        };
        self.changed.raise(&change);
        true
    }

    /// Removes every item; raises `Reset`.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec![1, 2]);
    /// list.clear();
    /// assert!(list.is_empty());
    /// ```
    pub fn clear(&self) {
        // The items' drops run after the lock is released: they may use the vector.
        let items = std::mem::take(&mut *self.lock());
        drop(items);
        self.changed.raise(&CollectionChange::Reset);
    }

    /// The number of items.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::ObservableVec::from(vec![1, 2]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether there are no items.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::ObservableVec::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the item at `index`.
    ///
    /// # Examples
    ///
    /// ```
    /// let list = weak_events::ObservableVec::from(vec!["a"]);
    /// assert_eq!(list.get(0), Some("a"));
    /// assert_eq!(list.get(1), None);
    /// ```
    pub fn get(&self, index: usize) -> Option<T> {
        self.lock().get(index).cloned()
    }

    /// A copy of the items.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::ObservableVec::from(vec![1]).to_vec(), [1]);
    /// ```
    pub fn to_vec(&self) -> Vec<T> {
        self.lock().clone()
    }
}

impl<T: 'static> From<Vec<T>> for ObservableVec<T> {
    fn from(items: Vec<T>) -> Self {
        ObservableVec {
            items: Mutex::new(items),
            changed: Event::new(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Default for ObservableVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone + Send + Sync + 'static> NotifyCollectionChanged for ObservableVec<T> {
    type Item = T;

    fn collection_changed(&self) -> &Event<CollectionChange<T>> {
        &self.changed
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for ObservableVec<T> {
    /// Never blocks: prints `<locked>` while another thread holds the items.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ObservableVec");
        match self.items.try_lock() {
            Ok(items) => s.field("items", &*items),
            Err(_) => s.field("items", &format_args!("<locked>")),
        };
        s.field("changed", &self.changed).finish()
    }
}
