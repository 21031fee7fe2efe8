//! The type-erased entries a manager stores: one per registration, behind `dyn Entry<E>`.
//!
//! An entry holds its receiver weakly and calls it through the [`WeakEventListener`] trait (a
//! listener) or a plain `fn` (a handler); [`Once`] wraps either for a registration that fires
//! once. Delivery is one virtual call per listener, whatever the kind of entry.

use crate::engine::Kind;
pub(crate) use crate::flavor::addr_of;
use crate::flavor::{Flavor, Shared};

use crate::sync::{AtomicBool, Ordering};
use crate::{WeakEvent, WeakEventListener};
use std::ops::ControlFlow;

/// Whether a registration's receiver is alive; free of the event kind, so that diagnostics can
/// probe registrations of every kind.
pub(crate) trait Alive {
    fn is_alive(&self) -> bool;
}

/// One registration, type-erased over the receiver.
pub(crate) trait Entry<F: Flavor, E: Kind<F>>: Alive {
    /// Calls the receiver if it is alive; false if it died.
    ///
    /// A once-registration calls `removal.remove()` (which removes it from its list) before it
    /// calls its receiver, and only on the delivery that claims it; a listener or handler that
    /// returns `Break` calls it after; other entries ignore it. One
    /// virtual call per listener, whatever the kind of entry.
    fn deliver(&self, removal: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery;
    /// The listener's address, for removal by identity; `None` for handlers (removed by id).
    fn listener_addr(&self) -> Option<usize>;
}

/// A [`WeakEventListener`] held weakly.
pub(crate) struct ListenerEntry<F: Flavor, L: ?Sized + 'static> {
    pub(crate) listener: F::Weak<L>,
}

impl<F: Flavor, L: ?Sized + 'static> ListenerEntry<F, L> {
    /// An entry for a receiver's weak pointer (see [`Unborn`]).
    pub(crate) fn from_weak(listener: &F::Weak<L>) -> Self {
        ListenerEntry {
            listener: listener.clone(),
        }
    }

    pub(crate) fn new(listener: &F::Ptr<L>) -> Self {
        ListenerEntry {
            listener: F::downgrade(listener),
        }
    }
}

impl<F: Flavor, L: ?Sized + 'static> Alive for ListenerEntry<F, L> {
    fn is_alive(&self) -> bool {
        F::strong_count(&self.listener) > 0
    }
}

impl<F, E, L> Entry<F, E> for ListenerEntry<F, L>
where
    F: Flavor,
    E: Kind<F>,
    L: Receive<F, E> + ?Sized + 'static,
{
    fn deliver(&self, removal: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery {
        match F::upgrade(&self.listener) {
            Some(listener) => {
                if listener.receive(sender, args).is_break() {
                    removal.remove();
                }
                // `listener` may be the last strong reference: the receiver's drop runs here,
                // still with no lock held.
                Delivery::Reached
            }
            None => Delivery::Dead,
        }
    }

    fn listener_addr(&self) -> Option<usize> {
        Some(F::weak_addr(&self.listener))
    }
}

/// What a handler returns: `()` (stay registered), or a `ControlFlow` whose `Break` removes the
/// registration.
pub(crate) trait Outcome: 'static {
    fn is_break(&self) -> bool;
}

impl Outcome for () {
    fn is_break(&self) -> bool {
        false
    }
}

impl Outcome for ControlFlow<()> {
    fn is_break(&self) -> bool {
        ControlFlow::is_break(self)
    }
}

/// A receiver held weakly and the plain `fn` to call with it.
pub(crate) struct HandlerEntry<F: Flavor, E: Kind<F>, R: ?Sized + 'static, O = ()> {
    pub(crate) receiver: F::Weak<R>,
    pub(crate) handler: fn(&R, &E::Source, &E::Args) -> O,
}

impl<F: Flavor, E: Kind<F>, R: ?Sized + 'static, O> HandlerEntry<F, E, R, O> {
    pub(crate) fn new(receiver: &F::Ptr<R>, handler: fn(&R, &E::Source, &E::Args) -> O) -> Self {
        HandlerEntry {
            receiver: F::downgrade(receiver),
            handler,
        }
    }
}

impl<F: Flavor, E: Kind<F>, R: ?Sized + 'static, O> Alive for HandlerEntry<F, E, R, O> {
    fn is_alive(&self) -> bool {
        F::strong_count(&self.receiver) > 0
    }
}

