//! The engine behind a [`WeakEventManager`](crate::WeakEventManager): its table of sources, its
//! static list, its one registration path, its delivery and its passes.
//!
//! The public face (`manager.rs`) is a set of short wrappers over [`Engine::register`] and the
//! methods below. A source's own state (its lists and its hook on the source) is
//! [`SourceState`](crate::source::SourceState); when and where passes run is the cleanup
//! module's business; this file ties them together.
//!
//! # Synchronization
//!
//! The table is a sharded map (see `table.rs`); each source's state has its own lock, and the
//! lock order is table shard, then source state. No lock of the engine is held while user code
//! runs. A source's state is in the table from its first registration until it *closes* (its last
//! registration went, or its source died), and a closed state never reopens: an add that finds
//! one removes it from the table and retries on a fresh state.

use std::sync::{Arc, Weak};

use crate::cleanup::{
    self, Cleanable, Cleanup, CleanupMode, CleanupState, DoublingMark, Pass, Work,
};
use crate::diagnostics::{self, ThresholdWarning, DEFAULT_LISTENER_THRESHOLD};
use crate::entry::{addr_of, Entry};
use crate::list::{Node, Reach};
use crate::panic::FirstPanic;
use crate::source::{self, Added, EntryNode, Owner, SourceState};
use crate::stats::{ManagerStats, PurgeReport};
use crate::subscription::Subscription;
use crate::sync::{AtomicUsize, Ordering};
use crate::table::Table;
use crate::{RegistrationId, WeakEvent};

/// The table's upkeep floor: the first walk for dead sources runs at this many sources, and the
/// next is never set lower.
const UPKEEP_FLOOR: usize = 16;

/// One manager's state.
pub(crate) struct Engine<E: WeakEvent> {
    table: Table<Arc<SourceState<E>>>,
    /// Sources in the table, counted here because counting a sharded map locks every shard.
    sources: AtomicUsize,
    /// When the table's next walk for dead sources runs: see [`Engine::upkeep`].
    upkeep: DoublingMark,
    /// The list of the events that have no source.
    statics: Arc<SourceState<E>>,
    cleanup: Cleanup<SourceState<E>>,
    /// Registrations per source past which an add warns (`usize::MAX`: never).
    threshold: AtomicUsize,
}

/// Where a registration goes.
pub(crate) enum Target<'a, E: WeakEvent> {
    /// The list of `topic` (`None`: the main list) of `source`.
    Source(&'a Arc<E::Source>, Option<&'a str>),
    /// The static list.
    Static,
}

/// A registration just made: its id, and the state that holds it (for a guard).
pub(crate) struct Registered<E: WeakEvent> {
    pub(crate) id: RegistrationId,
    state: Arc<SourceState<E>>,
}

impl<E: WeakEvent> Registered<E> {
    /// A guard that removes the registration when dropped.
    pub(crate) fn into_guard(self) -> Subscription {
        Subscription::new(self.state, self.id)
    }
}

impl<E: WeakEvent> Engine<E> {
    /// A new engine, registered with the process-wide scheduler.
    pub(crate) fn new(mode: Option<CleanupMode>) -> Arc<Self> {
        let engine = Arc::new_cyclic(|weak: &Weak<Engine<E>>| {
            let owner: Weak<dyn Owner<E>> = weak.clone();
            Engine {
                table: Table::new(),
                sources: AtomicUsize::new(0),
                upkeep: DoublingMark::new(UPKEEP_FLOOR),
                statics: Arc::new(SourceState::new_static(owner)),
                cleanup: Cleanup::new(mode),
                threshold: AtomicUsize::new(DEFAULT_LISTENER_THRESHOLD),
            }
        });
        let erased: Arc<dyn Cleanable> = engine.clone();
        cleanup::register(Arc::downgrade(&erased));
        engine
    }

