use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use weak_events::{unsync, CleanupMode, WeakEvent, WeakEventListener, WeakEventManager};

struct R(u32);
enum S {}
impl WeakEvent for S { type Source = u8; type Args = u32; }
impl WeakEventListener<S> for R { fn receive_weak_event(&self, _: &u8, n: &u32) { if *n != self.0 { black_box(n); } } }
enum LS {}
impl unsync::WeakEvent for LS { type Source = u8; type Args = u32; }
impl unsync::WeakEventListener<LS> for R { fn receive_weak_event(&self, _: &u8, n: &u32) { if *n != self.0 { black_box(n); } } }

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args[1].as_str();
    let n: usize = args[2].parse().unwrap();
    let reps: usize = args[3].parse().unwrap();
    match which {
        "unsync" => {
            let m = unsync::WeakEventManager::<LS>::new();
            let src = Rc::new(0u8);
            let rs: Vec<_> = (0..n).map(|_| Rc::new(R(0))).collect();
            for r in &rs { m.add_listener(&src, r); }
            for _ in 0..reps { m.deliver_event(&src, black_box(&0)); }
        }
        "root" => {
            let m = WeakEventManager::<S>::with_cleanup(CleanupMode::Manual);
            let src = Arc::new(0u8);
            let rs: Vec<_> = (0..n).map(|_| Arc::new(R(0))).collect();
            for r in &rs { m.add_listener(&src, r); }
            for _ in 0..reps { m.deliver_event(&src, black_box(&0)); }
        }
        "floor" => {
            let rs: Vec<Rc<dyn Fn(&u32)>> = (0..n).map(|_| { let r = R(0); Rc::new(move |x: &u32| if *x != r.0 { black_box(x); }) as Rc<dyn Fn(&u32)> }).collect();
            let list: Vec<_> = rs.iter().map(Rc::downgrade).collect();
            for _ in 0..reps { for w in &list { if let Some(h) = w.upgrade() { h(black_box(&0)); } } }
        }
        _ => {}
    }
}
