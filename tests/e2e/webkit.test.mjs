// WebKit end to end, with shared memory on: Debian's WebKitGTK (MiniBrowser) under Xvfb, driven
// by WebKitWebDriver through selenium-webdriver (webkit.harness.mjs), against the real dev
// server; scenarios run through the page's JS API, as firefox.test.mjs does in Firefox.
// WebKitGTK exposes SharedArrayBuffer on a cross-origin isolated page only with
// JSC_useSharedArrayBuffer=1 in the browser's environment (Safari does by default): the
// harness sets it. The embed is also framed by a course page of another origin (node's http
// server on another port, fixtures/course.html), where WebKit, without Document-Isolation-Policy,
// does not isolate it. Figures (the race's share of lost runs, timings) are printed, not asserted.
// Screenshots go to test-output/ (or $WEBKIT_SCREENSHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { By } from 'selenium-webdriver';
import { join } from 'node:path';
import { OUTPUT, startServer } from './harness.mjs';
import { CANCEL_THEN_CLEAN, checkCancelThenClean } from './cancel-then-clean.mjs';
import {
  inEmbedFrame,
  inPage,
  openReady,
  serveCoursePage,
  setViewport,
  startWebKit,
  until,
} from './webkit.harness.mjs';

const SHOTS = process.env.WEBKIT_SCREENSHOTS ?? OUTPUT;
mkdirSync(SHOTS, { recursive: true });

let server;
let webkit;
let driver;

