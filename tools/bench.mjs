// `./build.sh bench [--quick]`: every measurement of the performance issue in one run, on this
// machine: the playground in headless Chromium, the same Rust core natively, CPython running
// the seed's own code, and Pyodide where it can run at all. Writes bench-output/bench.md and
// bench-output/bench.json (git-ignored); a full run also records www/reference.json, the
// figures the page shows next to each run. The hosted site's load to ready and first load are
// also measured in Chromium, Firefox and WebKit side by side (bench-engines.mjs); `--only
// engines` measures only that (no cargo, no native or CPython runs) and writes
// bench-output/engines/. `--rounds N` sets its rounds, `--seed N` its shuffle.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { spawn } from 'node:child_process';
import { ROOT, launchBrowser, openPage, startServer } from '../tests/e2e/harness.mjs';
import { replayStepTimes } from '../tests/e2e/replay-steps.mjs';
import { exploreFigures, stepLatencies } from '../tests/e2e/interleave-steps.mjs';
import { pythonFigures, pythonRows } from './bench-python.mjs';
import { engineFigures, engineRows, loadToReady } from './bench-engines.mjs';

/** The value after `--name` on the command line, or undefined. */
const option = (name) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const onlyEngines = option('only') === 'engines';
// The engines' rounds (one load in each engine per round) and the seed of their shuffled order.
const ROUNDS = Number(option('rounds') ?? (quick ? 2 : 5));
const ORDER_SEED = Number(option('seed') ?? Math.floor(Math.random() * 2 ** 31));
const REPS = quick ? 3 : 7;
const N = quick ? 10 ** 7 : 10 ** 8; // compute_heavy_task(N)
const N_PY = quick ? 10 ** 6 : 10 ** 7; // CPython is ~100x slower: same code, smaller n, ratio per element
const ITERATIONS = quick ? 100_000 : 1_000_000;
const TASKS = 10_000;
const CORES = cpus().length;
// A quick run (the one `./build.sh test` makes) writes apart from the full run's report.
const OUT = join(ROOT, 'bench-output', onlyEngines ? 'engines' : quick ? 'quick' : '');
mkdirSync(OUT, { recursive: true });
const run = promisify(execFile);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });
const fmt = (x, digits = 1) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
const log = (...a) => console.error('bench:', ...a);

// --- native Rust -----------------------------------------------------------------------------
async function native() {
  log('native Rust');
  const { stdout } = await run(join(ROOT, 'target/release/examples/bench_native'), [
    '--n',
    String(N),
    '--reps',
    String(REPS),
    '--workers',
    String(CORES),
    '--iterations',
    String(ITERATIONS),
    '--tasks',
    String(TASKS),
  ]);
  const samples = JSON.parse(stdout);
  const scenarios = {};
  const { stdout: runs } = await run(join(ROOT, 'target/release/examples/native_run'));
  for (const line of runs.trim().split('\n')) {
    const [id, ms] = line.trim().split(/\s+/);
    scenarios[id] = Number(ms);
  }
  return { samples, scenarios };
}

