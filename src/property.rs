//! The built-in property-changed manager: WPF's `PropertyChangedEventManager`, without its
//! merged-list allocation per delivery.

use std::borrow::Cow;
use std::sync::Arc;

use crate::flavor::Shared;
use crate::{CleanupMode, Event, Subscription};
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

/// The list a registration for `property` goes to: its own, or the main list for
/// [`ALL_PROPERTIES`].
pub(crate) fn topic(property: &str) -> Option<&str> {
    (!property.is_empty()).then_some(property)
}

/// Writes the property kind, its source trait and its manager into a flavour's module, where
/// `Event`, `WeakEvent`, `WeakEventListener`, `WeakEventManager`, `Subscription` and
/// `CleanupMode` name that flavour's own: one text for both flavours, doc examples included.
/// `$F` is the flavour, `$Ptr` its pointer (`$ptr_use` its path), `$path` the module's public
/// path, `$mode` a cleanup mode of the flavour for an example, `$sb` the bounds the flavour puts
/// on what crosses threads (`[Send, Sync]`, or `[]`).
macro_rules! property_flavour {
    ($F:ident, $Ptr:ident, $ptr_use:literal, $path:literal, $mode:ident, [$($sb:ident),*]) => {
        /// A source of property changes: it owns an [`Event`] of [`PropertyChangedArgs`](crate::PropertyChangedArgs) and raises it
        /// when a property changes (WPF's `INotifyPropertyChanged`).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs};")]
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
        pub trait NotifyPropertyChanged: $($sb +)* 'static {
            /// The event raised on every property change.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs};")]
            ///
            /// struct Model { changed: Event<PropertyChangedArgs> }
            /// impl NotifyPropertyChanged for Model {
            ///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// }
            /// let model = Model { changed: Event::new() };
            /// assert!(model.property_changed().is_empty());
            /// ```
            fn property_changed(&self) -> &Event<$crate::PropertyChangedArgs>;
        }

        /// The event kind of a source's property changes, all properties: listeners implement
        /// `WeakEventListener<PropertyChanged<S>>`, whether they watch one property or all of them
        /// through a [`PropertyChangedManager`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{PropertyChanged, PropertyChangedArgs, WeakEventListener};")]
        #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged};")]
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
            never: ::std::convert::Infallible,
            source: ::std::marker::PhantomData<fn(&S)>,
        }

        impl<S: NotifyPropertyChanged + ?Sized> WeakEvent for PropertyChanged<S> {
            type Source = S;
            type Args = $crate::PropertyChangedArgs;

            fn event(source: &S) -> Option<&Event<$crate::PropertyChangedArgs>> {
                Some(source.property_changed())
            }

            /// A change of one property reaches that property's list (and the all-properties list);
            /// a change of every property reaches every list.
            fn reach(args: &$crate::PropertyChangedArgs) -> $crate::list::Reach<'_> {
                match args.name() {
                    Some(name) => $crate::list::Reach::Topic(name),
                    None => $crate::list::Reach::All,
                }
            }
        }


        impl<S: ?Sized> ::std::fmt::Debug for PropertyChanged<S> {
            fn fmt(&self, _: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let _ = self.source;
                match self.never {}
            }
        }

        /// The property-changed manager: listeners subscribe to one property of a source, or to all of
        /// them, and are held weakly.
        ///
        /// A change of property `P` calls `P`'s listeners and the all-properties listeners of that
        /// source, and nothing else, without allocating (WPF merges the lists per delivery). A change
        /// with no name, or with [`ALL_PROPERTIES`](crate::ALL_PROPERTIES), reaches every listener of the source. Names are
        /// compared exactly. The all-properties listeners are called first, then the property's; within
        /// each list, in registration order (between properties, for an all-properties change, in no
        /// particular order).
        ///
        /// # Costs and lifetimes
        ///
        /// A source has one entry in one manager, as with any [`WeakEventManager`]; under it, the
        /// all-properties list and one list per property name. A change looks its name up once and
        /// iterates that list, so it costs what the property's own listeners cost, not what the model's
        /// other properties or other models cost. A property's list goes when its last registration does
        /// (removed, guard dropped, or purged), so a name made at run time costs nothing once unused; a
        /// model's last registration going detaches the manager from its event, as for any kind.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        /// use std::sync::Mutex;
        #[doc = concat!(" use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
        #[doc = concat!(" use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
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
        #[doc = concat!(" let model = ", stringify!($Ptr), "::new(Model::default());")]
        #[doc = concat!(" let title_view = ", stringify!($Ptr), "::new(View::default());")]
        /// manager.add_listener(&model, "title", &title_view);
        ///
        /// model.changed.raise(&PropertyChangedArgs::of("width")); // not title: not called
        /// model.changed.raise(&PropertyChangedArgs::of("title"));
        /// model.changed.raise(&PropertyChangedArgs::all());
        /// assert_eq!(*title_view.seen.lock().unwrap(), ["title", "*"]);
        /// ```
        pub struct PropertyChangedManager<S: NotifyPropertyChanged + ?Sized> {
            /// One manager holds every registration of the kind, all-properties and per-property alike
            /// (the engine keeps a source's per-property lists beside its main list), so nothing outside
            /// the engine's own cleanup keeps a name, a router or a second manager alive.
            manager: WeakEventManager<PropertyChanged<S>>,
        }

        impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
            /// A private manager whose cleanup follows the process-wide mode.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            /// assert_eq!(manager.stats().sources, 0);
            /// ```
            pub fn new() -> Self {
                PropertyChangedManager {
                    manager: WeakEventManager::new(),
                }
            }

            /// A private manager with its own cleanup mode.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            #[doc = concat!(" use ", $path, "::CleanupMode;")]
            #[doc = concat!(" let manager = PropertyChangedManager::<Model>::with_cleanup(CleanupMode::", stringify!($mode), ");")]
            /// assert_eq!(manager.purge().entries_purged, 0);
            /// ```
            pub fn with_cleanup(mode: CleanupMode) -> Self {
                PropertyChangedManager {
                    manager: WeakEventManager::with_cleanup(mode),
                }
            }


            /// The one registration path: `property`'s list, or the main list for [`ALL_PROPERTIES`](crate::ALL_PROPERTIES).
            #[track_caller]
            fn register<R: ?Sized, X>(
                &self,
                source: &$Ptr<S>,
                property: &str,
                entry: X,
            ) -> $crate::engine::Registered<$F, PropertyChanged<S>>
            where
                X: $crate::entry::Entry<$F, PropertyChanged<S>> + $($sb +)* 'static,
            {
                let target = $crate::engine::Target::Source(source, $crate::property::topic(property));
                let site = std::panic::Location::caller();
                $crate::engine::Engine::<$F, PropertyChanged<S>>::register::<X, R>(
                    self.manager.engine(),
                    target,
                    entry,
                    site,
                )
            }

            /// Registers `listener` for changes of `property` on `source` ([`ALL_PROPERTIES`](crate::ALL_PROPERTIES) for every
            /// change).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            /// # use std::sync::atomic::{AtomicUsize, Ordering};
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener, ALL_PROPERTIES};")]
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
            #[doc = concat!(" let (model, inspector) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(Inspector::default()));")]
            /// manager.add_listener(&model, ALL_PROPERTIES, &inspector);
            /// model.changed.raise(&PropertyChangedArgs::of("a"));
            /// model.changed.raise(&PropertyChangedArgs::of("b"));
            /// assert_eq!(inspector.0.load(Ordering::SeqCst), 2);
            /// ```
            #[track_caller]
            pub fn add_listener<L>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                listener: &$Ptr<L>,
            ) -> $crate::RegistrationId
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                self.register::<L, _>(source, property.property_name(), $crate::entry::ListenerEntry::new(listener))
                    .id
            }

            /// Registers `receiver` and a plain `fn` for changes of `property` on `source`.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            /// # use std::sync::Mutex;
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let model = ", stringify!($Ptr), "::new(Model::default());")]
            #[doc = concat!(" let label = ", stringify!($Ptr), "::new(Mutex::new(0));")]
            /// manager.add_handler(&model, "count", &label, |label, _, _| *label.lock().unwrap() += 1);
            /// model.changed.raise(&PropertyChangedArgs::of("count"));
            /// model.changed.raise(&PropertyChangedArgs::of("other"));
            /// assert_eq!(*label.lock().unwrap(), 1);
            /// ```
            #[track_caller]
            pub fn add_handler<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs),
            ) -> $crate::RegistrationId
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::HandlerEntry::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).id
            }

            /// [`add_listener`](Self::add_listener) returning a guard that removes it when dropped.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
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
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View));")]
            /// let guard = manager.subscribe(&model, "title", &view);
            /// assert_eq!(manager.listener_count(&model, "title"), 1);
            /// drop(guard);
            /// assert_eq!(manager.listener_count(&model, "title"), 0);
            /// assert!(model.changed.is_empty(), "nothing is left on the model's event");
            /// ```
            #[track_caller]
            pub fn subscribe<L>(&self, source: &$Ptr<S>, property: impl $crate::PropertyName<S>, listener: &$Ptr<L>) -> Subscription
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                self.register::<L, _>(source, property.property_name(), $crate::entry::ListenerEntry::new(listener))
                    .into_guard()
            }

            /// [`add_listener`](Self::add_listener) for one change: the first change of `property` that
            /// reaches the listener removes the registration, so it is called once.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// manager.add_listener_once(&model, "title", &view);
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert_eq!(*view.0.lock().unwrap(), 1);
            /// assert_eq!(manager.listener_count(&model, "title"), 0);
            /// ```
            #[track_caller]
            pub fn add_listener_once<L>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                listener: &$Ptr<L>,
            ) -> $crate::RegistrationId
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                let entry = $crate::entry::Once::new($crate::entry::ListenerEntry::new(listener));
                self.register::<L, _>(source, property.property_name(), entry).id
            }

            /// [`add_handler`](Self::add_handler) for one change of `property`.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let hits = ", stringify!($Ptr), "::new(Mutex::new(0));")]
            /// manager.add_handler_once(&model, "title", &hits, |h, _, _| *h.lock().unwrap() += 1);
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert_eq!(*hits.lock().unwrap(), 1);
            /// ```
            #[track_caller]
            pub fn add_handler_once<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs),
            ) -> $crate::RegistrationId
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::Once::new($crate::entry::HandlerEntry::new(receiver, handler));
                self.register::<R, _>(source, property.property_name(), entry).id
            }

            /// Registers `receiver` with a plain `fn` that says whether to stay registered: returning
            /// `ControlFlow::Break(())` removes the registration.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let seen = ", stringify!($Ptr), "::new(Mutex::new(Vec::new()));")]
            /// manager.add_flow_handler(&model, "title", &seen, |seen, _, _| {
            ///     let mut seen = seen.lock().unwrap();
            ///     seen.push(());
            ///     if seen.len() == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            /// });
            /// for _ in 0..3 {
            ///     model.changed.raise(&PropertyChangedArgs::of("title"));
            /// }
            /// assert_eq!(seen.lock().unwrap().len(), 2);
            /// assert_eq!(manager.listener_count(&model, "title"), 0);
            /// ```
            #[track_caller]
            pub fn add_flow_handler<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs) -> ::std::ops::ControlFlow<()>,
            ) -> $crate::RegistrationId
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::HandlerEntry::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).id
            }

            /// Registers `receiver` with a closure: what it captures is held as long as the registration
            /// (capture no `Arc`/`Rc` of the receiver itself, or it is never freed); the receiver is
            /// held weakly and handed to the closure.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let label = ", stringify!($Ptr), "::new(Mutex::new(String::new()));")]
            /// let prefix = String::from("Title: ");
            /// manager.add_closure_handler(&model, "title", &label, move |label, _, change| {
            ///     *label.lock().unwrap() = format!("{prefix}{}", change.name().unwrap_or("*"));
            /// });
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert_eq!(*label.lock().unwrap(), "Title: title");
            /// ```
            #[track_caller]
            pub fn add_closure_handler<R, H>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: H,
            ) -> $crate::RegistrationId
            where
                R: $($sb +)* ?Sized + 'static,
                H: Fn(&R, &S, &$crate::PropertyChangedArgs) $(+ $sb)* + 'static,
            {
                let entry = $crate::entry::ClosureEntry::<$F, R, H>::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).id
            }

            /// [`add_listener_once`](Self::add_listener_once) returning a guard that removes it when
            /// dropped (if it has not fired).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// let guard = manager.subscribe_once(&model, "title", &view);
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert!(!guard.unsubscribe(), "it fired, and removed itself");
            /// ```
            #[track_caller]
            pub fn subscribe_once<L>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                listener: &$Ptr<L>,
            ) -> Subscription
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                let entry = $crate::entry::Once::new($crate::entry::ListenerEntry::new(listener));
                self.register::<L, _>(source, property.property_name(), entry).into_guard()
            }

            /// [`add_handler`](Self::add_handler) returning a guard that removes it when dropped.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let hits = ", stringify!($Ptr), "::new(Mutex::new(0));")]
            /// let guard = manager.subscribe_handler(&model, "title", &hits, |h, _, _| *h.lock().unwrap() += 1);
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// drop(guard);
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert_eq!(*hits.lock().unwrap(), 1);
            /// ```
            #[track_caller]
            pub fn subscribe_handler<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs),
            ) -> Subscription
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::HandlerEntry::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).into_guard()
            }

            /// [`add_handler_once`](Self::add_handler_once) returning a guard.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let hits = ", stringify!($Ptr), "::new(Mutex::new(0));")]
            /// let guard = manager.subscribe_handler_once(&model, "title", &hits, |h, _, _| *h.lock().unwrap() += 1);
            /// drop(guard); // before it fired: removed
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert_eq!(*hits.lock().unwrap(), 0);
            /// ```
            #[track_caller]
            pub fn subscribe_handler_once<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs),
            ) -> Subscription
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::Once::new($crate::entry::HandlerEntry::new(receiver, handler));
                self.register::<R, _>(source, property.property_name(), entry).into_guard()
            }

            /// [`add_flow_handler`](Self::add_flow_handler) returning a guard.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let receiver = ", stringify!($Ptr), "::new(());")]
            /// let guard = manager.subscribe_flow_handler(&model, "title", &receiver, |_, _, _| ControlFlow::Break(()));
            /// model.changed.raise(&PropertyChangedArgs::of("title"));
            /// assert!(!guard.unsubscribe(), "it removed itself");
            /// ```
            #[track_caller]
            pub fn subscribe_flow_handler<R>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: fn(&R, &S, &$crate::PropertyChangedArgs) -> ::std::ops::ControlFlow<()>,
            ) -> Subscription
            where
                R: $($sb +)* ?Sized + 'static,
            {
                let entry = $crate::entry::HandlerEntry::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).into_guard()
            }

            /// [`add_closure_handler`](Self::add_closure_handler) returning a guard.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            #[doc = concat!(" let receiver = ", stringify!($Ptr), "::new(());")]
            /// let guard = manager.subscribe_closure_handler(&model, "zoom", &receiver, |_, _, _| {});
            /// assert_eq!(manager.listener_count(&model, "zoom"), 1);
            /// drop(guard);
            /// assert_eq!(manager.listener_count(&model, "zoom"), 0);
            /// ```
            #[track_caller]
            pub fn subscribe_closure_handler<R, H>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                receiver: &$Ptr<R>,
                handler: H,
            ) -> Subscription
            where
                R: $($sb +)* ?Sized + 'static,
                H: Fn(&R, &S, &$crate::PropertyChangedArgs) $(+ $sb)* + 'static,
            {
                let entry = $crate::entry::ClosureEntry::<$F, R, H>::new(receiver, handler);
                self.register::<R, _>(source, property.property_name(), entry).into_guard()
            }

            /// The [`WeakEventManager`] of [`PropertyChanged<S>`] that holds this manager's
            /// registrations: for what concerns the manager as a whole (its cleanup mode, its listener
            /// threshold, its registrations of every property) and for the forms that take no property
            /// (an all-properties listener is one of it: `add_listener(&model, &view)` there is
            /// [`ALL_PROPERTIES`](crate::ALL_PROPERTIES) here).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// manager.add_listener(&model, "title", &view);
            /// manager.manager().add_listener(&model, &view); // all properties
            /// assert_eq!(manager.manager().listener_count(&model), 2, "every list of the model");
            /// assert_eq!(manager.listener_count(&model, ""), 1);
            /// manager.manager().set_listener_threshold(Some(1_000));
            /// assert_eq!(manager.listener_threshold(), Some(1_000));
            /// ```
            pub fn manager(&self) -> &WeakEventManager<PropertyChanged<S>> {
                &self.manager
            }

            /// Registrations per model past which an add warns (`None`: never); see
            /// [`WeakEventManager::set_listener_threshold`].
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// manager.set_listener_threshold(None);
            /// assert_eq!(manager.listener_threshold(), None);
            /// ```
            pub fn set_listener_threshold(&self, threshold: Option<usize>) {
                self.manager.set_listener_threshold(threshold);
            }

            /// The listener threshold; see [`set_listener_threshold`](Self::set_listener_threshold).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// assert!(manager.listener_threshold().is_some(), "on by default");
            /// ```
            pub fn listener_threshold(&self) -> Option<usize> {
                self.manager.listener_threshold()
            }

            /// Runs the pass this manager's cleanup has pending, now, on this thread; what it removed.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
            /// # use std::ops::ControlFlow;
            /// # use std::sync::Mutex;
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// # #[derive(Default)]
            /// # struct View(Mutex<u32>);
            /// # impl WeakEventListener<PropertyChanged<Model>> for View {
            /// #     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) { *self.0.lock().unwrap() += 1; }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View::default()));")]
            /// manager.add_listener(&model, "title", &view);
            /// drop(view);
            /// let _ = manager.run_pending_cleanup(); // nothing pending until a change meets the dead view
            /// assert_eq!(manager.purge().entries_purged, 1);
            /// ```
            pub fn run_pending_cleanup(&self) -> $crate::PurgeReport {
                self.manager.run_pending_cleanup()
            }

            #[doc = concat!(" Removes the most recent registration of `listener` (the `", stringify!($Ptr), "` that was registered) for")]
            /// `property` on `source`; false if there is none.
            ///
            /// [`ALL_PROPERTIES`](crate::ALL_PROPERTIES) removes an all-properties registration only.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
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
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View));")]
            /// manager.add_listener(&model, "title", &view);
            /// assert!(!manager.remove_listener(&model, "width", &view), "registered for title only");
            /// assert!(manager.remove_listener(&model, "title", &view));
            /// ```
            #[must_use = "false means nothing was registered for this listener and property"]
            pub fn remove_listener<L>(&self, source: &S, property: impl $crate::PropertyName<S>, listener: &$Ptr<L>) -> bool
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                self.remove_listener_by_ref(source, property, &**listener)
            }

            /// [`remove_listener`](Self::remove_listener) from a plain reference into the registered
            #[doc = concat!(" `", stringify!($Ptr), "` (a listener removing itself); see")]
            /// [`WeakEventManager::remove_listener_by_ref`].
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs};")]
            #[doc = concat!(" # use ", $path, "::{PropertyChangedManager, WeakEventListener};")]
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
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View));")]
            /// manager.add_listener(&model, "title", &view);
            /// assert!(manager.remove_listener_by_ref(&model, "title", &*view));
            /// ```
            #[must_use = "false means nothing was registered for this listener and property"]
            pub fn remove_listener_by_ref<L>(&self, source: &S, property: impl $crate::PropertyName<S>, listener: &L) -> bool
            where
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                self.manager
                    .engine()
                    .remove_listener_in(source, $crate::property::topic(property.property_name()), $crate::entry::addr_of(listener))
            }

            /// Removes the registration `id`, made for `property` on `source`; false if it is not one.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, receiver) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(()));")]
            /// let id = manager.add_handler(&model, "title", &receiver, |_, _, _| {});
            /// assert!(!manager.remove_registration(&model, "width", id), "not a width registration");
            /// assert!(manager.remove_registration(&model, "title", id));
            /// assert!(!manager.remove_registration(&model, "title", id));
            /// ```
            #[must_use = "false means `id` was not registered for this property on this source"]
            pub fn remove_registration(&self, source: &S, property: impl $crate::PropertyName<S>, id: $crate::RegistrationId) -> bool {
                self.manager
                    .engine()
                    .remove_registration_in(source, $crate::property::topic(property.property_name()), id)
            }

            /// Registrations for `property` on `source` ([`ALL_PROPERTIES`](crate::ALL_PROPERTIES): the all-properties ones).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, receiver) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(()));")]
            /// manager.add_handler(&model, "title", &receiver, |_, _, _| {});
            /// assert_eq!(manager.listener_count(&model, "title"), 1);
            /// assert_eq!(manager.listener_count(&model, ""), 0);
            /// ```
            pub fn listener_count(&self, source: &S, property: impl $crate::PropertyName<S>) -> usize {
                self.manager.engine().count_in(source, $crate::property::topic(property.property_name()))
            }

            /// Delivers a change from `source` as if it raised its event (for sources that notify
            /// through the manager rather than their own event).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            /// # use std::sync::Mutex;
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, hits) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(Mutex::new(0)));")]
            /// manager.add_handler(&model, "x", &hits, |h, _, _| *h.lock().unwrap() += 1);
            /// manager.deliver_event(&model, &PropertyChangedArgs::of("x"));
            /// assert_eq!(*hits.lock().unwrap(), 1);
            /// ```
            pub fn deliver_event(&self, source: &S, args: &$crate::PropertyChangedArgs) {
                self.manager.deliver_event(source, args);
            }

            /// Runs a full cleanup pass now.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(()));")]
            /// manager.add_handler(&model, "title", &view, |_, _, _| {});
            /// drop(view);
            /// assert_eq!(manager.purge().entries_purged, 1);
            /// ```
            pub fn purge(&self) -> $crate::PurgeReport {
                self.manager.purge()
            }

            /// The table and cleanup counters, every property's registrations included.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" # use ", $ptr_use, ";")]
            #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};")]
            /// # #[derive(Default)]
            /// # struct Model { changed: Event<PropertyChangedArgs> }
            /// # impl NotifyPropertyChanged for Model {
            /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// # }
            /// let manager = PropertyChangedManager::<Model>::new();
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(()));")]
            /// manager.add_handler(&model, "title", &view, |_, _, _| {});
            /// manager.add_handler(&model, "", &view, |_, _, _| {});
            /// let stats = manager.stats();
            /// assert_eq!((stats.sources, stats.registrations), (1, 2));
            /// ```
            pub fn stats(&self) -> $crate::ManagerStats {
                self.manager.stats()
            }
        }

        impl<S: NotifyPropertyChanged + ?Sized> Default for PropertyChangedManager<S> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<S: NotifyPropertyChanged + ?Sized> ::std::fmt::Debug for PropertyChangedManager<S> {
            /// Never blocks: prints the underlying manager.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("PropertyChangedManager")
                    .field("manager", &self.manager)
                    .finish_non_exhaustive()
            }
        }
    };
}

property_flavour!(
    Shared,
    Arc,
    "std::sync::Arc",
    "weak_events",
    Manual,
    [Send, Sync]
);

impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
    /// The process-wide property-changed manager for sources of type `S`.
    ///
    /// It shares its registrations with
    /// [`WeakEventManager::<PropertyChanged<S>>::current()`](WeakEventManager::current) (and so
    /// with [`DisposeBag::listen_to`](crate::DisposeBag::listen_to)): one table per kind of
    /// model, whichever face registered.
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
        crate::current::current(|| PropertyChangedManager {
            manager: WeakEventManager::current().clone(),
        })
    }
}
