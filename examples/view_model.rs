//! Change notification between a model and the views that watch it, with nothing to unsubscribe.
//!
//! A document model has properties (`title`, `zoom`, named by typed keys the compiler checks)
//! and a collection (`pages`). Views open, watch what they show, and close without
//! unsubscribing. The page list mirrors the pages with `CollectionChange::apply_to`, one line
//! per change. The built-in property-changed and collection-changed managers hold the views
//! weakly: a closed view is freed at once, never called again, and pruned by the next cleanup
//! pass.
//!
//! ```text
//! cargo run --example view_model
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use weak_events::{
    property_keys, CleanupMode, CollectionChange, CollectionChanged, CollectionChangedManager,
    Event, NotifyPropertyChanged, ObservableVec, PropertyChanged, PropertyChangedArgs,
    PropertyChangedManager, WeakEventListener,
};

/// The model: plain fields, one property-changed event, one observable collection.
#[derive(Default)]
struct Document {
    changed: Event<PropertyChangedArgs>,
    title: Mutex<String>,
    zoom: Mutex<u32>,
    pages: Arc<ObservableVec<String>>,
}

impl NotifyPropertyChanged for Document {
    fn property_changed(&self) -> &Event<PropertyChangedArgs> {
        &self.changed
    }
}

// The model's property names, checked by the compiler: `Document::TITEL` does not compile.
property_keys!(Document {
    TITLE = "title",
    ZOOM = "zoom",
});

impl Document {
    fn set_title(&self, title: &str) {
        *self.title.lock().unwrap() = title.to_owned();
        self.changed.raise(&Document::TITLE.changed());
    }

    fn set_zoom(&self, zoom: u32) {
        *self.zoom.lock().unwrap() = zoom;
        self.changed.raise(&Document::ZOOM.changed());
    }
}

static VIEWS_ALIVE: AtomicUsize = AtomicUsize::new(0);

/// A view: a title bar, a zoom slider, a page list... each watches what it shows; a list view
/// keeps its rows.
struct View {
    name: String,
    updates: AtomicUsize,
    rows: Mutex<Vec<String>>,
}

impl View {
    fn open(name: String) -> Arc<View> {
        VIEWS_ALIVE.fetch_add(1, Ordering::SeqCst);
        Arc::new(View {
            name,
            updates: AtomicUsize::new(0),
            rows: Mutex::new(Vec::new()),
        })
    }
}

impl Drop for View {
    fn drop(&mut self) {
        VIEWS_ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WeakEventListener<PropertyChanged<Document>> for View {
    fn receive_weak_event(&self, doc: &Document, change: &PropertyChangedArgs) {
        self.updates.fetch_add(1, Ordering::SeqCst);
        if change.name() == Some("title") {
            println!(
                "  {} shows title {:?}",
                self.name,
                doc.title.lock().unwrap()
            );
        }
    }
}

impl WeakEventListener<CollectionChanged<ObservableVec<String>>> for View {
    fn receive_weak_event(&self, _: &ObservableVec<String>, change: &CollectionChange<String>) {
        self.updates.fetch_add(1, Ordering::SeqCst);
        let mut rows = self.rows.lock().unwrap();
        // One line keeps the rows equal to the pages, whatever the change.
        assert!(change.apply_to(&mut rows), "changes arrive in order");
        println!("  {} shows rows {rows:?}", self.name);
    }
}

fn main() {
    let properties = PropertyChangedManager::<Document>::with_cleanup(CleanupMode::Manual);
    let collections =
        CollectionChangedManager::<ObservableVec<String>>::with_cleanup(CleanupMode::Manual);
    let doc = Arc::new(Document::default());

    println!("three views open and watch the document:");
    let title_bar = View::open("title bar".into());
    let slider = View::open("zoom slider".into());
    let page_list = View::open("page list".into());
    properties.add_listener(&doc, Document::TITLE, &title_bar);
    properties.add_listener(&doc, Document::ZOOM, &slider);
    collections.add_listener(&doc.pages, &page_list);

    doc.set_title("Draft");
    doc.set_zoom(150);
    doc.pages
        .extend(["cover".to_owned(), "intro".to_owned(), "draft".to_owned()]);
    doc.pages.retain(|page| page != "draft");
    doc.pages.replace_range(1..2, ["preface".to_owned()]);
    assert_eq!(*page_list.rows.lock().unwrap(), doc.pages.to_vec());

    println!("\nthe page list and the title bar close; nobody unsubscribes them:");
    let closed_updates =
        title_bar.updates.load(Ordering::SeqCst) + page_list.updates.load(Ordering::SeqCst);
    drop(title_bar);
    drop(page_list);
    println!("  views alive: {}", VIEWS_ALIVE.load(Ordering::SeqCst));

    doc.set_title("Final");
    doc.pages.push("appendix".into());
    doc.set_zoom(100);

    let purged = properties.purge().entries_purged + collections.purge().entries_purged;
    println!(
        "\nafter the changes: {} views alive, the zoom slider saw {} updates, \
         the closed views saw none after closing ({} before), {} dead entries purged",
        VIEWS_ALIVE.load(Ordering::SeqCst),
        slider.updates.load(Ordering::SeqCst),
        closed_updates,
        purged
    );
    assert_eq!(
        VIEWS_ALIVE.load(Ordering::SeqCst),
        1,
        "the closed views were not kept"
    );
    assert_eq!(purged, 2);
}
