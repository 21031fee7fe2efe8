//! Bytes per registration and allocations per delivery, counted by a global allocator.
//!
//! Not a divan benchmark: these are counts, not times. The allocator counts only on the thread
//! that armed it (the cleanup worker and divan's own threads never count), and only what is
//! *requested* (`Layout::size`), not what the system allocator rounds it up to.
//!
//! - Bytes per registration: `N` registrations on one source, receivers made beforehand (a
//!   receiver is the application's, not the registration's). `net` is what stays allocated
//!   afterwards divided by `N` (the registration's footprint, growth slack of vectors included);
//!   `gross` is everything requested on the way (copy-on-write copies included); `allocs` counts
//!   allocation calls. Handles the API gives back are kept, since a registration that can be
//!   removed needs its handle; `handle` is their size on the caller's side.
//! - Allocations per delivery: 128 live listeners (and 64 live + 64 dead for the weak ones),
//!   1,000 deliveries after a warm-up, counted on the delivering thread.
//!
//! Lines starting with `@row` are what `report.py` reads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::mem::size_of;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use event_listener_primitives::{Bag, HandlerId};
use signals2::{Connect1, Connection, Signal};
use weak_events::{CleanupMode, RegistrationId, Subscription, WeakEventManager};
use weak_events_benches::*;

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static GROSS: AtomicU64 = AtomicU64::new(0);
static NET: AtomicI64 = AtomicI64::new(0);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

fn armed() -> bool {
    ARMED.try_with(Cell::get).unwrap_or(false)
}

fn note_alloc(size: usize) {
    if armed() {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        GROSS.fetch_add(size as u64, Ordering::Relaxed);
        NET.fetch_add(size as i64, Ordering::Relaxed);
    }
}

// SAFETY: every call goes to `System` unchanged; this only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if armed() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            GROSS.fetch_add(new_size as u64, Ordering::Relaxed);
            NET.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if armed() {
            NET.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Clone, Copy, Debug)]
struct Tally {
    allocs: u64,
    gross: u64,
    net: i64,
}

/// Counts what `f` allocates on this thread; returns its result too (dropped by the caller,
/// outside the count, so that `net` is what the result keeps).
fn count<R>(f: impl FnOnce() -> R) -> (R, Tally) {
    let (a, g, n) = (
        ALLOCS.load(Ordering::SeqCst),
        GROSS.load(Ordering::SeqCst),
        NET.load(Ordering::SeqCst),
    );
    ARMED.with(|armed| armed.set(true));
    let result = f();
    ARMED.with(|armed| armed.set(false));
    let tally = Tally {
        allocs: ALLOCS.load(Ordering::SeqCst) - a,
        gross: GROSS.load(Ordering::SeqCst) - g,
        net: NET.load(Ordering::SeqCst) - n,
    };
    (result, tally)
}

/// Registrations per measurement.
const N: usize = 10_000;

fn receivers() -> Vec<Arc<Receiver>> {
    (0..N).map(|_| Arc::new(Receiver::default())).collect()
}

fn handlers() -> Vec<Arc<Handler>> {
    (0..N).map(|_| handler()).collect()
}

fn registration_row(name: &str, handle: usize, tally: Tally) {
    registration_row_n(name, N, handle, tally);
}

fn registration_row_n(name: &str, n: usize, handle: usize, tally: Tally) {
    let per = |x: f64| x / n as f64;
    println!(
        "@row bytes_per_registration {name} net={:.1} gross={:.1} allocs={:.2} handle={handle}",
        per(tally.net as f64),
        per(tally.gross as f64),
        per(tally.allocs as f64),
    );
}

