//! The recording behind marks and checks: a record per registration while one is open, counts
//! per creation site for the registrations a pass pruned, and the answer assembled from both.

use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::panic::Location;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::ThreadId;

use crate::cleanup::DoublingMark;
use crate::entry::Alive;
use crate::flavor::{Flavor, Local, Shared};
use crate::list::Node;

use super::{LeftBehind, Profile};

type FxMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// What a registration reports to the profiler while it is recorded.
pub(crate) trait Probe {
    fn registered(&self) -> bool;
    fn receiver_alive(&self) -> bool;
}

impl<T: Alive> Probe for Node<T> {
    fn registered(&self) -> bool {
        !self.is_removed()
    }

    fn receiver_alive(&self) -> bool {
        self.value.is_alive()
    }
}

/// Whether a registration's source still lives: a registration whose source died ended with
/// it, removed or not. A reference count, read without upgrading (so nothing is dropped while
/// the profiler's lock is held); `None` in a record stands for a static registration.
pub(crate) trait Liveness {
    fn alive(&self) -> bool;
}

impl<T: ?Sized> Liveness for Weak<T> {
    fn alive(&self) -> bool {
        self.strong_count() > 0
    }
}

impl<T: ?Sized> Liveness for std::rc::Weak<T> {
    fn alive(&self) -> bool {
        self.strong_count() > 0
    }
}

impl<T: Liveness + ?Sized> Liveness for Arc<T> {
    fn alive(&self) -> bool {
        (**self).alive()
    }
}

impl<T: Liveness + ?Sized> Liveness for Rc<T> {
    fn alive(&self) -> bool {
        (**self).alive()
    }
}

/// A source's liveness, in the thread-safe flavour's records (shared by the marks that count
/// it once pruned).
pub(crate) type SharedSource = Arc<dyn Liveness + Send + Sync>;
/// A source's liveness, in the thread-affine flavour's (this thread's) records.
pub(crate) type LocalSource = Rc<dyn Liveness>;

/// What groups registrations in a profile: their kind, their receiver's type, their creation site.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    event: &'static str,
    receiver: &'static str,
    site: &'static Location<'static>,
}

/// A registration about to be recorded: made while recording, before it is added to its
/// source (whose liveness its record then watches too).
pub(crate) struct Pending<F: Flavor, P: ?Sized + 'static> {
    /// The recording session it was made in: one that ended meanwhile does not record it.
    epoch: u64,
    key: Key,
    node: usize,
    probe: F::Weak<P>,
    thread: ThreadId,
    backtrace: Option<Arc<Backtrace>>,
}

struct Record<F: Flavor, P: ?Sized + 'static, S> {
    seq: u64,
    key: Key,
    thread: ThreadId,
    manager: usize,
    probe: F::Weak<P>,
    /// The source's liveness, and its address (`None`: a static registration).
    source: Option<(usize, S)>,
    backtrace: Option<Arc<Backtrace>>,
}

/// One flavour's records, by the address of their registration's node (a record's weak probe
/// keeps the node's allocation, so the address is not reused while the record exists).
struct Records<F: Flavor, P: ?Sized + 'static, S> {
    by_node: FxMap<usize, Record<F, P, S>>,
    /// When to sweep out the records of registrations that are gone.
    sweep: DoublingMark,
    /// The recording session the records belong to (see [`EPOCH`]).
    epoch: u64,
}

