//! The built-in property-changed and collection-changed managers. The property suite runs
//! against both flavours from one source.

mod common;

/// The property-changed suite, for both flavours from one source: expanded once in a module
/// for the root flavour and once for `weak_events::unsync`; each module names its flavour's
/// types (`P` is its pointer).
macro_rules! property_suite {
    () => {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;

        /// A model with a property-changed event.
        #[derive(Default)]
        struct Model {
            changed: Event<PropertyChangedArgs>,
        }

        impl NotifyPropertyChanged for Model {
            fn property_changed(&self) -> &Event<PropertyChangedArgs> {
                &self.changed
            }
        }

        impl Model {
            fn new() -> P<Model> {
                P::new(Model::default())
            }

            fn set(&self, property: &'static str) {
                self.changed.raise(&PropertyChangedArgs::of(property));
            }
        }

        #[derive(Default)]
        struct View {
            heard: Mutex<Vec<String>>,
        }

        impl View {
            fn new() -> P<View> {
                P::new(View::default())
            }

            fn heard(&self) -> Vec<String> {
                self.heard.lock().unwrap().clone()
            }
        }

        impl WeakEventListener<PropertyChanged<Model>> for View {
            fn receive_weak_event(&self, _: &Model, change: &PropertyChangedArgs) {
                self.heard
                    .lock()
                    .unwrap()
                    .push(change.name().unwrap_or("*").to_owned());
            }
        }

        fn manager() -> PropertyChangedManager<Model> {
            PropertyChangedManager::with_cleanup(WAITING)
        }

        #[test]
        fn a_property_listener_hears_only_its_property() {
            let manager = manager();
            let model = Model::new();
            let title = View::new();
            let width = View::new();
            manager.add_listener(&model, "title", &title);
            manager.add_listener(&model, "width", &width);
            model.set("title");
            model.set("height");
            model.set("width");
            model.set("title");
            assert_eq!(title.heard(), ["title", "title"]);
            assert_eq!(width.heard(), ["width"]);
        }

        #[test]
        fn names_are_compared_exactly() {
            let manager = manager();
            let model = Model::new();
            let view = View::new();
            manager.add_listener(&model, "title", &view);
            model.set("Title");
            model.set("title ");
            assert!(view.heard().is_empty());
        }

        #[test]
        fn all_properties_listeners_hear_every_change() {
            let manager = manager();
            let model = Model::new();
            let all = View::new();
            let title = View::new();
            manager.add_listener(&model, ALL_PROPERTIES, &all);
            manager.add_listener(&model, "title", &title);
            model.set("title");
            model.set("width");
            assert_eq!(all.heard(), ["title", "width"]);
            assert_eq!(title.heard(), ["title"]);
            assert_eq!(manager.listener_count(&model, ALL_PROPERTIES), 1);
        }

        #[test]
        fn an_unnamed_change_reaches_every_listener_of_the_source() {
            let manager = manager();
            let model = Model::new();
            let views: Vec<_> = (0..3).map(|_| View::new()).collect();
            manager.add_listener(&model, "a", &views[0]);
            manager.add_listener(&model, "b", &views[1]);
            manager.add_listener(&model, ALL_PROPERTIES, &views[2]);
            model.changed.raise(&PropertyChangedArgs::all());
            model
                .changed
                .raise(&PropertyChangedArgs::new(String::new()));
            for view in &views {
                assert_eq!(view.heard(), ["*", "*"]);
            }
        }

        #[test]
        fn a_wrong_sender_gets_nothing() {
            let manager = manager();
            let (a, b) = (Model::new(), Model::new());
            let on_a = View::new();
            let on_a_all = View::new();
            manager.add_listener(&a, "title", &on_a);
            manager.add_listener(&a, ALL_PROPERTIES, &on_a_all);
            b.set("title");
            manager.deliver_event(&b, &PropertyChangedArgs::all());
            assert!(on_a.heard().is_empty() && on_a_all.heard().is_empty());
            manager.deliver_event(&a, &PropertyChangedArgs::of("title"));
            assert_eq!(on_a.heard(), ["title"]);
        }

        #[test]
        fn duplicates_fire_twice_and_one_remove_removes_one() {
            let manager = manager();
            let model = Model::new();
            let view = View::new();
            manager.add_listener(&model, "title", &view);
            manager.add_listener(&model, "title", &view);
            model.set("title");
            assert_eq!(view.heard().len(), 2);
            assert!(manager.remove_listener(&model, "title", &view));
            model.set("title");
            assert_eq!(view.heard().len(), 3);
            assert!(manager.remove_listener(&model, "title", &view));
            assert!(!manager.remove_listener(&model, "title", &view));
            assert!(!manager.remove_listener(&model, "never-registered", &view));
            model.set("title");
            assert_eq!(view.heard().len(), 3);
        }

        #[test]
        fn handlers_and_guards_work_per_property() {
            let manager = manager();
            let model = Model::new();
            let count = P::new(AtomicUsize::new(0));
            let id = manager.add_handler(&model, "n", &count, |c, _, _| {
                c.fetch_add(1, Ordering::SeqCst);
            });
            let view = View::new();
            let guard = manager.subscribe(&model, "n", &view);
            model.set("n");
            drop(guard);
            model.set("n");
            assert_eq!(view.heard(), ["n"]);
            assert_eq!(count.load(Ordering::SeqCst), 2);
            assert!(manager.remove_registration(&model, "n", id));
            assert_eq!(manager.listener_count(&model, "n"), 0);
        }

        #[test]
        fn dead_views_are_not_called_and_are_purged() {
            let manager = manager();
            let model = Model::new();
            let keep = View::new();
            manager.add_listener(&model, "title", &keep);
            for property in ["title", "width", ALL_PROPERTIES] {
                let view = View::new();
                manager.add_listener(&model, property, &view);
                drop(view); // closed without unsubscribing
            }
            model.set("title");
            model.changed.raise(&PropertyChangedArgs::all());
            assert_eq!(keep.heard(), ["title", "*"]);
            // The thread-affine flavour pruned them as those deliveries returned.
            let report = manager.purge();
            assert_eq!(report.entries_purged, if PRUNES_IN_PLACE { 0 } else { 3 });
            assert_eq!(manager.listener_count(&model, "title"), 1);
            assert_eq!(manager.listener_count(&model, "width"), 0);
            assert_eq!(manager.listener_count(&model, ALL_PROPERTIES), 0);
        }

        #[test]
        fn the_manager_keeps_neither_views_nor_models_alive() {
            let manager = manager();
            let model = Model::new();
            let view = View::new();
            manager.add_listener(&model, "title", &view);
            manager.add_listener(&model, ALL_PROPERTIES, &view);
            let (weak_model, weak_view) = (P::downgrade(&model), P::downgrade(&view));
            drop(view);
            drop(model);
            assert!(weak_model.upgrade().is_none() && weak_view.upgrade().is_none());
            manager.purge();
        }

        /// Records the collection changes it hears.

        #[test]
        fn a_panicking_property_listener_does_not_stop_an_all_change_reaching_the_others() {
            struct Bomb;
            impl WeakEventListener<PropertyChanged<Model>> for Bomb {
                fn receive_weak_event(&self, _: &Model, _: &PropertyChangedArgs) {
                    panic!("view failed");
                }
            }
            let manager = manager();
            let model = Model::new();
            let bomb = P::new(Bomb);
            let views: Vec<_> = (0..6).map(|_| View::new()).collect();
            for (i, view) in views.iter().enumerate() {
                manager.add_listener(&model, ["a", "b", "c"][i % 3], view);
            }
            manager.add_listener(&model, "b", &bomb);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                model.changed.raise(&PropertyChangedArgs::all())
            }));
            assert!(result.is_err(), "the panic surfaces after the delivery");
            for view in &views {
                assert_eq!(
                    view.heard(),
                    ["*"],
                    "every other property's listeners heard it"
                );
            }
        }

        #[test]
        fn every_registration_form_hears_its_property_only() {
            use std::ops::ControlFlow;
            let manager = manager();
            let model = Model::new();
            let hits = P::new(AtomicUsize::new(0));
            let hit = |h: &AtomicUsize, _: &Model, _: &PropertyChangedArgs| {
                h.fetch_add(1, Ordering::SeqCst);
            };
            let (listener, listener_once) = (View::new(), View::new());
            let (guarded, guarded_once) = (View::new(), View::new());
            manager.add_listener(&model, "title", &listener);
            manager.add_listener_once(&model, "title", &listener_once);
            manager.add_handler(&model, "title", &hits, hit);
            manager.add_handler_once(&model, "title", &hits, hit);
            manager.add_flow_handler(&model, "title", &hits, |h, _, _| {
                h.fetch_add(1, Ordering::SeqCst);
                ControlFlow::Break(())
            });
            manager.add_closure_handler(&model, "title", &hits, move |h, m, a| hit(h, m, a));
            let guards = (
                manager.subscribe(&model, "title", &guarded),
                manager.subscribe_once(&model, "title", &guarded_once),
                manager.subscribe_handler(&model, "title", &hits, hit),
                manager.subscribe_handler_once(&model, "title", &hits, hit),
                manager.subscribe_flow_handler(&model, "title", &hits, |h, _, _| {
                    h.fetch_add(1, Ordering::SeqCst);
                    ControlFlow::Continue(())
                }),
                manager.subscribe_closure_handler(&model, "title", &hits, hit),
            );
            assert_eq!(manager.listener_count(&model, "title"), 12);
            model.set("zoom");
            assert_eq!(hits.load(Ordering::SeqCst), 0, "another property: none called");
            model.set("title");
            // Handlers: plain, once, flow (breaks), closure; guarded: plain, once, flow, closure.
            assert_eq!(hits.load(Ordering::SeqCst), 8);
            // Gone: the four once-forms and the handler that broke.
            assert_eq!(manager.listener_count(&model, "title"), 7);
            model.set("title");
            assert_eq!(hits.load(Ordering::SeqCst), 8 + 5);
            for view in [&listener, &guarded] {
                assert_eq!(view.heard(), ["title", "title"]);
            }
            for view in [&listener_once, &guarded_once] {
                assert_eq!(view.heard(), ["title"]);
            }
            drop(guards);
            assert_eq!(manager.listener_count(&model, "title"), 3, "the unguarded stay");
        }

        weak_events::property_keys!(Model { TITLE = "title", ZOOM = "zoom" });

        #[test]
        fn typed_keys_are_accepted_wherever_a_name_is() {
            let manager = manager();
            let model = Model::new();
            let view = View::new();
            let id = manager.add_listener(&model, Model::TITLE, &view);
            let dynamic = String::from("title");
            assert_eq!(manager.listener_count(&model, &dynamic), 1, "the same list");
            model.changed.raise(&Model::TITLE.changed());
            model.changed.raise(&PropertyChangedArgs::from(Model::ZOOM));
            assert_eq!(view.heard(), ["title"]);
            assert!(!manager.remove_registration(&model, Model::ZOOM, id));
            assert!(manager.remove_registration(&model, Model::TITLE, id));
            let _guard = manager.subscribe(&model, Model::ZOOM, &view);
            assert!(manager.remove_listener(&model, Model::ZOOM, &view));
        }

        #[test]
        fn one_table_whichever_api_registered() {
            // A model type of this test alone: `current()` is shared by every test of the binary.
            #[derive(Default)]
            struct Document {
                changed: Event<PropertyChangedArgs>,
            }
            impl NotifyPropertyChanged for Document {
                fn property_changed(&self) -> &Event<PropertyChangedArgs> {
                    &self.changed
                }
            }
            #[derive(Default)]
            struct Pane(AtomicUsize);
            impl WeakEventListener<PropertyChanged<Document>> for Pane {
                fn receive_weak_event(&self, _: &Document, _: &PropertyChangedArgs) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }
            let properties = PropertyChangedManager::<Document>::current();
            let kind = WeakEventManager::<PropertyChanged<Document>>::current();
            let doc = P::new(Document::default());
            let pane = P::new(Pane::default());
            let bag = DisposeBag::new();
            properties.add_listener(&doc, "title", &pane);
            kind.add_listener(&doc, &pane); // all properties
            bag.listen_to::<PropertyChanged<Document>, _>(&doc, &pane); // all properties
            bag.listen_to_property(&doc, "zoom", &pane);
            assert_eq!(properties.listener_count(&doc, ALL_PROPERTIES), 2);
            assert_eq!(kind.listener_count(&doc), 4);
            let (a, b) = (properties.stats(), kind.stats());
            assert_eq!((a.sources, a.registrations), (1, 4));
            assert_eq!((b.sources, b.registrations), (1, 4));
            let report = weak_events::report();
            let row = report
                .rows
                .iter()
                .find(|row| row.event.ends_with("PropertyChanged<builtin::FLAVOUR::one_table_whichever_api_registered::Document>".replace("FLAVOUR", FLAVOUR).as_str()))
                .expect("a row for the kind");
            assert_eq!((row.managers, row.sources, row.registrations), (1, 1, 4));
            doc.changed.raise(&PropertyChangedArgs::of("title"));
            assert_eq!(pane.0.load(Ordering::SeqCst), 3, "title and the two all-properties");
            drop(bag);
            assert_eq!(kind.listener_count(&doc), 2, "the bag's two went with it");
        }
    };
}

