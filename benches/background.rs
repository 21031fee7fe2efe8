//! Delivery latency on this thread while the background cleanup worker runs a pass over a big
//! dirty table, against the same deliveries with no pass running.
//!
//! Not a divan benchmark: divan cannot line its samples up with a pass that another thread runs
//! for a few tens of milliseconds. This harness builds a private manager's table in `Manual` mode
//! (one measured source with 128 live listeners, and `SOURCES` sources whose one listener died,
//! each made dirty by a delivery), times single deliveries to the measured source while nothing
//! runs (idle), then switches the manager to `Background`, which hands the pending pass to the
//! process-wide worker thread, and times single deliveries while that pass runs. The pass's
//! progress is seen through `WeakEvent::event`, which the pass calls once per source it detaches
//! from; only deliveries that start after the first detach and end before the last are kept.
//!
//! `--quick` runs one small round (for CI). Lines starting with `@row` are what `report.py` reads.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use weak_events::{CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};
use weak_events_benches::{Bus, Receiver};

/// Set while a pass is being watched: `Lat::event` then counts its calls.
static WATCHING: AtomicBool = AtomicBool::new(false);
/// Sources the pass detached from so far.
static DETACHED: AtomicUsize = AtomicUsize::new(0);

enum Lat {}

impl WeakEvent for Lat {
    type Source = Bus;
    type Args = u32;
    fn event(bus: &Bus) -> Option<&Event<u32>> {
        if WATCHING.load(Ordering::Relaxed) {
            DETACHED.fetch_add(1, Ordering::Relaxed);
        }
        Some(&bus.event)
    }
}

impl WeakEventListener<Lat> for Receiver {
    fn receive_weak_event(&self, _: &Bus, n: &u32) {
        self.on(n);
    }
}

struct Round {
    idle: Vec<Duration>,
    during: Vec<Duration>,
    pass: Duration,
}

fn time_one(manager: &WeakEventManager<Lat>, bus: &Bus) -> Duration {
    let start = Instant::now();
    manager.deliver_event(bus, &black_box(0));
    start.elapsed()
}

fn round(sources: usize, idle_samples: usize) -> Round {
    let manager = WeakEventManager::<Lat>::with_cleanup(CleanupMode::Manual);
    let measured = Arc::new(Bus::default());
    let listeners: Vec<Arc<Receiver>> = (0..128)
        .map(|_| {
            let receiver = Arc::new(Receiver::default());
            manager.add_listener(&measured, &receiver);
            receiver
        })
        .collect();
    let buses: Vec<Arc<Bus>> = (0..sources).map(|_| Arc::new(Bus::default())).collect();
    let doomed: Vec<Arc<Receiver>> = buses
        .iter()
        .map(|bus| {
            let receiver = Arc::new(Receiver::default());
            manager.add_listener(bus, &receiver);
            receiver
        })
        .collect();
    // Settle what building asked for (the table grew: a full pass), so that the pass measured
    // below is the dirty queue alone.
    manager.purge();
    manager.run_pending_cleanup();
    // The receivers die registered (forgotten removals)...
    drop(doomed);
    for bus in &buses {
        // ...and a delivery meets each: the source is queued dirty, the pass pending (Manual).
        manager.deliver_event(bus, &0);
    }
    let stats = manager.stats();
    assert_eq!((stats.sources, stats.dead), (sources + 1, sources));

    for _ in 0..1_000 {
        time_one(&manager, &measured);
    }
    let idle: Vec<Duration> = (0..idle_samples)
        .map(|_| time_one(&manager, &measured))
        .collect();

    DETACHED.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    let triggered = Instant::now();
    // The pending pass goes to the process-wide worker thread now.
    manager.set_cleanup_mode(Some(CleanupMode::Background));
    while DETACHED.load(Ordering::Relaxed) == 0 {
        time_one(&manager, &measured);
        assert!(
            triggered.elapsed() < Duration::from_secs(10),
            "the background pass did not start"
        );
    }
    let started = Instant::now();
    let mut during = Vec::with_capacity(1 << 16);
    loop {
        let dt = time_one(&manager, &measured);
        if DETACHED.load(Ordering::Relaxed) >= sources {
            break;
        }
        during.push(dt);
    }
    let pass = started.elapsed();
    WATCHING.store(false, Ordering::SeqCst);

    // The pass did what it was for: every dead source left, the measured one stayed.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = manager.stats();
        if stats.sources == 1 && stats.cleanup.sources_removed >= sources {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the pass did not finish: {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(listeners);
    Round { idle, during, pass }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index].as_nanos() as f64
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (sources, rounds, idle_samples) = if quick {
        (20_000, 1, 2_000)
    } else {
        (100_000, 3, 20_000)
    };
    println!(
        "background: deliveries to 128 listeners, idle vs during a background pass over \
         {sources} dirty sources; {rounds} round(s)"
    );
    let mut idle = Vec::new();
    let mut during = Vec::new();
    let mut pass = Duration::ZERO;
    for _ in 0..rounds {
        // On a loaded machine this thread may be descheduled for a whole (short) pass: retry.
        let round = (0..5)
            .map(|_| round(sources, idle_samples))
            .find(|round| !round.during.is_empty())
            .expect("no delivery ran during the pass in 5 tries");
        println!(
            "  round: pass {:.1} ms, {} deliveries during it",
            round.pass.as_secs_f64() * 1e3,
            round.during.len()
        );
        idle.extend(round.idle);
        during.extend(round.during);
        pass += round.pass;
    }
    idle.sort_unstable();
    during.sort_unstable();
    let (idle_median, during_median) = (percentile(&idle, 0.5), percentile(&during, 0.5));
    println!(
        "@row background_latency ours_background idle_median_ns={idle_median:.0} \
         during_median_ns={during_median:.0} ratio={:.3} idle_p99_ns={:.0} during_p99_ns={:.0} \
         idle_samples={} during_samples={} pass_ms={:.1} sources={sources}",
        during_median / idle_median,
        percentile(&idle, 0.99),
        percentile(&during, 0.99),
        idle.len(),
        during.len(),
        pass.as_secs_f64() * 1e3 / rounds as f64,
    );
}
