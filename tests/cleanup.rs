//! The cleanup scheduler: dirty-only passes, manual and background modes, no lost requests.
//!
//! Nothing here calls the process-wide `run_pending_cleanup()` or changes the process-wide mode:
//! those would reach the other tests' managers (see `tests/process_wide.rs`).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use weak_events::{CleanupMode, Event, WeakEvent, WeakEventManager};

/// Polls `done` every 5 ms; false if it did not hold within 10 s.
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

#[test]
fn a_manual_pass_visits_only_the_dirty_source() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let keep = Arc::new(AtomicUsize::new(0));
    let buses: Vec<_> = (0..10_000).map(|_| Bus::new()).collect();
    for bus in &buses {
        manager.add_handler(bus, &keep, |_, _, _| {});
    }
    let victim_bus = Bus::new();
    let victim = Arc::new(AtomicUsize::new(0));
    manager.add_handler(&victim_bus, &victim, |_, _, _| {});
    // Setting up asked for passes (the table doubled); run them so the next one is ours alone.
    manager.run_pending_cleanup();
    let before = manager.stats().cleanup;

    drop(victim);
    manager.deliver_event(&victim_bus, &0); // meets the dead receiver: marks its source dirty
    let report = manager.run_pending_cleanup();
    let after = manager.stats().cleanup;

    assert_eq!(report.sources_visited, 1);
    assert_eq!(report.entries_purged, 1);
    assert_eq!(after.sources_visited - before.sources_visited, 1);
    assert_eq!(after.entries_purged - before.entries_purged, 1);
    assert_eq!(after.passes - before.passes, 1);
    assert_eq!(manager.stats().registrations, 10_000);
}

#[test]
fn manual_mode_purges_nothing_until_asked_then_everything_dead_at_request_time() {
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let buses: Vec<_> = (0..50).map(|_| Bus::new()).collect();
    let live = Recorder::new(0, &log());
    let mut doomed = Vec::new();
    for bus in &buses {
        manager.add_listener(bus, &live);
        for i in 0..3 {
            let r = Recorder::new(i, &log());
            manager.add_listener(bus, &r);
            doomed.push(r);
        }
    }
    manager.run_pending_cleanup();
    let set_up_passes = manager.stats().cleanup.passes;
    drop(doomed);
    // Some sources learn it by a delivery, the rest by an explicit request.
    for bus in &buses[..10] {
        bus.ping.raise(&0);
    }
    manager.schedule_cleanup();
    std::thread::sleep(Duration::from_millis(50));
    let stats = manager.stats();
    assert_eq!(stats.dead, 150, "manual: nothing ran by itself");
    assert_eq!(
        stats.cleanup.passes, set_up_passes,
        "no pass since the set-up"
    );

    let report = manager.run_pending_cleanup();
    assert_eq!(report.entries_purged, 150);
    assert_eq!(report.forgotten_removals, 150);
    let stats = manager.stats();
    assert_eq!((stats.dead, stats.alive, stats.registrations), (0, 50, 50));
    assert_eq!(
        manager.run_pending_cleanup().sources_visited,
        0,
        "nothing pending: a no-op"
    );
}

#[test]
fn background_cleanup_purges_dead_entries_within_a_bounded_wait() {
    let manager = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Background);
    let bus = Bus::new();
    let receivers: Vec<_> = (0..100).map(|i| Recorder::new(i, &log())).collect();
    for r in &receivers {
        manager.add_listener(&bus, r);
    }
    drop(receivers);
    bus.ping.raise(&0); // meets the dead: a request
    assert!(
        eventually(|| manager.stats().registrations == 0),
        "the worker did not purge within 10 s: {:?}",
        manager.stats()
    );
    assert!(
        eventually(|| bus.ping.is_empty()),
        "and detached from the source"
    );
}

