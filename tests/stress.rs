//! Stress with counted invariants: 2 to 8 threads mixing every operation for a fixed number of
//! operations, and panicking listeners on several threads at once.
//!
//! Invariants checked:
//! - no delivery that started after a removal returned calls the removed registration;
//! - every registration alive and registered for the whole run is called exactly once per
//!   delivery to its source;
//! - once every receiver and source is dropped and a full pass ran, the table is empty.

mod common;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use common::{Bus, Direct, Ping, Rng};
use weak_events::{CleanupMode, Subscription, WeakEventListener, WeakEventManager};

const OPS_PER_THREAD: usize = 3_000;
const PERMANENT: usize = 4;

/// Delivery epochs: a delivery takes a ticket before it starts; a removal notes the ticket
/// counter after it returned. A delivery whose ticket is at least that number started after the
/// removal returned and must not call the removed registration.
static EPOCH: AtomicU64 = AtomicU64::new(0);
/// Violations seen by any stress run of this binary (never reset: one fails them all).
static VIOLATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TICKET: Cell<u64> = const { Cell::new(0) };
}

struct Churned {
    /// `u64::MAX` until removed; then the epoch read after the removal returned.
    removed_at: AtomicU64,
    calls: AtomicUsize,
}

impl Churned {
    fn new() -> Arc<Churned> {
        Arc::new(Churned {
            removed_at: AtomicU64::new(u64::MAX),
            calls: AtomicUsize::new(0),
        })
    }

