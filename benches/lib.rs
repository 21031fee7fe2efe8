//! The contenders the bench binaries measure side by side, built the same way for every case.
//!
//! Every contender delivers a `u32` to receivers of the same [`Receiver`] type, so what differs
//! between them is only how the list is held, locked, snapshotted and walked:
//!
//! - ours: a [`WeakEventManager`] reached through `current()` (the process-wide manager) or a
//!   private one in [`CleanupMode::Manual`] (no background pass runs during a measurement);
//! - the floor: a bare single-threaded `Vec<Weak<dyn Fn(&u32)>>` walked with `upgrade` then call;
//! - the strong floor: `Vec<Arc<dyn Fn(&u32)>>`;
//! - ours, thread-affine: a `weak_events::unsync` manager (private, or this thread's `current()`)
//!   over `Rc` sources and receivers, and its floor, a bare `Vec<rc::Weak<dyn Fn(&u32)>>`;
//! - the peers: `signals2` (strong, copy-on-write), `event-listener-primitives` (strong, RAII
//!   handler ids), and the two thread-safe hand-rolls a user writes today, `Mutex<Vec<Weak<..>>>`
//!   cloned then upgraded, and `RwLock<Vec<Weak<..>>>` upgraded under the read lock.
//!
//! A benchmark delivers `0`: the receiver reads its own state, compares, and writes nothing, so
//! two threads delivering to the same receivers contend only on what the contender itself
//! touches (reference counts, locks). [`checked`] delivers `1` once when a contender is built and
//! asserts that exactly the live receivers were called, so no case measures an empty loop.

use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use event_listener_primitives::{Bag, HandlerId};
use signals2::{Connect1, Emit1, Signal};
use weak_events::{
    CleanupMode, Event, Subscription, WeakEvent, WeakEventListener, WeakEventManager,
};

/// Calls of receivers with a non-zero argument (only [`checked`] delivers non-zero).
pub static HITS: AtomicU64 = AtomicU64::new(0);

/// What every contender delivers to: a receiver with a little state of its own.
#[derive(Debug, Default)]
pub struct Receiver {
    /// The argument this receiver ignores; always 0, but read at run time on every call.
    skip: u32,
}

impl Receiver {
    /// The receiver's work: read its own state and compare; count only non-zero deliveries.
    #[inline]
    pub fn on(&self, n: &u32) {
        if *n != self.skip {
            HITS.fetch_add(u64::from(*n), Ordering::Relaxed);
        }
    }
}

/// A sender with a plain [`Event`], which the [`Attached`] kinds forward from.
#[derive(Debug, Default)]
pub struct Bus {
    /// The sender's own event.
    pub event: Event<u32>,
}

/// An event kind delivered with `deliver_event` (no `Event` on the source). `K` gives each case
/// its own `current()` manager, so that one case's table never holds another case's sources.
#[derive(Debug)]
pub enum Direct<const K: usize> {}

impl<const K: usize> WeakEvent for Direct<K> {
    type Source = Bus;
    type Args = u32;
}

/// An event kind the manager attaches to through the source's [`Event`] (a raise forwards).
#[derive(Debug)]
pub enum Attached<const K: usize> {}

impl<const K: usize> WeakEvent for Attached<K> {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        Some(&bus.event)
    }
}

impl<const K: usize> WeakEventListener<Direct<K>> for Receiver {
    fn receive_weak_event(&self, _: &Bus, n: &u32) {
        self.on(n);
    }
}

impl<const K: usize> WeakEventListener<Attached<K>> for Receiver {
    fn receive_weak_event(&self, _: &Bus, n: &u32) {
        self.on(n);
    }
}

/// The handler type of the floors and the hand-rolls: the closure *is* the receiver.
pub type Handler = dyn Fn(&u32) + Send + Sync;

