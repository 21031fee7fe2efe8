//! Correct answers at the API: the natural removal call removes, collections deliver in order,
//! no user code runs under the crate's locks (an item's `Clone` included), and disposal never
//! turns a panic into an abort. Scenarios that would deadlock or abort run on a thread joined
//! with a deadline or in a child process, so a regression fails the test instead of the suite.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Bus, Global, Model, Ping, Recorder};
use weak_events::{
    CleanupMode, CollectionChange, CollectionChanged, CollectionChangedManager, DisposeBag,
    OnDispose, PropertyChangedArgs, PropertyChangedManager, WeakEventListener, WeakEventManager,
};

/// Runs `scenario` on its own thread; fails if it has not finished within `deadline`.
fn within<T: Send + 'static>(
    deadline: Duration,
    scenario: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(scenario());
    });
    finished
        .recv_timeout(deadline)
        .unwrap_or_else(|_| panic!("the scenario did not finish within {deadline:?} (deadlock?)"))
}

#[test]
fn the_registered_arc_removes_its_registration_on_every_removal_by_identity() {
    let log = common::log();

    // WeakEventManager::remove_listener
    let manager = WeakEventManager::<Ping>::new();
    let bus = Bus::new();
    let view = Recorder::new(0, &log);
    manager.add_listener(&bus, &view);
    assert!(
        manager.remove_listener(&bus, &view),
        "the natural call removes"
    );
    bus.ping.raise(&1);
    assert_eq!(view.calls(), 0, "and the listener is not called again");
    assert!(
        !manager.remove_listener(&bus, &view),
        "false once nothing is left"
    );

    // ... and from a plain reference, as inside the listener.
    manager.add_listener(&bus, &view);
    assert!(manager.remove_listener_by_ref(&bus, &*view));

    // remove_static_listener
    let statics = WeakEventManager::<Global>::new();
    statics.add_static_listener(&view);
    assert!(statics.remove_static_listener(&view));
    statics.deliver_static(&1);
    assert_eq!(view.calls(), 0);
    statics.add_static_listener(&view);
    assert!(statics.remove_static_listener_by_ref(&*view));

    // PropertyChangedManager::remove_listener
    let properties = PropertyChangedManager::<Model>::new();
    let model = Model::new();
    properties.add_listener(&model, "title", &view);
    assert!(properties.remove_listener(&model, "title", &view));
    model.set("title");
    assert_eq!(view.calls(), 0);
    properties.add_listener(&model, "", &view);
    assert!(
        !properties.remove_listener(&model, "title", &view),
        "not a title registration"
    );
    assert!(properties.remove_listener_by_ref(&model, "", &*view));
    assert!(model.changed.is_empty(), "the model's event is free again");
}

#[test]
fn stop_listening_to_takes_the_arc_source() {
    let bag = DisposeBag::new();
    let (a, b) = (Bus::new(), Bus::new());
    let view = Recorder::new(0, &common::log());
    bag.listen_to::<Ping, _>(&a, &view);
    bag.listen_to::<Ping, _>(&a, &view);
    bag.listen_to::<Ping, _>(&b, &view);
    assert_eq!(bag.stop_listening_to(&a), 2, "the natural call removes");
    a.ping.raise(&1);
    b.ping.raise(&1);
    assert_eq!(view.calls(), 1, "only b's subscription is left");
    assert_eq!(bag.stop_listening_to(&a), 0);
    assert_eq!(bag.len(), 1);
}

#[test]
fn stop_listening_counts_registrations_removed_not_items_taken() {
    let bag = DisposeBag::new();
    let bus = Bus::new();
    let view = Recorder::new(0, &common::log());
    bag.listen_to_once::<Ping, _>(&bus, &view);
    bag.listen_to::<Ping, _>(&bus, &view);
    bag.auto_dispose(OnDispose(|| {}));
    bus.ping.raise(&1); // the once-registration fires and is gone
    assert_eq!(view.calls(), 2);
    assert_eq!(
        bag.stop_listening(),
        1,
        "the fired once-registration removed nothing"
    );
    assert_eq!(bag.len(), 1, "the closure is still owned");
}

#[test]
fn a_threshold_that_can_never_be_crossed_reads_back_as_off() {
    let manager = WeakEventManager::<Ping>::new();
    manager.set_listener_threshold(Some(usize::MAX));
    assert_eq!(manager.listener_threshold(), None);
    manager.set_listener_threshold(Some(usize::MAX - 1));
    assert_eq!(manager.listener_threshold(), Some(usize::MAX - 1));
}

/// Applies every change it hears to its own copy, and fails on an impossible one.
#[derive(Default)]
struct Mirror {
    items: Mutex<Vec<u32>>,
    impossible: AtomicUsize,
}

