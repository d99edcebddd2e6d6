// @ts-check
// Every message between the page and the playground's workers, defined once.
//
// The page (playground.js), the worker script (worker.js) and the Rust side all build their
// messages with the functions below and read them by `type`; Rust imports this very file
// (`#[wasm_bindgen(module = "/www/protocol.js")]` in src/rt/browser/protocol.rs), so a message
// has one shape wherever it is made. Types are namespaced (`pg:`) so they never collide with
// another library's messages in a course site's workers.
//
// Who talks to whom:
//   page -> any worker      START_MAIN | START_THREAD | START_PROCESS   (gives the worker its role)
//   page -> main worker     RUN | BENCH | PROCESS_STARTED (the answer to PROCESS_START)
//                           | INPUT (the learner's input for the running run, e.g. a step to grant)
//   main worker -> page     MAIN_READY | RUN_STARTED | RUN_DONE | RUN_FAILED | PROCESS_START | PROCESS_EXIT
//   thread worker -> page   THREAD_READY | THREAD_PANIC
//   page -> process worker  PROCESS_ATTACH (a port to its main worker) | PROCESS_RESET
//   process worker -> page  PROCESS_READY
//   main <-> process        CALL | CALL_RESULT, over the MessagePort the page handed to both
//   any worker -> page      EVENTS | PANIC | WORKER_FAILED

/**
 * A run's event as the JS API hands it out (Rust's `event_to_js`; the Python mode's harness
 * makes the same kinds): `line`, `note`, `lane-start`, `lane-end`, `marks`, `sample`, `view`,
 * `refused`, `awaiting-input`, `span` (the Python mode adds `exit`).
 * @typedef {{
 *   t: number, lane: string, kind: string, text?: string, stream?: string, what?: string,
 *   state?: string, start?: number, label?: string, count?: number, x?: number, value?: number,
 *   view?: string, data?: unknown, status?: number,
 * }} PlaygroundEvent
 * @typedef {[name: string, text: string][]} Pairs parameters as text, the validator's input
 * @typedef {{ procId: number, pid: number, port: MessagePort } | { error: string }} ProcessAnswer
 * @typedef {{ value: string } | { error: string }} CallAnswer
 */

export const T = Object.freeze({
  START_MAIN: 'pg:start-main',
  START_THREAD: 'pg:start-thread',
  START_PROCESS: 'pg:start-process',
  RUN: 'pg:run',
  BENCH: 'pg:bench',
  PROCESS_STARTED: 'pg:process-started',
  INPUT: 'pg:input',
  MAIN_READY: 'pg:main-ready',
  RUN_STARTED: 'pg:run-started',
  RUN_DONE: 'pg:run-done',
  RUN_FAILED: 'pg:run-failed',
  PROCESS_START: 'pg:process-start',
  PROCESS_EXIT: 'pg:process-exit',
  THREAD_READY: 'pg:thread-ready',
  THREAD_PANIC: 'pg:thread-panic',
  PROCESS_ATTACH: 'pg:process-attach',
  PROCESS_RESET: 'pg:process-reset',
  PROCESS_READY: 'pg:process-ready',
  CALL: 'pg:call',
  CALL_RESULT: 'pg:call-result',
  EVENTS: 'pg:events',
  PANIC: 'pg:panic',
  WORKER_FAILED: 'pg:worker-failed',
});

// --- page -> workers ----------------------------------------------------------------------
// `glue`: the URL of the module's JS glue when it is not the main module's (the lessons module).
export const startMain = (/** @type {WebAssembly.Module} */ module, /** @type {string | null} */ glue = null) => ({
  type: T.START_MAIN,
  module,
  glue,
});
/**
 * @param {WebAssembly.Module} module
 * @param {WebAssembly.Memory} memory
 * @param {number} index
 * @param {string | null} glue
 */
export const startThread = (module, memory, index, glue = null) => ({
  type: T.START_THREAD,
  module,
  memory,
  index,
  glue,
});
/** @param {WebAssembly.Module} module @param {number} pid @param {string | null} glue */
export const startProcess = (module, pid, glue = null) => ({ type: T.START_PROCESS, module, pid, glue });
/** @param {number} runId @param {string} id @param {Pairs} pairs @param {string} action */
export const run = (runId, id, pairs, action = '') => ({ type: T.RUN, runId, id, pairs, action });
/** @param {number} runId @param {string} name @param {Pairs} pairs */
export const bench = (runId, name, pairs) => ({ type: T.BENCH, runId, name, pairs });
/** @param {number} runId @param {string} value */
export const input = (runId, value) => ({ type: T.INPUT, runId, value });
/** @param {number} reqId @param {ProcessAnswer} answer */
export const processStarted = (reqId, answer) => ({ type: T.PROCESS_STARTED, reqId, ...answer });
/** @param {MessagePort} port */
export const processAttach = (port) => ({ type: T.PROCESS_ATTACH, port });
/** @param {number} pid */
export const processReset = (pid) => ({ type: T.PROCESS_RESET, pid });

