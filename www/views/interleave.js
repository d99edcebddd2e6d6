// threading-interleave's step controls: the learner is the scheduler. A live view (see
// run-view.js): it starts with the run, sends the running program its inputs (`send('2')`
// grants Thread-2 one step, `send('free')` lets the browser schedule the rest), and redraws
// the shared panel from each `step` event, which the program emits once the real thread has
// taken the step. Undo replays the schedule minus its last step on fresh memory (a new run).
import { el } from '../dom.js';
import { focusFirstStep } from './stepping.js';

const OPS = { load: 'LOAD counter', add: 'ADD 1', store: 'STORE counter', done: 'done' };

/** The page's URL with this run's parameters and schedule, for a teacher to copy. */
function scheduleUrl(normalised, schedule) {
  const url = new URL(location.href);
  url.searchParams.set('scenario', 'threading-interleave');
  url.searchParams.set('threads', String(normalised.threads));
  url.searchParams.set('k', String(normalised.k));
  url.searchParams.set('schedule', schedule.join(','));
  return url;
}

/** A unique id prefix for this view's elements (one section per scenario on a page). */
const slotId = (slot) => `${slot.closest('section[data-scenario]')?.id ?? 'interleave'}-interleave`;

export function live(slot, { send, normalised, restart }) {
  const threads = Number(normalised.threads);
  const lanes = Array.from({ length: threads }, (_, i) => `Thread-${i + 1}`);
  const state = {
    counter: 0,
    lanes: new Map(lanes.map((lane) => [lane, { register: null, next: 'load', steps: 0 }])),
    schedule: [], // thread numbers, one per step taken, replayed ones included
    finished: false,
  };

  const stepButtons = lanes.map((lane, i) => {
    const button = el(
      'button',
      { type: 'button', class: 'step', 'data-action': 'step', 'data-lane': lane, 'aria-keyshortcuts': String(i + 1) },
      `Step ${lane}`,
      el('kbd', { text: String(i + 1), 'aria-hidden': 'true' }),
    );
    button.addEventListener('click', () => grant(String(i + 1)));
    return button;
  });
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
  const free = el('button', { type: 'button', class: 'secondary', 'data-action': 'free' }, 'Let the browser schedule');
  const summary = el('p', {
    class: 'shared-summary',
    'data-role': 'step-summary',
    text: `${threads} threads parked before their first LOAD. counter = 0.`,
  });
  const counterCell = el('strong', { 'data-role': 'counter', text: '0' });
  const rows = new Map(
    lanes.map((lane) => {
      const register = el('td', { 'data-role': 'register', text: '—' });
      const next = el('td', { 'data-role': 'next', text: OPS.load });
      const row = el('tr', { 'data-lane': lane }, el('th', { scope: 'row', text: lane }), register, next);
      return [lane, { row, register, next }];
    }),
  );
  const shared = el(
    'div',
    { class: 'shared', 'data-role': 'shared', 'aria-live': 'polite', 'data-steps': '0' },
    summary,
    el('p', { class: 'shared-counter' }, 'counter, in shared memory: ', counterCell),
    el('p', {
      class: 'registers-about',
      id: `${slotId(slot)}-registers`,
      text: "Each thread's own register and its next step:",
    }),
    el(
      'table',
      { class: 'registers', 'aria-labelledby': `${slotId(slot)}-registers` },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col', text: 'thread' }),
          el('th', { scope: 'col', text: 'register' }),
          el('th', { scope: 'col', text: 'next step' }),
        ),
      ),
      el('tbody', {}, ...[...rows.values()].map((r) => r.row)),
    ),
  );
  const refused = el('p', { class: 'refused', 'data-role': 'refused', role: 'status' });
  const scheduleText = el('code', { 'data-role': 'schedule', text: '(none yet)' });
  const scheduleLink = el(
    'a',
    { href: scheduleUrl(normalised, []).href, 'data-role': 'schedule-link' },
    'link to this schedule',
  );
  const challenges = el(
    'div',
    { class: 'challenges', 'data-role': 'challenges' },
    el('h4', { text: 'Challenges, checked when the threads finish' }),
    el(
      'ul',
      {},
      ...['lose an update', `end at the smallest value possible`, 'lose nothing'].map((text) => el('li', { text })),
    ),
  );

  slot.replaceChildren(
    el(
      'section',
      { class: 'interleave', 'aria-label': 'You are the scheduler' },
      el('h3', { text: 'You are the scheduler' }),
      el('p', {
        class: 'help',
        text:
          `Each ${threads === 2 ? 'of the two' : 'of the three'} threads is a real thread on its own worker, parked before its next step. ` +
          "A button grants one thread one step (keys 1 to 3 while this section has focus): LOAD reads the shared counter into the thread's register, ADD adds 1 to the register, STORE writes it back.",
      }),
      el('div', { class: 'step-buttons' }, ...stepButtons),
      el('div', { class: 'step-tools' }, undo, reset, free),
      shared,
      refused,
      el(
        'p',
        { class: 'schedule-line' },
        'Schedule so far (a thread number per step): ',
        scheduleText,
        ' · ',
        scheduleLink,
      ),
      challenges,
    ),
  );
  focusFirstStep(slot, stepButtons);

  function grant(text) {
    if (state.finished) return;
    refused.textContent = '';
    send(text);
  }
  undo.addEventListener('click', () => restart({ schedule: state.schedule.slice(0, -1).join(',') }));
  reset.addEventListener('click', () => restart({ schedule: '' }));
  free.addEventListener('click', () => {
    free.disabled = true;
    grant('free');
  });
  // Keys 1 to 3 grant a step while focus is in this section, but not while typing in a field.
  const section = slot.closest('section[data-scenario]') ?? slot;
  const onKey = (e) => {
    if (!/^[1-9]$/.test(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest?.('input, textarea, select')) return;
    e.preventDefault();
    grant(e.key); // the program refuses a thread that has finished or does not exist
  };
  section.addEventListener('keydown', onKey);

  function showSchedule() {
    scheduleText.textContent = state.schedule.length ? state.schedule.join(',') : '(none yet)';
    const url = scheduleUrl(normalised, state.schedule);
    scheduleLink.href = url.href;
    undo.disabled = state.schedule.length === 0 || state.finished;
    reset.disabled = state.schedule.length === 0;
    // In the page's own URL too (a teacher copies it). Not in the field: a Run by hand starts
    // afresh, never replaying a schedule the learner did not type.
    history.replaceState(history.state, '', url);
  }

  function onStep(ev) {
    const lane = state.lanes.get(ev.lane);
    if (!lane) return;
    Object.assign(lane, { register: ev.register, next: ev.next, steps: lane.steps + 1 });
    state.counter = ev.counter;
    state.schedule.push(Number(ev.lane.replace('Thread-', '')));
    counterCell.textContent = String(ev.counter);
    const cells = rows.get(ev.lane);
    cells.register.textContent = String(ev.register);
    cells.next.textContent = OPS[ev.next];
    for (const [name, r] of rows) r.row.classList.toggle('just-stepped', name === ev.lane);
    const done = ev.next === 'done';
    const button = stepButtons[lanes.indexOf(ev.lane)];
    // A finished thread's button is disabled; if it had focus, the keys go on working from
    // the next thread's button rather than from nowhere.
    if (done && document.activeElement === button) stepButtons.find((b) => b !== button && !b.disabled)?.focus();
    button.disabled = done;
    const did = {
      load: `LOADed counter (${ev.counter}) into its register`,
      add: `added 1: its register holds ${ev.register}`,
      store: `STOREd ${ev.register} into counter`,
    }[ev.op];
    summary.textContent = `Step ${ev.step}: ${ev.lane} ${did}. counter = ${ev.counter}. ${done ? `${ev.lane} has finished.` : `Next for ${ev.lane}: ${OPS[ev.next]}.`}`;
    shared.dataset.steps = String(ev.step);
    showSchedule();
  }

  function end() {
    state.finished = true;
    for (const b of [...stepButtons, free, undo]) b.disabled = true;
    section.removeEventListener('keydown', onKey);
  }

  return {
    event(ev) {
      if (ev.kind === 'step') onStep(ev);
      else if (ev.kind === 'refused') refused.textContent = ev.text;
    },
    finish(value) {
      end();
      reset.disabled = state.schedule.length === 0;
      // A finished (or stopped) schedule can still be undone: a new run replays all but its last step.
      undo.disabled = state.schedule.length === 0;
      if (!value?.challenges) return; // stopped, undone or failed: nothing to judge
      summary.textContent = `Every thread has finished. Final counter: ${value.final} of ${value.expected}.`;
      shared.dataset.final = String(value.final);
      const list = el(
        'ul',
        {},
        ...value.challenges.map((c) => {
          const met = Number(c.met) === 1;
          return el(
            'li',
            { class: met ? 'met' : 'not-met', 'data-challenge': c.name, 'data-met': String(met) },
            el('span', { class: 'mark', 'aria-hidden': 'true', text: met ? '✓' : '·' }),
            ` ${c.label}: ${met ? 'met' : 'not met'}`,
          );
        }),
      );
      challenges.replaceChildren(
        el('h4', { text: 'Challenges' }),
        list,
        el('p', { class: 'why', text: value.why_smallest }),
      );
    },
  };
}

/** Only live: a recorded or finished run is shown by its lines, notes and timeline. */
export default function draw() {}
