//! One source's state in a manager: its lists, its hook on the source (the forwarding handler on
//! the source's `Event`, or a watcher on its `DropNotice`), and its mark in the cleanup queue;
//! and the tail every delivery shares.
//!
//! # Synchronization
//!
//! Each state has one mutex (`inner`) over its lists and hook state; no user code runs under it.
//! A delivery holds it only to clone the lists' `Arc`s (its snapshot). Closing (the last
//! registration went, or the source died) happens under it and is final: an add that finds a
//! closed state has its caller drop it from the table and retry on a fresh one, so a
//! registration is never added to a state that will not be delivered or purged.
//!
//! Hooking onto the source runs user code ([`WeakEvent::event`], [`WeakEvent::drop_notice`]),
//! so it happens with the lock released while the state is `Hooking`; concurrent adds wait on
//! `hooked` so that no add returns before the hook is in place (a raise that starts after an add
//! returned reaches the new listener). An add made by the hooking thread itself (from inside
//! `WeakEvent::event`) does not wait: the outer add finishes the hook before it returns.

use std::panic::Location;

use crate::cleanup::{Dirty, DoublingMark};
use crate::engine::{Engine, Kind};
use crate::entry::{Alive, Entry, Remover};
use crate::event::EventToken;
use crate::flavor::Flavor;
use crate::list::{call_each, Garbage, Lists, ListsSnapshot, Node, Publication, Publisher, Reach};
use crate::panic::FirstPanic;
use crate::stats::PurgeReport;
use crate::subscription::Unregister;
use crate::sync::{current_thread, AtomicBool, ThreadId};

/// A list grown to this many registrations asks for a pass over its source even if it was never
/// pruned.
const GROWTH_FLOOR: usize = 16;

/// A registration as a list stores it.
pub(crate) type EntryNode<F, E> = <F as Flavor>::Ptr<Node<<E as Kind<F>>::Entry>>;

/// A source's lists.
type SourceLists<F, E> = Lists<F, <E as Kind<F>>::Entry>;

pub(crate) struct SourceState<F: Flavor, E: Kind<F>> {
    /// The source's address: the table key (0 for the static list).
    key: usize,
    /// The source, weakly (it also reserves the address while the state exists); `None` for the
    /// static list, which has no source.
    source: Option<F::Weak<E::Source>>,
    /// The engine that owns this state.
    owner: F::Weak<Engine<F, E>>,
    inner: F::Lock<Locked<F, E>>,
    /// The main list's vector while it is current, for deliveries to read with no lock (see
    /// [`SourceState::write`]).
    published: Publisher<F, E::Entry>,
    hooked: F::Signal,
    /// Set while the state waits in its manager's cleanup queue.
    marked: AtomicBool,
    /// When an add asks for a pass over this source: when its registrations doubled since the
    /// last pass.
    growth: DoublingMark,
}

/// What a state's lock guards.
pub(crate) struct Locked<F: Flavor, E: Kind<F>> {
    lists: SourceLists<F, E>,
    /// `published`'s bookkeeping.
    publication: Publication,
    closed: bool,
    /// Growth warnings: see [`Growth`].
    growth_warnings: Growth,
    hook: HookState,
}

/// When a source warns that its listeners keep growing: when its registrations with a live
/// receiver pass the manager's threshold, then each time they grow by another half past the
/// last warning (dead ones never count). Counting live receivers takes a scan of the list, so
/// it happens only at checkpoints: when the registrations (dead ones included) reach
/// `next_check`, which then moves at least half again past them, so the scans cost O(1)
/// amortised per add.
#[derive(Default)]
struct Growth {
    /// Registrations at which the next scan runs (0: at the threshold).
    next_check: usize,
    /// Live registrations at the last warning (0: none yet).
    warned_at: usize,
}

/// A growth warning due: live registrations, and the most frequent creation site among them.
pub(crate) struct GrowthWarning {
    pub(crate) listeners: usize,
    pub(crate) site: Option<(&'static Location<'static>, usize)>,
}