// --- CPython ---------------------------------------------------------------------------------
const SEED = readFileSync(join(ROOT, 'seed', 'async-and-concurrency.md'), 'utf8');
const BLOCKS = [...SEED.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
/** The seed's headings (`# --- Using a Pool ---`) -> scenario id, from the Rust registry:
 * a seed scenario's `seedSection` is "Group: Heading, Heading". */
async function sectionToScenario() {
  const { stdout } = await run(join(ROOT, 'target/release/examples/native_run'), ['--list']);
  const scenarios = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((s) => s.fromSeed);
  return Object.fromEntries(
    scenarios.flatMap((s) =>
      s.seedSection
        .split(': ')[1]
        .split(', ')
        .map((h) => [h, s.id]),
    ),
  );
}

/** Runs a seed block with a timer at each `# --- Section ---` marker; {section: seconds}. */
async function timeSeedBlock(code) {
  // A marker takes the indentation of the code after it (the seed's pool marker sits at
  // column 0 inside an indented `if` block).
  const lines = code.replace('# asyncio.run(main())', 'asyncio.run(main())').split('\n');
  const marked = lines
    .map((line, i) => {
      const m = /^\s*# --- (.+?) ---\s*$/.exec(line);
      if (!m) return line;
      const next = lines.slice(i + 1).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
      return `${/^\s*/.exec(next)[0]}__mark(${JSON.stringify(m[1])})`;
    })
    .join('\n');
  const prelude =
    'import time as __t, sys as __s\n__last = [None, __t.perf_counter()]\n' +
    'def __mark(name):\n    now = __t.perf_counter()\n    if __last[0]: print(f"@@{__last[0]}={now - __last[1]}", file=__s.stderr)\n    __last[0], __last[1] = name, now\n';
  const epilogue = '\n__mark(None)\n';
  const { stderr } = await run('python3', ['-c', prelude + marked + epilogue], { timeout: 300_000 });
  return Object.fromEntries([...stderr.matchAll(/@@(.+?)=([\d.e-]+)/g)].map((m) => [m[1], Number(m[2]) * 1000]));
}

async function cpython() {
  log('CPython');
  const py = (code) => run('python3', ['-c', code], { timeout: 600_000 }).then(({ stdout }) => JSON.parse(stdout));
  const sum = await py(`import time, json
def compute_heavy_task(n):
    return sum(i * i for i in range(n))
out = []
for _ in range(${quick ? 1 : 3}):
    t = time.perf_counter(); compute_heavy_task(${N_PY}); out.append((time.perf_counter() - t) * 1000)
print(json.dumps(out))`);
  const lock = await py(`import threading, time, json
def timed(threads, locked):
    counter = [0]; lock = threading.Lock()
    def inc():
        for _ in range(${ITERATIONS / 10}):
            if locked:
                with lock: counter[0] += 1
            else: counter[0] += 1
    ts = [threading.Thread(target=inc) for _ in range(threads)]
    t = time.perf_counter()
    for x in ts: x.start()
    for x in ts: x.join()
    return (time.perf_counter() - t) * 1e9 / (threads * ${ITERATIONS / 10})
print(json.dumps({"lock:no-lock:2": timed(2, False), "lock:mutex:2": timed(2, True), "lock:mutex:4": timed(4, True)}))`);
  const gather = await py(`import asyncio, time, json
async def main():
    t = time.perf_counter(); await asyncio.gather(*(asyncio.sleep(0) for _ in range(${TASKS}))); return (time.perf_counter() - t) * 1000
print(json.dumps(asyncio.run(main())))`);
  const pool = await py(`import multiprocessing, time, json
def part(b): return sum(i * i for i in range(b[0], b[1]))
if __name__ == "__main__":
    out = {}
    n = ${N_PY}
    for k in range(1, ${CORES} + 1):
        step = n // k
        bounds = [(j * step, n if j == k - 1 else (j + 1) * step) for j in range(k)]
        with multiprocessing.Pool(k) as p:
            p.map(part, [(0, 1)] * k)  # start the workers first: measure the computation
            t = time.perf_counter(); p.map(part, bounds); out[f"split:{k}"] = (time.perf_counter() - t) * 1000
    print(json.dumps(out))`);
  log('CPython: the whole seed (the 10**8 pool takes a while)');
  const SECTION_TO_SCENARIO = await sectionToScenario();
  const seed = {};
  for (const block of BLOCKS) {
    for (const [section, ms] of Object.entries(await timeSeedBlock(block))) {
      const id = SECTION_TO_SCENARIO[section];
      if (id) seed[id] = (seed[id] ?? 0) + ms;
    }
  }
  return { sum: stats(sum), lock, gather, pool, seed };
}

// --- the playground in Chromium (and Pyodide in the same browser) ------------------------------
/**
 * Page loads to ready, REPS of the hosted site (`site`) and of the dev server (`server`):
 * `{ loads: { site: [ms], dev: [ms] }, firstLoad: { site, dev } }`, `firstLoad` the files
 * each page's last load asked for before ready.
 */
async function pageLoads(browser, site, server) {
  const loads = { site: [], dev: [] };
  const firstLoad = {};
  for (let i = 0; i < REPS; i++) {
    // The two pages in turn, the first of a pair alternating: on this machine the second load
    // of a pair is slower, and each page should be second as often as first.
    const pair =
      i % 2 === 0
        ? [
            ['site', site],
            ['dev', server],
          ]
        : [
            ['dev', server],
            ['site', site],
          ];
    for (const [name, { url }] of pair) {
      const { ms, files } = await loadToReady(browser, url);
      loads[name].push(ms);
      firstLoad[name] = files;
    }
  }
  return { loads, firstLoad };
}

/** The drills (`playground.bench`), REPS runs each: the sums, the lock variants, gather. `{ key: [ms] }`. */
async function drillSamples(page) {
  const bench = (name, args) => page.evaluate(([n, a]) => window.playground.bench(n, a), [name, args]);
  const samples = {};
  const measure = async (key, name, args) => {
    samples[key] = [];
    for (let i = 0; i < REPS; i++) samples[key].push(await bench(name, args));
  };
  await measure('sum', 'sum', { n: N });
  for (let k = 1; k <= CORES; k++) await measure(`split:${k}`, 'split', { n: N, workers: k });
  for (const [variant, threads] of [
    ['no-lock', 2],
    ['plain-store', 2],
    ['mutex', 2],
    ['mutex', 4],
    ['atomic', 2],
  ]) {
    await measure(`lock:${variant}:${threads}`, `lock-${variant}`, { threads, iterations: ITERATIONS });
  }
  await measure('gather', 'gather', { tasks: TASKS });
  await measure('rayon-sum', 'rayon-sum', { n: N });
  return samples;
}

/** The rayon lesson in the page, beside the seed's process pool it answers: its three times, per run. */
async function rayonLessonTimes(page) {
  const times = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    times.push(
      await page.evaluate(async () => {
        const { value } = await window.playground.run('rayon-pool', {}).done;
        return { pool: value.process_pool_ms, parIter: value.par_iter_ms, intoParIter: value.into_par_iter_ms };
      }),
    );
  }
  return times;
}

