// @ts-check
// threading-speedup's prediction questions and their grades (see predictions.js for the shapes).
// What speed-up two workers get over one, graded against the cores this browser offers.
import { duration, plural, times } from '../words.js';

/**
 * @typedef {import('../../predictions.js').Question} Question
 * @typedef {import('../../predictions.js').Answers} Answers
 * @typedef {import('../../predictions.js').Grade} Grade
 * @typedef {import('../../predictions.js').FinishedRun} FinishedRun
 * @typedef {import('../../predictions.js').PredictionContext} PredictionContext
 * @typedef {{ workers: number | bigint, ms: number | bigint, speedup_x100: number | bigint }} Row
 *   one of the program's rows (its value, when it is a list; BigInts from the module)
 */

/** @returns {Question[]} */
export const questions = () => [
  {
    name: 'speedup',
    legend: 'What speed-up will 2 workers get over 1?',
    kind: 'choice',
    choices: [
      { value: '1x', label: 'about 1× (no faster)' },
      { value: '2x', label: 'about 2× (twice as fast)' },
      { value: 'more', label: 'more than 2×' },
    ],
  },
];

/**
 * @param {Answers} answers
 * @param {FinishedRun} run
 * @param {PredictionContext} ctx
 * @returns {{ speedup: Grade }}
 */
export const grade = ({ speedup: predicted }, { value }, { cores }) => {
  const rows = Array.isArray(value)
    ? value.map((/** @type {Row} */ r) => ({
        workers: Number(r.workers),
        ms: Number(r.ms),
        speedup: Number(r.speedup_x100) / 100,
      }))
    : [];
  const one = rows.find((r) => r.workers === 1);
  const two = rows.find((r) => r.workers === 2);
  const coreText = `this browser offers ${plural(cores, 'hardware thread')}`;
  if (cores < 2 || !two) {
    const outcome = `${coreText}, so only 1 worker was measured`;
    const reason =
      'With one core, two workers only take turns on it: each does half the work, one after the other, so it takes as long as one worker doing all of it.';
    return {
      speedup: { verdict: predicted === '1x' ? 'right' : 'wrong', outcome, reason: `${reason} Here ${coreText}.` },
    };
  }
  const outcome = `2 workers: ${times(two.speedup)} (1 worker ${duration(one?.ms ?? 0)}, 2 workers ${duration(two.ms)})`;
  const measured = two.speedup >= 1.5 ? '2x' : '1x';
  const ideal = `Two workers each sum half of the range at the same time on two cores, so at best the time halves: about 2×. Here ${coreText}, and this run measured ${times(two.speedup)}.`;
  const short =
    (one?.ms ?? 0) < 20
      ? 'The sum was so short that starting and joining the workers cost about as much as it saved: try a larger n.'
      : 'Another program was probably using a core, so the workers took turns.';
  if (predicted === 'more') {
    return {
      speedup: {
        verdict: 'wrong',
        outcome,
        reason: `Two workers cannot do better than halve the time, which is 2×; a reading above that is measurement noise. ${ideal}`,
      },
    };
  }
  if (predicted === measured) {
    return {
      speedup: {
        verdict: 'right',
        outcome,
        reason: measured === '2x' ? ideal : `${ideal} It could reach about 2×, but not this time. ${short}`,
      },
    };
  }
  if (predicted === '2x') {
    return {
      speedup: { verdict: 'possible', outcome, reason: `Right in principle, but not this time. ${ideal} ${short}` },
    };
  }
  return {
    speedup: {
      verdict: 'wrong',
      outcome,
      reason: `With two cores the workers really do run at the same time. ${ideal}`,
    },
  };
};
