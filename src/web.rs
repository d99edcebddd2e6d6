//! The `#[wasm_bindgen]` surface: what `www/playground.js` and `www/worker.js` call.
//!
//! The page's own instance (separate memory, never shared) answers questions about the
//! scenarios and validates parameters. Workers call the entry points for their role.

use std::sync::Arc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::params::{self, ParamSpec, ParamValue, Params};
use crate::rt::backend::{self as browser, PostSink, message_object};
use crate::rt::{Ctx, SpanState, set_lane};
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

/// What a run executes: the scenario's program, or one of its actions (`action` non-empty).
struct Program {
    run: fn(Ctx, Params) -> scenarios::RunFuture,
    params: Params,
    threads_needed: usize,
}

fn checked(id: &str, action: &str, pairs: &JsValue) -> Result<Program, JsValue> {
    let scenario = scenario(id)?;
    if action.is_empty() {
        let params = checked_params(scenario.params, scenario.check, pairs)?;
        let threads_needed = (scenario.threads_needed)(&params);
        return Ok(Program { run: scenario.run, params, threads_needed });
    }
    let action = scenario.action(action).ok_or_else(|| {
        let known: Vec<&str> = scenario.actions.iter().map(|a| a.name).collect();
        let action: String = action.chars().take(40).collect();
        let offered = if known.is_empty() { "none".to_string() } else { known.join(", ") };
        param_errors(&[params::ParamError {
            param: "action".into(),
            message: format!("{id} has no action {action:?}; it offers {offered}"),
        }])
    })?;
    let params = checked_params(action.params, action.check, pairs)?;
    let threads_needed = (action.threads_needed)(&params);
    Ok(Program { run: action.run, params, threads_needed })
}

fn checked_params(
    specs: &[ParamSpec],
    check: Option<scenarios::CrossCheck>,
    pairs: &JsValue,
) -> Result<Params, JsValue> {
    let given =
        pairs_from_js(pairs).map_err(|m| param_errors(&[params::ParamError { param: "params".into(), message: m }]))?;
    let params = params::validate(specs, &given).map_err(|e| param_errors(&e))?;
    // Only parameters that are each in range are checked together.
    if let Some(check) = check {
        check(&params).map_err(|e| param_errors(&[e]))?;
    }
    Ok(params)
}

/// `[[name, text], ...]` from JS into Rust pairs. No scenario has more than a handful of
/// parameters, so a long list is refused before anything is copied out of it.
pub fn pairs_from_js(pairs: &JsValue) -> Result<Vec<(String, String)>, String> {
    let array: &Array = pairs.dyn_ref().ok_or("parameters must be an array of [name, text] pairs")?;
    if array.length() > params::MAX_PARAMS as u32 {
        return Err(format!("at most {} parameters are accepted, got {}", params::MAX_PARAMS, array.length()));
    }
    array
        .iter()
        .map(|pair| {
            let pair: Array = pair.dyn_into().map_err(|_| "each parameter must be a [name, text] pair".to_string())?;
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(name), Some(text)) => Ok((name, text)),
                _ => Err("each parameter must be a [name, text] pair of strings".to_string()),
            }
        })
        .collect()
}

/// Every scenario with its parameters, flags, views, actions and source files, for the page and
/// the JS API: one JSON text (`scenarios::catalogue`), which the page parses once.
#[wasm_bindgen]
pub fn scenarios() -> String {
    scenarios::catalogue::catalogue_json()
}

/// Whether this module carries the lessons' programs (cargo feature `lessons`): then every
/// scenario runs in it, and a page that loaded it first needs no second module.
#[wasm_bindgen]
pub fn has_lessons() -> bool {
    cfg!(feature = "lessons")
}

/// The most parameters the validator reads (`params::MAX_PARAMS`): the page's URLs and recorded
/// runs keep to the same limit, from here.
#[wasm_bindgen]
pub fn max_params() -> usize {
    crate::params::MAX_PARAMS
}

