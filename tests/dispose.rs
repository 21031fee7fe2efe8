//! The dispose bag and Backbone-style listening, for both flavours from one source: the suite
//! is a macro expanded once in a module for the root flavour and once for `weak_events::unsync`;
//! each module names its flavour's types (`P` is its pointer).

#[macro_use]
mod flavoured;

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

        flavoured_fixtures!();

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

        #[test]
        fn a_bag_disposes_in_reverse_order_once() {
            let log = log();
            let bag = DisposeBag::new();
            for name in 1..=4 {
                assert!(bag.auto_dispose(recorder(&log, name)).is_kept());
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
            let key = bag.auto_dispose(recorder(&log, 2)).key().unwrap();
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
            let key = bag.auto_dispose(recorder(&log, 2)).key().unwrap();
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
            let refused = bag.auto_dispose(recorder(&log, 7));
            assert!(
                refused.refused().unwrap().disposed_at.is_some(),
                "says so, and where the bag was disposed (lines: below, outside the macro)"
            );
            assert_eq!(entries(&log), [7], "and nothing is silently kept");
            assert!(bag.is_empty());
            // A subscription handed to a disposed bag is removed at once.
            let manager = manual::<Direct>();
            let (bus, view) = (Bus::new(), View::new());
            assert!(bag
                .auto_dispose(manager.subscribe(&bus, &view))
                .refused()
                .is_some());
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
                assert!(bag.auto_dispose(late).refused().is_some());
            }));
            bag.dispose();
            assert_eq!(added_late.load(Ordering::SeqCst), 1);
        }

        #[test]
        fn stop_listening_removes_all_and_only_the_bags_own_subscriptions() {
            let (ping, direct) = (manual::<Ping>(), manual::<Direct>());
            let (a, b) = (Bus::new(), Bus::new());
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
            let bus = Bus::new();
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
            let (a, b) = (Bus::new(), Bus::new());
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

/// Where a bag was disposed, in each flavour (outside the suite's macro, whose expansion would
/// give every line the macro's own).
mod sites {
    use std::sync::Mutex;

    static SEEN: Mutex<Vec<(&'static str, u32, Option<u32>)>> = Mutex::new(Vec::new());

    fn hook(warning: &weak_events::AddedAfterDispose) {
        if warning.item.contains("::sites::Late") {
            let disposed = warning.disposed_at.map(|at| at.line());
            SEEN.lock()
                .unwrap()
                .push((warning.item, warning.added_at.line(), disposed));
        }
    }

    struct Late;
    impl weak_events::Dispose for Late {
        fn dispose(self: Box<Self>) {}
    }
    impl weak_events::unsync::Dispose for Late {
        fn dispose(self: Box<Self>) {}
    }

    #[test]
    fn adding_after_dispose_reports_where_the_bag_was_disposed() {
        use std::sync::Arc;
        use weak_events::{DisposeBag, OnDispose};
        weak_events::set_added_after_dispose_hook(Some(hook));
        let parent = DisposeBag::new();
        let child = Arc::new(DisposeBag::new());
        let in_parent = Arc::downgrade(&child);
        let child_disposed = line!() + 5;
        parent
            .auto_dispose(OnDispose(move || {
                // Another bag disposed from inside the parent's disposal: its own call counts.
                if let Some(child) = in_parent.upgrade() {
                    child.dispose();
                }
            }))
            .key()
            .unwrap();
        let parent_disposed = line!() + 1;
        parent.dispose();
        let added = line!() + 1;
        let refused = child.auto_dispose(Late).refused().unwrap();
        assert_eq!(
            refused.disposed_at.map(|at| at.line()),
            Some(child_disposed)
        );
        let refused = parent.auto_dispose(Late).refused().unwrap();
        assert_eq!(
            refused.disposed_at.map(|at| at.line()),
            Some(parent_disposed)
        );
        let seen = SEEN.lock().unwrap().clone();
        assert!(
            seen.iter()
                .any(|&(_, at, disposed)| at == added && disposed == Some(child_disposed)),
            "the hook heard where it was added and where the bag was disposed: {seen:?}"
        );
    }

    #[test]
    fn the_unsync_bag_reports_it_too() {
        use weak_events::unsync::DisposeBag;
        weak_events::set_added_after_dispose_hook(Some(hook));
        let bag = DisposeBag::new();
        let disposed = line!() + 1;
        bag.dispose();
        let refused = bag.auto_dispose(Late).refused().unwrap();
        assert_eq!(refused.disposed_at.map(|at| at.line()), Some(disposed));
    }
}
