//! loom models of the crate's concurrency claims: snapshot delivery, no lock held while user
//! code runs, requests never lost, collection changes in order.
//!
//! Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --test loom -- --nocapture
//! ```
//!
//! CI runs them exhaustively (no `LOOM_MAX_PREEMPTIONS`): the largest model takes a few hundred
//! iterations. Each model prints its iteration count and time.
//!
//! Under `cfg(loom)` every lock and atomic of the crate comes from loom (see `src/sync.rs`) and
//! the table is a loom `RwLock<HashMap>`, so loom explores the interleavings of the crate's own
//! logic. Receivers and sources stay `std::sync::Arc`/`Weak` (loom has no `Weak`), which is why
//! the counters below are std atomics: they are read after `join`, which orders them.
//! Every model builds a private manager with `Inline` or `Manual` cleanup, to control its mode;
//! models over `current()` (made afresh for each execution under loom) are in
//! `loom-tests/downstream`, written as a user of the crate writes them.
#![cfg(loom)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use loom::thread;
use weak_events::{CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};

struct Bus {
    ping: Event<u32>,
}

fn bus() -> Arc<Bus> {
    Arc::new(Bus { ping: Event::new() })
}

/// Attached to `Bus::ping`: exercises attach/detach.
enum Ping {}
impl WeakEvent for Ping {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        Some(&bus.ping)
    }
}

/// Delivered with `deliver_event`: the table lookup path.
enum Direct {}
impl WeakEvent for Direct {
    type Source = Bus;
    type Args = u32;
}

#[derive(Default)]
struct Counter {
    calls: AtomicUsize,
    /// Set by a test when the counter must not be called any more.
    forbidden: AtomicBool,
}

impl Counter {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl<E: WeakEvent> WeakEventListener<E> for Counter {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        assert!(
            !self.forbidden.load(Ordering::SeqCst),
            "called after its removal returned"
        );
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

/// A shared loom atomic that threads touch around work loom cannot see (std `Arc` drops and
/// `Weak::upgrade`): the touches conflict, so loom orders that work both ways.
#[derive(Clone)]
struct Gate(Arc<loom::sync::atomic::AtomicUsize>);

impl Gate {
    fn new() -> Gate {
        Gate(Arc::new(loom::sync::atomic::AtomicUsize::new(0)))
    }

    fn pass(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A listener that passes a gate: placed before another listener, it lets loom put the other
/// thread's work in the middle of a delivery, after its snapshot was taken.
struct GateListener(Gate);

impl<E: WeakEvent> WeakEventListener<E> for GateListener {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        self.0.pass();
    }
}

/// Runs `f` under loom and prints the iteration count and time (for the issue note).
fn model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    let iterations = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&iterations);
    let started = Instant::now();
    loom::model(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        f();
    });
    println!(
        "loom model {name}: {} iterations in {:.2?} (LOOM_MAX_PREEMPTIONS={})",
        iterations.load(Ordering::Relaxed),
        started.elapsed(),
        std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "unbounded".into())
    );
}

/// A delivery sees a registration whole or not at all, never twice.
#[test]
fn add_vs_deliver() {
    model("add_vs_deliver", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Inline,
        ));
        let bus = bus();
        let early = Arc::new(Counter::default());
        manager.add_listener(&bus, &early);
        let late = Arc::new(Counter::default());

        let adder = {
            let (manager, bus, late) = (manager.clone(), bus.clone(), late.clone());
            thread::spawn(move || {
                manager.add_listener(&bus, &late);
            })
        };
        manager.deliver_event(&bus, &0);
        adder.join().unwrap();

        assert_eq!(early.calls(), 1);
        assert!(late.calls() <= 1, "called twice by one delivery");
        let before = late.calls();
        manager.deliver_event(&bus, &0);
        assert_eq!(
            late.calls(),
            before + 1,
            "a delivery after the add returned reaches it"
        );
    });
}

