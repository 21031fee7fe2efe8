//! One source's state in a manager: its listener list, whether the manager is attached to the
//! source's `Event` (or watches its `DropNotice`), and its place in the cleanup queue.
//!
//! # Synchronization
//!
//! Each state has one mutex (`inner`) over its list and attach state; no user code runs under it.
//! A delivery holds it only to clone the list's `Arc` (its snapshot). Closing (the last
//! registration went, or the source died) happens under it and is final: an add that finds a
//! closed state drops it from the table and retries on a fresh one, so a registration is never
//! added to a state that will not be delivered or purged. Attaching to the source's `Event` runs
//! user code ([`WeakEvent::event`]), so it happens with the lock released while the state is
//! `Attaching`; concurrent adds wait on `attached` so that no add returns before the forwarding
//! handler is in place (a raise that starts after an add returned reaches the new listener). An
//! add made by the attaching thread itself (from inside `WeakEvent::event`) does not wait: the
//! outer add finishes the attach before it returns. Watching a `DropNotice` follows the same
//! protocol: the watcher is a handler on the notice's own `Event`.

use std::sync::{Arc, Weak};

use crate::cleanup::PurgeReport;
use crate::event::EventToken;
use crate::list::{call_each, Garbage, Lists, ListsSnapshot, Node, Reach};
use crate::listener::Entry;
use crate::manager::Shared;
use crate::subscription::Unregister;
use crate::sync::{lock, wait, AtomicBool, Condvar, Mutex};
use crate::WeakEvent;

/// A list grown to this many slots asks for a pass over its source even if it was never pruned.
const MIN_GROW_MARK: usize = 16;

pub(crate) type EntryNode<E> = Arc<Node<dyn Entry<E>>>;

pub(crate) struct SourceState<E: WeakEvent> {
    /// The source's address: the table key.
    pub(crate) key: usize,
    /// The source, weakly (it also reserves the address while the state exists); `None` for the
    /// static list, which has no source.
    source: Option<Weak<E::Source>>,
    manager: Weak<Shared<E>>,
    inner: Mutex<Inner<E>>,
    attached: Condvar,
    /// Set while the state sits in its manager's dirty queue; see `Shared::request`.
    pub(crate) dirty: AtomicBool,
}

struct Inner<E: WeakEvent> {
    lists: Lists<dyn Entry<E>>,
    closed: bool,
    /// The listener threshold warning was given for this source.
    warned: bool,
    attach: Attach,
    /// Registrations at which an add asks for a pass over this source: twice what the last pass left.
    grow_mark: usize,
}

enum Attach {
    Detached,
    /// The thread named here is subscribing the forwarding handler, with the lock released.
    Attaching(crate::sync::ThreadId),
    Attached(Hook),
    /// The kind has neither an `Event` nor a `DropNotice` for this source, or this is the
    /// static list.
    NoEvent,
}

/// What the manager attached to a source.
#[derive(Clone, Copy)]
enum Hook {
    /// The forwarding handler, on the source's `Event`.
    Event(EventToken),
    /// A watcher on the source's `DropNotice`: it delivers nothing, its drop announces the death.
    Notice(EventToken),
}

/// What one pass over one source did.
#[derive(Default, Clone, Copy)]
pub(crate) struct Pruned {
    pub(crate) purged: usize,
    pub(crate) forgotten: usize,
    pub(crate) removed_source: bool,
}

/// What an add did.
pub(crate) struct Added {
    pub(crate) id: u64,
    /// The list doubled since its last pass: ask for one.
    pub(crate) grew: bool,
    /// The list just crossed the listener threshold, with this many registrations.
    pub(crate) crossed: Option<usize>,
}

impl Pruned {
    pub(crate) fn into_report(self) -> PurgeReport {
        PurgeReport {
            sources_visited: 1,
            entries_purged: self.purged,
            forgotten_removals: self.forgotten,
            sources_removed: usize::from(self.removed_source),
        }
    }
}