/** Timer accuracy: how late each 1 s sleep of asyncio-gather ends, ms. */
function timerLateness(page) {
  return page.evaluate(async () => {
    const { events } = await window.playground.run('asyncio-gather', {}).done;
    return events.filter((e) => e.kind === 'span' && e.state === 'await').map((e) => e.t - e.start - 1000);
  });
}

/** Each seed scenario run once in the page with the seed's parameters: `{ id: elapsed ms }`. */
async function seedTimes(page) {
  const seed = {};
  const seedIds = await page.evaluate(() => window.playground.scenarios.filter((s) => s.fromSeed).map((s) => s.id));
  for (const id of seedIds) {
    seed[id] = await page.evaluate((sid) => window.playground.run(sid, {}).done.then((r) => r.elapsedMs), id);
  }
  return seed;
}

async function browserFigures() {
  log('headless Chromium');
  const server = await startServer();
  // The hosted site as ./build.sh dist writes it: the production module, the JS bundled.
  const site = await startServer({ root: join(ROOT, 'dist') });
  const browser = await launchBrowser();
  try {
    const { loads, firstLoad } = await pageLoads(browser, site, server);
    const { page } = await openPage(browser, server.url);
    const samples = await drillSamples(page);
    const rayonLesson = await rayonLessonTimes(page);
    const startup = [];
    for (let i = 0; i < REPS; i++) startup.push(await page.evaluate(() => window.playground.startupFigures()));
    const lateness = await timerLateness(page);
    const seed = await seedTimes(page);
    const race = await raceFigures(page);
    const replay = await replayStepTimes(page);
    const interleave = await interleaveFigures(page);
    const pyodide = await pyodideFigures(browser);
    const python = await pythonFigures(browser, server.url, { quick });
    return {
      python,
      samples,
      loads: { site: stats(loads.site), dev: stats(loads.dev) },
      startup,
      lateness,
      seed,
      race,
      rayonLesson,
      firstLoad,
      replay: { work: replay.work, frame: replay.frame, n: replay.n },
      interleave,
      pyodide,
    };
  } finally {
    await browser.close();
    server.stop();
    site.stop();
  }
}

