//! Churn for the thread-affine flavour: millions of short-lived sources, receivers and managers,
//! and thousands of short-lived threads using `current()`, in the default `Idle` mode with a
//! program that never reaches an idle point (it never calls `run_pending_cleanup`). Each
//! scenario bounds what is left after settling: table entries, and the bytes the process still
//! holds (a counting allocator), which sees any queue or list that grows. One scenario is the
//! thread-safe flavour's: its lock-free reads of a published list keep a few slots per thread,
//! which must be reused, not piled up, as short-lived threads come and go.
//!
//! Not run under valgrind by `.ci/run`. Each scenario prints its figures
//! (`cargo test --release --test unsync_churn -- --nocapture`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::sync::Mutex;

use weak_events::unsync::{DropNotice, Event, WeakEvent, WeakEventListener, WeakEventManager};

/// Counts the bytes allocated and not yet freed, process-wide.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The scenarios measure process-wide bytes: they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn live() -> isize {
    LIVE.load(Ordering::SeqCst)
}

/// Cycles per scenario: millions in release, fewer in a debug build (the bounds do not depend
/// on the count).
const CYCLES: usize = if cfg!(debug_assertions) {
    200_000
} else {
    1_000_000
};

/// What may stay allocated after a scenario: far less than one byte per cycle, far more than
/// the tables' floors.
const BYTES_LEFT: isize = 64 * 1024;

/// A source with an `Event`, one with a `DropNotice`, and one with neither.
struct Button {
    clicked: Event<()>,
    notice: DropNotice,
}

impl Button {
    fn new() -> Rc<Button> {
        Rc::new(Button {
            clicked: Event::new(),
            notice: DropNotice::new(),
        })
    }
}

enum Clicked {}
impl WeakEvent for Clicked {
    type Source = Button;
    type Args = ();
    fn event(button: &Button) -> Option<&Event<()>> {
        Some(&button.clicked)
    }
}

enum Announced {}
impl WeakEvent for Announced {
    type Source = Button;
    type Args = ();
    fn drop_notice(button: &Button) -> Option<&DropNotice> {
        Some(&button.notice)
    }
}

enum Silent {}
impl WeakEvent for Silent {
    type Source = Button;
    type Args = ();
}

struct View {
    calls: Cell<usize>,
}

impl<E: WeakEvent> WeakEventListener<E> for View {
    fn receive_weak_event(&self, _: &E::Source, _: &E::Args) {
        self.calls.set(self.calls.get() + 1);
    }
}

fn view() -> Rc<View> {
    Rc::new(View {
        calls: Cell::new(0),
    })
}

/// Sources die in churn; the manager's table stays bounded and nothing accumulates elsewhere.
fn churn_sources<E: WeakEvent<Source = Button>>() -> (usize, isize) {
    let manager = WeakEventManager::<E>::new();
    let receiver = view();
    // Warm-up: the tables' first growth is not what is measured.
    for _ in 0..1024 {
        manager.add_listener(&Button::new(), &receiver);
    }
    let before = live();
    let mut peak = 0;
    for i in 0..CYCLES {
        let source = Button::new();
        manager.add_listener(&source, &receiver);
        drop(source);
        if i % 4096 == 0 {
            peak = peak.max(manager.stats().sources);
        }
    }
    let grown = live() - before;
    (peak.max(manager.stats().sources), grown)
}

#[test]
fn dead_sources_stay_bounded_without_an_idle_point() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for (name, (peak, grown)) in [
        ("with an Event", churn_sources::<Clicked>()),
        ("with a DropNotice", churn_sources::<Announced>()),
        ("announcing nothing", churn_sources::<Silent>()),
    ] {
        println!("sources {name}: peak table {peak}, {grown} bytes grown over {CYCLES} cycles");
        // The walk on add runs when the table doubles from what the last one left.
        assert!(peak <= 32, "{name}: {peak} sources in the table");
        assert!(grown < BYTES_LEFT, "{name}: {grown} bytes left behind");
    }
}