    /// The one registration path: every `add_*`, `subscribe*` and the built-in managers' forms
    /// come here. `R` names the receiver type for the profiler.
    pub(crate) fn register<X, R>(self: &Arc<Self>, target: Target<'_, E>, entry: X) -> Registered<E>
    where
        X: Entry<E> + 'static,
        R: ?Sized,
    {
        let node = node::<E, X, R>(entry);
        match target {
            Target::Source(source, topic) => self.add_to_source(source, topic, node),
            Target::Static => {
                let threshold = self.threshold.load(Ordering::Relaxed);
                match self.statics.add(None, None, node, threshold) {
                    Ok(added) => self.added(&self.statics, added),
                    Err(_) => unreachable!("the static list never closes"),
                }
            }
        }
    }

    fn add_to_source(
        self: &Arc<Self>,
        source: &Arc<E::Source>,
        topic: Option<&str>,
        mut node: EntryNode<E>,
    ) -> Registered<E> {
        let key = addr_of(Arc::as_ptr(source));
        loop {
            let mut inserted = false;
            let state = self.table.get_or_insert_with(key, || {
                inserted = true;
                // Counted before the state is visible, so that a pass that closes it at once
                // never counts it out first.
                self.sources.fetch_add(1, Ordering::Relaxed);
                let owner: Weak<dyn Owner<E>> = Arc::downgrade(self) as Weak<Engine<E>>;
                Arc::new(SourceState::new(key, Arc::downgrade(source), owner))
            });
            if inserted {
                self.upkeep();
            }
            // No other state can sit at `key`: a state's `Weak` keeps the source's allocation,
            // so a live source's address is not another source's.
            let threshold = self.threshold.load(Ordering::Relaxed);
            match state.add(Some(source), topic, node, threshold) {
                Ok(added) => return self.added(&state, added),
                Err(returned) => {
                    // Closed under us: help remove it, then retry on a fresh state.
                    node = returned;
                    self.forget(&state);
                }
            }
        }
    }

    /// The follow-up of a successful add, with no lock held: a cleanup request if the list
    /// doubled, a warning if it crossed the threshold.
    fn added(self: &Arc<Self>, state: &Arc<SourceState<E>>, added: Added) -> Registered<E> {
        if added.grew {
            self.request_pass_over(state);
        }
        if let Some(listeners) = added.crossed {
            diagnostics::warn_threshold(ThresholdWarning {
                event: std::any::type_name::<E>(),
                source: std::any::type_name::<E::Source>(),
                listeners,
                threshold: self.threshold.load(Ordering::Relaxed),
            });
        }
        Registered {
            id: RegistrationId(added.id),
            state: Arc::clone(state),
        }
    }

    /// The table's own upkeep, after a new source was counted: when the table has doubled since
    /// its last upkeep, drops the states of sources that died.
    ///
    /// A source with no `Event` and no `DropNotice` tells nobody when it dies, so only a walk of
    /// the table finds it. The walk reads one strong count per source and runs no user code (a
    /// dead source's `Event` is gone, and dropping an entry drops only weak references), so it
    /// runs here, on the adding thread, like a vector's growth: the next mark is twice what
    /// survived it, so the table never holds more than twice the sources that were alive at the
    /// last upkeep (floor: `UPKEEP_FLOOR`), at O(1) amortised per insert.
    fn upkeep(&self) {
        if !self.upkeep.claim(self.sources.load(Ordering::Relaxed)) {
            return;
        }
        let mut report = PurgeReport::default();
        for state in self.table.values() {
            if state.source_is_dead() {
                report += state.prune();
            }
        }
        self.upkeep.reset(self.sources.load(Ordering::Relaxed));
        self.cleanup.state().record_upkeep(report);
    }

    /// The state of `source`, if it has one.
    pub(crate) fn state_of(&self, source: &E::Source) -> Option<Arc<SourceState<E>>> {
        self.table.with(addr_of(source), Arc::clone)
    }

    /// The static list's state.
    pub(crate) fn statics(&self) -> &Arc<SourceState<E>> {
        &self.statics
    }

    /// Delivers `args` from `source` to its lists: one table lookup and one snapshot.
    pub(crate) fn deliver(&self, source: &E::Source, args: &E::Args) {
        let reach = E::reach(args);
        let Some(snapshot) = self
            .table
            .with(addr_of(source), |state| state.snapshot(reach))
        else {
            return;
        };
        source::deliver(snapshot, source, args, || self.state_of(source));
    }

    /// What `f` answers for `source`'s state; `false` when the source has none.
    fn on_state(&self, source: &E::Source, f: impl FnOnce(&SourceState<E>) -> bool) -> bool {
        self.state_of(source).is_some_and(|state| f(&state))
    }

    /// Removes the registration `id` of `source`, in whichever of its lists holds it.
    pub(crate) fn remove_registration(&self, source: &E::Source, id: RegistrationId) -> bool {
        self.on_state(source, |state| state.remove_id(id.0))
    }

    /// Removes the registration `id` if it is in the list of `topic` (`None`: the main list) of
    /// `source`.
    pub(crate) fn remove_registration_in(
        &self,
        source: &E::Source,
        topic: Option<&str>,
        id: RegistrationId,
    ) -> bool {
        self.on_state(source, |state| state.remove_id_in(topic, id.0))
    }

    /// Removes the most recent registration of the listener at `addr` in the list of `topic`
    /// (`None`: the main list) of `source`.
    pub(crate) fn remove_listener_in(
        &self,
        source: &E::Source,
        topic: Option<&str>,
        addr: usize,
    ) -> bool {
        self.on_state(source, |state| state.remove_listener(topic, addr))
    }

    /// Registrations in the list of `topic` (`None`: the main list) of `source`.
    pub(crate) fn count_in(&self, source: &E::Source, topic: Option<&str>) -> usize {
        self.state_of(source)
            .map_or(0, |state| state.count_in(topic))
    }

    /// Registrations on `source`, in every list.
    pub(crate) fn listener_count(&self, source: &E::Source) -> usize {
        self.table
            .with(addr_of(source), |state| state.len())
            .unwrap_or(0)
    }

    /// Asks for a pass over every source.
    pub(crate) fn request_full_pass(self: &Arc<Self>) {
        if self.cleanup.request_full() {
            cleanup::dispatch(self.clone());
        }
    }

    /// Asks for a pass over `state`'s source.
    fn request_pass_over(self: &Arc<Self>, state: &Arc<SourceState<E>>) {
        if self.cleanup.request_item(state) {
            cleanup::dispatch(self.clone());
        }
    }

    /// A full pass now, whatever the mode.
    pub(crate) fn run_full_pass(&self) -> PurgeReport {
        self.run_pass(Pass::Full)
    }

    /// A pass if one is pending.
    pub(crate) fn run_pending_pass(&self) -> PurgeReport {
        if self.cleanup.state().take_pending() {
            self.run_pass(Pass::Requested)
        } else {
            PurgeReport::default()
        }
    }

    /// One pass: the sources marked since the last one, or every source for a full pass.
    fn run_pass(&self, pass: Pass) -> PurgeReport {
        let work = self.cleanup.take_work(pass);
        let full = matches!(work, Work::Full);
        let states = match work {
            Work::Full => {
                let mut all = self.table.values();
                all.push(Arc::clone(&self.statics));
                all
            }
            Work::Marked(marked) => marked,
        };
        let mut report = PurgeReport::default();
        let mut panics = FirstPanic::new();
        for state in &states {
            // Detaching runs user code (`WeakEvent::event`, a source's drop): a panic there must
            // not cost the states after it their pass, whose marks are already cleared.
            report += panics.catch(|| state.prune()).unwrap_or(PurgeReport {
                sources_visited: 1,
                ..PurgeReport::default()
            });
        }
        if full {
            // From what survived, not from what the pass found: a table of dead sources must
            // not double its next mark at every pass.
            self.upkeep.reset(self.sources.load(Ordering::Relaxed));
        }
        self.cleanup.state().record_pass(report);
        panics.resume();
        report
    }

    pub(crate) fn cleanup_state(&self) -> &CleanupState {
        self.cleanup.state()
    }

    /// Sets the manager's own cleanup mode; work already pending goes to the new mode's runner.
    pub(crate) fn set_cleanup_mode(self: &Arc<Self>, mode: Option<CleanupMode>) {
        self.cleanup.state().set_mode(mode);
        if self.cleanup.state().is_pending() {
            cleanup::dispatch(self.clone());
        }
    }

    pub(crate) fn threshold(&self) -> Option<usize> {
        match self.threshold.load(Ordering::Relaxed) {
            usize::MAX => None,
            threshold => Some(threshold),
        }
    }

    pub(crate) fn set_threshold(&self, threshold: Option<usize>) {
        self.threshold
            .store(threshold.unwrap_or(usize::MAX), Ordering::Relaxed);
    }

    /// Sources in the table (a relaxed count, for `Debug`).
    pub(crate) fn source_count(&self) -> usize {
        self.sources.load(Ordering::Relaxed)
    }

    pub(crate) fn stats(&self) -> ManagerStats {
        let mut stats = ManagerStats {
            cleanup: self.cleanup.state().stats(),
            ..ManagerStats::default()
        };
        let states = self.table.values();
        stats.sources = states.len();
        for state in states.iter().chain([&self.statics]) {
            let (registrations, alive) = state.counts();
            stats.registrations += registrations;
            stats.alive += alive;
        }
        stats.dead = stats.registrations - stats.alive;
        stats.static_registrations = self.statics.len();
        stats
    }
}

impl<E: WeakEvent<Source = ()>> Engine<E> {
    /// Delivers `args` to the static list.
    pub(crate) fn deliver_static(&self, args: &E::Args) {
        let snapshot = self.statics.snapshot(Reach::Main);
        source::deliver(snapshot, &(), args, || Some(Arc::clone(&self.statics)));
    }
}

impl<E: WeakEvent> Owner<E> for Engine<E> {
    fn request_pass(self: Arc<Self>, state: &Arc<SourceState<E>>) {
        self.request_pass_over(state);
    }

