//! Timed cases, side by side: delivery (live, half dead, raise vs `deliver_event`), add+remove,
//! a cleanup pass, and the `current()` lookup. (One thread against two is `threads.rs`, timed by
//! the wall clock.)
//!
//! Harness: divan, not criterion. It builds in about 20 s here (criterion without default
//! features about 50 s, on a 2-core machine shared with other builds), it reports medians, its
//! per-group `sample_count`/`max_time` keep the whole suite to a few minutes, `with_inputs` lets
//! the cleanup case time only the pass. (Its `threads` option is not used: it times each thread's
//! own samples, which reads as perfect scaling when the OS runs the two threads one after the
//! other; `threads.rs` times both threads by the wall clock instead.)
//!
//! Every benchmark delivers `0` (see `Receiver::on`); each contender is checked once when built
//! (`checked`) to call exactly its live receivers. The names here are what `report.py` reads:
//! `group/contender/size`.

use std::hint::black_box;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use divan::Bencher;
use weak_events::{CleanupMode, WeakEventManager};
use weak_events_benches::*;

fn main() {
    divan::main();
}

/// Listener counts of the live delivery case.
const LIVE: [usize; 4] = [1, 16, 128, 1024];
/// Registration counts of the half-dead case (`n / 2` dead, interleaved with `n / 2` live).
const HALF_DEAD: [usize; 4] = [2, 16, 128, 1024];
/// Listeners already on the source in the add+remove case.
const HOLDING: [usize; 2] = [100, 100_000];

/// Runs `op` for about 2 ms first. divan sizes its samples from the first ones it times (until a
/// sample lasts 100x the timer's precision); a cold first call (a lazily made registry, a thread
/// spawned for cleanup, cold caches) would leave a fast case with one call per sample.
fn warm(mut op: impl FnMut()) {
    let start = Instant::now();
    let mut runs = 0;
    while runs < 10 || start.elapsed() < Duration::from_millis(2) {
        op();
        runs += 1;
    }
}

fn deliver_live<C: Deliver>(bencher: Bencher, n: usize) {
    let contender = checked::<C>(n, 0);
    warm(|| contender.deliver(black_box(0)));
    bencher.bench_local(|| contender.deliver(black_box(0)));
}

fn deliver_half_dead<C: Deliver>(bencher: Bencher, n: usize) {
    let contender = checked::<C>(n - n / 2, n / 2);
    warm(|| contender.deliver(black_box(0)));
    bencher.bench_local(|| contender.deliver(black_box(0)));
}

fn add_remove<C: Churn>(bencher: Bencher, n: usize) {
    let mut contender = C::build(n);
    assert!(
        contender.add_remove(),
        "the first add+remove must find its registration"
    );
    warm(|| assert!(contender.add_remove()));
    bencher.bench_local(|| contender.add_remove());
}

/// One divan benchmark per contender, all running the same generic body.
macro_rules! contenders {
    (#[$attr:meta] $body:ident; $($name:ident: $ty:ty),+ $(,)?) => {
        $(
            #[$attr]
            fn $name(bencher: Bencher, n: usize) {
                super::$body::<$ty>(bencher, n)
            }
        )+
    };
}

/// Deliver to `n` live listeners.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod deliver_live {
    use super::*;
    contenders! {
        #[divan::bench(args = LIVE)] deliver_live;
        ours_current: OursCurrent<1>,
        ours_private: OursPrivate<1>,
        floor_vec_weak: FloorWeak,
        floor_vec_arc: FloorStrong,
        signals2: Signals2,
        signals2_weak: Signals2Weak,
        elp: Elp,
        mutex_vec_weak: MutexWeak,
        rwlock_vec_weak: RwLockWeak,
    }
}

/// The thread-affine flavour against its floor (`Vec<rc::Weak<dyn Fn>>`), the strong peer and
/// the root flavour, in one group so that their ratios come from one run.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod unsync_deliver {
    use super::*;
    contenders! {
        #[divan::bench(args = [1, 128])] deliver_live;
        unsync_private: LocalPrivate<4>,
        unsync_current: LocalCurrent<4>,
        unsync_raise: LocalRaise<4>,
        floor_rc_weak: FloorRcWeak,
        floor_vec_weak: FloorWeak,
        signals2: Signals2,
        ours_private: OursPrivate<4>,
    }
}

/// Deliver to `n` registrations of which half are dead, before any cleanup pass.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod deliver_half_dead {
    use super::*;
    contenders! {
        #[divan::bench(args = HALF_DEAD)] deliver_half_dead;
        ours_current: OursCurrent<2>,
        ours_private: OursPrivate<2>,
        floor_vec_weak: FloorWeak,
        signals2_weak: Signals2Weak,
        mutex_vec_weak: MutexWeak,
        rwlock_vec_weak: RwLockWeak,
    }
}

