// The Python mode's page contract beyond a seed section's editor: the learner's own program
// (section `python`, a starter of two threads and a lock), links that carry a program (`#py=`:
// copied from the editor, opened in a new page, damaged ones refused with what was wrong), and
// the embed's `edit=1` and `?scenario=python`. axe-core checks each with its editor open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OUTPUT, openPage, printedLines, settled, useSuite } from './harness.mjs';
import { axeViolations } from './axe.mjs';

const sel = (id) => `section[data-scenario="${id}"]`;
const editorOf = (section) => section.locator('[data-role="python-editor"] .cm-content');
/** The program in `section`'s editor, line by line as it shows them. */
const editorText = (section) =>
  editorOf(section).evaluate((content) =>
    [...content.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'),
  );
/** Whether the focus is in a Python editor (its content, inside the editor's shadow root). */
const editorFocused = (page) =>
  page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.classList.contains('cm-content') === true);

const suite = useSuite({ open: 'index.html?scenario=python', clipboard: true });

/** A page of the suite's browser at `path`, ready, with the clipboard allowed. */
async function fresh(path, options) {
  return openPage(suite.browser, `${suite.server.url}${path}`, { clipboard: true, ...options });
}

/**
 * Replaces the program in `section`'s editor, as a learner pasting one would (the editor takes
 * the paste; text typed into it by the browser's own editing would come with style attributes
 * the page's CSP refuses, which no learner's keys make).
 */
async function pasteProgram(page, section, source) {
  await page.evaluate((text) => navigator.clipboard.writeText(text), source);
  await editorOf(section).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
}

/** Presses the section's "Run this Python"; resolves to its final state once the run ended. */
async function runPython(page, id) {
  await page.locator(`${sel(id)} [data-action="run-python"]`).click();
  await settled(page, id, { timeout: 90_000 });
  return page.locator(`${sel(id)} [data-role="status"]`).getAttribute('data-state');
}

test("the learner's own program: after the seed's sections and in the nav, its editor open on the starter; Run prints the total and draws a lane per thread", async () => {
  const { page, errors } = suite;
  const order = await page.locator('section[data-scenario]').evaluateAll((ss) => ss.map((s) => s.dataset.scenario));
  const seed = await page.evaluate(() => window.playground.scenarios.filter((s) => s.fromSeed).map((s) => s.id));
  assert.deepEqual(order.slice(0, seed.length + 1), [...seed, 'python'], "right after the seed's programs");
  assert.equal(
    await page.evaluate(() => window.playground.scenarios.some((s) => s.id === 'python')),
    false,
    'not a scenario of pg.run',
  );
  const navGroup = page.locator('nav[aria-label="Scenarios"] .nav-group', { has: page.locator('a[href="#python"]') });
  assert.equal(await navGroup.locator('.nav-group-name').textContent(), 'Your own Python');
  assert.equal(
    await page.locator('nav a[href="#python"]').getAttribute('aria-current'),
    'true',
    '?scenario=python selects it',
  );

  const section = page.locator(sel('python'));
  assert.equal(await section.locator('h2').textContent(), 'Your own program');
  assert.equal(await section.locator('[data-action="run"]').count(), 0, 'no Rust program to run');
  assert.equal(await section.locator('[data-action="python-original"]').textContent(), 'Start again from the starter');
  assert.doesNotMatch(await section.textContent(), /cheat sheet's version/);
  const starter = await editorText(section);
  assert.match(starter, /lock = threading\.Lock\(\)/);
  assert.match(starter, /print\("Total:", counter\)/);
  assert.ok(await editorFocused(page), 'the editor has the focus');
  assert.equal(await section.locator('[data-role="status"]').getAttribute('data-state'), 'idle', 'nothing ran yet');

  await page.keyboard.press('Control+Enter');
  await settled(page, 'python', { timeout: 90_000 });
  assert.equal(await section.locator('[data-role="status"]').getAttribute('data-state'), 'done');
  const lines = await printedLines(page, 'python');
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.deepEqual(lines.slice(0, 2).sort(), ['Thread-1 (add) added 100000', 'Thread-2 (add) added 100000']);
  assert.equal(lines[2], 'Total: 200000');
  const lanes = await section.locator('.timeline-svg .lane').evaluateAll((gs) => gs.map((g) => g.dataset.lane));
  assert.equal(lanes[0], 'MainThread');
  assert.deepEqual(lanes.slice(1).sort(), ['Thread-1 (add)', 'Thread-2 (add)'], 'a lane per thread');
  const printedBy = await section
    .locator('[data-role="output"] li')
    .evaluateAll((lis) => lis.map((li) => li.dataset.lane));
  assert.deepEqual(
    printedBy.slice(0, 2).sort(),
    ['Thread-1 (add)', 'Thread-2 (add)'],
    'each line on the lane of the thread that printed it',
  );
  assert.equal(
    await section.locator('input[type=range][data-role=replay]').isEnabled(),
    true,
    'the run can be replayed',
  );
  assert.equal(await section.locator('[data-action="download-trace"]').isVisible(), true);

  // Start again from the starter: an edited program is put back.
  await pasteProgram(page, section, 'print("mine")\n');
  await section.locator('[data-action="python-original"]').click();
  assert.equal(await editorText(section), starter);
  assert.equal(await section.locator('[data-role="python-status"]').textContent(), 'The starter is back.');
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: join(OUTPUT, 'python-own-1280-light.png') });
  assert.deepEqual(errors, []);
  // axe adds a <style> to check the editor's shadow root, which the page's CSP refuses: its
  // console errors come after the page's own checks above.
  assert.deepEqual(await axeViolations(page), []);
});

