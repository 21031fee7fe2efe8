//! Churn: millions of short-lived sources, receivers, property names and managers, with a bound
//! on what is left after settling (table entries, managers, queue lengths), not only on memory.
//!
//! These run long under valgrind, so `.ci/run` does not run this file there. Each scenario prints
//! its figures (`cargo test --release --test churn -- --nocapture`).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Bus, Direct, Model, Ping, Recorder};
use weak_events::{
    CleanupMode, DropNotice, Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs,
    PropertyChangedManager, WeakEvent, WeakEventManager,
};

/// Cycles per scenario: millions in release, fewer in a debug build so that a plain `cargo test`
/// stays quick (the bounds do not depend on the count).
const CYCLES: usize = if cfg!(debug_assertions) {
    200_000
} else {
    1_000_000
};

/// The sources a table may hold with none of them alive: the amortised full pass runs when the
/// table doubles from what the last one left, so never more than twice its floor of 16.
const DEAD_SOURCE_BOUND: usize = 32;

/// Waits (up to 10 s) for `done`.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    done()
}

/// New sources with no `Event` get a listener and are dropped; one receiver stays alive.
/// Returns the peak table size seen.
fn churn_sources_without_event(manager: &WeakEventManager<Direct>) -> usize {
    let receiver = Recorder::new(0, &common::log());
    let mut peak = 0;
    for i in 0..CYCLES {
        let source = Bus::new();
        manager.add_listener(&source, &receiver);
        drop(source);
        if i % 4096 == 0 {
            peak = peak.max(manager.stats().sources);
        }
    }
    peak.max(manager.stats().sources)
}

#[test]
fn dead_sources_without_an_event_stay_bounded_inline() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Inline);
    let peak = churn_sources_without_event(&manager);
    let stats = manager.stats();
    println!(
        "inline: {CYCLES} dead sources without an Event: peak {peak}, left {}, passes {}",
        stats.sources, stats.cleanup.passes
    );
    assert!(
        peak <= DEAD_SOURCE_BOUND,
        "peak {peak} sources in the table"
    );
    assert_eq!(stats.alive, 0, "a dead source's registrations are not live");
    manager.schedule_cleanup();
    assert_eq!(
        manager.stats().sources,
        0,
        "a requested full pass purges them all"
    );
}

#[test]
fn dead_sources_without_an_event_stay_bounded_in_manual_mode() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let peak = churn_sources_without_event(&manager);
    println!("manual: {CYCLES} dead sources without an Event: peak {peak}");
    assert!(
        peak <= DEAD_SOURCE_BOUND,
        "peak {peak} sources in the table"
    );
    manager.schedule_cleanup();
    manager.run_pending_cleanup();
    assert_eq!(manager.stats().sources, 0);
}

#[test]
fn dead_sources_without_an_event_stay_bounded_in_background_mode() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Background);
    let peak = churn_sources_without_event(&manager);
    println!("background: {CYCLES} dead sources without an Event: peak {peak}");
    assert!(
        peak <= DEAD_SOURCE_BOUND,
        "peak {peak} sources in the table"
    );
    manager.schedule_cleanup();
    assert!(
        eventually(|| manager.stats().sources == 0),
        "{} sources left after a requested full pass",
        manager.stats().sources
    );
}

/// A source without an `Event` that carries a [`DropNotice`].
#[derive(Default)]
struct Announced {
    notice: DropNotice,
}

enum AnnouncedTick {}
impl WeakEvent for AnnouncedTick {
    type Source = Announced;
    type Args = ();
    fn drop_notice(source: &Announced) -> Option<&DropNotice> {
        Some(&source.notice)
    }
}

#[test]
fn sources_that_announce_their_death_are_gone_at_the_next_pass() {
    let manager = WeakEventManager::<AnnouncedTick>::with_cleanup(CleanupMode::Inline);
    let receiver = Recorder::new(0, &common::log());
    let mut peak = 0;
    for _ in 0..CYCLES {
        let source = Arc::new(Announced::default());
        manager.add_listener(&source, &receiver);
        drop(source);
        // Inline: the announcement ran a pass over the source already.
        peak = peak.max(manager.stats().sources);
        if peak > 0 {
            break;
        }
    }
    assert_eq!(
        peak, 0,
        "an announced death leaves nothing at the next pass"
    );
    assert_eq!(manager.stats().cleanup.entries_purged, CYCLES);
}