impl<F, E, R, O> Entry<F, E> for HandlerEntry<F, E, R, O>
where
    F: Flavor,
    E: Kind<F>,
    R: ?Sized + 'static,
    O: Outcome,
{
    fn deliver(&self, removal: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery {
        match F::upgrade(&self.receiver) {
            Some(receiver) => {
                if (self.handler)(&receiver, sender, args).is_break() {
                    removal.remove();
                }
                Delivery::Reached
            }
            None => Delivery::Dead,
        }
    }

    fn listener_addr(&self) -> Option<usize> {
        None
    }
}

/// A registration delivered once: the first delivery to reach it claims it, removes it and
/// calls it; any other delivery racing it skips it.
pub(crate) struct Once<X> {
    pub(crate) inner: X,
    pub(crate) fired: AtomicBool,
}

impl<X> Once<X> {
    pub(crate) fn new(inner: X) -> Self {
        Once {
            inner,
            fired: AtomicBool::new(false),
        }
    }
}

impl<X: Alive> Alive for Once<X> {
    fn is_alive(&self) -> bool {
        self.inner.is_alive()
    }
}

impl<F: Flavor, E: Kind<F>, X: Entry<F, E>> Entry<F, E> for Once<X> {
    fn deliver(&self, removal: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery {
        if self.fired.swap(true, Ordering::AcqRel) {
            // Another delivery claimed it: to this one it is already removed.
            return Delivery::Skipped;
        }
        removal.remove();
        self.inner.deliver(removal.done(), sender, args)
    }

    fn listener_addr(&self) -> Option<usize> {
        self.inner.listener_addr()
    }
}

/// A registration made from a receiver's `Weak` while the receiver is being built (inside
/// `Arc::new_cyclic`): until its receiver has been seen alive, it is *unborn*, not dead. A pass
/// does not purge it and a delivery skips it; its guard (the only handle such a registration
/// gives) removes it, whether the receiver dies later (the guard sits in its fields) or its
/// construction panics (the guard is dropped with the half-built value).
pub(crate) struct Unborn<X> {
    inner: X,
    born: AtomicBool,
}

impl<X> Unborn<X> {
    pub(crate) fn new(inner: X) -> Self {
        Unborn {
            inner,
            born: AtomicBool::new(false),
        }
    }
}

impl<X: Alive> Alive for Unborn<X> {
    fn is_alive(&self) -> bool {
        if self.inner.is_alive() {
            self.born.store(true, Ordering::Release);
            return true;
        }
        // Dead only once it has lived: before, its receiver is still being built.
        !self.born.load(Ordering::Acquire)
    }
}

impl<F: Flavor, E: Kind<F>, X: Entry<F, E>> Entry<F, E> for Unborn<X> {
    fn deliver(&self, removal: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery {
        if !self.born.load(Ordering::Acquire) {
            if !self.inner.is_alive() {
                return Delivery::Skipped; // not yet built: skipped, and not counted dead
            }
            self.born.store(true, Ordering::Release);
        }
        self.inner.deliver(removal, sender, args)
    }

    fn listener_addr(&self) -> Option<usize> {
        self.inner.listener_addr()
    }
}

/// A handler that may capture context (anything but its own receiver, which it is given): a
/// closure beside the receiver's weak pointer.
pub(crate) struct ClosureEntry<F: Flavor, R: ?Sized + 'static, H> {
    receiver: F::Weak<R>,
    handler: H,
}

impl<F: Flavor, R: ?Sized + 'static, H> ClosureEntry<F, R, H> {
    pub(crate) fn new(receiver: &F::Ptr<R>, handler: H) -> Self {
        ClosureEntry {
            receiver: F::downgrade(receiver),
            handler,
        }
    }
}

impl<F: Flavor, R: ?Sized + 'static, H> Alive for ClosureEntry<F, R, H> {
    fn is_alive(&self) -> bool {
        F::strong_count(&self.receiver) > 0
    }
}

impl<F, E, R, H> Entry<F, E> for ClosureEntry<F, R, H>
where
    F: Flavor,
    E: Kind<F>,
    R: ?Sized + 'static,
    H: Fn(&R, &E::Source, &E::Args),
{
    fn deliver(&self, _: Removal<'_>, sender: &E::Source, args: &E::Args) -> Delivery {
        match F::upgrade(&self.receiver) {
            Some(receiver) => {
                (self.handler)(&receiver, sender, args);
                Delivery::Reached
            }
            None => Delivery::Dead,
        }
    }

    fn listener_addr(&self) -> Option<usize> {
        None
    }
}

/// What one call of an entry found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// The receiver was alive and was called: the registration is *delivered*.
    Reached,
    /// The receiver is dead: a pass may prune it.
    Dead,
    /// Not called, and not dead: a once-registration another delivery claimed, or a
    /// registration whose receiver is still being built.
    Skipped,
}

/// How an entry removes its own registration during a delivery (a listener or handler that
/// returned `Break`, a once-registration): the registration's id and the delivery's
/// [`Remover`], which is made once per delivery, not once per call. Two words, so that it is
/// passed in registers.
#[derive(Clone, Copy)]
pub(crate) struct Removal<'a> {
    id: u64,
    remover: &'a Remover<'a>,
}

/// What removes a registration by id during one delivery.
pub(crate) struct Remover<'a>(Option<&'a dyn Fn(u64)>);

impl<'a> Remover<'a> {
    pub(crate) fn new(remove: &'a dyn Fn(u64)) -> Self {
        Remover(Some(remove))
    }

    /// The removal of the registration `id` by this remover.
    #[inline]
    pub(crate) fn of(&'a self, id: u64) -> Removal<'a> {
        Removal { id, remover: self }
    }
}

/// The remover of a registration that was removed already.
const REMOVED_ALREADY: &Remover<'static> = &Remover(None);

impl Removal<'_> {
    pub(crate) fn remove(self) {
        if let Some(remove) = self.remover.0 {
            remove(self.id);
        }
    }

    /// The same registration once removed: for the inner entry of a once-registration.
    pub(crate) fn done(self) -> Self {
        Removal {
            id: self.id,
            remover: REMOVED_ALREADY,
        }
    }
}

/// How an entry calls its listener: through the listener trait of the kind's flavour.
pub(crate) trait Receive<F: Flavor, E: Kind<F>> {
    fn receive(&self, sender: &E::Source, args: &E::Args) -> ControlFlow<()>;
}

receive_impl!(Shared);
