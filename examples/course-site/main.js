// @ts-check
// The whole integration: load the playground, run a scenario, show its lines as they come.
import { load } from 'concurrency-playground';

/** The element with this id in index.html. @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

const pg = await load();
const button = /** @type {HTMLButtonElement} */ (byId('run'));
const lines = byId('lines');
const status = byId('status');
status.textContent = `Ready (${pg.scenarios.length} scenarios; cross-origin isolated: ${pg.capabilities.crossOriginIsolated})`;
button.disabled = false;
button.addEventListener('click', async () => {
  lines.replaceChildren();
  const run = pg.run(
    'asyncio-gather',
    { delay_ms: 200 },
    {
      onLine: (text) => lines.append(Object.assign(document.createElement('li'), { textContent: text })),
    },
  );
  const { elapsedMs } = await run.done;
  status.textContent = `Done in ${Math.round(elapsedMs)} ms`;
  document.body.dataset.done = 'true';
});
