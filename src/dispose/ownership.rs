//! What a bag answers when handed an item ([`Ownership`]), and the owner-tree rule: an item
//! added to a bag already disposed is disposed at once, the answer says where the bag was
//! disposed, and a warning goes to a hook.

use std::cell::Cell;
use std::fmt;
use std::panic::Location;
use std::sync::{PoisonError, RwLock};

use super::DisposeKey;

/// What a bag did with an item handed to [`DisposeBag::auto_dispose`](crate::DisposeBag::auto_dispose) (or made by `listen_to`):
/// kept it, under a key; or, the bag being disposed already, disposed it at once, and said
/// where the bag was disposed (also to the hook of [`set_added_after_dispose_hook`]).
///
/// Not `#[must_use]`: handing a bag an item and moving on is the common case, and a refusal is
/// reported to the hook anyway; look at the answer where it matters.
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, OnDispose, Ownership};
///
/// let bag = DisposeBag::new();
/// let kept = bag.auto_dispose(OnDispose(|| {}));
/// assert!(kept.is_kept());
/// bag.dispose();
/// match bag.auto_dispose(OnDispose(|| {})) {
///     Ownership::Kept(_) => unreachable!("the bag is disposed"),
///     Ownership::DisposedAtOnce(refused) => assert!(refused.disposed_at.is_some()),
/// }
/// ```
pub enum Ownership<T> {
    /// The bag keeps the item, under this key.
    Kept(DisposeKey<T>),
    /// The bag was already disposed: the item was disposed at once.
    DisposedAtOnce(AlreadyDisposed),
}

impl<T> Ownership<T> {
    /// Whether the bag kept the item.
    ///
    /// # Examples
    ///
    /// ```
    /// let bag = weak_events::DisposeBag::new();
    /// assert!(bag.auto_dispose(weak_events::OnDispose(|| {})).is_kept());
    /// ```
    pub fn is_kept(&self) -> bool {
        matches!(self, Ownership::Kept(_))
    }

    /// The item's key, if the bag kept it.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DisposeBag, OnDispose};
    /// let bag = DisposeBag::new();
    /// let key = bag.auto_dispose(OnDispose(|| {})).key().expect("kept");
    /// assert!(bag.dispose_discard(key));
    /// ```
    pub fn key(self) -> Option<DisposeKey<T>> {
        match self {
            Ownership::Kept(key) => Some(key),
            Ownership::DisposedAtOnce(_) => None,
        }
    }

    /// Why the bag did not keep the item, if it did not.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{DisposeBag, OnDispose};
    /// let bag = DisposeBag::new();
    /// bag.dispose();
    /// assert!(bag.auto_dispose(OnDispose(|| {})).refused().is_some());
    /// ```
    pub fn refused(self) -> Option<AlreadyDisposed> {
        match self {
            Ownership::Kept(_) => None,
            Ownership::DisposedAtOnce(refused) => Some(refused),
        }
    }

    /// The answer as a `Result`, for `?`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::{AlreadyDisposed, DisposeBag, OnDispose};
    /// fn own(bag: &DisposeBag) -> Result<(), AlreadyDisposed> {
    ///     bag.auto_dispose(OnDispose(|| {})).into_result()?;
    ///     Ok(())
    /// }
    /// let bag = DisposeBag::new();
    /// assert!(own(&bag).is_ok());
    /// bag.dispose();
    /// assert!(own(&bag).is_err());
    /// ```
    pub fn into_result(self) -> Result<DisposeKey<T>, AlreadyDisposed> {
        match self {
            Ownership::Kept(key) => Ok(key),
            Ownership::DisposedAtOnce(refused) => Err(refused),
        }
    }
}

impl<T> Clone for Ownership<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Ownership<T> {}

impl<T> PartialEq for Ownership<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Ownership::Kept(a), Ownership::Kept(b)) => a == b,
            (Ownership::DisposedAtOnce(a), Ownership::DisposedAtOnce(b)) => a == b,
            _ => false,
        }
    }
}

impl<T> Eq for Ownership<T> {}

impl<T> fmt::Debug for Ownership<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ownership::Kept(key) => f.debug_tuple("Kept").field(key).finish(),
            Ownership::DisposedAtOnce(refused) => {
                f.debug_tuple("DisposedAtOnce").field(refused).finish()
            }
        }
    }
}

/// Why a bag did not keep an item ([`Ownership::DisposedAtOnce`]): it was already disposed, so
/// the item was disposed at once; `disposed_at` is where the bag's
/// [`dispose`](crate::DisposeBag::dispose) was called (`None`: the bag was being dropped).
///
/// # Examples
///
/// ```
/// use weak_events::{DisposeBag, OnDispose};
///
/// let bag = DisposeBag::new();
/// bag.dispose();
/// let refused = bag.auto_dispose(OnDispose(|| {})).refused().expect("already disposed");
/// assert_eq!(refused.disposed_at.map(|at| at.line()), Some(line!() - 2));
/// assert!(refused.to_string().contains("already disposed"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlreadyDisposed {
    /// Where the bag was disposed.
    pub disposed_at: Option<&'static Location<'static>>,
}