/**
 * The race run many times (threading-lock's 'repeat' action): how fast, and how often the
 * seed's own parameters (2 threads x 100000) lose updates, on a quiet machine and with one
 * CPU-bound process beside the browser.
 */
async function raceFigures(page) {
  const repeat = (params) =>
    page.evaluate(async (p) => {
      const t = performance.now();
      const { value } = await window.playground.run('threading-lock', p, { action: 'repeat' }).done;
      const [point] = value.points;
      return { ms: performance.now() - t, runs: Number(point.runs), lost: Number(point.lost_runs) };
    }, params);
  const manyRuns = quick ? 300 : 1000;
  const fast = await repeat({ runs: manyRuns, sweep: '1000' });
  const seedRuns = quick ? 10 : 40;
  const quiet = await repeat({ runs: seedRuns, sweep: '100000' });
  // One process spinning on a core of its own, as a learner's other programs would.
  const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  let busy;
  try {
    busy = await repeat({ runs: seedRuns, sweep: '100000' });
  } finally {
    burner.kill();
  }
  return { manyRuns, fast, quiet, busy };
}

/**
 * threading-interleave: one granted step from the click to the shared panel (40 steps), and
 * every order of 2 threads x 3 increments (924) run on the real threads, REPS times.
 */
async function interleaveFigures(page) {
  const latency = await stepLatencies(page, 40);
  const explore = [];
  for (let i = 0; i < REPS; i++) explore.push(await exploreFigures(page, 2, 3));
  return { latency, explore: explore.map((e) => e.ms), orders: explore[0].orders };
}

