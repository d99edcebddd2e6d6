// Finding one's way in the full page: the navigation (grouped as the seed groups its
// programs), deep links by #id alone or with ?scenario=, the current section marked while
// scrolling; no sideways scrolling at 390 px after any scenario runs; the Rust column's quoted
// Python folded. Screenshots at 1280 light and 390 dark go to test-output/ to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, OUTPUT, section, useSuite } from './harness.mjs';
import { runLight, scenarioIds } from './light.mjs';

const suite = useSuite();

const WIDE = { viewport: { width: 1280, height: 800 }, colorScheme: 'light' };
const PHONE = { viewport: { width: 390, height: 844 }, colorScheme: 'dark' };
const nav = 'nav[aria-label="Scenarios"]';
const currentLinks = (page) =>
  page.locator(`${nav} a[aria-current="true"]`).evaluateAll((as) => as.map((a) => a.dataset.scenarioLink));
/** The section's top relative to the viewport, in px. */
const topOf = (page, id) => section(page, id).evaluate((s) => s.getBoundingClientRect().top);

test("the nav lists every scenario, grouped as the seed groups them, then the learner's own program, then the lessons beyond the seed", async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url, WIDE);
  const scenarios = await page.evaluate(() =>
    window.playground.scenarios.map(({ id, seedSection, fromSeed }) => ({ id, seedSection, fromSeed })),
  );
  const groups = await page.locator(`${nav} .nav-group`).evaluateAll((gs) =>
    gs.map((g) => ({
      name: g.querySelector('.nav-group-name').textContent,
      ids: [...g.querySelectorAll('a')].map((a) => a.getAttribute('href').slice(1)),
    })),
  );
  assert.deepEqual(
    groups.map((g) => g.name),
    ['Threading', 'Multiprocessing', 'Asyncio', 'Concurrent Futures', 'Your own Python', 'Lessons beyond the seed'],
  );
  for (const s of scenarios) {
    const group = groups.find((g) => g.ids.includes(s.id));
    assert.ok(group, `${s.id} is in the nav`);
    assert.equal(group.name, s.fromSeed ? s.seedSection.split(': ')[0] : 'Lessons beyond the seed', s.id);
  }
  // The learner's own program is a section of the page, not a scenario of pg.run.
  assert.deepEqual(groups.find((g) => g.name === 'Your own Python').ids, ['python']);
  assert.equal(groups.flatMap((g) => g.ids).length, scenarios.length + 1, 'each scenario once, and the own program');
  // The links are in the order of the sections on the page.
  const sections = await page.locator('section[data-scenario]').evaluateAll((ss) => ss.map((s) => s.dataset.scenario));
  assert.deepEqual(
    groups.flatMap((g) => g.ids),
    sections,
  );
  // Wide: a sticky side column, visible while the page scrolls far down.
  await section(page, 'threading-deadlock').scrollIntoViewIfNeeded();
  const box = await page.locator(nav).boundingBox();
  assert.ok(box.y >= 0 && box.y < 10 && box.x < 100 && box.width < 300, `side column at ${JSON.stringify(box)}`);
  assert.ok(await page.locator(`${nav} a[href="#threading-basic"]`).isVisible());
  assert.deepEqual(errors, []);
  await context.close();
});

test('#id alone scrolls to, selects and marks its section, and focuses its Run', async () => {
  const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}index.html#threading-lock`, WIDE);
  const top = await topOf(page, 'threading-lock');
  assert.ok(top >= 0 && top < 40, `the section is at the top (${top} px)`);
  assert.equal(await page.locator('section.selected').getAttribute('data-scenario'), 'threading-lock');
  assert.deepEqual(await currentLinks(page), ['threading-lock']);
  assert.equal(
    await page.evaluate(() => document.activeElement.closest('section')?.dataset.scenario),
    'threading-lock',
  );
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'run');
  assert.deepEqual(errors, []);
  await context.close();
});

