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

use std::panic::Location;

use crate::cleanup::{Cleanable, Cleanup, CleanupMode, CleanupState, DoublingMark, Pass, Work};
use crate::diagnostics::{self, ThresholdWarning, DEFAULT_LISTENER_THRESHOLD};
use crate::entry::Entry;
use crate::flavor::{addr_of, Flavor};
use crate::list::{Node, Reach};
use crate::panic::FirstPanic;
use crate::source::{self, Added, EntryNode, Forwarder, Hook, SourceState};
use crate::stats::{ManagerStats, PurgeReport};
use crate::sync::{AtomicUsize, Ordering};
use crate::table::TableOps;
use crate::RegistrationId;

/// The table's upkeep floor: the first walk for dead sources runs at this many sources, and the
/// next is never set lower.
const UPKEEP_FLOOR: usize = 16;

/// An event kind as the engine of flavour `F` sees it.
///
/// Each flavour implements it once, for every kind of its own kind trait (the root's
/// [`WeakEvent`](crate::WeakEvent), `unsync::WeakEvent`): that impl names the types the engine
/// stores and does what needs the concrete flavour (an unsized coercion that needs `Send + Sync`
/// in one flavour only, the flavour's own `Event`, its cleanup runner).
pub(crate) trait Kind<F: Flavor>: Sized + 'static {
    type Source: ?Sized + 'static;
    type Args: ?Sized + 'static;
    /// A registration, type-erased (`dyn Entry + Send + Sync` in the thread-safe flavour).
    type Entry: ?Sized + Entry<F, Self> + 'static;
    /// Whether a pass over one source (asked for by a delivery that met dead receivers, or by
    /// an add that doubled the source's list) runs in place at once when no delivery of that
    /// source is under way (the thread-affine flavour: no other thread, so no lock to wait
    /// for), rather than going to the cleanup runner.
    const PRUNES_IN_PLACE: bool;

    /// Which of a source's lists `args` reaches.
    fn reach(args: &Self::Args) -> Reach<'_>;
    /// Attaches `forwarder` to `source`'s `Event` (or to its `DropNotice`); what was hooked.
    fn hook(source: &Self::Source, forwarder: Forwarder<F, Self>) -> Option<Hook>;
    /// Takes what [`hook`](Kind::hook) attached off `source`.
    fn unhook(source: &Self::Source, hook: Hook);
    /// Registers a new engine with its flavour's list of managers.
    fn register(engine: &F::Ptr<Engine<F, Self>>);
    /// Hands the engine's pending pass to the runner of its cleanup mode.
    fn dispatch(engine: F::Ptr<Engine<F, Self>>);

    /// A registration the profiler is to record (see `profiling/`), made by [`Erase::erase`].
    type Pending;
    /// Records `pending` now that the registration is in `state`, of the manager at `manager`.
    fn note(pending: Self::Pending, state: &F::Ptr<SourceState<F, Self>>, manager: usize);
    /// A pass pruned the registration whose node is at `node`: its receiver died
    /// (`receiver_dead`), or its source did.
    fn note_pruned(node: usize, receiver_dead: bool);
}

/// Erases an entry of type `X` into the kind's [`Kind::Entry`], and makes the profiler's record
/// of it if one is recording: the unsized coercions happen in each flavour's impl, where
/// `X: Send + Sync` is required by the thread-safe flavour only.
pub(crate) trait Erase<F: Flavor, X>: Kind<F> {
    fn erase(node: Node<X>, receiver: &'static str) -> (EntryNode<F, Self>, Option<Self::Pending>);
}

/// One manager's state.
pub(crate) struct Engine<F: Flavor, E: Kind<F>> {
    table: F::Table<F::Ptr<SourceState<F, E>>>,
    /// Sources in the table, counted here because counting a sharded map locks every shard.
    sources: AtomicUsize,
    /// When the table's next walk for dead sources runs: see [`Engine::upkeep`].
    upkeep: DoublingMark,
    /// The list of the events that have no source.
    statics: F::Ptr<SourceState<F, E>>,
    cleanup: Cleanup<F, SourceState<F, E>>,
    /// Registrations per source past which an add warns (`usize::MAX`: never).
    threshold: AtomicUsize,
    /// Deaths per creation site, for the "died before its first event" warning. A leaf lock:
    /// taken only by a pass that found dead receivers, with nothing else held.
    deaths: std::sync::Mutex<diagnostics::SiteDeaths>,
}

/// Where a registration goes.
pub(crate) enum Target<'a, F: Flavor, E: Kind<F>> {
    /// The list of `topic` (`None`: the main list) of `source`.
    Source(&'a F::Ptr<E::Source>, Option<&'a str>),
    /// The static list.
    Static,
}

