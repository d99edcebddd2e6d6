// What Rust writes instead of a process pool (rayon-pool): the seed's pool and two rayon
// versions in the page, exact sums, a lane per rayon pool thread; a rayon panic ends the run
// with its message and location, and the next run works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OUTPUT, printedLines, runInPage, section, useSuite } from './harness.mjs';

const suite = useSuite({ open: '?scenario=rayon-pool' });

const ID = 'rayon-pool';
const lesson = () => section(suite.page, ID);

test("rayon-pool computes the seed pool's exact sums three ways and draws a lane per pool thread", async () => {
  assert.equal(await runInPage(suite.page, ID, { timeout: 120_000 }), 'done');
  const lines = await printedLines(suite.page, ID);
  assert.equal(lines.at(-1), '[333332833333500000, 333333283333335000000, 333333328333333350000000]');
  assert.equal(
    lines.filter((l) => /^Process \d+ calculating\.\.\.$/.test(l)).length,
    3,
    "the seed's pool printed from its processes",
  );
  const note = (await lesson().locator('[data-role="notes"] .text').allTextContents()).join('\n');
  assert.match(
    note,
    /^Pool\(4\)\.map on processes: [\d.]+ ms · par_iter on \d+ threads: [\d.]+ ms · into_par_iter in chunks: [\d.]+ ms; the same exact sums all three ways$/m,
  );
  const lanes = await lesson()
    .locator('g.lane[data-lane^="rayon-worker-"]')
    .evaluateAll((gs) => gs.map((g) => g.dataset.lane));
  assert.ok(lanes.length >= 1, `rayon lanes: ${lanes}`);
  const value = await suite.page.evaluate(async () => {
    const r = await window.playground.run('rayon-pool', { inputs: '10**5, 10**6' }).done;
    return {
      results: r.value.results.map(String),
      threads: Number(r.value.threads),
      times: [r.value.process_pool_ms, r.value.par_iter_ms, r.value.into_par_iter_ms].map((x) => typeof x),
    };
  });
  assert.deepEqual(value.results, ['333328333350000', '333332833333500000']);
  assert.equal(value.threads, await suite.page.evaluate(() => navigator.hardwareConcurrency));
  assert.deepEqual(value.times, ['number', 'number', 'number']);
  await lesson().locator('figure.timeline').scrollIntoViewIfNeeded();
  await suite.page.screenshot({ path: join(OUTPUT, 'rayon-pool-1280.png') });
  assert.deepEqual(
    suite.errors.filter((e) => !/deprecated parameters/.test(e)),
    [],
  );
});

test('a panic in a rayon task ends the run with its message and location; the next run works', async () => {
  const message = await suite.page.evaluate(() =>
    window.playground.bench('panic-rayon', { threads: 0 }).then(
      () => 'no error',
      (e) => `${e.name}: ${e.message}`,
    ),
  );
  assert.match(message, /^RunError: .*a deliberate panic in a rayon task at src\/web\.rs:\d+/);
  const again = await suite.page.evaluate(() =>
    window.playground.run('rayon-pool', { inputs: '10**5' }).done.then((r) => r.value.results.map(String)),
  );
  assert.deepEqual(again, ['333328333350000']);
});

test('bad input to rayon-pool is refused with the parameter and its range', async () => {
  const refused = await suite.page.evaluate(() => {
    try {
      window.playground.validate('rayon-pool', { inputs: '1, 2, 10**10' });
      return 'accepted';
    } catch (e) {
      return e.message;
    }
  });
  assert.match(
    refused,
    /^inputs must be a list of 1 to 16 whole numbers, each from 0 to 1_000_000_000; item 3 is "10\*\*10"$/,
  );
});