// Not startSuite(): that launches Chromium, and this suite drives WebKitGTK (webkit.harness.mjs).
before(async () => {
  server = await startServer();
  webkit = await startWebKit();
  driver = webkit.driver;
  await openReady(driver, server.url); // the page the API tests run in (a test that leaves it reopens it)
});
after(async () => {
  await webkit?.stop();
  server?.stop();
});

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** A PNG of the viewport (WebDriver's screenshot command) of session `d`, written under SHOTS. */
async function screenshot(d, name) {
  const path = join(SHOTS, name);
  writeFileSync(path, Buffer.from(await d.takeScreenshot(), 'base64'));
  return path;
}

test('WebKit: the page is ready, cross-origin isolated, with SharedArrayBuffer and shared memory', async () => {
  const caps = await driver.getCapabilities();
  const result = await inPage(
    driver,
    `
    return { isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer, capabilities: pg.capabilities,
      readyMs: Number(document.body.dataset.readyMs), userAgent: navigator.userAgent,
      wasmFetches: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/pkg/concurrency_playground_bg.wasm')).length,
      shared: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer };`,
  );
  console.log(
    `WebKit: ${caps.get('browserName')} ${caps.get('browserVersion')}; ready in ${result.readyMs.toFixed(0)} ms; ` +
      `hardwareConcurrency ${result.capabilities.hardwareConcurrency}; ${result.userAgent}`,
  );
  assert.equal(result.isolated, true);
  assert.equal(result.sab, 'function');
  assert.equal(result.shared, true);
  assert.equal(result.capabilities.sharedMemory, true, JSON.stringify(result.capabilities));
  assert.equal(result.wasmFetches, 1, 'the main module is downloaded once');
});

// The deadlock lesson with opposite lock orders ends by its watchdog, which names the cycle (as
// in Chromium); with one agreed order (`ordered`) it ends done.
const deadlocks = (r) => r.id === 'threading-deadlock' && !['1', 'true'].includes(String(r.params.ordered ?? '0'));

test('WebKit: every scenario of the registry runs through the API with light parameters and ends done (the deadlock: its watchdog)', async () => {
  const result = await inPage(
    driver,
    `
    const ran = [];
    const runOne = async (id, params) => {
      const t = performance.now();
      const r = await pg.run(id, params).done.then((r) => ({ status: r.status, lines: r.lines }),
        (e) => ({ status: 'error', message: e.message, lines: e.lines ?? [] }));
      ran.push({ id, params, ...r, ms: Math.round(performance.now() - t) });
    };
    for (const { id, testParams } of pg.scenarios) await runOne(id, testParams.light);
    // The deadlock lesson's other way: opposite lock orders, ended by its watchdog.
    await runOne('threading-deadlock', { ordered: '0', watchdog_ms: '100' });
    return ran;`,
  );
  assert.ok(!result.error, result.error);
  console.log(
    `WebKit scenarios: ${result
      .map((r) => `${r.id} ${JSON.stringify(r.params)} ${r.status} ` + `(${r.lines.length} lines, ${r.ms} ms)`)
      .join('; ')}`,
  );
  assert.ok(result.length >= 12, `the registry lists ${result.length - 1} scenarios`);
  for (const r of result) {
    if (deadlocks(r)) {
      assert.equal(r.status, 'error', `${r.id} ${JSON.stringify(r.params)}`);
      assert.match(
        r.message,
        /deadlock, stopped by the watchdog: Thread-A holds lock1 and waits for lock2; Thread-B holds lock2 and waits for lock1/,
      );
    } else {
      assert.equal(r.status, 'done', `${r.id} ${JSON.stringify(r.params)}: ${r.status} ${r.message ?? ''}`);
    }
  }
  const ordered = result.find((r) => r.id === 'threading-deadlock' && !deadlocks(r));
  assert.deepEqual(ordered.lines.sort(), ['A has both locks', 'B has both locks']);
});

test("WebKit: the seed's programs give their exact results (threads, processes, the pool, asyncio)", async () => {
  const result = await inPage(
    driver,
    `
    const lock = await pg.run('threading-lock', {}).done;
    const pool = await pg.run('multiprocessing-pool', { inputs: '10**6, 10**7' }).done;
    const process = await pg.run('multiprocessing-process', {}).done;
    const gather = await pg.run('asyncio-gather', { delay_ms: 200 }).done;
    return { lines: lock.lines, mutex: String(lock.value.mutex), atomic: String(lock.value.atomic_add),
      pool: pool.value.map(String), process: process.events.filter((e) => e.kind === 'note').map((e) => e.text),
      gather: gather.lines.at(-1) };`,
  );
  assert.ok(!result.error, result.error);
  assert.deepEqual(result.lines, ['Final counter: 200000']);
  assert.equal(result.mutex, '200000');
  assert.equal(result.atomic, '200000');
  assert.deepEqual(result.pool, ['333332833333500000', '333333283333335000000']);
  assert.ok(
    result.process.some((n) => /in the parent it is 0/.test(n)),
    JSON.stringify(result.process),
  );
  assert.equal(result.gather, "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]");
});

test('WebKit: a cancelled run, then a clean one; bad input refused', async () => {
  checkCancelThenClean(await inPage(driver, CANCEL_THEN_CLEAN));
});

test("WebKit: the seed's race (threading-lock without a lock, 2 threads x 100000): how many of 20 runs lose updates", async () => {
  const result = await inPage(
    driver,
    `
    // 20 separate runs of one no-lock round each (rounds: 1), as a learner's presses would be
    // without the page's retry...
    let lost = 0;
    const totals = [];
    for (let i = 0; i < 20; i++) {
      const r = await pg.run('threading-lock', { rounds: 1 }).done;
      const total = Number(String(r.value.no_lock));
      totals.push(total);
      if (total < 200000) lost++;
    }
    // ...and "Run many times" (the bench's figure): 20 no-lock rounds on the same threads.
    const repeat = await pg.run('threading-lock', { runs: 20, sweep: '100000' }, { action: 'repeat' }).done;
    const [point] = repeat.value.points;
    return { lost, totals, repeat: { runs: Number(point.runs), lost: Number(point.lost_runs) } };`,
  );
  assert.ok(!result.error, result.error);
  console.log(
    `WebKit race: ${result.lost} of 20 separate runs lost updates (final counters ${result.totals.join(', ')}); ` +
      `"Run many times": ${result.repeat.lost} of ${result.repeat.runs} rounds lost updates`,
  );
  assert.equal(result.totals.length, 20);
  assert.equal(result.repeat.runs, 20);
});

test('WebKit: the embed (threading-lock) is ready, isolated, and its Run runs the lesson', async () => {
  await openReady(driver, `${server.url}embed.html?scenario=threading-lock`);
  const state = await inPage(
    driver,
    `return { isolated: self.crossOriginIsolated, sharedMemory: pg.capabilities.sharedMemory,
    notice: document.querySelector('[data-role="isolation-notice"]')?.textContent ?? null };`,
  );
  assert.deepEqual(state, { isolated: true, sharedMemory: true, notice: null });
  const section = 'section[data-scenario="threading-lock"]';
  await driver.executeScript(`document.querySelector('${section} [data-action="run"]').click();`);
  await until(
    driver,
    `const s = document.querySelector('${section} [data-role="status"]');
    return !!s && ['done', 'error', 'cancelled'].includes(s.dataset.state);`,
    "the embed's run ended",
    { timeoutMs: 60_000 },
  );
  const ended =
    await driver.executeScript(`return { state: document.querySelector('${section} [data-role="status"]').dataset.state,
    lines: [...document.querySelectorAll('${section} [data-role="output"] .text')].map((e) => e.textContent) };`);
  assert.equal(ended.state, 'done');
  assert.deepEqual(ended.lines, ['Final counter: 200000']);
  await openReady(driver, server.url);
});

test('WebKit: the Python mode runs print(1) on RustPython', async () => {
  await openReady(driver, server.url);
  const result = await inPage(
    driver,
    `
    const t = performance.now();
    const r = await pg.runPython('print(1)').done;
    return { status: r.status, lines: r.lines, exitStatus: r.exitStatus ?? null, ms: Math.round(performance.now() - t) };`,
  );
  console.log(`WebKit Python: ${JSON.stringify(result)}`);
  assert.ok(!result.error, result.error);
  assert.equal(result.status, 'done');
  assert.deepEqual(result.lines, ['1']);
});

/** Clicks Run in section `id`, waits until the run is done, and scrolls its output into view. */
async function runSection(d, id) {
  const section = `section[data-scenario="${id}"]`;
  await d.executeScript(`document.querySelector('${section} [data-action="run"]').click();`);
  await until(
    d,
    `return document.querySelector('${section} [data-role="status"]')?.dataset.state === 'done';`,
    `${id} done`,
    { timeoutMs: 60_000 },
  );
  // The output at the top, below the page's sticky bar (at 390 px) and with the status above it.
  await d.executeScript(
    `document.querySelector('${section} [data-role="output"]').scrollIntoView(); scrollBy(0, -110);`,
  );
  await pause(300);
}

/**
 * Opens `url` in a window of its own in session `d`, `width` x `height` (MiniBrowser's toolbar
 * keeps its windows at least 447 px wide; a window the page opens has none), runs `body()`
 * there, then closes it and goes back to the window it came from.
 */
async function inWindow(d, url, width, height, body) {
  const main = await d.getWindowHandle();
  const before = await d.getAllWindowHandles();
  const opened = await d.executeScript(
    'return window.open(arguments[0], "_blank", arguments[1]) !== null;',
    url,
    `width=${width},height=${height}`,
  );
  assert.equal(opened, true, `the ${width} px window opened`);
  const handle = (await d.getAllWindowHandles()).find((h) => !before.includes(h));
  await d.switchTo().window(handle);
  try {
    const [w, h] = await setViewport(d, width, height);
    assert.deepEqual([w, h], [width, height], 'the viewport');
    return await body();
  } finally {
    await d.close();
    await d.switchTo().window(main);
  }
}

/**
 * The page, ready in the current window of `d`, at `width` x `height`: its color scheme is
 * `scheme`, and it does not scroll sideways before or after a run of threading-lock.
 * Screenshots `webkit-<width>-<scheme>.png` and `webkit-<width>-<scheme>-race.png`.
 */
async function layoutChecked(d, width, height, scheme) {
  await until(d, 'return document.body && document.body.dataset.ready === "true";', `ready at ${width} px`);
  const [w] = await setViewport(d, width, height);
  assert.equal(w, width, 'the viewport');
  const [dark, before] = await d.executeScript(
    'return [matchMedia("(prefers-color-scheme: dark)").matches, document.documentElement.scrollWidth];',
  );
  assert.equal(dark ? 'dark' : 'light', scheme);
  console.log(`${width} px ${scheme}: ${await screenshot(d, `webkit-${width}-${scheme}.png`)}`);
  await runSection(d, 'threading-lock');
  const after = await d.executeScript('return document.documentElement.scrollWidth;');
  console.log(
    `${width} px ${scheme}, after a run of threading-lock: ${await screenshot(d, `webkit-${width}-${scheme}-race.png`)}`,
  );
  assert.equal(before, width, `no sideways scrolling at ${width} px`);
  assert.equal(after, width, `no sideways scrolling at ${width} px after a run`);
}

test("WebKit at 390 px (an iPhone's width), light: no sideways scrolling before and after a run; screenshots", async () => {
  await openReady(driver, server.url);
  await inWindow(driver, server.url, 390, 844, () => layoutChecked(driver, 390, 844, 'light'));
});

test("WebKit at 820 px (an iPad's width, portrait 820x1180), light: no sideways scrolling before and after a run; screenshots", async () => {
  await openReady(driver, server.url);
  await inWindow(driver, server.url, 820, 1180, () => layoutChecked(driver, 820, 1180, 'light'));
});

test("WebKit dark (a second browser in GTK's dark variant), at 1280 px and at 820 px (an iPad's): no sideways scrolling before and after a run; screenshots", async () => {
  const dark = await startWebKit({ dark: true });
  try {
    const d = dark.driver;
    await openReady(d, server.url);
    await layoutChecked(d, 1280, 900, 'dark');
    await openReady(d, server.url);
    await inWindow(d, server.url, 820, 1180, () => layoutChecked(d, 820, 1180, 'dark'));
  } finally {
    await dark.stop();
  }
});

// WebKit has no Document-Isolation-Policy (nor has Firefox): an embed in a course page of
// another origin that is not isolated itself is not isolated either, whatever headers the
// embed sends. The embed says why the thread lessons cannot run there, with Run disabled, and
// links to the full page in a new tab, which is isolated at top level; asyncio needs no
// shared memory and runs in the frame.

/** What the framed embed of threading-lock shows, read in its frame (after a click on Run). */
const FRAMED_LOCK = `
  const section = document.querySelector('section[data-scenario="threading-lock"]');
  const notice = section.querySelector('[data-role="isolation-notice"]');
  const link = notice?.querySelector('[data-role="new-tab"]');
  const run = section.querySelector('[data-action="run"]');
  run.click(); // disabled: nothing starts
  await new Promise((r) => setTimeout(r, 300));
  const box = notice?.getBoundingClientRect();
  return { isolated: self.crossOriginIsolated, framed: window.top !== window, sab: typeof SharedArrayBuffer,
    navigation: performance.getEntriesByType('navigation')[0]?.type,
    wide: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    sharedMemory: pg.capabilities.sharedMemory, line: document.querySelector('[data-role="capabilities"]').textContent,
    lineHidden: document.querySelector('[data-role="capabilities"]').hidden,
    notice: notice?.textContent ?? null, noticeId: notice?.id, noticeShown: !!box && box.width > 0 && box.height > 0,
    href: link?.href ?? null, target: link?.getAttribute('target'), rel: link?.getAttribute('rel'),
    runDisabled: run.disabled, describedBy: run.getAttribute('aria-describedby'),
    starts: [...section.querySelectorAll('button.run')].map((b) => ({ action: b.dataset.action, disabled: b.disabled,
      describedBy: b.getAttribute('aria-describedby') })),
    state: section.querySelector('[data-role="status"]').dataset.state,
    output: section.querySelectorAll('[data-role="output"] .text').length,
    threads: section.querySelector('input[name="threads"]').value,
    refused: await pg.run('threading-lock', { threads: 4 }).done.then(() => 'ran', (e) => e.message) };`;

/** Checks the framed threading-lock embed's facts (FRAMED_LOCK's); returns its new-tab link. */
function checkFramedLock(lock) {
  assert.ok(!lock.error, lock.error);
  assert.equal(lock.framed, true, 'in a frame');
  assert.equal(lock.isolated, false, 'not isolated: WebKit has no Document-Isolation-Policy');
  assert.equal(lock.sharedMemory, false);
  assert.match(lock.line, /^Thread scenarios cannot run here: this page is not cross-origin isolated/);
  assert.equal(lock.lineHidden, true, "the lesson's notice says why; the line would only repeat it");
  assert.match(
    lock.notice ?? '',
    /^This scenario needs threads that share memory, and this page is not cross-origin isolated, .*a page in a frame needs Document-Isolation-Policy, which only Chromium supports\)\. Open it in a new tab to run it there\.$/,
  );
  assert.equal(lock.noticeShown, true, 'the notice is shown');
  assert.equal(lock.wide, false, 'no sideways scrolling in the frame');
  assert.equal(lock.runDisabled, true, 'Run is disabled');
  assert.equal(lock.describedBy, lock.noticeId, 'Run is described by the notice');
  assert.ok(lock.starts.length >= 2, `Run and "Run many times": ${JSON.stringify(lock.starts)}`);
  for (const start of lock.starts) {
    assert.deepEqual(start, { action: start.action, disabled: true, describedBy: lock.noticeId }, 'every start button');
  }
  assert.equal(lock.state, 'idle', 'a click on Run started nothing');
  assert.equal(lock.output, 0);
  assert.equal(lock.threads, '4', 'the field shows the parameter');
  assert.match(
    lock.refused,
    /threading-lock needs threads on shared memory, and this page is not cross-origin isolated/,
  );
  const link = new URL(lock.href);
  assert.equal(link.origin, new URL(server.url).origin, "the playground's own site");
  assert.equal(link.pathname, '/index.html', 'the full page');
  assert.equal(link.searchParams.get('scenario'), 'threading-lock');
  assert.equal(link.searchParams.get('threads'), '4', 'the link keeps the parameters');
  assert.equal(lock.target, '_blank');
  assert.equal(lock.rel, 'noopener');
  return link.href;
}

