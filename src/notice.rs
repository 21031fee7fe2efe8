//! [`DropNotice`]: the death announcement of a source that has no [`Event`](crate::Event).

use std::fmt;

use crate::Event;

/// A field that tells the managers holding its source that the source died.
///
/// A sender whose events reach the manager through
/// [`deliver_event`](crate::WeakEventManager::deliver_event) has no [`Event`] for the manager to
/// attach to, so nothing tells the manager when it is dropped: its entries would wait for the
/// table's amortised upkeep (see [`CleanupMode`](crate::CleanupMode)). Give it a `DropNotice`
/// field and return it from [`WeakEvent::drop_notice`](crate::WeakEvent::drop_notice): each
/// manager that holds the source registers one watcher in it, and when the source (and so the
/// notice) is dropped, each watcher asks its manager for a pass over that source. Its entries are
/// then gone at the next pass, as a source with an `Event` promises.
///
/// It costs nothing on the delivery path: `deliver_event` never touches it. A manager's watcher
/// is removed with the source's last registration. Dropping the notice runs no user code.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use weak_events::{CleanupMode, DropNotice, WeakEvent, WeakEventListener, WeakEventManager};
///
/// #[derive(Default)]
/// struct Request { finished: DropNotice }
///
/// enum Progress {}
/// impl WeakEvent for Progress {
///     type Source = Request;
///     type Args = u32;
///     fn drop_notice(request: &Request) -> Option<&DropNotice> { Some(&request.finished) }
/// }
///
/// struct Bar;
/// impl WeakEventListener<Progress> for Bar { fn receive_weak_event(&self, _: &Request, _: &u32) {} }
///
/// let manager = WeakEventManager::<Progress>::with_cleanup(CleanupMode::Inline);
/// let (request, bar) = (Arc::new(Request::default()), Arc::new(Bar));
/// manager.add_listener(&request, &bar);
/// assert_eq!(request.finished.watchers(), 1);
/// manager.deliver_event(&request, &50);
///
/// drop(request); // announces its death: the pass runs at once in Inline mode
/// assert_eq!(manager.stats().sources, 0);
/// ```
#[derive(Default)]
pub struct DropNotice {
    /// Never raised: its handlers are the managers' watchers, and dropping them is the notice.
    watchers: Event<()>,
}

impl DropNotice {
    /// A notice with no watchers.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::DropNotice::new().watchers(), 0);
    /// ```
    pub fn new() -> Self {
        DropNotice {
            watchers: Event::new(),
        }
    }

    /// How many managers watch this notice (one per manager that holds registrations on the
    /// source).
    ///
    /// # Examples
    ///
    /// ```
    /// let notice = weak_events::DropNotice::default();
    /// assert_eq!(notice.watchers(), 0);
    /// ```
    pub fn watchers(&self) -> usize {
        self.watchers.handler_count()
    }

    /// The event whose handlers are the watchers (the crate never raises it).
    pub(crate) fn event(&self) -> &Event<()> {
        &self.watchers
    }
}

impl fmt::Debug for DropNotice {
    /// Never blocks: prints the watcher count.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropNotice")
            .field("watchers", &self.watchers)
            .finish()
    }
}