#[test]
fn a_burst_of_requests_costs_a_handful_of_passes() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Background);
    for _ in 0..1_000 {
        manager.schedule_cleanup();
    }
    assert!(eventually(|| manager.stats().cleanup.passes >= 1));
    std::thread::sleep(Duration::from_millis(100));
    let stats = manager.stats().cleanup;
    assert_eq!(stats.requests, 1_000);
    assert!(stats.passes <= 3, "{} passes for one burst", stats.passes);
    assert_eq!(stats.requests_coalesced, 1_000 - stats.passes);
}

/// A kind whose attach hook makes a cleanup request while a pass is detaching it.
enum Hooked {}
static HOOKED: OnceLock<WeakEventManager<Hooked>> = OnceLock::new();
static ARMED: AtomicBool = AtomicBool::new(false);
impl WeakEvent for Hooked {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        if ARMED.swap(false, Ordering::SeqCst) {
            HOOKED.get().unwrap().schedule_cleanup();
        }
        Some(&bus.ping)
    }
}

#[test]
fn a_request_made_during_a_pass_leads_to_another_pass() {
    let manager = HOOKED.get_or_init(|| WeakEventManager::with_cleanup(CleanupMode::Manual));
    let bus = Bus::new();
    let receiver = Recorder::new(0, &log());
    manager.add_listener(&bus, &receiver);
    manager.run_pending_cleanup();
    drop(receiver);
    bus.ping.raise(&0);
    ARMED.store(true, Ordering::SeqCst);
    // This pass empties the source and detaches, calling the hook, which requests again.
    let first = manager.run_pending_cleanup();
    assert_eq!(first.sources_removed, 1);
    assert!(
        !ARMED.load(Ordering::SeqCst),
        "the hook ran during the pass"
    );
    let passes = manager.stats().cleanup.passes;
    let second = manager.run_pending_cleanup();
    assert_eq!(
        manager.stats().cleanup.passes,
        passes + 1,
        "the request was not lost"
    );
    assert!(second.sources_visited >= 1, "a full pass, as requested");
}

#[test]
fn a_purge_never_removes_a_live_registration_even_one_added_during_it() {
    const ADDS: usize = 3_000;
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let buses: Vec<_> = (0..4).map(|_| Bus::new()).collect();
    let done = AtomicBool::new(false);
    let live: Vec<_> = std::thread::scope(|scope| {
        let purger = scope.spawn(|| {
            let mut passes = 0;
            while !done.load(Ordering::SeqCst) {
                manager.purge();
                manager.run_pending_cleanup();
                passes += 1;
            }
            passes
        });
        let mut live = Vec::new();
        for i in 0..ADDS {
            let bus = &buses[i % buses.len()];
            let keep = Arc::new(AtomicUsize::new(0));
            manager.add_handler(bus, &keep, |c, _, _| {
                c.fetch_add(1, Ordering::Relaxed);
            });
            live.push((i % buses.len(), keep));
            // And a dead one beside it, for the passes to find.
            let doomed = Arc::new(AtomicUsize::new(0));
            manager.add_handler(bus, &doomed, |_, _, _| {});
        }
        done.store(true, Ordering::SeqCst);
        assert!(purger.join().unwrap() > 0);
        live
    });
    manager.purge();
    let stats = manager.stats();
    assert_eq!((stats.registrations, stats.alive), (ADDS, ADDS));
    for bus in &buses {
        manager.deliver_event(bus, &0);
    }
    for (_, keep) in &live {
        assert_eq!(
            keep.load(Ordering::Relaxed),
            1,
            "each live registration called once"
        );
    }
}

#[test]
fn switching_modes_while_work_is_pending_loses_nothing() {
    let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    let dead_one = |manager: &WeakEventManager<Direct>| {
        let receiver = Arc::new(());
        manager.add_handler(&bus, &receiver, |_, _, _| {});
        drop(receiver);
        manager.deliver_event(&bus, &0);
    };

    // Manual -> Inline: the pending pass runs at the switch.
    dead_one(&manager);
    manager.set_cleanup_mode(Some(CleanupMode::Inline));
    assert_eq!(manager.stats().registrations, 0);

    // Manual -> Background: handed to the worker.
    manager.set_cleanup_mode(Some(CleanupMode::Manual));
    dead_one(&manager);
    manager.set_cleanup_mode(Some(CleanupMode::Background));
    assert!(eventually(|| manager.stats().registrations == 0));

    // Background -> Manual while queued: the worker hands it back, or ran it first.
    dead_one(&manager);
    manager.set_cleanup_mode(Some(CleanupMode::Manual));
    assert!(eventually(|| {
        manager.run_pending_cleanup();
        manager.stats().registrations == 0
    }));
}

