// Light parameters for walking every scenario quickly (layout and accessibility tests): the
// slow ones made small within their ranges; a scenario not listed runs with its defaults.
import { runInPage } from './harness.mjs';

export const LIGHT = {
  'threading-basic': { count: '3', delay_ms: '10' },
  'threading-lock': { iterations: '10000' },
  'multiprocessing-pool': { inputs: '10**5, 10**6, 10**6' },
  'asyncio-gather': { delay_ms: '50' },
  'threading-gil': { threads: '2', n: '10**6' },
  'threading-speedup': { n: '10**6' },
  'threading-deadlock': { watchdog_ms: '100' },
  // A whole schedule: the run replays it and ends without waiting for the learner.
  'threading-interleave': { schedule: '1,1,1,1,1,1,2,2,2,2,2,2' },
};

/** Fills a section's fields with its light parameters, runs it; resolves to the final state. */
export async function runLight(page, id) {
  const section = page.locator(`section[data-scenario="${id}"]`);
  for (const [name, value] of Object.entries(LIGHT[id] ?? {})) await section.locator(`input[name="${name}"]`).fill(value);
  return runInPage(page, id, { timeout: 120_000 });
}

/** The ids of every scenario, from the page's own list. */
export const scenarioIds = (page) => page.evaluate(() => window.playground.scenarios.map((s) => s.id));
