// One scenario, compact, for an <iframe> in a course site:
//   embed.html?scenario=threading-lock&threads=4
// It tells the parent page its height (`{ type: 'concurrency-playground:height', height }`)
// whenever that changes, so the frame can fit its content. With `&predict=1` Run asks for a
// prediction first; once it is graded the embed posts `{ type:
// 'concurrency-playground:prediction', scenario, predicted, outcome, correct }` to the parent.
import { startLoading } from './start.js';

// As on the full page: the main worker and the compilation start before the other modules
// are evaluated.
const started = startLoading();
// Awaited in start(), not at the top level: a module that awaits at its top level would keep a
// bundler (tools/bundle.mjs) from letting the later-loaded chunks share this file's code.
const building = Promise.all([import('./boot.js'), import('./dom.js'), import('./section.js'), import('./url.js'), import('./run-view.js')]);

const main = document.getElementById('scenarios');

// A graded prediction, for a course site that records them. Nothing secret: the learner's
// answers and what the run did.
document.addEventListener('playground:prediction', ({ detail }) => {
  const { scenario, predicted, outcome, correct } = detail;
  window.parent?.postMessage({ type: 'concurrency-playground:prediction', scenario, predicted, outcome, correct }, '*');
});

async function start() {
  const [{ boot }, { el }, { scenarioSection }, { pageUrl, paramsFromUrl }, { loadDrawing }] = await building;
  const wanted = paramsFromUrl();
  const reportHeight = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    // The height is no secret, and the course page's origin is unknown here.
    window.parent?.postMessage({ type: 'concurrency-playground:height', height, scenario: wanted.id }, '*');
  };
  new ResizeObserver(reportHeight).observe(document.documentElement);
  const pg = await boot(started);
  const scenario = pg.scenarios.find((s) => s.id === wanted.id);
  if (!scenario) {
    const known = pg.scenarios.map((s) => s.id).join(', ');
    main.append(el('p', { class: 'notice', role: 'alert', 'data-role': 'embed-error',
      text: `Unknown scenario ${JSON.stringify(String(wanted.id ?? '').slice(0, 40))}: give ?scenario= one of ${known}.` }));
  } else {
    main.append(scenarioSection(pg, scenario, { initial: wanted.params, compact: true, predict: wanted.predict }));
    const full = new URL(pageUrl(scenario.id, wanted.params));
    if (wanted.predict) full.searchParams.set('predict', '1');
    document.querySelector('[data-role="full-page"]').href = full.href;
  }
  document.body.dataset.readyMs = String(performance.now()); // load to ready, as on the full page
  document.body.dataset.ready = 'true';
  reportHeight();
  loadDrawing(); // the timeline's and replay's modules, before a first run needs them
}

start();
