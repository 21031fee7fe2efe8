//! The dispatcher and the bridge: thread-safe events raised on worker threads reach `unsync`
//! listeners on the UI thread (this test's thread) at the next drain.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use weak_events::unsync::{Bridge, Bridged, Dispatcher, DispatcherGone, WeakEventListener};
use weak_events::{Event, WeakEvent, WeakEventManager};

/// A thread-safe model that worker threads raise progress on: (raising thread, sequence).
struct Model {
    progress: Event<(usize, usize)>,
}

enum Progress {}
impl WeakEvent for Progress {
    type Source = Model;
    type Args = (usize, usize);
    fn event(model: &Model) -> Option<&Event<(usize, usize)>> {
        Some(&model.progress)
    }
}

/// A view on the UI thread: records what it received.
#[derive(Default)]
struct View {
    seen: RefCell<Vec<(usize, usize)>>,
}

impl WeakEventListener<Bridged<Progress>> for View {
    fn receive_weak_event(&self, bridge: &Bridge<Progress>, args: &(usize, usize)) {
        assert!(
            bridge.source().is_some(),
            "the source is reachable from the bridge"
        );
        self.seen.borrow_mut().push(*args);
    }
}

fn model() -> Arc<Model> {
    Arc::new(Model {
        progress: Event::new(),
    })
}

#[test]
fn events_from_four_threads_reach_every_live_view_in_raise_order_per_thread() {
    const THREADS: usize = 4;
    const EVENTS: usize = 500;
    let dispatcher = Dispatcher::new();
    let model = model();
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let views: Vec<Rc<View>> = (0..3).map(|_| Rc::new(View::default())).collect();
    for view in &views {
        bridge.add_listener(view);
    }

    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (model, start) = (Arc::clone(&model), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                for seq in 0..EVENTS {
                    model.progress.raise(&(t, seq));
                }
            })
        })
        .collect();
    // Drain while the workers raise, as a UI loop woken by them would.
    let mut drained = 0;
    while workers.iter().any(|w| !w.is_finished()) {
        drained += dispatcher.drain();
    }
    for worker in workers {
        worker.join().unwrap();
    }
    drained += dispatcher.drain();
    assert_eq!(drained, THREADS * EVENTS, "one job per event");

    for view in &views {
        let seen = view.seen.borrow();
        assert_eq!(
            seen.len(),
            THREADS * EVENTS,
            "every event reached every live view"
        );
        for t in 0..THREADS {
            let order: Vec<usize> = seen
                .iter()
                .filter(|(s, _)| *s == t)
                .map(|&(_, n)| n)
                .collect();
            assert_eq!(
                order,
                (0..EVENTS).collect::<Vec<_>>(),
                "thread {t}'s events in order"
            );
        }
    }
    assert_eq!(dispatcher.stats().queued, 0);
}