#[test]
fn dead_receivers_on_a_live_source_stay_bounded_with_or_without_deliveries() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for delivering in [false, true] {
        let manager = WeakEventManager::<Clicked>::new();
        let source = Button::new();
        let keeper = view();
        manager.add_listener(&source, &keeper);
        let before = live();
        let mut peak = 0;
        for i in 0..CYCLES {
            let receiver = view();
            manager.add_listener(&source, &receiver);
            drop(receiver);
            if delivering && i % 64 == 0 {
                source.clicked.raise(&());
            }
            if i % 4096 == 0 {
                peak = peak.max(manager.listener_count(&source));
            }
        }
        let grown = live() - before;
        println!(
            "receivers (delivering: {delivering}): peak list {peak}, {grown} bytes grown over \
             {CYCLES} cycles"
        );
        // A list that doubles is pruned on the add that doubled it.
        assert!(peak <= 64, "{peak} registrations on one source");
        assert!(grown < BYTES_LEFT, "{grown} bytes left behind");
        source.clicked.raise(&());
        assert!(keeper.calls.get() > 0, "the live listener is still called");
    }
}

#[test]
fn short_lived_managers_leave_nothing_behind() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let source = Button::new();
    let receiver = view();
    let before = live();
    for _ in 0..CYCLES {
        let manager = WeakEventManager::<Clicked>::new();
        manager.add_listener(&source, &receiver);
        source.clicked.raise(&());
        drop(manager);
    }
    let grown = live() - before;
    println!("managers: {grown} bytes grown over {CYCLES} managers");
    assert!(source.clicked.is_empty(), "every manager detached");
    assert_eq!(receiver.calls.get(), CYCLES);
    assert!(grown < BYTES_LEFT, "{grown} bytes left behind");
    let rows = weak_events::report().rows;
    assert!(
        !rows.iter().any(|row| row.event.ends_with("Clicked")),
        "no manager of this thread is left in the report: {rows:?}"
    );
}

#[test]
fn current_on_many_short_lived_threads_does_not_grow() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const THREADS: usize = 2_000;
    let run = || {
        let button = Button::new();
        let receiver = view();
        WeakEventManager::<Clicked>::current().add_listener(&button, &receiver);
        WeakEventManager::<Silent>::current().add_listener(&button, &receiver);
        button.clicked.raise(&());
        assert_eq!(receiver.calls.get(), 1);
    };
    // Warm-up: the runtime's own per-thread structures.
    for _ in 0..64 {
        std::thread::spawn(run).join().unwrap();
    }
    let before = live();
    for _ in 0..THREADS {
        std::thread::spawn(run).join().unwrap();
    }
    let grown = live() - before;
    println!("current() on {THREADS} threads: {grown} bytes grown");
    assert!(
        grown < BYTES_LEFT,
        "{grown} bytes left behind by ended threads"
    );
}

/// Set by the destructor below: what `try_current` answered while the thread's locals were being
/// destroyed, and whether `current()` gave a usable manager.
static LATE_TRY_CURRENT_WAS_NONE: AtomicBool = AtomicBool::new(false);
static LATE_CURRENT_DELIVERED: AtomicBool = AtomicBool::new(false);

struct LateUser;

impl Drop for LateUser {
    fn drop(&mut self) {
        LATE_TRY_CURRENT_WAS_NONE.store(
            WeakEventManager::<Clicked>::try_current().is_none(),
            Ordering::SeqCst,
        );
        let manager = WeakEventManager::<Clicked>::current();
        let (button, receiver) = (Button::new(), view());
        manager.add_listener(&button, &receiver);
        button.clicked.raise(&());
        LATE_CURRENT_DELIVERED.store(receiver.calls.get() == 1, Ordering::SeqCst);
    }
}

thread_local! {
    static LATE: LateUser = const { LateUser };
}

/// Runs in a child process: a panic in a thread-local destructor aborts the process, and must
/// fail this test, not the whole binary.
#[test]
fn current_while_the_threads_locals_are_destroyed_is_a_documented_answer() {
    const CHILD: &str = "WEAK_EVENTS_LATE_CURRENT_CHILD";
    if std::env::var_os(CHILD).is_none() {
        let name = "current_while_the_threads_locals_are_destroyed_is_a_documented_answer";
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "the child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let thread = std::thread::spawn(|| {
        // Registered first, so destroyed after the manager map (destructors run in reverse).
        LATE.with(|_| {});
        let _ = WeakEventManager::<Clicked>::current();
    });
    thread.join().expect("the thread ended cleanly");
    assert!(
        LATE_TRY_CURRENT_WAS_NONE.load(Ordering::SeqCst),
        "try_current says the thread's managers are gone"
    );
    assert!(
        LATE_CURRENT_DELIVERED.load(Ordering::SeqCst),
        "current() still gives a working (private) manager"
    );
}

/// A thread-safe model for the bridge churn.
struct Model {
    progress: weak_events::Event<u32>,
}