impl Mirror {
    fn apply(&self, change: &CollectionChange<u32>) {
        let mut items = self.items.lock().unwrap();
        let ok = match change {
            CollectionChange::Add {
                index,
                items: added,
            } if *index <= items.len() => {
                for (offset, item) in added.iter().enumerate() {
                    items.insert(index + offset, *item);
                }
                true
            }
            CollectionChange::Remove { index, items: gone }
                if index + gone.len() <= items.len()
                    && items[*index..index + gone.len()] == gone[..] =>
            {
                items.drain(*index..index + gone.len());
                true
            }
            CollectionChange::Replace { index, old, new }
                if index + old.len() <= items.len()
                    && items[*index..index + old.len()] == old[..] =>
            {
                items.splice(*index..index + old.len(), new.iter().copied());
                true
            }
            CollectionChange::Move {
                from,
                to,
                items: moved,
            } if *from < items.len() && *to < items.len() && items[*from] == moved[0] => {
                let item = items.remove(*from);
                items.insert(*to, item);
                true
            }
            CollectionChange::Reset { items: all } => {
                *items = all.clone();
                true
            }
            _ => false,
        };
        if !ok {
            self.impossible.fetch_add(1, Ordering::SeqCst);
        }
    }
}

type List = weak_events::ObservableVec<u32>;

impl WeakEventListener<CollectionChanged<List>> for Mirror {
    fn receive_weak_event(&self, _: &List, change: &CollectionChange<u32>) {
        self.apply(change);
    }
}

/// Pushes once more, re-entrantly, on each of the first `budget` additions it hears.
struct Echo {
    budget: AtomicUsize,
}

impl WeakEventListener<CollectionChanged<List>> for Echo {
    fn receive_weak_event(&self, list: &List, change: &CollectionChange<u32>) {
        if let CollectionChange::Add { items, .. } = change {
            if self
                .budget
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                let before = list.len();
                list.push(items[0] + 1000);
                assert_eq!(
                    list.len(),
                    before + 1,
                    "a re-entrant change applies at once"
                );
            }
        }
    }
}

#[test]
fn every_listener_sees_re_entrant_changes_in_the_order_they_were_applied() {
    let manager = CollectionChangedManager::<List>::with_cleanup(CleanupMode::Inline);
    let list = Arc::new(List::new());
    let before = Arc::new(Mirror::default());
    let echo = Arc::new(Echo {
        budget: AtomicUsize::new(50),
    });
    let after = Arc::new(Mirror::default());
    // One mirror before the listener that edits, one after it: both must stay exact.
    manager.add_listener(&list, &before);
    manager.add_listener(&list, &echo);
    manager.add_listener(&list, &after);
    for i in 0..20 {
        list.push(i);
        if i % 5 == 4 {
            list.move_item(0, list.len() - 1);
            list.set(1, 77);
            list.remove(2);
        }
    }
    let truth = list.to_vec();
    for mirror in [&before, &after] {
        assert_eq!(mirror.impossible.load(Ordering::SeqCst), 0);
        assert_eq!(*mirror.items.lock().unwrap(), truth);
    }
    assert_eq!(echo.budget.load(Ordering::SeqCst), 0, "the echoes happened");
}