/// A raise reads the `Event`'s handlers and the manager's list from what earlier raises
/// published, with no lock: a handler subscribed, or a listener added, while another thread
/// raises is reached by every raise that starts after the call returned, and a raise that
/// overlaps it calls it at most once.
#[test]
fn raise_vs_subscribe_and_add() {
    model("raise_vs_subscribe_and_add", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline));
        let bus = bus();
        let early = Arc::new(Counter::default());
        manager.add_listener(&bus, &early);
        let late = Arc::new(Counter::default());
        let handled = Arc::new(AtomicUsize::new(0));

        let writer = {
            let (manager, bus, late, handled) =
                (manager.clone(), bus.clone(), late.clone(), handled.clone());
            thread::spawn(move || {
                manager.add_listener(&bus, &late);
                let _ = bus.ping.subscribe(move |_| {
                    handled.fetch_add(1, Ordering::Relaxed);
                });
            })
        };
        bus.ping.raise(&0);
        writer.join().unwrap();

        assert_eq!(early.calls(), 1);
        assert!(late.calls() <= 1, "called twice by one raise");
        let (late_before, handled_before) = (late.calls(), handled.load(Ordering::Relaxed));
        assert!(handled_before <= 1);
        bus.ping.raise(&0);
        assert_eq!(
            late.calls(),
            late_before + 1,
            "a raise after the add reaches it"
        );
        assert_eq!(
            handled.load(Ordering::Relaxed),
            handled_before + 1,
            "a raise after the subscribe reaches it"
        );
    });
}

/// A delivery that starts after `remove` returned never calls the removed listener.
#[test]
fn remove_vs_deliver() {
    model("remove_vs_deliver", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Inline,
        ));
        let bus = bus();
        let victim = Arc::new(Counter::default());
        let other = Arc::new(Counter::default());
        manager.add_listener(&bus, &victim);
        manager.add_listener(&bus, &other);
        let removed = Arc::new(loom::sync::atomic::AtomicBool::new(false));

        let remover = {
            let (manager, bus, victim, removed) = (
                manager.clone(),
                bus.clone(),
                victim.clone(),
                removed.clone(),
            );
            thread::spawn(move || {
                assert!(manager.remove_listener(&bus, &victim));
                removed.store(true, Ordering::Release);
            })
        };
        if removed.load(Ordering::Acquire) {
            // This delivery starts after the removal returned.
            victim.forbidden.store(true, Ordering::SeqCst);
        }
        manager.deliver_event(&bus, &0);
        remover.join().unwrap();

        assert!(victim.calls() <= 1);
        assert_eq!(other.calls(), 1, "the other listener is not disturbed");
        victim.forbidden.store(true, Ordering::SeqCst);
        manager.deliver_event(&bus, &0);
    });
}

/// A purge never removes a live registration, including one added while it runs.
#[test]
fn purge_vs_add() {
    model("purge_vs_add", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual));
        let bus = bus();
        let dead = Arc::new(Counter::default());
        manager.add_listener(&bus, &dead);
        drop(dead);
        let live = Arc::new(Counter::default());

        let purger = {
            let manager = manager.clone();
            thread::spawn(move || {
                manager.purge();
            })
        };
        manager.add_listener(&bus, &live);
        purger.join().unwrap();

        bus.ping.raise(&0);
        assert_eq!(
            live.calls(),
            1,
            "the live registration survived and is attached"
        );
        assert_eq!(
            bus.ping.handler_count(),
            1,
            "exactly one forwarding handler"
        );
        manager.purge();
        let stats = manager.stats();
        assert_eq!((stats.registrations, stats.alive), (1, 1));
    });
}

