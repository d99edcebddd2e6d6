// @ts-check
// A learner's Python program, run for real on the page's side of things: RustPython compiled
// to wasm32-wasip1-threads (python/), its main thread on a worker, each Python thread on a
// worker of its own over one shared memory. A process that multiprocessing starts is another
// instance of the module with a memory of its own (python/py/_processes.py). The page never
// blocks: it starts workers, keeps each process's pool of idle thread workers topped up,
// answers the processes' calls (start a process, wait for one, queues) and passes their
// events on.
//
//   const module = await loadInterpreter(manifestUrl, (loaded, total) => {});
//   const run = runPython(module, source, { onEvent });
//   const { status, events, lines, elapsedMs } = await run.done;   // status: 'done' | 'cancelled'
//   run.cancel();
import { changeOf, newReplyChannel, sendReply } from './channel.js';
import { CTL, MAX_WORKERS, newControlBlock } from './host.js';
import { sourceTooLarge } from './limits.js';

/**
 * @typedef {import('../protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('../playground.js').RunResult} RunResult
 * @typedef {import('./host.js').FromWorker} FromWorker
 * @typedef {import('./host.js').HarnessCall} HarnessCall
 * @typedef {import('./host.js').ProcessConfig} ProcessConfig
 * @typedef {import('./host.js').MainStart} MainStart
 * @typedef {import('./host.js').ThreadStart} ThreadStart
 * @typedef {import('./channel.js').ReplyChannel} ReplyChannel
 */

/**
 * How a run ends: the program's exit, a Stop, or a failure of the interpreter or the page.
 * @typedef {{ status: 'done', exitStatus: number } | { status: 'cancelled' } | { status: 'error', message: string }} Ending
 */

/**
 * A worker of a Python run: `loadFailure` says why its script failed to load, if it did;
 * `reply` is its reply channel, once it has a role.
 * @typedef {Worker & { loadFailure?: string, reply?: ReplyChannel }} PythonWorker
 */

const now = () => performance.timeOrigin + performance.now();
const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Thread workers started before the main process runs, and kept idle beyond those a start
 * waits for. A child process starts none ahead: most run no thread of their own, and each
 * worker costs an instance of the module.
 */
const POOL = { main: { atStart: 4, keepIdle: 2 }, child: { atStart: 0, keepIdle: 0 } };
/** os.getpid() of the main process; its children are numbered on from it. */
const FIRST_PID = 1000;
/** The signals a process may be ended by (Process.terminate, Process.kill): exit code -signal, as CPython reports it. */
const SIGNALS = { SIGTERM: 15, SIGKILL: 9 };
/**
 * Each process's memory (the module's import of env.memory, at least 111 pages): 32 MiB at
 * first, grown by the interpreter as it needs, at most 1 GiB.
 */
const MEMORY = { initial: 512, maximum: 16384, shared: true };
/** Processes one run may start, its main process included: a runaway loop of starts ends here. */
const MAX_PROCESSES = 64;

/**
 * Downloads and compiles the interpreter. `manifestUrl` names python.json, written by the
 * build beside the module: the module's content-hashed file name (so a browser may cache it
 * for good, and a new build is a new name) and its size, which the progress bar's total comes
 * from (`onProgress(loaded, total)`): a server that compresses it sends no usable length.
 * @param {URL | string} manifestUrl
 * @param {(loaded: number, total: number) => void} [onProgress]
 * @returns {Promise<WebAssembly.Module>}
 */
export async function loadInterpreter(manifestUrl, onProgress = () => {}) {
  prepareWorkers();
  /** @type {{ wasm: string, bytes: number }} */
  const manifest = await fetchOk(manifestUrl, { cache: 'no-cache' }).then((response) => response.json());
  const response = await fetchOk(new URL(manifest.wasm, manifestUrl));
  const reader = /** @type {ReadableStream<Uint8Array<ArrayBuffer>>} */ (response.body).getReader(); // a 200 has one
  /** @type {Uint8Array<ArrayBuffer>[]} */
  const parts = [];
  let loaded = 0;
  onProgress(0, manifest.bytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.byteLength;
    onProgress(loaded, manifest.bytes);
  }
  return WebAssembly.compile(await new Blob(parts).arrayBuffer());
}