impl fmt::Display for AlreadyDisposed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.disposed_at {
            Some(at) => write!(
                f,
                "the bag was already disposed (at {at}): the item was disposed at once"
            ),
            None => write!(
                f,
                "the bag was already disposed (by its drop): the item was disposed at once"
            ),
        }
    }
}

impl std::error::Error for AlreadyDisposed {}

/// An item was added to a [`DisposeBag`](crate::DisposeBag) that was already disposed (IntelliJ's `Disposer` throws
/// there; the bag disposes the item at once, answers [`Ownership::DisposedAtOnce`], and tells
/// the hook set
/// with [`set_added_after_dispose_hook`], and `tracing` with the feature).
///
/// # Examples
///
/// ```
/// use std::sync::Mutex;
/// use weak_events::{AddedAfterDispose, DisposeBag, OnDispose};
///
/// static SEEN: Mutex<Vec<(u32, u32)>> = Mutex::new(Vec::new());
/// weak_events::set_added_after_dispose_hook(Some(|warning: &AddedAfterDispose| {
///     let disposed = warning.disposed_at.map_or(0, |at| at.line());
///     SEEN.lock().unwrap().push((warning.added_at.line(), disposed));
/// }));
/// let bag = DisposeBag::new();
/// bag.dispose();
/// let _ = bag.auto_dispose(OnDispose(|| {}));
/// weak_events::set_added_after_dispose_hook(None);
/// assert_eq!(SEEN.lock().unwrap()[0], (line!() - 2, line!() - 3));
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct AddedAfterDispose {
    /// The added item's type name.
    pub item: &'static str,
    /// Where it was added.
    pub added_at: &'static Location<'static>,
    /// Where the bag was disposed (`None`: by its drop).
    pub disposed_at: Option<&'static Location<'static>>,
}

impl fmt::Display for AddedAfterDispose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} was added at {} to a dispose bag already disposed ",
            self.item, self.added_at
        )?;
        match self.disposed_at {
            Some(at) => write!(f, "at {at}")?,
            None => write!(f, "by its drop")?,
        }
        write!(f, "; it was disposed at once")
    }
}

type AfterDisposeHook = fn(&AddedAfterDispose);
static AFTER_DISPOSE_HOOK: RwLock<Option<AfterDisposeHook>> = RwLock::new(None);

/// Sets the function called with each [`AddedAfterDispose`] warning (`None`: only `tracing`,
/// with the feature). It runs on the adding thread, with no lock of the crate held.
///
/// # Examples
///
/// ```
/// weak_events::set_added_after_dispose_hook(Some(|warning| eprintln!("{warning}")));
/// weak_events::set_added_after_dispose_hook(None);
/// ```
pub fn set_added_after_dispose_hook(hook: Option<fn(&AddedAfterDispose)>) {
    *AFTER_DISPOSE_HOOK
        .write()
        .unwrap_or_else(PoisonError::into_inner) = hook;
}

/// Reports an item of type `T` added, at the caller's caller, to a bag disposed at
/// `disposed_at`; the answer for the caller.
#[track_caller]
pub(crate) fn added_after_dispose<T>(
    disposed_at: Option<&'static Location<'static>>,
) -> AlreadyDisposed {
    let warning = AddedAfterDispose {
        item: std::any::type_name::<T>(),
        added_at: Location::caller(),
        disposed_at,
    };
    #[cfg(feature = "tracing")]
    tracing::warn!(item = warning.item, added_at = %warning.added_at, "{warning}");
    let hook = *AFTER_DISPOSE_HOOK
        .read()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(hook) = hook {
        hook(&warning);
    }
    AlreadyDisposed { disposed_at }
}

thread_local! {
    /// While a bag disposes its items on this thread: where that disposal was called (`None`
    /// inside: by a drop). A nested bag disposed as one of those items reports it.
    static DISPOSING: Cell<Option<Option<&'static Location<'static>>>> = const { Cell::new(None) };
}

/// Where the bag disposing its items on this thread was disposed (a nested bag disposed as one
/// of them reports that call); `None` outside any such disposal, or when it is a drop.
pub(crate) fn outer_disposal() -> Option<&'static Location<'static>> {
    DISPOSING.try_with(Cell::get).ok().flatten().flatten()
}

/// Runs `f` (a bag disposing items) with `at` as this thread's disposal site.
pub(crate) fn disposing_at<R>(at: Option<&'static Location<'static>>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Option<&'static Location<'static>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = DISPOSING.try_with(|site| site.set(self.0));
        }
    }
    let _restore = Restore(
        DISPOSING
            .try_with(|site| site.replace(Some(at)))
            .ok()
            .flatten(),
    );
    f()
}
