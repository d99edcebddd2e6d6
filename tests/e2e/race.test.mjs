// Inside the race (threading-lock): the race run many times, its sweep and histogram, a Stop
// in the middle of a sweep, and bad counts from the page, the URL and the JS API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { apiRefusals, openPage, OUTPUT, section, settled as settledIn, useSuite } from './harness.mjs';

const suite = useSuite();

const ID = 'threading-lock';
const settled = (page) => settledIn(page, ID, { timeout: 120_000 });

test("run many times: a note per loop length, the sweep, and a histogram of every run's final counter", async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}`);
  const lesson = section(page, ID);
  await lesson.locator('input[name="repeat-runs"]').fill('40');
  await lesson.locator('input[name="repeat-sweep"]').fill('1, 100, 2000');
  await lesson.locator('[data-action="repeat"]').click();
  await settled(page);
  assert.equal(await lesson.locator('[data-role="status"]').getAttribute('data-state'), 'done');
  const notes = await lesson.locator('[data-role="notes"] .text').allTextContents();
  assert.equal(notes.length, 3);
  assert.match(notes[0], /^1 increment per thread: \d+ of 40 runs lost updates \(\d+%\)/);
  assert.match(notes[2], /^2,000 increments per thread: \d+ of 40 runs lost updates/);
  const summary = await lesson.locator('[data-role="histogram"] .summary').textContent();
  assert.match(
    summary,
    /^40 runs of 2 threads × 2,000 increments: \d+% lost updates\. Final counter: min [\d,]+, median [\d,.]+, max [\d,]+ \(exact: 4,000\)\.$/,
  );
  // The histogram's bars count every run once.
  const counted = await lesson.locator('[data-role="histogram"] rect.bin title').allTextContents();
  assert.equal(
    counted.reduce((n, t) => n + Number(/^(\d+) runs/.exec(t)[1]), 0),
    40,
  );
  assert.equal(await lesson.locator('.sweep-svg circle.point').count(), 3);
  // The API gives the same points.
  const points = await page.evaluate(async () => {
    const r = await window.playground.run('threading-lock', { runs: 5, sweep: '10' }, { action: 'repeat' }).done;
    return r.value.points.map((p) => ({
      increments: String(p.increments),
      runs: String(p.runs),
      lost: typeof p.lost_runs,
    }));
  });
  assert.deepEqual(points, [{ increments: '10', runs: '5', lost: 'bigint' }]);
  await lesson.locator('.race-runs').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'race-many-1280.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Stop in the middle of a sweep keeps what was measured, and the next run works', async () => {
  const { page, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}`);
  const lesson = section(page, ID);
  await lesson.locator('input[name="repeat-runs"]').fill('5000');
  await lesson.locator('input[name="repeat-sweep"]').fill('1, 100000');
  await lesson.locator('[data-action="repeat"]').click();
  await lesson.locator('[data-role="notes"] .text').first().waitFor({ timeout: 60_000 }); // the first loop length is done
  await lesson.locator('[data-action="stop"]').click();
  await settled(page);
  assert.equal(await lesson.locator('[data-role="status"]').getAttribute('data-state'), 'cancelled');
  assert.match(await lesson.locator('[data-role="histogram"] .summary').textContent(), /^[\d,]+ runs of 2 threads/);
  assert.equal(
    await page.evaluate(() =>
      window.playground.run('threading-lock', { runs: 3, sweep: '5' }, { action: 'repeat' }).done.then((r) => r.status),
    ),
    'done',
  );
  await context.close();
});

test('bad counts and sweeps are refused with the parameter and its range: page, URL and API', async () => {
  const url = `${suite.server.url}?scenario=${ID}&repeat-runs=0&repeat-sweep=${encodeURIComponent('1, 10, 1000000')}&rounds=5000`;
  const { page, context } = await openPage(suite.browser, url);
  const lesson = section(page, ID);
  assert.match(
    await lesson.locator('[data-error-for="repeat-runs"]').textContent(),
    /^runs must be a whole number from 1 to 5_000; got "0"$/,
  );
  assert.match(
    await lesson.locator('[data-error-for="repeat-sweep"]').textContent(),
    /^sweep must be a list of 1 to 8 whole numbers, each from 1 to 100_000; item 3 is "1000000"$/,
  );
  assert.match(
    await lesson.locator('[data-error-for="rounds"]').textContent(),
    /^rounds must be a whole number from 1 to 1_000; got "5000"$/,
  );
  await lesson.locator('[data-action="repeat"]').click();
  assert.equal(await lesson.locator('[data-role="status"]').getAttribute('data-state'), 'idle', 'nothing ran');
  const refused = await apiRefusals(page, {
    runs: ['run', 'threading-lock', { runs: 1e9 }, { action: 'repeat' }],
    threads: ['run', 'threading-lock', { threads: 1 }, { action: 'repeat' }],
    sweep: ['run', 'threading-lock', { sweep: Array(9).fill(1) }, { action: 'repeat' }],
    action: ['run', 'threading-lock', {}, { action: 'explode' }],
    other: ['run', 'asyncio-gather', {}, { action: 'repeat' }],
  });
  assert.match(refused.runs, /^ParamError: runs must be a whole number from 1 to 5_000; got "1000000000"$/);
  assert.match(refused.threads, /^ParamError: threads must be a whole number from 2 to 16; got "1"$/);
  assert.match(
    refused.sweep,
    /^ParamError: sweep must be a list of 1 to 8 whole numbers, each from 1 to 100_000; got 9 items$/,
  );
  assert.match(refused.action, /^ParamError: threading-lock has no action "explode"; it offers repeat$/);
  assert.match(refused.other, /^ParamError: asyncio-gather has no action "repeat"; it offers none$/);
  await context.close();
});

test('when a no-lock round loses nothing, the page offers to run until the race shows', async () => {
  // Two threads of one increment each seldom overlap (a few runs in a hundred lose), so the
  // offer usually appears; when the first round happens to lose, the caught stores show instead.
  const { page, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}&iterations=1`);
  const lesson = section(page, ID);
  await lesson.locator('[data-action="run"]').click();
  await settled(page);
  await lesson.locator('[data-view="race-ledger"] [data-role="ledger"]').waitFor();
  const ledger = await lesson.locator('[data-view="race-ledger"] [data-role="ledger"]').textContent();
  if (/: 0 updates lost/.test(ledger)) {
    await lesson.locator('[data-action="until-race"]').click();
    await settled(page);
    assert.equal(await lesson.locator('input[name="rounds"]').inputValue(), '500');
    const note = (await lesson.locator('[data-role="notes"] .text').allTextContents())[0];
    assert.match(
      note,
      /it took \d+ rounds until one lost an update|the first round already lost updates|none of 500 rounds lost an update/,
    );
  } else {
    assert.ok((await lesson.locator('.caught-list li.caught').count()) > 0, 'a lost update is caught in the act');
  }
  await context.close();
});

test('one thread alone is told it has no one to race with', async () => {
  const { page, context } = await openPage(
    suite.browser,
    `${suite.server.url}?scenario=${ID}&threads=1&iterations=1000`,
  );
  const lesson = section(page, ID);
  await lesson.locator('[data-action="run"]').click();
  await settled(page);
  const view = lesson.locator('[data-view="race-ledger"]');
  await view.locator('[data-role="ledger"]').waitFor();
  assert.match(await view.textContent(), /One thread alone has no one to race with/);
  assert.equal(await view.locator('[data-action="until-race"]').count(), 0);
  await context.close();
});