#[test]
fn listeners_see_changes_from_two_threads_in_the_order_they_were_applied() {
    let manager = CollectionChangedManager::<List>::with_cleanup(CleanupMode::Inline);
    let list = Arc::new(List::new());
    let mirrors: Vec<Arc<Mirror>> = (0..3).map(|_| Arc::new(Mirror::default())).collect();
    for mirror in &mirrors {
        manager.add_listener(&list, mirror);
    }
    let writers: Vec<_> = (0..2u32)
        .map(|t| {
            let list = Arc::clone(&list);
            std::thread::spawn(move || {
                let mut rng = common::Rng(0x9E37_79B9 + u64::from(t));
                for i in 0..2_000 {
                    match rng.next() % 10 {
                        0..=3 => list.push(t * 100_000 + i),
                        4 => {
                            list.remove(0);
                        }
                        5 => {
                            list.set(0, i);
                        }
                        6 => {
                            let len = list.len();
                            if len > 1 {
                                list.move_item(len - 1, 0);
                            }
                        }
                        7 => {
                            // Ranges checked against a length another thread may change: an
                            // out-of-bounds answer is a `None`, never a corrupted list.
                            let _ = list.remove_range(1..3);
                            let _ = list.replace_range(0..1, [i, i + 1]);
                        }
                        8 => list.truncate(list.len().saturating_sub(1)),
                        _ => list.retain(|n| n % 7 != 0),
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let truth = list.to_vec();
    for mirror in &mirrors {
        assert_eq!(mirror.impossible.load(Ordering::SeqCst), 0);
        assert_eq!(*mirror.items.lock().unwrap(), truth);
    }
}

/// An item whose `Clone` reads the list it lives in.
struct Nosy {
    list: Arc<Mutex<Option<Arc<weak_events::ObservableVec<Nosy>>>>>,
    seen: usize,
}

impl Clone for Nosy {
    fn clone(&self) -> Self {
        let list = self.list.lock().unwrap().clone();
        let seen = list.map_or(0, |list| list.len());
        Nosy {
            list: Arc::clone(&self.list),
            seen,
        }
    }
}

#[test]
fn an_items_clone_may_read_the_list() {
    let seen = within(Duration::from_secs(10), || {
        let slot = Arc::new(Mutex::new(None));
        let list = Arc::new(weak_events::ObservableVec::new());
        *slot.lock().unwrap() = Some(Arc::clone(&list));
        let item = || Nosy {
            list: Arc::clone(&slot),
            seen: 0,
        };
        let token = weak_events::NotifyCollectionChanged::collection_changed(&*list)
            .subscribe(|change: &CollectionChange<Nosy>| drop(change.clone()));
        list.push(item());
        list.insert(0, item());
        list.extend([item(), item()]);
        list.set(1, item());
        list.move_item(0, 3);
        let got = list.get(0).map(|nosy| nosy.seen);
        let copies = list.to_vec().len();
        list.remove(0);
        let _ = format!("{:?}", list.len());
        let changed = weak_events::NotifyCollectionChanged::collection_changed(&*list);
        assert!(changed.unsubscribe(token));
        *slot.lock().unwrap() = None;
        (got, copies)
    });
    assert_eq!(seen, (Some(4), 4), "the clone saw the list's length");
}

#[test]
fn a_panicking_listener_does_not_stall_the_queue() {
    let list = Arc::new(List::new());
    let mirror = Arc::new(Mirror::default());
    let manager = CollectionChangedManager::<List>::with_cleanup(CleanupMode::Inline);
    manager.add_listener(&list, &mirror);
    let bomb = weak_events::NotifyCollectionChanged::collection_changed(&*list).subscribe(
        |change: &CollectionChange<u32>| {
            if matches!(change, CollectionChange::Add { index: 0, .. }) {
                panic!("boom");
            }
        },
    );
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| list.push(1)));
    assert!(outcome.is_err(), "the listener's panic resumes");
    list.push(2);
    assert!(weak_events::NotifyCollectionChanged::collection_changed(&*list).unsubscribe(bomb));
    assert_eq!(
        *mirror.items.lock().unwrap(),
        [1, 2],
        "later changes are still delivered"
    );
}

#[test]
fn a_bag_dropped_while_unwinding_never_aborts() {
    const CHILD: &str = "WEAK_EVENTS_UNWIND_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // The child: a bag whose item panics on disposal, dropped by another panic's unwinding.
        let disposed = Arc::new(AtomicUsize::new(0));
        let outcome = std::panic::catch_unwind(|| {
            let bag = DisposeBag::new();
            let counter = Arc::clone(&disposed);
            bag.auto_dispose(OnDispose(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }));
            bag.auto_dispose(OnDispose(|| panic!("disposal panics")));
            panic!("the first panic");
        });
        assert!(outcome.is_err());
        assert_eq!(
            disposed.load(Ordering::SeqCst),
            1,
            "the other item was still disposed"
        );
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_bag_dropped_while_unwinding_never_aborts",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the child died ({:?}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_explicit_dispose_still_resumes_the_first_panic() {
    let bag = DisposeBag::new();
    let disposed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&disposed);
    bag.auto_dispose(OnDispose(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    bag.auto_dispose(OnDispose(|| panic!("disposal panics")));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| bag.dispose()));
    assert!(outcome.is_err());
    assert_eq!(disposed.load(Ordering::SeqCst), 1);
    assert!(bag.is_disposed());
}

#[test]
fn a_property_change_reaches_only_its_listeners_and_all_changes_reach_all() {
    let manager = PropertyChangedManager::<Model>::new();
    let model = Model::new();
    let log = common::log();
    let title = Recorder::new(1, &log);
    let width = Recorder::new(2, &log);
    let all = Recorder::new(3, &log);
    manager.add_listener(&model, "title", &title);
    manager.add_listener(&model, "", &all);
    manager.add_listener(&model, "width", &width);
    model.set("title");
    assert_eq!(
        common::entries(&log),
        [3, 1],
        "all-properties listeners first"
    );
    model.changed.raise(&PropertyChangedArgs::all());
    let mut all = common::entries(&log)[2..].to_vec();
    assert_eq!(all[0], 3, "all-properties listeners first");
    all.sort_unstable();
    assert_eq!(all, [1, 2, 3], "then every property's listeners, once each");
    assert_eq!(
        model.changed.handler_count(),
        1,
        "one forwarding handler per model"
    );
}
