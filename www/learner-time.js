// @ts-check
// The learner's time is not the program's. In a step mode the run waits for the learner
// between steps: its main thread says so as the wait begins (an `awaiting-input` event) and
// reports the wait as an `input` span once the step arrives. Everything that shows time (the
// status clock, the elapsed time, the timeline, the replay, the trace) counts the program's
// own time: the learner's waits are cut out, and the timeline draws each as a narrow marked gap.
// Pure: no DOM, so node can test it.

/**
 * @typedef {{ t: number, kind: string, state?: string, start?: number }} RunEvent
 * @typedef {{ start: number, end: number, open: boolean }} LearnerWait
 */

/**
 * The run's waits for the learner on the shared clock, in time order, overlaps merged. A wait
 * that has begun but not ended (the run waits right now) ends at `now` and is `open`.
 * @param {RunEvent[]} events
 * @param {number} now
 * @returns {LearnerWait[]}
 */
export function learnerWaits(events, now = Infinity) {
  /** @type {LearnerWait[]} */
  const ended = [];
  let lastAnnounced = -Infinity;
  for (const ev of events) {
    if (ev.kind === 'span' && ev.state === 'input' && ev.start !== undefined)
      ended.push({ start: ev.start, end: ev.t, open: false });
    else if (ev.kind === 'awaiting-input') lastAnnounced = Math.max(lastAnnounced, ev.t);
  }
  ended.sort((a, b) => a.start - b.start);
  /** @type {LearnerWait[]} */
  const waits = [];
  for (const w of ended) {
    const prev = waits[waits.length - 1];
    if (prev && w.start <= prev.end) prev.end = Math.max(prev.end, w.end);
    else waits.push({ ...w });
  }
  // The main thread waits for one step at a time: an announced wait that no span has ended
  // yet is still going on.
  const lastEnd = waits.length ? waits[waits.length - 1].end : -Infinity;
  if (lastAnnounced > lastEnd && Number.isFinite(now))
    waits.push({ start: lastAnnounced, end: Math.max(now, lastAnnounced), open: true });
  return waits;
}

/**
 * The program's clock: `at(t)` is the time `t` on the shared clock less the learner's time
 * before it; `skip(t)` moves a time inside a wait to that wait's end; `learnerMs` is the
 * learner's time in all; `gapsBefore(t)` how many waits (the fraction of one, inside it) lie
 * before `t`, for drawing each as a gap of fixed width.
 * @param {LearnerWait[]} waits
 */
export function programClock(waits) {
  const learnerMs = waits.reduce((sum, w) => sum + (w.end - w.start), 0);
  /** @param {number} t */
  const at = (t) => {
    let cut = 0;
    for (const w of waits) {
      if (t <= w.start) break;
      cut += Math.min(t, w.end) - w.start;
    }
    return t - cut;
  };
  /** @param {number} t */
  const skip = (t) => waits.find((w) => t > w.start && t < w.end)?.end ?? t;
  /** @param {number} t */
  const gapsBefore = (t) => {
    let n = 0;
    for (const w of waits) {
      if (t >= w.end) n += 1;
      else if (t > w.start) n += (t - w.start) / Math.max(1e-9, w.end - w.start);
    }
    return n;
  };
  return { at, skip, gapsBefore, learnerMs, waits };
}

/** The clock of a run's events, up to `now` for a run still going on. */
export function clockOf(/** @type {RunEvent[]} */ events, now = Infinity) {
  return programClock(learnerWaits(events, now));
}

/**
 * A wait's words, for a gap's details and the trace: "You took 12.3 s to choose the next step".
 * @param {LearnerWait} wait
 */
export function waitWords(wait) {
  const ms = wait.end - wait.start;
  const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  return wait.open
    ? `Waiting for your step (${took} so far): not the program's time`
    : `You took ${took} to choose the next step: not the program's time`;
}

/**
 * The program's clock of a run going on, fed its events as they arrive (cheaper than
 * `clockOf` on every tick): `programMs(t0, t)` and whether the run waits for the learner now.
 */
export function liveClock() {
  let learnerMs = 0;
  /** @type {number | null} */
  let waitingSince = null;
  return {
    /** @param {RunEvent} ev */
    event(ev) {
      if (ev.kind === 'awaiting-input') waitingSince = ev.t;
      else if (ev.kind === 'span' && ev.state === 'input' && ev.start !== undefined) {
        learnerMs += ev.t - ev.start;
        waitingSince = null;
      }
    },
    waiting: () => waitingSince !== null,
    /** @param {number} t0 @param {number} t */
    programMs: (t0, t) => t - t0 - learnerMs - (waitingSince === null ? 0 : Math.max(0, t - waitingSince)),
  };
}