enum HookState {
    Unhooked,
    /// The thread named here is hooking onto the source, with the lock released.
    Hooking(ThreadId),
    Hooked(Hook),
    /// The kind has neither an `Event` nor a `DropNotice` for this source, or this is the
    /// static list.
    Nothing,
}

/// What the manager hooked onto a source.
#[derive(Clone, Copy)]
pub(crate) enum Hook {
    /// The forwarding handler, attached to the source's `Event`.
    Event(EventToken),
    /// A watcher on the source's `DropNotice`: it delivers nothing, its drop announces the death.
    Notice(EventToken),
}

/// What an add did.
pub(crate) struct Added {
    pub(crate) id: u64,
    /// The source's registrations doubled since its last pass: ask for one.
    pub(crate) grew: bool,
    /// A growth warning is due.
    pub(crate) crossed: Option<GrowthWarning>,
}

/// A closed state's hook, to undo once the lock is released.
struct Closing(Option<Hook>);

impl<F: Flavor, E: Kind<F>> SourceState<F, E> {
    /// The state of the source at `key`.
    pub(crate) fn new(
        key: usize,
        source: F::Weak<E::Source>,
        owner: F::Weak<Engine<F, E>>,
    ) -> Self {
        Self::build(key, Some(source), owner, HookState::Unhooked)
    }

    /// The static list's state: no source, no hook, never closed.
    pub(crate) fn new_static(owner: F::Weak<Engine<F, E>>) -> Self {
        Self::build(0, None, owner, HookState::Nothing)
    }

    fn build(
        key: usize,
        source: Option<F::Weak<E::Source>>,
        owner: F::Weak<Engine<F, E>>,
        hook: HookState,
    ) -> Self {
        SourceState {
            key,
            source,
            owner,
            inner: F::new_lock(Locked {
                lists: Lists::new(),
                publication: Publication::default(),
                closed: false,
                growth_warnings: Growth::default(),
                hook,
            }),
            published: Publisher::new(),
            hooked: F::new_signal(),
            marked: AtomicBool::new(false),
            growth: DoublingMark::new(GROWTH_FLOOR),
        }
    }

    /// The source's address, the table key.
    pub(crate) fn key(&self) -> usize {
        self.key
    }

    /// Adds `node` to the list of `topic` (`None`: the main list); `Err(node)` if the state
    /// closed (the caller retries on a fresh state).
    pub(crate) fn add(
        this: &F::Ptr<Self>,
        source: Option<&F::Ptr<E::Source>>,
        topic: Option<&str>,
        node: EntryNode<F, E>,
        threshold: usize,
    ) -> Result<Added, EntryNode<F, E>> {
        let mut inner = this.write();
        loop {
            if inner.closed {
                return Err(node);
            }
            match inner.hook {
                HookState::Unhooked => {
                    let Some(source) = source else {
                        inner.hook = HookState::Nothing;
                        continue;
                    };
                    inner.hook = HookState::Hooking(current_thread());
                    drop(inner);
                    // Loops back: a state closed meanwhile fails the add above.
                    inner = Self::hook(this, source);
                }
                // Re-entered from `WeakEvent::event` on the hooking thread: waiting would wait
                // for ourselves.
                HookState::Hooking(thread) if thread == current_thread() => break,
                HookState::Hooking(_) => {
                    inner = F::wait(&this.hooked, inner);
                    // The lock was released while waiting: a delivery may have published.
                    this.unpublish(&mut inner);
                }
                HookState::Hooked(_) | HookState::Nothing => break,
            }
        }
        let (id, garbage) = inner.lists.push(topic, node);
        // Registrations not removed, dead receivers included: what a pass can shrink. (Removed
        // slots are the list's own business: it compacts them away by itself.)
        let registered = inner.lists.registered();
        let grew = this.growth.claim(registered);
        let crossed = if registered > threshold
            && registered >= inner.growth_warnings.next_check.max(threshold + 1)
        {
            Self::check_growth(&mut inner, registered, threshold)
        } else {
            None
        };
        drop(inner);
        drop(garbage);
        Ok(Added { id, grew, crossed })
    }