/** Pyodide (npm `pyodide`, from local files) in the same Chromium: the seed's code where it runs. */
async function pyodideFigures(browser) {
  const dir = join(ROOT, 'node_modules', 'pyodide');
  try {
    statSync(join(dir, 'pyodide.mjs'));
  } catch {
    return { error: 'npm package pyodide not installed' };
  }
  log('Pyodide in Chromium');
  // Pyodide needs eval for its own loader, so its page is served by a plain static server of
  // node_modules/pyodide plus the bench page, not by the playground's strict-CSP server.
  const server = await startServer({ root: dir, flags: ['--no-isolation-headers'] });
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}package.json`);
    return await page.evaluate(
      async ([nPy, tasks, reps]) => {
        const { loadPyodide } = await import('./pyodide.mjs');
        const py = await loadPyodide({ indexURL: './' });
        const time = async (code) => {
          const t = performance.now();
          await py.runPythonAsync(code);
          return performance.now() - t;
        };
        await py.runPythonAsync('def compute_heavy_task(n):\n    return sum(i * i for i in range(n))');
        const sum = [];
        for (let i = 0; i < reps; i++) sum.push(await time(`compute_heavy_task(${nPy})`));
        const gather = await time(`import asyncio\nawait asyncio.gather(*(asyncio.sleep(0) for _ in range(${tasks})))`);
        let threads;
        try {
          await py.runPythonAsync('import threading\nt = threading.Thread(target=print)\nt.start()');
          threads = 'ran';
        } catch (e) {
          threads = `cannot run: ${String(e.message).split('\n').filter(Boolean).at(-1)}`;
        }
        let processes;
        try {
          await py.runPythonAsync('import multiprocessing');
          processes = 'imported';
        } catch (e) {
          processes = `cannot run: ${String(e.message).split('\n').filter(Boolean).at(-1)}`;
        }
        return { sum, gather, threads, processes };
      },
      [N_PY, TASKS, quick ? 1 : 3],
    );
  } catch (error) {
    return { error: String(error.message).split('\n')[0] };
  } finally {
    await context.close();
    server.stop();
  }
}

// --- report ----------------------------------------------------------------------------------
// The report is a table, one row per figure, in the order of the performance issue's goals;
// each function below adds the rows of one goal (or part of one) with `row(...)`, from the
// native (`nat`), CPython (`py`) and browser (`web`) figures.
const med = (xs) => (xs ? median(xs) : null);
const ratio = (a, b) => (a && b ? a / b : null);

/** 1 and 2: the single-threaded sum, and the speed-up of the split sum on 1..CORES workers. */
function computeRows(row, nat, py, web) {
  const sumWeb = med(web.samples.sum);
  const sumNat = med(nat.samples.sum);
  row(
    `1. compute_heavy_task(10**${Math.log10(N)}) single-threaded, ms`,
    fmt(sumWeb),
    fmt(sumNat),
    `${fmt(py.sum.median * (N / N_PY), 0)} (scaled from 10**${Math.log10(N_PY)})`,
    web.pyodide.sum ? `${fmt(median(web.pyodide.sum) * (N / N_PY), 0)} (scaled)` : 'n/a',
    `wasm/native ${fmt(ratio(sumWeb, sumNat), 2)} (fastest runs: ${fmt(ratio(Math.min(...web.samples.sum), Math.min(...nat.samples.sum)), 2)})`,
    '≤ 1.3',
  );
  for (let k = 1; k <= CORES; k++) {
    const sWeb = med(web.samples['split:1']) / med(web.samples[`split:${k}`]);
    const sNat = med(nat.samples['split:1']) / med(nat.samples[`split:${k}`]);
    const sPy = py.pool['split:1'] / py.pool[`split:${k}`];
    row(
      `2. speed-up on ${k} worker(s) (speed-up / workers)`,
      `${fmt(sWeb, 2)}× (${fmt(sWeb / k, 2)})`,
      `${fmt(sNat, 2)}× (${fmt(sNat / k, 2)})`,
      `${fmt(sPy, 2)}× (${fmt(sPy / k, 2)}, processes)`,
      'cannot run (no processes)',
      `efficiency ${fmt(sWeb / k, 2)}`,
      '≥ 0.9',
    );
  }
}

/** 3: the ledger's cost, and each lock variant's cost per increment. */
function lockRows(row, nat, py, web) {
  // The ledger's cost: the no-lock race with its swap against the same race with a plain store.
  const ledgerCost = ratio(med(web.samples['lock:no-lock:2']), med(web.samples['lock:plain-store:2']));
  row(
    '3. no-lock with the ledger (swap) / plain store, 2 threads',
    `${fmt(ledgerCost, 2)}×`,
    `${fmt(ratio(med(nat.samples['lock:no-lock:2']), med(nat.samples['lock:plain-store:2'])), 2)}×`,
    '–',
    '–',
    'same run',
    '≤ 1.2',
  );
  for (const key of ['lock:no-lock:2', 'lock:plain-store:2', 'lock:mutex:2', 'lock:mutex:4', 'lock:atomic:2']) {
    const [, variant, threads] = key.split(':');
    row(
      `3. ${variant}, ${threads} threads, ns per increment`,
      fmt(med(web.samples[key])),
      fmt(med(nat.samples[key])),
      py.lock[key] ? fmt(py.lock[key]) : '–',
      'cannot run (no threads)',
      `wasm/native ${fmt(ratio(med(web.samples[key]), med(nat.samples[key])), 2)}`,
      variant === 'no-lock' ? '–' : '≤ 2',
    );
  }
}

/**
 * 2, rayon: the same sum with into_par_iter, wasm against native, and its efficiency at the
 * core count (single-threaded time / (rayon time x cores)) for each repetition; the rayon
 * lesson in the page.
 */
function rayonRows(row, nat, web) {
  const rWeb = med(web.samples['rayon-sum']);
  const rNat = med(nat.samples['rayon-sum']);
  const effs = web.samples['rayon-sum'].map((ms, i) => web.samples.sum[i] / (ms * CORES)).sort((a, b) => a - b);
  row(
    `2. rayon into_par_iter sum of 10**${Math.log10(N)} on ${CORES} threads, ms`,
    fmt(rWeb),
    fmt(rNat),
    '–',
    'cannot run (no threads)',
    `wasm/native ${fmt(ratio(rWeb, rNat), 2)}`,
    '≤ 1.3',
  );
  row(
    `2. rayon efficiency at ${CORES} cores (single-threaded / (rayon x cores)), per repetition`,
    `${fmt(median(effs), 2)} (${fmt(effs[0], 2)}–${fmt(effs.at(-1), 2)})`,
    fmt(med(nat.samples.sum) / (rNat * CORES), 2),
    '–',
    '–',
    `spread of ${effs.length} repetitions`,
    '≥ 0.9',
  );
  const lesson = (key) => median(web.rayonLesson.map((r) => r[key]));
  row(
    '2. rayon-pool lesson in the page: Pool(4).map / par_iter / into_par_iter, ms',
    `${fmt(lesson('pool'))} / ${fmt(lesson('parIter'))} / ${fmt(lesson('intoParIter'))}`,
    '–',
    '–',
    '–',
    `pool / into_par_iter ${fmt(lesson('pool') / lesson('intoParIter'), 1)}×`,
    '–',
  );
}

/** 4: gather's cost per task, and how late the timers end. */
function asyncRows(row, nat, py, web) {
  const gWeb = med(web.samples.gather);
  const gNat = med(nat.samples.gather);
  row(
    `4. gather of ${TASKS} tasks sleeping 0 ms, µs per task`,
    fmt((gWeb * 1000) / TASKS, 2),
    fmt((gNat * 1000) / TASKS, 2),
    fmt((py.gather * 1000) / TASKS, 2),
    web.pyodide.gather ? fmt((web.pyodide.gather * 1000) / TASKS, 2) : 'n/a',
    `wasm/native ${fmt(ratio(gWeb, gNat), 2)}`,
    '–',
  );
  const late = web.lateness;
  row(
    '4. timer accuracy: the 1 s sleeps of asyncio-gather end late by, ms',
    `${fmt(Math.min(...late))}–${fmt(Math.max(...late))}`,
    '–',
    '–',
    '–',
    `max ${fmt(Math.max(...late))} ms`,
    '≤ 20 ms',
  );
}

/** 3, the race lesson: many runs, and how often the seed's parameters lose updates. */
function raceRows(row, { race }) {
  row(
    `3. run many times: ${race.manyRuns} no-lock runs of 2 threads x 1000 increments`,
    `${fmt(race.fast.ms, 0)} ms (${fmt(race.fast.runs / (race.fast.ms / 1000), 0)} runs/s)`,
    '–',
    '–',
    'cannot run (no threads)',
    `${fmt(race.fast.ms / race.manyRuns, 2)} ms per run`,
    '1000 runs ≤ 3 s',
  );
  row(
    "3. share of no-lock runs with the seed's parameters that lose updates (quiet / one CPU-bound process beside)",
    `${race.quiet.lost}/${race.quiet.runs} (${fmt((100 * race.quiet.lost) / race.quiet.runs, 0)}%) / ${race.busy.lost}/${race.busy.runs} (${fmt((100 * race.busy.lost) / race.busy.runs, 0)}%)`,
    '–',
    '–',
    '–',
    '',
    'quiet ≥ 95 %',
  );
}

/** 3, stepping: a step of the replay's slider, a granted step of interleave, exploring every order. */
function stepRows(row, { replay, interleave }) {
  row(
    `3. replay: one step of the slider over a ${replay.n}-event run, ms (p50 / p95 / max)`,
    `${fmt(replay.work.p50, 2)} / ${fmt(replay.work.p95, 2)} / ${fmt(replay.work.max, 1)}`,
    '–',
    '–',
    '–',
    `frame interval p95 ${fmt(replay.frame.p95, 1)} ms`,
    '≤ 16 ms',
  );
  row(
    `3. interleave: one granted step, click to shared panel, ms (p50 / p95 / max of ${interleave.latency.n})`,
    `${fmt(interleave.latency.p50, 1)} / ${fmt(interleave.latency.p95, 1)} / ${fmt(interleave.latency.max, 1)}`,
    '–',
    '–',
    'cannot run (no threads)',
    '',
    'p95 ≤ 50 ms',
  );
  const exploreMs = median(interleave.explore);
  row(
    `3. interleave: explore all ${interleave.orders} orders of 2 threads x 3 increments on real threads, ms`,
    `${fmt(exploreMs, 0)} (${fmt((interleave.orders * 1000) / exploreMs, 0)} orders/s)`,
    '–',
    '–',
    'cannot run (no threads)',
    `fastest ${fmt(Math.min(...interleave.explore), 0)} ms`,
    '≤ 2000 ms',
  );
}

/** 5: the page's load to ready (hosted site and dev server), and starting a worker and a process. */
function startupRows(row, web) {
  const st = (key) => stats(web.startup.map((s) => s[key]));
  row(
    '5. page load to ready: the hosted site (dist/: production module, JS bundled), ms',
    fmt(web.loads.site.median),
    '–',
    '–',
    '–',
    `median of ${web.loads.site.n}`,
    '≤ 300',
  );
  row(
    '5. page load to ready: the dev server (www/: module with drills, one file per JS module), ms',
    fmt(web.loads.dev.median),
    '–',
    '–',
    '–',
    `median of ${web.loads.dev.n}`,
    '–',
  );
  row('5. start one thread worker, ms', fmt(st('threadWorkerMs').median), '–', '–', '–', '', '–');
  row(
    '5. start one process (warm spare / cold worker), ms',
    `${fmt(st('processWarmMs').median)} / ${fmt(st('processColdMs').median)}`,
    '–',
    '–',
    '–',
    'warm',
    '≤ 30',
  );
}

/** A file of the site (`root`: www or dist), raw and gzipped bytes. */
const sizeOf = (file, root = 'www') => {
  const bytes = readFileSync(join(ROOT, root, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

/** 5: the wasm modules' sizes, and the whole first load of each page. Returns the main module's size. */
function sizeRows(row, web) {
  const { raw, gzip: gz } = sizeOf('pkg/concurrency_playground_bg.wasm');
  row(
    '5. wasm size (after wasm-opt; the module the tests and bench load, with drills), KB raw / gzip',
    `${fmt(raw / 1024)} / ${fmt(gz / 1024)}`,
    '–',
    '–',
    '–',
    '',
    '≤ 150 raw',
  );
  const lessonsWasm = sizeOf('pkg-lessons/concurrency_playground_bg.wasm');
  row(
    "5. the lessons module (every program with rayon, loaded when a lesson's section first comes into view or runs), KB raw / gzip",
    `${fmt(lessonsWasm.raw / 1024)} / ${fmt(lessonsWasm.gzip / 1024)}`,
    '–',
    '–',
    '–',
    'not in the first load',
    '–',
  );
  for (const [name, root, label] of [
    ['site', 'dist', 'the hosted site'],
    ['dev', 'www', 'the dev server'],
  ]) {
    const files = [
      ...new Set(web.firstLoad[name].map((p) => (p === '/' ? 'index.html' : p.replace(/^\//, '')))),
    ].filter((p) => !p.endsWith('.json'));
    const firstLoad = files.reduce((n, f) => n + sizeOf(f, root).gzip, 0);
    row(
      `5. the whole first load, ${label} (${files.length} files: HTML, JS, CSS, wasm), KB gzip`,
      fmt(firstLoad / 1024),
      '–',
      '–',
      '–',
      files.some((f) => f.includes('pkg-lessons')) ? 'includes the lessons module!' : 'the lessons module is not in it',
      '≤ 125',
    );
  }
  return { raw, gzip: gz };
}

/** 6: each seed scenario with the seed's parameters, in the page, natively and in CPython. */
function seedRows(row, nat, py, web) {
  for (const [id, ms] of Object.entries(web.seed)) {
    row(
      `6. ${id}, the seed's parameters, ms`,
      fmt(ms),
      fmt(nat.scenarios[id]),
      fmt(py.seed[id]),
      '–',
      `browser/CPython ${fmt(ratio(ms, py.seed[id]), 2)}`,
      '–',
    );
  }
}

