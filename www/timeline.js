// @ts-check
// What ran when: one lane per thread, process or task, drawn in SVG from the run's events.
//
// Events come from the runtime layer as data (never parsed from printed text), all stamped
// with one clock: `lane-start` / `lane-end` bound a lane's life, `span` events are stretches
// in one state (run, sleep, await, waiting for a lock...), and each printed `line` is a tick.

//
// The states, their words and which are drawn over a running bar come from Rust's SpanState
// (`pg.spanStates`); the CSS gives each state's colour (light and dark).
import { svg } from './dom.js';
import { clockOf, waitWords } from './learner-time.js';

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./playground.js').SpanState} SpanState
 * @typedef {import('./learner-time.js').LearnerWait} LearnerWait
 * @typedef {ReturnType<typeof clockOf>} Clock
 * @typedef {PlaygroundEvent & { start: number, state: string, label: string }} SpanEvent a `span` event
 * @typedef {PlaygroundEvent & { start: number, count: number }} MarksEvent a `marks` event
 * @typedef {{ labels: Map<string, string>, overlays: Set<string> }} StateTable
 * @typedef {{
 *   name: string, what: string, start: number, end: number, spans: SpanEvent[], ticks: PlaygroundEvent[],
 *   marks: MarksEvent[],
 * }} Lane one lane of the timeline
 * @typedef {(t: number) => number} XOf where a time of the shared clock goes across the timeline
 * @typedef {(from: number, to: number) => number} MsBetween the program's ms between two times
 * @typedef {{ x: XOf, ms: MsBetween, t0: number, states: StateTable, width: number }} Drawing
 * @typedef {Drawing & { lane: Lane, laneNote: string }} LaneDrawing
 * @typedef {ReturnType<typeof drawTimeline>} DrawnTimeline
 */

/**
 * `{ labels: Map(name -> words), overlays: Set(name) }` from `pg.spanStates`.
 * @param {SpanState[]} spanStates
 * @returns {StateTable}
 */
export function stateTable(spanStates) {
  return {
    labels: new Map(spanStates.map((s) => [s.name, s.label])),
    overlays: new Set(spanStates.filter((s) => s.overlay).map((s) => s.name)),
  };
}

const LANE_HEIGHT = 34;
const AXIS_HEIGHT = 26;
const PAD_X = 8;
const LABEL_CHAR = 6.8; // px per character of a lane label (11 px monospace), a little over
const GAP_PX = 14; // the width of a wait for the learner, however long it was

const fmt = (/** @type {number} */ ms) => (ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0));

/**
 * The run's lanes, `{ name, what, start, end, spans, ticks }`. A lane starts at its earliest
 * event: events reach the page from several workers, not in time order (a process's first
 * line can arrive before the main thread reports having started it).
 * @param {PlaygroundEvent[]} events
 * @param {number} t0
 * @param {number} endT
 * @param {Set<string>} [overlays]
 * @returns {Lane[]}
 */
export function lanesOf(events, t0, endT, overlays = new Set()) {
  /** @type {Map<string, Omit<Lane, 'end'> & { end: number | null }>} */
  const lanes = new Map();
  const lane = (/** @type {string} */ name, /** @type {number} */ t) => {
    let l = lanes.get(name);
    if (!l) {
      l = { name, what: '', start: t, end: null, spans: [], ticks: [], marks: [] };
      lanes.set(name, l);
    }
    return l;
  };
  for (const ev of events) {
    const l = lane(ev.lane, ev.kind === 'span' ? /** @type {SpanEvent} */ (ev).start : ev.t);
    if (ev.kind === 'lane-start') {
      l.start = Math.min(l.start, ev.t);
      l.what = /** @type {string} */ (ev.what);
    } else if (ev.kind === 'lane-end') l.end = ev.t;
    else if (ev.kind === 'span') {
      const span = /** @type {SpanEvent} */ (ev);
      l.spans.push(span);
      l.start = Math.min(l.start, span.start);
    } else if (ev.kind === 'line') l.ticks.push(ev);
    else if (ev.kind === 'marks') l.marks.push(/** @type {MarksEvent} */ (ev));
  }
  for (const l of lanes.values()) {
    l.start = Math.max(l.start, t0);
    if (l.end === null) l.end = endT;
    // Waits drawn over a running bar must come after it to stay visible.
    l.spans.sort((a, b) => Number(overlays.has(a.state)) - Number(overlays.has(b.state)) || a.start - b.start);
  }
  // Every lane has its end now (above).
  const all = /** @type {Lane[]} */ ([...lanes.values()]);
  // The main thread first, then lanes in the order they started; lanes started together (a
  // pool's workers, asked for at once) in the order of their names, PoolWorker-1 first.
  const byStart = all.filter((l) => l.name !== 'MainThread').sort((a, b) => a.start - b.start);
  const ordered = all.filter((l) => l.name === 'MainThread');
  for (let i = 0; i < byStart.length; ) {
    let j = i + 1;
    while (j < byStart.length && byStart[j].start - byStart[i].start < TOGETHER_MS) j++;
    ordered.push(...byStart.slice(i, j).sort((a, b) => NAMES.compare(a.name, b.name)));
    i = j;
  }
  return ordered;
}

