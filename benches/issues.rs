//! The public issues of other weak-event libraries, reproduced: bulk removals and bulk deaths,
//! each timed as a whole (setup untimed), beside the plain alternatives.
//!
//! - `weakevent15` (thomaslevesque/WeakEvent#15: 65,536 subscriptions took 65 s to remove):
//!   65,536 listeners on one source removed by identity in creation order, in reverse order, and
//!   by id; beside a `Vec<Weak>` and a `Mutex<Vec<Weak>>` with find-and-remove.
//! - `avalonia6660` (AvaloniaUI/Avalonia#6660: closing a window of 10,000 controls took about
//!   30 s): 10,000 controls each subscribed to one source, then all removed by identity, by
//!   dropping their guards, and by dropping the `DisposeBag` each control keeps them in.
//! - `avalonia3537` (AvaloniaUI/Avalonia#3537: dead handlers piling up in a weak event): 1,000,000
//!   receivers dropped without removal, then one delivery over them and one cleanup pass; beside
//!   a `Vec::retain` over a `Vec<Weak>` of the same receivers.
//!
//! Each case runs `ROUNDS` times and reports its median, in ns for the whole bulk operation.
//! `--quick` runs one small round (for CI). Lines starting with `@row` are what `report.py`
//! reads.

use std::hint::black_box;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use weak_events::{
    CleanupMode, DisposeBag, RegistrationId, Subscription, WeakEvent, WeakEventListener,
    WeakEventManager,
};
use weak_events_benches::Bus;

/// A kind of its own per case, so that no case's table holds another's sources.
enum Case<const K: usize> {}

impl<const K: usize> WeakEvent for Case<K> {
    type Source = Bus;
    type Args = u32;
}

struct Control;

impl<const K: usize> WeakEventListener<Case<K>> for Control {
    fn receive_weak_event(&self, _: &Bus, n: &u32) {
        black_box(n);
    }
}

struct Sizes {
    rounds: usize,
    weakevent15: usize,
    avalonia6660: usize,
    avalonia3537: usize,
}

/// Runs `setup` then times `run` on its output, `rounds` times; the median in ns.
fn median<S, R>(rounds: usize, mut setup: impl FnMut() -> S, mut run: impl FnMut(S) -> R) -> f64 {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let state = setup();
            let started = Instant::now();
            let result = run(state);
            let elapsed = started.elapsed().as_nanos() as f64;
            drop(black_box(result));
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn row(table: &str, contender: &str, ns: f64, n: usize) {
    println!("@row {table} {contender} ns={ns:.0} n={n}");
}

fn controls(n: usize) -> Vec<Arc<Control>> {
    (0..n).map(|_| Arc::new(Control)).collect()
}

/// WeakEvent#15.
fn weakevent15(n: usize, rounds: usize) {
    type K = Case<1>;
    let setup = || {
        let manager = WeakEventManager::<K>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        let controls = controls(n);
        let ids: Vec<RegistrationId> = controls
            .iter()
            .map(|c| manager.add_listener(&bus, c))
            .collect();
        (manager, bus, controls, ids)
    };
    let creation = median(rounds, setup, |(manager, bus, controls, _)| {
        for c in &controls {
            assert!(manager.remove_listener(&bus, c));
        }
        (manager, bus, controls)
    });
    row(
        "issue_weakevent15",
        "ours_identity_creation_order",
        creation,
        n,
    );
    let reverse = median(rounds, setup, |(manager, bus, controls, _)| {
        for c in controls.iter().rev() {
            assert!(manager.remove_listener(&bus, c));
        }
        (manager, bus, controls)
    });
    row(
        "issue_weakevent15",
        "ours_identity_reverse_order",
        reverse,
        n,
    );
    let by_id = median(rounds, setup, |(manager, bus, controls, ids)| {
        for id in ids {
            assert!(manager.remove_registration(&bus, id));
        }
        (manager, bus, controls)
    });
    row("issue_weakevent15", "ours_by_id", by_id, n);
    // The first removal by identity builds the index over the whole list: its share of the
    // creation-order run.
    let first = median(rounds, setup, |(manager, bus, controls, _)| {
        assert!(manager.remove_listener(&bus, &controls[0]));
        (manager, bus, controls)
    });
    row("issue_weakevent15", "ours_identity_first_removal", first, 1);

    // The plain alternatives: find the control's `Weak` and remove it.
    let weak_setup = || {
        let controls = controls(n);
        let list: Vec<Weak<Control>> = controls.iter().map(Arc::downgrade).collect();
        (controls, list)
    };
    let vec_weak = median(rounds, weak_setup, |(controls, mut list)| {
        for c in &controls {
            let at = list
                .iter()
                .position(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(c)));
            list.remove(at.expect("registered"));
        }
        (controls, list)
    });
    row("issue_weakevent15", "vec_weak_find_remove", vec_weak, n);
    let mutex_vec_weak = median(
        rounds,
        || {
            let (controls, list) = weak_setup();
            (controls, Mutex::new(list))
        },
        |(controls, list)| {
            for c in &controls {
                let mut list = list.lock().unwrap();
                let at = list
                    .iter()
                    .position(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(c)));
                list.remove(at.expect("registered"));
            }
            (controls, list)
        },
    );
    row(
        "issue_weakevent15",
        "mutex_vec_weak_find_remove",
        mutex_vec_weak,
        n,
    );
}

