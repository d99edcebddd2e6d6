//! Input for a running program: what the learner sends it while it runs (a step to grant, a
//! choice), awaited by the program's main thread like `input()` in Python, but without
//! blocking: the main thread's event loop stays free to receive the next message.
//!
//! In the browser the page posts `pg:input { runId, value }` to the main worker, whose
//! `deliver_input` export hands the value to [`deliver`]; the program awaits it with
//! [`Inputs::next`]. On the host there is no page: tests make a [`channel`] and send into it.

use std::cell::RefCell;

use futures::StreamExt;
use futures::channel::mpsc;

use crate::rt::{Ctx, EventKind, SpanState, clock};

/// The inputs of one run, in the order they were sent.
pub struct Inputs(mpsc::UnboundedReceiver<String>);

/// The sending end: the page's (through [`deliver`]) or a test's.
#[derive(Clone)]
pub struct InputSender(mpsc::UnboundedSender<String>);

impl InputSender {
    /// Sends one input; false if the program no longer listens.
    pub fn send(&self, value: impl Into<String>) -> bool {
        self.0.unbounded_send(value.into()).is_ok()
    }
}

impl Inputs {
    /// The next input, once it arrives; None once nobody can send any more.
    pub async fn next(&mut self) -> Option<String> {
        self.0.next().await
    }

    /// The learner's next step, awaited as the learner's time rather than the program's: the
    /// wait is announced as it begins (`AwaitingInput`, so the page can stop the run's clock
    /// and say whose turn it is) and reported as an `Input` span when the step arrives.
    pub async fn next_from_learner(&mut self, ctx: &Ctx) -> Option<String> {
        let waiting_ms = clock::now_ms();
        ctx.emit(EventKind::AwaitingInput);
        let sent = self.next().await;
        ctx.span(SpanState::Input, waiting_ms, "waiting for the learner's next step");
        sent
    }
}

/// A fresh pair: what is sent into the first comes out of the second.
pub fn channel() -> (InputSender, Inputs) {
    let (send, receive) = mpsc::unbounded();
    (InputSender(send), Inputs(receive))
}

/// This thread's run and its inputs: the sender `deliver` uses, and the inputs until the
/// program takes them.
struct ThisRun {
    run_id: u32,
    sender: Option<InputSender>,
    inputs: Option<Inputs>,
}

thread_local! {
    static THIS_RUN: RefCell<ThisRun> = const { RefCell::new(ThisRun { run_id: 0, sender: None, inputs: None }) };
}

/// A run begins on this thread (the browser's main worker): its inputs start empty, and
/// inputs meant for an earlier run are dropped from now on.
pub fn begin(run_id: u32) {
    let (sender, inputs) = channel();
    THIS_RUN.with(|r| *r.borrow_mut() = ThisRun { run_id, sender: Some(sender), inputs: Some(inputs) });
}

/// Hands `value` to run `run_id` if it is this thread's run; false if it is not (an input
/// that arrived after its run ended).
pub fn deliver(run_id: u32, value: String) -> bool {
    THIS_RUN.with(|r| {
        let run = r.borrow();
        run.run_id == run_id && run.sender.as_ref().is_some_and(|s| s.send(value))
    })
}

/// The inputs of the run this thread runs, for its program to await. A program that takes
/// them where no run began (a host run without a page) gets inputs that end at once.
pub fn for_this_run() -> Inputs {
    THIS_RUN.with(|r| r.borrow_mut().inputs.take()).unwrap_or_else(|| channel().1)
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;

    #[test]
    fn inputs_arrive_in_order_and_end_when_the_sender_is_gone() {
        let (send, mut inputs) = channel();
        assert!(send.send("1") && send.send("free"));
        drop(send);
        let got = block_on(async {
            let mut got = Vec::new();
            while let Some(v) = inputs.next().await {
                got.push(v);
            }
            got
        });
        assert_eq!(got, ["1", "free"]);
    }

    #[test]
    fn delivery_reaches_only_the_current_run() {
        begin(7);
        assert!(deliver(7, "2".into()));
        assert!(!deliver(6, "late".into()));
        let mut inputs = for_this_run();
        assert_eq!(block_on(inputs.next()), Some("2".to_string()));
        begin(8); // the next run: run 7's inputs are gone
        assert!(!deliver(7, "1".into()));
        assert!(deliver(8, "3".into()));
        assert_eq!(block_on(for_this_run().next()), Some("3".to_string()));
    }

    #[test]
    fn without_a_run_the_inputs_end_at_once() {
        std::thread::spawn(|| assert_eq!(block_on(for_this_run().next()), None)).join().unwrap();
    }
}
