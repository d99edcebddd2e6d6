// Replay a finished run from its events: the slider steps event by event (native range keys),
// lines after the cursor are marked future, each lane's state is told, Play re-enacts the run;
// with 10 000 synthetic events a step stays well within a frame. Screenshots of a section
// with the cursor mid-run go to test-output/ to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, OUTPUT, runInPage, section, useSuite } from './harness.mjs';
import { replayStepTimes } from './replay-steps.mjs';

const suite = useSuite({ open: '' });

const ID = 'threading-basic';
const lesson = () => section(suite.page, ID);
const slider = () => lesson().locator('input[type=range][data-role=replay]');
/** Two animation frames: the replay applies a move in the next one. */
const frames = (p = suite.page) =>
  p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const futureLines = () => lesson().locator('[data-role=output] li[data-replay=future]').count();
const cursorX = () => lesson().locator('.replay-cursor .mark').getAttribute('x1').then(Number);
const states = () => lesson().locator('[data-role=replay-state] li').allTextContents();

test('before a run there is no replay; after it the slider steps through the events', async () => {
  assert.equal(await slider().count(), 0);
  assert.equal(await runInPage(suite.page, ID), 'done');
  await frames();
  assert.equal(await slider().isVisible(), true);
  assert.equal(await slider().isEnabled(), true);
  // Its accessible name comes from its label; its value text gives the time and the event.
  assert.equal(await lesson().getByRole('slider', { name: 'Replay the run, event by event' }).count(), 1);
  const max = Number(await slider().getAttribute('max'));
  assert.ok(max >= 16, `${max} events`);
  assert.equal(await slider().getAttribute('min'), '0');
  assert.equal(await slider().getAttribute('step'), '1');
  assert.equal(Number(await slider().inputValue()), max, 'it opens at the end');
  assert.match(
    await slider().getAttribute('aria-valuetext'),
    new RegExp(`^\\+\\d+\\.\\d ms of \\d+\\.\\d ms, event ${max} of ${max}$`),
  );
  assert.equal(await lesson().locator('[data-replay]').count(), 0, 'at the end nothing is future');
  assert.equal(await lesson().locator('.replay-cursor .mark').count(), 1, 'a cursor on the timeline');
});

test('Home marks every printed line future, End none; ArrowRight steps one event at a time', async () => {
  await slider().focus();
  await suite.page.keyboard.press('Home');
  await frames();
  assert.equal(await slider().inputValue(), '0');
  assert.equal(await futureLines(), 5, 'all five lines are after the start');
  assert.equal(await lesson().locator('[data-role=notes] li[data-replay=future]').count(), 1, 'and the note');
  assert.match(await slider().getAttribute('aria-valuetext'), /^\+0\.0 ms of \d+\.\d ms, event 0 of \d+$/);
  assert.ok(
    (await states()).every((s) => s.endsWith('not started yet')),
    (await states()).join(' | '),
  );
  const startX = await cursorX();

  await suite.page.keyboard.press('End');
  await frames();
  assert.equal(await futureLines(), 0);
  assert.ok((await cursorX()) > startX, 'the cursor moved right');

  await suite.page.keyboard.press('Home');
  const max = Number(await slider().getAttribute('max'));
  const counts = [];
  const seen = new Set();
  for (let i = 1; i <= max; i++) {
    await suite.page.keyboard.press('ArrowRight');
    await frames();
    assert.equal(Number(await slider().inputValue()), i, 'one event per key');
    counts.push(await futureLines());
    for (const s of await states()) seen.add(s);
  }
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] <= counts[i - 1], `monotonic: ${counts.join()}`);
  assert.equal(counts.at(-1), 0);
  assert.deepEqual([...new Set(counts)], [5, 4, 3, 2, 1, 0], 'each printed line passes the cursor once');
  const told = [...seen].join('\n');
  assert.match(told, /^MainThread: waiting in join\(\) since \+\d+\.\d ms$/m);
  assert.match(told, /^Thread-1 \(print_numbers\): sleeping \(time\.sleep\) since \+\d+\.\d ms$/m);
  assert.match(told, /^Thread-1 \(print_numbers\): running since \+\d+\.\d ms$/m);
  assert.match(told, /^Thread-1 \(print_numbers\): finished at \+\d+\.\d ms$/m);
  assert.equal(await lesson().locator('[data-role=replay-state]').getAttribute('aria-live'), 'polite');
});