test('#id works with ?scenario=ID&param=…: the parameters stay in the query and fill the fields', async () => {
  const { page, errors, context } = await openPage(
    suite.browser,
    `${suite.server.url}index.html?scenario=threading-lock&threads=4#threading-lock`,
    WIDE,
  );
  const lesson = section(page, 'threading-lock');
  assert.equal(await lesson.locator('input[name="threads"]').inputValue(), '4');
  assert.equal(await page.locator('section.selected').getAttribute('data-scenario'), 'threading-lock');
  const top = await topOf(page, 'threading-lock');
  assert.ok(top >= 0 && top < 40, `scrolled to it (${top} px)`);
  await context.close();

  // ?scenario= alone: as before, selected, scrolled to, fields filled, Run focused.
  const alone = await openPage(
    suite.browser,
    `${suite.server.url}index.html?scenario=threading-deadlock&ordered=1`,
    WIDE,
  );
  const deadlock = section(alone.page, 'threading-deadlock');
  assert.equal(await deadlock.locator('input[name="ordered"]').isChecked(), true);
  assert.equal(await alone.page.locator('section.selected').getAttribute('data-scenario'), 'threading-deadlock');
  assert.equal(
    await alone.page.evaluate(() => document.activeElement.closest('section')?.dataset.scenario),
    'threading-deadlock',
  );
  assert.ok(await deadlock.evaluate((s) => s.getBoundingClientRect().top < innerHeight), 'in view');
  // A hash naming no scenario changes nothing.
  const unknown = await openPage(suite.browser, `${suite.server.url}index.html#no-such-scenario`, WIDE);
  assert.equal(await unknown.page.locator('section.selected').count(), 0);
  assert.deepEqual([...errors, ...alone.errors, ...unknown.errors], []);
  await alone.context.close();
  await unknown.context.close();
});

test("?scenario=python and #python: the learner's own program is selected, marked, and its editor opens with the focus", async () => {
  for (const path of ['index.html?scenario=python', 'index.html#python']) {
    const { page, errors, context } = await openPage(suite.browser, `${suite.server.url}${path}`, WIDE);
    assert.equal(await page.locator('section.selected').getAttribute('data-scenario'), 'python', path);
    assert.deepEqual(await currentLinks(page), ['python'], path);
    const top = await topOf(page, 'python');
    assert.ok(top >= 0 && top < 40, `${path}: scrolled to it (${top} px)`);
    await section(page, 'python').locator('[data-role="python-editor"] .cm-content').waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.classList.contains('cm-content')),
      true,
      `${path}: the editor has the focus`,
    );
    assert.deepEqual(errors, [], path);
    await context.close();
  }
});

test('a nav link goes to its section and selects it; scrolling marks the current section', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url, WIDE);
  await page.locator(`${nav} a[href="#asyncio-gather"]`).click();
  await page.waitForFunction(() => document.querySelector('section.selected')?.dataset.scenario === 'asyncio-gather');
  assert.equal(new URL(page.url()).hash, '#asyncio-gather');
  const top = await topOf(page, 'asyncio-gather');
  assert.ok(top >= 0 && top < 40, `scrolled to it (${top} px)`);
  await page.waitForFunction(
    () => document.querySelector('nav a[aria-current="true"]')?.dataset.scenarioLink === 'asyncio-gather',
  );
  // Scrolling (no click) moves the mark; exactly one link carries it.
  for (const id of ['multiprocessing-pool', 'threading-gil']) {
    await section(page, id).evaluate((s) => window.scrollTo(0, s.offsetTop + 40));
    await page.waitForFunction(
      (sid) => document.querySelector('nav a[aria-current="true"]')?.dataset.scenarioLink === sid,
      id,
    );
    assert.deepEqual(await currentLinks(page), [id]);
  }
  await page.screenshot({ path: join(OUTPUT, 'nav-mid-1280-light.png') });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUTPUT, 'nav-top-1280-light.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('390 px: the nav is a one-line disclosure naming the current section; a link closes it', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url, PHONE);
  const bar = await page.locator(nav).boundingBox();
  assert.ok(bar.height <= 60, `the closed nav is ${bar.height} px tall`);
  assert.equal(await page.locator(`${nav} a[href="#threading-basic"]`).isVisible(), false, 'closed at first');
  await page.screenshot({ path: join(OUTPUT, 'nav-top-390-dark.png') });
  await page.locator(`${nav} summary`).click();
  assert.ok(await page.locator(`${nav} a[href="#concurrent-futures"]`).isVisible());
  const open = await page.locator(`${nav} .nav-groups`).boundingBox();
  assert.ok(open.height < 844 * 0.75, `the open list takes ${open.height} px of 844`);
  await page.locator(`${nav} a[href="#concurrent-futures"]`).click();
  await page.waitForFunction(
    () => document.querySelector('section.selected')?.dataset.scenario === 'concurrent-futures',
  );
  assert.equal(await page.locator(`${nav} details`).evaluate((d) => d.open), false, 'closed after choosing');
  const top = await topOf(page, 'concurrent-futures');
  const navBottom = (await page.locator(nav).boundingBox()).height;
  assert.ok(
    top >= navBottom - 1 && top < navBottom + 40,
    `the section starts below the sticky bar (${top} px, bar ${navBottom} px)`,
  );
  await page.waitForFunction(() =>
    /Thread and process executors/.test(document.querySelector('[data-role="nav-current"]').textContent),
  );
  await page.evaluate(() => window.scrollBy(0, 300));
  await page.screenshot({ path: join(OUTPUT, 'nav-mid-390-dark.png') });
  // Escape closes the open list and returns to its summary.
  await page.locator(`${nav} summary`).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(`${nav} details`).evaluate((d) => d.open), true);
  await page.screenshot({ path: join(OUTPUT, 'nav-open-390-dark.png') });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator(`${nav} details`).evaluate((d) => d.open), false);
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
  assert.deepEqual(errors, []);
  await context.close();
});

