//! The static forms of [`WeakEventManager`]: events with no source (`Source = ()`), one list
//! per manager.

use std::sync::Arc;

use crate::engine::Target;
use crate::entry::{addr_of, HandlerEntry, ListenerEntry, Once};
use crate::subscription::Subscription;
use crate::{RegistrationId, WeakEvent, WeakEventListener, WeakEventManager};

/// Static events: kinds whose source is `()` have one process-wide list per manager.
impl<E: WeakEvent<Source = ()>> WeakEventManager<E> {
    /// Registers `listener` for the static event (no source); the listener sees `&()` as sender.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicU32, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum LowMemory {}
    /// impl WeakEvent for LowMemory { type Source = (); type Args = u32; }
    /// #[derive(Default)]
    /// struct Cache(AtomicU32);
    /// impl WeakEventListener<LowMemory> for Cache {
    ///     fn receive_weak_event(&self, _: &(), level: &u32) { self.0.store(*level, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<LowMemory>::new();
    /// let cache = Arc::new(Cache::default());
    /// manager.add_static_listener(&cache);
    /// manager.deliver_static(&2);
    /// assert_eq!(cache.0.load(Ordering::SeqCst), 2);
    /// assert!(manager.remove_static_listener(&cache));
    /// ```
    #[track_caller]
    pub fn add_static_listener<L>(&self, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.register::<L, _>(Target::Static, ListenerEntry::new(listener))
            .id
    }

    /// Registers `receiver` and a plain `fn` for the static event.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Shutdown {}
    /// impl WeakEvent for Shutdown { type Source = (); type Args = (); }
    /// #[derive(Default)]
    /// struct Service(AtomicBool);
    ///
    /// let manager = WeakEventManager::<Shutdown>::new();
    /// let service = Arc::new(Service::default());
    /// let id = manager.add_static_handler(&service, |s, _, _| s.0.store(true, Ordering::SeqCst));
    /// manager.deliver_static(&());
    /// assert!(service.0.load(Ordering::SeqCst));
    /// assert!(manager.remove_static_registration(id));
    /// ```
    #[track_caller]
    pub fn add_static_handler<R>(
        &self,
        receiver: &Arc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        self.register::<R, _>(Target::Static, HandlerEntry::new(receiver, handler))
            .id
    }

    /// [`add_static_listener`](Self::add_static_listener) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// let guard = manager.subscribe_static(&view);
    /// assert_eq!(manager.stats().static_registrations, 1);
    /// drop(guard);
    /// assert_eq!(manager.stats().static_registrations, 0);
    /// ```
    #[track_caller]
    pub fn subscribe_static<L>(&self, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.register::<L, _>(Target::Static, ListenerEntry::new(listener))
            .into_guard()
    }