/// A receiver is never called after its drop completed, and nothing of it is kept.
#[test]
fn receiver_drop_vs_deliver() {
    struct Tracked {
        dropped: Arc<AtomicBool>,
        calls: Arc<AtomicUsize>,
    }
    impl Drop for Tracked {
        fn drop(&mut self) {
            assert!(!self.dropped.swap(true, Ordering::SeqCst), "dropped twice");
        }
    }
    impl WeakEventListener<Direct> for Tracked {
        fn receive_weak_event(&self, _: &Bus, _: &u32) {
            assert!(
                !self.dropped.load(Ordering::SeqCst),
                "called after its drop"
            );
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
    }
    model("receiver_drop_vs_deliver", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Inline,
        ));
        let bus = bus();
        let gate = Gate::new();
        let first = Arc::new(GateListener(gate.clone()));
        manager.add_listener(&bus, &first);
        let dropped = Arc::new(AtomicBool::new(false));
        let receiver = Arc::new(Tracked {
            dropped: dropped.clone(),
            calls: Arc::new(AtomicUsize::new(0)),
        });
        manager.add_listener(&bus, &receiver);
        let weak = Arc::downgrade(&receiver);

        let dropper = thread::spawn(move || {
            gate.pass();
            drop(receiver);
            gate.pass();
        });
        manager.deliver_event(&bus, &0);
        dropper.join().unwrap();

        assert!(
            dropped.load(Ordering::SeqCst),
            "the last Arc's drop ran exactly once"
        );
        manager.deliver_event(&bus, &0);
        manager.purge();
        assert_eq!(
            manager.stats().registrations,
            1,
            "only the gate listener is left"
        );
        assert_eq!(weak.weak_count(), 0, "the manager kept no reference to it");
    });
}

/// A cleanup request made while a pass runs is never lost.
#[test]
fn schedule_vs_pass() {
    model("schedule_vs_pass", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Manual,
        ));
        let bus = bus();
        let receiver = Arc::new(Counter::default());
        manager.add_listener(&bus, &receiver);
        manager.run_pending_cleanup();

        let requester = {
            let (manager, bus) = (manager.clone(), bus.clone());
            thread::spawn(move || {
                drop(receiver);
                // Meets the dead receiver: marks the source dirty and requests a pass.
                manager.deliver_event(&bus, &0);
            })
        };
        manager.run_pending_cleanup();
        requester.join().unwrap();

        // The next run must find everything dead at request time.
        manager.run_pending_cleanup();
        assert_eq!(
            manager.stats().registrations,
            0,
            "a cleanup request was lost"
        );
    });
}

/// A source dropped while a listener is added to it leaves nothing behind.
#[test]
fn source_drop_vs_add() {
    model("source_drop_vs_add", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline));
        let bus = bus();
        let receiver = Arc::new(Counter::default());
        let weak_bus = Arc::downgrade(&bus);
        let gate = Gate::new();

        let adder = {
            let (manager, bus, receiver, gate) =
                (manager.clone(), bus.clone(), receiver.clone(), gate.clone());
            thread::spawn(move || {
                gate.pass();
                manager.add_listener(&bus, &receiver);
                gate.pass();
                drop(bus);
                gate.pass();
            })
        };
        gate.pass();
        drop(bus);
        gate.pass();
        adder.join().unwrap();

        assert!(
            weak_bus.upgrade().is_none(),
            "the table kept the source alive"
        );
        manager.purge();
        assert_eq!(manager.stats().sources, 0);
        assert_eq!(
            Arc::weak_count(&receiver),
            0,
            "the receiver is not referenced"
        );
    });
}

/// Dropping a guard while a delivery runs: called at most once, never after.
#[test]
fn subscription_drop_vs_deliver() {
    model("subscription_drop_vs_deliver", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline));
        let bus = bus();
        let receiver = Arc::new(Counter::default());
        let guard = manager.subscribe(&bus, &receiver);

        let dropper = thread::spawn(move || drop(guard));
        bus.ping.raise(&0);
        dropper.join().unwrap();

        assert!(receiver.calls() <= 1);
        receiver.forbidden.store(true, Ordering::SeqCst);
        bus.ping.raise(&0);
        assert!(bus.ping.is_empty(), "detached with the last registration");
    });
}

