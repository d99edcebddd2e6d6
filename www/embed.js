// One scenario, compact, for an <iframe> in a course site:
//   embed.html?scenario=threading-lock&threads=4
// It tells the parent page its height (`{ type: 'concurrency-playground:height', height }`)
// whenever that changes, so the frame can fit its content.
import { load } from './playground.js';
import { describeCapabilities, el, scenarioSection } from './section.js';
import { pageUrl, paramsFromUrl } from './url.js';

const capabilitiesLine = document.querySelector('[data-role="capabilities"]');
const main = document.getElementById('scenarios');

function reportHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  // The height is no secret, and the course page's origin is unknown here.
  window.parent?.postMessage({ type: 'concurrency-playground:height', height, scenario: wanted.id }, '*');
}

const wanted = paramsFromUrl();
new ResizeObserver(reportHeight).observe(document.documentElement);

async function start() {
  const pg = await load().catch((error) => {
    capabilitiesLine.textContent = `The playground could not start: ${error.message}`;
    throw error;
  });
  window.playground = pg;
  capabilitiesLine.textContent = describeCapabilities(pg.capabilities);
  capabilitiesLine.dataset.isolated = String(pg.capabilities.crossOriginIsolated);
  const scenario = pg.scenarios.find((s) => s.id === wanted.id);
  if (!scenario) {
    const known = pg.scenarios.map((s) => s.id).join(', ');
    main.append(el('p', { class: 'notice', role: 'alert', 'data-role': 'embed-error',
      text: `Unknown scenario ${JSON.stringify(String(wanted.id ?? '').slice(0, 40))}: give ?scenario= one of ${known}.` }));
  } else {
    main.append(scenarioSection(pg, scenario, { initial: wanted.params, compact: true }));
    document.querySelector('[data-role="full-page"]').href = pageUrl(scenario.id, wanted.params);
  }
  document.body.dataset.ready = 'true';
  reportHeight();
}

start();
