// @ts-check
// threading-interleave's prediction question and its grade (see predictions.js for the shapes).
// The smallest final counter any order can give: the answer and why are the program's own
// (its value's `smallest` and `why_smallest`, from threading_interleave.rs), not worked out here.
import { n } from '../words.js';

/**
 * @typedef {import('../../predictions.js').Question} Question
 * @typedef {import('../../predictions.js').Answers} Answers
 * @typedef {import('../../predictions.js').Grade} Grade
 * @typedef {{ threads: number, k: number }} Params threading-interleave's validated parameters
 * @typedef {{ smallest: number | bigint, why_smallest: string }} Value the program's value, in part (a BigInt from the module)
 * @typedef {import('../../predictions.js').FinishedRun & { value: Value }} FinishedRun
 */

/**
 * @param {Params} params
 * @returns {Question[]}
 */
export const questions = ({ threads, k }) => [
  {
    name: 'smallest',
    legend: `What is the smallest final counter possible? (${threads} threads, ${n(k)} increments each, no lock)`,
    kind: 'number',
    label: 'Smallest final counter',
    min: 0,
  },
];

/**
 * @param {Answers} answers
 * @param {FinishedRun} run
 * @returns {{ smallest: Grade }}
 */
export const grade = ({ smallest: guess }, { value }) => {
  const answer = Number(value.smallest);
  const reason = value.why_smallest;
  const guessed = Number(guess);
  return {
    smallest: {
      verdict: guessed === answer ? 'right' : 'wrong',
      outcome: `the smallest possible is ${answer}`,
      reason: guessed < answer && guessed >= 0 ? `${reason} So ${n(guessed)} cannot happen.` : reason,
    },
  };
};
