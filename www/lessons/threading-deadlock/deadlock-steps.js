// @ts-check
// threading-deadlock's step mode: the learner grants Thread-A and Thread-B their lock steps.
// A live view (see run-view.js): a button sends the running program a thread (`send('A')`);
// the program answers with a `lock-step` view event once the real thread has taken the step
// (or has started to wait for a held lock), and the panel shows who holds which lock and who
// waits for which. The moment the waits form a cycle, the run ends (done: the deadlock is the
// exercise's goal) with the cycle in its value, which the panel shows. Undo and Start over run
// again on fresh threads, replaying the schedule.
import { el, stylesheet } from '../../dom.js';
import { slotId, stepper, stepperStyled } from '../stepper.js';

/** The stepper's and this lesson's styles: the view is drawn once they have loaded (run-view.js). */
export const styled = Promise.all([stepperStyled, stylesheet(new URL('./lesson.css', import.meta.url))]);

/**
 * A `lock-step` event's data (threading_deadlock.rs, `lock_step_event`).
 * @typedef {{ step: number, op: string, lock: string,
 *   outcome: 'took' | 'waiting' | 'took-after-waiting' | 'released', next: string }} LockStep
 * @typedef {{ lane: string, kind: string, view?: string, data?: any, text?: string }} RunEvent
 * @typedef {{ holder: Map<string, string>, waitsFor: Map<string, string>, next: Map<string, string> }} Locks
 */

const LANES = ['Thread-A', 'Thread-B'];
const LOCKS = ['lock1', 'lock2'];

/**
 * One table of the panel, labelled by the paragraph before it.
 * @param {string} id
 * @param {string} about
 * @param {string[]} head
 * @param {HTMLTableRowElement[]} rows
 */
