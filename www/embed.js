// One scenario, compact, for an <iframe> in a course site:
//   embed.html?scenario=threading-lock&threads=4
// It tells the parent page its height (`{ type: 'concurrency-playground:height', height }`)
// whenever that changes, so the frame can fit its content.
import { boot } from './boot.js';
import { el } from './dom.js';
import { scenarioSection } from './section.js';
import { pageUrl, paramsFromUrl } from './url.js';

const main = document.getElementById('scenarios');
const wanted = paramsFromUrl();

function reportHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  // The height is no secret, and the course page's origin is unknown here.
  window.parent?.postMessage({ type: 'concurrency-playground:height', height, scenario: wanted.id }, '*');
}

new ResizeObserver(reportHeight).observe(document.documentElement);

async function start() {
  const pg = await boot();
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
