// threading-interleave: the learner schedules real threads one bytecode step at a time. Step
// buttons and keys, the shared panel after each step, undo, a schedule in the URL, a bad
// schedule refused from the page, the URL and the API, the explorer's totals, and the figures
// (step latency from the click to the updated panel; explorer orders per second).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { apiRefusals, openPage, OUTPUT, steppingLesson, useSuite } from './harness.mjs';
import { axeViolations } from './axe.mjs';
import { exploreFigures, stepLatencies } from './interleave-steps.mjs';

const suite = useSuite();

const ID = 'threading-interleave';

const { sectionOf, state, settled, stepsShown } = steppingLesson(ID);
/** The shared panel as numbers: the counter, and each thread's register and next step. */
const panel = (page) =>
  page.evaluate((id) => {
    const shared = document.querySelector(`section[data-scenario="${id}"] [data-role="shared"]`);
    return {
      counter: shared.querySelector('[data-role="counter"]').textContent,
      threads: Object.fromEntries(
        [...shared.querySelectorAll('tr[data-lane]')].map((row) => [
          row.dataset.lane,
          `${row.querySelector('[data-role="register"]').textContent} ${row.querySelector('[data-role="next"]').textContent}`,
        ]),
      ),
    };
  }, ID);

test('stepping a lost update: the shared panel after every step, refusals, undo, the URL, the challenges', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}&k=1#${ID}`);
  const lesson = sectionOf(page);
  await lesson.locator('[data-action="run"]').click();
  await lesson.locator('[data-action="step"][data-lane="Thread-1"]').waitFor();
  assert.deepEqual(await panel(page), {
    counter: '0',
    threads: { 'Thread-1': '— LOAD counter', 'Thread-2': '— LOAD counter' },
  });
  const step = (lane) => lesson.locator(`[data-action="step"][data-lane="${lane}"]`).click();
  const expected = [
    ['Thread-1', '0', { 'Thread-1': '0 ADD 1', 'Thread-2': '— LOAD counter' }],
    ['Thread-1', '0', { 'Thread-1': '1 STORE counter', 'Thread-2': '— LOAD counter' }],
    ['Thread-2', '0', { 'Thread-1': '1 STORE counter', 'Thread-2': '0 ADD 1' }],
    ['Thread-2', '0', { 'Thread-1': '1 STORE counter', 'Thread-2': '1 STORE counter' }],
    ['Thread-2', '1', { 'Thread-1': '1 STORE counter', 'Thread-2': '1 done' }],
  ];
  for (const [i, [lane, counter, threads]] of expected.entries()) {
    await step(lane);
    await stepsShown(page, i + 1);
    assert.deepEqual(await panel(page), { counter, threads }, `after step ${i + 1}`);
  }
  assert.equal(
    await lesson.locator('[data-action="step"][data-lane="Thread-2"]').isDisabled(),
    true,
    'a finished thread has no button',
  );
  assert.equal(await lesson.locator('[data-role="shared"]').getAttribute('aria-live'), 'polite');
  assert.match(
    await lesson.locator('[data-role="step-summary"]').textContent(),
    /^Step 5: Thread-2 STOREd 1 into counter\. counter = 1\. Thread-2 has finished\.$/,
  );
  // Keyboard: 2 names a finished thread, 3 a missing one: refused with a message, nothing else.
  await lesson.locator('[data-action="step"][data-lane="Thread-1"]').focus();
  await page.keyboard.press('2');
  await lesson.locator('[data-role="refused"]').filter({ hasText: 'Thread-2 has finished' }).waitFor();
  await page.keyboard.press('3');
  await lesson.locator('[data-role="refused"]').filter({ hasText: 'There is no Thread-3' }).waitFor();
  assert.equal(await lesson.locator('[data-role="shared"]').getAttribute('data-steps'), '5');
  assert.equal(new URL(page.url()).searchParams.get('schedule'), '1,1,2,2,2');
  assert.equal(await lesson.locator('[data-role="schedule"]').textContent(), '1,1,2,2,2');
  await lesson.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'interleave-mid-1280-light.png'), fullPage: false });
  // Undo: a new run on fresh memory replays 1,1,2,2; the real steps run again.
  await lesson.locator('[data-action="undo"]').click();
  await stepsShown(page, 4);
  await page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-role="status"]`).dataset.state === 'running',
    ID,
  );
  assert.deepEqual(await panel(page), {
    counter: '0',
    threads: { 'Thread-1': '1 STORE counter', 'Thread-2': '1 STORE counter' },
  });
  assert.equal(new URL(page.url()).searchParams.get('schedule'), '1,1,2,2');
  assert.equal(await lesson.locator('input[name="schedule"]').inputValue(), '', 'the replay is not left in the field');
  // Keyboard 1 and 2: both STORE 1. An update is lost.
  await lesson.locator('[data-action="step"][data-lane="Thread-1"]').focus();
  await page.keyboard.press('1');
  await stepsShown(page, 5);
  await page.keyboard.press('2');
  await settled(page);
  assert.equal(await state(page), 'done');
  assert.deepEqual(await lesson.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 1']);
  const met = await lesson
    .locator('[data-challenge]')
    .evaluateAll((items) => items.map((li) => `${li.dataset.challenge}=${li.dataset.met}`));
  assert.deepEqual(met, ['lose-an-update=true', 'smallest=true', 'lose-nothing=false']);
  assert.equal(new URL(page.url()).searchParams.get('schedule'), '1,1,2,2,1,2');
  await lesson.locator('[data-role="challenges"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'interleave-done-1280-light.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a schedule in the URL replays on Run; the smallest value with k=2; a bad schedule names its step', async () => {
  const { page, errors, context } = await openPage(
    suite.browser,
    `${suite.server.url}?scenario=${ID}&schedule=1,2,2,2,2,2,1,1,2,2,1,1,1,2,2,2`,
  );
  const lesson = sectionOf(page);
  // 16 steps for 2 threads x 2 increments (12 steps): refused before anything runs.
  assert.equal(
    await lesson.locator('[data-error-for="schedule"]').textContent(),
    'schedule must grant each step to a thread that has one left; step 10 grants Thread-2, which has finished: its 2 increments are 6 steps (the schedule has 16 steps; 2 threads × 2 increments have 12)',
  );
  await lesson.locator('[data-action="run"]').click();
  assert.equal(await state(page), 'idle', 'nothing ran');
  // The order that ends at 2 (see the challenge's explanation).
  const smallest = '1,1,2,2,2,1,2,2,1,1,1,2';
  await lesson.locator('input[name="schedule"]').fill(smallest);
  await lesson.locator('[data-action="run"]').click();
  await settled(page);
  assert.deepEqual(await lesson.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 2']);
  assert.equal(await lesson.locator('[data-challenge="smallest"]').getAttribute('data-met'), 'true');
  assert.match(await lesson.locator('.challenges .why').textContent(), /^2 is the least: /);
  // The API refuses the same way, naming the step.
  const refused = await apiRefusals(page, {
    missing: ['run', 'threading-interleave', { schedule: '1,1,2,1,3' }],
    three: ['validate', 'threading-interleave', { threads: 3, schedule: '3' }],
    explore: ['run', 'threading-interleave', { threads: 3, k: 2 }, { action: 'explore' }],
  });
  assert.equal(
    refused.missing,
    'ParamError: schedule must grant each step to a thread that has one left; step 5 grants Thread-3, but there are 2 threads',
  );
  assert.equal(refused.three, 'accepted');
  assert.match(refused.explore, /^ParamError: k must be 1 with 3 threads/);
  // From the URL: the message under the field, nothing run.
  const bad = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}&schedule=1,1,2,1,3`);
  assert.equal(
    await sectionOf(bad.page).locator('[data-error-for="schedule"]').textContent(),
    'schedule must grant each step to a thread that has one left; step 5 grants Thread-3, but there are 2 threads',
  );
  await bad.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the API: run.send grants steps; free lets the browser schedule; Stop ends a waiting run', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  const result = await page.evaluate(async () => {
    const pg = window.playground;
    const run = pg.run('threading-interleave', { k: 1 });
    for (const step of ['1', '2', '1', '2']) run.send(step);
    run.send('free');
    const { lines, events } = await run.done;
    const waiting = pg.run('threading-interleave', {});
    await new Promise((r) => setTimeout(r, 300));
    waiting.cancel();
    const cancelled = await waiting.done;
    return {
      lines,
      steps: events.filter((e) => e.view === 'interleave-step').map((e) => `${e.lane} ${e.data.op}`),
      cancelled: cancelled.status,
    };
  });
  assert.deepEqual(result.steps.slice(0, 4), ['Thread-1 load', 'Thread-2 load', 'Thread-1 add', 'Thread-2 add']);
  assert.equal(result.steps.length, 6);
  assert.deepEqual(result.lines, ['Final counter: 1'], 'both loaded 0 before either stored');
  assert.equal(result.cancelled, 'cancelled');
  assert.deepEqual(errors, []);
  await context.close();
});

