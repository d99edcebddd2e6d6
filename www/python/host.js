// @ts-check
// What the Python module imports, for every worker of a Python run (its main thread's and each
// thread's): WASI from browser_wasi_shim, with two calls of our own, and `thread-spawn`.
//
// - The clock: `performance.timeOrigin + performance.now()` in every worker, the one clock of
//   the whole playground (the shim's monotonic clock starts at each worker's own zero, so
//   threads would disagree by hundreds of ms).
// - Sleeping (`poll_oneoff` on a clock): `Atomics.wait` for the time asked, so a sleeping
//   thread's worker sleeps (the shim's spins a core, which steals it from the other threads).
// - `thread-spawn` (wasi-threads): wasi-libc's pthread_create asks for a thread; we hand it to
//   an idle worker of the run's pool through the shared control block below, with no message
//   and no event loop (the spawning worker may be the one a `join` will block). The page keeps
//   the pool topped up (pool.js). emnapi's wasi-threads, read and tried first, sends every
//   start through one coordinating thread: a thread starting a thread then hangs while that
//   coordinator runs Python.
import { ConsoleStdout, WASI, wasi as defs } from '../vendor/browser_wasi_shim/index.js';
import { ReplyReader } from './channel.js';

/**
 * @typedef {import('../protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./channel.js').ReplyChannel} ReplyChannel
 */

/**
 * A call of the harness (`_playground.call`): what it asks the page, and its arguments (`data`:
 * bytes in base64).
 * @typedef {{
 *   kind: 'call', lane: string, op: string, data: string, pid?: number, qid?: number, timeout?: number | null,
 *   name?: string, signal?: number,
 * }} HarnessCall
 * @typedef {{ pid: number, ppid: number, cpus: number, child: { name: string, payload: string } | null }} ProcessConfig
 */

/**
 * What a worker of a Python run tells the page: an event, a call, its main thread's exit status,
 * or a trap.
 * @typedef {{ type: 'py:event', event: PlaygroundEvent }
 *   | { type: 'py:call', call: HarnessCall }
 *   | { type: 'py:exit', status: number }
 *   | { type: 'py:trap', message: string }} FromWorker
 */

/**
 * What the page starts a worker with: a process's main thread, or a worker of its pool.
 * @typedef {{ module: WebAssembly.Module, memory: WebAssembly.Memory, ctl: Int32Array, reply: ReplyChannel }} WorkerStart
 * @typedef {WorkerStart & { type: 'py:main', source: string, config: ProcessConfig }} MainStart
 * @typedef {WorkerStart & { type: 'py:thread', slot: number }} ThreadStart
 */

/** The control block (an Int32Array on a SharedArrayBuffer), shared by the page and workers. */
export const CTL = { NEXT_TID: 0, IDLE: 1, DEMAND: 2, SLOTS: 3, WAITING: 5, FIRST_SLOT: 16, SLOT_SIZE: 4 };
export const SLOT = { EMPTY: 0, IDLE: 1, ASSIGNED: 2, RUNNING: 3 };
export const MAX_WORKERS = 64;

export function newControlBlock() {
  const ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.FIRST_SLOT + CTL.SLOT_SIZE * MAX_WORKERS)));
  ctl[CTL.NEXT_TID] = 1;
  return ctl;
}

/** How long a thread start waits for a worker before Python's `can't start new thread`. */
const SPAWN_WAIT_MS = 5000;
const now = () => performance.timeOrigin + performance.now();
const nowNs = () => BigInt(Math.round(now() * 1e6));
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const utf8 = new TextEncoder();

/**
 * The WASI of one worker. `post(message)` sends to the page; `reply` is the worker's reply
 * channel (channel.js), its fd 4; `argv` is the main thread's command line (a thread has none).
 * Output on stdout/stderr that bypasses the harness (the interpreter's own fatal messages)
 * becomes lines too.
 * @param {WebAssembly.Memory} memory
 * @param {(message: FromWorker) => void} post
 * @param {ReplyChannel} reply
 * @param {string[]} [argv]
 */
