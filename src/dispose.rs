//! Ownership helpers: a dispose bag (Grist's `Disposable`) that also remembers what
//! its owner listens to (Backbone's `listenTo`/`stopListening`).

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::DerefMut;
use std::panic::Location;
use std::sync::{Arc, PoisonError, RwLock};

use crate::panic::FirstPanic;
use crate::{NotifyPropertyChanged, PropertyChanged, PropertyChangedManager};
use crate::{Subscription, WeakEvent, WeakEventListener, WeakEventManager};

/// Writes [`Dispose`], [`OnDispose`] and [`DisposeBag`] into a flavour's module, where
/// `Subscription`, `WeakEvent`, `WeakEventListener` and `WeakEventManager` name that flavour's
/// own: one text for both flavours, doc examples included. `$Ptr` is the flavour's pointer
/// (`$ptr_use` its path), `$path` the module's public path, `$Lock` the bag's lock (see
/// [`BagLock`]), `$sb` the bounds the flavour puts on what crosses threads (`[Send, Sync]`, or
/// `[]`; a disposable needs `Send` only, so the macro takes `[Send]`).
macro_rules! dispose_flavour {
    ($Ptr:ident, $ptr_use:literal, $path:literal, $Lock:ident, [$($sb:ident),*]) => {
        /// Something an owner releases when it is disposed: a [`Subscription`], a [`DisposeBag`], an
        /// [`OnDispose`] closure, or a component of your own.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::atomic::{AtomicBool, Ordering};
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{Dispose, DisposeBag};")]
        ///
        #[doc = concat!(" struct Timer(", stringify!($Ptr), "<AtomicBool>);")]
        /// impl Dispose for Timer {
        ///     fn dispose(self: Box<Self>) { self.0.store(false, Ordering::SeqCst); }
        /// }
        ///
        #[doc = concat!(" let running = ", stringify!($Ptr), "::new(AtomicBool::new(true));")]
        /// let bag = DisposeBag::new();
        #[doc = concat!(" bag.auto_dispose(Timer(", stringify!($Ptr), "::clone(&running)));")]
        /// bag.dispose();
        /// assert!(!running.load(Ordering::SeqCst));
        /// ```
        pub trait Dispose: $($sb +)* 'static {
            /// Releases what `self` holds.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $path, "::{Dispose, OnDispose};")]
            ///
            /// let item: Box<dyn Dispose> = Box::new(OnDispose(|| println!("released")));
            /// item.dispose();
            /// ```
            fn dispose(self: Box<Self>);
        }

        impl Dispose for Subscription {
            /// Removes the registration.
            fn dispose(self: Box<Self>) {
                drop(self);
            }
        }

        impl Dispose for DisposeBag {
            /// Disposes everything the bag owns: bags nest. Disposed as an item of another bag,
            /// it was disposed where that bag's disposal was called.
            fn dispose(self: Box<Self>) {
                self.dispose_at($crate::dispose::outer_disposal());
            }
        }

        /// A closure run on disposal: `bag.auto_dispose(OnDispose(|| ...))`.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        /// use std::sync::Mutex;
        #[doc = concat!(" use ", $path, "::{DisposeBag, OnDispose};")]
        ///
        #[doc = concat!(" let log = ", stringify!($Ptr), "::new(Mutex::new(Vec::new()));")]
        /// let bag = DisposeBag::new();
        /// for i in 0..3 {
        #[doc = concat!("     let log = ", stringify!($Ptr), "::clone(&log);")]
        ///     bag.auto_dispose(OnDispose(move || log.lock().unwrap().push(i)));
        /// }
        /// drop(bag);
        /// assert_eq!(*log.lock().unwrap(), [2, 1, 0], "reverse order of registration");
        /// ```
        pub struct OnDispose<F: FnOnce() $(+ $sb)* + 'static>(pub F);

        impl<F: FnOnce() $(+ $sb)* + 'static> Dispose for OnDispose<F> {
            fn dispose(self: Box<Self>) {
                (self.0)()
            }
        }

        impl<F: FnOnce() $(+ $sb)* + 'static> ::std::fmt::Debug for OnDispose<F> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("OnDispose(..)")
            }
        }

        /// The bag's view of an item: dispose it, or hand it back typed.
        trait Owned: $($sb +)* {
            /// Disposes the item; true if it was a subscription that removed a registration.
            fn dispose_owned(self: Box<Self>) -> bool;
            fn into_any(self: Box<Self>) -> Box<dyn ::std::any::Any $(+ $sb)*>;
        }

        impl<T: Dispose> Owned for T {
            fn dispose_owned(self: Box<Self>) -> bool {
                let any: Box<dyn ::std::any::Any $(+ $sb)*> = self;
                match any.downcast::<Subscription>() {
                    Ok(subscription) => subscription.unsubscribe(),
                    Err(any) => {
                        if let Ok(item) = any.downcast::<T>() {
                            Dispose::dispose(item);
                        }
                        false
                    }
                }
            }

            fn into_any(self: Box<Self>) -> Box<dyn ::std::any::Any $(+ $sb)*> { self }
        }

        /// An owner: it records what a component owns and disposes all of it at once, in reverse order.
        ///
        /// Grist's `Disposable`: [`auto_dispose`](Self::auto_dispose) takes ownership of a
        /// [`Subscription`], a nested bag or anything [`Dispose`]; [`dispose_release`](Self::dispose_release)
        /// hands an item back undisposed; [`dispose_discard`](Self::dispose_discard) disposes one early;
        /// [`dispose`](Self::dispose) (also run on drop) disposes the rest, last registered first, and is
        /// idempotent. And Backbone's `listenTo`: [`listen_to`](Self::listen_to) subscribes and remembers,
        /// [`stop_listening`](Self::stop_listening) drops every subscription the bag owns, across sources
        /// and event kinds, and [`stop_listening_to`](Self::stop_listening_to) those of one source.
        ///
        #[doc = concat!(" Methods take `&self` (the bag locks internally), so a component shared in an `", stringify!($Ptr), "`, as weak")]
        /// receivers are, can own its bag directly. Disposal runs with no lock held: an item's disposal
        /// may use the bag.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $ptr_use, ";")]
        #[doc = concat!(" use ", $path, "::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};")]
        ///
        /// struct Basket;
        /// enum Scored {}
        /// impl WeakEvent for Scored { type Source = Basket; type Args = u32; }
        ///
        /// struct Game { bag: DisposeBag }
        /// impl WeakEventListener<Scored> for Game {
        ///     fn receive_weak_event(&self, _: &Basket, _points: &u32) {}
        /// }
        ///
        #[doc = concat!(" let basket = ", stringify!($Ptr), "::new(Basket);")]
        #[doc = concat!(" let game = ", stringify!($Ptr), "::new(Game { bag: DisposeBag::new() });")]
        /// game.bag.listen_to::<Scored, _>(&basket, &game);
        /// assert_eq!(WeakEventManager::<Scored>::current().listener_count(&basket), 1);
        ///
        /// game.bag.dispose(); // the game is destroyed: everything it listened to is dropped
        /// assert_eq!(WeakEventManager::<Scored>::current().listener_count(&basket), 0);
        /// assert!(game.bag.is_disposed());
        /// ```
        pub struct DisposeBag {
            inner: $Lock<Contents>,
        }

        impl DisposeBag {
            /// An empty bag.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" let bag = ", $path, "::DisposeBag::new();")]
            /// assert!(bag.is_empty() && !bag.is_disposed());
            /// ```
            pub fn new() -> Self {
                DisposeBag {
                    inner: $crate::dispose::BagLock::new_lock(Contents::default()),
                }
            }

            fn lock(&self) -> <$Lock<Contents> as $crate::dispose::BagLock<Contents>>::Guard<'_> { $crate::dispose::BagLock::lock(&self.inner) }

            /// Takes ownership of `item`, to dispose it with the bag; returns its key.
            ///
            /// If the bag is already disposed, `item` is disposed at once, the answer is
            /// [`Ownership::DisposedAtOnce`](crate::Ownership::DisposedAtOnce) naming where the bag
            /// was disposed, and an
            /// [`AddedAfterDispose`](crate::AddedAfterDispose) warning goes to the hook set with
            /// [`set_added_after_dispose_hook`](crate::set_added_after_dispose_hook): nothing is
            /// silently kept, and nothing is silently lost (IntelliJ's `Disposer` rule for a
            /// disposed parent).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::sync::atomic::{AtomicBool, Ordering};
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, OnDispose};")]
            ///
            /// let bag = DisposeBag::new();
            /// let disposed = line!() + 1;
            /// bag.dispose();
            #[doc = concat!(" let ran = ", stringify!($Ptr), "::new(AtomicBool::new(false));")]
            #[doc = concat!(" let flag = ", stringify!($Ptr), "::clone(&ran);")]
            /// let answer = bag.auto_dispose(OnDispose(move || flag.store(true, Ordering::SeqCst)));
            /// assert!(ran.load(Ordering::SeqCst), "disposed at once");
            /// let disposed_at = answer.refused().and_then(|refused| refused.disposed_at);
            /// let disposed_at = disposed_at.expect("refused, and disposed by a `dispose` call");
            /// assert_eq!(disposed_at.line(), disposed, "and it says where the bag was disposed");
            /// ```
            #[track_caller]
            pub fn auto_dispose<T: Dispose>(
                &self,
                item: T,
            ) -> $crate::Ownership<T> {
                let source = (&item as &dyn ::std::any::Any)
                    .downcast_ref::<Subscription>()
                    .map(Subscription::source_key);
                let mut inner = self.lock();
                if inner.disposed {
                    let disposed_at = inner.disposed_at;
                    drop(inner);
                    Box::new(item).dispose();
                    return $crate::Ownership::DisposedAtOnce($crate::dispose::added_after_dispose::<T>(disposed_at));
                }
                let key = crate::sync::next_id();
                inner.insert(Item {
                    key,
                    source,
                    value: Box::new(item),
                });
                $crate::Ownership::Kept($crate::dispose::DisposeKey::new(key))
            }

            fn take(&self, key: u64) -> Option<Item> {
                self.lock().remove(key)
            }

            /// Takes the item back out of the bag, undisposed; `None` if it is not in the bag (released,
            /// discarded, or disposed with the bag).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, WeakEvent, WeakEventManager};")]
            ///
            /// struct Bus;
            /// enum Ping {}
            /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
            /// let manager = WeakEventManager::<Ping>::new();
            #[doc = concat!(" let (bus, receiver) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(()));")]
            ///
            /// let bag = DisposeBag::new();
            /// let key = bag.auto_dispose(manager.subscribe_handler(&bus, &receiver, |_, _, _| {})).key().unwrap();
            /// let subscription = bag.dispose_release(key).unwrap();
            /// bag.dispose();
            /// assert_eq!(manager.listener_count(&bus), 1, "released: the bag did not dispose it");
            /// drop(subscription);
            /// assert_eq!(manager.listener_count(&bus), 0);
            /// ```
            pub fn dispose_release<T: Dispose>(&self, key: DisposeKey<T>) -> Option<T> {
                let item = self.take(key.key)?;
                match item.value.into_any().downcast::<T>() {
                    Ok(value) => Some(*value),
                    // Unreachable: keys are unique in the process and typed by their item.
                    Err(_) => None,
                }
            }

            /// Disposes one item now, before the bag; true if it was in the bag (so it is disposed once).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::sync::atomic::{AtomicUsize, Ordering};
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, OnDispose};")]
            ///
            #[doc = concat!(" let runs = ", stringify!($Ptr), "::new(AtomicUsize::new(0));")]
            #[doc = concat!(" let counted = ", stringify!($Ptr), "::clone(&runs);")]
            /// let bag = DisposeBag::new();
            /// let key = bag.auto_dispose(OnDispose(move || { counted.fetch_add(1, Ordering::SeqCst); })).key().unwrap();
            /// assert!(bag.dispose_discard(key));
            /// assert!(!bag.dispose_discard(key));
            /// bag.dispose();
            /// assert_eq!(runs.load(Ordering::SeqCst), 1);
            /// ```
            #[must_use = "false means the item was not in the bag (released, discarded or disposed already)"]
            #[track_caller]
            pub fn dispose_discard<T>(&self, key: DisposeKey<T>) -> bool {
                let at = ::std::panic::Location::caller();
                match self.take(key.key) {
                    Some(item) => {
                        // A subscription that already fired (a once-registration) was still owned and
                        // is now discarded: `true` answers "was it in the bag", not "did it remove".
                        $crate::dispose::disposing_at(Some(at), || item.value.dispose_owned());
                        true
                    }
                    None => false,
                }
            }

            /// Disposes everything the bag owns, last registered first, and marks the bag disposed.
            ///
            /// Idempotent; also run when the bag is dropped. If an item's disposal panics, the others are
            /// still disposed, then the first panic resumes.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" let bag = ", $path, "::DisposeBag::new();")]
            /// bag.dispose();
            /// bag.dispose(); // a no-op
            /// assert!(bag.is_disposed());
            /// ```
            #[track_caller]
            pub fn dispose(&self) {
                self.dispose_at(Some(::std::panic::Location::caller()));
            }

            /// [`dispose`](Self::dispose), called at `at` (`None`: a drop).
            fn dispose_at(&self, at: Option<&'static ::std::panic::Location<'static>>) {
                let items = self.take_all(at);
                $crate::dispose::disposing_at(at, || {
                    $crate::dispose::dispose_in_reverse(items, $crate::dispose::Unwinding::Resume, dispose_owned)
                });
            }

            /// Marks the bag disposed (by a call at `at`, or by its drop) and takes its items out.
            fn take_all(&self, at: Option<&'static ::std::panic::Location<'static>>) -> Vec<Item> {
                let mut inner = self.lock();
                if !inner.disposed {
                    inner.disposed = true;
                    inner.disposed_at = at;
                }
                inner.take_all()
            }

            /// Whether [`dispose`](Self::dispose) ran.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" let bag = ", $path, "::DisposeBag::new();")]
            /// assert!(!bag.is_disposed());
            /// bag.dispose();
            /// assert!(bag.is_disposed());
            /// ```
            pub fn is_disposed(&self) -> bool {
                self.lock().disposed
            }

            /// Items the bag owns.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $path, "::{DisposeBag, OnDispose};")]
            /// let bag = DisposeBag::new();
            /// bag.auto_dispose(OnDispose(|| {}));
            /// assert_eq!(bag.len(), 1);
            /// ```
            pub fn len(&self) -> usize {
                self.lock().items.len()
            }

            /// Whether the bag owns nothing.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" assert!(", $path, "::DisposeBag::new().is_empty());")]
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Subscribes `listener` to `source` through [`WeakEventManager::current`] and keeps the
            /// subscription in the bag (Backbone's `listenTo`). For a private manager, hand its
            /// [`subscribe`](WeakEventManager::subscribe) to [`auto_dispose`](Self::auto_dispose): the
            /// bag remembers subscriptions however they were made.
            ///
            /// [`Ownership::DisposedAtOnce`](crate::Ownership::DisposedAtOnce) if the bag is
            /// disposed (the subscription is then removed at once).
            ///
            /// The kind is a type parameter: name it with a turbofish, `listen_to::<SettingChanged, _>`
            /// (the `_` is the listener's type). Rust cannot infer it from the arguments when the
            /// listener listens to more than one kind of the same source, and then says "type
            /// annotations needed" (E0283); the turbofish with the kind's name is the answer.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};")]
            ///
            /// struct Model;
            /// enum Changed {}
            /// impl WeakEvent for Changed { type Source = Model; type Args = (); }
            /// struct View;
            /// impl WeakEventListener<Changed> for View { fn receive_weak_event(&self, _: &Model, _: &()) {} }
            ///
            #[doc = concat!(" let (model, view, bag) = (", stringify!($Ptr), "::new(Model), ", stringify!($Ptr), "::new(View), DisposeBag::new());")]
            /// bag.listen_to::<Changed, _>(&model, &view);
            /// assert_eq!(bag.stop_listening(), 1);
            /// ```
            #[track_caller]
            pub fn listen_to<E, L>(
                &self,
                source: &$Ptr<E::Source>,
                listener: &$Ptr<L>,
            ) -> $crate::Ownership<Subscription>
            where
                E: WeakEvent,
                L: WeakEventListener<E> + ?Sized + 'static,
            {
                self.auto_dispose(WeakEventManager::<E>::current().subscribe(source, listener))
            }

            /// [`listen_to`](Self::listen_to) for one event: the first delivery removes the
            /// registration (Backbone's `listenToOnce`).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            /// use std::sync::atomic::{AtomicUsize, Ordering};
            #[doc = concat!(" use ", $path, "::{DisposeBag, WeakEvent, WeakEventListener, WeakEventManager};")]
            ///
            /// struct Model;
            /// enum Ready {}
            /// impl WeakEvent for Ready { type Source = Model; type Args = (); }
            /// #[derive(Default)]
            /// struct View(AtomicUsize);
            /// impl WeakEventListener<Ready> for View {
            ///     fn receive_weak_event(&self, _: &Model, _: &()) { self.0.fetch_add(1, Ordering::SeqCst); }
            /// }
            ///
            #[doc = concat!(" let (model, view, bag) = (", stringify!($Ptr), "::new(Model), ", stringify!($Ptr), "::new(View::default()), DisposeBag::new());")]
            /// bag.listen_to_once::<Ready, _>(&model, &view);
            /// let manager = WeakEventManager::<Ready>::current();
            /// manager.deliver_event(&model, &());
            /// manager.deliver_event(&model, &());
            /// assert_eq!(view.0.load(Ordering::SeqCst), 1);
            /// ```
            #[track_caller]
            pub fn listen_to_once<E, L>(
                &self,
                source: &$Ptr<E::Source>,
                listener: &$Ptr<L>,
            ) -> $crate::Ownership<Subscription>
            where
                E: WeakEvent,
                L: WeakEventListener<E> + ?Sized + 'static,
            {
                self.auto_dispose(WeakEventManager::<E>::current().subscribe_once(source, listener))
            }

            /// [`listen_to`](Self::listen_to) for one property of a model: subscribes `listener` to
            /// changes of `property` through `PropertyChangedManager::<S>::current()` and keeps the
            /// subscription in the bag. [`Ownership::DisposedAtOnce`](crate::Ownership::DisposedAtOnce)
            /// if the bag is disposed (the subscription is then removed at once).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, Event, NotifyPropertyChanged, PropertyChanged};")]
            #[doc = concat!(" use ", $path, "::{PropertyChangedArgs, PropertyChangedManager, WeakEventListener};")]
            ///
            /// #[derive(Default)]
            /// struct Model { changed: Event<PropertyChangedArgs> }
            /// impl NotifyPropertyChanged for Model {
            ///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// }
            /// struct View;
            /// impl WeakEventListener<PropertyChanged<Model>> for View {
            ///     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {}
            /// }
            ///
            #[doc = concat!(" let (model, view) = (", stringify!($Ptr), "::new(Model::default()), ", stringify!($Ptr), "::new(View));")]
            /// let bag = DisposeBag::new();
            /// bag.listen_to_property(&model, "title", &view);
            /// let properties = PropertyChangedManager::<Model>::current();
            /// assert_eq!(properties.listener_count(&model, "title"), 1);
            /// drop(bag);
            /// assert_eq!(properties.listener_count(&model, "title"), 0);
            /// ```
            #[track_caller]
            pub fn listen_to_property<S, L>(
                &self,
                source: &$Ptr<S>,
                property: impl $crate::PropertyName<S>,
                listener: &$Ptr<L>,
            ) -> $crate::Ownership<Subscription>
            where
                S: NotifyPropertyChanged + ?Sized,
                L: WeakEventListener<PropertyChanged<S>> + ?Sized + 'static,
            {
                let properties = PropertyChangedManager::<S>::current();
                self.auto_dispose(properties.subscribe(source, property, listener))
            }

            /// Removes every subscription the bag owns (and only those: other items stay, and other
            /// owners' subscriptions to the same sources are untouched); returns how many registrations
            /// that removed. A subscription whose registration was already gone (a
            /// [`listen_to_once`](Self::listen_to_once) that fired, a registration removed by id) leaves
            /// the bag but is not counted.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, OnDispose, WeakEvent, WeakEventManager};")]
            ///
            /// struct Bus;
            /// enum Ping {}
            /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
            /// let manager = WeakEventManager::<Ping>::new();
            #[doc = concat!(" let (bus, receiver, bag) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(()), DisposeBag::new());")]
            /// bag.auto_dispose(manager.subscribe_handler(&bus, &receiver, |_, _, _| {}));
            /// bag.auto_dispose(OnDispose(|| {}));
            /// assert_eq!(bag.stop_listening(), 1);
            /// assert_eq!(bag.len(), 1, "the closure is still owned");
            /// ```
            #[track_caller]
            pub fn stop_listening(&self) -> usize {
                let at = ::std::panic::Location::caller();
                let taken: Vec<Item> = {
                    let mut inner = self.lock();
                    let keys: Vec<u64> = std::mem::take(&mut inner.by_source)
                        .into_values()
                        .flatten()
                        .collect();
                    keys.into_iter()
                        .filter_map(|key| inner.items.remove(&key))
                        .collect()
                };
                $crate::dispose::disposing_at(Some(at), || {
                    $crate::dispose::dispose_in_reverse($crate::dispose::sorted(taken), $crate::dispose::Unwinding::Resume, dispose_owned)
                })
            }

            #[doc = concat!(" Removes the bag's subscriptions to `source` (the `", stringify!($Ptr), "` that was listened to), of every")]
            /// event kind; returns how many registrations that removed, as
            /// [`stop_listening`](Self::stop_listening) counts them.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $ptr_use, ";")]
            #[doc = concat!(" use ", $path, "::{DisposeBag, WeakEvent, WeakEventManager};")]
            ///
            /// struct Bus;
            /// enum Ping {}
            /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
            /// let manager = WeakEventManager::<Ping>::new();
            #[doc = concat!(" let (a, b, receiver, bag) = (", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(Bus), ", stringify!($Ptr), "::new(()), DisposeBag::new());")]
            /// bag.auto_dispose(manager.subscribe_handler(&a, &receiver, |_, _, _| {}));
            /// bag.auto_dispose(manager.subscribe_handler(&b, &receiver, |_, _, _| {}));
            /// assert_eq!(bag.stop_listening_to(&a), 1);
            /// assert_eq!((manager.listener_count(&a), manager.listener_count(&b)), (0, 1));
            /// ```
            #[track_caller]
            pub fn stop_listening_to<S: ?Sized>(&self, source: &$Ptr<S>) -> usize {
                let at = ::std::panic::Location::caller();
                let addr = $crate::entry::addr_of($Ptr::as_ptr(source));
                let taken: Vec<Item> = {
                    let mut inner = self.lock();
                    let keys = inner.by_source.remove(&addr).unwrap_or_default();
                    keys.into_iter()
                        .filter_map(|key| inner.items.remove(&key))
                        .collect()
                };
                $crate::dispose::disposing_at(Some(at), || {
                    $crate::dispose::dispose_in_reverse($crate::dispose::sorted(taken), $crate::dispose::Unwinding::Resume, dispose_owned)
                })
            }
        }

        impl Default for DisposeBag {
            fn default() -> Self {
                DisposeBag::new()
            }
        }

        impl Drop for DisposeBag {
            /// Disposes what is left: an owner going away releases what it owns.
            ///
            /// A panicking disposal resumes after the others ran, as with
            /// [`dispose`](DisposeBag::dispose), unless the thread is already unwinding from another
            /// panic: then it is dropped (a second panic would abort the process).
            fn drop(&mut self) {
                let items = self.take_all(None);
                let unwinding = if std::thread::panicking() {
                    $crate::dispose::Unwinding::Swallow } else { $crate::dispose::Unwinding::Resume };
                $crate::dispose::disposing_at(None, || {
                    $crate::dispose::dispose_in_reverse(items, unwinding, dispose_owned)
                });
            }
        }

        impl ::std::fmt::Debug for DisposeBag {
            /// Never blocks: prints `<locked>` while another thread holds the bag.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut s = f.debug_struct("DisposeBag");
                match $crate::dispose::BagLock::try_lock(&self.inner) { Some(inner) => s .field("items", &inner.items.len()) .field("disposed", &inner.disposed), None => s.field("items", &format_args!("<locked>")), };
                s.finish_non_exhaustive()
            }
        }

        /// Disposes an item of the bag; true if it was a subscription that removed a registration.
        fn dispose_owned(item: Box<dyn Owned>) -> bool {
            item.dispose_owned()
        }

        /// The bag's contents: its items, type-erased as this flavour's [`Dispose`].
        type Contents = $crate::dispose::BagContents<Box<dyn Owned>>;
        type Item = $crate::dispose::BagItem<Box<dyn Owned>>;
    };
}

