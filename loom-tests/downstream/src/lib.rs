//! A small application crate, as a user of weak-events writes it: a settings store that raises
//! an event when a setting changes, and panels that listen to it through the process-wide
//! managers (`current()`, `DisposeBag::listen_to`, `PropertyChangedManager::current()`).
//!
//! Its loom models are in `tests/models.rs`. The locks and atomics of the application's own
//! state come from `sync` below, so that loom sees them, as a loom user writes it.

use std::sync::Arc;

use weak_events::{
    Event, NotifyPropertyChanged, PropertyChangedArgs, Subscription, WeakEvent, WeakEventListener,
    WeakEventManager,
};

/// The application's synchronisation facade: loom's types under `cfg(loom)`.
pub mod sync {
    #[cfg(loom)]
    pub use loom::sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    };
    #[cfg(not(loom))]
    pub use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    };
}

use sync::{AtomicUsize, Mutex, Ordering};

/// The settings store: a long-lived sender with a plain event.
#[derive(Default)]
pub struct Settings {
    pub changed: Event<str>,
    pub properties: Event<PropertyChangedArgs>,
}

impl Settings {
    pub fn set(&self, key: &str) {
        self.changed.raise(key);
        self.properties
            .raise(&PropertyChangedArgs::new(key.to_owned()));
    }
}

impl NotifyPropertyChanged for Settings {
    fn property_changed(&self) -> &Event<PropertyChangedArgs> {
        &self.properties
    }
}

/// The event kind of a setting change.
pub enum SettingChanged {}

impl WeakEvent for SettingChanged {
    type Source = Settings;
    type Args = str;
    fn event(settings: &Settings) -> Option<&Event<str>> {
        Some(&settings.changed)
    }
}

/// A panel: it counts the changes it hears, and keeps its own subscription.
///
/// A delivery already in progress on another thread may still reach a listener after its
/// removal returned (the crate checks each registration just before calling it, but the check
/// and the call are not one step); the panel guards against it with its own `closed` flag,
/// checked and set under its own lock.
#[derive(Default)]
pub struct Panel {
    pub calls: AtomicUsize,
    closed: Mutex<bool>,
    subscription: Mutex<Option<Subscription>>,
}

impl WeakEventListener<SettingChanged> for Panel {
    fn receive_weak_event(&self, _: &Settings, _: &str) {
        let closed = self.closed.lock().unwrap();
        if !*closed {
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl WeakEventListener<weak_events::PropertyChanged<Settings>> for Panel {
    fn receive_weak_event(&self, _: &Settings, _: &PropertyChangedArgs) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

impl Panel {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Subscribes the panel to `settings` unless it is subscribed already; safe to call from
    /// two threads at once: the check and the store happen under the panel's own lock.
    pub fn ensure_subscribed(self: &Arc<Self>, settings: &Arc<Settings>) {
        let mut slot = self.subscription.lock().unwrap();
        if slot.is_none() {
            *slot = Some(WeakEventManager::<SettingChanged>::current().subscribe(settings, self));
        }
    }

    /// Closes the panel: once this returns, the panel counts no change, even one whose
    /// delivery was already in progress on another thread.
    pub fn close(&self) {
        *self.closed.lock().unwrap() = true;
        let subscription = self.subscription.lock().unwrap().take();
        drop(subscription);
    }
}
