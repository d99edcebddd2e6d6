// threading-deadlock's step mode: the learner grants Thread-A and Thread-B their lock steps.
// Clicking both threads into the cycle (the cycle named in the notes, the run done: the goal),
// a refused step for a waiting thread, ordered locks that let both threads finish, the panel
// (aria-live) after each step, axe mid-schedule, and screenshots at 1280 light and 390 dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, OUTPUT, steppingLesson, useSuite } from './harness.mjs';
import { axeViolations } from './axe.mjs';

const suite = useSuite();

const ID = 'threading-deadlock';
const CYCLE = /Thread-A holds lock1 and waits for lock2; Thread-B holds lock2 and waits for lock1/;

const { sectionOf, state, settled, stepsShown } = steppingLesson(ID);
/** The panel as text: each lock's holder and waiter, each thread's holds / waits for / next. */
const panel = (page) =>
  page.evaluate((id) => {
    const shared = document.querySelector(`section[data-scenario="${id}"] [data-role="shared"]`);
    const cells = (row) => [...row.querySelectorAll('td')].map((td) => td.textContent).join(' | ');
    return {
      locks: Object.fromEntries([...shared.querySelectorAll('tr[data-lock]')].map((r) => [r.dataset.lock, cells(r)])),
      threads: Object.fromEntries([...shared.querySelectorAll('tr[data-lane]')].map((r) => [r.dataset.lane, cells(r)])),
    };
  }, ID);

/** Opens the page, and starts step mode (ordered or not). */
async function startStepping(page, ordered) {
  const lesson = sectionOf(page);
  const box = lesson.locator('input[name="step-ordered"]');
  if ((await box.isChecked()) !== ordered) await box.click();
  await lesson.locator('[data-action="step"]:not([data-lane])').click();
  await lesson.locator('[data-action="step"][data-lane="Thread-A"]').waitFor();
  return (lane) => lesson.locator(`[data-action="step"][data-lane="${lane}"]`).click();
}

/** Steps A, B, A from the start: each step shows in the panel, and Thread-A ends up waiting. */
async function stepUntilThreadAWaits(page, step) {
  const lesson = sectionOf(page);
  assert.deepEqual(await panel(page), {
    locks: { lock1: 'free | —', lock2: 'free | —' },
    threads: { 'Thread-A': '— | — | acquire lock1', 'Thread-B': '— | — | acquire lock2' },
  });
  assert.equal(await lesson.locator('[data-role="shared"]').getAttribute('aria-live'), 'polite');
  const expected = [
    [
      'Thread-A',
      { lock1: 'Thread-A | —', lock2: 'free | —' },
      { 'Thread-A': 'lock1 | — | acquire lock2', 'Thread-B': '— | — | acquire lock2' },
    ],
    [
      'Thread-B',
      { lock1: 'Thread-A | —', lock2: 'Thread-B | —' },
      { 'Thread-A': 'lock1 | — | acquire lock2', 'Thread-B': 'lock2 | — | acquire lock1' },
    ],
    [
      'Thread-A',
      { lock1: 'Thread-A | —', lock2: 'Thread-B | Thread-A' },
      { 'Thread-A': 'lock1 | lock2 | acquire lock2', 'Thread-B': 'lock2 | — | acquire lock1' },
    ],
  ];
  for (const [i, [lane, locks, threads]] of expected.entries()) {
    await step(lane);
    await stepsShown(page, i + 1);
    assert.deepEqual(await panel(page), { locks, threads }, `after step ${i + 1}`);
  }
  assert.match(
    await lesson.locator('[data-role="step-summary"]').textContent(),
    /^Step 3: Thread-A asked for lock2, which Thread-B holds: it waits for it\.$/,
  );
}

/** Waiting Thread-A has no button, and its key is refused by the program: nothing else happens. */
async function waitingThreadIsRefused(page) {
  const lesson = sectionOf(page);
  assert.equal(
    await lesson.locator('[data-action="step"][data-lane="Thread-A"]').isDisabled(),
    true,
    'a waiting thread has no button',
  );
  await lesson.locator('[data-action="step"][data-lane="Thread-B"]').focus();
  await page.keyboard.press('1');
  await lesson
    .locator('[data-role="refused"]')
    .filter({ hasText: 'Thread-A is waiting for lock2: it can take no step until it holds it' })
    .waitFor();
  assert.equal(await lesson.locator('[data-role="shared"]').getAttribute('data-steps'), '3');
  assert.deepEqual(await axeViolations(page), [], 'axe mid-schedule');
}

