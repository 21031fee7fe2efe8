//! How the crate works inside: for contributors and the curious.
//!
//! **Not part of the stable API.** Nothing on this page is a promise: it describes the code as
//! it is and changes with it. Each module keeps a short "Synchronization" section beside its
//! code; this page ties them together.
//!
//! # Who owns what
//!
//! ```text
//! WeakEventManager<E>  (manager/: the public face, one-line wrappers)
//!   └─ Arc<Engine<E>>  (engine.rs: the one registration path, delivery entry points, passes)
//!        ├─ Table: source address -> Arc<SourceState<E>>   (table.rs: dashmap; loom: RwLock<HashMap>)
//!        ├─ statics: Arc<SourceState<E>>                    (the list of events with no source)
//!        ├─ Cleanup<SourceState<E>>                          (cleanup/: flags, dirty queue, counters)
//!        └─ upkeep: DoublingMark                             (when to walk for dead sources)
//!
//! SourceState<E>  (source.rs)
//!   ├─ Weak<E::Source>  (never keeps the source alive; reserves its address)
//!   ├─ Weak<dyn Owner<E>>  (the engine, for cleanup requests and for leaving the table)
//!   └─ Mutex<Locked<E>>: Lists (main list + per-topic lists), closed, hook state
//!
//! Lists<T>  (list.rs)
//!   ├─ main: Slots<T> = Arc<Vec<Arc<Node<T>>>> + removed count
//!   └─ topics: Arc<HashMap<name, Slots<T>>>  (copy-on-write; the property kind's per-name lists)
//!
//! Node<dyn Entry<E>>  (list.rs, entry.rs): AtomicU64 (id | REMOVED) + the entry
//!   entries: ListenerEntry (Weak<L>), HandlerEntry (Weak<R> + fn), Once<X> (+ AtomicBool)
//! ```
//!
//! A source's `Event` holds the manager's *forwarding handler*, which holds the
//! `Arc<SourceState<E>>`: a raise through the `Event` needs no table lookup. A `DropNotice` holds
//! a watcher of the same type that is never called; its drop (with the source) is the death
//! announcement.
//!
//! # Lock order
//!
//! Table shard, then a source state's lock. Nothing takes the table while holding a state's lock;
//! no lock of the crate is held while user code runs (listeners, handlers, `Event` handlers,
//! `WeakEvent::event`/`drop_notice`, receivers' and items' `Drop`, an item's `Clone`). Anything a
//! writer takes out of a list while holding the lock comes back as `Garbage` and is dropped after
//! the lock is released. The cleanup queue's mutex and the process-wide scheduler's mutexes are
//! leaves: nothing else is taken while they are held.
//!
//! # A node: `id | REMOVED`
//!
//! A registration is one allocation: an `AtomicU64` whose top bit is the removed flag and whose
//! other 63 bits are the id, then the entry. The id is written (relaxed) under the list lock
//! before the node is published, and ids come from one process-wide counter taken under the
//! list lock, so ids increase along every list: removal by id is a binary search. A removal sets
//! the flag (`AcqRel`) under the list lock; a delivery reads it (`Acquire`) just before each
//! call, so a registration removed before its turn is skipped, even by a delivery that took its
//! snapshot before the removal.
//!
//! # The hook protocol
//!
//! A source's first registration *hooks* the manager onto the source: `WeakEvent::event` (attach
//! the forwarding handler) or `WeakEvent::drop_notice` (add a watcher). That runs user code, so
//! the state is set to `Hooking(thread)` and the lock released; adds on other threads wait on a
//! condvar until it is `Hooked`, so no add returns before a raise would reach it. An add made by
//! the hooking thread itself (from inside `event`) does not wait. If the state closed while
//! hooking (a pass found it empty), the hooking add undoes its own hook and retries on a fresh
//! state. A closed state never reopens; the add that finds one removes it from the table (if it
//! is still there) and retries.
//!
//! # The cleanup handshake
//!
//! A request marks a source (its `marked` flag, swapped `AcqRel`; the source is pushed onto the
//! queue only when the flag was clear) and *then* sets the manager's `pending` flag (swapped
//! `AcqRel`); the request that turns `pending` from false to true dispatches a pass to the
//! manager's mode (inline, the manual queue, or the background worker). A pass clears `pending`
//! *then* takes the queue and clears each taken source's mark before it prunes it. Either the
//! pass's take sees a request's push, or the request's swap sees `false` and dispatches another
//! pass: no request is lost. A full pass (`schedule_cleanup`, `purge`) visits every source and
//! the static list.
//!
//! A manager sits in the process-wide manual queue at most once: a `queued` flag, set when it is
//! pushed and cleared by the process-wide `run_pending_cleanup` before it runs that manager's
//! pass.
//!
//! # Doubling marks
//!
//! Every amortised upkeep uses one `DoublingMark`: act when a size reaches twice what the last
//! upkeep left (never below a floor), then reset from what remains.
//!
//! - The table: walk for dead sources when it doubled (floor 16). This is what bounds a table of
//!   sources with no `Event` and no `DropNotice`: at most twice the sources alive at the last
//!   walk.
//! - A source: request a pass over it when its registrations doubled since its last pass
//!   (floor 16), so that receivers that die without being delivered to are found.
//! - The scheduler's manager list and manual queue: sweep out dropped managers (floor 16).
//! - The profiler's records: sweep out removed registrations (floor 64).
//!
//! # Topics
//!
//! A kind whose events have topics (only the built-in property kind, through the hidden
//! `WeakEvent::reach`) keeps a list per topic beside the source's main list. An event reaches
//! the main list and its topic's list, or every list for an all-topics event; the topic map is
//! copy-on-write, so an all-topics delivery iterates a snapshot of it with no lock and no
//! allocation. A topic's list goes with its last registration.
//!
//! # What loom cannot see
//!
//! Under `cfg(loom)` every lock and atomic of `crate::sync` is loom's, and the table is a loom
//! `RwLock<HashMap>`, so the models explore the crate's own interleavings. Not seen by loom:
//!
//! - `Arc`/`Weak` reference counts of receivers, sources and the crate's shared state (loom has
//!   no `Weak`): the models place those drops between loom operations with explicit gates;
//! - the process-wide id counter (a `static` cannot hold a loom atomic; it is always used under a
//!   list lock that orders it);
//! - `DoublingMark` (a std atomic: it decides when upkeep runs, never what a registration sees);
//! - the process-wide state: the `current()` map, the scheduler's lists and worker, the
//!   profiler. Under loom there is no worker (`Background` runs passes inline) and models use
//!   private managers.
