//! The built-in property-changed manager: WPF's `PropertyChangedEventManager`, without its
//! merged-list allocation per delivery.

use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Condvar, Mutex, PoisonError, Weak};
use std::thread::ThreadId;

use crate::cleanup::PurgeReport;
use crate::listener::addr_of;
use crate::{CleanupMode, Event, RegistrationId, Subscription};
use crate::{WeakEvent, WeakEventListener, WeakEventManager};

/// The property name that stands for "all properties" (WPF's `String.Empty`): a change with this
/// name, or with no name, reaches every listener of the source; a listener registered with it
/// receives every change.
///
/// # Examples
///
/// ```
/// use weak_events::{PropertyChangedArgs, ALL_PROPERTIES};
/// assert!(PropertyChangedArgs::new(ALL_PROPERTIES).is_all());
/// ```
pub const ALL_PROPERTIES: &str = "";

/// The arguments of a property change: the property's name, or none for "everything changed".
///
/// Names are compared exactly, byte for byte: use the Rust field name (`"title"`, not `"Title"`).
///
/// # Examples
///
/// ```
/// use weak_events::PropertyChangedArgs;
///
/// const TITLE: PropertyChangedArgs = PropertyChangedArgs::of("title");
/// assert_eq!(TITLE.name(), Some("title"));
/// assert_eq!(PropertyChangedArgs::new(String::from("row_3")).name(), Some("row_3"));
/// assert!(PropertyChangedArgs::all().is_all());
/// assert_eq!(PropertyChangedArgs::new("").name(), None, "the empty name means all");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PropertyChangedArgs {
    name: Option<Cow<'static, str>>,
}

impl PropertyChangedArgs {
    /// A change of the property `name` (the empty name means all properties).
    ///
    /// # Examples
    ///
    /// ```
    /// let args = weak_events::PropertyChangedArgs::new("width");
    /// assert_eq!(args.name(), Some("width"));
    /// ```
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        let name = name.into();
        PropertyChangedArgs {
            name: (!name.is_empty()).then_some(name),
        }
    }

    /// A change of the property `name`, as a constant.
    ///
    /// # Examples
    ///
    /// ```
    /// const WIDTH: weak_events::PropertyChangedArgs = weak_events::PropertyChangedArgs::of("width");
    /// assert!(!WIDTH.is_all());
    /// ```
    pub const fn of(name: &'static str) -> Self {
        PropertyChangedArgs {
            name: if name.is_empty() {
                None
            } else {
                Some(Cow::Borrowed(name))
            },
        }
    }

    /// "Every property may have changed".
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::PropertyChangedArgs::all().name(), None);
    /// ```
    pub const fn all() -> Self {
        PropertyChangedArgs { name: None }
    }

    /// The property's name; `None` when every property may have changed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::PropertyChangedArgs::of("x").name(), Some("x"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether this change concerns every property.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::PropertyChangedArgs::all().is_all());
    /// ```
    pub fn is_all(&self) -> bool {
        self.name.is_none()
    }
}

/// A source of property changes: it owns an [`Event`] of [`PropertyChangedArgs`] and raises it
/// when a property changes (WPF's `INotifyPropertyChanged`).
///
/// # Examples
///
/// ```
/// use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs};
///
/// #[derive(Default)]
/// struct Person { changed: Event<PropertyChangedArgs>, name: std::sync::Mutex<String> }
/// impl NotifyPropertyChanged for Person {
///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
/// }
/// impl Person {
///     fn set_name(&self, name: &str) {
///         *self.name.lock().unwrap() = name.to_owned(); // the lock is released before raising
///         self.changed.raise(&PropertyChangedArgs::of("name"));
///     }
/// }
/// Person::default().set_name("Ada");
/// ```
pub trait NotifyPropertyChanged: Send + Sync + 'static {
    /// The event raised on every property change.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs};
    ///
    /// struct Model { changed: Event<PropertyChangedArgs> }
    /// impl NotifyPropertyChanged for Model {
    ///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// }
    /// let model = Model { changed: Event::new() };
    /// assert!(model.property_changed().is_empty());
    /// ```
    fn property_changed(&self) -> &Event<PropertyChangedArgs>;
}

