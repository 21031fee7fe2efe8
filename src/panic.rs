//! Panics in user code: catch each one, keep the first, resume it when the work is done.
//!
//! Every place where the crate runs a batch of user code (a delivery's listeners, a pass's
//! detach hooks, a bag's disposals, a collection's queued notifications) must let every item
//! have its turn even if one panics, then report the first panic to the caller; later payloads
//! are dropped. This is the one helper that does it.

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// The payload of a caught panic.
pub(crate) type Payload = Box<dyn Any + Send>;

/// The first panic caught so far, if any.
#[derive(Default)]
pub(crate) struct FirstPanic(Option<Payload>);

impl FirstPanic {
    #[inline]
    pub(crate) fn new() -> Self {
        FirstPanic(None)
    }

    /// Runs `work`; if it panics, keeps the payload (the first one only) and returns `None`.
    ///
    /// The crate's own state is consistent between the statements that call user code, so a
    /// caught panic leaves nothing half-done: `AssertUnwindSafe` is sound here by construction.
    #[inline]
    pub(crate) fn catch<R>(&mut self, work: impl FnOnce() -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(work)) {
            Ok(value) => Some(value),
            Err(payload) => {
                self.keep(payload);
                None
            }
        }
    }

    /// Keeps `payload` unless a panic is kept already; a later one is dropped, and if its own
    /// drop panics, that is caught too (and its payload leaked), so no unwind escapes from here.
    pub(crate) fn keep(&mut self, payload: Payload) {
        if self.0.is_none() {
            self.0 = Some(payload);
        } else if let Err(nested) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            std::mem::forget(nested);
        }
    }

    /// Resumes the kept panic, if any.
    #[inline]
    pub(crate) fn resume(self) {
        if let Some(payload) = self.0 {
            resume_unwind(payload);
        }
    }

    /// Drops the kept panic: for a caller that is already unwinding, where a second panic would
    /// abort the process (the panic hook has reported it already).
    pub(crate) fn discard(self) {}
}
