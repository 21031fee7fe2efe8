//! Marshalling to a UI thread: a [`Dispatcher`] owned by the thread, fed from any thread through
//! a [`DispatcherHandle`], and a [`Bridge`] that carries a thread-safe event to `unsync`
//! listeners on that thread.
//!
//! # Synchronization
//!
//! The queue is one mutex over a `VecDeque` and an `open` flag (from the loom facade, so the
//! models see it). A post pushes under the lock if the queue is open and answers `Err`
//! otherwise; a drain takes the whole queue under the lock and runs it with the lock released;
//! dropping the dispatcher closes the queue and takes what is left under one lock, then runs it.
//! So every post either runs exactly once (by a drain or by the drop) or is refused: none is
//! dropped unrun, none runs twice. The waker is called with no lock held, by the post that made
//! the queue non-empty.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use crate::panic::FirstPanic;
use crate::sync::{lock, AtomicBool, AtomicUsize, Mutex, Ordering};
use crate::unsync::{DropNotice, WeakEvent, WeakEventListener, WeakEventManager};
use crate::{RegistrationId, Subscription};

/// The most room a drained buffer keeps for the next drain.
const SPARE_MAX: usize = 256;

/// What the UI thread's side of a dispatcher keeps for the jobs it runs: the bridges, by key.
type Locals = RefCell<HashMap<u64, Weak<dyn Any>, rustc_hash::FxBuildHasher>>;

/// A job: run on the UI thread with its locals.
type Job = Box<dyn FnOnce(&Locals) + Send>;

struct Queue {
    jobs: VecDeque<Job>,
    open: bool,
    posted: u64,
    refused: u64,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Jobs queued, readable without the lock: a drain that finds none takes no lock, so a UI
    /// loop that drains often does not contend with the threads that post.
    queued: AtomicUsize,
    /// The last wake panicked: the next post wakes again.
    rewake: AtomicBool,
    waker: Option<Box<dyn Fn() + Send + Sync>>,
}

/// A UI thread's queue of work posted from any thread (WPF's `Dispatcher.BeginInvoke`, Qt's
/// queued connections), drained at the thread's idle point.
///
/// The dispatcher itself stays on its thread (it is `!Send`); [`handle`](Self::handle) gives a
/// `Send + Sync + Clone` [`DispatcherHandle`] for the others. [`with_waker`](Self::with_waker)
/// takes a callback that wakes the UI loop when something is posted to an empty queue (glib's
/// `MainContext::wakeup` or `invoke`, winit's `EventLoopProxy::send_event`, Slint's
/// `invoke_from_event_loop`), so the loop needs no polling timer; the loop then calls
/// [`drain`](Self::drain).
///
/// Dropping the dispatcher runs what was posted before (no accepted post is lost) and refuses
/// every later post with [`DispatcherGone`].
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
/// use weak_events::unsync::Dispatcher;
///
/// let dispatcher = Dispatcher::new();
/// let handle = dispatcher.handle();
/// let done = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&done);
/// std::thread::spawn(move || {
///     handle.post(move || { counter.fetch_add(1, Ordering::SeqCst); }).unwrap();
/// })
/// .join()
/// .unwrap();
/// assert_eq!(done.load(Ordering::SeqCst), 0, "nothing runs until the UI thread drains");
/// assert_eq!(dispatcher.drain(), 1);
/// assert_eq!(done.load(Ordering::SeqCst), 1);
/// ```
pub struct Dispatcher {
    shared: Arc<Shared>,
    locals: Rc<Locals>,
    /// The queue's other buffer: a drain swaps it in, so the queue keeps its capacity.
    spare: RefCell<VecDeque<Job>>,
    /// A drain is running: a drain called from one of its jobs does nothing (it would run
    /// later posts before the rest of this batch, out of order).
    draining: std::cell::Cell<bool>,
}

/// The `Send + Sync + Clone` side of a [`Dispatcher`]: posts work to its thread.
///
/// # Examples
///
/// ```
/// let dispatcher = weak_events::unsync::Dispatcher::new();
/// let handle = dispatcher.handle();
/// let worker = std::thread::spawn(move || handle.post(|| println!("on the UI thread")));
/// assert!(worker.join().unwrap().is_ok());
/// assert_eq!(dispatcher.drain(), 1);
/// ```
#[derive(Clone)]
pub struct DispatcherHandle {
    shared: Arc<Shared>,
}

