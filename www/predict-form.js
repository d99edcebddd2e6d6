// @ts-check
// "Predict, then run", once a learner is asked: the question form (`[data-role=predict]`, one
// <fieldset> per question) shown when Run is pressed, and the grade once the run has ended.
// predict.js (the toggle) loads this module, and with it predictions.js, at the first
// question. What is asked and how it is graded is predictions.js's business; this only shows
// it. It knows nothing of particular scenarios.
import { el } from './dom.js';
import { gradePrediction, predictionFor } from './predictions.js';

/**
 * @typedef {import('./predictions.js').Question} Question
 * @typedef {import('./predictions.js').NumberQuestion} NumberQuestion
 * @typedef {import('./predictions.js').ChoiceQuestion} ChoiceQuestion
 * @typedef {import('./predictions.js').Answers} Answers
 * @typedef {import('./predictions.js').Params} Params
 * @typedef {import('./predictions.js').PredictionContext} PredictionContext
 * @typedef {import('./predictions.js').FinishedRun} FinishedRun
 * @typedef {import('./predictions.js').GradedAnswer} GradedAnswer
 * @typedef {import('./predictions.js').GradedPrediction} GradedPrediction
 */

const VERDICT = {
  right: { mark: '✓', text: 'Right' },
  possible: { mark: '≈', text: 'Possible, but not what usually happens' },
  wrong: { mark: '✗', text: 'Wrong' },
};

/**
 * A number question's input, labelled.
 * @param {string} id
 * @param {NumberQuestion} q
 * @param {string} errorId
 */
function numberInput(id, q, errorId) {
  const input = el('input', {
    type: 'number',
    name: q.name,
    id: `${id}-predict-${q.name}`,
    min: q.min ?? 0,
    step: 1,
    inputmode: 'numeric',
    'aria-describedby': errorId,
  });
  return el('p', { class: 'predict-number' }, el('label', { for: input.id, text: q.label }), input);
}

/**
 * A choice question's radios, each labelled.
 * @param {string} id
 * @param {ChoiceQuestion} q
 */
function choiceInputs(id, q) {
  return el(
    'div',
    { class: 'predict-choices' },
    ...q.choices.map((c, j) => {
      const radio = el('input', { type: 'radio', name: q.name, value: c.value, id: `${id}-predict-${q.name}-${j}` });
      return el('label', { for: radio.id, class: 'predict-choice' }, radio, el('span', { text: c.label }));
    }),
  );
}

/**
 * Question `i` as a fieldset: its legend, radios or a number, and a slot for what is missing. The first takes the focus.
 * @param {string} id
 * @param {Question} q
 * @param {number} i
 */
function questionFieldset(id, q, i) {
  const errorId = `${id}-predict-${q.name}-error`;
  return el(
    'fieldset',
    {
      class: 'predict-question',
      'data-question': q.name,
      tabindex: i === 0 ? '-1' : undefined,
      'aria-describedby': errorId,
    },
    el('legend', { text: q.legend }),
    q.kind === 'number' ? numberInput(id, q, errorId) : choiceInputs(id, q),
    el('p', { id: errorId, class: 'field-error predict-error', 'data-error-for': `predict-${q.name}` }),
  );
}

/**
 * Why an answer `value` to `q` cannot be taken ('' if it can): a number question wants a whole number, a choice one a choice.
 * @param {Question} q
 * @param {string} value
 */
function missingAnswer(q, value) {
  if (q.kind === 'number') return /^\d{1,15}$/.test(value) ? '' : 'Type a whole number first.';
  return value !== '' ? '' : 'Choose an answer first.';
}

/**
 * The answers in `form`: `{ answers, missing }`, `missing` the first question's fieldset left
 * unanswered (or null). Each question says under it what it still wants, or nothing.
 */
/**
 * @param {HTMLFormElement} form
 * @param {Question[]} questions
 * @returns {{ answers: Answers, missing: HTMLFieldSetElement | null }}
 */
