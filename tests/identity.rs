//! Removal by identity at scale, in every order, with duplicates, against a model: the manager's
//! identity index (built on the first removal by identity on a long list) must remove exactly
//! the most recent registration of the receiver passed, wherever it sits.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use common::{Bus, Direct, Log, Model, Recorder, Rng};
use weak_events::{DisposeBag, PropertyChangedManager, RegistrationId, WeakEventManager};

const RECEIVERS: usize = 600;

/// The model: (receiver index, id) per registration, in registration order.
type Registrations = Vec<(usize, RegistrationId)>;

/// Registers receiver `i` `1 + i % 3` times, interleaved; returns the receivers, their log and
/// the model.
fn populate(
    manager: &WeakEventManager<Direct>,
    bus: &Arc<Bus>,
) -> (Vec<Arc<Recorder>>, Log, Registrations) {
    let log = common::log();
    let receivers: Vec<_> = (0..RECEIVERS).map(|i| Recorder::new(i, &log)).collect();
    let mut model = Vec::new();
    for round in 0..3 {
        for (i, receiver) in receivers.iter().enumerate() {
            if round <= i % 3 {
                model.push((i, manager.add_listener(bus, receiver)));
            }
        }
    }
    (receivers, log, model)
}

/// Delivers once and checks that exactly the model's registrations were called, in its order:
/// which of a receiver's duplicates a removal took shows in the order of the calls.
fn check_delivery(
    manager: &WeakEventManager<Direct>,
    bus: &Arc<Bus>,
    log: &Log,
    model: &Registrations,
) {
    log.lock().unwrap().clear();
    manager.deliver_event(bus, &0);
    let expected: Vec<usize> = model.iter().map(|&(i, _)| i).collect();
    assert_eq!(common::entries(log), expected);
}

/// Removes receiver `i` by identity and checks the answer against the model: its most recent
/// registration goes (and `true`), or it has none (and `false`).
fn remove_by_identity(
    manager: &WeakEventManager<Direct>,
    bus: &Arc<Bus>,
    receiver: &Arc<Recorder>,
    i: usize,
    model: &mut Registrations,
) {
    let expected = model.iter().rposition(|&(m, _)| m == i);
    assert_eq!(
        manager.remove_listener(bus, receiver),
        expected.is_some(),
        "receiver {i}"
    );
    if let Some(position) = expected {
        model.remove(position);
    }
}

fn remove_in_order(order: impl IntoIterator<Item = usize>) {
    let manager = WeakEventManager::<Direct>::new();
    let bus = Bus::new();
    let (receivers, log, mut model) = populate(&manager, &bus);
    for (step, i) in order.into_iter().enumerate() {
        remove_by_identity(&manager, &bus, &receivers[i], i, &mut model);
        assert_eq!(manager.listener_count(&bus), model.len());
        if step % 97 == 0 {
            check_delivery(&manager, &bus, &log, &model);
        }
    }
    check_delivery(&manager, &bus, &log, &model);
}

#[test]
fn removal_by_identity_in_creation_order() {
    // Each receiver as often as it was registered, then once more (nothing left: false).
    remove_in_order((0..4).flat_map(|_| 0..RECEIVERS));
}

#[test]
fn removal_by_identity_in_reverse_order() {
    remove_in_order((0..4).flat_map(|_| (0..RECEIVERS).rev()));
}

#[test]
fn removal_by_identity_in_random_order_interleaved_with_other_removals_and_adds() {
    let manager = WeakEventManager::<Direct>::new();
    let bus = Bus::new();
    let (receivers, log, mut model) = populate(&manager, &bus);
    // Guards remove some registrations behind the index's back (it must skip them).
    let mut rng = Rng(0x005E_ED1D);
    let mut guards = Vec::new();
    for step in 0..3_000 {
        let i = (rng.next() % RECEIVERS as u64) as usize;
        match rng.next() % 5 {
            0 => {
                // An add after the index was built: it must be found as the most recent.
                let guard = manager.subscribe(&bus, &receivers[i]);
                model.push((i, guard.id()));
                guards.push(guard);
            }
            1 if !guards.is_empty() => {
                // A removal by guard, behind the index's back.
                let guard = guards.swap_remove((rng.next() % guards.len() as u64) as usize);
                let id = guard.id();
                let position = model.iter().position(|&(_, m)| m == id);
                // False exactly when a removal by identity took the guarded registration.
                assert_eq!(guard.unsubscribe(), position.is_some(), "step {step}");
                if let Some(position) = position {
                    model.remove(position);
                }
            }
            _ => {
                remove_by_identity(&manager, &bus, &receivers[i], i, &mut model);
            }
        }
        assert_eq!(manager.listener_count(&bus), model.len(), "step {step}");
        if step % 250 == 0 {
            check_delivery(&manager, &bus, &log, &model);
        }
    }
    check_delivery(&manager, &bus, &log, &model);
}

#[test]
fn stop_listening_to_one_source_among_many_removes_exactly_its_subscriptions() {
    let bag = DisposeBag::new();
    let view = Recorder::new(0, &common::log());
    let buses: Vec<_> = (0..2_000).map(|_| Bus::new()).collect();
    for (i, bus) in buses.iter().enumerate() {
        for _ in 0..=(i % 2) {
            bag.listen_to::<common::Ping, _>(bus, &view);
        }
    }
    // Every other source, from the last one back.
    let mut removed = 0;
    for (i, bus) in buses.iter().enumerate().rev().step_by(2) {
        let n = bag.stop_listening_to(bus);
        assert_eq!(n, 1 + i % 2, "source {i}");
        removed += n;
        assert_eq!(bag.stop_listening_to(bus), 0, "source {i}: nothing left");
    }
    assert_eq!(bag.len(), 3_000 - removed);
    for bus in &buses {
        bus.ping.raise(&0);
    }
    assert_eq!(view.calls(), 3_000 - removed);
}

#[test]
fn property_listeners_are_removed_by_identity_at_any_position() {
    let manager = PropertyChangedManager::<Model>::new();
    let model = Model::new();
    let log = common::log();
    let views: Vec<_> = (0..200).map(|i| Recorder::new(i, &log)).collect();
    for view in &views {
        manager.add_listener(&model, "title", view);
        manager.add_listener(&model, "", view);
    }
    for view in views.iter().step_by(3) {
        assert!(manager.remove_listener(&model, "title", view));
        assert!(!manager.remove_listener(&model, "title", view));
    }
    assert_eq!(manager.listener_count(&model, "title"), 133);
    assert_eq!(manager.listener_count(&model, ""), 200);
    model.set("title");
    let called = views
        .iter()
        .filter(|v| v.calls.load(Ordering::SeqCst) == 2)
        .count();
    assert_eq!(
        called, 133,
        "the title listeners left, and every all-properties one"
    );
}