/// The answer to a post whose dispatcher was dropped: the work was not queued and never runs.
///
/// # Examples
///
/// ```
/// let handle = weak_events::unsync::Dispatcher::new().handle(); // the dispatcher drops here
/// assert_eq!(handle.post(|| {}), Err(weak_events::unsync::DispatcherGone));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatcherGone;

impl fmt::Display for DispatcherGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the dispatcher was dropped: the work was not queued")
    }
}

impl std::error::Error for DispatcherGone {}

/// A dispatcher's counters: see [`Dispatcher::stats`].
///
/// # Examples
///
/// ```
/// let dispatcher = weak_events::unsync::Dispatcher::new();
/// dispatcher.handle().post(|| {}).unwrap();
/// let stats = dispatcher.stats();
/// assert_eq!((stats.queued, stats.posted, stats.refused), (1, 1, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DispatcherStats {
    /// Jobs waiting for the next drain.
    pub queued: usize,
    /// Jobs accepted since the dispatcher was made.
    pub posted: u64,
    /// Posts refused because the dispatcher was gone (counted by the handles that tried).
    pub refused: u64,
}

impl Dispatcher {
    /// A dispatcher with no waker: the UI loop drains it on its own schedule.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// assert_eq!(dispatcher.drain(), 0);
    /// ```
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A dispatcher whose handles call `waker` (on the posting thread, with no lock held) when
    /// a post finds the queue empty: the UI loop wakes and drains.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    ///
    /// let wakes = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&wakes);
    /// let dispatcher = weak_events::unsync::Dispatcher::with_waker(move || {
    ///     counter.fetch_add(1, Ordering::SeqCst);
    /// });
    /// let handle = dispatcher.handle();
    /// handle.post(|| {}).unwrap();
    /// handle.post(|| {}).unwrap(); // already non-empty: no second wake
    /// assert_eq!(wakes.load(Ordering::SeqCst), 1);
    /// dispatcher.drain();
    /// handle.post(|| {}).unwrap();
    /// assert_eq!(wakes.load(Ordering::SeqCst), 2);
    /// ```
    pub fn with_waker(waker: impl Fn() + Send + Sync + 'static) -> Self {
        Self::build(Some(Box::new(waker)))
    }

    fn build(waker: Option<Box<dyn Fn() + Send + Sync>>) -> Self {
        Dispatcher {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue {
                    jobs: VecDeque::new(),
                    open: true,
                    posted: 0,
                    refused: 0,
                }),
                queued: AtomicUsize::new(0),
                rewake: AtomicBool::new(false),
                waker,
            }),
            locals: Rc::new(RefCell::new(HashMap::default())),
            spare: RefCell::new(VecDeque::new()),
            draining: std::cell::Cell::new(false),
        }
    }

    /// A handle for other threads to post with.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// let handle = dispatcher.handle();
    /// handle.clone().post(|| {}).unwrap();
    /// assert_eq!(dispatcher.stats().queued, 1);
    /// ```
    pub fn handle(&self) -> DispatcherHandle {
        DispatcherHandle {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Runs every job posted before this call, in the order they were posted (per posting
    /// thread: the order of their posts); returns how many ran. Jobs posted while it runs wait
    /// for the next drain, so one drain is bounded; a drain called from one of its jobs runs
    /// nothing and returns 0 (it would run later jobs before the rest of this batch).
    ///
    /// # Panics
    ///
    /// If a job panics, the others still run, then the first panic resumes.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// let handle = dispatcher.handle();
    /// let inner = handle.clone();
    /// handle.post(move || { inner.post(|| {}).unwrap(); }).unwrap();
    /// assert_eq!(dispatcher.drain(), 1, "the job posted by a job waits");
    /// assert_eq!(dispatcher.drain(), 1);
    /// ```
    pub fn drain(&self) -> usize {
        if self.draining.get() || self.shared.queued.load(Ordering::Acquire) == 0 {
            return 0;
        }
        let mut jobs = std::mem::take(&mut *self.spare.borrow_mut());
        {
            let mut queue = lock(&self.shared.queue);
            std::mem::swap(&mut queue.jobs, &mut jobs);
            self.shared.queued.store(0, Ordering::Release);
        }
        self.draining.set(true);
        let ran = {
            // Cleared however the batch ends (a job's panic resumes from `run`).
            struct Done<'a>(&'a std::cell::Cell<bool>);
            impl Drop for Done<'_> {
                fn drop(&mut self) {
                    self.0.set(false);
                }
            }
            let _done = Done(&self.draining);
            run(&mut jobs, &self.locals)
        };
        // Keep a small buffer for the next drain, but not the room of a burst: a queue that
        // held a million jobs once must not hold it forever (the next burst grows a fresh one).
        if jobs.capacity() > SPARE_MAX {
            jobs = VecDeque::new();
        }
        *self.spare.borrow_mut() = jobs;
        ran
    }

    /// The queue's length and counters.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// assert_eq!(dispatcher.stats().queued, 0);
    /// ```
    pub fn stats(&self) -> DispatcherStats {
        self.handle().stats()
    }
}

