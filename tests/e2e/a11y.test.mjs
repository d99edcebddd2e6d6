// Accessibility: axe-core (npm, WCAG 2.0/2.1 A and AA rules) on the full page at 1280 px light
// and 390 px dark, before and after every scenario runs (and with every code view and every
// Python editor open), and on the embed; and the keyboard: every control and every timeline bar can take focus, and Tab
// goes from Run into the timeline.
//
// axe is evaluated as a string through page.evaluate: the page's CSP allows no inline script
// and no script of another origin, so it cannot be added as a <script>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, section, useSuite } from './harness.mjs';
import { axeViolations } from './axe.mjs';
import { runLight, scenarioIds } from './light.mjs';

const suite = useSuite();

async function openAllCode(page) {
  for (const details of await page.locator('details.code').all()) {
    await details.locator('summary').click();
    await details.locator('.code-pair[data-state="ready"]').waitFor();
  }
}

/** Opens the Python editor of every section that has one (the seed's and the learner's own). */
async function openAllEditors(page) {
  const panels = await page
    .locator('[data-action="edit-python"][aria-expanded="false"]')
    .evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-controls')));
  for (const panel of panels) {
    await page.locator(`[data-action="edit-python"][aria-controls="${panel}"]`).click();
    await page.locator(`#${panel} [data-role="python-editor"] .cm-content`).waitFor();
  }
}

for (const [width, height, scheme] of [
  [1280, 800, 'light'],
  [390, 844, 'dark'],
]) {
  test(`axe: the full page at ${width} px ${scheme}, before and after every scenario runs, with every editor open`, async () => {
    const { page, errors, context } = await openPage(suite.browser, suite.server.url, {
      viewport: { width, height },
      colorScheme: scheme,
    });
    assert.deepEqual(await axeViolations(page), [], 'before any run');
    if (width < 1100) {
      // the narrow nav, opened
      await page.locator('nav[aria-label="Scenarios"] summary').click();
      assert.deepEqual(await axeViolations(page), [], 'with the nav open');
      await page.locator('nav[aria-label="Scenarios"] summary').click();
    }
    for (const id of await scenarioIds(page)) {
      assert.equal(await runLight(page, id), 'done', `${id}: a light run ends done`);
    }
    await openAllCode(page);
    await page.locator('.lang-rust button.code-fold').first().click(); // one fold open
    await openAllEditors(page);
    assert.equal(
      await page.locator('[data-role="python-editor"]').count(),
      await page.locator('[data-action="edit-python"]').count(),
    );
    // Before axe: it adds a <style> to check the editors' shadow roots, which the page's CSP
    // refuses (console errors of axe's own).
    assert.deepEqual(errors, []);
    assert.deepEqual(
      await axeViolations(page),
      [],
      'after every scenario ran, with the code and the Python editors shown',
    );
    await context.close();
  });
}

test('axe: the embed (threading-lock), before and after a run', async () => {
  const { page, errors, context } = await openPage(
    suite.browser,
    `${suite.server.url}embed.html?scenario=threading-lock&threads=4`,
    { viewport: { width: 700, height: 900 } },
  );
  assert.deepEqual(await axeViolations(page), [], 'before the run');
  assert.equal(await runLight(page, 'threading-lock'), 'done');
  await page.locator('[data-view="race-ledger"] [data-role="ledger"]').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'after the run (with its ledger)');
  // Run many times: the sweep and the histogram.
  await page.locator('input[name="repeat-runs"]').fill('20');
  await page.locator('input[name="repeat-sweep"]').fill('1, 100');
  await page.locator('[data-action="repeat"]').click();
  await page.locator('[data-role="histogram"]').waitFor({ timeout: 60_000 });
  assert.deepEqual(await axeViolations(page), [], 'after running many times (sweep and histogram)');
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard: every control and every timeline bar can take focus; Tab goes from Run past the Python mode into the timeline', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url);
  for (const id of ['threading-basic', 'threading-lock', 'asyncio-gather'])
    assert.equal(await runLight(page, id), 'done');
  await openAllCode(page);
  const unfocusable = await page.evaluate(() =>
    [
      ...document.querySelectorAll(
        'button, input, select, textarea, summary, a[href], [role="button"], rect.bar, [data-kind="tick"]',
      ),
    ]
      .filter((e) => !e.disabled && !e.closest('[hidden]') && e.tabIndex < 0)
      .map((e) => e.outerHTML.slice(0, 100)),
  );
  assert.deepEqual(unfocusable, []);
  const bars = await page.locator('rect.bar').count();
  assert.ok(bars > 10, `${bars} bars drawn`);
  assert.equal(await page.locator('rect.bar[tabindex="0"]').count(), bars, 'every bar is in the tab order');
  // A real Tab from Run lands on "Edit and run this Python", the next on the timeline (its
  // first bar or tick), whose detail then shows.
  const lesson = section(page, 'threading-basic');
  await lesson.locator('[data-action="run"]').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'edit-python');
  await page.keyboard.press('Tab');
  assert.ok(
    await page.evaluate(() => document.activeElement.matches('.timeline-svg :is(rect.bar, [data-kind="tick"])')),
    `Tab from Run reaches a bar or tick, not ${await page.evaluate(() => document.activeElement.outerHTML.slice(0, 80))}`,
  );
  assert.match(await lesson.locator('.timeline-detail').textContent(), /^MainThread/);
  assert.deepEqual(errors, []);
  await context.close();
});
