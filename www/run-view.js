// @ts-check
// One run as the page shows it: the status and elapsed time, the printed lines and the notes
// as they arrive, the timeline redrawn at most once a frame, and the scenario's own views
// once the run ends. It knows nothing of particular scenarios.
import { el, formatMs, stylesheet, whenFirstNeeded } from './dom.js';
import { clockOf, liveClock } from './learner-time.js';

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./playground.js').PlaygroundApi} PlaygroundApi
 * @typedef {import('./playground.js').RunResult} RunResult
 * @typedef {import('./playground.js').RunError} RunError
 * @typedef {import('./playground.js').ScenarioAction} ScenarioAction
 * @typedef {import('./playground.js').OnEvent} OnEvent
 * @typedef {{ id: string, views: string[] }} ViewedScenario what a run's view reads of its section's description
 * @typedef {import('./share.js').RunRecord} RunRecord
 * @typedef {import('./replay.js').PrintedLine} PrintedLine
 * @typedef {Awaited<ReturnType<typeof loadDrawing>>} DrawingModules timeline.js's and replay.js's exports
 * @typedef {ReturnType<typeof import('./replay.js').replayBar>} ReplayBar
 * @typedef {ReturnType<typeof runParts>} RunParts
 * @typedef {(state: string, text: string) => void} SetState
 * @typedef {{ t0: number | null, endT: number | null }} Range
 * @typedef {{
 *   t0: number | null, endT: number | null, events: PlaygroundEvent[], lines: PrintedLine[],
 *   modules: DrawingModules | null,
 * }} Shown what is shown of a run going on
 * @typedef {{ lane: string, text?: string }} Printed what addLine shows of an event
 * @typedef {Record<string, unknown>} ViewActions what a section offers the views (rerun, restart),
 *   and, at the end, the run's `events` and `params`
 * @typedef {{ event?: (ev: PlaygroundEvent) => void, finish?: (value: unknown, actions: ViewActions) => void }} LiveView
 * @typedef {{
 *   default?: (slot: HTMLElement, value: unknown, actions: ViewActions) => void,
 *   live?: (slot: HTMLElement, context: ViewActions) => LiveView,
 *   styled?: Promise<unknown>,
 * }} ViewModule a lesson's view (lessons/<id>/<name>.js); `styled` settles once its lesson's
 *   stylesheet has loaded
 * @typedef {{ source: string, onLoading: (loaded: number, total: number) => void, onEvent: OnEvent }} PythonRunOptions
 * @typedef {{ result: RunResult, error?: undefined, events: PlaygroundEvent[], t0: number | null, endT: number | null }
 *   | { result?: undefined, error: RunError, events: PlaygroundEvent[], t0: number | null, endT: number | null }} Ended
 *   how showRun's run ended, once drawn
 */

const now = () => performance.timeOrigin + performance.now();

/**
 * The timeline and the replay (timeline.js, replay.js): loaded with the first run shown, not
 * with the page, whose first load every learner waits for (the page asks for them once it is
 * ready, so a first run rarely waits). A failed load is tried again at the next run.
 */
export const loadDrawing = whenFirstNeeded(() =>
  Promise.all([
    import('./timeline.js'),
    import('./replay.js'),
    // Their styles come with them, not in the first load (style.css): nothing is drawn before both.
    stylesheet(new URL('./timeline.css', import.meta.url)),
    stylesheet(new URL('./replay.css', import.meta.url)),
  ]).then(([timeline, replay]) => ({ ...timeline, ...replay })),
);

const FIRST_HINT = 'Run the scenario to see what ran when. Hover or focus a bar or tick for details.';
const DRAWN_HINT = 'Hover or focus a bar or tick for details.';

/** The parts of a section a run writes into. */
export function runParts() {
  return {
    status: el('span', { 'data-role': 'status', 'data-state': 'idle', class: 'status', text: 'Ready' }),
    elapsed: el('span', { 'data-role': 'elapsed', class: 'elapsed' }),
    output: el('ol', { 'data-role': 'output', class: 'output', 'aria-live': 'polite', 'aria-label': 'Printed lines' }),
    notes: el('ul', {
      'data-role': 'notes',
      class: 'notes',
      'aria-live': 'polite',
      'aria-label': 'What the playground adds',
    }),
    timeline: el('div', { class: 'timeline-host', 'data-role': 'timeline' }),
    timelineDetail: el('p', { class: 'timeline-detail', 'aria-live': 'polite', text: FIRST_HINT }),
    legend: el('div', { class: 'legend-host' }),
    views: el('div', { class: 'chart-host', 'data-role': 'chart' }),
    replayHost: el('div', { class: 'replay-host' }), // the replay bar goes here at the first run
    replay: /** @type {ReplayBar | null} */ (null), // its controller (replay.js), made with the first drawing
    recorded: el('p', { 'data-role': 'recorded', class: 'recorded', hidden: true }),
  };
}