    /// [`add_static_listener`](Self::add_static_listener) for one event: the first delivery
    /// removes it, then calls it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Started {}
    /// impl WeakEvent for Started { type Source = (); type Args = (); }
    /// #[derive(Default)]
    /// struct Greeter(AtomicUsize);
    /// impl WeakEventListener<Started> for Greeter {
    ///     fn receive_weak_event(&self, _: &(), _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
    /// }
    ///
    /// let manager = WeakEventManager::<Started>::new();
    /// let greeter = Arc::new(Greeter::default());
    /// manager.add_static_listener_once(&greeter);
    /// manager.deliver_static(&());
    /// manager.deliver_static(&());
    /// assert_eq!(greeter.0.load(Ordering::SeqCst), 1);
    /// ```
    #[track_caller]
    pub fn add_static_listener_once<L>(&self, listener: &Arc<L>) -> RegistrationId
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::new(listener));
        self.register::<L, _>(Target::Static, entry).id
    }

    /// [`add_static_handler`](Self::add_static_handler) for one event.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Started {}
    /// impl WeakEvent for Started { type Source = (); type Args = (); }
    ///
    /// let manager = WeakEventManager::<Started>::new();
    /// let hits = Arc::new(AtomicUsize::new(0));
    /// manager.add_static_handler_once(&hits, |h, _, _| {
    ///     h.fetch_add(1, Ordering::SeqCst);
    /// });
    /// manager.deliver_static(&());
    /// manager.deliver_static(&());
    /// assert_eq!(hits.load(Ordering::SeqCst), 1);
    /// ```
    #[track_caller]
    pub fn add_static_handler_once<R>(
        &self,
        receiver: &Arc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::new(receiver, handler));
        self.register::<R, _>(Target::Static, entry).id
    }

    /// [`add_static_handler`](Self::add_static_handler) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let guard = manager.subscribe_static_handler(&Arc::new(()), |_, _, _| {});
    /// assert_eq!(manager.stats().static_registrations, 1);
    /// drop(guard);
    /// assert_eq!(manager.stats().static_registrations, 0);
    /// ```
    #[track_caller]
    pub fn subscribe_static_handler<R>(
        &self,
        receiver: &Arc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        self.register::<R, _>(Target::Static, HandlerEntry::new(receiver, handler))
            .into_guard()
    }

    /// [`add_static_listener_once`](Self::add_static_listener_once) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Started {}
    /// impl WeakEvent for Started { type Source = (); type Args = (); }
    /// struct Greeter;
    /// impl WeakEventListener<Started> for Greeter { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Started>::new();
    /// let guard = manager.subscribe_static_once(&Arc::new(Greeter));
    /// assert!(guard.unsubscribe(), "not fired yet: removed");
    /// ```
    #[track_caller]
    pub fn subscribe_static_once<L>(&self, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        let entry = Once::new(ListenerEntry::new(listener));
        self.register::<L, _>(Target::Static, entry).into_guard()
    }

    /// [`add_static_handler_once`](Self::add_static_handler_once) returning a guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Started {}
    /// impl WeakEvent for Started { type Source = (); type Args = (); }
    ///
    /// let manager = WeakEventManager::<Started>::new();
    /// let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    /// let guard = manager.subscribe_static_handler_once(&calls, |calls, _, _| {
    ///     calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    /// });
    /// manager.deliver_static(&());
    /// assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    /// assert!(!guard.unsubscribe(), "fired: nothing left to remove");
    /// ```
    #[track_caller]
    pub fn subscribe_static_handler_once<R>(
        &self,
        receiver: &Arc<R>,
        handler: fn(&R, &(), &E::Args),
    ) -> Subscription
    where
        R: Send + Sync + ?Sized + 'static,
    {
        let entry = Once::new(HandlerEntry::new(receiver, handler));
        self.register::<R, _>(Target::Static, entry).into_guard()
    }

    /// Removes the most recent static registration of `listener`, the `Arc` that was
    /// registered; false if there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// assert!(!manager.remove_static_listener(&view), "never added");
    /// manager.add_static_listener(&view);
    /// assert!(manager.remove_static_listener(&view));
    /// ```
    #[must_use = "false means nothing was registered for this listener"]
    pub fn remove_static_listener<L>(&self, listener: &Arc<L>) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.remove_static_listener_by_ref(&**listener)
    }

    /// [`remove_static_listener`](Self::remove_static_listener) from a plain reference into the
    /// registered `Arc` (a listener removing itself); see
    /// [`remove_listener_by_ref`](Self::remove_listener_by_ref).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// struct View;
    /// impl WeakEventListener<Tick> for View { fn receive_weak_event(&self, _: &(), _: &()) {} }
    ///
    /// let manager = WeakEventManager::<Tick>::new();
    /// let view = Arc::new(View);
    /// manager.add_static_listener(&view);
    /// assert!(manager.remove_static_listener_by_ref(&*view));
    /// ```
    #[must_use = "false means nothing was registered for this listener"]
    pub fn remove_static_listener_by_ref<L>(&self, listener: &L) -> bool
    where
        L: WeakEventListener<E> + ?Sized + 'static,
    {
        self.engine
            .statics()
            .remove_listener(None, addr_of(listener))
    }

    /// Removes the static registration `id`; false if it is not one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// let manager = WeakEventManager::<Tick>::new();
    /// let id = manager.add_static_handler(&Arc::new(()), |_, _, _| {});
    /// assert!(manager.remove_static_registration(id));
    /// assert!(!manager.remove_static_registration(id));
    /// ```
    #[must_use = "false means `id` is not a static registration of this manager"]
    pub fn remove_static_registration(&self, id: RegistrationId) -> bool {
        self.engine.statics().remove_id(id.0)
    }

    /// Delivers `args` to every static registration.
    ///
    /// # Panics
    ///
    /// If a listener panics, the others are still called, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Tick {}
    /// impl WeakEvent for Tick { type Source = (); type Args = (); }
    /// WeakEventManager::<Tick>::new().deliver_static(&()); // no listeners: a no-op
    /// ```
    pub fn deliver_static(&self, args: &E::Args) {
        self.engine.deliver_static(args);
    }

    /// A stream of the static events for an async task; see
    /// [`stream`](Self::stream). It ends only when the manager is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{WeakEvent, WeakEventManager};
    ///
    /// enum Shutdown {}
    /// impl WeakEvent for Shutdown { type Source = (); type Args = (); }
    ///
    /// let manager = WeakEventManager::<Shutdown>::new();
    /// let stream = manager.stream_static(1);
    /// manager.deliver_static(&());
    /// assert_eq!(stream.buffered(), 1);
    /// ```
    #[track_caller]
    pub fn stream_static(&self, capacity: usize) -> crate::EventStream<E>
    where
        E::Args: Clone + Send + Sized,
    {
        let (entry, stream) = crate::EventStream::<E>::prepare(capacity);
        let registration = self
            .register::<crate::EventStream<E>, _>(Target::Static, entry)
            .into_guard();
        crate::EventStream::registered(stream, registration)
    }
}