impl<F: Flavor, P: Probe + ?Sized + 'static, S: Liveness + Clone> Records<F, P, S> {
    fn new() -> Self {
        Records {
            by_node: FxMap::default(),
            sweep: DoublingMark::new(64),
            epoch: EPOCH.load(Ordering::Acquire),
        }
    }

    /// Drops the records of an earlier recording session.
    fn catch_up(&mut self) {
        let epoch = EPOCH.load(Ordering::Acquire);
        if self.epoch != epoch {
            self.by_node = FxMap::default();
            self.epoch = epoch;
        }
    }

    /// Records `pending`, unless its recording session ended since it was made.
    ///
    /// The sweep drops the records of nodes that are gone: it reads reference counts only (no
    /// upgrade, so no node is dropped here, and no loom-visible atomic is touched under the
    /// profiler's lock). A removed node stays in its list until the list compacts, so records
    /// of removed registrations are bounded by the lists' sizes.
    fn insert(&mut self, pending: Pending<F, P>, source: Option<(usize, S)>, manager: usize) {
        self.catch_up();
        if pending.epoch != self.epoch {
            return;
        }
        if self.sweep.claim(self.by_node.len()) {
            self.by_node.retain(|_, r| F::strong_count(&r.probe) > 0);
            self.sweep.reset(self.by_node.len());
        }
        let record = Record {
            seq: SEQ.fetch_add(1, Ordering::Relaxed) + 1,
            key: pending.key,
            thread: pending.thread,
            manager,
            probe: pending.probe,
            source,
            backtrace: pending.backtrace,
        };
        self.by_node.insert(pending.node, record);
    }

    /// Takes the record of the node at `node` out, if there is one.
    fn take(&mut self, node: usize) -> Option<Record<F, P, S>> {
        self.catch_up();
        self.by_node.remove(&node)
    }

    /// What `scope` sees of the records: those whose source lives, their nodes upgraded, to
    /// look at once the records (and their lock) are let go of, and drop then.
    fn gather(&self, scope: &Scope) -> Vec<Gathered<F, P>> {
        if self.epoch != EPOCH.load(Ordering::Acquire) {
            return Vec::new();
        }
        self.by_node
            .values()
            .filter(|r| scope.sees(r.seq, r.thread, r.manager))
            .filter(|r| r.source.as_ref().map_or(true, |(_, source)| source.alive()))
            .filter_map(|r| {
                // A node that is gone went with its manager: nothing is registered any more.
                let probe = F::upgrade(&r.probe)?;
                Some(Gathered {
                    key: r.key,
                    seq: r.seq,
                    backtrace: r.backtrace.clone(),
                    probe,
                })
            })
            .collect()
    }
}

/// A record in scope whose source lives, its node upgraded.
struct Gathered<F: Flavor, P: ?Sized + 'static> {
    key: Key,
    seq: u64,
    backtrace: Option<Arc<Backtrace>>,
    probe: F::Ptr<P>,
}

impl<F: Flavor, P: Probe + ?Sized + 'static> Gathered<F, P> {
    /// Adds the registration to `tally`, if still registered: forgotten if its receiver died,
    /// left behind if not.
    fn count(self, tally: &mut Tally) {
        if self.probe.registered() {
            let row = tally.row(self.key, self.seq, self.backtrace.as_ref());
            if self.probe.receiver_alive() {
                row.alive += 1;
            } else {
                row.forgotten += 1;
            }
        }
    }
}

/// What a mark or a check sees: registrations made after `seq`, on `thread` if given, in one of
/// `managers` if given.
#[derive(Clone)]
struct Scope {
    seq: u64,
    thread: Option<ThreadId>,
    managers: Option<Vec<usize>>,
}

impl Scope {
    fn sees(&self, seq: u64, thread: ThreadId, manager: usize) -> bool {
        seq > self.seq
            && self.thread.map_or(true, |t| t == thread)
            && self
                .managers
                .as_ref()
                .map_or(true, |managers| managers.contains(&manager))
    }
}

/// Registrations a pass pruned because their receiver died (never removed), counted per
/// creation site, manager and source: listed while their source lives, as the same
/// registrations would be had no pass run. Entries of dead sources are swept out as the map
/// doubles, so it is bounded by the live sources (times the sites), not by the churn.
struct Pruned<S> {
    counts: FxMap<(Key, usize, usize), PrunedCount<S>>,
    sweep: DoublingMark,
}

struct PrunedCount<S> {
    count: usize,
    first: u64,
    source: Option<S>,
}

