// What ran when: each scenario's timeline has the lanes it should and one tick per printed
// line; the deadlock is caught and named, and ordered locks complete; and screenshots of the
// page at phone and desktop widths, light and dark, go to test-output/ to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, OUTPUT, printedLines, runInPage, section, useSuite } from './harness.mjs';

const suite = useSuite({ open: '' });

const lanes = (id) =>
  section(suite.page, id)
    .locator('[data-role="timeline"] g.lane')
    .evaluateAll((gs) => gs.map((g) => g.dataset.lane));
const ticks = (id) => section(suite.page, id).locator('[data-role="timeline"] [data-kind="tick"]').count();
const bars = (id, state) => section(suite.page, id).locator(`[data-role="timeline"] [data-state="${state}"]`).count();

const EXPECTED = {
  'threading-basic': ['MainThread', 'Thread-1 (print_numbers)'],
  'threading-lock': ['MainThread', 'Thread-1 (increment)', 'Thread-2 (increment)'],
  'multiprocessing-process': ['MainThread', 'Process-1'],
  'multiprocessing-pool': ['MainThread', 'PoolWorker-1', 'PoolWorker-2', 'PoolWorker-3', 'PoolWorker-4'],
  'asyncio-gather': [
    'MainThread',
    'task1: fetch_data(1)',
    'task2: fetch_data(2)',
    'gather: fetch_data(3)',
    'gather: fetch_data(4)',
  ],
};

for (const [id, expected] of Object.entries(EXPECTED)) {
  test(`${id}: the timeline has its lanes and a tick per printed line`, async () => {
    assert.equal(await runInPage(suite.page, id), 'done');
    assert.deepEqual((await lanes(id)).sort(), [...expected].sort());
    assert.equal(await ticks(id), (await printedLines(suite.page, id)).length);
  });
}

test('the timeline shows measured states: sleeps, lock waits, awaits, process runs', async () => {
  assert.equal(await bars('threading-basic', 'sleep'), 5);
  assert.ok((await bars('threading-basic', 'join')) >= 1, 'the main thread waited in join()');
  assert.ok((await bars('asyncio-gather', 'await')) === 4);
  assert.equal(await bars('multiprocessing-pool', 'run'), 3, 'one bar per task in the pool');
  assert.equal(await bars('multiprocessing-pool', 'start'), 4, "each of the pool's processes shows its start");
  assert.equal(await bars('multiprocessing-pool', 'map-wait'), 1, 'the main thread waits in map()');
  assert.equal(await bars('asyncio-gather', 'await-task'), 3, 'main() awaits task1, task2 and gather');
  const poolLanes = await section(suite.page, 'multiprocessing-pool')
    .locator('[data-role="timeline"] [data-lane]')
    .evaluateAll((ls) => ls.map((l) => l.dataset.lane));
  assert.deepEqual(
    poolLanes,
    ['MainThread', 'PoolWorker-1', 'PoolWorker-2', 'PoolWorker-3', 'PoolWorker-4'],
    'lanes started together, in name order',
  );
  // The no-lock round runs again while one loses nothing (`rounds`); its note says how often.
  const noLock = (
    await section(suite.page, 'threading-lock').locator('[data-role="notes"] .text').allTextContents()
  )[0];
  const noLockRounds = Number(/it took (\d+) rounds/.exec(noLock)?.[1] ?? 1);
  assert.equal(
    await bars('threading-lock', 'run'),
    2 * (noLockRounds + 2),
    `two threads × (${noLockRounds} no-lock rounds + mutex + atomic)`,
  );
});

test('hovering a bar tells what it was', async () => {
  const bar = section(suite.page, 'threading-basic').locator('[data-state="sleep"]').first();
  await bar.hover();
  const detail = await section(suite.page, 'threading-basic').locator('.timeline-detail').textContent();
  assert.match(detail, /Thread-1 \(print_numbers\): sleeping \(time\.sleep\), time\.sleep\(0\.1\), \d+\.\d+ ms/);
});

