//! The async stream: every event in order, lag counted exactly, the end after the source dies,
//! and a dropped stream leaves nothing (its registration, its waker, what the waker held).
#![cfg(not(loom))]

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};

use futures_core::Stream;
use weak_events::{
    CleanupMode, DropNotice, Event, EventStream, StreamItem, WeakEvent, WeakEventManager,
};

struct Config {
    reloaded: Event<u64>,
}

enum Reloaded {}
impl WeakEvent for Reloaded {
    type Source = Config;
    type Args = u64;
    fn event(config: &Config) -> Option<&Event<u64>> {
        Some(&config.reloaded)
    }
}

fn config() -> Arc<Config> {
    Arc::new(Config {
        reloaded: Event::new(),
    })
}

/// The next item (what `StreamExt::next` does).
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Polls once with `waker`.
fn poll_once<S: Stream + Unpin>(stream: &mut S, waker: &Waker) -> Poll<Option<S::Item>> {
    Pin::new(stream).poll_next(&mut Context::from_waker(waker))
}

/// A waker that counts its wakes and owns `held` (as a task's waker owns its task).
struct Counting {
    wakes: AtomicUsize,
    _held: Arc<()>,
}

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn every_event_reaches_every_live_stream_in_order() {
    let manager = WeakEventManager::<Reloaded>::with_cleanup(CleanupMode::Inline);
    let config = config();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let mut stream = manager.stream(&config, 1024);
            runtime.spawn(async move {
                let mut seen = Vec::new();
                while let Some(item) = next(&mut stream).await {
                    seen.push(item);
                }
                seen
            })
        })
        .collect();
    for version in 0..500 {
        config.reloaded.raise(&version);
    }
    drop(config); // ends every stream once they took what was buffered
    for task in tasks {
        let seen = runtime.block_on(task).unwrap();
        let events: Vec<u64> = seen.into_iter().filter_map(StreamItem::event).collect();
        assert_eq!(events, (0..500).collect::<Vec<_>>());
    }
}

#[test]
fn lag_is_counted_exactly_and_comes_before_the_next_event() {
    let manager = WeakEventManager::<Reloaded>::new();
    let config = config();
    let mut stream = manager.stream(&config, 4);
    for version in 0..10 {
        config.reloaded.raise(&version);
    }
    let waker = Waker::from(Arc::new(Counting {
        wakes: AtomicUsize::new(0),
        _held: Arc::new(()),
    }));
    assert_eq!(
        poll_once(&mut stream, &waker),
        Poll::Ready(Some(StreamItem::Lagged(6)))
    );
    for version in 6..10 {
        assert_eq!(
            poll_once(&mut stream, &waker),
            Poll::Ready(Some(StreamItem::Event(version)))
        );
    }
    assert!(poll_once(&mut stream, &waker).is_pending());
    config.reloaded.raise(&10);
    assert_eq!(
        poll_once(&mut stream, &waker),
        Poll::Ready(Some(StreamItem::Event(10))),
        "no lag item when nothing was missed"
    );
}

#[test]
fn a_dropped_stream_is_unregistered_at_once_and_frees_its_waker() {
    let manager = WeakEventManager::<Reloaded>::with_cleanup(CleanupMode::Manual);
    let config = config();
    let mut stream = manager.stream(&config, 8);
    let held = Arc::new(());
    let held_weak: Weak<()> = Arc::downgrade(&held);
    let counting = Arc::new(Counting {
        wakes: AtomicUsize::new(0),
        _held: held,
    });
    let waker = Waker::from(Arc::clone(&counting));
    assert!(poll_once(&mut stream, &waker).is_pending());
    drop(waker);
    config.reloaded.raise(&1);
    assert_eq!(
        counting.wakes.load(Ordering::SeqCst),
        1,
        "the delivery woke the task"
    );
    assert!(poll_once(&mut stream, &Waker::from(Arc::clone(&counting))).is_ready());
    assert!(poll_once(&mut stream, &Waker::from(Arc::clone(&counting))).is_pending());
    drop(counting);
    assert!(
        held_weak.upgrade().is_some(),
        "the stream keeps its waker while it waits"
    );

    drop(stream);
    assert_eq!(
        manager.listener_count(&config),
        0,
        "gone at once, not at a pass"
    );
    assert!(
        config.reloaded.is_empty(),
        "the manager detached from the source"
    );
    assert!(
        held_weak.upgrade().is_none(),
        "the waker, and what it held, are freed"
    );
}

