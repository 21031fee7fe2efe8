//! The process-wide scheduler: its mode, `run_pending_cleanup()` and `purge_all()`.
//!
//! One test: these act on every manager of the process, so nothing may run beside them.

mod common;

use std::sync::Arc;

use common::*;
use weak_events::{CleanupMode, WeakEventManager};

fn dead_entry_on(manager: &WeakEventManager<Direct>, bus: &Arc<Bus>) {
    let receiver = Arc::new(());
    manager.add_handler(bus, &receiver, |_, _, _| {});
    drop(receiver);
    manager.deliver_event(bus, &0); // a pass is now pending
}

#[test]
fn the_process_wide_mode_run_and_purge() {
    assert_eq!(
        weak_events::cleanup_mode(),
        CleanupMode::Background,
        "the default"
    );
    weak_events::set_cleanup_mode(CleanupMode::Manual);
    let current = WeakEventManager::<Direct>::current();
    let private = WeakEventManager::<Direct>::new();
    let own_manual = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    assert_eq!(
        current.cleanup_mode(),
        CleanupMode::Manual,
        "follows the process"
    );
    assert_eq!(
        private.cleanup_mode(),
        CleanupMode::Manual,
        "follows the process"
    );

    let bus = Bus::new();
    for manager in [current, &private, &own_manual] {
        dead_entry_on(manager, &bus);
        assert_eq!(manager.stats().dead, 1);
    }
    // One call at the application's idle point runs all three.
    let report = weak_events::run_pending_cleanup();
    assert_eq!(report.entries_purged, 3);
    for manager in [current, &private, &own_manual] {
        assert_eq!(manager.stats().registrations, 0);
    }
    assert_eq!(
        weak_events::run_pending_cleanup().sources_visited,
        0,
        "nothing pending"
    );

    // Switching the process to Inline runs what followers have pending; not the own-mode one.
    for manager in [current, &private, &own_manual] {
        dead_entry_on(manager, &bus);
    }
    weak_events::set_cleanup_mode(CleanupMode::Inline);
    assert_eq!(current.stats().dead, 0);
    assert_eq!(private.stats().dead, 0);
    assert_eq!(own_manual.stats().dead, 1, "its own mode: still waiting");

    // purge_all reaches every manager whatever its mode.
    let before = weak_events::cleanup_stats();
    let report = weak_events::purge_all();
    assert!(report.entries_purged >= 1);
    assert_eq!(own_manual.stats().dead, 0);
    assert!(weak_events::cleanup_stats().passes >= before.passes + 3);
    weak_events::set_cleanup_mode(CleanupMode::Background);
}