/// The collection-changed suite, for both flavours from one source (as the property suite).
macro_rules! collection_suite {
    () => {
        #[derive(Default)]
        struct ListView {
            changes: Mutex<Vec<CollectionChange<char>>>,
        }

        impl WeakEventListener<CollectionChanged<ObservableVec<char>>> for ListView {
            fn receive_weak_event(
                &self,
                list: &ObservableVec<char>,
                change: &CollectionChange<char>,
            ) {
                // The vector is unlocked while listeners run: reading it is fine.
                let _ = list.len();
                self.changes.lock().unwrap().push(change.clone());
            }
        }

        #[test]
        fn collection_changes_carry_the_right_indices_and_items() {
            let manager = CollectionChangedManager::<ObservableVec<char>>::with_cleanup(WAITING);
            let list = P::new(ObservableVec::from(vec!['a', 'b']));
            let view = P::new(ListView::default());
            manager.add_listener(&list, &view);

            list.push('c');
            assert!(list.insert(0, 'z'));
            list.extend(['d', 'e']);
            assert_eq!(list.remove(1), Some('a'));
            assert_eq!(list.set(0, 'y'), Some('z'));
            assert!(list.move_item(0, 2));
            list.clear();
            // Bad input changes nothing and raises nothing.
            assert!(!list.insert(5, 'q'));
            assert_eq!(list.remove(0), None);
            assert_eq!(list.set(0, 'q'), None);
            assert!(!list.move_item(0, 0));
            list.extend([]);

            use CollectionChange::*;
            assert_eq!(
                *view.changes.lock().unwrap(),
                [
                    Add {
                        index: 2,
                        items: vec!['c']
                    },
                    Add {
                        index: 0,
                        items: vec!['z']
                    },
                    Add {
                        index: 4,
                        items: vec!['d', 'e']
                    },
                    Remove {
                        index: 1,
                        items: vec!['a']
                    },
                    Replace {
                        index: 0,
                        old: vec!['z'],
                        new: vec!['y']
                    },
                    Move {
                        from: 0,
                        to: 2,
                        items: vec!['y']
                    },
                    Reset { items: vec![] },
                ]
            );
        }

        #[test]
        fn collection_moves_land_where_they_say() {
            let list = ObservableVec::from(vec![0, 1, 2, 3]);
            assert!(list.move_item(3, 1));
            assert_eq!(list.to_vec(), [0, 3, 1, 2]);
            assert!(list.move_item(1, 3));
            assert_eq!(list.to_vec(), [0, 1, 2, 3]);
        }

        #[test]
        fn a_dead_list_view_is_purged() {
            let manager = CollectionChangedManager::<ObservableVec<char>>::with_cleanup(WAITING);
            let list = P::new(ObservableVec::new());
            let view = P::new(ListView::default());
            manager.add_listener(&list, &view);
            drop(view);
            list.push('a');
            // The thread-affine flavour pruned it as the delivery returned.
            let purged = manager.run_pending_cleanup().entries_purged;
            assert_eq!(purged, if PRUNES_IN_PLACE { 0 } else { 1 });
            assert!(list.collection_changed().is_empty());
        }

        #[test]
        fn clearing_an_observable_vec_drops_its_items_outside_its_lock() {
            #[derive(Clone)]
            struct Item(P<std::sync::OnceLock<W<ObservableVec<Item>>>>);
            impl Drop for Item {
                fn drop(&mut self) {
                    // Would deadlock (or, in the thread-affine flavour, panic) if the vector were
                    // still locked.
                    if let Some(list) = self.0.get().and_then(|weak| weak.upgrade()) {
                        let _ = list.len();
                    }
                }
            }
            let cell = P::new(std::sync::OnceLock::new());
            let list = P::new(ObservableVec::from(vec![Item(P::clone(&cell))]));
            cell.set(P::downgrade(&list)).ok();
            list.clear();
            assert!(list.is_empty());
        }

        /// Applies each change it hears to its own copy with `apply_to`, and counts the
        /// changes that did not fit and those of each kind.
        #[derive(Default)]
        struct Mirror {
            rows: Mutex<Vec<char>>,
            misfits: AtomicUsize,
            removes: AtomicUsize,
            resets: AtomicUsize,
        }

        impl Mirror {
            fn rows(&self) -> Vec<char> {
                self.rows.lock().unwrap().clone()
            }
        }

        impl WeakEventListener<CollectionChanged<ObservableVec<char>>> for Mirror {
            fn receive_weak_event(&self, _: &ObservableVec<char>, change: &CollectionChange<char>) {
                match change {
                    CollectionChange::Remove { .. } => self.removes.fetch_add(1, Ordering::SeqCst),
                    CollectionChange::Reset { .. } => self.resets.fetch_add(1, Ordering::SeqCst),
                    _ => 0,
                };
                if !change.apply_to(&mut self.rows.lock().unwrap()) {
                    self.misfits.fetch_add(1, Ordering::SeqCst);
                }
            }
        }

        #[test]
        fn every_range_operation_keeps_an_apply_to_mirror_equal() {
            let manager = CollectionChangedManager::<ObservableVec<char>>::with_cleanup(WAITING);
            let list = P::new(ObservableVec::from(vec!['a', 'b']));
            let mirror = P::new(Mirror::default());
            *mirror.rows.lock().unwrap() = list.to_vec();
            manager.add_listener(&list, &mirror);
            let check = |what: &str| {
                assert_eq!(mirror.rows(), list.to_vec(), "after {what}");
                assert_eq!(mirror.misfits.load(Ordering::SeqCst), 0, "after {what}");
            };
            list.extend("cdefghijklmnop".chars());
            check("extend");
            assert_eq!(list.pop(), Some('p'));
            check("pop");
            assert_eq!(list.remove_range(2..5), Some(vec!['c', 'd', 'e']));
            check("remove_range");
            assert_eq!(list.remove_range(3..3), Some(vec![]), "empty: no change");
            assert_eq!(list.remove_range(10..40), None, "out of bounds: no change");
            assert_eq!(
                list.replace_range(1..3, ['X', 'Y', 'Z']),
                Some(vec!['b', 'f'])
            );
            check("replace_range, longer");
            assert_eq!(list.replace_range(0..0, ['0']), Some(vec![]));
            check("replace_range, an insertion");
            assert_eq!(list.replace_range(0..2, []), Some(vec!['0', 'a']));
            check("replace_range, a removal");
            assert_eq!(
                list.replace_range(2..2, []),
                Some(vec![]),
                "nothing: no change"
            );
            list.truncate(8);
            check("truncate");
            list.truncate(100);
            let removes = mirror.removes.load(Ordering::SeqCst);
            list.retain(|c| *c != 'Y' && *c != 'i');
            check("retain, two runs");
            assert_eq!(
                mirror.removes.load(Ordering::SeqCst),
                removes + 2,
                "a Remove per run"
            );
            list.extend("qrstuvwxyz".chars());
            list.retain(|c| !"qsuwy".contains(*c));
            check("retain, five runs");
            assert_eq!(
                mirror.resets.load(Ordering::SeqCst),
                1,
                "more than four runs: a Reset"
            );
            assert!(list.move_item(0, 3));
            assert!(list.set(2, '*').is_some());
            assert!(list.insert(1, '+'));
            assert!(list.remove(0).is_some());
            check("the single-item changes");
            list.clear();
            check("clear");
            assert_eq!(mirror.resets.load(Ordering::SeqCst), 2);
        }

        #[test]
        fn retain_decides_on_the_items_it_saw() {
            // `keep` pushes an item on its first call (re-entrantly, or as another thread would):
            // the new item was not seen, so it stays; the others go by their flags.
            let list = P::new(ObservableVec::from(vec![1, 2, 3, 4]));
            let pushed = std::cell::Cell::new(false);
            list.retain(|n| {
                if !pushed.replace(true) {
                    list.push(100);
                }
                n % 2 == 0
            });
            assert_eq!(list.to_vec(), [2, 4, 100]);
        }

        #[test]
        fn retain_by_identity_when_keep_changes_the_list() {
            // `keep` removes and moves items while retain runs: the vector is no longer the one
            // it saw, so the answers apply by identity; more than four runs go as a `Reset`.
            let manager = CollectionChangedManager::<ObservableVec<char>>::with_cleanup(WAITING);
            let list = P::new(ObservableVec::from(
                "abcdefghijklmnop".chars().collect::<Vec<_>>(),
            ));
            let mirror = P::new(Mirror::default());
            *mirror.rows.lock().unwrap() = list.to_vec();
            manager.add_listener(&list, &mirror);
            let calls = std::cell::Cell::new(0);
            list.retain(|c| {
                calls.set(calls.get() + 1);
                if calls.get() == 1 {
                    assert_eq!(list.remove(0), Some('a'), "removed while retain runs");
                    assert!(list.move_item(0, 5));
                    list.push('z'); // added meanwhile: kept
                }
                !"bdfhjl".contains(*c)
            });
            // After `keep`'s own changes the list was c d e f g b h i j k l m n o p z; the
            // answers remove b d f h j l by identity (five runs), 'a' stays removed, 'z' is kept.
            assert_eq!(list.to_vec(), "cegikmnopz".chars().collect::<Vec<_>>());
            assert_eq!(
                mirror.resets.load(Ordering::SeqCst),
                1,
                "five runs: one Reset"
            );
            assert_eq!(mirror.rows(), list.to_vec());
            assert_eq!(mirror.misfits.load(Ordering::SeqCst), 0);
        }

        #[test]
        fn re_entrant_changes_reach_every_listener_in_the_order_applied() {
            /// On each of the first pushes it hears, pushes an echo (upper case) and removes a
            /// range, re-entrantly.
            struct Echo(Mutex<usize>);
            impl WeakEventListener<CollectionChanged<ObservableVec<char>>> for Echo {
                fn receive_weak_event(
                    &self,
                    list: &ObservableVec<char>,
                    change: &CollectionChange<char>,
                ) {
                    if let CollectionChange::Add { items, .. } = change {
                        let mut budget = self.0.lock().unwrap();
                        if *budget > 0 && items[0].is_ascii_lowercase() {
                            *budget -= 1;
                            drop(budget);
                            let before = list.len();
                            list.push(items[0].to_ascii_uppercase());
                            assert_eq!(
                                list.len(),
                                before + 1,
                                "a re-entrant change applies at once"
                            );
                            if before > 6 {
                                assert!(list.remove_range(0..2).is_some());
                                list.retain(|c| *c != '*');
                            }
                        }
                    }
                }
            }
            let manager = CollectionChangedManager::<ObservableVec<char>>::with_cleanup(WAITING);
            let list = P::new(ObservableVec::new());
            let (before, after) = (P::new(Mirror::default()), P::new(Mirror::default()));
            let echo = P::new(Echo(Mutex::new(10)));
            // One mirror before the listener that edits, one after it: both must stay exact.
            manager.add_listener(&list, &before);
            manager.add_listener(&list, &echo);
            manager.add_listener(&list, &after);
            for (i, c) in ('a'..='n').enumerate() {
                list.push(c);
                if i % 4 == 3 {
                    assert!(list.move_item(0, list.len() - 1));
                    assert!(list.set(1, '*').is_some());
                    assert!(list.replace_range(2..3, ['#', '#']).is_some());
                    list.truncate(list.len() - 1);
                }
            }
            assert_eq!(*echo.0.lock().unwrap(), 0, "the echoes happened");
            let truth = list.to_vec();
            for mirror in [&before, &after] {
                assert_eq!(mirror.misfits.load(Ordering::SeqCst), 0);
                assert_eq!(mirror.rows(), truth);
            }
        }
    };
}

