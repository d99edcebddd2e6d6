// @ts-check
// "Predict, then run": where a lesson's prediction questions are found, and how an answer is
// graded. Each lesson that has questions (its Rust metadata's `predict` flag) keeps them in
// its folder, `lessons/<scenario id>/questions.js`, which exports:
//   questions(params, ctx) -> [{ name, legend, kind: 'choice', choices: [{ value, label }] }
//                              | { name, legend, kind: 'number', label, min }]
//   grade(answers, run, ctx) -> { [name]: { verdict, outcome, reason } }
// `params` are the validated parameters (numbers), `ctx` is `{ cores }` (the browser's hardware
// threads), `answers` is `{ [name]: value as text }`, `run` is `{ params, lines, value,
// elapsedMs }` of the finished run. A verdict is 'right', 'possible' (it can happen, but it is
// not what usually happens, or not what happened this time) or 'wrong'. Nondeterministic
// outcomes are graded against what can happen, and the reason says what happened this time.
// Facts a grade needs that the program knows (threading-interleave's smallest final counter)
// come from the run's value, not worked out again here.

/**
 * The shapes above, for the type checker. A lesson's `questions.js` types its own `params` and
 * `run.value` by intersecting these (`FinishedRun & { value: … }`).
 * @typedef {import('./playground.js').Checked['params']} Params the validated parameters
 * @typedef {{ cores: number }} PredictionContext
 * @typedef {{ value: string, label: string }} Choice
 * @typedef {{ name: string, legend: string, kind: 'choice', choices: Choice[] }} ChoiceQuestion
 * @typedef {{ name: string, legend: string, kind: 'number', label: string, min?: number }} NumberQuestion
 * @typedef {ChoiceQuestion | NumberQuestion} Question
 * @typedef {Record<string, string>} Answers the learner's answer to each question, as text, by its name
 * @typedef {{ params: Params, status: string, lines: string[], value: unknown, elapsedMs: number }} FinishedRun
 * @typedef {'right' | 'possible' | 'wrong'} Verdict
 * @typedef {{ verdict: Verdict, outcome: string, reason: string }} Grade one answer's
 * @typedef {Record<string, Grade>} Grades each answer's grade, by its question's name
 * @typedef {{
 *   questions: (params: Params, ctx: PredictionContext) => Question[],
 *   grade: (answers: Answers, run: FinishedRun, ctx: PredictionContext) => Grades,
 * }} Prediction what a lesson's questions.js exports
 * @typedef {{
 *   name: string, legend: string, predicted: string, predictedLabel: string, verdict: Verdict,
 *   correct: boolean, outcome: string, reason: string,
 * }} GradedAnswer
 * @typedef {{ correct: boolean, results: GradedAnswer[] }} GradedPrediction
 */

/** @type {Map<string, Prediction>} */
const loaded = new Map(); // scenario id -> its questions module, once loaded

/**
 * Loads scenario `id`'s questions (`{ questions, grade }`); rejects if it has none.
 * @param {string} id
 * @returns {Promise<Prediction>}
 */
export async function loadPrediction(id) {
  if (!loaded.has(id)) loaded.set(id, await import(`./lessons/${id}/questions.js`));
  return /** @type {Prediction} */ (loaded.get(id));
}

/**
 * Scenario `id`'s questions once `loadPrediction(id)` has loaded them, else null.
 * @param {string} id
 */
export function predictionFor(id) {
  return loaded.get(id) ?? null;
}

/**
 * Grades `answers` against a finished `run`: `{ correct, results: [{ name, legend, predicted,
 * predictedLabel, verdict, correct, outcome, reason }] }`, `correct` when every answer is right.
 * Scenario `id`'s questions are loaded (`loadPrediction`).
 * @param {string} id
 * @param {Question[]} questions
 * @param {Answers} answers
 * @param {FinishedRun} run
 * @param {PredictionContext} ctx
 * @returns {GradedPrediction}
 */
export function gradePrediction(id, questions, answers, run, ctx) {
  const grades = /** @type {Prediction} */ (loaded.get(id)).grade(answers, run, ctx);
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
