//! The dispose bag and Backbone-style listening, once registrations, the listener threshold.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use weak_events::{
    CleanupMode, Dispose, DisposeBag, OnDispose, ThresholdWarning, WeakEventManager,
};

fn recorder(log: &Log, name: usize) -> OnDispose<impl FnOnce() + Send + 'static> {
    let log = Arc::clone(log);
    OnDispose(move || log.lock().unwrap().push(name))
}

#[test]
fn a_bag_disposes_in_reverse_order_once() {
    let log = log();
    let bag = DisposeBag::new();
    for name in 1..=4 {
        assert!(bag.auto_dispose(recorder(&log, name)).is_some());
    }
    bag.dispose();
    assert_eq!(entries(&log), [4, 3, 2, 1]);
    bag.dispose();
    assert_eq!(entries(&log), [4, 3, 2, 1], "disposing twice is a no-op");
    assert!(bag.is_disposed() && bag.is_empty());
}

#[test]
fn dropping_a_bag_disposes_it() {
    let log = log();
    {
        let bag = DisposeBag::new();
        bag.auto_dispose(recorder(&log, 1));
        bag.auto_dispose(recorder(&log, 2));
    }
    assert_eq!(entries(&log), [2, 1]);
}

#[test]
fn a_released_item_is_handed_back_and_not_disposed() {
    let log = log();
    let bag = DisposeBag::new();
    bag.auto_dispose(recorder(&log, 1));
    let key = bag.auto_dispose(recorder(&log, 2)).unwrap();
    let released = bag.dispose_release(key).expect("in the bag");
    assert!(bag.dispose_release(key).is_none(), "released once");
    bag.dispose();
    assert_eq!(
        entries(&log),
        [1],
        "the released item was not disposed with the bag"
    );
    Box::new(released).dispose();
    assert_eq!(entries(&log), [1, 2], "it is the caller's now, intact");
}

#[test]
fn a_discarded_item_is_disposed_at_once_and_only_once() {
    let log = log();
    let bag = DisposeBag::new();
    bag.auto_dispose(recorder(&log, 1));
    let key = bag.auto_dispose(recorder(&log, 2)).unwrap();
    bag.auto_dispose(recorder(&log, 3));
    assert!(bag.dispose_discard(key));
    assert_eq!(entries(&log), [2]);
    assert!(!bag.dispose_discard(key));
    bag.dispose();
    assert_eq!(entries(&log), [2, 3, 1]);
}

#[test]
fn bags_nest() {
    let log = log();
    let parent = DisposeBag::new();
    parent.auto_dispose(recorder(&log, 1));
    let child = DisposeBag::new();
    child.auto_dispose(recorder(&log, 10));
    child.auto_dispose(recorder(&log, 11));
    parent.auto_dispose(child);
    parent.auto_dispose(recorder(&log, 2));
    parent.dispose();
    assert_eq!(
        entries(&log),
        [2, 11, 10, 1],
        "the child disposes its items in its turn"
    );
}

#[test]
fn adding_to_a_disposed_bag_disposes_the_item_at_once() {
    let log = log();
    let bag = DisposeBag::new();
    bag.dispose();
    assert!(bag.auto_dispose(recorder(&log, 7)).is_none(), "says so");
    assert_eq!(entries(&log), [7], "and nothing is silently kept");
    assert!(bag.is_empty());

    // A subscription handed to a disposed bag is removed at once.
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    let view = Recorder::new(0, &log);
    assert!(bag.auto_dispose(manager.subscribe(&bus, &view)).is_none());
    assert_eq!(manager.listener_count(&bus), 0);
}

#[test]
fn an_item_may_use_the_bag_while_it_is_disposed() {
    let bag = Arc::new(DisposeBag::new());
    let added_late = Arc::new(AtomicUsize::new(0));
    let (inner_bag, counter) = (Arc::downgrade(&bag), Arc::clone(&added_late));
    bag.auto_dispose(OnDispose(move || {
        let bag = inner_bag.upgrade().unwrap();
        // No deadlock: disposal runs with the bag unlocked; the bag is disposed, so this runs now.
        let counter = Arc::clone(&counter);
        assert!(bag
            .auto_dispose(OnDispose(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }))
            .is_none());
    }));
    bag.dispose();
    assert_eq!(added_late.load(Ordering::SeqCst), 1);
}

#[test]
fn stop_listening_removes_all_and_only_the_bags_own_subscriptions() {
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let direct = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let (a, b) = (Bus::new(), Bus::new());
    let log = log();
    let mine = Recorder::new(1, &log);
    let theirs = Recorder::new(2, &log);
    let bag = DisposeBag::new();
    bag.auto_dispose(manager.subscribe(&a, &mine));
    bag.auto_dispose(manager.subscribe(&b, &mine));
    bag.auto_dispose(direct.subscribe(&a, &mine)); // another event kind, same source
    bag.auto_dispose(recorder(&log, 99)); // not a subscription
                                          // Another component listens to the same sources.
    let _their_subscription = manager.subscribe(&a, &theirs);
    manager.add_listener(&b, &theirs);

    assert_eq!(bag.stop_listening_to(&b), 1);
    assert_eq!(manager.listener_count(&b), 1, "theirs survives");
    assert_eq!(bag.stop_listening(), 2);
    assert_eq!(manager.listener_count(&a), 1, "theirs survives");
    assert_eq!(direct.listener_count(&a), 0);
    assert_eq!(bag.len(), 1, "the non-subscription item is still owned");
    a.ping.raise(&0);
    b.ping.raise(&0);
    assert_eq!((mine.calls(), theirs.calls()), (0, 2));
    assert!(
        entries(&log).iter().all(|&name| name == 2),
        "the bag's closure did not run"
    );
}

