// @ts-check
// The Concurrency Playground's JS API, used by the page itself and by course sites:
//
//   import { load } from './playground.js';
//   const pg = await load();
//   pg.scenarios;   // [{ id, title, seedSection, notice, needsSharedMemory, module, predict,
//                   //    views, actions, rustFile, params: { name: { kind, default, min, max,
//                   //    range, label, list, minItems, maxItems } } }]
//   const run = pg.run('threading-lock', { threads: 2 }, { onLine, onEvent, onStart });
//   const { lines, events, elapsedMs, learnerMs, value } = await run.done;
//                   // elapsedMs: the program's time; learnerMs: the time it waited for the
//                   // learner's steps (step modes), left out of elapsedMs and the timeline
//   run.cancel();
//   run.send('1');  // input for a running program (threading-interleave: grant Thread-1 a step)
//   await pg.warmUp('threading-interleave');  // its workers started ahead of its first run (a
//                   // lesson's are the lessons module's, which the first load leaves out)
//
// This module only starts workers and routes their messages (every message is defined in
// protocol.js); the programs, the parameter rules and the shared state live in Rust
// (src/web.rs). The page's main thread never blocks.
//
// URLs of the worker and the wasm are written `new URL('./…', import.meta.url)` in place (in
// start.js), the form bundlers (Vite, webpack, Parcel) recognise, so the module also works from
// a course site's own bundle. A page that wants to be ready sooner calls start.js's
// `startLoading()` before it imports anything else and passes the result: `load({ started })`;
// `prepare()` resolves earlier still, once the page can describe and validate, so the page can
// build itself while the workers start (`pg.ready`).

import * as glue from './pkg/concurrency_playground.js';
import { clockOf } from './learner-time.js';
import * as msg from './protocol.js';
import { compile, lessonsUrl as lessonsFolder, mainWasmUrl, moduleFiles, startLoading, startWorker } from './start.js';
import { sourceTooLarge } from './python/limits.js';
import { canPostSharedMemory } from './shared-memory.js';

const { T } = msg;

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./protocol.js').Pairs} Pairs
 * @typedef {import('./start.js').PlaygroundWorker} PlaygroundWorker
 * @typedef {import('./start.js').Started} Started
 */

/**
 * A parameter as `pg.scenarios` describes it (Rust's catalogue); `minItems` and `maxItems` only
 * for a list.
 * @typedef {{
 *   kind: 'int' | 'list' | 'bool', default: string, min: number, max: number, list: boolean,
 *   minItems?: number, maxItems?: number, label: string, range: string,
 * }} ParamSpec
 * @typedef {{
 *   name: string, label: string, description: string, params: Record<string, ParamSpec>, views: string[],
 * }} ScenarioAction something a section offers beside Run (threading-lock's 'repeat')
 * @typedef {{
 *   id: string, title: string, seedSection: string, fromSeed: boolean, params: Record<string, ParamSpec>,
 *   views: string[], actions: ScenarioAction[], needsSharedMemory: boolean, module: WorldKind,
 *   predict: boolean, rustFile: string, moreRustFiles: string[], notice: string, python: string,
 *   testParams: { light: Record<string, string>, busy: Record<string, string> },
 * }} Scenario one of `pg.scenarios`
 * @typedef {{ name: string, label: string, overlay: boolean }} SpanState
 */

/**
 * What the validator made of a run's parameters: normalised, as text again (`pairs`, what a
 * run is sent), and the thread workers the run needs; a measurement's says which module.
 * @typedef {{
 *   params: Record<string, number | number[] | boolean>, pairs: Pairs, threadsNeeded: number, module?: WorldKind,
 * }} Checked
 * @typedef {{ param: string, message: string }} ParamProblem
 */

/**
 * How a run ended, before its time is split (`programTime`).
 * @typedef {{ status: 'done', value: unknown, repr?: string, elapsedMs: number }
 *   | { status: 'cancelled', value: undefined, elapsedMs: number }
 *   | { status: 'error', message: string, elapsedMs: number }} Outcome
 */

/**
 * What a run's `done` resolves to (a Python run's has `exitStatus` too); a RunError carries the
 * same fields.
 * @typedef {{
 *   status: 'done' | 'cancelled', lines: string[], events: PlaygroundEvent[], t0: number | null,
 *   elapsedMs: number, learnerMs?: number, value?: unknown, repr?: string, exitStatus?: number,
 * }} RunResult
 * @typedef {(text: string, event: PlaygroundEvent) => void} OnLine
 * @typedef {(event: PlaygroundEvent) => void} OnEvent
 * @typedef {(start: { t0: number }) => void} OnStart
 * @typedef {(starting: { loadingModule: boolean }) => void} OnStarting the run's turn has come and its
 *   workers start (`loadingModule`: the lessons module is still downloading); `onStart` follows
 * @typedef {{
 *   action?: string, onLine?: OnLine, onEvent?: OnEvent, onStarting?: OnStarting, onStart?: OnStart, timeoutMs?: number,
 * }} RunOptions
 * @typedef {{ done: Promise<RunResult>, cancel: () => void, send: (value: unknown) => boolean, runId?: number }} Run
 * @typedef {{ done: Promise<RunResult>, cancel: () => void }} PythonRun
 */

/**
 * A run from its call to its end, queued or running.
 * @typedef {{
 *   runId: number, id: string, kind: WorldKind, action: string, checked: Checked, bench: string | undefined,
 *   onLine: OnLine, onEvent: OnEvent, onStarting: OnStarting, onStart: OnStart, timeoutMs: number,
 *   watchdog: number | null, lines: string[], events: PlaygroundEvent[], t0: number | null,
 *   state: 'queued' | 'starting' | 'running' | 'settled', settle: (outcome: Outcome) => void, inputs: string[],
 * }} RunRecord
 * @typedef {'main' | 'lessons'} WorldKind the module a world runs: the seed's programs (`pkg/`) or every
 *   program (`pkg-lessons/`)
 * @typedef {(worker: PlaygroundWorker, data: msg.Message) => void} OnWorkerMessage
 */

