// @ts-check
// threading-interleave's "Explore every order": each possible final counter, how many orders
// end there, and one example order per outcome that opens in step mode. A live view (see
// run-view.js): it counts the `explored` view events as the real threads run each order, so a
// Stop keeps what was explored so far.
import { el, stylesheet } from '../../dom.js';
import { pageUrl } from '../../url.js';

/** This lesson's styles (lesson.css): the view is drawn once they have loaded (run-view.js). */
export const styled = stylesheet(new URL('./lesson.css', import.meta.url));

/**
 * @typedef {import('../../protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {{ orders: number, example: string }} Outcome the orders explored that end at one final counter
 * @typedef {{ counter: number, schedule: string }} Explored an `explored` view event's data: one order and its end
 */

const n = (/** @type {number | bigint} */ x) => Number(x).toLocaleString('en-US');

/**
 * Orders of `threads` threads with `steps` shared-memory steps each: (threads·steps)! / (steps!)^threads.
 * @param {number} threads
 * @param {number} steps
 */
function orderCount(threads, steps) {
  let total = 1;
  let placed = 0;
  for (let t = 0; t < threads; t++) {
    for (let i = 1; i <= steps; i++) total = (total * (placed + i)) / i;
    placed += steps;
  }
  return Math.round(total);
}

/** The table of outcomes: one row per final counter, filled in as orders are explored. */
function outcomeTable() {
  const body = el('tbody');
  const head = ['final counter', 'orders', 'share', 'an example (opens in step mode)'];
  const node = el(
    'div',
    { class: 'outcomes', 'data-role': 'outcomes' },
    el(
      'table',
      { class: 'outcome-table' },
      el('caption', { text: 'Where the counter ends, over every order' }),
      el('thead', {}, el('tr', {}, ...head.map((text) => el('th', { scope: 'col', text })))),
      body,
    ),
  );
  return { node, body };
}

/**
 * A link to `schedule` in step mode: in this section (a rerun), or in a new tab if asked.
 * @param {{ threads: number, k: number, schedule: string }} params
 * @param {((params: object) => void) | undefined} rerun
 */
function exampleLink(params, rerun) {
  const link = el(
    'a',
    { href: pageUrl('threading-interleave', params), 'data-action': 'open-order', 'data-schedule': params.schedule },
    params.schedule,
  );
  link.addEventListener('click', (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || !rerun) return; // a new tab, as asked
    e.preventDefault();
    rerun(params); // step mode in this section, replaying the order
    link.closest('section[data-scenario]')?.scrollIntoView({ block: 'start' });
  });
  return link;
}

/**
 * One outcome's row: its final counter, how many orders end there and their share, an example.
 * @param {number} counter
 * @param {Outcome} c
 * @param {{ expected: number, explored: number, example: (schedule: string) => HTMLAnchorElement }} run
 */
function outcomeRow(counter, c, { expected, explored, example }) {
  return el(
    'tr',
    { 'data-counter': String(counter), class: counter < expected ? 'lost' : 'exact' },
    el('th', {
      scope: 'row',
      text: `${counter}${counter < expected ? ` (${expected - counter} lost)` : ' (exact)'}`,
    }),
    el('td', { 'data-role': 'orders', text: n(c.orders) }),
    el('td', { text: `${((100 * c.orders) / Math.max(1, explored)).toFixed(1)}%` }),
    el('td', {}, example(c.example)),
  );
}

/**
 * @param {HTMLElement} slot
 * @param {{ normalised: Record<string, unknown>, rerun?: (params: object) => void }} context
 */
export function live(slot, { normalised, rerun }) {
  const threads = Number(normalised.threads);
  const k = Number(normalised.k);
  const expected = threads * k;
  const total = orderCount(threads, 2 * k);
  /** @type {Map<number, Outcome>} */
  const classes = new Map(); // final counter -> { orders, example }
  let explored = 0;
  let drawQueued = false;

  const progress = el('progress', { max: String(total), value: '0', 'aria-label': 'Orders explored' });
  const progressText = el('span', { 'data-role': 'explore-progress', text: `0 of ${n(total)} orders` });
  const totals = el('p', { class: 'explore-totals', 'data-role': 'explore-totals' });
  const table = outcomeTable();
  slot.replaceChildren(
    el(
      'section',
      { class: 'interleave-explore', 'aria-label': 'Every order, explored' },
      el('h3', { text: 'Every order, run on the real threads' }),
      el('p', {
        class: 'help',
        text:
          `${threads} threads × ${k} increment${k === 1 ? '' : 's'}: each thread has ${2 * k} steps that touch shared memory ` +
          `(a LOAD, with its ADD riding along, and a STORE per increment), so there are ${n(total)} orders. ` +
          "ADD changes only the thread's own register; where it falls between its LOAD and its STORE changes nothing.",
      }),
      el('p', { class: 'explore-progress' }, progress, ' ', progressText),
      totals,
      table.node,
    ),
  );
  const example = (/** @type {string} */ schedule) => exampleLink({ threads, k, schedule }, rerun);

  function draw() {
    drawQueued = false;
    progress.value = explored;
    progressText.textContent = `${n(explored)} of ${n(total)} orders`;
    const rows = [...classes].sort(([a], [b]) => a - b);
    table.body.replaceChildren(...rows.map(([counter, c]) => outcomeRow(counter, c, { expected, explored, example })));
  }

  return {
    /** @param {PlaygroundEvent} ev */
    event(ev) {
      if (ev.kind !== 'view' || ev.view !== 'explored') return;
      const { counter, schedule } = /** @type {Explored} */ (ev.data);
      explored += 1;
      const c = classes.get(counter);
      if (c) c.orders += 1;
      else classes.set(counter, { orders: 1, example: schedule });
      if (!drawQueued) {
        drawQueued = true;
        requestAnimationFrame(draw);
      }
    },
    /** @param {{ ms?: number } | undefined} value the run's value (undefined after a Stop or an error) */
    finish(value) {
      draw();
      const lost = [...classes].filter(([counter]) => counter < expected).reduce((sum, [, c]) => sum + c.orders, 0);
      const complete = explored === total;
      totals.textContent =
        `${complete ? 'All' : 'Stopped after'} ${n(explored)} of ${n(total)} orders: ${n(lost)} lose an update, ` +
        `${n(explored - lost)} lose nothing.${value?.ms !== undefined ? ` ${n(Math.round(value.ms))} ms on the real threads (${n(Math.round((explored * 1000) / Math.max(1, value.ms)))} orders/s).` : ''}`;
      totals.dataset.orders = String(explored);
      totals.dataset.lost = String(lost);
    },
  };
}
