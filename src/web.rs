//! The `#[wasm_bindgen]` surface: what `www/playground.js` and `www/worker.js` call.
//!
//! The page's own instance (separate memory, never shared) answers questions about the
//! scenarios and validates parameters. Workers call the entry points for their role.

use std::sync::Arc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::params::{self, ParamKind, ParamValue, Params};
use crate::rt::browser::{self, PostSink, message_object, pairs_from_js};
use crate::rt::{Ctx, set_lane};
use crate::scenarios::{self, Scenario, tasks::Call};
use crate::value::Value;

fn scenario(id: &str) -> Result<&'static Scenario, JsValue> {
    scenarios::find(id).ok_or_else(|| {
        let known: Vec<&str> = scenarios::ALL.iter().map(|s| s.id).collect();
        param_errors(&[params::ParamError {
            param: "scenario".into(),
            message: format!(
                "unknown scenario {:?}; known: {}",
                id.chars().take(40).collect::<String>(),
                known.join(", ")
            ),
        }])
    })
}

fn param_errors(errors: &[params::ParamError]) -> JsValue {
    errors
        .iter()
        .map(|e| message_object(&[("param", e.param.as_str().into()), ("message", e.message.as_str().into())]))
        .collect::<Array>()
        .into()
}

fn checked(id: &str, pairs: &JsValue) -> Result<(&'static Scenario, Params), JsValue> {
    let scenario = scenario(id)?;
    let given =
        pairs_from_js(pairs).map_err(|m| param_errors(&[params::ParamError { param: "params".into(), message: m }]))?;
    let params = params::validate(scenario.params, &given).map_err(|e| param_errors(&e))?;
    Ok((scenario, params))
}

/// Every scenario with its parameters, Python and Rust source, for the page and the JS API.
#[wasm_bindgen]
pub fn scenarios() -> JsValue {
    scenarios::ALL
        .iter()
        .map(|s| {
            let params = Object::new();
            for p in s.params {
                let (min, max, max_len) = match p.kind {
                    ParamKind::Int { min, max } => (min, max, None),
                    ParamKind::IntList { min, max, max_len } => (min, max, Some(max_len)),
                };
                let spec = message_object(&[
                    ("default", p.default.into()),
                    ("min", (min as f64).into()),
                    ("max", (max as f64).into()),
                    ("list", max_len.is_some().into()),
                    ("maxItems", max_len.map(|n| n as f64).into()),
                    ("label", p.label.into()),
                    ("range", params::describe(&p.kind).into()),
                ]);
                Reflect::set(&params, &p.name.into(), &spec).unwrap();
            }
            message_object(&[
                ("id", s.id.into()),
                ("title", s.title.into()),
                ("seedSection", s.seed_section.into()),
                ("params", params.into()),
                ("needsSharedMemory", s.needs_shared_memory.into()),
                ("rustFile", s.source_file.into()),
                ("moreRustFiles", s.more_source_files.iter().map(|t| JsValue::from_str(t)).collect::<Array>().into()),
                ("notice", s.notice.into()),
            ])
        })
        .collect::<Array>()
        .into()
}

/// Validates `[[name, text], ...]` for scenario `id`. Resolves to the normalised parameters
/// (`{ name: number | number[] }`) and the thread workers the run needs; rejects with an
/// array of `{ param, message }`.
#[wasm_bindgen]
pub fn validate(id: &str, pairs: &JsValue) -> Result<JsValue, JsValue> {
    let (scenario, params) = checked(id, pairs)?;
    let normalised = Object::new();
    for (name, value) in params.iter() {
        let js: JsValue = match value {
            ParamValue::Int(v) => (*v as f64).into(),
            ParamValue::IntList(l) => l.iter().map(|v| JsValue::from(*v as f64)).collect::<Array>().into(),
        };
        Reflect::set(&normalised, &name.into(), &js).unwrap();
    }
    let text: Array = params.to_text().into_iter().map(|(n, t)| Array::of2(&n.into(), &t.into())).collect();
    Ok(message_object(&[
        ("params", normalised.into()),
        ("pairs", text.into()),
        ("threadsNeeded", ((scenario.threads_needed)(&params) as f64).into()),
    ]))
}

/// Coordinator worker: names it and routes its panics to the page.
#[wasm_bindgen]
pub fn coordinator_init() {
    browser::init_worker("main worker");
}

/// The shared memory and compiled module, for the page to start thread workers on.
#[wasm_bindgen]
pub fn shared_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Coordinator worker: runs scenario `id` as run `run_id`. Its events are posted to the page
/// as they happen; the promise resolves to `{ value, repr }` or rejects with a message.
#[wasm_bindgen]
pub async fn run_scenario(run_id: u32, id: String, pairs: JsValue) -> Result<JsValue, JsValue> {
    let (scenario, params) = checked(&id, &pairs)?;
    let ctx = Ctx::new(Arc::new(PostSink { run_id }));
    let outcome = scenario.start(ctx, params).await;
    browser::flush_events();
    let value = outcome.map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(message_object(&[("value", value_to_js(&value)), ("repr", value.py_repr().into())]))
}