/** The report's rows, and `row(...)` that adds one. */
function tableRows() {
  const rows = [];
  const row = (figure, browser, nativeRust, cpython, pyodide, ratioText, goal) =>
    rows.push({ figure, browser, nativeRust, cpython, pyodide, ratio: ratioText, goal });
  return { rows, row };
}

function report(nat, py, web) {
  const { rows, row } = tableRows();
  computeRows(row, nat, py, web);
  lockRows(row, nat, py, web);
  rayonRows(row, nat, web);
  asyncRows(row, nat, py, web);
  raceRows(row, web);
  stepRows(row, web);
  startupRows(row, web);
  const wasm = sizeRows(row, web);
  engineRows(row, web.engines, { median, fmt });
  seedRows(row, nat, py, web);
  pythonRows(row, web.python, web.seed, { median, fmt });
  return { rows, wasm };
}

function markdown(rows, meta) {
  const head =
    '| figure | browser (wasm) | native Rust | CPython | Pyodide | ratio | goal |\n| --- | --- | --- | --- | --- | --- | --- |';
  const body = rows
    .map(
      (r) => `| ${r.figure} | ${r.browser} | ${r.nativeRust} | ${r.cpython} | ${r.pyodide} | ${r.ratio} | ${r.goal} |`,
    )
    .join('\n');
  return (
    `Measured ${meta.date} on ${meta.machine} (${meta.mode}: medians of ${meta.reps} runs; every sample in bench.json). ` +
    'On a shared virtual machine the same run can vary a lot between repetitions, so the fastest runs are shown beside the medians where it matters.' +
    `\n\n${head}\n${body}\n`
  );
}

