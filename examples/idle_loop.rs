//! An application loop that owns its idle point: cleanup runs there, never on another thread.
//!
//! GUI toolkits and game loops have a moment when the frame's work is done: winit's
//! `about_to_wait`, glib's `idle_add`, the end of a frame. Put the process in
//! [`CleanupMode::Manual`] and call [`weak_events::run_pending_cleanup`] there: a cleanup request
//! then only marks work pending (cheap, on whatever thread made it), and the pass runs on the
//! loop's thread when it has nothing else to do. When nothing is pending the call is one
//! uncontended lock.
//!
//! ```text
//! cargo run --example idle_loop
//! ```

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use weak_events::{CleanupMode, Event, WeakEvent, WeakEventListener, WeakEventManager};

struct Clock {
    frame: Event<u64>,
}

enum Frame {}
impl WeakEvent for Frame {
    type Source = Clock;
    type Args = u64;
    fn event(clock: &Clock) -> Option<&Event<u64>> {
        Some(&clock.frame)
    }
}

struct Sprite;
impl WeakEventListener<Frame> for Sprite {
    fn receive_weak_event(&self, _: &Clock, _frame: &u64) {}
}

fn main() {
    weak_events::set_cleanup_mode(CleanupMode::Manual);
    let manager = WeakEventManager::<Frame>::current();
    let clock = Arc::new(Clock {
        frame: Event::new(),
    });
    let mut sprites = VecDeque::new();
    let frame_budget = Duration::from_millis(2);

    for frame in 0..300u64 {
        let started = Instant::now();
        // The frame's work: sprites spawn, live for 20 frames, and despawn without unsubscribing.
        for _ in 0..5 {
            let sprite = Arc::new(Sprite);
            manager.add_listener(&clock, &sprite);
            sprites.push_back(sprite);
        }
        while sprites.len() > 100 {
            sprites.pop_front();
        }
        clock.frame.raise(&frame);

        // The idle point: the frame's work is done and there is time left in its budget.
        if started.elapsed() < frame_budget {
            let report = weak_events::run_pending_cleanup();
            if frame % 50 == 0 {
                let stats = manager.stats();
                println!(
                    "frame {frame:>3}: {:>3} live sprites, {:>3} entries ({:>3} dead), pass purged {:>3}",
                    sprites.len(),
                    stats.registrations,
                    stats.dead,
                    report.entries_purged
                );
            }
        }
    }
    let stats = manager.stats();
    println!(
        "done: {} passes, {} forgotten removals pruned, {} entries for {} live sprites",
        stats.cleanup.passes,
        stats.cleanup.forgotten_removals,
        stats.registrations,
        sprites.len()
    );
}