    /// A growth checkpoint (see [`Growth`]): counts the live registrations and their creation
    /// sites; a warning if they passed the next level.
    fn check_growth(
        inner: &mut Locked<F, E>,
        registered: usize,
        threshold: usize,
    ) -> Option<GrowthWarning> {
        let mut sites = crate::diagnostics::SiteCounts::default();
        for node in inner.lists.iter().filter(|node| node.value.is_alive()) {
            sites.add(node.site, 1);
        }
        let live = sites.total();
        let growth = &mut inner.growth_warnings;
        let level = if growth.warned_at == 0 {
            threshold
        } else {
            growth.warned_at.saturating_add(growth.warned_at / 2)
        };
        let warning = (live > level).then(|| {
            growth.warned_at = live;
            GrowthWarning {
                listeners: live,
                site: sites.top(1).first().copied(),
            }
        });
        // The next scan: when live registrations could pass the next level, and never before
        // the registrations grew by half again (dead ones inflate them between passes).
        let next_level = if growth.warned_at == 0 {
            threshold
        } else {
            growth.warned_at.saturating_add(growth.warned_at / 2)
        };
        growth.next_check = (next_level + 1).max(registered.saturating_add(registered / 2));
        if warning.is_some() {
            growth.next_check = (next_level + 1).max(registered + 1);
        }
        warning
    }