export function makeWasi(memory, post, reply, argv = []) {
  const send = (/** @type {Omit<PlaygroundEvent, 't'>} */ ev) => post({ type: 'py:event', event: { ...ev, t: now() } });
  // fd 3: the harness's events, a JSON line each (a span says how many seconds it lasted).
  const events = ConsoleStdout.lineBuffered((/** @type {string} */ text) => {
    /** @type {PlaygroundEvent & { seconds?: number, ago?: number }} */
    const ev = JSON.parse(text);
    const t = now() - (ev.ago ?? 0) * 1000; // `ago`: it ended that many seconds before it was sent
    if (ev.seconds !== undefined) ev.start = t - ev.seconds * 1000;
    delete ev.seconds;
    delete ev.ago;
    // A call waits for its answer on fd 4 (the harness's `call`).
    post(
      ev.kind === 'call'
        ? { type: 'py:call', call: /** @type {HarnessCall} */ (/** @type {unknown} */ (ev)) }
        : { type: 'py:event', event: { ...ev, t } },
    );
  });
  // Not a directory: wasi-libc looks for preopened directories from fd 3 up until EBADF.
  events.fd_prestat_get = () => ({ ret: defs.ERRNO_BADF, prestat: null });
  const raw = (/** @type {'stdout' | 'stderr'} */ stream) =>
    ConsoleStdout.lineBuffered((/** @type {string} */ text) =>
      send({ kind: 'line', lane: 'MainThread', text, stream }),
    );
  // debug: false, or the shim logs every call (its default, when no option is given).
  const wasi = new WASI(
    argv,
    [],
    [new ConsoleStdout(() => {}), raw('stdout'), raw('stderr'), events, new ReplyReader(reply)],
    { debug: false },
  );
  wasi.inst = { exports: { memory } };
  const view = () => new DataView(memory.buffer);
  // The shim's functions replaced here, typed as WASI defines them (the shim's are typed only by
  // what tsc infers from its code: poll_oneoff there takes 3 arguments, not WASI's 4).
  const wasiImport = /** @type {Record<string, (...args: never[]) => unknown>} */ (wasi.wasiImport);
  // The sizes in UTF-8 bytes, which args_get writes (the shim counts UTF-16 units): a source
  // with an "é" in it would otherwise overrun its buffer.
  wasiImport.args_sizes_get = (/** @type {number} */ argc, /** @type {number} */ argvBufSize) => {
    view().setUint32(argc, argv.length, true);
    view().setUint32(
      argvBufSize,
      argv.reduce((n, arg) => n + utf8.encode(arg).byteLength + 1, 0),
      true,
    );
    return defs.ERRNO_SUCCESS;
  };
  wasiImport.clock_time_get = (
    /** @type {number} */ id,
    /** @type {bigint} */ _precision,
    /** @type {number} */ out,
  ) => {
    view().setBigUint64(out, id === defs.CLOCKID_REALTIME ? BigInt(Date.now()) * 1000000n : nowNs(), true);
    return defs.ERRNO_SUCCESS;
  };
  wasiImport.poll_oneoff = (
    /** @type {number} */ subscriptions,
    /** @type {number} */ events,
    /** @type {number} */ count,
    /** @type {number} */ eventCount,
  ) => sleepUntilTimeout(view(), subscriptions, events, count, eventCount);
  return wasi;
}

/**
 * `poll_oneoff` for the only subscriptions a program here makes, clocks (time.sleep, timed
 * waits): waits for the earliest with Atomics.wait and reports it. A subscription on a file
 * (there are none to wait for in a browser) is reported ready at once.
 * @param {DataView} dv the module's memory
 * @param {number} subscriptions
 * @param {number} events
 * @param {number} count
 * @param {number} eventCount
 * @returns {typeof defs.ERRNO_SUCCESS}
 */
