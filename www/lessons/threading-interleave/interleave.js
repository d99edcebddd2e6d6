// @ts-check
// threading-interleave's step view: the learner is the scheduler. A live view (see
// run-view.js): it starts with the run; a step button sends the running program its input
// (`send('2')` grants Thread-2 one step, `send('free')` lets the browser schedule the rest),
// and the shared panel is redrawn from each `interleave-step` view event, which the program
// emits once the real thread has taken the step. Undo replays the schedule minus its last
// step on fresh memory (a new run).
import { el, stylesheet } from '../../dom.js';
import { slotId, stepper, stepperStyled } from '../stepper.js';

/** The stepper's and this lesson's styles: the view is drawn once they have loaded (run-view.js). */
export const styled = Promise.all([stepperStyled, stylesheet(new URL('./lesson.css', import.meta.url))]);

/**
 * An `interleave-step` event's data (threading_interleave.rs, `show_step`).
 * @typedef {{ step: number, op: 'load' | 'add' | 'store', register: number, counter: number,
 *   next: 'load' | 'add' | 'store' | 'done' }} Step
 * @typedef {{ lane: string, kind: string, view?: string, data?: any, text?: string }} RunEvent
 * @typedef {{ final: number, expected: number, why_smallest: string,
 *   challenges: { name: string, label: string, met: number | bigint }[] }} Finished
 */

const OPS = { load: 'LOAD counter', add: 'ADD 1', store: 'STORE counter', done: 'done' };

/**
 * The page's URL with this run's parameters and schedule, for a teacher to copy.
 * @param {Record<string, unknown>} normalised
 * @param {number[]} schedule
 */
function scheduleUrl(normalised, schedule) {
  const url = new URL(location.href);
  url.searchParams.set('scenario', 'threading-interleave');
  url.searchParams.set('threads', String(normalised.threads));
  url.searchParams.set('k', String(normalised.k));
  url.searchParams.set('schedule', schedule.join(','));
  return url;
}

/**
 * The shared counter and each thread's register and next step.
 * @param {HTMLElement} slot
 * @param {string[]} lanes
 */
function sharedPanel(slot, lanes) {
  const summary = el('p', {
    class: 'shared-summary',
    'data-role': 'step-summary',
    text: `${lanes.length} threads parked before their first LOAD. counter = 0.`,
  });
  const counter = el('strong', { 'data-role': 'counter', text: '0' });
  const rows = new Map(
    lanes.map((lane) => {
      const register = el('td', { 'data-role': 'register', text: '—' });
      const next = el('td', { 'data-role': 'next', text: OPS.load });
      const row = el('tr', { 'data-lane': lane }, el('th', { scope: 'row', text: lane }), register, next);
      return [lane, { row, register, next }];
    }),
  );
  const id = `${slotId(slot, 'interleave')}-registers`;
  const head = ['thread', 'register', 'next step'].map((text) => el('th', { scope: 'col', text }));
  const node = el(
    'div',
    { class: 'shared', 'data-role': 'shared', 'aria-live': 'polite', 'data-steps': '0' },
    summary,
    el('p', { class: 'shared-counter' }, 'counter, in shared memory: ', counter),
    el('p', { class: 'registers-about', id, text: "Each thread's own register and its next step:" }),
    el(
      'table',
      { class: 'registers', 'aria-labelledby': id },
      el('thead', {}, el('tr', {}, ...head)),
      el('tbody', {}, ...[...rows.values()].map((r) => r.row)),
    ),
  );
  return { node, summary, counter, rows };
}

/** The challenges, listed before the run and checked when the threads finish. */
function challengesBox() {
  const node = el(
    'div',
    { class: 'challenges', 'data-role': 'challenges' },
    el('h4', { text: 'Challenges, checked when the threads finish' }),
    el(
      'ul',
      {},
      ...['lose an update', 'end at the smallest value possible', 'lose nothing'].map((text) => el('li', { text })),
    ),
  );
  /** @param {Finished} value */
  const judge = (value) => {
    const items = value.challenges.map((c) => {
      const met = Number(c.met) === 1;
      return el(
        'li',
        { class: met ? 'met' : 'not-met', 'data-challenge': c.name, 'data-met': String(met) },
        el('span', { class: 'mark', 'aria-hidden': 'true', text: met ? '✓' : '·' }),
        ` ${c.label}: ${met ? 'met' : 'not met'}`,
      );
    });
    node.replaceChildren(
      el('h4', { text: 'Challenges' }),
      el('ul', {}, ...items),
      el('p', { class: 'why', text: value.why_smallest }),
    );
  };
  return { node, judge };
}

