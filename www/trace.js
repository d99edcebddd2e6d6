// @ts-check
// A finished run as a Chrome Trace Event Format file, the JSON that Perfetto UI
// (ui.perfetto.dev) and chrome://tracing open. Pure: no DOM, so node can test it.
//
// The file has one process (pid 1, named after the scenario) and one thread track per lane,
// in the timeline's lane order (MainThread first). Spans become complete events (`ph: "X"`),
// printed lines instant events on their lane, the playground's notes instant events on a
// track of their own. Complete events on one track must nest; spans on a lane mostly do (a
// lock wait inside the run that waited), but not always (a lock wait reported a hair after
// the run around it ended), so a span that would cross another goes to a sub-track of its
// lane ("Thread-1 (2)"), placed right under it.
import { clockOf, waitWords } from './learner-time.js';
import { lanesOf } from './timeline.js';

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {import('./timeline.js').SpanEvent} SpanEvent
 * @typedef {import('./timeline.js').MarksEvent} MarksEvent
 * @typedef {{
 *   name: string, ph: string, pid: number, tid: number, cat?: string, s?: string, ts?: number, dur?: number,
 *   args: Record<string, unknown>,
 * }} TraceEvent one of the file's `traceEvents`
 * @typedef {{ tid: number, open: number[] }} Track a thread track and the end times of its complete events still open
 * @typedef {Map<string, Track[]>} LaneTracks each lane's tracks, its own first, then its sub-tracks
 * @typedef {(ms: number) => number} ToUs a time of the shared clock as the trace's µs
 * @typedef {ReturnType<typeof traceWriter>} TraceWriter
 * @typedef {(name: string, cat: string, s: string, ts: number, args: Record<string, unknown>) => void} ToNotes
 */

const PID = 1;
/** Sort keys: a lane's sub-tracks sit right under it; the notes' track comes last. */
const SUBTRACKS = 1000;

/**
 * Where the trace's time starts: the run's start `t0`, or the earliest event if one came before
 * it (a span's or marks' start counts), so no time is negative; 0 for a run with neither.
 * @param {PlaygroundEvent[]} events
 * @param {number | null} t0
 */
function originOf(events, t0) {
  let origin = t0 ?? Infinity;
  for (const ev of events)
    origin = Math.min(
      origin,
      ev.t,
      ev.kind === 'span' || ev.kind === 'marks' ? /** @type {SpanEvent | MarksEvent} */ (ev).start : Infinity,
    );
  return Number.isFinite(origin) ? origin : 0;
}

/**
 * The trace being written: `out` (its events, in order), `meta(name, tid, args)` for a
 * metadata event, `newTid()` for the next track's id, and `name(tid, name, sortIndex)` for a
 * track's name and place.
 */
function traceWriter() {
  /** @type {TraceEvent[]} */
  const out = [];
  let lastTid = 0;
  /** @type {(name: string, tid: number, args: Record<string, unknown>) => number} */
  const meta = (name, tid, args) => out.push({ name, ph: 'M', pid: PID, tid, args });
  return {
    out,
    meta,
    newTid: () => ++lastTid,
    /** @param {number} tid @param {string} name @param {number} sortIndex */
    name(tid, name, sortIndex) {
      meta('thread_name', tid, { name });
      meta('thread_sort_index', tid, { sort_index: sortIndex });
    },
  };
}

/**
 * A track per lane, in the timeline's order (MainThread, then in the order they started):
 * `Map(lane -> [{ tid, open }])`, index 0 the lane's own track, the others its sub-tracks;
 * `open` is the stack of the end times of the complete events still open on it.
 * @param {TraceWriter} trace
 * @param {string[]} lanes
 * @returns {LaneTracks}
 */
function laneTracks(trace, lanes) {
  /** @type {LaneTracks} */
  const tracks = new Map();
  lanes.forEach((lane, i) => {
    const tid = trace.newTid();
    tracks.set(lane, [{ tid, open: [] }]);
    trace.name(tid, lane, i * SUBTRACKS);
  });
  return tracks;
}

/**
 * The first of `tracks` where `ev` nests (every event still open there at its start contains
 * it), or null. Events that have ended by its start are closed on the way.
 * @param {Track[]} tracks
 * @param {SpanEvent | MarksEvent} ev
 */
function nestingTrack(tracks, ev) {
  for (const tr of tracks) {
    while (tr.open.length > 0 && tr.open[tr.open.length - 1] <= ev.start) tr.open.pop();
    if (tr.open.length === 0 || tr.open[tr.open.length - 1] >= ev.t) return tr;
  }
  return null;
}

/**
 * The spans and marks as complete events, each on the first of its lane's tracks where it
 * nests, or on a new sub-track right under the lane. Longer first among those that start
 * together, so a parent is placed before its children.
 * @param {TraceWriter} trace
 * @param {PlaygroundEvent[]} events
 * @param {string[]} lanes
 * @param {LaneTracks} tracks
 * @param {ToUs} us
 */