test('opposite lock order deadlocks; the watchdog names the cycle in time; ordered locks complete', async () => {
  const lesson = section(suite.page, 'threading-deadlock');
  const started = Date.now();
  assert.equal(await runInPage(suite.page, 'threading-deadlock'), 'error');
  const tookMs = Date.now() - started;
  const status = await lesson.locator('[data-role="status"]').textContent();
  assert.match(status, /deadlock/);
  assert.match(status, /Thread-A holds lock1 and waits for lock2/);
  assert.match(status, /Thread-B holds lock2 and waits for lock1/);
  assert.ok(tookMs < 5000, `the 500 ms watchdog ended the run after ${tookMs} ms`);
  assert.deepEqual(await printedLines(suite.page, 'threading-deadlock'), [], 'nobody got both locks');

  await lesson.locator('input[name="ordered"]').check();
  assert.equal(await runInPage(suite.page, 'threading-deadlock'), 'done');
  assert.deepEqual((await printedLines(suite.page, 'threading-deadlock')).sort(), [
    'A has both locks',
    'B has both locks',
  ]);
  // The page is still usable: another scenario runs after the deadlock.
  assert.equal(await runInPage(suite.page, 'threading-basic'), 'done');
});

test('the GIL and speed-up lessons run and draw', async () => {
  assert.equal(await runInPage(suite.page, 'threading-gil'), 'done');
  assert.ok((await bars('threading-gil', 'gil-wait')) > 0, 'threads waited for the GIL');
  assert.equal(await runInPage(suite.page, 'threading-speedup'), 'done');
  // The sweep goes past the cores, to twice their number (at most 16): a point per worker count
  // for the hand-split threads and one for rayon.
  const sweep = await suite.page.evaluate(() => Math.min(16, 2 * navigator.hardwareConcurrency));
  const chart = section(suite.page, 'threading-speedup').locator('.speedup-svg');
  await chart.waitFor();
  assert.equal(await chart.locator('.point:not(.rayon)').count(), sweep);
  assert.equal(await chart.locator('.point.rayon').count(), sweep);
  assert.deepEqual(suite.errors, []);
});

test('code beside the run: Python and Rust, highlighted, with paired lines', async () => {
  const lesson = section(suite.page, 'asyncio-gather');
  await lesson.locator('details.code summary').click();
  await lesson.locator('.code-pair[data-state="ready"]').waitFor();
  const paired = await lesson.locator('.lang-python .code-line.paired').count();
  assert.ok(paired >= 8, `${paired} Python lines paired`);
  await lesson.locator('.lang-python .code-line.paired').first().hover();
  assert.equal(await lesson.locator('.code-line.lit').count(), 2, 'a Python line and its Rust line light up');
  assert.ok((await lesson.locator('.lang-rust .tok-keyword').count()) > 10);
});

for (const [width, height] of [
  [1280, 800],
  [390, 844],
]) {
  for (const scheme of ['light', 'dark']) {
    test(`screenshot ${width}×${height} ${scheme}`, async () => {
      const {
        page: shot,
        errors: shotErrors,
        context,
      } = await openPage(suite.browser, suite.server.url, { viewport: { width, height }, colorScheme: scheme });
      for (const id of ['threading-lock', 'asyncio-gather']) assert.equal(await runInPage(shot, id), 'done');
      await section(shot, 'threading-lock').screenshot({ path: join(OUTPUT, `lock-${width}-${scheme}.png`) });
      await section(shot, 'asyncio-gather').screenshot({ path: join(OUTPUT, `asyncio-${width}-${scheme}.png`) });
      await shot.screenshot({ path: join(OUTPUT, `page-${width}-${scheme}.png`) });
      const overflow = await shot.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px too wide)`);
      assert.deepEqual(shotErrors, []);
      await context.close();
    });
  }
}