dispose_flavour!(Arc, "std::sync::Arc", "weak_events", StdMutex, [Send]);

/// The bag's lock in each flavour: a std `Mutex` in the root flavour (a leaf lock, never held
/// while user code runs, so a loom model need not see it), a `RefCell` in the other.
pub(crate) trait BagLock<T>: Sized {
    type Guard<'a>: DerefMut<Target = T>
    where
        Self: 'a;
    fn new_lock(value: T) -> Self;
    fn lock(&self) -> Self::Guard<'_>;
    /// The lock if it is free now; `None` if it is held.
    fn try_lock(&self) -> Option<Self::Guard<'_>>;
}

/// The root flavour's bag lock.
pub(crate) type StdMutex<T> = std::sync::Mutex<T>;

impl<T> BagLock<T> for StdMutex<T> {
    type Guard<'a>
        = std::sync::MutexGuard<'a, T>
    where
        T: 'a;
    fn new_lock(value: T) -> Self {
        std::sync::Mutex::new(value)
    }
    fn lock(&self) -> Self::Guard<'_> {
        std::sync::Mutex::lock(self).unwrap_or_else(PoisonError::into_inner)
    }
    fn try_lock(&self) -> Option<Self::Guard<'_>> {
        match std::sync::Mutex::try_lock(self) {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

impl<T> BagLock<T> for std::cell::RefCell<T> {
    type Guard<'a>
        = std::cell::RefMut<'a, T>
    where
        T: 'a;
    fn new_lock(value: T) -> Self {
        std::cell::RefCell::new(value)
    }
    fn lock(&self) -> Self::Guard<'_> {
        self.borrow_mut()
    }
    fn try_lock(&self) -> Option<Self::Guard<'_>> {
        self.try_borrow_mut().ok()
    }
}

