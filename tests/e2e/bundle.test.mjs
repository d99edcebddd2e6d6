// The hosted site's JavaScript is bundled (tools/bundle.mjs, run by ./build.sh dist): each page
// asks for one script before it is ready, and everything it loads later still works from the
// bundle: the timeline and replay, a scenario's views (imported by name), the code view, the
// prediction form, sharing, the lessons module's world. `./build.sh test` builds dist/ first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minifiedClassic, staticPreloads, withoutPreloads } from '../../tools/bundle.mjs';
import { ROOT, openPage, printedLines, runInPage, section, useSuite } from './harness.mjs';

const DIST = join(ROOT, 'dist');
const suite = useSuite({ root: DIST });

test("only the import() of a preloaded module becomes static, imported after the entry's own imports", () => {
  const code =
    "import { started } from './start.js';\nconst a = import('./section.js');\nconst b = import(\"./share.js\");\nconst c = import(`./views/${name}.js`);\n";
  const out = staticPreloads(code, (spec) => spec === './section.js').toString();
  assert.equal(
    out,
    "import { started } from './start.js';\nconst a = Promise.resolve(preloaded$0);\nconst b = import(\"./share.js\");\nconst c = import(`./views/${name}.js`);\n\nimport * as preloaded$0 from './section.js';\n",
  );
  assert.equal(staticPreloads(code, () => false).toString(), code, 'nothing preloaded: unchanged');
});

test('only the preload tags of modules inside the entry are removed', () => {
  const html =
    '<head>\n  <link rel="modulepreload" href="a.js">\n  <link rel="preload" href="m.wasm" as="fetch">\n  <link rel="modulepreload" href="b.js">\n</head>\n';
  assert.equal(
    withoutPreloads(html, (href) => href === 'a.js'),
    '<head>\n  <link rel="preload" href="m.wasm" as="fetch">\n  <link rel="modulepreload" href="b.js">\n</head>\n',
  );
});

test('a classic script is minified with its licence comments kept, first (dist/coi-serviceworker.js)', () => {
  const code =
    '/*! a licence */\nlet kept = 1;\nfunction longName(argument) {\n  // a comment\n  return argument + 1;\n}\n';
  const out = minifiedClassic('x.js', code);
  assert.ok(out.startsWith('/*! a licence */\n'), out);
  assert.ok(out.length < code.length && !out.includes('a comment'), out);
  const served = readFileSync(join(DIST, 'coi-serviceworker.js'), 'utf8');
  assert.match(served, /^\/\*! coi-serviceworker v[\d.]+ - Guido Zuidhof and contributors, licensed under MIT \*\/\n/);
  assert.match(served, /status!==304/, "tools/coi-not-modified.js's lines are in it");
});

test('dist/ pages preload no module (their entry holds them) and not the wasm (WebKit fetched it twice)', () => {
  for (const page of ['index.html', 'embed.html']) {
    const html = readFileSync(join(DIST, page), 'utf8');
    assert.doesNotMatch(html, /rel="modulepreload"/, page);
    assert.doesNotMatch(html, /rel="preload"[^>]*\.wasm/, page);
  }
});

/** The scripts a page asked for before it was ready (worker.js: the main worker's, one file too). */
const scriptsBeforeReady = (page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.startTime <= Number(document.body.dataset.readyMs) && e.name.endsWith('.js'))
      .map((e) => new URL(e.name).pathname)
      .sort(),
  );