    /// Hooks onto the source with no lock held (the forwarding handler on its `Event`, or a
    /// watcher on its `DropNotice`), then records the outcome and wakes the adds waiting for it.
    fn hook<'a>(this: &'a F::Ptr<Self>, source: &F::Ptr<E::Source>) -> F::Guard<'a, Locked<F, E>> {
        let mut panics = FirstPanic::new();
        let hooked = panics.catch(|| {
            let forwarder = Forwarder {
                state: this.clone(),
            };
            E::hook(source, forwarder)
        });
        let mut inner = this.write();
        let Some(hook) = hooked else {
            // `event` or `drop_notice` panicked: nothing was hooked and the add fails by that
            // panic.
            inner.hook = HookState::Unhooked;
            drop(inner);
            F::notify_all(&this.hooked);
            panics.resume();
            unreachable!("a caught panic resumes");
        };
        if inner.closed {
            // Closed while we hooked (a purge found the lists empty): undo, and let the add retry.
            drop(inner);
            F::notify_all(&this.hooked);
            if let Some(hook) = hook {
                E::unhook(source, hook);
            }
            return this.write();
        }
        inner.hook = hook.map_or(HookState::Nothing, HookState::Hooked);
        F::notify_all(&this.hooked);
        inner
    }

    /// The lists an event that reaches `reach` is delivered to.
    #[inline]
    pub(crate) fn snapshot(&self, reach: Reach<'_>) -> ListsSnapshot<F, E::Entry> {
        if let Some(snapshot) = ListsSnapshot::published(self.published.load()) {
            return snapshot;
        }
        let mut inner = F::lock(&self.inner);
        let inner = &mut *inner;
        let snapshot = inner.lists.snapshot(reach);
        let (lists, closed) = (&inner.lists, inner.closed);
        self.published.locked_read(&mut inner.publication, || {
            // Only the main list is published, so only while it is the only one.
            (!closed).then(|| lists.publishable()).flatten()
        });
        snapshot
    }

    /// The lock on the lists, for a change: the published vector is cleared first, so that no
    /// delivery starting from now reads a vector this change leaves behind, and so that the
    /// change finds the vector unshared (in place, no copy) unless a delivery still walks it.
    fn write(&self) -> F::Guard<'_, Locked<F, E>> {
        let mut inner = F::lock(&self.inner);
        self.unpublish(&mut inner);
        inner
    }

    /// Clears the published vector; `inner` is this state's, locked since the last clear.
    fn unpublish(&self, inner: &mut Locked<F, E>) {
        self.published.clear(&mut inner.publication);
    }

    /// Removes the registration `id`.
    pub(crate) fn remove_id(&self, id: u64) -> bool {
        self.remove_with(|lists| lists.remove(id))
    }

    /// Removes the registration `id` if the list of `topic` (`None`: the main list) holds it.
    pub(crate) fn remove_id_in(&self, topic: Option<&str>, id: u64) -> bool {
        self.remove_with(|lists| lists.remove_id_in(topic, id))
    }

    /// Removes the most recent registration of the listener at `addr` in the list of `topic`
    /// (`None`: the main list): O(1) expected at any position.
    pub(crate) fn remove_listener(&self, topic: Option<&str>, addr: usize) -> bool {
        self.remove_with(|lists| {
            lists.remove_last_by_key(topic, addr, |entry| entry.listener_addr())
        })
    }

    fn remove_with(
        &self,
        remove: impl FnOnce(&mut SourceLists<F, E>) -> (bool, Garbage<F, E::Entry>),
    ) -> bool {
        let mut inner = self.write();
        let (removed, garbage) = remove(&mut inner.lists);
        let closing = if removed && inner.lists.registered() == 0 {
            self.close(&mut inner)
        } else {
            None
        };
        drop(inner);
        drop(garbage);
        if let Some(closing) = closing {
            self.finish_close(closing);
        }
        removed
    }

    /// One cleanup pass over this source: drops the registrations of dead receivers (all of them
    /// if the source died) and closes the state if nothing is left.
    pub(crate) fn prune(&self) -> PurgeReport {
        let mut inner = self.write();
        if inner.closed {
            drop(inner);
            // Closed by a pass on another thread, which may not have taken it out of the table
            // yet: take it out now (a no-op if it did), so that a pass that returned leaves no
            // closed state of its own behind.
            if let Some(owner) = F::upgrade(&self.owner) {
                owner.forget(self);
            }
            return PurgeReport::default();
        }
        let source_dead = self.source_is_dead();
        let mut forgotten = 0;
        // The creation sites of the registrations that died, delivered to or not: for the
        // "died before its first event" count and warning (rare: no allocation otherwise).
        let mut died: Vec<(&'static Location<'static>, bool)> = Vec::new();
        let (purged, garbage) = inner.lists.retain(|node| {
            let alive = node.value.is_alive();
            if !alive {
                // A receiver that died while still registered: a forgotten removal.
                forgotten += 1;
                died.push((node.site, node.was_delivered()));
            }
            let keep = alive && !source_dead;
            if !keep {
                // One whose receiver died was never removed: the profiler counts it (while its
                // source lives, as it would have had no pass run), if one is recording.
                E::note_pruned(crate::flavor::addr_of(node), !alive);
            }
            keep
        });
        self.growth.reset(inner.lists.registered());
        // The list shrank: the next growth check comes at the threshold again, so a scan that
        // saw many dead registrations does not put the next one off by half.
        inner.growth_warnings.next_check = 0;
        let closing = if inner.lists.registered() == 0 {
            self.close(&mut inner)
        } else {
            None
        };
        drop(inner);
        drop(garbage);
        let removed_source = closing.is_some();
        if let Some(closing) = closing {
            self.finish_close(closing);
        }
        let died_undelivered = died.iter().filter(|(_, delivered)| !delivered).count();
        if !died.is_empty() {
            if let Some(owner) = F::upgrade(&self.owner) {
                owner.note_deaths(&died);
            }
        }
        PurgeReport {
            sources_visited: 1,
            entries_purged: purged,
            forgotten_removals: forgotten,
            died_undelivered,
            sources_removed: usize::from(removed_source),
        }
    }

    /// Marks the state closed (the static list never closes).
    fn close(&self, inner: &mut Locked<F, E>) -> Option<Closing> {
        if self.source.is_none() || inner.closed {
            return None;
        }
        inner.closed = true;
        let hook = match std::mem::replace(&mut inner.hook, HookState::Unhooked) {
            HookState::Hooked(hook) => Some(hook),
            // An add is hooking: it sees `closed` when it relocks and undoes its own hook.
            _ => None,
        };
        Some(Closing(hook))
    }

    /// Leaves the table (and the cleanup queue, if it waits there) and unhooks from the source,
    /// with no lock held.
    fn finish_close(&self, closing: Closing) {
        if let Some(owner) = F::upgrade(&self.owner) {
            owner.forget(self);
            if self.is_marked() {
                owner.unqueue(self);
            }
        }
        self.unhook(closing);
    }

    fn unhook(&self, Closing(hook): Closing) {
        // Never call into a dead source: if it died, its `Event` (and our handler) went with it.
        if let (Some(hook), Some(source)) = (hook, self.source()) {
            E::unhook(&source, hook);
        }
    }

    /// Closes and unhooks because the manager is going away.
    pub(crate) fn shutdown(&self) {
        let closing = self.close(&mut self.write());
        if let Some(closing) = closing {
            self.unhook(closing);
        }
    }

    /// Whether the state closed (it is out of the table, or about to be).
    pub(crate) fn is_closed(&self) -> bool {
        F::lock(&self.inner).closed
    }

    /// Whether the source died (never true for the static list).
    pub(crate) fn source_is_dead(&self) -> bool {
        self.source
            .as_ref()
            .is_some_and(|source| F::strong_count(source) == 0)
    }

    /// The source, weakly (`None` for the static list), for the profiler's records.
    pub(crate) fn source_weak(&self) -> Option<F::Weak<E::Source>> {
        self.source.clone()
    }

    fn source(&self) -> Option<F::Ptr<E::Source>> {
        self.source.as_ref().and_then(F::upgrade)
    }

    /// Registrations, and how many of them are alive: receiver alive and source alive (a dead
    /// source's registrations are garbage whatever their receivers).
    pub(crate) fn counts(&self) -> (usize, usize) {
        let inner = F::lock(&self.inner);
        let alive = if self.source_is_dead() {
            0
        } else {
            inner
                .lists
                .iter()
                .filter(|node| node.value.is_alive())
                .count()
        };
        (inner.lists.registered(), alive)
    }

    /// Adds this source's live registrations (receiver and source alive) to `counts`, by
    /// creation site.
    pub(crate) fn count_sites(&self, counts: &mut crate::diagnostics::SiteCounts) {
        if self.source_is_dead() {
            return;
        }
        let inner = F::lock(&self.inner);
        for node in inner.lists.iter().filter(|node| node.value.is_alive()) {
            counts.add(node.site, 1);
        }
    }

    /// Registrations in the list of `topic` (`None`: the main list).
    pub(crate) fn count_in(&self, topic: Option<&str>) -> usize {
        F::lock(&self.inner).lists.iter_in(topic).count()
    }

    /// Registrations, in every list.
    pub(crate) fn len(&self) -> usize {
        F::lock(&self.inner).lists.registered()
    }

    /// Asks the owning manager for a pass over this source, unless it is marked already.
    pub(crate) fn request_pass(this: &F::Ptr<Self>) {
        if this.is_marked() {
            return;
        }
        if let Some(owner) = F::upgrade(&this.owner) {
            Engine::<F, E>::request_pass_over(&owner, this);
        }
    }

    /// A pass over this source, asked for by a delivery that met dead receivers (once it is
    /// over) or by an add that doubled the list: in place now if the flavour prunes in place and
    /// no delivery holds the lists, else a request to the cleanup runner.
    pub(crate) fn prune_or_request(this: &F::Ptr<Self>) {
        if E::PRUNES_IN_PLACE && !this.is_marked() {
            if let Some(report) = this.prune_in_place() {
                if let Some(owner) = F::upgrade(&this.owner) {
                    owner.cleanup_state().record_pass(report);
                }
                return;
            }
        }
        Self::request_pass(this);
    }

    /// [`prune`](Self::prune), only if no snapshot of the lists is out (so the pass compacts in
    /// place, with no copy); `None` if one is.
    fn prune_in_place(&self) -> Option<PurgeReport> {
        if !self.write().lists.is_unshared() {
            return None;
        }
        Some(self.prune())
    }
}