/// The key of an item in a [`DisposeBag`], typed by the item so that
/// [`DisposeBag::dispose_release`] hands back a `T`.
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, DisposeKey, OnDispose};
///
/// fn noop() {}
/// let bag = DisposeBag::new();
/// let key: DisposeKey<OnDispose<fn()>> = bag.auto_dispose(OnDispose(noop as fn())).key().unwrap();
/// assert!(bag.dispose_discard(key));
/// ```
pub struct DisposeKey<T> {
    pub(crate) key: u64,
    item: PhantomData<fn() -> T>,
}

impl<T> DisposeKey<T> {
    pub(crate) fn new(key: u64) -> Self {
        DisposeKey {
            key,
            item: PhantomData,
        }
    }
}

impl<T> Clone for DisposeKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for DisposeKey<T> {}

impl<T> PartialEq for DisposeKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for DisposeKey<T> {}

impl<T> fmt::Debug for DisposeKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DisposeKey").field(&self.key).finish()
    }
}

pub(crate) struct BagItem<V> {
    pub(crate) key: u64,
    /// The source a subscription listens to (for `stop_listening_to`); `None` for other items.
    pub(crate) source: Option<usize>,
    pub(crate) value: V,
}

type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// What the bag's lock guards: its items by key (keys increase with each item, so sorting by
/// key is the order of ownership), and the keys of each source's subscriptions, so that taking
/// one item or one source's subscriptions out costs what it takes, not the bag's size.
pub(crate) struct BagContents<V> {
    pub(crate) items: FxMap<u64, BagItem<V>>,
    pub(crate) by_source: FxMap<usize, Vec<u64>>,
    pub(crate) disposed: bool,
    /// Where `dispose` was called, if it was (not the drop).
    pub(crate) disposed_at: Option<&'static Location<'static>>,
}

