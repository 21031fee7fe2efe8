//! Publishing a list's vector, so that the deliveries of a list that does not change read it
//! with no lock and no reference count (the thread-safe flavour only: see
//! [`Flavor::PUBLISHES`]).
//!
//! The protocol, in one place for every list that publishes (a source's lists, an `Event`'s
//! handlers): the pointer lives beside the list's lock ([`Publisher`]), its bookkeeping under
//! it ([`Publication`]). A delivery that took the lock counts itself; the
//! [`PUBLISH_AFTER`]th in a row with no change publishes the vector it read. A change clears
//! the pointer under the lock before it mutates anything, so that no delivery starting after
//! the change reads a vector it left behind, and so that the change finds the vector unshared
//! (in place, no copy) unless a delivery still walks it.

use super::{Node, Snapshot};
use crate::flavor::Flavor;

/// How many deliveries in a row, with no change of the list between them, take the lock before
/// one publishes the list's vector. Setting and clearing it cost more than a locked read (each
/// is a swap that checks every thread's read slots), so a list that changes between most of
/// its deliveries (one delivery, then an add or a remove) is never published; one delivered to
/// again and again is, from its ninth delivery on. Under loom the first delivery publishes, so
/// the models explore publishing.
pub(crate) const PUBLISH_AFTER: u8 = if cfg!(loom) { 1 } else { 8 };

/// A list's vector read from its [`Publisher`].
pub(crate) type LoadedVec<F, T> = <F as Flavor>::Loaded<Vec<<F as Flavor>::Ptr<Node<T>>>>;

/// The pointer deliveries read a list's vector from with no lock; beside the list's lock.
pub(crate) struct Publisher<F: Flavor, T: ?Sized + 'static>(F::Published<Vec<F::Ptr<Node<T>>>>);

/// Under the list's lock: whether its vector is published, and how many deliveries took the
/// lock since the last change.
#[derive(Default)]
pub(crate) struct Publication {
    published: bool,
    locked_reads: u8,
}

impl<F: Flavor, T: ?Sized + 'static> Publisher<F, T> {
    pub(crate) fn new() -> Self {
        Publisher(F::new_published())
    }

    /// The published vector, if one is set.
    #[inline]
    pub(crate) fn load(&self) -> Option<LoadedVec<F, T>> {
        if F::PUBLISHES {
            F::load(&self.0)
        } else {
            None
        }
    }

    /// A delivery took the lock (`publication` is under it); `current` is the vector it read,
    /// or `None` if the list may not be published now. Publishes it once enough such
    /// deliveries came in a row.
    #[inline]
    pub(crate) fn locked_read(
        &self,
        publication: &mut Publication,
        current: impl FnOnce() -> Option<Snapshot<F, T>>,
    ) {
        if F::PUBLISHES && !publication.published {
            publication.locked_reads = publication.locked_reads.saturating_add(1);
            if publication.locked_reads >= PUBLISH_AFTER {
                if let Some(vec) = current() {
                    publication.published = true;
                    F::publish(&self.0, Some(vec));
                }
            }
        }
    }

    /// A change is about to be made under the lock (`publication` is under it): clears the
    /// published vector first.
    #[inline]
    pub(crate) fn clear(&self, publication: &mut Publication) {
        publication.locked_reads = 0;
        if F::PUBLISHES && publication.published {
            publication.published = false;
            F::publish(&self.0, None);
        }
    }
}