const TOGETHER_MS = 2;
const NAMES = new Intl.Collator('en', { numeric: true });

/** `text`, cut to `room` characters, the last an ellipsis, if it is longer. */
const fitted = (/** @type {string} */ text, /** @type {number} */ room) =>
  text.length > room ? `${text.slice(0, room - 1)}…` : text;

/**
 * Gives `node` its details: a tooltip, and the words shown under the timeline when it is pointed at or focused.
 * @template {SVGElement} E
 * @param {E} node
 * @param {string} detail
 * @returns {E}
 */
function withDetail(node, detail) {
  node.append(svg('title', {}, detail));
  node.dataset.detail = detail;
  return node;
}

/**
 * Where a time goes across the timeline, `width` wide: the program's time only, each wait for
 * the learner a gap of GAP_PX, not its seconds. Returns `{ clock, span, scale, x(t), ms(from,
 * to) }`: `span` is the program's ms shown, `x(t)` places a time of the shared clock, `ms`
 * measures between two in the program's time.
 * @param {PlaygroundEvent[]} events
 * @param {number} t0
 * @param {number} endT
 * @param {number} width
 */
function timeScale(events, t0, endT, width) {
  let last = endT; // a loop: spreading tens of thousands of events into Math.max can throw
  for (const e of events) if (e.t > last) last = e.t;
  const clock = clockOf(events, endT);
  const programMs = (/** @type {number} */ t) => clock.at(t) - clock.at(t0);
  const span = Math.max(1, programMs(last));
  const scale = (width - 2 * PAD_X - clock.waits.length * GAP_PX) / span;
  return {
    clock,
    span,
    scale,
    x: (/** @type {number} */ t) => PAD_X + programMs(t) * scale + clock.gapsBefore(t) * GAP_PX,
    ms: (/** @type {number} */ from, /** @type {number} */ to) => programMs(to) - programMs(from),
  };
}

/**
 * A lane's label: its name and what it is, ending in "…" if longer than the timeline is wide
 * (it would widen the page on a phone). Returns `{ label, laneNote }`: `laneNote` is what ends
 * each of the lane's details then, its full text (also the label's tooltip).
 * @param {Lane} lane
 * @param {number} width
 */
function laneLabel(lane, width) {
  const full = lane.what ? `${lane.name} · ${lane.what}` : lane.name;
  const labelRoom = Math.floor((width - 2 * PAD_X) / LABEL_CHAR);
  const label = svg('text', { x: PAD_X, y: 11, class: 'lane-label' }, fitted(full, labelRoom));
  const laneNote = full.length > labelRoom ? ` (lane: ${full})` : '';
  if (laneNote) label.append(svg('title', {}, full));
  return { label, laneNote };
}

const BAR_Y = 15;

/**
 * A stretch in one state: a bar (thinner and lower for a wait drawn over a running bar) and,
 * if the bar is wide, as much of what it was as fits in it.
 * @param {SVGGElement} g
 * @param {SpanEvent} s
 * @param {LaneDrawing} drawing
 */
