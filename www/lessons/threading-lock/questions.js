// @ts-check
// threading-lock's prediction questions and their grades (see predictions.js for the shapes).
// What will the no-lock final counter be? Graded against what can happen: fewer is what
// usually happens, exactly the total is luck, more can never happen.
import { n, plural } from '../words.js';

/**
 * @typedef {import('../../predictions.js').Question} Question
 * @typedef {import('../../predictions.js').Answers} Answers
 * @typedef {import('../../predictions.js').Grade} Grade
 * @typedef {import('./race-ledger.js').Ledger} Ledger
 * @typedef {{ threads: number, iterations: number }} Params threading-lock's validated parameters
 * @typedef {import('../../predictions.js').FinishedRun & { params: Params, value: { ledger?: Ledger | null } | null | undefined }} FinishedRun
 */

/**
 * @param {Params} params
 * @returns {Question[]}
 */
export const questions = ({ threads, iterations }) => [
  {
    name: 'final',
    legend: `What will the no-lock final counter be? (${threads} thread${threads === 1 ? '' : 's'} × ${n(iterations)} increments)`,
    kind: 'choice',
    choices: [
      { value: 'exact', label: `exactly ${n(threads * iterations)}` },
      { value: 'less', label: `less than ${n(threads * iterations)}` },
      { value: 'more', label: `more than ${n(threads * iterations)}` },
    ],
  },
];

/**
 * @param {Answers} answers
 * @param {FinishedRun} run
 * @returns {{ final: Grade }}
 */
export const grade = ({ final: predicted }, { params, value }) => {
  const expected = params.threads * params.iterations;
  const ledger = value?.ledger;
  const lost = ledger ? Number(ledger.lost) : null;
  const outcome = ledger
    ? `final counter ${n(ledger.final)} of ${n(expected)}: ${plural(Number(ledger.lost), 'update')} lost`
    : 'no ledger was recorded';
  // What happened is shown beside the reason; the reason says why, and why a lucky run was lucky.
  const thisTime =
    lost === 0 ? `This time it ended at exactly ${n(expected)}: the threads barely ran at the same time.` : '';
  const never = `Each store writes one more than the value its thread read, so the counter can never go above the number of increments (${n(expected)}).`;
  if (params.threads === 1) {
    const verdict = predicted === 'exact' ? 'right' : 'wrong';
    return {
      final: {
        verdict,
        outcome,
        reason:
          `One thread alone has no one to race with: nothing overwrites its stores, so it ends at exactly ${n(expected)}. ${predicted === 'more' ? never : ''}`.trim(),
      },
    };
  }
  if (predicted === 'more') {
    return { final: { verdict: 'wrong', outcome, reason: `That cannot happen. ${never} ${thisTime}`.trim() } };
  }
  if (predicted === 'less') {
    return {
      final: {
        verdict: 'right',
        outcome,
        reason: `Updates are lost whenever the threads overlap: two threads read the same value, both store that value + 1, and one increment disappears.${lost === 0 ? ` ${thisTime} The bug is still there: run it again and it usually loses some.` : ''}`,
      },
    };
  }
  return {
    final: {
      verdict: 'possible',
      outcome,
      reason: `The counter is exact only if no thread ever reads it while another is between its LOAD and its STORE.${lost === 0 ? ` ${thisTime} That was luck: run it again and it usually loses some.` : ' Usually the threads overlap, as they did this time.'}`,
    },
  };
};
