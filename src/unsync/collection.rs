//! The thread-affine flavour's collection-changed kind, its manager and `ObservableVec`: the
//! root flavour's, written once (see the `collection` module), with `Rc` items and a `RefCell`
//! for the lock.

use std::rc::Rc;

use crate::flavor::Local;
use crate::unsync::{Event, WeakEvent, WeakEventManager};
use crate::CollectionChange;

collection_flavour!(Local, Rc, "std::rc::Rc", "weak_events::unsync", []);
