// The Python mode's figures for `./build.sh bench` (issue 20): the interpreter's download, the
// time from a run's start to its first printed line (cold: a fresh page, the download in the
// browser's cache; warm: the next run), four CPU-bound Python threads against one, each seed
// program in the page against CPython on the same source, and how often the seed's race (2
// threads x 100,000, no lock) loses updates. All from one bench run.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ROOT, openPage } from '../tests/e2e/harness.mjs';

const run = promisify(execFile);
const seed = (name) => readFileSync(join(ROOT, 'src', 'scenarios', `${name}.py`), 'utf8');

/** The interpreter as build_python published it: raw, gzip and brotli bytes. */
export function interpreterSize(root = join(ROOT, 'www')) {
  const manifest = JSON.parse(readFileSync(join(root, 'pkg-python', 'python.json'), 'utf8'));
  const bytes = readFileSync(join(root, 'pkg-python', manifest.wasm));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

/** Runs `source` in `page` through the JS API: its lines, and ms from the call to the first line and to the end. */
function timedRun(page, source) {
  return page.evaluate(async (code) => {
    const t0 = performance.now();
    let firstLineMs = null;
    const onLine = () => {
      firstLineMs ??= performance.now() - t0;
    };
    const result = await window.playground.runPython(code, { onLine }).done;
    return { lines: result.lines, firstLineMs, totalMs: performance.now() - t0 };
  }, source);
}

/** Cold (a fresh page, the module in the HTTP cache but compiled anew) and warm first lines. */
async function firstLines(browser, url, reps) {
  const cold = [];
  const warm = [];
  const { page: primer, context } = await openPage(browser, url);
  await timedRun(primer, 'print("the download, into the cache")');
  for (let i = 0; i < reps; i++) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    cold.push((await timedRun(page, 'print("hello")')).firstLineMs);
    warm.push((await timedRun(page, 'print("hello")')).firstLineMs);
    await page.close();
  }
  await context.close();
  return { cold, warm };
}

const CPU_BOUND = `
import threading, time
def work():
    sum(i * i for i in range(300_000))
t = time.perf_counter()
for _ in range(4):
    work()
alone = time.perf_counter() - t
threads = [threading.Thread(target=work) for _ in range(4)]
t = time.perf_counter()
for thread in threads: thread.start()
for thread in threads: thread.join()
print(alone / (time.perf_counter() - t))
`;

const RACE = seed('threading_lock').replace('        with lock:', '        if True:');

/**
 * Each seed program as written, asyncio's entry point uncommented; a quick run makes the
 * process and pool programs' numbers smaller (10**8 takes CPython seconds, RustPython minutes).
 */
function seedPrograms(quick) {
  const program = (source, smaller) => ({
    source: quick && smaller ? smaller(source) : source,
    smaller: quick && !!smaller,
  });
  return {
    'threading-basic': program(seed('threading_basic')),
    'threading-lock': program(seed('threading_lock')),
    'multiprocessing-process': program(seed('multiprocessing_process'), (s) => s.replace('(10**6,)', '(10**5,)')),
    'multiprocessing-pool': program(seed('multiprocessing_pool'), (s) =>
      s.replace('[10**6, 10**7, 10**8]', '[10**4, 10**5, 10**6]'),
    ),
    'asyncio-gather': program(seed('asyncio_gather').replace('# asyncio.run(main())', 'asyncio.run(main())')),
    'concurrent-futures': program(seed('concurrent_futures')),
  };
}

async function cpythonMs(source) {
  const t = performance.now();
  await run('python3', ['-c', source], { timeout: 600_000 });
  return performance.now() - t;
}

export async function pythonFigures(browser, url, { quick }) {
  const reps = quick ? 3 : 5;
  const firsts = await firstLines(browser, url, reps);
  const { page, context } = await openPage(browser, url);
  try {
    const speedUp = [];
    for (let i = 0; i < reps; i++) speedUp.push(Number((await timedRun(page, CPU_BOUND)).lines[0]));
    const seeds = {};
    for (const [id, { source, smaller }] of Object.entries(seedPrograms(quick))) {
      seeds[id] = { pageMs: (await timedRun(page, source)).totalMs, cpythonMs: await cpythonMs(source), smaller };
    }
    const raceFinals = [];
    for (let i = 0; i < (quick ? 5 : 20); i++)
      raceFinals.push(Number(/\d+$/.exec((await timedRun(page, RACE)).lines[0])[0]));
    return { size: interpreterSize(), firstLine: firsts, speedUp, seeds, raceFinals };
  } finally {
    await context.close();
  }
}

/**
 * The report's rows (`row(figure, browser, nativeRust, cpython, pyodide, ratio, goal)`);
 * `rustPortMs`: each seed scenario's Rust port in the page, from the same bench run.
 */
export function pythonRows(row, figures, rustPortMs, { median, fmt }) {
  const { size, firstLine, speedUp, seeds, raceFinals } = figures;
  const mb = (bytes) => fmt(bytes / 1e6, 2);
  row(
    '7. Python mode: the interpreter download, MB raw / gzip / brotli',
    `${mb(size.raw)} / ${mb(size.gzip)} / ${mb(size.brotli)}`,
    '–',
    '–',
    '6.5–8 (published)',
    'loaded at the first Python run only',
    '≤ 5 gzip',
  );
  row(
    '7. Python mode: from the call to the first printed line, cold (fresh page, download cached) / warm, ms',
    `${fmt(median(firstLine.cold), 0)} / ${fmt(median(firstLine.warm), 0)}`,
    '–',
    '–',
    '–',
    `medians of ${firstLine.cold.length}; cold ${fmt(Math.min(...firstLine.cold), 0)}–${fmt(Math.max(...firstLine.cold), 0)}`,
    '≤ 3000 / ≤ 300',
  );
  row(
    '7. Python mode: four CPU-bound Python threads against one thread doing the same work (speed-up)',
    `${fmt(median(speedUp), 2)}×`,
    '–',
    '1.0× (the GIL)',
    'cannot start a thread',
    `${speedUp.map((x) => fmt(x, 2)).join(', ')}`,
    '≥ 1.6×',
  );
  for (const [id, { pageMs, cpythonMs, smaller }] of Object.entries(seeds)) {
    row(
      `7. Python mode: the seed's ${id}${smaller ? ' (quick run: its numbers smaller)' : ''}, as written, ms`,
      fmt(pageMs, 0),
      '–',
      fmt(cpythonMs, 0),
      '–',
      `page/CPython ${fmt(pageMs / cpythonMs, 2)}; the Rust port in the page, seed's parameters: ${fmt(rustPortMs[id], 0)} ms`,
      '–',
    );
  }
  const lost = raceFinals.filter((final) => final < 200_000).length;
  row(
    "7. Python mode: the seed's race without its lock (2 threads x 100,000): runs that lose updates",
    `${lost} of ${raceFinals.length}`,
    '–',
    '–',
    '–',
    `finals ${Math.min(...raceFinals)}–${Math.max(...raceFinals)}`,
    '≥ 95 %',
  );
}