function readAnswers(form, questions) {
  /** @type {Answers} */
  const answers = {};
  /** @type {HTMLFieldSetElement | null} */
  let missing = null;
  for (const q of questions) {
    // questionForm made a fieldset per question, each with its input(s) and error slot.
    const set = /** @type {HTMLFieldSetElement} */ (
      form.querySelector(`fieldset[data-question="${CSS.escape(q.name)}"]`)
    );
    const chosen = () => /** @type {HTMLInputElement | null} */ (set.querySelector('input:checked'))?.value ?? '';
    const value =
      q.kind === 'number' ? /** @type {HTMLInputElement} */ (set.querySelector('input')).value.trim() : chosen();
    const wanted = missingAnswer(q, value);
    /** @type {HTMLElement} */ (set.querySelector('.predict-error')).textContent = wanted;
    if (!wanted) answers[q.name] = value;
    else missing ??= set;
  }
  return { answers, missing };
}

/**
 * The question form: an introduction, the questions, and its Run (submit) and Cancel buttons.
 * @param {string} id
 * @param {Question[]} questions
 */
function questionForm(id, questions) {
  const confirm = el('button', { type: 'submit', class: 'run', 'data-action': 'predict-run' }, 'Run');
  const cancel = el('button', { type: 'button', class: 'secondary', 'data-action': 'predict-cancel' }, 'Cancel');
  const form = el(
    'form',
    { class: 'predict', 'data-role': 'predict', novalidate: true, 'aria-label': 'Predict, then run' },
    el('p', {
      class: 'predict-intro',
      text: 'Before it runs: what do you expect? Your answer is graded after the run.',
    }),
    ...questions.map((q, i) => questionFieldset(id, q, i)),
    el('div', { class: 'controls' }, confirm, cancel),
  );
  return { form, cancel };
}

/**
 * The question form's events: Escape or Cancel calls `cancelled()`; Run calls `answered(answers)`
 * once every question has an answer, else focuses the first that has none.
 * @param {HTMLFormElement} form
 * @param {HTMLButtonElement} cancel
 * @param {Question[]} questions
 * @param {{ cancelled: () => void, answered: (answers: Answers) => void }} handlers
 */
function onAnswers(form, cancel, questions, { cancelled, answered }) {
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancelled();
    }
  });
  cancel.addEventListener('click', cancelled);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const { answers, missing } = readAnswers(form, questions);
    if (missing) (missing.querySelector('input') ?? missing).focus();
    else answered(answers);
  });
}

/**
 * One question's grade: the verdict, what the learner said against what happened, and why.
 * @param {GradedAnswer} r
 */
function gradeResult(r) {
  return el(
    'div',
    { class: 'grade', 'data-verdict': r.verdict, 'data-question': r.name },
    el(
      'p',
      { class: 'grade-verdict' },
      el('span', { class: 'grade-mark', 'aria-hidden': 'true', text: `${VERDICT[r.verdict].mark} ` }),
      VERDICT[r.verdict].text,
    ),
    el(
      'p',
      { class: 'grade-said' },
      el('span', { class: 'grade-q', text: r.legend }),
      ' You said: ',
      el('strong', { text: r.predictedLabel }),
      `. What happened: ${r.outcome}.`,
    ),
    el('p', { class: 'grade-reason', 'data-role': 'grade-reason', text: r.reason }),
  );
}

/**
 * Shows a prediction that cannot be graded: the run did not finish.
 * @param {HTMLElement} gradeHost
 * @param {string} said
 * @param {string} status
 */
function showUngraded(gradeHost, said, status) {
  gradeHost.dataset.state = 'ungraded';
  gradeHost.replaceChildren(
    el('p', {
      class: 'prediction-said',
      text: `Your prediction: ${said}. Not graded: the run ${status === 'cancelled' ? 'was stopped' : 'failed'} before it finished.`,
    }),
  );
}

/**
 * Shows `grade`, question by question.
 * @param {HTMLElement} gradeHost
 * @param {GradedPrediction} grade
 */
