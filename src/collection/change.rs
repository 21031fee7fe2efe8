//! [`CollectionChange`]: what changed in a collection, and how a copy of it follows.

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
}
