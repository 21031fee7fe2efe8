//! The leak this crate ends, and every way the crate ends it, side by side.
//!
//! An app-wide bus raises a `tick` event. Views open, subscribe to it, and close a little later
//! (the Backbone post's bug: "handlers fire again and again after the view is gone"). Five
//! strategies run the same script:
//!
//! - `strong`: the view subscribes a closure to the bus's plain `Event`, capturing its `Arc`, and
//!   never unsubscribes. The bus keeps every closed view alive and calls it on every tick.
//! - `weak`: the view registers with `WeakEventManager::current()` and never removes itself. The
//!   closed view is freed at once and never called; background cleanup prunes its entry.
//! - `guard`: the view keeps the `Subscription` guard in a field: closing the view drops it and
//!   removes the registration immediately.
//! - `bag`: the view owns a `DisposeBag` and `listen_to`s through it: closing the view disposes
//!   the bag, which stops listening.
//! - `unsync bag`: the same on a UI thread, with `weak_events::unsync`: the view model (the
//!   sender) and the views are `Rc`, the manager is this thread's, and the app calls
//!   `unsync::run_pending_cleanup()` at its idle moments.
//!
//! For each: live views, handler calls per tick, bytes live (a counting allocator), cleanup
//! passes, at checkpoints; then a verdict per strategy, and the dispose profiler catching a view
//! that forgot its removal, with the line that registered it.
//!
//! ```text
//! cargo run --release --example leak_demo                       # 10,000 views, a few seconds
//! cargo run --release --example leak_demo -- --quick            # 1,000 views (CI)
//! cargo run --release --example leak_demo -- --views 20000 --svg leak.svg
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weak_events::{
    unsync, DisposeBag, Event, Subscription, WeakEvent, WeakEventListener, WeakEventManager,
};

/// Counts the bytes allocated and not yet freed, process-wide.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: defers every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Views open at once: each view closes this many views after it opened.
const OPEN_WINDOW: usize = 10;
/// Views opened between two idle moments of the app (1 ms each).
const IDLE_EVERY: usize = 100;
/// Bytes of per-view state (a render buffer, say): what a leaked view keeps.
const VIEW_BYTES: usize = 4 * 1024;

/// The long-lived, app-wide sender.
struct AppBus {
    tick: Event<u64>,
}

/// The event kind the weak strategies register for.
enum Tick {}
impl WeakEvent for Tick {
    type Source = AppBus;
    type Args = u64;
    fn event(bus: &AppBus) -> Option<&Event<u64>> {
        Some(&bus.tick)
    }
}

/// Counters shared by every view of one run.
#[derive(Default)]
struct Counters {
    alive: AtomicUsize,
    calls: AtomicUsize,
    calls_to_closed: AtomicUsize,
}

struct View {
    counters: Arc<Counters>,
    closed: AtomicBool,
    /// The `guard` strategy keeps its subscription here.
    guard: Mutex<Option<Subscription>>,
    /// The `bag` strategy's owner.
    bag: DisposeBag,
    _buffer: Vec<u8>,
}

