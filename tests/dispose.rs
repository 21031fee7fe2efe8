//! The dispose bag and Backbone-style listening, for both flavours from one source: the suite
//! is a macro expanded once in a module for the root flavour and once for `weak_events::unsync`;
//! each module names its flavour's types (`P` is its pointer).

macro_rules! dispose_suite {
    () => {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};

        type Log = Arc<Mutex<Vec<usize>>>;

        fn log() -> Log {
            Arc::default()
        }

        fn entries(log: &Log) -> Vec<usize> {
            log.lock().unwrap().clone()
        }

        fn recorder(log: &Log, name: usize) -> OnDispose<impl FnOnce() + Send + 'static> {
            let log = Arc::clone(log);
            OnDispose(move || log.lock().unwrap().push(name))
        }

        /// A sender with a plain event.
        #[derive(Default)]
        struct Bus {
            ping: Event<u32>,
        }

        fn bus() -> P<Bus> {
            P::new(Bus::default())
        }

        /// Attached to `Bus::ping`.
        enum Ping {}
        impl WeakEvent for Ping {
            type Source = Bus;
            type Args = u32;
            fn event(bus: &Bus) -> Option<&Event<u32>> {
                Some(&bus.ping)
            }
        }

        /// Delivered with `deliver_event`.
        enum Direct {}
        impl WeakEvent for Direct {
            type Source = Bus;
            type Args = u32;
        }

        /// Counts its calls; may own a bag of its subscriptions.
        #[derive(Default)]
        struct View {
            calls: AtomicUsize,
            bag: DisposeBag,
            /// Drops its bag from inside its first call.
            close_on_call: bool,
        }

        impl View {
            fn new() -> P<View> {
                P::new(View::default())
            }
            fn calls(&self) -> usize {
                self.calls.load(Ordering::SeqCst)
            }
            fn heard(&self) {
                self.calls.fetch_add(1, Ordering::SeqCst);
                if self.close_on_call {
                    self.bag.dispose();
                }
            }
        }

        impl WeakEventListener<Ping> for View {
            fn receive_weak_event(&self, _: &Bus, _: &u32) {
                self.heard();
            }
        }

        impl WeakEventListener<Direct> for View {
            fn receive_weak_event(&self, _: &Bus, _: &u32) {
                self.heard();
            }
        }

        fn manual<E: WeakEvent>() -> WeakEventManager<E> {
            WeakEventManager::with_cleanup(WAITING)
        }

        #[test]
        fn a_bag_disposes_in_reverse_order_once() {
            let log = log();
            let bag = DisposeBag::new();
            for name in 1..=4 {
                assert!(bag.auto_dispose(recorder(&log, name)).is_some());
            }
            bag.dispose();
            assert_eq!(entries(&log), [4, 3, 2, 1]);
            bag.dispose();
            assert_eq!(entries(&log), [4, 3, 2, 1], "disposing twice is a no-op");
            assert!(bag.is_disposed() && bag.is_empty());
        }

        #[test]
        fn dropping_a_bag_disposes_it() {
            let log = log();
            {
                let bag = DisposeBag::new();
                bag.auto_dispose(recorder(&log, 1));
                bag.auto_dispose(recorder(&log, 2));
            }
            assert_eq!(entries(&log), [2, 1]);
        }

        #[test]
        fn a_released_item_is_handed_back_and_not_disposed() {
            let log = log();
            let bag = DisposeBag::new();
            bag.auto_dispose(recorder(&log, 1));
            let key = bag.auto_dispose(recorder(&log, 2)).unwrap();
            let released = bag.dispose_release(key).expect("in the bag");
            assert!(bag.dispose_release(key).is_none(), "released once");
            bag.dispose();
            assert_eq!(entries(&log), [1], "the released item was not disposed");
            Box::new(released).dispose();
            assert_eq!(entries(&log), [1, 2], "it is the caller's now, intact");
        }

        #[test]
        fn a_discarded_item_is_disposed_at_once_and_only_once() {
            let log = log();
            let bag = DisposeBag::new();
            bag.auto_dispose(recorder(&log, 1));
            let key = bag.auto_dispose(recorder(&log, 2)).unwrap();
            bag.auto_dispose(recorder(&log, 3));
            assert!(bag.dispose_discard(key));
            assert_eq!(entries(&log), [2]);
            assert!(!bag.dispose_discard(key));
            bag.dispose();
            assert_eq!(entries(&log), [2, 3, 1]);
        }

        #[test]
        fn bags_nest() {
            let log = log();
            let parent = DisposeBag::new();
            parent.auto_dispose(recorder(&log, 1));
            let child = DisposeBag::new();
            child.auto_dispose(recorder(&log, 10));
            child.auto_dispose(recorder(&log, 11));
            parent.auto_dispose(child);
            parent.auto_dispose(recorder(&log, 2));
            parent.dispose();
            assert_eq!(
                entries(&log),
                [2, 11, 10, 1],
                "the child disposes in its turn"
            );
        }

        #[test]
        fn adding_to_a_disposed_bag_disposes_the_item_at_once() {
            let log = log();
            let bag = DisposeBag::new();
            bag.dispose();
            assert!(bag.auto_dispose(recorder(&log, 7)).is_none(), "says so");
            assert_eq!(entries(&log), [7], "and nothing is silently kept");
            assert!(bag.is_empty());
            // A subscription handed to a disposed bag is removed at once.
            let manager = manual::<Direct>();
            let (bus, view) = (bus(), View::new());
            assert!(bag.auto_dispose(manager.subscribe(&bus, &view)).is_none());
            assert_eq!(manager.listener_count(&bus), 0);
        }

        #[test]
        fn an_item_may_use_the_bag_while_it_is_disposed() {
            let bag = P::new(DisposeBag::new());
            let added_late = Arc::new(AtomicUsize::new(0));
            let (inner_bag, counter) = (P::downgrade(&bag), Arc::clone(&added_late));
            bag.auto_dispose(OnDispose(move || {
                let bag = inner_bag.upgrade().unwrap();
                // Disposal runs with the bag unlocked; the bag is disposed, so this runs now.
                let counter = Arc::clone(&counter);
                let late = OnDispose(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                });
                assert!(bag.auto_dispose(late).is_none());
            }));
            bag.dispose();
            assert_eq!(added_late.load(Ordering::SeqCst), 1);
        }

        #[test]
        fn stop_listening_removes_all_and_only_the_bags_own_subscriptions() {
            let (ping, direct) = (manual::<Ping>(), manual::<Direct>());
            let (a, b) = (bus(), bus());
            let log = log();
            let (mine, theirs) = (View::new(), View::new());
            let bag = DisposeBag::new();
            bag.auto_dispose(ping.subscribe(&a, &mine));
            bag.auto_dispose(ping.subscribe(&b, &mine));
            bag.auto_dispose(direct.subscribe(&a, &mine)); // another kind, same source
            bag.auto_dispose(recorder(&log, 99)); // not a subscription
                                                  // Another component listens to the same sources.
            let _their_subscription = ping.subscribe(&a, &theirs);
            ping.add_listener(&b, &theirs);

            assert_eq!(bag.stop_listening_to(&b), 1);
            assert_eq!(ping.listener_count(&b), 1, "theirs survives");
            assert_eq!(bag.stop_listening(), 2);
            assert_eq!(ping.listener_count(&a), 1, "theirs survives");
            assert_eq!(direct.listener_count(&a), 0);
            assert_eq!(bag.len(), 1, "the non-subscription item is still owned");
            a.ping.raise(&0);
            b.ping.raise(&0);
            assert_eq!((mine.calls(), theirs.calls()), (0, 2));
            assert!(entries(&log).is_empty(), "the bag's closure did not run");
        }

        #[test]
        fn listen_to_uses_the_current_manager_and_listen_to_once_fires_once() {
            let bus = bus();
            let (view, once) = (View::new(), View::new());
            let bag = DisposeBag::new();
            bag.listen_to::<Direct, _>(&bus, &view);
            bag.listen_to_once::<Direct, _>(&bus, &once);
            let current = WeakEventManager::<Direct>::current();
            current.deliver_event(&bus, &0);
            current.deliver_event(&bus, &0);
            assert_eq!((view.calls(), once.calls()), (2, 1));
            drop(bag);
            current.deliver_event(&bus, &0);
            assert_eq!(view.calls(), 2, "the bag's drop stopped listening");
            assert_eq!(current.listener_count(&bus), 0);
        }

        #[test]
        fn a_bag_that_owns_a_views_every_subscription_is_disposed_from_inside_its_listener() {
            // The view closes from inside one of its own listeners: its bag, which owns all of
            // its subscriptions (two kinds, two sources), is disposed mid-delivery.
            let (ping, direct) = (manual::<Ping>(), manual::<Direct>());
            let (a, b) = (bus(), bus());
            let view = P::new(View {
                close_on_call: true,
                ..View::default()
            });
            let other = View::new();
            view.bag.auto_dispose(ping.subscribe(&a, &view));
            view.bag.auto_dispose(ping.subscribe(&b, &view));
            view.bag.auto_dispose(direct.subscribe(&a, &view));
            ping.add_listener(&a, &other); // after the view on `a`: still called
            assert_eq!(view.bag.len(), 3);

            a.ping.raise(&0);
            assert_eq!(view.calls(), 1);
            assert_eq!(
                other.calls(),
                1,
                "the delivery went on after the bag was disposed"
            );
            assert!(view.bag.is_disposed() && view.bag.is_empty());
            assert_eq!(
                ping.listener_count(&a),
                1,
                "only the other view is left on a"
            );
            assert_eq!(ping.listener_count(&b), 0);
            assert_eq!(direct.listener_count(&a), 0);
            a.ping.raise(&0);
            b.ping.raise(&0);
            direct.deliver_event(&a, &0);
            assert_eq!(view.calls(), 1, "never called again");
            assert_eq!(other.calls(), 2);
        }
    };
}

/// The root flavour.
mod shared {
    use std::sync::Arc as P;
    use weak_events::{
        CleanupMode, Dispose, DisposeBag, Event, OnDispose, WeakEvent, WeakEventListener,
        WeakEventManager,
    };

    const WAITING: CleanupMode = CleanupMode::Manual;

    dispose_suite!();
}

/// The thread-affine flavour.
mod unsync {
    use std::rc::Rc as P;
    use weak_events::unsync::{
        CleanupMode, Dispose, DisposeBag, Event, OnDispose, WeakEvent, WeakEventListener,
        WeakEventManager,
    };

    const WAITING: CleanupMode = CleanupMode::Idle;

    dispose_suite!();
}
