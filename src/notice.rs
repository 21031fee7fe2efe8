//! [`DropNotice`]: the death announcement of a source that has no [`Event`](crate::Event).

use crate::Event;

drop_notice! {
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
    DropNotice, Event<()>, "weak_events::DropNotice"
}
