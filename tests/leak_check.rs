//! `LeakCheck` (one test's registrations) and the profiling mark's answers, which do not depend
//! on when cleanup ran. Tests here run in parallel, as `cargo test` runs them: a check sees its
//! own thread's registrations only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use weak_events::{CleanupMode, LeakCheck, WeakEvent, WeakEventListener, WeakEventManager};

struct Bus;

enum Ping {}
impl WeakEvent for Ping {
    type Source = Bus;
    type Args = ();
}

#[derive(Default)]
struct View(AtomicUsize);

impl WeakEventListener<Ping> for View {
    fn receive_weak_event(&self, _: &Bus, _: &()) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn manual() -> WeakEventManager<Ping> {
    WeakEventManager::with_cleanup(CleanupMode::Manual)
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_tidy_test_passes() {
    let check = LeakCheck::start();
    let manager = manual();
    let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    let guard = manager.subscribe(&bus, &view);
    manager.add_listener(&bus, &view);
    assert!(manager.remove_listener(&bus, &view));
    let once = manager.add_listener_once(&bus, &view);
    manager.deliver_event(&bus, &());
    assert!(
        !manager.remove_registration(&bus, once),
        "it fired and went"
    );
    drop(guard);
    check.assert_no_forgotten_removals();
}

#[test]
fn a_leaky_test_fails_naming_the_line() {
    let check = LeakCheck::start();
    let manager = manual();
    let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    let leaked_at = line!() + 1;
    manager.add_listener(&bus, &view); // never removed, receiver alive
    let message = panic_message(|| check.assert_no_leaks());
    assert!(
        message.contains(&format!("leak_check.rs:{leaked_at}:")),
        "the message names the line: {message}"
    );
    assert!(message.contains("1 live registration"), "{message}");
}

#[test]
fn a_forgotten_removal_is_listed_and_fails_only_when_asked() {
    let manager = manual();
    let bus = Arc::new(Bus);
    let run = |strict: bool| {
        let check = LeakCheck::start();
        let view = Arc::new(View::default());
        manager.add_listener(&bus, &view);
        drop(view); // dead, never removed: harmless, but forgotten
        let found = check.found();
        assert_eq!((found.alive(), found.forgotten()), (0, 1));
        if strict {
            check.assert_no_forgotten_removals();
        } else {
            check.assert_no_leaks();
        }
    };
    run(false);
    let message = panic_message(|| run(true));
    assert!(message.contains("1 forgotten removal"), "{message}");
}

#[test]
fn registrations_on_another_thread_are_not_this_tests() {
    let check = LeakCheck::start();
    let manager = Arc::new(manual());
    let bus = Arc::new(Bus);
    let kept: Vec<Arc<View>> = (0..8).map(|_| Arc::new(View::default())).collect();
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            start.wait();
            // Another test's thread, registering at the same time, never removing.
            for view in &kept {
                manager.add_listener(&bus, view);
            }
        });
        start.wait();
    });
    assert_eq!(manager.listener_count(&bus), 8);
    check.assert_no_leaks();
}

#[test]
fn a_check_narrowed_to_a_manager_sees_that_manager_only() {
    let (mine, theirs) = (manual(), manual());
    let check = LeakCheck::start().only(&mine);
    let (bus, view) = (Arc::new(Bus), Arc::new(View::default()));
    theirs.add_listener(&bus, &view); // not mine
    assert!(check.found().is_empty());
    mine.add_listener(&bus, &view);
    assert_eq!(check.found().alive(), 1);
    assert!(mine.remove_listener(&bus, &view));
    check.assert_no_leaks();
}

#[test]
fn a_bridges_own_relay_is_never_the_applications_leak() {
    use std::rc::Rc;
    use weak_events::unsync::{Bridge, Bridged, Dispatcher};

    struct Tick;
    impl weak_events::unsync::WeakEventListener<Bridged<Ping>> for Tick {
        fn receive_weak_event(&self, _: &Bridge<Ping>, _: &()) {}
    }
    let check = LeakCheck::start();
    let dispatcher = Dispatcher::new();
    let bus = Arc::new(Bus);
    let bridge = Bridge::<Ping>::new(&dispatcher, &bus);
    let tick = Rc::new(Tick);
    let leaked_at = line!() + 1;
    bridge.add_listener(&tick); // the application's, never removed
    let found = check.found();
    assert_eq!(found.rows.len(), 1, "the relay is not listed: {found}");
    assert_eq!(found.rows[0].site.line(), leaked_at);
    drop(bridge);
    drop(dispatcher);
}