impl View {
    fn open(counters: &Arc<Counters>) -> Arc<View> {
        counters.alive.fetch_add(1, Ordering::Relaxed);
        Arc::new(View {
            counters: Arc::clone(counters),
            closed: AtomicBool::new(false),
            guard: Mutex::new(None),
            bag: DisposeBag::new(),
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

/// The view model of the thread-affine strategy: an `Rc`, with the flavour's own `Event`.
struct LocalBus {
    tick: unsync::Event<u64>,
}

/// The thread-affine strategy's event kind.
enum LocalTick {}
impl unsync::WeakEvent for LocalTick {
    type Source = LocalBus;
    type Args = u64;
    fn event(bus: &LocalBus) -> Option<&unsync::Event<u64>> {
        Some(&bus.tick)
    }
}

/// A view of the thread-affine strategy: `Rc`, `!Send`, owning an `unsync::DisposeBag`.
struct LocalView {
    counters: Arc<Counters>,
    closed: Cell<bool>,
    bag: unsync::DisposeBag,
    _buffer: Vec<u8>,
}

impl LocalView {
    fn open(counters: &Arc<Counters>) -> Rc<LocalView> {
        counters.alive.fetch_add(1, Ordering::Relaxed);
        Rc::new(LocalView {
            counters: Arc::clone(counters),
            closed: Cell::new(false),
            bag: unsync::DisposeBag::new(),
            _buffer: vec![1; VIEW_BYTES],
        })
    }
}

impl Drop for LocalView {
    fn drop(&mut self) {
        self.counters.alive.fetch_sub(1, Ordering::Relaxed);
    }
}

impl unsync::WeakEventListener<LocalTick> for LocalView {
    fn receive_weak_event(&self, _: &LocalBus, _: &u64) {
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        if self.closed.get() {
            self.counters
                .calls_to_closed
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A view a run keeps open, of either flavour.
enum Opened {
    Shared(Arc<View>),
    Local(Rc<LocalView>),
}

impl Opened {
    fn close(&self) {
        match self {
            Opened::Shared(view) => view.closed.store(true, Ordering::Relaxed),
            Opened::Local(view) => view.closed.set(true),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Strategy {
    Strong,
    Weak,
    Guard,
    Bag,
    UnsyncBag,
}

impl Strategy {
    const ALL: [Strategy; 5] = [
        Strategy::Strong,
        Strategy::Weak,
        Strategy::Guard,
        Strategy::Bag,
        Strategy::UnsyncBag,
    ];

    fn name(self) -> &'static str {
        match self {
            Strategy::Strong => "strong Event, never removed",
            Strategy::Weak => "weak manager, never removed",
            Strategy::Guard => "Subscription guard",
            Strategy::Bag => "DisposeBag per view",
            Strategy::UnsyncBag => "unsync: Rc views, DisposeBag",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Strategy::Strong => "strong",
            Strategy::Weak => "weak",
            Strategy::Guard => "guard",
            Strategy::Bag => "bag",
            Strategy::UnsyncBag => "unsync bag",
        }
    }

    /// Opens a view and subscribes it to the bus of its flavour.
    fn open(self, counters: &Arc<Counters>, bus: &Arc<AppBus>, local: &Rc<LocalBus>) -> Opened {
        if self == Strategy::UnsyncBag {
            let view = LocalView::open(counters);
            view.bag.listen_to::<LocalTick, _>(local, &view);
            return Opened::Local(view);
        }
        let view = View::open(counters);
        self.subscribe(bus, &view);
        Opened::Shared(view)
    }

    fn subscribe(self, bus: &Arc<AppBus>, view: &Arc<View>) {
        let manager = WeakEventManager::<Tick>::current();
        match self {
            Strategy::Strong => {
                let view = Arc::clone(view);
                // The token is dropped: nobody will ever unsubscribe this closure.
                let _token = bus.tick.subscribe(move |_| view.on_tick());
            }
            Strategy::Weak => {
                manager.add_listener(bus, view);
            }
            Strategy::Guard => {
                *view.guard.lock().unwrap() = Some(manager.subscribe(bus, view));
            }
            Strategy::Bag | Strategy::UnsyncBag => {
                view.bag.listen_to::<Tick, _>(bus, view);
            }
        }
    }
}

/// One checkpoint of one run.
struct Row {
    opened: usize,
    alive: usize,
    calls_per_tick: usize,
    calls_to_closed: usize,
    live_bytes: usize,
    passes: usize,
}

/// Prints `[name] opened/total` on stderr, at most ten times a second, once a run takes more
/// than a second and stderr is a terminal.
struct Progress {
    started: Instant,
    last: Instant,
    shown: bool,
}

impl Progress {
    fn new() -> Self {
        let now = Instant::now();
        Progress {
            started: now,
            last: now,
            shown: false,
        }
    }

    fn tick(&mut self, name: &str, done: usize, total: usize) {
        if self.started.elapsed() < Duration::from_secs(1)
            || self.last.elapsed() < Duration::from_millis(100)
            || !std::io::stderr().is_terminal()
        {
            return;
        }
        self.last = Instant::now();
        self.shown = true;
        eprint!("\r  running {name}: {done}/{total} views opened ");
        let _ = std::io::stderr().flush();
    }

    fn finish(&self) {
        if self.shown {
            eprint!("\r{}\r", " ".repeat(60));
        }
    }
}

fn run(strategy: Strategy, views: usize, every: usize) -> Vec<Row> {
    let counters = Arc::new(Counters::default());
    let manager = WeakEventManager::<Tick>::current();
    let local_manager = unsync::WeakEventManager::<LocalTick>::current();
    let passes = || manager.stats().cleanup.passes + local_manager.stats().cleanup.passes;
    let passes_before = passes();
    let baseline = LIVE_BYTES.load(Ordering::Relaxed);
    let bus = Arc::new(AppBus { tick: Event::new() });
    let local = Rc::new(LocalBus {
        tick: unsync::Event::new(),
    });
    let mut open = VecDeque::new();
    let mut rows = Vec::new();
    let mut progress = Progress::new();
    for opened in 1..=views {
        open.push_back(strategy.open(&counters, &bus, &local));
        if open.len() > OPEN_WINDOW {
            // The app closes its oldest view and lets go of it. Only the strategy cleans up.
            let closed = open.pop_front().expect("the window is not empty");
            closed.close();
        }
        let before = counters.calls.load(Ordering::Relaxed);
        bus.tick.raise(&(opened as u64));
        local.tick.raise(&(opened as u64));
        let calls_per_tick = counters.calls.load(Ordering::Relaxed) - before;
        progress.tick(strategy.short(), opened, views);
        if opened % IDLE_EVERY == 0 {
            // An app waits for input now and then: that idle time is when background cleanup runs
            // (and a UI thread runs the thread-affine flavour's pending cleanup).
            unsync::run_pending_cleanup();
            std::thread::sleep(Duration::from_millis(1));
        }
        if opened % every == 0 || opened == views {
            rows.push(Row {
                opened,
                alive: counters.alive.load(Ordering::Relaxed),
                calls_per_tick,
                calls_to_closed: counters.calls_to_closed.load(Ordering::Relaxed),
                live_bytes: (LIVE_BYTES.load(Ordering::Relaxed) - baseline).max(0) as usize,
                passes: passes() - passes_before,
            });
        }
    }
    progress.finish();
    // Close everything and prune now, so that this run's garbage does not count against the next.
    drop(open);
    drop(bus);
    drop(local);
    manager.purge();
    local_manager.purge();
    rows
}

/// The dispose profiler finds the view that forgot to remove itself, and where it registered.
fn profile_forgotten_removal() {
    let manager = WeakEventManager::<Tick>::current();
    let bus = Arc::new(AppBus { tick: Event::new() });
    let counters = Arc::new(Counters::default());
    let mark = weak_events::start_profiling();
    let tidy = View::open(&counters);
    Strategy::Guard.subscribe(&bus, &tidy);
    let forgetful = View::open(&counters);
    manager.add_listener(&bus, &forgetful); // the forgotten removal
    drop(tidy);
    let profile = mark.stop();
    println!("\ndispose profiling: a tidy view and a forgetful one open and close");
    println!(
        "  registrations made since the mark and never removed: {} alive, {} forgotten",
        profile.alive(),
        profile.forgotten()
    );
    // One line per creation site; the site needs no debug info (every registration records
    // its caller's line), the backtraces (`profile.with_backtraces()`) do.
    for row in &profile.rows {
        println!("  - {row}");
    }
    drop(forgetful);
    growth_warning();
}

/// A source whose live listeners keep growing warns past the threshold, and again at each
/// further half, naming the line that made most of them.
fn growth_warning() {
    fn print(warning: &weak_events::ThresholdWarning) {
        if warning.event.ends_with("Tick") {
            println!("  - {warning}");
        }
    }
    weak_events::set_threshold_hook(Some(print));
    let manager = WeakEventManager::<Tick>::new();
    manager.set_listener_threshold(Some(100));
    let bus = Arc::new(AppBus { tick: Event::new() });
    let counters = Arc::new(Counters::default());
    println!("\ngrowth warnings: 240 views are added and never removed (threshold 100)");
    let views: Vec<_> = (0..240)
        .map(|_| {
            let view = View::open(&counters);
            manager.add_listener(&bus, &view);
            view
        })
        .collect();
    weak_events::set_threshold_hook(None);
    drop(views);
    manager.purge();
}

fn write_svg(
    path: &str,
    results: &[(Strategy, Vec<Row>)],
) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let views = results[0].1.last().map_or(1, |r| r.opened);
    let max_kib = results
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.live_bytes / 1024))
        .max()
        .unwrap_or(1)
        .max(1);
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Live memory while views open and close", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0..views, 0..max_kib + max_kib / 10 + 1)?;
    chart
        .configure_mesh()
        .x_desc("views opened")
        .y_desc("live KiB")
        .draw()?;
    let colors = [RED, BLUE, GREEN, MAGENTA, CYAN];
    for ((strategy, rows), color) in results.iter().zip(colors) {
        let points =
            std::iter::once((0, 0)).chain(rows.iter().map(|r| (r.opened, r.live_bytes / 1024)));
        let last_kib = rows.last().map_or(0, |r| r.live_bytes / 1024);
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(format!("{} ({last_kib} KiB at the end)", strategy.name()))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn usage(message: &str) -> ! {
    eprintln!("{message}\nusage: leak_demo [--quick] [--views N] [--svg FILE]");
    std::process::exit(2);
}

fn main() {
    let mut views = 10_000;
    let mut svg = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => views = 1_000,
            "--views" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => views = n,
                _ => usage("--views takes a positive number"),
            },
            "--svg" => match args.next() {
                Some(path) => svg = Some(path),
                None => usage("--svg takes a file name"),
            },
            other => usage(&format!("unknown argument {other:?}")),
        }
    }
    // Sampled 50 times for the plot; the table prints every tenth sample.
    let every = (views / 50).max(1);
    let print_every = every * 10;
    println!(
        "{views} views open and close ({OPEN_WINDOW} open at a time, {} KiB each), each subscribed \
         to an app-wide tick.\n",
        VIEW_BYTES / 1024
    );

    let started = Instant::now();
    let results: Vec<(Strategy, Vec<Row>)> = Strategy::ALL
        .iter()
        .map(|&strategy| (strategy, run(strategy, views, every)))
        .collect();

    println!(
        "{:>12}  {:<28} {:>10} {:>11} {:>13} {:>10} {:>7}",
        "views opened",
        "strategy",
        "live views",
        "calls/tick",
        "closed called",
        "live KiB",
        "passes"
    );
    println!("{}", "-".repeat(98));
    for checkpoint in 0..results[0].1.len() {
        let sample = &results[0].1[checkpoint];
        if sample.opened % print_every != 0 && sample.opened != views {
            continue;
        }
        for (i, (strategy, rows)) in results.iter().enumerate() {
            let row = &rows[checkpoint];
            let opened = if i == 0 {
                row.opened.to_string()
            } else {
                String::new()
            };
            println!(
                "{:>12}  {:<28} {:>10} {:>11} {:>13} {:>10} {:>7}",
                opened,
                strategy.name(),
                row.alive,
                row.calls_per_tick,
                row.calls_to_closed,
                row.live_bytes / 1024,
                row.passes
            );
        }
    }

    println!();
    let mut failed = false;
    for (strategy, rows) in &results {
        let last = rows.last().expect("at least one checkpoint");
        let leaked = last.alive.saturating_sub(OPEN_WINDOW);
        let verdict = if leaked == 0 && last.calls_to_closed == 0 {
            format!(
                "no leak: {} live views (the open window), {} calls to closed views, {} KiB live",
                last.alive,
                last.calls_to_closed,
                last.live_bytes / 1024
            )
        } else {
            format!(
                "LEAK: {leaked} closed views still alive, {} calls to closed views, {} KiB live",
                last.calls_to_closed,
                last.live_bytes / 1024
            )
        };
        println!("{:<28} {verdict}", strategy.name());
        failed |= *strategy != Strategy::Strong && leaked > 0;
    }

    profile_forgotten_removal();
    if let Some(path) = svg {
        match write_svg(&path, &results) {
            Ok(()) => println!("\nwrote {path}"),
            Err(error) => {
                eprintln!("could not write {path}: {error}");
                failed = true;
            }
        }
    }
    println!("\nfinished in {:.2?}", started.elapsed());
    if failed {
        std::process::exit(1);
    }
}
