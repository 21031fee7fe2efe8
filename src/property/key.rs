//! Typed property keys: a model's property names, checked by the compiler.

use std::fmt;
use std::marker::PhantomData;

use crate::PropertyChangedArgs;

/// The name of one property of the model type `S`, as a constant the compiler checks.
///
/// Declared once per model with [`property_keys!`](crate::property_keys), and accepted wherever
/// a property name is (the property manager's methods, [`PropertyChangedArgs`]): a misspelt key
/// does not compile, and neither does a key of another model. String names stay for names made
/// at run time (rows, cells).
///
/// # Examples
///
/// ```
/// use weak_events::{property_keys, PropertyChangedArgs, PropertyKey};
///
/// struct Document;
/// property_keys!(Document { TITLE = "title", ZOOM = "zoom" });
///
/// let key: PropertyKey<Document> = Document::TITLE;
/// assert_eq!(key.name(), "title");
/// assert_eq!(PropertyChangedArgs::from(Document::ZOOM).name(), Some("zoom"));
/// ```
///
/// A misspelt key is a compile error, not a listener that is never called:
///
/// ```compile_fail
/// use weak_events::property_keys;
/// struct Document;
/// property_keys!(Document { TITLE = "title" });
/// let _ = Document::TITEL;
/// ```
///
/// And a key of one model cannot name a property of another:
///
/// ```compile_fail
/// use weak_events::{property_keys, PropertyName};
/// struct Document;
/// struct Window;
/// property_keys!(Document { TITLE = "title" });
/// fn window_property(name: impl PropertyName<Window>) -> String { name.property_name().into() }
/// window_property(Document::TITLE);
/// ```
pub struct PropertyKey<S: ?Sized> {
    name: &'static str,
    model: PhantomData<fn(&S)>,
}

impl<S: ?Sized> PropertyKey<S> {
    /// The key of the property `name` of `S`; [`property_keys!`](crate::property_keys) writes
    /// these for you.
    ///
    /// # Examples
    ///
    /// ```
    /// struct Document;
    /// const TITLE: weak_events::PropertyKey<Document> = weak_events::PropertyKey::new("title");
    /// assert_eq!(TITLE.name(), "title");
    /// ```
    pub const fn new(name: &'static str) -> Self {
        PropertyKey {
            name,
            model: PhantomData,
        }
    }

    /// The property's name.
    ///
    /// # Examples
    ///
    /// ```
    /// struct Document;
    /// weak_events::property_keys!(Document { ZOOM = "zoom" });
    /// assert_eq!(Document::ZOOM.name(), "zoom");
    /// ```
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// The arguments of a change of this property, as a constant.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::PropertyChangedArgs;
    /// struct Document;
    /// weak_events::property_keys!(Document { TITLE = "title" });
    /// const TITLE_CHANGED: PropertyChangedArgs = Document::TITLE.changed();
    /// assert_eq!(TITLE_CHANGED.name(), Some("title"));
    /// ```
    pub const fn changed(self) -> PropertyChangedArgs {
        PropertyChangedArgs::of(self.name)
    }
}

impl<S: ?Sized> Clone for PropertyKey<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ?Sized> Copy for PropertyKey<S> {}

impl<S: ?Sized> PartialEq for PropertyKey<S> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl<S: ?Sized> Eq for PropertyKey<S> {}

impl<S: ?Sized> fmt::Debug for PropertyKey<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PropertyKey").field(&self.name).finish()
    }
}

impl<S: ?Sized> From<PropertyKey<S>> for PropertyChangedArgs {
    fn from(key: PropertyKey<S>) -> Self {
        key.changed()
    }
}

/// What names a property of the model type `S`: a [`PropertyKey<S>`] (checked by the
/// compiler), or a string (`&str`, `&String`) for names made at run time.
///
/// # Examples
///
/// ```
/// use weak_events::{property_keys, PropertyName};
///
/// struct Document;
/// property_keys!(Document { TITLE = "title" });
///
/// fn name_of(property: impl PropertyName<Document>) -> String {
///     property.property_name().to_owned()
/// }
/// assert_eq!(name_of(Document::TITLE), "title");
/// assert_eq!(name_of("row_3"), "row_3");
/// assert_eq!(name_of(&format!("row_{}", 4)), "row_4");
/// ```
pub trait PropertyName<S: ?Sized> {
    /// The property's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use weak_events::PropertyName;
    /// struct Document;
    /// assert_eq!(PropertyName::<Document>::property_name(&"zoom"), "zoom");
    /// ```
    fn property_name(&self) -> &str;
}

impl<S: ?Sized> PropertyName<S> for PropertyKey<S> {
    fn property_name(&self) -> &str {
        self.name
    }
}

impl<S: ?Sized, T: AsRef<str> + ?Sized> PropertyName<S> for &T {
    fn property_name(&self) -> &str {
        (**self).as_ref()
    }
}

/// Declares typed property keys on a model: `property_keys!(Model { NAME = "name", ... })`
/// adds one associated constant [`PropertyKey<Model>`] per property.
///
/// # Examples
///
/// ```
/// use weak_events::property_keys;
///
/// struct Document;
/// property_keys!(Document {
///     /// The window title.
///     TITLE = "title",
///     ZOOM = "zoom",
/// });
/// assert_eq!(Document::TITLE.name(), "title");
/// ```
#[macro_export]
macro_rules! property_keys {
    ($model:ty { $($(#[$doc:meta])* $key:ident = $name:literal),* $(,)? }) => {
        impl $model {
            $(
                $(#[$doc])*
                #[allow(dead_code)]
                pub const $key: $crate::PropertyKey<$model> = $crate::PropertyKey::new($name);
            )*
        }
    };
}