/// A raise through the source's own `Event` (the forwarding handler holds the source's list: no
/// table lookup) against `deliver_event` (one table lookup), both ours.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod raise_vs_deliver {
    use super::*;
    contenders! {
        #[divan::bench(args = [1, 128])] deliver_live;
        raise_private: OursRaise<3>,
        raise_current: OursRaiseCurrent<3>,
        deliver_event_private: OursPrivate<3>,
        deliver_event_current: OursCurrent<3>,
        floor_vec_weak: FloorWeak,
    }
}

/// Add one listener to a source holding `n`, then remove it.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod add_remove {
    use super::*;
    contenders! {
        #[divan::bench(args = HOLDING)] add_remove;
        ours_subscribe_drop: OursSubscribe<4>,
        ours_subscribe_drop_current: OursSubscribeCurrent<5>,
        ours_handler_remove_registration: OursHandlerId<6>,
        ours_remove_listener: OursRemoveListener<7>,
        ours_remove_listener_scan_miss: OursRemoveMiss<8>,
        floor_vec_weak: FloorWeakChurn,
        floor_vec_arc: FloorStrongChurn,
        elp: ElpChurn,
        mutex_vec_weak: MutexWeakChurn,
        rwlock_vec_weak: RwLockWeakChurn,
    }

    /// signals2 at 100 only: building a 100,000-slot signal copies the slot set on every
    /// `connect` (O(n²), minutes here); its add+remove at 10,000 shows the O(n) slope instead.
    #[divan::bench(args = [100, 10_000])]
    fn signals2(bencher: Bencher, n: usize) {
        super::add_remove::<Signals2Churn>(bencher, n)
    }
}

/// A `Manual` manager's pass with one dirty source: in a table of 10,000 sources and in a table
/// of 1. Each sample is one pass (sample size 1); the setup, untimed, adds a listener to one
/// source, drops its receiver and delivers to that source, which marks it dirty.
#[divan::bench_group(sample_count = 1000, sample_size = 1, max_time = 2)]
mod cleanup_pass {
    use super::*;

    struct Table {
        manager: WeakEventManager<Direct<10>>,
        buses: Vec<Arc<Bus>>,
        _alive: Vec<Arc<Receiver>>,
    }

    impl Table {
        fn new(sources: usize) -> Self {
            let manager = WeakEventManager::with_cleanup(CleanupMode::Manual);
            let buses: Vec<_> = (0..sources).map(|_| Arc::new(Bus::default())).collect();
            let alive: Vec<_> = buses
                .iter()
                .map(|bus| {
                    let receiver = Arc::new(Receiver::default());
                    manager.add_listener(bus, &receiver);
                    receiver
                })
                .collect();
            // Settle what building asked for (the table doubled: a full pass is pending).
            manager.purge();
            manager.run_pending_cleanup();
            Table {
                manager,
                buses,
                _alive: alive,
            }
        }

        /// Makes the middle source dirty: one dead receiver, met by a delivery.
        fn dirty_one(&self) {
            let bus = &self.buses[self.buses.len() / 2];
            let receiver = Arc::new(Receiver::default());
            self.manager.add_listener(bus, &receiver);
            drop(receiver);
            self.manager.deliver_event(bus, &0);
        }
    }

    fn pass(bencher: Bencher, sources: usize, full: bool) {
        let table = Table::new(sources);
        table.dirty_one();
        let report = if full {
            table.manager.purge()
        } else {
            table.manager.run_pending_cleanup()
        };
        // A full pass also visits the manager's static list.
        let expect = if full { sources + 1 } else { 1 };
        assert_eq!(
            (report.sources_visited, report.entries_purged),
            (expect, 1),
            "the pass must visit {expect} source(s) and purge the one dead entry"
        );
        bencher
            .with_inputs(|| table.dirty_one())
            .bench_local_values(|()| {
                if full {
                    table.manager.purge()
                } else {
                    table.manager.run_pending_cleanup()
                }
            });
    }

    /// `run_pending_cleanup()`, 1 dirty source among 10,000.
    #[divan::bench]
    fn dirty_1_of_10000(bencher: Bencher) {
        pass(bencher, 10_000, false);
    }

    /// `run_pending_cleanup()`, a table of 1 source (dirty).
    #[divan::bench]
    fn dirty_1_of_1(bencher: Bencher) {
        pass(bencher, 1, false);
    }