/** In the course page's frame: clicks the embed's Run and waits until it ends; what it printed. */
const RUN_FRAMED = `
  document.querySelector('[data-action="run"]').click();
  const status = document.querySelector('[data-role="status"]');
  for (let i = 0; i < 600 && !['done', 'error', 'cancelled'].includes(status.dataset.state); i++)
    await new Promise((r) => setTimeout(r, 100));
  return { isolated: self.crossOriginIsolated, framed: window.top !== window, state: status.dataset.state,
    lines: [...document.querySelectorAll('[data-role="output"] .text')].map((e) => e.textContent) };`;

/**
 * In the course page: waits until the embed's height has stayed put for a second, and checks
 * the frame fits it.
 */
async function framedHeightSettled(d) {
  const posted = () => d.executeScript('return Number(document.body.dataset.embedHeight);');
  await until(d, 'return Number(document.body.dataset.embedHeight) > 200;', 'the frame fitted');
  for (let last = -1, now = await posted(); now !== last; now = await posted()) {
    last = now;
    await pause(1000);
  }
  const [fitted, height] = await d.executeScript(
    `return [document.querySelector('iframe').getBoundingClientRect().height, Number(document.body.dataset.embedHeight)];`,
  );
  assert.equal(fitted, height, 'the frame fits the height the embed reported');
  const [frame] = await d.findElements(By.css('iframe'));
  await d.switchTo().frame(frame);
  const [scrollHeight, clientHeight] = await d
    .executeScript('return [document.documentElement.scrollHeight, document.documentElement.clientHeight];')
    .finally(() => d.switchTo().defaultContent());
  assert.ok(
    scrollHeight <= clientHeight,
    `the embed (${scrollHeight} px) does not scroll in its frame (${clientHeight} px)`,
  );
}

