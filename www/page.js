// @ts-check
// The playground page: one section per scenario, and the learner's own Python program, built
// on the same JS API course sites use.
import { startLoading } from './start.js';

// The main worker and the wasm's compilation start first, before the page's other modules
// (preloaded) are even evaluated: this module imports nothing else statically, so it runs as
// soon as the HTML is parsed, and the worker's start-up overlaps everything after.
const started = startLoading();
const modules = Promise.all([
  import('./section.js'),
  import('./nav.js'),
  import('./url.js'),
  import('./run-view.js'),
  import('./own-program.js'),
]);

/**
 * @typedef {import('./playground.js').PlaygroundApi} PlaygroundApi
 * @typedef {import('./own-program.js').PageScenario} PageScenario
 */

const main = /** @type {HTMLElement} */ (document.getElementById('scenarios'));
const nav = /** @type {HTMLElement} */ (document.getElementById('scenario-nav'));

/** The native Rust and CPython figures of the last full bench (www/reference.json), if any. */
async function referenceFigures() {
  try {
    const response = await fetch(new URL('./reference.json', import.meta.url));
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/**
 * The sections, made while the workers start (boot's `prepareView`); they join the page once
 * the workers are up, so the browser lays them out after that, not while the page waits. The
 * reference figures are shown only after a run: the sections do not wait for them, and they
 * are fetched once the page is ready, not in its first load.
 * @param {PlaygroundApi} pg
 * @param {Promise<unknown>} reference
 */
async function makeSections(pg, reference) {
  const [{ scenarioSection }, , { paramsFromUrl }, , { pageScenarios }] = await modules;
  const wanted = paramsFromUrl(pg.limits.maxParams);
  const sections = document.createDocumentFragment();
  for (const scenario of pageScenarios(pg.scenarios)) {
    const initial = scenario.id === wanted.id ? wanted.params : {};
    sections.append(scenarioSection(pg, scenario, { initial, reference, predict: wanted.predict }));
  }
  return sections;
}

async function start() {
  /** @type {() => void} */
  let fetchReference = () => {};
  const reference = new Promise((resolve) => {
    fetchReference = () => referenceFigures().then(resolve);
  });
  const { boot } = await import('./boot.js');
  /** @type {DocumentFragment | undefined} */
  let sections;
  const pg = await boot(started, async (described) => {
    sections = await makeSections(described, reference);
  });
  fetchReference(); // now that the page is ready: whatever follows cannot keep a run's figures waiting
  const [, { deepLinkTarget, scenarioNav }, { paramsFromUrl }, { loadDrawing }, { pageScenarios }] = await modules;
  const wanted = paramsFromUrl(pg.limits.maxParams);
  const listed = pageScenarios(pg.scenarios);
  main.append(/** @type {DocumentFragment} */ (sections)); // made before boot() resolves
  // `#id` or `?scenario=id` (parameters stay in the query): select it, scroll to it, focus Run.
  const navigation = scenarioNav(nav, main, listed);
  navigation.select(deepLinkTarget(listed, wanted.id));
  // `#run=…`: a recorded run to show, nothing run. `#py=…`, `edit=1`: a Python editor open.
  await openRunInFragment(pg, wanted.id);
  await openPythonInUrl(listed, navigation, wanted);
  addEventListener('hashchange', () => {
    const now = paramsFromUrl(pg.limits.maxParams);
    openRunInFragment(pg, now.id);
    openPythonInUrl(listed, navigation, now);
  });
  document.body.dataset.readyMs = String(performance.now()); // page load to ready, for the bench
  document.body.dataset.ready = 'true';
  loadDrawing(); // the timeline's and replay's modules, before a first run needs them
}

/**
 * A shared run in the fragment (`#run=...`) is shown, recorded, in its scenario's section;
 * nothing runs. What is wrong with a damaged one is said in the section the link names, or
 * at the top of the page.
 * @param {PlaygroundApi} pg
 * @param {string | null} id
 */
async function openRunInFragment(pg, id) {
  if (!location.hash.startsWith('#run=')) return;
  const [{ ShareError, decodeRun }, { knownToRecords, offerRecorded }] = await Promise.all([
    import('./share.js'), // only for a link to a recorded run
    import('./section.js'), // loaded already: the sections are on the page
  ]);
  const pageMessage = /** @type {HTMLElement} */ (document.querySelector('[data-role="page-message"]'));
  pageMessage.hidden = true;
  // Awaited: the page is ready once the run is on show.
  try {
    const record = await decodeRun(location.hash, knownToRecords(pg));
    const shown = offerRecorded({ record });
    if (!shown) throw new ShareError(`This page has no section for "${record.scenario}".`);
    await shown;
  } catch (error) {
    const text =
      error instanceof ShareError
        ? error.message
        : `The run in this link could not be read: ${/** @type {Error} */ (error).message}`;
    if (!offerRecorded({ error: text, scenario: id })) {
      pageMessage.textContent = text;
      pageMessage.hidden = false;
    }
  }
}

/**
 * A Python program in the fragment (`#py=…`), `edit=1`, or the learner's own program as the
 * section asked for: that section's editor opens (see openPythonFromUrl), and the section it
 * opened in is selected if it is not the one asked for (a program for a section without one).
 * @param {PageScenario[]} scenarios
 * @param {ReturnType<typeof import('./nav.js').scenarioNav>} navigation
 * @param {ReturnType<typeof import('./url.js').paramsFromUrl>} wanted
 */
async function openPythonInUrl(scenarios, navigation, wanted) {
  if (location.hash.startsWith('#run=')) return; // what that link shows is a recorded run
  const [{ openPythonFromUrl }, { deepLinkTarget }] = await modules;
  const target = deepLinkTarget(scenarios, wanted.id);
  const editing = await openPythonFromUrl(scenarios, target, { edit: wanted.edit });
  if (editing && editing !== target) navigation.select(editing, { focus: false });
}

start();