/// A registration just made: its id, and the state that holds it (for a guard).
pub(crate) struct Registered<F: Flavor, E: Kind<F>> {
    pub(crate) id: RegistrationId,
    pub(crate) state: F::Ptr<SourceState<F, E>>,
}

impl<F: Flavor, E: Kind<F>> Engine<F, E> {
    /// A new engine, registered with its flavour's list of managers.
    pub(crate) fn new(mode: Option<CleanupMode>) -> F::Ptr<Self> {
        let engine = F::new_cyclic(|weak: &F::Weak<Engine<F, E>>| Engine {
            table: TableOps::new(),
            sources: AtomicUsize::new(0),
            upkeep: DoublingMark::new(UPKEEP_FLOOR),
            statics: F::new(SourceState::new_static(weak.clone())),
            cleanup: Cleanup::new(mode),
            threshold: AtomicUsize::new(DEFAULT_LISTENER_THRESHOLD),
            deaths: std::sync::Mutex::default(),
        });
        E::register(&engine);
        engine
    }

    /// The one registration path: every `add_*`, `subscribe*` and the built-in managers' forms
    /// come here, in both flavours. `R` names the receiver type for the profiler.
    pub(crate) fn register<X, R>(
        this: &F::Ptr<Self>,
        target: Target<'_, F, E>,
        entry: X,
        site: &'static Location<'static>,
    ) -> Registered<F, E>
    where
        E: Erase<F, X>,
        R: ?Sized,
    {
        let (node, pending) = E::erase(Node::new(entry, site), std::any::type_name::<R>());
        let registered = match target {
            Target::Source(source, topic) => Self::add_to_source(this, source, topic, node),
            Target::Static => {
                let threshold = this.threshold.load(Ordering::Relaxed);
                match SourceState::<F, E>::add(&this.statics, None, None, node, threshold) {
                    Ok(added) => Self::added(this, &this.statics, added),
                    Err(_) => unreachable!("the static list never closes"),
                }
            }
        };
        if let Some(pending) = pending {
            E::note(pending, &registered.state, F::addr(this));
        }
        registered
    }

    fn add_to_source(
        this: &F::Ptr<Self>,
        source: &F::Ptr<E::Source>,
        topic: Option<&str>,
        mut node: EntryNode<F, E>,
    ) -> Registered<F, E> {
        let key = F::addr(source);
        loop {
            let mut inserted = false;
            let state = this.table.get_or_insert_with(key, || {
                inserted = true;
                // Counted before the state is visible, so that a pass that closes it at once
                // never counts it out first.
                this.sources.fetch_add(1, Ordering::Relaxed);
                F::new(SourceState::new(
                    key,
                    F::downgrade(source),
                    F::downgrade(this),
                ))
            });
            if inserted {
                this.upkeep();
            }
            // No other state can sit at `key`: a state's `Weak` keeps the source's allocation,
            // so a live source's address is not another source's.
            let threshold = this.threshold.load(Ordering::Relaxed);
            match SourceState::<F, E>::add(&state, Some(source), topic, node, threshold) {
                Ok(added) => return Self::added(this, &state, added),
                Err(returned) => {
                    // Closed under us: help remove it, then retry on a fresh state.
                    node = returned;
                    this.forget(&state);
                }
            }
        }
    }

