// @ts-check
// asyncio-gather's prediction questions and their grades (see predictions.js for the shapes).
// How long main() takes, and which task prints "finished" first.
import { duration } from '../words.js';

/**
 * @typedef {import('../../predictions.js').Question} Question
 * @typedef {import('../../predictions.js').Answers} Answers
 * @typedef {import('../../predictions.js').Grade} Grade
 * @typedef {{ delay_ms: number }} Params asyncio-gather's validated parameters
 * @typedef {import('../../predictions.js').FinishedRun & { params: Params }} FinishedRun
 */

/**
 * @param {Params} params
 * @returns {Question[]}
 */
export const questions = ({ delay_ms: delay }) => [
  {
    name: 'duration',
    legend: `How long will main() take? (each asyncio.sleep waits ${duration(delay)})`,
    kind: 'choice',
    choices: [
      { value: '2x', label: `about ${duration(2 * delay)} (2 × ${duration(delay)})` },
      { value: '4x', label: `about ${duration(4 * delay)} (4 × ${duration(delay)})` },
    ],
  },
  {
    name: 'first',
    legend: 'Which task prints "finished" first?',
    kind: 'choice',
    choices: [
      { value: '1', label: 'task1: fetch_data(1)' },
      { value: '2', label: 'task2: fetch_data(2)' },
    ],
  },
];

/**
 * @param {Answers} answers
 * @param {FinishedRun} run
 * @returns {Record<'duration' | 'first', Grade>}
 */
export const grade = ({ duration: predictedDuration, first: predictedFirst }, { params, lines, elapsedMs }) => {
  const delay = params.delay_ms;
  const took = `main() took ${duration(elapsedMs)}`; // shown beside the reason
  const overlap = `task1 and task2 wait in asyncio.sleep at the same time (one wait of ${duration(delay)}), then gather's two tasks wait at the same time (another ${duration(delay)}): two waits, not four.`;
  /** @type {Grade} */
  const durationGrade =
    predictedDuration === '2x'
      ? { verdict: 'right', outcome: took, reason: overlap }
      : {
          verdict: 'wrong',
          outcome: took,
          reason: `Four waits one after another is what time.sleep would cost, since it blocks the one thread. asyncio.sleep hands the thread back to the event loop, so ${overlap}`,
        };
  const finished = lines.map((line) => /^Task (\d+) finished\.$/.exec(line)?.[1]).filter(Boolean);
  const actual = finished[0];
  const firstOutcome = actual ? `"Task ${actual} finished." was printed first` : 'no task printed "finished"';
  const why =
    'Both sleep the same delay, and task1 was created first, so its sleep started first and ends first: the event loop wakes sleeping tasks in the order their timers are due.';
  /** @type {Grade} */
  let firstGrade;
  if (!actual)
    firstGrade = {
      verdict: 'wrong',
      outcome: firstOutcome,
      reason: 'The run printed no "finished" line to grade against.',
    };
  else if (actual === '1')
    firstGrade = {
      verdict: predictedFirst === '1' ? 'right' : 'wrong',
      outcome: firstOutcome,
      reason: `${why} The printed lines show "Task 1 finished." before "Task 2 finished."`,
    };
  else
    firstGrade = {
      verdict: predictedFirst === actual ? 'right' : 'wrong',
      outcome: firstOutcome,
      reason: `This time task${actual} finished first: the two timers were due within a moment of each other. Usually task1, created first, finishes first.`,
    };
  return { duration: durationGrade, first: firstGrade };
};
