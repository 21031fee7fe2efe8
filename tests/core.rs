//! The core semantics, through the public API, for both flavours from one source: the suite is
//! a macro expanded once in a module for the root flavour (`Arc`, `Send + Sync`) and once for
//! `weak_events::unsync` (`Rc`). Each module names its flavour's types; the two differ only in
//! `PRUNES_IN_PLACE` (the thread-affine flavour prunes a source as a delivery that met
//! dead receivers returns) and in the cleanup mode that waits for the application.

#[macro_use]
mod flavoured;

macro_rules! core_suite {
    () => {
        use std::panic::{catch_unwind, AssertUnwindSafe};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};

        use weak_events::EventToken;

        flavoured_fixtures!();

        type Log = Arc<Mutex<Vec<usize>>>;

        fn log() -> Log {
            Arc::new(Mutex::new(Vec::new()))
        }

        fn entries(log: &Log) -> Vec<usize> {
            log.lock().unwrap().clone()
        }

        /// Records its name in a log and counts its calls; for any event kind.
        struct Recorder {
            name: usize,
            log: Log,
            calls: AtomicUsize,
        }

        impl Recorder {
            fn new(name: usize, log: &Log) -> P<Recorder> {
                P::new(Recorder {
                    name,
                    log: Arc::clone(log),
                    calls: AtomicUsize::new(0),
                })
            }

            fn calls(&self) -> usize {
                self.calls.load(Ordering::SeqCst)
            }
        }

        impl<E: WeakEvent> WeakEventListener<E> for Recorder {
            fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
                self.calls.fetch_add(1, Ordering::SeqCst);
                self.log.lock().unwrap().push(self.name);
            }
        }

        /// A listener that runs a closure: for re-entrancy tests.
        struct FnListener<F>(F);

        impl<E: WeakEvent, F: Fn(&E::Source, &E::Args) + Bound> WeakEventListener<E>
            for FnListener<F>
        {
            fn receive_weak_event(&self, sender: &E::Source, args: &E::Args) {
                (self.0)(sender, args)
            }
        }

        /// A receiver whose drop is counted.
        struct DropCounter(Arc<AtomicUsize>);

        impl Drop for DropCounter {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }

        impl<E: WeakEvent> WeakEventListener<E> for DropCounter {
            fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {}
        }

        #[test]
        fn a_dropped_receiver_is_never_called_and_counted_dead_until_purged() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let kept = Recorder::new(1, &log);
            let dropped = Recorder::new(2, &log);
            manager.add_listener(&bus, &kept);
            manager.add_listener(&bus, &dropped);
            assert_eq!(
                bus.ping.handler_count(),
                1,
                "one forwarding handler per source"
            );

            bus.ping.raise(&0);
            assert_eq!(entries(&log), [1, 2]);

            let weak: Weak<Recorder> = P::downgrade(&dropped);
            drop(dropped);
            assert!(
                weak.upgrade().is_none(),
                "the table does not keep the receiver alive"
            );
            bus.ping.raise(&0);
            assert_eq!(
                entries(&log),
                [1, 2, 1],
                "the dropped receiver is not called again"
            );

            if PRUNES_IN_PLACE {
                // The delivery that met the dead receiver pruned it as it returned.
                let stats = manager.stats();
                assert_eq!((stats.registrations, stats.alive, stats.dead), (1, 1, 0));
                assert_eq!(stats.cleanup.forgotten_removals, 1);
                assert_eq!(manager.purge().entries_purged, 0);
            } else {
                let stats = manager.stats();
                assert_eq!((stats.registrations, stats.alive, stats.dead), (2, 1, 1));
                let report = manager.purge();
                assert_eq!(report.entries_purged, 1);
                assert_eq!(report.forgotten_removals, 1);
            }
            let stats = manager.stats();
            assert_eq!((stats.registrations, stats.alive, stats.dead), (1, 1, 0));
            assert_eq!(
                bus.ping.handler_count(),
                1,
                "still attached for the live one"
            );

            drop(kept);
            manager.purge();
            assert_eq!(manager.stats().sources, 0);
            assert!(
                bus.ping.is_empty(),
                "no handler of the manager left on the source's event"
            );
        }

        #[test]
        fn a_dropped_source_is_purged_and_keeps_nothing_alive() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let drops = Arc::new(AtomicUsize::new(0));
            let receiver = P::new(DropCounter(Arc::clone(&drops)));
            manager.add_listener(&bus, &receiver);
            let weak_bus = P::downgrade(&bus);
            drop(bus);
            assert!(
                weak_bus.upgrade().is_none(),
                "the table does not keep the source alive"
            );
            assert_eq!(P::strong_count(&receiver), 1, "nor the receiver");
            assert_eq!(manager.stats().sources, 1, "the entry waits for a pass");

            let report = manager.purge();
            assert_eq!(report.entries_purged, 1);
            assert_eq!(report.sources_removed, 1);
            assert_eq!(manager.stats().sources, 0);
            assert_eq!(
                P::weak_count(&receiver),
                0,
                "no weak reference left behind either"
            );
            drop(receiver);
            assert_eq!(drops.load(Ordering::SeqCst), 1);
        }

        #[test]
        fn a_dropped_source_with_an_event_asks_for_its_own_cleanup() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let receiver = Recorder::new(1, &log());
            manager.add_listener(&bus, &receiver);
            manager.run_pending_cleanup();
            drop(bus); // the forwarding handler is dropped with the event: that is the signal
            let report = manager.run_pending_cleanup();
            assert_eq!(report.sources_visited, 1);
            assert_eq!(report.sources_removed, 1);
        }

        #[test]
        fn delivery_is_keyed_by_the_sender() {
            let manager = manual::<Direct>();
            let (a, b) = (Bus::new(), Bus::new());
            let log = log();
            let on_a = Recorder::new(1, &log);
            let on_b = Recorder::new(2, &log);
            manager.add_listener(&a, &on_a);
            manager.add_listener(&b, &on_b);
            manager.deliver_event(&a, &0);
            manager.deliver_event(&a, &0);
            manager.deliver_event(&b, &0);
            assert_eq!(entries(&log), [1, 1, 2]);
            // An unregistered sender (not even in an Arc) gets nothing.
            manager.deliver_event(&Bus::default(), &0);
            assert_eq!(entries(&log), [1, 1, 2]);
        }

        #[test]
        fn events_through_the_source_event_are_keyed_by_source_too() {
            let manager = manual::<Ping>();
            let (a, b) = (Bus::new(), Bus::new());
            let log = log();
            let on_a = Recorder::new(1, &log);
            let on_b = Recorder::new(2, &log);
            manager.add_listener(&a, &on_a);
            manager.add_listener(&b, &on_b);
            a.ping.raise(&0);
            b.ping.raise(&0);
            b.ping.raise(&0);
            assert_eq!(entries(&log), [1, 2, 2]);
        }

        #[test]
        fn duplicates_are_called_once_each_and_removed_one_at_a_time() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let twice = Recorder::new(7, &log);
            manager.add_listener(&bus, &twice);
            manager.add_listener(&bus, &twice);
            bus.ping.raise(&0);
            assert_eq!(twice.calls(), 2);

            assert!(manager.remove_listener(&bus, &twice));
            bus.ping.raise(&0);
            assert_eq!(twice.calls(), 3);
            assert!(manager.remove_listener(&bus, &twice));
            assert!(
                !manager.remove_listener(&bus, &twice),
                "nothing left to remove"
            );
            assert!(bus.ping.is_empty(), "detached with the last registration");
        }

        #[test]
        fn removing_what_was_never_added_returns_false_and_changes_nothing() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let other_bus = Bus::new();
            let log = log();
            let registered = Recorder::new(1, &log);
            let stranger = Recorder::new(2, &log);
            let id = manager.add_listener(&bus, &registered);
            assert!(!manager.remove_listener(&bus, &stranger));
            assert!(!manager.remove_listener(&other_bus, &registered));
            assert!(!manager.remove_registration(&other_bus, id));
            // A handler's receiver is not a listener: identity removal does not touch it.
            let hid = manager.add_handler(&bus, &stranger, |_, _, _| {});
            assert!(!manager.remove_listener(&bus, &stranger));
            assert_eq!(manager.listener_count(&bus), 2);
            bus.ping.raise(&0);
            assert_eq!(registered.calls(), 1);
            assert!(manager.remove_registration(&bus, hid));
            assert!(manager.remove_registration(&bus, id));
            assert!(!manager.remove_registration(&bus, id));
        }

        #[test]
        fn a_listener_added_during_a_delivery_is_called_by_the_next_one_only() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let late = Recorder::new(9, &log);
            let adder = {
                let (manager, late, log) = (manager.clone(), P::clone(&late), Arc::clone(&log));
                let weak_bus = P::downgrade(&bus);
                let added = AtomicUsize::new(0);
                P::new(FnListener(move |_: &Bus, _: &u32| {
                    log.lock().unwrap().push(0);
                    if added.fetch_add(1, Ordering::SeqCst) == 0 {
                        manager.add_listener(&weak_bus.upgrade().unwrap(), &late);
                    }
                }))
            };
            manager.add_listener(&bus, &adder);
            bus.ping.raise(&0);
            assert_eq!(
                entries(&log),
                [0],
                "the listener added mid-delivery was not called by it"
            );
            bus.ping.raise(&0);
            assert_eq!(entries(&log), [0, 0, 9]);
        }

        #[test]
        fn listener_zero_removing_listener_one_gives_order_zero_two_three() {
            // Boost.Signals2's deletion test: a slot disconnected before its turn is not called.
            let manager = manual::<Direct>();
            let bus = Bus::new();
            let log = log();
            let victim_id = Arc::new(Mutex::new(None));
            let zero = {
                let (manager, victim_id, log) = (
                    manager.clone(),
                    Arc::clone(&victim_id),
                    Arc::clone(&log),
                );
                P::new(FnListener(move |bus: &Bus, _: &u32| {
                    log.lock().unwrap().push(0);
                    if let Some(id) = victim_id.lock().unwrap().take() {
                        assert!(manager.remove_registration(bus, id));
                    }
                }))
            };
            let one = Recorder::new(1, &log);
            let two = Recorder::new(2, &log);
            let three = Recorder::new(3, &log);
            manager.add_listener(&bus, &zero);
            *victim_id.lock().unwrap() = Some(manager.add_listener(&bus, &one));
            manager.add_listener(&bus, &two);
            manager.add_listener(&bus, &three);
            manager.deliver_event(&bus, &0);
            assert_eq!(entries(&log), [0, 2, 3]);
            manager.deliver_event(&bus, &0);
            assert_eq!(entries(&log), [0, 2, 3, 0, 2, 3]);
        }

        #[test]
        fn a_listener_can_remove_itself() {
            let manager = manual::<Direct>();
            let bus = Bus::new();
            let calls = Arc::new(AtomicUsize::new(0));
            let me: Arc<Mutex<Weak<dyn WeakEventListener<Direct>>>> =
                Arc::new(Mutex::new(Weak::<FnListener<fn(&Bus, &u32)>>::new()));
            let listener: P<dyn WeakEventListener<Direct>> = {
                let (manager, calls, me) = (manager.clone(), Arc::clone(&calls), Arc::clone(&me));
                P::new(FnListener(move |bus: &Bus, _: &u32| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let me = me.lock().unwrap().upgrade().unwrap();
                    assert!(manager.remove_listener(bus, &me));
                }))
            };
            *me.lock().unwrap() = P::downgrade(&listener);
            manager.add_listener(&bus, &listener);
            manager.deliver_event(&bus, &0);
            manager.deliver_event(&bus, &0);
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            assert_eq!(manager.listener_count(&bus), 0);
        }

        #[test]
        fn a_listener_can_deliver_re_entrantly() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let relay = {
                let log = Arc::clone(&log);
                P::new(FnListener(move |bus: &Bus, depth: &u32| {
                    log.lock().unwrap().push(*depth as usize);
                    if *depth < 3 {
                        bus.ping.raise(&(depth + 1));
                    }
                }))
            };
            manager.add_listener(&bus, &relay);
            bus.ping.raise(&0);
            assert_eq!(entries(&log), [0, 1, 2, 3]);
        }

        #[test]
        fn a_listener_can_drop_the_source_mid_delivery() {
            let manager = manual::<Ping>();
            let holder: Arc<Mutex<Option<P<Bus>>>> = Arc::new(Mutex::new(Some(Bus::new())));
            let log = log();
            let dropper = {
                let holder = Arc::clone(&holder);
                P::new(FnListener(move |_: &Bus, _: &u32| {
                    holder.lock().unwrap().take();
                }))
            };
            let after = Recorder::new(2, &log);
            let bus = holder.lock().unwrap().clone().unwrap();
            manager.add_listener(&bus, &dropper);
            manager.add_listener(&bus, &after);
            let weak = P::downgrade(&bus);
            // Raise through a clone of the event's owner, then let go of it: the raise keeps the
            // source alive until it returns.
            {
                let bus = bus;
                bus.ping.raise(&0);
            }
            assert!(
                weak.upgrade().is_none(),
                "the source is gone after the raise"
            );
            assert_eq!(after.calls(), 1, "the rest of the delivery still ran");
            assert_eq!(manager.purge().sources_removed, 1);
        }

        #[test]
        fn a_listener_can_drop_its_own_last_reference_mid_delivery() {
            let manager = manual::<Direct>();
            let bus = Bus::new();
            let log = log();
            let drops = Arc::new(AtomicUsize::new(0));
            // The listener's only strong reference sits in a slot it empties when called.
            let slot: Arc<Mutex<Option<P<dyn WeakEventListener<Direct>>>>> =
                Arc::new(Mutex::new(None));
            let listener: P<dyn WeakEventListener<Direct>> = {
                let (slot, counter) = (Arc::clone(&slot), DropCounter(Arc::clone(&drops)));
                P::new(FnListener(move |_: &Bus, _: &u32| {
                    let _ = &counter;
                    slot.lock().unwrap().take();
                }))
            };
            manager.add_listener(&bus, &listener);
            let after = Recorder::new(2, &log);
            manager.add_listener(&bus, &after);
            *slot.lock().unwrap() = Some(listener);
            manager.deliver_event(&bus, &0);
            assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped inside the delivery");
            assert_eq!(after.calls(), 1, "the delivery went on");
            manager.deliver_event(&bus, &0);
            assert_eq!(after.calls(), 2);
            manager.purge();
            assert_eq!(manager.listener_count(&bus), 1);
        }

        #[test]
        fn a_panicking_listener_does_not_stop_the_others() {
            let manager = manual::<Direct>();
            let bus = Bus::new();
            let log = log();
            let first = Recorder::new(1, &log);
            let bomb = P::new(FnListener(|_: &Bus, _: &u32| panic!("listener failed")));
            let bomb2 = P::new(FnListener(|_: &Bus, _: &u32| panic!("second failure")));
            let last = Recorder::new(3, &log);
            manager.add_listener(&bus, &first);
            manager.add_listener(&bus, &bomb);
            manager.add_listener(&bus, &bomb2);
            manager.add_listener(&bus, &last);

            let result = catch_unwind(AssertUnwindSafe(|| manager.deliver_event(&bus, &0)));
            let payload = result.expect_err("the panic surfaces after the delivery");
            assert_eq!(
                payload.downcast_ref::<&str>(),
                Some(&"listener failed"),
                "the first one"
            );
            assert_eq!(entries(&log), [1, 3], "both others were called");

            // Fully usable afterwards: add, remove, deliver.
            assert!(manager.remove_listener(&bus, &bomb));
            assert!(manager.remove_listener(&bus, &bomb2));
            let late = Recorder::new(4, &log);
            manager.add_listener(&bus, &late);
            manager.deliver_event(&bus, &0);
            assert_eq!(entries(&log), [1, 3, 1, 3, 4]);
        }

        #[test]
        fn a_panic_through_the_source_event_surfaces_from_raise() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let bomb = P::new(FnListener(|_: &Bus, _: &u32| panic!("boom")));
            let after = Recorder::new(1, &log);
            manager.add_listener(&bus, &bomb);
            manager.add_listener(&bus, &after);
            let token = bus.ping.subscribe({
                let log = Arc::clone(&log);
                move |_| log.lock().unwrap().push(2)
            });
            assert!(catch_unwind(AssertUnwindSafe(|| bus.ping.raise(&0))).is_err());
            assert_eq!(
                entries(&log),
                [1, 2],
                "the listener after it and the next handler ran"
            );
            assert!(bus.ping.unsubscribe(token));
        }

        #[test]
        fn static_events_deliver_to_static_listeners() {
            let manager = manual::<Global>();
            let log = log();
            let listener = Recorder::new(1, &log);
            let receiver = Recorder::new(2, &log);
            manager.add_static_listener(&listener);
            let id = manager.add_static_handler(&receiver, |r, _, n| {
                r.log.lock().unwrap().push(100 + *n as usize)
            });
            manager.deliver_static(&5);
            assert_eq!(entries(&log), [1, 105]);
            assert!(manager.remove_static_registration(id));
            assert!(!manager.remove_static_registration(id));
            drop(listener);
            manager.deliver_static(&5);
            assert_eq!(entries(&log), [1, 105], "dead static listener not called");
            if PRUNES_IN_PLACE {
                assert_eq!(manager.stats().cleanup.entries_purged, 1, "pruned by that delivery");
            } else {
                assert_eq!(manager.stats().dead, 1);
                assert_eq!(manager.purge().entries_purged, 1);
            }
            assert_eq!(manager.stats().static_registrations, 0);
        }

        #[test]
        fn handlers_are_given_their_receiver() {
            struct View {
                seen: Mutex<Vec<u32>>,
            }
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let view = P::new(View {
                seen: Mutex::new(Vec::new()),
            });
            let id = manager.add_handler(&bus, &view, |view, _bus, n| {
                view.seen.lock().unwrap().push(*n)
            });
            bus.ping.raise(&4);
            assert_eq!(*view.seen.lock().unwrap(), [4]);
            assert_eq!(P::strong_count(&view), 1, "held weakly");
            assert!(manager.remove_registration(&bus, id));
            bus.ping.raise(&5);
            assert_eq!(*view.seen.lock().unwrap(), [4]);
        }

        #[test]
        fn a_subscription_removes_on_drop_and_a_detached_one_stays_until_its_receiver_dies() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let log = log();
            let guarded = Recorder::new(1, &log);
            let subscription = manager.subscribe(&bus, &guarded);
            bus.ping.raise(&0);
            drop(subscription);
            bus.ping.raise(&0);
            assert_eq!(guarded.calls(), 1, "removed when the guard dropped");
            assert!(bus.ping.is_empty());

            let detached = Recorder::new(2, &log);
            let id = manager.subscribe(&bus, &detached).detach();
            bus.ping.raise(&0);
            assert_eq!(
                detached.calls(),
                1,
                "a detached subscription stays registered"
            );
            drop(detached);
            assert_eq!(manager.stats().dead, 1);
            assert_eq!(manager.purge().entries_purged, 1);
            assert!(
                !manager.remove_registration(&bus, id),
                "purged with its receiver"
            );
        }

        #[test]
        fn a_subscription_outliving_its_source_and_manager_is_harmless() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let receiver = Recorder::new(1, &log());
            let subscription = manager.subscribe(&bus, &receiver);
            drop(bus);
            drop(manager);
            assert_eq!(
                P::weak_count(&receiver),
                0,
                "the guard holds its list weakly: nothing refers to the receiver any more"
            );
            assert!(!subscription.unsubscribe(), "nothing left to remove");
            // And the other order: the manager goes first, detaching from the live source.
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let _kept = manager.subscribe(&bus, &receiver);
            drop(manager);
            assert!(
                bus.ping.is_empty(),
                "a dropped manager leaves no handler behind"
            );
        }

        #[test]
        fn current_is_one_manager_per_event_kind() {
            let a = WeakEventManager::<Ping>::current();
            let b = WeakEventManager::<Ping>::current();
            let bus = Bus::new();
            let log = log();
            let listener = Recorder::new(1, &log);
            a.add_listener(&bus, &listener);
            assert_eq!(b.listener_count(&bus), 1);
            // A different kind has its own manager and its own list.
            assert_eq!(
                WeakEventManager::<Direct>::current().listener_count(&bus),
                0
            );
            assert!(a.remove_listener(&bus, &listener));
        }

        #[test]
        fn the_event_skips_handlers_unsubscribed_before_their_turn() {
            let event: P<Event<()>> = P::new(Event::new());
            let log = log();
            let second: Arc<Mutex<Option<EventToken>>> = Arc::new(Mutex::new(None));
            let _first = event.subscribe({
                let (event, second, log) = (
                    P::downgrade(&event),
                    Arc::clone(&second),
                    Arc::clone(&log),
                );
                move |_| {
                    log.lock().unwrap().push(0);
                    if let (Some(event), Some(token)) = (event.upgrade(), second.lock().unwrap().take()) {
                        assert!(event.unsubscribe(token));
                    }
                }
            });
            let log2 = Arc::clone(&log);
            *second.lock().unwrap() = Some(event.subscribe(move |_| log2.lock().unwrap().push(1)));
            let log3 = Arc::clone(&log);
            let _third = event.subscribe(move |_| log3.lock().unwrap().push(2));
            event.raise(&());
            assert_eq!(entries(&log), [0, 2]);
        }

        /// A handler unsubscribed during a raise that then panics is released before the panic
        /// resumes, not while it unwinds (where a panicking drop would abort the process).
        #[test]
        fn a_handler_unsubscribed_during_a_raise_is_dropped_before_its_panic_resumes() {
            struct Probe(Arc<Mutex<Option<bool>>>);
            impl Drop for Probe {
                fn drop(&mut self) {
                    *self.0.lock().unwrap() = Some(std::thread::panicking());
                }
            }
            let event: P<Event<()>> = P::new(Event::new());
            let dropped_while_panicking = Arc::new(Mutex::new(None));
            let victim: Arc<Mutex<Option<EventToken>>> = Arc::new(Mutex::new(None));
            let _first = event.subscribe({
                let (event, victim) = (P::downgrade(&event), Arc::clone(&victim));
                move |_| {
                    if let (Some(event), Some(token)) = (event.upgrade(), victim.lock().unwrap().take()) {
                        assert!(event.unsubscribe(token));
                    }
                    panic!("a handler failed");
                }
            });
            let probe = Probe(Arc::clone(&dropped_while_panicking));
            *victim.lock().unwrap() = Some(event.subscribe(move |_| {
                let _ = &probe;
            }));
            let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| event.raise(&())));
            assert!(raised.is_err(), "the handler's panic resumes");
            assert_eq!(
                *dropped_while_panicking.lock().unwrap(),
                Some(false),
                "dropped once, by the raise, before the panic resumed"
            );
        }

        #[test]
        fn the_event_releases_an_unsubscribed_handler_at_once() {
            let event: Event<()> = Event::new();
            let captured = P::new(());
            let inner = P::clone(&captured);
            let token = event.subscribe(move |_| {
                let _ = &inner;
            });
            assert_eq!(
                P::strong_count(&captured),
                2,
                "a strong event keeps its captures"
            );
            assert!(event.unsubscribe(token));
            assert_eq!(P::strong_count(&captured), 1);
        }

        /// A kind whose attach hook re-enters the manager to add a listener to the same source.
        enum Reentrant {}
        thread_local! {
            // Per test thread, so that the hook finds this test's manager in either flavour.
            static REENTRANT: std::cell::RefCell<Option<(WeakEventManager<Reentrant>, P<Recorder>)>> =
                const { std::cell::RefCell::new(None) };
            static SOURCE_FOR_HOOK: std::cell::RefCell<Option<Weak<Bus>>> =
                const { std::cell::RefCell::new(None) };
        }
        impl WeakEvent for Reentrant {
            type Source = Bus;
            type Args = u32;
            fn event(bus: &Bus) -> Option<&Event<u32>> {
                let source = SOURCE_FOR_HOOK.with(|hook| hook.borrow_mut().take());
                if let Some(source) = source.and_then(|weak| weak.upgrade()) {
                    let (manager, inner) = REENTRANT.with(|r| r.borrow().clone().unwrap());
                    manager.add_listener(&source, &inner);
                }
                Some(&bus.ping)
            }
        }

        #[test]
        fn an_attach_hook_may_add_to_the_same_source_without_deadlock() {
            let manager = manual::<Reentrant>();
            let log = log();
            REENTRANT.with(|r| *r.borrow_mut() = Some((manager.clone(), Recorder::new(2, &log))));
            let bus = Bus::new();
            SOURCE_FOR_HOOK.with(|hook| *hook.borrow_mut() = Some(P::downgrade(&bus)));
            let outer = Recorder::new(1, &log);
            manager.add_listener(&bus, &outer); // attaching calls the hook, which adds again
            assert_eq!(manager.listener_count(&bus), 2);
            assert_eq!(bus.ping.handler_count(), 1, "attached once");
            bus.ping.raise(&0);
            let mut heard = entries(&log);
            heard.sort_unstable();
            assert_eq!(heard, [1, 2]);
        }

        /// A kind whose detach hook panics once armed.
        enum Fragile {}
        thread_local! {
            static FRAGILE_ARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        impl WeakEvent for Fragile {
            type Source = Bus;
            type Args = u32;
            fn event(bus: &Bus) -> Option<&Event<u32>> {
                if FRAGILE_ARMED.with(|armed| armed.replace(false)) {
                    panic!("detach hook failed");
                }
                Some(&bus.ping)
            }
        }

        #[test]
        fn a_panic_in_user_code_during_a_pass_does_not_skip_the_other_sources() {
            let manager = manual::<Fragile>();
            let buses: Vec<_> = (0..4).map(|_| Bus::new()).collect();
            for bus in &buses {
                let receiver = Recorder::new(0, &log());
                manager.add_listener(bus, &receiver);
                drop(receiver); // each source will be emptied, closed and detached by the pass
            }
            FRAGILE_ARMED.with(|armed| armed.set(true));
            let result = catch_unwind(AssertUnwindSafe(|| manager.purge()));
            assert!(result.is_err(), "the hook's panic surfaces from the pass");
            let stats = manager.stats();
            assert_eq!(
                stats.registrations, 0,
                "every source was still pruned: {stats:?}"
            );
            assert_eq!(stats.cleanup.passes, 1);
            let attached = buses.iter().filter(|bus| !bus.ping.is_empty()).count();
            assert_eq!(
                attached, 1,
                "only the source whose detach panicked keeps its handler"
            );
            // Usable afterwards.
            let receiver = Recorder::new(5, &log());
            manager.add_listener(&buses[0], &receiver);
            buses[0].ping.raise(&0);
            assert_eq!(receiver.calls(), 1);
        }

        #[test]
        fn a_guard_outliving_its_source_keeps_nothing_of_it() {
            let manager = manual::<Ping>();
            let bus = Bus::new();
            let receiver = Recorder::new(0, &log());
            let guard = manager.subscribe(&bus, &receiver);
            let weak_receiver = P::downgrade(&receiver);
            drop(bus);
            manager.purge();
            // The pass dropped the dead source's list and its entries; the guard kept none of it.
            assert_eq!(
                weak_receiver.weak_count(),
                1,
                "only our own Weak to the receiver is left"
            );
            assert!(
                !guard.unsubscribe(),
                "its registration went with the source"
            );
        }
    };
}

/// The root flavour.
mod shared {
    use std::sync::{Arc as P, Weak};
    use weak_events::{CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};

    /// The mode in which passes wait for the application.
    const WAITING: CleanupMode = CleanupMode::Manual;
    const PRUNES_IN_PLACE: bool = false;
    /// What a closure listener must be in this flavour.
    trait Bound: Send + Sync {}
    impl<T: Send + Sync> Bound for T {}

    core_suite!();
}

/// The thread-affine flavour.
mod unsync {
    use std::rc::{Rc as P, Weak};
    use weak_events::unsync::{CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};

    const WAITING: CleanupMode = CleanupMode::Idle;
    const PRUNES_IN_PLACE: bool = true;
    trait Bound {}
    impl<T> Bound for T {}

    core_suite!();
}
