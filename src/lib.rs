//! Event handlers that never keep their receivers alive: the weak-event pattern (WPF's
//! `WeakEventManager`), typed and lock-light.
//!
//! A long-lived sender that holds its handlers strongly keeps every receiver alive: a closed
//! view, a finished request, a dropped widget keep being called and keep their memory. Here the
//! sender's [`Event`] holds only one [`WeakEventManager`] per event kind; the manager holds
//! receivers **weakly**, delivers through the typed [`WeakEventListener`] trait (or a plain `fn`
//! handler that is given its receiver), and an idle-time cleanup pass prunes the entries of
//! receivers that died. Explicit removal and RAII [`Subscription`] guards are there for the tidy;
//! the weak reference is the net for the rest.
//!
//! ```
//! use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
//! use weak_events::{weak_event, Event, WeakEventListener, WeakEventManager};
//!
//! // A long-lived sender with a plain event: it needs no change to take weak listeners.
//! struct AppBus { theme_changed: Event<str> }
//!
//! // The event kind, in one line: the sender, the arguments, and the sender's event.
//! weak_event!(ThemeChanged: AppBus => str, event = theme_changed);
//!
//! static REPAINTS: AtomicUsize = AtomicUsize::new(0);
//! struct View;
//! impl WeakEventListener<ThemeChanged> for View {
//!     fn receive_weak_event(&self, _bus: &AppBus, _theme: &str) {
//!         REPAINTS.fetch_add(1, Ordering::SeqCst);
//!     }
//! }
//!
//! let bus = Arc::new(AppBus { theme_changed: Event::new() });
//! let view = Arc::new(View);
//! let manager = WeakEventManager::<ThemeChanged>::current();
//! manager.add_listener(&bus, &view);
//!
//! bus.theme_changed.raise("dark");
//! assert_eq!(REPAINTS.load(Ordering::SeqCst), 1);
//!
//! // The view is closed and nobody unsubscribes it: the bus does not keep it alive...
//! let weak_view = Arc::downgrade(&view);
//! drop(view);
//! assert!(weak_view.upgrade().is_none());
//! // ...and never calls it again.
//! bus.theme_changed.raise("light");
//! assert_eq!(REPAINTS.load(Ordering::SeqCst), 1);
//! ```
//!
//! [`weak_event!`] expands to what a hand-written kind is: an empty `enum` and an
//! `impl WeakEvent` (see [`WeakEvent`]), plus a static slot for the kind's manager.
//!
//! # Where to go next
//!
//! - The [`guide`]: why weak events, the semantics and their reasons, cleanup in winit, glib
//!   and tokio applications, and a map from WPF, Boost.Signals2, Qt, the MVVM Toolkit and
//!   Backbone.
//! - [`WeakEventManager`]: registration, delivery, removal and their semantics.
//! - [`CleanupMode`]: when dead entries are pruned (a background worker by default, or your own
//!   idle point with [`run_pending_cleanup`]).
//! - [`Subscription`]: the RAII guard; [`DisposeBag`]: an owner that disposes (and stops
//!   listening to) everything at once.
//! - [`PropertyChangedManager`] and [`CollectionChangedManager`]: change notification, built in.
//! - Diagnostics: [`start_profiling`] (who registered and never removed, per creation site),
//!   [`LeakCheck`] (the same for one test), [`report`], and the per-source listener threshold
//!   ([`ThresholdWarning`]).
//! - [`unsync`]: the thread-affine flavour for UI threads (`Rc` sources and receivers, one
//!   `current()` manager per thread, no worker), on the same engine.
//! - [`internals`]: how it works inside (not part of the stable API).
//!
//! # Module map
//!
//! | file | owns |
//! |---|---|
//! | `manager/` | [`WeakEventManager`]: the public face; `register.rs` and `statics.rs` hold the registration forms |
//! | `unsync/` | the thread-affine face: its manager, guard, kind and listener traits, `Event`, cleanup runner |
//! | `flavor.rs` | what the engine is generic over: pointers, locks and table of each flavour |
//! | `engine.rs` | a manager's state: its table, the one registration path, delivery, passes; `Kind`, `Erase` |
//! | `source.rs` | one source's state: its lists, its hook on the source, the shared delivery tail |
//! | `list.rs` | copy-on-write lists of registrations, per-topic lists, `call_each` |
//! | `key_index.rs` | a long list's identity index, for removal by identity |
//! | `entry.rs` | the type-erased entries: listener, handler, once |
//! | `listener.rs` | [`WeakEvent`] and [`WeakEventListener`], and how the engine sees the root's kinds |
//! | `event.rs`, `notice.rs` | [`Event`] (over the handler lists both flavours share) and [`DropNotice`] |
//! | `subscription.rs` | [`Subscription`] |
//! | `cleanup/` | [`CleanupMode`], the request/pass handshake, the scheduler (worker, manual queue) |
//! | `stats.rs` | [`ManagerStats`], [`PurgeReport`], [`CleanupStats`] |
//! | `dispose/` | [`DisposeBag`] (both flavours, one macro), its contents, and the added-after-dispose warning |
//! | `diagnostics.rs` | [`report`], the listener threshold |
//! | `profiling/` | [`start_profiling`] and [`LeakCheck`]; `record.rs`: records per registration, counts per creation site |
//! | `sites.rs` | creation sites: counts per site, the "died before its first event" warning |
//! | `property/`, `collection/` | the built-in property-changed and collection-changed managers, written once for both flavours; typed property keys; [`ObservableVec`]'s shared core |
//! | `current.rs` | the process-wide values behind every `current()` |
//! | `panic.rs` | catching user panics, keeping the first, resuming it |
//! | `sync.rs`, `table.rs` | the loom facade for every lock and atomic, and the source table |
//! | `guide.rs`, `internals.rs` | documentation only |

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

