//! Model-based property test: random sequences of every operation against a small reference
//! model of who must be called.
//!
//! Each case runs a sequence of up to 40 operations on a private manager (in the cleanup mode
//! that waits for the application) with 3 source slots and 4 receiver slots, and after every
//! delivery compares each receiver's call count with the model's. A failing case shrinks to a
//! short, readable list of operations. The main model runs against both flavours from one
//! source: a macro expanded in `shared` (the root flavour) and in `unsync`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use weak_events::RegistrationId;

macro_rules! model {
    () => {
        use super::*;


        const SOURCES: usize = 3;
        const RECEIVERS: usize = 4;

        struct Bus {
            ping: Event<()>,
            /// What the source's trigger listener does at the next delivery.
            armed: Mutex<Option<Trigger>>,
        }

        enum Kind {}
        impl WeakEvent for Kind {
            type Source = Bus;
            type Args = ();
            fn event(bus: &Bus) -> Option<&Event<()>> {
                Some(&bus.ping)
            }
        }

        #[derive(Default)]
        struct Receiver {
            calls: AtomicUsize,
        }

        impl WeakEventListener<Kind> for Receiver {
            fn receive_weak_event(&self, _: &Bus, _: &()) {
                self.calls.fetch_add(1, Ordering::SeqCst);
            }
        }

        /// A re-entrant action a source's first listener performs during a delivery.
        #[derive(Clone, Copy, Debug)]
        enum Trigger {
            /// Adds receiver `r` as a listener (not called by this delivery).
            Add(usize),
            /// Removes the most recent listener registration of receiver `r` (not called by this
            /// delivery if it comes later in the list).
            Remove(usize),
        }

        /// The first listener of every source: it runs the armed trigger.
        struct TriggerListener {
            world: std::sync::Weak<World>,
        }

        impl WeakEventListener<Kind> for TriggerListener {
            fn receive_weak_event(&self, bus: &Bus, _: &()) {
                let Some(world) = self.world.upgrade() else {
                    return;
                };
                let trigger = bus.armed.lock().unwrap().take();
                let source = world.source_of(bus);
                match trigger {
                    Some(Trigger::Add(r)) => world.add_listener(source, r),
                    Some(Trigger::Remove(r)) => {
                        world.remove_listener(source, r);
                    }
                    None => {}
                }
            }
        }

        #[derive(Clone, Copy, Debug)]
        enum Op {
            AddListener(usize, usize),
            /// 36 registrations at once, of every receiver in turn: lists long enough for the identity
            /// index, so that `RemoveListener` removes at random positions through it.
            Flood(usize),
            AddHandler(usize, usize),
            Subscribe(usize, usize),
            DropGuard(usize),
            RemoveListener(usize, usize),
            RemoveById(usize),
            DropReceiver(usize),
            DropSource(usize),
            Deliver(usize),
            DeliverWith(usize, Trigger),
            Purge,
            RunPending,
        }

        fn op() -> impl Strategy<Value = Op> {
            let s = 0..SOURCES;
            let r = 0..RECEIVERS;
            let trigger = prop_oneof![
                (0..RECEIVERS).prop_map(Trigger::Add),
                (0..RECEIVERS).prop_map(Trigger::Remove)
            ];
            prop_oneof![
                3 => (s.clone(), r.clone()).prop_map(|(s, r)| Op::AddListener(s, r)),
                1 => s.clone().prop_map(Op::Flood),
                2 => (s.clone(), r.clone()).prop_map(|(s, r)| Op::AddHandler(s, r)),
                2 => (s.clone(), r.clone()).prop_map(|(s, r)| Op::Subscribe(s, r)),
                1 => (0..8usize).prop_map(Op::DropGuard),
                2 => (s.clone(), r.clone()).prop_map(|(s, r)| Op::RemoveListener(s, r)),
                1 => (0..8usize).prop_map(Op::RemoveById),
                1 => r.clone().prop_map(Op::DropReceiver),
                1 => s.clone().prop_map(Op::DropSource),
                4 => s.clone().prop_map(Op::Deliver),
                2 => (s, trigger).prop_map(|(s, t)| Op::DeliverWith(s, t)),
                1 => Just(Op::Purge),
                1 => Just(Op::RunPending),
            ]
        }

        /// One registration in the model.
        #[derive(Clone, Debug)]
        struct Reg {
            id: RegistrationId,
            /// `None` for the trigger listener.
            receiver: Option<usize>,
            /// Registered as a listener (removable by identity) rather than a handler.
            listener: bool,
            /// Which incarnation of the receiver slot it belongs to.
            generation: u64,
        }

        /// The system under test and the model, side by side.
        struct World {
            manager: WeakEventManager<Kind>,
            inner: Mutex<State>,
        }

        struct State {
            sources: [Option<P<Bus>>; SOURCES],
            triggers: Vec<P<TriggerListener>>,
            receivers: [Option<P<Receiver>>; RECEIVERS],
            generations: [u64; RECEIVERS],
            /// Calls each receiver incarnation must have had: (slot, generation) -> count.
            expected: std::collections::HashMap<(usize, u64), usize>,
            /// The model's list per source slot, in order.
            lists: [Vec<Reg>; SOURCES],
            guards: Vec<(usize, Subscription)>,
            ids: Vec<(usize, RegistrationId)>,
        }

        impl State {
            /// Whether a registration's receiver is alive (the trigger listener always is).
            fn is_alive(&self, reg: &Reg) -> bool {
                match reg.receiver {
                    None => true,
                    Some(r) => self.receivers[r].is_some() && self.generations[r] == reg.generation,
                }
            }
        }

        impl World {
            fn new() -> Arc<World> {
                Arc::new(World {
                    manager: WeakEventManager::with_cleanup(WAITING),
                    inner: Mutex::new(State {
                        sources: Default::default(),
                        triggers: Vec::new(),
                        receivers: Default::default(),
                        generations: [0; RECEIVERS],
                        expected: Default::default(),
                        lists: Default::default(),
                        guards: Vec::new(),
                        ids: Vec::new(),
                    }),
                })
            }

            fn source_of(&self, bus: &Bus) -> usize {
                let state = self.inner.lock().unwrap();
                state
                    .sources
                    .iter()
                    .position(|s| s.as_deref().is_some_and(|s| std::ptr::eq(s, bus)))
                    .expect("a delivering source is in its slot")
            }

            /// The source in slot `s`, made (with its trigger listener first) if the slot is empty.
            fn source(self: &Arc<Self>, s: usize) -> P<Bus> {
                let mut state = self.inner.lock().unwrap();
                if let Some(bus) = &state.sources[s] {
                    return P::clone(bus);
                }
                let bus = P::new(Bus {
                    ping: Event::new(),
                    armed: Mutex::new(None),
                });
                let trigger = P::new(TriggerListener {
                    world: Arc::downgrade(self),
                });
                let id = self.manager.add_listener(&bus, &trigger);
                state.triggers.push(trigger);
                state.lists[s] = vec![Reg {
                    id,
                    receiver: None,
                    listener: true,
                    generation: 0,
                }];
                state.sources[s] = Some(P::clone(&bus));
                bus
            }

            fn receiver(&self, r: usize) -> (P<Receiver>, u64) {
                let mut state = self.inner.lock().unwrap();
                if state.receivers[r].is_none() {
                    state.generations[r] += 1;
                    state.receivers[r] = Some(P::new(Receiver::default()));
                }
                (
                    P::clone(state.receivers[r].as_ref().unwrap()),
                    state.generations[r],
                )
            }

            fn add_listener(&self, s: usize, r: usize) {
                let bus = self.inner.lock().unwrap().sources[s].clone().unwrap();
                let (receiver, generation) = self.receiver(r);
                let id = self.manager.add_listener(&bus, &receiver);
                let mut state = self.inner.lock().unwrap();
                state.lists[s].push(Reg {
                    id,
                    receiver: Some(r),
                    listener: true,
                    generation,
                });
                state.ids.push((s, id));
            }

            fn remove_listener(&self, s: usize, r: usize) -> bool {
                let (bus, receiver) = {
                    let state = self.inner.lock().unwrap();
                    (state.sources[s].clone(), state.receivers[r].clone())
                };
                let (Some(bus), Some(receiver)) = (bus, receiver) else {
                    return false;
                };
                let generation = self.inner.lock().unwrap().generations[r];
                let removed = self.manager.remove_listener(&bus, &receiver);
                let mut state = self.inner.lock().unwrap();
                let list = &mut state.lists[s];
                let model = list.iter().rposition(|reg| {
                    reg.listener && reg.receiver == Some(r) && reg.generation == generation
                });
                assert_eq!(
                    removed,
                    model.is_some(),
                    "remove_listener disagrees with the model"
                );
                if let Some(i) = model {
                    list.remove(i);
                }
                removed
            }

            fn remove_id(&self, s: usize, id: RegistrationId) {
                let bus = self.inner.lock().unwrap().sources[s].clone();
                let removed = bus.is_some_and(|bus| self.manager.remove_registration(&bus, id));
                let mut state = self.inner.lock().unwrap();
                let model = state.lists[s].iter().position(|reg| reg.id == id);
                let dead = model.is_some_and(|i| !state.is_alive(&state.lists[s][i]));
                // A dead receiver's registration may already be gone: a pending pass may have pruned it.
                if !dead {
                    assert_eq!(
                        removed,
                        model.is_some(),
                        "remove_registration disagrees with the model"
                    );
                }
                if let Some(i) = model {
                    state.lists[s].remove(i);
                }
            }

            /// Delivers to slot `s` and updates the model: the snapshot is the list at the start;
            /// a registration removed before its turn (by the trigger) is skipped.
            fn deliver(self: &Arc<Self>, s: usize, trigger: Option<Trigger>) {
                let Some(bus) = self.inner.lock().unwrap().sources[s].clone() else {
                    return;
                };
                *bus.armed.lock().unwrap() = trigger;
                let snapshot = self.inner.lock().unwrap().lists[s].clone();
                bus.ping.raise(&());
                let mut state = self.inner.lock().unwrap();
                for reg in snapshot {
                    let Some(r) = reg.receiver else { continue };
                    let still_registered = state.lists[s].iter().any(|now| now.id == reg.id);
                    if still_registered && state.is_alive(&reg) {
                        *state.expected.entry((r, reg.generation)).or_default() += 1;
                    }
                }
            }

            fn check_calls(&self) {
                let state = self.inner.lock().unwrap();
                for r in 0..RECEIVERS {
                    if let Some(receiver) = &state.receivers[r] {
                        let expected = state
                            .expected
                            .get(&(r, state.generations[r]))
                            .copied()
                            .unwrap_or(0);
                        assert_eq!(
                            receiver.calls.load(Ordering::SeqCst),
                            expected,
                            "receiver {r}"
                        );
                    }
                }
            }

            fn apply(self: &Arc<Self>, op: Op) {
                match op {
                    Op::AddListener(s, r) => {
                        self.source(s);
                        self.add_listener(s, r);
                    }
                    Op::Flood(s) => {
                        self.source(s);
                        for k in 0..36 {
                            self.add_listener(s, k % RECEIVERS);
                        }
                    }
                    Op::AddHandler(s, r) => {
                        let bus = self.source(s);
                        let (receiver, generation) = self.receiver(r);
                        let id = self.manager.add_handler(&bus, &receiver, |r, _, _| {
                            r.calls.fetch_add(1, Ordering::SeqCst);
                        });
                        let mut state = self.inner.lock().unwrap();
                        state.lists[s].push(Reg {
                            id,
                            receiver: Some(r),
                            listener: false,
                            generation,
                        });
                        state.ids.push((s, id));
                    }
                    Op::Subscribe(s, r) => {
                        let bus = self.source(s);
                        let (receiver, generation) = self.receiver(r);
                        let guard = self.manager.subscribe(&bus, &receiver);
                        let mut state = self.inner.lock().unwrap();
                        state.lists[s].push(Reg {
                            id: guard.id(),
                            receiver: Some(r),
                            listener: true,
                            generation,
                        });
                        state.guards.push((s, guard));
                    }
                    Op::DropGuard(i) => {
                        let taken = {
                            let mut state = self.inner.lock().unwrap();
                            let len = state.guards.len();
                            (len > 0).then(|| state.guards.remove(i % len))
                        };
                        if let Some((s, guard)) = taken {
                            let id = guard.id();
                            drop(guard);
                            let mut state = self.inner.lock().unwrap();
                            state.lists[s].retain(|reg| reg.id != id);
                        }
                    }
                    Op::RemoveListener(s, r) => {
                        self.remove_listener(s, r);
                    }
                    Op::RemoveById(i) => {
                        let picked = {
                            let state = self.inner.lock().unwrap();
                            let len = state.ids.len();
                            (len > 0).then(|| state.ids[i % len])
                        };
                        if let Some((s, id)) = picked {
                            self.remove_id(s, id);
                        }
                    }
                    Op::DropReceiver(r) => {
                        let receiver = self.inner.lock().unwrap().receivers[r].take();
                        drop(receiver);
                    }
                    Op::DropSource(s) => {
                        let bus = {
                            let mut state = self.inner.lock().unwrap();
                            state.lists[s].clear();
                            state.guards.retain(|(gs, _)| *gs != s);
                            state.ids.retain(|(is, _)| *is != s);
                            state.sources[s].take()
                        };
                        let weak = bus.as_ref().map(P::downgrade);
                        drop(bus);
                        if let Some(weak) = weak {
                            assert!(weak.upgrade().is_none(), "the manager kept a source alive");
                        }
                    }
                    Op::Deliver(s) => self.deliver(s, None),
                    Op::DeliverWith(s, trigger) => {
                        self.source(s);
                        self.deliver(s, Some(trigger));
                    }
                    Op::Purge => {
                        self.manager.purge();
                        let mut state = self.inner.lock().unwrap();
                        for s in 0..SOURCES {
                            let list = std::mem::take(&mut state.lists[s]);
                            state.lists[s] = list.into_iter().filter(|reg| state.is_alive(reg)).collect();
                        }
                        drop(state);
                        self.check_counts();
                    }
                    Op::RunPending => {
                        self.manager.run_pending_cleanup();
                    }
                }
                self.check_calls();
            }

            /// After a full pass: exactly the model's (live) registrations are left.
            fn check_counts(&self) {
                let state = self.inner.lock().unwrap();
                for s in 0..SOURCES {
                    let Some(bus) = &state.sources[s] else {
                        continue;
                    };
                    let live = state.lists[s].len();
                    assert_eq!(
                        self.manager.listener_count(bus),
                        live,
                        "source {s} after a purge"
                    );
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 2_000,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn every_sequence_calls_exactly_whom_the_model_says(ops in prop::collection::vec(op(), 1..40)) {
                let world = World::new();
                for op in ops {
                    world.apply(op);
                }
                // Everything dropped and a full pass: nothing of it is left.
                {
                    let mut state = world.inner.lock().unwrap();
                    state.guards.clear();
                    state.receivers = Default::default();
                    state.sources = Default::default();
                    state.triggers.clear();
                }
                world.manager.purge();
                let stats = world.manager.stats();
                prop_assert_eq!((stats.sources, stats.registrations), (0, 0));
            }
        }
    };
}

/// The root flavour.
mod shared {
    use std::sync::Arc as P;
    use weak_events::{
        CleanupMode, Event, Subscription, WeakEvent, WeakEventListener, WeakEventManager,
    };
    const WAITING: CleanupMode = CleanupMode::Manual;

    model!();
}

/// The thread-affine flavour.
mod unsync {
    use std::rc::Rc as P;
    use weak_events::unsync::{
        CleanupMode, Event, Subscription, WeakEvent, WeakEventListener, WeakEventManager,
    };
    const WAITING: CleanupMode = CleanupMode::Idle;

    model!();
}

/// The same discipline for the two paths the main model does not take: sources with no
/// `Event` (delivered with `deliver_event`, and found dead only by a pass), and the property
/// manager with names made at run time. After every delivery each receiver's calls match the
/// model; after every purge the tables hold exactly the model's live sources and registrations.
mod direct_and_named {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use proptest::prelude::*;
    use weak_events::{
        CleanupMode, Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs,
        PropertyChangedManager, RegistrationId, Subscription, WeakEvent, WeakEventListener,
        WeakEventManager,
    };

    const SLOTS: usize = 3;
    const RECEIVERS: usize = 3;
    /// Property names `p1`..`p3`, made at run time; 0 stands for all properties.
    const NAMES: u8 = 4;

    /// A sender with no `Event` and no `DropNotice`.
    struct Plain;
    enum Direct {}
    impl WeakEvent for Direct {
        type Source = Plain;
        type Args = ();
    }

    #[derive(Default)]
    struct Doc {
        changed: Event<PropertyChangedArgs>,
    }
    impl NotifyPropertyChanged for Doc {
        fn property_changed(&self) -> &Event<PropertyChangedArgs> {
            &self.changed
        }
    }

    #[derive(Default)]
    struct Rec {
        calls: AtomicUsize,
    }
    impl WeakEventListener<Direct> for Rec {
        fn receive_weak_event(&self, _: &Plain, _: &()) {
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
    }
    impl WeakEventListener<PropertyChanged<Doc>> for Rec {
        fn receive_weak_event(&self, _: &Doc, _: &PropertyChangedArgs) {
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn name(n: u8) -> String {
        if n == 0 {
            String::new()
        } else {
            format!("p{n}")
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Op {
        AddDirect(usize, usize),
        AddNamed(usize, u8, usize),
        SubscribeNamed(usize, u8, usize),
        DropGuard(usize),
        RemoveNamed(usize, u8, usize),
        DropReceiver(usize),
        DropPlain(usize),
        DropDoc(usize),
        DeliverDirect(usize),
        Change(usize, u8),
        Purge,
        RunPending,
    }

    fn op() -> impl Strategy<Value = Op> {
        let s = 0..SLOTS;
        let r = 0..RECEIVERS;
        let n = 0..NAMES;
        prop_oneof![
            3 => (s.clone(), r.clone()).prop_map(|(s, r)| Op::AddDirect(s, r)),
            3 => (s.clone(), n.clone(), r.clone()).prop_map(|(s, n, r)| Op::AddNamed(s, n, r)),
            2 => (s.clone(), n.clone(), r.clone())
                .prop_map(|(s, n, r)| Op::SubscribeNamed(s, n, r)),
            1 => (0..8usize).prop_map(Op::DropGuard),
            2 => (s.clone(), n.clone(), r.clone()).prop_map(|(s, n, r)| Op::RemoveNamed(s, n, r)),
            1 => r.prop_map(Op::DropReceiver),
            1 => s.clone().prop_map(Op::DropPlain),
            1 => s.clone().prop_map(Op::DropDoc),
            3 => s.clone().prop_map(Op::DeliverDirect),
            3 => (s, n).prop_map(|(s, n)| Op::Change(s, n)),
            1 => Just(Op::Purge),
            1 => Just(Op::RunPending),
        ]
    }

    /// A registration in the model: (name, receiver slot, generation, id); name 0 is "all", and
    /// direct registrations use 0.
    type Reg = (u8, usize, u64, RegistrationId);

    struct World {
        direct: WeakEventManager<Direct>,
        named: PropertyChangedManager<Doc>,
        plains: [Option<Arc<Plain>>; SLOTS],
        docs: [Option<Arc<Doc>>; SLOTS],
        receivers: [Option<Arc<Rec>>; RECEIVERS],
        generations: [u64; RECEIVERS],
        expected: std::collections::HashMap<(usize, u64), usize>,
        direct_lists: [Vec<Reg>; SLOTS],
        named_lists: [Vec<Reg>; SLOTS],
        guards: Vec<(usize, RegistrationId, Subscription)>,
    }

    impl World {
        fn new() -> World {
            World {
                direct: WeakEventManager::with_cleanup(CleanupMode::Manual),
                named: PropertyChangedManager::with_cleanup(CleanupMode::Manual),
                plains: Default::default(),
                docs: Default::default(),
                receivers: Default::default(),
                generations: [0; RECEIVERS],
                expected: Default::default(),
                direct_lists: Default::default(),
                named_lists: Default::default(),
                guards: Vec::new(),
            }
        }

        fn alive(&self, reg: &Reg) -> bool {
            self.receivers[reg.1].is_some() && self.generations[reg.1] == reg.2
        }

        fn receiver(&mut self, r: usize) -> (Arc<Rec>, u64) {
            if self.receivers[r].is_none() {
                self.generations[r] += 1;
                self.receivers[r] = Some(Arc::new(Rec::default()));
            }
            (
                Arc::clone(self.receivers[r].as_ref().unwrap()),
                self.generations[r],
            )
        }

        fn plain(&mut self, s: usize) -> Arc<Plain> {
            Arc::clone(self.plains[s].get_or_insert_with(|| Arc::new(Plain)))
        }

        fn doc(&mut self, s: usize) -> Arc<Doc> {
            Arc::clone(self.docs[s].get_or_insert_with(Default::default))
        }

        fn apply(&mut self, op: Op) {
            match op {
                Op::AddDirect(s, r) => {
                    let plain = self.plain(s);
                    let (receiver, generation) = self.receiver(r);
                    let id = self.direct.add_listener(&plain, &receiver);
                    self.direct_lists[s].push((0, r, generation, id));
                }
                Op::AddNamed(s, n, r) => {
                    let doc = self.doc(s);
                    let (receiver, generation) = self.receiver(r);
                    let id = self.named.add_listener(&doc, &name(n), &receiver);
                    self.named_lists[s].push((n, r, generation, id));
                }
                Op::SubscribeNamed(s, n, r) => {
                    let doc = self.doc(s);
                    let (receiver, generation) = self.receiver(r);
                    let guard = self.named.subscribe(&doc, &name(n), &receiver);
                    let id = guard.id();
                    self.named_lists[s].push((n, r, generation, id));
                    self.guards.push((s, id, guard));
                }
                Op::DropGuard(i) => {
                    if !self.guards.is_empty() {
                        let (s, id, guard) = self.guards.remove(i % self.guards.len());
                        drop(guard);
                        self.named_lists[s].retain(|reg| reg.3 != id);
                    }
                }
                Op::RemoveNamed(s, n, r) => {
                    let (Some(doc), Some(receiver)) =
                        (self.docs[s].clone(), self.receivers[r].clone())
                    else {
                        return;
                    };
                    let removed = self.named.remove_listener(&doc, &name(n), &receiver);
                    let generation = self.generations[r];
                    let model = self.named_lists[s]
                        .iter()
                        .rposition(|reg| reg.0 == n && reg.1 == r && reg.2 == generation);
                    assert_eq!(removed, model.is_some(), "remove_listener disagrees");
                    if let Some(i) = model {
                        self.named_lists[s].remove(i);
                    }
                }
                Op::DropReceiver(r) => self.receivers[r] = None,
                Op::DropPlain(s) => {
                    self.direct_lists[s].clear();
                    if let Some(plain) = self.plains[s].take() {
                        let weak = Arc::downgrade(&plain);
                        drop(plain);
                        assert!(weak.upgrade().is_none(), "a source was kept alive");
                    }
                }
                Op::DropDoc(s) => {
                    self.named_lists[s].clear();
                    self.guards.retain(|(gs, _, _)| *gs != s);
                    self.docs[s] = None;
                }
                Op::DeliverDirect(s) => {
                    let Some(plain) = self.plains[s].clone() else {
                        return;
                    };
                    self.direct.deliver_event(&plain, &());
                    for reg in self.direct_lists[s].clone() {
                        if self.alive(&reg) {
                            *self.expected.entry((reg.1, reg.2)).or_default() += 1;
                        }
                    }
                }
                Op::Change(s, n) => {
                    let Some(doc) = self.docs[s].clone() else {
                        return;
                    };
                    doc.changed.raise(&PropertyChangedArgs::new(name(n)));
                    for reg in self.named_lists[s].clone() {
                        if self.alive(&reg) && (n == 0 || reg.0 == 0 || reg.0 == n) {
                            *self.expected.entry((reg.1, reg.2)).or_default() += 1;
                        }
                    }
                }
                Op::Purge => {
                    self.direct.purge();
                    self.named.purge();
                    self.check_tables();
                }
                Op::RunPending => {
                    self.direct.run_pending_cleanup();
                }
            }
            self.check_calls();
        }

        fn check_calls(&self) {
            for r in 0..RECEIVERS {
                if let Some(receiver) = &self.receivers[r] {
                    let expected = self
                        .expected
                        .get(&(r, self.generations[r]))
                        .copied()
                        .unwrap_or(0);
                    assert_eq!(
                        receiver.calls.load(Ordering::SeqCst),
                        expected,
                        "receiver {r}"
                    );
                }
            }
        }

        /// After a full pass: exactly the live sources and registrations are left.
        fn check_tables(&self) {
            let live = |lists: &[Vec<Reg>; SLOTS], present: &dyn Fn(usize) -> bool| {
                let regs: Vec<usize> = (0..SLOTS)
                    .map(|s| {
                        if present(s) {
                            lists[s].iter().filter(|reg| self.alive(reg)).count()
                        } else {
                            0
                        }
                    })
                    .collect();
                (
                    regs.iter().filter(|&&n| n > 0).count(),
                    regs.iter().sum::<usize>(),
                )
            };
            let direct = self.direct.stats();
            let expected = live(&self.direct_lists, &|s| self.plains[s].is_some());
            assert_eq!(
                (direct.sources, direct.registrations),
                expected,
                "direct table"
            );
            let named = self.named.stats();
            let expected = live(&self.named_lists, &|s| self.docs[s].is_some());
            assert_eq!(
                (named.sources, named.registrations),
                expected,
                "property table"
            );
            for s in 0..SLOTS {
                let Some(doc) = &self.docs[s] else { continue };
                assert_eq!(
                    doc.changed.handler_count(),
                    usize::from(self.named_lists[s].iter().any(|reg| self.alive(reg))),
                    "the manager is attached while the model has listeners, and only then"
                );
                for n in 0..NAMES {
                    let model = self.named_lists[s]
                        .iter()
                        .filter(|reg| reg.0 == n && self.alive(reg))
                        .count();
                    assert_eq!(self.named.listener_count(doc, &name(n)), model, "name {n}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 1_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn sources_without_an_event_and_dynamic_names_follow_the_model(
            ops in prop::collection::vec(op(), 1..40)
        ) {
            let mut world = World::new();
            for op in ops {
                world.apply(op);
            }
            world.guards.clear();
            world.receivers = Default::default();
            world.plains = Default::default();
            world.docs = Default::default();
            world.direct.purge();
            world.named.purge();
            let (direct, named) = (world.direct.stats(), world.named.stats());
            prop_assert_eq!((direct.sources, direct.registrations), (0, 0));
            prop_assert_eq!((named.sources, named.registrations), (0, 0));
        }
    }
}