#[test]
fn listen_to_uses_the_current_manager_and_listen_to_once_fires_once() {
    let bus = Bus::new();
    let log = log();
    let view = Recorder::new(1, &log);
    let once = Recorder::new(2, &log);
    let bag = DisposeBag::new();
    bag.listen_to::<Direct, _>(&bus, &view);
    bag.listen_to_once::<Direct, _>(&bus, &once);
    let current = WeakEventManager::<Direct>::current();
    current.deliver_event(&bus, &0);
    current.deliver_event(&bus, &0);
    assert_eq!((view.calls(), once.calls()), (2, 1));
    drop(bag);
    current.deliver_event(&bus, &0);
    assert_eq!(view.calls(), 2, "the bag's drop stopped listening");
    assert_eq!(current.listener_count(&bus), 0);
}

#[test]
fn once_registrations_fire_once_even_re_entrantly() {
    let manager = Arc::new(WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual));
    let bus = Bus::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let listener = {
        let calls = Arc::clone(&calls);
        Arc::new(FnListener(move |bus: &Bus, depth: &u32| {
            calls.fetch_add(1, Ordering::SeqCst);
            if *depth == 0 {
                bus.ping.raise(&1); // must not call this once-listener again
            }
        }))
    };
    manager.add_listener_once(&bus, &listener);
    let receiver = Arc::new(Mutex::new(0));
    manager.add_handler_once(&bus, &receiver, |r, _, _| *r.lock().unwrap() += 1);
    bus.ping.raise(&0);
    bus.ping.raise(&0);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(*receiver.lock().unwrap(), 1);
    assert_eq!(manager.listener_count(&bus), 0);
    assert!(bus.ping.is_empty(), "detached once both fired");
}

#[test]
fn once_registrations_fire_once_under_concurrent_deliveries() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    let counters: Vec<_> = (0..200).map(|_| Arc::new(AtomicUsize::new(0))).collect();
    for counter in &counters {
        manager.add_handler_once(&bus, counter, |c, _, _| {
            c.fetch_add(1, Ordering::SeqCst);
        });
    }
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50 {
                    manager.deliver_event(&bus, &0);
                }
            });
        }
    });
    for counter in &counters {
        assert_eq!(counter.load(Ordering::SeqCst), 1);
    }
    assert_eq!(manager.listener_count(&bus), 0);
}

static WARNINGS: Mutex<Vec<ThresholdWarning>> = Mutex::new(Vec::new());

#[test]
fn growth_warnings_come_at_the_threshold_and_at_each_further_half_naming_the_site() {
    enum Crowded {}
    impl weak_events::WeakEvent for Crowded {
        type Source = Bus;
        type Args = ();
    }
    fn hook(warning: &ThresholdWarning) {
        if warning.event.ends_with("Crowded") {
            WARNINGS.lock().unwrap().push(warning.clone());
        }
    }
    weak_events::set_threshold_hook(Some(hook));
    let manager = WeakEventManager::<Crowded>::with_cleanup(CleanupMode::Manual);
    manager.set_listener_threshold(Some(10));
    let (a, b) = (Bus::new(), Bus::new());
    let receiver = Arc::new(());
    // Dead registrations never count: 40 temporaries on `b` warn of nothing.
    for _ in 0..40 {
        manager.add_handler(&b, &Arc::new(()), |_, _, _| {});
    }
    for _ in 0..10 {
        manager.add_handler(&a, &receiver, |_, _, _| {});
    }
    assert!(
        WARNINGS.lock().unwrap().is_empty(),
        "at the threshold: no warning yet (and none for the dead ones)"
    );
    let line = line!() + 2;
    for _ in 0..30 {
        manager.add_handler(&a, &receiver, |_, _, _| {});
    }
    let warnings = WARNINGS.lock().unwrap().clone();
    let levels: Vec<usize> = warnings.iter().map(|w| w.listeners).collect();
    // Past 10, then each time past half again the last warning: 11, 17 (+50%), 26 (+136%), 40.
    assert_eq!(levels, [11, 17, 26, 40], "{warnings:?}");
    for warning in &warnings {
        let site = warning.site.expect("a dominant site");
        assert!(site.file().ends_with("ownership.rs"), "{site}");
        assert!(warning.source.ends_with("Bus"));
        assert!(warning.to_string().contains("possible leak"));
    }
    // The first warning's ten came from the line above the loop; then this loop's line leads.
    let last = warnings.last().unwrap();
    assert_eq!(last.site.unwrap().line(), line);
    assert_eq!(last.site_registrations, 30);
    assert!(last.dominated, "30 of 40 from one line");
    assert!(last.to_string().contains("dominated"));
    weak_events::set_threshold_hook(None);
}
