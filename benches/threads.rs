//! Two threads delivering at once against one thread: aggregate throughput by the wall clock.
//!
//! Not a divan benchmark: divan's `threads` option times each thread's own samples, so a thread
//! that the OS deschedules (the machine has 2 cores, often shared with a build) does not overlap
//! the other, and the two-thread sample then looks as fast as a one-thread one: "perfect
//! scaling" out of no concurrency at all. Here both threads start together (a spinning
//! barrier), each makes `BATCH` deliveries, and the wall time from the start to the later
//! thread's end counts; one-thread and two-thread batches alternate, `REPS` times, and the
//! medians are compared: throughput(2) / throughput(1) = 2 * t1 / t2, where t is the wall time
//! of a batch.
//!
//! Two cases: both threads deliver to the *same* source (128 listeners, the same receivers), and
//! each thread to a source of its *own* (ours keeps both in one manager, so the threads share
//! only the crate's own state). A pure ALU loop is measured the same way as a machine check.
//!
//! `--quick` runs fewer repetitions (for CI). Lines starting with `@row` are what `report.py`
//! reads.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use weak_events_benches::*;

/// Deliveries per thread per batch (about 2 ms of work on one thread).
const BATCH: usize = 1_000;

/// Two threads released together: a generation counter both spin on.
struct Gate {
    generation: AtomicUsize,
    arrived: AtomicUsize,
    stop: AtomicBool,
}

impl Gate {
    /// Waits until both threads arrived at this generation's gate; returns false to stop.
    fn pass(&self, seen: &mut usize) -> bool {
        if self.arrived.fetch_add(1, Ordering::AcqRel) == 1 {
            self.arrived.store(0, Ordering::Release);
            self.generation.fetch_add(1, Ordering::AcqRel);
        } else {
            while self.generation.load(Ordering::Acquire) == *seen {
                std::hint::spin_loop();
            }
        }
        *seen += 1;
        !self.stop.load(Ordering::Acquire)
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

/// Times `REPS` one-thread batches and `REPS` two-thread batches, alternating; returns the
/// medians of their wall times.
fn measure(reps: usize, work: &(dyn Fn() + Sync)) -> (Duration, Duration) {
    let gate = Gate {
        generation: AtomicUsize::new(0),
        arrived: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    };
    let batch = || {
        for _ in 0..BATCH {
            work();
        }
    };
    let mut one = Vec::with_capacity(reps);
    let mut two = Vec::with_capacity(reps);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            set_thread_slot(1);
            let mut seen = 0;
            // Start gate, then the batch, then the end gate, until told to stop.
            while gate.pass(&mut seen) {
                batch();
                gate.pass(&mut seen);
            }
        });
        set_thread_slot(0);
        let mut seen = 0;
        // Warm both paths first.
        batch();
        for rep in 0..=reps {
            let start = Instant::now();
            batch();
            let alone = start.elapsed();

            gate.pass(&mut seen);
            let start = Instant::now();
            batch();
            gate.pass(&mut seen);
            let together = start.elapsed();
            if rep > 0 {
                one.push(alone);
                two.push(together);
            }
        }
        gate.stop.store(true, Ordering::Release);
        gate.pass(&mut seen);
    });
    (median(one), median(two))
}

fn row<C: Deliver + Sync>(table: &str, name: &str, reps: usize) {
    let contender = checked::<C>(128, 0);
    let (t1, t2) = measure(reps, &|| contender.deliver(black_box(0)));
    report(table, name, t1, t2);
}

fn report(table: &str, name: &str, t1: Duration, t2: Duration) {
    let per = |t: Duration| t.as_nanos() as f64 / BATCH as f64;
    println!(
        "@row {table} {name} t1_ns={:.1} t2_ns={:.1} ratio={:.3}",
        per(t1),
        per(t2),
        2.0 * t1.as_secs_f64() / t2.as_secs_f64()
    );
}

/// A loop of dependent multiply-adds, about one delivery long: no shared memory at all.
fn alu_loop() {
    let mut x = 1u64;
    for i in 0..1_000u64 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(black_box(i));
    }
    black_box(x);
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let reps = if quick { 5 } else { 40 };
    println!(
        "threads: {BATCH} deliveries per thread per batch, {reps} alternating 1- and 2-thread \
         batches per row; wall-clock medians"
    );

    let (t1, t2) = measure(reps, &alu_loop);
    report("threads_machine", "alu_loop", t1, t2);

    let same = "threads_same_source";
    row::<OursPrivate<30>>(same, "ours_private", reps);
    row::<OursCurrent<30>>(same, "ours_current", reps);
    row::<OursRaise<30>>(same, "raise_private", reps);
    row::<FloorWeak>(same, "floor_vec_weak", reps);
    row::<FloorStrong>(same, "floor_vec_arc", reps);
    row::<Signals2>(same, "signals2", reps);
    row::<Elp>(same, "elp", reps);
    row::<MutexWeak>(same, "mutex_vec_weak", reps);
    row::<RwLockWeak>(same, "rwlock_vec_weak", reps);

    let own = "threads_own_source";
    row::<OursPrivatePair<31>>(own, "ours_private", reps);
    row::<OursCurrentPair<31>>(own, "ours_current", reps);
    row::<Pair<FloorWeak>>(own, "floor_vec_weak", reps);
    row::<Pair<FloorStrong>>(own, "floor_vec_arc", reps);
    row::<Pair<Signals2>>(own, "signals2", reps);
    row::<Pair<MutexWeak>>(own, "mutex_vec_weak", reps);

    let (t1, t2) = measure(reps, &alu_loop);
    report("threads_machine", "alu_loop_end", t1, t2);
}