/** Thread-B's step closes the cycle: the exercise's goal, not a failure: the run is done, the cycle named. */
async function closeTheCycle(page, step) {
  const lesson = sectionOf(page);
  await step('Thread-B');
  await settled(page);
  assert.equal(await state(page), 'done');
  assert.match(await lesson.locator('[data-role="cycle"]').textContent(), /^Deadlock reached, the goal: /);
  const notes = await lesson.locator('[data-role="notes"] .text').allTextContents();
  assert.ok(
    notes.some((n) => n.startsWith('Deadlock after step 4: ') && CYCLE.test(n)),
    notes.join('\n'),
  );
  assert.match(await lesson.locator('[data-role="cycle"]').textContent(), CYCLE);
  assert.deepEqual(await lesson.locator('[data-role="output"] .text').allTextContents(), [], 'nobody got both locks');
  for (const lane of ['Thread-A', 'Thread-B']) {
    assert.equal(await lesson.locator(`[data-action="step"][data-lane="${lane}"]`).isDisabled(), true);
  }
  await lesson.locator('[data-role="shared"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'deadlock-steps-cycle-1280-light.png') });
}

/** Undo: fresh threads replay A, B, A; Thread-B's last step is the learner's again. */
async function undoGivesBackTheLastStep(page) {
  const lesson = sectionOf(page);
  await lesson.locator('[data-action="undo"]').click();
  await stepsShown(page, 3);
  await page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-role="status"]`).dataset.state === 'running',
    ID,
  );
  assert.equal(await lesson.locator('[data-action="step"][data-lane="Thread-B"]').isDisabled(), false);
  assert.equal(
    await lesson.locator('input[name="step-schedule"]').inputValue(),
    '',
    'the replay is not left in the field',
  );
}

/** Start over parks both threads before their first step again; after a Stop, the page is still
 * usable: the watchdog program runs and ends by its watchdog. */
async function startOverThenRunTheWatchdog(page) {
  const lesson = sectionOf(page);
  await lesson.locator('[data-action="reset"]').click();
  await page.waitForFunction((id) => {
    const s = document.querySelector(`section[data-scenario="${id}"]`);
    return (
      s.querySelector('[data-role="status"]').dataset.state === 'running' &&
      s.querySelector('[data-role="shared"]')?.dataset.steps === '0'
    );
  }, ID);
  await lesson.locator('[data-action="stop"]').click();
  await settled(page);
  await lesson.locator('[data-action="run"]').click();
  await settled(page);
  assert.equal(await state(page), 'error');
}

test('clicking both threads into the cycle: each step in the panel, a waiting thread refused, the cycle named, the goal reached; Undo and Start over', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}#${ID}`);
  const step = await startStepping(page, false);
  await stepUntilThreadAWaits(page, step);
  await waitingThreadIsRefused(page);
  await closeTheCycle(page, step);
  await undoGivesBackTheLastStep(page);
  await startOverThenRunTheWatchdog(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with ordered locks both threads finish, whatever the order; the waiter takes the lock when it is freed', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}#${ID}`);
  const lesson = sectionOf(page);
  const step = await startStepping(page, true);
  // A takes lock1; B asks for lock1 and waits; A finishes (its last release hands lock1 to B); B finishes.
  await step('Thread-A');
  await stepsShown(page, 1);
  await step('Thread-B');
  await stepsShown(page, 2);
  assert.equal((await panel(page)).threads['Thread-B'], '— | lock1 | acquire lock1');
  for (let i = 3; i <= 5; i += 1) {
    await step('Thread-A');
    await stepsShown(page, i);
  }
  assert.deepEqual(await panel(page), {
    locks: { lock1: 'Thread-B | —', lock2: 'free | —' },
    threads: { 'Thread-A': '— | — | done', 'Thread-B': 'lock1 | — | acquire lock2' },
  });
  assert.match(
    await lesson.locator('[data-role="step-summary"]').textContent(),
    /Thread-B stopped waiting: it acquired lock1/,
  );
  assert.equal(
    await lesson.locator('[data-action="step"][data-lane="Thread-A"]').isDisabled(),
    true,
    'a finished thread has no button',
  );
  for (let i = 6; i <= 8; i += 1) {
    await step('Thread-B');
    if (i < 8) await stepsShown(page, i);
  }
  await settled(page);
  assert.equal(await state(page), 'done');
  assert.deepEqual((await lesson.locator('[data-role="output"] .text').allTextContents()).sort(), [
    'A has both locks',
    'B has both locks',
  ]);
  assert.equal(await lesson.locator('[data-role="shared"]').getAttribute('data-finished'), 'true');
  assert.deepEqual(errors, []);
  await context.close();
});

test('390 px dark: the cycle named, no sideways scroll (screenshot)', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}?scenario=${ID}#${ID}`, {
    viewport: { width: 390, height: 844 },
    colorScheme: 'dark',
  });
  const lesson = sectionOf(page);
  const step = await startStepping(page, false);
  for (const [i, lane] of ['Thread-A', 'Thread-B', 'Thread-A'].entries()) {
    await step(lane);
    await stepsShown(page, i + 1);
  }
  await step('Thread-B');
  await settled(page);
  assert.match(await lesson.locator('[data-role="cycle"]').textContent(), CYCLE);
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    true,
    'no sideways scroll',
  );
  await lesson.locator('[data-role="shared"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'deadlock-steps-cycle-390-dark.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