test('390 px: no sideways scrolling after any scenario runs; lane labels stay inside the timeline', async () => {
  const { page, errors, context } = await openPage(suite.browser, suite.server.url, PHONE);
  for (const id of await scenarioIds(page)) {
    assert.equal(await runLight(page, id), 'done', `${id}: a light run ends done`);
    const [scroll, client] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    assert.ok(scroll <= client, `after ${id}: scrollWidth ${scroll} > clientWidth ${client}`);
    // In one evaluation: a timeline may be redrawn (replaced) between two.
    const outside = await page.evaluate(
      (sid) =>
        [...document.querySelectorAll(`section[data-scenario="${sid}"] :not(svg) > svg`)].flatMap((svg) => {
          const right = svg.getBoundingClientRect().right;
          const host = svg.parentElement.getBoundingClientRect().right;
          return [...svg.querySelectorAll('text')]
            .filter((t) => t.getBoundingClientRect().right > right + 1 || right > host + 1)
            .map((t) => `${t.textContent} (${Math.round(t.getBoundingClientRect().right)} > ${Math.round(right)})`);
        }),
      id,
    );
    assert.deepEqual(outside, [], `${id}: text past the right edge of its drawing`);
  }
  // A shortened lane label keeps its full text in the details of the lane's bars.
  const gil = section(page, 'threading-gil').locator('[data-role="timeline"]');
  const long = gil.locator('text.lane-label', { hasText: '…' }).first();
  assert.ok((await long.count()) > 0, 'the GIL lesson has a label too long for 390 px');
  const full = await long.locator('title').textContent();
  const detail = await gil
    .locator(`g.lane[data-lane="${full.split(' · ')[0]}"] rect.bar`)
    .first()
    .getAttribute('data-detail');
  assert.ok(detail.endsWith(`(lane: ${full})`), detail);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Rust column folds the Python it quotes into one line; click or Enter shows it; pairing still works', async () => {
  for (const [options, name] of [
    [WIDE, 'code-fold-1280-light.png'],
    [PHONE, 'code-fold-390-dark.png'],
  ]) {
    const { page, errors, context } = await openPage(suite.browser, suite.server.url, options);
    const lesson = section(page, 'threading-lock');
    await lesson.locator('details.code summary').click();
    await lesson.locator('.code-pair[data-state="ready"]').waitFor();
    const fold = lesson.locator('.lang-rust button.code-fold').first();
    const folded = lesson.locator('.lang-rust .code-folded').first();
    assert.match(await fold.textContent(), /^\/\/! ```python … ``` \(quoted Python, \d+ lines: show\)$/);
    assert.equal(await fold.getAttribute('aria-expanded'), 'false');
    assert.equal(await folded.isVisible(), false);
    // The first visible Rust line is the fold, right after the file's one-line summary.
    const firstLines = await lesson
      .locator('.lang-rust > code > *')
      .evaluateAll((els) => els.slice(0, 3).map((e) => e.className));
    assert.deepEqual(firstLines.slice(0, 3), ['code-line', 'code-line', 'code-fold']);
    const hidden = await folded.locator('.code-line').count();
    const python = await lesson.locator('.lang-python .code-line').count();
    assert.equal(hidden, python + 2, 'the quoted Python and its two fences');
    assert.match(await fold.textContent(), new RegExp(`, ${hidden} lines: show`));
    await lesson.locator('.lang-rust').evaluate((pre) => pre.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(OUTPUT, name) });
    // Pairing: hovering a Python line lights it and its Rust line.
    await lesson.locator('.lang-python .code-line.paired').first().hover();
    assert.equal(await lesson.locator('.code-line.lit').count(), 2);
    // Keyboard: Tab reaches the fold, Enter opens it, Enter closes it.
    await fold.focus();
    await page.keyboard.press('Enter');
    assert.equal(await fold.getAttribute('aria-expanded'), 'true');
    assert.ok(await folded.isVisible());
    assert.match(await fold.textContent(), /: hide\)$/);
    await page.keyboard.press('Enter');
    assert.equal(await folded.isVisible(), false);
    await fold.click();
    assert.ok(await folded.isVisible(), 'a click opens it');
    assert.deepEqual(errors, []);
    await context.close();
  }
});
