// The page shell and threading-basic, end to end through the real dev server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OUTPUT, openPage, printedLines, runInPage, section, useSuite } from './harness.mjs';

const suite = useSuite();

test('the page is cross-origin isolated and says so', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  const line = await page.locator('[data-role="capabilities"]').textContent();
  assert.match(line, /is cross-origin isolated/);
  assert.match(line, /offers \d+ hardware thread/);
  const ids = await page.evaluate(() => window.playground.scenarios.map((s) => s.id));
  assert.ok(ids.length >= 6, ids.join());
  for (const id of ids) {
    assert.equal(await section(page, id).count(), 1, `section ${id}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('threading-basic prints five lines as they happen, from a worker thread', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  // Record when each line reaches the page, to show they stream rather than arrive at the end.
  await page.evaluate(() => {
    window.lineArrivals = [];
    const output = document.querySelector('section[data-scenario="threading-basic"] [data-role="output"]');
    new MutationObserver(() => window.lineArrivals.push(performance.now())).observe(output, { childList: true });
  });
  const state = await runInPage(page, 'threading-basic');
  assert.equal(state, 'done');
  assert.deepEqual(await printedLines(page, 'threading-basic'), [
    'Thread: 0',
    'Thread: 1',
    'Thread: 2',
    'Thread: 3',
    'Thread: 4',
  ]);
  const lanes = await section(page, 'threading-basic').locator('[data-role="output"] .lane').allTextContents();
  assert.ok(
    lanes.every((l) => l.startsWith('Thread-1')),
    lanes.join(),
  );
  const arrivals = await page.evaluate(() => window.lineArrivals);
  assert.equal(arrivals.length, 5);
  for (let i = 1; i < arrivals.length; i++) {
    assert.ok(
      arrivals[i] - arrivals[i - 1] >= 80,
      `line ${i} came ${arrivals[i] - arrivals[i - 1]} ms after the one before`,
    );
  }
  const elapsed = Number(
    await section(page, 'threading-basic').locator('[data-role="elapsed"]').getAttribute('data-ms'),
  );
  assert.ok(elapsed >= 500, `5 sleeps of 100 ms took ${elapsed} ms`);
  await page.screenshot({ path: join(OUTPUT, 'threading-basic-1280.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});
