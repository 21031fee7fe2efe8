//! The two flavours the engine is generic over: [`Shared`] (the crate root: `Arc`, `Mutex`, a
//! sharded table) and [`Local`] (`weak_events::unsync`: `Rc`, `RefCell`, a plain map).
//!
//! The engine (`engine.rs`, `source.rs`, `list.rs`, `entry.rs`) is written once against
//! [`Flavor`]: its pointers, weak pointers, locks and table come from here, so the thread-affine
//! flavour pays no atomic read-modify-write per listener and no lock per delivery. What differs
//! by flavour beyond that (the kind trait a user implements, the `Event` a source carries, the
//! cleanup runner, the unsized coercions that need `Send + Sync` in one flavour and not in the
//! other) goes through [`Kind`](crate::engine::Kind), which each flavour implements for its own
//! kinds in one blanket impl.

use std::cell::{RefCell, RefMut};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;
use std::sync::Arc;

use crate::sync::{lock, wait, Condvar, Loaded, Mutex, MutexGuard, Published};
use crate::table::TableOps;

/// Pointers, locks and the source table of one flavour.
pub(crate) trait Flavor: Sized + 'static {
    /// The shared pointer (`Arc` or `Rc`).
    type Ptr<T: ?Sized + 'static>: Clone + Deref<Target = T>;
    /// Its weak form.
    type Weak<T: ?Sized + 'static>: Clone;
    /// The lock around a source's state (`Mutex` or `RefCell`).
    type Lock<T: 'static>;
    /// A held lock.
    type Guard<'a, T: 'static>: DerefMut<Target = T>;
    /// What adds wait on while another thread hooks onto a source (nothing, for one thread).
    type Signal;
    /// The table from a source's address to its state.
    type Table<V: Clone + 'static>: TableOps<V>;
    /// A pointer set under its owner's lock and read with none (see [`Flavor::PUBLISHES`]).
    type Published<T: 'static>;
    /// A pointer read from a [`Flavor::Published`], held while a delivery walks it (always
    /// `Some`; the type is the reading mechanism's own).
    type Loaded<T: 'static>: Deref<Target = Option<Self::Ptr<T>>>;

    /// Whether deliveries read a list's current vector from its [`Flavor::Published`] pointer
    /// (no lock, no reference count) rather than by locking the list and cloning the vector.
    /// Only where that saves atomic read-modify-writes: the thread-safe flavour.
    const PUBLISHES: bool;

    fn new<T: 'static>(value: T) -> Self::Ptr<T>;
    fn new_cyclic<T: 'static>(make: impl FnOnce(&Self::Weak<T>) -> T) -> Self::Ptr<T>;
    fn downgrade<T: ?Sized + 'static>(ptr: &Self::Ptr<T>) -> Self::Weak<T>;
    fn upgrade<T: ?Sized + 'static>(weak: &Self::Weak<T>) -> Option<Self::Ptr<T>>;
    /// Strong references left to what `weak` points at.
    fn strong_count<T: ?Sized + 'static>(weak: &Self::Weak<T>) -> usize;
    /// The address `weak` points at (valid while the allocation is).
    fn weak_addr<T: ?Sized + 'static>(weak: &Self::Weak<T>) -> usize;
    fn addr<T: ?Sized + 'static>(ptr: &Self::Ptr<T>) -> usize;
    fn get_mut<T: ?Sized + 'static>(ptr: &mut Self::Ptr<T>) -> Option<&mut T>;
    fn make_mut<T: Clone + 'static>(ptr: &mut Self::Ptr<T>) -> &mut T;
    /// The value, if `ptr` was its only strong pointer.
    fn try_unwrap<T: 'static>(ptr: Self::Ptr<T>) -> Result<T, Self::Ptr<T>>;

    fn new_lock<T: 'static>(value: T) -> Self::Lock<T>;
    fn lock<T: 'static>(lock: &Self::Lock<T>) -> Self::Guard<'_, T>;
    /// The lock if it is free now (a poisoned lock is free); `None` if it is held.
    fn try_lock<T: 'static>(lock: &Self::Lock<T>) -> Option<Self::Guard<'_, T>>;
    fn new_signal() -> Self::Signal;
    /// Waits for `notify_all` (never called by [`Local`]: one thread never waits for itself).
    fn wait<'a, T: 'static>(signal: &Self::Signal, guard: Self::Guard<'a, T>)
        -> Self::Guard<'a, T>;
    fn notify_all(signal: &Self::Signal);

    fn new_published<T: 'static>() -> Self::Published<T>;
    /// The published pointer, if one is set.
    fn load<T: 'static>(published: &Self::Published<T>) -> Option<Self::Loaded<T>>;
    fn publish<T: 'static>(published: &Self::Published<T>, value: Option<Self::Ptr<T>>);
}

