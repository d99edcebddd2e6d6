// The whole integration: load the playground, run a scenario, show its lines as they come.
import { load } from 'concurrency-playground';

const pg = await load();
const button = document.getElementById('run');
const lines = document.getElementById('lines');
const status = document.getElementById('status');
status.textContent = `Ready (${pg.scenarios.length} scenarios; cross-origin isolated: ${pg.capabilities.crossOriginIsolated})`;
button.disabled = false;
button.addEventListener('click', async () => {
  lines.replaceChildren();
  const run = pg.run('asyncio-gather', { delay_ms: 200 }, {
    onLine: (text) => lines.append(Object.assign(document.createElement('li'), { textContent: text })),
  });
  const { elapsedMs } = await run.done;
  status.textContent = `Done in ${Math.round(elapsedMs)} ms`;
  document.body.dataset.done = 'true';
});
