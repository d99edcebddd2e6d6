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

const PID = 1;
/** Sort keys: a lane's sub-tracks sit right under it; the notes' track comes last. */
const SUBTRACKS = 1000;

/**
 * `events` (the run's `{ t, lane, kind, ... }`, ms on the shared clock) as
 * `{ traceEvents, displayTimeUnit, metadata }`. Times become µs from the run's start `t0`
 * (from the earliest event if one came before it, so no time is negative). `extra` goes into
 * the metadata as is (e.g. the parameters and the status).
 */
export function toChromeTrace(events, { t0 = null, scenario = 'run', title = scenario, extra = {} } = {}) {
  let origin = t0 ?? Infinity;
  for (const ev of events)
    origin = Math.min(origin, ev.t, ev.kind === 'span' || ev.kind === 'marks' ? ev.start : Infinity);
  if (!Number.isFinite(origin)) origin = 0;
  // The program's time, as on the page: the learner's waits between steps are cut out, and
  // each is left as an instant on the notes' track saying how long it was.
  const clock = clockOf(events);
  const us = (ms) => (clock.at(ms) - clock.at(origin)) * 1000;

  const out = [];
  const meta = (name, tid, args) => out.push({ name, ph: 'M', pid: PID, tid, args });
  meta('process_name', 0, { name: `${title} (${scenario})` });
  meta('process_sort_index', 0, { sort_index: 0 });

  // The lanes in the timeline's order: MainThread, then in the order they started.
  let last = origin;
  for (const ev of events) last = Math.max(last, ev.t);
  const lanes = lanesOf(events, origin, last).map((l) => l.name);
  let nextTid = 1;
  const track = new Map(); // lane -> [{ tid, open: stack of end times }] (index 0: the lane itself)
  lanes.forEach((lane, i) => {
    const tid = nextTid++;
    track.set(lane, [{ tid, open: [] }]);
    meta('thread_name', tid, { name: lane });
    meta('thread_sort_index', tid, { sort_index: i * SUBTRACKS });
  });
  const notesTid = nextTid++;
  let notesNamed = false;

  // A complete event goes on the first of its lane's tracks where it nests: every event still
  // open there at its start contains it. Longer first among those that start together, so a
  // parent is placed before its children.
  const complete = events
    .filter((ev) => ev.kind === 'span' || ev.kind === 'marks')
    .sort((a, b) => a.start - b.start || b.t - a.t);
  for (const ev of complete) {
    const tracks = track.get(ev.lane);
    let chosen = null;
    for (const tr of tracks) {
      while (tr.open.length > 0 && tr.open[tr.open.length - 1] <= ev.start) tr.open.pop();
      if (tr.open.length === 0 || tr.open[tr.open.length - 1] >= ev.t) {
        chosen = tr;
        break;
      }
    }
    if (!chosen) {
      chosen = { tid: nextTid++, open: [] };
      tracks.push(chosen);
      const n = tracks.length;
      meta('thread_name', chosen.tid, { name: `${ev.lane} (${n})` });
      meta('thread_sort_index', chosen.tid, { sort_index: lanes.indexOf(ev.lane) * SUBTRACKS + n - 1 });
    }
    chosen.open.push(ev.t);
    const dur = Math.max(0, us(ev.t) - us(ev.start));
    if (ev.kind === 'span') {
      out.push({
        name: ev.label,
        cat: ev.state,
        ph: 'X',
        pid: PID,
        tid: chosen.tid,
        ts: us(ev.start),
        dur,
        args: { state: ev.state },
      });
    } else {
      out.push({
        name: ev.what || 'marks',
        cat: 'marks',
        ph: 'X',
        pid: PID,
        tid: chosen.tid,
        ts: us(ev.start),
        dur,
        args: { count: ev.count },
      });
    }
  }

  const nameNotes = () => {
    if (notesNamed) return;
    notesNamed = true;
    meta('thread_name', notesTid, { name: 'playground' });
    meta('thread_sort_index', notesTid, { sort_index: lanes.length * SUBTRACKS });
  };
  for (const wait of clock.waits) {
    nameNotes();
    out.push({
      name: waitWords(wait),
      cat: 'learner',
      ph: 'i',
      s: 'g',
      pid: PID,
      tid: notesTid,
      ts: us(wait.start),
      args: { learnerMs: wait.end - wait.start },
    });
  }
  for (const ev of events) {
    const tid = track.get(ev.lane)[0].tid;
    const instant = (name, cat, args) => out.push({ name, cat, ph: 'i', s: 't', pid: PID, tid, ts: us(ev.t), args });
    if (ev.kind === 'line') instant(ev.text, 'line', { lane: ev.lane });
    else if (ev.kind === 'note') {
      nameNotes();
      out.push({
        name: ev.text,
        cat: 'note',
        ph: 'i',
        s: 't',
        pid: PID,
        tid: notesTid,
        ts: us(ev.t),
        args: { lane: ev.lane },
      });
    }
    // A lane's start and end are kept as instants rather than dropped: a track's extent in the
    // viewers is only that of its events, and a lane can live more than once under the same
    // name (threading-lock runs its threads three times), which only these marks show.
    else if (ev.kind === 'lane-start') instant(`start: ${ev.what || ev.lane}`, 'lane', { what: ev.what ?? '' });
    else if (ev.kind === 'lane-end') instant('end', 'lane', {});
  }

  return {
    traceEvents: out,
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
