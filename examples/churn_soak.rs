//! Churn soak: millions of subscribe-and-forget cycles with background cleanup.
//!
//! Three phases, each failing the run (exit code 1) past its stated bound:
//!
//! 1. each cycle registers a fresh receiver on one long-lived source and drops the receiver
//!    without removing it: the worst case for a weak-event table, which only stays small if
//!    cleanup keeps up; it reports live entries and resident memory at checkpoints;
//! 2. each cycle gives a fresh source with no `Event` (delivered with `deliver_event`, so nothing
//!    announces its death) a listener and drops the source: the table's upkeep must find them;
//! 3. each cycle subscribes to a property name made at run time (`cell_{i}`) on a fresh model and
//!    drops the guard and the model: names must cost nothing once their listeners are gone.
//!
//! ```text
//! cargo run --release --example churn_soak                   # 10,000,000 cycles
//! cargo run --release --example churn_soak -- --quick        # 2,000,000 cycles (CI)
//! cargo run --release --example churn_soak -- --cycles 1000000
//! ```

use std::sync::Arc;
use std::time::Instant;

use weak_events::{
    Event, NotifyPropertyChanged, PropertyChanged, PropertyChangedArgs, PropertyChangedManager,
    WeakEvent, WeakEventListener, WeakEventManager,
};

/// The most entries the source may hold at once. Cleanup is requested each time the source's
/// list doubles since its last pass, and the worker runs a pass within a few milliseconds: the
/// list grows by at most what the loop adds in that time, a few hundred thousand entries at
/// most. Seen here: peaks of 49,418 and 74,747 entries in two runs of 10,000,000 cycles.
const BOUND: usize = 1 << 19;

struct Bus;

enum Tick {}
impl WeakEvent for Tick {
    type Source = Bus;
    type Args = ();
}

/// Phase 2's bound: sources without an `Event` in the table at once. The table drops dead
/// sources each time it doubles from what its last upkeep left (floor 16), so with none alive it
/// never holds more than 32.
const DEAD_SOURCE_BOUND: usize = 32;

/// A sender with no `Event`: its events go through `deliver_event`.
struct Quiet;

enum Pushed {}
impl WeakEvent for Pushed {
    type Source = Quiet;
    type Args = ();
}

#[derive(Default)]
struct Sheet {
    changed: Event<PropertyChangedArgs>,
}

impl NotifyPropertyChanged for Sheet {
    fn property_changed(&self) -> &Event<PropertyChangedArgs> {
        &self.changed
    }
}

struct Receiver {
    _state: [u64; 4],
}

impl WeakEventListener<Tick> for Receiver {
    fn receive_weak_event(&self, _: &Bus, _: &()) {}
}

impl WeakEventListener<Pushed> for Receiver {
    fn receive_weak_event(&self, _: &Quiet, _: &()) {}
}

impl WeakEventListener<PropertyChanged<Sheet>> for Receiver {
    fn receive_weak_event(&self, _: &Sheet, _: &PropertyChangedArgs) {}
}

fn fail(message: String) -> ! {
    println!("FAIL: {message}");
    std::process::exit(1);
}

/// Phase 2: `cycles` sources without an `Event`, each given a listener and dropped.
fn churn_sources_without_event(cycles: usize) {
    let manager = WeakEventManager::<Pushed>::current();
    let receiver = Arc::new(Receiver { _state: [0; 4] });
    let started = Instant::now();
    let mut peak = 0;
    for i in 1..=cycles {
        let source = Arc::new(Quiet);
        manager.add_listener(&source, &receiver);
        drop(source);
        if i % 1024 == 0 {
            peak = peak.max(manager.stats().sources);
        }
    }
    peak = peak.max(manager.stats().sources);
    if peak > DEAD_SOURCE_BOUND {
        fail(format!(
            "{peak} dead sources in the table, bound {DEAD_SOURCE_BOUND}"
        ));
    }
    println!(
        "ok: {cycles} sources without an Event: peak {peak} in the table (bound \
         {DEAD_SOURCE_BOUND}), {:.2?}, resident {} KiB",
        started.elapsed(),
        resident_kib()
    );
}

/// Phase 3: `cycles` property names made at run time, each on a fresh model.
fn churn_property_names(cycles: usize) {
    let manager = PropertyChangedManager::<Sheet>::current();
    let receiver = Arc::new(Receiver { _state: [0; 4] });
    let started = Instant::now();
    let mut peak = 0;
    for i in 1..=cycles {
        let sheet = Arc::new(Sheet::default());
        let guard = manager.subscribe(&sheet, &format!("cell_{i}"), &receiver);
        drop(guard);
        drop(sheet);
        if i % 1024 == 0 {
            peak = peak.max(manager.stats().sources);
        }
    }
    weak_events::purge_all();
    let kinds = weak_events::report()
        .rows
        .into_iter()
        .filter(|row| row.event.contains("Sheet"))
        .map(|row| (row.managers, row.sources, row.registrations))
        .collect::<Vec<_>>();
    // One manager for the kind, nothing left in it: a name costs nothing once unused.
    if peak > 1 || kinds != [(1, 0, 0)] {
        fail(format!(
            "property names: peak {peak} sources, (managers, sources, entries) {kinds:?}"
        ));
    }
    println!(
        "ok: {cycles} property names: peak {peak} sources, {kinds:?} (managers, sources, \
         entries) left, {:.2?}, resident {} KiB",
        started.elapsed(),
        resident_kib()
    );
}

/// Resident memory in KiB, from /proc (0 where there is none).
fn resident_kib() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4)
}

fn main() {
    let mut cycles: usize = 10_000_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => cycles = 2_000_000,
            "--cycles" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => cycles = n,
                None => {
                    eprintln!("--cycles takes a number");
                    std::process::exit(2);
                }
            },
            other => {
                eprintln!("unknown argument {other:?}; try --quick or --cycles N");
                std::process::exit(2);
            }
        }
    }
    let manager = WeakEventManager::<Tick>::current();
    let bus = Arc::new(Bus);
    let every = (cycles / 10).max(1);
    let started = Instant::now();
    let mut peak = 0;
    println!("{cycles} subscribe-and-forget cycles on one source, background cleanup; bound {BOUND} entries");
    println!(
        "{:>12} {:>10} {:>12} {:>14} {:>8}",
        "cycles", "entries", "peak entries", "resident KiB", "passes"
    );
    for i in 1..=cycles {
        let receiver = Arc::new(Receiver { _state: [0; 4] });
        if i % 2 == 0 {
            manager.add_listener(&bus, &receiver);
        } else {
            manager.add_handler(&bus, &receiver, |_, _, _| {});
        }
        drop(receiver); // never removed
        if i % 1024 == 0 {
            peak = peak.max(manager.listener_count(&bus));
        }
        if i % every == 0 || i == cycles {
            let entries = manager.listener_count(&bus);
            peak = peak.max(entries);
            println!(
                "{:>12} {:>10} {:>12} {:>14} {:>8}",
                i,
                entries,
                peak,
                resident_kib(),
                manager.stats().cleanup.passes
            );
        }
        if peak > BOUND {
            println!("FAIL: {peak} entries exceed the bound of {BOUND}");
            std::process::exit(1);
        }
    }
    println!(
        "ok: peak {peak} entries (bound {BOUND}) over {cycles} cycles in {:.2?}",
        started.elapsed()
    );
    churn_sources_without_event(cycles / 2);
    churn_property_names(cycles / 4);
}
