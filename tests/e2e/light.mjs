// The parameters the registry gives each scenario for tests (`testParams` in `pg.scenarios`,
// from each scenario's Rust file): `light` runs take a moment (layout, accessibility, repeated
// runs), `busy` ones keep a run going for a Stop to cancel. Suites walk these, so a new lesson
// is covered without editing a test.
import { runInPage, section } from './harness.mjs';

/** `{ id: { light, busy } }` for every scenario, from the page's own list. */
export const testParams = (page) =>
  page.evaluate(() => Object.fromEntries(window.playground.scenarios.map((s) => [s.id, s.testParams])));

/** `{ id: params }` of one kind ('light' or 'busy') for every scenario. */
export async function paramsOf(page, kind) {
  const all = await testParams(page);
  return Object.fromEntries(Object.entries(all).map(([id, params]) => [id, params[kind]]));
}

/** Fills a section's fields with its light parameters, runs it; resolves to the final state. */
export async function runLight(page, id) {
  const lesson = section(page, id);
  const light = (await testParams(page))[id].light;
  for (const [name, value] of Object.entries(light)) {
    const field = lesson.locator(`input[name="${name}"]`);
    if ((await field.getAttribute('type')) === 'checkbox') await field.setChecked(value === '1');
    else await field.fill(value);
  }
  return runInPage(page, id, { timeout: 120_000 });
}

/** The ids of every scenario, from the page's own list. */
export const scenarioIds = (page) => page.evaluate(() => window.playground.scenarios.map((s) => s.id));
