//! Concurrency with counted invariants: deliveries racing adds, removals and receiver drops.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use common::*;
use weak_events::{Subscription, WeakEventManager};

const DELIVERERS: usize = 4;
const CHURNERS: usize = 4;
const DELIVERIES_PER_THREAD: usize = 5_000;
const CHURN_OPS_PER_THREAD: usize = 5_000;
const PERMANENT: usize = 8;

#[test]
fn permanent_listeners_get_every_delivery_while_others_churn() {
    // The process-wide manager with background cleanup: the worker runs passes concurrently too.
    let manager: &WeakEventManager<Ping> = WeakEventManager::current();
    let direct: &WeakEventManager<Direct> = WeakEventManager::current();
    let buses = [Bus::new(), Bus::new()];
    let log = log();
    let permanent: Vec<_> = (0..PERMANENT).map(|i| Recorder::new(i, &log)).collect();
    for bus in &buses {
        for listener in &permanent {
            manager.add_listener(bus, listener);
        }
    }
    // Handlers on `direct` count without logging (the log would dominate the run).
    let counters: Vec<_> = (0..PERMANENT)
        .map(|_| Arc::new(AtomicUsize::new(0)))
        .collect();
    for counter in &counters {
        direct.add_handler(&buses[0], counter, |c, _, _| {
            c.fetch_add(1, Ordering::Relaxed);
        });
    }
    let delivered = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let direct_delivered = AtomicUsize::new(0);
    let barrier = Barrier::new(DELIVERERS + CHURNERS);

    std::thread::scope(|scope| {
        for t in 0..DELIVERERS {
            let (buses, delivered, barrier) = (&buses, &delivered, &barrier);
            let direct_delivered = &direct_delivered;
            scope.spawn(move || {
                barrier.wait();
                for i in 0..DELIVERIES_PER_THREAD {
                    let which = (i + t) % 2;
                    buses[which].ping.raise(&0);
                    delivered[which].fetch_add(1, Ordering::Relaxed);
                    if i % 4 == 0 {
                        direct.deliver_event(&buses[0], &0);
                        direct_delivered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        for t in 0..CHURNERS {
            let (buses, barrier) = (&buses, &barrier);
            scope.spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ t as u64);
                let churn_log = common::log();
                let mut held = Vec::new();
                let mut guards: Vec<Subscription> = Vec::new();
                barrier.wait();
                for i in 0..CHURN_OPS_PER_THREAD {
                    let bus = &buses[(rng.next() % 2) as usize];
                    match rng.next() % 6 {
                        0 | 1 => {
                            let r = Recorder::new(1000 + i, &churn_log);
                            manager.add_listener(bus, &r);
                            held.push((Arc::clone(bus), r));
                        }
                        2 => {
                            let r = Recorder::new(2000 + i, &churn_log);
                            guards.push(manager.subscribe(bus, &r));
                            held.push((Arc::clone(bus), r));
                        }
                        3 => {
                            if let Some((bus, r)) = held.pop() {
                                // Either an identity removal or a drop without removal.
                                if rng.next() % 2 == 0 {
                                    // Guarded ones may be removed by identity too; then the
                                    // guard's own removal later finds nothing, harmlessly.
                                    let _ = manager.remove_listener(&bus, &r);
                                }
                            }
                        }
                        4 => {
                            guards.pop();
                        }
                        _ => {
                            let c = Arc::new(AtomicUsize::new(0));
                            let id = direct.add_handler(bus, &c, |c, _, _| {
                                c.fetch_add(1, Ordering::Relaxed);
                            });
                            if rng.next() % 2 == 0 {
                                assert!(direct.remove_registration(bus, id));
                            }
                        }
                    }
                }
            });
        }
    });

    for listener in &permanent {
        let expected = delivered[0].load(Ordering::Relaxed) + delivered[1].load(Ordering::Relaxed);
        assert_eq!(
            listener.calls(),
            expected,
            "listener {} missed or repeated",
            listener.name
        );
    }
    for counter in &counters {
        assert_eq!(
            counter.load(Ordering::Relaxed),
            direct_delivered.load(Ordering::Relaxed)
        );
    }

    // Every churned receiver is gone now; after a full pass only the permanent ones remain.
    manager.purge();
    direct.purge();
    for bus in &buses {
        assert_eq!(manager.listener_count(bus), PERMANENT);
    }
    assert_eq!(direct.listener_count(&buses[0]), PERMANENT);
    assert_eq!(direct.listener_count(&buses[1]), 0);
    assert_eq!(buses[1].ping.handler_count(), 1);
    for bus in &buses {
        for listener in &permanent {
            assert!(manager.remove_listener(bus, listener));
        }
        assert!(bus.ping.is_empty(), "detached once the last listener went");
    }
}

#[test]
fn current_is_one_manager_for_every_thread_whichever_made_it() {
    // A kind no other test uses, so its manager is made here: eight threads race to make it,
    // each then asks again (its own copy of the lookup) and registers through what it got.
    enum Fresh {}
    impl weak_events::WeakEvent for Fresh {
        type Source = Bus;
        type Args = ();
    }

    let bus = Bus::new();
    let log = log();
    let start = Barrier::new(8);
    let seen: Vec<(usize, _)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|i| {
                let (bus, log, start) = (&bus, &log, &start);
                scope.spawn(move || {
                    start.wait();
                    let first: *const WeakEventManager<Fresh> = WeakEventManager::current();
                    let again: *const WeakEventManager<Fresh> = WeakEventManager::current();
                    assert_eq!(first, again, "thread {i}: a second call answers the same");
                    let listener = Recorder::new(i, log);
                    WeakEventManager::<Fresh>::current().add_listener(bus, &listener);
                    // Kept alive until counted below.
                    (first as usize, listener)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let managers: Vec<usize> = seen.iter().map(|(manager, _)| *manager).collect();
    assert!(
        managers.windows(2).all(|w| w[0] == w[1]),
        "one manager: {managers:?}"
    );
    assert_eq!(
        WeakEventManager::<Fresh>::current().listener_count(&bus),
        8,
        "every thread's registration is in the one table"
    );
}
