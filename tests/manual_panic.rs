//! The process-wide `run_pending_cleanup()` when one manager's pass panics: the managers after
//! it in the queue still get their pass in the same call, and none is left out of the queue with
//! its pass pending. Its own binary: it drains the process-wide manual queue.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::*;
use weak_events::{CleanupMode, Event, WeakEvent, WeakEventManager};

static ARMED: AtomicBool = AtomicBool::new(false);

/// A kind whose `event` panics while armed: the pass that detaches from a source panics.
enum Bomb {}
impl WeakEvent for Bomb {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        assert!(!ARMED.load(Ordering::SeqCst), "event() panics while armed");
        Some(&bus.ping)
    }
}

#[test]
fn a_panicking_pass_does_not_leave_the_other_managers_pending() {
    let first = WeakEventManager::<Bomb>::with_cleanup(CleanupMode::Manual);
    let second = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let (a, b) = (Bus::new(), Bus::new());
    // One dead receiver on each; the first manager's pass will panic when it detaches.
    let receiver = Arc::new(());
    first.add_handler(&a, &receiver, |_, _, _| {});
    second.add_handler(&b, &receiver, |_, _, _| {});
    drop(receiver);
    first.deliver_event(&a, &0); // queued first
    second.deliver_event(&b, &0);
    assert_eq!(weak_events::cleanup_stats().queued_for_manual, 2);

    ARMED.store(true, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(weak_events::run_pending_cleanup);
    ARMED.store(false, Ordering::SeqCst);
    assert!(outcome.is_err(), "the first manager's panic resumes");
    assert_eq!(
        second.stats().registrations,
        0,
        "the second manager had its pass in the same call"
    );
    assert_eq!(weak_events::cleanup_stats().queued_for_manual, 0);

    // Nothing is stuck: a new request of the second manager is queued and run again.
    let receiver = Arc::new(());
    second.add_handler(&b, &receiver, |_, _, _| {});
    drop(receiver);
    second.deliver_event(&b, &0);
    assert_eq!(weak_events::cleanup_stats().queued_for_manual, 1);
    weak_events::run_pending_cleanup();
    assert_eq!(second.stats().registrations, 0);
}