fn bytes_per_registration() {
    // Ours: N listeners on one source, ids (Copy, 8 bytes) discarded; and 8,192, where the
    // source's vector of slots is exactly full (no growth slack).
    for (n, name) in [(N, "ours_add_listener"), (8_192, "ours_add_listener_8192")] {
        let manager = WeakEventManager::<Direct<20>>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let receivers: Vec<_> = (0..n).map(|_| Arc::new(Receiver::default())).collect();
        let ((), tally) = count(|| {
            for r in &receivers {
                black_box(manager.add_listener(&bus, r));
            }
        });
        registration_row_n(name, n, size_of::<RegistrationId>(), tally);
    }
    // Ours, thread-affine: the same 8,192 on one `Rc` source.
    {
        let manager = weak_events::unsync::WeakEventManager::<LocalDirect<20>>::new();
        let bus = std::rc::Rc::new(LocalBus::default());
        let receivers: Vec<_> = (0..8_192)
            .map(|_| std::rc::Rc::new(Receiver::default()))
            .collect();
        let ((), tally) = count(|| {
            for r in &receivers {
                black_box(manager.add_listener(&bus, r));
            }
        });
        registration_row_n(
            "unsync_add_listener_8192",
            8_192,
            size_of::<RegistrationId>(),
            tally,
        );
    }
    // Ours: the same 8,192, then one removal by identity of a receiver that is not registered:
    // it builds the identity index over all of them and removes nothing.
    {
        let manager = WeakEventManager::<Direct<25>>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let receivers: Vec<_> = (0..8_192).map(|_| Arc::new(Receiver::default())).collect();
        let stranger = Arc::new(Receiver::default());
        let ((), tally) = count(|| {
            for r in &receivers {
                black_box(manager.add_listener(&bus, r));
            }
            assert!(!manager.remove_listener(&bus, &stranger));
        });
        registration_row_n(
            "ours_add_listener_8192_indexed",
            8_192,
            size_of::<RegistrationId>(),
            tally,
        );
    }
    // Ours: `subscribe`, the guards kept in a vector made beforehand.
    {
        let manager = WeakEventManager::<Direct<21>>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let receivers = receivers();
        let mut guards: Vec<Subscription> = Vec::with_capacity(N);
        let ((), tally) = count(|| {
            for r in &receivers {
                guards.push(manager.subscribe(&bus, r));
            }
        });
        registration_row("ours_subscribe", size_of::<Subscription>(), tally);
        drop(guards);
    }
    // Ours: `add_handler` with a plain `fn`.
    {
        let manager = WeakEventManager::<Direct<22>>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let receivers = receivers();
        let ((), tally) = count(|| {
            for r in &receivers {
                black_box(manager.add_handler(&bus, r, |r, _, n| r.on(n)));
            }
        });
        registration_row("ours_add_handler", size_of::<RegistrationId>(), tally);
    }
    // Ours: one listener on each of N sources (the source's table entry and list included).
    {
        let manager = WeakEventManager::<Direct<23>>::with_cleanup(CleanupMode::Manual);
        let buses: Vec<_> = (0..N).map(|_| Arc::new(Bus::default())).collect();
        let receivers = receivers();
        let ((), tally) = count(|| {
            for (bus, r) in buses.iter().zip(&receivers) {
                black_box(manager.add_listener(bus, r));
            }
        });
        registration_row("ours_one_per_source", size_of::<RegistrationId>(), tally);
    }
    // Ours: the same through sources' `Event`s (the forwarding handler in each one included).
    {
        let manager = WeakEventManager::<Attached<24>>::with_cleanup(CleanupMode::Manual);
        let buses: Vec<_> = (0..N).map(|_| Arc::new(Bus::default())).collect();
        let receivers = receivers();
        let ((), tally) = count(|| {
            for (bus, r) in buses.iter().zip(&receivers) {
                black_box(manager.add_listener(bus, r));
            }
        });
        registration_row(
            "ours_one_per_source_attached",
            size_of::<RegistrationId>(),
            tally,
        );
    }
    // The floor: a `Vec<Weak<dyn Fn>>` grown by `push`.
    {
        let handlers = handlers();
        let (list, tally) = count(|| {
            let mut list: Vec<Weak<Handler>> = Vec::new();
            for h in &handlers {
                list.push(Arc::downgrade(h));
            }
            list
        });
        registration_row("floor_vec_weak", 0, tally);
        drop(list);
    }
    // The strong floor: `Vec<Arc<dyn Fn>>`.
    {
        let handlers = handlers();
        let (list, tally) = count(|| {
            let mut list: Vec<Arc<Handler>> = Vec::new();
            for h in &handlers {
                list.push(Arc::clone(h));
            }
            list
        });
        registration_row("floor_vec_arc", 0, tally);
        drop(list);
    }
    // signals2, strong: a boxed closure capturing the receiver's `Arc`; connections kept.
    {
        let signal: Signal<(u32,)> = Signal::new();
        let receivers = receivers();
        let mut connections: Vec<Connection> = Vec::with_capacity(N);
        let ((), tally) = count(|| {
            for r in &receivers {
                let r = Arc::clone(r);
                connections.push(signal.connect(move |n: u32| r.on(&n)));
            }
        });
        registration_row("signals2", size_of::<Connection>(), tally);
        drop(connections);
    }
    // signals2 made weak by hand: the closure captures a `Weak`.
    {
        let signal: Signal<(u32,)> = Signal::new();
        let receivers = receivers();
        let mut connections: Vec<Connection> = Vec::with_capacity(N);
        let ((), tally) = count(|| {
            for r in &receivers {
                let w = Arc::downgrade(r);
                connections.push(signal.connect(move |n: u32| {
                    if let Some(r) = w.upgrade() {
                        r.on(&n);
                    }
                }));
            }
        });
        registration_row("signals2_weak", size_of::<Connection>(), tally);
        drop(connections);
    }
    // event-listener-primitives: an `Arc`'d closure capturing the receiver; ids kept.
    {
        let bag: Bag<Arc<Handler>, u32> = Bag::default();
        let receivers = receivers();
        let mut ids: Vec<HandlerId> = Vec::with_capacity(N);
        let ((), tally) = count(|| {
            for r in &receivers {
                let r = Arc::clone(r);
                ids.push(bag.add(Arc::new(move |n: &u32| r.on(n))));
            }
        });
        registration_row("elp", size_of::<HandlerId>(), tally);
        drop(ids);
    }
    // The hand-rolls: `Mutex<Vec<Weak>>` and `RwLock<Vec<Weak>>`, one lock per push.
    {
        let handlers = handlers();
        let list: Mutex<Vec<Weak<Handler>>> = Mutex::new(Vec::new());
        let ((), tally) = count(|| {
            for h in &handlers {
                list.lock().unwrap().push(Arc::downgrade(h));
            }
        });
        registration_row("mutex_vec_weak", 0, tally);
    }
    {
        let handlers = handlers();
        let list: RwLock<Vec<Weak<Handler>>> = RwLock::new(Vec::new());
        let ((), tally) = count(|| {
            for h in &handlers {
                list.write().unwrap().push(Arc::downgrade(h));
            }
        });
        registration_row("rwlock_vec_weak", 0, tally);
    }
}

