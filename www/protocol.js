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
// `glue`: the URL of the module's JS glue when it is not the main module's (the rayon module).
export const startMain = (module, glue = null) => ({ type: T.START_MAIN, module, glue });
export const startThread = (module, memory, index, glue = null) => ({
  type: T.START_THREAD,
  module,
  memory,
  index,
  glue,
});
export const startProcess = (module, pid) => ({ type: T.START_PROCESS, module, pid });
export const run = (runId, id, pairs, action = '') => ({ type: T.RUN, runId, id, pairs, action });
export const bench = (runId, name, pairs) => ({ type: T.BENCH, runId, name, pairs });
export const input = (runId, value) => ({ type: T.INPUT, runId, value });
export const processStarted = (reqId, answer) => ({ type: T.PROCESS_STARTED, reqId, ...answer });
export const processAttach = (port) => ({ type: T.PROCESS_ATTACH, port });
export const processReset = (pid) => ({ type: T.PROCESS_RESET, pid });

// --- workers -> page ----------------------------------------------------------------------
export const mainReady = (memory) => ({ type: T.MAIN_READY, memory });
export const runStarted = (runId, t0) => ({ type: T.RUN_STARTED, runId, t0 });
export const runDone = (runId, value, repr, elapsedMs, lostThreads) => ({
  type: T.RUN_DONE,
  runId,
  value,
  repr,
  elapsedMs,
  lostThreads,
});
export const runFailed = (runId, message, elapsedMs, lostThreads) => ({
  type: T.RUN_FAILED,
  runId,
  message,
  elapsedMs,
  lostThreads,
});
export const processReady = (pid) => ({ type: T.PROCESS_READY, pid });
export const workerFailed = (role, message) => ({ type: T.WORKER_FAILED, role, message });

// Built by Rust (src/rt/browser/protocol.rs), hence the plain parameter lists.
export const processStart = (reqId, name) => ({ type: T.PROCESS_START, reqId, name });
export const processExit = (procId) => ({ type: T.PROCESS_EXIT, procId });
export const threadReady = (index) => ({ type: T.THREAD_READY, index });
export const threadPanic = () => ({ type: T.THREAD_PANIC });
export const events = (runId, list) => ({ type: T.EVENTS, runId, events: list });
export const panic = (lane, worker, message) => ({ type: T.PANIC, lane, worker, message });
export const call = (reqId, runId, lane, task) => ({ type: T.CALL, reqId, runId, lane, task });
export const callResult = (reqId, answer) => ({ type: T.CALL_RESULT, reqId, ...answer });

/**
 * A handler per message type instead of a switch: `dispatch(handlers, data, ...context)` calls
 * `handlers[data.type]`, and reports a type nobody handles (a programming error, never input).
 */
export function dispatch(handlers, data, ...context) {
  const handler = handlers[data?.type];
  if (handler) return handler(data, ...context);
  console.warn('playground: unexpected message', data);
  return undefined;
}
