//! Async streams: an event raised to 16 streams and received by their 16 tasks, per event,
//! beside `tokio::sync::broadcast` with 16 receivers doing the same, on one multi-threaded tokio
//! runtime (2 workers).
//!
//! Not a divan benchmark: the cost is end to end across tasks. Each batch, this thread raises
//! (sends) `BATCH` events, then waits until every task received all of them; the wall time of
//! the batch divided by `BATCH` is the per-event figure, and the median over the batches is
//! reported. Both buffers hold a whole batch, so neither lags. `--quick` runs fewer batches
//! (for CI). Lines starting with `@row` are what `report.py` reads.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_core::Stream;
use weak_events::{CleanupMode, Event, StreamItem, WeakEvent, WeakEventManager};

const BATCH: usize = 2_000;
const TASKS: usize = 16;

struct Store {
    changed: Event<u64>,
}

enum Changed {}
impl WeakEvent for Changed {
    type Source = Store;
    type Args = u64;
    fn event(store: &Store) -> Option<&Event<u64>> {
        Some(&store.changed)
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let batches = if quick { 3 } else { 21 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();

    // Ours: 16 tasks, each with its stream; each counts a batch, then reports.
    let manager = WeakEventManager::<Changed>::with_cleanup(CleanupMode::Manual);
    let store = Arc::new(Store {
        changed: Event::new(),
    });
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    for _ in 0..TASKS {
        let mut stream = manager.stream(&store, BATCH);
        let done = done_tx.clone();
        runtime.spawn(async move {
            let mut seen = 0;
            while let Some(item) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
                assert!(
                    matches!(item, StreamItem::Event(_)),
                    "no lag: the buffer holds a batch"
                );
                seen += 1;
                if seen % BATCH == 0 {
                    done.send(()).unwrap();
                }
            }
        });
    }
    // Broadcast: the same with 16 receivers.
    let (sender, _) = tokio::sync::broadcast::channel::<u64>(BATCH);
    let (bdone_tx, mut bdone_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    for _ in 0..TASKS {
        let mut receiver = sender.subscribe();
        let done = bdone_tx.clone();
        runtime.spawn(async move {
            let mut seen = 0;
            while let Ok(_event) = receiver.recv().await {
                seen += 1;
                if seen % BATCH == 0 {
                    done.send(()).unwrap();
                }
            }
        });
    }

    let mut ours_batch = || {
        let start = Instant::now();
        for n in 0..BATCH as u64 {
            store.changed.raise(&n);
        }
        for _ in 0..TASKS {
            done_rx.blocking_recv().unwrap();
        }
        start.elapsed()
    };
    let mut broadcast_batch = || {
        let start = Instant::now();
        for n in 0..BATCH as u64 {
            sender.send(n).unwrap();
        }
        for _ in 0..TASKS {
            bdone_rx.blocking_recv().unwrap();
        }
        start.elapsed()
    };
    ours_batch();
    broadcast_batch();
    let (mut ours, mut broadcast) = (Vec::new(), Vec::new());
    for _ in 0..batches {
        ours.push(ours_batch());
        broadcast.push(broadcast_batch());
    }
    let per = |d: Duration| d.as_nanos() as f64 / BATCH as f64;
    let (ours_ns, broadcast_ns) = (per(median(ours)), per(median(broadcast)));
    println!(
        "stream: {TASKS} tasks, {BATCH} events per batch, {batches} batches; per event: ours \
         {ours_ns:.1} ns, tokio broadcast {broadcast_ns:.1} ns, ratio {:.2}",
        ours_ns / broadcast_ns
    );
    println!("@row stream ours_streams ns={ours_ns:.2}");
    println!("@row stream tokio_broadcast ns={broadcast_ns:.2}");
    println!("@row stream ratio ratio={:.4}", ours_ns / broadcast_ns);
    drop(store);
    drop(sender);
}
