// @ts-check
// A worker of a Python run: its main thread (`py:main`) or one of its pool of thread workers
// (`py:thread`). Each instantiates the module over the run's one shared memory; what the
// program reports goes straight to the page.
import { WASIProcExit } from '../vendor/browser_wasi_shim/index.js';
import { CTL, SLOT, imports, makeWasi } from './host.js';

/**
 * This worker's global scope, as much of it as this script uses: the DOM's types (tsconfig.json)
 * describe a window's, and the webworker lib's cannot be loaded beside them.
 * @typedef {{
 *   onmessage: ((event: MessageEvent<MainStart | ThreadStart>) => unknown) | null,
 *   postMessage: (message: FromWorker) => void,
 * }} WorkerScope
 * @typedef {import('./host.js').MainStart} MainStart
 * @typedef {import('./host.js').ThreadStart} ThreadStart
 * @typedef {import('./host.js').FromWorker} FromWorker
 * @typedef {{ _start(): void, wasi_thread_start(tid: number, startArg: number): void }} PythonExports
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

const post = (/** @type {FromWorker} */ message) => scope.postMessage(message);

/**
 * A process's main thread: the interpreter's `_start`, as `python -c HARNESS SOURCE CONFIG`
 * (CONFIG: the process's id and, in a child process, what to run: _playground.py).
 * @param {MainStart} start
 */
async function runMain({ module, memory, ctl, reply, source, config }) {
  const argv = ['python', '-c', 'import _playground; _playground.main()', source, JSON.stringify(config)];
  const wasi = makeWasi(memory, post, reply, argv);
  const instance = await WebAssembly.instantiate(module, imports(memory, wasi, ctl));
  let status;
  try {
    /** @type {PythonExports} */ (instance.exports)._start();
    status = 0;
  } catch (error) {
    if (!(error instanceof WASIProcExit)) throw error;
    status = error.code;
  }
  post({ type: 'py:exit', status });
}

/**
 * A pool worker: idle until a thread is handed to it (host.js's thread-spawn), then runs it
 * with `wasi_thread_start`; a thread that ends leaves the worker idle again, for the next one.
 * @param {ThreadStart} start
 */
async function runThreads({ module, memory, ctl, reply, slot }) {
  const wasi = makeWasi(memory, post, reply);
  const instance = await WebAssembly.instantiate(module, imports(memory, wasi, ctl));
  const at = CTL.FIRST_SLOT + CTL.SLOT_SIZE * slot;
  for (;;) {
    Atomics.store(ctl, at, SLOT.IDLE);
    Atomics.add(ctl, CTL.IDLE, 1);
    Atomics.notify(ctl, CTL.IDLE);
    while (Atomics.load(ctl, at) !== SLOT.RUNNING) Atomics.wait(ctl, at, Atomics.load(ctl, at));
    /** @type {PythonExports} */ (instance.exports).wasi_thread_start(
      Atomics.load(ctl, at + 1),
      Atomics.load(ctl, at + 2),
    );
  }
}

scope.onmessage = (/** @type {MessageEvent<MainStart | ThreadStart>} */ { data }) => {
  // A trap (an interpreter panic, memory exhausted) ends the run with its message.
  (data.type === 'py:main' ? runMain(data) : runThreads(data)).catch((error) =>
    post({ type: 'py:trap', message: String(error?.message ?? error) }),
  );
};