/**
 * @param {URL | string} url
 * @param {RequestInit} [options]
 */
async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok)
    throw new Error(
      `the Python interpreter could not be downloaded: ${response.status} ${response.statusText} (${url})`,
    );
  return response;
}

/**
 * Workers whose scripts are loaded before a run needs them: starting a worker (its module
 * scripts fetched, parsed and run) took 190-430 ms here, most of a run's start. A run takes
 * them as it starts processes and threads; they are replaced a while after, off its start.
 */
const SPARE_WORKERS = 6;
const REFILL_AFTER_MS = 1000;
/** @type {PythonWorker[]} */
const spareWorkers = [];

function prepareWorkers() {
  while (spareWorkers.length < SPARE_WORKERS) spareWorkers.push(newWorker());
}

/** A worker, its script loading; a script that fails to load says so as `loadFailure`. */
function newWorker() {
  /** @type {PythonWorker} */
  const worker = new Worker(WORKER_URL, { type: 'module', name: 'Python' });
  worker.addEventListener('error', (e) => {
    worker.loadFailure ??= e.message || 'its script did not load';
  });
  return worker;
}

/**
 * Every worker a Python process has taken and not ended: what `pg.liveWorkers().python` counts,
 * so a test can see that a Stop (or a process's end) really ended its workers.
 * @type {Set<PythonWorker>}
 */
const takenWorkers = new Set();

/** How many workers run Python now, and how many wait as spares. */
export const workerCounts = () => ({ running: takenWorkers.size, spares: spareWorkers.length });

function takeWorker() {
  const worker = spareWorkers.shift() ?? newWorker();
  setTimeout(prepareWorkers, REFILL_AFTER_MS);
  return worker;
}

/**
 * Runs `source`; returns `{ done, cancel }` as described at the top.
 * @param {WebAssembly.Module} module
 * @param {string} source
 * @param {{ onEvent?: (event: PlaygroundEvent) => void, onStart?: (start: { t0: number }) => void }} [options]
 * @returns {{ done: Promise<RunResult>, cancel: () => void }}
 */
export function runPython(module, source, { onEvent = () => {}, onStart = () => {} } = {}) {
  const tooLarge = sourceTooLarge(source);
  if (tooLarge) return { done: Promise.reject(new Error(tooLarge)), cancel() {} };
  const run = new PythonRun(module, source, onEvent, onStart);
  return { done: run.start(), cancel: () => run.end({ status: 'cancelled' }) };
}

/** One run: its processes (the main one and those it starts), its queues, its events. */
class PythonRun {
  /** @type {WebAssembly.Module} */
  #module;
  /** @type {string} */
  #source;
  /** @type {(event: PlaygroundEvent) => void} */
  #onEvent;
  /** @type {(start: { t0: number }) => void} */
  #onStart;
  /** @type {PlaygroundEvent[]} */
  #events = [];
  /** @type {string[]} */
  #lines = [];
  /** @type {number | null} */
  #t0 = null;
  /** @type {{ resolve: (result: RunResult) => void, reject: (error: Error) => void }} */
  #settle; // set by start()
  #ended = false;
  /** @type {Map<number, PythonProcess>} */
  #processes = new Map();
  /** @type {PageQueue[]} */
  #queues = [];

  /**
   * @param {WebAssembly.Module} module
   * @param {string} source
   * @param {(event: PlaygroundEvent) => void} onEvent
   * @param {(start: { t0: number }) => void} onStart
   */
  constructor(module, source, onEvent, onStart) {
    this.#module = module;
    this.#source = source;
    this.#onEvent = onEvent;
    this.#onStart = onStart;
  }

  /** Starts the main process; resolves once the program has ended. */
  start() {
    /** @type {Promise<RunResult>} */
    const done = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#t0 = now();
    this.#onStart({ t0: this.#t0 });
    this.#startProcess(null, null);
    return done;
  }