function sleepUntilTimeout(dv, subscriptions, events, count, eventCount) {
  /** @type {bigint | null} */
  let soonest = null;
  let soonestData = 0n;
  /** @type {[userdata: bigint, type: number][]} */
  const ready = [];
  for (let i = 0; i < count; i++) {
    const at = subscriptions + 48 * i;
    const userdata = dv.getBigUint64(at, true);
    if (dv.getUint8(at + 8) !== defs.EVENTTYPE_CLOCK) {
      ready.push([userdata, dv.getUint8(at + 8)]);
      continue;
    }
    const clock = dv.getUint32(at + 16, true);
    let ns = dv.getBigUint64(at + 24, true);
    if (dv.getUint16(at + 40, true) & defs.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) {
      ns -= clock === defs.CLOCKID_REALTIME ? BigInt(Date.now()) * 1000000n : nowNs();
    }
    if (ns < 0n) ns = 0n;
    if (soonest === null || ns < soonest) {
      soonest = ns;
      soonestData = userdata;
    }
  }
  if (ready.length === 0 && soonest !== null) {
    Atomics.wait(sleeper, 0, 0, Number(soonest) / 1e6);
    ready.push([soonestData, defs.EVENTTYPE_CLOCK]);
  }
  ready.forEach(([userdata, type], n) => {
    const at = events + 32 * n;
    dv.setBigUint64(at, userdata, true);
    dv.setUint16(at + 8, defs.ERRNO_SUCCESS, true);
    dv.setUint8(at + 10, type);
  });
  dv.setUint32(eventCount, ready.length, true);
  return defs.ERRNO_SUCCESS;
}

/**
 * wasi-threads' `thread-spawn(start_arg)`: claims an idle worker of the pool, gives it a thread
 * id and the argument, wakes it; returns the id. None idle: tells the page (DEMAND) and waits
 * for one, at most SPAWN_WAIT_MS; then a negative errno, and Python raises "can't start new
 * thread".
 * @param {Int32Array} ctl
 */
export function threadSpawn(ctl) {
  return (/** @type {number} */ startArg) => {
    const deadline = performance.now() + SPAWN_WAIT_MS;
    Atomics.add(ctl, CTL.WAITING, 1);
    try {
      for (;;) {
        const tid = claimIdleWorker(ctl, startArg);
        if (tid !== null) return tid;
        const left = deadline - performance.now();
        if (left <= 0) return -6; // EAGAIN: Python raises "can't start new thread"
        Atomics.add(ctl, CTL.DEMAND, 1);
        Atomics.notify(ctl, CTL.DEMAND);
        if (Atomics.load(ctl, CTL.IDLE) === 0) Atomics.wait(ctl, CTL.IDLE, 0, Math.min(left, 50));
      }
    } finally {
      Atomics.sub(ctl, CTL.WAITING, 1);
      Atomics.add(ctl, CTL.DEMAND, 1); // one worker fewer idle: the page tops the pool up
      Atomics.notify(ctl, CTL.DEMAND);
    }
  };
}

/**
 * @param {Int32Array} ctl
 * @param {number} startArg
 */
function claimIdleWorker(ctl, startArg) {
  const slots = Atomics.load(ctl, CTL.SLOTS);
  for (let i = 0; i < slots; i++) {
    const at = CTL.FIRST_SLOT + CTL.SLOT_SIZE * i;
    if (Atomics.compareExchange(ctl, at, SLOT.IDLE, SLOT.ASSIGNED) !== SLOT.IDLE) continue;
    Atomics.sub(ctl, CTL.IDLE, 1);
    const tid = Atomics.add(ctl, CTL.NEXT_TID, 1);
    Atomics.store(ctl, at + 1, tid);
    Atomics.store(ctl, at + 2, startArg);
    Atomics.store(ctl, at, SLOT.RUNNING);
    Atomics.notify(ctl, at);
    return tid;
  }
  return null;
}

/**
 * The import object of the module, for one worker.
 * @param {WebAssembly.Memory} memory
 * @param {WASI} wasi
 * @param {Int32Array} ctl
 */
export function imports(memory, wasi, ctl) {
  return { env: { memory }, wasi_snapshot_preview1: wasi.wasiImport, wasi: { 'thread-spawn': threadSpawn(ctl) } };
}
