// The playground page: one section per scenario, built on the same JS API course sites use.
import { load } from './playground.js';
import { describeCapabilities, scenarioSection } from './section.js';
import { paramsFromUrl } from './url.js';

const capabilitiesLine = document.querySelector('[data-role="capabilities"]');
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

async function main_() {
  const referencePromise = referenceFigures(); // fetched while the module loads
  let pg;
  try {
    pg = await load();
  } catch (error) {
    capabilitiesLine.textContent = `The playground could not start: ${error.message}`;
    capabilitiesLine.dataset.state = 'error';
    throw error;
  }
  window.playground = pg; // for the console and the end-to-end tests
  capabilitiesLine.textContent = describeCapabilities(pg.capabilities);
  capabilitiesLine.dataset.isolated = String(pg.capabilities.crossOriginIsolated);
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

main_();
