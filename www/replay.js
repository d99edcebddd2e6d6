// @ts-check
// Replay a finished run from its recorded events, without running anything again: a slider
// whose steps are the run's events in time order, a cursor across the timeline, the printed
// lines after the cursor dimmed, one sentence per lane saying what it was doing, and Play.
//
// It must stay smooth with tens of thousands of events, so everything that depends on the
// whole run is computed once in `load`; a move of the cursor costs a binary search per lane,
// touches only the printed lines whose side of the cursor changed, moves one SVG line, and
// happens at most once per animation frame. The timeline itself is never redrawn here.
import { el, formatMs, svg } from './dom.js';
import { clockOf } from './learner-time.js';
import { lanesOf } from './timeline.js';

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./timeline.js').SpanEvent} SpanEvent
 * @typedef {import('./timeline.js').StateTable} StateTable
 * @typedef {import('./timeline.js').DrawnTimeline} DrawnTimeline
 * @typedef {[event: PlaygroundEvent, element: HTMLElement]} PrintedLine a printed line's or note's event and its element
 * @typedef {{ events: PlaygroundEvent[], t0: number, endT: number | null, states: StateTable, lines?: PrintedLine[] }} FinishedRun
 * @typedef {{ from: Float64Array, after: Uint8Array, span: (SpanEvent | null)[] }} Segments
 * @typedef {{ t: Float64Array, isEnd: boolean[] }} Lives
 * @typedef {{ name: string, lives: Lives, segments: Segments }} LaneIndex
 * @typedef {ReturnType<typeof indexRun>} IndexedRun
 * @typedef {IndexedRun & { sentences: string[] }} ShownRun an indexed run with its lanes' sentences as shown
 * @typedef {ReturnType<typeof replayControls>} Controls
 * @typedef {ReturnType<typeof timelineCursor>} Cursor
 * @typedef {{ run: ShownRun | null, position: number, time: number, futureFrom: number, dirty: boolean }} ReplayState
 */

const SPEEDS = [1, 0.5, 0.1];

/**
 * Index of the first element of the sorted `arr` greater than `x` (so: how many are <= x).
 * @param {ArrayLike<number>} arr
 * @param {number} x
 */
function upperBound(arr, x) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A lane's spans flattened into consecutive segments `{ from, after, span }` (span null: in no
 * span). Spans overlap (a lock wait is reported inside the run that contains it), so at each
 * moment the overlay state wins, then the span that started last (the innermost). A span
 * covers [start, t] with both ends: the cursor sits on event times, and a sleep is reported
 * only as it ends, so at that event the lane was still asleep. A segment with `after` set
 * begins just after `from` (where spans closed).
 * @param {SpanEvent[]} spans
 * @param {Set<string>} overlays
 * @returns {Segments}
 */
function segmentsOf(spans, overlays) {
  const opens = spans.filter((s) => s.t > s.start).sort((a, b) => a.start - b.start);
  const closes = [...opens].sort((a, b) => a.t - b.t);
  const rank = (/** @type {SpanEvent} */ x) => (overlays.has(x.state) ? 1 : 0);
  /** @type {Set<SpanEvent>} */
  const active = new Set();
  /** @type {{ from: number[], after: boolean[], span: (SpanEvent | null)[] }} */
  const seg = { from: [], after: [], span: [] };
  const push = (/** @type {number} */ at, /** @type {boolean} */ after) => {
    /** @type {SpanEvent | null} */
    let best = null;
    for (const s of active) {
      if (!best || rank(s) > rank(best) || (rank(s) === rank(best) && s.start >= best.start)) best = s;
    }
    if (seg.span.length === 0 || seg.span[seg.span.length - 1] !== best) {
      seg.from.push(at);
      seg.after.push(after);
      seg.span.push(best);
    }
  };
  let i = 0;
  let j = 0;
  while (i < opens.length || j < closes.length) {
    const at = Math.min(opens[i]?.start ?? Infinity, closes[j]?.t ?? Infinity);
    if (i < opens.length && opens[i].start === at) {
      for (; i < opens.length && opens[i].start === at; i++) active.add(opens[i]);
      push(at, false);
    }
    if (j < closes.length && closes[j].t === at) {
      for (; j < closes.length && closes[j].t === at; j++) active.delete(closes[j]);
      push(at, true);
    }
  }
  return { from: Float64Array.from(seg.from), after: Uint8Array.from(seg.after, Number), span: seg.span };
}

