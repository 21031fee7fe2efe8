//! Dispose profiling (qooxdoo's) and the per-test leak check: who registered, where, and never
//! removed.
//!
//! # What is recorded, and when
//!
//! Nothing, unless a [`ProfilingMark`] or a [`LeakCheck`] is open: then a registration pays one
//! relaxed atomic load and nothing else. While one is open, each registration made by the
//! application (the crate's own, such as a bridge's relay, are left out) is recorded with its
//! creation site (the line that called the registering method, from `#[track_caller]`), and
//! forgotten when it is removed. A registration a cleanup pass prunes because its receiver
//! died is turned into a count for its creation site in every open mark, so the answer does not
//! depend on whether a pass ran before the mark was stopped, and a mark left open under churn
//! holds one count per creation site, not one record per registration. Everything is freed when
//! the last mark and check end.
//!
//! # Backtraces
//!
//! A creation site is exact and free: it needs no debug info. A backtrace (from
//! [`start_profiling`], or [`LeakCheck::start_with_backtraces`]) is captured once per creation
//! site and shared by every registration made there: capturing is the expensive part, so the
//! crate looks the site up before it captures. The consequence: every caller of a helper that
//! registers (one creation site) shows the backtrace of the first of them. Backtraces need
//! debug info (`debug = true`, or at least `debug = "line-tables-only"`, in the profile) to
//! show file names and lines.

use std::backtrace::Backtrace;
use std::fmt;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;
use std::thread::ThreadId;

use crate::flavor::{Flavor, Local, Shared};

mod record;

use record::{close, found, narrow, open};
pub(crate) use record::{
    internal, manager_dropped, pending_local, pending_shared, pruned_local, pruned_shared,
    record_local, record_shared, LocalSource, Pending, Probe, SharedSource,
};

/// Starts dispose profiling, process-wide: every registration made from now on, on any thread,
/// records where it was made (and a backtrace, captured once per creation site).
///
/// Stop it with [`ProfilingMark::stop`]: a [`Profile`] of the registrations made since this mark
/// and never removed, one row per creation site. The answer does not depend on when cleanup
/// ran. Marks may overlap; recording stops when the last open mark (and [`LeakCheck`]) ends.
/// For one test's registrations, use a [`LeakCheck`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let manager = WeakEventManager::<Ping>::new();
/// let (bus, tidy, forgetful) = (Arc::new(Bus), Arc::new(View), Arc::new(View));
///
/// let mark = weak_events::start_profiling();
/// let guard = manager.subscribe(&bus, &tidy);
/// manager.add_listener(&bus, &forgetful); // never removed
/// drop(guard);
/// let profile = mark.stop();
///
/// assert_eq!(profile.rows.len(), 1, "one creation site");
/// assert_eq!(profile.rows[0].alive, 1);
/// assert!(profile.rows[0].receiver.ends_with("View"));
/// println!("{profile}"); // one line per site; `profile.with_backtraces()` for the stacks
/// ```
pub fn start_profiling() -> ProfilingMark {
    let id = open(None, true);
    ProfilingMark { id, open: true }
}

/// An open dispose-profiling mark; see [`start_profiling`].
///
/// # Examples
///
/// ```
/// let mark = weak_events::start_profiling();
/// assert!(mark.stop().is_empty());
/// ```
#[derive(Debug)]
#[must_use = "a mark records until it is stopped; call `stop` to get the profile"]
pub struct ProfilingMark {
    id: u64,
    open: bool,
}

impl ProfilingMark {
    /// Ends the mark: the registrations made since it, on any thread (for the thread-affine
    /// flavour: on this one), that were never removed, grouped by creation site in the order
    /// of their first registration.
    ///
    /// # Examples
    ///
    /// ```
    /// let first = weak_events::start_profiling();
    /// let second = weak_events::start_profiling();
    /// assert!(second.stop().is_empty());
    /// assert!(first.stop().is_empty());
    /// ```
    pub fn stop(mut self) -> Profile {
        let profile = found(self.id);
        self.open = false;
        close(self.id, None, true);
        profile
    }
}