function labelledTable(id, about, head, rows) {
  return [
    el('p', { class: 'registers-about', id, text: about }),
    el(
      'table',
      { class: 'registers', 'aria-labelledby': id },
      el('thead', {}, el('tr', {}, ...head.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, ...rows),
    ),
  ];
}

/**
 * The row of `name` with one cell per role, each starting with its text.
 * @param {string} attr the row's data attribute
 * @param {string} name
 * @param {[string, string][]} cells role and first text
 */
function row(attr, name, cells) {
  const tds = Object.fromEntries(cells.map(([role, text]) => [role, el('td', { 'data-role': role, text })]));
  const tr = el('tr', { [attr]: name }, el('th', { scope: 'row', text: name }), ...Object.values(tds));
  return { tr, tds };
}

/**
 * Who holds and waits for which lock, and each thread's next step.
 * @param {HTMLElement} slot
 * @param {Locks} state
 */
function locksPanel(slot, state) {
  const summary = el('p', {
    class: 'shared-summary',
    'data-role': 'step-summary',
    text: `Both threads are parked before their first step. Thread-A: ${state.next.get('Thread-A')}. Thread-B: ${state.next.get('Thread-B')}.`,
  });
  const lockRows = LOCKS.map((lock) =>
    row('data-lock', lock, [
      ['holder', 'free'],
      ['waiter', '—'],
    ]),
  );
  const threadRows = LANES.map((lane) =>
    row('data-lane', lane, [
      ['holds', '—'],
      ['waits', '—'],
      ['next', state.next.get(lane) ?? ''],
    ]),
  );
  const cycle = el('p', { class: 'cycle', 'data-role': 'cycle', hidden: true });
  const id = slotId(slot, 'deadlock-steps');
  const node = el(
    'div',
    { class: 'shared', 'data-role': 'shared', 'aria-live': 'polite', 'data-steps': '0' },
    summary,
    ...labelledTable(
      `${id}-locks`,
      'The locks:',
      ['lock', 'held by', 'waited for by'],
      lockRows.map((r) => r.tr),
    ),
    ...labelledTable(
      `${id}-threads`,
      'The threads:',
      ['thread', 'holds', 'waits for', 'next'],
      threadRows.map((r) => r.tr),
    ),
    cycle,
  );
  const list = (/** @type {string[]} */ names) => (names.length ? names.join(', ') : '—');
  const show = () => {
    LOCKS.forEach((lock, i) => {
      lockRows[i].tds.holder.textContent = state.holder.get(lock) ?? 'free';
      lockRows[i].tds.waiter.textContent = list(LANES.filter((lane) => state.waitsFor.get(lane) === lock));
    });
    LANES.forEach((lane, i) => {
      threadRows[i].tds.holds.textContent = list(LOCKS.filter((lock) => state.holder.get(lock) === lane));
      threadRows[i].tds.waits.textContent = state.waitsFor.get(lane) ?? '—';
      threadRows[i].tds.next.textContent = state.next.get(lane) ?? '';
    });
  };
  return { node, summary, cycle, show };
}

/**
 * What a lock step did and what comes next, in words.
 * @param {string} lane
 * @param {LockStep} step
 * @param {Locks} state before the step
 */
function saidOf(lane, step, state) {
  const did = {
    took: `acquired ${step.lock} (it was free)`,
    waiting: `asked for ${step.lock}, which ${state.holder.get(step.lock) ?? 'another thread'} holds: it waits for it`,
    'took-after-waiting': `stopped waiting: it acquired ${step.lock}`,
    released: `released ${step.lock}`,
  }[step.outcome];
  const then =
    step.next === 'done'
      ? `${lane} has finished.`
      : step.outcome === 'waiting'
        ? ''
        : `Next for ${lane}: ${step.next}.`;
  return `${lane} ${did}. ${then}`.trim();
}

/**
 * @param {Locks} state
 * @param {string} lane
 * @param {LockStep} step
 */
function apply(state, lane, step) {
  if (step.outcome === 'took' || step.outcome === 'took-after-waiting') {
    state.holder.set(step.lock, lane);
    state.waitsFor.delete(lane);
  } else if (step.outcome === 'waiting') state.waitsFor.set(lane, step.lock);
  else if (step.outcome === 'released') state.holder.delete(step.lock);
  state.next.set(lane, step.next);
}

/**
 * @param {HTMLElement} slot
 * @param {{ send: (text: string) => void, normalised: Record<string, unknown>,
 *   restart: (params: Record<string, string>) => void }} context
 */
export function live(slot, { send, normalised, restart }) {
  const ordered = normalised.ordered === true || normalised.ordered === 'true' || Number(normalised.ordered) === 1;
  /** @type {Locks} */
  const state = {
    holder: new Map(), // lock -> thread
    waitsFor: new Map(), // thread -> lock
    next: new Map([
      ['Thread-A', 'acquire lock1'],
      ['Thread-B', `acquire ${ordered ? 'lock1' : 'lock2'}`],
    ]),
  };
  const steps = stepper(slot, {
    lanes: LANES,
    inputOf: (lane) => lane.slice(-1),
    keys: /^[12abAB]$/,
    inputOfKey: (key) => key.toUpperCase(),
    send,
    restart,
  });
  const panel = locksPanel(slot, state);
  slot.replaceChildren(
    el(
      'section',
      { class: 'interleave deadlock-steps', 'aria-label': 'You are the scheduler: two locks' },
      el('h3', { text: 'You are the scheduler: two locks' }),
      el('p', {
        class: 'help',
        text:
          'Thread-A and Thread-B are real threads, each parked before its next step. A button grants one thread one step ' +
          '(keys 1 and 2, or A and B, while this section has focus). An acquire of a lock the other thread holds makes the thread wait for it: ' +
          'it can take no step until it holds the lock.',
      }),
      el('div', { class: 'step-buttons' }, ...steps.buttons),
      el('div', { class: 'step-tools' }, steps.undo, steps.reset),
      panel.node,
      steps.refused,
    ),
  );
  steps.focusFirst();

  /** @type {string[]} what the current step did: a step that frees a lock reports twice */
  const said = [];
  /** @param {string} lane @param {LockStep} step */
  function onStep(lane, step) {
    const sameStep = panel.node.dataset.steps === String(step.step);
    if (!sameStep) {
      steps.stepped(lane);
      said.length = 0;
    }
    said.push(saidOf(lane, step, state));
    apply(state, lane, step);
    panel.summary.textContent = `Step ${step.step}: ${said.join(' ')}`;
    panel.node.dataset.steps = String(step.step);
    panel.show();
    for (const l of LANES) steps.offer(l, !state.waitsFor.has(l) && state.next.get(l) !== 'done');
  }

  return {
    /** @param {RunEvent} ev */
    event(ev) {
      if (ev.kind === 'view' && ev.view === 'lock-step') onStep(ev.lane, ev.data);
      else if (ev.kind === 'refused') steps.refuse(ev.text ?? '');
    },
    /** @param {{ deadlock?: string, schedule?: string } | undefined} value */
    finish(value) {
      steps.end();
      if (value?.deadlock !== undefined) {
        // The goal of the exercise: said as such, not as a failure.
        panel.cycle.textContent = `Deadlock reached, the goal: ${value.deadlock}. Neither thread can ever move again.`;
        panel.cycle.hidden = false;
        panel.node.dataset.deadlock = 'true';
      } else if (value?.schedule !== undefined) {
        panel.summary.textContent = `Both threads took both locks and finished (schedule ${value.schedule}).`;
        panel.node.dataset.finished = 'true';
      }
    },
  };
}