/// A handler that owns a fresh [`Receiver`].
pub fn handler() -> Arc<Handler> {
    let receiver = Receiver::default();
    Arc::new(move |n: &u32| receiver.on(n))
}

/// The order in which `live` live and `dead` dead registrations are made: interleaved, so that
/// dead entries are spread over the list as they are when receivers die at random.
pub fn pattern(live: usize, dead: usize) -> impl Iterator<Item = bool> {
    let (mut l, mut d) = (live, dead);
    std::iter::from_fn(move || {
        // Dead first while both remain, so that `(1, 1)` is "one dead, then one live".
        if d > 0 && (d >= l) {
            d -= 1;
            Some(false)
        } else if l > 0 {
            l -= 1;
            Some(true)
        } else {
            None
        }
    })
}

/// A contender for the delivery cases.
pub trait Deliver: Sized {
    /// Whether it holds receivers weakly (only those have a "half of them dead" case).
    const WEAK: bool;
    /// Builds it with `live` live receivers and `dead` receivers dropped without removal.
    fn build(live: usize, dead: usize) -> Self;
    /// Delivers `n` to every registration.
    fn deliver(&self, n: u32);
}

/// Builds a contender and checks that one delivery calls exactly its live receivers.
///
/// # Panics
///
/// If the contender called another number of receivers: the case would not measure what it says.
pub fn checked<C: Deliver>(live: usize, dead: usize) -> C {
    assert!(
        C::WEAK || dead == 0,
        "a strong contender has no dead receivers"
    );
    let contender = C::build(live, dead);
    let before = HITS.load(Ordering::SeqCst);
    contender.deliver(1);
    let called = HITS.load(Ordering::SeqCst) - before;
    assert_eq!(
        called,
        live as u64,
        "{}: wrong receivers called",
        std::any::type_name::<C>()
    );
    contender
}

/// Ours through a private manager in `Manual` mode, `deliver_event`.
pub struct OursPrivate<const K: usize> {
    /// The manager.
    pub manager: WeakEventManager<Direct<K>>,
    /// The source.
    pub bus: Arc<Bus>,
    _alive: Vec<Arc<Receiver>>,
}

fn register<E: WeakEvent<Source = Bus, Args = u32>>(
    manager: &WeakEventManager<E>,
    bus: &Arc<Bus>,
    live: usize,
    dead: usize,
) -> Vec<Arc<Receiver>>
where
    Receiver: WeakEventListener<E>,
{
    let mut alive = Vec::with_capacity(live);
    for is_live in pattern(live, dead) {
        let receiver = Arc::new(Receiver::default());
        manager.add_listener(bus, &receiver);
        if is_live {
            alive.push(receiver);
        }
    }
    alive
}

impl<const K: usize> Deliver for OursPrivate<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let alive = register(&manager, &bus, live, dead);
        OursPrivate {
            manager,
            bus,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.manager.deliver_event(&self.bus, &n);
    }
}

/// Ours through `WeakEventManager::<E>::current()` on every delivery, `deliver_event`.
///
/// The process-wide manager keeps the default `Background` cleanup, except in a case with dead
/// receivers, which is about delivery *before* cleanup: there it is set to `Manual`.
pub struct OursCurrent<const K: usize> {
    bus: Arc<Bus>,
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> Deliver for OursCurrent<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::<Direct<K>>::current();
        if dead > 0 {
            manager.set_cleanup_mode(Some(CleanupMode::Manual));
        }
        let bus = Arc::new(Bus::default());
        let alive = register(manager, &bus, live, dead);
        OursCurrent { bus, _alive: alive }
    }
    fn deliver(&self, n: u32) {
        WeakEventManager::<Direct<K>>::current().deliver_event(&self.bus, &n);
    }
}

