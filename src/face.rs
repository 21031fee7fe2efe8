//! The parts of the public faces that are the same in both flavours, written once: each macro
//! expands to methods (with their docs) inside a flavour's concrete type. A doc example names
//! its flavour through the strings the macro is given (the type's path, or the lines that make
//! a manager, a source and a receiver), so each flavour's docs show its own types.
//!
//! What differs stays with each type: `Event::subscribe` (the root flavour's handlers are
//! `Send + Sync`), the type-level docs, and the registration forms (`Arc` or `Rc` arguments).

/// `new`, `unsubscribe`, `raise`, `handler_count` and `is_empty` of an event whose handler
/// lists are in a field `handlers`; `$path` is the type's path for the examples.
macro_rules! event_methods {
    ($path:literal) => {
        /// An event with no handlers.
        ///
        /// # Examples
        ///
        #[doc = concat!("```\nlet event: ", $path, "<str> = ", $path, "::new();\nassert!(event.is_empty());\n```")]
        pub fn new() -> Self {
            Self {
                handlers: $crate::event::Handlers::new(),
            }
        }

        /// Removes the handler `token` names; false if it is not (or no longer) a handler of
        /// this event.
        ///
        /// The handler is dropped before this returns (with no lock held: its drop may run
        /// user code) unless a [`raise`](Self::raise) under way still holds it (then it goes
        /// when that raise ends); it is never called by a raise that reaches its turn after
        /// this returned.
        ///
        /// # Examples
        ///
        #[doc = concat!("```\nlet event = ", $path, "::<()>::new();\nlet token = event.subscribe(|_| {});\nassert!(event.unsubscribe(token));\nassert!(!event.unsubscribe(token), \"a token removes once\");\nassert!(event.is_empty());\n```")]
        #[must_use = "false means `token` is not subscribed to this event"]
        pub fn unsubscribe(&self, token: $crate::EventToken) -> bool {
            self.handlers.unsubscribe(token)
        }

        /// Calls every handler with `args`, in subscription order.
        ///
        /// Handlers subscribed during the raise are not called by it; handlers unsubscribed
        /// before their turn are skipped. No lock (or borrow) is held while a handler runs:
        /// handlers may subscribe, unsubscribe and raise re-entrantly.
        ///
        /// # Panics
        ///
        /// If a handler panics, the others are still called, then the first panic resumes.
        ///
        /// # Examples
        ///
        #[doc = concat!("```\nuse std::sync::{Arc, Mutex};\n\nlet event = ", $path, "::<str>::new();\nlet log = Arc::new(Mutex::new(Vec::new()));\nfor name in [\"a\", \"b\"] {\n    let log = Arc::clone(&log);\n    let _ = event.subscribe(move |msg| log.lock().unwrap().push(format!(\"{name}:{msg}\")));\n}\nevent.raise(\"hi\");\nassert_eq!(*log.lock().unwrap(), [\"a:hi\", \"b:hi\"]);\n```")]
        pub fn raise(&self, args: &A) {
            self.handlers.raise(|handler| handler(args));
        }

        /// The number of handlers.
        ///
        /// # Examples
        ///
        #[doc = concat!("```\nlet event = ", $path, "::<()>::new();\nlet _ = event.subscribe(|_| {});\nlet _ = event.subscribe(|_| {});\nassert_eq!(event.handler_count(), 2);\n```")]
        pub fn handler_count(&self) -> usize {
            self.handlers.count()
        }

        /// Whether the event has no handler.
        ///
        /// # Examples
        ///
        #[doc = concat!("```\nassert!(", $path, "::<u8>::new().is_empty());\n```")]
        pub fn is_empty(&self) -> bool {
            self.handler_count() == 0
        }
    };
}

/// `Default` and `Debug` of an event type `$event`.
macro_rules! event_impls {
    ($event:ident) => {
        impl<A: ?Sized + 'static> Default for $event<A> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<A: ?Sized + 'static> std::fmt::Debug for $event<A> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Event")
                    .field("handlers", &self.handlers.count())
                    .finish_non_exhaustive()
            }
        }
    };
}