    /// The follow-up of a successful add, with no lock held: a cleanup request if the list
    /// doubled, a warning if it crossed the threshold.
    fn added(
        this: &F::Ptr<Self>,
        state: &F::Ptr<SourceState<F, E>>,
        added: Added,
    ) -> Registered<F, E> {
        if added.grew {
            SourceState::<F, E>::prune_or_request(state);
        }
        if let Some(growth) = added.crossed {
            let (site, site_registrations) =
                growth.site.map_or((None, 0), |(site, n)| (Some(site), n));
            diagnostics::warn_threshold(ThresholdWarning {
                event: std::any::type_name::<E>(),
                source: std::any::type_name::<E::Source>(),
                listeners: growth.listeners,
                threshold: this.threshold.load(Ordering::Relaxed),
                site,
                site_registrations,
                dominated: site_registrations * 10 > growth.listeners * 3,
            });
        }
        Registered {
            id: RegistrationId(added.id),
            state: state.clone(),
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
        // A state closed by this walk may wait in the cleanup queue (its source announced its
        // death): with no pass to come (`Manual` mode and no idle point), it must not stay
        // there.
        self.cleanup.forget_where(|state| state.is_closed());
        self.cleanup.state().record_upkeep(report);
    }

    /// The state of `source`, if it has one.
    pub(crate) fn state_of(&self, source: &E::Source) -> Option<F::Ptr<SourceState<F, E>>> {
        self.table.with(addr_of(source), Clone::clone)
    }

    /// The static list's state.
    pub(crate) fn statics(&self) -> &F::Ptr<SourceState<F, E>> {
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
    fn on_state(&self, source: &E::Source, f: impl FnOnce(&SourceState<F, E>) -> bool) -> bool {
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
    pub(crate) fn request_full_pass(this: &F::Ptr<Self>) {
        if this.runs_requests_inline() {
            this.cleanup.state().count_request();
            this.run_full_pass();
        } else if this.cleanup.request_full() {
            E::dispatch(this.clone());
        }
    }

    /// Asks for a pass over `state`'s source.
    pub(crate) fn request_pass_over(this: &F::Ptr<Self>, state: &F::Ptr<SourceState<F, E>>) {
        if this.runs_requests_inline() {
            this.cleanup.state().count_request();
            let report = state.prune();
            this.cleanup.state().record_pass(report);
        } else if this.cleanup.request_item(state) {
            E::dispatch(this.clone());
        }
    }

    /// Whether a request runs its pass on the call that made it (`Inline` mode). Such a pass
    /// never goes through the pending flag and the queue: there, a pass another thread started
    /// (`purge_all`, another request's) could take it and finish it after the call that made it
    /// returned.
    fn runs_requests_inline(&self) -> bool {
        self.cleanup.state().mode() == CleanupMode::Inline
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
                all.push(self.statics.clone());
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
    pub(crate) fn set_cleanup_mode(this: &F::Ptr<Self>, mode: Option<CleanupMode>) {
        this.cleanup.state().set_mode(mode);
        if this.cleanup.state().is_pending() {
            E::dispatch(this.clone());
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

impl<F: Flavor, E: Kind<F, Source = ()>> Engine<F, E> {
    /// Delivers `args` to the static list.
    pub(crate) fn deliver_static(&self, args: &E::Args) {
        let snapshot = self.statics.snapshot(Reach::Main);
        source::deliver(snapshot, &(), args, || Some(self.statics.clone()));
    }
}

impl<F: Flavor, E: Kind<F>> Engine<F, E> {
    /// Counts registrations that a pass found dead (`true`: it had been called), by creation
    /// site, and gives the warnings now due (with the lock released).
    pub(crate) fn note_deaths(&self, died: &[(&'static Location<'static>, bool)]) {
        let due = self
            .deaths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .note(std::any::type_name::<E>(), died);
        for warning in due {
            diagnostics::warn_undelivered(warning);
        }
    }

    /// Takes a closed `state` out of the cleanup queue: a closed state needs no pass, and a
    /// manager whose passes wait for an idle point must not keep it.
    pub(crate) fn unqueue(&self, state: &SourceState<F, E>) {
        self.cleanup
            .forget_where(|queued| std::ptr::eq(queued, state));
    }

    /// Removes `state` from the table if it is still there.
    pub(crate) fn forget(&self, state: &SourceState<F, E>) {
        if self
            .table
            .remove_if(state.key(), |current| std::ptr::eq(&**current, state))
        {
            self.sources.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl<F: Flavor, E: Kind<F>> Cleanable for Engine<F, E> {
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

    fn count_sites(&self, counts: &mut diagnostics::SiteCounts) {
        for state in self.table.values().iter().chain([&self.statics]) {
            state.count_sites(counts);
        }
    }
}

impl<F: Flavor, E: Kind<F>> Drop for Engine<F, E> {
    /// A private manager going away detaches from every source's `Event`, so none keeps a
    /// forwarding handler to a manager that no longer exists.
    fn drop(&mut self) {
        for state in self.table.values() {
            state.shutdown();
        }
        // Its registrations ended with it: the profiler forgets the ones it counted.
        crate::profiling::manager_dropped(addr_of(self as *const Self));
    }
}
