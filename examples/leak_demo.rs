//! The leak this crate ends, and the fix, side by side.
//!
//! An app-wide bus raises a `tick` event. Views open, subscribe to it, and close a little later
//! without unsubscribing (the Backbone post's bug: "handlers fire again and again after the view
//! is gone"). Two strategies run the same script:
//!
//! - `strong`: the view subscribes a closure to the bus's plain `Event`, capturing its `Arc`.
//!   The bus keeps every view alive and calls every closed view on every tick.
//! - `weak`: the view registers with `WeakEventManager::current()`. The bus holds only the
//!   manager's one forwarding handler; a closed view is freed at once and never called again,
//!   and the background cleanup prunes its entry.
//!
//! ```text
//! cargo run --release --example leak_demo              # 10,000 views
//! cargo run --release --example leak_demo -- --quick   # 1,000 views (CI)
//! cargo run --release --example leak_demo -- --views 50000
//! ```

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use weak_events::{Event, WeakEvent, WeakEventListener, WeakEventManager};

/// Views open at once: each view closes this many views after it opened.
const OPEN_WINDOW: usize = 10;
/// Bytes of per-view state (a render buffer, say): what a leaked view keeps.
const VIEW_BYTES: usize = 4 * 1024;

/// The long-lived, app-wide sender.
struct AppBus {
    tick: Event<u64>,
}

/// The event kind the weak strategy registers for.
enum Tick {}
impl WeakEvent for Tick {
    type Source = AppBus;
    type Args = u64;
    fn event(bus: &AppBus) -> Option<&Event<u64>> {
        Some(&bus.tick)
    }
}

/// Counters of one strategy.
#[derive(Default)]
struct Counters {
    alive: AtomicUsize,
    calls: AtomicUsize,
    calls_to_closed: AtomicUsize,
}

struct View {
    counters: &'static Counters,
    closed: AtomicBool,
    _buffer: Vec<u8>,
}

impl View {
    fn open(counters: &'static Counters) -> Arc<View> {
        counters.alive.fetch_add(1, Ordering::Relaxed);
        Arc::new(View {
            counters,
            closed: AtomicBool::new(false),
            _buffer: vec![1; VIEW_BYTES],
        })
    }

    fn on_tick(&self) {
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        if self.closed.load(Ordering::Relaxed) {
            self.counters
                .calls_to_closed
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.counters.alive.fetch_sub(1, Ordering::Relaxed);
    }
}

impl WeakEventListener<Tick> for View {
    fn receive_weak_event(&self, _: &AppBus, _: &u64) {
        self.on_tick();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Strategy {
    Strong,
    Weak,
}

impl Strategy {
    fn subscribe(self, bus: &Arc<AppBus>, view: &Arc<View>) {
        match self {
            Strategy::Strong => {
                let view = Arc::clone(view);
                // Never unsubscribed: the token is dropped, the closure keeps the view.
                let _token = bus.tick.subscribe(move |_| view.on_tick());
            }
            Strategy::Weak => {
                // Never removed either: the weak reference is the net.
                WeakEventManager::<Tick>::current().add_listener(bus, view);
            }
        }
    }
}

/// One checkpoint row.
struct Row {
    opened: usize,
    alive: usize,
    calls_per_tick: usize,
    calls_to_closed: usize,
    /// Weak strategy only: the manager's entries for this bus, dead ones not yet pruned included.
    entries: usize,
}

fn run(strategy: Strategy, counters: &'static Counters, views: usize, every: usize) -> Vec<Row> {
    let bus = Arc::new(AppBus { tick: Event::new() });
    let mut open = std::collections::VecDeque::new();
    let mut rows = Vec::new();
    for opened in 1..=views {
        let view = View::open(counters);
        strategy.subscribe(&bus, &view);
        open.push_back(view);
        if open.len() > OPEN_WINDOW {
            // The app closes its oldest view and lets go of it. Nobody unsubscribes.
            let closed = open.pop_front().expect("window is not empty");
            closed.closed.store(true, Ordering::Relaxed);
        }
        let before = counters.calls.load(Ordering::Relaxed);
        bus.tick.raise(&(opened as u64));
        let calls_per_tick = counters.calls.load(Ordering::Relaxed) - before;
        if opened % every == 0 || opened == views {
            rows.push(Row {
                opened,
                alive: counters.alive.load(Ordering::Relaxed),
                calls_per_tick,
                calls_to_closed: counters.calls_to_closed.load(Ordering::Relaxed),
                entries: WeakEventManager::<Tick>::current().listener_count(&bus),
            });
        }
    }
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut views = 10_000;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => views = 1_000,
            "--views" => {
                views = match iter.next().and_then(|n| n.parse().ok()) {
                    Some(n) if n > 0 => n,
                    _ => {
                        eprintln!("--views takes a positive number");
                        std::process::exit(2);
                    }
                }
            }
            other => {
                eprintln!("unknown argument {other:?}; try --quick or --views N");
                std::process::exit(2);
            }
        }
    }
    let every = (views / 10).max(1);

