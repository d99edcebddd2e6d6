// The playground page: one section per scenario, built on the same JS API course sites use.
import { boot } from './boot.js';
import { scenarioSection } from './section.js';
import { paramsFromUrl } from './url.js';

const main = document.getElementById('scenarios');

/** The native Rust and CPython figures of the last full bench (www/reference.json), if any. */
async function referenceFigures() {
  try {
    const response = await fetch(new URL('./reference.json', import.meta.url));
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

async function start() {
  const referencePromise = referenceFigures(); // fetched while the module loads
  const pg = await boot();
  const wanted = paramsFromUrl();
  const reference = await referencePromise;
  for (const scenario of pg.scenarios) {
    const initial = scenario.id === wanted.id ? wanted.params : {};
    main.append(scenarioSection(pg, scenario, { initial, reference }));
  }
  const target = wanted.id && main.querySelector(`[data-scenario="${CSS.escape(wanted.id)}"]`);
  if (target) {
    target.classList.add('selected');
    target.scrollIntoView({ block: 'start' });
    target.querySelector('[data-action="run"]')?.focus({ preventScroll: true });
  }
  document.body.dataset.readyMs = String(performance.now()); // page load to ready, for the bench
  document.body.dataset.ready = 'true';
}

start();
