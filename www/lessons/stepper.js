// @ts-check
// What the stepping lessons share (threading-interleave's and threading-deadlock's step views):
// the learner is the scheduler. One button per parked thread grants it one step (also from the
// keys, while focus is in the lesson's section); the running program refuses a step it cannot
// take and says why; Undo and Start over run again on fresh threads, replaying the schedule
// minus its last step, or nothing. The lesson's own view draws what the steps did.
import { el, stylesheet } from '../dom.js';

/** The stepping lessons' shared styles (stepper.css), loaded with the first of their views. */
export const stepperStyled = stylesheet(new URL('./stepper.css', import.meta.url));

/**
 * @typedef {object} StepperOptions
 * @property {string[]} lanes the threads, in order: button i is key i + 1
 * @property {(lane: string, i: number) => string} inputOf what granting a lane a step sends
 * @property {RegExp} keys the keys that grant a step (`inputOfKey` turns one into an input)
 * @property {(key: string) => string} inputOfKey
 * @property {(text: string) => void} send the running program's input
 * @property {(params: Record<string, string>) => void} restart runs again with a schedule
 */

/**
 * The step buttons, Undo and Start over, and the line a refusal is said in, wired to the
 * running program. `stepped(lane)` records a step the program reports; `end()` stops granting.
 * @param {HTMLElement} slot the view's slot, inside its section
 * @param {StepperOptions} options
 */
export function stepper(slot, { lanes, inputOf, keys, inputOfKey, send, restart }) {
  /** Thread numbers from 1, one per step taken, replayed ones included. */
  const schedule = /** @type {number[]} */ ([]);
  let finished = false;
  const refused = el('p', { class: 'refused', 'data-role': 'refused', role: 'status' });
  const grant = (/** @type {string} */ text) => {
    if (finished) return;
    refused.textContent = '';
    send(text);
  };
  const buttons = lanes.map((lane, i) => stepButton(lane, i, () => grant(inputOf(lane, i))));
  const undo = toolButton('undo', 'Undo last step');
  const reset = toolButton('reset', 'Start over');
  undo.addEventListener('click', () => restart({ schedule: schedule.slice(0, -1).join(',') }));
  reset.addEventListener('click', () => restart({ schedule: '' }));
  const stopKeys = grantFromKeys(slot, keys, (key) => grant(inputOfKey(key)));
  return {
    buttons,
    undo,
    reset,
    refused,
    schedule,
    grant,
    /** Shows why the program refused a step. */
    refuse: (/** @type {string} */ text) => {
      refused.textContent = text;
    },
    /** Records a step `lane` took (its number in the schedule), which can now be undone. */
    stepped(/** @type {string} */ lane) {
      schedule.push(lanes.indexOf(lane) + 1);
      undo.disabled = false;
      reset.disabled = false;
    },
    /** Enables or disables `lane`'s button; a disabled button hands its focus to another. */
    offer(/** @type {string} */ lane, /** @type {boolean} */ can) {
      const button = buttons[lanes.indexOf(lane)];
      if (!can && document.activeElement === button) buttons.find((b) => b !== button && !b.disabled)?.focus();
      button.disabled = !can;
    },
    /** No more steps: the run ended. A schedule that has steps can still be undone or reset. */
    end() {
      finished = true;
      for (const button of buttons) button.disabled = true;
      stopKeys();
      undo.disabled = schedule.length === 0;
      reset.disabled = schedule.length === 0;
    },
    get finished() {
      return finished;
    },
    /** Once the buttons are in the page: see `focusFirstStep`. */
    focusFirst: () => focusFirstStep(slot, buttons),
  };
}

/**
 * @param {string} lane
 * @param {number} i
 * @param {() => void} onClick
 */
function stepButton(lane, i, onClick) {
  const key = String(i + 1);
  const button = el(
    'button',
    { type: 'button', class: 'step', 'data-action': 'step', 'data-lane': lane, 'aria-keyshortcuts': key },
    `Step ${lane}`,
    el('kbd', { text: key, 'aria-hidden': 'true' }),
  );
  button.addEventListener('click', onClick);
  return button;
}

/**
 * @param {string} action
 * @param {string} label
 */
function toolButton(action, label) {
  return el('button', { type: 'button', class: 'secondary', 'data-action': action, disabled: true }, label);
}

/**
 * Grants a step for each of `keys` pressed while focus is in the slot's section, but not while
 * typing in a field. Returns what stops it.
 * @param {HTMLElement} slot
 * @param {RegExp} keys
 * @param {(key: string) => void} onKey
 */
function grantFromKeys(slot, keys, onKey) {
  const section = slot.closest('section[data-scenario]') ?? slot;
  const listener = (/** @type {Event} */ event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    if (!keys.test(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof Element && e.target.closest('input, textarea, select')) return;
    e.preventDefault();
    onKey(e.key); // the program refuses a thread that waits, has finished or does not exist
  };
  section.addEventListener('keydown', listener);
  return () => section.removeEventListener('keydown', listener);
}

/**
 * Run was pressed from the keyboard and handed its focus to Stop (section.js): the first step
 * button takes it as soon as it exists, so the keys and Enter grant steps at once.
 * @param {HTMLElement} slot
 * @param {HTMLButtonElement[]} buttons
 */
function focusFirstStep(slot, buttons) {
  const section = slot.closest('section[data-scenario]');
  const focused = document.activeElement;
  if (section && focused instanceof HTMLElement && focused.dataset.action === 'stop' && section.contains(focused)) {
    buttons.find((b) => !b.disabled)?.focus();
  }
}

/**
 * The id prefix of a view's elements: one section per scenario on a page.
 * @param {HTMLElement} slot
 * @param {string} view
 */
export const slotId = (slot, view) => `${slot.closest('section[data-scenario]')?.id ?? view}-${view}`;