    static STRONG: Counters = Counters {
        alive: AtomicUsize::new(0),
        calls: AtomicUsize::new(0),
        calls_to_closed: AtomicUsize::new(0),
    };
    static WEAK: Counters = Counters {
        alive: AtomicUsize::new(0),
        calls: AtomicUsize::new(0),
        calls_to_closed: AtomicUsize::new(0),
    };

    println!(
        "{views} views open and close ({OPEN_WINDOW} open at a time, {} KiB each), \
         subscribed to an app-wide tick and never unsubscribed.\n",
        VIEW_BYTES / 1024
    );
    let started = Instant::now();
    let strong = run(Strategy::Strong, &STRONG, views, every);
    let weak = run(Strategy::Weak, &WEAK, views, every);
    let manager = WeakEventManager::<Tick>::current();

    println!(
        "{:>12} | {:>12} {:>11} {:>14} | {:>10} {:>11} {:>14} {:>8}",
        "views opened",
        "strong: live",
        "calls/tick",
        "closed called",
        "weak: live",
        "calls/tick",
        "closed called",
        "entries"
    );
    println!("{}", "-".repeat(110));
    for (s, w) in strong.iter().zip(&weak) {
        println!(
            "{:>12} | {:>12} {:>11} {:>14} | {:>10} {:>11} {:>14} {:>8}",
            s.opened,
            s.alive,
            s.calls_per_tick,
            s.calls_to_closed,
            w.alive,
            w.calls_per_tick,
            w.calls_to_closed,
            w.entries
        );
    }

    // The weak strategy's dead entries are pruned by the background worker; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while manager.stats().dead > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = manager.stats();
    let s = strong.last().expect("at least one row");
    let w = weak.last().expect("at least one row");
    let closed = views.saturating_sub(OPEN_WINDOW);
    println!();
    println!(
        "strong: {} — {} views closed, {} still alive ({} KiB held), each called on every tick ({} calls to closed views)",
        if s.alive > OPEN_WINDOW { "LEAK" } else { "ok" },
        closed,
        s.alive - OPEN_WINDOW.min(s.alive),
        (s.alive - OPEN_WINDOW.min(s.alive)) * VIEW_BYTES / 1024,
        s.calls_to_closed
    );
    println!(
        "weak:   {} — {} views closed, {} alive (the open window), {} calls to closed views; \
         manager holds {} entries after {} cleanup passes ({} forgotten removals pruned)",
        if w.alive <= OPEN_WINDOW && w.calls_to_closed == 0 {
            "no leak"
        } else {
            "LEAK"
        },
        closed,
        w.alive,
        w.calls_to_closed,
        stats.registrations,
        stats.cleanup.passes,
        stats.cleanup.forgotten_removals
    );
    println!("\nfinished in {:.2?}", started.elapsed());
    if w.alive > OPEN_WINDOW || w.calls_to_closed > 0 {
        std::process::exit(1);
    }
}
