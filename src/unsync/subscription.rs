//! The guards of the thread-affine flavour: [`Subscription`] and [`OwnedSubscription`].

use crate::flavor::Local;
use crate::subscription::{Guard, Unregister};

/// The RAII guard of the thread-affine flavour: the `Rc` twin of [`crate::Subscription`],
/// `!Send`. Removes its registration when dropped; [`detach`](Self::detach) keeps it.
///
/// # Examples
///
/// ```
/// # use std::rc::Rc;
/// # use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
/// # struct Bus;
/// # enum Ping {}
/// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// # struct View;
/// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
/// let manager = WeakEventManager::<Ping>::new();
/// let (bus, view) = (Rc::new(Bus), Rc::new(View));
/// {
///     let _subscription = manager.subscribe(&bus, &view);
///     assert_eq!(manager.listener_count(&bus), 1);
/// }
/// assert_eq!(manager.listener_count(&bus), 0);
/// ```
#[must_use = "dropping a Subscription removes the registration at once; call `detach` to keep it"]
#[clippy::has_significant_drop]
pub struct Subscription {
    pub(crate) guard: Guard<Local, dyn Unregister>,
}

guard_methods!(
    Subscription,
    "use std::rc::Rc;\nuse weak_events::unsync::{WeakEvent, WeakEventManager};\n\nstruct Bus;\nenum Ping {}\nimpl WeakEvent for Ping { type Source = Bus; type Args = (); }\nlet manager = WeakEventManager::<Ping>::new();\nlet (bus, receiver) = (Rc::new(Bus), Rc::new(()));\n"
);

/// The `Rc` twin of [`crate::OwnedSubscription`]: the guard of a registration made from a
/// receiver's `Weak` inside `Rc::new_cyclic`, kept in the receiver's own field; no id, no
/// `detach`.
///
/// # Examples
///
/// ```
/// use std::rc::{Rc, Weak};
/// use weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Ping>::new();
/// let bus = Rc::new(Bus);
/// let guard = manager.subscribe_weak(&bus, &Weak::<View>::new());
/// assert!(guard.unsubscribe());
/// ```
#[must_use = "dropping the guard removes the registration at once: keep it in the receiver"]
#[clippy::has_significant_drop]
pub struct OwnedSubscription {
    pub(crate) guard: Guard<Local, dyn Unregister>,
}

owned_guard_methods!(
    OwnedSubscription,
    "use std::rc::{Rc, Weak};\nuse weak_events::unsync::{WeakEvent, WeakEventListener, WeakEventManager};\n\nstruct Bus;\nenum Ping {}\nimpl WeakEvent for Ping { type Source = Bus; type Args = (); }\nstruct View;\nimpl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }\nlet manager = WeakEventManager::<Ping>::new();\nlet bus = Rc::new(Bus);\n"
);

impl<E: crate::unsync::WeakEvent> crate::engine::Registered<Local, E> {
    /// A guard that removes the registration when dropped.
    pub(crate) fn into_guard(self) -> Subscription {
        let list: std::rc::Rc<dyn Unregister> = self.state;
        Subscription {
            guard: Guard::new(list, self.id),
        }
    }
}
