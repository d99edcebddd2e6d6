// threading-interleave's figures, shared by its end-to-end test and `./build.sh bench`: the
// latency of one granted step, from the click on a step button to the shared panel showing
// the step (the input crosses to the main worker, the real thread takes the step on its worker,
// the event comes back), and the explorer's speed over every order of 2 threads x 3 increments.

import { section } from './harness.mjs';
const ID = 'threading-interleave';
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Starts a step-mode run of 3 threads x 5 increments in the page's section, clicks `steps`
 * step buttons in turn, each after the last was shown, then lets the browser finish the rest.
 * Resolves to `{ n, p50, p95, max }` in ms.
 */
export async function stepLatencies(page, steps = 40) {
  const lesson = section(page, ID);
  await lesson.locator('input[name="threads"]').fill('3');
  await lesson.locator('input[name="k"]').fill('5');
  await lesson.locator('input[name="schedule"]').fill('');
  await lesson.locator('[data-action="run"]').click();
  await lesson.locator('[data-action="step"][data-lane="Thread-1"]').waitFor();
  const times = await page.evaluate(
    async ([id, n]) => {
      const root = document.querySelector(`section[data-scenario="${id}"]`);
      const shared = root.querySelector('[data-role="shared"]');
      const out = [];
      for (let i = 0; i < n; i++) {
        const target = String(i + 1);
        const shown = new Promise((resolve) => {
          const observer = new MutationObserver(() => {
            if (shared.dataset.steps === target) {
              observer.disconnect();
              resolve();
            }
          });
          observer.observe(shared, { attributes: true, attributeFilter: ['data-steps'] });
        });
        const t = performance.now();
        root.querySelector(`[data-action="step"][data-lane="Thread-${(i % 3) + 1}"]`).click();
        await shown;
        out.push(performance.now() - t);
        await new Promise((r) => requestAnimationFrame(r)); // one step per frame, as a learner clicks
      }
      return out;
    },
    [ID, steps],
  );
  await lesson.locator('[data-action="free"]').click();
  await page.waitForFunction(
    (id) => document.querySelector(`section[data-scenario="${id}"] [data-role="status"]`).dataset.state === 'done',
    ID,
  );
  const sorted = [...times].sort((a, b) => a - b);
  return { n: times.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
}

/** Explores every order of `threads` x `k` through the API: `{ orders, ms, perSecond }`. */
export async function exploreFigures(page, threads = 2, k = 3) {
  const { orders, ms } = await page.evaluate(
    async ([t, kk]) => {
      const { value } = await window.playground.run(
        'threading-interleave',
        { threads: t, k: kk },
        { action: 'explore' },
      ).done;
      return { orders: Number(value.orders), ms: value.ms };
    },
    [threads, k],
  );
  return { orders, ms, perSecond: (orders * 1000) / ms };
}