/// A closed state's attachment, to undo once the lock is released.
struct Closing(Option<Hook>);

impl<E: WeakEvent> SourceState<E> {
    pub(crate) fn new(
        key: usize,
        source: Option<Weak<E::Source>>,
        manager: Weak<Shared<E>>,
    ) -> Self {
        let attach = if source.is_some() {
            Attach::Detached
        } else {
            Attach::NoEvent
        };
        SourceState {
            key,
            source,
            manager,
            inner: Mutex::new(Inner {
                lists: Lists::new(),
                closed: false,
                warned: false,
                attach,
                grow_mark: MIN_GROW_MARK,
            }),
            attached: Condvar::new(),
            dirty: AtomicBool::new(false),
        }
    }

    /// Adds `node` to the list of `topic` (`None`: the main list); `Err(node)` if the state
    /// closed (the caller retries on a fresh state).
    pub(crate) fn add(
        self: &Arc<Self>,
        source: Option<&Arc<E::Source>>,
        topic: Option<&str>,
        node: EntryNode<E>,
        threshold: usize,
    ) -> Result<Added, EntryNode<E>> {
        let mut inner = lock(&self.inner);
        loop {
            if inner.closed {
                return Err(node);
            }
            match inner.attach {
                Attach::Detached => {
                    let Some(source) = source else {
                        inner.attach = Attach::NoEvent;
                        continue;
                    };
                    inner.attach = Attach::Attaching(crate::sync::current_thread());
                    drop(inner);
                    // Loops back: a state closed meanwhile fails the add above.
                    inner = self.attach(source);
                }
                // Re-entered from `WeakEvent::event` on the attaching thread: waiting would wait
                // for ourselves.
                Attach::Attaching(thread) if thread == crate::sync::current_thread() => break,
                Attach::Attaching(_) => inner = wait(&self.attached, inner),
                Attach::Attached(_) | Attach::NoEvent => break,
            }
        }
        let (id, garbage) = inner.lists.push(topic, node);
        // Registrations not removed, dead receivers included: what a pass can shrink. (Removed
        // slots are the list's own business: it compacts them away by itself.)
        let registered = inner.lists.live();
        let grew = registered >= inner.grow_mark;
        if grew {
            // Ask once per doubling; the pass sets the next mark from what it leaves.
            inner.grow_mark = registered.saturating_mul(2);
        }
        let listeners = inner.lists.live();
        let crossed = (listeners > threshold && !inner.warned).then(|| {
            inner.warned = true;
            listeners
        });
        drop(inner);
        drop(garbage);
        Ok(Added { id, grew, crossed })
    }