    /// For scale: `purge()`, a full pass over all 10,000 (what a scan-everything design pays).
    #[divan::bench(sample_count = 40)]
    fn full_purge_10000(bencher: Bencher) {
        pass(bencher, 10_000, true);
    }
}

/// `WeakEventManager::<E>::current()`: a read-locked registry lookup by `TypeId` for a
/// hand-written kind, a static slot for a `weak_event!` kind.
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod current_lookup {
    use super::*;

    #[divan::bench]
    fn ours_current(bencher: Bencher) {
        warm(|| {
            black_box(WeakEventManager::<Direct<11>>::current());
        });
        bencher.bench_local(WeakEventManager::<Direct<11>>::current);
    }

    weak_events::weak_event!(MacroKind: Bus => u32);

    /// `current()` of a kind declared with `weak_event!`: its own static slot.
    #[divan::bench]
    fn ours_current_macro_kind(bencher: Bencher) {
        warm(|| {
            black_box(WeakEventManager::<MacroKind>::current());
        });
        bencher.bench_local(WeakEventManager::<MacroKind>::current);
    }

    /// The floor: a `static OnceLock` per event kind (which generic code cannot declare; that is
    /// why `current()` has a registry).
    #[divan::bench]
    fn floor_static_oncelock(bencher: Bencher) {
        static MANAGER: OnceLock<WeakEventManager<Direct<12>>> = OnceLock::new();
        let get = || black_box(&MANAGER).get_or_init(WeakEventManager::new);
        warm(|| {
            black_box(get());
        });
        bencher.bench_local(get);
    }
}

/// A property change through `PropertyChangedManager`: the changed property has 10 listeners,
/// on a source with 1,000 listeners over 100 property names, against a source whose 10
/// listeners all watch that property. The cost should follow the property's listeners, not the
/// source's (WPF merges the lists per delivery).
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod property_change {
    use super::*;
    use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};

    #[derive(Default)]
    struct Model {
        changed: Event<PropertyChangedArgs>,
    }

    impl NotifyPropertyChanged for Model {
        fn property_changed(&self) -> &Event<PropertyChangedArgs> {
            &self.changed
        }
    }

    /// A listener that counts its calls (the check needs per-listener counts).
    #[derive(Default)]
    struct Counted(std::sync::atomic::AtomicUsize);

    impl Counted {
        fn calls(&self) -> usize {
            self.0.load(std::sync::atomic::Ordering::Relaxed)
        }
    }

    struct Setup {
        _manager: PropertyChangedManager<Model>,
        model: Arc<Model>,
        watched: Vec<Arc<Counted>>,
        _others: Vec<Arc<Counted>>,
    }

    /// `names` properties with 10 listeners each; property `p0` is the one changed.
    fn setup(names: usize) -> Setup {
        let manager = PropertyChangedManager::<Model>::with_cleanup(CleanupMode::Manual);
        let model = Arc::new(Model::default());
        let (mut watched, mut others) = (Vec::new(), Vec::new());
        for name in 0..names {
            let property = format!("p{name}");
            for _ in 0..10 {
                let receiver = Arc::new(Counted::default());
                manager.add_handler(&model, &property, &receiver, |r, _, _| {
                    r.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                });
                if name == 0 { &mut watched } else { &mut others }.push(receiver);
            }
        }
        // Checked once: exactly p0's ten listeners are called.
        model.changed.raise(&PropertyChangedArgs::of("p0"));
        assert!(watched.iter().all(|r| r.calls() == 1));
        assert!(others.iter().all(|r| r.calls() == 0));
        Setup {
            _manager: manager,
            model,
            watched,
            _others: others,
        }
    }

    fn change(bencher: Bencher, names: usize) {
        let setup = setup(names);
        let args = PropertyChangedArgs::of("p0");
        warm(|| setup.model.changed.raise(black_box(&args)));
        bencher.bench_local(|| setup.model.changed.raise(black_box(&args)));
        assert!(setup.watched[0].calls() > 1);
    }

    /// 10 listeners of the changed property among 1,000 on the source (100 names).
    #[divan::bench]
    fn of_1000_over_100_names(bencher: Bencher) {
        change(bencher, 100);
    }

    /// 10 listeners of the changed property, and nothing else on the source.
    #[divan::bench]
    fn of_10_on_1_name(bencher: Bencher) {
        change(bencher, 1);
    }

    /// The same as `of_1000_over_100_names` in the thread-affine flavour: an `Rc` model, its
    /// `unsync::Event`, `unsync::PropertyChangedManager`.
    #[divan::bench]
    fn unsync_of_1000_over_100_names(bencher: Bencher) {
        use std::cell::Cell;
        use std::rc::Rc;
        use weak_events::unsync;

        #[derive(Default)]
        struct LocalModel {
            changed: unsync::Event<PropertyChangedArgs>,
        }
        impl unsync::NotifyPropertyChanged for LocalModel {
            fn property_changed(&self) -> &unsync::Event<PropertyChangedArgs> {
                &self.changed
            }
        }

        let manager = unsync::PropertyChangedManager::<LocalModel>::new();
        let model = Rc::new(LocalModel::default());
        let (mut watched, mut others) = (Vec::new(), Vec::new());
        for name in 0..100 {
            let property = format!("p{name}");
            for _ in 0..10 {
                let receiver = Rc::new(Cell::new(0usize));
                manager.add_handler(&model, &property, &receiver, |r, _, _| r.set(r.get() + 1));
                if name == 0 { &mut watched } else { &mut others }.push(receiver);
            }
        }
        let args = PropertyChangedArgs::of("p0");
        model.changed.raise(&args);
        assert!(watched.iter().all(|r| r.get() == 1));
        assert!(others.iter().all(|r| r.get() == 0));
        warm(|| model.changed.raise(black_box(&args)));
        bencher.bench_local(|| model.changed.raise(black_box(&args)));
        assert!(watched[0].get() > 1);
    }
}