function spanBar(g, s, { lane, laneNote, x, ms, t0, states }) {
  const from = x(s.start);
  const overlay = states.overlays.has(s.state);
  const rect = svg('rect', {
    x: from,
    y: overlay ? BAR_Y + 7 : BAR_Y,
    width: Math.max(1.5, x(s.t) - from),
    height: overlay ? 7 : 14,
    rx: 2,
    class: `bar state-${s.state}`,
    'data-kind': 'span',
    'data-state': s.state,
    tabindex: 0,
  });
  const detail = `${lane.name}: ${states.labels.get(s.state) ?? s.state}, ${s.label}, ${fmt(ms(s.start, s.t))} ms (from +${fmt(ms(t0, s.start))} ms)${laneNote}`;
  g.append(withDetail(rect, detail));
  const room = Math.floor((x(s.t) - from - 6) / 6.6);
  if (!overlay && room >= 8) {
    g.append(
      svg(
        'text',
        { x: from + 3, y: BAR_Y + 10.5, class: `bar-label on-${s.state}`, 'aria-hidden': 'true' },
        fitted(s.label, room),
      ),
    );
  }
}

/**
 * Marks (e.g. the no-lock race's lost updates): a strip under the bar, darker where more fell
 * in the same block of time, so where along the run they happened is seen.
 * @param {LaneDrawing} drawing
 */
function marksStrip({ lane, laneNote, x }) {
  const most = lane.marks.reduce((m, k) => Math.max(m, k.count), 1);
  const total = lane.marks.reduce((n, k) => n + k.count, 0);
  const strip = svg('g', { class: 'marks', 'data-kind': 'marks', tabindex: 0 });
  withDetail(
    strip,
    `${lane.name}: ${total} stores that wiped out updates of another thread, in ${lane.marks.length} stretches (darker: more)${laneNote}`,
  );
  for (const k of lane.marks) {
    const from = x(k.start);
    strip.append(
      svg('rect', {
        x: from,
        y: BAR_Y + 15,
        width: Math.max(1, x(k.t) - from),
        height: 4,
        class: 'mark',
        'fill-opacity': (0.25 + 0.75 * (k.count / most)).toFixed(2),
      }),
    );
  }
  return strip;
}

/**
 * A printed line: a tick across the bar at its time.
 * @param {PlaygroundEvent} t
 * @param {LaneDrawing} drawing
 */
function printTick(t, { lane, laneNote, x, ms, t0 }) {
  const tick = svg('line', {
    x1: x(t.t),
    x2: x(t.t),
    y1: BAR_Y - 3,
    y2: BAR_Y + 17,
    class: 'tick',
    'data-kind': 'tick',
    tabindex: 0,
  });
  return withDetail(tick, `${lane.name} printed "${t.text}" at +${fmt(ms(t0, t.t))} ms${laneNote}`);
}

/**
 * Lane number `i`: its label, a line for its life, its spans, marks and printed lines.
 * `drawing` is `{ x, ms, t0, states, width }`.
 * @param {Lane} lane
 * @param {number} i
 * @param {Drawing} drawing
 */
function laneGroup(lane, i, drawing) {
  const g = svg('g', { class: 'lane', 'data-lane': lane.name, transform: `translate(0 ${i * LANE_HEIGHT})` });
  const { label, laneNote } = laneLabel(lane, drawing.width);
  g.append(label);
  const { x } = drawing;
  g.append(
    svg('line', {
      x1: x(lane.start),
      x2: Math.max(x(lane.end), x(lane.start) + 1),
      y1: BAR_Y + 7,
      y2: BAR_Y + 7,
      class: 'alive',
    }),
  );
  const of = { ...drawing, lane, laneNote };
  for (const s of lane.spans) spanBar(g, s, of);
  if (lane.marks.length > 0) g.append(marksStrip(of));
  for (const t of lane.ticks) g.append(printTick(t, of));
  return g;
}

/**
 * Draws the timeline of `events` into `host` (replacing what was there). `t0` is the run's
 * start, `endT` its end (or now, while it runs), `states` the `stateTable`. `onDetail(text)`
 * gets the description of the bar or tick under the pointer or keyboard focus.
 * @param {HTMLElement} host
 * @param {PlaygroundEvent[]} events
 * @param {{ t0: number, endT: number, states: StateTable, onDetail?: (text: string) => void }} options
 */