/** This machine, its Chromium and Python, and how the bench was run: the report's first line. */
function runMeta() {
  const chromium = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus()[0].model.trim()}, ${CORES} cores, headless ${chromium.toString().trim()}, ${execFileSync('python3', ['--version']).toString().trim()}`,
    mode: onlyEngines ? `engines only, ${ROUNDS} rounds` : quick ? 'quick' : 'full',
    reps: onlyEngines ? ROUNDS : REPS,
  };
}

/** The hosted site in Chromium, Firefox and WebKit, ROUNDS shuffled rounds. */
function engines() {
  log(`Chromium, Firefox and WebKit: ${ROUNDS} rounds of the hosted site, shuffled with seed ${ORDER_SEED}`);
  return engineFigures({ rounds: ROUNDS, seed: ORDER_SEED, log: (...a) => log(...a) });
}

/** `--only engines`: the engines' rows alone, in bench-output/engines/. */
async function enginesOnly() {
  const figures = await engines();
  const { rows, row } = tableRows();
  engineRows(row, figures, { median, fmt });
  const meta = runMeta();
  writeFileSync(join(OUT, 'bench.json'), `${JSON.stringify({ meta, rows, engines: figures }, null, 1)}\n`);
  writeFileSync(join(OUT, 'bench.md'), markdown(rows, meta));
  console.log(markdown(rows, meta));
}

/** Everything: native Rust, CPython, the browser, the engines; the report, and a full run's reference.json. */
async function everything() {
  execFileSync(
    'cargo',
    [
      'build',
      '--release',
      '--quiet',
      '--features',
      'drills,lessons',
      '--example',
      'bench_native',
      '--example',
      'native_run',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  const nat = await native();
  const py = await cpython();
  const web = await browserFigures();
  web.engines = await engines();
  const meta = runMeta();
  const { rows, wasm } = report(nat, py, web);
  writeFileSync(
    join(OUT, 'bench.json'),
    `${JSON.stringify({ meta, rows, wasm, native: nat, cpython: py, browser: web }, null, 1)}\n`,
  );
  writeFileSync(join(OUT, 'bench.md'), markdown(rows, meta));
  if (!quick) {
    // The reference figures the page shows beside each run: native Rust and CPython, per scenario.
    const scenarios = Object.fromEntries(
      Object.keys(web.seed).map((id) => [id, { nativeMs: nat.scenarios[id], cpythonMs: py.seed[id] }]),
    );
    writeFileSync(
      join(ROOT, 'www', 'reference.json'),
      `${JSON.stringify({ date: meta.date, machine: meta.machine, scenarios }, null, 1)}\n`,
    );
  }
  console.log(markdown(rows, meta));
}

const started = Date.now();
await (onlyEngines ? enginesOnly() : everything());
log(
  `done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${join('bench-output', onlyEngines ? 'engines' : quick ? 'quick' : '')}/bench.md and bench.json`,
);