/// The root flavour.
mod shared {
    use std::sync::{Arc as P, Weak as W};
    use weak_events::{
        CleanupMode, CollectionChange, CollectionChanged, CollectionChangedManager, DisposeBag,
        Event, NotifyCollectionChanged, NotifyPropertyChanged, ObservableVec, PropertyChanged,
        PropertyChangedArgs, PropertyChangedManager, WeakEventListener, WeakEventManager,
        ALL_PROPERTIES,
    };

    const WAITING: CleanupMode = CleanupMode::Manual;
    const FLAVOUR: &str = "shared";
    const PRUNES_IN_PLACE: bool = false;

    property_suite!();
    collection_suite!();

    #[test]
    fn concurrent_first_adds_on_a_source_route_it_once() {
        for _ in 0..50 {
            let manager = manager();
            let model = Model::new();
            let views: Vec<_> = (0..4).map(|_| View::new()).collect();
            std::thread::scope(|scope| {
                for view in &views {
                    let (manager, model) = (&manager, &model);
                    scope.spawn(move || {
                        manager.add_listener(model, "title", view);
                        // A raise after this add returned reaches this listener.
                        let before = view.heard().len();
                        model.set("title");
                        assert!(view.heard().len() > before);
                    });
                }
            });
            let before: Vec<_> = views.iter().map(|v| v.heard().len()).collect();
            model.set("title");
            for (view, before) in views.iter().zip(before) {
                assert_eq!(view.heard().len(), before + 1, "routed exactly once");
            }
        }
    }
}