/// Deliveries counted per contender.
const DELIVERIES: u64 = 1_000;

fn per_delivery<C: Deliver>(name: &str, live: usize, dead: usize) {
    let contender = checked::<C>(live, dead);
    for _ in 0..10 {
        contender.deliver(0);
    }
    let ((), tally) = count(|| {
        for _ in 0..DELIVERIES {
            contender.deliver(black_box(0));
        }
    });
    let case = if dead == 0 {
        "allocs_per_delivery_live"
    } else {
        "allocs_per_delivery_half_dead"
    };
    println!(
        "@row {case} {name} allocs={:.3} bytes={:.1}",
        tally.allocs as f64 / DELIVERIES as f64,
        tally.gross as f64 / DELIVERIES as f64,
    );
}

fn allocations_per_delivery() {
    per_delivery::<OursCurrent<25>>("ours_current", 128, 0);
    per_delivery::<OursPrivate<25>>("ours_private", 128, 0);
    per_delivery::<OursRaise<25>>("ours_raise_private", 128, 0);
    per_delivery::<OursRaiseCurrent<25>>("ours_raise_current", 128, 0);
    per_delivery::<LocalPrivate<25>>("unsync_private", 128, 0);
    per_delivery::<LocalCurrent<25>>("unsync_current", 128, 0);
    per_delivery::<LocalRaise<25>>("unsync_raise", 128, 0);
    per_delivery::<FloorWeak>("floor_vec_weak", 128, 0);
    per_delivery::<FloorStrong>("floor_vec_arc", 128, 0);
    per_delivery::<Signals2>("signals2", 128, 0);
    per_delivery::<Signals2Weak>("signals2_weak", 128, 0);
    per_delivery::<Elp>("elp", 128, 0);
    per_delivery::<MutexWeak>("mutex_vec_weak", 128, 0);
    per_delivery::<RwLockWeak>("rwlock_vec_weak", 128, 0);

    per_delivery::<OursCurrent<26>>("ours_current", 64, 64);
    per_delivery::<OursPrivate<26>>("ours_private", 64, 64);
    per_delivery::<OursRaise<26>>("ours_raise_private", 64, 64);
    per_delivery::<FloorWeak>("floor_vec_weak", 64, 64);
    per_delivery::<Signals2Weak>("signals2_weak", 64, 64);
    per_delivery::<MutexWeak>("mutex_vec_weak", 64, 64);
    per_delivery::<RwLockWeak>("rwlock_vec_weak", 64, 64);
}

