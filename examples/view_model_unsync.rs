//! `view_model`'s twin on a UI thread: the same document model and views with
//! `weak_events::unsync`, where models and views are `Rc`, state is in `Cell`/`RefCell`, and
//! each view owns its subscriptions in a `DisposeBag`.
//!
//! Views open, watch what they show, and close. The page list closes tidily: its bag is dropped
//! with it, which removes its registrations at once. The status bar registered without a guard
//! or a bag and is dropped: the weak reference is the net, it is never called again, and the
//! next change prunes its entry as it returns.
//!
//! ```text
//! cargo run --example view_model_unsync
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use weak_events::unsync::{
    run_pending_cleanup, CollectionChange, CollectionChanged, CollectionChangedManager, DisposeBag,
    Event, NotifyPropertyChanged, ObservableVec, PropertyChanged, PropertyChangedArgs,
    PropertyChangedManager, WeakEventListener,
};

/// The model: plain fields, one property-changed event, one observable collection.
#[derive(Default)]
struct Document {
    changed: Event<PropertyChangedArgs>,
    title: RefCell<String>,
    pages: Rc<ObservableVec<String>>,
}

impl NotifyPropertyChanged for Document {
    fn property_changed(&self) -> &Event<PropertyChangedArgs> {
        &self.changed
    }
}

impl Document {
    fn set_title(&self, title: &str) {
        *self.title.borrow_mut() = title.to_owned();
        self.changed.raise(&PropertyChangedArgs::of("title"));
    }
}

/// A view: it counts its updates and owns what it listens to.
struct View {
    name: &'static str,
    updates: Cell<u32>,
    bag: DisposeBag,
}

impl View {
    fn open(name: &'static str) -> Rc<View> {
        Rc::new(View {
            name,
            updates: Cell::new(0),
            bag: DisposeBag::new(),
        })
    }
}

impl WeakEventListener<PropertyChanged<Document>> for View {
    fn receive_weak_event(&self, doc: &Document, _: &PropertyChangedArgs) {
        self.updates.set(self.updates.get() + 1);
        println!("  {} shows title {:?}", self.name, doc.title.borrow());
    }
}

impl WeakEventListener<CollectionChanged<ObservableVec<String>>> for View {
    fn receive_weak_event(&self, _: &ObservableVec<String>, change: &CollectionChange<String>) {
        self.updates.set(self.updates.get() + 1);
        if let CollectionChange::Add { index, items } = change {
            println!("  {} inserts {items:?} at row {index}", self.name);
        }
    }
}

fn main() {
    // This thread's managers: one per kind, shared by every view on the thread.
    let properties = PropertyChangedManager::<Document>::current();
    let collections = CollectionChangedManager::<ObservableVec<String>>::current();
    let doc = Rc::new(Document::default());

    println!("three views open and watch the document:");
    let title_bar = View::open("title bar");
    let page_list = View::open("page list");
    let status = View::open("status bar");
    title_bar
        .bag
        .auto_dispose(properties.subscribe(&doc, "title", &title_bar));
    page_list
        .bag
        .auto_dispose(collections.subscribe(&doc.pages, &page_list));
    page_list
        .bag
        .auto_dispose(properties.subscribe(&doc, "title", &page_list));
    // Registered without a guard: only the weak reference will end it.
    properties.add_listener(&doc, "title", &status);

    doc.set_title("Draft");
    doc.pages.push("cover".into());

    println!("\nthe page list closes (its bag goes with it); the status bar is dropped:");
    drop(page_list);
    let title_registrations = properties.listener_count(&doc, "title");
    println!("  registrations for \"title\" right after: {title_registrations}");
    assert_eq!(
        title_registrations, 2,
        "the bag removed the page list's at once"
    );
    drop(status);

    doc.set_title("Final");
    doc.pages.push("appendix".into());
    // The change above met the dead status bar and pruned it as it returned.
    assert_eq!(properties.listener_count(&doc, "title"), 1);
    assert_eq!(collections.listener_count(&doc.pages), 0);

    // The app's idle point: whatever is still pending goes.
    run_pending_cleanup();
    let stats = properties.stats();
    println!(
        "\nafter the changes: the title bar saw {} updates; {} registration left for the \
         document, {} for its pages",
        title_bar.updates.get(),
        stats.registrations,
        collections.stats().registrations
    );
    assert_eq!(title_bar.updates.get(), 2);
    assert_eq!(stats.registrations, 1);
}