/// Runs `jobs` with `locals`, leaving the buffer empty; the first panic resumes once all ran.
fn run(jobs: &mut VecDeque<Job>, locals: &Locals) -> usize {
    let count = jobs.len();
    let mut panics = FirstPanic::new();
    while let Some(job) = jobs.pop_front() {
        panics.catch(|| job(locals));
    }
    panics.resume();
    count
}

impl Default for Dispatcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Dispatcher {
    /// Closes the queue, then runs what was posted before: accepted work is never lost.
    fn drop(&mut self) {
        let mut jobs = {
            let mut queue = lock(&self.shared.queue);
            queue.open = false;
            self.shared.queued.store(0, Ordering::Release);
            std::mem::take(&mut queue.jobs)
        };
        let mut panics = FirstPanic::new();
        panics.catch(|| run(&mut jobs, &self.locals));
        // A panic here while the thread unwinds would abort: it is dropped then.
        if !std::thread::panicking() {
            panics.resume();
        }
    }
}

impl fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dispatcher")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl DispatcherHandle {
    /// Queues `job` to run on the dispatcher's thread at its next drain; `Err` if the
    /// dispatcher was dropped (then `job` is dropped here, unrun).
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// let handle = dispatcher.handle();
    /// assert!(handle.post(|| {}).is_ok());
    /// drop(dispatcher); // runs the queued job, then refuses
    /// assert!(handle.post(|| {}).is_err());
    /// ```
    pub fn post(&self, job: impl FnOnce() + Send + 'static) -> Result<(), DispatcherGone> {
        self.post_job(Box::new(move |_: &Locals| job()))
    }

    fn post_job(&self, job: Job) -> Result<(), DispatcherGone> {
        let mut queue = lock(&self.shared.queue);
        if !queue.open {
            queue.refused += 1;
            drop(queue);
            drop(job);
            return Err(DispatcherGone);
        }
        let was_empty = queue.jobs.is_empty();
        queue.jobs.push_back(job);
        queue.posted += 1;
        self.shared
            .queued
            .store(queue.jobs.len(), Ordering::Release);
        drop(queue);
        // A waker that panicked left the loop unwoken: the next post wakes it whatever the
        // queue held.
        if was_empty || self.shared.rewake.swap(false, Ordering::AcqRel) {
            if let Some(waker) = &self.shared.waker {
                let mut panics = FirstPanic::new();
                if panics.catch(waker).is_none() {
                    self.shared.rewake.store(true, Ordering::Release);
                }
                // The job is queued (accepted); the waker's panic surfaces here.
                panics.resume();
            }
        }
        Ok(())
    }

    /// Whether the dispatcher is still there to run what is posted.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// let handle = dispatcher.handle();
    /// assert!(handle.is_open());
    /// drop(dispatcher);
    /// assert!(!handle.is_open());
    /// ```
    pub fn is_open(&self) -> bool {
        lock(&self.shared.queue).open
    }

    /// The queue's length and counters.
    ///
    /// # Examples
    ///
    /// ```
    /// let dispatcher = weak_events::unsync::Dispatcher::new();
    /// assert_eq!(dispatcher.handle().stats().posted, 0);
    /// ```
    pub fn stats(&self) -> DispatcherStats {
        let queue = lock(&self.shared.queue);
        DispatcherStats {
            queued: queue.jobs.len(),
            posted: queue.posted,
            refused: queue.refused,
        }
    }
}

