//! Fixtures for the suites that run against both flavours from one source: a macro expanded in
//! each flavour's module, where `P`, `Event`, `WeakEvent` and `WeakEventManager` (and `WAITING`,
//! the mode in which passes wait for the application) name that flavour's own.

/// A sender with a plain event, the kinds attached to it, delivered by it, and static, and a
/// manager whose passes wait for the application.
macro_rules! flavoured_fixtures {
    () => {
        fn manual<E: WeakEvent>() -> WeakEventManager<E> {
            WeakEventManager::with_cleanup(WAITING)
        }

        /// A sender with a plain event, as an application would write it.
        #[derive(Default)]
        struct Bus {
            ping: Event<u32>,
        }

        impl Bus {
            fn new() -> P<Bus> {
                P::new(Bus::default())
            }
        }

        /// An event kind attached to `Bus::ping`.
        enum Ping {}
        impl WeakEvent for Ping {
            type Source = Bus;
            type Args = u32;
            fn event(bus: &Bus) -> Option<&Event<u32>> {
                Some(&bus.ping)
            }
        }

        /// An event kind the sender delivers itself (no `Event`).
        enum Direct {}
        impl WeakEvent for Direct {
            type Source = Bus;
            type Args = u32;
        }

        /// A static event kind (no source).
        #[allow(dead_code)]
        enum Global {}
        impl WeakEvent for Global {
            type Source = ();
            type Args = u32;
        }
    };
}