/**
 * Forgets what the last run (or recorded run) showed.
 * @param {RunParts} parts
 */
function clearParts(parts) {
  parts.output.replaceChildren();
  parts.notes.replaceChildren();
  parts.elapsed.textContent = '';
  delete parts.elapsed.dataset.ms;
  parts.views.replaceChildren();
  parts.timeline.replaceChildren();
  parts.replay?.reset();
  parts.recorded.textContent = '';
  parts.recorded.hidden = true;
}

/**
 * The section's replay bar, made the first time a timeline is drawn in it.
 * @param {RunParts} parts
 * @param {DrawingModules} modules
 */
function replayOf(parts, modules) {
  if (!parts.replay) {
    parts.replay = modules.replayBar();
    parts.replayHost.append(parts.replay.node);
  }
  return parts.replay;
}

/**
 * Draws the timeline and legend of `events` (`range()` gives `{ t0, endT }`; no t0: nothing),
 * with the drawing modules `modules()` (null until they have loaded: then nothing either).
 * @param {RunParts} parts
 * @param {PlaygroundEvent[]} events
 * @param {PlaygroundApi} pg
 * @param {() => DrawingModules | null} modules
 * @param {() => Range} range
 */
function timelineDrawer(parts, events, pg, modules, range) {
  return () => {
    const { t0, endT } = range();
    const m = modules();
    if (t0 === null || !m) return;
    const states = m.stateTable(pg.spanStates);
    replayOf(parts, m).drawn(
      m.drawTimeline(parts.timeline, events, {
        t0,
        endT: /** @type {number} */ (endT), // with a t0 there is an end: now, for a run going on
        states,
        onDetail: (text) => {
          parts.timelineDetail.textContent = text;
        },
      }),
    );
    parts.legend.replaceChildren(m.legend(events, states));
    if (parts.timelineDetail.textContent === FIRST_HINT) parts.timelineDetail.textContent = DRAWN_HINT;
  };
}

/**
 * Prepares the replay of a run that has ended (or was recorded), if the modules loaded.
 * @param {RunParts} parts
 * @param {PlaygroundApi} pg
 * @param {DrawingModules | null} modules
 * @param {{ events: PlaygroundEvent[], t0: number | null, endT: number | null, lines: PrintedLine[] }} run
 */
function offerReplay(parts, pg, modules, { events, t0, endT, lines }) {
  if (t0 === null || !modules) return;
  replayOf(parts, modules).load({ events, t0, endT, states: modules.stateTable(pg.spanStates), lines });
}

/**
 * Says in the section's notes that the timeline could not be drawn, and why.
 * @param {RunParts} parts
 * @param {Error} error
 */
function noDrawing(parts, error) {
  addLine(
    parts.notes,
    { lane: 'error', text: `The timeline could not be drawn: ${error.message}` },
    null,
    'note error',
  );
}

/**
 * Printed lines name the thread or process that printed them; notes all come from the
 * playground's view of the main program, so they carry only their time: `at`, the program's
 * ms since its start (null: none to give).
 * @param {HTMLElement} list
 * @param {Printed} ev
 * @param {number | null} at
 * @param {string} cls
 * @returns {HTMLLIElement}
 */
function addLine(list, ev, at, cls) {
  return list.appendChild(
    el(
      'li',
      { class: cls, 'data-lane': ev.lane },
      el('span', { class: 't', text: at === null ? '' : `+${formatMs(Math.max(0, at))}` }),
      cls.startsWith('line') ? el('span', { class: 'lane', text: ev.lane, title: ev.lane }) : null,
      el('span', { class: 'text', text: ev.text }),
    ),
  );
}

/**
 * A printed line (a Python run's stderr marked as such) or a note, if `ev` is one, added to the
 * section and to `lines` (the replay dims those after its cursor). `at`: as for addLine.
 * @param {RunParts} parts
 * @param {PrintedLine[]} lines
 * @param {PlaygroundEvent} ev
 * @param {number | null} at
 */
