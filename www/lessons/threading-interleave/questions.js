// threading-interleave's prediction question and its grade (see predictions.js for the shapes).
// The smallest final counter any order can give: the answer and why are the program's own
// (its value's `smallest` and `why_smallest`, from threading_interleave.rs), not worked out here.
import { n } from '../words.js';

export const questions = ({ threads, k }) => [
  {
    name: 'smallest',
    legend: `What is the smallest final counter possible? (${threads} threads, ${n(k)} increments each, no lock)`,
    kind: 'number',
    label: 'Smallest final counter',
    min: 0,
  },
];

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