/// A listener removing the next one mid-delivery while another thread adds.
#[test]
fn reentrant_remove_vs_add() {
    struct Remover {
        manager: Arc<WeakEventManager<Direct>>,
        victim: Arc<Counter>,
        calls: AtomicUsize,
    }
    impl WeakEventListener<Direct> for Remover {
        fn receive_weak_event(&self, bus: &Bus, _: &u32) {
            self.calls.fetch_add(1, Ordering::SeqCst);
            // True on the first call; a later delivery finds nothing to remove.
            let _ = self.manager.remove_listener(bus, &self.victim);
            self.victim.forbidden.store(true, Ordering::SeqCst);
        }
    }
    model("reentrant_remove_vs_add", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Inline,
        ));
        let bus = bus();
        let victim = Arc::new(Counter::default());
        let remover = Arc::new(Remover {
            manager: manager.clone(),
            victim: victim.clone(),
            calls: AtomicUsize::new(0),
        });
        manager.add_listener(&bus, &remover);
        manager.add_listener(&bus, &victim);
        let added = Arc::new(Counter::default());

        let adder = {
            let (manager, bus, added) = (manager.clone(), bus.clone(), added.clone());
            thread::spawn(move || {
                manager.add_listener(&bus, &added);
            })
        };
        manager.deliver_event(&bus, &0);
        adder.join().unwrap();

        assert_eq!(victim.calls(), 0, "removed before its turn");
        assert!(added.calls() <= 1);
        let before = added.calls();
        manager.deliver_event(&bus, &0);
        assert_eq!(added.calls(), before + 1);
        assert_eq!(remover.calls.load(Ordering::SeqCst), 2);
    });
}

/// Two first listeners of a source race to attach: exactly one forwarding handler, and a raise
/// after both adds returned reaches both.
#[test]
fn add_vs_add_attach() {
    model("add_vs_add_attach", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline));
        let bus = bus();
        let a = Arc::new(Counter::default());
        let b = Arc::new(Counter::default());

        let other = {
            let (manager, bus, b) = (manager.clone(), bus.clone(), b.clone());
            thread::spawn(move || {
                manager.add_listener(&bus, &b);
                let before = b.calls();
                bus.ping.raise(&0);
                assert!(
                    b.calls() > before,
                    "a raise after the add returned missed it"
                );
            })
        };
        manager.add_listener(&bus, &a);
        let before = a.calls();
        bus.ping.raise(&0);
        assert!(
            a.calls() > before,
            "a raise after the add returned missed it"
        );
        other.join().unwrap();

        assert_eq!(bus.ping.handler_count(), 1, "attached exactly once");
        let (a0, b0) = (a.calls(), b.calls());
        bus.ping.raise(&0);
        assert_eq!(
            (a.calls(), b.calls()),
            (a0 + 1, b0 + 1),
            "each exactly once"
        );
    });
}

/// The last listener leaving (the state closes and detaches) races a new add: the new listener
/// ends up registered, attached once, and delivered.
#[test]
fn remove_last_vs_add() {
    model("remove_last_vs_add", || {
        let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Inline));
        let bus = bus();
        let leaving = Arc::new(Counter::default());
        let arriving = Arc::new(Counter::default());
        manager.add_listener(&bus, &leaving);

        let remover = {
            let (manager, bus, leaving) = (manager.clone(), bus.clone(), leaving.clone());
            thread::spawn(move || {
                assert!(manager.remove_listener(&bus, &leaving));
            })
        };
        manager.add_listener(&bus, &arriving);
        remover.join().unwrap();

        assert_eq!(manager.listener_count(&bus), 1);
        assert_eq!(
            bus.ping.handler_count(),
            1,
            "one forwarding handler, not zero nor two"
        );
        leaving.forbidden.store(true, Ordering::SeqCst);
        bus.ping.raise(&0);
        assert_eq!(arriving.calls(), 1);
    });
}

