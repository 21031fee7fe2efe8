//! `deliver_event` and a raise through a source's `Event` make no heap allocation.
//!
//! A counting global allocator counts allocations made on this test's thread while armed. This
//! binary holds one test so that nothing else runs beside it.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use weak_events::{
    CleanupMode, Event, PropertyChangedArgs, PropertyChangedManager, WeakEventManager,
};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if ARMED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: defers every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    ARMED.with(|armed| armed.set(true));
    f();
    ARMED.with(|armed| armed.set(false));
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn delivery_allocates_nothing() {
    let direct = WeakEventManager::<Direct>::with_cleanup(CleanupMode::Manual);
    let attached = WeakEventManager::<Ping>::with_cleanup(CleanupMode::Manual);
    let statics = WeakEventManager::<Global>::with_cleanup(CleanupMode::Manual);
    let bus = Bus::new();
    let log = log();
    let listeners: Vec<_> = (0..128).map(|i| Recorder::new(i, &log)).collect();
    let receivers: Vec<_> = (0..128).map(|_| Arc::new(AtomicUsize::new(0))).collect();
    for (listener, receiver) in listeners.iter().zip(&receivers) {
        direct.add_listener(&bus, listener);
        attached.add_listener(&bus, listener);
        statics.add_static_listener(listener);
        direct.add_handler(&bus, receiver, |r, _, n| {
            r.fetch_add(*n as usize, Ordering::Relaxed);
        });
    }
    let plain: Event<u32> = Event::new();
    for receiver in &receivers {
        let receiver = Arc::clone(receiver);
        let _ = plain.subscribe(move |n| {
            receiver.fetch_add(*n as usize, Ordering::Relaxed);
        });
    }
    // The recorders push into a log; give it room up front so that only our code is measured.
    log.lock().unwrap().reserve(128 * 3 * 20);

    let deliver_all = || {
        direct.deliver_event(&bus, &1);
        bus.ping.raise(&1);
        statics.deliver_static(&1);
        plain.raise(&1);
    };
    // A list delivered to again and again is published after a few deliveries, and the first
    // lock-free read of one on a thread allocates once for the thread: the read slots it keeps
    // (for the thread's life, then reused by a later thread). Nothing else, ever.
    let warm_up = allocations_during(|| {
        for _ in 0..10 {
            deliver_all();
        }
    });
    assert!(warm_up <= 1, "the warm-up allocated {warm_up} times");
    let allocations = allocations_during(|| {
        for _ in 0..10 {
            deliver_all();
        }
    });
    assert_eq!(allocations, 0, "delivery allocated");
    assert_eq!(
        log.lock().unwrap().len(),
        128 * 3 * 20,
        "and it did deliver"
    );
    assert_eq!(receivers[0].load(Ordering::Relaxed), 40);

    // A property change reaches its property's listeners without allocating either.
    let properties = PropertyChangedManager::<Model>::with_cleanup(CleanupMode::Manual);
    let model = Arc::new(Model::default());
    for (i, receiver) in receivers.iter().enumerate() {
        let name = ["a", "b", "c", "d"][i % 4];
        properties.add_handler(&model, name, receiver, |r, _, _| {
            r.fetch_add(1, Ordering::Relaxed);
        });
    }
    properties.add_handler(&model, "", &receivers[0], |r, _, _| {
        r.fetch_add(1, Ordering::Relaxed);
    });
    const B: PropertyChangedArgs = PropertyChangedArgs::of("b");
    let before = receivers[1].load(Ordering::Relaxed);
    let allocations = allocations_during(|| {
        for _ in 0..10 {
            model.changed.raise(&B);
            properties.deliver_event(&model, &PropertyChangedArgs::all());
        }
    });
    assert_eq!(allocations, 0, "property delivery allocated");
    assert_eq!(receivers[1].load(Ordering::Relaxed) - before, 20);

    // And in the thread-affine flavour.
    {
        use std::rc::Rc;
        use weak_events::unsync;

        #[derive(Default)]
        struct LocalModel {
            changed: unsync::Event<PropertyChangedArgs>,
        }
        impl unsync::NotifyPropertyChanged for LocalModel {
            fn property_changed(&self) -> &unsync::Event<PropertyChangedArgs> {
                &self.changed
            }
        }
        let manager = unsync::PropertyChangedManager::<LocalModel>::new();
        let model = Rc::new(LocalModel::default());
        let counters: Vec<Rc<Cell<usize>>> = (0..64).map(|_| Rc::default()).collect();
        for (i, counter) in counters.iter().enumerate() {
            let name = ["a", "b", "c", "d"][i % 4];
            manager.add_handler(&model, name, counter, |c, _, _| c.set(c.get() + 1));
        }
        manager.add_handler(&model, "", &counters[0], |c, _, _| c.set(c.get() + 1));
        let allocations = allocations_during(|| {
            for _ in 0..10 {
                model.changed.raise(&B);
                manager.deliver_event(&model, &PropertyChangedArgs::all());
            }
        });
        assert_eq!(allocations, 0, "unsync property delivery allocated");
        assert_eq!(counters[1].get(), 20, "and it did deliver");
    }

    // The counter itself works: an add allocates its entry.
    let extra = Recorder::new(999, &log);
    assert!(
        allocations_during(|| {
            direct.add_listener(&bus, &extra);
        }) > 0
    );
}
