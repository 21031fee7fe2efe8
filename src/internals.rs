//! How the crate works inside: for contributors and the curious.
//!
//! **Not part of the stable API.** Nothing here is a promise; it describes the code as it is,
//! and changes with it. Each module keeps a short "Synchronization" section beside its code; this
//! page ties them together.
