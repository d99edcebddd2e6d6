// The embed as an instructor first tries it: a course page of their own on another port of
// this machine frames `./build.sh serve`'s embed.html (the dev server's default on a loopback
// address lets it; its other pages stay unframeable), and the heights the embed reports to
// the course page during a predict-and-run, and with the Python editor open (`edit=1`) during a
// Python run, only settle, never jump past the final one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, openPage, useSuite } from './harness.mjs';

const FIXTURES = join(ROOT, 'tests', 'e2e', 'fixtures');
let course; // the course page's own little server (node's http), as an instructor would have
let coursePort;

/** Serves course.html and course.js on a free port of 127.0.0.1; resolves to its port. */
function serveCoursePage() {
  const types = { 'course.html': 'text/html; charset=utf-8', 'course.js': 'text/javascript; charset=utf-8' };
  course = createServer(async (request, response) => {
    const name = new URL(request.url, 'http://x').pathname.slice(1);
    if (!types[name]) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[name] }).end(await readFile(join(FIXTURES, name)));
  });
  return new Promise((resolve) => course.listen(0, '127.0.0.1', () => resolve(course.address().port)));
}

// Scrollbars that take room, as on the desktops of Linux and Windows: a frame's scrollbar coming
// and going is one way its height jumps. No playground server of its own: each test starts one
// with the flags it is about.
const suite = useSuite({ server: false, scrollbars: true }); // the playground's servers and Chromium
before(async () => {
  coursePort = await serveCoursePage();
});
after(() => course?.close());

/** The heights posted only settle: none past the last one (beyond a rounding), no post repeating the one before. */
function assertOnlySettle(heights) {
  const final = heights.at(-1);
  const TOLERANCE = 4; // px: a rounding's worth, far from a scrollbar's width or a jump
  const over = heights.filter((h) => h > final + TOLERANCE);
  assert.deepEqual(over, [], `heights ${heights.join(' → ')} overshoot the final ${final}`);
  const repeats = heights.filter((h, i) => i > 0 && h === heights[i - 1]);
  assert.deepEqual(repeats, [], `heights ${heights.join(' → ')} repeat a post`);
}

/** The course page at `origin` framing `src`, loaded (the frame may still be loading). */
async function coursePageFraming(origin, src, options = {}) {
  const opened = await openPage(suite.browser, `${origin}/course.html?src=${encodeURIComponent(src)}`, {
    ready: false,
    ...options,
  });
  return { ...opened, frame: opened.page.frameLocator('iframe') };
}

test("a course page on another localhost port frames the dev server's embed with its default options", async () => {
  const playground = await suite.serve(); // as `./build.sh serve` starts it: 127.0.0.1, no --frame-ancestors
  // The README's case (a course page at http://localhost:8098), and its numeric twin.
  for (const origin of [`http://localhost:${coursePort}`, `http://127.0.0.1:${coursePort}`]) {
    const src = new URL('embed.html?scenario=asyncio-gather&delay_ms=50', playground.url).href;
    const { page, errors, context, frame } = await coursePageFraming(origin, src);
    await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await frame.locator('[data-action="run"]').click();
    await frame.locator('[data-role="status"][data-state="done"]').waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('[data-role="output"] .text').allTextContents()).length, 9, origin);
    await page.waitForFunction(() => Number(document.body.dataset.embedHeight) > 300);
    assert.deepEqual(errors, [], origin);
    await context.close();
  }
  // Only the embed: the full page still refuses to be framed by another origin (clickjacking).
  const { page, context } = await coursePageFraming(`http://localhost:${coursePort}`, playground.url);
  const child = await (await page.waitForSelector('iframe')).contentFrame();
  for (let waited = 0; ['', 'about:blank'].includes(child.url()) && waited < 10_000; waited += 100)
    await page.waitForTimeout(100);
  assert.equal(child.url(), 'chrome-error://chromewebdata/', 'Chromium refused to show index.html in the frame');
  await context.close();
});

/** The heights a course page received, in order. */
const heightsOf = async (page) => JSON.parse(await page.evaluate(() => document.body.dataset.embedHeights ?? '[]'));

/** Waits until the course page has received no height for `quietMs`. */
async function heightsSettled(page, quietMs = 1500) {
  let seen = -1;
  for (;;) {
    const heights = await heightsOf(page);
    if (heights.length === seen) return heights;
    seen = heights.length;
    await page.waitForTimeout(quietMs);
  }
}

for (const [width, height, colorScheme] of [
  [1280, 800, 'light'],
  [390, 844, 'dark'],
]) {
  test(`a predict-and-run of threading-lock at ${width} px posts heights that settle, never past the final one`, async (t) => {
    const playground = await suite.serve({ flags: ['--frame-ancestors', '*'] });
    const src = new URL('embed.html?scenario=threading-lock&predict=1', playground.url).href;
    const { page, errors, context, frame } = await coursePageFraming(`http://localhost:${coursePort}`, src, {
      viewport: { width, height },
      colorScheme,
    });
    await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await frame.locator('[data-action="run"]').click();
    await frame
      .locator('[data-role="predict"] fieldset[data-question="final"] label', { hasText: 'less than' })
      .click();
    await frame.locator('[data-action="predict-run"]').click();
    await frame.locator('[data-role="prediction"][data-state="graded"]').waitFor({ timeout: 120_000 });
    await frame.locator('[data-view="race-ledger"]').waitFor();
    const heights = await heightsSettled(page);
    t.diagnostic(`heights posted: ${heights.join(' → ')}`);
    const final = heights.at(-1);
    const frameHeight = await page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height);
    assert.equal(frameHeight, final, 'the frame fits the last height');
    assertOnlySettle(heights);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('edit=1 at 390 px: the Python editor is open before the first height is posted; the heights follow it and a Python run, never past the final one', async (t) => {
  const playground = await suite.serve({ flags: ['--frame-ancestors', '*'] });
  const src = new URL('embed.html?scenario=threading-lock&edit=1', playground.url).href;
  const { page, errors, context, frame } = await coursePageFraming(`http://localhost:${coursePort}`, src, {
    viewport: { width: 390, height: 844 },
    colorScheme: 'dark',
  });
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  const editor = frame.locator('[data-role="python-editor"]');
  assert.equal(await editor.locator('.cm-content').count(), 1, 'open when the embed is ready');
  /** The embed's own height, and where its editor ends, in its frame. */
  const inside = () =>
    frame.locator('html').evaluate((html) => ({
      height: Math.ceil(html.getBoundingClientRect().height),
      editorBottom: html.querySelector('[data-role="python-editor"]').getBoundingClientRect().bottom,
    }));
  const frameHeight = () => page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height);
  const opened = await heightsSettled(page);
  t.diagnostic(`heights posted with the editor open: ${opened.join(' → ')}`);
  let now = await inside();
  assert.equal(await frameHeight(), now.height, 'the frame fits the embed with its editor');
  assert.ok(
    now.editorBottom <= now.height,
    `the editor (to ${now.editorBottom} px) is inside the frame (${now.height} px)`,
  );

  await frame.locator('[data-action="run-python"]').click();
  await frame.locator('[data-role="status"][data-state="done"]').waitFor({ timeout: 90_000 });
  assert.deepEqual(await frame.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 200000']);
  const heights = await heightsSettled(page);
  t.diagnostic(`heights posted: ${heights.join(' → ')}`);
  now = await inside();
  const final = heights.at(-1);
  assert.equal(final, now.height, "the last height posted is the embed's");
  assert.equal(await frameHeight(), final, 'the frame fits it');
  assertOnlySettle(heights);
  assert.deepEqual(errors, []);
  await context.close();
});