const now = () => performance.timeOrigin + performance.now();

/**
 * A run's outcome with its time split: `elapsedMs` the program's own, `learnerMs` the time it
 * waited for the learner (step modes; a wait still open when the run ends counts to its end).
 * @param {PlaygroundEvent[]} events
 * @param {Outcome} outcome
 */
function programTime(events, outcome) {
  if (outcome.elapsedMs === undefined) return outcome;
  const { learnerMs } = clockOf(events, now());
  return { ...outcome, elapsedMs: Math.max(0, outcome.elapsedMs - learnerMs), learnerMs };
}

/** A rejected parameter: `errors` lists `{ param, message }`, one per bad parameter. */
export class ParamError extends Error {
  /** @param {ParamProblem[]} errors */
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ParamError';
    this.errors = errors;
  }
}

/** A run that ended in an error; `lines` and `events` hold what it printed until then. */
export class RunError extends Error {
  /**
   * @param {string} message
   * @param {{ lines: string[], events: PlaygroundEvent[], elapsedMs: number, [field: string]: unknown }} record
   */
  constructor(message, record) {
    super(message);
    this.name = 'RunError';
    // What the run printed until it failed, and its time: every RunError has them.
    /** @type {string[]} */
    this.lines = record.lines;
    /** @type {PlaygroundEvent[]} */
    this.events = record.events;
    /** @type {number} */
    this.elapsedMs = record.elapsedMs;
    // The rest of the record's fields, where it has them (a failed run's `t0` and `learnerMs`,
    // a Python run's `exitStatus`): declared here for the type checker only, as an expression
    // statement sets nothing, and set by Object.assign.
    /** @type {number | null | undefined} */
    this.t0;
    /** @type {number | undefined} */
    this.learnerMs;
    /** @type {number | undefined} */
    this.exitStatus;
    Object.assign(this, record);
  }
}

/**
 * Loads the module, starts the workers, and reports what this browser can do (`capabilities`);
 * resolves once the workers are up. Its options are prepare()'s.
 * @param {PrepareOptions} [options]
 */
export async function load(options = {}) {
  const playground = await prepare(options);
  await playground.ready;
  return playground;
}

/**
 * Loads the module and starts the workers, like load(), but resolves as soon as the page's own
 * instance is up: `scenarios`, `capabilities` and `validate()` work, and `pg.ready` resolves
 * once the workers are up too (it rejects, with the workers stopped, if they cannot start; a
 * run then starts them afresh). A page can build itself meanwhile.
 * `started` is what `startLoading()` (start.js) began earlier, if the page called it first: the
 * main worker and the compilation are then already under way. `runTimeoutMs` is the watchdog's
 * limit for one run (a run can also set its own: `pg.run(id, params, { timeoutMs })`); a run
 * past it is stopped with a message. `lessonsUrl` is the folder of the lessons module (every
 * program, the lessons beyond the seed with rayon), loaded when a lesson is first warmed up or run.
 * A page that loads the lessons module first (`started` from `startLoading(lessonsFirst())`, or
 * `wasmUrl` and `glue` naming it) runs everything in one world of it.
 * @typedef {{
 *   wasmUrl?: URL | string, glue?: string | null, lessonsUrl?: URL | string, runTimeoutMs?: number, started?: Started,
 * }} PrepareOptions
 * @param {PrepareOptions} [options]
 * @returns {Promise<PlaygroundApi>}
 */
export async function prepare({
  wasmUrl = mainWasmUrl(),
  glue: glueUrl = null,
  lessonsUrl = lessonsFolder(),
  runTimeoutMs = 5 * 60_000,
  started = startLoading({ wasmUrl, glue: glueUrl }),
} = {}) {
  const { main } = started;
  let world;
  /** @type {PlaygroundApi} */
  let playground;
  // Another module's glue (the lessons module's, for an embed of a lesson) loads meanwhile.
  /** @type {Promise<typeof glue>} */
  const glueLoading = started.glue ? import(/* @vite-ignore */ started.glue) : Promise.resolve(glue);
  glueLoading.catch(() => {}); // awaited below, unless the module failed first
  try {
    const module = await started.module;
    // The main worker instantiates its copy of the module while the page instantiates its own;
    // the playground takes the world's messages once it exists (none before matter to it).
    world = new World(module, started.glue, pageCapabilities().sharedMemory, main, () => {});
    world.ready.catch(() => {}); // pg.ready reports it; until then it is not an unhandled rejection
    // The page's own instance: it validates and describes, and never shares its memory.
    const pageGlue = await glueLoading;
    await pageGlue.default({ module_or_path: module });
    const options = { runTimeoutMs, lessonsUrl, glueUrl: started.glue };
    playground = /** @type {PlaygroundApi} */ (new Playground(pageGlue, module, world, options)); // ready: below
  } catch (error) {
    main.terminate();
    world?.terminate();
    throw error;
  }
  playground.ready = world.ready.catch((error) => {
    world.terminate();
    throw error;
  });
  playground.ready.catch(() => {}); // whoever awaits it sees the failure
  return playground;
}

/**
 * What this browser lets the page do, as `pg.capabilities` reports it.
 * @typedef {ReturnType<typeof pageCapabilities>} Capabilities
 */
