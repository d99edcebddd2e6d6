//! Processes as seen from a run's main thread (the main worker).
//!
//! The page owns process workers: it starts, recycles and kills them. The main worker asks it
//! for one (`PROCESS_START`); the answer (`PROCESS_STARTED`, through `deliver`) carries the
//! process's pid and a `MessagePort` whose other end the page gave the process. From then on
//! calls go straight to the process over that port (`CALL`, `CALL_RESULT`), and the page
//! hears of the process again only when it exits (`PROCESS_EXIT`). Waiting for an answer is a
//! future, so the main worker's event loop stays free to receive it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use futures::channel::oneshot;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, MessagePort};

use super::{post, protocol};
use crate::rt::core::RtError;

/// A process the page started for this main worker, and the port its calls go through.
pub struct ProcessHandle {
    proc_id: u32,
    /// The process's lane, which its events are posted under.
    name: String,
    port: MessagePort,
    /// Keeps the port's `onmessage` callback alive as long as the process.
    _on_answer: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    /// Requests (to the page or to a process) waiting for their answer, by request id.
    static WAITING: RefCell<HashMap<u32, oneshot::Sender<JsValue>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Registers a request; returns its id and the future of its answer.
fn expect_answer() -> (u32, oneshot::Receiver<JsValue>) {
    let req_id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    let (send, answer) = oneshot::channel();
    WAITING.with(|w| w.borrow_mut().insert(req_id, send));
    (req_id, answer)
}

/// The answer, or the error it carries (`{ error }`).
async fn answered(answer: oneshot::Receiver<JsValue>) -> Result<JsValue, RtError> {
    let answer = answer.await.map_err(|_| RtError::Process("the request was dropped".into()))?;
    match field(&answer, "error").as_string() {
        Some(error) => Err(RtError::Process(error)),
        None => Ok(answer),
    }
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// An answer (`{ reqId, ... }`) from the page or a process, completing the request that
/// waits for it.
pub fn deliver(answer: JsValue) {
    let Some(req_id) = field(&answer, "reqId").as_f64() else { return };
    if let Some(waiter) = WAITING.with(|w| w.borrow_mut().remove(&(req_id as u32))) {
        let _ = waiter.send(answer);
    }
}

/// Asks the page for a new process named `name`; returns it and its pid once it is ready.
pub async fn start(name: &str) -> Result<(ProcessHandle, u32), RtError> {
    let (req_id, answer) = expect_answer();
    post(&protocol::process_start(req_id, name));
    let answer = answered(answer).await?;
    let number = |key: &str| field(&answer, key).as_f64().ok_or_else(|| RtError::Process(format!("no {key}")));
    let (proc_id, pid) = (number("procId")? as u32, number("pid")? as u32);
    let port: MessagePort =
        field(&answer, "port").dyn_into().map_err(|_| RtError::Process("no port to the process".into()))?;
    let on_answer = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| deliver(event.data()));
    port.set_onmessage(Some(on_answer.as_ref().unchecked_ref()));
    Ok((ProcessHandle { proc_id, name: name.to_string(), port, _on_answer: on_answer }, pid))
}

/// Runs an encoded task in the process as run `run_id`; returns its result.
pub async fn call(process: &ProcessHandle, run_id: u32, task: &str) -> Result<u128, RtError> {
    let (req_id, answer) = expect_answer();
    process
        .port
        .post_message(&protocol::call(req_id, run_id, &process.name, task))
        .map_err(|_| RtError::Process("the process's port is closed".into()))?;
    let answer = answered(answer).await?;
    let text = field(&answer, "value").as_string().ok_or_else(|| RtError::Process("no value".into()))?;
    text.parse().map_err(|_| RtError::Process(format!("not an integer result: {text:?}")))
}

/// Tells the page the process is done; the page recycles its worker.
pub fn exit(process: &ProcessHandle) {
    process.port.close();
    post(&protocol::process_exit(process.proc_id));
}
