//! The built-in property-changed manager: WPF's `PropertyChangedEventManager`, without its
//! merged-list allocation per delivery. This file holds the arguments and the kind, written once
//! for both flavours; the manager is in `manager.rs` and its registration forms in `forms.rs`.

use std::borrow::Cow;
use std::sync::Arc;

use crate::flavor::Shared;
use crate::{CleanupMode, Event, Subscription};
use crate::{WeakEvent, WeakEventListener, WeakEventManager};

/// The property name that stands for "all properties" (WPF's `String.Empty`): a change with this
/// name, or with no name, reaches every listener of the source; a listener registered with it
/// receives every change.
///
/// # Examples
///
/// ```
/// use weak_events::{PropertyChangedArgs, ALL_PROPERTIES};
/// assert!(PropertyChangedArgs::new(ALL_PROPERTIES).is_all());
/// ```
pub const ALL_PROPERTIES: &str = "";

/// The arguments of a property change: the property's name, or none for "everything changed".
///
/// Names are compared exactly, byte for byte: use the Rust field name (`"title"`, not `"Title"`).
///
/// # Examples
///
/// ```
/// use weak_events::PropertyChangedArgs;
///
/// const TITLE: PropertyChangedArgs = PropertyChangedArgs::of("title");
/// assert_eq!(TITLE.name(), Some("title"));
/// assert_eq!(PropertyChangedArgs::new(String::from("row_3")).name(), Some("row_3"));
/// assert!(PropertyChangedArgs::all().is_all());
/// assert_eq!(PropertyChangedArgs::new("").name(), None, "the empty name means all");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PropertyChangedArgs {
    name: Option<Cow<'static, str>>,
}

impl PropertyChangedArgs {
    /// A change of the property `name` (the empty name means all properties).
    ///
    /// # Examples
    ///
    /// ```
    /// let args = weak_events::PropertyChangedArgs::new("width");
    /// assert_eq!(args.name(), Some("width"));
    /// ```
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        let name = name.into();
        PropertyChangedArgs {
            name: (!name.is_empty()).then_some(name),
        }
    }

    /// A change of the property `name`, as a constant.
    ///
    /// # Examples
    ///
    /// ```
    /// const WIDTH: weak_events::PropertyChangedArgs = weak_events::PropertyChangedArgs::of("width");
    /// assert!(!WIDTH.is_all());
    /// ```
    pub const fn of(name: &'static str) -> Self {
        PropertyChangedArgs {
            name: if name.is_empty() {
                None
            } else {
                Some(Cow::Borrowed(name))
            },
        }
    }

    /// "Every property may have changed".
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::PropertyChangedArgs::all().name(), None);
    /// ```
    pub const fn all() -> Self {
        PropertyChangedArgs { name: None }
    }

    /// The property's name; `None` when every property may have changed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(weak_events::PropertyChangedArgs::of("x").name(), Some("x"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether this change concerns every property.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(weak_events::PropertyChangedArgs::all().is_all());
    /// ```
    pub fn is_all(&self) -> bool {
        self.name.is_none()
    }
}

/// The list a registration for `property` goes to: its own, or the main list for
/// [`ALL_PROPERTIES`].
pub(crate) fn topic(property: &str) -> Option<&str> {
    (!property.is_empty()).then_some(property)
}

#[macro_use]
mod forms;
mod key;
#[macro_use]
mod manager;

pub use key::{PropertyKey, PropertyName};