enum Progress {}
impl weak_events::WeakEvent for Progress {
    type Source = Model;
    type Args = u32;
    fn event(model: &Model) -> Option<&weak_events::Event<u32>> {
        Some(&model.progress)
    }
}

struct Bar {
    calls: Cell<usize>,
}

impl WeakEventListener<weak_events::unsync::Bridged<Progress>> for Bar {
    fn receive_weak_event(&self, _: &weak_events::unsync::Bridge<Progress>, _: &u32) {
        self.calls.set(self.calls.get() + 1);
    }
}

#[test]
fn a_million_bridged_posts_with_views_opening_and_closing_stay_bounded() {
    use std::sync::Arc;
    use weak_events::unsync::{Bridge, Dispatcher};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const WORKERS: usize = 2;
    let per_worker = CYCLES / WORKERS;
    let dispatcher = Dispatcher::new();
    let model = Arc::new(Model {
        progress: weak_events::Event::new(),
    });
    let bridge = Bridge::<Progress>::new(&dispatcher, &model);
    let keeper = Rc::new(Bar {
        calls: Cell::new(0),
    });
    bridge.add_listener(&keeper);
    // Warm-up: the queue's and the lists' first growth is not what is measured.
    for _ in 0..1024 {
        model.progress.raise(&0);
    }
    dispatcher.drain();
    let before = live();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let model = Arc::clone(&model);
            std::thread::spawn(move || {
                for i in 0..per_worker {
                    model.progress.raise(&(i as u32));
                }
            })
        })
        .collect();
    let (mut peak_queue, mut peak_views, mut opened) = (0, 0, 0);
    let mut views: Vec<Rc<Bar>> = Vec::new();
    while workers.iter().any(|w| !w.is_finished()) {
        // A view opens, and the oldest closes without unsubscribing, between drains.
        let view = Rc::new(Bar {
            calls: Cell::new(0),
        });
        bridge.add_listener(&view);
        views.push(view);
        opened += 1;
        if views.len() > 8 {
            views.remove(0);
        }
        peak_queue = peak_queue.max(dispatcher.stats().queued);
        dispatcher.drain();
        let manager = weak_events::unsync::WeakEventManager::<
            weak_events::unsync::Bridged<Progress>,
        >::current();
        peak_views = peak_views.max(manager.listener_count(&bridge));
    }
    for worker in workers {
        worker.join().unwrap();
    }
    dispatcher.drain();
    drop(views);
    let grown = live() - before;
    println!(
        "bridge: {} events, {opened} views opened, peak queue {peak_queue}, peak registrations \
         {peak_views}, {grown} bytes grown",
        WORKERS * per_worker
    );
    assert_eq!(
        keeper.calls.get(),
        1024 + WORKERS * per_worker,
        "every event delivered"
    );
    assert_eq!(dispatcher.stats().queued, 0);
    // Dead views are pruned by the deliveries that meet them.
    assert!(
        peak_views <= 8 + 1 + 16,
        "{peak_views} registrations on the bridge"
    );
    assert!(grown < BYTES_LEFT, "{grown} bytes left behind");
}

/// A listener that raises its source again from inside its delivery: the inner delivery meets
/// a dead receiver while the outer one still holds the list, so the pass it asks for cannot
/// run in place and waits in the queue.
struct Nester {
    depth: Cell<usize>,
}

impl WeakEventListener<Clicked> for Nester {
    fn receive_weak_event(&self, button: &Button, _: &()) {
        if self.depth.replace(self.depth.get() + 1) == 0 {
            button.clicked.raise(&());
        }
        self.depth.set(self.depth.get() - 1);
    }
}

#[test]
fn sources_closed_while_queued_leave_the_queue() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let manager = WeakEventManager::<Clicked>::new();
    let receiver = view();
    let run = |cycles: usize| {
        for _ in 0..cycles {
            let source = Button::new();
            let nester = Rc::new(Nester {
                depth: Cell::new(0),
            });
            let first = manager.subscribe(&source, &nester);
            let kept = manager.subscribe(&source, &receiver);
            let dead = manager.add_listener(&source, &view()); // dead at once
            source.clicked.raise(&());
            // Not pruned: the pass that would have waits in the queue (the outer delivery held
            // the list when the inner one met the dead receiver).
            assert!(manager.remove_registration(&source, dead));
            drop(kept);
            drop(first); // the last registration: the state closes while queued
            drop(source);
        }
    };
    run(1024);
    let before = live();
    run(CYCLES / 10);
    let grown = live() - before;
    println!(
        "closed while queued: {grown} bytes grown over {} cycles",
        CYCLES / 10
    );
    assert!(grown < BYTES_LEFT, "{grown} bytes left behind");
    assert_eq!(manager.stats().sources, 0);
}