impl Drop for ProfilingMark {
    /// A mark dropped without `stop` still ends, so recording does not go on forever.
    fn drop(&mut self) {
        if self.open {
            close(self.id, None, true);
        }
    }
}

/// A leak assertion for one test: what this thread registered since [`start`](Self::start) and
/// never removed.
///
/// A *leak* is a registration made on this thread since the check started, never removed by
/// the code, whose receiver is still alive when checked (a live subscription left behind):
/// [`assert_no_leaks`](Self::assert_no_leaks) fails on it, naming its creation site (and its
/// backtrace, with [`start_with_backtraces`](Self::start_with_backtraces)). A registration
/// whose receiver died without its removal is harmless under weak events but is a forgotten
/// removal: it is listed, and fails only [`assert_no_forgotten_removals`](Self::assert_no_forgotten_removals).
/// Neither depends on when cleanup ran. Registrations made on other threads (other tests
/// running in parallel) are not seen; [`only`](Self::only) narrows the check to given
/// managers. The process-wide [`start_profiling`] is for whole-application hunts. A check
/// stays on the thread that started it (it is not `Send`):
///
/// ```compile_fail
/// let check = weak_events::LeakCheck::start();
/// std::thread::spawn(move || check.assert_no_leaks());
/// ```
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{LeakCheck, WeakEvent, WeakEventListener, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
/// struct View;
/// impl WeakEventListener<Ping> for View { fn receive_weak_event(&self, _: &Bus, _: &()) {} }
///
/// let check = LeakCheck::start();
/// let manager = WeakEventManager::<Ping>::new();
/// let (bus, view) = (Arc::new(Bus), Arc::new(View));
/// let subscription = manager.subscribe(&bus, &view);
/// drop(subscription); // tidy
/// check.assert_no_leaks();
/// ```
#[derive(Debug)]
#[must_use = "a check records until it asserts or is dropped"]
pub struct LeakCheck {
    id: u64,
    thread: ThreadId,
    backtraces: bool,
    open: bool,
    /// A check belongs to the thread that started it (it counts that thread's checks): it is
    /// neither `Send` nor `Sync`.
    _thread_bound: PhantomData<*const ()>,
}

impl LeakCheck {
    /// Starts a check of this thread's registrations, recording creation sites only.
    ///
    /// # Examples
    ///
    /// ```
    /// let check = weak_events::LeakCheck::start();
    /// assert!(check.found().is_empty());
    /// ```
    pub fn start() -> Self {
        Self::begin(false)
    }

    /// Starts a check that also captures a backtrace per creation site (see the module's
    /// notes: once per site, and they need debug info).
    ///
    /// # Examples
    ///
    /// ```
    /// let check = weak_events::LeakCheck::start_with_backtraces();
    /// check.assert_no_forgotten_removals();
    /// ```
    pub fn start_with_backtraces() -> Self {
        Self::begin(true)
    }

    fn begin(backtraces: bool) -> Self {
        let thread = std::thread::current().id();
        let id = open(Some(thread), backtraces);
        LeakCheck {
            id,
            thread,
            backtraces,
            open: true,
            _thread_bound: PhantomData,
        }
    }

    /// Narrows the check to `manager`'s registrations (and those of the managers given before).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{LeakCheck, WeakEvent, WeakEventManager};
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    ///
    /// let (mine, other) = (WeakEventManager::<Ping>::new(), WeakEventManager::<Ping>::new());
    /// let check = LeakCheck::start().only(&mine);
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    /// other.add_handler(&bus, &receiver, |_, _, _| {}); // not mine: not seen
    /// check.assert_no_leaks();
    /// ```
    pub fn only<E: crate::WeakEvent>(self, manager: &crate::WeakEventManager<E>) -> Self {
        narrow(self.id, Shared::addr(manager.engine()));
        self
    }

    /// [`only`](Self::only) for a manager of the thread-affine flavour.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{unsync, LeakCheck};
    /// struct Bus;
    /// enum Ping {}
    /// impl unsync::WeakEvent for Ping { type Source = Bus; type Args = (); }
    ///
    /// let manager = unsync::WeakEventManager::<Ping>::new();
    /// let check = LeakCheck::start().only_unsync(&manager);
    /// check.assert_no_leaks();
    /// ```
    pub fn only_unsync<E: crate::unsync::WeakEvent>(
        self,
        manager: &crate::unsync::WeakEventManager<E>,
    ) -> Self {
        narrow(self.id, Local::addr(manager.engine()));
        self
    }

    /// What the check finds now: live registrations left behind (`alive`) and forgotten
    /// removals (`forgotten`), per creation site.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weak_events::{LeakCheck, WeakEvent, WeakEventManager};
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    ///
    /// let check = LeakCheck::start();
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    /// manager.add_handler(&bus, &receiver, |_, _, _| {});
    /// let found = check.found();
    /// assert_eq!((found.alive(), found.forgotten()), (1, 0));
    /// drop(receiver);
    /// assert_eq!(check.found().forgotten(), 1, "dead, never removed");
    /// ```
    pub fn found(&self) -> Profile {
        found(self.id)
    }

    /// Ends the check; panics, naming each creation site, if a registration made on this thread
    /// since the start was never removed and its receiver is alive. Forgotten removals (dead
    /// receivers) are listed in the message but do not fail it.
    ///
    /// # Panics
    ///
    /// When a leak is found (that is the point).
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use std::sync::Arc;
    /// use weak_events::{LeakCheck, WeakEvent, WeakEventManager};
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    ///
    /// let check = LeakCheck::start();
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    /// manager.add_handler(&bus, &receiver, |_, _, _| {}); // left behind
    /// check.assert_no_leaks(); // panics: "1 live registration left behind ... at src/..."
    /// ```
    #[track_caller]
    pub fn assert_no_leaks(self) {
        let backtraces = self.backtraces;
        let found = self.finish();
        if found.alive() > 0 {
            panic!(
                "leak check: {} live registration(s) left behind\n{}",
                found.alive(),
                found.describe(backtraces)
            );
        }
    }

    /// Ends the check; panics if anything made on this thread since the start was never
    /// removed: a live registration, or one whose receiver died.
    ///
    /// # Panics
    ///
    /// When a leak or a forgotten removal is found.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use std::sync::Arc;
    /// use weak_events::{LeakCheck, WeakEvent, WeakEventManager};
    /// struct Bus;
    /// enum Ping {}
    /// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
    ///
    /// let check = LeakCheck::start();
    /// let manager = WeakEventManager::<Ping>::new();
    /// let (bus, receiver) = (Arc::new(Bus), Arc::new(()));
    /// manager.add_handler(&bus, &receiver, |_, _, _| {});
    /// drop(receiver); // harmless, but never removed
    /// check.assert_no_forgotten_removals();
    /// ```
    #[track_caller]
    pub fn assert_no_forgotten_removals(self) {
        let backtraces = self.backtraces;
        let found = self.finish();
        if !found.is_empty() {
            panic!(
                "leak check: {} live registration(s) left behind, {} forgotten removal(s)\n{}",
                found.alive(),
                found.forgotten(),
                found.describe(backtraces)
            );
        }
    }

    fn finish(mut self) -> Profile {
        let found = found(self.id);
        self.end();
        found
    }

    fn end(&mut self) {
        if std::mem::replace(&mut self.open, false) {
            close(self.id, Some(self.thread), self.backtraces);
        }
    }
}

impl Drop for LeakCheck {
    /// A check dropped without an assertion ends, checking nothing.
    fn drop(&mut self) {
        self.end();
    }
}

/// What a [`ProfilingMark`] or a [`LeakCheck`] found: registrations never removed, one row per
/// creation site. `Display` prints one line per row; [`with_backtraces`](Self::with_backtraces)
/// adds each row's backtrace.
///
/// # Examples
///
/// ```
/// let profile = weak_events::start_profiling().stop();
/// assert!(profile.is_empty());
/// assert_eq!(profile.to_string(), "nothing left behind\n");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Profile {
    /// One row per creation site (and event kind and receiver type), in the order of their
    /// first registration.
    pub rows: Vec<LeftBehind>,
}