/// Ours, raised through the source's own [`Event`]: the manager's forwarding handler holds the
/// source's list, so there is no table lookup. Private manager in `Manual` mode.
pub struct OursRaise<const K: usize> {
    _manager: WeakEventManager<Attached<K>>,
    bus: Arc<Bus>,
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> Deliver for OursRaise<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let alive = register(&manager, &bus, live, dead);
        OursRaise {
            _manager: manager,
            bus,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.bus.event.raise(&n);
    }
}

/// Ours, raised through the source's [`Event`], attached by the `current()` manager.
pub struct OursRaiseCurrent<const K: usize> {
    bus: Arc<Bus>,
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> Deliver for OursRaiseCurrent<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::<Attached<K>>::current();
        if dead > 0 {
            manager.set_cleanup_mode(Some(CleanupMode::Manual));
        }
        let bus = Arc::new(Bus::default());
        let alive = register(manager, &bus, live, dead);
        OursRaiseCurrent { bus, _alive: alive }
    }
    fn deliver(&self, n: u32) {
        self.bus.event.raise(&n);
    }
}

/// The floor: a bare `Vec<Weak<dyn Fn>>`, upgrade then call; no lock, no snapshot.
pub struct FloorWeak {
    list: Vec<Weak<Handler>>,
    _alive: Vec<Arc<Handler>>,
}

impl Deliver for FloorWeak {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let mut list = Vec::with_capacity(live + dead);
        let mut alive = Vec::with_capacity(live);
        for is_live in pattern(live, dead) {
            let handler = handler();
            list.push(Arc::downgrade(&handler));
            if is_live {
                alive.push(handler);
            }
        }
        FloorWeak {
            list,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        for weak in &self.list {
            if let Some(handler) = weak.upgrade() {
                handler(&n);
            }
        }
    }
}

/// The strong floor: a bare `Vec<Arc<dyn Fn>>`.
pub struct FloorStrong {
    list: Vec<Arc<Handler>>,
}

impl Deliver for FloorStrong {
    const WEAK: bool = false;
    fn build(live: usize, _dead: usize) -> Self {
        FloorStrong {
            list: (0..live).map(|_| handler()).collect(),
        }
    }
    fn deliver(&self, n: u32) {
        for handler in &self.list {
            handler(&n);
        }
    }
}

/// `signals2`: strong slots, copy-on-write slot set; each slot captures its receiver's `Arc`
/// (the usual way a handler reaches its receiver, and the leak this crate is about).
pub struct Signals2 {
    signal: Signal<(u32,)>,
    _alive: Vec<Arc<Receiver>>,
}

