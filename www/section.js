// One scenario's section of the page: parameters, Run and Stop, the printed lines, what the
// playground adds, the timeline and the code. The full page and the embed both build it.
import { ParamError } from './playground.js';
import { drawSpeedup, drawTimeline, legend } from './timeline.js';
import { codePair } from './code.js';
import { pageUrl } from './url.js';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export const formatMs = (ms) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(3)} s`);

export function describeCapabilities(caps) {
  const isolation = caps.crossOriginIsolated
    ? 'This page is cross-origin isolated: threads share memory.'
    : 'This page is not cross-origin isolated, so the browser gives it no shared memory: thread scenarios cannot run here; asyncio and processes still can.';
  return `${isolation} The browser offers ${caps.hardwareConcurrency} hardware thread${caps.hardwareConcurrency === 1 ? '' : 's'}.`;
}

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
 * One scenario's section, following the page contract (run/stop buttons, inputs named after
 * the parameters, output, status, elapsed), with its timeline, notes and code.
 * `initial` pre-fills inputs (e.g. from the URL; they are validated like typed values and only
 * ever set as text); `compact` leaves out the code (for embeds).
 */
export function scenarioSection(pg, scenario, { initial = {}, compact = false, reference = null } = {}) {
  const { id } = scenario;
  const fields = Object.entries(scenario.params).map(([name, spec]) => {
    const input = el('input', {
      name, id: `${id}-${name}`, value: String(initial[name] ?? spec.default), inputmode: spec.list ? 'text' : 'numeric',
      autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-${name}-help ${id}-${name}-error`,
    });
    return el('div', { class: 'field' },
      el('label', { for: `${id}-${name}` }, el('code', { text: name }), el('span', { class: 'label-text', text: ` · ${spec.label}` })),
      input,
      el('small', { id: `${id}-${name}-help`, class: 'help', text: spec.range }),
      el('small', { id: `${id}-${name}-error`, class: 'field-error', 'data-error-for': name, role: 'alert' }));
  });
  const form = el('form', { class: 'params', novalidate: true }, ...fields,
    el('p', { class: 'field-error form-error', 'data-error-for': 'params', role: 'alert' }));
  const runButton = el('button', { type: 'submit', 'data-action': 'run', class: 'run' }, 'Run');
  const stopButton = el('button', { type: 'button', 'data-action': 'stop', class: 'stop', disabled: true }, 'Stop');
  const status = el('span', { 'data-role': 'status', 'data-state': 'idle', class: 'status', text: 'Ready' });
  const elapsed = el('span', { 'data-role': 'elapsed', class: 'elapsed' });
  const output = el('ol', { 'data-role': 'output', class: 'output', 'aria-live': 'polite', 'aria-label': 'Printed lines' });
  const notes = el('ul', { 'data-role': 'notes', class: 'notes', 'aria-live': 'polite', 'aria-label': 'What the playground adds' });
  const compare = el('p', { class: 'compare', 'data-role': 'compare' });
  form.append(el('div', { class: 'controls' }, runButton, stopButton, status, elapsed), compare);
  // After a run with the seed's parameters: its time beside the figures the last
  // `./build.sh bench` recorded for those same parameters.
  const showComparison = (ms, params) => {
    const ref = reference?.scenarios?.[scenario.id];
    const normal = (p) => JSON.stringify(pg.validate(scenario.id, p).params);
    if (!ref || normal(params) !== normal({})) return;
    compare.textContent = `this browser: ${formatMs(ms)} · native Rust: ${formatMs(ref.nativeMs)} · CPython: ${formatMs(ref.cpythonMs)}`;
    compare.title = `Recorded ${reference.date} on ${reference.machine}`;
    compare.append(el('small', { text: ` (recorded ${reference.date}, ${reference.machine.split(',').slice(0, 2).join(',')})` }));
  };

  const timelineHost = el('div', { class: 'timeline-host', 'data-role': 'timeline' });
  const timelineDetail = el('p', { class: 'timeline-detail', 'aria-live': 'polite', text: 'Run the scenario to see what ran when. Hover or focus a bar or tick for details.' });
  const legendHost = el('div', { class: 'legend-host' });
  const chartHost = el('div', { class: 'chart-host', 'data-role': 'chart' });

  const section = el('section', { 'data-scenario': id, id, class: 'scenario', 'aria-labelledby': `${id}-title` },
    el('header', {},
      el('h2', { id: `${id}-title`, text: scenario.title }),
      el('p', { class: 'seed-section', text: `Seed: ${scenario.seedSection} · id ${id}` })),
    form,
    el('div', { class: 'results' },
      el('figure', { class: 'printed' }, el('figcaption', { text: 'Printed, as Python prints it' }), output),
      el('figure', { class: 'added' }, el('figcaption', { text: 'Added by the playground' }), notes)),
    el('figure', { class: 'timeline' },
      el('figcaption', { text: 'What ran when (one lane per thread, process or task; one clock)' }),
      legendHost, timelineHost, timelineDetail),
    chartHost,
    compact ? null : el('aside', { class: 'what-to-notice' }, el('h3', { text: 'What to notice' }), el('p', { text: scenario.notice })),
    compact ? null : codeDetails(scenario));

  const currentParams = () => Object.fromEntries([...form.querySelectorAll('input')].map((i) => [i.name, i.value]));
  if (scenario.needsSharedMemory && !pg.capabilities.sharedMemory) {
    // Say plainly what is missing, and offer the one thing that helps: a top-level tab of the
    // playground's own site, which is cross-origin isolated (by headers or its service worker).
    const link = el('a', { href: pageUrl(id, currentParams()), target: '_blank', rel: 'noopener', 'data-role': 'new-tab' }, 'Open it in a new tab');
    form.addEventListener('input', () => { link.href = pageUrl(id, currentParams()); });
    form.before(el('p', { class: 'notice', role: 'note', 'data-role': 'isolation-notice' },
      'This scenario needs threads that share memory, and this page is not cross-origin isolated, so the browser gives it none. ',
      link, ' to run it there.'));
  }

  let current = null;
  let redrawTimeline = () => {}; // the last run's drawing, redone when the width changes
  new ResizeObserver(() => redrawTimeline()).observe(timelineHost);
  const setState = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
    runButton.disabled = state === 'running';
    stopButton.disabled = state !== 'running';
    section.setAttribute('aria-busy', state === 'running' ? 'true' : 'false');
  };
  const showErrors = (errors) => {
    form.querySelectorAll('[data-error-for]').forEach((n) => { n.textContent = ''; });
    form.querySelectorAll('input').forEach((n) => n.removeAttribute('aria-invalid'));
    for (const { param, message } of errors) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(param)}"]`) ?? form.querySelector('[data-error-for="params"]');
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      form.querySelector(`input[name="${CSS.escape(param)}"]`)?.setAttribute('aria-invalid', 'true');
    }
  };
  // Printed lines name the thread or process that printed them; notes all come from the
  // playground's view of the main program, so they carry only their time.
  const addLine = (list, ev, t0, cls) => {
    const at = t0 ? ev.t - t0 : 0;
    list.append(el('li', { class: cls, 'data-lane': ev.lane },
      el('span', { class: 't', text: `+${formatMs(Math.max(0, at))}` }),
      cls === 'line' ? el('span', { class: 'lane', text: ev.lane, title: ev.lane }) : null,
      el('span', { class: 'text', text: ev.text })));
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (current) return;
    const params = currentParams();
    try {
      pg.validate(id, params);
    } catch (error) {
      if (error instanceof ParamError) { showErrors(error.errors); return; }
      throw error;
    }
    showErrors([]);
    output.replaceChildren();
    notes.replaceChildren();
    elapsed.textContent = '';
    compare.textContent = '';
    // Runs take turns: until this one starts it waits for the one before it.
    setState('running', 'Queued: waiting for the run before it…');
    let t0 = null; // the program's start on the shared clock: line times count from it
    let endT = null;
    const events = [];
    let drawQueued = false;
    const redraw = () => {
      drawQueued = false;
      if (t0 === null) return;
      const now = performance.timeOrigin + performance.now();
      drawTimeline(timelineHost, events, { t0, endT: endT ?? now, onDetail: (text) => { timelineDetail.textContent = text; } });
      legendHost.replaceChildren(legend(events));
    };
    const queueRedraw = () => { if (!drawQueued) { drawQueued = true; requestAnimationFrame(redraw); } };
    redrawTimeline = queueRedraw;
    const ticker = setInterval(() => {
      if (t0 !== null) elapsed.textContent = formatMs(performance.timeOrigin + performance.now() - t0);
      queueRedraw();
    }, 100);
    chartHost.replaceChildren();
    timelineHost.replaceChildren();
    const run = pg.run(id, params, {
      onStart: (start) => {
        t0 = start.t0;
        status.textContent = 'Running…';
      },
      onEvent: (ev) => {
        events.push(ev);
        queueRedraw();
        if (ev.kind === 'line') addLine(output, ev, t0, 'line');
        else if (ev.kind === 'note') addLine(notes, ev, t0, 'note');
      },
    });
    current = run;
    const finish = (record) => {
      clearInterval(ticker);
      if (record?.elapsedMs !== undefined) {
        elapsed.textContent = formatMs(record.elapsedMs);
        elapsed.dataset.ms = String(record.elapsedMs);
        if (t0 !== null) endT = t0 + record.elapsedMs;
      }
      redraw();
    };
    run.done.then(
      (result) => {
        if (result.status === 'cancelled') setState('cancelled', 'Cancelled: the lines printed so far are kept');
        else {
          setState('done', 'Done');
          showComparison(result.elapsedMs, params);
        }
        finish(result);
        if (id === 'threading-speedup' && Array.isArray(result.value)) {
          drawSpeedup(chartHost, result.value.map((r) => ({ workers: Number(r.workers), ms: Number(r.ms), speedup: Number(r.speedup_x100) / 100 })));
        }
      },
      (error) => {
        setState('error', `Error: ${error.message}`);
        addLine(notes, { t: performance.timeOrigin + performance.now(), lane: 'error', text: `Error: ${error.message}` }, t0, 'note error');
        finish(error);
      },
    ).finally(() => { current = null; });
  });
  stopButton.addEventListener('click', () => current?.cancel());
  // Parameters from a URL are checked at once, like typed ones; nothing runs until Run.
  if (Object.keys(initial).length > 0) {
    try {
      pg.validate(id, { ...currentParams(), ...initial });
    } catch (error) {
      if (error instanceof ParamError) showErrors(error.errors);
      else throw error;
    }
  }
  return section;
}