function writeCompleteEvents(trace, events, lanes, tracks, us) {
  const complete = /** @type {(SpanEvent | MarksEvent)[]} */ (
    events.filter((ev) => ev.kind === 'span' || ev.kind === 'marks')
  ).sort((a, b) => a.start - b.start || b.t - a.t);
  for (const ev of complete) {
    const laneTracks = /** @type {Track[]} */ (tracks.get(ev.lane)); // every lane has its track
    let chosen = nestingTrack(laneTracks, ev);
    if (!chosen) {
      chosen = { tid: trace.newTid(), open: [] };
      laneTracks.push(chosen);
      const n = laneTracks.length;
      trace.name(chosen.tid, `${ev.lane} (${n})`, lanes.indexOf(ev.lane) * SUBTRACKS + n - 1);
    }
    chosen.open.push(ev.t);
    const timing = { ph: 'X', pid: PID, tid: chosen.tid, ts: us(ev.start), dur: Math.max(0, us(ev.t) - us(ev.start)) };
    if (ev.kind === 'span') {
      const span = /** @type {SpanEvent} */ (ev);
      trace.out.push({ name: span.label, cat: span.state, ...timing, args: { state: span.state } });
    } else {
      const marks = /** @type {MarksEvent} */ (ev);
      trace.out.push({ name: marks.what || 'marks', cat: 'marks', ...timing, args: { count: marks.count } });
    }
  }
}

/**
 * The playground's own track, after every lane's: the learner's waits and the notes, as
 * instants. Returns `add(name, cat, s, ts, args)`, which names the track with its first event
 * (a run with neither has no such track).
 * @param {TraceWriter} trace
 * @param {number} laneCount
 * @returns {ToNotes}
 */
function notesTrack(trace, laneCount) {
  const tid = trace.newTid();
  let named = false;
  return (name, cat, s, ts, args) => {
    if (!named) trace.name(tid, 'playground', laneCount * SUBTRACKS);
    named = true;
    trace.out.push({ name, cat, ph: 'i', s, pid: PID, tid, ts, args });
  };
}

/**
 * The instants: printed lines on their lane, notes on the playground's track. A lane's start
 * and end are kept as instants rather than dropped: a track's extent in the viewers is only
 * that of its events, and a lane can live more than once under the same name (threading-lock
 * runs its threads three times), which only these marks show.
 * @param {TraceWriter} trace
 * @param {PlaygroundEvent[]} events
 * @param {LaneTracks} tracks
 * @param {ToNotes} toNotes
 * @param {ToUs} us
 */
function writeInstants(trace, events, tracks, toNotes, us) {
  for (const ev of events) {
    const tid = /** @type {Track[]} */ (tracks.get(ev.lane))[0].tid; // every lane has its track
    /** @type {(name: string, cat: string, args: Record<string, unknown>) => number} */
    const instant = (name, cat, args) =>
      trace.out.push({ name, cat, ph: 'i', s: 't', pid: PID, tid, ts: us(ev.t), args });
    if (ev.kind === 'line') instant(/** @type {string} */ (ev.text), 'line', { lane: ev.lane });
    else if (ev.kind === 'note') toNotes(/** @type {string} */ (ev.text), 'note', 't', us(ev.t), { lane: ev.lane });
    else if (ev.kind === 'lane-start') instant(`start: ${ev.what || ev.lane}`, 'lane', { what: ev.what ?? '' });
    else if (ev.kind === 'lane-end') instant('end', 'lane', {});
  }
}

/**
 * `events` (the run's `{ t, lane, kind, ... }`, ms on the shared clock) as
 * `{ traceEvents, displayTimeUnit, metadata }`. Times become µs from the run's start `t0`
 * (from the earliest event if one came before it, so no time is negative). `extra` goes into
 * the metadata as is (e.g. the parameters and the status).
 * @param {PlaygroundEvent[]} events
 * @param {{ t0?: number | null, scenario?: string, title?: string, extra?: Record<string, unknown> }} [options]
 */
export function toChromeTrace(events, { t0 = null, scenario = 'run', title = scenario, extra = {} } = {}) {
  const origin = originOf(events, t0);
  // The program's time, as on the page: the learner's waits between steps are cut out, and
  // each is left as an instant on the notes' track saying how long it was.
  const clock = clockOf(events);
  /** @type {ToUs} */
  const us = (ms) => (clock.at(ms) - clock.at(origin)) * 1000;

  const trace = traceWriter();
  trace.meta('process_name', 0, { name: `${title} (${scenario})` });
  trace.meta('process_sort_index', 0, { sort_index: 0 });
  let last = origin;
  for (const ev of events) last = Math.max(last, ev.t);
  const lanes = lanesOf(events, origin, last).map((l) => l.name);
  const tracks = laneTracks(trace, lanes);
  const toNotes = notesTrack(trace, lanes.length);
  writeCompleteEvents(trace, events, lanes, tracks, us);
  for (const wait of clock.waits) {
    toNotes(waitWords(wait), 'learner', 'g', us(wait.start), { learnerMs: wait.end - wait.start });
  }
  writeInstants(trace, events, tracks, toNotes, us);

  return {
    traceEvents: trace.out,
    displayTimeUnit: 'ms',
    metadata: {
      'generated-by': 'Concurrency Playground',
      scenario,
      title,
      // The run's start on the page's clock (performance.timeOrigin + performance.now(), ms).
      t0Ms: origin,
      // The time the run waited for the learner, cut out of every ts above.
      learnerMs: clock.learnerMs,
      ...extra,
    },
  };
}
