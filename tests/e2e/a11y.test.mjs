// Accessibility: axe-core (npm, WCAG 2.0/2.1 A and AA rules) on the full page at 1280 px light
// and 390 px dark, before and after every scenario runs (and with every code view open), and
// on the embed; and the keyboard: every control and every timeline bar can take focus, and Tab
// goes from Run into the timeline.
//
// axe is evaluated as a string through page.evaluate: the page's CSP allows no inline script
// and no script of another origin, so it cannot be added as a <script>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser, openPage, startServer } from './harness.mjs';
import { runLight, scenarioIds } from './light.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/** axe's violations on the whole document, as `rule (impact): target, target…` lines. */
async function violations(page) {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(`${AXE}; 0`);
  const found = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '').split('\\n').slice(1, 2).join('').trim()) })))`);
  return found.map((v) => `${v.id} (${v.impact}, ${v.help}):\n    ${v.targets.join('\n    ')}`);
}

async function openAllCode(page) {
  for (const details of await page.locator('details.code').all()) {
    await details.locator('summary').click();
    await details.locator('.code-pair[data-state="ready"]').waitFor();
  }
}

for (const [width, height, scheme] of [[1280, 800, 'light'], [390, 844, 'dark']]) {
  test(`axe: the full page at ${width} px ${scheme}, before and after every scenario runs`, async () => {
    const { page, errors, context } = await openPage(browser, server.url, { viewport: { width, height }, colorScheme: scheme });
    assert.deepEqual(await violations(page), [], 'before any run');
    if (width < 1100) { // the narrow nav, opened
      await page.locator('nav[aria-label="Scenarios"] summary').click();
      assert.deepEqual(await violations(page), [], 'with the nav open');
      await page.locator('nav[aria-label="Scenarios"] summary').click();
    }
    for (const id of await scenarioIds(page)) {
      const state = await runLight(page, id);
      assert.ok(['done', 'error'].includes(state), `${id} ended ${state}`);
    }
    await openAllCode(page);
    await page.locator('.lang-rust button.code-fold').first().click(); // one fold open
    assert.deepEqual(await violations(page), [], 'after every scenario ran, with the code shown');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('axe: the embed (threading-lock), before and after a run', async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}embed.html?scenario=threading-lock&threads=4`, { viewport: { width: 700, height: 900 } });
  assert.deepEqual(await violations(page), [], 'before the run');
  assert.equal(await runLight(page, 'threading-lock'), 'done');
  await page.locator('[data-view="race-ledger"] [data-role="ledger"]').waitFor();
  assert.deepEqual(await violations(page), [], 'after the run (with its ledger)');
  // Run many times: the sweep and the histogram.
  await page.locator('input[name="repeat-runs"]').fill('20');
  await page.locator('input[name="repeat-sweep"]').fill('1, 100');
  await page.locator('[data-action="repeat"]').click();
  await page.locator('[data-role="histogram"]').waitFor({ timeout: 60_000 });
  assert.deepEqual(await violations(page), [], 'after running many times (sweep and histogram)');
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard: every control and every timeline bar can take focus; Tab goes from Run into the timeline', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  for (const id of ['threading-basic', 'threading-lock', 'asyncio-gather']) assert.equal(await runLight(page, id), 'done');
  await openAllCode(page);
  const unfocusable = await page.evaluate(() => [...document.querySelectorAll('button, input, select, textarea, summary, a[href], [role="button"], rect.bar, [data-kind="tick"]')]
    .filter((e) => !e.disabled && !e.closest('[hidden]') && e.tabIndex < 0)
    .map((e) => e.outerHTML.slice(0, 100)));
  assert.deepEqual(unfocusable, []);
  const bars = await page.locator('rect.bar').count();
  assert.ok(bars > 10, `${bars} bars drawn`);
  assert.equal(await page.locator('rect.bar[tabindex="0"]').count(), bars, 'every bar is in the tab order');
  // A real Tab from Run lands on the timeline (its first bar or tick), whose detail then shows.
  const section = page.locator('section[data-scenario="threading-basic"]');
  await section.locator('[data-action="run"]').focus();
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement.matches('.timeline-svg :is(rect.bar, [data-kind="tick"])')),
    `Tab from Run reaches a bar or tick, not ${await page.evaluate(() => document.activeElement.outerHTML.slice(0, 80))}`);
  assert.match(await section.locator('.timeline-detail').textContent(), /^MainThread/);
  assert.deepEqual(errors, []);
  await context.close();
});