#[macro_use]
mod face;

mod cleanup;
#[macro_use]
mod collection;
mod current;
mod diagnostics;
#[macro_use]
mod dispose;
mod engine;
mod entry;
mod event;
mod flavor;
pub mod guide;
pub mod internals;
mod key_index;
mod kind;
mod list;
mod listener;
mod manager;
mod notice;
mod panic;
#[macro_use]
mod property;
mod profiling;
mod sites;
mod source;
mod stats;
mod stream;
mod subscription;
mod sync;
mod table;
pub mod unsync;

pub use cleanup::{
    cleanup_mode, cleanup_stats, purge_all, run_pending_cleanup, set_cleanup_mode, CleanupMode,
};
pub use collection::{
    CollectionChange, CollectionChanged, CollectionChangedManager, NotifyCollectionChanged,
    ObservableVec, SnapshotIter, VecSnapshot,
};
pub use diagnostics::{
    report, set_threshold_hook, Report, ReportRow, ThresholdWarning, DEFAULT_LISTENER_THRESHOLD,
};
pub use dispose::{
    set_added_after_dispose_hook, AddedAfterDispose, AlreadyDisposed, Dispose, DisposeBag,
    DisposeKey, OnDispose, Ownership,
};
pub use event::{Event, EventToken};
pub use kind::ManagerSlot;
pub use listener::{WeakEvent, WeakEventListener};
pub use manager::{RegistrationId, WeakEventManager};
pub use notice::DropNotice;
pub use profiling::{start_profiling, LeakCheck, LeftBehind, Profile, ProfilingMark};
pub use property::{
    NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs, PropertyChangedManager,
    PropertyKey, PropertyName, ALL_PROPERTIES,
};
pub use sites::{set_undelivered_hook, UndeliveredWarning, UNDELIVERED_WARNING};
pub use stats::{CleanupStats, ManagerStats, PurgeReport};
pub use stream::{EventStream, StreamItem};
pub use subscription::{OwnedSubscription, Subscription};

/// The README's example is compiled and run as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Public types are `Send + Sync`, checked at compile time.
#[allow(dead_code)]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    enum Kind {}
    impl WeakEvent for Kind {
        type Source = ();
        type Args = str;
    }
    assert_send_sync::<Event<str>>();
    assert_send_sync::<EventToken>();
    assert_send_sync::<WeakEventManager<Kind>>();
    assert_send_sync::<Subscription>();
    assert_send_sync::<RegistrationId>();
    assert_send_sync::<DisposeBag>();
    assert_send_sync::<DropNotice>();
    assert_send_sync::<ManagerStats>();
    assert_send_sync::<PurgeReport>();
};