/// Coordinator worker: how many thread workers of this world died (of a panic); the page
/// replaces a world that lost any.
#[wasm_bindgen]
pub fn lost_thread_workers() -> u32 {
    browser::threads::lost_workers()
}

/// Coordinator worker: an answer from the page to a process request.
#[wasm_bindgen]
pub fn deliver_to_coordinator(answer: JsValue) {
    browser::processes::deliver(answer);
}

/// Thread worker: waits for jobs on the shared memory forever; posts `ready` to the page first.
#[wasm_bindgen]
pub fn thread_worker_main(index: u32) {
    let name = format!("thread worker {index}");
    browser::init_worker(&name);
    browser::threads::worker_loop(|| {
        browser::post(&message_object(&[("type", "ready".into()), ("index", index.into())]));
    });
}

/// Process worker: names it after its pid.
#[wasm_bindgen]
pub fn process_init(pid: u32) {
    browser::init_worker(&format!("process {pid}"));
}

/// Process worker: runs an encoded call for run `run_id` under lane `lane`; returns the
/// result as decimal text (it may exceed what a JS number holds).
#[wasm_bindgen]
pub fn process_call(run_id: u32, pid: u32, lane: String, call: &str) -> Result<String, JsValue> {
    let call = Call::decode(call).map_err(|e| JsValue::from_str(&e))?;
    set_lane(lane);
    let ctx = Ctx::new(Arc::new(PostSink { run_id }));
    let outcome = crate::rt::process::run_in_this_process(&call, &ctx, pid);
    browser::flush_events();
    outcome.map(|v| v.to_string()).map_err(|e| JsValue::from_str(&e))
}

/// A value for JS: integers become BigInt, so none loses digits.
fn value_to_js(value: &Value) -> JsValue {
    match value {
        Value::None => JsValue::NULL,
        Value::Int(i) => js_sys::BigInt::new(&JsValue::from_str(&i.to_string())).unwrap().into(),
        Value::Str(s) => s.as_str().into(),
        Value::List(items) => items.iter().map(value_to_js).collect::<Array>().into(),
        Value::Dict(entries) => {
            let object = Object::new();
            for (k, v) in entries {
                Reflect::set(&object, &k.as_str().into(), &value_to_js(v)).unwrap();
            }
            object.into()
        }
    }
}

/// Coordinator worker: one measurement for `./build.sh bench` (see `crate::bench`), as run
/// `run_id`. A measurement's events go to an in-memory sink, as on the host, so both sides pay
/// the same for them; a failure drill's go to the page, like a scenario's.
#[wasm_bindgen]
pub async fn run_bench(run_id: u32, name: String, args: JsValue) -> Result<f64, JsValue> {
    let arg = |key: &str| Reflect::get(&args, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let text = |key: &str| Reflect::get(&args, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let ctx = if name.starts_with("panic-") { Ctx::new(Arc::new(PostSink { run_id })) } else { Ctx::collecting().0 };
    let error = |e: crate::rt::RtError| JsValue::from_str(&e.to_string());
    match name.as_str() {
        "sum" => Ok(crate::bench::sum_ms(arg("n") as u64)),
        "split" => crate::bench::split_ms(&ctx, arg("n") as u64, (arg("workers") as usize).clamp(1, 16)).map_err(error),
        "lock" => crate::bench::lock_ns(&ctx, &text("variant"), arg("threads") as usize, arg("iterations") as u64)
            .map_err(error),
        "gather" => Ok(crate::bench::gather_ms(&ctx, arg("tasks") as usize).await),
        // Failure drills for the robustness tests: a panic where a scenario could panic.
        "panic-main" => panic!("a deliberate panic on the main thread"),
        "panic-thread" => {
            let handle =
                ctx.spawn_thread("Thread-1", || -> u32 { panic!("a deliberate panic in a thread") }).map_err(error)?;
            // The main thread outlives the panic: `join` hands it over as an error.
            handle.join().map(f64::from).map_err(|e| JsValue::from_str(&format!("join returned an error: {e}")))
        }
        "panic-task" => Ok(ctx.spawn_task("Task-1", async { panic!("a deliberate panic in an async task") }).await),
        "panic-process" => {
            let process = ctx.start_process("Process-1").await.map_err(error)?;
            process.call(Call::Panic).await.map(|v| v as f64).map_err(error)
        }
        other => Err(JsValue::from_str(&format!("unknown bench {other:?}"))),
    }
}