/// The event kind of a source's property changes, all properties: listeners implement
/// `WeakEventListener<PropertyChanged<S>>`, whether they watch one property or all of them
/// through a [`PropertyChangedManager`].
///
/// # Examples
///
/// ```
/// use weak_events::{PropertyChanged, PropertyChangedArgs, WeakEventListener};
/// # use weak_events::{Event, NotifyPropertyChanged};
/// # struct Model { changed: Event<PropertyChangedArgs> }
/// # impl NotifyPropertyChanged for Model {
/// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
/// # }
///
/// struct TitleBar;
/// impl WeakEventListener<PropertyChanged<Model>> for TitleBar {
///     fn receive_weak_event(&self, _model: &Model, change: &PropertyChangedArgs) {
///         assert_eq!(change.name(), Some("title"));
///     }
/// }
/// ```
pub struct PropertyChanged<S: ?Sized> {
    never: Infallible,
    source: PhantomData<fn(&S)>,
}

impl<S: NotifyPropertyChanged + ?Sized> WeakEvent for PropertyChanged<S> {
    type Source = S;
    type Args = PropertyChangedArgs;

    fn event(source: &S) -> Option<&Event<PropertyChangedArgs>> {
        Some(source.property_changed())
    }
}

impl<S: ?Sized> fmt::Debug for PropertyChanged<S> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = self.source;
        match self.never {}
    }
}

/// One private, unattached manager per property name: the router delivers to it. FxHash: the
/// router looks a name up on every change.
type Named<S> = HashMap<Box<str>, WeakEventManager<PropertyChanged<S>>, rustc_hash::FxBuildHasher>;

struct Shared<S: NotifyPropertyChanged + ?Sized> {
    mode: Option<CleanupMode>,
    /// One private manager per property name ever registered, copy-on-write: a delivery clones
    /// the `Arc` and looks up with no lock held. Names are few and added rarely.
    named: Mutex<Arc<Named<S>>>,
    /// Sources the router is registered on (or being registered on), by address.
    routed: Mutex<HashMap<usize, Route<S>>>,
    /// Signalled when a `Route::Pending` settles.
    route_settled: Condvar,
}

enum Route<S: ?Sized> {
    /// This thread is registering the router, with no lock held (it runs user code).
    Pending(ThreadId),
    /// Registered; the `Weak` reserves the source's address, so an entry is always its source's.
    Done(Weak<S>),
}

/// The one listener the property manager registers (weakly, in its all-properties manager) on a
/// source with property-specific listeners: it forwards each change to that property's list.
struct Router<S: NotifyPropertyChanged + ?Sized> {
    shared: Weak<Shared<S>>,
}

impl<S: NotifyPropertyChanged + ?Sized> WeakEventListener<PropertyChanged<S>> for Router<S> {
    fn receive_weak_event(&self, source: &S, args: &PropertyChangedArgs) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let named = shared.snapshot();
        match args.name() {
            Some(name) => {
                if let Some(manager) = named.get(name) {
                    manager.deliver_event(source, args);
                }
            }
            None => {
                // Every property changed: every property's listeners hear it, even if one of
                // them panics (the first panic resumes at the end).
                let mut panic = None;
                for manager in named.values() {
                    let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        manager.deliver_event(source, args)
                    }));
                    if let Err(payload) = delivered {
                        panic.get_or_insert(payload);
                    }
                }
                if let Some(payload) = panic {
                    std::panic::resume_unwind(payload);
                }
            }
        }
    }
}

