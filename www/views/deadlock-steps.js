// threading-deadlock's step mode: the learner grants Thread-A and Thread-B their lock steps.
// A live view (see run-view.js): a button sends the running program a thread (`send('A')`);
// the program answers with a `lock-step` event once the real thread has taken the step (or
// has started to wait for a held lock), and the panel shows who holds which lock and who
// waits for which. The moment the waits form a cycle, the program names it in a note and the
// run ends (done: the deadlock is the exercise's goal) with the cycle in its value, which the
// panel shows. Undo and Start over run again on fresh threads, replaying the schedule.
import { el } from '../dom.js';
import { focusFirstStep } from './stepping.js';

const LANES = ['Thread-A', 'Thread-B'];
const LOCKS = ['lock1', 'lock2'];

/** A unique id prefix for this view's elements (one section per scenario on a page). */
const slotId = (slot) => `${slot.closest('section[data-scenario]')?.id ?? 'deadlock'}-deadlock-steps`;

export function live(slot, { send, normalised, restart }) {
  const ordered = normalised.ordered === true || normalised.ordered === 'true' || Number(normalised.ordered) === 1;
  const firstOf = { 'Thread-A': 'lock1', 'Thread-B': ordered ? 'lock1' : 'lock2' };
  const state = {
    holder: new Map(), // lock -> thread
    waitsFor: new Map(), // thread -> lock
    next: new Map(LANES.map((lane) => [lane, `acquire ${firstOf[lane]}`])),
    finished: false,
    schedule: [], // 1 for Thread-A, 2 for Thread-B: one per step taken, replayed ones included
  };

  const stepButtons = LANES.map((lane, i) => {
    const button = el(
      'button',
      { type: 'button', class: 'step', 'data-action': 'step', 'data-lane': lane, 'aria-keyshortcuts': String(i + 1) },
      `Step ${lane}`,
      el('kbd', { text: String(i + 1), 'aria-hidden': 'true' }),
    );
    button.addEventListener('click', () => grant(lane.slice(-1)));
    return button;
  });
  const summary = el('p', {
    class: 'shared-summary',
    'data-role': 'step-summary',
    text: `Both threads are parked before their first step. Thread-A: acquire lock1. Thread-B: acquire ${firstOf['Thread-B']}.`,
  });
  const lockCells = new Map(
    LOCKS.map((lock) => [
      lock,
      {
        holder: el('td', { 'data-role': 'holder', text: 'free' }),
        waiter: el('td', { 'data-role': 'waiter', text: '—' }),
      },
    ]),
  );
  const threadCells = new Map(
    LANES.map((lane) => [
      lane,
      {
        holds: el('td', { 'data-role': 'holds', text: '—' }),
        waits: el('td', { 'data-role': 'waits', text: '—' }),
        next: el('td', { 'data-role': 'next', text: state.next.get(lane) }),
      },
    ]),
  );
  const cycle = el('p', { class: 'cycle', 'data-role': 'cycle', hidden: true });
  const id = slotId(slot);
  const table = (caption, head, rows) =>
    el(
      'table',
      { class: 'registers', 'aria-labelledby': `${id}-${caption}` },
      el('thead', {}, el('tr', {}, ...head.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, ...rows),
    );
  const shared = el(
    'div',
    { class: 'shared', 'data-role': 'shared', 'aria-live': 'polite', 'data-steps': '0' },
    summary,
    el('p', { class: 'registers-about', id: `${id}-locks`, text: 'The locks:' }),
    table(
      'locks',
      ['lock', 'held by', 'waited for by'],
      LOCKS.map((lock) =>
        el(
          'tr',
          { 'data-lock': lock },
          el('th', { scope: 'row', text: lock }),
          lockCells.get(lock).holder,
          lockCells.get(lock).waiter,
        ),
      ),
    ),
    el('p', { class: 'registers-about', id: `${id}-threads`, text: 'The threads:' }),
    table(
      'threads',
      ['thread', 'holds', 'waits for', 'next'],
      LANES.map((lane) =>
        el(
          'tr',
          { 'data-lane': lane },
          el('th', { scope: 'row', text: lane }),
          threadCells.get(lane).holds,
          threadCells.get(lane).waits,
          threadCells.get(lane).next,
        ),
      ),
    ),
    cycle,
  );
  const refused = el('p', { class: 'refused', 'data-role': 'refused', role: 'status' });
  const undo = el(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'undo', disabled: true },
    'Undo last step',
  );
  const reset = el(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'reset', disabled: true },
    'Start over',
  );
  // Undo runs again on fresh threads, replaying every step but the last.
  undo.addEventListener('click', () => restart({ schedule: state.schedule.slice(0, -1).join(',') }));
  reset.addEventListener('click', () => restart({ schedule: '' }));

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
      el('div', { class: 'step-buttons' }, ...stepButtons),
      el('div', { class: 'step-tools' }, undo, reset),
      shared,
      refused,
    ),
  );
  focusFirstStep(slot, stepButtons);

  function grant(text) {
    if (state.finished) return;
    refused.textContent = '';
    send(text);
  }
  // Keys 1, 2, A and B grant a step while focus is in this section, but not while typing in a field.
  const section = slot.closest('section[data-scenario]') ?? slot;
  const onKey = (e) => {
    if (!/^[12abAB]$/.test(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest?.('input, textarea, select')) return;
    e.preventDefault();
    grant(e.key.toUpperCase()); // the program refuses a thread that waits or has finished
  };
  section.addEventListener('keydown', onKey);

  function show() {
    for (const lock of LOCKS) {
      lockCells.get(lock).holder.textContent = state.holder.get(lock) ?? 'free';
      const waiters = LANES.filter((lane) => state.waitsFor.get(lane) === lock);
      lockCells.get(lock).waiter.textContent = waiters.length ? waiters.join(', ') : '—';
    }
    for (const lane of LANES) {
      const held = LOCKS.filter((lock) => state.holder.get(lock) === lane);
      const cells = threadCells.get(lane);
      cells.holds.textContent = held.length ? held.join(', ') : '—';
      cells.waits.textContent = state.waitsFor.get(lane) ?? '—';
      cells.next.textContent = state.next.get(lane) === 'done' ? 'done' : state.next.get(lane);
      const button = stepButtons[LANES.indexOf(lane)];
      const off = state.finished || state.waitsFor.has(lane) || state.next.get(lane) === 'done';
      // A disabled button loses the keys' focus: hand it to the other thread's button.
      if (off && document.activeElement === button) stepButtons.find((b) => b !== button && !b.disabled)?.focus();
      button.disabled = off;
    }
  }

  const said = [];
  function onStep(ev) {
    if (ev.outcome === 'took' || ev.outcome === 'took-after-waiting') {
      state.holder.set(ev.lock, ev.lane);
      state.waitsFor.delete(ev.lane);
    } else if (ev.outcome === 'waiting') state.waitsFor.set(ev.lane, ev.lock);
    else if (ev.outcome === 'released') state.holder.delete(ev.lock);
    state.next.set(ev.lane, ev.next);
    // A step that frees a lock reports twice under one number: the grant is the first report.
    if (shared.dataset.steps !== String(ev.step)) state.schedule.push(LANES.indexOf(ev.lane) + 1);
    undo.disabled = false;
    reset.disabled = false;
    const did = {
      took: `acquired ${ev.lock} (it was free)`,
      waiting: `asked for ${ev.lock}, which ${state.holder.get(ev.lock) ?? 'another thread'} holds: it waits for it`,
      'took-after-waiting': `stopped waiting: it acquired ${ev.lock}`,
      released: `released ${ev.lock}`,
    }[ev.outcome];
    const then =
      ev.next === 'done'
        ? `${ev.lane} has finished.`
        : ev.outcome === 'waiting'
          ? ''
          : `Next for ${ev.lane}: ${ev.next}.`;
    // A step that frees a lock a thread waits for reports two events under one step number.
    if (shared.dataset.steps !== String(ev.step)) said.length = 0;
    said.push(`${ev.lane} ${did}. ${then}`.trim());
    summary.textContent = `Step ${ev.step}: ${said.join(' ')}`;
    shared.dataset.steps = String(ev.step);
    show();
  }

  function end() {
    state.finished = true;
    show();
    section.removeEventListener('keydown', onKey);
  }

  return {
    event(ev) {
      if (ev.kind === 'lock-step') onStep(ev);
      else if (ev.kind === 'refused') refused.textContent = ev.text;
    },
    finish(value) {
      end();
      undo.disabled = state.schedule.length === 0;
      reset.disabled = state.schedule.length === 0;
      if (value?.deadlock !== undefined) {
        // The goal of the exercise: said as such, not as a failure.
        cycle.textContent = `Deadlock reached, the goal: ${value.deadlock}. Neither thread can ever move again.`;
        cycle.hidden = false;
        shared.dataset.deadlock = 'true';
      } else if (value?.schedule !== undefined) {
        summary.textContent = `Both threads took both locks and finished (schedule ${value.schedule}).`;
        shared.dataset.finished = 'true';
      }
    },
  };
}

/** Only live: a recorded or finished run is shown by its lines, notes and timeline. */
export default function draw() {}
