//! Marshalling to a UI thread: an event raised on a worker thread, delivered to 16 `Rc`
//! listeners on this thread, through the crate's `Bridge` and `Dispatcher`, beside the
//! hand-rolled floor of the same work (a `crossbeam-channel` send on the worker, a receive here
//! and a loop over 16 `rc::Weak` listeners).
//!
//! Not a divan benchmark: the cost is end to end across two threads. Each batch, the worker
//! raises (sends) `BATCH` events while this thread drains (receives) until all were delivered;
//! the wall time of the batch divided by `BATCH` is the per-event figure, and the median over
//! `REPS` batches is reported. `--quick` runs fewer batches (for CI). Lines starting with `@row`
//! are what `report.py` reads.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use weak_events::unsync::{Bridge, Bridged, Dispatcher, WeakEventListener};
use weak_events::{Event, WeakEvent};
use weak_events_benches::LocalHandler;

/// Events per batch.
const BATCH: usize = 10_000;
/// Listeners on the UI thread.
const LISTENERS: usize = 16;

struct Model {
    progress: Event<u32>,
}

enum Progress {}
impl WeakEvent for Progress {
    type Source = Model;
    type Args = u32;
    fn event(model: &Model) -> Option<&Event<u32>> {
        Some(&model.progress)
    }
}

/// A listener on the UI thread: counts what it gets.
struct View {
    calls: Rc<Cell<usize>>,
}

impl WeakEventListener<Bridged<Progress>> for View {
    fn receive_weak_event(&self, _: &Bridge<Progress>, n: &u32) {
        if *n != u32::MAX {
            self.calls.set(self.calls.get() + 1);
        }
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

/// One batch through the crate: the time until every listener had every event.
fn ours(dispatcher: &Dispatcher, model: &Arc<Model>, calls: &Cell<usize>) -> Duration {
    calls.set(0);
    let worker_model = Arc::clone(model);
    let start = Instant::now();
    let worker = std::thread::spawn(move || {
        for n in 0..BATCH as u32 {
            worker_model.progress.raise(&n);
        }
    });
    while calls.get() < BATCH * LISTENERS {
        dispatcher.drain();
        std::hint::spin_loop();
    }
    let elapsed = start.elapsed();
    worker.join().unwrap();
    elapsed
}

/// One batch of the floor: a channel and a loop over `rc::Weak` listeners.
fn floor(listeners: &[std::rc::Weak<LocalHandler>], calls: &Cell<usize>) -> Duration {
    calls.set(0);
    let (sender, receiver) = crossbeam_channel::unbounded::<u32>();
    let start = Instant::now();
    let worker = std::thread::spawn(move || {
        for n in 0..BATCH as u32 {
            sender.send(n).unwrap();
        }
    });
    while calls.get() < BATCH * LISTENERS {
        for n in receiver.try_iter() {
            for listener in listeners {
                if let Some(listener) = listener.upgrade() {
                    listener(&n);
                }
            }
        }
        std::hint::spin_loop();
    }
    let elapsed = start.elapsed();
    worker.join().unwrap();
    elapsed
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let reps = if quick { 3 } else { 31 };

    let dispatcher = Dispatcher::new();
    let model = Arc::new(Model {
        progress: Event::new(),
    });
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let calls = Rc::new(Cell::new(0));
    let views: Vec<Rc<View>> = (0..LISTENERS)
        .map(|_| {
            Rc::new(View {
                calls: Rc::clone(&calls),
            })
        })
        .collect();
    for view in &views {
        bridge.add_listener(view);
    }

    let floor_calls = Rc::new(Cell::new(0));
    let strong: Vec<Rc<LocalHandler>> = (0..LISTENERS)
        .map(|_| {
            let calls = Rc::clone(&floor_calls);
            Rc::new(move |n: &u32| {
                if *n != u32::MAX {
                    calls.set(calls.get() + 1);
                }
            }) as Rc<LocalHandler>
        })
        .collect();
    let weak: Vec<_> = strong.iter().map(Rc::downgrade).collect();

    // Warm-up, then alternate the two so that both see the same machine.
    ours(&dispatcher, &model, &calls);
    floor(&weak, &floor_calls);
    let (mut ours_times, mut floor_times) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        ours_times.push(ours(&dispatcher, &model, &calls));
        floor_times.push(floor(&weak, &floor_calls));
    }
    let per_event = |d: Duration| d.as_nanos() as f64 / BATCH as f64;
    let (ours_ns, floor_ns) = (
        per_event(median(ours_times)),
        per_event(median(floor_times)),
    );
    println!(
        "bridge: {LISTENERS} listeners, {BATCH} events per batch, {reps} batches; per event: \
         ours {ours_ns:.1} ns, crossbeam + Rc loop {floor_ns:.1} ns, ratio {:.2}",
        ours_ns / floor_ns
    );
    println!("@row bridge ours_bridge ns={ours_ns:.2}");
    println!("@row bridge floor_channel_rc_loop ns={floor_ns:.2}");
    println!("@row bridge ratio ratio={:.4}", ours_ns / floor_ns);
    drop(views);
    drop(strong);
}