/// One `add_handler` + `remove_registration`, without and with a dispose-profiling mark open
/// (which captures a backtrace per registration).
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 1)]
mod register_profiling {
    use super::*;

    fn register(bencher: Bencher, profiling: bool) {
        let manager = WeakEventManager::<Direct<13>>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let receiver = Arc::new(Receiver::default());
        let mark = profiling.then(weak_events::start_profiling);
        let op = || {
            let id = manager.add_handler(&bus, &receiver, |r, _, n| r.on(n));
            assert!(manager.remove_registration(&bus, id));
        };
        warm(op);
        bencher.bench_local(op);
        if let Some(mark) = mark {
            assert!(mark.stop().is_empty(), "every registration was removed");
        }
    }

    #[divan::bench]
    fn without_profiling(bencher: Bencher) {
        register(bencher, false);
    }

    #[divan::bench]
    fn while_profiling(bencher: Bencher) {
        register(bencher, true);
    }
}

/// `ObservableVec::retain` removing every other item of 10,000 (one `Reset` with the 5,000 left,
/// delivered to one listener), against the floor: `Vec::retain` on the same items plus one
/// delivery of that change (a copy of the items left, handed to a call).
#[divan::bench_group(sample_count = 100, min_time = 0.3, max_time = 2)]
mod retain_half {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use weak_events::{CollectionChange, NotifyCollectionChanged, ObservableVec};

    const ITEMS: u64 = 10_000;

    #[divan::bench]
    fn observable_vec(bencher: Bencher) {
        bencher
            .with_inputs(|| {
                let list = ObservableVec::from((0..ITEMS).collect::<Vec<u64>>());
                let calls = Arc::new(AtomicUsize::new(0));
                let seen = Arc::clone(&calls);
                let token =
                    list.collection_changed()
                        .subscribe(move |change: &CollectionChange<u64>| {
                            black_box(change);
                            seen.fetch_add(1, Ordering::Relaxed);
                        });
                (list, calls, token)
            })
            .bench_local_values(|(list, calls, token)| {
                list.retain(|n| n % 2 == 0);
                assert_eq!(calls.load(Ordering::Relaxed), 1, "one change");
                (list, token)
            });
    }

    #[divan::bench]
    fn floor_vec_retain_and_one_delivery(bencher: Bencher) {
        let deliver = |change: &CollectionChange<u64>| {
            black_box(change);
        };
        bencher
            .with_inputs(|| (0..ITEMS).collect::<Vec<u64>>())
            .bench_local_values(|mut items| {
                items.retain(|n| n % 2 == 0);
                deliver(&CollectionChange::Reset {
                    items: items.clone(),
                });
                items
            });
    }

    /// The same floor with the items behind one `Arc` each, as `ObservableVec` stores them (so
    /// that no item is cloned or dropped under its lock): removing an item frees it.
    #[divan::bench]
    fn floor_vec_arc_retain_and_one_delivery(bencher: Bencher) {
        let deliver = |change: &CollectionChange<u64>| {
            black_box(change);
        };
        bencher
            .with_inputs(|| (0..ITEMS).map(Arc::new).collect::<Vec<Arc<u64>>>())
            .bench_local_values(|mut items| {
                items.retain(|n| **n % 2 == 0);
                deliver(&CollectionChange::Reset {
                    items: items.iter().map(|n| **n).collect(),
                });
                items
            });
    }
}