impl<V> BagContents<V> {
    pub(crate) fn insert(&mut self, item: BagItem<V>) {
        if let Some(source) = item.source {
            self.by_source.entry(source).or_default().push(item.key);
        }
        self.items.insert(item.key, item);
    }

    pub(crate) fn remove(&mut self, key: u64) -> Option<BagItem<V>> {
        let item = self.items.remove(&key)?;
        if let Some(source) = item.source {
            if let Some(keys) = self.by_source.get_mut(&source) {
                keys.retain(|&k| k != key);
                if keys.is_empty() {
                    self.by_source.remove(&source);
                }
            }
        }
        Some(item)
    }

    /// Every item, oldest first.
    pub(crate) fn take_all(&mut self) -> Vec<BagItem<V>> {
        self.by_source.clear();
        sorted(std::mem::take(&mut self.items).into_values().collect())
    }
}

impl<V> Default for BagContents<V> {
    fn default() -> Self {
        BagContents {
            items: FxMap::default(),
            by_source: FxMap::default(),
            disposed: false,
            disposed_at: None,
        }
    }
}

/// `items` in order of ownership.
pub(crate) fn sorted<V>(mut items: Vec<BagItem<V>>) -> Vec<BagItem<V>> {
    items.sort_unstable_by_key(|item| item.key);
    items
}