function showPrinted(parts, lines, ev, at) {
  if (ev.kind === 'line')
    lines.push([ev, addLine(parts.output, ev, at, ev.stream === 'stderr' ? 'line stderr' : 'line')]);
  else if (ev.kind === 'note' || ev.kind === 'cut') lines.push([ev, addLine(parts.notes, ev, at, 'note')]);
}

/**
 * The views a scenario declares, each a module in its lesson's folder
 * (`lessons/<scenario id>/<name>.js`). Most are drawn once the run ends, from its
 * value (`default(slot, value, actions)`). A *live* view (one that also exports
 * `live(slot, context)`) is started with the run and follows it: `context` is `{ send, params,
 * normalised, ...actions }` (`send(value)`: an input for the running program), and `live`
 * returns `{ event(ev), finish(value, actions) }`, told of every event (those before it loaded
 * too) and of the end (`value` undefined after a Stop or an error). A view is drawn once its
 * lesson's stylesheet has loaded (`styled`), so it never shows unstyled and then jumps.
 * @param {HTMLElement} host
 * @param {string} lesson
 * @param {string[]} names
 * @param {ViewActions} context
 * @param {PlaygroundEvent[]} events
 */
function startViews(host, lesson, names, context, events) {
  /** @type {LiveView[]} */
  const following = []; // live views loaded so far
  /** @type {Promise<{ name: string, view: ViewModule, follower?: LiveView }>[]} */
  const loaded = names.map(async (name) => {
    /** @type {ViewModule} */
    const view = await import(`./lessons/${lesson}/${name}.js`);
    await view.styled;
    if (!view.live) return { name, view };
    const slot = el('div', { class: 'view', 'data-view': name });
    host.append(slot);
    const follower = view.live(slot, context);
    for (const ev of events) follower.event?.(ev); // what happened before it loaded
    following.push(follower);
    return { name, view, follower };
  });
  return {
    event: (/** @type {PlaygroundEvent} */ ev) => {
      for (const view of following) view.event?.(ev);
    },
    /**
     * Ends the live views and (unless the run failed) draws the others, in the declared order.
     * @param {unknown} value
     * @param {ViewActions} actions
     * @param {{ failed?: boolean }} [options]
     */
    async finish(value, actions, { failed = false } = {}) {
      for (const { name, view, follower } of await Promise.all(loaded)) {
        if (follower) {
          follower.finish?.(value, actions);
          continue;
        }
        if (failed) continue;
        const slot = el('div', { class: 'view', 'data-view': name });
        host.append(slot);
        /** @type {NonNullable<ViewModule['default']>} */ (view.default)(slot, value, actions); // a view that is not live draws
      }
    },
  };
}

/**
 * Calls `draw()` at the next frame when asked (`redraw()`), once however often it was asked; `now()` draws at once.
 * @param {() => void} draw
 */
function oncePerFrame(draw) {
  let queued = false;
  const now = () => {
    queued = false;
    draw();
  };
  return {
    now,
    redraw: () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(now);
    },
  };
}

/**
 * Every 100 ms while the run goes on: the program's time so far (`programMs(t)`; `shown.t0` is
 * null until the program starts), the status when the run starts or stops waiting for the
 * learner (the clock is stopped then), and the timeline redrawn. Returns the interval's id.
 * @param {RunParts} parts
 * @param {Shown} shown
 * @param {ReturnType<typeof liveClock>} clock
 * @param {(t: number) => number} programMs the program's time at `t`, once it has started
 * @param {SetState} setState
 * @param {() => void} redraw
 */
function tickWhileRunning(parts, shown, clock, programMs, setState, redraw) {
  let waitingShown = false;
  return setInterval(() => {
    if (shown.t0 !== null) parts.elapsed.textContent = formatMs(programMs(now()));
    if (shown.t0 !== null && clock.waiting() !== waitingShown) {
      waitingShown = clock.waiting();
      setState('running', waitingShown ? 'Waiting for your step (the clock is stopped)' : 'Running…');
    }
    redraw();
  }, 100);
}

/**
 * The state, and its words, that a run's result ends with.
 * @param {RunResult} result
 * @returns {[state: string, text: string]}
 */
