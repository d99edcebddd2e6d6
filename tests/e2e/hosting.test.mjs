// The static site (dist/) on three kinds of host, and embedded in a course page of another
// origin, with and without Document-Isolation-Policy. `./build.sh test` builds dist/ first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, OUTPUT, printedLines, ROOT, runInPage, section, useSuite } from './harness.mjs';

const DIST = join(ROOT, 'dist');
const FIXTURES = join(ROOT, 'tests', 'e2e', 'fixtures');
const suite = useSuite({ server: false }); // no server of its own: each test serves with the host's flags it is about
const serve = async (root, flags) => (await suite.serve({ root, flags })).url;

const isolated = (page) => page.evaluate(() => self.crossOriginIsolated);

test('dist with headers: isolated at once, threads run', async () => {
  const url = await serve(DIST, ['--frame-ancestors', '*']);
  const { page, errors, context } = await openPage(suite.browser, url);
  assert.equal(await isolated(page), true);
  assert.equal(await runInPage(page, 'threading-lock'), 'done');
  assert.deepEqual(await printedLines(page, 'threading-lock'), ['Final counter: 200000']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dist on a host with no headers: the service worker isolates the page after one reload', async () => {
  const url = await serve(DIST, ['--no-isolation-headers']);
  const { page, context } = await openPage(suite.browser, url, { ready: false });
  await page.waitForFunction(() => self.crossOriginIsolated === true && document.body.dataset.ready === 'true', null, {
    timeout: 30_000,
  });
  const reloads = await page.evaluate(() => performance.getEntriesByType('navigation')[0].type);
  assert.equal(reloads, 'reload', 'it took one reload');
  assert.equal(await runInPage(page, 'threading-basic'), 'done');
  assert.equal((await printedLines(page, 'threading-basic')).length, 5);
  await context.close();
});

test('dist with no headers and no service worker: not isolated, says so, runs what it can', async () => {
  const url = await serve(DIST, ['--no-isolation-headers', '--no-service-worker']);
  const { page, context } = await openPage(suite.browser, url);
  await page.waitForTimeout(500); // a reload, if one were coming, would have started by now
  assert.equal(
    await page.evaluate(() => performance.getEntriesByType('navigation')[0].type),
    'navigate',
    'no reload loop',
  );
  assert.equal(await isolated(page), false);
  assert.match(await page.locator('[data-role="capabilities"]').textContent(), /not cross-origin isolated/);
  const scenarios = await page.evaluate(() =>
    window.playground.scenarios.map(({ id, needsSharedMemory }) => ({ id, needsSharedMemory })),
  );
  for (const { id } of scenarios.filter((s) => s.needsSharedMemory)) {
    const notice = section(page, id).locator('[data-role="isolation-notice"]');
    assert.match(
      await notice.textContent(),
      /needs threads that share memory, and this page is not cross-origin isolated/,
      id,
    );
    const link = new URL(await notice.locator('a').getAttribute('href'));
    assert.equal(link.searchParams.get('scenario'), id);
    // Run is disabled, and says why: its description is the notice.
    const run = section(page, id).locator('[data-action="run"]');
    assert.equal(await run.isDisabled(), true, id);
    assert.equal(await run.getAttribute('aria-describedby'), await notice.getAttribute('id'), id);
  }
  const refused = await page.evaluate(() =>
    window.playground.run('threading-basic', {}).done.then(
      () => 'ran',
      (e) => e.message,
    ),
  );
  assert.match(refused, /threading-basic needs threads on shared memory, and this page is not cross-origin isolated/);
  for (const { id } of scenarios.filter((s) => !s.needsSharedMemory)) {
    assert.equal(await runInPage(page, id, { timeout: 60_000 }), 'done', id);
  }
  assert.match(
    await section(page, 'multiprocessing-process').locator('[data-role="notes"]').textContent(),
    /in the parent it is 0/,
  );
  await page.screenshot({ path: join(OUTPUT, 'not-isolated-1280.png') });
  await context.close();
});

async function embedIn(playgroundFlags, scenarioQuery) {
  const playground = await serve(DIST, playgroundFlags);
  const course = await serve(FIXTURES, ['--no-isolation-headers']); // another origin: another port
  const src = new URL(`embed.html?${scenarioQuery}`, playground).href;
  const { page, errors, context } = await openPage(
    suite.browser,
    `${course}course.html?src=${encodeURIComponent(src)}`,
    {
      ready: false,
    },
  );
  const frame = page.frameLocator('iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  const inner = page.frames().find((f) => f.url().startsWith(playground));
  return { page, errors, context, frame, inner, course, playground };
}

test('embedded with Document-Isolation-Policy: isolated inside a non-isolated course page, threads run', async () => {
  const { page, context, frame, inner } = await embedIn(
    ['--frame-ancestors', '*'],
    'scenario=threading-lock&threads=2',
  );
  assert.equal(await isolated(page), false, 'the course page is not isolated');
  assert.equal(await inner.evaluate(() => self.crossOriginIsolated), true, 'the frame is');
  await frame.locator('[data-action="run"]').click();
  await frame.locator('[data-role="status"][data-state="done"]').waitFor({ timeout: 30_000 });
  assert.deepEqual(await frame.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 200000']);
  await page.waitForFunction(() => Number(document.body.dataset.embedHeight) > 300);
  const frameHeight = await page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height);
  assert.equal(
    frameHeight,
    await page.evaluate(() => Number(document.body.dataset.embedHeight)),
    'the frame fits the height the embed reported',
  );
  await page.screenshot({ path: join(OUTPUT, 'embed-isolated.png'), fullPage: true });
  await context.close();
});

test('embedded without Document-Isolation-Policy: not isolated, a notice with a new-tab link, asyncio runs', async () => {
  const { context, frame, inner, playground } = await embedIn(
    ['--frame-ancestors', '*', '--no-document-isolation', '--no-service-worker'],
    'scenario=threading-lock&threads=3',
  );
  assert.equal(await inner.evaluate(() => self.crossOriginIsolated), false);
  const link = new URL(await frame.locator('[data-role="new-tab"]').getAttribute('href'));
  assert.equal(link.origin, new URL(playground).origin);
  assert.equal(link.searchParams.get('scenario'), 'threading-lock');
  assert.equal(link.searchParams.get('threads'), '3', 'the link keeps the parameters');
  assert.equal(await frame.locator('[data-role="new-tab"]').getAttribute('target'), '_blank');
  // asyncio needs no shared memory: it runs in the same kind of frame.
  await inner.goto(new URL('embed.html?scenario=asyncio-gather&delay_ms=100', playground).href);
  await frame.locator('body[data-ready="true"]').waitFor();
  await frame.locator('[data-action="run"]').click();
  await frame.locator('[data-role="status"][data-state="done"]').waitFor({ timeout: 30_000 });
  assert.equal((await frame.locator('[data-role="output"] .text').allTextContents()).length, 9);
  await context.close();
});

test('embedded from a host that sends no headers (GitHub Pages): no reload loop, not isolated, a notice, asyncio runs', async () => {
  const { page, context, frame, playground } = await embedIn(
    ['--no-isolation-headers', '--frame-ancestors', '*'],
    'scenario=asyncio-gather&delay_ms=50',
  );
  // The service worker reloads the frame once (to control it); it cannot isolate a frame
  // whose parent is not, and must not try again and again.
  const inner = async () => {
    await frame.locator('body[data-ready="true"]').waitFor();
    return page.frames().find((f) => f.url().startsWith(playground));
  };
  await page.waitForTimeout(1500);
  const settled = await (await inner()).evaluate(() => [
    performance.timeOrigin,
    performance.getEntriesByType('navigation')[0].type,
  ]);
  await page.waitForTimeout(1000);
  assert.equal(await (await inner()).evaluate(() => performance.timeOrigin), settled[0], 'the frame stopped reloading');
  assert.equal(settled[1], 'reload', 'the service worker reloaded it once');
  assert.equal(await (await inner()).evaluate(() => self.crossOriginIsolated), false);
  // The asyncio lesson needs no shared memory: the embed says it runs, not what others cannot.
  assert.equal(
    await frame.locator('[data-role="capabilities"]').textContent(),
    'This lesson needs no shared memory, so it runs in this frame.',
  );
  await frame.locator('[data-action="run"]').click();
  await frame.locator('[data-role="status"][data-state="done"]').waitFor({ timeout: 30_000 });
  assert.equal((await frame.locator('[data-role="output"] .text').allTextContents()).length, 9);
  await context.close();
});

test('hostile URL parameters are shown as text, with the field messages, and run nothing', async () => {
  const url = await serve(DIST, ['--frame-ancestors', '*']);
  const hostile = new URLSearchParams({
    scenario: 'threading-lock',
    threads: '<script>window.pwned=1</script>',
    iterations: '1e300',
    bogus: '<img src=x onerror="window.pwned=2">',
  });
  const { page, errors, context } = await openPage(suite.browser, `${url}embed.html?${hostile}`);
  const lesson = section(page, 'threading-lock');
  assert.equal(await lesson.locator('input[name="threads"]').inputValue(), '<script>window.pwned=1</script>');
  assert.match(
    await lesson.locator('[data-error-for="threads"]').textContent(),
    /threads must be a whole number from 1 to 16; got "<script>/,
  );
  assert.match(
    await lesson.locator('[data-error-for="iterations"]').textContent(),
    /iterations must be a whole number from 1 to 1_000_000; got "1e300"/,
  );
  assert.match(await lesson.locator('[data-error-for="params"]').textContent(), /unknown parameter "bogus"/);
  await lesson.locator('[data-action="run"]').click();
  assert.equal(await lesson.locator('[data-role="status"]').getAttribute('data-state'), 'idle', 'nothing ran');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('main script, main img').count(), 0);
  const huge = await openPage(suite.browser, `${url}embed.html?scenario=${'9'.repeat(5000)}`);
  assert.match(await huge.page.locator('[data-role="embed-error"]').textContent(), /Unknown scenario "9{40}"/);
  await huge.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test("the npm package works from a course site's own bundle (examples/course-site, built by Vite)", async () => {
  const url = await serve(join(ROOT, 'examples', 'course-site', 'dist'), []);
  const { page, errors, context } = await openPage(suite.browser, url, { ready: false });
  await page.locator('#run:not([disabled])').click({ timeout: 30_000 });
  await page.waitForSelector('body[data-done="true"]', { timeout: 30_000 });
  const lines = await page.locator('#lines li').allTextContents();
  assert.equal(lines.length, 9);
  assert.equal(lines.at(-1), "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]");
  assert.match(await page.locator('#status').textContent(), /Done in \d+ ms/);
  assert.deepEqual(errors, []);
  await context.close();
});