/**
 * The segment in force at time `t`: the last one that began at or (unless `after`) before it.
 * @param {Segments} seg
 * @param {number} t
 */
function segmentAt(seg, t) {
  let lo = 0;
  let hi = seg.from.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seg.from[mid] < t || (seg.from[mid] === t && !seg.after[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A lane's lives: lanes can start and end more than once (threading-lock runs its threads
 * three times under the same names). `marks` are sorted times; `isEnd[i]` says whether mark i
 * is an end. A lane that never reports its start starts at its earliest event.
 * @param {PlaygroundEvent[]} laneEvents
 * @returns {Lives}
 */
function livesOf(laneEvents) {
  let earliest = Infinity;
  /** @type {{ t: number, end: boolean }[]} */
  const marks = [];
  for (const ev of laneEvents) {
    earliest = Math.min(earliest, ev.kind === 'span' ? /** @type {SpanEvent} */ (ev).start : ev.t);
    if (ev.kind === 'lane-start') marks.push({ t: ev.t, end: false });
    else if (ev.kind === 'lane-end') marks.push({ t: ev.t, end: true });
  }
  const firstStart = marks.filter((m) => !m.end).reduce((a, m) => Math.min(a, m.t), Infinity);
  if (earliest < firstStart) marks.push({ t: earliest, end: false });
  // An end and a new start at the same instant: the lane is alive again.
  marks.sort((a, b) => a.t - b.t || Number(b.end) - Number(a.end));
  return { t: Float64Array.from(marks.map((m) => m.t)), isEnd: marks.map((m) => m.end) };
}

/**
 * What the slider says to a screen reader and shows beside it.
 * @param {PlaygroundEvent} ev
 * @param {Map<string, string>} labels
 * @returns {string | undefined}
 */
function describeEvent(ev, labels) {
  switch (ev.kind) {
    case 'line':
      return `${ev.lane} printed "${ev.text}"`;
    case 'note':
      return `note: ${ev.text}`;
    case 'lane-start':
      return `${ev.lane} started`;
    case 'lane-end':
      return `${ev.lane} finished`;
    case 'span':
      return `${ev.lane} stopped ${labels.get(/** @type {string} */ (ev.state)) ?? ev.state} (${ev.label})`;
    case 'view':
      return ev.text; // the lesson's own words (a View event's text)
    case 'refused':
      return `refused: ${ev.text}`;
    case 'awaiting-input':
      return 'the threads wait for your next step';
    default:
      return `${ev.lane}: ${ev.kind}`;
  }
}

/**
 * Everything a replay needs of a finished run, computed once (no DOM): the events in time
 * order and their times, each lane's lives and span segments, the printed lines' positions
 * (`lines` pairs each printed line's or note's event with its element), and the run's clock
 * without the learner's waits. `states` is the timeline's state table.
 * @param {FinishedRun} finished
 */
export function indexRun({ events, t0, endT, states, lines = [] }) {
  // Time order, stable: events reach the page from several workers out of order.
  const order = events
    .map((ev, i) => ({ ev, i }))
    .sort((a, b) => a.ev.t - b.ev.t || a.i - b.i)
    .map((x) => x.ev);
  const times = Float64Array.from(order, (ev) => ev.t);
  const rank = new Map(order.map((ev, i) => [ev, i]));
  const marks = lines
    .filter(([ev]) => rank.has(ev))
    .map(([ev, element]) => ({ pos: /** @type {number} */ (rank.get(ev)), el: element }))
    .sort((a, b) => a.pos - b.pos);
  const last = times.length ? times[times.length - 1] : t0;
  const end = Math.max(last, endT ?? last);
  const clock = clockOf(events, end);
  return {
    t0,
    order,
    times,
    labels: states.labels,
    lanes: laneIndex(order, lanesOf(events, t0, end, states.overlays), states.overlays),
    marks,
    markPos: Int32Array.from(marks, (m) => m.pos),
    end: last,
    clock,
    total: clock.at(end) - clock.at(t0),
  };
}

/**
 * Each timeline lane's lives and span segments, from the events in time order.
 * @param {PlaygroundEvent[]} order
 * @param {import('./timeline.js').Lane[]} timelineLanes
 * @param {Set<string>} overlays
 * @returns {LaneIndex[]}
 */
function laneIndex(order, timelineLanes, overlays) {
  /** @type {Map<string, PlaygroundEvent[]>} */
  const byLane = new Map();
  for (const ev of order) {
    let lane = byLane.get(ev.lane);
    if (!lane) {
      lane = [];
      byLane.set(ev.lane, lane);
    }
    lane.push(ev);
  }
  // Every timeline lane has events: lanesOf made it from them.
  const eventsOf = (/** @type {string} */ name) => /** @type {PlaygroundEvent[]} */ (byLane.get(name));
  return timelineLanes.map(({ name }) => ({
    name,
    lives: livesOf(eventsOf(name)),
    segments: segmentsOf(/** @type {SpanEvent[]} */ (eventsOf(name).filter((ev) => ev.kind === 'span')), overlays),
  }));
}

/**
 * The time of position `pos` (how many events have happened) in an indexed run.
 * @param {IndexedRun} run
 * @param {number} pos
 */
const timeAt = (run, pos) => (pos === 0 ? run.t0 : run.times[pos - 1]);

/**
 * "+1.2 ms": a time as the program saw it, from the run's start. The learner's waits between
 * steps are cut out (learner-time.js).
 * @param {IndexedRun} run
 * @param {number} t
 */
const sinceStart = (run, t) => `+${formatMs(Math.max(0, run.clock.at(t) - run.clock.at(run.t0)))}`;

/**
 * One sentence saying what `lane` was doing at `time`.
 * @param {IndexedRun} run
 * @param {LaneIndex} lane
 * @param {number} time
 */
export function laneSentence(run, lane, time) {
  const at = (/** @type {number} */ t) => sinceStart(run, t);
  const life = upperBound(lane.lives.t, time) - 1;
  if (life < 0) return `${lane.name}: not started yet`;
  if (lane.lives.isEnd[life]) return `${lane.name}: finished at ${at(lane.lives.t[life])}`;
  const lifeStart = lane.lives.t[life];
  const i = segmentAt(lane.segments, time);
  const s = i < 0 ? null : lane.segments.span[i];
  if (s) return `${lane.name}: ${run.labels.get(s.state) ?? s.state} since ${at(s.start)}`;
  return `${lane.name}: running since ${at(Math.max(lifeStart, i < 0 ? lifeStart : lane.segments.from[i]))}`;
}

/**
 * What the readout says at `position` and `time`.
 * @param {IndexedRun} run
 * @param {number} position
 * @param {number} time
 */
function readoutText(run, position, time) {
  const text = `${sinceStart(run, time)} of ${formatMs(run.total)}, event ${position} of ${run.order.length}`;
  const what = position === 0 ? 'before anything happened' : describeEvent(run.order[position - 1], run.labels);
  return { valuetext: text, readout: `${text}: ${what}` };
}

/** The bar's controls: the slider, Play, the speed, the readout and the lanes' sentences. */
function replayControls() {
  const slider = el('input', {
    type: 'range',
    'data-role': 'replay',
    class: 'replay-slider',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    disabled: true,
  });
  const play = el(
    'button',
    { type: 'button', 'data-action': 'replay-play', class: 'replay-play', disabled: true },
    'Play',
  );
  const speed = el(
    'select',
    { 'data-role': 'replay-speed', disabled: true },
    ...SPEEDS.map((s) => el('option', { value: s, text: `${s}×` })),
  );
  const readout = el('p', { class: 'replay-readout', 'data-role': 'replay-readout' });
  const stateList = el('ul', {
    class: 'replay-state',
    'data-role': 'replay-state',
    'aria-live': 'polite',
    'aria-label': 'Each lane at the replay cursor',
  });
  const node = el(
    'div',
    { class: 'replay', 'data-role': 'replay-bar', hidden: true },
    el(
      'div',
      { class: 'replay-controls' },
      el('label', { class: 'replay-label' }, el('span', { text: 'Replay the run, event by event' }), slider),
      play,
      el('label', { class: 'replay-speed' }, el('span', { text: 'Speed' }), speed),
    ),
    readout,
    stateList,
  );
  return { node, slider, play, speed, readout, stateList };
}

/**
 * The cursor across the timeline's drawing (`drawTimeline`'s result), shown from `show()` to
 * `remove()`: `place(time)` moves it, `attach(drawing)` follows a new drawing.
 */
function timelineCursor() {
  /** @type {DrawnTimeline | null} */
  let drawing = null;
  /** @type {SVGGElement | null} */
  let group = null;
  let shown = false;
  let time = 0;
  const place = (/** @type {number} */ t) => {
    time = t;
    if (!group || !drawing) return;
    const x = drawing.x(time).toFixed(1);
    for (const line of group.children) {
      line.setAttribute('x1', x);
      line.setAttribute('x2', x);
    }
  };
  const attach = (/** @type {DrawnTimeline | null} */ newDrawing = drawing) => {
    drawing = newDrawing;
    group?.remove();
    group = null;
    if (!shown || !drawing?.svg) return;
    const y2 = drawing.lanesHeight;
    // A halo in the card's colour keeps the line visible over bars of any colour.
    group = svg('g', { class: 'replay-cursor', 'aria-hidden': 'true' });
    group.append(svg('line', { y1: 0, y2, class: 'halo' }), svg('line', { y1: 0, y2, class: 'mark' }));
    drawing.svg.append(group);
    place(time);
  };
  return {
    place,
    attach,
    show() {
      shown = true;
      attach();
    },
    remove() {
      shown = false;
      attach();
    },
  };
}

/**
 * Plays time forward once per animation frame at `speed()` times real time; `advance(now,
 * elapsedMs)` moves the replay and says whether to go on. At most one frame is queued.
 * @param {(playing: boolean, elapsedMs: number) => boolean} advance
 */
function framePlayer(advance) {
  let playing = false;
  let lastFrame = 0;
  let queued = false;
  const frame = (/** @type {number} */ now) => {
    queued = false;
    const elapsed = playing ? Math.max(0, now - lastFrame) : 0;
    lastFrame = now;
    const goOn = advance(playing, elapsed);
    if (playing && goOn) request();
  };
  const request = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(frame);
  };
  return {
    get playing() {
      return playing;
    },
    /** @param {boolean} on */
    set(on) {
      playing = on;
      if (on) {
        lastFrame = performance.now();
        request();
      }
    },
    request,
  };
}

/**
 * Where the replay is: `position` events (in time order) have happened, the cursor is at
 * `time` (between events while playing), and `futureFrom` is the first printed line (in
 * `run.marks`) after the cursor. `run` is indexRun's result with the lane sentences shown.
 * @returns {ReplayState}
 */
function replayState() {
  return { run: null, position: 0, time: 0, futureFrom: 0, dirty: false };
}

/**
 * Lines `[from, to)` of `run.marks` change side of the cursor; only those elements are touched.
 * @param {IndexedRun} run
 * @param {number} from
 * @param {number} to
 * @param {boolean} future
 */
function markFuture(run, from, to, future) {
  for (let i = from; i < to; i++) {
    if (future) run.marks[i].el.dataset.replay = 'future';
    else delete run.marks[i].el.dataset.replay;
  }
}

/**
 * Shows the replay at its state (which has a run): the dimmed lines, the slider, the readout, the sentences.
 * @param {ReplayState} state
 * @param {Controls} controls
 * @param {Cursor} cursor
 */
function render(state, { slider, readout, stateList }, cursor) {
  const { position, time } = state;
  const run = /** @type {ShownRun} */ (state.run);
  const next = upperBound(run.markPos, position - 1);
  if (next > state.futureFrom) markFuture(run, state.futureFrom, next, false);
  else if (next < state.futureFrom) markFuture(run, next, state.futureFrom, true);
  state.futureFrom = next;
  slider.value = String(position);
  const text = readoutText(run, position, time);
  slider.setAttribute('aria-valuetext', text.valuetext);
  readout.textContent = text.readout;
  run.lanes.forEach((lane, i) => {
    const words = laneSentence(run, lane, time);
    if (run.sentences[i] !== words) {
      run.sentences[i] = words;
      stateList.children[i].textContent = words;
    }
  });
  cursor.place(time);
}

/**
 * The replay bar of one section. `node` goes into the page once; `load` prepares a finished
 * run, `reset` forgets it when a new run starts, `drawn` is told of every timeline drawing so
 * the cursor follows redraws (on resize). Before the first run the bar is hidden.
 */
export function replayBar() {
  const controls = replayControls();
  const { slider, play, speed, readout, stateList } = controls;
  const cursor = timelineCursor();
  const state = replayState();

  /** One frame: time moves on while playing; the bar is drawn if anything changed. */
  /** @type {(playing: boolean, elapsedMs: number) => boolean} */
  const advance = (playing, elapsedMs) => {
    const { run } = state;
    if (!run) return false;
    if (playing) {
      // Playing passes over a wait for the learner in no time, as the timeline draws it.
      state.time = Math.min(run.end, run.clock.skip(state.time + elapsedMs * Number(speed.value)));
      state.position = state.time >= run.end ? run.order.length : upperBound(run.times, state.time);
      state.dirty = true;
      if (state.time >= run.end) setPlaying(false);
    }
    if (state.dirty) {
      state.dirty = false;
      render(state, controls, cursor);
    }
    return state.time < run.end;
  };
  const player = framePlayer(advance);
  const setPlaying = (/** @type {boolean} */ on) => {
    player.set(on);
    play.textContent = on ? 'Pause' : 'Play';
    // While playing the sentences change many times a second: let screen readers wait for the
    // pause instead of reading every one.
    stateList.setAttribute('aria-busy', on ? 'true' : 'false');
  };
  // Seeking needs a run: wireControls seeks only once one is ready.
  const loaded = () => /** @type {ShownRun} */ (state.run);
  const seek = (/** @type {number} */ pos) => {
    state.position = Math.max(0, Math.min(loaded().order.length, pos));
    state.time = timeAt(loaded(), state.position);
    state.dirty = true;
    player.request();
  };
  wireControls(controls, {
    ready: () => state.run !== null,
    playing: () => player.playing,
    atEnd: () => state.position >= loaded().order.length,
    setPlaying,
    seek,
  });

  function reset() {
    if (player.playing) setPlaying(false);
    if (state.run) markFuture(state.run, 0, state.run.marks.length, false);
    state.run = null;
    cursor.remove();
    for (const c of [slider, play, speed]) c.disabled = true;
    slider.removeAttribute('aria-valuetext');
    readout.textContent = 'The replay is ready when the run ends.';
    stateList.replaceChildren();
  }

  /**
   * Prepares the finished run (see indexRun); it opens at the end: the whole run, nothing dimmed.
   * @param {FinishedRun} finished
   */
  function load(finished) {
    const indexed = indexRun(finished);
    reset();
    const run = { ...indexed, sentences: indexed.lanes.map(() => '') };
    Object.assign(state, { run, position: run.order.length, futureFrom: run.marks.length });
    state.time = timeAt(run, state.position);
    stateList.replaceChildren(...run.lanes.map(() => el('li')));
    slider.max = String(run.order.length);
    // Short runs are over in a blink at full speed.
    speed.value = String(run.total < 1000 ? 0.1 : 1);
    for (const c of [slider, play, speed]) c.disabled = false;
    controls.node.hidden = false;
    cursor.place(state.time);
    cursor.show();
    render(state, controls, cursor);
  }

  return {
    node: controls.node,
    load,
    /** A new run starts: nothing to replay until it ends (the bar stays, disabled, once shown). */
    reset,
    /** The timeline was drawn again (`drawTimeline`'s result): put the cursor back on it. */
    drawn: (/** @type {DrawnTimeline} */ drawing) => cursor.attach(drawing),
  };
}

/**
 * The slider seeks (a hand on it stops playing); Play plays or pauses, from the start once at the end.
 * @param {Controls} controls
 * @param {{
 *   ready: () => boolean, playing: () => boolean, atEnd: () => boolean, setPlaying: (on: boolean) => void,
 *   seek: (pos: number) => void,
 * }} replay
 */
function wireControls({ slider, play }, { ready, playing, atEnd, setPlaying, seek }) {
  slider.addEventListener('input', () => {
    if (!ready()) return;
    if (playing()) setPlaying(false);
    seek(Number(slider.value));
  });
  play.addEventListener('click', () => {
    if (!ready()) return;
    if (playing()) {
      setPlaying(false);
      return;
    }
    if (atEnd()) seek(0);
    setPlaying(true);
  });
}
