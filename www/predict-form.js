// "Predict, then run", once a learner is asked: the question form (`[data-role=predict]`, one
// <fieldset> per question) shown when Run is pressed, and the grade once the run has ended.
// predict.js (the toggle) loads this module, and with it predictions.js, at the first
// question. What is asked and how it is graded is predictions.js's business; this only shows
// it. It knows nothing of particular scenarios.
import { el } from './dom.js';
import { gradePrediction, predictionFor } from './predictions.js';

const VERDICT = {
  right: { mark: '✓', text: 'Right' },
  possible: { mark: '≈', text: 'Possible, but not what usually happens' },
  wrong: { mark: '✗', text: 'Wrong' },
};

/**
 * The questions and grades of scenario `id`'s section, shown in `questionHost` and `gradeHost`
 * (predict.js made them). Returns `{ isOpen(), focusOpen(), ask(params, ctx, onAnswer,
 * onCancel), dismiss(), clear(), graded(run, ctx) }`.
 */
export function questionsAndGrades(id, { questionHost, gradeHost }) {
  let open = null; // { form } while a question is shown
  let pending = null; // { questions, answers } from confirm until graded

  const dismiss = () => {
    open?.form.remove();
    open = null;
  };

  /** One question as a fieldset: radios, or a number. */
  const fieldset = (q, i) => {
    const legend = el('legend', { text: q.legend });
    const errorId = `${id}-predict-${q.name}-error`;
    const error = el('p', { id: errorId, class: 'field-error predict-error', 'data-error-for': `predict-${q.name}` });
    let inputs;
    if (q.kind === 'number') {
      const input = el('input', {
        type: 'number',
        name: q.name,
        id: `${id}-predict-${q.name}`,
        min: q.min ?? 0,
        step: 1,
        inputmode: 'numeric',
        'aria-describedby': errorId,
      });
      inputs = el('p', { class: 'predict-number' }, el('label', { for: input.id, text: q.label }), input);
    } else {
      inputs = el(
        'div',
        { class: 'predict-choices' },
        ...q.choices.map((c, j) => {
          const radio = el('input', {
            type: 'radio',
            name: q.name,
            value: c.value,
            id: `${id}-predict-${q.name}-${j}`,
          });
          return el('label', { for: radio.id, class: 'predict-choice' }, radio, el('span', { text: c.label }));
        }),
      );
    }
    return el(
      'fieldset',
      {
        class: 'predict-question',
        'data-question': q.name,
        tabindex: i === 0 ? '-1' : undefined,
        'aria-describedby': errorId,
      },
      legend,
      inputs,
      error,
    );
  };

  /**
   * Asks the questions for a run with the validated `params` (`ctx`: `{ cores }`);
   * `onAnswer(answers)` is called when the learner confirms with every question answered,
   * `onCancel()` when they cancel (or press Escape).
   */
  const ask = (params, ctx, onAnswer, onCancel) => {
    dismiss();
    gradeHost.hidden = true;
    const questions = predictionFor(id).questions(params, ctx);
    const confirm = el('button', { type: 'submit', class: 'run', 'data-action': 'predict-run' }, 'Run');
    const cancel = el('button', { type: 'button', class: 'secondary', 'data-action': 'predict-cancel' }, 'Cancel');
    const form = el(
      'form',
      { class: 'predict', 'data-role': 'predict', novalidate: true, 'aria-label': 'Predict, then run' },
      el('p', {
        class: 'predict-intro',
        text: 'Before it runs: what do you expect? Your answer is graded after the run.',
      }),
      ...questions.map(fieldset),
      el('div', { class: 'controls' }, confirm, cancel),
    );
    const close = () => {
      dismiss();
      onCancel();
    };
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close();
      }
    });
    cancel.addEventListener('click', close);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const answers = {};
      let missing = null;
      for (const q of questions) {
        const set = form.querySelector(`fieldset[data-question="${CSS.escape(q.name)}"]`);
        const value =
          q.kind === 'number'
            ? set.querySelector('input').value.trim()
            : (set.querySelector('input:checked')?.value ?? '');
        const valid = q.kind === 'number' ? /^\d{1,15}$/.test(value) : value !== '';
        set.querySelector('.predict-error').textContent = valid
          ? ''
          : q.kind === 'number'
            ? 'Type a whole number first.'
            : 'Choose an answer first.';
        if (valid) answers[q.name] = value;
        else missing ??= set;
      }
      if (missing) {
        (missing.querySelector('input') ?? missing).focus();
        return;
      }
      dismiss();
      pending = { questions, answers };
      gradeHost.replaceChildren(
        el('p', { class: 'prediction-said', text: `Your prediction: ${describe(questions, answers)}. Running…` }),
      );
      gradeHost.dataset.state = 'waiting';
      gradeHost.hidden = false;
      gradeHost.focus();
      onAnswer(answers);
    });
    questionHost.append(form);
    open = { form };
    form.querySelector('fieldset').focus();
  };

  return {
    /** Whether a question is on show (Run then brings the learner back to it). */
    isOpen: () => open !== null,
    focusOpen: () => open?.form.querySelector('fieldset').focus(),
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
     */
    graded(run, ctx) {
      if (!pending) return null;
      const { questions, answers } = pending;
      pending = null;
      if (run.status !== 'done') {
        gradeHost.dataset.state = 'ungraded';
        gradeHost.replaceChildren(
          el('p', {
            class: 'prediction-said',
            text: `Your prediction: ${describe(questions, answers)}. Not graded: the run ${run.status === 'cancelled' ? 'was stopped' : 'failed'} before it finished.`,
          }),
        );
        return null;
      }
      const grade = gradePrediction(id, questions, answers, run, ctx);
      gradeHost.dataset.state = 'graded';
      gradeHost.dataset.correct = String(grade.correct);
      gradeHost.replaceChildren(
        el('h3', { class: 'prediction-title', text: 'Your prediction, graded' }),
        ...grade.results.map((r) =>
          el(
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
          ),
        ),
      );
      return grade;
    },
  };
}

/** "less than 200,000; about 2 s" */
function describe(questions, answers) {
  return questions
    .map((q) => (q.kind === 'choice' ? q.choices.find((c) => c.value === answers[q.name])?.label : answers[q.name]))
    .join('; ');
}