/// Writes the property kind, its source trait and its manager into a flavour's module, where
/// `Event`, `WeakEvent`, `WeakEventListener`, `WeakEventManager`, `Subscription` and
/// `CleanupMode` name that flavour's own: one text for both flavours, doc examples included.
/// `$F` is the flavour, `$Ptr` its pointer (`$ptr_use` its path), `$path` the module's public
/// path, `$mode` a cleanup mode of the flavour for an example, `$sb` the bounds the flavour puts
/// on what crosses threads (`[Send, Sync]`, or `[]`).
macro_rules! property_flavour {
    ($F:ident, $Ptr:ident, $ptr_use:literal, $path:literal, $mode:ident, [$($sb:ident),*]) => {
        /// A source of property changes: it owns an [`Event`] of [`PropertyChangedArgs`](crate::PropertyChangedArgs) and raises it
        /// when a property changes (WPF's `INotifyPropertyChanged`).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs};")]
        ///
        /// #[derive(Default)]
        /// struct Person { changed: Event<PropertyChangedArgs>, name: std::sync::Mutex<String> }
        /// impl NotifyPropertyChanged for Person {
        ///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
        /// }
        /// impl Person {
        ///     fn set_name(&self, name: &str) {
        ///         *self.name.lock().unwrap() = name.to_owned(); // the lock is released before raising
        ///         self.changed.raise(&PropertyChangedArgs::of("name"));
        ///     }
        /// }
        /// Person::default().set_name("Ada");
        /// ```
        pub trait NotifyPropertyChanged: $($sb +)* 'static {
            /// The event raised on every property change.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!(" use ", $path, "::{Event, NotifyPropertyChanged, PropertyChangedArgs};")]
            ///
            /// struct Model { changed: Event<PropertyChangedArgs> }
            /// impl NotifyPropertyChanged for Model {
            ///     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
            /// }
            /// let model = Model { changed: Event::new() };
            /// assert!(model.property_changed().is_empty());
            /// ```
            fn property_changed(&self) -> &Event<$crate::PropertyChangedArgs>;
        }

        /// The event kind of a source's property changes, all properties: listeners implement
        /// `WeakEventListener<PropertyChanged<S>>`, whether they watch one property or all of them
        /// through a [`PropertyChangedManager`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!(" use ", $path, "::{PropertyChanged, PropertyChangedArgs, WeakEventListener};")]
        #[doc = concat!(" # use ", $path, "::{Event, NotifyPropertyChanged};")]
        /// # struct Model { changed: Event<PropertyChangedArgs> }
        /// # impl NotifyPropertyChanged for Model {
        /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
        /// # }
        ///
        /// struct TitleBar;
        /// impl WeakEventListener<PropertyChanged<Model>> for TitleBar {
        ///     fn receive_weak_event(&self, _model: &Model, change: &PropertyChangedArgs) {
        ///         assert_eq!(change.name(), Some("title"));
        ///     }
        /// }
        /// ```
        pub struct PropertyChanged<S: ?Sized> {
            never: ::std::convert::Infallible,
            source: ::std::marker::PhantomData<fn(&S)>,
        }

        impl<S: NotifyPropertyChanged + ?Sized> WeakEvent for PropertyChanged<S> {
            type Source = S;
            type Args = $crate::PropertyChangedArgs;

            fn event(source: &S) -> Option<&Event<$crate::PropertyChangedArgs>> {
                Some(source.property_changed())
            }

            /// A change of one property reaches that property's list (and the all-properties list);
            /// a change of every property reaches every list.
            fn reach(args: &$crate::PropertyChangedArgs) -> $crate::list::Reach<'_> {
                match args.name() {
                    Some(name) => $crate::list::Reach::Topic(name),
                    None => $crate::list::Reach::All,
                }
            }
        }


        impl<S: ?Sized> ::std::fmt::Debug for PropertyChanged<S> {
            fn fmt(&self, _: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let _ = self.source;
                match self.never {}
            }
        }

        property_manager!($F, $Ptr, $ptr_use, $path, $mode, [$($sb),*]);
        property_forms!($F, $Ptr, $ptr_use, $path, $mode, [$($sb),*]);
    };
}

property_flavour!(
    Shared,
    Arc,
    "std::sync::Arc",
    "weak_events",
    Manual,
    [Send, Sync]
);

impl<S: NotifyPropertyChanged + ?Sized> PropertyChangedManager<S> {
    /// The process-wide property-changed manager for sources of type `S`.
    ///
    /// It shares its registrations with
    /// [`WeakEventManager::<PropertyChanged<S>>::current()`](WeakEventManager::current) (and so
    /// with [`DisposeBag::listen_to`](crate::DisposeBag::listen_to)): one table per kind of
    /// model, whichever face registered.
    ///
    /// # Examples
    ///
    /// ```
    /// # use weak_events::{Event, NotifyPropertyChanged, PropertyChangedArgs, PropertyChangedManager};
    /// # struct Model { changed: Event<PropertyChangedArgs> }
    /// # impl NotifyPropertyChanged for Model {
    /// #     fn property_changed(&self) -> &Event<PropertyChangedArgs> { &self.changed }
    /// # }
    /// let a = PropertyChangedManager::<Model>::current();
    /// assert!(std::ptr::eq(a, PropertyChangedManager::<Model>::current()));
    /// ```
    pub fn current() -> &'static Self {
        crate::current::current(|| PropertyChangedManager {
            manager: WeakEventManager::current().clone(),
        })
    }
}