/// The kind of [`profile_of`] alone: a profiling mark is process-wide, and the other tests
/// register `Ping`s at the same time.
enum Timed {}
impl WeakEvent for Timed {
    type Source = Bus;
    type Args = ();
}

impl WeakEventListener<Timed> for View {
    fn receive_weak_event(&self, _: &Bus, _: &()) {}
}

/// Registrations at three creation sites, half of their receivers dead; the profile of it,
/// by creation line, with a pass run before the mark stops or not.
fn profile_of(prune_first: bool) -> Vec<(u32, usize, usize)> {
    let manager = WeakEventManager::<Timed>::with_cleanup(CleanupMode::Manual);
    let bus = Arc::new(Bus);
    let mark = weak_events::start_profiling();
    let mut keep = Vec::new();
    for i in 0..20 {
        let view = Arc::new(View::default());
        manager.add_listener(&bus, &view);
        if i % 2 == 0 {
            keep.push(view);
        }
    }
    for i in 0..20 {
        let receiver = Arc::new(i);
        manager.add_handler(&bus, &receiver, |_, _, _| {});
    }
    for _ in 0..4 {
        let view = Arc::new(View::default());
        let _guard = manager.subscribe(&bus, &view); // tidy: removed
    }
    if prune_first {
        // The worker (or the idle point) pruned the dead before the mark stopped.
        assert_eq!(manager.purge().entries_purged, 30);
    }
    let profile = mark.stop();
    drop(keep);
    profile
        .rows
        .iter()
        .filter(|row| row.event.ends_with("leak_check::Timed"))
        .map(|row| (row.site.line(), row.alive, row.forgotten))
        .collect()
}

#[test]
fn a_marks_answer_does_not_depend_on_when_cleanup_ran() {
    let before = profile_of(false);
    let after = profile_of(true);
    assert_eq!(before, after);
    let counts: Vec<(usize, usize)> = before.iter().map(|&(_, a, f)| (a, f)).collect();
    assert_eq!(counts, [(10, 10), (0, 20)], "{before:?}");
}

#[test]
fn forty_four_registrations_from_three_sites_print_three_lines() {
    let manager = manual();
    let bus = Arc::new(Bus);
    let views: Vec<Arc<View>> = (0..44).map(|_| Arc::new(View::default())).collect();
    let check = LeakCheck::start();
    for (i, view) in views.iter().enumerate() {
        let _id = match i % 3 {
            0 => manager.add_listener(&bus, view),
            1 => manager.add_listener_once(&bus, view),
            _ => manager.add_handler(&bus, view, |_, _, _| {}),
        };
    }
    let found = check.found();
    let text = found.to_string();
    assert_eq!(text.lines().count(), 3, "one line per site:\n{text}");
    assert_eq!(found.alive(), 44);
    assert!(text.lines().all(|line| line.contains("leak_check.rs:")));
    manager.purge();
    drop(views);
}

/// A registration with a dead receiver and one with a live receiver on one source, then the
/// source dies or the manager is dropped, with a pass before that or not: what a check finds.
fn found_after(pass_first: bool, ending: &str) -> (usize, usize) {
    let check = LeakCheck::start();
    let manager = manual();
    let bus = Arc::new(Bus);
    let (dead, alive) = (Arc::new(View::default()), Arc::new(View::default()));
    manager.add_listener(&bus, &dead);
    manager.add_listener(&bus, &alive);
    drop(dead);
    if pass_first {
        assert_eq!(manager.purge().entries_purged, 1);
    }
    match ending {
        "source dies" => drop(bus),
        "manager dropped" => drop(manager),
        _ => {}
    }
    let found = check.found();
    (found.alive(), found.forgotten())
}

#[test]
fn the_answer_is_the_same_with_a_pass_before_a_source_dies_or_a_manager_goes() {
    for ending in ["nothing", "source dies", "manager dropped"] {
        let without = found_after(false, ending);
        let with = found_after(true, ending);
        assert_eq!(
            without, with,
            "{ending}: no pass {without:?}, a pass first {with:?}"
        );
        let expected = if ending == "nothing" { (1, 1) } else { (0, 0) };
        assert_eq!(without, expected, "{ending}");
    }
}