function endState(result) {
  if (result.status === 'cancelled') return ['cancelled', 'Cancelled: the lines printed so far are kept'];
  if (result.exitStatus)
    return [
      'error',
      `The program ended with an exception (exit status ${result.exitStatus}): its traceback is in the output`,
    ];
  return ['done', 'Done'];
}

/**
 * The run's time, once it has ended (`record`: its result or error, if that says it), and its
 * end on the shared clock: the program's time and the learner's make the run's time there.
 * @param {RunParts} parts
 * @param {Shown} shown
 * @param {{ elapsedMs?: number, learnerMs?: number } | undefined} record
 */
function showElapsed(parts, shown, record) {
  if (record?.elapsedMs === undefined) return;
  parts.elapsed.textContent = formatMs(record.elapsedMs);
  parts.elapsed.dataset.ms = String(record.elapsedMs);
  if (shown.t0 !== null) shown.endT = shown.t0 + record.elapsedMs + (record.learnerMs ?? 0);
}

/**
 * The views of the run (see startViews). Live views see the normalised parameters (numbers and
 * lists, as the program gets them). A Python run has no parameters and no views: the source
 * is its parameter. `send(value)`: an input for the running program.
 * @param {PlaygroundApi} pg
 * @param {{
 *   scenario: ViewedScenario, params: Record<string, string>, parts: RunParts, actions: ViewActions,
 *   action: ScenarioAction | null, python: PythonRunOptions | null, events: PlaygroundEvent[],
 *   send: (value: unknown) => boolean,
 * }} run
 */
function viewsOfRun(pg, { scenario, params, parts, actions, action, python, events, send }) {
  const normalised = python ? {} : pg.validate(scenario.id, params, action?.name ?? '').params;
  return startViews(
    parts.views,
    scenario.id,
    python ? [] : (action ?? scenario).views,
    { ...actions, params, normalised, send },
    events,
  );
}

/**
 * The drawing modules, once loaded (in `shown.modules`, and the timeline redrawn); resolves to the error if they could not be.
 * @param {Shown} shown
 * @param {() => void} redraw
 * @returns {Promise<Error | undefined>}
 */
const drawingLoaded = (shown, redraw) =>
  loadDrawing().then(
    (m) => {
      shown.modules = m;
      redraw();
    },
    (error) => error,
  );

/**
 * Runs scenario `id` with `params` and shows it in `parts`. `setState(state, text)` is told of
 * every change; the promise settles with the run's result (or error) once it has been drawn.
 * `actions` are offered to the views (`rerun(params)`: run again with some parameters changed).
 * `action`, if given, is one of the scenario's actions (`{ name, views }`) to run instead of
 * its program; `python`, if given, is the Python mode's `{ source, onLoading, onEvent }`: that
 * source runs on the Python interpreter instead (pg.runPython). Returns `{ cancel, done, redraw }`.
 * @param {PlaygroundApi} pg
 * @param {ViewedScenario} scenario
 * @param {Record<string, string>} params
 * @param {RunParts} parts
 * @param {SetState} setState
 * @param {ViewActions} [actions]
 * @param {ScenarioAction | null} [action]
 * @param {PythonRunOptions | null} [python]
 */