// --- workers -> page ----------------------------------------------------------------------
/** @param {WebAssembly.Memory | null} memory */
export const mainReady = (memory) => ({ type: T.MAIN_READY, memory });
/** @param {number} runId @param {number} t0 */
export const runStarted = (runId, t0) => ({ type: T.RUN_STARTED, runId, t0 });
/**
 * @param {number} runId
 * @param {unknown} value what the program returned (a view's data)
 * @param {string} repr
 * @param {number} elapsedMs
 * @param {number} lostThreads
 */
export const runDone = (runId, value, repr, elapsedMs, lostThreads) => ({
  type: T.RUN_DONE,
  runId,
  value,
  repr,
  elapsedMs,
  lostThreads,
});
/** @param {number} runId @param {string} message @param {number} elapsedMs @param {number} lostThreads */
export const runFailed = (runId, message, elapsedMs, lostThreads) => ({
  type: T.RUN_FAILED,
  runId,
  message,
  elapsedMs,
  lostThreads,
});
/** @param {number} pid */
export const processReady = (pid) => ({ type: T.PROCESS_READY, pid });
/** @param {string} role @param {string} message */
export const workerFailed = (role, message) => ({ type: T.WORKER_FAILED, role, message });

// Built by Rust (src/rt/browser/protocol.rs), hence the plain parameter lists.
/** @param {number} reqId @param {string} name */
export const processStart = (reqId, name) => ({ type: T.PROCESS_START, reqId, name });
/** @param {number} procId */
export const processExit = (procId) => ({ type: T.PROCESS_EXIT, procId });
/** @param {number} index */
export const threadReady = (index) => ({ type: T.THREAD_READY, index });
export const threadPanic = () => ({ type: T.THREAD_PANIC });
/** @param {number} runId @param {PlaygroundEvent[]} list */
export const events = (runId, list) => ({ type: T.EVENTS, runId, events: list });
/** @param {string} lane @param {string} worker @param {string} message */
export const panic = (lane, worker, message) => ({ type: T.PANIC, lane, worker, message });
/** @param {number} reqId @param {number} runId @param {string} lane @param {string} task */
export const call = (reqId, runId, lane, task) => ({ type: T.CALL, reqId, runId, lane, task });
/** @param {number} reqId @param {CallAnswer} answer */
export const callResult = (reqId, answer) => ({ type: T.CALL_RESULT, reqId, ...answer });

/**
 * Any message of the playground.
 * @typedef {ReturnType<typeof startMain | typeof startThread | typeof startProcess | typeof run | typeof bench
 *   | typeof input | typeof processStarted | typeof processAttach | typeof processReset | typeof mainReady
 *   | typeof runStarted | typeof runDone | typeof runFailed | typeof processReady | typeof workerFailed
 *   | typeof processStart | typeof processExit | typeof threadReady | typeof threadPanic | typeof events
 *   | typeof panic | typeof call | typeof callResult>} Message
 */

/**
 * The message of type `K`.
 * @template {Message['type']} K
 * @typedef {Extract<Message, { type: K }>} MessageOf
 */

/**
 * A handler per message type, each given the message and the context `dispatch` was given.
 * @template {unknown[]} C
 * @typedef {{ [K in Message['type']]?: (data: MessageOf<K>, ...context: C) => unknown }} Handlers
 */

/**
 * A handler per message type instead of a switch: `dispatch(handlers, data, ...context)` calls
 * `handlers[data.type]`, and reports a type nobody handles (a programming error, never input).
 */
/**
 * @template {unknown[]} C
 * @param {Handlers<C>} handlers
 * @param {Message} data
 * @param {C} context
 */
export function dispatch(handlers, data, ...context) {
  const handler = /** @type {((data: Message, ...context: C) => unknown) | undefined} */ (handlers[data?.type]);
  if (handler) return handler(data, ...context);
  console.warn('playground: unexpected message', data);
  return undefined;
}