/// What to do with a disposal's panic once every item had its turn.
#[derive(Clone, Copy)]
pub(crate) enum Unwinding {
    /// Resume the first one (an explicit call).
    Resume,
    /// Drop it: the bag is being dropped while the thread already unwinds from another panic,
    /// and a second panic would abort the process (the panic hook has reported it already).
    Swallow,
}

/// Disposes `items` last first, with no lock held; a panic does not stop the rest. Returns how
/// many registrations the subscriptions among them removed.
pub(crate) fn dispose_in_reverse<V>(
    items: Vec<BagItem<V>>,
    unwinding: Unwinding,
    dispose: impl Fn(V) -> bool,
) -> usize {
    let mut panics = FirstPanic::new();
    let mut removed = 0;
    for item in items.into_iter().rev() {
        if panics.catch(|| dispose(item.value)) == Some(true) {
            removed += 1;
        }
    }
    match unwinding {
        Unwinding::Resume => panics.resume(),
        Unwinding::Swallow => panics.discard(),
    }
    removed
}

/// What a bag did with an item handed to [`DisposeBag::auto_dispose`] (or made by `listen_to`):
/// kept it, under a key; or, the bag being disposed already, disposed it at once, and said
/// where the bag was disposed (also to the hook of [`set_added_after_dispose_hook`]).
///
/// Not `#[must_use]`: handing a bag an item and moving on is the common case, and a refusal is
/// reported to the hook anyway; look at the answer where it matters.
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, OnDispose, Ownership};
///
/// let bag = DisposeBag::new();
/// let kept = bag.auto_dispose(OnDispose(|| {}));
/// assert!(kept.is_kept());
/// bag.dispose();
/// match bag.auto_dispose(OnDispose(|| {})) {
///     Ownership::Kept(_) => unreachable!("the bag is disposed"),
///     Ownership::DisposedAtOnce(refused) => assert!(refused.disposed_at.is_some()),
/// }
/// ```
pub enum Ownership<T> {
    /// The bag keeps the item, under this key.
    Kept(DisposeKey<T>),
    /// The bag was already disposed: the item was disposed at once.
    DisposedAtOnce(AlreadyDisposed),
}