impl<S: NotifyPropertyChanged + ?Sized> Shared<S> {
    fn snapshot(&self) -> Arc<Named<S>> {
        Arc::clone(&self.named.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The manager of `name`, made on first use.
    fn manager(&self, name: &str) -> WeakEventManager<PropertyChanged<S>> {
        let mut named = self.named.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(manager) = named.get(name) {
            return manager.clone();
        }
        let manager = WeakEventManager::unattached(self.mode);
        Arc::make_mut(&mut named).insert(name.into(), manager.clone());
        manager
    }
}

/// The property-changed manager: listeners subscribe to one property of a source, or to all of
/// them, and are held weakly.
///
/// A change of property `P` calls `P`'s listeners and the all-properties listeners of that
/// source, and nothing else, without allocating: each property has its own list, and the
/// all-properties list holds one forwarding entry per source that routes a change to its
/// property's list (WPF builds a merged list per delivery instead). A change with no name, or
/// with [`ALL_PROPERTIES`], reaches every listener of the source. Names are compared exactly.
/// Within one property's list and within the all-properties list, listeners are called in
/// registration order; between the two lists the order is unspecified.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weak_events::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};
/// use weak_events::{PropertyChangedManager, WeakEventListener};
///
/// #[derive(Default)]
/// struct Model { changed: Event<PropertyChangedArgs> }
/// impl NotifyPropertyChanged for Model {
///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
/// }
///
/// #[derive(Default)]
/// struct View { seen: Mutex<Vec<String>> }
/// impl WeakEventListener<PropertyChanged<Model>> for View {
///     fn receive_weak_event(&self, _: &Model, change: &PropertyChangedArgs) {
///         self.seen.lock().unwrap().push(change.name().unwrap_or("*").to_owned());
///     }
/// }
///
/// let manager = PropertyChangedManager::<Model>::new();
/// let model = Arc::new(Model::default());
/// let title_view = Arc::new(View::default());
/// manager.add_listener(&model, "title", &title_view);
///
/// model.changed.raise(&PropertyChangedArgs::of("width")); // not title: not called
/// model.changed.raise(&PropertyChangedArgs::of("title"));
/// model.changed.raise(&PropertyChangedArgs::all());
/// assert_eq!(*title_view.seen.lock().unwrap(), ["title", "*"]);
/// ```
pub struct PropertyChangedManager<S: NotifyPropertyChanged + ?Sized> {
    all: WeakEventManager<PropertyChanged<S>>,
    shared: Arc<Shared<S>>,
    router: Arc<Router<S>>,
}

impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
    /// A private manager whose cleanup follows the process-wide mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// # let _ = manager;
    /// ```
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A private manager with its own cleanup mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// use weak_events::CleanupMode;
    /// let manager = PropertyChangedManager::<Model>::with_cleanup(CleanupMode::Manual);
    /// assert_eq!(manager.purge().entries_purged, 0);
    /// ```
    pub fn with_cleanup(mode: CleanupMode) -> Self {
        Self::build(Some(mode))
    }

    fn build(mode: Option<CleanupMode>) -> Self {
        let shared = Arc::new(Shared {
            mode,
            named: Mutex::new(Arc::new(HashMap::default())),
            routed: Mutex::new(HashMap::new()),
            route_settled: Condvar::new(),
        });
        PropertyChangedManager {
            all: match mode {
                Some(mode) => WeakEventManager::with_cleanup(mode),
                None => WeakEventManager::new(),
            },
            router: Arc::new(Router {
                shared: Arc::downgrade(&shared),
            }),
            shared,
        }
    }

    /// The process-wide property-changed manager for sources of type `S`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let a = PropertyChangedManager::<Model>::current();
    /// assert!(std::ptr::eq(a, PropertyChangedManager::<Model>::current()));
    /// ```
    pub fn current() -> &'static Self {
        crate::manager::singleton(Self::new)
    }