/// Two threads change one `ObservableVec`: a listener that mirrors the changes stays exact, so
/// each change reached it in the order the changes were applied. Raising each
/// change after its own unlock (the order-losing design) fails here: the second push's `Add` at
/// index 1 can reach the mirror before the first push's `Add` at index 0.
#[test]
fn collection_changes_from_two_threads_arrive_in_order() {
    use std::sync::Mutex;
    use weak_events::{CollectionChange, NotifyCollectionChanged, ObservableVec};

    model(
        "collection_changes_from_two_threads_arrive_in_order",
        || {
            let list = Arc::new(ObservableVec::<u32>::new());
            let mirror = Arc::new(Mutex::new(Vec::new()));
            let copy = Arc::clone(&mirror);
            let _token =
                list.collection_changed()
                    .subscribe(move |change: &CollectionChange<u32>| {
                        let mut copy = copy.lock().unwrap();
                        match change {
                            CollectionChange::Add { index, items } => {
                                assert!(*index <= copy.len(), "an Add past the end: out of order");
                                copy.insert(*index, items[0]);
                            }
                            CollectionChange::Remove { index, .. } => {
                                assert!(*index < copy.len(), "a Remove past the end: out of order");
                                copy.remove(*index);
                            }
                            _ => unreachable!("the model makes adds and removes only"),
                        }
                    });
            let writer = {
                let list = Arc::clone(&list);
                thread::spawn(move || {
                    list.push(1);
                    list.remove(0);
                })
            };
            list.push(2);
            writer.join().unwrap();
            assert_eq!(*mirror.lock().unwrap(), list.to_vec());
        },
    );
}

/// Property routing: two threads add the first listeners of two property names on one model,
/// each raising its own name's change as soon as its add returned, while the other thread may
/// still be adding (and hooking). Each add hooks (or waits for the hook of) the one
/// forwarding handler, whichever topic list it goes to: a raise after an add returned reaches
/// it, the model's `Event` gets exactly one handler, and each change reaches its own name's
/// listeners only.
#[test]
fn property_routing_first_listeners_of_two_names() {
    use weak_events::{NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};

    #[derive(Default)]
    struct Doc {
        changed: Event<PropertyChangedArgs>,
    }
    impl NotifyPropertyChanged for Doc {
        fn property_changed(&self) -> &Event<PropertyChangedArgs> {
            &self.changed
        }
    }

    model("property_routing_first_listeners_of_two_names", || {
        let manager = Arc::new(PropertyChangedManager::<Doc>::with_cleanup(
            CleanupMode::Inline,
        ));
        let doc = Arc::new(Doc::default());
        let (title, width) = (Arc::new(Counter::default()), Arc::new(Counter::default()));

        let adder = {
            let (manager, doc, width) = (manager.clone(), doc.clone(), width.clone());
            thread::spawn(move || {
                manager.add_listener(&doc, "width", &width);
                let before = width.calls();
                doc.changed.raise(&PropertyChangedArgs::of("width"));
                assert!(
                    width.calls() > before,
                    "a raise after the add returned missed it"
                );
            })
        };
        manager.add_listener(&doc, "title", &title);
        let before = title.calls();
        doc.changed.raise(&PropertyChangedArgs::of("title"));
        assert!(
            title.calls() > before,
            "a raise after the add returned missed it"
        );
        adder.join().unwrap();

        assert_eq!(doc.changed.handler_count(), 1, "hooked exactly once");
        let (t0, w0) = (title.calls(), width.calls());
        doc.changed.raise(&PropertyChangedArgs::of("width"));
        assert_eq!(
            (title.calls(), width.calls()),
            (t0, w0 + 1),
            "its own name only"
        );
        doc.changed.raise(&PropertyChangedArgs::all());
        assert_eq!(
            (title.calls(), width.calls()),
            (t0 + 1, w0 + 2),
            "every name"
        );
    });
}

/// A once-registration delivered by two threads at once fires exactly once, and is gone after.
#[test]
fn once_fires_once_under_two_deliveries() {
    model("once_fires_once_under_two_deliveries", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Inline,
        ));
        let bus = bus();
        let once = Arc::new(Counter::default());
        manager.add_listener_once(&bus, &once);

        let other = {
            let (manager, bus) = (manager.clone(), bus.clone());
            thread::spawn(move || manager.deliver_event(&bus, &0))
        };
        manager.deliver_event(&bus, &0);
        other.join().unwrap();

        assert_eq!(once.calls(), 1, "fired exactly once");
        assert_eq!(manager.listener_count(&bus), 0, "and removed");
    });
}

