// @ts-check
// One script for every worker of the playground; the first message gives it its role.
//
//   main     a run's main thread: runs scenarios, may block, owns the shared memory
//   thread   a thread on that shared memory: waits for jobs forever (never returns)
//   process  its own instance and memory: runs calls sent to it, like a child process
//
// playground.js starts all of them; every message is defined in protocol.js; the state lives
// in Rust. This file only connects messages to the module's entry points.
import * as mainGlue from './pkg/concurrency_playground.js';
import * as msg from './protocol.js';
import { canPostSharedMemory } from './shared-memory.js';

/**
 * This worker's global scope, as much of it as this script uses: the DOM's types (tsconfig.json)
 * describe a window's, and the webworker lib's cannot be loaded beside them.
 * @typedef {{
 *   onmessage: ((event: MessageEvent) => unknown) | null,
 *   postMessage: (message: msg.Message, transfer?: Transferable[]) => void,
 *   crossOriginIsolated: boolean,
 * }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));
const post = (/** @type {msg.Message} */ message) => scope.postMessage(message);

// The module's JS glue: the main module's, or the one a world of another module names (the
// lessons module's).
let wasm = mainGlue;
/**
 * @param {{ module_or_path: WebAssembly.Module, memory?: WebAssembly.Memory }} options
 * @param {string | null} [glue]
 */
async function init(options, glue) {
  if (glue) wasm = /** @type {typeof mainGlue} */ (await import(glue));
  await wasm.default(options);
}

const { T } = msg;
const now = () => performance.timeOrigin + performance.now();
/** @param {unknown} error what was thrown: an Error, a message, or the validator's `[{ message }]` */
const errorText = (error) =>
  Array.isArray(error)
    ? error.map((e) => e.message).join('; ')
    : String(/** @type {{ message?: unknown } | null | undefined} */ (error)?.message ?? error);

/**
 * @typedef {typeof T.START_MAIN | typeof T.START_THREAD | typeof T.START_PROCESS} StartType
 * @type {{ [K in StartType]: [role: string, start: (data: msg.MessageOf<K>) => Promise<void>] }}
 */
const ROLES = {
  [T.START_MAIN]: ['main worker', startMain],
  [T.START_THREAD]: ['thread worker', startThread],
  [T.START_PROCESS]: ['process worker', startProcess],
};

scope.onmessage = async (/** @type {MessageEvent} */ { data }) => {
  const type = /** @type {StartType} */ (data?.type); // or any other: then no role
  const [role, start] = ROLES[type] ?? [
    'worker',
    () => {
      throw new Error(`no worker role for ${data?.type}`);
    },
  ];
  try {
    await start(data);
  } catch (error) {
    post(msg.workerFailed(role, errorText(error)));
  }
};

/** @param {msg.MessageOf<typeof T.START_MAIN>} message */
async function startMain({ module, glue }) {
  // No memory is passed: this instance creates the shared memory the thread workers join.
  await init({ module_or_path: module }, glue);
  wasm.main_worker_init();
  /** @type {msg.Handlers<[]>} */
  const handlers = {
    [T.RUN]: ({ runId, id, action, pairs }) => finish(runId, wasm.run_scenario(runId, id, action, pairs)),
    [T.BENCH]: ({ runId, name, pairs }) =>
      finish(
        runId,
        wasm.run_bench(runId, name, pairs).then((ms) => ({ value: ms, repr: String(ms) })),
      ),
    [T.PROCESS_STARTED]: (answer) => wasm.deliver_to_main_worker(answer),
    // An input for the running program; its main thread awaits it (rt::input), so the event
    // loop is free to take it.
    [T.INPUT]: ({ runId, value }) => wasm.deliver_input(runId, value),
  };
  scope.onmessage = ({ data }) => msg.dispatch(handlers, data);
  // Only a cross-origin isolated page may post shared memory, and not every such page can
  // (WebKitGTK by default): where it cannot, threads cannot start, and the rest still runs.
  const memory = wasm.shared_memory();
  post(msg.mainReady(scope.crossOriginIsolated && canPostSharedMemory(memory) ? memory : null));
}

/**
 * Reports a run's start and how it ended, with the thread workers its world has lost.
 * @param {number} runId
 * @param {Promise<{ value: unknown, repr: string }>} running
 */
async function finish(runId, running) {
  const t0 = now();
  post(msg.runStarted(runId, t0));
  try {
    const { value, repr } = await running;
    post(msg.runDone(runId, value, repr, now() - t0, wasm.lost_thread_workers()));
  } catch (error) {
    post(msg.runFailed(runId, errorText(error), now() - t0, wasm.lost_thread_workers()));
  }
}

/** @param {msg.MessageOf<typeof T.START_THREAD>} message */
async function startThread({ module, memory, index, glue }) {
  await init({ module_or_path: module, memory }, glue);
  wasm.thread_worker_main(index); // says THREAD_READY and never returns
}

/** @param {msg.MessageOf<typeof T.START_PROCESS>} message */
async function startProcess({ module, pid: firstPid, glue }) {
  let pid = firstPid;
  /** @type {MessagePort | null} */
  let port = null; // to the main worker whose process this is, while it is one
  // Without `memory` the instance gets a fresh one of its own: nothing is shared.
  await init({ module_or_path: module }, glue);
  wasm.process_init(pid);
  // Called only while attached, so `port` is its listener's port.
  /** @param {MessageEvent<msg.MessageOf<typeof T.CALL>>} event */
  const onCall = ({ data: { reqId, runId, lane, task } }) => {
    try {
      /** @type {MessagePort} */ (port).postMessage(
        msg.callResult(reqId, { value: wasm.process_call(runId, pid, lane, task) }),
      );
    } catch (error) {
      /** @type {MessagePort} */ (port).postMessage(msg.callResult(reqId, { error: errorText(error) }));
    }
  };
  /** @type {msg.Handlers<[]>} */
  const handlers = {
    [T.PROCESS_ATTACH]: ({ port: given }) => {
      port = given;
      port.onmessage = onCall;
    },
    // The process exited: a fresh instance with a fresh memory, for the next process.
    [T.PROCESS_RESET]: ({ pid: newPid }) => {
      port?.close();
      port = null;
      wasm.__wbg_reset_state();
      pid = newPid;
      wasm.process_init(pid);
      post(msg.processReady(pid));
    },
  };
  scope.onmessage = ({ data }) => msg.dispatch(handlers, data);
  post(msg.processReady(pid));
}
