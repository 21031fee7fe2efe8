//! [`Subscription`]: the RAII form of a registration.

use std::fmt;
use std::sync::Arc;

use crate::flavor::{Flavor, Shared};
use crate::RegistrationId;

/// Something a registration can be removed from, type-erased over the event kind.
pub(crate) trait Unregister {
    fn unregister(&self, id: u64) -> bool;
    /// The address of the source the registration listens to (0 for static events).
    fn source_key(&self) -> usize;
}

/// The guard of either flavour: a registration's id and its list, weakly. `U` is the list's
/// erased type (`dyn Unregister + Send + Sync` in the thread-safe flavour).
pub(crate) struct Guard<F: Flavor, U: ?Sized + Unregister + 'static> {
    id: RegistrationId,
    list: Option<F::Weak<U>>,
    /// The source's address (0 for a static event).
    source: usize,
}

impl<F: Flavor, U: ?Sized + Unregister + 'static> Guard<F, U> {
    pub(crate) fn new(list: F::Ptr<U>, id: RegistrationId) -> Self {
        Guard {
            id,
            source: list.source_key(),
            list: Some(F::downgrade(&list)),
        }
    }

    pub(crate) fn id(&self) -> RegistrationId {
        self.id
    }

    /// Removes the registration now; false if it was gone already.
    pub(crate) fn remove(&mut self) -> bool {
        self.list
            .take()
            .and_then(|list| F::upgrade(&list))
            .is_some_and(|list| list.unregister(self.id.0))
    }

    /// Gives the guard up: the registration stays.
    pub(crate) fn detach(&mut self) -> RegistrationId {
        self.list = None;
        self.id
    }

    pub(crate) fn source_key(&self) -> usize {
        self.source
    }

    /// The guard's `Debug`, under the public type's name.
    pub(crate) fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("id", &self.id)
            .field("attached", &self.list.is_some())
            .finish()
    }
}

impl<F: Flavor, U: ?Sized + Unregister + 'static> Drop for Guard<F, U> {
    /// Removes the registration: this is what a guard is for.
    fn drop(&mut self) {
        self.remove();
    }
}

/// A guard that removes its registration when dropped.
///
/// Returned by [`WeakEventManager::subscribe`](crate::WeakEventManager::subscribe) and its
/// siblings. It is not generic over the event kind, so one collection can own the subscriptions
/// of a component across kinds. [`detach`](Self::detach) gives the guard up and leaves the
/// registration weak-only: it then stays until removed by id or until its receiver dies.
///
/// The guard holds the source's listener list weakly, and neither the source nor the receiver:
/// keeping a guard keeps nothing alive. (A list that is gone has no registrations left: it goes
/// only when its last registration was removed or purged, or its manager was dropped.)
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Weak};
/// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Ping>::new();
/// let bus = Arc::new(Bus);
/// let view = Arc::new(View);
/// {
///     let _subscription = manager.subscribe(&bus, &view);
///     assert_eq!(manager.listener_count(&bus), 1);
/// } // dropped: removed
/// assert_eq!(manager.listener_count(&bus), 0);
///
/// let id = manager.subscribe(&bus, &view).detach(); // stays, weakly
/// assert_eq!(manager.listener_count(&bus), 1);
/// assert!(manager.remove_registration(&bus, id));
/// ```
#[must_use = "dropping a Subscription removes the registration at once; call `detach` to keep it"]
#[clippy::has_significant_drop]
pub struct Subscription {
    guard: Guard<Shared, dyn Unregister + Send + Sync>,
}

impl Subscription {
    pub(crate) fn new(list: Arc<dyn Unregister + Send + Sync>, id: RegistrationId) -> Self {
        Subscription {
            guard: Guard::new(list, id),
        }
    }
}

guard_methods!(
    Subscription,
    "use std::sync::Arc;\nuse weak_events::{WeakEvent, WeakEventManager};\n\nstruct Bus;\nenum Ping {}\nimpl WeakEvent for Ping { type Source = Bus; type Args = (); }\nlet manager = WeakEventManager::<Ping>::new();\nlet (bus, receiver) = (Arc::new(Bus), Arc::new(()));\n"
);

/// The guard of a registration made from a receiver's `Weak` while the receiver is being built
/// ([`WeakEventManager::subscribe_weak`](crate::WeakEventManager::subscribe_weak)): the
/// receiver keeps it in its own field, and it removes the registration when the receiver (and
/// so the guard) is dropped.
///
/// It has no `id` and no `detach`, on purpose: until the receiver has been seen alive, such a
/// registration cannot be told from one whose receiver died, so the crate never purges it; the
/// guard is what removes it, and a detached one could stay registered forever.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{OwnedSubscription, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Settings;
/// enum Changed {}
/// impl WeakEvent for Changed { type Source = Settings; type Args = (); }
/// struct Panel { subscription: OwnedSubscription }
/// impl WeakEventListener<Changed> for Panel { fn receive_weak_event(&self, _: &Settings, _: &()) {} }
///
/// let manager = WeakEventManager::<Changed>::new();
/// let settings = Arc::new(Settings);
/// let panel = Arc::new_cyclic(|me| Panel { subscription: manager.subscribe_weak(&settings, me) });
/// assert_eq!(manager.listener_count(&settings), 1);
/// drop(panel);
/// assert_eq!(manager.listener_count(&settings), 0);
/// ```
#[must_use = "dropping the guard removes the registration at once: keep it in the receiver"]
#[clippy::has_significant_drop]
pub struct OwnedSubscription {
    guard: Guard<Shared, dyn Unregister + Send + Sync>,
}

impl OwnedSubscription {
    pub(crate) fn new(subscription: Subscription) -> Self {
        OwnedSubscription {
            guard: subscription.guard,
        }
    }
}

owned_guard_methods!(
    OwnedSubscription,
    "use std::sync::{Arc, Weak};\nuse weak_events::{WeakEvent, WeakEventListener, WeakEventManager};\n\nstruct Bus;\nenum Ping {}\nimpl WeakEvent for Ping { type Source = Bus; type Args = (); }\nstruct View;\nimpl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }\nlet manager = WeakEventManager::<Ping>::new();\nlet bus = Arc::new(Bus);\n"
);
