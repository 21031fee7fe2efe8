//! Shared fixtures: a sender with an `Event`, event kinds, and listeners that record calls.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use weak_events::{
    Event, NotifyPropertyChanged, PropertyChangedArgs, WeakEvent, WeakEventListener,
};

/// A sender with a plain event, as an application would write it.
#[derive(Default)]
pub struct Bus {
    pub ping: Event<u32>,
}

impl Bus {
    pub fn new() -> Arc<Bus> {
        Arc::new(Bus::default())
    }
}

/// An event kind attached to `Bus::ping`.
pub enum Ping {}
impl WeakEvent for Ping {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        Some(&bus.ping)
    }
}

/// An event kind the sender delivers itself (no `Event`).
pub enum Direct {}
impl WeakEvent for Direct {
    type Source = Bus;
    type Args = u32;
}

/// A static event kind (no source).
pub enum Global {}
impl WeakEvent for Global {
    type Source = ();
    type Args = u32;
}

/// A shared log of who was called, in order.
pub type Log = Arc<Mutex<Vec<usize>>>;

pub fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

pub fn entries(log: &Log) -> Vec<usize> {
    log.lock().unwrap().clone()
}

/// Records its name in a log and counts its calls; for any event kind.
pub struct Recorder {
    pub name: usize,
    pub log: Log,
    pub calls: AtomicUsize,
}

impl Recorder {
    pub fn new(name: usize, log: &Log) -> Arc<Recorder> {
        Arc::new(Recorder {
            name,
            log: Arc::clone(log),
            calls: AtomicUsize::new(0),
        })
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn record(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.log.lock().unwrap().push(self.name);
    }
}

impl<E: WeakEvent> WeakEventListener<E> for Recorder {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        self.record();
    }
}

/// A listener that runs a closure: for re-entrancy tests.
pub struct FnListener<F>(pub F);

impl<E, F> WeakEventListener<E> for FnListener<F>
where
    E: WeakEvent,
    F: Fn(&E::Source, &E::Args) + Send + Sync,
{
    fn receive_weak_event(&self, sender: &E::Source, args: &E::Args) {
        (self.0)(sender, args)
    }
}

/// A receiver whose drop is counted.
pub struct DropCounter(pub Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl<E: WeakEvent> WeakEventListener<E> for DropCounter {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {}
}

/// A tiny deterministic generator (xorshift), so that a failing threaded run can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A model that notifies property changes through its own event.
#[derive(Default)]
pub struct Model {
    pub changed: Event<PropertyChangedArgs>,
}

impl NotifyPropertyChanged for Model {
    fn property_changed(&self) -> &Event<PropertyChangedArgs> {
        &self.changed
    }
}

impl Model {
    pub fn new() -> Arc<Model> {
        Arc::new(Model::default())
    }

    pub fn set(&self, property: &'static str) {
        self.changed.raise(&PropertyChangedArgs::of(property));
    }
}
