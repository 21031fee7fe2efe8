//! Ownership helpers: a dispose bag (Grist's `Disposable`) that also remembers what its owner
//! listens to (Backbone's `listenTo`/`stopListening`), written once for both flavours (this
//! file); what a bag holds (`contents.rs`); what it answers, and the added-after-dispose rule
//! (`ownership.rs`).

use std::sync::Arc;

use crate::{NotifyPropertyChanged, PropertyChanged, PropertyChangedManager};
use crate::{Subscription, WeakEvent, WeakEventListener, WeakEventManager};

mod contents;
mod ownership;

pub use contents::DisposeKey;
pub(crate) use contents::{
    dispose_in_reverse, sorted, BagContents, BagItem, BagLock, StdMutex, Unwinding,
};
pub(crate) use ownership::{added_after_dispose, disposing_at, outer_disposal};
pub use ownership::{set_added_after_dispose_hook, AddedAfterDispose, AlreadyDisposed, Ownership};

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
