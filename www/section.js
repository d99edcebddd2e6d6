// @ts-check
// One scenario's section of the page: parameters, Run and Stop, the Python mode's editor, the
// printed lines, what the playground adds, the timeline, the scenario's own views and the code.
// The full page and the embed both build it from the same parts: fields.js (parameters),
// run-view.js (a run), code.js (the code view), python/panel.js (the editor); nothing here
// depends on which scenario it is. The learner's own program (own-program.js) is described as a
// scenario is, with no parameters and no Rust program: its section is built here too.
import { ParamError } from './playground.js';
import { el, formatMs, linkField, stylesheet } from './dom.js';
import { paramFields } from './fields.js';
import { predictionParts } from './predict.js';
import { runParts, showRecorded, showRun } from './run-view.js';
import { OWN_PROGRAM, pageScenarios } from './own-program.js';
import { pageUrl } from './url.js';

// Loaded when first needed, not with the page: sharing, trace export and the code view are
// a click away, and the first load is what every learner waits for.
const loadShare = () => import('./share.js');

/**
 * @typedef {import('./playground.js').PlaygroundApi} PlaygroundApi
 * @typedef {import('./playground.js').ScenarioAction} ScenarioAction
 * @typedef {import('./playground.js').ParamSpec} ParamSpec
 * @typedef {import('./playground.js').ParamProblem} ParamProblem
 * @typedef {import('./playground.js').RunResult} RunResult
 * @typedef {import('./playground.js').RunError} RunError
 * @typedef {import('./share.js').RunRecord} RunRecord
 * @typedef {import('./fields.js').ParamFields} ParamFields
 * @typedef {import('./run-view.js').RunParts} RunParts
 * @typedef {import('./run-view.js').Ended} Ended
 * @typedef {import('./predictions.js').GradedPrediction} GradedPrediction
 * @typedef {ReturnType<typeof import('./python/panel.js').pythonPanel>} PanelPromise
 * @typedef {{ edit: string, restore: string, restored: string }} PythonLabels
 * @typedef {{
 *   id: string, title: string, params: Record<string, ParamSpec>, actions: ScenarioAction[], views: string[],
 *   python: string, notice: string, needsSharedMemory: boolean, fromSeed: boolean, seedSection?: string,
 *   module?: import('./playground.js').WorldKind,
 *   predict?: boolean, rustFile?: string, moreRustFiles?: string[], own?: boolean, origin?: string,
 *   pythonLabels?: PythonLabels,
 * }} SectionScenario what a section reads of its description (a PageScenario: a scenario's, or the
 *   learner's own program's, which has `own`, `origin` and `pythonLabels`)
 * @typedef {RunRecord & { title: string }} ShownRun the run on show, as a record, with its section's title
 * @typedef {{ fields: ParamFields, button: HTMLButtonElement, node: HTMLFormElement }} ActionForm
 * @typedef {ActionForm & { action: ScenarioAction }} ScenarioActionForm
 * @typedef {ReturnType<typeof sectionControls>} SectionControls
 * @typedef {ReturnType<typeof runTools>} RunTools
 * @typedef {ReturnType<typeof pythonMode>} PythonMode
 * @typedef {ReturnType<typeof import('./run-view.js').showRun>} ShownRunView
 * @typedef {SectionControls & {
 *   pg: PlaygroundApi, scenario: SectionScenario, id: string, cannotRun: boolean,
 *   current: ShownRunView | null, settled: Promise<unknown>, shown: ShownRun | null,
 *   redrawTimeline: () => void, unasked: boolean, tools: RunTools, python: PythonMode | null,
 *   node: HTMLElement, setState: (state: string, text: string) => void, recorded: { openFile: (file: File) => Promise<void> },
 * }} Section one section and the state of its runs, which the functions below share
 * @typedef {{ record?: RunRecord, error?: string, scenario?: string | null, shown: Promise<void> | null }} RecordedOffer
 *   the detail of `playground:recorded`
 * @typedef {{ scenario: string, source?: string, error?: string, focus: boolean, opened: Promise<void> | null }} PythonOffer
 *   the detail of `playground:python`
 */

/**
 * The Python a scenario ports: the ```python block in the `//!` lines that open its file.
 * @param {string} rust
 */
export function pythonOf(rust) {
  /** @type {string[]} */
  const doc = [];
  for (const line of rust.split('\n')) {
    if (!line.startsWith('//!')) break;
    doc.push(line.replace(/^\/\/! ?/, ''));
  }
  const start = doc.findIndex((l) => l.trim() === '```python');
  const end = doc.findIndex((l, i) => i > start && l.trim() === '```');
  return start < 0 ? '' : `${doc.slice(start + 1, end < 0 ? undefined : end).join('\n')}\n`;
}

/**
 * Fetches a scenario source file that build.sh copied beside the wasm it was built into.
 * @param {string} name
 */
