//! The property-changed manager's type, its constructors and the methods that take no entry to
//! register, written once for both flavours (its registration forms are in `forms.rs`).

/// Writes `PropertyChangedManager` and its methods other than the registration forms into a
/// flavour's module; the parameters are those of `property_flavour!`.
macro_rules! property_manager {
    ($F:ident, $Ptr:ident, $ptr_use:literal, $path:literal, $mode:ident, [$($sb:ident),*]) => {
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