impl fmt::Debug for DispatcherHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DispatcherHandle")
            .field("stats", &self.stats())
            .finish()
    }
}

/// The thread-affine kind a [`Bridge`] raises on its UI thread: the root kind `E`'s events, as
/// `unsync` events of the bridge. Listeners receive the bridge (whose
/// [`source`](Bridge::source) is the thread-safe source) and the arguments.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc, sync::Arc};
/// use weak_events::unsync::{Bridge, Bridged, Dispatcher, WeakEventListener};
/// use weak_events::{Event, WeakEvent};
///
/// struct Model { progress: Event<u32> }
/// enum Progress {}
/// impl WeakEvent for Progress {
///     type Source = Model;
///     type Args = u32;
///     fn event(model: &Model) -> Option<&Event<u32>> { Some(&model.progress) }
/// }
/// struct Bar { percent: Cell<u32> }
/// impl WeakEventListener<Bridged<Progress>> for Bar {
///     fn receive_weak_event(&self, _: &Bridge<Progress>, percent: &u32) { self.percent.set(*percent) }
/// }
///
/// let dispatcher = Dispatcher::new();
/// let model = Arc::new(Model { progress: Event::new() });
/// let bridge = Bridge::<Progress>::new(&dispatcher, &model);
/// let bar = Rc::new(Bar { percent: Cell::new(0) });
/// bridge.add_listener(&bar);
///
/// let worker = Arc::clone(&model);
/// std::thread::spawn(move || worker.progress.raise(&40)).join().unwrap();
/// assert_eq!(bar.percent.get(), 0, "not yet: the UI thread has not drained");
/// dispatcher.drain();
/// assert_eq!(bar.percent.get(), 40);
/// ```
#[derive(Debug)]
pub enum Bridged<E> {
    #[doc(hidden)]
    _Never(std::convert::Infallible, std::marker::PhantomData<E>),
}

impl<E: crate::WeakEvent> WeakEvent for Bridged<E>
where
    E::Args: Sized,
{
    type Source = Bridge<E>;
    type Args = E::Args;
    /// The bridge delivers with `deliver_event` (one lookup, no `Event` to snapshot); its drop
    /// announces its death, so its listeners' entries go at the next pass.
    fn drop_notice(bridge: &Bridge<E>) -> Option<&DropNotice> {
        Some(&bridge.notice)
    }
}

/// Carries the events of kind `E` raised on a thread-safe source, on any thread, to `unsync`
/// listeners on one UI thread: each event is posted to that thread's [`Dispatcher`] (its
/// arguments cloned once) and raised there at the next drain, in raise order per raising
/// thread. A listener closed before the drain is not called.
///
/// The bridge holds the source weakly and its registration on the source through a guard: when
/// the bridge is dropped, its registration goes at once; when the dispatcher is dropped first,
/// the next event finds the dispatcher gone and the bridge's registration removes itself.
/// Nothing accumulates in either case.
///
/// # Examples
///
/// See [`Bridged`].
pub struct Bridge<E: crate::WeakEvent>
where
    E::Args: Sized,
{
    notice: DropNotice,
    source: std::sync::Weak<E::Source>,
    manager: WeakEventManager<Bridged<E>>,
    /// The bridge's registration on the source, through the root flavour's `current()` manager.
    registration: Option<Subscription>,
    /// The relay that the registration calls (held here: the manager holds it weakly).
    _relay: Arc<Relay<E>>,
    key: u64,
    locals: Weak<Locals>,
}

/// The receiver of the bridge's registration on the thread-safe source: posts each event.
struct Relay<E: crate::WeakEvent> {
    handle: DispatcherHandle,
    key: u64,
    _kind: std::marker::PhantomData<fn(E)>,
}