test('explore every order: 2 x 1 has 6 orders, 4 lose; 2 x 3 has 924; an example opens in step mode', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}`);
  const lesson = sectionOf(page);
  const explore = async (threads, k) => {
    await lesson.locator('input[name="explore-threads"]').fill(String(threads));
    await lesson.locator('input[name="explore-k"]').fill(String(k));
    const t = Date.now();
    await lesson.locator('[data-action="explore"]').click();
    await settled(page);
    const ms = Date.now() - t;
    const totals = lesson.locator('[data-role="explore-totals"]');
    await totals.waitFor();
    return {
      ms,
      orders: await totals.getAttribute('data-orders'),
      lost: await totals.getAttribute('data-lost'),
      text: await totals.textContent(),
    };
  };
  const small = await explore(2, 1);
  assert.deepEqual([small.orders, small.lost], ['6', '4']);
  assert.match(small.text, /^All 6 of 6 orders: 4 lose an update, 2 lose nothing\./);
  const rows = await lesson
    .locator('[data-role="outcomes"] tr[data-counter]')
    .evaluateAll((trs) =>
      trs.map((tr) => `${tr.dataset.counter}:${tr.querySelector('[data-role="orders"]').textContent}`),
    );
  assert.deepEqual(rows, ['1:4', '2:2']);
  const big = await explore(2, 3);
  assert.equal(big.orders, '924');
  const measured = await page.evaluate(async () => {
    const { value } = await window.playground.run('threading-interleave', { threads: 2, k: 3 }, { action: 'explore' })
      .done;
    return {
      orders: Number(value.orders),
      ms: value.ms,
      outcomes: value.outcomes.map((o) => `${o.counter}:${o.orders}`),
    };
  });
  assert.equal(measured.orders, 924);
  console.log(
    `# explore 2 x 3: 924 orders in ${measured.ms.toFixed(0)} ms on the real threads (${(924000 / measured.ms).toFixed(0)} orders/s); ${big.ms} ms from the click to the totals`,
  );
  console.log(`# explore 2 x 3 outcomes: ${measured.outcomes.join(', ')}`);
  assert.ok(measured.ms <= 2000, `all 924 orders within 2 s: ${measured.ms} ms`);
  await lesson.locator('[data-role="outcomes"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'interleave-explore-1280-light.png') });
  // The example of the smallest outcome opens in step mode and replays to it.
  const first = lesson.locator('[data-role="outcomes"] tr[data-counter="2"] a[data-action="open-order"]');
  const schedule = await first.getAttribute('data-schedule');
  await first.click();
  await settled(page);
  assert.equal(await lesson.locator('input[name="schedule"]').inputValue(), schedule);
  assert.deepEqual(await lesson.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 2']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('390 px dark: no sideways scroll mid-schedule and after explore (screenshots)', async () => {
  const { page, errors, context } = await openPage(
    suite.browser,
    `${suite.server.url}?scenario=${ID}&schedule=1,1,2#${ID}`,
    {
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
    },
  );
  const lesson = sectionOf(page);
  await lesson.locator('[data-action="run"]').click();
  await stepsShown(page, 3);
  const noSideways = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  assert.ok(await noSideways(), 'mid-schedule');
  assert.deepEqual(await axeViolations(page), [], 'axe, mid-schedule');
  await lesson.locator('[data-role="shared"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'interleave-mid-390-dark.png') });
  await lesson.locator('[data-action="stop"]').click();
  await settled(page);
  await lesson.locator('input[name="explore-k"]').fill('2');
  await lesson.locator('[data-action="explore"]').click();
  await settled(page);
  assert.ok(await noSideways(), 'after explore');
  assert.deepEqual(await axeViolations(page), [], 'axe, after explore');
  await lesson.locator('[data-role="outcomes"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'interleave-explore-390-dark.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('figure: step latency from the click to the updated shared panel, p50 and p95 over 40 steps', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}`);
  const latency = await stepLatencies(page, 40);
  console.log(
    `# step latency over ${latency.n} steps: p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms, max ${latency.max.toFixed(2)} ms`,
  );
  assert.ok(latency.p95 <= 50, `p95 ${latency.p95} ms`);
  assert.match(
    (await sectionOf(page).locator('[data-role="output"] .text').allTextContents())[0],
    /^Final counter: \d+$/,
  );
  const explored = await exploreFigures(page);
  console.log(
    `# explorer: ${explored.orders} orders of 2 x 3 in ${explored.ms.toFixed(0)} ms (${explored.perSecond.toFixed(0)} orders/s)`,
  );
  assert.equal(explored.orders, 924);
  assert.deepEqual(errors, []);
  await context.close();
});
