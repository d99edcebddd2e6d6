// "Predict, then run": each scenario's prediction questions and how a prediction is graded,
// keyed by scenario id. This is the one place that knows them; the page only asks whether a
// scenario has questions (`predictionFor`), shows them, and shows the grades.
//
// A scenario's entry:
//   questions(params, ctx) -> [{ name, legend, kind: 'choice', choices: [{ value, label }] }
//                              | { name, legend, kind: 'number', label, min }]
//   grade(answers, run, ctx) -> { [name]: { verdict, outcome, reason } }
// `params` are the validated parameters (numbers), `ctx` is `{ cores }` (the browser's hardware
// threads), `answers` is `{ [name]: value as text }`, `run` is `{ params, lines, value,
// elapsedMs }` of the finished run. A verdict is 'right', 'possible' (it can happen, but it is
// not what usually happens, or not what happened this time) or 'wrong'. Nondeterministic
// outcomes are graded against what can happen, and the reason says what happened this time.

const n = (x) => Number(x).toLocaleString('en-US');
const plural = (count, word) => `${n(count)} ${word}${Number(count) === 1 ? '' : 's'}`;
const duration = (ms) => (ms >= 1000 ? `${Number((ms / 1000).toFixed(2))} s` : `${Math.round(ms)} ms`);
const times = (x) => `${x.toFixed(2)}×`;

const PREDICTIONS = {
  'threading-lock': {
    questions: ({ threads, iterations }) => [
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
    ],
    grade: ({ final: predicted }, { params, value }) => {
      const expected = params.threads * params.iterations;
      const ledger = value?.ledger;
      const lost = ledger ? Number(ledger.lost) : null;
      const finalCounter = ledger ? Number(ledger.final) : null;
      const outcome = ledger
        ? `final counter ${n(finalCounter)} of ${n(expected)}: ${plural(lost, 'update')} lost`
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
    },
  },

  'asyncio-gather': {
    questions: ({ delay_ms: delay }) => [
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
    ],
    grade: ({ duration: predictedDuration, first: predictedFirst }, { params, lines, elapsedMs }) => {
      const delay = params.delay_ms;
      const took = `main() took ${duration(elapsedMs)}`; // shown beside the reason
      const overlap = `task1 and task2 wait in asyncio.sleep at the same time (one wait of ${duration(delay)}), then gather's two tasks wait at the same time (another ${duration(delay)}): two waits, not four.`;
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
    },
  },

  'threading-speedup': {
    questions: () => [
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
    ],
    grade: ({ speedup: predicted }, { value }, { cores }) => {
      const rows = Array.isArray(value)
        ? value.map((r) => ({ workers: Number(r.workers), ms: Number(r.ms), speedup: Number(r.speedup_x100) / 100 }))
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
    },
  },

  // Being built beside this: learners schedule real threads step by step. Its parameters may be
  // named `k`, `iterations` or `increments`; two threads unless it says otherwise.
  'threading-interleave': {
    questions: (params) => [
      {
        name: 'smallest',
        legend: `What is the smallest final counter possible? (${params.threads ?? 2} threads, ${n(incrementsOf(params))} increments each, no lock)`,
        kind: 'number',
        label: 'Smallest final counter',
        min: 0,
      },
    ],
    grade: ({ smallest }, { params }) => {
      const k = incrementsOf(params);
      const threads = params.threads ?? 2;
      const answer = k >= 2 ? 2 : threads >= 2 ? 1 : k;
      const guess = Number(smallest);
      const outcome = `the smallest possible is ${answer}`;
      const reason =
        k >= 2
          ? "It can end at 2: A loads 0 and waits while B does all but its last increment, A stores 1 over them, B loads that 1 and waits while A finishes, and B's last store writes 2 over everything. It cannot end lower: every store writes at least 1, and the last store comes from a thread's last increment, which loaded the counter after that thread's own first store, so it read at least 1 and writes at least 2."
          : 'With one increment each, both threads can load 0 before either stores, and both store 1.';
      return {
        smallest: {
          verdict: guess === answer ? 'right' : 'wrong',
          outcome,
          reason: guess < answer && guess >= 0 ? `${reason} So ${n(guess)} cannot happen.` : reason,
        },
      };
    },
  },
};

function incrementsOf(params) {
  return Number(params.k ?? params.iterations ?? params.increments ?? 2);
}

/** The prediction questions of scenario `id` ({ questions, grade }), or null if it has none. */
export function predictionFor(id) {
  return Object.hasOwn(PREDICTIONS, id) ? PREDICTIONS[id] : null;
}

/** The ids of the scenarios that have questions. */
export const predictedScenarios = () => Object.keys(PREDICTIONS);

/**
 * Grades `answers` against a finished `run`: `{ correct, results: [{ name, legend, predicted,
 * predictedLabel, verdict, correct, outcome, reason }] }`, `correct` when every answer is right.
 */
export function gradePrediction(id, questions, answers, run, ctx) {
  const grades = PREDICTIONS[id].grade(answers, run, ctx);
  const results = questions.map((q) => {
    const g = grades[q.name];
    const predicted = answers[q.name];
    const predictedLabel =
      q.kind === 'choice' ? (q.choices.find((c) => c.value === predicted)?.label ?? predicted) : predicted;
    return {
      name: q.name,
      legend: q.legend,
      predicted,
      predictedLabel,
      verdict: g.verdict,
      correct: g.verdict === 'right',
      outcome: g.outcome,
      reason: g.reason,
    };
  });
  return { correct: results.every((r) => r.correct), results };
}