    /// Subscribes the forwarding handler to the source's `Event` with no lock held, then records
    /// the outcome and wakes the adds waiting for it.
    fn attach(self: &Arc<Self>, source: &Arc<E::Source>) -> crate::sync::MutexGuard<'_, Inner<E>> {
        let subscribed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let forwarder = Forwarder {
                state: Arc::clone(self),
            };
            if let Some(event) = E::event(source) {
                Some(Hook::Event(
                    event.subscribe(move |args| forwarder.raise(args)),
                ))
            } else {
                // Never called: the watcher's drop (with the source's) is the announcement.
                E::drop_notice(source).map(|notice| {
                    Hook::Notice(notice.event().subscribe(move |()| forwarder.keep()))
                })
            }
        }));
        let mut inner = lock(&self.inner);
        let token = match subscribed {
            Ok(token) => token,
            Err(payload) => {
                // `event` panicked: nothing was attached and the add fails by that panic.
                inner.attach = Attach::Detached;
                drop(inner);
                self.attached.notify_all();
                std::panic::resume_unwind(payload);
            }
        };
        if inner.closed {
            // Closed while we attached (a purge found the list empty): undo, and let the add retry.
            drop(inner);
            self.attached.notify_all();
            if let Some(hook) = token {
                unhook::<E>(source, hook);
            }
            return lock(&self.inner);
        }
        inner.attach = token.map_or(Attach::NoEvent, Attach::Attached);
        self.attached.notify_all();
        inner
    }

    /// The lists an event that reaches `reach` is delivered to.
    pub(crate) fn snapshot(&self, reach: Reach<'_>) -> ListsSnapshot<dyn Entry<E>> {
        lock(&self.inner).lists.snapshot(reach)
    }

    /// Removes the registration `id`.
    pub(crate) fn remove_id(&self, id: u64) -> bool {
        self.remove_with(|lists| lists.remove(id))
    }

    /// Removes the registration `id` if the list of `topic` (`None`: the main list) holds it.
    pub(crate) fn remove_id_in(&self, topic: Option<&str>, id: u64) -> bool {
        self.remove_with(|lists| lists.remove_id_in(topic, id))
    }

    /// Removes the most recent registration in the list of `topic` (`None`: the main list)
    /// whose entry satisfies `pred`.
    pub(crate) fn remove_last(
        &self,
        topic: Option<&str>,
        pred: impl FnMut(&(dyn Entry<E> + 'static)) -> bool,
    ) -> bool {
        self.remove_with(|lists| lists.remove_last(topic, pred))
    }

    fn remove_with(
        &self,
        remove: impl FnOnce(&mut Lists<dyn Entry<E>>) -> (bool, Garbage<dyn Entry<E>>),
    ) -> bool {
        let mut inner = lock(&self.inner);
        let (removed, garbage) = remove(&mut inner.lists);
        let closing = if removed && inner.lists.live() == 0 {
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
    pub(crate) fn prune(&self) -> Pruned {
        let mut inner = lock(&self.inner);
        if inner.closed {
            return Pruned::default();
        }
        let source_dead = self.source_is_dead();
        let mut forgotten = 0;
        let (purged, garbage) = inner.lists.retain(|entry| {
            let alive = entry.is_alive();
            if !alive {
                // A receiver that died while still registered: a forgotten removal.
                forgotten += 1;
            }
            alive && !source_dead
        });
        inner.grow_mark = inner.lists.live().saturating_mul(2).max(MIN_GROW_MARK);
        let closing = if inner.lists.live() == 0 {
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
        Pruned {
            purged,
            forgotten,
            removed_source,
        }
    }

    /// Marks the state closed (the static list never closes).
    fn close(&self, inner: &mut Inner<E>) -> Option<Closing> {
        if self.source.is_none() || inner.closed {
            return None;
        }
        inner.closed = true;
        let token = match std::mem::replace(&mut inner.attach, Attach::Detached) {
            Attach::Attached(token) => Some(token),
            // An add is attaching: it sees `closed` when it relocks and undoes its own attach.
            _ => None,
        };
        Some(Closing(token))
    }

    /// Leaves the table and detaches from the source's `Event`, with no lock held.
    fn finish_close(&self, closing: Closing) {
        if let Some(manager) = self.manager.upgrade() {
            manager.forget_source(self);
        }
        self.detach(closing);
    }

    fn detach(&self, Closing(token): Closing) {
        // Never call into a dead source: if it died, its `Event` (and our handler) went with it.
        if let (Some(hook), Some(source)) = (token, self.source()) {
            unhook::<E>(&source, hook);
        }
    }

    /// Closes and detaches because the manager is going away.
    pub(crate) fn shutdown(&self) {
        let closing = self.close(&mut lock(&self.inner));
        if let Some(closing) = closing {
            self.detach(closing);
        }
    }

    /// Whether the source died (never true for the static list).
    pub(crate) fn source_is_dead(&self) -> bool {
        self.source
            .as_ref()
            .is_some_and(|source| source.strong_count() == 0)
    }

    pub(crate) fn source(&self) -> Option<Arc<E::Source>> {
        self.source.as_ref().and_then(Weak::upgrade)
    }

    /// Registrations, and how many of them are live: receiver alive and source alive (a dead
    /// source's registrations are garbage whatever their receivers).
    pub(crate) fn counts(&self) -> (usize, usize) {
        let inner = lock(&self.inner);
        let alive = if self.source_is_dead() {
            0
        } else {
            inner
                .lists
                .iter()
                .filter(|s| s.node.value.is_alive())
                .count()
        };
        (inner.lists.live(), alive)
    }

    /// Registrations not removed in the list of `topic` (`None`: the main list).
    pub(crate) fn count_in(&self, topic: Option<&str>) -> usize {
        lock(&self.inner).lists.iter_in(topic).count()
    }

    /// Registrations not removed, in every list.
    pub(crate) fn len(&self) -> usize {
        lock(&self.inner).lists.live()
    }

    /// Asks the manager for a pass over this source.
    pub(crate) fn request_cleanup(self: &Arc<Self>) {
        if let Some(manager) = self.manager.upgrade() {
            manager.request(Some(self));
        }
    }
}

/// Takes the manager's handler or watcher off `source`.
fn unhook<E: WeakEvent>(source: &E::Source, hook: Hook) {
    match hook {
        Hook::Event(token) => {
            if let Some(event) = E::event(source) {
                event.unsubscribe(token);
            }
        }
        Hook::Notice(token) => {
            if let Some(notice) = E::drop_notice(source) {
                notice.event().unsubscribe(token);
            }
        }
    }
}

/// Delivers `args` from `sender` to a snapshot; returns the count of dead receivers met and the
/// first panic.
///
/// A once-registration is claimed, then removed through `remove_once` (which takes its id), then
/// called: a re-entrant or concurrent delivery never calls it a second time.
pub(crate) fn deliver<E: WeakEvent>(
    snapshot: &ListsSnapshot<dyn Entry<E>>,
    sender: &E::Source,
    args: &E::Args,
    mut remove_once: impl FnMut(u64),
) -> (usize, Option<Box<dyn std::any::Any + Send>>) {
    let mut dead = 0;
    let mut panic = None;
    snapshot.for_each(|list| {
        let (met, payload) = call_each(list, |id, entry| {
            entry.deliver(sender, args, &mut || remove_once(id))
        });
        dead += met;
        if let Some(payload) = payload {
            panic.get_or_insert(payload);
        }
    });
    (dead, panic)
}

impl<E: WeakEvent> Unregister for SourceState<E> {
    fn unregister(&self, id: u64) -> bool {
        self.remove_id(id)
    }

    fn source_key(&self) -> usize {
        self.key
    }
}

/// The handler a manager subscribes to a source's `Event`: it holds the source's list directly,
/// so a raise needs no table lookup.
struct Forwarder<E: WeakEvent> {
    state: Arc<SourceState<E>>,
}

impl<E: WeakEvent> Forwarder<E> {
    fn raise(&self, args: &E::Args) {
        // The `Event` lives in the source, so a raise has a live source; the upgrade fails only
        // while the source is being dropped, and then nothing is delivered.
        let Some(source) = self.state.source() else {
            return;
        };
        let snapshot = self.state.snapshot(E::reach(args));
        let (dead, panic) = deliver::<E>(&snapshot, &source, args, |id| {
            self.state.remove_id(id);
        });
        drop(snapshot);
        if dead > 0 && !self.state.dirty.load(std::sync::atomic::Ordering::Acquire) {
            self.state.request_cleanup();
        }
        drop(source);
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
    }
}

impl<E: WeakEvent> Forwarder<E> {
    /// What a `DropNotice` watcher does when called: nothing (the crate never raises a notice).
    fn keep(&self) {}
}

impl<E: WeakEvent> Drop for Forwarder<E> {
    /// Dropped by the source's `Event` (or `DropNotice`): either the manager detached it, or the
    /// source died. In
    /// the second case the source's entries are garbage now, so ask for a pass over it.
    fn drop(&mut self) {
        if self.state.source_is_dead() {
            self.state.request_cleanup();
        }
    }
}