const ROUND_TRIP =
  'import threading\n\ndef hello(n):\n    print("hello from", threading.current_thread().name, n)\n\nt = threading.Thread(target=hello, args=(1,))\nt.start()\nt.join()\nprint("joined <b>")\n';

test("#py= round trip: Copy link to this program, open the link in a new page: that section's editor holds the program, not run; Run prints its lines", async () => {
  const { page, errors, context } = await fresh('');
  const section = page.locator(sel('threading-basic'));
  await section.locator('[data-action="edit-python"]').click();
  await editorOf(section).waitFor();
  await pasteProgram(page, section, ROUND_TRIP);
  await section.locator('[data-action="share-python"]').click();
  await page.waitForFunction(
    (q) => document.querySelector(`${q} [data-role=python-status]`).textContent !== '',
    sel('threading-basic'),
  );
  assert.match(
    await section.locator('[data-role="python-status"]').textContent(),
    /^Link copied \(\d+ KB\): whoever opens it gets this program in the editor, ready to run\.$/,
  );
  const link = await section.locator('[data-role="python-link"]').inputValue();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
  const url = new URL(link);
  assert.equal(url.pathname, '/index.html');
  assert.equal(url.searchParams.get('scenario'), 'threading-basic');
  assert.match(url.hash, /^#py=[A-Za-z0-9_-]+$/);
  assert.deepEqual(errors, []);
  await context.close();

  const opened = await fresh(link.slice(suite.server.url.length));
  const other = opened.page.locator(sel('threading-basic'));
  assert.equal(await other.locator('[data-action="edit-python"]').getAttribute('aria-expanded'), 'true');
  assert.equal(await editorText(other), ROUND_TRIP);
  assert.ok(await editorFocused(opened.page), 'the editor has the focus');
  assert.equal(await other.locator('[data-role="status"]').getAttribute('data-state'), 'idle', 'nothing ran');
  assert.equal(await other.locator('[data-role="output"] li').count(), 0);
  assert.equal(await opened.page.locator('section.selected').getAttribute('data-scenario'), 'threading-basic');
  assert.equal(await runPython(opened.page, 'threading-basic'), 'done');
  assert.deepEqual(await printedLines(opened.page, 'threading-basic'), ['hello from Thread-1 (hello) 1', 'joined <b>']);
  assert.deepEqual(opened.errors, []);
  assert.deepEqual(await axeViolations(opened.page), []);
  await opened.context.close();
});

test("#py= without a section, or for a section with no Python, opens in the learner's own program; a program over 100 KB gets no link", async () => {
  // Not ASCII: a link carries the program's text as UTF-8.
  const fragment = gzipSync('print("héllo ✓ from a link")\n').toString('base64url');
  for (const query of ['', '?scenario=threading-gil']) {
    const { page, errors, context } = await fresh(`index.html${query}#py=${fragment}`);
    const own = page.locator(sel('python'));
    assert.equal(await editorText(own), 'print("héllo ✓ from a link")\n');
    assert.equal(await page.locator('section.selected').getAttribute('data-scenario'), 'python', query);
    assert.deepEqual(errors, []);
    await context.close();
  }
  const section = suite.page.locator(sel('python'));
  await pasteProgram(suite.page, section, `x = 1\n${'# padding\n'.repeat(11_000)}`);
  await section.locator('[data-action="share-python"]').click();
  await suite.page.waitForFunction(
    (q) => /could not/.test(document.querySelector(`${q} [data-role=python-status]`).textContent),
    sel('python'),
  );
  assert.equal(
    await section.locator('[data-role="python-status"]').textContent(),
    'The link could not be made: The program is 108 KB; the most this page runs is 100 KB.',
  );
  assert.equal(await section.locator('[data-role="python-status"]').getAttribute('data-kind'), 'error');
  assert.equal(await section.locator('[data-role="python-link"]').isVisible(), false);
  await section.locator('[data-action="python-original"]').click();
});

test("a damaged #py= link says what was wrong in its section; the section's own program stays, and runs", async () => {
  const cases = [
    ['nothing after #py=', '', /^The link holds no Python program after "#py="\.$/],
    [
      'not base64',
      '%%%not*base64',
      /^The link is damaged: its Python program is not valid base64url text \(was it cut short or edited\?\)\.$/,
    ],
    [
      'random bytes',
      randomBytes(300).toString('base64url'),
      /^The link is damaged: its Python program is not gzip-compressed data\.$/,
    ],
    [
      'gzip cut short',
      gzipSync(randomBytes(4000)).subarray(0, 200).toString('base64url'),
      /^The link is damaged: its compressed Python program is cut short or corrupt\.$/,
    ],
    [
      'not UTF-8',
      gzipSync(Buffer.from([0x70, 0x72, 0xff, 0xfe, 0x0a])).toString('base64url'),
      /^The link is damaged: its Python program is not UTF-8 text\.$/,
    ],
    [
      'over 100 KB unpacked',
      gzipSync(Buffer.alloc(100 * 1024 + 1, 0x23)).toString('base64url'),
      /^The Python program in this link unpacks to more than 100 KB; the most this page runs is 100 KB\.$/,
    ],
  ];
  const { page, errors, context } = await fresh(`index.html?scenario=threading-lock#py=${cases[0][1]}`);
  const section = page.locator(sel('threading-lock'));
  const message = section.locator('[data-role="python-message"]');
  const seed = await page.evaluate(() => window.playground.scenarios.find((s) => s.id === 'threading-lock').python);
  for (const [i, [what, fragment, expected]] of cases.entries()) {
    // The first case came with the page; the others as a learner pasting a link in this tab.
    if (i > 0) {
      await page.evaluate((f) => {
        location.hash = `py=${f}`;
      }, fragment);
      await page.waitForFunction(
        ([q, re]) => new RegExp(re).test(document.querySelector(`${q} [data-role=python-message]`).textContent),
        [sel('threading-lock'), expected.source],
        { timeout: 10_000 },
      );
    }
    assert.match(await message.textContent(), expected, what);
    assert.equal(await message.isVisible(), true, what);
    assert.equal(await message.getAttribute('role'), 'alert', what);
    console.log(`# ${what}: ${await message.textContent()}`);
  }
  // The editor is open on the section's own program, and the page is usable: it runs.
  assert.equal(await editorText(section), seed);
  assert.deepEqual(errors, []);
  assert.deepEqual(await axeViolations(page), [], 'with the message and the editor open');
  assert.equal(await runPython(page, 'threading-lock'), 'done');
  assert.deepEqual(await printedLines(page, 'threading-lock'), ['Final counter: 200000']);
  assert.equal(await message.isVisible(), false, 'a run puts the message away');
  await context.close();
});

test("the embed: edit=1 opens the section's editor (without taking the focus) and runs it; ?scenario=python shows the learner's own program", async () => {
  const { page, errors, context } = await fresh('embed.html?scenario=threading-lock&edit=1', {
    viewport: { width: 700, height: 900 },
  });
  const section = page.locator(sel('threading-lock'));
  assert.match(await editorOf(section).textContent(), /Final counter/, 'open once the embed is ready');
  assert.equal(
    await section.locator('.field-error:not(:empty)').count(),
    0,
    'edit=1 is no parameter, and no error says so',
  );
  assert.equal(await editorFocused(page), false, 'the course page keeps its focus');
  assert.equal(
    new URL(await page.locator('[data-role="full-page"]').getAttribute('href')).searchParams.get('edit'),
    '1',
  );
  assert.equal(await runPython(page, 'threading-lock'), 'done');
  assert.deepEqual(await printedLines(page, 'threading-lock'), ['Final counter: 200000']);
  assert.deepEqual(errors, []);
  assert.deepEqual(await axeViolations(page), []);
  await context.close();

  const own = await fresh('embed.html?scenario=python', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  assert.equal(await own.page.locator('[data-role="embed-error"]').count(), 0);
  assert.match(await editorOf(own.page.locator(sel('python'))).textContent(), /print\("Total:", counter\)/);
  assert.equal(await own.page.locator('details.code').count(), 0, 'no Rust to show');
  const overflow = await own.page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px too wide)`);
  assert.deepEqual(own.errors, []);
  assert.deepEqual(await axeViolations(own.page), []);
  await own.context.close();
});
