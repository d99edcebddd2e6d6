// A learner's Python program, run for real on the page's side of things: RustPython compiled
// to wasm32-wasip1-threads (python/), its main thread on a worker, each Python thread on a
// worker of its own over one shared memory. The page never blocks: it starts workers, keeps
// the pool of idle thread workers topped up, and passes the program's events on.
//
//   const module = await loadInterpreter(url, (loaded, total) => {});
//   const run = runPython(module, source, { onEvent });
//   const { status, events, lines, elapsedMs } = await run.done;   // status: 'done' | 'cancelled'
//   run.cancel();
import { CTL, MAX_WORKERS, newControlBlock } from './host.js';

const now = () => performance.timeOrigin + performance.now();
const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Workers started before the program runs, and kept idle beyond those a start waits for. */
const POOL_AT_START = 4;
const KEEP_IDLE = 2;
/** The module's memory limits (its import of env.memory): 128 MiB at first, at most 1 GiB. */
const MEMORY = { initial: 2048, maximum: 16384, shared: true };
/** Source over this many bytes is refused before anything starts. */
const MAX_SOURCE_BYTES = 100 * 1024;

/**
 * Downloads and compiles the interpreter once; `onProgress(loaded, total)` follows the
 * download (total 0 when the server does not say).
 */
export async function loadInterpreter(url, onProgress = () => {}) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the Python interpreter could not be downloaded: ${response.status} ${response.statusText} (${url})`);
  const total = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  const parts = [];
  let loaded = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  return WebAssembly.compile(await new Blob(parts).arrayBuffer());
}

/** Runs `source`; returns `{ done, cancel }` as described at the top. */
export function runPython(module, source, { onEvent = () => {}, onStart = () => {} } = {}) {
  const size = new TextEncoder().encode(source).byteLength;
  if (size > MAX_SOURCE_BYTES) {
    const error = new Error(`The program is ${Math.ceil(size / 1024)} KB; the most this page runs is ${MAX_SOURCE_BYTES / 1024} KB.`);
    return { done: Promise.reject(error), cancel() {} };
  }
  const run = new PythonRun(module, onEvent, onStart);
  return { done: run.start(source), cancel: () => run.end({ status: 'cancelled' }) };
}

class PythonRun {
  #module;
  #memory = new WebAssembly.Memory(MEMORY);
  #ctl = newControlBlock();
  #workers = [];
  #starting = 0;
  #onEvent;
  #onStart;
  #events = [];
  #lines = [];
  #t0 = null;
  #settle;
  #ended = false;
  #exitStatus = null;

  constructor(module, onEvent, onStart) {
    this.#module = module;
    this.#onEvent = onEvent;
    this.#onStart = onStart;
  }

  /** Starts the pool and the main thread; resolves once the program has ended. */
  start(source) {
    const done = new Promise((resolve, reject) => { this.#settle = { resolve, reject }; });
    for (let i = 0; i < POOL_AT_START; i++) this.#addThreadWorker();
    this.#topUpPool();
    this.#t0 = now();
    this.#onStart({ t0: this.#t0 });
    this.#spawn({ type: 'py:main', module: this.#module, memory: this.#memory, ctl: this.#ctl, source });
    return done;
  }

  /** Ends the run: every worker is stopped, whatever it was doing (a Stop ends busy loops too). */
  end(outcome) {
    if (this.#ended) return;
    this.#ended = true;
    for (const worker of this.#workers) worker.terminate();
    const result = { events: this.#events, lines: this.#lines, t0: this.#t0, elapsedMs: now() - this.#t0, ...outcome };
    if (outcome.status === 'error') {
      this.#settle.reject(Object.assign(new Error(outcome.message), { result }));
    } else this.#settle.resolve(result);
  }

  #spawn(message) {
    const worker = new Worker(WORKER_URL, { type: 'module', name: message.type === 'py:main' ? 'Python MainThread' : 'Python thread' });
    worker.onmessage = ({ data }) => this.#onMessage(data);
    worker.onerror = (e) => this.end({ status: 'error', message: `a Python worker failed: ${e.message}` });
    worker.postMessage(message);
    this.#workers.push(worker);
    return worker;
  }

  #addThreadWorker() {
    const slot = Atomics.add(this.#ctl, CTL.SLOTS, 1);
    this.#spawn({ type: 'py:thread', module: this.#module, memory: this.#memory, ctl: this.#ctl, slot });
  }

  /**
   * Keeps KEEP_IDLE workers idle beyond the thread starts that wait for one: a worker can only
   * be started from here (a worker blocked in a `join` cannot start one), so the pool grows
   * ahead of the program. Woken by each start (DEMAND).
   */
  async #topUpPool() {
    while (!this.#ended) {
      const { IDLE, WAITING, SLOTS, DEMAND } = CTL;
      const starting = Atomics.load(this.#ctl, SLOTS) - this.#settledSlots();
      const want = Atomics.load(this.#ctl, WAITING) + KEEP_IDLE - Atomics.load(this.#ctl, IDLE) - starting;
      for (let i = 0; i < want && Atomics.load(this.#ctl, SLOTS) < MAX_WORKERS; i++) this.#addThreadWorker();
      await waitForChange(this.#ctl, DEMAND, Atomics.load(this.#ctl, DEMAND));
    }
  }

  /** Workers that have instantiated (their slot left EMPTY). */
  #settledSlots() {
    let n = 0;
    for (let i = 0; i < Atomics.load(this.#ctl, CTL.SLOTS); i++) {
      if (Atomics.load(this.#ctl, CTL.FIRST_SLOT + CTL.SLOT_SIZE * i) !== 0) n++;
    }
    return n;
  }

  #record(ev) {
    this.#events.push(ev);
    if (ev.kind === 'line' && ev.stream === 'stdout') this.#lines.push(ev.text);
    if (ev.kind === 'exit') this.#exitStatus = ev.status; // the program's, as `python main.py` exits
    this.#onEvent(ev);
  }

  /** From the run's start to the program's first line: the interpreter starting, its imports. */
  #startSpan(t) {
    return { kind: 'span', lane: 'MainThread', state: 'start', start: this.#t0, t, label: 'starting Python: the interpreter and its imports' };
  }

  #onMessage(data) {
    if (this.#ended) return;
    if (data.type === 'py:event') {
      const ev = data.event;
      if (ev.kind === 'lane-start' && ev.lane === 'MainThread') this.#record(this.#startSpan(ev.t));
      this.#record(ev);
    } else if (data.type === 'py:exit') {
      this.end({ status: 'done', exitStatus: this.#exitStatus ?? data.status });
    } else if (data.type === 'py:trap') {
      this.end({ status: 'error', message: `the Python interpreter stopped: ${data.message}` });
    }
  }
}

/** Resolves when `ctl[index]` is no longer `value` (Atomics.waitAsync; a poll where missing). */
function waitForChange(ctl, index, value) {
  if (typeof Atomics.waitAsync === 'function') {
    const { async, value: result } = Atomics.waitAsync(ctl, index, value, 1000);
    return async ? result : Promise.resolve(result);
  }
  return new Promise((resolve) => setTimeout(resolve, 20));
}