/// A `DropNotice` type named `$notice` over the flavour's event `$event`, with `new`,
/// `watchers` and `Debug`; `$path` is its path for the examples. The type's own docs come first.
macro_rules! drop_notice {
    ($(#[$doc:meta])* $notice:ident, $event:ty, $path:literal) => {
        $(#[$doc])*
        #[derive(Default)]
        pub struct $notice {
            /// Never raised: its handlers are the managers' watchers, and dropping them is the
            /// notice.
            watchers: $event,
        }

        impl $notice {
            /// A notice with no watchers.
            ///
            /// # Examples
            ///
            #[doc = concat!("```\nassert_eq!(", $path, "::new().watchers(), 0);\n```")]
            pub fn new() -> Self {
                Self::default()
            }

            /// How many managers watch this notice (one per manager that holds registrations on
            /// the source).
            ///
            /// # Examples
            ///
            #[doc = concat!("```\nlet notice = ", $path, "::default();\nassert_eq!(notice.watchers(), 0);\n```")]
            pub fn watchers(&self) -> usize {
                self.watchers.handler_count()
            }

            /// The event whose handlers are the watchers (the crate never raises it).
            pub(crate) fn event(&self) -> &$event {
                &self.watchers
            }
        }

        impl std::fmt::Debug for $notice {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("DropNotice")
                    .field("watchers", &self.watchers)
                    .finish()
            }
        }
    };
}

/// `id`, `unsubscribe`, `detach` and `Debug` of a guard type `$guard` whose field `guard` is a
/// [`Guard`](crate::subscription::Guard); `$setup` makes `manager`, `bus` and `receiver` for
/// the examples.
macro_rules! guard_methods {
    ($guard:ident, $setup:literal) => {
        impl $guard {
            /// The registration's id.
            ///
            /// # Examples
            ///
            #[doc = concat!("```\n", $setup, "let subscription = manager.subscribe_handler(&bus, &receiver, |_, _, _| {});\nlet id = subscription.id();\nassert_eq!(subscription.detach(), id);\n```")]
            pub fn id(&self) -> $crate::RegistrationId {
                self.guard.id()
            }

            /// Removes the registration now; false if it was already gone (removed by id, or
            /// purged with a dead source).
            ///
            /// # Examples
            ///
            #[doc = concat!("```\n", $setup, "let subscription = manager.subscribe_handler(&bus, &receiver, |_, _, _| {});\nassert!(manager.remove_registration(&bus, subscription.id()));\nassert!(!subscription.unsubscribe(), \"already removed by id\");\n```")]
            #[must_use = "false means the registration was gone already; drop the guard to ignore the answer"]
            pub fn unsubscribe(mut self) -> bool {
                self.guard.remove()
            }

            /// Gives up the guard: the registration stays, held weakly, until removed by id or
            /// until its receiver dies and a cleanup pass prunes it.
            ///
            /// # Examples
            ///
            #[doc = concat!("```\n", $setup, "let id = manager.subscribe_handler(&bus, &receiver, |_, _, _| {}).detach();\nassert_eq!(manager.listener_count(&bus), 1);\nassert!(manager.remove_registration(&bus, id));\n```")]
            pub fn detach(mut self) -> $crate::RegistrationId {
                self.guard.detach()
            }

            /// The address of the source this subscription listens to (0 for a static event).
            #[allow(dead_code)] // used by the root flavour's dispose bag only
            pub(crate) fn source_key(&self) -> usize {
                self.guard.source_key()
            }
        }

        impl std::fmt::Debug for $guard {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.guard.debug("Subscription", f)
            }
        }
    };
}

