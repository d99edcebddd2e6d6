// @ts-check
// Format 1 of a recorded run (share.js) gave the stepping lessons' events kinds of their own:
// `step` (threading-interleave: a thread's LOAD, ADD or STORE), `lock-step` (threading-deadlock:
// an acquire or a release) and `explored` (threading-interleave's "explore every order": one
// order and its final counter). Format 2 carries every lesson's data as one kind, `view`, which
// the runtime and the page pass on without knowing the lesson. Links and files of format 1
// still open: their events are rewritten here into what the lessons emit today, and then
// checked like any other.

/** @typedef {Record<string, any>} RawEvent an event as a file has it, not yet checked */

/** @type {Record<string, (ev: RawEvent) => { view: string, data: Record<string, unknown>, text: string }>} */
const UPGRADES = {
  step: (ev) => ({
    view: 'interleave-step',
    data: { step: ev.step, op: ev.op, register: ev.register, counter: ev.counter, next: ev.next },
    text: `step ${ev.step}: ${ev.lane} ${String(ev.op).toUpperCase()}, register ${ev.register}, counter ${ev.counter}`,
  }),
  'lock-step': (ev) => ({
    view: 'lock-step',
    data: { step: ev.step, op: ev.op, lock: ev.lock, outcome: ev.outcome, next: ev.next },
    text: `step ${ev.step}: ${ev.lane} ${ev.op} ${ev.lock}: ${String(ev.outcome).replaceAll('-', ' ')}`,
  }),
  explored: (ev) => ({
    view: 'explored',
    data: { schedule: ev.schedule, counter: ev.counter },
    text: `order ${ev.schedule} ended at ${ev.counter}`,
  }),
};

/**
 * A format 1 event as format 2 has it: a lesson's event becomes a `view` event; any other
 * (or anything that is not an event at all) is returned as it is, for share.js to check.
 * @param {unknown} ev
 * @returns {unknown}
 */
export function upgradeV1Event(ev) {
  if (typeof ev !== 'object' || ev === null || Array.isArray(ev)) return ev;
  const raw = /** @type {RawEvent} */ (ev);
  const upgrade = Object.hasOwn(UPGRADES, raw.kind) ? UPGRADES[raw.kind] : null;
  return upgrade ? { t: raw.t, lane: raw.lane, kind: 'view', ...upgrade(raw) } : ev;
}
