//! The registration forms of [`WeakEventManager`] for a source: every combination of listener
//! or handler, once or not, id or guard, each a one-line wrapper over the one registration path.

use std::ops::ControlFlow;
use std::sync::{Arc, Weak};

use crate::engine::Target;
use crate::entry::{ClosureEntry, HandlerEntry, ListenerEntry, Once, Unborn};
use crate::flavor::Shared;
use crate::subscription::Subscription;
use crate::{RegistrationId, WeakEvent, WeakEventListener, WeakEventManager};

impl<E: WeakEvent> WeakEventManager<E> {
    /// Registers `listener` for the events of `source`; returns the registration's id.
    ///
    /// Neither is kept alive by the manager. If this is the source's first listener and the
    /// kind has an `Event` ([`WeakEvent::event`]), the manager attaches to it before returning.
    /// O(1) amortised in the number of listeners on the source.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// #[derive(Default)]
    /// struct View(AtomicBool);
    /// impl WeakEventListener<Ping> for View {
    ///     fn receive_weak_event(&self, _: &Bus, _: &()) { self.0.store(true, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    /// manager.add_listener(&bus, &view);
    /// manager.deliver_event(&bus, &());
    /// assert!(view.0.load(Ordering::SeqCst));
    /// assert_eq!(Arc::strong_count(&view), 1, "held weakly");
    /// ```
    #[track_caller]
    pub fn add_listener<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::new(listener);
        self.register::<L, _>(Target::Source(source, None), entry)
            .id
    }

    /// Registers `receiver` with a plain `fn` to call for the events of `source`.
    ///
    /// The handler is given the receiver, so it needs to capture nothing; it is a plain `fn`
    /// (non-capturing closures coerce to it), so a handler that keeps its own receiver alive
    /// does not compile. Remove it by the returned id, or use
    /// [`subscribe_handler`](Self::subscribe_handler) for a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Said {}
    /// impl WeakEvent for Said { type Source = Bus; type Args = str; }
    /// #[derive(Default)]
    /// struct View { lines: Mutex<Vec<String>> }
    ///
    /// let manager = WeakEventManager::<Said>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    /// manager.add_handler(&bus, &view, |view, _bus, line| {
    ///     view.lines.lock().unwrap().push(line.to_owned())
    /// });
    /// manager.deliver_event(&bus, "hello");
    /// assert_eq!(*view.lines.lock().unwrap(), ["hello"]);
    /// ```
    ///
    /// A closure that captures its receiver is not a `fn`:
    ///
    /// ```compile_fail
    /// # use std::sync::Arc;
    /// # use weak_events::{WeakEvent, WeakEventManager};
    /// # struct Bus;
    /// # enum Said {}
    /// # impl WeakEvent for Said { type Source = Bus; type Args = str; }
    /// # struct View;
    /// # let manager = WeakEventManager::<Said>::new();
    /// # let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// let captured = Arc::clone(&view);
    /// manager.add_handler(&bus, &view, move |_view, _bus, _line| {
    ///     let _keep_alive = &captured; // would keep the view alive forever
    /// });
    /// ```
    #[track_caller]
    pub fn add_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// Registers `listener` for one event of `source`: the first delivery that reaches it
    /// removes it, then calls it (a re-entrant or concurrent delivery does not call it again).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    /// #[derive(Default)]
    /// struct Splash(AtomicUsize);
    /// impl WeakEventListener<Loaded> for Splash {
    ///     fn receive_weak_event(&self, _: &Bus, _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, splash) = (Arc::new(Bus), Arc::new(Splash::default()));
    /// manager.add_listener_once(&bus, &splash);
    /// manager.deliver_event(&bus, &());
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(splash.0.load(Ordering::SeqCst), 1);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn add_listener_once<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::new(listener));
        self.register::<L, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_handler`](Self::add_handler) for one event of `source`; see
    /// [`add_listener_once`](Self::add_listener_once).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, count) = (Arc::new(Bus), Arc::new(AtomicUsize::new(0)));
    /// let id = manager.add_handler_once(&bus, &count, |c, _, _| { c.fetch_add(1, Ordering::SeqCst); });
    /// manager.deliver_event(&bus, &());
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(count.load(Ordering::SeqCst), 1);
    /// assert!(!manager.remove_registration(&bus, id), "removed by its delivery");
    /// ```
    #[track_caller]
    pub fn add_handler_once<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::new(receiver, handler));
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_listener`](Self::add_listener) returning a guard that removes the registration
    /// when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// let subscription = manager.subscribe(&bus, &view);
    /// assert_eq!(manager.listener_count(&bus), 1);
    /// drop(subscription);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn subscribe<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = ListenerEntry::new(listener);
        self.register::<L, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_handler`](Self::add_handler) returning a guard that removes the registration
    /// when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    /// struct View;
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View));
    /// let subscription = manager.subscribe_handler(&bus, &view, |_, _, _| {});
    /// assert!(subscription.unsubscribe());
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_listener_once`](Self::add_listener_once) returning a guard: dropping the guard
    /// before the event removes the registration.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    /// #[derive(Default)]
    /// struct Splash(AtomicUsize);
    /// impl WeakEventListener<Loaded> for Splash {
    ///     fn receive_weak_event(&self, _: &Bus, _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, splash) = (Arc::new(Bus), Arc::new(Splash::default()));
    /// let guard = manager.subscribe_once(&bus, &splash);
    /// manager.deliver_event(&bus, &());
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(splash.0.load(Ordering::SeqCst), 1);
    /// assert!(!guard.unsubscribe(), "it fired: nothing left to remove");
    /// ```
    #[track_caller]
    pub fn subscribe_once<L>(&self, source: &Arc<E::Source>, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::new(listener));
        self.register::<L, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_handler_once`](Self::add_handler_once) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Loaded {}
    /// impl WeakEvent for Loaded { type Source = Bus; type Args = (); }
    ///
    /// let manager = WeakEventManager::<Loaded>::new();
    /// let (bus, hits) = (Arc::new(Bus), Arc::new(AtomicUsize::new(0)));
    /// let guard = manager.subscribe_handler_once(&bus, &hits, |h, _, _| {
    ///     h.fetch_add(1, Ordering::SeqCst);
    /// });
    /// drop(guard); // before the event: never called
    /// manager.deliver_event(&bus, &());
    /// assert_eq!(hits.load(Ordering::SeqCst), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_handler_once<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args),
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::new(receiver, handler));
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// [`add_handler`](Self::add_handler) for a handler that says whether to stay registered:
    /// on `ControlFlow::Break(())` its registration is removed before the delivery returns and
    /// is never called again, with no id or guard needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::sync::{Arc, Mutex};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Chat;
    /// enum Said {}
    /// impl WeakEvent for Said { type Source = Chat; type Args = str; }
    ///
    /// // Collects lines until "bye".
    /// let manager = WeakEventManager::<Said>::new();
    /// let (chat, transcript) = (Arc::new(Chat), Arc::new(Mutex::new(Vec::new())));
    /// manager.add_flow_handler(&chat, &transcript, |lines, _, line| {
    ///     lines.lock().unwrap().push(line.to_owned());
    ///     if line == "bye" { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    /// });
    /// for line in ["hi", "bye", "anyone?"] {
    ///     manager.deliver_event(&chat, line);
    /// }
    /// assert_eq!(*transcript.lock().unwrap(), ["hi", "bye"]);
    /// assert_eq!(manager.listener_count(&chat), 0);
    /// ```
    #[track_caller]
    pub fn add_flow_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args) -> ControlFlow<()>,
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_flow_handler`](Self::add_flow_handler) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Chat;
    /// enum Said {}
    /// impl WeakEvent for Said { type Source = Chat; type Args = str; }
    ///
    /// let manager = WeakEventManager::<Said>::new();
    /// let (chat, receiver) = (Arc::new(Chat), Arc::new(()));
    /// let guard = manager.subscribe_flow_handler(&chat, &receiver, |_, _, _| ControlFlow::Break(()));
    /// manager.deliver_event(&chat, "hi");
    /// assert!(!guard.unsubscribe(), "it removed itself");
    /// ```
    #[track_caller]
    pub fn subscribe_flow_handler<R>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: fn(&R, &E::Source, &E::Args) -> ControlFlow<()>,
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = HandlerEntry::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }

    /// A stream of `source`'s events for an async task, buffering up to `capacity` of them (a
    /// capacity of 0 is taken as 1); see [`EventStream`](crate::EventStream).
    ///
    /// The stream is held weakly like any receiver: dropping it (the task ending) removes its
    /// registration at once. Each event is cloned once into the stream's buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Store;
    /// enum Changed {}
    /// impl WeakEvent for Changed { type Source = Store; type Args = String; }
    ///
    /// let manager = WeakEventManager::<Changed>::new();
    /// let store = Arc::new(Store);
    /// let stream = manager.stream(&store, 16);
    /// manager.deliver_event(&store, &"title".to_string());
    /// assert_eq!(stream.buffered(), 1);
    /// drop(stream); // the task ended
    /// assert_eq!(manager.listener_count(&store), 0);
    /// ```
    #[track_caller]
    pub fn stream(&self, source: &Arc<E::Source>, capacity: usize) -> crate::EventStream<E>
    where
        E::Args: Clone + Send + Sized,
    {
        let (entry, stream) = crate::EventStream::<E>::prepare(capacity);
        let registration = self
            .register::<crate::EventStream<E>, _>(Target::Source(source, None), entry)
            .into_guard();
        crate::EventStream::registered(stream, registration)
    }

    /// Registers a receiver that is still being built, from its `Weak`, so that the receiver
    /// can keep the guard in its own field: call it inside `Arc::new_cyclic`.
    ///
    /// Until the receiver has been seen alive the registration is skipped by deliveries and
    /// never purged by a pass (its `Weak` cannot be upgraded yet, which would otherwise look
    /// like a dead receiver). So the guard is the only handle it gives: an
    /// [`OwnedSubscription`](crate::OwnedSubscription), with no id and no `detach`. When the receiver dies, its fields drop and the guard removes the
    /// registration at once; if the receiver's construction panics, the half-built value (and
    /// the guard in it) is dropped, and nothing is left behind.
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
    ///
    /// // The panel owns its subscription: no `Mutex<Option<Subscription>>` filled in later.
    /// struct Panel { _subscription: OwnedSubscription }
    /// impl WeakEventListener<Changed> for Panel { fn receive_weak_event(&self, _: &Settings, _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Changed>::new();
    /// let settings = Arc::new(Settings);
    /// let panel = Arc::new_cyclic(|me| Panel { _subscription: manager.subscribe_weak(&settings, me) });
    /// assert_eq!(manager.listener_count(&settings), 1);
    /// drop(panel); // its guard goes with it
    /// assert_eq!(manager.listener_count(&settings), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_weak<L>(
        &self,
        source: &Arc<E::Source>,
        listener: &Weak<L>,
    ) -> crate::OwnedSubscription
    where
        L: WeakEventListener<E> + 'static,
    {
        let entry = Unborn::new(ListenerEntry::from_weak(listener));
        let guard = self
            .register::<L, _>(Target::Source(source, None), entry)
            .into_guard();
        crate::OwnedSubscription::new(guard)
    }

    /// Registers a handler that may capture context (a logger, a channel, a setting) beside
    /// the receiver it is given, which is held weakly as with [`add_handler`](Self::add_handler).
    ///
    /// What it gives up: a plain `fn` cannot capture its own receiver, so
    /// [`add_handler`](Self::add_handler) makes "a handler that keeps its receiver alive" a
    /// compile error. A closure here could capture the receiver's `Arc` and keep it alive
    /// forever; nothing stops that at compile time. It shows in [`stats`](Self::stats): the
    /// registration stays `alive` after every other owner of the receiver let go. Capture the
    /// context, never the receiver.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, mpsc};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = u32; }
    /// struct View { name: &'static str }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, view) = (Arc::new(Bus), Arc::new(View { name: "inbox" }));
    /// let (log, received) = mpsc::channel();
    /// manager.add_closure_handler(&bus, &view, move |view, _, n| {
    ///     log.send(format!("{} got {n}", view.name)).unwrap();
    /// });
    /// manager.deliver_event(&bus, &3);
    /// assert_eq!(received.recv().unwrap(), "inbox got 3");
    /// drop(view);
    /// manager.deliver_event(&bus, &4); // the view is gone: not called
    /// assert!(received.try_recv().is_err());
    /// ```
    #[track_caller]
    pub fn add_closure_handler<R, H>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: H,
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
        H: Fn(&R, &E::Source, &E::Args) + Send + Sync + 'static,
    {
        let entry = ClosureEntry::<Shared, R, H>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .id
    }

    /// [`add_closure_handler`](Self::add_closure_handler) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = u32; }
    ///
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    /// let factor = 10;
    /// let guard = manager.subscribe_closure_handler(&bus, &receiver, move |_, _, n| assert!(n * factor >= 0));
    /// assert_eq!(manager.listener_count(&bus), 1);
    /// drop(guard);
    /// assert_eq!(manager.listener_count(&bus), 0);
    /// ```
    #[track_caller]
    pub fn subscribe_closure_handler<R, H>(
        &self,
        source: &Arc<E::Source>,
        receiver: &Arc<R>,
        handler: H,
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
        H: Fn(&R, &E::Source, &E::Args) + Send + Sync + 'static,
    {
        let entry = ClosureEntry::<Shared, R, H>::new(receiver, handler);
        self.register::<R, _>(Target::Source(source, None), entry)
            .into_guard()
    }
}
