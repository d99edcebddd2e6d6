// @ts-check
// One scenario, compact, for an <iframe> in a course site:
//   embed.html?scenario=threading-lock&threads=4
// It tells the parent page its height (`{ type: 'concurrency-playground:height', height }`)
// once it is ready, then whenever it has changed and settled, so the frame can fit its content
// without jumping. With `&predict=1` Run asks for a prediction first; once it is graded the
// embed posts `{ type: 'concurrency-playground:prediction', scenario, predicted, outcome,
// correct }` to the parent. With `&edit=1` the section's Python editor is open from the start;
// `?scenario=python` is the learner's own program, its editor open; a program in the fragment
// (`#py=…`) goes into the editor. Nothing runs until the learner presses Run.
import { lessonsFirst, startLoading } from './start.js';

// The seed's programs: what the main module runs (Rust's `Module::Main`; a host test checks
// that the two lists agree). An embed of any other scenario (a lesson beyond the seed) loads
// the lessons module instead, which runs every program: one download instead of two.
const SEED_PROGRAMS = [
  'threading-basic',
  'threading-lock',
  'multiprocessing-process',
  'multiprocessing-pool',
  'asyncio-gather',
  'concurrent-futures',
];
const shown = new URLSearchParams(location.search).get('scenario');
const lessonShown = shown !== null && shown !== 'python' && !SEED_PROGRAMS.includes(shown);

// As on the full page: the main worker and the compilation start before the other modules
// are evaluated.
const started = startLoading(lessonShown ? lessonsFirst() : {});
// Awaited in start(), not at the top level: a module that awaits at its top level would keep a
// bundler (tools/bundle.mjs) from letting the later-loaded chunks share this file's code.
const building = Promise.all([
  import('./boot.js'),
  import('./dom.js'),
  import('./section.js'),
  import('./url.js'),
  import('./run-view.js'),
  import('./own-program.js'),
]);

const main = /** @type {HTMLElement} */ (document.getElementById('scenarios'));

// The frame keeps room for its scrollbar whether or not one shows (style.css, `html.embed`):
// its height then depends on the content alone (see there).

// How long the height must stay put before the course page is told, and how long a run that
// keeps growing may go untold. A question replaced by "Running…", the lines before the
// timeline, the timeline before the views: each is a moment, not worth moving the course page.
const SETTLE_MS = 150;
const MAX_WAIT_MS = 1000;

/**
 * Calls `post(height)` with the page's height once it has settled: a ResizeObserver sees each
 * change, and the height is read SETTLE_MS after the last one (or MAX_WAIT_MS after the first
 * of a series, so a long run is still followed), in an animation frame, once layout is done.
 * A height is posted only if it differs from the last one posted.
 * @param {(height: number) => void} post
 */
function reportSettledHeight(post) {
  /** @type {number | null} */
  let posted = null;
  let timer = 0;
  /** @type {number | null} */
  let firstChange = null; // of the changes not yet reported
  const report = () =>
    requestAnimationFrame(() => {
      firstChange = null;
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height !== posted) {
        posted = height;
        post(height);
      }
    });
  const changed = () => {
    const now = performance.now();
    firstChange ??= now;
    clearTimeout(timer);
    timer = setTimeout(report, Math.max(0, Math.min(SETTLE_MS, firstChange + MAX_WAIT_MS - now)));
  };
  // Its first callback comes at once, for the size it finds: the first report.
  new ResizeObserver(changed).observe(document.documentElement);
}

// A graded prediction, for a course site that records them. Nothing secret: the learner's
// answers and what the run did.
/** @typedef {{ scenario: string, predicted: unknown, outcome: unknown, correct: boolean }} GradedPrediction */
document.addEventListener('playground:prediction', (event) => {
  const { scenario, predicted, outcome, correct } = /** @type {CustomEvent<GradedPrediction>} */ (event).detail;
  window.parent?.postMessage({ type: 'concurrency-playground:prediction', scenario, predicted, outcome, correct }, '*');
});

/**
 * The capabilities line, for the one lesson shown: where shared memory is missing, a lesson
 * that needs it says why in its own notice (with a link to a new tab), so the line would only
 * repeat it; a lesson that does not need it runs, and the line says so instead of listing what
 * other lessons cannot do.
 * @param {{ needsSharedMemory: boolean }} scenario
 * @param {import('./playground.js').Capabilities} caps
 */
function sayWhatThisLessonCan(scenario, caps) {
  if (caps.sharedMemory) return;
  const line = /** @type {HTMLElement} */ (document.querySelector('[data-role="capabilities"]'));
  if (scenario.needsSharedMemory) line.hidden = true;
  else line.textContent = 'This lesson needs no shared memory, so it runs in this frame.';
}

async function start() {
  const [
    { boot },
    { el },
    { openPythonFromUrl, scenarioSection },
    { pageUrl, paramsFromUrl },
    { loadDrawing },
    { pageScenarios },
  ] = await building;
  const asked = paramsFromUrl(0).id; // the scenario only: its parameters are read once pg is up
  // From the moment there is something to show (the scenario, or why it cannot start), not
  // the line "Loading the playground…" the frame would shrink to for a moment first.
  const reportHeights = () =>
    reportSettledHeight((height) => {
      // The height is no secret, and the course page's origin is unknown here.
      window.parent?.postMessage({ type: 'concurrency-playground:height', height, scenario: asked }, '*');
    });
  const pg = await boot(started).catch((error) => {
    reportHeights();
    throw error;
  });
  const wanted = paramsFromUrl(pg.limits.maxParams);
  const scenarios = pageScenarios(pg.scenarios);
  const scenario = scenarios.find((s) => s.id === wanted.id);
  if (!scenario) {
    const known = scenarios.map((s) => s.id).join(', ');
    main.append(
      el('p', {
        class: 'notice',
        role: 'alert',
        'data-role': 'embed-error',
        text: `Unknown scenario ${JSON.stringify(String(wanted.id ?? '').slice(0, 40))}: give ?scenario= one of ${known}.`,
      }),
    );
  } else {
    sayWhatThisLessonCan(scenario, pg.capabilities);
    main.append(scenarioSection(pg, scenario, { initial: wanted.params, compact: true, predict: wanted.predict }));
    const full = new URL(pageUrl(scenario.id, wanted.params));
    if (wanted.predict) full.searchParams.set('predict', '1');
    if (wanted.edit) full.searchParams.set('edit', '1');
    if (location.hash.startsWith('#py=')) full.hash = location.hash; // the program the embed was given
    /** @type {HTMLAnchorElement} */ (document.querySelector('[data-role="full-page"]')).href = full.href;
    // Open before the first height is posted, so the course page sizes the frame for it once.
    // Not focused: an embed that takes the focus as it loads scrolls the course page to it.
    await openPythonFromUrl(scenarios, scenario.id, { edit: wanted.edit, focus: false });
  }
  document.body.dataset.readyMs = String(performance.now()); // load to ready, as on the full page
  document.body.dataset.ready = 'true';
  reportHeights();
  loadDrawing(); // the timeline's and replay's modules, before a first run needs them
}

start();
