// Share a run: "Copy link to this run" puts the recorded run into the link's fragment; the
// link, or a saved .run.json file, shows that run (lines, notes, timeline, replay) labelled as
// recorded, and runs nothing; damaged links and files are refused with a message that says
// what was wrong, and the page stays usable. Screenshots go to test-output/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OUTPUT, ROOT, openPage, printedLines, runInPage, useSuite } from './harness.mjs';

const ID = 'threading-basic';
const sel = (id) => `section[data-scenario="${id}"]`;

/** Counts calls of `pg.run` in `window.__runs` (wrapped as boot.js sets window.playground). */
function countRuns() {
  window.__runs = 0;
  Object.defineProperty(window, 'playground', {
    configurable: true,
    get() {
      return undefined;
    },
    set(pg) {
      const run = pg.run.bind(pg);
      pg.run = (...args) => {
        window.__runs += 1;
        return run(...args);
      };
      Object.defineProperty(window, 'playground', { value: pg, writable: true, configurable: true });
    },
  });
}

const suite = useSuite({ open: '', clipboard: true });
let link;
let original;

/** A fresh page (counting runs) at `url`, ready. */
async function fresh(url, options) {
  const opened = await openPage(suite.browser, 'about:blank', { ready: false, ...options });
  await opened.page.addInitScript(countRuns);
  await opened.page.goto(url);
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return opened;
}

