//! A receiver that owns its own guard (registered from its `Weak` inside `new_cyclic`), and
//! handlers that capture context, in both flavours.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use weak_events::{
    unsync, CleanupMode, Event, OwnedSubscription, WeakEvent, WeakEventListener, WeakEventManager,
};

struct Settings {
    changed: Event<u32>,
}

enum Changed {}
impl WeakEvent for Changed {
    type Source = Settings;
    type Args = u32;
    fn event(settings: &Settings) -> Option<&Event<u32>> {
        Some(&settings.changed)
    }
}

/// A panel that keeps its subscription in its own field.
struct Panel {
    calls: AtomicUsize,
    _subscription: OwnedSubscription,
}

impl WeakEventListener<Changed> for Panel {
    fn receive_weak_event(&self, _: &Settings, _: &u32) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

const PANELS: usize = 40;

#[test]
fn a_guard_in_the_receivers_field_is_never_purged_while_alive_in_every_mode() {
    for mode in [
        CleanupMode::Inline,
        CleanupMode::Manual,
        CleanupMode::Background,
    ] {
        let manager = WeakEventManager::<Changed>::with_cleanup(mode);
        let settings = Arc::new(Settings {
            changed: Event::new(),
        });
        // More than 16 on one source: the list's growth asks for passes during these adds,
        // while the panel being built is not alive yet.
        let mut panels: Vec<Arc<Panel>> = (0..PANELS)
            .map(|_| {
                Arc::new_cyclic(|me| Panel {
                    calls: AtomicUsize::new(0),
                    _subscription: manager.subscribe_weak(&settings, me),
                })
            })
            .collect();
        manager.purge();
        manager.run_pending_cleanup();
        assert_eq!(
            manager.listener_count(&settings),
            PANELS,
            "{mode:?}: none purged"
        );
        settings.changed.raise(&1);
        assert!(
            panels.iter().all(|p| p.calls.load(Ordering::SeqCst) == 1),
            "{mode:?}"
        );

        panels.truncate(PANELS / 2);
        assert_eq!(
            manager.listener_count(&settings),
            PANELS / 2,
            "{mode:?}: a dropped panel's guard removed its registration at once"
        );
        settings.changed.raise(&2);
        assert!(
            panels.iter().all(|p| p.calls.load(Ordering::SeqCst) == 2),
            "{mode:?}"
        );
        drop(panels);
        assert!(
            settings.changed.is_empty(),
            "{mode:?}: nothing left on the source"
        );
    }
}

#[test]
fn a_receiver_whose_construction_panics_leaves_nothing_behind() {
    let manager = WeakEventManager::<Changed>::with_cleanup(CleanupMode::Inline);
    let settings = Arc::new(Settings {
        changed: Event::new(),
    });
    let built = catch_unwind(AssertUnwindSafe(|| {
        Arc::new_cyclic(|me| {
            let subscription = manager.subscribe_weak(&settings, me);
            assert_eq!(manager.listener_count(&settings), 1);
            let fails = true;
            if fails {
                panic!("construction failed");
            }
            Panel {
                calls: AtomicUsize::new(0),
                _subscription: subscription,
            }
        })
    }));
    assert!(built.is_err());
    assert_eq!(manager.listener_count(&settings), 0);
    assert!(settings.changed.is_empty());
}

/// The `unsync` twin: an `Rc` panel keeps its guard.
struct LocalPanel {
    calls: Cell<usize>,
    _subscription: unsync::OwnedSubscription,
}

enum LocalChanged {}
impl unsync::WeakEvent for LocalChanged {
    type Source = Settings;
    type Args = u32;
}

impl unsync::WeakEventListener<LocalChanged> for LocalPanel {
    fn receive_weak_event(&self, _: &Settings, _: &u32) {
        self.calls.set(self.calls.get() + 1);
    }
}

#[test]
fn an_rc_receiver_keeps_its_guard_in_both_unsync_modes() {
    for mode in [unsync::CleanupMode::Idle, unsync::CleanupMode::Inline] {
        let manager = unsync::WeakEventManager::<LocalChanged>::with_cleanup(mode);
        let settings = Rc::new(Settings {
            changed: Event::new(),
        });
        let mut panels: Vec<Rc<LocalPanel>> = (0..PANELS)
            .map(|_| {
                Rc::new_cyclic(|me| LocalPanel {
                    calls: Cell::new(0),
                    _subscription: manager.subscribe_weak(&settings, me),
                })
            })
            .collect();
        manager.purge();
        assert_eq!(manager.listener_count(&settings), PANELS, "{mode:?}");
        manager.deliver_event(&settings, &1);
        assert!(panels.iter().all(|p| p.calls.get() == 1), "{mode:?}");
        panels.truncate(1);
        assert_eq!(manager.listener_count(&settings), 1, "{mode:?}");
    }
}

#[test]
fn a_closure_handler_uses_its_context_and_holds_its_receiver_weakly() {
    struct View {
        name: &'static str,
    }
    let manager = WeakEventManager::<Changed>::with_cleanup(CleanupMode::Manual);
    let settings = Arc::new(Settings {
        changed: Event::new(),
    });
    let view = Arc::new(View { name: "inbox" });
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    manager.add_closure_handler(&settings, &view, move |view, _, n| {
        sink.lock().unwrap().push(format!("{} {n}", view.name));
    });
    settings.changed.raise(&1);
    assert_eq!(*log.lock().unwrap(), ["inbox 1"]);
    assert_eq!(Arc::strong_count(&view), 1, "the receiver is held weakly");
    drop(view);
    settings.changed.raise(&2);
    assert_eq!(
        log.lock().unwrap().len(),
        1,
        "not called once its receiver died"
    );
    assert_eq!(manager.stats().alive, 0);
}

#[test]
fn a_closure_that_captures_its_own_receiver_shows_in_the_live_count() {
    struct View;
    let manager = WeakEventManager::<Changed>::with_cleanup(CleanupMode::Manual);
    let settings = Arc::new(Settings {
        changed: Event::new(),
    });
    let view = Arc::new(View);
    let captured = Arc::clone(&view);
    // The mistake the plain-`fn` form rules out: the closure keeps its receiver alive.
    manager.add_closure_handler(&settings, &view, move |_, _, _| {
        let _keeps_alive = &captured;
    });
    let weak = Arc::downgrade(&view);
    drop(view);
    assert!(weak.upgrade().is_some(), "kept alive by the closure");
    manager.purge();
    assert_eq!(
        manager.stats().alive,
        1,
        "still alive after every other owner let go: the leak shows in stats()"
    );
}