/// The thread-affine flavour.
mod unsync {
    use std::rc::{Rc as P, Weak as W};
    use weak_events::unsync::{
        CleanupMode, CollectionChange, CollectionChanged, CollectionChangedManager, DisposeBag,
        Event, NotifyCollectionChanged, NotifyPropertyChanged, ObservableVec, PropertyChanged,
        PropertyChangedArgs, PropertyChangedManager, WeakEventListener, WeakEventManager,
        ALL_PROPERTIES,
    };

    const WAITING: CleanupMode = CleanupMode::Idle;
    const FLAVOUR: &str = "unsync";
    const PRUNES_IN_PLACE: bool = true;

    property_suite!();
    collection_suite!();

    /// A range type whose methods, and drop, read the list: user code, run before the list is
    /// borrowed (here, a borrow held would panic; in the root flavour, it would deadlock).
    struct Reading<'a>(&'a ObservableVec<char>);

    impl std::ops::RangeBounds<usize> for Reading<'_> {
        fn start_bound(&self) -> std::ops::Bound<&usize> {
            let _ = self.0.len();
            std::ops::Bound::Unbounded
        }
        fn end_bound(&self) -> std::ops::Bound<&usize> {
            let _ = self.0.snapshot();
            std::ops::Bound::Unbounded
        }
    }

    impl Drop for Reading<'_> {
        fn drop(&mut self) {
            let _ = self.0.get(0);
        }
    }

    #[test]
    fn a_range_type_is_user_code_run_before_the_list_is_borrowed() {
        let list = ObservableVec::from(vec!['a', 'b', 'c']);
        let old = list.replace_range(Reading(&list), ['x']);
        assert_eq!(old, Some(vec!['a', 'b', 'c']));
        assert_eq!(list.remove_range(Reading(&list)), Some(vec!['x']));
        assert!(list.is_empty());
    }
}
