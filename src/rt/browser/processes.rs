//! Processes as seen from a run's main thread (the coordinator worker).
//!
//! The page owns process workers. The coordinator asks it for one (`process-start`), sends it
//! calls (`process-call`) and lets it go (`process-exit`); the page answers with
//! `process-started` and `process-result`, which `worker.js` hands to `deliver`. Waiting for an
//! answer is a future, so the coordinator's event loop stays free to receive it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use futures::channel::oneshot;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::{message_object, post};
use crate::rt::RtError;

/// A process the page started for this coordinator.
pub struct Handle {
    proc_id: u32,
}

thread_local! {
    static WAITING: RefCell<HashMap<u32, oneshot::Sender<JsValue>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Posts `fields` plus a fresh `reqId` and waits for the page's answer to that request.
async fn request(fields: &[(&str, JsValue)]) -> Result<JsValue, RtError> {
    let req_id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    let (send, answer) = oneshot::channel();
    WAITING.with(|w| w.borrow_mut().insert(req_id, send));
    let mut fields = fields.to_vec();
    fields.push(("reqId", req_id.into()));
    post(&message_object(&fields));
    let answer = answer.await.map_err(|_| RtError::Process("the page dropped the request".into()))?;
    match field(&answer, "error").as_string() {
        Some(error) => Err(RtError::Process(error)),
        None => Ok(answer),
    }
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Asks the page for a new process named `name`; returns it and its pid once it is ready.
pub async fn start(name: &str) -> Result<(Handle, u32), RtError> {
    let answer = request(&[("type", "process-start".into()), ("name", name.into())]).await?;
    let proc_id = field(&answer, "procId").as_f64().ok_or_else(|| RtError::Process("no procId".into()))? as u32;
    let pid = field(&answer, "pid").as_f64().ok_or_else(|| RtError::Process("no pid".into()))? as u32;
    Ok((Handle { proc_id }, pid))
}

/// Runs an encoded task in the process and returns its result.
pub async fn call(handle: &Handle, task: &str) -> Result<u128, RtError> {
    let answer =
        request(&[("type", "process-call".into()), ("procId", handle.proc_id.into()), ("task", task.into())]).await?;
    let text = field(&answer, "value").as_string().ok_or_else(|| RtError::Process("no value".into()))?;
    text.parse().map_err(|_| RtError::Process(format!("not an integer result: {text:?}")))
}

/// Tells the page the process is done; the page ends its worker.
pub fn exit(handle: &Handle) {
    post(&message_object(&[("type", "process-exit".into()), ("procId", handle.proc_id.into())]));
}

/// An answer from the page (`{ reqId, ... }`), completing the request that waits for it.
pub fn deliver(answer: JsValue) {
    let Some(req_id) = field(&answer, "reqId").as_f64() else { return };
    if let Some(waiter) = WAITING.with(|w| w.borrow_mut().remove(&(req_id as u32))) {
        let _ = waiter.send(answer);
    }
}