#[test]
fn property_names_with_no_listeners_left_cost_nothing() {
    let manager = PropertyChangedManager::<Model>::with_cleanup(CleanupMode::Inline);
    let listener = Recorder::new(0, &common::log());
    let started = Instant::now();
    for i in 0..CYCLES / 4 {
        let model = Model::new();
        let guard = manager.subscribe(&model, &format!("cell_{i}"), &listener);
        drop(guard);
        drop(model);
    }
    weak_events::purge_all();
    let rows: Vec<_> = weak_events::report()
        .rows
        .into_iter()
        .filter(|row| row.event.contains("PropertyChanged<churn::common::Model>"))
        .collect();
    println!(
        "{} dynamic property names in {:.2?}: {rows:?}",
        CYCLES / 4,
        started.elapsed()
    );
    let managers: usize = rows.iter().map(|row| row.managers).sum();
    let sources: usize = rows.iter().map(|row| row.sources).sum();
    let entries: usize = rows.iter().map(|row| row.registrations).sum();
    assert!(managers <= 2, "{managers} managers for one kind of model");
    assert_eq!((sources, entries), (0, 0));

    // A model with one all-properties listener: an all-properties change calls that one.
    let model = Model::new();
    manager.add_listener(&model, "", &listener);
    model.changed.raise(&PropertyChangedArgs::all());
    assert_eq!(listener.calls(), 1);
}

#[test]
fn manual_mode_queues_stay_bounded_when_each_manager_runs_its_own_cleanup() {
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    for _ in 0..CYCLES {
        let receiver = Recorder::new(0, &common::log());
        manager.add_listener(&bus, &receiver);
        drop(receiver);
        bus.ping.raise(&0); // meets the dead receiver: a request
        manager.run_pending_cleanup();
    }
    let queued = weak_events::cleanup_stats().queued_for_manual;
    println!("manual queue after {CYCLES} own-idle-point cycles: {queued}");
    assert_eq!(manager.stats().registrations, 0);
    assert!(queued <= 16, "{queued} entries in the manual queue");
}

#[test]
fn manual_mode_queues_stay_bounded_with_short_lived_managers() {
    for _ in 0..CYCLES / 4 {
        let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
        manager.schedule_cleanup();
        drop(manager); // never run
    }
    let queued = weak_events::cleanup_stats().queued_for_manual;
    println!(
        "manual queue after {} dropped managers: {queued}",
        CYCLES / 4
    );
    // Live manual managers are few (this binary's other tests); dropped ones are swept out.
    assert!(queued <= 64, "{queued} entries in the manual queue");
    weak_events::run_pending_cleanup();
    // Emptied; the two other manual-mode tests of this binary may have queued again since.
    let queued = weak_events::cleanup_stats().queued_for_manual;
    assert!(
        queued <= 2,
        "{queued} entries left after the process-wide run"
    );
}

#[test]
fn the_property_router_detaches_with_the_last_property_listener() {
    #[derive(Default)]
    struct Doc {
        changed: Event<PropertyChangedArgs>,
    }
    impl NotifyPropertyChanged for Doc {
        fn property_changed(&self) -> &Event<PropertyChangedArgs> {
            &self.changed
        }
    }
    let manager = PropertyChangedManager::<Doc>::with_cleanup(CleanupMode::Inline);
    let doc = Arc::new(Doc::default());
    let view = Recorder::new(0, &common::log());

    let mark = weak_events::start_profiling();
    let guard = manager.subscribe(&doc, "title", &view);
    assert_eq!(doc.changed.handler_count(), 1);
    drop(guard);
    manager.purge();
    assert_eq!(
        doc.changed.handler_count(),
        0,
        "nothing left on the model's event"
    );
    // Profiling is process-wide: keep this test's kind only (the others run concurrently).
    let left: Vec<_> = mark
        .stop()
        .rows
        .into_iter()
        .filter(|row| row.event.contains("Doc>"))
        .collect();
    assert!(left.is_empty(), "a tidy user is blamed for: {left:?}");
    let row = weak_events::report()
        .rows
        .into_iter()
        .find(|row| row.event.contains("PropertyChanged<") && row.event.contains("Doc>"));
    assert!(
        row.as_ref().map_or(true, |row| row.registrations == 0),
        "{row:?}"
    );
    assert_eq!(manager.listener_count(&doc, ""), 0);
    assert_eq!(
        WeakEventManager::<PropertyChanged<Doc>>::current().listener_count(&doc),
        0
    );
}