  /**
   * Ends the run: every worker is stopped, whatever it was doing (a Stop ends busy loops too).
   * @param {Ending} outcome
   */
  end(outcome) {
    if (this.#ended) return;
    this.#ended = true;
    for (const process of this.#processes.values()) process.terminate();
    const started = /** @type {number} */ (this.#t0);
    const result = { events: this.#events, lines: this.#lines, t0: this.#t0, elapsedMs: now() - started, ...outcome };
    if (outcome.status === 'error') {
      this.#settle.reject(Object.assign(new Error(outcome.message), { result }));
    } else this.#settle.resolve(/** @type {RunResult} */ (result));
  }

  /**
   * `child`: the name and pickled Process object of a process multiprocessing starts.
   * @param {ProcessConfig['child']} child
   * @param {PythonProcess | null} parent
   */
  #startProcess(child, parent) {
    const pid = FIRST_PID + this.#processes.size;
    const config = { pid, ppid: parent?.pid ?? 1, cpus: navigator.hardwareConcurrency || 1, child };
    const process = new PythonProcess(this.#module, config, (worker, data) => this.#onMessage(process, worker, data));
    this.#processes.set(pid, process);
    process.start(this.#source);
    return pid;
  }

  /**
   * A process multiprocessing starts: its pid, or why it could not start (after a "!").
   * @param {HarnessCall} call
   * @param {PythonProcess} parent
   */
  #startChild(call, parent) {
    if (this.#processes.size >= MAX_PROCESSES) return `!this page runs at most ${MAX_PROCESSES} processes in one run`;
    try {
      return String(this.#startProcess({ name: /** @type {string} */ (call.name), payload: call.data }, parent));
    } catch (error) {
      return `!the page could not start another process: ${/** @type {Error} */ (error).message}`;
    }
  }

  /** @param {PlaygroundEvent} ev */
  #record(ev) {
    this.#events.push(ev);
    if (ev.kind === 'line' && ev.stream === 'stdout') this.#lines.push(/** @type {string} */ (ev.text));
    this.#onEvent(ev);
  }

  /**
   * @param {PythonProcess} process
   * @param {PythonWorker} worker
   * @param {FromWorker} data
   */
  #onMessage(process, worker, data) {
    if (this.#ended) return;
    if (data.type === 'py:event') this.#onProcessEvent(process, data.event);
    else if (data.type === 'py:call') this.#answer(process, worker, data.call);
    else if (data.type === 'py:exit') this.#exited(process, process.reportedStatus ?? data.status);
    else if (data.type === 'py:trap') this.#failed(process, `the Python interpreter stopped: ${data.message}`);
  }

  /**
   * @param {PythonProcess} process
   * @param {PlaygroundEvent} ev
   */
  #onProcessEvent(process, ev) {
    if (ev.kind === 'exit') {
      process.reportedStatus = ev.status; // the program's, as `python main.py` exits
      return;
    }
    if (ev.kind === 'lane-start' && !process.started) {
      process.started = true;
      this.#record(startSpan(process, ev));
    }
    if (ev.kind === 'lane-start') process.lanes.add(ev.lane);
    if (ev.kind === 'lane-end') process.lanes.delete(ev.lane);
    this.#record(ev);
  }

  /**
   * @param {PythonProcess} process
   * @param {number} status
   */
  #exited(process, status) {
    if (process.isMain) {
      this.end({ status: 'done', exitStatus: status });
      return;
    }
    for (const lane of process.lanes) this.#record({ kind: 'lane-end', lane, t: now() });
    process.lanes.clear();
    for (const queue of this.#queues) queue.forget(process.pid);
    process.exited(status);
  }

  /**
   * A worker failed: the run's end in the main process; in a child, that process's (exit code 1).
   * @param {PythonProcess} process
   * @param {string} message
   */
  #failed(process, message) {
    if (process.isMain) {
      this.end({ status: 'error', message });
      return;
    }
    this.#record({ kind: 'line', lane: process.name, stream: 'stderr', text: `${process.name}: ${message}`, t: now() });
    this.#exited(process, 1);
  }

  /**
   * A Python thread's call (_playground.call): the answer goes to its worker's reply channel.
   * @param {PythonProcess} process
   * @param {PythonWorker} worker
   * @param {HarnessCall} call
   */
  #answer(process, worker, call) {
    if (process.exitCode !== null) return; // its workers are gone: nobody reads an answer
    const alive = () => !this.#ended && process.exitCode === null;
    const reply = (/** @type {string | Uint8Array} */ answer) =>
      sendReply(
        /** @type {ReplyChannel} */ (worker.reply),
        typeof answer === 'string' ? encoder.encode(answer) : answer,
        alive,
      );
    // What the call names: the harness sends `pid` with the process calls, `qid` with the queue calls.
    const child = /** @type {PythonProcess} */ (this.#processes.get(/** @type {number} */ (call.pid)));
    const queue = this.#queues[/** @type {number} */ (call.qid)];
    switch (call.op) {
      case 'process-start':
        return reply(this.#startChild(call, process));
      case 'process-wait':
        return child.whenExited(call.timeout).then((code) => reply(code === null ? '' : String(code)));
      case 'process-kill': {
        // terminate() sends SIGTERM, kill() SIGKILL (anything else is taken as SIGTERM).
        const signal = call.signal === SIGNALS.SIGKILL ? SIGNALS.SIGKILL : SIGNALS.SIGTERM;
        if (child.exitCode === null) this.#exited(child, -signal);
        return reply('');
      }
      case 'queue-new':
        return reply(String(this.#queues.push(new PageQueue()) - 1));
      case 'queue-put':
        queue.put(fromBase64(call.data));
        return reply('');
      case 'queue-get':
        return queue
          .get(process.pid, call.timeout)
          .then((item) => reply(item === null ? new Uint8Array() : withFlag(item)));
      case 'queue-size':
        return reply(String(queue.size));
      default:
        return this.end({
          status: 'error',
          message: `the Python harness asked for "${call.op}", which the page does not know`,
        });
    }
  }
}

const encoder = new TextEncoder();
const fromBase64 = (/** @type {string} */ text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
/**
 * A queue's item as `get` answers it: a 1 before the pickle (an empty answer: none came).
 * @param {Uint8Array} item
 */
function withFlag(item) {
  const answer = new Uint8Array(1 + item.byteLength);
  answer[0] = 1;
  answer.set(item, 1);
  return answer;
}

/**
 * From a process's start to its first lane: the interpreter starting, its imports.
 * @param {PythonProcess} process
 * @param {PlaygroundEvent} ev
 * @returns {PlaygroundEvent}
 */
function startSpan(process, ev) {
  const label = process.isMain
    ? 'starting Python: the interpreter and its imports'
    : "starting a process: a fresh interpreter imports main.py's definitions";
  return { kind: 'span', lane: ev.lane, state: 'start', start: process.startedAt, t: ev.t, label };
}

/**
 * One Python process: an instance of the module with its own memory, its main thread on a
 * worker, and a pool of thread workers for the threads it starts.
 */
class PythonProcess {
  /** @type {WebAssembly.Module} */
  #module;
  /** @type {ProcessConfig} */
  #config;
  /** @type {(worker: PythonWorker, data: FromWorker) => void} */
  #onMessage;
  #memory = new WebAssembly.Memory(MEMORY);
  #ctl = newControlBlock();
  /** @type {PythonWorker[]} */
  #workers = [];
  /** @type {{ atStart: number, keepIdle: number }} */
  #pool;
  /** @type {((code: number | null) => void)[]} */
  #waiters = [];
  #ended = false;
  /** @type {number | null} */
  exitCode = null;
  /** @type {number | null | undefined} */
  reportedStatus = null; // what the program said it exits with (its exit event)
  /** @type {Set<string>} */
  lanes = new Set();
  started = false;
  startedAt = now();

  /**
   * @param {WebAssembly.Module} module
   * @param {ProcessConfig} config
   * @param {(worker: PythonWorker, data: FromWorker) => void} onMessage
   */
  constructor(module, config, onMessage) {
    this.#module = module;
    this.#config = config;
    this.#onMessage = onMessage;
    this.#pool = config.child ? POOL.child : POOL.main;
  }

  get isMain() {
    return !this.#config.child;
  }
  get pid() {
    return this.#config.pid;
  }
  get name() {
    return this.#config.child?.name ?? 'MainThread';
  }

  /** @param {string} source */
  start(source) {
    this.#spawn({ type: 'py:main', source, config: this.#config });
    for (let i = 0; i < this.#pool.atStart; i++) this.#addThreadWorker();
    this.#topUpPool();
  }

  terminate() {
    this.#ended = true;
    for (const worker of this.#workers) {
      worker.terminate();
      takenWorkers.delete(worker);
    }
  }

  /** @param {number} code */
  exited(code) {
    this.terminate();
    this.exitCode = code;
    for (const wake of this.#waiters.splice(0)) wake(code);
  }

  /**
   * The exit code once the process has ended; null if it has not within `timeout` seconds.
   * @param {number | null | undefined} timeout
   * @returns {Promise<number | null>}
   */
  whenExited(timeout) {
    if (this.exitCode !== null || timeout === 0) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      if (timeout !== null && timeout !== undefined) setTimeout(() => resolve(this.exitCode), timeout * 1000);
    });
  }

  /**
   * @param {Omit<MainStart, keyof import('./host.js').WorkerStart> | Omit<ThreadStart, keyof import('./host.js').WorkerStart>} message
   */
  #spawn(message) {
    const worker = takeWorker();
    worker.reply = newReplyChannel();
    worker.onmessage = ({ data }) => this.#onMessage(worker, data);
    const failed = (/** @type {string} */ why) =>
      this.#onMessage(worker, { type: 'py:trap', message: `a Python worker failed: ${why}` });
    worker.onerror = (e) => failed(e.message);
    // A spare whose script failed to load while it waited: its error event has passed.
    if (worker.loadFailure) queueMicrotask(() => failed(/** @type {string} */ (worker.loadFailure)));
    worker.postMessage({ ...message, module: this.#module, memory: this.#memory, ctl: this.#ctl, reply: worker.reply });
    this.#workers.push(worker);
    takenWorkers.add(worker);
  }

  #addThreadWorker() {
    this.#spawn({ type: 'py:thread', slot: Atomics.add(this.#ctl, CTL.SLOTS, 1) });
  }

  /**
   * Keeps `keepIdle` workers idle beyond the thread starts that wait for one: a worker can only
   * be started from here (a worker blocked in a `join` cannot start one), so the pool grows
   * ahead of the program. Woken by each start (DEMAND).
   */
  async #topUpPool() {
    while (!this.#ended) {
      const { IDLE, WAITING, SLOTS, DEMAND } = CTL;
      const starting = Atomics.load(this.#ctl, SLOTS) - this.#settledSlots();
      const want = Atomics.load(this.#ctl, WAITING) + this.#pool.keepIdle - Atomics.load(this.#ctl, IDLE) - starting;
      for (let i = 0; i < want && Atomics.load(this.#ctl, SLOTS) < MAX_WORKERS; i++) this.#addThreadWorker();
      await changeOf(this.#ctl, DEMAND, Atomics.load(this.#ctl, DEMAND));
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
}

/** A multiprocessing queue, held here for all the run's processes: pickled items in order. */
class PageQueue {
  /** @type {Uint8Array[]} */
  #items = [];
  /** @type {{ pid: number, take: (item: Uint8Array) => void }[]} */
  #getters = [];

  get size() {
    return this.#items.length;
  }

  /** @param {Uint8Array} item */
  put(item) {
    const getter = this.#getters.shift();
    if (getter) getter.take(item);
    else this.#items.push(item);
  }

  /**
   * The next item for process `pid`; null if none came within `timeout` seconds (null: wait
   * for as long as it takes).
   * @param {number} pid
   * @param {number | null | undefined} timeout
   * @returns {Promise<Uint8Array | null>}
   */
  get(pid, timeout) {
    if (this.#items.length) return Promise.resolve(/** @type {Uint8Array} */ (this.#items.shift()));
    if (timeout === 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const getter = {
        pid,
        take: (/** @type {Uint8Array} */ item) => {
          clearTimeout(/** @type {number} */ (timer)); // set before any getter takes
          resolve(item);
        },
      };
      this.#getters.push(getter);
      const timer =
        timeout === null || timeout === undefined
          ? null
          : setTimeout(() => {
              this.#getters.splice(this.#getters.indexOf(getter), 1);
              resolve(null);
            }, Math.max(0, timeout) * 1000);
    });
  }

  /**
   * A process that ended waits no more: the next item goes to a getter still alive.
   * @param {number} pid
   */
  forget(pid) {
    this.#getters = this.#getters.filter((getter) => getter.pid !== pid);
  }
}
