//! Once registrations and the listener threshold (the dispose bag: `tests/dispose.rs`).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use weak_events::{CleanupMode, ThresholdWarning, WeakEventManager};

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