/// The methods of a `WeakEventManager` that are the same in both flavours, with their docs: its
/// removals, delivery, counts, full pass and threshold. `$Ptr` is the flavour's pointer (`Arc`
/// or `Rc`), `$ptr_use` its `use` path, `$path` the flavour's module and `$crate_path` the same
/// for doc links; the manager has a field `engine`.
macro_rules! manager_methods {
    ($Ptr:ident, $ptr_use:literal, $path:literal, $crate_path:literal) => {
        /// Removes the most recent registration of `listener` on `source`; false if there is none.
        ///
        #[doc = concat!(" Pass the `", stringify!($Ptr), "` that was registered (`&view`). Identity is the receiver's allocation, so")]
        #[doc = concat!(" any clone of that `", stringify!($Ptr), "` matches; a registration made through another manager or for")]
        /// another source does not. From inside the listener, where only `&self` is at hand, use
        /// [`remove_listener_by_ref`](Self::remove_listener_by_ref). Handlers registered with
        /// [`add_handler`](Self::add_handler) are removed by id or guard, not here. O(1) expected
        /// at any position: a long list builds an index from receiver to registrations on its
        /// first removal by identity.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventListener, WeakEventManager};")]
        ///
        /// struct Bus;
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        /// struct View;
        /// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
        ///
        /// let manager = WeakEventManager::<Ping>::new();
        #[doc = concat!(" let (bus, view) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(View));")]
        /// manager.add_listener(&bus, &view);
        /// manager.add_listener(&bus, &view);
        /// assert!(manager.remove_listener(&bus, &view));
        /// assert_eq!(manager.listener_count(&bus), 1, "one registration per removal");
        #[doc = concat!(" assert!(manager.remove_listener(&bus, &", stringify!($Ptr), "::clone(&view)), \"any clone matches\");")]
        /// assert!(!manager.remove_listener(&bus, &view));
        /// ```
        ///
        #[doc = concat!(" A plain reference is not the registered `", stringify!($Ptr), "`, and does not compile here:")]
        ///
        /// ```compile_fail
        #[doc = concat!(" # use ", $ptr_use, ";")]
        #[doc = concat!(" # use ", $path, "::{WeakEvent, WeakEventListener, WeakEventManager};")]
        /// # struct Bus;
        /// # enum Ping {}
        /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        /// # struct View;
        /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
        /// # let manager = WeakEventManager::<Ping>::new();
        #[doc = concat!(" # let (bus, view) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(View));")]
        /// manager.remove_listener(&bus, &*view); // use `&view`, or `remove_listener_by_ref`
        /// ```
        #[must_use = "false means nothing was registered for this listener on this source"]
        pub fn remove_listener<L>(&self, source: &E::Source, listener: &$Ptr<L>) -> bool
        where
            L: WeakEventListener<E> + ?Sized + 'static,
        {
            self.remove_listener_by_ref(source, &**listener)
        }

        /// Removes the most recent registration of the listener `listener` points to: for code
        /// that has only a plain reference, such as a listener removing itself from `&self`.
        ///
        #[doc = concat!(" The reference must point into the registered `", stringify!($Ptr), "` (`&*view`, or `self` inside")]
        /// [`receive_weak_event`](WeakEventListener::receive_weak_event)). `L` must be the listener
        #[doc = concat!(" type itself: a reference to the `", stringify!($Ptr), "` (`&view`) is not a listener and does not compile;")]
        /// pass it to [`remove_listener`](Self::remove_listener) instead.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventListener, WeakEventManager};")]
        ///
        /// struct Bus;
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        ///
        /// // Listens to the first ping only: it removes itself.
        /// struct Splash;
        /// impl WeakEventListener<Ping> for Splash {
        ///     fn receive_weak_event(&self, bus: &Bus, _: &()) {
        ///         let removed = WeakEventManager::<Ping>::current().remove_listener_by_ref(bus, self);
        ///         assert!(removed);
        ///     }
        /// }
        ///
        /// let manager = WeakEventManager::<Ping>::current();
        #[doc = concat!(" let (bus, splash) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(Splash));")]
        /// manager.add_listener(&bus, &splash);
        /// manager.deliver_event(&bus, &());
        /// assert_eq!(manager.listener_count(&bus), 0);
        /// ```
        ///
        #[doc = concat!(" The `", stringify!($Ptr), "` itself is not a listener:")]
        ///
        /// ```compile_fail
        #[doc = concat!(" # use ", $ptr_use, ";")]
        #[doc = concat!(" # use ", $path, "::{WeakEvent, WeakEventListener, WeakEventManager};")]
        /// # struct Bus;
        /// # enum Ping {}
        /// # impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        /// # struct View;
        /// # impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
        /// # let manager = WeakEventManager::<Ping>::new();
        #[doc = concat!(" # let (bus, view) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(View));")]
        /// manager.remove_listener_by_ref(&bus, &view); // use `&*view`, or `remove_listener(&bus, &view)`
        /// ```
        #[must_use = "false means nothing was registered for this listener on this source"]
        pub fn remove_listener_by_ref<L>(&self, source: &E::Source, listener: &L) -> bool
        where
            L: WeakEventListener<E> + ?Sized + 'static,
        {
            self.engine
                .remove_listener_in(source, None, addr_of(listener))
        }

        /// Removes the registration `id` of `source`; false if it is not registered there.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventManager};")]
        ///
        /// struct Bus;
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        /// struct View;
        ///
        /// let manager = WeakEventManager::<Ping>::new();
        #[doc = concat!(" let (a, b, view) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(View));")]
        /// let id = manager.add_handler(&a, &view, |_, _, _| {});
        /// assert!(!manager.remove_registration(&b, id), "not a registration of b");
        /// assert!(manager.remove_registration(&a, id));
        /// ```
        #[must_use = "false means `id` is not registered on this source (removed already, or made elsewhere)"]
        pub fn remove_registration(&self, source: &E::Source, id: RegistrationId) -> bool {
            self.engine.remove_registration(source, id)
        }

        /// Delivers `args` from `source` to the source's listeners.
        ///
        /// One table lookup, one snapshot, one `Weak::upgrade` per listener; no allocation and no
        /// lock per listener. A source with no listeners gets a no-op. A delivery that meets dead
        /// receivers asks for a cleanup pass over this source. In the thread-safe flavour, a list
        /// delivered to eight times in a row with no change in between is published, and the
        /// deliveries after take their snapshot of it with no lock and no reference count until
        /// the next change (the first such read on a thread allocates the thread's read slots,
        /// once).
        ///
        #[doc = concat!(" A sender that delivers this way has no [`Event`](", $crate_path, "::Event) whose drop tells the")]
        #[doc = concat!(" manager it died: give it a [`DropNotice`](", $crate_path, "::DropNotice) (see")]
        /// [`WeakEvent::drop_notice`]) and its entries go at the next pass after it dies; without
        /// one they go at the table's upkeep (see
        /// [`CleanupMode`](crate::CleanupMode#how-a-dead-source-is-found)).
        ///
        /// # Panics
        ///
        /// If a listener panics, the others are still called, then the first panic resumes.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        /// use std::sync::atomic::{AtomicUsize, Ordering};
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventListener, WeakEventManager};")]
        ///
        /// struct Bus;
        /// enum Count {}
        /// impl WeakEvent for Count { type Source = Bus; type Args = usize; }
        /// #[derive(Default)]
        /// struct Total(AtomicUsize);
        /// impl WeakEventListener<Count> for Total {
        ///     fn receive_weak_event(&self, _: &Bus, n: &usize) { self.0.fetch_add(*n, Ordering::SeqCst); }
        /// }
        ///
        /// let manager = WeakEventManager::<Count>::new();
        #[doc = concat!(" let (a, b) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(Bus));")]
        #[doc = concat!(" let total = ", stringify!($Ptr), "::new(Total::default());")]
        /// manager.add_listener(&a, &total);
        /// manager.deliver_event(&a, &5);
        /// manager.deliver_event(&b, &100); // b's listeners: none
        /// assert_eq!(total.0.load(Ordering::SeqCst), 5);
        /// ```
        pub fn deliver_event(&self, source: &E::Source, args: &E::Args) {
            self.engine.deliver(source, args);
        }

        /// The number of registrations on `source` (their receivers may have died since).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventManager};")]
        ///
        /// struct Bus;
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
        /// let manager = WeakEventManager::<Ping>::new();
        /// assert_eq!(manager.listener_count(&Bus), 0);
        /// ```
        pub fn listener_count(&self, source: &E::Source) -> usize {
            self.engine.listener_count(source)
        }

        /// Runs a full cleanup pass now, on this thread, whatever the mode.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{Event, WeakEvent, WeakEventListener, WeakEventManager};")]
        ///
        /// struct Bus { ping: Event<()> }
        /// enum Ping {}
        /// impl WeakEvent for Ping {
        ///     type Source = Bus;
        ///     type Args = ();
        ///     fn event(bus: &Bus) -> Option<&Event<()>> { Some(&bus.ping) }
        /// }
        /// struct View;
        /// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
        ///
        /// let manager = WeakEventManager::<Ping>::new();
        #[doc = concat!(" let bus = ", stringify!($Ptr), "::new(Bus { ping: Event::new() });")]
        #[doc = concat!(" let view = ", stringify!($Ptr), "::new(View);")]
        /// manager.add_listener(&bus, &view);
        /// drop(view);
        /// assert_eq!(manager.purge().entries_purged, 1);
        /// assert!(bus.ping.is_empty(), "the last entry went: the manager detached");
        /// ```
        pub fn purge(&self) -> PurgeReport {
            self.engine.run_full_pass()
        }

        /// The table's counts and the cleanup counters; see [`ManagerStats`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventManager};")]
        ///
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = (); type Args = (); }
        /// assert_eq!(WeakEventManager::<Ping>::new().stats().registrations, 0);
        /// ```
        pub fn stats(&self) -> ManagerStats {
            self.engine.stats()
        }

        /// Sets the live registrations per source past which an add warns, and warns again at each
        /// further 50% (see [`ThresholdWarning`](crate::ThresholdWarning)); `None` turns the warning
        /// off. The default is
        /// [`DEFAULT_LISTENER_THRESHOLD`](crate::DEFAULT_LISTENER_THRESHOLD).
        ///
        /// `Some(usize::MAX)` is the same as `None` (no source can hold more than `usize::MAX`
        /// registrations, so it never warns) and reads back as `None`.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventManager};")]
        ///
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = (); type Args = (); }
        /// let manager = WeakEventManager::<Ping>::new();
        /// assert_eq!(manager.listener_threshold(), Some(weak_events::DEFAULT_LISTENER_THRESHOLD));
        /// manager.set_listener_threshold(None);
        /// assert_eq!(manager.listener_threshold(), None);
        /// manager.set_listener_threshold(Some(usize::MAX)); // can never be crossed
        /// assert_eq!(manager.listener_threshold(), None);
        /// ```
        pub fn set_listener_threshold(&self, threshold: Option<usize>) {
            self.engine.set_threshold(threshold);
        }

        /// The listener threshold; see [`set_listener_threshold`](Self::set_listener_threshold).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{WeakEvent, WeakEventManager};")]
        ///
        /// enum Ping {}
        /// impl WeakEvent for Ping { type Source = (); type Args = (); }
        /// let manager = WeakEventManager::<Ping>::new();
        /// manager.set_listener_threshold(Some(50));
        /// assert_eq!(manager.listener_threshold(), Some(50));
        /// ```
        pub fn listener_threshold(&self) -> Option<usize> {
            self.engine.threshold()
        }
    };
}