test('Copy link to this run: the link shows the run, recorded, and runs nothing', async () => {
  assert.equal(await runInPage(suite.page, ID), 'done');
  const section = suite.page.locator(sel(ID));
  original = {
    lines: await printedLines(suite.page, ID),
    ms: await section.locator('[data-role=elapsed]').getAttribute('data-ms'),
    notes: await section.locator('[data-role=notes] .text').allTextContents(),
  };
  await section.locator('[data-action=share-run]').click();
  await suite.page.waitForFunction(
    (s) => document.querySelector(`${s} [data-role=share-message]`).textContent !== '',
    sel(ID),
  );
  assert.match(await section.locator('[data-role=share-message]').textContent(), /^Link copied \(\d+ KB\)/);
  link = await section.locator('[data-role=share-link]').inputValue();
  assert.equal(await suite.page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
  const url = new URL(link);
  assert.equal(url.pathname, '/index.html');
  assert.equal(url.searchParams.get('scenario'), ID);
  assert.match(url.hash, /^#run=[A-Za-z0-9_-]+$/);

  const { page: other, errors: otherErrors, context: otherContext } = await fresh(link);
  const s = other.locator(sel(ID));
  assert.deepEqual(await printedLines(other, ID), original.lines);
  assert.equal(original.lines.length, 5);
  assert.deepEqual(await s.locator('[data-role=notes] .text').allTextContents(), original.notes);
  assert.match(
    await s.locator('[data-role=recorded]').textContent(),
    /^Recorded run of \d{4}-\d{2}-\d{2} in \S.* on \d+ cores?; nothing was run now\.$/,
  );
  assert.equal(await s.locator('[data-role=recorded]').isVisible(), true);
  assert.equal(await s.locator('[data-role=status]').getAttribute('data-state'), 'recorded');
  assert.equal(
    await s.locator('[data-role=elapsed]').getAttribute('data-ms'),
    original.ms,
    'the recorded elapsed time',
  );
  assert.equal(await s.locator('[data-role=timeline] svg .lane').count(), 2, 'the timeline');
  assert.equal(await s.locator('[data-role=replay]').isEnabled(), true, 'the replay');
  assert.equal(await other.evaluate(() => window.__runs), 0, 'nothing ran');
  assert.equal(await s.locator('[data-action=download-trace]').isVisible(), true, 'its trace can be saved too');

  // Run is still there; a new run replaces the recorded one.
  assert.equal(await runInPage(other, ID), 'done');
  assert.equal(await other.evaluate(() => window.__runs), 1);
  assert.equal(await s.locator('[data-role=recorded]').isVisible(), false);
  assert.equal((await printedLines(other, ID)).length, 5);
  assert.deepEqual(otherErrors, []);
  await otherContext.close();
});

test('Save run, then Open a saved run (in another section: it goes to its own)', async () => {
  const section = suite.page.locator(sel(ID));
  const [download] = await Promise.all([
    suite.page.waitForEvent('download'),
    section.locator('[data-action=save-run]').click(),
  ]);
  assert.match(download.suggestedFilename(), /^threading-basic-\d{4}-\d{2}-\d{2}-\d{6}\.run\.json$/);
  const text = await readFile(await download.path(), 'utf8');
  const record = JSON.parse(text);
  assert.equal(record.v, 2);
  assert.equal(record.scenario, ID);
  assert.equal(record.status, 'done');
  assert.equal(typeof record.cores, 'number');
  assert.ok(!Number.isNaN(Date.parse(record.recordedAt)));

  const { page: other, errors: otherErrors, context: otherContext } = await fresh(suite.server.url);
  // A line that looks like markup stays text.
  record.events.find((e) => e.kind === 'line').text = '<img src=x data-evil onerror="window.__evil=1">';
  await other.locator(`${sel('asyncio-gather')} [data-action=open-run]`).setInputFiles({
    name: 'saved.run.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(record)),
  });
  const s = other.locator(sel(ID));
  await s.locator('[data-role=recorded]:not([hidden])').waitFor();
  const lines = await printedLines(other, ID);
  assert.equal(lines.length, 5);
  assert.equal(lines[0], '<img src=x data-evil onerror="window.__evil=1">');
  assert.equal(await other.locator('img[data-evil]').count(), 0);
  assert.equal(
    await other.evaluate(() => document.activeElement?.dataset.role),
    'recorded',
    'focus moves to the recorded run',
  );
  assert.equal(await other.evaluate(() => window.__runs), 0);
  // And a damaged file is refused where it was opened.
  const file = other.locator(`${sel(ID)} [data-action=open-run]`);
  await file.setInputFiles({ name: 'bad.run.json', mimeType: 'application/json', buffer: Buffer.from('{"v":1,') });
  await other.waitForFunction(
    (q) => document.querySelector(`${q} [data-role=share-message]`).textContent.includes('not JSON'),
    sel(ID),
  );
  assert.equal(await s.locator('[data-role=share-message]').getAttribute('data-kind'), 'error');
  assert.deepEqual(otherErrors, []);
  await otherContext.close();
});

const b64 = (buf) => Buffer.from(buf).toString('base64url');
const json = (x) => Buffer.from(JSON.stringify(x));

test('damaged links are refused with a clear message; the page stays usable', async () => {
  const good = JSON.parse(gunzip(new URL(link).hash.slice('#run='.length)));
  const many = {
    ...good,
    events: Array.from({ length: 200_001 }, (_, i) => ({
      t: good.t0 + i / 1000,
      lane: 'MainThread',
      kind: 'lane-end',
    })),
  };
  const cases = [
    ['truncated base64', new URL(link).hash.slice(5, -7), /damaged/],
    ['not base64', '%%%not*base64', /not valid base64url/],
    ['random bytes', b64(randomBytes(300)), /not gzip-compressed/],
    ['gzip cut short', b64(gzipSync(json(good)).subarray(0, 200)), /cut short or corrupt/],
    ['valid gzip of non-JSON', b64(gzipSync('hello, not json')), /not JSON/],
    [
      'JSON of version 3',
      b64(gzipSync(json({ ...good, v: 3 }))),
      /another version of the playground \(format 3\); this page reads formats 1 and 2/,
    ],
    [
      'unknown scenario',
      b64(gzipSync(json({ ...good, scenario: 'rm-rf' }))),
      /scenario this page does not have \("rm-rf"\)/,
    ],
    [
      'an event whose text is {}',
      b64(gzipSync(json({ ...good, events: [{ ...good.events.find((e) => e.kind === 'line'), text: {} }] }))),
      /event 0 has a text that is not text/,
    ],
    [
      'a span of an unknown state',
      b64(
        gzipSync(
          json({
            ...good,
            events: [{ t: good.t0 + 1, lane: 'MainThread', kind: 'span', state: 'evil', start: good.t0, label: 'x' }],
          }),
        ),
      ),
      /event 0 has an unknown state/,
    ],
    ['too many events', b64(gzipSync(json(many))), /too many events \(200001\)/],
    [
      '30 MB once unpacked',
      b64(gzipSync(Buffer.alloc(30 * 1024 * 1024, 32))),
      /too large: it unpacks to more than 20\.0 MB/,
    ],
  ];
  const { page: other, errors: otherErrors, context: otherContext } = await fresh(suite.server.url);
  for (const [what, fragment, message] of cases) {
    await other.goto('about:blank');
    await other.goto(`${suite.server.url}index.html?scenario=${ID}#run=${fragment}`);
    await other.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const s = other.locator(sel(ID));
    const said = await s.locator('[data-role=share-message]').textContent();
    assert.match(said, message, `${what}: "${said}"`);
    assert.equal(await s.locator('[data-role=share-message]').getAttribute('data-kind'), 'error', what);
    assert.equal(await s.locator('[data-role=recorded]').isVisible(), false, what);
    assert.equal(await s.locator('[data-action=run]').isEnabled(), true, what);
    console.log(`${what}: ${said}`);
  }
  // Without a scenario in the link, the message is at the top of the page.
  await other.goto('about:blank');
  await other.goto(`${suite.server.url}index.html#run=AAAA`);
  await other.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  assert.equal(await other.locator('[data-role=page-message]').isVisible(), true);
  assert.match(await other.locator('[data-role=page-message]').textContent(), /not gzip-compressed/);
  // Run still works after all that.
  assert.equal(await runInPage(other, ID), 'done');
  assert.equal((await printedLines(other, ID)).length, 5);
  assert.equal(await other.evaluate(() => window.__runs), 1);
  assert.deepEqual(otherErrors, []);
  await otherContext.close();
});

/** The test's own copy of a link's record. */
const gunzip = (fragment) => String(gunzipSync(Buffer.from(fragment, 'base64url')));

test('keyboard: the new controls are reached by Tab and show their focus', async () => {
  const section = suite.page.locator(sel(ID));
  await section.locator('[data-action=download-trace]').focus();
  const seen = [];
  for (let i = 0; i < 4; i++) {
    await suite.page.keyboard.press('Tab');
    seen.push(
      await suite.page.evaluate(() => {
        const a = document.activeElement;
        const shown = a.matches('.file-input') ? a.nextElementSibling : a;
        return `${a.dataset.action}:${getComputedStyle(shown).outlineStyle}`;
      }),
    );
  }
  assert.deepEqual(seen.slice(0, 3), ['share-run:solid', 'save-run:solid', 'open-run:solid']);
});

for (const [name, options] of [
  ['1280-light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
  ['390-dark', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' }],
]) {
  test(`screenshots after a run and of a recorded run, ${name}`, async () => {
    const { page: shot, errors: shotErrors, context: shotContext } = await fresh(suite.server.url, options);
    assert.equal(await runInPage(shot, 'threading-lock'), 'done');
    const s = shot.locator(sel('threading-lock'));
    await s.locator('[data-action=share-run]').click();
    await shot.waitForFunction(
      (q) => document.querySelector(`${q} [data-role=share-message]`).textContent !== '',
      sel('threading-lock'),
    );
    await s.locator('[data-action=save-run]').focus();
    await shot.keyboard.press('Shift+Tab');
    await shot.keyboard.press('Tab');
    await s.screenshot({ path: join(OUTPUT, `share-after-run-${name}.png`) });
    let overflow = await shot.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
    await shotContext.close();

    const { page: rec, errors: recErrors, context: recContext } = await fresh(link, options);
    await rec.locator(`${sel(ID)} [data-role=recorded]`).waitFor();
    await rec.locator(sel(ID)).screenshot({ path: join(OUTPUT, `share-recorded-${name}.png`) });
    overflow = await rec.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
    assert.deepEqual([...shotErrors, ...recErrors], []);
    await recContext.close();
  });
}

/** The recorded runs of format 1 (before the lessons' events became view events), as files. */
const V1_FILES = ['interleave', 'deadlock', 'explore'];
const v1File = (name) => readFile(join(ROOT, 'tests', 'e2e', 'fixtures', `${name}-v1.run.json`), 'utf8');

test("runs recorded in format 1 still open: their lessons' events read as view events", async () => {
  const texts = await Promise.all(V1_FILES.map(v1File));
  const read = await suite.page.evaluate(async (texts) => {
    const { parseRun } = await import('./share.js');
    const pg = window.playground;
    const known = { scenarios: pg.scenarios, spanStates: pg.spanStates, maxParams: pg.limits.maxParams };
    return texts.map((text) => {
      const record = parseRun(text, known);
      const views = record.events.filter((e) => e.kind === 'view');
      return { v: record.v, kinds: [...new Set(record.events.map((e) => e.kind))], first: views[0] };
    });
  }, texts);
  const [interleave, deadlock, explore] = read;
  for (const r of read) assert.ok(r.kinds.includes('view') && !r.kinds.some((k) => /step|explored/.test(k)));
  assert.equal(interleave.v, 2);
  assert.deepEqual(interleave.first, {
    ...interleave.first,
    view: 'interleave-step',
    data: { step: 1, op: 'load', register: 0, counter: 0, next: 'add' },
    text: 'step 1: Thread-1 LOAD, register 0, counter 0',
  });
  assert.equal(deadlock.first.view, 'lock-step');
  assert.equal(deadlock.first.text, 'step 1: Thread-A acquire lock1: took');
  assert.equal(explore.first.view, 'explored');
  assert.match(explore.first.text, /^order [12](,[12]){5} ended at [12]$/);

  // Opened as a file, a format 1 run shows as recorded, with the lesson's steps in the replay.
  const { page: other, errors, context: otherContext } = await fresh(suite.server.url);
  const lesson = other.locator(sel('threading-interleave'));
  await lesson.locator('[data-action=open-run]').setInputFiles({
    name: 'old.run.json',
    mimeType: 'application/json',
    buffer: Buffer.from(texts[0]),
  });
  await lesson.locator('[data-role=recorded]:not([hidden])').waitFor();
  assert.deepEqual(await printedLines(other, 'threading-interleave'), ['Final counter: 1']);
  assert.equal(await other.evaluate(() => window.__runs), 0);
  assert.deepEqual(errors, []);
  await otherContext.close();
});

test('a view event must be a named view with flat, simple data: anything else is refused and named', async () => {
  const text = await v1File('interleave');
  const refusals = await suite.page.evaluate(async (text) => {
    const { parseRun } = await import('./share.js');
    const pg = window.playground;
    const known = { scenarios: pg.scenarios, spanStates: pg.spanStates, maxParams: pg.limits.maxParams };
    const good = parseRun(text, known);
    const i = good.events.findIndex((e) => e.kind === 'view');
    const withView = (change) => {
      const events = good.events.map((e, j) => (j === i ? change({ ...e, data: { ...e.data } }) : e));
      try {
        parseRun(JSON.stringify({ ...good, events }), known);
        return 'accepted';
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    };
    return {
      index: i,
      nested: withView((e) => ({ ...e, data: { ...e.data, more: { deep: 1 } } })),
      proto: withView((e) => ({ ...e, data: JSON.parse('{"__proto__": {"polluted": 1}}') })),
      noName: withView((e) => ({ ...e, view: 'Not A Name' })),
      noText: withView((e) => ({ ...e, text: 7 })),
      tooMany: withView((e) => ({ ...e, data: Object.fromEntries([...Array(17)].map((_, j) => [`f${j}`, j])) })),
      fine: withView((e) => e),
      v3: (() => {
        try {
          parseRun(JSON.stringify({ ...good, v: 3 }), known);
          return 'accepted';
        } catch (error) {
          return error.message;
        }
      })(),
      polluted: {}.polluted,
    };
  }, text);
  const event = `ShareError: This recorded run is not valid: event ${refusals.index}`;
  assert.equal(refusals.nested, `${event} has a data field "more" that is not a short text, number or yes/no.`);
  assert.match(refusals.proto, new RegExp(`^${event} has a data field "__proto__"`));
  assert.equal(refusals.noName, `${event} names no view.`);
  assert.equal(refusals.noText, `${event} has a text that is not text.`);
  assert.equal(refusals.tooMany, `${event} has 17 data fields.`);
  assert.equal(refusals.fine, 'accepted');
  assert.match(refusals.v3, /format 3\); this page reads formats 1 and 2\.$/);
  assert.equal(refusals.polluted, undefined);
});
