//! Dispose profiling and the report, for both flavours. Profiling is process-wide: each test
//! filters what its mark lists by its own event kind.

mod common;

use std::sync::Arc;

use common::*;
use weak_events::{CleanupMode, WeakEventManager};

#[test]
fn profiling_lists_exactly_what_was_registered_since_the_mark_and_is_still_there() {
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    let log = log();
    let before = Recorder::new(0, &log);
    manager.add_listener(&bus, &before); // before the mark: never listed

    let mark = weak_events::start_profiling();
    let removed = Recorder::new(1, &log);
    manager.add_listener(&bus, &removed);
    assert!(manager.remove_listener(&bus, &removed));
    let guarded = Recorder::new(2, &log);
    drop(manager.subscribe(&bus, &guarded));
    let forgotten = Recorder::new(3, &log);
    manager.add_listener(&bus, &forgotten); // never removed, receiver alive
    let receiver = Arc::new(0_u64);
    manager.add_handler(&bus, &receiver, |_, _, _| {}); // never removed, receiver dies
    drop(receiver);
    let purged = Recorder::new(4, &log);
    manager.add_listener(&bus, &purged);
    drop(purged);
    manager.deliver_event_check(&bus);
    let left = mark.stop().rows;

    // One row per creation site, oldest first: what is left behind (alive) and what was never
    // removed though its receiver died (forgotten).
    let names: Vec<_> = left
        .iter()
        .map(|u| {
            (
                u.receiver.rsplit("::").next().unwrap(),
                u.alive,
                u.forgotten,
            )
        })
        .collect();
    assert_eq!(
        names,
        [("Recorder", 1, 0), ("u64", 0, 1), ("Recorder", 0, 1)],
        "{left:#?}"
    );
    assert!(left.iter().all(|u| u.event.ends_with("common::Ping")));
    let this_file = left[0]
        .backtrace
        .as_ref()
        .expect("a mark captures them")
        .to_string();
    assert!(
        this_file.contains("profiling.rs"),
        "the backtrace shows where it was registered:\n{this_file}"
    );

    // A pass prunes the dead ones; a new mark lists nothing made before it.
    manager.purge();
    let mark = weak_events::start_profiling();
    let late = Recorder::new(5, &log);
    manager.add_listener(&bus, &late);
    let left = mark.stop();
    assert_eq!(left.rows.len(), 1);

    // The report sees this kind's registrations.
    let report = weak_events::report();
    let row = report
        .rows
        .iter()
        .find(|r| r.event.ends_with("common::Ping"))
        .expect("a row for Ping");
    assert_eq!((row.sources, row.alive, row.dead), (1, 3, 0));
    assert_eq!(row.forgotten_removals, 2);
    let table = report.to_string();
    assert!(table.lines().next().unwrap().contains("forgotten"));
    assert!(table.contains("common::Ping"));
}

trait DeliverCheck {
    fn deliver_event_check(&self, bus: &Bus);
}

impl DeliverCheck for WeakEventManager<Ping> {
    /// Delivers through the bus, so the test also shows the forwarding path is unaffected.
    fn deliver_event_check(&self, bus: &Bus) {
        bus.ping.raise(&0);
    }
}

/// The thread-affine flavour's kind for the test below.
enum Tap {}
impl weak_events::unsync::WeakEvent for Tap {
    type Source = ();
    type Args = ();
}

static UNSYNC_WARNINGS: std::sync::Mutex<Vec<(String, usize)>> = std::sync::Mutex::new(Vec::new());

#[test]
fn profiling_the_report_and_the_threshold_see_the_unsync_flavour_too() {
    use std::rc::Rc;
    use weak_events::unsync;

    weak_events::set_threshold_hook(Some(|warning| {
        UNSYNC_WARNINGS
            .lock()
            .unwrap()
            .push((warning.event.to_string(), warning.listeners));
    }));
    let manager = unsync::WeakEventManager::<Tap>::new();
    manager.set_listener_threshold(Some(2));
    let mark = weak_events::start_profiling();
    let kept = Rc::new(1_u8);
    let dropped = Rc::new(2_u8);
    manager.add_static_handler(&kept, |_, _, _| {});
    manager.add_static_handler(&dropped, |_, _, _| {});
    let listener = Rc::new(Listener);
    drop(manager.subscribe_static(&listener)); // removed by its guard: not listed
    manager.add_static_handler(&kept, |_, _, _| {}); // the third: past the threshold of 2
    drop(dropped);
    let left: Vec<_> = mark
        .stop()
        .rows
        .into_iter()
        .filter(|u| u.event.ends_with("Tap"))
        .collect();
    assert_eq!(
        left.iter()
            .map(|u| (u.alive, u.forgotten))
            .collect::<Vec<_>>(),
        [(1, 0), (0, 1), (1, 0)],
        "one row per creation site, oldest first: {left:#?}"
    );
    let backtrace = left[0].backtrace.as_ref().expect("a mark captures them");
    assert!(backtrace.to_string().contains("profiling.rs"));

    let report = weak_events::report();
    let row = report
        .rows
        .iter()
        .find(|r| r.event.ends_with("Tap"))
        .expect("a row for this thread's unsync manager");
    assert_eq!((row.managers, row.alive, row.dead), (1, 2, 1));

    let warnings = UNSYNC_WARNINGS.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|(event, listeners)| event.ends_with("Tap") && *listeners == 3),
        "{warnings:?}"
    );
    weak_events::set_threshold_hook(None);
}

/// A static listener of `Tap`.
struct Listener;
impl weak_events::unsync::WeakEventListener<Tap> for Listener {
    fn receive_weak_event(&self, _: &(), _: &()) {}
}
