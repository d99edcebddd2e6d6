// Types of the playground's JS API (playground.js), for course sites that build with their own
// bundler. The README's "JS API" section says the same in prose; tests/e2e/npm-types.test.mjs
// checks that what is declared here exists at run time, and the course-site example is
// type-checked against this file by ./build.sh test.

/** A parameter's value as the page, a URL or the API gives it: a number or its text. */
export type ParamValue = number | bigint | string | boolean | number[];
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  kind: 'int' | 'list' | 'bool';
  default: string;
  min: number;
  max: number;
  label: string;
  /** The allowed values, in words: "a whole number from 1 to 16". */
  range: string;
  list: boolean;
  minItems?: number;
  maxItems?: number;
}

export interface Action {
  name: string;
  label: string;
  description: string;
  params: Record<string, ParamSpec>;
  views: string[];
}

export interface Scenario {
  id: string;
  title: string;
  seedSection: string;
  fromSeed: boolean;
  params: Record<string, ParamSpec>;
  views: string[];
  actions: Action[];
  needsSharedMemory: boolean;
  /** The wasm module whose program runs it: the seed's (`main`) or every program (`lessons`). */
  module: 'main' | 'lessons';
  predict: boolean;
  rustFile: string;
  moreRustFiles: string[];
  notice: string;
  /** The seed's Python this scenario ports ('' for a lesson beyond the seed). */
  python: string;
  /** What the playground's own tests run it with. */
  testParams: { light: Record<string, string>; busy: Record<string, string> };
}

export interface Capabilities {
  crossOriginIsolated: boolean;
  /**
   * Threads on shared memory can run (the lessons with `needsSharedMemory`, the Python mode):
   * a shared memory can be made and posted to a worker, which isolation alone does not promise.
   */
  sharedMemory: boolean;
  /** Why they cannot, as a clause ("this page is not cross-origin isolated, ..."); null if they can. */
  sharedMemoryMissing: string | null;
  /** Atomics.waitAsync is there (the Python mode polls without it). */
  atomicsWaitAsync: boolean;
  hardwareConcurrency: number;
}

export interface SpanStateInfo {
  name: SpanState;
  label: string;
  overlay: boolean;
}

export type SpanState =
  | 'run' | 'sleep' | 'await' | 'await-task' | 'join' | 'map-wait' | 'start' | 'wait'
  | 'lock-wait' | 'gil-wait' | 'parked' | 'input';

/** One thing that happened in a run: `t` in ms on the one clock of every worker. */
export interface RunEvent {
  t: number;
  lane: string;
  kind: 'line' | 'note' | 'lane-start' | 'lane-end' | 'span' | 'marks' | 'sample' | 'view' | 'refused'
    | 'awaiting-input' | 'cut' | 'syntax-error' | 'exit' | (string & {});
  text?: string;
  stream?: 'stdout' | 'stderr';
  what?: string;
  state?: SpanState;
  start?: number;
  label?: string;
  /** A `view` event's: which lesson view its data is for ('interleave-step', 'lock-step',
   * 'explored'), the data, and `text`, one line saying what happened. */
  view?: string;
  data?: Record<string, string | number | boolean>;
  [field: string]: unknown;
}

export interface RunResult {
  status: 'done' | 'cancelled';
  lines: string[];
  events: RunEvent[];
  /** The program's own time, without the learner's thinking time in the step modes. */
  elapsedMs: number;
  learnerMs?: number;
  t0: number | null;
  /** What the scenario computed (integers as BigInt). */
  value?: Record<string, unknown>;
}

export interface PythonResult extends RunResult {
  /** The program's exit status, as `python main.py` would end. */
  exitStatus?: number;
}

export interface Run<R = RunResult> {
  done: Promise<R>;
  cancel(): void;
}

export interface ScenarioRun extends Run {
  /** Input for a program that awaits it (threading-interleave: '2' grants Thread-2 a step). */
  send(input: string): boolean;
}

export interface RunOptions {
  action?: string;
  onLine?: (text: string, event: RunEvent) => void;
  onEvent?: (event: RunEvent) => void;
  /** Its turn has come and its workers start (`loadingModule`: the lessons module still downloads). */
  onStarting?: (starting: { loadingModule: boolean }) => void;
  onStart?: (start: { t0: number }) => void;
  timeoutMs?: number;
}

export interface PythonRunOptions {
  onLine?: (text: string, event: RunEvent) => void;
  onEvent?: (event: RunEvent) => void;
  onStart?: (start: { t0: number }) => void;
  /** The interpreter's download, at the first call: bytes so far of `total`. */
  onLoading?: (loaded: number, total: number) => void;
}

/** What validate() returns: the parameters as numbers and as the text the validator takes back. */
export interface Checked {
  params: Record<string, number | number[]>;
  pairs: [string, string][];
  threadsNeeded: number;
}

export interface Playground {
  readonly scenarios: Scenario[];
  readonly capabilities: Capabilities;
  readonly spanStates: SpanStateInfo[];
  /** The validator's limits (the most parameters it reads). */
  readonly limits: { maxParams: number };
  /** Resolves once the workers are up (prepare() resolves before). */
  readonly ready: Promise<void>;
  /** The normalised parameters; throws a ParamError naming every bad one. */
  validate(id: string, params?: Params, action?: string): Checked;
  run(id: string, params?: Params, options?: RunOptions): ScenarioRun;
  /** Starts the workers scenario `id` runs in, ahead of its first run; resolves once they are up. */
  warmUp(id: string): Promise<void>;
  /** A learner's own Python on RustPython with real threads (not in this package: the site's). */
  runPython(source: string, options?: PythonRunOptions): Run<PythonResult>;
}

export interface LoadOptions {
  /** The wasm module's URL (the package's own by default). */
  wasmUrl?: URL | string;
  /** The URL of that module's JS glue, where it is not the package's own module. */
  glue?: string | null;
  /** The folder of the lessons module, where the module loaded first has the seed's programs only. */
  lessonsUrl?: URL | string;
  /** The watchdog's limit for one run, in ms. */
  runTimeoutMs?: number;
}

/** Loads the module, starts the workers; resolves once they are up. */
export function load(options?: LoadOptions): Promise<Playground>;
/** Like load(), but resolves once the page's own instance is up (`ready` resolves later). */
export function prepare(options?: LoadOptions): Promise<Playground>;

export class ParamError extends Error {
  name: 'ParamError';
  errors: { param: string; message: string }[];
}

export class RunError extends Error {
  name: 'RunError';
  lines: string[];
  events: RunEvent[];
  elapsedMs: number;
}