test('Play re-enacts the run at the chosen speed; a hand on the slider pauses it', async () => {
  const play = lesson().locator('[data-action=replay-play]');
  assert.equal(await lesson().locator('[data-role=replay-speed]').inputValue(), '0.1', 'a run under 1 s plays at 0.1×');
  await slider().focus();
  await suite.page.keyboard.press('Home');
  await frames();
  const startX = await cursorX();
  await play.click();
  assert.equal(await play.textContent(), 'Pause');
  await suite.page.waitForTimeout(700);
  // 700 ms at 0.1× is 70 ms of the run: past the threads' start, before the first line.
  const value = Number(await slider().inputValue());
  assert.ok(value >= 2, `the cursor advanced to event ${value}`);
  assert.ok(value < Number(await slider().getAttribute('max')), 'not yet at the end');
  assert.ok((await cursorX()) > startX, 'the timeline cursor moves with it');
  await slider().focus();
  await suite.page.keyboard.press('ArrowRight');
  await frames();
  assert.equal(await play.textContent(), 'Play', 'paused by the key');
  const paused = Number(await slider().inputValue());
  await suite.page.waitForTimeout(300);
  assert.equal(Number(await slider().inputValue()), paused);

  // At 1× the half-second run plays to its end and stops there.
  await lesson().locator('[data-role=replay-speed]').selectOption('1');
  await play.click();
  await suite.page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-action=replay-play]`).textContent === 'Play',
    ID,
    { timeout: 5000 },
  );
  assert.equal(await slider().inputValue(), await slider().getAttribute('max'));
  assert.equal(await futureLines(), 0);
});

test('the cursor follows a redraw of the timeline; a new run resets the replay', async () => {
  await slider().focus();
  await suite.page.keyboard.press('Home');
  await frames();
  await suite.page.setViewportSize({ width: 900, height: 800 });
  await suite.page.waitForTimeout(300);
  assert.equal(await lesson().locator('[data-role=timeline] svg .replay-cursor').count(), 1);
  await suite.page.setViewportSize({ width: 1280, height: 800 });
  await lesson().locator('[data-action=run]').click();
  await suite.page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-role=replay]`).disabled,
    ID,
  );
  assert.equal(await lesson().locator('[data-replay]').count(), 0);
  await suite.page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-role=status]`).dataset.state === 'done',
    ID,
  );
  await frames();
  assert.equal(await slider().isEnabled(), true);
  assert.equal(await slider().inputValue(), await slider().getAttribute('max'));
  assert.deepEqual(suite.errors, []);
});

test('10 000 events: a step of the slider stays far within a frame', async () => {
  const result = await replayStepTimes(suite.page);
  const f = (x) => x.toFixed(2);
  const { work, frame } = result;
  console.log(`replay of ${result.n} events (${result.lines} printed lines), load ${result.loadMs.toFixed(1)} ms`);
  console.log(
    `  step work (input + replay frame + style/layout), ms: p50 ${f(work.p50)}, p95 ${f(work.p95)}, max ${f(work.max)}`,
  );
  console.log(`  frame interval, ms: p50 ${f(frame.p50)}, p95 ${f(frame.p95)}, max ${f(frame.max)}`);
  console.log(
    `  jump end -> start (all ${result.lines} lines change side), incl. one frame: ${result.jumpMs.toFixed(1)} ms`,
  );
  assert.equal(result.n, 10_000);
  assert.equal(result.atEnd, 0);
  assert.equal(result.atStart, result.lines);
  assert.ok(
    result.told.every((s) => s.endsWith('not started yet')),
    result.told.join(' | '),
  );
  assert.ok(
    result.toldMid.some((s) => / since \+/.test(s)),
    result.toldMid.join(' | '),
  );
  assert.ok(work.p95 < 50, `p95 step work ${f(work.p95)} ms`);
});

for (const [name, options] of [
  ['1280-light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
  ['390-dark', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' }],
]) {
  test(`screenshot of a section with the cursor mid-run, ${name}`, async () => {
    const { page: shot, errors: shotErrors, context } = await openPage(suite.browser, suite.server.url, options);
    for (const id of ['threading-lock', 'threading-basic']) {
      assert.equal(await runInPage(shot, id), 'done');
      const s = section(shot, id);
      const range = s.locator('[data-role=replay]');
      await range.evaluate((r) => {
        r.value = String(Math.round(Number(r.max) * 0.45));
        r.dispatchEvent(new Event('input', { bubbles: true }));
      });
      // A key on the focused slider, so its focus ring shows as a keyboard user sees it.
      await range.focus();
      await shot.keyboard.press('ArrowRight');
      await frames(shot);
      assert.equal(
        await range.evaluate((r) => r.matches(':focus-visible') && getComputedStyle(r).outlineStyle),
        'solid',
      );
      await s.screenshot({ path: join(OUTPUT, `replay-${id}-${name}.png`) });
    }
    const overflow = await shot.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
    assert.deepEqual(shotErrors, []);
    await context.close();
  });
}
