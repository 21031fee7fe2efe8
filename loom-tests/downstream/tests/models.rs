//! A user's own loom models over code that uses weak-events' process-wide managers: they run as
//! they would over private managers, because under `cfg(loom)` the crate makes its process-wide
//! values afresh for each execution of the model.
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p weak-events-loom-downstream -- --test-threads=1
//! ```
#![cfg(loom)]

use std::sync::Arc;

use loom::thread;
use weak_events::{DisposeBag, PropertyChangedArgs, PropertyChangedManager, WeakEventManager};
use weak_events_loom_downstream::{Panel, SettingChanged, Settings};

/// Runs `f` under loom, exhaustively unless `LOOM_MAX_PREEMPTIONS` is set, and prints how many
/// executions it took.
fn model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    let executions = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&executions);
    loom::model(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f();
    });
    println!(
        "downstream model {name}: {} executions",
        executions.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// Two threads make sure the same panel is subscribed, then a change reaches it exactly once:
/// `ensure_subscribed` must not subscribe twice.
#[test]
fn ensure_subscribed_from_two_threads_subscribes_once() {
    model("ensure_subscribed_from_two_threads_subscribes_once", || {
        let settings = Arc::new(Settings::default());
        let panel = Arc::new(Panel::default());
        let other = {
            let (settings, panel) = (settings.clone(), panel.clone());
            thread::spawn(move || panel.ensure_subscribed(&settings))
        };
        panel.ensure_subscribed(&settings);
        other.join().unwrap();

        settings.set("theme");
        assert_eq!(panel.calls(), 1, "subscribed exactly once");
        panel.close();
        settings.set("theme");
        assert_eq!(panel.calls(), 1, "not called after close() returned");
        assert_eq!(
            WeakEventManager::<SettingChanged>::current().listener_count(&settings),
            0
        );
    });
}

/// A change delivered on one thread while the panel closes on another: once `close()` returned,
/// the panel counts nothing more, although that delivery may still reach its listener.
#[test]
fn close_while_a_change_is_delivered() {
    model("close_while_a_change_is_delivered", || {
        let settings = Arc::new(Settings::default());
        let panel = Arc::new(Panel::default());
        panel.ensure_subscribed(&settings);
        let raiser = {
            let settings = settings.clone();
            thread::spawn(move || settings.set("theme"))
        };
        panel.close();
        let at_close = panel.calls();
        raiser.join().unwrap();
        assert_eq!(
            panel.calls(),
            at_close,
            "counted a change after close() returned"
        );
    });
}

/// A change raised on one thread while another subscribes through `current()`: the panel hears
/// it or not, but once the subscription returned, the next change reaches it.
#[test]
fn current_subscribe_races_a_raise() {
    model("current_subscribe_races_a_raise", || {
        let settings = Arc::new(Settings::default());
        let panel = Arc::new(Panel::default());
        let raiser = {
            let settings = settings.clone();
            thread::spawn(move || settings.set("font"))
        };
        let guard = WeakEventManager::<SettingChanged>::current().subscribe(&settings, &panel);
        let before = panel.calls();
        settings.set("theme");
        // The other thread's change may land in between too: at least ours reached it.
        assert!(
            panel.calls() > before,
            "a change after subscribe returned reaches it"
        );
        raiser.join().unwrap();
        assert!((1..=2).contains(&panel.calls()), "each change at most once");
        drop(guard);
        let after = panel.calls();
        settings.set("size");
        assert_eq!(panel.calls(), after, "nothing after the guard dropped");
    });
}

/// `DisposeBag::listen_to` (which uses `current()`) on two threads, then the bag ends both.
#[test]
fn dispose_bag_listen_to_on_two_threads() {
    model("dispose_bag_listen_to_on_two_threads", || {
        let settings = Arc::new(Settings::default());
        let (a, b) = (Arc::new(Panel::default()), Arc::new(Panel::default()));
        let bag = Arc::new(DisposeBag::new());
        let other = {
            let (settings, bag, b) = (settings.clone(), bag.clone(), b.clone());
            thread::spawn(move || {
                bag.listen_to::<SettingChanged, _>(&settings, &b);
            })
        };
        bag.listen_to::<SettingChanged, _>(&settings, &a);
        other.join().unwrap();
        settings.set("theme");
        assert_eq!((a.calls(), b.calls()), (1, 1));
        assert_eq!(bag.stop_listening_to(&settings), 2);
        settings.set("theme");
        assert_eq!(
            (a.calls(), b.calls()),
            (1, 1),
            "nothing after stop_listening_to"
        );
    });
}

/// A `PropertyChangedManager::current()` listener added while another thread changes the
/// property; then one change, one call.
#[test]
fn property_listener_through_current() {
    model("property_listener_through_current", || {
        let settings = Arc::new(Settings::default());
        let panel = Arc::new(Panel::default());
        let changer = {
            let settings = settings.clone();
            thread::spawn(move || settings.properties.raise(&PropertyChangedArgs::of("theme")))
        };
        let guard =
            PropertyChangedManager::<Settings>::current().subscribe(&settings, "theme", &panel);
        changer.join().unwrap();
        let before = panel.calls();
        settings.properties.raise(&PropertyChangedArgs::of("font"));
        assert_eq!(panel.calls(), before, "another property");
        settings.properties.raise(&PropertyChangedArgs::of("theme"));
        assert_eq!(panel.calls(), before + 1);
        drop(guard);
        assert!(
            settings.properties.is_empty(),
            "the manager let go of the model"
        );
    });
}

/// A receiver dropped on one thread (right after a change it may hear) while the main thread
/// asks for a cleanup pass on the `current()` manager: after both, a full pass leaves nothing.
#[test]
fn cleanup_request_races_a_receiver_drop() {
    model("cleanup_request_races_a_receiver_drop", || {
        let settings = Arc::new(Settings::default());
        let panel = Arc::new(Panel::default());
        let manager = WeakEventManager::<SettingChanged>::current();
        manager.add_listener(&settings, &panel);
        let dropper = {
            let settings = settings.clone();
            thread::spawn(move || {
                settings.set("theme"); // delivered or not, then the panel goes, never removed
                drop(panel);
            })
        };
        manager.schedule_cleanup();
        dropper.join().unwrap();
        manager.purge();
        let stats = manager.stats();
        assert_eq!((stats.sources, stats.registrations), (0, 0));
        assert!(
            settings.changed.is_empty(),
            "the manager let go of the settings' event"
        );
    });
}