/// Avalonia#6660.
fn avalonia6660(n: usize, rounds: usize) {
    type K = Case<2>;
    let identity = median(
        rounds,
        || {
            let manager = WeakEventManager::<K>::with_cleanup(CleanupMode::Manual);
            let window = Arc::new(Bus::default());
            let controls = controls(n);
            for c in &controls {
                manager.add_listener(&window, c);
            }
            (manager, window, controls)
        },
        |(manager, window, controls)| {
            for c in &controls {
                assert!(manager.remove_listener(&window, c));
            }
            (manager, window, controls)
        },
    );
    row("issue_avalonia6660", "ours_remove_listener", identity, n);
    let guards = median(
        rounds,
        || {
            let manager = WeakEventManager::<K>::with_cleanup(CleanupMode::Manual);
            let window = Arc::new(Bus::default());
            let controls = controls(n);
            let guards: Vec<Subscription> = controls
                .iter()
                .map(|c| manager.subscribe(&window, c))
                .collect();
            (manager, window, controls, guards)
        },
        |(manager, window, controls, guards)| {
            drop(guards);
            (manager, window, controls)
        },
    );
    row("issue_avalonia6660", "ours_guard_drop", guards, n);
    let bags = median(
        rounds,
        || {
            let manager = WeakEventManager::<K>::with_cleanup(CleanupMode::Manual);
            let window = Arc::new(Bus::default());
            let controls = controls(n);
            let bags: Vec<DisposeBag> = controls
                .iter()
                .map(|c| {
                    let bag = DisposeBag::new();
                    bag.auto_dispose(manager.subscribe(&window, c));
                    bag
                })
                .collect();
            (manager, window, controls, bags)
        },
        |(manager, window, controls, bags)| {
            drop(bags);
            (manager, window, controls)
        },
    );
    row("issue_avalonia6660", "ours_dispose_bag", bags, n);
}

/// Avalonia#3537.
fn avalonia3537(n: usize, rounds: usize) {
    type K = Case<3>;
    let setup = || {
        let manager = WeakEventManager::<K>::with_cleanup(CleanupMode::Manual);
        let bus = Arc::new(Bus::default());
        for c in controls(n) {
            manager.add_listener(&bus, &c);
        } // every control dropped, none removed
        (manager, bus)
    };
    let delivery = median(rounds, setup, |(manager, bus)| {
        manager.deliver_event(&bus, &1);
        (manager, bus)
    });
    row("issue_avalonia3537", "ours_one_delivery", delivery, n);
    let pass = median(rounds, setup, |(manager, bus)| {
        let report = manager.purge();
        assert_eq!(report.entries_purged, n);
        (manager, bus)
    });
    row("issue_avalonia3537", "ours_one_pass", pass, n);
    let retain = median(
        rounds,
        || {
            let controls = controls(n);
            controls.iter().map(Arc::downgrade).collect::<Vec<_>>()
        },
        |mut list| {
            list.retain(|w| w.strong_count() > 0);
            assert!(list.is_empty());
            list
        },
    );
    row("issue_avalonia3537", "vec_weak_retain", retain, n);
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = if quick {
        Sizes {
            rounds: 1,
            weakevent15: 4_096,
            avalonia6660: 1_000,
            avalonia3537: 10_000,
        }
    } else {
        Sizes {
            rounds: 5,
            weakevent15: 65_536,
            avalonia6660: 10_000,
            avalonia3537: 1_000_000,
        }
    };
    weakevent15(sizes.weakevent15, sizes.rounds);
    avalonia6660(sizes.avalonia6660, sizes.rounds);
    avalonia3537(sizes.avalonia3537, sizes.rounds);
}