    fn forget(&self, state: &SourceState<E>) {
        if self.table.remove_if(state.key(), |current| {
            std::ptr::eq(Arc::as_ptr(current), state)
        }) {
            self.sources.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl<E: WeakEvent> Cleanable for Engine<E> {
    fn cleanup_state(&self) -> &CleanupState {
        self.cleanup.state()
    }

    fn run_pending(&self) -> PurgeReport {
        self.run_pending_pass()
    }

    fn purge(&self) -> PurgeReport {
        self.run_full_pass()
    }

    fn describe(&self) -> (&'static str, ManagerStats) {
        (std::any::type_name::<E>(), self.stats())
    }
}

/// Allocates a registration's node, tells the profiler about it, and erases its receiver type.
fn node<E, X, R>(entry: X) -> EntryNode<E>
where
    E: WeakEvent,
    X: Entry<E> + 'static,
    R: ?Sized,
{
    let node = Arc::new(Node::new(entry));
    diagnostics::note_registration(
        &node,
        std::any::type_name::<E>(),
        std::any::type_name::<R>(),
    );
    node
}

impl<E: WeakEvent> Drop for Engine<E> {
    /// A private manager going away detaches from every source's `Event`, so none keeps a
    /// forwarding handler to a manager that no longer exists.
    fn drop(&mut self) {
        for state in self.table.values() {
            state.shutdown();
        }
    }
}