impl<S: Liveness + Clone> Pruned<S> {
    fn new() -> Self {
        Pruned {
            counts: FxMap::default(),
            sweep: DoublingMark::new(64),
        }
    }

    fn add(&mut self, key: Key, manager: usize, seq: u64, source: Option<&(usize, S)>) {
        if self.sweep.claim(self.counts.len()) {
            self.counts
                .retain(|_, c| c.source.as_ref().map_or(true, |s| s.alive()));
            self.sweep.reset(self.counts.len());
        }
        let (addr, liveness) = match source {
            Some((addr, liveness)) => (*addr, Some(liveness.clone())),
            None => (0, None),
        };
        let entry = self
            .counts
            .entry((key, manager, addr))
            .or_insert(PrunedCount {
                count: 0,
                first: seq,
                source: liveness,
            });
        entry.count += 1;
        entry.first = entry.first.min(seq);
    }

    /// Adds what `scope` sees of the counts to `tally`.
    fn count(&self, scope: &Scope, tally: &mut Tally) {
        for (&(key, manager, _), c) in &self.counts {
            let in_scope = scope
                .managers
                .as_ref()
                .map_or(true, |managers| managers.contains(&manager));
            if in_scope && c.source.as_ref().map_or(true, |s| s.alive()) {
                tally.row(key, c.first, None).forgotten += c.count;
            }
        }
    }

    /// Forgets the counts of the manager at `manager`, which was dropped.
    fn forget_manager(&mut self, manager: usize) {
        self.counts.retain(|&(_, m, _), _| m != manager);
    }
}

/// An open mark or check: its scope, and the thread-safe flavour's pruned registrations in it.
/// (The thread-affine flavour's are in each thread's [`LocalState`].)
struct Open {
    id: u64,
    scope: Scope,
    pruned: Pruned<SharedSource>,
}

/// What every thread shares: the thread-safe flavour's records, the open marks and checks, and
/// the backtraces captured so far, one per creation site. A leaf lock: nothing is called under
/// it that takes another lock, touches a loom-visible atomic or drops a node.
struct Global {
    records: Records<Shared, dyn Probe + Send + Sync, SharedSource>,
    open: Vec<Open>,
    backtraces: FxMap<&'static Location<'static>, Arc<Backtrace>>,
}

/// This thread's share of the thread-affine flavour: its records, and its pruned registrations
/// per open mark or check.
struct LocalState {
    records: Records<Local, dyn Probe, LocalSource>,
    pruned: FxMap<u64, Pruned<LocalSource>>,
    epoch: u64,
}

impl LocalState {
    fn new() -> Self {
        LocalState {
            records: Records::new(),
            pruned: FxMap::default(),
            epoch: EPOCH.load(Ordering::Acquire),
        }
    }

    fn catch_up(&mut self) {
        self.records.catch_up();
        let epoch = EPOCH.load(Ordering::Acquire);
        if self.epoch != epoch {
            self.pruned = FxMap::default();
            self.epoch = epoch;
        }
    }
}

static GLOBAL: Mutex<Option<Global>> = Mutex::new(None);

/// Open profiling marks (they record every thread's registrations).
static MARKS: AtomicUsize = AtomicUsize::new(0);
/// Open leak checks, all threads together (each records its own thread's registrations).
static CHECKS: AtomicUsize = AtomicUsize::new(0);
/// Open marks and checks that want backtraces.
static BACKTRACES: AtomicUsize = AtomicUsize::new(0);
/// Registration sequence numbers, and mark ids.
static SEQ: AtomicU64 = AtomicU64::new(0);
/// The recording session: bumped when the last mark or check ends, so that what other threads
/// recorded in their locals is dropped on their next use.
static EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's records of the thread-affine flavour (its nodes are not `Send`).
    static LOCAL: RefCell<LocalState> = RefCell::new(LocalState::new());
    /// Open leak checks on this thread.
    static THREAD_CHECKS: Cell<usize> = const { Cell::new(0) };
    /// The crate is registering for itself (a bridge's relay): not the application's.
    static INTERNAL: Cell<bool> = const { Cell::new(false) };
}

