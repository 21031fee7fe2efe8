//! A guide to weak events in Rust: why, the semantics and their reasons, cleanup in real
//! applications, and a map from WPF, Boost.Signals2, Qt, the MVVM Toolkit and Backbone.
//!
//! This module holds documentation only.
//!
//! # Why weak events
//!
//! A long-lived sender (an app-wide bus, a model, a settings store) keeps a list of handlers,
//! and every handler it holds keeps its receiver alive. A receiver that forgets to unsubscribe
//! (a view that was closed, a request that ended) lives as long as the sender, and keeps being
//! called: memory grows, and handlers update state nobody can see. In Rust the leak is one
//! `Arc::clone` captured by a closure stored in a sender. Explicit unsubscription fixes it, for
//! every receiver that remembers to do it, on every path, including early returns and panics.
//!
//! The weak-event pattern breaks the chain instead. The sender's [`Event`](crate::Event) holds
//! one forwarding handler of one [`WeakEventManager`](crate::WeakEventManager) per event kind;
//! the manager holds receivers through `Weak`, so a receiver's lifetime is its owners' business
//! alone. A dropped receiver is not called again (its `Weak` no longer upgrades) and its entry
//! is pruned later by a cleanup pass. Removal is still there, and still polite: a
//! [`Subscription`](crate::Subscription) guard or a [`DisposeBag`](crate::DisposeBag) removes
//! deterministically. The weak reference is the safety net.
//!
//! `cargo run --release --example leak_demo` shows the difference: with a strong event, live
//! views and calls per tick grow with every view opened; with each of the crate's strategies
//! they stay flat.
//!
//! # Semantics, and why
//!
//! **Delivery calls a snapshot.** A delivery clones the source's list pointer when it starts
//! (one lock, no copy) and calls that list. In the thread-safe flavour a list delivered to
//! again and again with no change in between is published, and its deliveries take that
//! pointer with no lock at all until the next change. A listener added during the delivery, by
//! a listener or another thread, is not called by it: otherwise a listener that adds a listener
//! could loop forever, and whether a concurrent add is called would depend on timing.
//!
//! **A listener removed before its turn is not called.** Each registration has a removed flag,
//! checked just before its call. Without it, a listener that closes another view during a
//! delivery would still see that view called after it removed it, the stale-call bug this crate
//! exists to end. Boost.Signals2 and Qt check the same way; WPF and Backbone call the snapshot
//! as it was. A removal on *another* thread that races the check may still see one last call
//! that began before `remove` returned; a delivery that *starts* after it returned never calls
//! the removed listener (the loom models check this).
//!
//! **No lock is held while your code runs.** Listeners, handlers, `Event` handlers, the
//! [`WeakEvent::event`](crate::WeakEvent::event) accessor and receivers' `Drop` (the last `Arc`
//! of a receiver can die inside a delivery) all run with no lock of the crate held. So a
//! listener may add, remove and deliver re-entrantly, on the same source or another, without
//! deadlock, and a slow listener never blocks other threads' registrations.
//!
//! **A panic does not stop the others.** A delivery catches a listener's panic, calls the rest,
//! and resumes the first panic when it is done. No lock is held when it happens, so nothing is
//! poisoned and the manager stays fully usable.
//!
//! **Duplicates are allowed.** Registering the same listener twice means two calls per
//! delivery; removal by identity removes one registration, the most recent (as .NET's `-=`).
//!
//! **Bad input gets an answer.** Removing what was never added returns `false`; delivering to a
//! source nobody listens to delivers to none; removal ids are unique in the process, so an id
//! from another source or manager removes nothing.
//!
//! **Nothing is kept alive.** The table holds sources weakly too (the `Weak` also keeps a dead
//! source's address from being reused while its entry exists), so a source's listener list
//! never outlives the cleanup pass after the source died, and the manager never calls into a
//! dead source.
//!
//! # Cleanup: when dead entries go
//!
//! A dead receiver costs nothing on the delivery path but its entry (about 60 bytes and the
//! receiver's allocation, which a `Weak` keeps until the entry goes). Entries are pruned by
//! *passes*, which are *requested* by events that suggest garbage: a delivery that met a dead
//! receiver, a source found dead (its `Event`, or its [`DropNotice`](crate::DropNotice), dropped
//! the manager's handler), a list that doubled since its last pass, or
//! [`schedule_cleanup`](crate::WeakEventManager::schedule_cleanup). Requests coalesce; a pass
//! visits only the sources marked dirty since the last one, so its cost follows the garbage, not
//! the table (WPF scans everything, every time). A source that announces nothing is found by the
//! table's own upkeep as the table grows: the table never holds more than twice the sources alive
//! at its last upkeep (see [`CleanupMode`](crate::CleanupMode#how-a-dead-source-is-found)).
//!
//! An entry removed explicitly is skipped at once; its slot, and the `Weak` in it, leave the list
//! when removed slots outnumber the others (the list then compacts) or at the next pass over that
//! source. Until then the receiver's allocation (not its value: that was dropped with its last
//! `Arc`) stays reserved.
//!
//! Where passes run is the [`CleanupMode`](crate::CleanupMode):
//!
//! - `Background` (the default): one process-wide worker thread, started on demand, debounced
//!   so a burst of requests costs one pass; it exits when idle and never keeps the process alive.
//!   Nothing to do in your application.
//! - `Manual`: requests only mark work pending; call
//!   [`run_pending_cleanup`](crate::run_pending_cleanup) from your own idle point. Cheap when
//!   nothing is pending. Use it when all your code runs on one thread by design, or when you want
//!   no extra thread.
//! - `Inline`: a pass runs on the requesting thread at once (tests, loom models).
//!
//! ## winit
//!
//! `about_to_wait` is called when the event loop has handled its events and is about to block:
//!
//! ```ignore
//! impl winit::application::ApplicationHandler for App {
//!     fn about_to_wait(&mut self, _event_loop: &winit::event_loop::ActiveEventLoop) {
//!         weak_events::run_pending_cleanup();
//!     }
//!     // ...
//! }
//! // at start-up:
//! weak_events::set_cleanup_mode(weak_events::CleanupMode::Manual);
//! ```
//!
//! ## glib / GTK
//!
//! An idle source that returns `Continue` would run in a busy loop; a low-frequency timeout on
//! the main context runs the pending pass when the loop is free:
//!
//! ```ignore
//! weak_events::set_cleanup_mode(weak_events::CleanupMode::Manual);
//! glib::timeout_add_local(std::time::Duration::from_millis(250), || {
//!     weak_events::run_pending_cleanup();
//!     glib::ControlFlow::Continue
//! });
//! ```
//!
//! ## tokio
//!
//! `Background` mode needs nothing: its worker is a plain thread. To keep cleanup on the
//! runtime instead, run the pending pass from a task; a pass is short (it visits dirty sources
//! only) and takes no `.await`:
//!
//! ```ignore
//! weak_events::set_cleanup_mode(weak_events::CleanupMode::Manual);
//! tokio::spawn(async {
//!     let mut every = tokio::time::interval(std::time::Duration::from_millis(250));
//!     loop {
//!         every.tick().await;
//!         weak_events::run_pending_cleanup();
//!     }
//! });
//! ```
//!
//! ## A game loop
//!
//! At the end of a frame, if the frame came in under budget: see `examples/idle_loop.rs`.
//!
//! # Threads
//!
//! - A listener runs on the thread that raised the event (or called `deliver_event`), during
//!   that call; the crate starts no thread of its own except the cleanup worker, which only
//!   prunes. To run a listener on a UI thread, bridge the event to that thread (see "UI threads"
//!   below).
//! - Deliveries on different threads run at the same time; a listener registered on a source
//!   raised from several threads must be `Sync` (the trait requires it) and must expect that.
//! - A delivery calls a snapshot of the list, checking each registration just before calling
//!   it. A removal on *another* thread that returns while that delivery is between the check
//!   and the call does not stop the call: a listener can be called once after its removal
//!   returned (every snapshot-based design has this window; Qt and Boost.Signals2 too). A
//!   receiver that must not run after it is closed checks its own "closed" flag, set under its
//!   own lock before it unsubscribes, and the listener checks the flag under the same lock. A
//!   removal on the *same* thread (from an earlier listener of the delivery) is always seen.
//!
//! # UI threads: `unsync`, a dispatcher and a bridge
//!
//! Views are `Rc` objects that only the UI thread may touch; a worker computes on a `Send` model.
//! The [`unsync`](crate::unsync) flavour holds the views weakly on the UI thread, and a
//! [`Dispatcher`](crate::unsync::Dispatcher) owned by that thread takes work posted from any
//! thread through its `Send` handle; a [`Bridge`](crate::unsync::Bridge) carries a thread-safe
//! event to `unsync` listeners through it. The loop drains the dispatcher when woken: no polling
//! timer, and no `clone!(#[weak] view)` by hand. When the dispatcher is gone, posts are refused
//! and a bridge's registration removes itself: nothing accumulates (WPF's cleanup, posted to a
//! dispatcher that never runs, does).
//!
//! The view models on that thread get the built-ins of the root flavour, for `Rc`:
//! [`unsync::PropertyChangedManager`](crate::unsync::PropertyChangedManager) over a model that
//! implements [`unsync::NotifyPropertyChanged`](crate::unsync::NotifyPropertyChanged),
//! [`unsync::ObservableVec`](crate::unsync::ObservableVec) (a `RefCell` never borrowed while a
//! listener runs, so a listener may change the list it hears), and
//! [`unsync::DisposeBag`](crate::unsync::DisposeBag) for a view that owns what it listens to:
//!
//! ```
//! use std::{cell::Cell, rc::Rc};
//! use weak_events::unsync::{
//!     DisposeBag, Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs,
//!     PropertyChangedManager, WeakEventListener,
//! };
//!
//! #[derive(Default)]
//! struct Model { changed: Event<PropertyChangedArgs> }
//! impl NotifyPropertyChanged for Model {
//!     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
//! }
//!
//! #[derive(Default)]
//! struct TitleBar { repaints: Cell<u32>, bag: DisposeBag }
//! impl WeakEventListener<PropertyChanged<Model>> for TitleBar {
//!     fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {
//!         self.repaints.set(self.repaints.get() + 1);
//!     }
//! }
//!
//! let properties = PropertyChangedManager::<Model>::current();
//! let model = Rc::new(Model::default());
//! let bar = Rc::new(TitleBar::default());
//! bar.bag.auto_dispose(properties.subscribe(&model, "title", &bar));
//! model.changed.raise(&PropertyChangedArgs::of("title"));
//! model.changed.raise(&PropertyChangedArgs::of("zoom")); // another property: not called
//! assert_eq!(bar.repaints.get(), 1);
//! drop(bar); // the view closes: its bag removes the registration at once
//! assert_eq!(properties.listener_count(&model, "title"), 0);
//! ```
//!
//! ## glib / gtk-rs
//!
//! The waker asks the main context to run a drain on the main thread
//! (`glib-main-loop/examples/glib_main_loop.rs` runs this against a real main loop):
//!
//! ```ignore
//! thread_local! { static DISPATCHER: RefCell<Option<Dispatcher>> = const { RefCell::new(None) }; }
//! let context = glib::MainContext::default();
//! let waker = context.clone();
//! let dispatcher = Dispatcher::with_waker(move || waker.invoke(|| {
//!     DISPATCHER.with(|d| d.borrow().as_ref().map(Dispatcher::drain));
//! }));
//! let bridge = Bridge::<Progress>::new(&dispatcher, &model); // `model: Arc<Model>`
//! bridge.add_listener(&progress_bar);                        // `progress_bar: Rc<ProgressBar>`
//! DISPATCHER.with(|d| *d.borrow_mut() = Some(dispatcher));
//! ```
//!
//! ## winit
//!
//! The waker sends a user event through an `EventLoopProxy` (which is `Send`); the loop drains
//! when it arrives, and runs the thread's idle cleanup before it blocks:
//!
//! ```ignore
//! let proxy = event_loop.create_proxy();
//! let dispatcher = Dispatcher::with_waker(move || { let _ = proxy.send_event(Wake); });
//! // in ApplicationHandler::user_event: dispatcher.drain();
//! // in ApplicationHandler::about_to_wait: weak_events::unsync::run_pending_cleanup();
//! ```
//!
//! ## Slint
//!
//! `slint::invoke_from_event_loop` takes a `Send` closure and runs it on the UI thread: make it
//! the waker, and drain from the closure it runs (a thread-local holds the dispatcher, as with
//! glib).
//!
//! # View models: properties and collections
//!
//! A view model notifies through two built-in kinds. Its properties: it owns an
//! [`Event`](crate::Event) of [`PropertyChangedArgs`](crate::PropertyChangedArgs), implements
//! [`NotifyPropertyChanged`](crate::NotifyPropertyChanged), and names its properties with
//! [`property_keys!`](crate::property_keys), so a view that watches `Document::TITEL` does not
//! compile (string names stay for names made at run time: rows, cells). Views register with
//! [`PropertyChangedManager`](crate::PropertyChangedManager), per property, in every form
//! [`WeakEventManager`](crate::WeakEventManager) has; a change of `title` costs what `title`'s
//! listeners cost, however many other properties are watched. Its collections: an
//! [`ObservableVec`](crate::ObservableVec) raises a [`CollectionChange`](crate::CollectionChange)
//! per change (ranges included), and a list view mirrors it with
//! [`apply_to`](crate::CollectionChange::apply_to), one line per change, exact even when a
//! listener or another thread changes the list while a change is being delivered (a `Reset`
//! carries the contents as of that change). A view that owns its subscriptions keeps them in a
//! [`DisposeBag`](crate::DisposeBag) field, so closing it ends them all; the weak references
//! catch the views nobody closes.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use weak_events::{
//!     property_keys, CollectionChange, CollectionChanged, CollectionChangedManager, DisposeBag,
//!     Event, NotifyPropertyChanged, ObservableVec, PropertyChanged, PropertyChangedArgs,
//!     WeakEventListener, WeakEventManager,
//! };
//!
//! #[derive(Default)]
//! struct Document {
//!     changed: Event<PropertyChangedArgs>,
//!     title: Mutex<String>,
//!     pages: Arc<ObservableVec<String>>,
//! }
//! impl NotifyPropertyChanged for Document {
//!     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
//! }
//! property_keys!(Document { TITLE = "title" });
//! impl Document {
//!     fn set_title(&self, title: &str) {
//!         *self.title.lock().unwrap() = title.into(); // released before raising
//!         self.changed.raise(&Document::TITLE.changed());
//!     }
//! }
//!
//! /// A page list: its rows mirror the document's pages.
//! #[derive(Default)]
//! struct PageList { rows: Mutex<Vec<String>>, caption: Mutex<String>, bag: DisposeBag }
//! impl WeakEventListener<CollectionChanged<ObservableVec<String>>> for PageList {
//!     fn receive_weak_event(&self, _: &ObservableVec<String>, change: &CollectionChange<String>) {
//!         assert!(change.apply_to(&mut self.rows.lock().unwrap()));
//!     }
//! }
//! impl WeakEventListener<PropertyChanged<Document>> for PageList {
//!     fn receive_weak_event(&self, doc: &Document, _: &PropertyChangedArgs) {
//!         *self.caption.lock().unwrap() = doc.title.lock().unwrap().clone();
//!     }
//! }
//!
//! let doc = Arc::new(Document::default());
//! let view = Arc::new(PageList::default());
//! view.bag.listen_to_property(&doc, Document::TITLE, &view);
//! view.bag.listen_to::<CollectionChanged<ObservableVec<String>>, _>(&doc.pages, &view);
//!
//! doc.set_title("Draft");
//! doc.pages.extend(["cover".to_owned(), "notes".to_owned(), "index".to_owned()]);
//! doc.pages.retain(|page| page != "notes");
//! doc.pages.replace_range(0..1, ["title page".to_owned()]);
//! assert_eq!(*view.rows.lock().unwrap(), doc.pages.to_vec());
//! assert_eq!(*view.caption.lock().unwrap(), "Draft");
//!
//! view.bag.dispose(); // the view closes: both subscriptions end now
//! let pages = CollectionChangedManager::<ObservableVec<String>>::current();
//! assert_eq!(pages.listener_count(&doc.pages), 0);
//! assert_eq!(WeakEventManager::<PropertyChanged<Document>>::current().listener_count(&doc), 0);
//! ```
//!
//! The property manager has no static forms (a property change always has a model), and the
//! collection manager is a [`WeakEventManager`](crate::WeakEventManager) of its kind, so it has
//! them all. The same types exist for `Rc` models in [`unsync`](crate::unsync).
//!
//! # Leak hunting
//!
//! Weak events end the leak; they do not end the forgotten removal, which still costs an entry
//! until a pass and hides a component that does not own what it registers. The crate finds
//! both, and names the line.
//!
//! - Every registration knows the line that made it (`#[track_caller]`, in release builds too,
//!   no debug info needed). [`report`](crate::report) shows each kind's busiest creation sites.
//! - A source whose live listeners keep growing warns past the threshold and again at each
//!   further half, naming the line that made most of them
//!   ([`ThresholdWarning`](crate::ThresholdWarning)).
//! - The temporary receiver: `manager.add_listener(&source, &Arc::new(View::new()))` compiles,
//!   and the `Arc` dies at the end of the statement: the listener is never called (the weak
//!   reference did its job too well). Such registrations are counted as having *died before
//!   their first event*, and a line that keeps making them is named once
//!   ([`UndeliveredWarning`](crate::UndeliveredWarning)). The fix: keep the receiver where it
//!   should live (a variable, a field, the view's owner), and register that.
//! - A bag that is already disposed refuses new items: it disposes them at once, answers
//!   [`Ownership::DisposedAtOnce`](crate::Ownership::DisposedAtOnce) with the line of its
//!   `dispose` call, and tells the hook of
//!   [`set_added_after_dispose_hook`](crate::set_added_after_dispose_hook): a component that
//!   registers after its owner closed is named, not silently ignored.
//!
//! ## A walkthrough: one test, then the whole application
//!
//! In a test, a [`LeakCheck`](crate::LeakCheck) sees what that test's thread registered since
//! it started, whatever other tests do at the same time, and whenever cleanup ran. A
//! registration left behind with a live receiver fails
//! [`assert_no_leaks`](crate::LeakCheck::assert_no_leaks) with the line that made it; one whose
//! receiver died without its removal (harmless here, forgotten all the same) is listed and
//! fails only [`assert_no_forgotten_removals`](crate::LeakCheck::assert_no_forgotten_removals):
//!
//! ```
//! use std::sync::Arc;
//! use weak_events::{LeakCheck, WeakEvent, WeakEventListener, WeakEventManager};
//!
//! struct Document;
//! enum Saved {}
//! impl WeakEvent for Saved { type Source = Document; type Args = (); }
//! struct StatusBar;
//! impl WeakEventListener<Saved> for StatusBar {
//!     fn receive_weak_event(&self, _: &Document, _: &()) {}
//! }
//!
//! fn open_status_bar(manager: &WeakEventManager<Saved>, doc: &Arc<Document>) -> Arc<StatusBar> {
//!     let bar = Arc::new(StatusBar);
//!     manager.add_listener(doc, &bar); // the bug: nothing ever removes it
//!     bar
//! }
//!
//! let check = LeakCheck::start();
//! let manager = WeakEventManager::<Saved>::new();
//! let doc = Arc::new(Document);
//! let bar = open_status_bar(&manager, &doc);
//! let found = check.found();
//! assert_eq!(found.alive(), 1);
//! // "1 alive, 0 forgotten: StatusBar registered for Saved at src/main.rs:15:13"
//! println!("{found}");
//! drop(bar); // the view closes: no leak now, but a forgotten removal
//! check.assert_no_leaks(); // passes; `assert_no_forgotten_removals` would not
//! ```
//!
//! In the running application, [`start_profiling`](crate::start_profiling) opens a mark over
//! every thread: open it, exercise a screen, close it, and stop the mark. The
//! [`Profile`](crate::Profile) has one line per creation site with its counts (forty
//! registrations from one helper are one line, not forty backtraces); with
//! [`with_backtraces`](crate::Profile::with_backtraces) each line gets the backtrace of its
//! site, captured once per site. Creation sites need no debug info; backtraces do (keep
//! `debug = "line-tables-only"` in the profile you profile). A backtrace is the first caller's:
//! every caller of a helper that registers shows the same one, while the site is exact.
//!
//! # Async tasks: streams, listeners or a broadcast channel
//!
//! - A task that follows a long-lived source takes a stream
//!   ([`WeakEventManager::stream`](crate::WeakEventManager::stream)): the task owns it, so the
//!   task ending (returning, or aborted) is the unsubscription, and its waker (which keeps the
//!   task's allocation) goes with it. The stream ends when the source is gone.
//! - A listener is right when the reaction is short and synchronous, on the raising thread; a
//!   stream when it needs `.await`, or must run on the task's executor.
//! - `tokio::sync::broadcast` knows nothing of the sender's lifetime (a receiver waits until
//!   every sender handle is dropped), and its `RecvError::Lagged` sits beside
//!   `RecvError::Closed` in one error type, which code often handles as the end. A stream's lag
//!   is an item ([`StreamItem::Lagged`](crate::StreamItem::Lagged)) and its end is `None`: a
//!   slow task learns how many events it missed and goes on. Both drop the oldest events when
//!   a receiver falls behind; neither blocks the sender.
//!
//! # Testing
//!
//! - Use a private manager per test ([`WeakEventManager::new`](crate::WeakEventManager::new) or
//!   [`with_cleanup`](crate::WeakEventManager::with_cleanup)) rather than `current()`: tests run
//!   in parallel, and a test that counts another test's registrations fails at random.
//! - Give it [`CleanupMode::Inline`](crate::CleanupMode::Inline) to assert cleanup
//!   deterministically: a pass runs at once on the thread that asked for it, so after the
//!   delivery that met a dead receiver, or after `schedule_cleanup()`, the table is already
//!   pruned. With the default `Background` mode a pass runs a few milliseconds later on the
//!   worker thread; `purge()` runs one now in any mode.
//! - `stats()` counts a manager's sources and registrations, alive and dead; `report()` does it
//!   for every manager of the process (so it sees other tests' managers too).
//!
//! ```
//! use std::sync::Arc;
//! use weak_events::{weak_event, CleanupMode, WeakEventListener, WeakEventManager};
//!
//! struct Store;
//! weak_event!(Saved: Store => str);
//! struct View;
//! impl WeakEventListener<Saved> for View { fn receive_weak_event(&self, _: &Store, _: &str) {} }
//!
//! let manager = WeakEventManager::<Saved>::with_cleanup(CleanupMode::Inline);
//! let (store, view) = (Arc::new(Store), Arc::new(View));
//! manager.add_listener(&store, &view);
//! drop(view);
//! manager.deliver_event(&store, "a.txt"); // meets the dead view: an inline pass prunes it
//! assert_eq!(manager.stats().registrations, 0);
//! ```
//!
//! # Testing your own code with loom
//!
//! Code that uses this crate can be model-checked with [loom](https://docs.rs/loom), the
//! process-wide managers included: build with `--cfg loom` and write `loom::model(|| ...)`
//! over your own code as usual.
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --test my_models
//! ```
//!
//! A separate target directory keeps the loom build from invalidating the normal one. Without
//! `LOOM_MAX_PREEMPTIONS`, loom explores every interleaving; set it (2 or 3) when a model with
//! many threads takes too long, and say so where the model is written.
//!
//! What the crate's types become under `cfg(loom)`:
//!
//! - every lock and atomic of the crate is loom's, so loom explores the crate's interleavings
//!   together with yours;
//! - the process-wide values (every [`current()`](crate::WeakEventManager::current) manager,
//!   the built-in managers' `current()`, the scheduler's lists) are made afresh for each
//!   execution of the model: an execution starts with no registrations, as the model's first
//!   line would with private managers;
//! - there is no background worker: `Background` (and the default mode) runs each cleanup pass
//!   inline, on the thread that asked for it, inside the same execution;
//! - what loom cannot see: the `Arc`/`Weak` reference counts of your receivers and sources
//!   (loom has no `Weak`; keep them `std::sync::Arc`), and the profiler and threshold hook (std
//!   statics, never blocking). Open and stop a [`start_profiling`](crate::start_profiling) mark
//!   inside the model, not around it: a mark left open across executions would read
//!   registrations of an execution that has ended;
//! - [`set_cleanup_mode`](crate::set_cleanup_mode) stays process-wide (it is a setting, not
//!   state): set it before the model, not inside it, or give your managers their own mode.
//!
//! Your own state should come from loom too (`loom::sync::atomic`, `loom::sync::Mutex`), so that
//! loom sees your side of each race:
//!
//! ```ignore
//! #[test]
//! fn a_panel_subscribes_once() {
//!     loom::model(|| {
//!         let settings = Arc::new(Settings::default());
//!         let panel = Arc::new(Panel::default()); // counts its calls in a loom atomic
//!         let other = {
//!             let (settings, panel) = (settings.clone(), panel.clone());
//!             loom::thread::spawn(move || panel.ensure_subscribed(&settings))
//!         };
//!         panel.ensure_subscribed(&settings); // uses WeakEventManager::current()
//!         other.join().unwrap();
//!         settings.set("theme");
//!         assert_eq!(panel.calls(), 1, "subscribed exactly once");
//!     });
//! }
//! ```
//!
//! The repository's `loom-tests/downstream` crate is such a user: its models use `current()`,
//! `subscribe`, `DisposeBag::listen_to`, `PropertyChangedManager::current()` and a cleanup
//! request, each on two threads.
//!
//! # From WPF
//!
//! | WPF | weak-events |
//! | --- | --- |
//! | a `WeakEventManager` subclass per event | a [`WeakEvent`](crate::WeakEvent) kind (a marker type) and the generic [`WeakEventManager<E>`](crate::WeakEventManager) |
//! | `CurrentManager` / `GetCurrentManager(type)` | [`WeakEventManager::<E>::current()`](crate::WeakEventManager::current) |
//! | `SetCurrentManager` | a private manager: [`new`](crate::WeakEventManager::new), [`with_cleanup`](crate::WeakEventManager::with_cleanup) |
//! | `StartListening(source)` / `StopListening(source)` | [`WeakEvent::event`](crate::WeakEvent::event): the manager subscribes and unsubscribes its forwarding handler |
//! | `IWeakEventListener.ReceiveWeakEvent(managerType, sender, e)` | [`WeakEventListener<E>::receive_weak_event(&self, sender, args)`](crate::WeakEventListener::receive_weak_event): typed, no `bool` |
//! | `AddListener(source, listener)` | [`add_listener(&source, &listener)`](crate::WeakEventManager::add_listener) |
//! | `RemoveListener(source, listener)` | [`remove_listener(&source, &listener)`](crate::WeakEventManager::remove_listener) |
//! | `WeakEventManager<TSource, TArgs>.AddHandler(source, handler)` | [`add_handler(&source, &receiver, fn)`](crate::WeakEventManager::add_handler), or [`subscribe_handler`](crate::WeakEventManager::subscribe_handler) for a guard |
//! | `RemoveHandler(source, handler)` | [`remove_registration(&source, id)`](crate::WeakEventManager::remove_registration) (no removal by delegate equality: `fn` pointer equality is not reliable in Rust) |
//! | `DeliverEvent(sender, args)` | [`deliver_event(&source, &args)`](crate::WeakEventManager::deliver_event) |
//! | `ScheduleCleanup()` | [`schedule_cleanup()`](crate::WeakEventManager::schedule_cleanup) |
//! | `Purge(source, data, purgeAll)` | [`purge()`](crate::WeakEventManager::purge) (all sources), [`run_pending_cleanup()`](crate::WeakEventManager::run_pending_cleanup) (dirty ones) |
//! | cleanup at dispatcher idle | [`CleanupMode::Background`](crate::CleanupMode::Background), or `Manual` at your idle point; it runs on threads with no dispatcher too |
//! | `INotifyPropertyChanged`, `PropertyChangedEventManager.AddListener(source, listener, name)` | [`NotifyPropertyChanged`](crate::NotifyPropertyChanged), [`PropertyChangedManager::add_listener(&source, "name", &listener)`](crate::PropertyChangedManager::add_listener) |
//! | `String.Empty` / `null` property name | [`ALL_PROPERTIES`](crate::ALL_PROPERTIES) / [`PropertyChangedArgs::all()`](crate::PropertyChangedArgs::all) |
//! | `INotifyCollectionChanged`, `CollectionChangedEventManager` | [`NotifyCollectionChanged`](crate::NotifyCollectionChanged), [`CollectionChangedManager<S>`](crate::CollectionChangedManager) |
//! | `ObservableCollection<T>` | [`ObservableVec<T>`](crate::ObservableVec) |
//!
//! What differs: delivery is typed; a removed listener is skipped even within the delivery that
//! removed it; the table is sharded rather than behind one static lock; cleanup costs what is
//! dirty, not the whole table; and a property change allocates no merged list.
//!
//! # Compared with other designs
//!
//! **Boost.Signals2.** The same: slots can *track* a `weak_ptr` and are skipped once it expires;
//! a slot disconnected before its turn is not called; `scoped_connection` is our
//! [`Subscription`](crate::Subscription). Different: slots are strong by default (here weak is
//! the only way a manager holds a receiver, and [`Event`](crate::Event) is the strong
//! counterpart); Signals2 has combiners and return values (events here are notifications); its
//! expired slots are collected a few at a time on connect and invoke, ours by passes over dirty
//! sources.
//!
//! **Qt.** The same: a connection whose receiver was destroyed is not called, and a slot
//! disconnected during an emission is skipped. Different: Qt disconnects deterministically from
//! `QObject`'s destructor, which requires every receiver to derive from `QObject`; here any
//! `Arc` can be a receiver and the `Weak` does the job. Qt can queue a call to the receiver's
//! thread; here listeners run on the raising thread (send to a channel from the listener if you
//! need another thread).
//!
//! **CommunityToolkit.Mvvm's messenger.** The same: `WeakReferenceMessenger` holds recipients
//! weakly, recipients implement a typed `IRecipient<TMessage>` (our
//! [`WeakEventListener<E>`](crate::WeakEventListener)), and `Cleanup()` trims dead recipients.
//! Different: the messenger is a broadcast bus keyed by message type (and token); here
//! registrations are per sender, and delivery is keyed by the sender. A static event
//! (`Source = ()`) gives the broadcast shape when you want it.
//!
//! **Backbone.** The same: `listenTo` / `listenToOnce` / `stopListening` are
//! [`DisposeBag::listen_to`](crate::DisposeBag::listen_to),
//! [`listen_to_once`](crate::DisposeBag::listen_to_once) and
//! [`stop_listening`](crate::DisposeBag::stop_listening); `on`/`off` are
//! [`Event::subscribe`](crate::Event::subscribe)/[`unsubscribe`](crate::Event::unsubscribe).
//! Different: Backbone keeps a listener alive until `stopListening` is called, which is exactly
//! the zombie-view leak Backbone applications are known for; here forgetting it costs an entry until the next pass, and a
//! removed listener is not called by the trigger that removed it.
//!
//! **Grist's `Disposable` and qooxdoo.** [`DisposeBag`](crate::DisposeBag) is `autoDispose`,
//! `disposeRelease`, `disposeDiscard`, `isDisposed`, disposing in reverse order; qooxdoo's
//! dispose profiling is [`start_profiling`](crate::start_profiling), which lists what was
//! registered since a mark and never removed, one line per creation site, with a backtrace of
//! where; IntelliJ's `Disposer` assertion for one test is [`LeakCheck`](crate::LeakCheck).
