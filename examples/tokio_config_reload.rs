//! Async tasks following a long-lived config store through weak event streams.
//!
//! The store raises a reload every few milliseconds. 100 client tasks each take a stream and
//! process updates; each ends at a random point without unsubscribing (the task returning drops
//! its stream, and with it the registration). One slow client falls behind and gets an explicit
//! lag item. At the end: registrations left 0, streams alive 0, and the counts of events
//! delivered and lagged. Exits by itself in a few seconds.
//!
//! ```sh
//! cargo run --release --example tokio_config_reload
//! ```

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use weak_events::{Event, EventStream, StreamItem, WeakEvent, WeakEventManager};

/// The long-lived store: its own plain event, raised on each reload.
struct ConfigStore {
    reloaded: Event<Arc<str>>,
}

enum Reloaded {}
impl WeakEvent for Reloaded {
    type Source = ConfigStore;
    type Args = Arc<str>;
    fn event(store: &ConfigStore) -> Option<&Event<Arc<str>>> {
        Some(&store.reloaded)
    }
}

static DELIVERED: AtomicU64 = AtomicU64::new(0);
static LAGGED: AtomicU64 = AtomicU64::new(0);
static ALIVE: AtomicUsize = AtomicUsize::new(0);

/// Counts the streams alive: one per client task, dropped with it.
struct Client {
    stream: EventStream<Reloaded>,
}

impl Client {
    fn new(stream: EventStream<Reloaded>) -> Self {
        ALIVE.fetch_add(1, Ordering::SeqCst);
        Client { stream }
    }

    async fn next(&mut self) -> Option<StreamItem<Arc<str>>> {
        poll_fn(|cx| Pin::new(&mut self.stream).poll_next(cx)).await
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

const RELOADS: u64 = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let store = Arc::new(ConfigStore {
        reloaded: Event::new(),
    });
    let manager = WeakEventManager::<Reloaded>::current();

    let mut tasks = Vec::new();
    for id in 0..100_u64 {
        let mut client = Client::new(manager.stream(&store, 16));
        // Each client stops after a pseudo-random number of updates, without unsubscribing.
        let stop_after = 5 + (id * 7919) % 150;
        let slow = id == 0;
        tasks.push(tokio::spawn(async move {
            let mut seen = 0;
            while let Some(item) = client.next().await {
                match item {
                    StreamItem::Event(_config) => {
                        DELIVERED.fetch_add(1, Ordering::Relaxed);
                        seen += 1;
                    }
                    StreamItem::Lagged(missed) => {
                        LAGGED.fetch_add(missed, Ordering::Relaxed);
                    }
                }
                if slow {
                    // Falls behind: its buffer of 16 overflows and it is told by how much.
                    tokio::time::sleep(Duration::from_millis(40)).await;
                } else if seen >= stop_after {
                    break; // the task ends: its stream is dropped, its registration with it
                }
            }
        }));
    }

    for version in 0..RELOADS {
        store
            .reloaded
            .raise(&Arc::from(format!("config v{version}")));
        tokio::time::sleep(Duration::from_millis(5)).await;
        if version % 50 == 0 {
            println!(
                "reload {version}: {} streams alive, {} registrations",
                ALIVE.load(Ordering::SeqCst),
                manager.listener_count(&store)
            );
        }
    }
    // The store goes away: every stream still open yields what it buffered, then ends.
    drop(store);
    manager.purge();
    for task in tasks {
        task.await.expect("a client task panicked");
    }

    let (delivered, lagged) = (
        DELIVERED.load(Ordering::SeqCst),
        LAGGED.load(Ordering::SeqCst),
    );
    let stats = manager.stats();
    println!(
        "done: {RELOADS} reloads, {delivered} updates delivered, {lagged} skipped by the slow \
         client (told by a lag item), {} streams alive, {} registrations left",
        ALIVE.load(Ordering::SeqCst),
        stats.registrations
    );
    assert_eq!(ALIVE.load(Ordering::SeqCst), 0);
    assert_eq!(stats.registrations, 0);
    assert!(lagged > 0, "the slow client was told it lagged");
    assert!(delivered > 0);
}