/// `Default`, `Clone` (another handle to the same manager) and `Debug` (never blocks, never scans
/// the table) of a manager type over a kind trait `$kind`.
macro_rules! manager_impls {
    ($manager:ident, $kind:path) => {
        impl<E: $kind> Default for $manager<E> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<E: $kind> Clone for $manager<E> {
            /// Another handle to the same manager.
            fn clone(&self) -> Self {
                $manager {
                    engine: self.engine.clone(),
                }
            }
        }

        impl<E: $kind> std::fmt::Debug for $manager<E> {
            /// Never blocks and never scans the table: prints the event kind, the source count
            /// and the cleanup state.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("WeakEventManager")
                    .field("event", &std::any::type_name::<E>())
                    .field("sources", &self.engine.source_count())
                    .field("cleanup", self.engine.cleanup_state())
                    .finish_non_exhaustive()
            }
        }
    };
}

/// The `hook` and `unhook` of a flavour's `Kind` impl, whose kind trait (in scope as
/// `WeakEvent`, implemented by `E`) names the source's `Event` and `DropNotice` of that flavour.
macro_rules! kind_hooks {
    ($F:ty) => {
        fn hook(
            source: &<E as WeakEvent>::Source,
            forwarder: $crate::source::Forwarder<$F, E>,
        ) -> Option<$crate::source::Hook> {
            use $crate::source::Hook;
            if let Some(event) = E::event(source) {
                return Some(Hook::Event(
                    event.subscribe(move |args| forwarder.raise(args)),
                ));
            }
            // Never called: the watcher's drop (with the source's) is the announcement.
            E::drop_notice(source)
                .map(|notice| Hook::Notice(notice.event().subscribe(move |()| forwarder.keep())))
        }

        fn unhook(source: &<E as WeakEvent>::Source, hook: $crate::source::Hook) {
            use $crate::source::Hook;
            // A `false` from `unsubscribe` is not an error here: a user may have cleared the
            // source's `Event` (or replaced the field) meanwhile.
            let _ = match hook {
                Hook::Event(token) => {
                    E::event(source).is_some_and(|event| event.unsubscribe(token))
                }
                Hook::Notice(token) => {
                    E::drop_notice(source).is_some_and(|notice| notice.event().unsubscribe(token))
                }
            };
        }
    };
}

