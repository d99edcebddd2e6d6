// The playground page: one section per scenario, built on the same JS API course sites use.
import { load } from './playground.js';
import { describeCapabilities, scenarioSection } from './section.js';
import { paramsFromUrl } from './url.js';

const capabilitiesLine = document.querySelector('[data-role="capabilities"]');
const main = document.getElementById('scenarios');

async function main_() {
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
  for (const scenario of pg.scenarios) {
    const initial = scenario.id === wanted.id ? wanted.params : {};
    main.append(scenarioSection(pg, scenario, { initial }));
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