#[test]
fn a_program_exits_promptly_with_the_cleanup_worker_running() {
    const CHILD: &str = "WEAK_EVENTS_EXIT_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // The child: start the worker, check it runs, and return from the test (and main).
        let manager = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Background);
        manager.schedule_cleanup();
        assert!(eventually(|| manager.stats().cleanup.passes == 1));
        #[cfg(target_os = "linux")]
        assert!(
            std::fs::read_dir("/proc/self/task").unwrap().any(|task| {
                let comm = std::fs::read_to_string(task.unwrap().path().join("comm"));
                comm.is_ok_and(|c| c.starts_with("weak-events-cle"))
            }),
            "the worker thread is alive at exit"
        );
        return;
    }
    let started = Instant::now();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_program_exits_promptly_with_the_cleanup_worker_running",
        ])
        .env(CHILD, "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("the child did not exit within 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success());
    // The worker idles for 2 s before it exits on its own; the process did not wait for it.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// A source without an `Event` that announces its death.
#[derive(Default)]
struct Announcing {
    notice: weak_events::DropNotice,
}

enum Announced {}
impl WeakEvent for Announced {
    type Source = Announcing;
    type Args = u32;
    fn drop_notice(source: &Announcing) -> Option<&weak_events::DropNotice> {
        Some(&source.notice)
    }
}

#[test]
fn a_drop_notice_brings_a_dead_sources_entries_to_the_next_pass() {
    let manager = WeakEventManager::<Announced>::with_cleanup(CleanupMode::Manual);
    let receiver = Recorder::new(0, &log());
    let kept = Arc::new(Announcing::default());
    let dying = Arc::new(Announcing::default());
    manager.add_listener(&kept, &receiver);
    manager.add_listener(&dying, &receiver);
    manager.add_listener(&dying, &receiver);
    assert_eq!(
        dying.notice.watchers(),
        1,
        "one watcher per manager, not per registration"
    );
    manager.deliver_event(&dying, &1);
    assert_eq!(receiver.calls(), 2);

    drop(dying);
    let stats = manager.stats();
    assert_eq!(
        (stats.sources, stats.alive, stats.dead),
        (2, 1, 2),
        "dead source: not live"
    );
    let report = manager.run_pending_cleanup();
    assert_eq!(
        report.sources_visited, 1,
        "the announced source only, not a full pass"
    );
    assert_eq!((report.entries_purged, report.sources_removed), (2, 1));
    assert_eq!(manager.stats().sources, 1);

    // The last registration going takes the watcher off the notice.
    assert!(manager.remove_listener(&kept, &receiver));
    assert_eq!(kept.notice.watchers(), 0);
}

#[test]
fn a_requested_full_pass_purges_a_dead_source_without_an_event_in_every_mode() {
    for mode in [
        CleanupMode::Inline,
        CleanupMode::Manual,
        CleanupMode::Background,
    ] {
        let manager = WeakEventManager::<Direct>::with_cleanup(mode);
        let receiver = Recorder::new(0, &log());
        let bus = Bus::new();
        manager.add_listener(&bus, &receiver);
        drop(bus);
        assert_eq!(
            manager.stats().alive,
            0,
            "{mode:?}: a dead source's entry is not live"
        );
        manager.schedule_cleanup();
        if mode == CleanupMode::Manual {
            assert_eq!(manager.stats().sources, 1, "manual: nothing ran by itself");
            manager.run_pending_cleanup();
        }
        assert!(
            eventually(|| manager.stats().sources == 0),
            "{mode:?}: the dead source is still in the table"
        );
    }
}