impl<T> Ownership<T> {
    /// Whether the bag kept the item.
    ///
    /// # Examples
    ///
    /// ```
    /// let bag = weak_events::DisposeBag::new();
    /// assert!(bag.auto_dispose(weak_events::OnDispose(|| {})).is_kept());
    /// ```
    pub fn is_kept(&self) -> bool {
        matches!(self, Ownership::Kept(_))
    }

    /// The item's key, if the bag kept it.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DisposeBag, OnDispose};
    /// let bag = DisposeBag::new();
    /// let key = bag.auto_dispose(OnDispose(|| {})).key().expect("kept");
    /// assert!(bag.dispose_discard(key));
    /// ```
    pub fn key(self) -> Option<DisposeKey<T>> {
        match self {
            Ownership::Kept(key) => Some(key),
            Ownership::DisposedAtOnce(_) => None,
        }
    }

    /// Why the bag did not keep the item, if it did not.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DisposeBag, OnDispose};
    /// let bag = DisposeBag::new();
    /// bag.dispose();
    /// assert!(bag.auto_dispose(OnDispose(|| {})).refused().is_some());
    /// ```
    pub fn refused(self) -> Option<AlreadyDisposed> {
        match self {
            Ownership::Kept(_) => None,
            Ownership::DisposedAtOnce(refused) => Some(refused),
        }
    }