function showGraded(gradeHost, grade) {
  gradeHost.dataset.state = 'graded';
  gradeHost.dataset.correct = String(grade.correct);
  gradeHost.replaceChildren(
    el('h3', { class: 'prediction-title', text: 'Your prediction, graded' }),
    ...grade.results.map(gradeResult),
  );
}

/**
 * The questions and grades of scenario `id`'s section, shown in `questionHost` and `gradeHost`
 * (predict.js made them). Returns `{ isOpen(), focusOpen(), ask(params, ctx, onAnswer,
 * onCancel), dismiss(), clear(), graded(run, ctx) }`.
 * @param {string} id
 * @param {{ questionHost: HTMLElement, gradeHost: HTMLElement }} hosts
 */
export function questionsAndGrades(id, { questionHost, gradeHost }) {
  /** @type {{ form: HTMLFormElement } | null} */
  let open = null; // { form } while a question is shown
  /** @type {{ questions: Question[], answers: Answers } | null} */
  let pending = null; // { questions, answers } from confirm until graded

  const dismiss = () => {
    open?.form.remove();
    open = null;
  };

  /**
   * The learner answered every question: the questions go, the prediction waits for the run.
   * @param {Question[]} questions
   * @param {Answers} answers
   */
  const waitForRun = (questions, answers) => {
    dismiss();
    pending = { questions, answers };
    gradeHost.replaceChildren(
      el('p', { class: 'prediction-said', text: `Your prediction: ${describe(questions, answers)}. Running…` }),
    );
    gradeHost.dataset.state = 'waiting';
    gradeHost.hidden = false;
    gradeHost.focus();
  };

  /**
   * Asks the questions for a run with the validated `params` (`ctx`: `{ cores }`);
   * `onAnswer(answers)` is called when the learner confirms with every question answered,
   * `onCancel()` when they cancel (or press Escape).
   * @param {Params} params
   * @param {PredictionContext} ctx
   * @param {(answers: Answers) => void} onAnswer
   * @param {() => void} onCancel
   */
  const ask = (params, ctx, onAnswer, onCancel) => {
    dismiss();
    gradeHost.hidden = true;
    // predict.js loaded the questions (loadPrediction) before it asks.
    const prediction = /** @type {import('./predictions.js').Prediction} */ (predictionFor(id));
    const questions = prediction.questions(params, ctx);
    const { form, cancel } = questionForm(id, questions);
    onAnswers(form, cancel, questions, {
      cancelled: () => {
        dismiss();
        onCancel();
      },
      answered: (answers) => {
        waitForRun(questions, answers);
        onAnswer(answers);
      },
    });
    questionHost.append(form);
    open = { form };
    /** @type {HTMLFieldSetElement} */ (form.querySelector('fieldset')).focus(); // the first question's
  };

  return {
    /** Whether a question is on show (Run then brings the learner back to it). */
    isOpen: () => open !== null,
    focusOpen: () => open?.form.querySelector('fieldset')?.focus(),
    ask,
    dismiss,
    /** A run without a prediction starts: the last grade goes. */
    clear() {
      if (pending) return;
      gradeHost.replaceChildren();
      gradeHost.hidden = true;
    },
    /**
     * Grades the pending prediction against `run` (`{ params, lines, value, elapsedMs, status }`)
     * and shows it; returns the grade (null if nothing was pending, or the run did not finish).
     * @param {FinishedRun} run
     * @param {PredictionContext} ctx
     * @returns {GradedPrediction | null}
     */
    graded(run, ctx) {
      if (!pending) return null;
      const { questions, answers } = pending;
      pending = null;
      if (run.status !== 'done') {
        showUngraded(gradeHost, describe(questions, answers), run.status);
        return null;
      }
      const grade = gradePrediction(id, questions, answers, run, ctx);
      showGraded(gradeHost, grade);
      return grade;
    },
  };
}

/**
 * "less than 200,000; about 2 s"
 * @param {Question[]} questions
 * @param {Answers} answers
 */
function describe(questions, answers) {
  return questions
    .map((q) => (q.kind === 'choice' ? q.choices.find((c) => c.value === answers[q.name])?.label : answers[q.name]))
    .join('; ');
}
