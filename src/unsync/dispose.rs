//! The thread-affine flavour's dispose bag: the root flavour's, written once (see the `dispose`
//! module), with a `RefCell` for the lock and no `Send` bound on what it owns.

use std::cell::RefCell;
use std::rc::Rc;

use crate::unsync::{NotifyPropertyChanged, PropertyChanged, PropertyChangedManager};
use crate::unsync::{Subscription, WeakEvent, WeakEventListener, WeakEventManager};
use crate::DisposeKey;

dispose_flavour!(Rc, "std::rc::Rc", "weak_events::unsync", RefCell, []);
