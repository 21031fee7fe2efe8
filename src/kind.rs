//! [`weak_event!`]: an event kind in one line, with a static manager slot.

use std::fmt;
use std::sync::OnceLock;

use crate::{WeakEvent, WeakEventManager};

/// The static slot that holds the process-wide manager of one event kind declared with
/// [`weak_event!`](crate::weak_event), so that [`WeakEventManager::current`] is one atomic load for it instead of a
/// lookup keyed by `TypeId`.
///
/// The macro declares one per kind and returns it from the kind's
/// [`WeakEvent::manager_slot`]; a hand-written kind can do the same (see that method). Under
/// `cfg(loom)` the slot is not used: `current()` then makes the manager afresh for each
/// execution of a model, as for every kind.
///
/// # Examples
///
/// ```
/// use weak_events::{ManagerSlot, WeakEvent, WeakEventManager};
///
/// enum Tick {}
/// impl WeakEvent for Tick {
///     type Source = ();
///     type Args = u64;
///     fn manager_slot() -> Option<&'static ManagerSlot<Self>> {
///         static SLOT: ManagerSlot<Tick> = ManagerSlot::new();
///         Some(&SLOT)
///     }
/// }
/// let a = WeakEventManager::<Tick>::current();
/// assert!(std::ptr::eq(a, WeakEventManager::<Tick>::current()));
/// ```
pub struct ManagerSlot<E: WeakEvent> {
    manager: OnceLock<WeakEventManager<E>>,
}

impl<E: WeakEvent> ManagerSlot<E> {
    /// An empty slot; the manager is made by the first `current()`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{ManagerSlot, WeakEvent};
    /// # enum Tick {}
    /// # impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// static SLOT: ManagerSlot<Tick> = ManagerSlot::new();
    /// # let _ = &SLOT;
    /// ```
    pub const fn new() -> Self {
        ManagerSlot {
            manager: OnceLock::new(),
        }
    }

    /// The manager in the slot, if `current()` made it already.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{weak_event, WeakEvent, WeakEventManager};
    ///
    /// weak_event!(Tick: () => u64);
    /// let slot = Tick::manager_slot().unwrap();
    /// assert!(slot.get().is_none(), "made on first use");
    /// let manager = WeakEventManager::<Tick>::current();
    /// assert!(std::ptr::eq(slot.get().unwrap(), manager), "current() is the slot's manager");
    /// ```
    pub fn get(&self) -> Option<&WeakEventManager<E>> {
        self.manager.get()
    }

    /// The manager in the slot, made by `make` the first time.
    #[cfg_attr(loom, allow(dead_code))] // under loom, `current()` makes a manager per execution
    pub(crate) fn get_or_init(
        &self,
        make: impl FnOnce() -> WeakEventManager<E>,
    ) -> &WeakEventManager<E> {
        self.manager.get_or_init(make)
    }
}

impl<E: WeakEvent> Default for ManagerSlot<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: WeakEvent> fmt::Debug for ManagerSlot<E> {
    /// Never blocks: whether the manager was made.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagerSlot")
            .field("made", &self.manager.get().is_some())
            .finish()
    }
}

/// Declares an event kind in one line: an uninhabited type that implements [`WeakEvent`], with
/// its own static manager slot (so that [`WeakEventManager::current`] is one atomic load).
///
/// ```text
/// weak_event!(VISIBILITY NAME: SOURCE => ARGS);                  // the sender calls deliver_event
/// weak_event!(VISIBILITY NAME: SOURCE => ARGS, event = FIELD);   // the source's `Event<ARGS>` field
/// ```
///
/// Doc comments and attributes before the name go on the declared type. Several kinds can be
/// declared in one invocation, separated by `;`. It expands to what a hand-written kind is: an
/// empty `enum` and an `impl WeakEvent` with `Source`, `Args`, [`WeakEvent::event`] (when a field
/// is named) and [`WeakEvent::manager_slot`].
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
/// use weak_events::{weak_event, Event, WeakEventListener, WeakEventManager};
///
/// #[derive(Default)]
/// pub struct Settings { pub changed: Event<str> }
///
/// weak_event! {
///     /// A setting changed; the argument is its key.
///     pub SettingChanged: Settings => str, event = changed;
///     /// The application is shutting down (no source).
///     pub Shutdown: () => ();
/// }
///
/// #[derive(Default)]
/// struct Panel(AtomicUsize);
/// impl WeakEventListener<SettingChanged> for Panel {
///     fn receive_weak_event(&self, _: &Settings, _key: &str) { self.0.fetch_add(1, Ordering::SeqCst); }
/// }
///
/// let (settings, panel) = (Arc::new(Settings::default()), Arc::new(Panel::default()));
/// let guard = WeakEventManager::<SettingChanged>::current().subscribe(&settings, &panel);
/// settings.changed.raise("theme");
/// assert_eq!(panel.0.load(Ordering::SeqCst), 1);
/// drop(guard);
/// # let _ = WeakEventManager::<Shutdown>::current();
/// ```
///
/// A kind needs a name and both types:
///
/// ```compile_fail
/// # use weak_events::weak_event;
/// # struct Settings;
/// weak_event!(pub SettingChanged: Settings); // no `=> ARGS`
/// ```
#[macro_export]
macro_rules! weak_event {
    ($(
        $(#[$meta:meta])*
        $vis:vis $name:ident : $source:ty => $args:ty $(, event = $field:ident)? $(,)?
    );+ $(;)?) => {$(
        $(#[$meta])*
        $vis enum $name {}

        impl $crate::WeakEvent for $name {
            type Source = $source;
            type Args = $args;

            $(
                fn event(source: &$source) -> ::core::option::Option<&$crate::Event<$args>> {
                    ::core::option::Option::Some(&source.$field)
                }
            )?

            fn manager_slot() -> ::core::option::Option<&'static $crate::ManagerSlot<Self>> {
                static SLOT: $crate::ManagerSlot<$name> = $crate::ManagerSlot::new();
                ::core::option::Option::Some(&SLOT)
            }
        }
    )+};
}