/// A thread-safe source for the bridge row.
struct Model {
    progress: weak_events::Event<u32>,
}

enum Progress {}
impl weak_events::WeakEvent for Progress {
    type Source = Model;
    type Args = u32;
    fn event(model: &Model) -> Option<&weak_events::Event<u32>> {
        Some(&model.progress)
    }
}

/// A listener of the bridged events (a local type: the listener trait and `Receiver` are both
/// from other crates).
#[derive(Default)]
struct BridgeView(Receiver);

impl weak_events::unsync::WeakEventListener<weak_events::unsync::Bridged<Progress>> for BridgeView {
    fn receive_weak_event(&self, _: &weak_events::unsync::Bridge<Progress>, n: &u32) {
        self.0.on(n);
    }
}

/// Allocations per event bridged to a UI thread's dispatcher and drained there, at 16
/// listeners: the raise and the drain both on this thread, so that one count covers both.
fn allocations_per_bridged_event() {
    use weak_events::unsync::{Bridge, Dispatcher};
    let dispatcher = Dispatcher::new();
    let model = Arc::new(Model {
        progress: weak_events::Event::new(),
    });
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let receivers: Vec<_> = (0..16)
        .map(|_| std::rc::Rc::new(BridgeView::default()))
        .collect();
    for r in &receivers {
        bridge.add_listener(r);
    }
    for _ in 0..10 {
        model.progress.raise(&0);
        dispatcher.drain();
    }
    let ((), tally) = count(|| {
        for _ in 0..DELIVERIES {
            model.progress.raise(black_box(&0));
            dispatcher.drain();
        }
    });
    println!(
        "@row allocs_per_bridged_event ours_bridge allocs={:.3} bytes={:.1}",
        tally.allocs as f64 / DELIVERIES as f64,
        tally.gross as f64 / DELIVERIES as f64,
    );
}

/// Allocations per event delivered to a stream with room in its buffer (the argument is a
/// `u32`: its clone allocates nothing).
fn allocations_per_stream_event() {
    let manager = WeakEventManager::<Direct<27>>::with_cleanup(CleanupMode::Manual);
    let bus = Arc::new(Bus::default());
    let stream = manager.stream(&bus, DELIVERIES as usize + 20);
    for _ in 0..10 {
        manager.deliver_event(&bus, &0);
    }
    let ((), tally) = count(|| {
        for _ in 0..DELIVERIES {
            manager.deliver_event(&bus, black_box(&0));
        }
    });
    assert_eq!(stream.buffered(), DELIVERIES as usize + 10);
    println!(
        "@row allocs_per_stream_event ours_stream allocs={:.3} bytes={:.1}",
        tally.allocs as f64 / DELIVERIES as f64,
        tally.gross as f64 / DELIVERIES as f64,
    );
}

fn main() {
    println!("memory: {N} registrations per row; {DELIVERIES} deliveries per row");
    bytes_per_registration();
    allocations_per_delivery();
    allocations_per_bridged_event();
    allocations_per_stream_event();
}
