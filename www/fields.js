// @ts-check
// A scenario's parameter fields: one labelled input per parameter, its allowed range, and a
// slot for the validator's message. Values stay text; the Rust validator judges them.
import { el } from './dom.js';

/**
 * @typedef {import('./playground.js').ParamSpec} ParamSpec
 * @typedef {import('./playground.js').ParamProblem} ParamProblem
 * @typedef {HTMLInputElement & { textValue?: () => string }} ParamInput a field's input; a
 *   checkbox says its value as the text the validator takes (`textValue()`)
 * @typedef {{ node: HTMLDivElement, input: ParamInput }} Field
 * @typedef {ReturnType<typeof paramFields>} ParamFields
 */

/**
 * The slot under a field where the validator's message about it goes.
 * @param {string} fieldId
 * @param {string} name
 */
const errorSlot = (fieldId, name) =>
  el('small', { id: `${fieldId}-error`, class: 'field-error', 'data-error-for': name, role: 'alert' });

/**
 * The label's words: the parameter's name as code, then what it is.
 * @param {string} param
 * @param {ParamSpec} spec
 */
const labelWords = (param, spec) => [
  el('code', { text: param }),
  el('span', { class: 'label-text', text: ` · ${spec.label}` }),
];

/**
 * A yes/no parameter: a checkbox whose value is the text the validator takes back
 * (`textValue()`). Returns `{ node, input }`.
 * @param {string} fieldId
 * @param {string} name
 * @param {string} param
 * @param {ParamSpec} spec
 * @param {string} given
 * @returns {Field}
 */
function flagField(fieldId, name, param, spec, given) {
  /** @type {ParamInput} */
  const box = el('input', {
    type: 'checkbox',
    name,
    id: fieldId,
    'data-param': param,
    'aria-describedby': `${fieldId}-error`,
  });
  box.checked = ['true', '1'].includes(String(given).trim().toLowerCase());
  box.textValue = () => String(box.checked);
  const node = el(
    'div',
    { class: 'field field-flag' },
    el('label', { for: fieldId }, box, ' ', ...labelWords(param, spec)),
    errorSlot(fieldId, name),
  );
  return { node, input: box };
}

/**
 * Any other parameter: a text input (a number or a list), with its range under it. Returns `{ node, input }`.
 * @param {string} fieldId
 * @param {string} name
 * @param {string} param
 * @param {ParamSpec} spec
 * @param {string} given
 * @returns {Field}
 */
function textField(fieldId, name, param, spec, given) {
  const input = el('input', {
    name,
    id: fieldId,
    'data-param': param,
    value: String(given),
    inputmode: spec.list ? 'text' : 'numeric',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${fieldId}-help ${fieldId}-error`,
  });
  const node = el(
    'div',
    { class: 'field' },
    el('label', { for: fieldId }, ...labelWords(param, spec)),
    input,
    el('small', { id: `${fieldId}-help`, class: 'help', text: spec.range }),
    errorSlot(fieldId, name),
  );
  return { node, input };
}

/**
 * The fields of `params` (a scenario's or an action's parameter specs) under the element id
 * prefix `id`, pre-filled from `initial` (e.g. the URL) or the defaults. An action's fields
 * take `prefix` in their names (`repeat-runs`), so they never share a name with the
 * scenario's own fields in one section. Returns `{ nodes, values(), showErrors(errors) }`.
 * @param {{ id: string, params: Record<string, ParamSpec> }} of
 * @param {Record<string, string>} [initial]
 * @param {string} [prefix]
 */
export function paramFields({ id, params }, initial = {}, prefix = '') {
  const fields = Object.entries(params).map(([param, spec]) => {
    const name = `${prefix}${param}`;
    const field = spec.kind === 'bool' ? flagField : textField;
    return field(`${id}-${name}`, name, param, spec, initial[param] ?? spec.default);
  });
  const inputs = fields.map((f) => f.input);
  const formError = el('p', { class: 'field-error form-error', 'data-error-for': `${prefix}params`, role: 'alert' });
  const nodes = [...fields.map((f) => f.node), formError];
  /** @returns {HTMLElement[]} */
  const slots = () =>
    nodes.flatMap((n) => [
      .../** @type {NodeListOf<HTMLElement>} */ (n.querySelectorAll('[data-error-for]')),
      ...(n.matches('[data-error-for]') ? [n] : []),
    ]);

  return {
    nodes,
    /** `{ name: text }` as typed. */
    /** @returns {Record<string, string>} */
    values: () => Object.fromEntries(inputs.map((i) => [i.dataset.param, i.textValue?.() ?? i.value])),
    /**
     * Shows each `{ param, message }` under its field (or the form), and clears the rest.
     * @param {ParamProblem[]} errors
     */
    showErrors(errors) {
      slots().forEach((n) => {
        n.textContent = '';
      });
      for (const input of inputs) input.removeAttribute('aria-invalid');
      for (const { param, message } of errors) {
        const slot = slots().find((n) => n.dataset.errorFor === `${prefix}${param}`) ?? formError;
        slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
        inputs.find((i) => i.dataset.param === param)?.setAttribute('aria-invalid', 'true');
      }
    },
  };
}
