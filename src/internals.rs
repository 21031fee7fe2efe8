//! How the crate works inside: for contributors and the curious.
//!
//! **Not part of the stable API.** Nothing on this page is a promise: it describes the code as
//! it is and changes with it. Each module keeps a short "Synchronization" section beside its
//! code; this page ties them together.
//!
//! # Who owns what
//!
//! ```text
//! WeakEventManager<E>  (manager/: the public face, one-line wrappers; unsync/manager.rs: its twin)
//!   └─ Ptr<Engine<F, E>>  (engine.rs: the one registration path, delivery entry points, passes)
//!        ├─ Table: source address -> Ptr<SourceState<F, E>>  (Shared: dashmap, loom: RwLock<HashMap>;
//!        │                                                   Local: RefCell<HashMap>)
//!        ├─ statics: Ptr<SourceState<F, E>>                  (the list of events with no source)
//!        ├─ Cleanup<F, SourceState<F, E>>                    (cleanup/: flags, dirty queue, counters)
//!        └─ upkeep: DoublingMark                             (when to walk for dead sources)
//!
//! SourceState<F, E>  (source.rs)
//!   ├─ F::Weak<E::Source>  (never keeps the source alive; reserves its address)
//!   ├─ F::Weak<Engine<F, E>>  (its engine, for cleanup requests and for leaving the table)
//!   └─ F::Lock<Locked>: Lists (main list + per-topic lists), closed, hook state
//!
//! Lists<F, T>  (list.rs)
//!   ├─ main: Slots<F, T> = F::Ptr<Vec<F::Ptr<Node<T>>>> + removed count
//!   └─ topics: F::Ptr<HashMap<name, Slots<F, T>>>  (copy-on-write; the property kind's per-name lists)
//!
//! Node<E::Entry>  (list.rs, entry.rs): AtomicU64 (id | REMOVED | DELIVERED) + creation site + the entry
//!   entries: ListenerEntry (F::Weak<L>), HandlerEntry (F::Weak<R> + fn), Once<X> (+ AtomicBool)
//! ```
//!
//! A source's `Event` holds the manager's *forwarding handler*, which holds the
//! `Ptr<SourceState<F, E>>`: a raise through the `Event` needs no table lookup. A `DropNotice` holds
//! a watcher of the same type that is never called; its drop (with the source) is the death
//! announcement.
//!
//! # Two flavours, one engine
//!
//! The root flavour and [`unsync`](crate::unsync) run the same engine: `list.rs`, `entry.rs`,
//! `source.rs`, `engine.rs`, the handler lists of `event.rs`, the guard of `subscription.rs` and
//! the cleanup state and queue are written once, generic over a flavour `F` (`flavor.rs`):
//!
//! - `Flavor` names, with generic associated types, the pointer (`Arc` or `Rc`), its weak form,
//!   the lock around a source's state (`Mutex` or `RefCell`, and its guard), what adds wait on
//!   while another thread hooks (a `Condvar`, or nothing) and the table (dashmap, or a
//!   `RefCell<HashMap>`). `Shared` and `Local` implement it.
//! - `Kind<F>` is the engine's view of an event kind: its source and argument types, the erased
//!   entry type a list stores (`dyn Entry + Send + Sync` for `Shared`, `dyn Entry` for `Local`),
//!   how to hook onto the source's `Event` of that flavour, and the flavour's cleanup runner
//!   (the process-wide scheduler, or the thread's registry). Each flavour implements it once, as
//!   a blanket impl over its own kind trait (`impl<E: WeakEvent> Kind<Shared> for E`, and the
//!   same over `unsync::WeakEvent` for `Local`): the two impls name different trait parameters,
//!   so they never overlap, and inside each the flavour is concrete.
//! - `Erase<F, X>` turns a registration's entry `X` into that erased type. The unsized coercion
//!   happens in each flavour's impl, where `X: Send + Sync` is required by `Shared` alone; the
//!   generic engine never needs to know. The same trick gives the profiler its probe (a
//!   process-wide record for `Shared`, a thread-local one for `Local`).
//!
//! The public faces (`manager/`, `unsync/`) are concrete types over `Engine<Shared, E>` and
//! `Engine<Local, E>`; each method is one line. They turn a registration into their own guard
//! (`Subscription` holds `Guard<Shared, dyn Unregister + Send + Sync>`, its twin
//! `Guard<Local, dyn Unregister>`), again coercing where the flavour is concrete.
//!
//! What differs in behaviour is only what needs threads:
//!
//! - `Local` never waits for a hook (one thread cannot race itself; a re-entrant add from
//!   `WeakEvent::event` proceeds as in `Shared`);
//! - `Kind::PRUNES_IN_PLACE`: in `Local`, a pass over one source (asked for by a delivery that
//!   met dead receivers, once it returns, or by an add that doubled the list) runs at once when no
//!   snapshot of that source's lists is out; in `Shared` it goes to the cleanup runner, so that a
//!   delivery never waits for a pass on a lock another thread may hold;
//! - the cleanup runner: `unsync::CleanupMode::Idle` queues the manager in the thread's registry
//!   for `unsync::run_pending_cleanup`, `Inline` runs the pass at once. There is no worker:
//!   receivers are not `Send`.
//!
//! `current()` of the thread-affine flavour is a thread-local map from the kind's `TypeId` to
//! its manager, dropped with the thread; called during thread-local destruction it answers with
//! a private manager (`try_current` says `None`).
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
//! # A node: `id | REMOVED | DELIVERED`
//!
//! A registration is one allocation: an `AtomicU64` whose top bit is the removed flag, whose
//! next bit says a call ever reached its live receiver (set once, after the first call that
//! reached it, or when that call panicked; a receiver that dies without it died before its
//! first event; a receiver that drops its last reference inside that very call while a pass on
//! another thread looks at it may be counted undelivered), and whose other 62 bits are the
//! id; then its creation site (a `&'static Location`), then the entry. A delivery reads the
//! word once per call: the flag, the id and the delivered bit together. The id is written
//! (relaxed) under the list lock before the node is published, and ids come from one process-wide counter taken under the
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
//!   walk. The walk also drops closed states from the cleanup queue, so a manager whose passes
//!   wait for an idle point that never comes keeps no queue entry per dead source.
//! - A source: request a pass over it when its registrations doubled since its last pass
//!   (floor 16), so that receivers that die without being delivered to are found.
//! - The scheduler's manager list and manual queue, and each thread's registry of `unsync`
//!   managers: sweep out dropped managers (floor 16).
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