impl<F: Flavor, E: Kind<F>> Dirty for SourceState<F, E> {
    fn dirty_flag(&self) -> &AtomicBool {
        &self.marked
    }
}

/// Delivers `args` from `sender` to `snapshot`, then finishes: the one delivery tail of
/// `deliver_event`, `deliver_static` and a raise through the source's `Event`.
///
/// A once-registration is claimed, then removed, then called, so a re-entrant or concurrent
/// delivery never calls it a second time. `state` finds the source's state for that removal and
/// for the cleanup request a delivery that met dead receivers makes (both cold paths). A panic
/// does not stop the other listeners; the first one resumes at the end.
pub(crate) fn deliver<F: Flavor, E: Kind<F>>(
    snapshot: ListsSnapshot<F, E::Entry>,
    sender: &E::Source,
    args: &E::Args,
    state: impl Fn() -> Option<F::Ptr<SourceState<F, E>>>,
) {
    let mut panics = FirstPanic::new();
    let mut dead = 0;
    let remove = |id| {
        if let Some(state) = state() {
            state.remove_id(id);
        }
    };
    let remover = Remover::new(&remove);
    let call = |id, entry: &E::Entry| entry.deliver(remover.of(id), sender, args);
    // The main list inline; topics' lists (the property kind's) out of line, so that a kind
    // without topics pays one branch for them.
    dead += call_each::<F, _>(snapshot.main(), &mut panics, call);
    if snapshot.has_topics() {
        dead += deliver_topics(&snapshot, &mut panics, call);
    }
    drop(snapshot);
    if dead > 0 {
        if let Some(state) = state() {
            SourceState::<F, E>::prune_or_request(&state);
        }
    }
    panics.resume();
}

