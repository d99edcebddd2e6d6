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

const loaded = new Map(); // scenario id -> its questions module, once loaded

/** Loads scenario `id`'s questions (`{ questions, grade }`); rejects if it has none. */
export async function loadPrediction(id) {
  if (!loaded.has(id)) loaded.set(id, await import(`./lessons/${id}/questions.js`));
  return loaded.get(id);
}

/** Scenario `id`'s questions once `loadPrediction(id)` has loaded them, else null. */
export function predictionFor(id) {
  return loaded.get(id) ?? null;
}

/**
 * Grades `answers` against a finished `run`: `{ correct, results: [{ name, legend, predicted,
 * predictedLabel, verdict, correct, outcome, reason }] }`, `correct` when every answer is right.
 */
export function gradePrediction(id, questions, answers, run, ctx) {
  const grades = loaded.get(id).grade(answers, run, ctx);
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