export function drawTimeline(host, events, { t0, endT, states, onDetail = () => {} }) {
  const width = Math.max(160, host.clientWidth || 600); // never wider than its host (a 320 px phone too)
  const lanes = lanesOf(events, t0, endT, states.overlays);
  const { clock, span, scale, x, ms } = timeScale(events, t0, endT, width);
  const lanesHeight = lanes.length * LANE_HEIGHT;
  const height = lanesHeight + AXIS_HEIGHT;
  const root = svg('svg', {
    // tabindex -1: Chromium puts an SVG element with a focus listener in the tab order, an
    // extra stop with no visible focus; Tab goes straight to the bars and ticks.
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: 'timeline-svg',
    role: 'img',
    tabindex: -1,
    'aria-label': `Timeline of ${lanes.length} lanes over ${fmt(span)} ms of the program's time${
      clock.waits.length ? `; ${clock.waits.length} waits for your step are cut out` : ''
    }`,
  });
  lanes.forEach((lane, i) => {
    root.append(laneGroup(lane, i, { x, ms, t0, states, width }));
  });
  // Under the lanes, so their labels stay readable across a gap.
  root.prepend(learnerGaps(clock.waits, x, lanesHeight));
  const axisX = (/** @type {number} */ p) => PAD_X + p * scale + gapsBeforeProgram(clock, t0, p) * GAP_PX;
  root.append(timeAxis(lanesHeight + 4, width, span, axisX));

  const show = (/** @type {Event} */ e) => {
    // The bars, ticks and bands have a detail; other parts of the drawing (and text) none.
    const target = /** @type {Partial<HTMLOrSVGElement>} */ (e.target);
    if (target.dataset?.detail) onDetail(target.dataset.detail);
  };
  root.addEventListener('pointerover', show);
  root.addEventListener('focusin', show);
  host.replaceChildren(root);
  // The scale and the lanes' extent, for what is drawn over the timeline (the replay cursor).
  return { lanes: lanes.length, ticks: lanes.reduce((n, l) => n + l.ticks.length, 0), svg: root, x, lanesHeight };
}

/**
 * The time axis: about one label per 90 px, at round numbers of the program's ms; `xOf(ms)` places one.
 * @param {number} y
 * @param {number} width
 * @param {number} span
 * @param {(ms: number) => number} xOf
 */
function timeAxis(y, width, span, xOf) {
  const axis = svg('g', { class: 'axis', transform: `translate(0 ${y})` });
  axis.append(svg('line', { x1: PAD_X, x2: width - PAD_X, y1: 0, y2: 0 }));
  const rough = span / Math.max(1, Math.floor(width / 90));
  const step =
    [1, 2, 5].map((m) => m * 10 ** Math.floor(Math.log10(rough))).find((s) => s >= rough) ??
    10 ** Math.ceil(Math.log10(rough));
  for (let t = 0; t <= span + 1e-9; t += step) {
    axis.append(svg('line', { x1: xOf(t), x2: xOf(t), y1: 0, y2: 4 }));
    const anchor = t === 0 ? 'start' : xOf(t) > width - 40 ? 'end' : 'middle';
    axis.append(svg('text', { x: xOf(t), y: 16, 'text-anchor': anchor }, `${fmt(t)} ms`));
  }
  return axis;
}

/**
 * How many of the learner's waits lie before the program's time `p` (ms from `t0`).
 * @param {Clock} clock
 * @param {number} t0
 * @param {number} p
 */
function gapsBeforeProgram(clock, t0, p) {
  const from = clock.at(t0);
  return clock.waits.filter((w) => clock.at(w.start) - from < p).length;
}

/**
 * Each wait for the learner as a dashed band across every lane, focusable, with its words:
 * the time the learner took is shown, not drawn to scale.
 * @param {LearnerWait[]} waits
 * @param {XOf} x
 * @param {number} height
 */
function learnerGaps(waits, x, height) {
  const g = svg('g', { class: 'learner-gaps' });
  for (const w of waits) {
    const from = x(w.start);
    const band = svg('rect', {
      x: from,
      y: 0,
      width: Math.max(2, x(w.end) - from),
      height,
      class: 'learner-gap',
      'data-kind': 'learner-wait',
      tabindex: 0,
    });
    g.append(withDetail(band, waitWords(w)));
  }
  return g;
}

/**
 * The legend: a swatch per state that occurs in `events`, plus the tick.
 * @param {PlaygroundEvent[]} events
 * @param {StateTable} states
 */
export function legend(events, states) {
  const seen = new Set(events.filter((e) => e.kind === 'span').map((e) => e.state));
  const items = [...states.labels].filter(([state]) => seen.has(state));
  const ul = document.createElement('ul');
  ul.className = 'timeline-legend';
  for (const [state, words] of [...items, ['tick', 'a printed line']]) {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch state-${state}`;
    li.append(swatch, words);
    ul.append(li);
  }
  return ul;
}