/**
 * The schedule so far, as text and as a link, kept in the page's URL too.
 * @param {Record<string, unknown>} normalised
 */
function scheduleLine(normalised) {
  const text = el('code', { 'data-role': 'schedule', text: '(none yet)' });
  const link = el(
    'a',
    { href: scheduleUrl(normalised, []).href, 'data-role': 'schedule-link' },
    'link to this schedule',
  );
  const node = el('p', { class: 'schedule-line' }, 'Schedule so far (a thread number per step): ', text, ' · ', link);
  /** @param {number[]} schedule */
  const show = (schedule) => {
    text.textContent = schedule.length ? schedule.join(',') : '(none yet)';
    const url = scheduleUrl(normalised, schedule);
    link.href = url.href;
    // In the page's own URL too (a teacher copies it). Not in the field: a Run by hand starts
    // afresh, never replaying a schedule the learner did not type.
    history.replaceState(history.state, '', url);
  };
  return { node, show };
}

/** What a step did, in words. @param {Step} step */
const didText = (step) =>
  ({
    load: `LOADed counter (${step.counter}) into its register`,
    add: `added 1: its register holds ${step.register}`,
    store: `STOREd ${step.register} into counter`,
  })[step.op];

/**
 * @param {HTMLElement} slot
 * @param {{ send: (text: string) => void, normalised: Record<string, unknown>,
 *   restart: (params: Record<string, string>) => void }} context
 */
export function live(slot, { send, normalised, restart }) {
  const lanes = Array.from({ length: Number(normalised.threads) }, (_, i) => `Thread-${i + 1}`);
  const steps = stepper(slot, {
    lanes,
    inputOf: (_, i) => String(i + 1),
    keys: /^[1-9]$/,
    inputOfKey: (key) => key,
    send,
    restart,
  });
  const free = el('button', { type: 'button', class: 'secondary', 'data-action': 'free' }, 'Let the browser schedule');
  free.addEventListener('click', () => {
    free.disabled = true;
    steps.grant('free');
  });
  const panel = sharedPanel(slot, lanes);
  const line = scheduleLine(normalised);
  const challenges = challengesBox();
  slot.replaceChildren(
    el(
      'section',
      { class: 'interleave', 'aria-label': 'You are the scheduler' },
      el('h3', { text: 'You are the scheduler' }),
      el('p', {
        class: 'help',
        text:
          `Each ${lanes.length === 2 ? 'of the two' : 'of the three'} threads is a real thread on its own worker, parked before its next step. ` +
          "A button grants one thread one step (keys 1 to 3 while this section has focus): LOAD reads the shared counter into the thread's register, ADD adds 1 to the register, STORE writes it back.",
      }),
      el('div', { class: 'step-buttons' }, ...steps.buttons),
      el('div', { class: 'step-tools' }, steps.undo, steps.reset, free),
      panel.node,
      steps.refused,
      line.node,
      challenges.node,
    ),
  );
  steps.focusFirst();

  /** @param {string} lane @param {Step} step */
  function onStep(lane, step) {
    const cells = panel.rows.get(lane);
    if (!cells) return;
    steps.stepped(lane);
    panel.counter.textContent = String(step.counter);
    cells.register.textContent = String(step.register);
    cells.next.textContent = OPS[step.next];
    for (const [name, r] of panel.rows) r.row.classList.toggle('just-stepped', name === lane);
    const done = step.next === 'done';
    // A finished thread's button is disabled; the keys go on working from another's.
    steps.offer(lane, !done);
    const then = done ? `${lane} has finished.` : `Next for ${lane}: ${OPS[step.next]}.`;
    panel.summary.textContent = `Step ${step.step}: ${lane} ${didText(step)}. counter = ${step.counter}. ${then}`;
    panel.node.dataset.steps = String(step.step);
    line.show(steps.schedule);
  }

  return {
    /** @param {RunEvent} ev */
    event(ev) {
      if (ev.kind === 'view' && ev.view === 'interleave-step') onStep(ev.lane, ev.data);
      else if (ev.kind === 'refused') steps.refuse(ev.text ?? '');
    },
    /** @param {Finished | undefined} value undefined after a Stop or an error */
    finish(value) {
      steps.end();
      free.disabled = true;
      if (!value?.challenges) return; // stopped, undone or failed: nothing to judge
      panel.summary.textContent = `Every thread has finished. Final counter: ${value.final} of ${value.expected}.`;
      panel.node.dataset.final = String(value.final);
      challenges.judge(value);
    },
  };
}