function pageCapabilities() {
  const isolated = self.crossOriginIsolated === true;
  const postable = isolated && typeof SharedArrayBuffer === 'function' && canPostSharedMemory();
  return {
    crossOriginIsolated: isolated,
    /** Threads on shared memory can run: a shared memory can be made and posted to a worker. */
    sharedMemory: postable,
    /** Why they cannot, as a clause ("this page is not cross-origin isolated, ..."), or null. */
    sharedMemoryMissing: postable ? null : noSharedMemoryBecause(isolated),
    /** Atomics.waitAsync (the Python mode polls without it). */
    atomicsWaitAsync: typeof Atomics === 'object' && typeof Atomics.waitAsync === 'function',
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
}

/**
 * The one wording of why threads cannot run here: the page, the embed and the API use it.
 * @param {boolean} isolated
 */
function noSharedMemoryBecause(isolated) {
  return isolated
    ? 'this browser does not let a page share memory with its workers, although the page is cross-origin isolated ' +
        '(it offers no SharedArrayBuffer; Safari, Chrome, Edge and Firefox do)'
    : 'this page is not cross-origin isolated, so the browser gives it no shared memory (a top-level page needs the ' +
        'COOP/COEP headers or the service worker; a page in a frame needs Document-Isolation-Policy, which only ' +
        'Chromium supports)';
}

/**
 * Calls a Rust validator; what it rejects with (`[{ param, message }]`) becomes a ParamError.
 * @param {() => Checked} validate
 */
function checked(validate) {
  try {
    return validate();
  } catch (errors) {
    throw new ParamError(
      Array.isArray(errors)
        ? errors
        : [
            {
              param: 'params',
              message: String(/** @type {{ message?: unknown } | null | undefined} */ (errors)?.message ?? errors),
            },
          ],
    );
  }
}

/**
 * Values as text, the one form the Rust validator takes from the page, URLs and the API.
 * @param {unknown} params
 * @returns {Pairs}
 */
function toPairs(params) {
  if (params === undefined || params === null) return [];
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new ParamError([{ param: 'params', message: 'params must be an object like { threads: 2 }' }]);
  }
  return Object.entries(params).map(([name, value]) => {
    let text;
    if (Array.isArray(value)) text = value.map((v) => String(v)).join(', ');
    else if (typeof value === 'object' && value !== null) text = Object.prototype.toString.call(value);
    else text = String(value);
    return [name, text];
  });
}

/**
 * The playground prepare() and load() resolve to: a Playground with `ready`, which resolves once
 * its workers are up.
 * @typedef {Playground & { ready: Promise<void> }} PlaygroundApi
 */

class Playground {
  /** @type {typeof glue} */
  #glue;
  // The worlds runs execute in, by the module they run: 'main' (the seed's programs, started at
  // load) and 'lessons' (every program; started when a lesson is first warmed up or run).
  /** @type {{ main: World, lessons?: World }} */
  #worlds = /** @type {{ main: World }} */ ({});
  /** @type {{ url: URL | string, module: Promise<WebAssembly.Module> | null }} */
  #lessons;
  /** Whether the module loaded first carries every program (then there is one world only). */
  #mainHasLessons;
  /** The glue of the module loaded first, if it is not the main module's. @type {string | null} */
  #mainGlueUrl;
  /** @type {Promise<unknown>} */
  #queue = Promise.resolve();
  /** @type {Map<string, RunRecord>} */
  #active = new Map(); // scenario id -> run record, queued or running
  /** @type {RunRecord | null} */
  #current = null; // the run the world is executing
  #nextRunId = 1;
  /** @type {ProcessWorkers} */
  #processes;
  /** @type {WeakSet<PlaygroundWorker>} */
  #panickedThreads = new WeakSet(); // thread workers that died of a panic their join reports

  /** @type {number} */
  #runTimeoutMs;

  /**
   * `world`: the main module's, already started (by prepare()).
   * @param {typeof glue} glue
   * @param {WebAssembly.Module} module
   * @param {World} world
   * @param {{ runTimeoutMs: number, lessonsUrl: URL | string, glueUrl: string | null }} options
   */
  constructor(glue, module, world, { runTimeoutMs, lessonsUrl, glueUrl }) {
    this.#glue = glue;
    this.#lessons = { url: lessonsUrl, module: null };
    this.#mainHasLessons = glue.has_lessons();
    this.#mainGlueUrl = glueUrl;
    this.#runTimeoutMs = runTimeoutMs;
    this.capabilities = pageCapabilities();
    /** @type {Scenario[]} */
    this.scenarios = JSON.parse(glue.scenarios()); // one text, not a call per field
    /** `[{ name, label, overlay }]`: the states a lane's time is drawn in (Rust's SpanState). */
    /** @type {SpanState[]} */
    this.spanStates = glue.span_states();
    /** `{ maxParams }`: the validator's limits, for the page's URLs and recorded runs. */
    this.limits = { maxParams: glue.max_params() };
    this.#processes = new ProcessWorkers(module, glueUrl, (worker, data) => this.#onMessage(worker, data));
    world.onMessage = (worker, data) => this.#onMessage(worker, data);
    this.#worlds.main = world;
  }

  /** The world of the main module (the one started at load). @returns {World} */
  get world() {
    return this.#worlds.main;
  }

