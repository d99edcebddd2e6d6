// @ts-check
// threading-lock's ledger of the no-lock race (`value.ledger`): how many updates were lost and
// how each was lost, from the run's own stores. Every store was a swap that said what it
// replaced, so the numbers are the run's books, not an estimate. The first wipes are shown as
// the bytecode steps a learner knows: LOAD counter, other threads' STOREs, then the late STORE.
import { el, stylesheet } from '../../dom.js';

/** This lesson's styles (lesson.css): the view is drawn once they have loaded (run-view.js). */
export const styled = stylesheet(new URL('./lesson.css', import.meta.url));

/**
 * A count of the run's (a BigInt from the module; a recorded run's may be a number or text).
 * @typedef {bigint | number | string} Count
 * @typedef {{ lane: string, read: Count, wrote: Count, overwrote: Count, iteration?: Count, tMs?: number }} Wipe
 * @typedef {{
 *   expected: Count, final: Count, lost: Count, stores: Count, wipes: Count, lowered: Count,
 *   largest: Wipe | null, caught: Wipe[],
 * }} Ledger
 */

const n = (/** @type {Count} */ big) => Number(big).toLocaleString('en-US');
const CAUGHT_SHOWN = 4;

/** @param {Wipe} wipe one of the first wipes, with its time and iteration */
function caughtInTheAct(wipe) {
  const read = BigInt(wipe.read);
  const overwrote = BigInt(wipe.overwrote);
  const lost = overwrote - read;
  const others =
    lost === 1n
      ? `another thread: STORE counter ← ${n(overwrote)}`
      : `other threads: STORE counter ← ${n(read + 1n)} … ${n(overwrote)}`;
  return el(
    'li',
    { class: 'caught', 'data-lane': wipe.lane },
    el('p', {
      class: 'caught-when',
      text: `+${Number(wipe.tMs).toFixed(3)} ms, increment ${n(BigInt(/** @type {Count} */ (wipe.iteration)) + 1n)} of ${wipe.lane}`,
    }),
    el(
      'ol',
      { class: 'steps' },
      el('li', { text: `${wipe.lane}: LOAD counter → ${n(read)}` }),
      el('li', { class: 'other', text: `meanwhile ${others}` }),
      el('li', {
        class: 'late',
        text: `${wipe.lane}: STORE counter ← ${n(read + 1n)} (over ${n(overwrote)}: ${n(lost)} update${lost === 1n ? '' : 's'} lost)`,
      }),
    ),
  );
}

/**
 * @param {HTMLElement} host
 * @param {{ ledger?: Ledger } | null | undefined} value the run's value
 * @param {{ rerun?: (params: Record<string, string>) => void, params?: Record<string, unknown> }} [actions]
 */
export default function draw(host, value, { rerun, params = {} } = {}) {
  const ledger = value?.ledger;
  if (!ledger) return;
  const lost = BigInt(ledger.lost);
  /** @type {HTMLElement[]} */
  const parts = [el('h3', { text: 'The no-lock race, store by store' })];
  parts.push(
    el('p', {
      'data-role': 'ledger',
      text:
        `${n(ledger.expected)} increments, final counter ${n(ledger.final)}: ${n(lost)} updates lost. ` +
        `Every one of the ${n(ledger.stores)} stores reported what it overwrote; ` +
        `${n(ledger.wipes)} of them overwrote updates of another thread, and those add up to exactly ${n(lost)}.`,
    }),
  );
  if (lost === 0n && Number(params.threads) === 1) {
    parts.push(el('p', { text: 'One thread alone has no one to race with: start two or more to see updates lost.' }));
  } else if (lost === 0n) {
    parts.push(
      el('p', {
        text: 'This time the threads never overwrote each other: they barely ran at the same time (another program may have had a core). The bug is still there.',
      }),
    );
    if (rerun) {
      const again = el('button', { type: 'button', 'data-action': 'until-race' }, 'Run until the race shows');
      again.addEventListener('click', () => rerun({ rounds: '500' }));
      parts.push(
        el(
          'p',
          {},
          again,
          el('span', { class: 'help', text: ' repeats the no-lock round, up to 500 times, until one loses an update' }),
        ),
      );
    }
  } else {
    parts.push(el('h4', { text: 'Caught in the act: the first lost updates' }));
    parts.push(el('ul', { class: 'caught-list' }, ...ledger.caught.slice(0, CAUGHT_SHOWN).map(caughtInTheAct)));
    const big = ledger.largest;
    if (big && BigInt(big.overwrote) - BigInt(big.read) > 1n) {
      parts.push(
        el('p', {
          text:
            `The largest single wipe: ${big.lane} stored ${n(big.wrote)} over ${n(big.overwrote)}, ` +
            `wiping out ${n(BigInt(big.overwrote) - BigInt(big.read))} updates at once (it had read the counter long before). ` +
            'On the timeline, the red strips under the bars show when the wipes happened: only while both threads ran.',
        }),
      );
    }
  }
  host.replaceChildren(el('section', { class: 'race-ledger', 'aria-label': 'The lost-update ledger' }, ...parts));
}