fn global() -> MutexGuard<'static, Option<Global>> {
    GLOBAL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn global_state(guard: &mut Option<Global>) -> &mut Global {
    guard.get_or_insert_with(|| Global {
        records: Records::new(),
        open: Vec::new(),
        backtraces: FxMap::default(),
    })
}

/// Whether anything is open: one relaxed load each when nothing is.
fn any_open() -> bool {
    MARKS.load(Ordering::Relaxed) > 0 || CHECKS.load(Ordering::Relaxed) > 0
}

/// Whether this registration is to be recorded.
fn recording() -> bool {
    if !any_open() || INTERNAL.try_with(Cell::get).unwrap_or(true) {
        return false;
    }
    MARKS.load(Ordering::Relaxed) > 0 || THREAD_CHECKS.try_with(Cell::get).unwrap_or(0) > 0
}

/// Runs `f`, whose registrations are the crate's own: never recorded.
pub(crate) fn internal<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = INTERNAL.try_with(|internal| internal.set(self.0));
        }
    }
    let _reset = Reset(
        INTERNAL
            .try_with(|internal| internal.replace(true))
            .unwrap_or(false),
    );
    f()
}

/// The backtrace of `site` if backtraces are wanted: the one captured for it already, or a new
/// one (captured with no lock held, then shared).
fn backtrace_of(site: &'static Location<'static>) -> Option<Arc<Backtrace>> {
    if BACKTRACES.load(Ordering::Relaxed) == 0 {
        return None;
    }
    if let Some(known) = global()
        .as_ref()
        .and_then(|g| g.backtraces.get(site).cloned())
    {
        return Some(known);
    }
    let captured = Arc::new(Backtrace::force_capture());
    let mut guard = global();
    // Not kept if the last mark or check that wanted backtraces ended meanwhile.
    if BACKTRACES.load(Ordering::Relaxed) == 0 {
        return Some(captured);
    }
    let global = global_state(&mut guard);
    Some(Arc::clone(
        global.backtraces.entry(site).or_insert(captured),
    ))
}

/// A registration of the thread-safe flavour about to be added, if it is to be recorded.
pub(crate) fn pending_shared<T>(
    node: &Arc<Node<T>>,
    event: &'static str,
    receiver: &'static str,
) -> Option<Pending<Shared, dyn Probe + Send + Sync>>
where
    T: Alive + Send + Sync + 'static,
{
    if !recording() {
        return None;
    }
    let probe: Weak<dyn Probe + Send + Sync> = Arc::downgrade(node) as _;
    let node_addr = Arc::as_ptr(node).cast::<()>() as usize;
    Some(pending::<Shared, _>(
        node.site, node_addr, probe, event, receiver,
    ))
}

/// A registration of the thread-affine flavour about to be added, if it is to be recorded.
pub(crate) fn pending_local<T>(
    node: &Rc<Node<T>>,
    event: &'static str,
    receiver: &'static str,
) -> Option<Pending<Local, dyn Probe>>
where
    T: Alive + 'static,
{
    if !recording() {
        return None;
    }
    let probe: std::rc::Weak<dyn Probe> = Rc::downgrade(node) as _;
    let node_addr = Rc::as_ptr(node).cast::<()>() as usize;
    Some(pending::<Local, _>(
        node.site, node_addr, probe, event, receiver,
    ))
}

fn pending<F: Flavor, P: ?Sized + 'static>(
    site: &'static Location<'static>,
    node: usize,
    probe: F::Weak<P>,
    event: &'static str,
    receiver: &'static str,
) -> Pending<F, P> {
    Pending {
        epoch: EPOCH.load(Ordering::Acquire),
        key: Key {
            event,
            receiver,
            site,
        },
        node,
        probe,
        thread: std::thread::current().id(),
        backtrace: backtrace_of(site),
    }
}