#[test]
fn a_task_ending_drops_its_stream_and_its_registration() {
    let manager = WeakEventManager::<Reloaded>::new();
    let config = config();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let owned = Arc::new(());
    let owned_weak = Arc::downgrade(&owned);
    let mut stream = manager.stream(&config, 8);
    let task = runtime.spawn(async move {
        let _owned = owned;
        next(&mut stream).await
    });
    runtime.block_on(tokio::task::yield_now());
    assert_eq!(manager.listener_count(&config), 1);
    task.abort();
    let _ = runtime.block_on(task);
    assert_eq!(manager.listener_count(&config), 0);
    assert!(
        owned_weak.upgrade().is_none(),
        "the task's allocation is freed"
    );
}

/// A source with no `Event`, announcing its death.
struct Request {
    done: DropNotice,
}

enum Progress {}
impl WeakEvent for Progress {
    type Source = Request;
    type Args = u64;
    fn drop_notice(request: &Request) -> Option<&DropNotice> {
        Some(&request.done)
    }
}

#[test]
fn the_stream_ends_after_its_buffer_when_the_source_dies_in_every_mode() {
    for mode in [
        CleanupMode::Inline,
        CleanupMode::Manual,
        CleanupMode::Background,
    ] {
        let manager = WeakEventManager::<Progress>::with_cleanup(mode);
        let request = Arc::new(Request {
            done: DropNotice::new(),
        });
        let mut stream = manager.stream(&request, 8);
        manager.deliver_event(&request, &50);
        manager.deliver_event(&request, &100);
        drop(request);
        if mode == CleanupMode::Manual {
            manager.run_pending_cleanup();
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let items = runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(10), async {
                let mut items = Vec::new();
                while let Some(item) = next(&mut stream).await {
                    items.push(item);
                }
                items
            })
            .await
        });
        let items = items.unwrap_or_else(|_| panic!("{mode:?}: the stream did not end"));
        assert_eq!(
            items,
            [StreamItem::Event(50), StreamItem::Event(100)],
            "{mode:?}"
        );
        // The stream ends when the pass drops its entry; the same pass then takes the source
        // out of the table, on the worker in `Background` mode: wait for it (bounded).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while manager.stats().sources != 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(manager.stats().sources, 0, "{mode:?}");
    }
}

#[test]
fn many_tasks_with_random_drops_keep_every_count() {
    const TASKS: usize = 64;
    const EVENTS: u64 = 2_000;
    let manager = WeakEventManager::<Reloaded>::new();
    let config = config();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let received = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let mut stream: EventStream<Reloaded> = manager.stream(&config, 4096);
            let received = Arc::clone(&received);
            // Task t stops (dropping its stream) after `quit` events; a third run to the end.
            let quit = if t % 3 == 0 {
                u64::MAX
            } else {
                (t as u64 * 37) % EVENTS
            };
            runtime.spawn(async move {
                let mut last = None;
                while let Some(item) = next(&mut stream).await {
                    let StreamItem::Event(version) = item else {
                        panic!("no lag with room for every event");
                    };
                    assert!(last.map_or(true, |last| version == last + 1), "in order");
                    last = Some(version);
                    received.fetch_add(1, Ordering::Relaxed);
                    if version >= quit {
                        return (t, Some(version));
                    }
                }
                (t, last)
            })
        })
        .collect();
    for version in 0..EVENTS {
        config.reloaded.raise(&version);
    }
    drop(config);
    let mut expected = 0;
    for task in tasks {
        let (t, last) = runtime.block_on(task).unwrap();
        let quit = if t % 3 == 0 {
            EVENTS - 1
        } else {
            (t as u64 * 37) % EVENTS
        };
        assert_eq!(last, Some(quit), "task {t}");
        expected += quit as usize + 1;
    }
    assert_eq!(received.load(Ordering::Relaxed), expected);
    assert_eq!(
        manager.stats().registrations,
        0,
        "every stream unregistered"
    );
}