impl Profile {
    /// Whether nothing was left behind.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::Profile::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Live registrations left behind, every site together.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::Profile::default().alive(), 0);
    /// ```
    pub fn alive(&self) -> usize {
        self.rows.iter().map(|row| row.alive).sum()
    }

    /// Forgotten removals (receiver dead, never removed), every site together.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::Profile::default().forgotten(), 0);
    /// ```
    pub fn forgotten(&self) -> usize {
        self.rows.iter().map(|row| row.forgotten).sum()
    }

    /// The profile with each row's backtrace after it (when one was captured).
    ///
    /// # Examples
    ///
    /// ```
    /// let profile = weak_events::start_profiling().stop();
    /// println!("{}", profile.with_backtraces());
    /// ```
    pub fn with_backtraces(&self) -> impl fmt::Display + '_ {
        WithBacktraces(self)
    }

    fn describe(&self, backtraces: bool) -> String {
        if backtraces {
            self.with_backtraces().to_string()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rows.is_empty() {
            return writeln!(f, "nothing left behind");
        }
        for row in &self.rows {
            writeln!(f, "{row}")?;
        }
        Ok(())
    }
}

struct WithBacktraces<'a>(&'a Profile);

impl fmt::Display for WithBacktraces<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.rows.is_empty() {
            return writeln!(f, "nothing left behind");
        }
        for row in &self.0.rows {
            writeln!(f, "{row}")?;
            match &row.backtrace {
                Some(backtrace) => writeln!(f, "{backtrace}")?,
                None => writeln!(f, "    (no backtrace: start the mark or check with them)")?,
            }
        }
        Ok(())
    }
}