/// A view model of the thread-affine flavour (its rows are an `ObservableVec` beside it).
#[derive(Default)]
struct ViewModel {
    changed: Event<weak_events::unsync::PropertyChangedArgs>,
}

impl weak_events::unsync::NotifyPropertyChanged for ViewModel {
    fn property_changed(&self) -> &Event<weak_events::unsync::PropertyChangedArgs> {
        &self.changed
    }
}

/// A view that owns its subscriptions in a bag.
#[derive(Default)]
struct RowView {
    calls: Cell<usize>,
    bag: weak_events::unsync::DisposeBag,
}

impl WeakEventListener<weak_events::unsync::PropertyChanged<ViewModel>> for RowView {
    fn receive_weak_event(&self, _: &ViewModel, _: &weak_events::unsync::PropertyChangedArgs) {
        self.calls.set(self.calls.get() + 1);
    }
}

type Rows = weak_events::unsync::ObservableVec<u32>;

impl WeakEventListener<weak_events::unsync::CollectionChanged<Rows>> for RowView {
    fn receive_weak_event(&self, _: &Rows, _: &weak_events::unsync::CollectionChange<u32>) {
        self.calls.set(self.calls.get() + 1);
    }
}

#[test]
fn view_models_and_views_with_dynamic_property_names_stay_bounded() {
    use weak_events::unsync::{
        CollectionChangedManager, PropertyChangedArgs, PropertyChangedManager,
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let properties = PropertyChangedManager::<ViewModel>::current();
    let collections = CollectionChangedManager::<Rows>::current();
    let run = |cycles: usize| {
        let mut model = Rc::new(ViewModel::default());
        let mut rows = Rc::new(Rows::new());
        let mut views: Vec<Rc<RowView>> = Vec::new();
        let mut peak = (0, 0);
        for i in 0..cycles {
            // A view opens on a row: a property name made at run time, and the rows.
            let view = Rc::new(RowView::default());
            let name = format!("row_{}", i % 1000);
            let subscription = properties.subscribe(&model, &name, &view);
            view.bag.auto_dispose(subscription);
            view.bag.auto_dispose(collections.subscribe(&rows, &view));
            views.push(view);
            if i % 3 == 0 {
                model.changed.raise(&PropertyChangedArgs::new(name));
                rows.push(i as u32);
                rows.remove(0);
            }
            // Views close: a third dispose their bag, the others are just dropped.
            if views.len() > 8 {
                let closing = views.remove(0);
                if i % 3 == 1 {
                    closing.bag.dispose();
                }
            }
            // Models are replaced now and then, with views still open on the old one.
            if i % 10_000 == 9_999 {
                model = Rc::new(ViewModel::default());
                rows = Rc::new(Rows::new());
            }
            if i % 4096 == 0 {
                let (p, c) = (properties.stats(), collections.stats());
                peak.0 = peak.0.max(p.sources + c.sources);
                peak.1 = peak.1.max(p.registrations + c.registrations);
            }
        }
        drop((views, model, rows));
        weak_events::unsync::run_pending_cleanup();
        peak
    };
    // Warm-up: the tables' first growth is not what is measured.
    run(20_000);
    let before = live();
    let peak = run(CYCLES);
    let grown = live() - before;
    let (p, c) = (properties.stats(), collections.stats());
    println!(
        "view models: peak {} sources and {} registrations; after settling {} + {} \
         registrations, {grown} bytes grown over {CYCLES} cycles",
        peak.0, peak.1, p.registrations, c.registrations
    );
    assert!(peak.0 <= 64, "{} sources at the peak", peak.0);
    assert!(peak.1 <= 4096, "{} registrations at the peak", peak.1);
    assert_eq!(
        (p.sources, p.registrations, c.sources, c.registrations),
        (0, 0, 0, 0),
        "nothing is left once the views and models are gone and the idle point ran"
    );
    assert!(grown < BYTES_LEFT, "{grown} bytes left behind");
}

#[test]
fn a_profiling_mark_left_open_under_churn_holds_a_count_per_site() {
    use std::sync::Arc;
    use weak_events::{CleanupMode, WeakEvent as SharedEvent};
    enum Churned {}
    impl SharedEvent for Churned {
        type Source = ();
        type Args = ();
    }
    enum LocalChurned {}
    impl WeakEvent for LocalChurned {
        type Source = ();
        type Args = ();
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let manager = weak_events::WeakEventManager::<Churned>::with_cleanup(CleanupMode::Inline);
    let mark = weak_events::start_profiling();
    let run = |cycles: usize| {
        for _ in 0..cycles {
            // Registered and never removed; the receiver dies; passes prune it as the list
            // doubles (and the local flavour's too, at its own site).
            let receiver = Arc::new(0_u8);
            manager.add_static_handler(&receiver, |_, _, _| {});
            let local = Rc::new(0_u8);
            WeakEventManager::<LocalChurned>::current().add_static_handler(&local, |_, _, _| {});
        }
    };
    // Warm-up: the tables' and the profiler's first growth is not what is measured.
    run(10_000);
    let before = live();
    run(CYCLES);
    let grown = live() - before;
    manager.purge();
    WeakEventManager::<LocalChurned>::current().purge();
    let profile = mark.stop();
    let rows: Vec<_> = profile
        .rows
        .iter()
        .filter(|row| row.event.ends_with("Churned"))
        .collect();
    println!("mark open over {CYCLES} dead registrations per flavour: {grown} bytes grown");
    for row in &rows {
        println!("  {row}");
    }
    assert_eq!(rows.len(), 2, "one row per creation site");
    for row in &rows {
        assert_eq!(
            row.forgotten,
            CYCLES + 10_000,
            "every one counted, pruned or not"
        );
        assert_eq!(row.alive, 0);
    }
    assert!(grown < BYTES_LEFT, "{grown} bytes held by an open mark");
}

/// The thread-safe flavour reads a published list with no lock through a few slots per thread:
/// 2,000 short-lived threads, each delivering through `deliver_event` and a raise (both read
/// published lists) and adding and removing a listener (which clears them), leave no more
/// bytes behind than a few threads' worth.
#[test]
fn root_deliveries_on_many_short_lived_threads_do_not_grow() {
    use std::sync::Arc;
    use weak_events as root;

    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const THREADS: usize = 2_000;

    struct Bus {
        ping: root::Event<u32>,
    }
    enum Direct {}
    impl root::WeakEvent for Direct {
        type Source = Bus;
        type Args = u32;
    }
    enum Ping {}
    impl root::WeakEvent for Ping {
        type Source = Bus;
        type Args = u32;
        fn event(bus: &Bus) -> Option<&root::Event<u32>> {
            Some(&bus.ping)
        }
    }
    #[derive(Default)]
    struct Counter(std::sync::atomic::AtomicUsize);
    impl root::WeakEventListener<Direct> for Counter {
        fn receive_weak_event(&self, _: &Bus, n: &u32) {
            self.0.fetch_add(*n as usize, Ordering::Relaxed);
        }
    }
    impl root::WeakEventListener<Ping> for Counter {
        fn receive_weak_event(&self, _: &Bus, n: &u32) {
            self.0.fetch_add(*n as usize, Ordering::Relaxed);
        }
    }

    let direct = Arc::new(root::WeakEventManager::<Direct>::with_cleanup(
        root::CleanupMode::Manual,
    ));
    let ping = Arc::new(root::WeakEventManager::<Ping>::with_cleanup(
        root::CleanupMode::Manual,
    ));
    let bus = Arc::new(Bus {
        ping: root::Event::new(),
    });
    let counter = Arc::new(Counter::default());
    direct.add_listener(&bus, &counter);
    ping.add_listener(&bus, &counter);
    let run = {
        let (direct, bus) = (direct.clone(), bus.clone());
        move || {
            direct.deliver_event(&bus, &1);
            bus.ping.raise(&1);
            let extra = Arc::new(Counter::default());
            direct.add_listener(&bus, &extra);
            direct.deliver_event(&bus, &1);
            assert!(direct.remove_listener(&bus, &extra));
            assert_eq!(extra.0.load(Ordering::Relaxed), 1);
        }
    };
    for _ in 0..64 {
        let run = run.clone();
        std::thread::spawn(run).join().unwrap();
    }
    let before = live();
    for _ in 0..THREADS {
        let run = run.clone();
        std::thread::spawn(run).join().unwrap();
    }
    let grown = live() - before;
    println!("root deliveries on {THREADS} threads: {grown} bytes grown");
    assert_eq!(
        counter.0.load(Ordering::Relaxed),
        3 * (64 + THREADS),
        "every delivery reached the listener"
    );
    assert!(
        grown < BYTES_LEFT,
        "{grown} bytes left behind by ended threads"
    );
}