async function sourceFile(name) {
  const response = await fetch(new URL(`./pkg/src/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`cannot load ${name}: HTTP ${response.status}`);
  return response.text();
}

/**
 * The Python and the Rust, side by side; loaded and highlighted when first opened.
 * @param {SectionScenario & { rustFile: string }} scenario
 */
function codeDetails(scenario) {
  const pair = el('div', { class: 'code-pair' });
  const details = el(
    'details',
    { class: 'code' },
    el('summary', { text: 'The Python and the Rust that ran, side by side (corresponding lines light up together)' }),
    pair,
  );
  details.addEventListener('toggle', async () => {
    if (!details.open || pair.dataset.state) return;
    pair.dataset.state = 'loading';
    try {
      const [rust, ...more] = await Promise.all([scenario.rustFile, ...(scenario.moreRustFiles ?? [])].map(sourceFile));
      const [{ codePair }] = await Promise.all([
        import('./code.js'),
        stylesheet(new URL('./code.css', import.meta.url)),
      ]);
      const code = codePair(pythonOf(rust), rust, more);
      pair.dataset.pairs = String(code.pairs);
      pair.append(
        el('figure', {}, el('figcaption', { text: 'Python (the seed)' }), code.python),
        el(
          'figure',
          {},
          el('figcaption', { text: `Rust: src/scenarios/${scenario.rustFile}` }),
          code.rust,
          ...code.extra,
        ),
      );
      pair.dataset.state = 'ready';
    } catch (error) {
      const { message } = /** @type {Error} */ (error);
      pair.append(el('p', { class: 'notice', role: 'alert', text: `The source could not be shown: ${message}` }));
      pair.dataset.state = 'error';
    }
  });
  return details;
}

/**
 * After a run with the seed's parameters: its time beside the figures the last
 * `./build.sh bench` recorded for those same parameters (www/reference.json). `figures`: those
 * figures, or a promise of them (the page does not wait for them before it is ready).
 * @typedef {{ nativeMs: number, cpythonMs: number }} ReferenceFigures one scenario's
 * @typedef {{ date: string, machine: string, scenarios?: Record<string, ReferenceFigures> }} Reference
 *   www/reference.json
 * @param {PlaygroundApi} pg
 * @param {SectionScenario} scenario
 * @param {Promise<unknown> | null} figures
 */
function comparison(pg, scenario, figures) {
  const node = el('p', { class: 'compare', 'data-role': 'compare' });
  let latest = 0; // a show that a clear or a later show outlived (its figures came late) writes nothing
  /** @type {(ms: number, params: Record<string, string>) => Promise<void>} */
  const show = async (ms, params) => {
    const mine = ++latest;
    const reference = /** @type {Reference | null} */ (await figures);
    if (mine !== latest) return;
    const ref = reference?.scenarios?.[scenario.id];
    const normal = (/** @type {Record<string, string>} */ p) => JSON.stringify(pg.validate(scenario.id, p).params);
    if (!ref || normal(params) !== normal({})) return;
    node.textContent = `this browser: ${formatMs(ms)} · native Rust: ${formatMs(ref.nativeMs)} · CPython: ${formatMs(ref.cpythonMs)}`;
    if (!reference) return; // (there are figures for it: it is there)
    node.title = `Recorded ${reference.date} on ${reference.machine}`;
    node.append(
      el('small', { text: ` (recorded ${reference.date}, ${reference.machine.split(',').slice(0, 2).join(',')})` }),
    );
  };
  return {
    node,
    show,
    clear: () => {
      latest += 1;
      node.textContent = '';
    },
  };
}

/**
 * Says plainly that a thread scenario cannot run here and why (the capabilities' one wording),
 * and offers what helps where something does: when the page is not isolated, a top-level tab
 * of the playground's own site, which is (by headers or its service worker). The link follows
 * the fields. Run is disabled, described by this notice.
 * @param {string} id
 * @param {HTMLFormElement} form
 * @param {() => Record<string, string>} values
 * @param {import('./playground.js').Capabilities} capabilities
 */
function isolationNotice(id, form, values, capabilities) {
  const notice = el(
    'p',
    { class: 'notice', role: 'note', 'data-role': 'isolation-notice', id: `${id}-no-threads` },
    `This scenario needs threads that share memory, and ${capabilities.sharedMemoryMissing}. `,
  );
  if (capabilities.crossOriginIsolated) return notice; // another tab of this browser would not do better
  const link = el(
    'a',
    { href: pageUrl(id, values()), target: '_blank', rel: 'noopener', 'data-role': 'new-tab' },
    'Open it in a new tab',
  );
  form.addEventListener('input', () => {
    link.href = pageUrl(id, values());
  });
  notice.append(link, ' to run it there.');
  return notice;
}

/**
 * Saves `text` as a file named `name` (a Blob and a click on an `<a download>`).
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** 2026-11-28-103105, for file names. */
const stamp = (/** @type {string} */ iso) => iso.slice(0, 19).replace('T', '-').replace(/:/g, '');

/**
 * What a recorded run may name (share.js checks it): a section of the page, the learner's own
 * program among them.
 * @param {import('./playground.js').PlaygroundApi} pg
 * @returns {import('./share.js').Known}
 */
export const knownToRecords = (pg) => ({
  scenarios: pageScenarios(pg.scenarios),
  spanStates: pg.spanStates,
  maxParams: pg.limits.maxParams,
});

/**
 * Shows a recorded run in the section of its scenario (or, with `error`, says what was wrong
 * with one that was meant for `scenario`). Returns a promise that resolves once the section
 * shows it, or null if no section took it.
 * @param {{ record: RunRecord } | { error: string, scenario: string | null }} detail
 * @returns {Promise<void> | null}
 */
export function offerRecorded(detail) {
  /** @type {RecordedOffer} */
  const message = { ...detail, shown: null };
  document.dispatchEvent(new CustomEvent('playground:recorded', { detail: message }));
  return message.shown;
}

/**
 * Opens the Python editor of section `scenario`, with `detail.source` in it if given (a `#py=`
 * link's program), or says `detail.error` there (what was wrong with one); `detail.focus`
 * (default true): the editor takes the focus. Returns a promise that resolves once the editor
 * is open, or null if no section took it.
 * @param {{ scenario: string, source?: string, error?: string, focus?: boolean }} detail
 * @returns {Promise<void> | null}
 */
export function offerPython(detail) {
  /** @type {PythonOffer} */
  const message = { focus: true, ...detail, opened: null };
  document.dispatchEvent(new CustomEvent('playground:python', { detail: message }));
  return message.opened;
}

/**
 * The Python a URL asks for, given the section it selects (`target`, an id of `scenarios`, or
 * null): a program in its fragment (`#py=…`) goes into that section's editor, or the learner's
 * own program's if that section has none; `edit` (`edit=1`), or the own program as the target,
 * opens that section's editor as it is. Nothing runs: the learner presses Run. Resolves, once
 * the editor is open, to the id of its section, or null.
 * @param {{ id: string, python?: string }[]} scenarios
 * @param {string | null} target
 * @param {{ edit?: boolean, focus?: boolean }} [options]
 */
export async function openPythonFromUrl(scenarios, target, { edit = false, focus = true } = {}) {
  /** @type {{ scenario: string, source?: string, error?: string }} */
  let offer;
  if (location.hash.startsWith('#py=')) {
    // A section with Python is one of the scenarios: `target` is its id.
    const home = scenarios.find((s) => s.id === target)?.python ? /** @type {string} */ (target) : OWN_PROGRAM.id;
    offer = { scenario: home, ...(await programInLink()) };
  } else if (target && (edit || target === OWN_PROGRAM.id)) {
    offer = { scenario: target };
  } else {
    return null;
  }
  const opened = offerPython({ ...offer, focus });
  if (!opened) return null;
  await opened;
  return offer.scenario;
}

/** The program in the page's `#py=` fragment: `{ source }`, or `{ error }` saying what was wrong. */
async function programInLink() {
  const { ShareError, decodePython } = await loadShare();
  try {
    return { source: await decodePython(location.hash) };
  } catch (error) {
    return {
      error:
        error instanceof ShareError
          ? error.message
          : `The program in this link could not be read: ${/** @type {Error} */ (error).message}`,
    };
  }
}

/**
 * The buttons of the row under the timeline (hidden until a run is shown), its file input, message and link field.
 * @param {string} id
 */
function runToolsParts(id) {
  /** @type {(action: string, text: string, title?: string) => HTMLButtonElement} */
  const button = (action, text, title) =>
    el('button', { type: 'button', class: 'secondary', 'data-action': action, hidden: true, title }, text);
  return {
    trace: button(
      'download-trace',
      'Download trace for Perfetto',
      'A Chrome trace file: open it in Perfetto (ui.perfetto.dev) or chrome://tracing',
    ),
    share: button('share-run', 'Copy link to this run'),
    save: button('save-run', 'Save run'),
    file: el('input', {
      type: 'file',
      id: `${id}-open-run`,
      class: 'file-input',
      accept: '.json,application/json',
      'data-action': 'open-run',
    }),
    message: el('p', { class: 'share-message', 'data-role': 'share-message', 'aria-live': 'polite' }),
    link: linkField(`${id}-share-link`, 'Link to this run', 'share-link'),
  };
}

/**
 * Saves the run of scenario `id` on show as a Chrome trace file (trace.js, loaded then).
 * @param {string} id
 * @param {ShownRun} run
 */
async function downloadTrace(id, run) {
  const { toChromeTrace } = await import('./trace.js');
  const file = toChromeTrace(run.events, {
    t0: run.t0,
    scenario: id,
    title: run.title,
    extra: {
      params: run.params,
      status: run.status,
      elapsedMs: run.elapsedMs,
      recordedAt: run.recordedAt,
      browser: run.browser,
      cores: run.cores,
    },
  });
  download(`${id}-${stamp(run.recordedAt)}.trace.json`, JSON.stringify(file), 'application/json');
}

/**
 * "Copy link to this run": offers a link that shows `run` (a record) recorded, if it is short
 * enough for a link; otherwise says to save it instead, and focuses Save run (`save`).
 * @param {RunRecord} run
 * @param {import('./python/panel.js').LinkField} link
 * @param {HTMLButtonElement} save
 * @param {(text: string, kind?: string) => void} say
 */
async function shareRun(run, link, save, say) {
  link.hide();
  /** @type {string} */
  let href;
  /** @type {number} */
  let MAX_LINK_CHARS;
  try {
    const share = await loadShare();
    MAX_LINK_CHARS = share.MAX_LINK_CHARS;
    href = await share.runLink(run, new URL('./', import.meta.url));
  } catch (error) {
    say(`The link could not be made: ${/** @type {Error} */ (error).message}`, 'error');
    return;
  }
  if (href.length > MAX_LINK_CHARS) {
    say(
      `This run's link would be ${(href.length / 1024 / 1024).toFixed(1)} MB, more than a link can safely carry (2 MB): use Save run instead.`,
      'error',
    );
    save.focus();
    return;
  }
  const size = `${Math.ceil(href.length / 1024)} KB`;
  if (await link.offer(href)) say(`Link copied (${size}): whoever opens it sees this run, recorded; nothing runs.`);
  else say(`The browser did not let the page copy the link (${size}): copy it from the field below.`, 'error');
}

/**
 * The row under the timeline that takes a finished run elsewhere: its trace for Perfetto, a
 * link to it, a file of it; and opens a saved one. `last()` is the run shown (a record), or
 * null; `open(file)` is called with a chosen file.
 * @param {string} id
 * @param {() => ShownRun | null} last
 * @param {(file: File) => void} open
 */
function runTools(id, last, open) {
  // The buttons that read `last()` are shown only while a run is on show.
  const onShow = () => /** @type {ShownRun} */ (last());
  const { trace, share, save, file, message, link } = runToolsParts(id);
  const node = el(
    'div',
    { class: 'run-tools', 'data-role': 'run-tools' },
    el(
      'div',
      { class: 'run-tools-buttons' },
      trace,
      share,
      save,
      file,
      el('label', { for: file.id, class: 'file-button' }, 'Open a saved run…'),
    ),
    message,
    link.node,
  );
  const say = (/** @type {string} */ text, kind = 'ok') => {
    message.textContent = text;
    message.dataset.kind = kind;
  };
  trace.addEventListener('click', async () => {
    await downloadTrace(id, onShow());
    say('Trace saved: open it in ui.perfetto.dev or chrome://tracing.');
  });
  // The title is the page's, not the run's: a record does not carry it.
  const record = () => {
    const { title, ...run } = onShow();
    return run;
  };
  share.addEventListener('click', () => shareRun(record(), link, save, say));
  save.addEventListener('click', () => {
    const run = record();
    download(`${id}-${stamp(run.recordedAt)}.run.json`, JSON.stringify(run), 'application/json');
    say('Run saved: Open a saved run shows it again, here or in another browser.');
  });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = ''; // the same file can be opened again
    if (chosen) open(chosen);
  });
  return {
    node,
    say,
    /**
     * Whether the buttons for a shown run are offered.
     * @param {boolean} on
     */
    offer(on) {
      for (const b of [trace, share, save]) b.hidden = !on;
      if (!on) link.hide();
    },
  };
}

/**
 * A form for one of the scenario's actions (e.g. "Run many times"): its own fields, named
 * `<action>-<param>` so they never clash with the scenario's, and its button
 * (`[data-action=<action>]`). The run shows in the section like any other.
 * @param {string} id
 * @param {ScenarioAction} action
 * @param {Record<string, string>} initial
 * @returns {ScenarioActionForm}
 */
function actionForm(id, action, initial) {
  const fields = paramFields({ id, params: action.params }, initial, `${action.name}-`);
  const button = el('button', { type: 'submit', 'data-action': action.name, class: 'run' }, action.label);
  // A heading of its own: its fields (a second "threads", say) are the action's, not the run's.
  const heading = el('h3', { class: 'action-title', id: `${id}-${action.name}-title`, text: action.label });
  const node = el(
    'form',
    { class: 'params action', novalidate: true, 'aria-labelledby': heading.id },
    heading,
    el('p', { class: 'action-about', text: action.description }),
    ...fields.nodes,
    el('div', { class: 'controls' }, button),
  );
  return { action, fields, button, node };
}

/**
 * Parameters from a URL, split between the scenario and its actions: `repeat-runs=50` is the
 * parameter `runs` of the action `repeat`. Returns `{ initial, ofAction(action) }`.
 * @param {SectionScenario} scenario
 * @param {Record<string, string>} given
 */
function splitInitial(scenario, given) {
  /** @type {(action: ScenarioAction) => Record<string, string>} */
  const ofAction = (action) =>
    Object.fromEntries(
      Object.entries(given)
        .filter(([name]) => name.startsWith(`${action.name}-`))
        .map(([name, value]) => [name.slice(action.name.length + 1), value]),
    );
  const initial = Object.fromEntries(
    Object.entries(given).filter(([name]) => !scenario.actions.some((a) => name.startsWith(`${a.name}-`))),
  );
  return { initial, ofAction };
}

/**
 * The Python mode's buttons in a section of the seed (the learner's own program names its own).
 * @type {PythonLabels}
 */
const SEED_PYTHON_LABELS = {
  edit: 'Edit and run this Python',
  restore: "Back to the cheat sheet's version",
  restored: "Back to the cheat sheet's version.",
};

/**
 * Loads the editor panel (python/panel.js) into `host` the first time it is wanted, with
 * `options` (pythonPanel's). Returns `load()`, resolving to the panel; or to null if it could
 * not be loaded, said in `host`, and the next call tries again.
 * @param {HTMLElement} host
 * @param {Parameters<typeof import('./python/panel.js').pythonPanel>[1]} options
 * @returns {() => Promise<Awaited<PanelPromise> | null>}
 */
function panelLoader(host, options) {
  /** @type {Promise<Awaited<PanelPromise> | null> | null} */
  let loading = null;
  return () =>
    (loading ??= import('./python/panel.js')
      .then(({ pythonPanel }) => pythonPanel(host, options))
      .catch((error) => {
        loading = null; // the next press tries again
        host.replaceChildren(
          el('p', {
            class: 'notice',
            role: 'alert',
            text: `The editor could not be loaded: ${/** @type {Error} */ (error).message}`,
          }),
        );
        return null;
      }));
}

/**
 * "Edit and run this Python": a button that opens the section's Python (python/panel.js,
 * loaded then) under it, and a slot that says what was wrong with a program a link brought.
 * `run(source)` starts a run of it in the section; `stop()` ends it; `cannotRun`: why Python
 * cannot run in this browser (a clause), or null. Returns `{ node, show, say(text),
 * runOptions(source) }`: `show({ source, focus })` opens the editor (with `source` in it, if
 * given), runOptions is what showRun needs of a Python run.
 * @param {SectionScenario} scenario
 * @param {(source: string) => void} run
 * @param {() => void} stop
 * @param {string | null} cannotRun
 */
function pythonMode(scenario, run, stop, cannotRun) {
  const { id } = scenario;
  const labels = scenario.pythonLabels ?? SEED_PYTHON_LABELS;
  const toggle = el(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-action': 'edit-python',
      'aria-expanded': 'false',
      'aria-controls': `${id}-python`,
    },
    labels.edit,
  );
  const message = el('p', { class: 'python-message', 'data-role': 'python-message', role: 'alert', hidden: true });
  const host = el('div', { class: 'python-panel', id: `${id}-python`, hidden: true });
  const say = (/** @type {string} */ text) => {
    message.textContent = text;
    message.hidden = !text;
  };
  const load = panelLoader(host, {
    id,
    source: scenario.python,
    original: scenario.python,
    labels,
    run: (/** @type {string} */ source) => {
      say('');
      run(source);
    },
    stop,
    linkTo: async (/** @type {string} */ source) =>
      (await loadShare()).pythonLink(source, id, new URL('./', import.meta.url)),
    // Named from here, not by the panel: the hosted site bundles the panel's code into a file
    // beside the page (tools/bundle.mjs), where `./editor.css` is not.
    stylesheet: new URL('./python/editor.css', import.meta.url).href,
    cannotRun,
  });
  /** @type {Awaited<PanelPromise> | null} */
  let panel = null; // once loaded
  let running = false; // whether a run of the section goes on, for a panel loaded meanwhile
  const expand = (/** @type {boolean} */ open) => {
    host.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  /** @type {(options?: { source?: string | null, focus?: boolean }) => Promise<void>} */
  const show = async ({ source = null, focus = true } = {}) => {
    expand(true);
    const made = await load();
    panel ??= made;
    panel?.running(running);
    if (source !== null) made?.replace(source);
    if (focus) made?.focus();
  };
  toggle.addEventListener('click', () => (host.hidden ? show() : expand(false)));
  return {
    node: el('div', { class: 'python-mode' }, toggle, message, host),
    show,
    say,
    /** @param {boolean} on whether a run of the section goes on (the panel's Run and Stop follow) */
    running(on) {
      running = on;
      panel?.running(on);
    },
    /** @returns {import('./run-view.js').PythonRunOptions} */
    runOptions: (/** @type {string} */ source) => ({
      source,
      onLoading: (...a) => panel?.onLoading(...a),
      onEvent: (ev) => panel?.onEvent(ev),
    }),
  };
}

/**
 * A graded prediction, told to whoever listens (the embed passes it to its course page).
 * @param {HTMLElement} section
 * @param {string} id
 * @param {GradedPrediction} grade
 */
function announcePrediction(section, id, grade) {
  section.dispatchEvent(
    new CustomEvent('playground:prediction', {
      bubbles: true,
      detail: {
        scenario: id,
        predicted: Object.fromEntries(grade.results.map((r) => [r.name, r.predicted])),
        outcome: Object.fromEntries(grade.results.map((r) => [r.name, r.outcome])),
        correct: grade.correct,
      },
    }),
  );
}

/**
 * Recorded runs in a section: a saved file opened here, or a run handed over by the page (a
 * link) or by another section (a file of this scenario opened there). `show(record)` puts its
 * parameters in the fields and draws it, nothing run. Returns `{ openFile }`.
 * @param {{
 *   pg: PlaygroundApi, scenario: SectionScenario, section: HTMLElement, form: HTMLFormElement, fields: ParamFields,
 *   parts: RunParts, compare: ReturnType<typeof comparison>, tools: RunTools, busy: () => boolean,
 *   shown: (record: RunRecord, redraw: () => void) => void, setState: (state: string, text: string) => void,
 * }} of
 */
function recordedRuns({ pg, scenario, section, form, fields, parts, compare, tools, busy, shown, setState }) {
  const { id } = scenario;
  const show = async (/** @type {RunRecord} */ record) => {
    if (busy()) {
      tools.say('A run is in progress: stop it before opening a recorded one.', 'error');
      return;
    }
    const { describeRecorded } = await loadShare();
    for (const [name, value] of Object.entries(record.params)) {
      const input = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="${CSS.escape(name)}"]`));
      if (input) input.value = String(value);
    }
    fields.showErrors([]);
    compare.clear();
    tools.say('');
    const { redraw } = await showRecorded(pg, record, parts, setState, describeRecorded(record));
    shown(record, redraw);
    tools.offer(true);
  };
  const openFile = async (/** @type {File} */ file) => {
    const { MAX_UNPACKED_BYTES, ShareError, parseRun } = await loadShare();
    try {
      if (file.size > MAX_UNPACKED_BYTES)
        throw new ShareError(
          `This file is too large (${(file.size / 1024 / 1024).toFixed(1)} MB); the most this page reads is ${MAX_UNPACKED_BYTES / 1024 / 1024} MB.`,
        );
      const record = parseRun(await file.text(), knownToRecords(pg));
      if (record.scenario !== id && !offerRecorded({ record })) {
        throw new ShareError(`This is a run of "${record.scenario}", which this page does not show.`);
      }
      if (record.scenario === id) {
        await show(record);
        parts.recorded.focus();
      }
    } catch (error) {
      const { message } = /** @type {Error} */ (error);
      tools.say(error instanceof ShareError ? message : `This file could not be read: ${message}`, 'error');
    }
  };
  document.addEventListener('playground:recorded', (event) => {
    const { detail } = /** @type {CustomEvent<RecordedOffer>} */ (event);
    if (detail.shown) return;
    if (detail.record?.scenario === id) {
      detail.shown = show(detail.record).then(() => {
        section.scrollIntoView({ block: 'start' });
        parts.recorded.focus({ preventScroll: true });
      });
    } else if (detail.error && detail.scenario === id) {
      tools.say(detail.error, 'error');
      section.scrollIntoView({ block: 'start' });
      detail.shown = Promise.resolve();
    }
  });
  return { openFile };
}

/**
 * The line under a section's title: the seed's section it ports, or what else it is.
 * @param {SectionScenario} scenario
 */
const originOf = (scenario) =>
  scenario.origin ??
  `${scenario.fromSeed ? 'From the cheat sheet' : 'Beyond the cheat sheet, from'}: ${scenario.seedSection}`;

/**
 * The section's DOM: its header, the forms, the run's parts, what to notice and the code.
 * @param {SectionScenario} scenario
 * @param {Pick<Section, 'form' | 'prediction' | 'actionForms' | 'parts' | 'tools' | 'python'> & { compact: boolean }} of
 */
function sectionElement(scenario, { form, prediction, actionForms, parts, tools, compact, python }) {
  const { id } = scenario;
  return el(
    'section',
    { 'data-scenario': id, id, class: 'scenario', 'aria-labelledby': `${id}-title` },
    el(
      'header',
      {},
      el('h2', { id: `${id}-title`, text: scenario.title }),
      el('p', { class: 'seed-section', text: originOf(scenario), title: `Scenario id ${id} (for links and embeds)` }),
    ),
    // The own program's Run is its editor's: the status and time follow the editor.
    // (the own program has Python: its Python mode is there)
    ...(scenario.own ? [/** @type {PythonMode} */ (python).node, form] : [form, python?.node]),
    prediction?.slot,
    ...actionForms.map((a) => a.node),
    parts.recorded,
    el(
      'div',
      { class: 'results' },
      el('figure', { class: 'printed' }, el('figcaption', { text: 'Printed, as Python prints it' }), parts.output),
      el('figure', { class: 'added' }, el('figcaption', { text: 'Added by the playground' }), parts.notes),
    ),
    el(
      'figure',
      { class: 'timeline' },
      el('figcaption', { text: 'What ran when (one lane per thread, process or task; one clock)' }),
      parts.legend,
      parts.timeline,
      parts.timelineDetail,
      parts.replayHost,
    ),
    tools.node,
    parts.views,
    compact
      ? null
      : el(
          'aside',
          { class: 'what-to-notice' },
          el('h3', { text: 'What to notice' }),
          el('p', { text: scenario.notice }),
        ),
    compact || !scenario.rustFile
      ? null
      : codeDetails(/** @type {SectionScenario & { rustFile: string }} */ (scenario)),
  );
}

/**
 * The parameters typed in `of` (the scenario's fields or an action's), with `extra` ones (e.g.
 * unknown names from a URL), if the validator takes them; otherwise shows why and returns null.
 * @param {PlaygroundApi} pg
 * @param {string} id
 * @param {ParamFields} of
 * @param {string} [action]
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string> | null}
 */
function checkedParams(pg, id, of, action = '', extra = {}) {
  const params = { ...of.values(), ...extra };
  try {
    pg.validate(id, params, action);
  } catch (error) {
    if (error instanceof ParamError) {
      of.showErrors(error.errors);
      return null;
    }
    throw error;
  }
  of.showErrors([]);
  return params;
}

/** What a prediction's questions and grade may depend on besides the parameters. */
const predictionContext = (/** @type {PlaygroundApi} */ pg) => ({ cores: pg.capabilities.hardwareConcurrency });

/**
 * The section's own controls: the parameters' fields, Run and Stop (none for the learner's own
 * program), "Predict first" where the scenario has questions, the parts a run writes into,
 * its time beside the recorded figures, and the forms of the scenario's actions;
 * `startButtons`: Run and the actions' buttons.
 * @param {PlaygroundApi} pg
 * @param {SectionScenario} scenario
 * @param {{
 *   initial: Record<string, string>, ofAction: (action: ScenarioAction) => Record<string, string>, own: boolean,
 *   reference: Promise<unknown> | null, predict: boolean,
 * }} options
 */
function sectionControls(pg, scenario, { initial, ofAction, own, reference, predict }) {
  const { id } = scenario;
  const fields = paramFields(scenario, initial);
  const parts = runParts();
  const compare = comparison(pg, scenario, reference);
  const prediction = scenario.predict ? predictionParts(id, { on: predict }) : null;
  const runButton = own ? null : el('button', { type: 'submit', 'data-action': 'run', class: 'run' }, 'Run');
  const stopButton = own
    ? null
    : el('button', { type: 'button', 'data-action': 'stop', class: 'stop', disabled: true }, 'Stop');
  const form = el(
    'form',
    { class: 'params', novalidate: true },
    ...fields.nodes,
    el('div', { class: 'controls' }, runButton, stopButton, prediction?.toggle, parts.status, parts.elapsed),
    compare.node,
  );
  const actionForms = scenario.actions.map((action) => actionForm(id, action, ofAction(action)));
  const startButtons = /** @type {HTMLButtonElement[]} */ (
    [runButton, ...actionForms.map((a) => a.button)].filter(Boolean)
  );
  return { fields, parts, compare, prediction, runButton, stopButton, form, actionForms, startButtons };
}

/**
 * Shows the state of the section's run in its status (`text`), and what can be pressed: while
 * a run goes on, Stop and no start button; where threads cannot run, no start button ever.
 * @param {Section} section
 * @param {string} state
 * @param {string} text
 */
function setState(section, state, text) {
  const { parts, startButtons, runButton, stopButton } = section;
  parts.status.dataset.state = state;
  parts.status.textContent = text;
  const running = state === 'running';
  // A focused button that is about to be disabled hands its focus on, so the keyboard stays
  // in the section (a stepping lesson's keys work at once): Run to Stop, Stop back to Run.
  const focused = /** @type {HTMLButtonElement | null} */ (document.activeElement);
  for (const button of startButtons) button.disabled = running || section.cannotRun;
  if (stopButton) stopButton.disabled = !running;
  // A start button is focused: the section has Stop, and Run once Stop is (neither is the own program's).
  if (running && focused && startButtons.includes(focused)) /** @type {HTMLButtonElement} */ (stopButton).focus();
  else if (!running && focused === stopButton) /** @type {HTMLButtonElement} */ (runButton).focus();
  section.python?.running(running);
  section.node.setAttribute('aria-busy', running ? 'true' : 'false');
}

/**
 * Where threads cannot run: a notice under the header says why, and describes the start buttons, disabled.
 * @param {Section} section
 */
function explainCannotRun(section) {
  const { id, form, fields, pg } = section;
  /** @type {Element} */ (section.node.firstElementChild).after(
    isolationNotice(id, form, fields.values, pg.capabilities),
  );
  for (const button of section.startButtons) {
    button.disabled = true;
    button.setAttribute('aria-describedby', `${id}-no-threads`); // the notice says why
  }
  section.parts.status.textContent = 'Cannot run here'; // not "Ready" beside a Run that is off
}

/**
 * The form and button of `action` (null: the scenario's own).
 * @param {Section} section
 * @param {ScenarioAction | null} action
 * @returns {{ node: HTMLFormElement, button: HTMLButtonElement | null }}
 */
const formOf = (section, action) =>
  section.actionForms.find((a) => a.action === action) ?? { node: section.form, button: section.runButton };

/**
 * The input of parameter `name` of `action` (an action's fields carry its name, `step-schedule`: see paramFields).
 * @param {Section} section
 * @param {string} name
 * @param {ScenarioAction | null} action
 * @returns {HTMLInputElement | null}
 */
const inputOf = (section, name, action) =>
  formOf(section, action).node.querySelector(`input[name="${CSS.escape(action ? `${action.name}-${name}` : name)}"]`);

/**
 * A view may offer to run again with some parameters changed (e.g. more rounds): the fields
 * show the new values, and the run goes through the same checks as a typed one, unasked.
 * `action`: the fields and button are that action's (a run of it offers its own rerun).
 * @param {Section} section
 * @param {Record<string, string>} changed
 * @param {ScenarioAction | null} [action]
 */
function rerun(section, changed, action = null) {
  for (const [name, value] of Object.entries(changed)) {
    const input = inputOf(section, name, action);
    if (input) input.value = value;
  }
  section.unasked = true;
  formOf(section, action).node.requestSubmit(formOf(section, action).button);
}

/**
 * ... or to stop the run on show and start another (e.g. undo a step: replay all but it).
 * What the view changed is put back once the new run has read it: a later Run by hand
 * starts from what the learner typed, not from the view's replay.
 * @param {Section} section
 * @param {Record<string, string>} changed
 * @param {ScenarioAction | null} [action]
 */
async function restart(section, changed, action = null) {
  section.current?.cancel();
  await section.settled;
  const inputs = Object.keys(changed).map((name) => inputOf(section, name, action));
  const typed = inputs.map((input) => input?.value);
  rerun(section, changed, action);
  inputs.forEach((input, i) => {
    if (input) input.value = /** @type {string} */ (typed[i]);
  });
}

/**
 * Runs the program (or `action`) with the parameters of `of`, if they are valid; `predicted`:
 * a prediction was just made, to be graded once the run ends; `source`: the Python mode's
 * program, run instead (it has no parameters).
 * @param {Section} section
 * @param {ParamFields | null} of null for a Python run
 * @param {ScenarioAction | null} [action]
 * @param {boolean} [predicted]
 * @param {string | null} [source]
 */
function startRun(section, of, action = null, predicted = false, source = null) {
  const { pg, scenario, prediction, tools } = section;
  if (section.current) return;
  const params = source === null ? checkedParams(pg, scenario.id, /** @type {ParamFields} */ (of), action?.name) : {};
  if (!params) return;
  if (!predicted) {
    prediction?.dismiss();
    prediction?.clear();
  }
  section.compare.clear();
  section.shown = null;
  tools.offer(false);
  tools.say('');
  // rerun: the program, with some parameters changed; restart: again what runs now. A view
  // offers them as its run ends, before the section has finished with that run (its figures,
  // its grade): a rerun waits for that, or the new run's start would be ignored.
  const viewActions = {
    rerun: (/** @type {Record<string, string>} */ changed) => section.settled.then(() => rerun(section, changed)),
    restart: (/** @type {Record<string, string>} */ changed) => restart(section, changed, action),
  };
  // A Python run comes from the section's Python mode.
  const python = source === null ? null : /** @type {PythonMode} */ (section.python).runOptions(source);
  const run = showRun(pg, scenario, params, section.parts, section.setState, viewActions, action, python);
  section.current = run;
  section.redrawTimeline = run.redraw;
  section.settled = run.done
    .then((ended) => runEnded(section, { params, action, source, predicted }, ended))
    .finally(() => {
      section.current = null;
    });
}

/**
 * A run has ended and been drawn (`ended`: showRun's outcome): a run of the program with the
 * seed's parameters is compared with the recorded figures, the run is offered to take
 * elsewhere (as a record), and a prediction made for it is graded.
 * @param {Section} section
 * @param {{ params: Record<string, string>, action: ScenarioAction | null, source: string | null, predicted: boolean }} run
 * @param {Ended} ended
 */
async function runEnded(section, { params, action, source, predicted }, { result, error, events, t0, endT }) {
  const { id, scenario } = section;
  // Not awaited: the figures come after the page is ready, and a quick first run must not wait.
  if (result?.status === 'done' && !action && source === null) section.compare.show(result.elapsedMs, params);
  const outcome = result ?? error;
  const { recordOf } = await loadShare();
  section.shown = {
    ...recordOf({
      scenario: id,
      params,
      events,
      t0,
      endT,
      status: result?.status ?? 'error',
      elapsedMs: outcome?.elapsedMs ?? 0,
      message: error?.message,
    }),
    title: scenario.title,
  };
  section.tools.offer(true);
  if (predicted) gradePrediction(section, params, result, outcome);
}

/**
 * Grades the prediction made for a run that has ended, and tells whoever listens.
 * @param {Section} section
 * @param {Record<string, string>} params
 * @param {RunResult | undefined} result
 * @param {RunResult | RunError | undefined} outcome
 */
function gradePrediction(section, params, result, outcome) {
  const { pg, id } = section;
  // A prediction was made: the section has its parts.
  const prediction = /** @type {NonNullable<Section['prediction']>} */ (section.prediction);
  const grade = prediction.graded(
    {
      params: pg.validate(id, params).params,
      status: result?.status ?? 'error',
      lines: outcome?.lines ?? [],
      value: result?.value,
      elapsedMs: outcome?.elapsedMs ?? 0,
    },
    predictionContext(pg),
  );
  if (grade) announcePrediction(section.node, id, grade);
}

/**
 * Run pressed: the program runs, or with "Predict first" on, the questions come first and it runs once they are answered.
 * @param {Section} section
 */
function runPressed(section) {
  const { pg, id, fields, prediction } = section;
  const ask = prediction?.wanted() && !section.unasked;
  section.unasked = false;
  if (!ask || !prediction) {
    startRun(section, fields);
    return;
  }
  if (section.current) return;
  if (prediction.isOpen()) {
    prediction.focusOpen();
    return;
  }
  const params = checkedParams(pg, id, fields);
  if (!params) return;
  prediction.ask(
    pg.validate(id, params).params,
    predictionContext(pg),
    () => startRun(section, fields, null, true),
    () => /** @type {HTMLButtonElement} */ (section.runButton).focus(), // a section that predicts has Run
  );
}

/**
 * The section's forms and Stop: Run, an action's button, an edited parameter.
 * @param {Section} section
 */
function listenToForms(section) {
  section.form.addEventListener('submit', (e) => {
    e.preventDefault();
    runPressed(section);
  });
  // The question is about the parameters it was asked with: changing one takes it away.
  section.form.addEventListener('input', (e) => {
    if (!(/** @type {Element} */ (e.target).closest('.predict-toggle'))) section.prediction?.dismiss();
  });
  for (const a of section.actionForms) {
    a.node.addEventListener('submit', (e) => {
      e.preventDefault();
      startRun(section, a.fields, a.action);
    });
  }
  section.stopButton?.addEventListener('click', () => section.current?.cancel());
}

/**
 * A link's program (`#py=`), or the editor asked open (`edit=1`): see offerPython.
 * @param {Section & { python: PythonMode }} section
 */
function listenForPython(section) {
  document.addEventListener('playground:python', (event) => {
    const { detail } = /** @type {CustomEvent<PythonOffer>} */ (event);
    if (detail.opened || detail.scenario !== section.id) return;
    section.python.say(detail.error ?? '');
    detail.opened = section.python.show({ source: detail.source ?? null, focus: detail.focus });
  });
}

/**
 * The section's Python mode, if the scenario has Python: its runs are the section's.
 * @param {Section} section
 */
function sectionPython(section) {
  const { scenario, pg } = section;
  if (!scenario.python) return null;
  return pythonMode(
    scenario,
    (/** @type {string} */ source) => startRun(section, null, null, false, source),
    () => section.current?.cancel(),
    pg.capabilities.sharedMemory ? null : pg.capabilities.sharedMemoryMissing,
  );
}

/**
 * Recorded runs in the section (see recordedRuns): one shown is the run on show.
 * @param {Section} section
 */
function sectionRecordedRuns(section) {
  const { pg, scenario, node, form, fields, parts, compare, tools } = section;
  return recordedRuns({
    pg,
    scenario,
    section: node,
    form,
    fields,
    parts,
    compare,
    tools,
    setState: section.setState,
    busy: () => section.current !== null,
    shown: (record, redraw) => {
      section.shown = { ...record, title: scenario.title };
      section.redrawTimeline = redraw;
    },
  });
}

/**
 * Parameters from a URL are checked at once, like typed ones; nothing runs until Run.
 * @param {Section} section
 * @param {Record<string, string>} initial
 * @param {(action: ScenarioAction) => Record<string, string>} ofAction
 */
function checkGivenParams(section, initial, ofAction) {
  const { pg, id } = section;
  if (Object.keys(initial).length > 0) checkedParams(pg, id, section.fields, '', initial);
  for (const a of section.actionForms) {
    const wanted = ofAction(a.action);
    if (Object.keys(wanted).length > 0) checkedParams(pg, id, a.fields, a.action.name, wanted);
  }
}

/**
 * A lesson runs in the lessons module, which the page does not download before it is ready: its
 * section starts that module's world once it comes within a screen's height of the screen
 * (scrolled to, jumped to from the navigation or a link, or the one section of an embed), so
 * its first Run waits for no download. A failure is left to that Run, which tries again.
 * @param {import('./playground.js').PlaygroundApi} pg
 * @param {Section} section
 */
function warmUpWhenNear(pg, section) {
  const near = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      near.disconnect();
      pg.warmUp(section.id).catch(() => {});
    },
    { rootMargin: '100% 0px' },
  );
  near.observe(section.node);
}

/**
 * One scenario's section, following the page contract (run/stop buttons, inputs named after
 * the parameters, output, status, elapsed), with its timeline, notes, views and code; or the
 * learner's own program's (its Run and Stop its editor's, `[data-action=run-python]`).
 * `initial` pre-fills inputs (e.g. from the URL; they are validated like typed values and only
 * ever set as text); `compact` leaves out the code (for embeds); `reference`: the figures of
 * www/reference.json, or a promise of them, shown beside a run's time; `predict` turns "Predict first"
 * on, in a scenario that has prediction questions (its `predict` flag): Run then asks first, and
 * the section dispatches `playground:prediction` (bubbling; `detail`: `{ scenario, predicted,
 * outcome, correct }`) once the prediction is graded.
 * @param {import('./playground.js').PlaygroundApi} pg
 * @param {SectionScenario} scenario a PageScenario
 * @param {{ initial?: Record<string, string>, compact?: boolean, reference?: Promise<unknown> | null, predict?: boolean }} [options]
 */
export function scenarioSection(
  pg,
  scenario,
  { initial: given = {}, compact = false, reference = null, predict = false } = {},
) {
  // The learner's own program (own-program.js) has no parameters, its source is its
  // parameter, and no Rust program: no Run or Stop of the section's own, the editor's are its.
  const own = scenario.own === true;
  const { initial, ofAction } = splitInitial(scenario, own ? {} : given);
  // The section: its controls and parts, and the state of its runs, which the functions above
  // share. Its tools, Python mode, element, setState and recorded runs need it: added below.
  // Its tools, Python mode, element, setState and recorded runs are added below, before any use.
  const section = /** @type {Section} */ ({
    pg,
    scenario,
    id: scenario.id,
    ...sectionControls(pg, scenario, { initial, ofAction, own, reference, predict }),
    cannotRun: scenario.needsSharedMemory && !pg.capabilities.sharedMemory,
    current: null, // the run going on (showRun's), or null
    settled: Promise.resolve(), // once the run on show has ended and been drawn
    shown: null, // the finished or recorded run on show, as a record
    redrawTimeline: () => {}, // the last run's drawing, redone when the width changes
    unasked: false, // the next submit runs at once, even with "Predict first" on
  });
  section.tools = runTools(
    section.id,
    () => section.shown,
    (/** @type {File} */ file) => section.recorded.openFile(file),
  );
  section.parts.recorded.tabIndex = -1; // focused when a recorded run is opened
  section.python = sectionPython(section);
  section.node = sectionElement(scenario, { ...section, compact });
  section.setState = (state, text) => setState(section, state, text);
  if (section.cannotRun) explainCannotRun(section);
  new ResizeObserver(() => section.redrawTimeline()).observe(section.parts.timeline);
  if (scenario.module === 'lessons' && !section.cannotRun) warmUpWhenNear(pg, section);
  listenToForms(section);
  section.recorded = sectionRecordedRuns(section);
  if (section.python) listenForPython(/** @type {Section & { python: PythonMode }} */ (section));
  checkGivenParams(section, initial, ofAction);
  return section.node;
}