test('the bundled page: one script before ready, then every later part loads and works', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  assert.deepEqual(await scriptsBeforeReady(page), ['/coi-serviceworker.js', '/page.js', '/worker.js']);
  // A run: the timeline and replay (a chunk), the race's views (imported by name), sharing.
  assert.equal(await runInPage(page, 'threading-lock'), 'done');
  const lock = section(page, 'threading-lock');
  await lock.locator('[data-view="race-ledger"] [data-role="ledger"]').waitFor();
  await lock.locator('input[type=range][data-role=replay]').waitFor();
  assert.ok((await lock.locator('[data-role="timeline"] svg').count()) > 0, 'a timeline is drawn');
  await lock.locator('[data-action="save-run"]:not([hidden])').waitFor();
  // The code view (a chunk, and the Rust source beside the wasm).
  const code = lock.locator('details.code');
  await code.locator('summary').click();
  await code.locator('.code-pair[data-state="ready"]').waitFor();
  // A rayon lesson: the lessons module's glue is imported by the worker at run time, not bundled.
  assert.equal(await runInPage(page, 'rayon-pool', { timeout: 120_000 }), 'done');
  assert.ok((await printedLines(page, 'rayon-pool')).length > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The paths of the wasm modules the page has fetched so far, each as often as it was fetched. */
const wasmFetched = (page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((path) => path.endsWith('.wasm')),
  );

test("the lessons module: not in the first load, fetched once when a lesson's section comes near, and it runs the lessons", async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  const main = '/pkg/concurrency_playground_bg.wasm';
  const lessons = '/pkg-lessons/concurrency_playground_bg.wasm';
  // The seed's sections fill the first screens: a learner who reads them never downloads it.
  await page.waitForTimeout(500);
  assert.deepEqual(await wasmFetched(page), [main]);
  assert.equal(await runInPage(page, 'threading-basic'), 'done');
  assert.deepEqual(await wasmFetched(page), [main], 'a seed program runs in the main module');
  // Scrolled to (here as the navigation does it), a lesson's section starts the lessons world.
  await section(page, 'threading-interleave').scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (path) => performance.getEntriesByName(new URL(path, location.href).href).length > 0,
    lessons,
  );
  // Its program, not the main module's stand-in: the watchdog names the cycle.
  assert.equal(await runInPage(page, 'threading-deadlock'), 'error');
  assert.match(await section(page, 'threading-deadlock').textContent(), /Thread-A .*lock2.*Thread-B .*lock1/s);
  assert.deepEqual(await wasmFetched(page), [main, lessons], 'each module fetched once');
  assert.deepEqual(errors, []);
  await context.close();
});

test("a lesson's Run while the lessons module downloads says so, then runs", async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  // A slow network: the module arrives 1.5 s after it is asked for.
  await page.route('**/pkg-lessons/concurrency_playground_bg.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  const deadlock = section(page, 'threading-deadlock');
  await deadlock.scrollIntoViewIfNeeded();
  await deadlock.locator('[data-action="run"]').click();
  const status = deadlock.locator('[data-role="status"]');
  assert.equal(await status.textContent(), 'Starting: downloading the lessons module…');
  await page.waitForFunction((id) => {
    const state = document.querySelector(`section[data-scenario="${id}"] [data-role="status"]`)?.dataset.state;
    return state === 'done' || state === 'error';
  }, 'threading-deadlock');
  assert.match(await deadlock.textContent(), /Thread-A .*lock2.*Thread-B .*lock1/s, 'the lesson ran');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the bundled embed: one script before ready; Predict first loads its form', async () => {
  const { page, errors, context } = await openPage(
    suite.browser,
    `${suite.server.url}embed.html?scenario=asyncio-gather&predict=1`,
  );
  assert.deepEqual(await scriptsBeforeReady(page), ['/coi-serviceworker.js', '/embed.js', '/worker.js']);
  await page.locator('[data-action="run"]').click();
  await page.locator('[data-role="predict"] fieldset').first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the bundled embed of a lesson downloads the lessons module alone, and runs it with its processes', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}embed.html?scenario=rayon-pool`);
  // rayon-pool runs the seed's Pool(4).map on process workers, then rayon on the pool's threads.
  assert.equal(await runInPage(page, 'rayon-pool', { timeout: 120_000 }), 'done');
  assert.ok((await printedLines(page, 'rayon-pool')).length > 0);
  assert.deepEqual(await wasmFetched(page), ['/pkg-lessons/concurrency_playground_bg.wasm']);
  const seed = await openPage(suite.browser, `${suite.server.url}embed.html?scenario=multiprocessing-pool`);
  assert.equal(await runInPage(seed.page, 'multiprocessing-pool'), 'done');
  assert.deepEqual(await wasmFetched(seed.page), ['/pkg/concurrency_playground_bg.wasm']);
  assert.deepEqual([...errors, ...seed.errors], []);
  await seed.context.close();
  await context.close();
});