  /** The lessons module, compiled once, the first time a lesson is warmed up or run. */
  #lessonsModule() {
    this.#lessons.module ??= compile(moduleFiles(this.#lessons.url).wasmUrl);
    this.#lessons.module.catch(() => {
      this.#lessons.module = null;
    }); // a later run tries again
    return this.#lessons.module;
  }

  /**
   * The world `id` runs in: a lesson's is the lessons module's, unless the module loaded first
   * carries every program.
   * @param {{ module?: WorldKind } | undefined} described a scenario, or a checked measurement
   * @returns {WorldKind}
   */
  #kindOf(described) {
    return described?.module === 'lessons' && !this.#mainHasLessons ? 'lessons' : 'main';
  }

  /**
   * Starts the world scenario `id` runs in, if it has not started, and resolves once it is up:
   * the page calls it when a lesson's section comes near the screen, so that lesson's first Run
   * waits for no download. A scenario that cannot run here starts nothing. A failure is also
   * the next run's to report (it starts the world again).
   * @param {string} id
   * @returns {Promise<void>}
   */
  async warmUp(id) {
    const scenario = this.scenarios.find((s) => s.id === id);
    if (!scenario) throw new Error(`unknown scenario ${JSON.stringify(id)}`);
    if (scenario.needsSharedMemory && !this.capabilities.sharedMemory) return;
    const kind = this.#kindOf(scenario);
    if (kind === 'lessons') await this.#startLessonsWorld();
    await this.#world(kind).ready;
  }

  /** The lessons world, started once whoever asks first (a warm-up or a run). */
  async #startLessonsWorld() {
    const module = await this.#lessonsModule();
    this.#worlds.lessons ??= this.#newWorld('lessons', module);
  }

  /**
   * Start-up costs, measured now: a new thread worker (started and ready for jobs), a process
   * from a warm spare, and a process from a cold worker. For the bench and for diagnostics.
   */
  async startupFigures() {
    await this.world.ready;
    const time = async (/** @type {() => Promise<unknown>} */ fn) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const threadWorkerMs = await time(() => this.world.ensureThreads(this.world.threads.length + 1));
    await this.#processes.warmSpare();
    const processWarmMs = await time(() =>
      this.#processes.start('startup-probe').then(({ procId }) => this.#processes.end(procId)),
    );
    const processColdMs = await time(() => this.#processes.startCold());
    return { threadWorkerMs, processWarmMs, processColdMs };
  }

  /**
   * What is alive now: the world's workers (main + threads), process workers (running and
   * spare), the size of the world's shared wasm memory, and the Python mode's workers (running
   * a program's processes and threads, and spare), once it has been loaded.
   */
  liveWorkers() {
    return {
      world: 1 + this.world.threads.length,
      ...this.#processes.counts(),
      memoryBytes: this.world.memory?.buffer.byteLength ?? null,
      python: this.#pythonRuntime?.workerCounts() ?? { running: 0, spares: 0 },
    };
  }

  /**
   * The normalised parameters, or a ParamError naming every bad one. `action` names one of the
   * scenario's `actions` (e.g. threading-lock's 'repeat'), whose parameters are its own.
   * @param {string} id
   * @param {unknown} [params]
   * @param {string} [action]
   * @returns {Checked}
   */
  validate(id, params, action = '') {
    return checked(() => this.#glue.validate(id, String(action), toPairs(params)));
  }

  /**
   * Starts scenario `id` (or its action `action`); returns `{ done, cancel }`. Runs never mix:
   * they queue.
   * @param {string} id
   * @param {unknown} [params]
   * @param {RunOptions} [options]
   * @returns {Run}
   */
  run(
    id,
    params = {},
    {
      action = '',
      onLine = () => {},
      onEvent = () => {},
      onStarting = () => {},
      onStart = () => {},
      timeoutMs = this.#runTimeoutMs,
    } = {},
  ) {
    let checked;
    try {
      checked = this.validate(id, params, action);
    } catch (error) {
      return { done: Promise.reject(error), cancel() {}, send: () => false };
    }
    const scenario = /** @type {Scenario} */ (this.scenarios.find((s) => s.id === id)); // validated
    if (scenario.needsSharedMemory && !this.capabilities.sharedMemory) {
      const error = new RunError(
        `${id} needs threads on shared memory, and ${this.capabilities.sharedMemoryMissing}.`,
        { lines: [], events: [], elapsedMs: 0 },
      );
      return { done: Promise.reject(error), cancel() {}, send: () => false };
    }
    if (this.#active.has(id)) {
      const error = new Error(`${id} is already running; wait for it to finish or cancel it first`);
      return { done: Promise.reject(error), cancel() {}, send: () => false };
    }
    return this.#enqueue({ id, action: String(action), checked, onLine, onEvent, onStarting, onStart, timeoutMs });
  }

  /**
   * Runs a learner's own Python program on RustPython, its threads real threads on workers of
   * their own (www/python/). The interpreter (several MB) is downloaded and compiled at the
   * first call, `onLoading(loaded, total)` following the download, and kept for the next.
   * Returns `{ done, cancel }`; `done` gives `{ status, lines, events, elapsedMs, t0 }` like a
   * scenario's run (status 'done' or 'cancelled'; `exitStatus`: the program's exit status).
   * @param {string} source
   * @param {{ onLine?: OnLine, onEvent?: OnEvent, onStart?: OnStart, onLoading?: OnLoading }} [options]
   * @returns {PythonRun}
   */
  runPython(source, { onLine = () => {}, onEvent = () => {}, onStart = () => {}, onLoading = () => {} } = {}) {
    if (typeof source !== 'string') {
      return {
        done: Promise.reject(new TypeError('runPython(source): source must be a string of Python')),
        cancel() {},
      };
    }
    // Before the interpreter's download: a program it would refuse costs the learner nothing.
    const tooLarge = sourceTooLarge(source);
    if (tooLarge)
      return { done: Promise.reject(new RunError(tooLarge, { lines: [], events: [], elapsedMs: 0 })), cancel() {} };
    if (!this.capabilities.sharedMemory) {
      return {
        done: Promise.reject(
          new RunError(
            `Python threads need shared memory, and ${this.capabilities.sharedMemoryMissing}: ` +
              'the Python mode cannot run here.',
            { lines: [], events: [], elapsedMs: 0 },
          ),
        ),
        cancel() {},
      };
    }
    let cancelled = false;
    /** @type {PythonRun | null} */
    let running = null;
    /** @type {() => void} */
    let stopWaiting;
    // Stop while the interpreter still downloads ends the run at once; the download goes on for the next.
    /** @type {Promise<RunResult>} */
    const stopped = new Promise((resolve) => {
      stopWaiting = () => resolve({ status: 'cancelled', lines: [], events: [], elapsedMs: 0, t0: null });
    });
    const started = this.#python(onLoading).then((python) => {
      if (cancelled) return stopped;
      running = python.runPython(python.module, source, {
        onStart,
        onEvent: (ev) => {
          onEvent(ev);
          if (ev.kind === 'line') onLine(/** @type {string} */ (ev.text), ev);
        },
      });
      // A failure ends as a scenario's does: a RunError with what it printed until then.
      return running.done.catch((/** @type {Error & { result?: RunResult }} */ error) => {
        throw error.result ? new RunError(error.message, error.result) : error;
      });
    });
    return {
      done: Promise.race([started, stopped]),
      cancel: () => {
        cancelled = true;
        if (running)
          running.cancel(); // its result keeps what it printed
        else stopWaiting();
      },
    };
  }

  /**
   * @typedef {typeof import('./python/run.js') & { module: WebAssembly.Module }} PythonRuntime
   * @typedef {(loaded: number, total: number) => void} OnLoading
   * @type {Promise<PythonRuntime> | null}
   */
  #pythonLoading = null;
  /** @type {typeof import('./python/run.js') | null} the Python runtime, once loaded */
  #pythonRuntime = null;
  /**
   * The Python runtime and the compiled interpreter, loaded once (again after a failure). By
   * URL, not by a path a bundler follows: the site serves them, the npm package has neither
   * (its consumers' bundlers would split the runtime from its workers), and says so.
   * @param {OnLoading} onLoading
   */
  #python(onLoading) {
    const runtime = new URL('./python/run.js', import.meta.url).href;
    this.#pythonLoading ??= /** @type {Promise<typeof import('./python/run.js')>} */ (
      import(/* @vite-ignore */ /* webpackIgnore: true */ runtime)
    )
      .catch((error) => {
        throw new Error(
          `The Python mode is not part of this build of the playground (${error.message}); the hosted site has it.`,
        );
      })
      .then(async (python) => {
        this.#pythonRuntime = python;
        const module = await python.loadInterpreter(new URL('./pkg-python/python.json', import.meta.url), onLoading);
        return { ...python, module };
      });
    this.#pythonLoading.catch(() => {
      this.#pythonLoading = null;
    });
    return this.#pythonLoading;
  }

  /**
   * One measurement of `./build.sh bench` (tools/bench.mjs) or a failure drill, run on the
   * main worker like a scenario and queued with the runs: `await pg.bench('sum', { n: 1e8 })`
   * gives ms. Its arguments are checked like parameters (a ParamError names a bad one). Only a
   * module built with the `drills` feature has them (the tests' and the bench's).
   * @param {string} name
   * @param {unknown} [args]
   */
  bench(name, args = {}) {
    let verdict;
    try {
      verdict = checked(() => this.#glue.validate_bench(String(name), toPairs(args)));
    } catch (error) {
      return Promise.reject(error);
    }
    const nothing = () => {};
    const { done } = this.#enqueue({
      id: `bench:${name}`,
      bench: String(name),
      checked: verdict,
      onLine: nothing,
      onEvent: nothing,
      onStarting: nothing,
      onStart: nothing,
    });
    return done.then((r) => r.value);
  }

  /**
   * @param {{
   *   id: string, action?: string, checked: Checked, onLine: OnLine, onEvent: OnEvent, onStarting: OnStarting,
   *   onStart: OnStart, bench?: string, timeoutMs?: number,
   * }} run
   * @returns {Run}
   */
  #enqueue({ id, action = '', checked, onLine, onEvent, onStarting, onStart, bench, timeoutMs = this.#runTimeoutMs }) {
    const kind = this.#kindOf(bench ? checked : this.scenarios.find((s) => s.id === id));
    /** @type {RunRecord} */
    const record = {
      runId: this.#nextRunId++,
      id,
      kind,
      action,
      checked,
      bench,
      onLine,
      onEvent,
      onStarting,
      onStart,
      timeoutMs,
      watchdog: null,
      lines: [],
      events: [],
      t0: null,
      state: 'queued',
      settle: /** @type {RunRecord['settle']} */ (/** @type {unknown} */ (null)), // set just below

      inputs: [], // sent before the run started: posted right after it starts
    };
    this.#active.set(id, record);
    /** @type {Promise<RunResult>} */
    const done = new Promise((resolve, reject) => {
      record.settle = (outcome) => {
        if (record.state === 'settled') return;
        record.state = 'settled';
        clearTimeout(/** @type {number} */ (record.watchdog));
        this.#active.delete(id);
        if (this.#current === record) {
          this.#current = null;
          this.#processes.endAll(); // a finished program leaves no child process behind
          if (/** @type {number} */ (this.#worlds[record.kind]?.lostThreads) > 0) this.#resetWorld(record.kind);
        }
        const result = {
          lines: record.lines,
          events: record.events,
          t0: record.t0,
          ...programTime(record.events, outcome),
        };
        if (outcome.status === 'error') reject(new RunError(outcome.message, result));
        else resolve(/** @type {RunResult} */ (result));
      };
    });
    const turn = this.#queue.then(() => this.#start(record));
    this.#queue = turn.then(() => done).catch(() => {});
    return {
      done,
      cancel: () => this.#cancel(record),
      send: (value) => this.#send(record, value),
      runId: record.runId,
    };
  }

  /**
   * An input for the run's program, which awaits it (threading-interleave: a thread number
   * grants that thread a step, `free` releases them all). The program judges it and says why
   * it refuses one (a `refused` event). Inputs sent while the run waits its turn go once it
   * starts. Returns false once the run has ended.
   * @param {RunRecord} record
   * @param {unknown} value
   */
  #send(record, value) {
    if (record.state === 'settled') return false;
    const text = String(value).slice(0, 200); // nothing longer is a step; the program quotes it back
    if (record.state === 'running') this.#world(record.kind).main.postMessage(msg.input(record.runId, text));
    else record.inputs.push(text);
    return true;
  }

  /** @param {RunRecord} record */
  async #start(record) {
    if (record.state !== 'queued') return; // cancelled while it waited its turn
    record.state = 'starting';
    record.onStarting({ loadingModule: !this.#worlds[record.kind] });
    try {
      await this.#readyWorld(record.kind);
      await this.#world(record.kind).ensureThreads(record.checked.threadsNeeded);
    } catch (error) {
      this.#fail(record, `could not start the workers: ${/** @type {Error} */ (error).message}`);
      return;
    }
    if (record.state !== 'starting') return;
    record.state = 'running';
    this.#current = record;
    // The watchdog: a run past its limit is stopped like a cancel, but reported as an error.
    // (setTimeout takes at most 2^31 - 1 ms; larger or odd values mean "the longest".)
    const limit =
      Number.isFinite(record.timeoutMs) && record.timeoutMs > 0 ? Math.min(record.timeoutMs, 2 ** 31 - 1) : 2 ** 31 - 1;
    record.watchdog = setTimeout(() => {
      this.#fail(
        record,
        `${record.id} ran longer than ${record.timeoutMs / 1000} s, the limit, and was stopped ` +
          '(pass { timeoutMs } to run() to allow longer)',
      );
    }, limit);
    const {
      runId,
      checked: { pairs },
    } = record;
    const world = this.#world(record.kind);
    world.main.postMessage(
      record.bench ? msg.bench(runId, record.bench, pairs) : msg.run(runId, record.id, pairs, record.action),
    );
    for (const text of record.inputs.splice(0)) world.main.postMessage(msg.input(runId, text));
  }

  /** @param {RunRecord} record */
  #cancel(record) {
    if (record.state === 'settled') return;
    const wasRunning = this.#current === record;
    const world = this.#worlds[record.kind];
    record.settle({ status: 'cancelled', elapsedMs: record.t0 ? now() - record.t0 : 0, value: undefined });
    if (wasRunning && world && this.#worlds[record.kind] === world) this.#resetWorld(record.kind);
  }

  /** @param {RunRecord} record @param {string} message */
  #fail(record, message) {
    const world = this.#worlds[record.kind];
    record.settle({ status: 'error', message, elapsedMs: record.t0 ? now() - record.t0 : 0 });
    if (world && this.#worlds[record.kind] === world) this.#resetWorld(record.kind); // unless settling replaced it
  }

  /**
   * The world of `kind`, where it must exist: the main one always does, the lessons one from
   * its first warm-up or run on (#startLessonsWorld starts it).
   * @param {WorldKind} kind
   */
  #world(kind) {
    return /** @type {World} */ (this.#worlds[kind]);
  }

  // A cancelled or failed run may leave a thread holding a lock in the shared memory. Rather
  // than repair that memory, end every worker of the run and start a fresh world.
  /** @param {WorldKind} kind */
  #resetWorld(kind) {
    this.#world(kind).terminate();
    this.#processes.endAll();
    this.#worlds[kind] = this.#newWorld(kind, this.#world(kind).module);
  }

  // The world is started ahead of the run that uses it (at load, or right after a reset; the
  // lessons world at its first warm-up or run). If it failed to start back then (a network
  // blip, a script that was briefly unavailable), this run should not inherit that failure:
  // start one fresh world and report only if that fails too. Nor should it inherit a world that
  // lost a thread worker since its last run ended.
  /** @param {WorldKind} kind */
  async #readyWorld(kind) {
    if (!this.#worlds[kind]) await this.#startLessonsWorld();
    if (this.#world(kind).lostThreads > 0) this.#resetWorld(kind); // a thread died after its run ended
    try {
      await this.#world(kind).ready;
    } catch {
      this.#world(kind).terminate();
      this.#worlds[kind] = this.#newWorld(kind, this.#world(kind).module);
      await this.#world(kind).ready;
    }
  }

  /**
   * @param {WorldKind} kind
   * @param {WebAssembly.Module} module
   * @param {PlaygroundWorker} [main]
   */
  #newWorld(kind, module, main = startWorker(`main worker${kind === 'main' ? '' : ` (${kind})`}`)) {
    const glue = kind === 'main' ? this.#mainGlueUrl : moduleFiles(this.#lessons.url).glue;
    return new World(module, glue, this.capabilities.sharedMemory, main, (worker, data) =>
      this.#onMessage(worker, data),
    );
  }

  /**
   * The world whose main worker or thread worker `worker` is.
   * @param {PlaygroundWorker} worker
   */
  #worldOf(worker) {
    return Object.values(this.#worlds).find((w) => w && (w.main === worker || w.threads.includes(worker)));
  }

  // The main worker counts its world's dead thread workers and says so at each run's end:
  // the thread workers' own messages may reach the page after that.
  /**
   * @param {PlaygroundWorker} worker
   * @param {{ lostThreads?: number }} data
   */
  #noteLostThreads(worker, data) {
    const world = this.#worldOf(worker);
    if (world?.main === worker) world.lostThreads = Math.max(world.lostThreads, data.lostThreads ?? 0);
  }

  /**
   * The record of the run the world executes, if `runId` is its id (else a late message).
   * @param {number} runId
   */
  #running(runId) {
    const record = this.#current;
    return record && record.runId === runId ? record : null;
  }

  /** @type {OnWorkerMessage} */
  #onMessage(worker, data) {
    msg.dispatch(this.#handlers, data, worker);
  }

  // One handler per message a worker sends the page (see protocol.js).
  /** @type {msg.Handlers<[PlaygroundWorker]>} */
  #handlers = {
    [T.EVENTS]: ({ runId, events }) => {
      const record = this.#running(runId);
      if (!record) return; // late events of an ended run
      for (const event of events) {
        record.events.push(event);
        record.onEvent(event);
        if (event.kind === 'line') {
          const text = /** @type {string} */ (event.text); // a line has its text
          record.lines.push(text);
          record.onLine(text, event);
        }
      }
    },
    [T.RUN_STARTED]: ({ runId, t0 }) => {
      const record = this.#running(runId);
      if (!record) return;
      record.t0 = t0;
      record.onStart({ t0 });
    },
    [T.RUN_DONE]: (data, worker) => {
      this.#noteLostThreads(worker, data);
      this.#running(data.runId)?.settle({
        status: 'done',
        value: data.value,
        repr: data.repr,
        elapsedMs: data.elapsedMs,
      });
    },
    [T.RUN_FAILED]: (data, worker) => {
      this.#noteLostThreads(worker, data);
      const record = this.#running(data.runId);
      if (record) this.#fail(record, data.message);
    },
    // A thread died of a panic. Its `join` returns the panic (and puts it in the run's
    // output); the program decides what follows, as in Rust, and in Python, where the thread's
    // exception is printed and the program goes on. The worker is gone: its world is replaced
    // once the run ends, or before the next run if this comes later.
    [T.THREAD_PANIC]: (_, worker) => {
      this.#panickedThreads.add(worker);
      const world = this.#worldOf(worker);
      if (world) world.lostThreads += 1;
    },
    [T.WORKER_FAILED]: (data, worker) => {
      if (this.#panickedThreads.has(worker)) return; // the end of a thread that panicked (above)
      if (this.#current) this.#fail(this.#current, `${data.role} failed: ${data.message}`);
    },
    [T.PANIC]: ({ lane, message }) => {
      if (this.#current) this.#fail(this.#current, `${lane} failed: ${message}`);
    },
    // The answer goes back to the main worker that asked, and only while its world is current:
    // a world reset in the meantime means the request belongs to a run that has ended. The
    // answer carries a port to the process; calls then go straight between the two.
    [T.PROCESS_START]: ({ reqId, name }, worker) => {
      const world = this.#worldOf(worker);
      const current = () => world && Object.values(this.#worlds).includes(world);
      this.#processes.start(name).then(
        ({ procId, pid, port }) => {
          if (!current()) this.#processes.kill(procId);
          else worker.postMessage(msg.processStarted(reqId, { procId, pid, port }), [port]);
        },
        (error) => {
          if (current()) worker.postMessage(msg.processStarted(reqId, { error: /** @type {Error} */ (error).message }));
        },
      );
    },
    [T.PROCESS_EXIT]: ({ procId }) => this.#processes.end(procId),
    // Handled by World and ProcessWorkers, which wait for them.
    [T.MAIN_READY]: () => {},
    [T.THREAD_READY]: () => {},
    [T.PROCESS_READY]: () => {},
  };
}

/** A run's world: the main worker (the program's main thread) and its thread workers. */
class World {
  /**
   * `glue`: the URL of the module's JS glue, if not the main module's.
   * @param {WebAssembly.Module} module
   * @param {string | null} glue
   * @param {boolean} sharedMemory
   * @param {PlaygroundWorker} main
   * @param {OnWorkerMessage} onMessage
   */
  constructor(module, glue, sharedMemory, main, onMessage) {
    this.module = module;
    this.glue = glue;
    this.onMessage = onMessage;
    /** @type {PlaygroundWorker[]} */
    this.threads = [];
    this.lostThreads = 0; // thread workers that died (of a panic) while the world ran
    /** @type {Promise<unknown>} */
    this.threadsReady = Promise.resolve();
    this.main = this.#listen(main, 'main worker');
    /** @type {Promise<void>} */
    this.ready = new Promise((resolve, reject) => {
      this.main.addEventListener('message', ({ data }) => {
        if (data.type === T.MAIN_READY) {
          /** The world's shared memory once its main worker is ready (null where none can be posted). */
          /** @type {WebAssembly.Memory | null} */
          this.memory = sharedMemory ? data.memory : null;
          resolve();
        } else if (data.type === T.WORKER_FAILED) reject(new Error(data.message));
      });
      this.main.addEventListener('error', (e) => reject(new Error(e.message || 'the main worker failed to start')));
      if (main.startFailure) reject(new Error(`the main worker failed to start: ${main.startFailure}`));
    });
    this.main.postMessage(msg.startMain(module, glue));
  }

  /** @param {string} name */
  #spawn(name) {
    return this.#listen(startWorker(name), name);
  }

  /**
   * @param {PlaygroundWorker} worker
   * @param {string} name
   */
  #listen(worker, name) {
    worker.addEventListener('message', ({ data }) => this.onMessage(worker, data));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.onMessage(worker, msg.workerFailed(name, e.message || 'script error'));
    });
    return worker;
  }

  /**
   * Starts thread workers until `count` exist, and waits until each waits for a job.
   * @param {number} count
   */
  ensureThreads(count) {
    if (count > 0 && !this.memory) {
      return Promise.reject(new Error('threads need shared memory, which this page does not have'));
    }
    /** @type {Promise<void>[]} */
    const starting = [];
    while (this.threads.length < count) {
      const index = this.threads.length + 1;
      const worker = this.#spawn(`thread worker ${index}`);
      this.threads.push(worker);
      starting.push(
        new Promise((resolve, reject) => {
          worker.addEventListener('message', ({ data }) => (data.type === T.THREAD_READY ? resolve() : null));
          worker.addEventListener('error', (e) => reject(new Error(e.message || `thread worker ${index} failed`)));
        }),
      );
      // `this.memory` is there: threads are not started without it (above).
      worker.postMessage(
        msg.startThread(this.module, /** @type {WebAssembly.Memory} */ (this.memory), index, this.glue),
      );
    }
    this.threadsReady = Promise.all([this.threadsReady, ...starting]);
    return this.threadsReady;
  }

  terminate() {
    this.main.terminate();
    for (const thread of this.threads) thread.terminate();
  }
}

