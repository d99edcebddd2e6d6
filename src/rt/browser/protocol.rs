//! The messages the Rust side posts, built by `www/protocol.js`, the one file that defines
//! every message between the page and the workers (see its header for who sends what).

use js_sys::Array;
use wasm_bindgen::prelude::*;

// The page's modules (cargo feature `page`, which build.sh sets) import the very
// `www/protocol.js` the page and worker.js import, beside `pkg/`: one module, fetched once,
// and no second fetch the glue must be loaded to discover (that chain sat on the path of every
// worker's start). Elsewhere (wasm-pack tests) wasm-bindgen copies the file beside the glue.
#[cfg_attr(feature = "page", wasm_bindgen(raw_module = "../protocol.js"))]
#[cfg_attr(not(feature = "page"), wasm_bindgen(module = "/www/protocol.js"))]
extern "C" {
    #[wasm_bindgen(js_name = processStart)]
    pub fn process_start(req_id: u32, name: &str) -> JsValue;
    #[wasm_bindgen(js_name = processExit)]
    pub fn process_exit(proc_id: u32) -> JsValue;
    #[wasm_bindgen(js_name = threadReady)]
    pub fn thread_ready(index: u32) -> JsValue;
    #[wasm_bindgen(js_name = threadPanic)]
    pub fn thread_panic() -> JsValue;
    pub fn events(run_id: u32, list: Array) -> JsValue;
    pub fn panic(lane: &str, worker: &str, message: &str) -> JsValue;
    pub fn call(req_id: u32, run_id: u32, lane: &str, task: &str) -> JsValue;
}
