// One scenario's section of the page: parameters, Run and Stop, the printed lines, what the
// playground adds, the timeline, the scenario's own views and the code. The full page and the
// embed both build it from the same parts: fields.js (parameters), run-view.js (a run),
// code.js (the code view); nothing here depends on which scenario it is.
import { ParamError } from './playground.js';
import { codePair } from './code.js';
import { el, formatMs } from './dom.js';
import { paramFields } from './fields.js';
import { runParts, showRun } from './run-view.js';
import { pageUrl } from './url.js';

export { el, formatMs };

/** The Python a scenario ports: the ```python block in the `//!` lines that open its file. */
export function pythonOf(rust) {
  const doc = [];
  for (const line of rust.split('\n')) {
    if (!line.startsWith('//!')) break;
    doc.push(line.replace(/^\/\/! ?/, ''));
  }
  const start = doc.findIndex((l) => l.trim() === '```python');
  const end = doc.findIndex((l, i) => i > start && l.trim() === '```');
  return start < 0 ? '' : `${doc.slice(start + 1, end < 0 ? undefined : end).join('\n')}\n`;
}

/** Fetches a scenario source file that build.sh copied beside the wasm it was built into. */
async function sourceFile(name) {
  const response = await fetch(new URL(`./pkg/src/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`cannot load ${name}: HTTP ${response.status}`);
  return response.text();
}

/** The Python and the Rust, side by side; loaded and highlighted when first opened. */
function codeDetails(scenario) {
  const pair = el('div', { class: 'code-pair' });
  const details = el('details', { class: 'code' },
    el('summary', { text: 'The Python and the Rust that ran, side by side (corresponding lines light up together)' }), pair);
  details.addEventListener('toggle', async () => {
    if (!details.open || pair.dataset.state) return;
    pair.dataset.state = 'loading';
    try {
      const [rust, ...more] = await Promise.all([scenario.rustFile, ...scenario.moreRustFiles].map(sourceFile));
      const code = codePair(pythonOf(rust), rust, more);
      pair.dataset.pairs = String(code.pairs);
      pair.append(
        el('figure', {}, el('figcaption', { text: 'Python (the seed)' }), code.python),
        el('figure', {}, el('figcaption', { text: `Rust: src/scenarios/${scenario.rustFile}` }), code.rust, ...code.extra));
      pair.dataset.state = 'ready';
    } catch (error) {
      pair.append(el('p', { class: 'notice', role: 'alert', text: `The source could not be shown: ${error.message}` }));
      pair.dataset.state = 'error';
    }
  });
  return details;
}

/**
 * After a run with the seed's parameters: its time beside the figures the last
 * `./build.sh bench` recorded for those same parameters (www/reference.json).
 */
function comparison(pg, scenario, reference) {
  const node = el('p', { class: 'compare', 'data-role': 'compare' });
  const show = (ms, params) => {
    const ref = reference?.scenarios?.[scenario.id];
    const normal = (p) => JSON.stringify(pg.validate(scenario.id, p).params);
    if (!ref || normal(params) !== normal({})) return;
    node.textContent = `this browser: ${formatMs(ms)} · native Rust: ${formatMs(ref.nativeMs)} · CPython: ${formatMs(ref.cpythonMs)}`;
    node.title = `Recorded ${reference.date} on ${reference.machine}`;
    node.append(el('small', { text: ` (recorded ${reference.date}, ${reference.machine.split(',').slice(0, 2).join(',')})` }));
  };
  return { node, show, clear: () => { node.textContent = ''; } };
}

/**
 * Says plainly that a thread scenario cannot run here, and offers the one thing that helps: a
 * top-level tab of the playground's own site, which is cross-origin isolated (by headers or
 * its service worker). The link follows the fields.
 */
function isolationNotice(id, form, values) {
  const link = el('a', { href: pageUrl(id, values()), target: '_blank', rel: 'noopener', 'data-role': 'new-tab' }, 'Open it in a new tab');
  form.addEventListener('input', () => { link.href = pageUrl(id, values()); });
  return el('p', { class: 'notice', role: 'note', 'data-role': 'isolation-notice' },
    'This scenario needs threads that share memory, and this page is not cross-origin isolated, so the browser gives it none. ',
    link, ' to run it there.');
}

/**
 * A form for one of the scenario's actions (e.g. "Run many times"): its own fields, named
 * `<action>-<param>` so they never clash with the scenario's, and its button
 * (`[data-action=<action>]`). The run shows in the section like any other.
 */
function actionForm(id, action, initial) {
  const fields = paramFields({ id, params: action.params }, initial, `${action.name}-`);
  const button = el('button', { type: 'submit', 'data-action': action.name, class: 'run' }, action.label);
  const node = el('form', { class: 'params action', novalidate: true, 'aria-label': action.label },
    el('p', { class: 'action-about', text: action.description }), ...fields.nodes, el('div', { class: 'controls' }, button));
  return { action, fields, button, node };
}

/**
 * One scenario's section, following the page contract (run/stop buttons, inputs named after
 * the parameters, output, status, elapsed), with its timeline, notes, views and code.
 * `initial` pre-fills inputs (e.g. from the URL; they are validated like typed values and only
 * ever set as text); `compact` leaves out the code (for embeds).
 */
export function scenarioSection(pg, scenario, { initial: given = {}, compact = false, reference = null } = {}) {
  const { id } = scenario;
  // `repeat-runs=50` in a URL is the parameter `runs` of the action `repeat`.
  const ofAction = (action) => Object.fromEntries(Object.entries(given)
    .filter(([name]) => name.startsWith(`${action.name}-`)).map(([name, value]) => [name.slice(action.name.length + 1), value]));
  const initial = Object.fromEntries(Object.entries(given)
    .filter(([name]) => !scenario.actions.some((a) => name.startsWith(`${a.name}-`))));
  const fields = paramFields(scenario, initial);
  const parts = runParts();
  const compare = comparison(pg, scenario, reference);
  const runButton = el('button', { type: 'submit', 'data-action': 'run', class: 'run' }, 'Run');
  const stopButton = el('button', { type: 'button', 'data-action': 'stop', class: 'stop', disabled: true }, 'Stop');
  const form = el('form', { class: 'params', novalidate: true }, ...fields.nodes,
    el('div', { class: 'controls' }, runButton, stopButton, parts.status, parts.elapsed), compare.node);
  const actionForms = scenario.actions.map((action) => actionForm(id, action, ofAction(action)));

  const section = el('section', { 'data-scenario': id, id, class: 'scenario', 'aria-labelledby': `${id}-title` },
    el('header', {},
      el('h2', { id: `${id}-title`, text: scenario.title }),
      el('p', { class: 'seed-section', text: `Seed: ${scenario.seedSection} · id ${id}` })),
    form,
    ...actionForms.map((a) => a.node),
    el('div', { class: 'results' },
      el('figure', { class: 'printed' }, el('figcaption', { text: 'Printed, as Python prints it' }), parts.output),
      el('figure', { class: 'added' }, el('figcaption', { text: 'Added by the playground' }), parts.notes)),
    el('figure', { class: 'timeline' },
      el('figcaption', { text: 'What ran when (one lane per thread, process or task; one clock)' }),
      parts.legend, parts.timeline, parts.timelineDetail, parts.replay.node),
    parts.views,
    compact ? null : el('aside', { class: 'what-to-notice' }, el('h3', { text: 'What to notice' }), el('p', { text: scenario.notice })),
    compact ? null : codeDetails(scenario));
  if (scenario.needsSharedMemory && !pg.capabilities.sharedMemory) form.before(isolationNotice(id, form, fields.values));

  const setState = (state, text) => {
    parts.status.dataset.state = state;
    parts.status.textContent = text;
    runButton.disabled = state === 'running';
    for (const a of actionForms) a.button.disabled = state === 'running';
    stopButton.disabled = state !== 'running';
    section.setAttribute('aria-busy', state === 'running' ? 'true' : 'false');
  };
  /**
   * The typed parameters (and `extra` ones, e.g. unknown names from a URL) if they are valid;
   * otherwise shows why and returns null.
   */
  const validParams = (of, action = '', extra = {}) => {
    const params = { ...of.values(), ...extra };
    try {
      pg.validate(id, params, action);
    } catch (error) {
      if (error instanceof ParamError) { of.showErrors(error.errors); return null; }
      throw error;
    }
    of.showErrors([]);
    return params;
  };

  // A view may offer to run again with some parameters changed (e.g. more rounds): the fields
  // show the new values, and the run goes through the same checks as a typed one.
  const rerun = (changed) => {
    for (const [name, value] of Object.entries(changed)) {
      const input = form.querySelector(`input[name="${CSS.escape(name)}"]`);
      if (input) input.value = value;
    }
    form.requestSubmit(runButton);
  };
  let current = null;
  let redrawTimeline = () => {}; // the last run's drawing, redone when the width changes
  new ResizeObserver(() => redrawTimeline()).observe(parts.timeline);
  /** Runs the program (or `action`) with the parameters of `of`, if they are valid. */
  const start = (of, action = null) => {
    if (current) return;
    const params = validParams(of, action?.name);
    if (!params) return;
    compare.clear();
    current = showRun(pg, scenario, params, parts, setState, { rerun }, action);
    redrawTimeline = current.redraw;
    current.done.then(({ result }) => {
      if (result?.status === 'done' && !action) compare.show(result.elapsedMs, params);
    }).finally(() => { current = null; });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    start(fields);
  });
  for (const a of actionForms) {
    a.node.addEventListener('submit', (e) => {
      e.preventDefault();
      start(a.fields, a.action);
    });
  }
  stopButton.addEventListener('click', () => current?.cancel());
  // Parameters from a URL are checked at once, like typed ones; nothing runs until Run.
  if (Object.keys(initial).length > 0) validParams(fields, '', initial);
  for (const a of actionForms) {
    const wanted = ofAction(a.action);
    if (Object.keys(wanted).length > 0) validParams(a.fields, a.action.name, wanted);
  }
  return section;
}
