//! A real glib main loop (the loop under GTK) with weak events marshalled from a worker thread.
//!
//! A worker thread computes and raises progress on a thread-safe model (`Arc<Job>`, a root
//! flavour `Event`). The views live on the main loop: they are `Rc`, not `Send`, and they open
//! and close over time without ever unsubscribing. A `Bridge` carries each progress event to the
//! main thread's `Dispatcher`; the dispatcher's waker asks the main context to drain it
//! (`MainContext::invoke`), so the loop sleeps until there is something to show: no polling
//! timer. The example prints the live views, the calls and the drains, checks what it promises,
//! and quits by itself in a few seconds.
//!
//! ```sh
//! sudo apt-get install libglib2.0-dev   # glib's system library
//! cargo run --release -p weak-events-glib --example glib_main_loop
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use weak_events::unsync::{
    Bridge, Bridged, Dispatcher, WeakEventListener, WeakEventManager as LocalManager,
};
use weak_events::{Event, WeakEvent};

/// The worker's model: thread-safe, raised on the worker thread.
struct Job {
    progress: Event<u32>,
}

enum Progress {}
impl WeakEvent for Progress {
    type Source = Job;
    type Args = u32;
    fn event(job: &Job) -> Option<&Event<u32>> {
        Some(&job.progress)
    }
}

/// A view on the main loop: `Rc`, with `Cell` state, never `Send`.
struct ProgressBar {
    id: usize,
    calls: Cell<u32>,
    percent: Cell<u32>,
}

/// Calls made to views, across all of them (read at the end).
static CALLS: AtomicUsize = AtomicUsize::new(0);

impl WeakEventListener<Bridged<Progress>> for ProgressBar {
    fn receive_weak_event(&self, _: &Bridge<Progress>, percent: &u32) {
        assert!(
            *percent >= self.percent.get(),
            "events arrive in raise order"
        );
        self.percent.set(*percent);
        self.calls.set(self.calls.get() + 1);
        CALLS.fetch_add(1, Ordering::Relaxed);
    }
}

thread_local! {
    /// The main thread's dispatcher, drained by what the waker invokes on the main context.
    static DISPATCHER: RefCell<Option<Dispatcher>> = const { RefCell::new(None) };
    static DRAINS: Cell<usize> = const { Cell::new(0) };
    static DRAINED: Cell<usize> = const { Cell::new(0) };
}

fn drain() {
    DISPATCHER.with(|dispatcher| {
        if let Some(dispatcher) = &*dispatcher.borrow() {
            let ran = dispatcher.drain();
            DRAINS.with(|d| d.set(d.get() + 1));
            DRAINED.with(|d| d.set(d.get() + ran));
        }
    });
}

const STEPS: u32 = 100;

fn main() {
    let context = glib::MainContext::default();
    let main_loop = glib::MainLoop::new(Some(&context), false);

    // The waker runs on the worker thread when a post finds the queue empty: it asks the main
    // context to run one drain on the main thread. One wake per burst, no polling.
    let waker_context = context.clone();
    let dispatcher = Dispatcher::with_waker(move || waker_context.invoke(drain));
    let handle = dispatcher.handle();

    let job = Arc::new(Job {
        progress: Event::new(),
    });
    let bridge = Bridge::<Progress>::new(&dispatcher, &job);
    DISPATCHER.with(|slot| *slot.borrow_mut() = Some(dispatcher));

    // Views open every 60 ms; the oldest closes (is dropped, never unsubscribed) past four.
    let views: Rc<RefCell<Vec<Rc<ProgressBar>>>> = Rc::default();
    let opened = Rc::new(Cell::new(0_usize));
    let closed = Rc::new(RefCell::new(Vec::<std::rc::Weak<ProgressBar>>::new()));
    let opener = {
        let (views, opened, closed, bridge) = (
            Rc::clone(&views),
            Rc::clone(&opened),
            Rc::clone(&closed),
            Rc::clone(&bridge),
        );
        glib::timeout_add_local(Duration::from_millis(60), move || {
            let view = Rc::new(ProgressBar {
                id: opened.get(),
                calls: Cell::new(0),
                percent: Cell::new(0),
            });
            opened.set(opened.get() + 1);
            bridge.add_listener(&view);
            let mut views = views.borrow_mut();
            views.push(view);
            if views.len() > 4 {
                let oldest = views.remove(0);
                closed.borrow_mut().push(Rc::downgrade(&oldest));
            }
            glib::ControlFlow::Continue
        })
    };

    // A status line every 400 ms.
    let status = {
        let (views, bridge) = (Rc::clone(&views), Rc::clone(&bridge));
        glib::timeout_add_local(Duration::from_millis(400), move || {
            let live: Vec<String> = views
                .borrow()
                .iter()
                .map(|v| format!("#{}:{}%", v.id, v.percent.get()))
                .collect();
            println!(
                "live views [{}], calls {}, drains {}, registrations on the bridge {}",
                live.join(" "),
                CALLS.load(Ordering::Relaxed),
                DRAINS.with(Cell::get),
                LocalManager::<Bridged<Progress>>::current().listener_count(&bridge),
            );
            glib::ControlFlow::Continue
        })
    };

    // The worker: computes, raises progress on its own thread, then asks the loop to quit.
    let worker = {
        let (job, main_loop) = (Arc::clone(&job), main_loop.clone());
        std::thread::spawn(move || {
            for step in 1..=STEPS {
                std::thread::sleep(Duration::from_millis(20));
                job.progress.raise(&step);
            }
            handle
                .post(move || main_loop.quit())
                .expect("the main loop's dispatcher is alive");
        })
    };

    main_loop.run();
    worker.join().expect("the worker finished");

    let stats = DISPATCHER.with(|d| d.borrow().as_ref().map(Dispatcher::stats).unwrap());
    let leaked_closed = closed
        .borrow()
        .iter()
        .filter(|view| view.upgrade().is_some())
        .count();
    let calls = CALLS.load(Ordering::Relaxed);
    let drains = DRAINS.with(Cell::get);
    println!(
        "done: {STEPS} events raised on the worker, {} views opened and {} closed without \
         unsubscribing, {calls} calls, {} jobs in {drains} drains, {} queued",
        opened.get(),
        closed.borrow().len(),
        DRAINED.with(Cell::get),
        stats.queued,
    );
    assert_eq!(leaked_closed, 0, "no closed view is kept alive");
    assert!(calls > 0, "the views were called");
    assert!(
        drains > 0 && drains <= DRAINED.with(Cell::get),
        "woken to drain, not polled"
    );
    assert_eq!(stats.queued, 0, "nothing left in the queue");
    for view in views.borrow().iter() {
        assert!(
            view.calls.get() > 0 || view.id + 4 >= opened.get(),
            "a live view was called"
        );
    }

    // The window closes: its timers (which hold the bridge) go, then the bridge and the main
    // thread's dispatcher. The bridge's registration on the job goes with the bridge: nothing of
    // the main loop is left on the worker's model.
    opener.remove();
    status.remove();
    drop(bridge);
    DISPATCHER.with(|d| d.borrow_mut().take());
    assert!(job.progress.is_empty(), "nothing left on the model's event");
    println!("the model's event has no handler left; bye");
}