/// One row of a [`Profile`]: registrations from one creation site, of one event kind and
/// receiver type, never removed.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{WeakEvent, WeakEventManager};
///
/// struct Bus;
/// enum Ping {}
/// impl WeakEvent for Ping { type Source = Bus; type Args = (); }
///
/// let manager = WeakEventManager::<Ping>::new();
/// let bus = Arc::new(Bus);
/// let mark = weak_events::start_profiling();
/// let receivers: Vec<Arc<u8>> = (0..3).map(Arc::new).collect();
/// let site = line!() + 2;
/// for receiver in &receivers {
///     manager.add_handler(&bus, receiver, |_, _, _| {}); // one creation site
/// }
/// drop(receivers);
/// let profile = mark.stop();
/// let row = &profile.rows[0];
/// assert_eq!((row.receiver, row.alive, row.forgotten), ("u8", 0, 3));
/// assert_eq!(row.site.line(), site);
/// assert!(row.to_string().contains("Ping"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LeftBehind {
    /// The event kind's type name.
    pub event: &'static str,
    /// The receiver's type name.
    pub receiver: &'static str,
    /// Where the registrations were made (the caller of the registering method).
    pub site: &'static Location<'static>,
    /// Registrations still registered whose receiver is alive: left behind.
    pub alive: usize,
    /// Registrations whose receiver died and that were never removed (pruned by a pass or not):
    /// harmless under weak events, but forgotten.
    pub forgotten: usize,
    /// A backtrace of the first registration made at `site`, if backtraces were captured.
    pub backtrace: Option<Arc<Backtrace>>,
}

impl fmt::Display for LeftBehind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} alive, {} forgotten: {} registered for {} at {}",
            self.alive, self.forgotten, self.receiver, self.event, self.site
        )
    }
}