/// The thread-safe flavour of the crate root.
pub(crate) enum Shared {}

/// The thread-affine flavour of `weak_events::unsync`.
pub(crate) enum Local {}

impl Flavor for Shared {
    type Ptr<T: ?Sized + 'static> = Arc<T>;
    type Weak<T: ?Sized + 'static> = std::sync::Weak<T>;
    type Lock<T: 'static> = Mutex<T>;
    type Guard<'a, T: 'static> = MutexGuard<'a, T>;
    type Signal = Condvar;
    type Table<V: Clone + 'static> = crate::table::Table<V>;
    type Published<T: 'static> = Published<T>;
    type Loaded<T: 'static> = Loaded<T>;
    const PUBLISHES: bool = true;

    fn new<T: 'static>(value: T) -> Arc<T> {
        Arc::new(value)
    }
    fn new_cyclic<T: 'static>(make: impl FnOnce(&std::sync::Weak<T>) -> T) -> Arc<T> {
        Arc::new_cyclic(make)
    }
    fn downgrade<T: ?Sized + 'static>(ptr: &Arc<T>) -> std::sync::Weak<T> {
        Arc::downgrade(ptr)
    }
    fn upgrade<T: ?Sized + 'static>(weak: &std::sync::Weak<T>) -> Option<Arc<T>> {
        weak.upgrade()
    }
    fn strong_count<T: ?Sized + 'static>(weak: &std::sync::Weak<T>) -> usize {
        weak.strong_count()
    }
    fn weak_addr<T: ?Sized + 'static>(weak: &std::sync::Weak<T>) -> usize {
        addr_of(weak.as_ptr())
    }
    fn addr<T: ?Sized + 'static>(ptr: &Arc<T>) -> usize {
        addr_of(Arc::as_ptr(ptr))
    }
    fn get_mut<T: ?Sized + 'static>(ptr: &mut Arc<T>) -> Option<&mut T> {
        Arc::get_mut(ptr)
    }
    fn make_mut<T: Clone + 'static>(ptr: &mut Arc<T>) -> &mut T {
        Arc::make_mut(ptr)
    }
    fn try_unwrap<T: 'static>(ptr: Arc<T>) -> Result<T, Arc<T>> {
        Arc::try_unwrap(ptr)
    }
    fn new_lock<T: 'static>(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
    fn lock<T: 'static>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
        lock(mutex)
    }
    fn try_lock<T: 'static>(mutex: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
        match mutex.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
    fn new_signal() -> Condvar {
        Condvar::new()
    }
    fn wait<'a, T: 'static>(signal: &Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        wait(signal, guard)
    }
    fn notify_all(signal: &Condvar) {
        signal.notify_all();
    }
    fn new_published<T: 'static>() -> Published<T> {
        Published::new()
    }
    fn load<T: 'static>(published: &Published<T>) -> Option<Loaded<T>> {
        published.load()
    }
    fn publish<T: 'static>(published: &Published<T>, value: Option<Arc<T>>) {
        published.set(value);
    }
}