export function showRun(pg, scenario, params, parts, setState, actions = {}, action = null, python = null) {
  clearParts(parts);
  // Runs take turns: until this one starts it waits for the one before it.
  setState('running', 'Queued: waiting for the run before it…');
  // What is shown of the run: `t0`, the program's start on the shared clock (line times count
  // from it), its end, its events, and its lines as [event, element] (the replay dims those
  // after its cursor); `modules`: the drawing modules, once loaded.
  /** @type {Shown} */
  const shown = { t0: null, endT: null, events: [], lines: [], modules: null };
  const { events } = shown;
  const range = () => ({ t0: shown.t0, endT: shown.endT ?? now() });
  const frames = oncePerFrame(timelineDrawer(parts, events, pg, () => shown.modules, range));
  const loading = drawingLoaded(shown, frames.redraw);
  // The clock counts the program's time: it stops while the run waits for the learner.
  const clock = liveClock();
  const programMs = (/** @type {number} */ t) => (shown.t0 === null ? null : clock.programMs(shown.t0, t));
  // The ticker shows the time only once the program has started (shown.t0 set).
  const ticker = tickWhileRunning(
    parts,
    shown,
    clock,
    /** @type {(t: number) => number} */ (programMs),
    setState,
    frames.redraw,
  );
  /** @type {import('./playground.js').Run | import('./playground.js').PythonRun | null} */
  let run = null;
  /** @type {(value: unknown) => boolean} */
  const send = (value) => (run && 'send' in run ? run.send(value) : false);
  const views = viewsOfRun(pg, { scenario, params, parts, actions, action, python, events, send });
  const callbacks = {
    onStarting: (/** @type {{ loadingModule: boolean }} */ { loadingModule }) => {
      setState('running', loadingModule ? 'Starting: downloading the lessons module…' : 'Starting…');
    },
    onStart: (/** @type {{ t0: number }} */ start) => {
      shown.t0 = start.t0;
      setState('running', 'Running…');
    },
    onEvent: (/** @type {PlaygroundEvent} */ ev) => {
      events.push(ev);
      clock.event(ev);
      views.event(ev);
      python?.onEvent(ev);
      frames.redraw();
      showPrinted(parts, shown.lines, ev, programMs(ev.t));
    },
  };
  const started = python
    ? pg.runPython(python.source, { ...callbacks, onLoading: python.onLoading })
    : pg.run(scenario.id, params, { action: action?.name ?? '', ...callbacks });
  run = started;
  // The end is shown once the drawing modules are there (long before, as a rule), so a
  // finished run always has its timeline and replay; if they cannot load, the notes say so.
  const drawingReady = async () => {
    const failure = await loading;
    if (failure) noDrawing(parts, failure);
  };
  const finish = (/** @type {{ elapsedMs?: number, learnerMs?: number } | undefined} */ record) => {
    clearInterval(ticker);
    showElapsed(parts, shown, record);
    frames.now();
    offerReplay(parts, pg, shown.modules, shown);
  };
  /** @type {Promise<Ended>} */
  const done = started.done.then(
    async (result) => {
      await drawingReady();
      setState(...endState(result));
      finish(result);
      // Also after a Stop: a view drawn from events shows what was measured until then.
      await views.finish(result.value, { ...actions, events, params });
      return { result, events, t0: shown.t0, endT: shown.endT };
    },
    async (/** @type {RunError} */ error) => {
      await drawingReady();
      setState('error', `Error: ${error.message}`);
      addLine(parts.notes, { lane: 'error', text: `Error: ${error.message}` }, programMs(now()), 'note error');
      finish(error);
      await views.finish(undefined, { ...actions, events, params }, { failed: true });
      return { error, events, t0: shown.t0, endT: shown.endT };
    },
  );
  return { cancel: () => started.cancel(), done, redraw: frames.redraw };
}

/**
 * Shows a recorded run (share.js's checked record) as a finished run is shown: its lines,
 * notes, timeline and replay, labelled as recorded. Nothing runs. Returns `{ redraw }`.
 * @param {PlaygroundApi} pg
 * @param {RunRecord} record
 * @param {RunParts} parts
 * @param {SetState} setState
 * @param {string} label
 */
export async function showRecorded(pg, record, parts, setState, label) {
  clearParts(parts);
  const modules = await loadDrawing().catch((/** @type {Error} */ error) => {
    noDrawing(parts, error);
    return null;
  });
  const { events, t0 } = record;
  const endT = record.endT ?? (t0 === null ? null : t0 + record.elapsedMs);
  const clock = clockOf(events, endT ?? Infinity);
  const programMs = (/** @type {number} */ t) => (t0 === null ? null : clock.at(t) - clock.at(t0));
  /** @type {PrintedLine[]} */
  const lines = [];
  // In the order they reached the page, as the run showed them.
  for (const ev of events) showPrinted(parts, lines, ev, programMs(ev.t));
  if (record.status === 'error' && record.message)
    addLine(
      parts.notes,
      { lane: 'error', text: `Error: ${record.message}` },
      endT === null ? null : programMs(endT),
      'note error',
    );
  parts.elapsed.textContent = formatMs(record.elapsedMs);
  parts.elapsed.dataset.ms = String(record.elapsedMs);
  parts.recorded.textContent = label;
  parts.recorded.hidden = false;
  setState('recorded', `Recorded run (${record.status})`);
  const draw = timelineDrawer(
    parts,
    events,
    pg,
    () => modules,
    () => ({ t0, endT }),
  );
  draw();
  offerReplay(parts, pg, modules, { events, t0, endT, lines });
  return { redraw: draw };
}
