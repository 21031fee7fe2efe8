//! The thread-affine flavour, for UI threads: `Rc` sources and receivers, `!Send` managers,
//! one [`current`](WeakEventManager::current) manager per kind **per thread**.
//!
//! GUI objects are `!Send` and shared through `Rc` (gtk-rs and glib objects, Slint components,
//! any `Rc<RefCell<ViewModel>>`); the crate root needs `Send + Sync` receivers behind `Arc`s.
//! This module has the root's vocabulary ([`Event`], [`WeakEvent`], [`WeakEventListener`],
//! [`WeakEventManager`], [`Subscription`]) and its semantics, for one thread, the way
//! `once_cell::unsync` mirrors `once_cell::sync`. It runs on the same engine as the root
//! flavour, with `Rc` for `Arc` and `RefCell` for `Mutex`: no atomic read-modify-write and no
//! lock per delivery.
//!
//! Cleanup needs no worker thread and no loop (see [`CleanupMode`]): a delivery that met dead
//! receivers prunes its source's list as it returns, dead sources are found as in the root
//! flavour, and [`run_pending_cleanup`] at the thread's idle point does the rest.
//!
//! ```
//! use std::{cell::Cell, rc::Rc};
//! use weak_events::unsync::{Event, WeakEvent, WeakEventListener, WeakEventManager};
//!
//! // A view model and a view, both `Rc`, neither `Send`.
//! struct ViewModel { title_changed: Event<str> }
//! enum TitleChanged {}
//! impl WeakEvent for TitleChanged {
//!     type Source = ViewModel;
//!     type Args = str;
//!     fn event(model: &ViewModel) -> Option<&Event<str>> { Some(&model.title_changed) }
//! }
//! struct Header { repaints: Cell<u32> }
//! impl WeakEventListener<TitleChanged> for Header {
//!     fn receive_weak_event(&self, _: &ViewModel, _: &str) { self.repaints.set(self.repaints.get() + 1) }
//! }
//!
//! let model = Rc::new(ViewModel { title_changed: Event::new() });
//! let header = Rc::new(Header { repaints: Cell::new(0) });
//! WeakEventManager::<TitleChanged>::current().add_listener(&model, &header);
//!
//! model.title_changed.raise("Inbox");
//! assert_eq!(header.repaints.get(), 1);
//!
//! // The view closes without unsubscribing: the model does not keep it alive.
//! let weak = Rc::downgrade(&header);
//! drop(header);
//! assert!(weak.upgrade().is_none());
//! model.title_changed.raise("Archive"); // calls nobody, and prunes the dead entry
//! assert_eq!(WeakEventManager::<TitleChanged>::current().listener_count(&model), 0);
//! ```

mod cleanup;
mod collection;
mod dispatch;
mod dispose;
mod event;
mod kind;
mod manager;
mod property;
mod subscription;

pub use crate::SnapshotIter;
pub use crate::{
    AlreadyDisposed, CollectionChange, DisposeKey, Ownership, PropertyChangedArgs, ALL_PROPERTIES,
};
pub use crate::{EventToken, ManagerStats, PurgeReport, RegistrationId};
pub(crate) use cleanup::managers;
pub use cleanup::{purge_all, run_pending_cleanup, CleanupMode};
pub use collection::{
    CollectionChanged, CollectionChangedManager, NotifyCollectionChanged, ObservableVec,
    VecSnapshot,
};
pub use dispatch::{
    Bridge, Bridged, Dispatcher, DispatcherGone, DispatcherHandle, DispatcherStats,
};
pub use dispose::{Dispose, DisposeBag, OnDispose};
pub use event::{DropNotice, Event};
pub use kind::{WeakEvent, WeakEventListener};
pub use manager::WeakEventManager;
pub use property::{NotifyPropertyChanged, PropertyChanged, PropertyChangedManager};
pub use subscription::{OwnedSubscription, Subscription};