impl Deliver for Signals2 {
    const WEAK: bool = false;
    fn build(live: usize, _dead: usize) -> Self {
        let signal = Signal::new();
        let mut alive = Vec::with_capacity(live);
        for _ in 0..live {
            let receiver = Arc::new(Receiver::default());
            let captured = Arc::clone(&receiver);
            // Not scoped: dropping the connection leaves the slot connected.
            let _ = signal.connect(move |n: u32| captured.on(&n));
            alive.push(receiver);
        }
        Signals2 {
            signal,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.signal.emit(n);
    }
}

/// `signals2` made weak by hand: each slot captures a `Weak` of its receiver and upgrades it.
pub struct Signals2Weak {
    signal: Signal<(u32,)>,
    _alive: Vec<Arc<Receiver>>,
}

impl Deliver for Signals2Weak {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let signal = Signal::new();
        let mut alive = Vec::with_capacity(live);
        for is_live in pattern(live, dead) {
            let receiver = Arc::new(Receiver::default());
            let weak = Arc::downgrade(&receiver);
            let _ = signal.connect(move |n: u32| {
                if let Some(receiver) = weak.upgrade() {
                    receiver.on(&n);
                }
            });
            if is_live {
                alive.push(receiver);
            }
        }
        Signals2Weak {
            signal,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.signal.emit(n);
    }
}

/// `event-listener-primitives`: a `Bag` of strong handlers removed by dropping their `HandlerId`.
pub struct Elp {
    bag: Bag<Arc<Handler>, u32>,
    _ids: Vec<HandlerId>,
    _alive: Vec<Arc<Receiver>>,
}

impl Deliver for Elp {
    const WEAK: bool = false;
    fn build(live: usize, _dead: usize) -> Self {
        let bag: Bag<Arc<Handler>, u32> = Bag::default();
        let mut ids = Vec::with_capacity(live);
        let mut alive = Vec::with_capacity(live);
        for _ in 0..live {
            let receiver = Arc::new(Receiver::default());
            let captured = Arc::clone(&receiver);
            ids.push(bag.add(Arc::new(move |n: &u32| captured.on(n))));
            alive.push(receiver);
        }
        Elp {
            bag,
            _ids: ids,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.bag.call_simple(&n);
    }
}

/// The thread-safe hand-roll: `Mutex<Vec<Weak<dyn Fn>>>`, cloned under the lock, then upgraded
/// and called with the lock released.
pub struct MutexWeak {
    list: Mutex<Vec<Weak<Handler>>>,
    _alive: Vec<Arc<Handler>>,
}

impl Deliver for MutexWeak {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let FloorWeak { list, _alive } = FloorWeak::build(live, dead);
        MutexWeak {
            list: Mutex::new(list),
            _alive,
        }
    }
    fn deliver(&self, n: u32) {
        let snapshot = self.list.lock().unwrap().clone();
        for weak in &snapshot {
            if let Some(handler) = weak.upgrade() {
                handler(&n);
            }
        }
    }
}

/// The other hand-roll: `RwLock<Vec<Weak<dyn Fn>>>`, upgraded and called under the read lock
/// (so a handler that subscribes deadlocks; it is here for its speed).
pub struct RwLockWeak {
    list: RwLock<Vec<Weak<Handler>>>,
    _alive: Vec<Arc<Handler>>,
}

impl Deliver for RwLockWeak {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let FloorWeak { list, _alive } = FloorWeak::build(live, dead);
        RwLockWeak {
            list: RwLock::new(list),
            _alive,
        }
    }
    fn deliver(&self, n: u32) {
        let list = self.list.read().unwrap();
        for weak in list.iter() {
            if let Some(handler) = weak.upgrade() {
                handler(&n);
            }
        }
    }
}

/// A contender for the add-then-remove cases: a source already holding `n` live listeners.
pub trait Churn: Sized {
    /// Builds it with `n` live registrations.
    fn build(n: usize) -> Self;
    /// Adds one registration and removes it again; true if the removal found it.
    fn add_remove(&mut self) -> bool;
}

