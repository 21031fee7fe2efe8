//! One-line event kinds (`weak_event!`) and self-removal by return value.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use weak_events::{weak_event, CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};

#[derive(Default)]
pub struct Store {
    pub saved: Event<str>,
}

mod kinds {
    use super::Store;
    use weak_events::weak_event;

    weak_event! {
        /// Saved through the store's own event.
        pub Saved: Store => str, event = saved;
        /// Delivered by the store itself.
        pub(crate) Loaded: Store => u32;
        /// No source.
        pub Quit: () => ();
    }
}

weak_event!(Closed: Store => (),);

#[test]
fn a_macro_kind_has_its_types_its_event_and_its_own_manager_slot() {
    use kinds::{Loaded, Quit, Saved};
    let store = Store::default();
    assert!(Saved::event(&store).is_some(), "event = saved");
    assert!(
        Loaded::event(&store).is_none(),
        "no field: delivered by the sender"
    );
    assert!(Saved::manager_slot().is_some() && Quit::manager_slot().is_some());

    let a = WeakEventManager::<Saved>::current();
    let slot = Saved::manager_slot().unwrap().get();
    assert!(
        slot.is_some_and(|slot| std::ptr::eq(a, slot)),
        "current() is the manager in the kind's own slot"
    );
    // (The file's other test registers on these managers concurrently: nothing here counts.)
    let b = WeakEventManager::<Loaded>::current();
    assert!(std::ptr::eq(b, WeakEventManager::<Loaded>::current()));
    let c = WeakEventManager::<Closed>::current();
    assert!(std::ptr::eq(c, WeakEventManager::<Closed>::current()));
}

#[test]
fn a_macro_kind_delivers_through_the_sources_event_and_through_deliver_event() {
    use kinds::{Loaded, Quit, Saved};
    let store = Arc::new(Store::default());
    let log = common::log();
    let view = common::Recorder::new(7, &log);

    let saved = WeakEventManager::<Saved>::current().subscribe(&store, &view);
    store.saved.raise("a.txt");
    let loaded = WeakEventManager::<Loaded>::current().subscribe(&store, &view);
    WeakEventManager::<Loaded>::current().deliver_event(&store, &3);
    let quit = WeakEventManager::<Quit>::current().subscribe_static(&view);
    WeakEventManager::<Quit>::current().deliver_static(&());
    assert_eq!(view.calls(), 3);
    drop((saved, loaded, quit));
    store.saved.raise("b.txt");
    assert_eq!(view.calls(), 3);
    assert!(store.saved.is_empty());
}

/// Follows one kind until an argument says stop.
#[derive(Default)]
struct UntilZero {
    calls: AtomicUsize,
}

impl WeakEventListener<common::Direct> for UntilZero {
    fn receive_weak_event(&self, bus: &common::Bus, n: &u32) {
        let _ = self.handle_weak_event(bus, n);
    }

    fn handle_weak_event(&self, _: &common::Bus, n: &u32) -> ControlFlow<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if *n == 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

#[test]
fn a_listener_removes_itself_by_its_return_value() {
    let manager = WeakEventManager::<common::Direct>::with_cleanup(CleanupMode::Inline);
    let bus = common::Bus::new();
    let listener = Arc::new(UntilZero::default());
    manager.add_listener(&bus, &listener);
    for n in [3, 2, 0, 5] {
        manager.deliver_event(&bus, &n);
    }
    assert_eq!(listener.calls.load(Ordering::SeqCst), 3, "removed by the 0");
    assert_eq!(manager.listener_count(&bus), 0);
}

#[test]
fn only_the_duplicate_that_returned_break_is_removed() {
    // Two registrations of one listener; the first call of a delivery breaks, the second goes
    // on: exactly one registration is left, and it is called by the next delivery.
    struct BreakOnce {
        calls: AtomicUsize,
    }
    impl WeakEventListener<common::Direct> for BreakOnce {
        fn receive_weak_event(&self, bus: &common::Bus, n: &u32) {
            let _ = self.handle_weak_event(bus, n);
        }
        fn handle_weak_event(&self, _: &common::Bus, _: &u32) -> ControlFlow<()> {
            if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let manager = WeakEventManager::<common::Direct>::new();
    let bus = common::Bus::new();
    let listener = Arc::new(BreakOnce {
        calls: AtomicUsize::new(0),
    });
    let first = manager.add_listener(&bus, &listener);
    let second = manager.add_listener(&bus, &listener);
    manager.deliver_event(&bus, &1);
    assert_eq!(listener.calls.load(Ordering::SeqCst), 2);
    assert_eq!(manager.listener_count(&bus), 1);
    assert!(!manager.remove_registration(&bus, first), "the first broke");
    manager.deliver_event(&bus, &1);
    assert_eq!(
        listener.calls.load(Ordering::SeqCst),
        3,
        "the second is still called"
    );
    assert!(manager.remove_registration(&bus, second));
}

#[test]
fn a_handler_removes_itself_and_a_reentrant_delivery_does_not_call_it_again() {
    let manager = Arc::new(WeakEventManager::<common::Direct>::new());
    let bus = common::Bus::new();
    // The handler delivers again from inside its own call, then breaks: the nested delivery
    // must not reach it a second time once it broke, and nothing after does.
    struct Reentrant {
        manager: Arc<WeakEventManager<common::Direct>>,
        bus: Arc<common::Bus>,
        seen: Mutex<Vec<u32>>,
    }
    let receiver = Arc::new(Reentrant {
        manager: Arc::clone(&manager),
        bus: Arc::clone(&bus),
        seen: Mutex::new(Vec::new()),
    });
    manager.add_flow_handler(&bus, &receiver, |r, _, n| {
        r.seen.lock().unwrap().push(*n);
        if *n == 1 {
            r.manager.deliver_event(&r.bus, &2); // still registered here: called with 2
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    manager.deliver_event(&bus, &1);
    manager.deliver_event(&bus, &3);
    assert_eq!(*receiver.seen.lock().unwrap(), [1, 2]);
    assert_eq!(manager.listener_count(&bus), 0);
}

#[test]
fn a_once_registration_that_breaks_is_removed_once() {
    let manager = WeakEventManager::<common::Direct>::new();
    let bus = common::Bus::new();
    let listener = Arc::new(UntilZero::default());
    let guard = manager.subscribe_once(&bus, &listener);
    manager.deliver_event(&bus, &0);
    manager.deliver_event(&bus, &0);
    assert_eq!(listener.calls.load(Ordering::SeqCst), 1);
    assert!(!guard.unsubscribe());
}