/** In the course page: scrolls the embed's Run button to the middle of the viewport, and screenshots it. */
async function screenshotAtRun(d, name) {
  const [frame] = await d.findElements(By.css('iframe'));
  await d.switchTo().frame(frame);
  const runTop = await d.executeScript(
    'return document.querySelector(\'[data-action="run"]\').getBoundingClientRect().top;',
  );
  await d.switchTo().defaultContent();
  await d.executeScript(
    'scrollTo(0, document.querySelector("iframe").getBoundingClientRect().top + scrollY + arguments[0] - innerHeight / 2);',
    runTop,
  );
  await pause(300);
  const path = await screenshot(d, name);
  await d.executeScript('scrollTo(0, 0);');
  return path;
}

test('WebKit, embedded in a course page of another origin (390 px, light): not isolated, a notice says why, Run disabled, a new-tab link that keeps the parameters and runs isolated at top level; asyncio runs in the frame', async () => {
  const course = await serveCoursePage();
  try {
    await openReady(driver, server.url);
    const lockSrc = new URL('embed.html?scenario=threading-lock&threads=4', server.url).href;
    await inWindow(driver, course.frameEmbed(lockSrc), 390, 844, async () => {
      const lock = await inEmbedFrame(driver, () => inPage(driver, FRAMED_LOCK));
      console.log(
        `WebKit, framed threading-lock (navigation: ${lock.navigation}): typeof SharedArrayBuffer ${lock.sab}; ${lock.notice}`,
      );
      const href = checkFramedLock(lock);
      // The course page fitted its frame to the height the embed reported.
      await framedHeightSettled(driver);
      console.log(`framed embed, 390 px light: ${await screenshot(driver, 'webkit-embed-390-light.png')}`);
      console.log(
        `framed embed, 390 px light, at Run: ${await screenshotAtRun(driver, 'webkit-embed-390-light-run.png')}`,
      );

      // asyncio needs no shared memory: in the same kind of frame, it runs.
      const asyncioSrc = new URL('embed.html?scenario=asyncio-gather&delay_ms=50', server.url).href;
      await driver.get(course.frameEmbed(asyncioSrc));
      const gather = await inEmbedFrame(driver, () => inPage(driver, RUN_FRAMED));
      assert.ok(!gather.error, gather.error);
      assert.deepEqual([gather.framed, gather.isolated, gather.state], [true, false, 'done']);
      assert.equal(gather.lines.length, 9);
      assert.equal(gather.lines.at(-1), "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]");
      await framedHeightSettled(driver);
      console.log(`framed asyncio, 390 px light: ${await screenshot(driver, 'webkit-embed-390-light-asyncio.png')}`);

      // The new-tab link, opened at top level: isolated, with shared memory, and the lesson runs
      // with the embed's parameters.
      await openReady(driver, href);
      const top = await inPage(
        driver,
        `return { isolated: self.crossOriginIsolated, sharedMemory: pg.capabilities.sharedMemory,
          threads: document.querySelector('section[data-scenario="threading-lock"] input[name="threads"]').value };`,
      );
      assert.deepEqual(top, { isolated: true, sharedMemory: true, threads: '4' });
      await runSection(driver, 'threading-lock');
      const lines = await driver.executeScript(
        `return [...document.querySelectorAll('section[data-scenario="threading-lock"] [data-role="output"] .text')].map((e) => e.textContent);`,
      );
      assert.deepEqual(lines, ['Final counter: 400000']);
    });
  } finally {
    await course.stop();
  }
});