/** Spare process workers kept at most (more are ended when their process exits). */
const MAX_SPARE_PROCESSES = 4;

/**
 * Process workers: each holds its own instance and memory. Spares are kept started and
 * instantiated, so a new process costs a message, not a worker start. A started process gets
 * one end of a MessageChannel, the main worker that asked for it the other: calls go between
 * them directly, and the page only starts, recycles and kills. When a process exits normally
 * its worker is recycled: it throws its instance away and makes a fresh one with a fresh
 * memory (wasm-bindgen's reset), gets a new pid, and waits as a spare; nothing of the old
 * process survives. A process of a cancelled or failed run is terminated instead.
 */
class ProcessWorkers {
  /**
   * A process worker: started, then ready (`ready`), then running a process (`procId`, `name`).
   * @typedef {{
   *   worker: PlaygroundWorker, pid: number, ready: Promise<void>, resolveReady: () => void,
   *   rejectReady: (error: Error) => void, name?: string, procId?: number,
   * }} ProcessSlot
   */
  /** @type {WebAssembly.Module} */
  #module;
  /** @type {string | null} */
  #glue; // the module's JS glue, if it is not the main module's
  /** @type {OnWorkerMessage} */
  #onMessage;
  /** @type {ProcessSlot[]} */
  #spares = [];
  /** @type {Map<number, ProcessSlot>} */
  #running = new Map(); // procId -> { worker, pid, name }
  #nextPid = 1001;
  #nextProcId = 1;