    /// Makes sure the router forwards `source`'s changes to the property lists, once, before
    /// returning: a raise that starts after an add returned reaches the new listener.
    fn route(&self, source: &Arc<S>) {
        let key = addr_of(Arc::as_ptr(source));
        let me = std::thread::current().id();
        let shared = &self.shared;
        let mut routed = shared.routed.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match routed.get(&key) {
                Some(Route::Done(_)) => return,
                // Re-entered from user code on the registering thread: it finishes the job.
                Some(Route::Pending(thread)) if *thread == me => return,
                Some(Route::Pending(_)) => {
                    routed = shared
                        .route_settled
                        .wait(routed)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                None => break,
            }
        }
        if routed.len() >= 16 && routed.len().is_power_of_two() {
            routed.retain(|_, route| match route {
                Route::Done(source) => source.strong_count() > 0,
                Route::Pending(_) => true,
            });
        }
        routed.insert(key, Route::Pending(me));
        drop(routed);
        // Attaching runs user code (`property_changed`): no lock held.
        let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.all.add_listener(source, &self.router)
        }));
        let mut routed = shared.routed.lock().unwrap_or_else(PoisonError::into_inner);
        match added {
            Ok(_) => {
                routed.insert(key, Route::Done(Arc::downgrade(source)));
            }
            Err(payload) => {
                // Not routed: the next add tries again.
                routed.remove(&key);
                drop(routed);
                shared.route_settled.notify_all();
                std::panic::resume_unwind(payload);
            }
        }
        drop(routed);
        shared.route_settled.notify_all();
    }

    fn is_routed(&self, source: &S) -> bool {
        matches!(
            self.shared
                .routed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&addr_of(source)),
            Some(Route::Done(weak)) if weak.strong_count() > 0
        )
    }

    /// Registers `listener` for changes of `property` on `source` ([`ALL_PROPERTIES`] for every
    /// change).
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};
    /// # use weak_events::{PropertyChangedManager, WeakEventListener, ALL_PROPERTIES};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// #[derive(Default)]
    /// struct Inspector(AtomicUsize);
    /// impl WeakEventListener<PropertyChanged<Model>> for Inspector {
    ///     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {
    ///         self.0.fetch_add(1, Ordering::SeqCst);
    ///     }
    /// }
    ///
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, inspector) = (Arc::new(Model::default()), Arc::new(Inspector::default()));
    /// manager.add_listener(&model, ALL_PROPERTIES, &inspector);
    /// model.changed.raise(&PropertyChangedArgs::of("a"));
    /// model.changed.raise(&PropertyChangedArgs::of("b"));
    /// assert_eq!(inspector.0.load(Ordering::SeqCst), 2);
    /// ```
    pub fn add_listener<L>(
        &self,
        source: &Arc<S>,
        property: &str,
        listener: &Arc<L>,
    ) -> RegistrationId
    where
        L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
    {
        if property.is_empty() {
            return self.all.add_listener(source, listener);
        }
        let manager = self.shared.manager(property);
        let id = manager.add_listener(source, listener);
        self.route(source);
        id
    }

    /// Registers `receiver` and a plain `fn` for changes of `property` on `source`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let model = Arc::new(Model::default());
    /// let label = Arc::new(Mutex::new(0));
    /// manager.add_handler(&model, "count", &label, |label, _, _| *label.lock().unwrap() += 1);
    /// model.changed.raise(&PropertyChangedArgs::of("count"));
    /// assert_eq!(*label.lock().unwrap(), 1);
    /// ```
    pub fn add_handler<R>(
        &self,
        source: &Arc<S>,
        property: &str,
        receiver: &Arc<R>,
        handler: fn(&R, &S, &PropertyChangedArgs),
    ) -> RegistrationId
    where
        R: Send + Sync + ?Sized + 'static,
    {
        if property.is_empty() {
            return self.all.add_handler(source, receiver, handler);
        }
        let manager = self.shared.manager(property);
        let id = manager.add_handler(source, receiver, handler);
        self.route(source);
        id
    }

    /// [`add_listener`](Self::add_listener) returning a guard that removes it when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};
    /// # use weak_events::{PropertyChangedManager, WeakEventListener};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// # struct View;
    /// # impl WeakEventListener<PropertyChanged<Model>> for View {
    /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {}
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, view) = (Arc::new(Model::default()), Arc::new(View));
    /// let guard = manager.subscribe(&model, "title", &view);
    /// assert_eq!(manager.listener_count(&model, "title"), 1);
    /// drop(guard);
    /// assert_eq!(manager.listener_count(&model, "title"), 0);
    /// ```
    pub fn subscribe<L>(&self, source: &Arc<S>, property: &str, listener: &Arc<L>) -> Subscription
    where
        L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
    {
        if property.is_empty() {
            return self.all.subscribe(source, listener);
        }
        let subscription = self.shared.manager(property).subscribe(source, listener);
        self.route(source);
        subscription
    }

    /// Removes the most recent registration of `listener` for `property` on `source`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};
    /// # use weak_events::{PropertyChangedManager, WeakEventListener};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// # struct View;
    /// # impl WeakEventListener<PropertyChanged<Model>> for View {
    /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {}
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, view) = (Arc::new(Model::default()), Arc::new(View));
    /// manager.add_listener(&model, "title", &view);
    /// assert!(!manager.remove_listener(&model, "width", &*view), "registered for title only");
    /// assert!(manager.remove_listener(&model, "title", &*view));
    /// ```
    pub fn remove_listener<L: ?Sized>(&self, source: &S, property: &str, listener: &L) -> bool {
        if property.is_empty() {
            return self.all.remove_listener(source, listener);
        }
        self.shared
            .snapshot()
            .get(property)
            .is_some_and(|manager| manager.remove_listener(source, listener))
    }

    /// Removes the registration `id` of `property` on `source`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, receiver) = (Arc::new(Model::default()), Arc::new(()));
    /// let id = manager.add_handler(&model, "title", &receiver, |_, _, _| {});
    /// assert!(manager.remove_registration(&model, "title", id));
    /// assert!(!manager.remove_registration(&model, "title", id));
    /// ```
    pub fn remove_registration(&self, source: &S, property: &str, id: RegistrationId) -> bool {
        if property.is_empty() {
            return self.all.remove_registration(source, id);
        }
        self.shared
            .snapshot()
            .get(property)
            .is_some_and(|manager| manager.remove_registration(source, id))
    }

    /// Registrations for `property` on `source` ([`ALL_PROPERTIES`]: the all-properties ones).
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// assert_eq!(manager.listener_count(&Model::default(), "title"), 0);
    /// ```
    pub fn listener_count(&self, source: &S, property: &str) -> usize {
        if property.is_empty() {
            let routed = usize::from(self.is_routed(source));
            return self.all.listener_count(source).saturating_sub(routed);
        }
        self.shared
            .snapshot()
            .get(property)
            .map_or(0, |manager| manager.listener_count(source))
    }

    /// Delivers a change from `source` as if it raised its event (for sources that notify
    /// through the manager rather than their own event).
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, hits) = (Arc::new(Model::default()), Arc::new(Mutex::new(0)));
    /// manager.add_handler(&model, "x", &hits, |h, _, _| *h.lock().unwrap() += 1);
    /// manager.deliver_event(&model, &PropertyChangedArgs::of("x"));
    /// assert_eq!(*hits.lock().unwrap(), 1);
    /// ```
    pub fn deliver_event(&self, source: &S, args: &PropertyChangedArgs) {
        self.all.deliver_event(source, args);
    }

    /// Runs a full cleanup pass over the all-properties list and every property's list now.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # #[derive(Default)]
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let manager = PropertyChangedManager::<Model>::new();
    /// let (model, view) = (Arc::new(Model::default()), Arc::new(()));
    /// manager.add_handler(&model, "title", &view, |_, _, _| {});
    /// drop(view);
    /// assert_eq!(manager.purge().entries_purged, 1);
    /// ```
    pub fn purge(&self) -> PurgeReport {
        let mut report = PurgeReport::default();
        for manager in self.shared.snapshot().values() {
            report.add(manager.purge());
        }
        report.add(self.all.purge());
        report
    }
}

impl<S: NotifyPropertyChanged + ?Sized> Default for PropertyChangedManager<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: NotifyPropertyChanged + ?Sized> fmt::Debug for PropertyChangedManager<S> {
    /// Never blocks: prints the number of property lists, or `<locked>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("PropertyChangedManager");
        match self.shared.named.try_lock() {
            Ok(named) => s.field("properties", &named.len()),
            Err(_) => s.field("properties", &format_args!("<locked>")),
        };
        s.field("all", &self.all).finish_non_exhaustive()
    }
}
