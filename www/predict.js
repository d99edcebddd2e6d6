// @ts-check
// "Predict, then run" in a section: the "Predict first" toggle beside Run, and the places the
// question and the grade go. What happens once a learner is asked (the question form, the
// grade) is predict-form.js, loaded then, not with the page. It knows nothing of particular
// scenarios; a scenario's `predict` flag says it has questions, in its lesson's folder.
import { el, stylesheet, whenFirstNeeded } from './dom.js';

// Failed loads are tried again at the next question.
const loadForm = whenFirstNeeded(() =>
  Promise.all([import('./predict-form.js'), stylesheet(new URL('./predict-form.css', import.meta.url))]).then(
    ([form]) => form,
  ),
);
/** The questions of the lesson `id` (lessons/<id>/questions.js), loaded with the form. */
const loadQuestions = (/** @type {string} */ id) =>
  import('./predictions.js').then(({ loadPrediction }) => loadPrediction(id));

/**
 * The prediction parts of scenario `id`'s section. `on` is the toggle's first state (e.g.
 * `predict=1` in the URL). Returns `{ toggle, slot, wanted(), isOpen(), focusOpen(),
 * ask(params, ctx, onAnswer, onCancel), dismiss(), clear(), graded(run, ctx) }`.
 * @typedef {import('./predictions.js').Params} Params
 * @typedef {import('./predictions.js').PredictionContext} PredictionContext
 * @typedef {import('./predictions.js').Answers} Answers
 * @typedef {import('./predictions.js').FinishedRun} FinishedRun
 * @param {string} id
 * @param {{ on?: boolean }} [options]
 */
export function predictionParts(id, { on = false } = {}) {
  const box = el('input', {
    type: 'checkbox',
    id: `${id}-predict-first`,
    'data-action': 'predict-first',
    'aria-describedby': `${id}-predict-first-help`,
  });
  box.checked = on;
  const toggle = el(
    'span',
    { class: 'predict-toggle' },
    el('label', { for: box.id }, box, ' Predict first'),
    el('span', {
      id: `${id}-predict-first-help`,
      class: 'visually-hidden',
      text: 'Run asks for your prediction, then grades it after the run',
    }),
  );
  const questionHost = el('div', { class: 'predict-host' });
  // A live region that exists before its text: what is put in it is announced.
  const gradeHost = el('div', {
    class: 'prediction',
    'data-role': 'prediction',
    'aria-live': 'polite',
    tabindex: '-1',
    hidden: true,
  });
  const slot = el('div', { class: 'predict-slot' }, questionHost, gradeHost);

  /** @type {ReturnType<typeof import('./predict-form.js').questionsAndGrades> | null} */
  let asked = null; // predict-form.js's part, from the first question on
  let asking = 0; // counts questions and dismissals: one dismissed while it loaded is not shown
  const dismiss = () => {
    asking += 1;
    asked?.dismiss();
  };
  box.addEventListener('change', () => {
    if (!box.checked) dismiss();
  });

  return {
    toggle,
    slot,
    /** Whether Run should ask first. */
    wanted: () => box.checked,
    /** Whether a question is on show (Run then brings the learner back to it). */
    isOpen: () => asked?.isOpen() ?? false,
    focusOpen: () => asked?.focusOpen(),
    /**
     * Asks the questions for a run with the validated `params` (`ctx`: `{ cores }`);
     * `onAnswer(answers)` once every question is answered, `onCancel()` if the learner cancels.
     * @param {Params} params
     * @param {PredictionContext} ctx
     * @param {(answers: Answers) => void} onAnswer
     * @param {() => void} onCancel
     */
    async ask(params, ctx, onAnswer, onCancel) {
      const question = ++asking;
      try {
        asked ??= (await loadForm()).questionsAndGrades(id, { questionHost, gradeHost });
        await loadQuestions(id);
      } catch (error) {
        gradeHost.dataset.state = 'error';
        gradeHost.replaceChildren(
          el('p', {
            class: 'notice',
            role: 'alert',
            text: `The questions could not be loaded: ${/** @type {Error} */ (error).message}`,
          }),
        );
        gradeHost.hidden = false;
        onCancel();
        return;
      }
      if (question === asking) asked.ask(params, ctx, onAnswer, onCancel);
    },
    dismiss,
    /** A run without a prediction starts: the last grade goes. */
    clear: () => asked?.clear(),
    /** The grade of the pending prediction against the finished `run`, shown (or null). */
    graded: (/** @type {FinishedRun} */ run, /** @type {PredictionContext} */ ctx) => asked?.graded(run, ctx) ?? null,
  };
}