impl Flavor for Local {
    type Ptr<T: ?Sized + 'static> = Rc<T>;
    type Weak<T: ?Sized + 'static> = std::rc::Weak<T>;
    type Lock<T: 'static> = RefCell<T>;
    type Guard<'a, T: 'static> = RefMut<'a, T>;
    type Signal = ();
    type Table<V: Clone + 'static> = crate::table::LocalTable<V>;
    type Published<T: 'static> = ();
    type Loaded<T: 'static> = NeverLoaded<T>;
    // A delivery's `RefCell` borrow and `Rc` clone are a few plain instructions: nothing to save.
    const PUBLISHES: bool = false;

    fn new<T: 'static>(value: T) -> Rc<T> {
        Rc::new(value)
    }
    fn new_cyclic<T: 'static>(make: impl FnOnce(&std::rc::Weak<T>) -> T) -> Rc<T> {
        Rc::new_cyclic(make)
    }
    fn downgrade<T: ?Sized + 'static>(ptr: &Rc<T>) -> std::rc::Weak<T> {
        Rc::downgrade(ptr)
    }
    fn upgrade<T: ?Sized + 'static>(weak: &std::rc::Weak<T>) -> Option<Rc<T>> {
        weak.upgrade()
    }
    fn strong_count<T: ?Sized + 'static>(weak: &std::rc::Weak<T>) -> usize {
        weak.strong_count()
    }
    fn weak_addr<T: ?Sized + 'static>(weak: &std::rc::Weak<T>) -> usize {
        addr_of(weak.as_ptr())
    }
    fn addr<T: ?Sized + 'static>(ptr: &Rc<T>) -> usize {
        addr_of(Rc::as_ptr(ptr))
    }
    fn get_mut<T: ?Sized + 'static>(ptr: &mut Rc<T>) -> Option<&mut T> {
        Rc::get_mut(ptr)
    }
    fn make_mut<T: Clone + 'static>(ptr: &mut Rc<T>) -> &mut T {
        Rc::make_mut(ptr)
    }
    fn try_unwrap<T: 'static>(ptr: Rc<T>) -> Result<T, Rc<T>> {
        Rc::try_unwrap(ptr)
    }
    fn new_lock<T: 'static>(value: T) -> RefCell<T> {
        RefCell::new(value)
    }
    /// The crate never holds a borrow while user code runs, and never borrows a state it has
    /// borrowed already, so this borrow cannot fail.
    fn lock<T: 'static>(cell: &RefCell<T>) -> RefMut<'_, T> {
        cell.borrow_mut()
    }
    fn try_lock<T: 'static>(cell: &RefCell<T>) -> Option<RefMut<'_, T>> {
        cell.try_borrow_mut().ok()
    }
    fn new_signal() {}
    fn wait<'a, T: 'static>((): &(), guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        // Only a hook by another thread is waited for: on one thread the hooking add is the
        // caller itself, and the engine does not wait for itself.
        guard
    }
    fn notify_all((): &()) {}
    fn new_published<T: 'static>() {}
    fn load<T: 'static>((): &()) -> Option<NeverLoaded<T>> {
        None
    }
    fn publish<T: 'static>((): &(), _: Option<Rc<T>>) {}
}

/// What [`Local`] loads from its (absent) published pointer: nothing, ever. Uninhabited, so
/// the published branch of a delivery compiles away in this flavour.
pub(crate) enum NeverLoaded<T> {
    #[allow(dead_code)]
    Never(std::convert::Infallible, std::marker::PhantomData<T>),
}

impl<T> Deref for NeverLoaded<T> {
    type Target = Option<Rc<T>>;
    fn deref(&self) -> &Option<Rc<T>> {
        match *self {
            NeverLoaded::Never(never, _) => match never {},
        }
    }
}

/// The address `ptr` points at: a table key or a listener's identity.
pub(crate) fn addr_of<T: ?Sized>(ptr: *const T) -> usize {
    ptr.cast::<()>() as usize
}