/// How an entry of flavour `$F` calls a listener of that flavour's listener trait (in scope as
/// `WeakEventListener`).
macro_rules! receive_impl {
    ($F:ty) => {
        impl<E: WeakEvent, L: WeakEventListener<E> + ?Sized> $crate::entry::Receive<$F, E> for L {
            fn receive(
                &self,
                sender: &<E as WeakEvent>::Source,
                args: &<E as WeakEvent>::Args,
            ) -> std::ops::ControlFlow<()> {
                self.handle_weak_event(sender, args)
            }
        }
    };
}

/// `unsubscribe` and `Debug` of an owned guard type `$guard` (a field `guard`); `$setup` makes
/// `manager`, `bus` and `View` for the example.
macro_rules! owned_guard_methods {
    ($guard:ident, $setup:literal) => {
        impl $guard {
            /// Removes the registration now; false if it was gone already.
            ///
            /// # Examples
            ///
            #[doc = concat!("```\n", $setup, "let guard = manager.subscribe_weak(&bus, &Weak::<View>::new());\nassert!(guard.unsubscribe());\n```")]
            #[must_use = "false means the registration was gone already; drop the guard to ignore the answer"]
            pub fn unsubscribe(mut self) -> bool {
                self.guard.remove()
            }
        }

        impl std::fmt::Debug for $guard {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.guard.debug("OwnedSubscription", f)
            }
        }
    };
}