/// What every `Churn` for ours holds: a private `Manual` manager (or `current()`), a source with
/// `n` listeners, and the receiver that comes and goes.
pub struct OursChurn<const K: usize> {
    manager: Option<WeakEventManager<Direct<K>>>,
    bus: Arc<Bus>,
    extra: Arc<Receiver>,
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> OursChurn<K> {
    fn new(n: usize, current: bool) -> Self {
        let manager = (!current).then(|| WeakEventManager::with_cleanup(CleanupMode::Manual));
        let bus = Arc::new(Bus::default());
        let alive = {
            let m = manager
                .as_ref()
                .unwrap_or_else(|| WeakEventManager::<Direct<K>>::current());
            register(m, &bus, n, 0)
        };
        OursChurn {
            manager,
            bus,
            extra: Arc::new(Receiver::default()),
            _alive: alive,
        }
    }

    fn manager(&self) -> &WeakEventManager<Direct<K>> {
        self.manager
            .as_ref()
            .unwrap_or_else(|| WeakEventManager::<Direct<K>>::current())
    }

    /// The listener count on the source (to check a case left the list as it found it).
    pub fn len(&self) -> usize {
        self.manager().listener_count(&self.bus)
    }

    /// Whether the source has no listener.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Ours: `subscribe`, then drop the guard (remove by id, O(log n)). Private manager.
pub struct OursSubscribe<const K: usize>(pub OursChurn<K>);

impl<const K: usize> Churn for OursSubscribe<K> {
    fn build(n: usize) -> Self {
        OursSubscribe(OursChurn::new(n, false))
    }
    fn add_remove(&mut self) -> bool {
        let c = &self.0;
        let guard: Subscription = c.manager().subscribe(&c.bus, &c.extra);
        guard.unsubscribe()
    }
}

/// Ours: `subscribe` then drop the guard, through `current()` (Background cleanup).
pub struct OursSubscribeCurrent<const K: usize>(pub OursChurn<K>);

impl<const K: usize> Churn for OursSubscribeCurrent<K> {
    fn build(n: usize) -> Self {
        OursSubscribeCurrent(OursChurn::new(n, true))
    }
    fn add_remove(&mut self) -> bool {
        let c = &self.0;
        let manager = WeakEventManager::<Direct<K>>::current();
        manager.subscribe(&c.bus, &c.extra).unsubscribe()
    }
}

/// Ours: `add_handler`, then `remove_registration` by id (binary search, O(log n)).
pub struct OursHandlerId<const K: usize>(pub OursChurn<K>);

impl<const K: usize> Churn for OursHandlerId<K> {
    fn build(n: usize) -> Self {
        OursHandlerId(OursChurn::new(n, false))
    }
    fn add_remove(&mut self) -> bool {
        let c = &self.0;
        let manager = c.manager();
        let id = manager.add_handler(&c.bus, &c.extra, |receiver, _, n| receiver.on(n));
        manager.remove_registration(&c.bus, id)
    }
}

/// Ours: `add_listener`, then `remove_listener` by identity. The scan runs from the newest
/// registration, so removing the one just added finds it first; see [`OursRemoveMiss`] for the
/// scan's O(n) cost.
pub struct OursRemoveListener<const K: usize>(pub OursChurn<K>);

impl<const K: usize> Churn for OursRemoveListener<K> {
    fn build(n: usize) -> Self {
        OursRemoveListener(OursChurn::new(n, false))
    }
    fn add_remove(&mut self) -> bool {
        let c = &self.0;
        let manager = c.manager();
        manager.add_listener(&c.bus, &c.extra);
        manager.remove_listener(&c.bus, &c.extra)
    }
}

/// Ours: `remove_listener` of a listener that is not registered: the by-identity scan over the
/// whole list (O(n) by design). Not an add+remove: it reports the scan's cost alone.
pub struct OursRemoveMiss<const K: usize>(pub OursChurn<K>);

impl<const K: usize> Churn for OursRemoveMiss<K> {
    fn build(n: usize) -> Self {
        OursRemoveMiss(OursChurn::new(n, false))
    }
    fn add_remove(&mut self) -> bool {
        let c = &self.0;
        // `extra` was never added: the scan visits every registration and finds none.
        !c.manager().remove_listener(&c.bus, &c.extra)
    }
}

/// `signals2`: `connect`, then `disconnect` (each copies the slot set: O(n)).
pub struct Signals2Churn {
    signal: Signal<(u32,)>,
    extra: Arc<Receiver>,
    _alive: Vec<Arc<Receiver>>,
}

impl Churn for Signals2Churn {
    fn build(n: usize) -> Self {
        let Signals2 { signal, _alive } = Signals2::build(n, 0);
        Signals2Churn {
            signal,
            extra: Arc::new(Receiver::default()),
            _alive,
        }
    }
    fn add_remove(&mut self) -> bool {
        let captured = Arc::clone(&self.extra);
        let connection = self.signal.connect(move |n: u32| captured.on(&n));
        connection.disconnect();
        !connection.connected()
    }
}

/// `event-listener-primitives`: `add`, then drop the `HandlerId` (hash map, O(1)).
pub struct ElpChurn {
    bag: Bag<Arc<Handler>, u32>,
    extra: Arc<Handler>,
    _ids: Vec<HandlerId>,
}

impl Churn for ElpChurn {
    fn build(n: usize) -> Self {
        let bag: Bag<Arc<Handler>, u32> = Bag::default();
        let ids = (0..n).map(|_| bag.add(handler())).collect();
        ElpChurn {
            bag,
            extra: handler(),
            _ids: ids,
        }
    }
    fn add_remove(&mut self) -> bool {
        drop(self.bag.add(Arc::clone(&self.extra)));
        true
    }
}

/// Removes the registration of `handler` from a hand-rolled list, keeping the others' order:
/// the by-identity scan such a list needs (O(n)).
fn remove_weak(list: &mut Vec<Weak<Handler>>, handler: &Arc<Handler>) -> bool {
    let target = Arc::downgrade(handler);
    match list.iter().position(|weak| Weak::ptr_eq(weak, &target)) {
        Some(index) => {
            list.remove(index);
            true
        }
        None => false,
    }
}

/// The floor's add+remove: push a `Weak`, then find it by identity and remove it; no lock.
pub struct FloorWeakChurn {
    list: Vec<Weak<Handler>>,
    extra: Arc<Handler>,
    _alive: Vec<Arc<Handler>>,
}

impl Churn for FloorWeakChurn {
    fn build(n: usize) -> Self {
        let FloorWeak { list, _alive } = FloorWeak::build(n, 0);
        FloorWeakChurn {
            list,
            extra: handler(),
            _alive,
        }
    }
    fn add_remove(&mut self) -> bool {
        self.list.push(Arc::downgrade(&self.extra));
        remove_weak(&mut self.list, &self.extra)
    }
}

/// The strong floor's add+remove: push an `Arc`, then find it by identity and remove it.
pub struct FloorStrongChurn {
    list: Vec<Arc<Handler>>,
    extra: Arc<Handler>,
}

impl Churn for FloorStrongChurn {
    fn build(n: usize) -> Self {
        FloorStrongChurn {
            list: FloorStrong::build(n, 0).list,
            extra: handler(),
        }
    }
    fn add_remove(&mut self) -> bool {
        self.list.push(Arc::clone(&self.extra));
        match self.list.iter().position(|h| Arc::ptr_eq(h, &self.extra)) {
            Some(index) => {
                self.list.remove(index);
                true
            }
            None => false,
        }
    }
}

/// `Mutex<Vec<Weak<dyn Fn>>>`: push under the lock, then scan and remove under the lock.
pub struct MutexWeakChurn {
    list: Mutex<Vec<Weak<Handler>>>,
    extra: Arc<Handler>,
    _alive: Vec<Arc<Handler>>,
}

impl Churn for MutexWeakChurn {
    fn build(n: usize) -> Self {
        let MutexWeak { list, _alive } = MutexWeak::build(n, 0);
        MutexWeakChurn {
            list,
            extra: handler(),
            _alive,
        }
    }
    fn add_remove(&mut self) -> bool {
        self.list.lock().unwrap().push(Arc::downgrade(&self.extra));
        remove_weak(&mut self.list.lock().unwrap(), &self.extra)
    }
}

/// `RwLock<Vec<Weak<dyn Fn>>>`: push under the write lock, then scan and remove under it.
pub struct RwLockWeakChurn {
    list: RwLock<Vec<Weak<Handler>>>,
    extra: Arc<Handler>,
    _alive: Vec<Arc<Handler>>,
}

impl Churn for RwLockWeakChurn {
    fn build(n: usize) -> Self {
        let RwLockWeak { list, _alive } = RwLockWeak::build(n, 0);
        RwLockWeakChurn {
            list,
            extra: handler(),
            _alive,
        }
    }
    fn add_remove(&mut self) -> bool {
        self.list.write().unwrap().push(Arc::downgrade(&self.extra));
        remove_weak(&mut self.list.write().unwrap(), &self.extra)
    }
}

thread_local! {
    static SLOT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The slot (0 or 1) of the calling thread, which picks its copy in [`Pair`] and its source in
/// the `*Pair` contenders; 0 unless [`set_thread_slot`] said otherwise.
pub fn thread_slot() -> usize {
    SLOT.with(std::cell::Cell::get)
}

/// Sets the calling thread's slot (0 or 1).
pub fn set_thread_slot(slot: usize) {
    assert!(slot < 2, "two slots");
    SLOT.with(|cell| cell.set(slot));
}

/// Two independent copies of a contender; each thread delivers to the copy of its
/// [`thread_slot`]. For the contenders that have no state shared between lists.
pub struct Pair<C>([C; 2]);

impl<C: Deliver> Deliver for Pair<C> {
    const WEAK: bool = C::WEAK;
    fn build(live: usize, dead: usize) -> Self {
        Pair([C::build(live, dead), C::build(live, dead)])
    }
    fn deliver(&self, n: u32) {
        self.0[thread_slot()].deliver(n);
    }
}

/// Ours: one private manager, two sources with their own listeners; each thread delivers to
/// the source of its [`thread_slot`]. What the threads share is the crate's: the manager and
/// its table.
pub struct OursPrivatePair<const K: usize> {
    manager: WeakEventManager<Direct<K>>,
    buses: [Arc<Bus>; 2],
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> Deliver for OursPrivatePair<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::with_cleanup(CleanupMode::Manual);
        let buses = [Arc::new(Bus::default()), Arc::new(Bus::default())];
        let mut alive = register(&manager, &buses[0], live, dead);
        alive.extend(register(&manager, &buses[1], live, dead));
        OursPrivatePair {
            manager,
            buses,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.manager.deliver_event(&self.buses[thread_slot()], &n);
    }
}

/// Ours through `current()`: two sources, each thread delivers to its own; the threads share
/// the process-wide registry, the manager and its table.
pub struct OursCurrentPair<const K: usize> {
    buses: [Arc<Bus>; 2],
    _alive: Vec<Arc<Receiver>>,
}

impl<const K: usize> Deliver for OursCurrentPair<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = WeakEventManager::<Direct<K>>::current();
        let buses = [Arc::new(Bus::default()), Arc::new(Bus::default())];
        let mut alive = register(manager, &buses[0], live, dead);
        alive.extend(register(manager, &buses[1], live, dead));
        OursCurrentPair {
            buses,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        WeakEventManager::<Direct<K>>::current().deliver_event(&self.buses[thread_slot()], &n);
    }
}

/// The thread-affine flavour's kind delivered with `deliver_event`.
#[derive(Debug)]
pub enum LocalDirect<const K: usize> {}

impl<const K: usize> weak_events::unsync::WeakEvent for LocalDirect<K> {
    type Source = LocalBus;
    type Args = u32;
}

/// The thread-affine flavour's kind attached to the source's `unsync::Event`.
#[derive(Debug)]
pub enum LocalAttached<const K: usize> {}

impl<const K: usize> weak_events::unsync::WeakEvent for LocalAttached<K> {
    type Source = LocalBus;
    type Args = u32;
    fn event(bus: &LocalBus) -> Option<&weak_events::unsync::Event<u32>> {
        Some(&bus.event)
    }
}

/// A sender of the thread-affine flavour.
#[derive(Debug, Default)]
pub struct LocalBus {
    /// The sender's own event.
    pub event: weak_events::unsync::Event<u32>,
}

impl<const K: usize> weak_events::unsync::WeakEventListener<LocalDirect<K>> for Receiver {
    fn receive_weak_event(&self, _: &LocalBus, n: &u32) {
        self.on(n);
    }
}

impl<const K: usize> weak_events::unsync::WeakEventListener<LocalAttached<K>> for Receiver {
    fn receive_weak_event(&self, _: &LocalBus, n: &u32) {
        self.on(n);
    }
}

fn register_local<E: weak_events::unsync::WeakEvent<Source = LocalBus, Args = u32>>(
    manager: &weak_events::unsync::WeakEventManager<E>,
    bus: &Rc<LocalBus>,
    live: usize,
    dead: usize,
) -> Vec<Rc<Receiver>>
where
    Receiver: weak_events::unsync::WeakEventListener<E>,
{
    let mut alive = Vec::with_capacity(live);
    for is_live in pattern(live, dead) {
        let receiver = Rc::new(Receiver::default());
        manager.add_listener(bus, &receiver);
        if is_live {
            alive.push(receiver);
        }
    }
    alive
}

/// Ours, thread-affine: a private `unsync` manager, `deliver_event`.
pub struct LocalPrivate<const K: usize> {
    manager: weak_events::unsync::WeakEventManager<LocalDirect<K>>,
    bus: Rc<LocalBus>,
    _alive: Vec<Rc<Receiver>>,
}

impl<const K: usize> Deliver for LocalPrivate<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = weak_events::unsync::WeakEventManager::new();
        let bus = Rc::new(LocalBus::default());
        let alive = register_local(&manager, &bus, live, dead);
        LocalPrivate {
            manager,
            bus,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.manager.deliver_event(&self.bus, &n);
    }
}

/// Ours, thread-affine, through this thread's `current()` on every delivery.
pub struct LocalCurrent<const K: usize> {
    bus: Rc<LocalBus>,
    _alive: Vec<Rc<Receiver>>,
}

impl<const K: usize> Deliver for LocalCurrent<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = weak_events::unsync::WeakEventManager::<LocalDirect<K>>::current();
        let bus = Rc::new(LocalBus::default());
        let alive = register_local(&manager, &bus, live, dead);
        LocalCurrent { bus, _alive: alive }
    }
    fn deliver(&self, n: u32) {
        weak_events::unsync::WeakEventManager::<LocalDirect<K>>::current()
            .deliver_event(&self.bus, &n);
    }
}

