//! The built-in property-changed and collection-changed managers. The property suite runs
//! against both flavours from one source.

mod common;

use std::sync::{Arc, Mutex};

use weak_events::{
    CleanupMode, CollectionChange, CollectionChanged, CollectionChangedManager, ObservableVec,
    WeakEventListener,
};

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
    };
}

/// The root flavour.
mod shared {
    use std::sync::Arc as P;
    use weak_events::{
        CleanupMode, Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs,
        PropertyChangedManager, WeakEventListener, ALL_PROPERTIES,
    };

    const WAITING: CleanupMode = CleanupMode::Manual;
    const PRUNES_IN_PLACE: bool = false;

    property_suite!();

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
    use std::rc::Rc as P;
    use weak_events::unsync::{
        CleanupMode, Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs,
        PropertyChangedManager, WeakEventListener, ALL_PROPERTIES,
    };

    const WAITING: CleanupMode = CleanupMode::Idle;
    const PRUNES_IN_PLACE: bool = true;

    property_suite!();
}

#[derive(Default)]
struct ListView {
    changes: Mutex<Vec<CollectionChange<char>>>,
}

impl WeakEventListener<CollectionChanged<ObservableVec<char>>> for ListView {
    fn receive_weak_event(&self, list: &ObservableVec<char>, change: &CollectionChange<char>) {
        // The vector is unlocked while listeners run: reading it is fine.
        let _ = list.len();
        self.changes.lock().unwrap().push(change.clone());
    }
}

#[test]
fn collection_changes_carry_the_right_indices_and_items() {
    let manager =
        CollectionChangedManager::<ObservableVec<char>>::with_cleanup(CleanupMode::Manual);
    let list = Arc::new(ObservableVec::from(vec!['a', 'b']));
    let view = Arc::new(ListView::default());
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
            Reset,
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
    let manager =
        CollectionChangedManager::<ObservableVec<char>>::with_cleanup(CleanupMode::Manual);
    let list = Arc::new(ObservableVec::new());
    let view = Arc::new(ListView::default());
    manager.add_listener(&list, &view);
    drop(view);
    list.push('a');
    assert_eq!(manager.run_pending_cleanup().entries_purged, 1);
    assert!(weak_events::NotifyCollectionChanged::collection_changed(&*list).is_empty());
}

#[test]
fn clearing_an_observable_vec_drops_its_items_outside_its_lock() {
    #[derive(Clone)]
    struct Item(Arc<std::sync::OnceLock<std::sync::Weak<ObservableVec<Item>>>>);
    impl Drop for Item {
        fn drop(&mut self) {
            // Would deadlock if the vector were still locked.
            if let Some(list) = self.0.get().and_then(|weak| weak.upgrade()) {
                let _ = list.len();
            }
        }
    }
    let cell = Arc::new(std::sync::OnceLock::new());
    let list = Arc::new(ObservableVec::from(vec![Item(Arc::clone(&cell))]));
    cell.set(Arc::downgrade(&list)).ok();
    list.clear();
    assert!(list.is_empty());
}