    /// The answer as a `Result`, for `?`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{AlreadyDisposed, DisposeBag, OnDispose};
    /// fn own(bag: &DisposeBag) -> Result<(), AlreadyDisposed> {
    ///     bag.auto_dispose(OnDispose(|| {})).into_result()?;
    ///     Ok(())
    /// }
    /// let bag = DisposeBag::new();
    /// assert!(own(&bag).is_ok());
    /// bag.dispose();
    /// assert!(own(&bag).is_err());
    /// ```
    pub fn into_result(self) -> Result<DisposeKey<T>, AlreadyDisposed> {
        match self {
            Ownership::Kept(key) => Ok(key),
            Ownership::DisposedAtOnce(refused) => Err(refused),
        }
    }
}

impl<T> Clone for Ownership<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Ownership<T> {}

impl<T> PartialEq for Ownership<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Ownership::Kept(a), Ownership::Kept(b)) => a == b,
            (Ownership::DisposedAtOnce(a), Ownership::DisposedAtOnce(b)) => a == b,
            _ => false,
        }
    }
}

impl<T> Eq for Ownership<T> {}

impl<T> fmt::Debug for Ownership<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ownership::Kept(key) => f.debug_tuple("Kept").field(key).finish(),
            Ownership::DisposedAtOnce(refused) => {
                f.debug_tuple("DisposedAtOnce").field(refused).finish()
            }
        }
    }
}