/// The dispatcher's queue: two threads post while the owner drains and then drops the
/// dispatcher. Every post either runs exactly once (by the drain or by the drop) or is refused
/// with `DispatcherGone`: none is lost unrun, none runs twice.
#[test]
fn posts_vs_drain_and_drop_of_the_dispatcher() {
    use weak_events::unsync::Dispatcher;
    model("posts_vs_drain_and_drop_of_the_dispatcher", || {
        let dispatcher = Dispatcher::new();
        let ran = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let posters: Vec<_> = (0..2)
            .map(|i| {
                let (handle, ran) = (dispatcher.handle(), Arc::clone(&ran));
                thread::spawn(move || {
                    handle
                        .post(move || {
                            ran[i].fetch_add(1, Ordering::SeqCst);
                        })
                        .is_ok()
                })
            })
            .collect();
        dispatcher.drain();
        drop(dispatcher);
        for (i, poster) in posters.into_iter().enumerate() {
            let accepted = poster.join().unwrap();
            let runs = ran[i].load(Ordering::SeqCst);
            assert_eq!(
                runs,
                usize::from(accepted),
                "post {i}: accepted {accepted}, ran {runs} times"
            );
        }
    });
}

/// An async stream: a delivery that lands while the task is between a poll that found nothing
/// and parking still wakes it (a lost wake-up leaves `block_on` parked forever, which loom
/// reports); and a stream dropped during a delivery neither panics nor leaves its registration.
#[test]
fn stream_deliver_vs_poll_and_drop() {
    use futures_core::Stream;
    use weak_events::StreamItem;
    model("stream_deliver_vs_poll", || {
        let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Inline);
        let source = bus();
        let mut stream = manager.stream(&source, 4);
        let deliverer = {
            let (manager, source) = (manager.clone(), Arc::clone(&source));
            thread::spawn(move || manager.deliver_event(&source, &7))
        };
        let item = loom::future::block_on(std::future::poll_fn(|cx| {
            std::pin::Pin::new(&mut stream).poll_next(cx)
        }));
        assert_eq!(item, Some(StreamItem::Event(7)));
        deliverer.join().unwrap();
    });
    model("stream_drop_vs_deliver", || {
        let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Inline);
        let source = bus();
        let stream = manager.stream(&source, 4);
        let deliverer = {
            let (manager, source) = (manager.clone(), Arc::clone(&source));
            thread::spawn(move || manager.deliver_event(&source, &7))
        };
        drop(stream);
        deliverer.join().unwrap();
        assert_eq!(manager.listener_count(&source), 0);
    });
}

/// A profiling mark open while another thread runs a pass: its answer is exact whatever the
/// interleaving (the profiler's lock is a leaf: no loom-visible atomic is touched under it),
/// and a registration pruned meanwhile is still counted.
#[test]
fn profiling_mark_vs_pass() {
    model("profiling_mark_vs_pass", || {
        let manager = Arc::new(WeakEventManager::<Direct>::with_cleanup(
            CleanupMode::Manual,
        ));
        let bus = bus();
        let mark = weak_events::start_profiling();
        let dead = Arc::new(Counter::default());
        manager.add_listener(&bus, &dead);
        drop(dead);
        let pass = {
            let manager = manager.clone();
            thread::spawn(move || {
                manager.purge();
            })
        };
        let alive = Arc::new(Counter::default());
        manager.add_listener(&bus, &alive);
        pass.join().unwrap();
        let profile = mark.stop();
        let rows: Vec<_> = profile
            .rows
            .iter()
            .filter(|row| row.event.ends_with("Direct"))
            .map(|row| (row.alive, row.forgotten))
            .collect();
        assert_eq!(rows, [(0, 1), (1, 0)], "{profile}");
        drop(alive);
    });
}