/// The topics' part of [`deliver`]; how many dead receivers it met.
#[inline(never)]
fn deliver_topics<F: Flavor, T: ?Sized + 'static>(
    snapshot: &ListsSnapshot<F, T>,
    panics: &mut FirstPanic,
    call: impl Fn(u64, &T) -> crate::entry::Delivery,
) -> usize {
    let mut dead = 0;
    snapshot.for_each_topic(|list| dead += call_each::<F, _>(list, panics, &call));
    dead
}

impl<F: Flavor, E: Kind<F>> Unregister for SourceState<F, E> {
    fn unregister(&self, id: u64) -> bool {
        self.remove_id(id)
    }

    fn source_key(&self) -> usize {
        self.key
    }
}

/// The handler a manager attaches to a source's `Event` (or the watcher on its `DropNotice`): it
/// holds the source's state directly, so a raise needs no table lookup.
pub(crate) struct Forwarder<F: Flavor, E: Kind<F>> {
    state: F::Ptr<SourceState<F, E>>,
}

impl<F: Flavor, E: Kind<F>> Forwarder<F, E> {
    /// Delivers `args` from the forwarder's source.
    pub(crate) fn raise(&self, args: &E::Args) {
        // The `Event` lives in the source, so a raise has a live source; the upgrade fails only
        // while the source is being dropped, and then nothing is delivered.
        let Some(source) = self.state.source() else {
            return;
        };
        let snapshot = self.state.snapshot(E::reach(args));
        deliver(snapshot, &*source, args, || Some(self.state.clone()));
    }

    /// What a `DropNotice` watcher does when called: nothing (the crate never raises a notice).
    pub(crate) fn keep(&self) {}
}

impl<F: Flavor, E: Kind<F>> Drop for Forwarder<F, E> {
    /// Dropped by the source's `Event` (or `DropNotice`): either the manager unhooked it, or the
    /// source died. In the second case the source's entries are garbage now, so ask for a pass
    /// over it.
    fn drop(&mut self) {
        if self.state.source_is_dead() {
            SourceState::<F, E>::request_pass(&self.state);
        }
    }
}