/// The states a lane's time is drawn in (`[{ name, label, overlay }]`), from `SpanState`, their
/// one source: the timeline and its legend read them here.
#[wasm_bindgen]
pub fn span_states() -> JsValue {
    SpanState::ALL
        .iter()
        .map(|s| {
            message_object(&[
                ("name", s.name().into()),
                ("label", s.label().into()),
                ("overlay", s.is_overlay().into()),
            ])
        })
        .collect::<Array>()
        .into()
}

/// Validates `[[name, text], ...]` for scenario `id` (or its action `action`, if not empty). Resolves to the normalised parameters
/// (`{ name: number | number[] }`) and the thread workers the run needs; rejects with an
/// array of `{ param, message }`.
#[wasm_bindgen]
pub fn validate(id: &str, action: &str, pairs: &JsValue) -> Result<JsValue, JsValue> {
    let program = checked(id, action, pairs)?;
    Ok(checked_to_js(&program.params, program.threads_needed))
}

/// `{ params, pairs, threadsNeeded }`: the normalised parameters, as numbers and as the text
/// the validator takes back, and the thread workers a run needs started first.
fn checked_to_js(params: &Params, threads_needed: usize) -> JsValue {
    let normalised = Object::new();
    for (name, value) in params.iter() {
        let js: JsValue = match value {
            ParamValue::Int(v) => (*v as f64).into(),
            ParamValue::IntList(l) => l.iter().map(|v| JsValue::from(*v as f64)).collect::<Array>().into(),
            ParamValue::Bool(b) => (*b).into(),
        };
        Reflect::set(&normalised, &name.into(), &js).unwrap();
    }
    let text: Array = params.to_text().into_iter().map(|(n, t)| Array::of2(&n.into(), &t.into())).collect();
    message_object(&[
        ("params", normalised.into()),
        ("pairs", text.into()),
        ("threadsNeeded", (threads_needed as f64).into()),
    ])
}

/// Main worker: names it and routes its panics to the page.
#[wasm_bindgen]
pub fn main_worker_init() {
    browser::init_worker("main worker");
}

/// The shared memory and compiled module, for the page to start thread workers on.
#[wasm_bindgen]
pub fn shared_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Main worker: runs scenario `id` (or its action `action`) as run `run_id`. Its events are posted to the page
/// as they happen; the promise resolves to `{ value, repr }` or rejects with a message.
#[wasm_bindgen]
pub async fn run_scenario(run_id: u32, id: String, action: String, pairs: JsValue) -> Result<JsValue, JsValue> {
    let program = checked(&id, &action, &pairs)?;
    browser::begin_run(run_id);
    let ctx = Ctx::new(Arc::new(PostSink { run_id }));
    let outcome = scenarios::run_as_main(program.run, ctx, program.params).await;
    browser::flush_events();
    let value = outcome.map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(message_object(&[("value", value_to_js(&value)), ("repr", value.py_repr().into())]))
}

/// Main worker: how many thread workers of this world died (of a panic); the page
/// replaces a world that lost any.
#[wasm_bindgen]
pub fn lost_thread_workers() -> u32 {
    browser::threads::lost_workers()
}

/// Main worker: the page's answer to a process request.
#[wasm_bindgen]
pub fn deliver_to_main_worker(answer: JsValue) {
    browser::processes::deliver(answer);
}

/// Main worker: an input the learner sent run `run_id` (`run.send(value)`), for its program
/// to await (`rt::input`). An input for a run that has ended is dropped.
#[wasm_bindgen]
pub fn deliver_input(run_id: u32, value: String) {
    crate::rt::input::deliver(run_id, value);
}