/// Records a registration of the thread-safe flavour once it is added, in the manager at
/// `manager`; `source` is its source's address and liveness (`None`: a static registration).
pub(crate) fn record_shared(
    pending: Pending<Shared, dyn Probe + Send + Sync>,
    source: Option<(usize, SharedSource)>,
    manager: usize,
) {
    let mut guard = global();
    global_state(&mut guard)
        .records
        .insert(pending, source, manager);
}

/// Records a registration of the thread-affine flavour, in this thread's records.
pub(crate) fn record_local(
    pending: Pending<Local, dyn Probe>,
    source: Option<(usize, LocalSource)>,
    manager: usize,
) {
    let _ = LOCAL.try_with(|local| {
        let mut local = local.borrow_mut();
        local.catch_up();
        local.records.insert(pending, source, manager);
    });
}

/// A pass pruned the registration at `node` of the thread-safe flavour; `receiver_dead`: its
/// receiver died (rather than only its source).
pub(crate) fn pruned_shared(node: usize, receiver_dead: bool) {
    if !any_open() {
        return;
    }
    let mut guard = global();
    let global = global_state(&mut guard);
    let Some(record) = global.records.take(node) else {
        return;
    };
    if !receiver_dead {
        return;
    }
    for open in &mut global.open {
        if open.scope.sees(record.seq, record.thread, record.manager) {
            open.pruned.add(
                record.key,
                record.manager,
                record.seq,
                record.source.as_ref(),
            );
        }
    }
}

/// [`pruned_shared`] for the thread-affine flavour (pruned on the thread that owns it): counted
/// in this thread's share of each open mark or check that sees it.
pub(crate) fn pruned_local(node: usize, receiver_dead: bool) {
    if !any_open() {
        return;
    }
    let _ = LOCAL.try_with(|local| {
        let mut local = local.borrow_mut();
        local.catch_up();
        let Some(record) = local.records.take(node) else {
            return;
        };
        if !receiver_dead {
            return;
        }
        let seeing: Vec<u64> = global()
            .as_ref()
            .map(|g| {
                g.open
                    .iter()
                    .filter(|open| open.scope.sees(record.seq, record.thread, record.manager))
                    .map(|open| open.id)
                    .collect()
            })
            .unwrap_or_default();
        for id in seeing {
            local.pruned.entry(id).or_insert_with(Pruned::new).add(
                record.key,
                record.manager,
                record.seq,
                record.source.as_ref(),
            );
        }
    });
}

/// The manager at `manager` was dropped: its registrations ended with it, so nothing of it is
/// listed, pruned before or not.
pub(crate) fn manager_dropped(manager: usize) {
    if !any_open() {
        return;
    }
    if let Some(global) = global().as_mut() {
        for open in &mut global.open {
            open.pruned.forget_manager(manager);
        }
    }
    let _ = LOCAL.try_with(|local| {
        for pruned in local.borrow_mut().pruned.values_mut() {
            pruned.forget_manager(manager);
        }
    });
}

/// What a mark or check found, being built: rows by key, with the sequence of their first
/// registration (for the order).
#[derive(Default)]
struct Tally {
    rows: FxMap<Key, (u64, LeftBehind)>,
}

impl Tally {
    fn row(&mut self, key: Key, seq: u64, backtrace: Option<&Arc<Backtrace>>) -> &mut LeftBehind {
        let (first, row) = self.rows.entry(key).or_insert_with(|| {
            (
                seq,
                LeftBehind {
                    event: key.event,
                    receiver: key.receiver,
                    site: key.site,
                    alive: 0,
                    forgotten: 0,
                    backtrace: None,
                },
            )
        });
        *first = (*first).min(seq);
        if row.backtrace.is_none() {
            row.backtrace = backtrace.cloned();
        }
        row
    }

    fn into_profile(self) -> Profile {
        let mut rows: Vec<(u64, LeftBehind)> = self.rows.into_values().collect();
        rows.sort_by_key(|(first, _)| *first);
        Profile {
            rows: rows.into_iter().map(|(_, row)| row).collect(),
        }
    }
}