#[test]
fn a_view_closed_before_the_drain_is_not_called() {
    let dispatcher = Dispatcher::new();
    let model = model();
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let calls = Rc::new(AtomicUsize::new(0));
    struct Counting(Rc<AtomicUsize>);
    impl WeakEventListener<Bridged<Progress>> for Counting {
        fn receive_weak_event(&self, _: &Bridge<Progress>, _: &(usize, usize)) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let view = Rc::new(Counting(Rc::clone(&calls)));
    bridge.add_listener(&view);
    let worker = Arc::clone(&model);
    std::thread::spawn(move || worker.progress.raise(&(0, 0)))
        .join()
        .unwrap();
    drop(view); // closed while the event waits in the queue
    assert_eq!(dispatcher.drain(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_dropped_dispatcher_leaves_nothing_on_the_source() {
    let model = model();
    let dispatcher = Dispatcher::new();
    let handle = dispatcher.handle();
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let view = Rc::new(View::default());
    bridge.add_listener(&view);
    let manager = WeakEventManager::<Progress>::current();
    assert_eq!(
        manager.listener_count(&model),
        1,
        "the bridge's registration"
    );

    drop(dispatcher);
    assert_eq!(handle.post(|| {}), Err(DispatcherGone));
    // The next event finds the dispatcher gone: the bridge's registration removes itself.
    model.progress.raise(&(0, 0));
    assert_eq!(manager.listener_count(&model), 0);
    assert!(
        model.progress.is_empty(),
        "the manager detached from the source"
    );
    assert_eq!(
        handle.stats().refused,
        2,
        "the post above and the bridged event"
    );
    // Later raises cost nothing: no registration, no post.
    model.progress.raise(&(0, 1));
    assert_eq!(handle.stats().refused, 2);
    assert!(view.seen.borrow().is_empty());
    drop(bridge);
}

#[test]
fn a_dropped_bridge_removes_its_registration_at_once() {
    let model = model();
    let dispatcher = Dispatcher::new();
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let manager = WeakEventManager::<Progress>::current();
    assert_eq!(manager.listener_count(&model), 1);
    drop(bridge);
    assert_eq!(manager.listener_count(&model), 0);
    model.progress.raise(&(0, 0));
    assert_eq!(
        dispatcher.stats().posted,
        0,
        "nothing posted for a bridge that is gone"
    );
}

#[test]
fn dropping_the_dispatcher_runs_what_was_posted_before() {
    let ran = Arc::new(AtomicUsize::new(0));
    let dispatcher = Dispatcher::new();
    let handle = dispatcher.handle();
    for _ in 0..3 {
        let ran = Arc::clone(&ran);
        handle
            .post(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
    }
    drop(dispatcher);
    assert_eq!(ran.load(Ordering::SeqCst), 3, "accepted work is never lost");
    assert!(handle.post(|| {}).is_err());
}

#[test]
fn a_panicking_job_does_not_stop_the_others() {
    let dispatcher = Dispatcher::new();
    let handle = dispatcher.handle();
    let ran = Arc::new(AtomicUsize::new(0));
    handle.post(|| panic!("job failed")).unwrap();
    let counter = Arc::clone(&ran);
    handle
        .post(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatcher.drain()));
    assert!(result.is_err(), "the panic surfaces from the drain");
    assert_eq!(ran.load(Ordering::SeqCst), 1, "the job after it ran");
    assert_eq!(dispatcher.stats().queued, 0);
}

#[test]
fn a_drain_from_inside_a_job_runs_nothing_and_keeps_the_order() {
    let dispatcher = Rc::new(Dispatcher::new());
    let handle = dispatcher.handle();

    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (first, second) = (Arc::clone(&log), Arc::clone(&log));
    handle.post(move || first.lock().unwrap().push(1)).unwrap();
    // A UI-thread job that drains again (held through a thread-local in real code).
    thread_local! {
        static INNER: RefCell<Option<Rc<Dispatcher>>> = const { RefCell::new(None) };
    }
    INNER.with(|inner| *inner.borrow_mut() = Some(Rc::clone(&dispatcher)));
    let late = handle.clone();
    let third = Arc::clone(&log);
    handle
        .post(move || {
            late.post(move || third.lock().unwrap().push(3)).unwrap();
            let ran = INNER.with(|inner| inner.borrow().as_ref().unwrap().drain());
            assert_eq!(ran, 0, "a nested drain runs nothing");
        })
        .unwrap();
    handle.post(move || second.lock().unwrap().push(2)).unwrap();
    assert_eq!(dispatcher.drain(), 3);
    assert_eq!(dispatcher.drain(), 1);
    assert_eq!(*log.lock().unwrap(), [1, 2, 3], "posting order kept");
    INNER.with(|inner| inner.borrow_mut().take());
}

#[test]
fn a_waker_that_panics_is_called_again_by_the_next_post() {
    static WAKES: AtomicUsize = AtomicUsize::new(0);
    let dispatcher = Dispatcher::with_waker(|| {
        if WAKES.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("waker failed");
        }
    });
    let handle = dispatcher.handle();
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle.post(|| {})));
    assert!(first.is_err(), "the waker's panic surfaces from the post");
    assert_eq!(dispatcher.stats().queued, 1, "the job was accepted");
    handle.post(|| {}).unwrap();
    assert_eq!(
        WAKES.load(Ordering::SeqCst),
        2,
        "woken again though the queue was not empty"
    );
    assert_eq!(dispatcher.drain(), 2);
}
