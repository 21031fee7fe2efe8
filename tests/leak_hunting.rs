//! Creation sites on every registration, "died before its first event", and its once-per-site
//! warning, through the public API of both flavours.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use weak_events::{
    unsync, CleanupMode, Event, UndeliveredWarning, WeakEvent, WeakEventListener, WeakEventManager,
    UNDELIVERED_WARNING,
};

struct Bus {
    ping: Event<u32>,
}

fn bus() -> Arc<Bus> {
    Arc::new(Bus { ping: Event::new() })
}

/// Each test has its own kind, so the process-wide hooks and profiling can be filtered by it.
macro_rules! kind {
    ($name:ident) => {
        enum $name {}
        impl WeakEvent for $name {
            type Source = Bus;
            type Args = u32;
            fn event(bus: &Bus) -> Option<&Event<u32>> {
                Some(&bus.ping)
            }
        }
    };
}

struct View {
    calls: AtomicUsize,
}

impl<E: WeakEvent> WeakEventListener<E> for View {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

fn view() -> Arc<View> {
    Arc::new(View {
        calls: AtomicUsize::new(0),
    })
}

#[test]
fn every_registration_knows_the_line_that_made_it() {
    kind!(Sited);
    let manager = WeakEventManager::<Sited>::with_cleanup(CleanupMode::Manual);
    let (source, listener, receiver) = (bus(), view(), Arc::new(()));
    let mark = weak_events::start_profiling();
    let first = line!() + 1;
    manager.add_listener(&source, &listener);
    let second = line!() + 1;
    let _guard = manager.subscribe_handler(&source, &receiver, |_, _, _| {});
    let third = line!() + 1;
    let _stream = manager.stream(&source, 4);
    let left: Vec<_> = mark
        .stop()
        .rows
        .into_iter()
        .filter(|u| u.event.ends_with("Sited"))
        .collect();
    let lines: Vec<u32> = left.iter().map(|u| u.site.line()).collect();
    assert_eq!(lines, [first, second, third], "{left:#?}");
    assert!(left
        .iter()
        .all(|u| u.site.file().ends_with("leak_hunting.rs")));
    assert!(left[0].to_string().contains("leak_hunting.rs"));

    let report = weak_events::report();
    let row = report
        .rows
        .iter()
        .find(|r| r.event.ends_with("Sited"))
        .unwrap();
    let sites: Vec<u32> = row.top_sites.iter().map(|(site, _)| site.line()).collect();
    assert_eq!(sites, [first, second, third]);
    assert!(report.to_string().contains("leak_hunting.rs"));
}

#[test]
fn unsync_registrations_know_their_line_too() {
    enum Local {}
    impl unsync::WeakEvent for Local {
        type Source = ();
        type Args = ();
    }
    let manager = unsync::WeakEventManager::<Local>::new();
    let receiver = Rc::new(());
    let line = line!() + 1;
    manager.add_static_handler(&receiver, |_, _, _| {});
    let report = weak_events::report();
    let row = report
        .rows
        .iter()
        .find(|r| r.event.ends_with("Local"))
        .unwrap();
    assert_eq!(row.top_sites[0].0.line(), line);
}

static WARNINGS: Mutex<Vec<UndeliveredWarning>> = Mutex::new(Vec::new());

fn hook(warning: &UndeliveredWarning) {
    WARNINGS.lock().unwrap().push(warning.clone());
}

fn warnings_for(kind: &str) -> Vec<UndeliveredWarning> {
    let warnings = WARNINGS.lock().unwrap();
    warnings
        .iter()
        .filter(|w| w.event.ends_with(kind))
        .cloned()
        .collect()
}

#[test]
fn temporary_receivers_are_counted_and_their_line_warned_once() {
    kind!(Temporaries);
    weak_events::set_undelivered_hook(Some(hook));
    let manager = WeakEventManager::<Temporaries>::with_cleanup(CleanupMode::Inline);
    let source = bus();
    let line = line!() + 2;
    for _ in 0..UNDELIVERED_WARNING * 2 {
        manager.add_listener(&source, &view()); // the mistake: the view dies at the `;`
    }
    source.ping.raise(&1); // meets them all dead; the inline pass purges them
    manager.purge();
    let stats = manager.stats().cleanup;
    assert_eq!(stats.died_undelivered, UNDELIVERED_WARNING * 2);
    let warnings = warnings_for("Temporaries");
    assert_eq!(warnings.len(), 1, "once per site: {warnings:?}");
    assert_eq!(warnings[0].site.line(), line);
    assert_eq!(warnings[0].registrations, UNDELIVERED_WARNING);
    let report = weak_events::report();
    let row = report
        .rows
        .iter()
        .find(|r| r.event.ends_with("Temporaries"))
        .unwrap();
    assert_eq!(row.died_undelivered, UNDELIVERED_WARNING * 2);
}

#[test]
fn receivers_delivered_to_before_dying_are_not_counted_nor_warned() {
    kind!(Delivered);
    weak_events::set_undelivered_hook(Some(hook));
    let manager = WeakEventManager::<Delivered>::with_cleanup(CleanupMode::Manual);
    let source = bus();
    let views: Vec<_> = (0..UNDELIVERED_WARNING * 2)
        .map(|_| {
            let view = view();
            manager.add_listener(&source, &view);
            view
        })
        .collect();
    source.ping.raise(&1);
    drop(views); // each was called once before it went
    manager.purge();
    assert_eq!(manager.stats().cleanup.died_undelivered, 0);
    assert_eq!(
        manager.stats().cleanup.forgotten_removals,
        UNDELIVERED_WARNING * 2
    );
    assert!(warnings_for("Delivered").is_empty());
}

#[test]
fn a_site_where_some_died_after_a_delivery_is_not_warned() {
    kind!(Mixed);
    weak_events::set_undelivered_hook(Some(hook));
    let manager = WeakEventManager::<Mixed>::with_cleanup(CleanupMode::Manual);
    let source = bus();
    let add = |view: &Arc<View>| manager.add_listener(&source, view);
    // One view from the site is delivered to, then dies; many others die undelivered.
    let first = view();
    add(&first);
    source.ping.raise(&1);
    drop(first);
    manager.purge();
    for _ in 0..UNDELIVERED_WARNING * 2 {
        add(&view());
    }
    manager.purge();
    assert_eq!(
        manager.stats().cleanup.died_undelivered,
        UNDELIVERED_WARNING * 2
    );
    assert!(
        warnings_for("Mixed").is_empty(),
        "the site was seen delivering"
    );
}

#[test]
fn a_receiver_that_panicked_or_dropped_itself_in_its_call_was_delivered() {
    kind!(Called);
    struct Bomb;
    impl WeakEventListener<Called> for Bomb {
        fn receive_weak_event(&self, _: &Bus, _: &u32) {
            panic!("listener failed");
        }
    }
    let manager = WeakEventManager::<Called>::with_cleanup(CleanupMode::Manual);
    let source = bus();
    let bomb = Arc::new(Bomb);
    manager.add_listener(&source, &bomb);
    assert!(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| source.ping.raise(&1))).is_err()
    );
    drop(bomb);
    // A receiver whose only strong reference is dropped inside its own call.
    let slot: Arc<Mutex<Option<Arc<dyn WeakEventListener<Called>>>>> = Arc::new(Mutex::new(None));
    struct Leaving(Arc<Mutex<Option<Arc<dyn WeakEventListener<Called>>>>>);
    impl WeakEventListener<Called> for Leaving {
        fn receive_weak_event(&self, _: &Bus, _: &u32) {
            self.0.lock().unwrap().take();
        }
    }
    let leaving: Arc<dyn WeakEventListener<Called>> = Arc::new(Leaving(Arc::clone(&slot)));
    manager.add_listener(&source, &leaving);
    *slot.lock().unwrap() = Some(leaving);
    source.ping.raise(&2);
    manager.purge();
    let stats = manager.stats().cleanup;
    assert_eq!(stats.forgotten_removals, 2);
    assert_eq!(
        stats.died_undelivered, 0,
        "both were called before they died"
    );
}