    fn removed(&self) {
        self.removed_at
            .store(EPOCH.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

impl Churned {
    fn hit(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if TICKET.with(Cell::get) >= self.removed_at.load(Ordering::SeqCst) {
            VIOLATIONS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl<E: weak_events::WeakEvent> WeakEventListener<E> for Churned {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        self.hit();
    }
}

fn deliver(manager: &WeakEventManager<Direct>, bus: &Bus) {
    TICKET.with(|t| t.set(EPOCH.fetch_add(1, Ordering::SeqCst)));
    manager.deliver_event(bus, &0);
}

fn stress(threads: usize) {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Background);
    let buses: Vec<_> = (0..3).map(|_| Bus::new()).collect();
    let permanent: Vec<_> = (0..PERMANENT).map(|_| Churned::new()).collect();
    for bus in &buses {
        for p in &permanent {
            manager.add_listener(bus, p);
        }
    }
    let delivered: Vec<AtomicUsize> = buses.iter().map(|_| AtomicUsize::new(0)).collect();
    let barrier = Barrier::new(threads);

    std::thread::scope(|scope| {
        for t in 0..threads {
            let (manager, buses, delivered, barrier) = (&manager, &buses, &delivered, &barrier);
            scope.spawn(move || {
                let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ ((t as u64 + 1) * 0x9E37_79B9));
                let mut held: Vec<(usize, Arc<Churned>)> = Vec::new();
                let mut guards: Vec<(Arc<Churned>, Subscription)> = Vec::new();
                let mut ids = Vec::new();
                barrier.wait();
                for _ in 0..OPS_PER_THREAD {
                    let b = (rng.next() % buses.len() as u64) as usize;
                    let bus = &buses[b];
                    match rng.next() % 10 {
                        0..=2 => {
                            deliver(manager, bus);
                            delivered[b].fetch_add(1, Ordering::Relaxed);
                        }
                        3 => {
                            let r = Churned::new();
                            manager.add_listener(bus, &r);
                            held.push((b, r));
                        }
                        4 => {
                            let r = Churned::new();
                            let id = manager.add_handler(bus, &r, |r, _, _| r.hit());
                            ids.push((b, id, r));
                        }
                        5 => {
                            let r = Churned::new();
                            guards.push((Arc::clone(&r), manager.subscribe(bus, &r)));
                        }
                        6 => {
                            if let Some((b, r)) = held.pop() {
                                assert!(manager.remove_listener(&buses[b], &r));
                                r.removed();
                            }
                        }
                        7 => {
                            if let Some((b, id, r)) = ids.pop() {
                                assert!(manager.remove_registration(&buses[b], id));
                                r.removed();
                            }
                        }
                        8 => {
                            if let Some((r, guard)) = guards.pop() {
                                assert!(guard.unsubscribe());
                                r.removed();
                            }
                        }
                        _ => {
                            // Drop receivers without removing them, and ask for cleanup.
                            held.clear();
                            if rng.next() % 4 == 0 {
                                manager.schedule_cleanup();
                            } else {
                                manager.purge();
                            }
                        }
                    }
                }
            });
        }
    });

    assert_eq!(
        VIOLATIONS.load(Ordering::SeqCst),
        0,
        "a removed registration was called"
    );
    let total: usize = delivered.iter().map(|d| d.load(Ordering::Relaxed)).sum();
    for p in &permanent {
        assert_eq!(
            p.calls.load(Ordering::Relaxed),
            total,
            "a permanent listener missed or repeated"
        );
    }
    drop(permanent);
    drop(buses);
    manager.purge();
    let stats = manager.stats();
    assert_eq!((stats.sources, stats.registrations), (0, 0), "{stats:?}");
}

#[test]
fn stress_2_threads() {
    stress(2);
}

#[test]
fn stress_4_threads() {
    stress(4);
}

#[test]
fn stress_8_threads() {
    stress(8);
}

#[test]
fn panicking_listeners_on_several_threads_leave_the_manager_consistent() {
    const THREADS: usize = 4;
    const DELIVERIES: usize = 1_000;
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline);
    let bus = Bus::new();
    let before = Arc::new(AtomicUsize::new(0));
    let after = Arc::new(AtomicUsize::new(0));
    manager.add_handler(&bus, &before, |c, _, _| {
        c.fetch_add(1, Ordering::Relaxed);
    });
    let bomb = Arc::new(AtomicBool::new(true));
    manager.add_handler(&bus, &bomb, |armed, _, _| {
        if armed.load(Ordering::Relaxed) {
            panic!("listener failure");
        }
    });
    manager.add_handler(&bus, &after, |c, _, _| {
        c.fetch_add(1, Ordering::Relaxed);
    });
    let panics = AtomicUsize::new(0);
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // thousands of expected panics: keep the log quiet

    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (manager, bus, panics) = (&manager, &bus, &panics);
            scope.spawn(move || {
                let mut churn = Vec::new();
                for i in 0..DELIVERIES {
                    if t % 2 == 0 {
                        if catch_unwind(AssertUnwindSafe(|| bus.ping.raise(&0))).is_err() {
                            panics.fetch_add(1, Ordering::Relaxed);
                        }
                    } else {
                        // Others add and remove at the same time.
                        let r = Arc::new(());
                        let id = manager.add_handler(bus, &r, |_, _, _| {});
                        if i % 2 == 0 {
                            assert!(manager.remove_registration(bus, id));
                        }
                        churn.push(r);
                        if churn.len() > 8 {
                            churn.remove(0);
                        }
                    }
                }
            });
        }
    });
    std::panic::set_hook(previous_hook);

    let raises = THREADS.div_ceil(2) * DELIVERIES;
    assert_eq!(
        panics.load(Ordering::Relaxed),
        raises,
        "every raise surfaced its panic"
    );
    assert_eq!(before.load(Ordering::Relaxed), raises);
    assert_eq!(
        after.load(Ordering::Relaxed),
        raises,
        "the listener after the bomb always ran"
    );

    // Still fully usable: disarm, deliver, remove, purge.
    bomb.store(false, Ordering::Relaxed);
    bus.ping.raise(&0);
    assert_eq!(after.load(Ordering::Relaxed), raises + 1);
    manager.purge();
    assert_eq!(manager.listener_count(&bus), 3);
}