impl<E: crate::WeakEvent> crate::WeakEventListener<E> for Relay<E>
where
    E::Args: Clone + Send + Sized,
{
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {}

    fn handle_weak_event(&self, _: &E::Source, args: &E::Args) -> std::ops::ControlFlow<()> {
        let args = args.clone();
        let key = self.key;
        let posted = self.handle.post_job(Box::new(move |locals: &Locals| {
            let bridge = locals.borrow().get(&key).and_then(Weak::upgrade);
            if let Some(bridge) = bridge.and_then(|any| any.downcast::<Bridge<E>>().ok()) {
                bridge.manager.deliver_event(&bridge, &args);
            }
        }));
        // The dispatcher is gone: nobody will ever drain what this registration posts.
        match posted {
            Ok(()) => std::ops::ControlFlow::Continue(()),
            Err(DispatcherGone) => std::ops::ControlFlow::Break(()),
        }
    }
}

impl<E: crate::WeakEvent> Bridge<E>
where
    E::Args: Clone + Send + Sized,
{
    /// A bridge from `source` to this thread, through `dispatcher`; it registers on `source`
    /// with `WeakEventManager::<E>::current()`.
    ///
    /// # Examples
    ///
    /// See [`Bridged`].
    pub fn new(dispatcher: &Dispatcher, source: &Arc<E::Source>) -> Rc<Self> {
        let key = crate::sync::next_id();
        let relay = Arc::new(Relay {
            handle: dispatcher.handle(),
            key,
            _kind: std::marker::PhantomData,
        });
        // The relay is the bridge's own: profiling and leak checks never list it (the bridge is
        // what the application holds, and drops).
        let registration = crate::profiling::internal(|| {
            crate::WeakEventManager::<E>::current().subscribe(source, &relay)
        });
        let bridge = Rc::new(Bridge {
            notice: DropNotice::new(),
            source: Arc::downgrade(source),
            manager: WeakEventManager::current(),
            registration: Some(registration),
            _relay: relay,
            key,
            locals: Rc::downgrade(&dispatcher.locals),
        });
        let erased: Rc<dyn Any> = bridge.clone();
        dispatcher
            .locals
            .borrow_mut()
            .insert(key, Rc::downgrade(&erased));
        bridge
    }

    /// Registers `listener` (held weakly) for the bridged events, with this thread's manager of
    /// [`Bridged<E>`].
    ///
    /// # Examples
    ///
    /// See [`Bridged`].
    #[track_caller]
    pub fn add_listener<L>(self: &Rc<Self>, listener: &Rc<L>) -> RegistrationId
    where
        L: WeakEventListener<Bridged<E>> + 'static,
    {
        self.manager.add_listener(self, listener)
    }

    /// The thread-safe source, if it is still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use weak_events::{Event, WeakEvent, unsync::{Bridge, Dispatcher}};
    /// # struct Model { progress: Event<u32> }
    /// # enum Progress {}
    /// # impl WeakEvent for Progress {
    /// #     type Source = Model;
    /// #     type Args = u32;
    /// #     fn event(model: &Model) -> Option<&Event<u32>> { Some(&model.progress) }
    /// # }
    /// let dispatcher = Dispatcher::new();
    /// let model = Arc::new(Model { progress: Event::new() });
    /// let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    /// assert!(bridge.source().is_some());
    /// drop(model);
    /// assert!(bridge.source().is_none());
    /// ```
    pub fn source(&self) -> Option<Arc<E::Source>> {
        self.source.upgrade()
    }
}

impl<E: crate::WeakEvent> Drop for Bridge<E>
where
    E::Args: Sized,
{
    fn drop(&mut self) {
        // The registration goes now, so later raises on the source cost nothing.
        drop(self.registration.take());
        if let Some(locals) = self.locals.upgrade() {
            // A drain holds no borrow while a job runs: this is never re-entrant.
            if let Ok(mut locals) = locals.try_borrow_mut() {
                locals.remove(&self.key);
            }
        }
    }
}

impl<E: crate::WeakEvent> fmt::Debug for Bridge<E>
where
    E::Args: Sized,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bridge")
            .field("event", &std::any::type_name::<E>())
            .field("source_alive", &(self.source.strong_count() > 0))
            .finish_non_exhaustive()
    }
}
