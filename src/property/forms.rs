//! The property-changed manager's registration forms (listener or handler, once or not, id or
//! guard), each a short wrapper over the manager's one registration path, written once for both
//! flavours.

/// Writes the registration forms of `PropertyChangedManager` into a flavour's module; the
/// parameters are those of `property_flavour!`.
macro_rules! property_forms {
    ($F:ident, $Ptr:ident, $ptr_use:literal, $path:literal, $mode:ident, [$($sb:ident),*]) => {
        impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
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
        }
    };
}