/// Thread worker: waits for jobs on the shared memory forever; tells the page it is ready first.
#[wasm_bindgen]
pub fn thread_worker_main(index: u32) {
    let name = format!("thread worker {index}");
    browser::init_worker(&name);
    browser::threads::worker_loop(|| browser::post(&browser::protocol::thread_ready(index)));
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
        Value::Float(x) => (*x).into(),
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

/// Main worker: measurement or drill `name` (see `crate::bench`) as run `run_id`, with
/// arguments checked like a scenario's parameters. A measurement's events go to an in-memory
/// sink, as on the host, so both sides pay the same for them; a drill's go to the page, like a
/// scenario's. A module built without the `drills` feature has none, and says so.
#[wasm_bindgen]
pub async fn run_bench(run_id: u32, name: String, pairs: JsValue) -> Result<f64, JsValue> {
    #[cfg(feature = "drills")]
    {
        let params = checked_params(bench_spec(&name)?.params, None, &pairs)?;
        browser::begin_run(run_id);
        let ctx =
            if name.starts_with("panic-") { Ctx::new(Arc::new(PostSink { run_id })) } else { Ctx::collecting().0 };
        let error = |e: crate::rt::RtError| JsValue::from_str(&e.to_string());
        match name.as_str() {
            // Failure drills for the robustness tests: a panic where a scenario could panic.
            "panic-main" => panic!("a deliberate panic on the main thread"),
            "panic-thread" => {
                let handle = ctx
                    .spawn_thread("Thread-1", |_| -> u32 { panic!("a deliberate panic in a thread") })
                    .map_err(error)?;
                // The main thread outlives the panic: `join` hands it over as an error.
                handle.join().map(f64::from).map_err(|e| JsValue::from_str(&format!("join returned an error: {e}")))
            }
            "panic-task" => Ok(ctx.spawn_task("Task-1", async { panic!("a deliberate panic in an async task") }).await),
            "panic-process" => {
                let process = ctx.start_process("Process-1").await.map_err(error)?;
                process.call(Call::Panic).await.map(|v| v as f64).map_err(error)
            }
            #[cfg(feature = "rayon")]
            "panic-rayon" => {
                use rayon::prelude::*;
                crate::rt::pool::start().await.map_err(error)?;
                let sum = crate::rt::pool::run(|| {
                    (0..64u64)
                        .into_par_iter()
                        .map(|i| if i == 63 { panic!("a deliberate panic in a rayon task") } else { i })
                        .sum::<u64>()
                });
                sum.map(|s| s as f64).map_err(error)
            }
            _ => crate::bench::run(&ctx, &name, &params).await.map_err(error),
        }
    }
    #[cfg(not(feature = "drills"))]
    {
        let _ = (run_id, pairs);
        Err(no_drills(&name))
    }
}

/// Checks the arguments of measurement `name`: `{ params, pairs, threadsNeeded }`, or the
/// errors naming each bad argument and its range.
#[wasm_bindgen]
pub fn validate_bench(name: &str, pairs: &JsValue) -> Result<JsValue, JsValue> {
    #[cfg(feature = "drills")]
    {
        let bench = bench_spec(name)?;
        let params = checked_params(bench.params, None, pairs)?;
        let verdict = checked_to_js(&params, (bench.threads_needed)(&params));
        Reflect::set(&verdict, &"module".into(), &bench.module.name().into()).unwrap();
        Ok(verdict)
    }
    #[cfg(not(feature = "drills"))]
    {
        let _ = pairs;
        Err(no_drills(name))
    }
}

#[cfg(feature = "drills")]
fn bench_spec(name: &str) -> Result<&'static crate::bench::Bench, JsValue> {
    crate::bench::find(name).ok_or_else(|| {
        let known: Vec<&str> = crate::bench::BENCHES.iter().map(|b| b.name).collect();
        let name: String = name.chars().take(40).collect();
        param_errors(&[params::ParamError {
            param: "bench".into(),
            message: format!("unknown bench {name:?}; known: {}", known.join(", ")),
        }])
    })
}

#[cfg(not(feature = "drills"))]
fn no_drills(name: &str) -> JsValue {
    let name: String = name.chars().take(40).collect();
    param_errors(&[params::ParamError {
        param: "bench".into(),
        message: format!(
            "bench {name:?}: this module was built without benchmarks and drills (cargo feature `drills`)"
        ),
    }])
}