/// Ours, thread-affine, raised through the source's `unsync::Event` (no table lookup).
pub struct LocalRaise<const K: usize> {
    _manager: weak_events::unsync::WeakEventManager<LocalAttached<K>>,
    bus: Rc<LocalBus>,
    _alive: Vec<Rc<Receiver>>,
}

impl<const K: usize> Deliver for LocalRaise<K> {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let manager = weak_events::unsync::WeakEventManager::new();
        let bus = Rc::new(LocalBus::default());
        let alive = register_local(&manager, &bus, live, dead);
        LocalRaise {
            _manager: manager,
            bus,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        self.bus.event.raise(&n);
    }
}

/// The handler type of the thread-affine floor.
pub type LocalHandler = dyn Fn(&u32);

/// The thread-affine floor: a bare `Vec<rc::Weak<dyn Fn>>`, upgrade then call.
pub struct FloorRcWeak {
    list: Vec<std::rc::Weak<LocalHandler>>,
    _alive: Vec<Rc<LocalHandler>>,
}

impl Deliver for FloorRcWeak {
    const WEAK: bool = true;
    fn build(live: usize, dead: usize) -> Self {
        let mut list = Vec::with_capacity(live + dead);
        let mut alive = Vec::with_capacity(live);
        for is_live in pattern(live, dead) {
            let receiver = Receiver::default();
            let handler: Rc<LocalHandler> = Rc::new(move |n: &u32| receiver.on(n));
            list.push(Rc::downgrade(&handler));
            if is_live {
                alive.push(handler);
            }
        }
        FloorRcWeak {
            list,
            _alive: alive,
        }
    }
    fn deliver(&self, n: u32) {
        for weak in &self.list {
            if let Some(handler) = weak.upgrade() {
                handler(&n);
            }
        }
    }
}