// WebKitGTK's default (and some WebViews'): cross-origin isolated, a shared WebAssembly.Memory
// can be made, but there is no SharedArrayBuffer and it cannot be posted to a worker. The page
// once died there ("The object can not be cloned"); now it says why threads cannot run, with
// Run disabled on those lessons, and runs the others.
test('WebKit without shared memory (its default): the page starts, says why threads cannot run, and runs the rest', async () => {
  const plain = await startWebKit({ sharedMemory: false });
  try {
    const d = plain.driver;
    await openReady(d, server.url);
    const result = await inPage(
      d,
      `
      const ran = {};
      for (const s of pg.scenarios.filter((s) => !s.needsSharedMemory)) {
        ran[s.id] = await pg.run(s.id, s.testParams.light).done.then((r) => r.status, (e) => e.message);
      }
      const threaded = pg.scenarios.filter((s) => s.needsSharedMemory).map((s) => {
        const section = document.querySelector('section[data-scenario="' + s.id + '"]');
        const run = section.querySelector('[data-action="run"]');
        return { id: s.id, disabled: run.disabled, describedBy: run.getAttribute('aria-describedby'),
          notice: section.querySelector('[data-role="isolation-notice"]')?.textContent, newTab: !!section.querySelector('[data-role="new-tab"]') };
      });
      const refused = await pg.run('threading-lock', {}).done.then(() => 'ran', (e) => e.message);
      return { isolated: self.crossOriginIsolated, capabilities: pg.capabilities, ran, threaded, refused,
        line: document.querySelector('[data-role="capabilities"]').textContent };`,
    );
    assert.ok(!result.error, result.error);
    assert.equal(result.isolated, true);
    assert.equal(result.capabilities.sharedMemory, false);
    assert.match(result.capabilities.sharedMemoryMissing, /does not let a page share memory with its workers/);
    assert.match(result.line, /^Thread scenarios cannot run here: this browser does not let a page share memory/);
    assert.ok(Object.keys(result.ran).length >= 3, JSON.stringify(result.ran));
    for (const [id, status] of Object.entries(result.ran)) assert.equal(status, 'done', id);
    for (const t of result.threaded) {
      assert.equal(t.disabled, true, `${t.id}: Run disabled`);
      assert.equal(t.describedBy, `${t.id}-no-threads`, `${t.id}: Run described by the notice`);
      assert.match(
        t.notice,
        /needs threads that share memory, and this browser does not let a page share memory/,
        t.id,
      );
      assert.equal(t.newTab, false, `${t.id}: no new-tab link, which would not help in this browser`);
    }
    assert.match(
      result.refused,
      /threading-lock needs threads on shared memory, and this browser does not let a page share memory/,
    );
    // The Python mode: the editor opens, its Run is disabled, and says why.
    const python = await inPage(
      d,
      `
      const section = document.querySelector('section[data-scenario="threading-lock"]');
      section.querySelector('[data-action="edit-python"]').click();
      for (let i = 0; i < 200 && !section.querySelector('[data-action="run-python"]'); i++) await new Promise((r) => setTimeout(r, 50));
      const run = section.querySelector('[data-action="run-python"]');
      return { disabled: run?.disabled, describedBy: run?.getAttribute('aria-describedby'),
        notice: section.querySelector('[data-role="python-cannot-run"]')?.textContent };`,
    );
    assert.equal(python.disabled, true, JSON.stringify(python));
    assert.equal(python.describedBy, 'threading-lock-python-cannot-run');
    assert.match(
      python.notice,
      /^Python's threads need memory they share, and this browser does not let a page share memory/,
    );
    // The embed, the same.
    await openReady(d, new URL('embed.html?scenario=asyncio-gather&delay_ms=50', server.url).href);
    const embed = await inPage(
      d,
      'return { status: (await pg.run("asyncio-gather", { delay_ms: 50 }).done).status, caps: pg.capabilities.sharedMemory };',
    );
    assert.deepEqual(embed, { status: 'done', caps: false });
  } finally {
    await plain.stop();
  }
});