/// Opens a mark (`thread: None`) or a check; its id.
pub(super) fn open(thread: Option<ThreadId>, backtraces: bool) -> u64 {
    let mut guard = global();
    let global = global_state(&mut guard);
    // Under the lock, so that a record made after this has a larger sequence.
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    global.open.push(Open {
        id: seq,
        scope: Scope {
            seq,
            thread,
            managers: None,
        },
        pruned: Pruned::new(),
    });
    if backtraces {
        BACKTRACES.fetch_add(1, Ordering::Relaxed);
    }
    match thread {
        None => MARKS.fetch_add(1, Ordering::Relaxed),
        Some(_) => {
            // A check is opened and closed on its own thread (it is not `Send`).
            let _ = THREAD_CHECKS.try_with(|checks| checks.set(checks.get() + 1));
            CHECKS.fetch_add(1, Ordering::Relaxed)
        }
    };
    seq
}

/// What the mark or check `id` found so far: every thread's registrations of the thread-safe
/// flavour it sees, and this thread's of the thread-affine one.
pub(super) fn found(id: u64) -> Profile {
    let mut tally = Tally::default();
    let (scope, gathered) = {
        let guard = global();
        let Some(global) = guard.as_ref() else {
            return Profile::default();
        };
        let Some(open) = global.open.iter().find(|open| open.id == id) else {
            return Profile::default();
        };
        open.pruned.count(&open.scope, &mut tally);
        (open.scope.clone(), global.records.gather(&open.scope))
    };
    // Nodes looked at, and dropped, with no lock held.
    for record in gathered {
        record.count(&mut tally);
    }
    let local = LOCAL.try_with(|local| {
        let mut local = local.borrow_mut();
        local.catch_up();
        if let Some(pruned) = local.pruned.get(&id) {
            pruned.count(&scope, &mut tally);
        }
        local.records.gather(&scope)
    });
    for record in local.unwrap_or_default() {
        record.count(&mut tally);
    }
    // Rows made from counts alone take their site's backtrace, if one was captured.
    if let Some(global) = global().as_ref() {
        for (_, row) in tally.rows.values_mut() {
            if row.backtrace.is_none() {
                row.backtrace = global.backtraces.get(row.site).cloned();
            }
        }
    }
    tally.into_profile()
}

/// Closes the mark or check `id`; when it was the last, drops every record.
pub(super) fn close(id: u64, thread: Option<ThreadId>, backtraces: bool) {
    let mut guard = global();
    let global = global_state(&mut guard);
    global.open.retain(|open| open.id != id);
    if backtraces {
        BACKTRACES.fetch_sub(1, Ordering::Relaxed);
    }
    match thread {
        None => MARKS.fetch_sub(1, Ordering::Relaxed),
        Some(_) => {
            let _ = THREAD_CHECKS.try_with(|checks| checks.set(checks.get().saturating_sub(1)));
            CHECKS.fetch_sub(1, Ordering::Relaxed)
        }
    };
    if BACKTRACES.load(Ordering::Relaxed) == 0 {
        global.backtraces = FxMap::default();
    }
    let mut dropped = None;
    if global.open.is_empty() {
        // A new session: records made, and registrations pending, before it are dropped.
        EPOCH.fetch_add(1, Ordering::AcqRel);
        dropped = Some(std::mem::replace(&mut global.records, Records::new()));
    }
    drop(guard);
    drop(dropped);
    let _ = LOCAL.try_with(|local| {
        let mut local = local.borrow_mut();
        local.pruned.remove(&id);
        local.catch_up();
    });
}

/// Narrows the check `id` to the manager at `manager` (and any given before).
pub(super) fn narrow(id: u64, manager: usize) {
    let mut guard = global();
    if let Some(open) = global_state(&mut guard)
        .open
        .iter_mut()
        .find(|open| open.id == id)
    {
        open.scope
            .managers
            .get_or_insert_with(Vec::new)
            .push(manager);
    }
}