  /**
   * @param {WebAssembly.Module} module
   * @param {string | null} glue
   * @param {OnWorkerMessage} onMessage
   */
  constructor(module, glue, onMessage) {
    this.#module = module;
    this.#glue = glue;
    this.#onMessage = onMessage;
  }

  #spawnSpare() {
    const pid = this.#nextPid++;
    const worker = startWorker(`process ${pid}`);
    const spare = /** @type {ProcessSlot} */ ({ worker, pid }); // made ready by #expectReady
    worker.addEventListener('message', ({ data }) => {
      if (data.type === T.PROCESS_READY) spare.resolveReady();
      else if (data.type === T.WORKER_FAILED) spare.rejectReady(new Error(data.message));
      else this.#onMessage(worker, data); // its run's events, or its panic
    });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      const message = `process ${spare.pid} failed: ${e.message || 'script error'}`;
      spare.rejectReady(new Error(message));
      this.#onMessage(worker, msg.workerFailed(`process ${spare.pid}`, e.message || 'script error'));
    });
    this.#expectReady(spare);
    worker.postMessage(msg.startProcess(this.#module, pid, this.#glue));
    return spare;
  }

  /** @param {ProcessSlot} spare */
  #expectReady(spare) {
    spare.ready = new Promise((resolve, reject) =>
      Object.assign(spare, { resolveReady: resolve, rejectReady: reject }),
    );
    spare.ready.catch(() => {});
  }

  /**
   * A process that exited normally: its worker gets a fresh instance and a new pid.
   * @param {ProcessSlot} proc
   */
  #recycle(proc) {
    if (this.#spares.length >= MAX_SPARE_PROCESSES) {
      proc.worker.terminate();
      return;
    }
    proc.pid = this.#nextPid++;
    this.#expectReady(proc);
    proc.worker.postMessage(msg.processReset(proc.pid));
    this.#spares.push(proc);
  }

  /** Waits until a spare process worker is started and instantiated. */
  async warmSpare() {
    if (this.#spares.length === 0) this.#spares.push(this.#spawnSpare());
    await this.#spares[0].ready;
  }

  /** Starts a process worker from nothing and ends it once ready (measures a cold start). */
  async startCold() {
    const spare = this.#spawnSpare();
    await spare.ready;
    spare.worker.terminate();
  }

  counts() {
    return { processes: this.#running.size, spares: this.#spares.length };
  }

  /**
   * A started process named `name`: `{ procId, pid, port }`, `port` its caller's end.
   * @param {string} name
   */
  async start(name) {
    const spare = this.#spares.shift() ?? this.#spawnSpare();
    if (this.#spares.length === 0) this.#spares.push(this.#spawnSpare()); // the next one is warm too
    await spare.ready;
    const procId = this.#nextProcId++;
    Object.assign(spare, { name, procId });
    this.#running.set(procId, spare);
    const { port1, port2 } = new MessageChannel();
    spare.worker.postMessage(msg.processAttach(port1), [port1]);
    return { procId, pid: spare.pid, port: port2 };
  }

  /**
   * The process exited (its program asked): recycle its worker.
   * @param {number} procId
   */
  end(procId) {
    const proc = this.#running.get(procId);
    this.#running.delete(procId);
    if (proc) this.#recycle(proc);
  }

  /**
   * Terminates a process at once (its run has ended).
   * @param {number} procId
   */
  kill(procId) {
    const proc = this.#running.get(procId);
    if (!proc) return;
    this.#running.delete(procId);
    proc.worker.terminate();
  }

  /** Terminates every running process (a cancelled or failed run); spares stay. */
  endAll() {
    for (const procId of [...this.#running.keys()]) this.kill(procId);
  }
}
