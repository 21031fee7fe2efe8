//! The type-erased entries a manager stores: one per registration, behind `dyn Entry<E>`.
//!
//! An entry holds its receiver weakly and calls it through the [`WeakEventListener`] trait (a
//! listener) or a plain `fn` (a handler); [`Once`] wraps either for a registration that fires
//! once. Delivery is one virtual call per listener, whatever the kind of entry.

use std::ops::ControlFlow;
use std::sync::{Arc, Weak};

use crate::sync::{AtomicBool, Ordering};
use crate::{WeakEvent, WeakEventListener};

/// Whether a registration's receiver is alive; free of the event kind, so that diagnostics can
/// probe registrations of every kind.
pub(crate) trait Alive {
    fn is_alive(&self) -> bool;
}

/// One registration, type-erased over the receiver.
pub(crate) trait Entry<E: WeakEvent>: Alive + Send + Sync {
    /// Calls the receiver if it is alive; false if it died.
    ///
    /// A once-registration calls `remove` (which removes it from its list) before it calls its
    /// receiver, and only on the delivery that claims it; other entries ignore `remove`. One
    /// virtual call per listener, whatever the kind of entry.
    fn deliver(&self, sender: &E::Source, args: &E::Args, remove: &mut dyn FnMut()) -> bool;
    /// The listener's address, for removal by identity; `None` for handlers (removed by id).
    fn listener_addr(&self) -> Option<usize>;
}

/// A [`WeakEventListener`] held weakly.
pub(crate) struct ListenerEntry<L: ?Sized> {
    pub(crate) listener: Weak<L>,
}

impl<L: ?Sized> ListenerEntry<L> {
    pub(crate) fn new(listener: &Arc<L>) -> Self {
        ListenerEntry {
            listener: Arc::downgrade(listener),
        }
    }
}

impl<L: ?Sized> Alive for ListenerEntry<L> {
    fn is_alive(&self) -> bool {
        self.listener.strong_count() > 0
    }
}

impl<E, L> Entry<E> for ListenerEntry<L>
where
    E: WeakEvent,
    L: WeakEventListener<E> + ?Sized,
{
    fn deliver(&self, sender: &E::Source, args: &E::Args, remove: &mut dyn FnMut()) -> bool {
        match self.listener.upgrade() {
            Some(listener) => {
                if listener.handle_weak_event(sender, args).is_break() {
                    remove();
                }
                // `listener` may be the last strong reference: the receiver's drop runs here,
                // still with no lock held.
                true
            }
            None => false,
        }
    }

    fn listener_addr(&self) -> Option<usize> {
        Some(addr_of(self.listener.as_ptr()))
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
pub(crate) struct HandlerEntry<E: WeakEvent, R: ?Sized, O = ()> {
    pub(crate) receiver: Weak<R>,
    pub(crate) handler: fn(&R, &E::Source, &E::Args) -> O,
}

impl<E: WeakEvent, R: ?Sized, O> HandlerEntry<E, R, O> {
    pub(crate) fn new(receiver: &Arc<R>, handler: fn(&R, &E::Source, &E::Args) -> O) -> Self {
        HandlerEntry {
            receiver: Arc::downgrade(receiver),
            handler,
        }
    }
}

impl<E: WeakEvent, R: ?Sized, O> Alive for HandlerEntry<E, R, O> {
    fn is_alive(&self) -> bool {
        self.receiver.strong_count() > 0
    }
}

impl<E, R, O> Entry<E> for HandlerEntry<E, R, O>
where
    E: WeakEvent,
    R: ?Sized + Send + Sync,
    O: Outcome,
{
    fn deliver(&self, sender: &E::Source, args: &E::Args, remove: &mut dyn FnMut()) -> bool {
        match self.receiver.upgrade() {
            Some(receiver) => {
                if (self.handler)(&receiver, sender, args).is_break() {
                    remove();
                }
                true
            }
            None => false,
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

impl<E: WeakEvent, X: Entry<E>> Entry<E> for Once<X> {
    fn deliver(&self, sender: &E::Source, args: &E::Args, remove: &mut dyn FnMut()) -> bool {
        if self.fired.swap(true, Ordering::AcqRel) {
            // Another delivery claimed it: to this one it is already removed.
            return true;
        }
        remove();
        self.inner.deliver(sender, args, &mut || {})
    }

    fn listener_addr(&self) -> Option<usize> {
        self.inner.listener_addr()
    }
}

/// The address of the value behind a (possibly wide) pointer: the identity of a source or listener.
pub(crate) fn addr_of<T: ?Sized>(ptr: *const T) -> usize {
    ptr.cast::<()>() as usize
}