/// Why a bag did not keep an item ([`Ownership::DisposedAtOnce`]): it was already disposed, so
/// the item was disposed at once; `disposed_at` is where the bag's
/// [`dispose`](DisposeBag::dispose) was called (`None`: the bag was being dropped).
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, OnDispose};
///
/// let bag = DisposeBag::new();
/// bag.dispose();
/// let refused = bag.auto_dispose(OnDispose(|| {})).refused().expect("already disposed");
/// assert_eq!(refused.disposed_at.map(|at| at.line()), Some(line!() - 2));
/// assert!(refused.to_string().contains("already disposed"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlreadyDisposed {
    /// Where the bag was disposed.
    pub disposed_at: Option<&'static Location<'static>>,
}

impl fmt::Display for AlreadyDisposed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.disposed_at {
            Some(at) => write!(
                f,
                "the bag was already disposed (at {at}): the item was disposed at once"
            ),
            None => write!(
                f,
                "the bag was already disposed (by its drop): the item was disposed at once"
            ),
        }
    }
}

impl std::error::Error for AlreadyDisposed {}

/// An item was added to a [`DisposeBag`] that was already disposed (IntelliJ's `Disposer` throws
/// there; the bag disposes the item at once, answers [`Ownership::DisposedAtOnce`], and tells
/// the hook set
/// with [`set_added_after_dispose_hook`], and `tracing` with the feature).
///
/// # Examples
///
/// ```
/// use std::sync::Mutex;
/// use weak_events::{AddedAfterDispose, DisposeBag, OnDispose};
///
/// static SEEN: Mutex<Vec<(u32, u32)>> = Mutex::new(Vec::new());
/// weak_events::set_added_after_dispose_hook(Some(|warning: &AddedAfterDispose| {
///     let disposed = warning.disposed_at.map_or(0, |at| at.line());
///     SEEN.lock().unwrap().push((warning.added_at.line(), disposed));
/// }));
/// let bag = DisposeBag::new();
/// bag.dispose();
/// let _ = bag.auto_dispose(OnDispose(|| {}));
/// weak_events::set_added_after_dispose_hook(None);
/// assert_eq!(SEEN.lock().unwrap()[0], (line!() - 2, line!() - 3));
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct AddedAfterDispose {
    /// The added item's type name.
    pub item: &'static str,
    /// Where it was added.
    pub added_at: &'static Location<'static>,
    /// Where the bag was disposed (`None`: by its drop).
    pub disposed_at: Option<&'static Location<'static>>,
}

impl fmt::Display for AddedAfterDispose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} was added at {} to a dispose bag already disposed ",
            self.item, self.added_at
        )?;
        match self.disposed_at {
            Some(at) => write!(f, "at {at}")?,
            None => write!(f, "by its drop")?,
        }
        write!(f, "; it was disposed at once")
    }
}

type AfterDisposeHook = fn(&AddedAfterDispose);
static AFTER_DISPOSE_HOOK: RwLock<Option<AfterDisposeHook>> = RwLock::new(None);

/// Sets the function called with each [`AddedAfterDispose`] warning (`None`: only `tracing`,
/// with the feature). It runs on the adding thread, with no lock of the crate held.
///
/// # Examples
///
/// ```
/// weak_events::set_added_after_dispose_hook(Some(|warning| eprintln!("{warning}")));
/// weak_events::set_added_after_dispose_hook(None);
/// ```
pub fn set_added_after_dispose_hook(hook: Option<fn(&AddedAfterDispose)>) {
    *AFTER_DISPOSE_HOOK
        .write()
        .unwrap_or_else(PoisonError::into_inner) = hook;
}

/// Reports an item of type `T` added, at the caller's caller, to a bag disposed at
/// `disposed_at`; the answer for the caller.
#[track_caller]
pub(crate) fn added_after_dispose<T>(
    disposed_at: Option<&'static Location<'static>>,
) -> AlreadyDisposed {
    let warning = AddedAfterDispose {
        item: std::any::type_name::<T>(),
        added_at: Location::caller(),
        disposed_at,
    };
    #[cfg(feature = "tracing")]
    tracing::warn!(item = warning.item, added_at = %warning.added_at, "{warning}");
    let hook = *AFTER_DISPOSE_HOOK
        .read()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(hook) = hook {
        hook(&warning);
    }
    AlreadyDisposed { disposed_at }
}

thread_local! {
    /// While a bag disposes its items on this thread: where that disposal was called (`None`
    /// inside: by a drop). A nested bag disposed as one of those items reports it.
    static DISPOSING: Cell<Option<Option<&'static Location<'static>>>> = const { Cell::new(None) };
}

/// Where the bag disposing its items on this thread was disposed (a nested bag disposed as one
/// of them reports that call); `None` outside any such disposal, or when it is a drop.
pub(crate) fn outer_disposal() -> Option<&'static Location<'static>> {
    DISPOSING.try_with(Cell::get).ok().flatten().flatten()
}

/// Runs `f` (a bag disposing items) with `at` as this thread's disposal site.
pub(crate) fn disposing_at<R>(at: Option<&'static Location<'static>>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Option<&'static Location<'static>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = DISPOSING.try_with(|site| site.set(self.0));
        }
    }
    let _restore = Restore(
        DISPOSING
            .try_with(|site| site.replace(Some(at)))
            .ok()
            .flatten(),
    );
    f()
}
