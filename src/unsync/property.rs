//! The thread-affine flavour's property-changed kind and manager: the root flavour's, written
//! once (see the `property` module), for `Rc` models.

use std::rc::Rc;

use crate::flavor::Local;
use crate::unsync::WeakEventManager;
use crate::unsync::{CleanupMode, Event, Subscription, WeakEvent, WeakEventListener};

property_flavour!(Local, Rc, "std::rc::Rc", "weak_events::unsync", Inline, []);

impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
    /// This thread's property-changed manager for sources of type `S`: an owned handle, like
    /// [`WeakEventManager::current`].
    ///
    /// It shares its registrations with
    /// [`WeakEventManager::<PropertyChanged<S>>::current()`](WeakEventManager::current): one
    /// table per kind of model on this thread, whichever face registered.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # use weak_events::unsync::{Event, NotifyPropertyChanged, PropertyChangedArgs};
    /// # use weak_events::unsync::{PropertyChanged, PropertyChangedManager, WeakEventManager};
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let model = Rc::new(Model { changed: Event::new() });
    /// let view = Rc::new(());
    /// PropertyChangedManager::<Model>::current().add_handler(&model, "title", &view, |_, _, _| {});
    /// let kind = WeakEventManager::<PropertyChanged<Model>>::current();
    /// assert_eq!(kind.stats().registrations, 1, "one table for both faces");
    /// ```
    pub fn current() -> Self {
        PropertyChangedManager {
            manager: WeakEventManager::current(),
        }
    }
}
