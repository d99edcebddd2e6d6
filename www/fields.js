// A scenario's parameter fields: one labelled input per parameter, its allowed range, and a
// slot for the validator's message. Values stay text; the Rust validator judges them.
import { el } from './dom.js';

/**
 * The fields of `params` (a scenario's or an action's parameter specs) under the element id
 * prefix `id`, pre-filled from `initial` (e.g. the URL) or the defaults. An action's fields
 * take `prefix` in their names (`repeat-runs`), so they never share a name with the
 * scenario's own fields in one section. Returns `{ nodes, values(), showErrors(errors) }`.
 */
export function paramFields({ id, params }, initial = {}, prefix = '') {
  const inputs = [];
  const nodes = Object.entries(params).map(([param, spec]) => {
    const name = `${prefix}${param}`;
    if (spec.kind === 'bool') {
      // A yes/no parameter is a checkbox; its value is the text the validator takes back.
      const box = el('input', {
        type: 'checkbox',
        name,
        id: `${id}-${name}`,
        'data-param': param,
        'aria-describedby': `${id}-${name}-error`,
      });
      box.checked = ['true', '1'].includes(
        String(initial[param] ?? spec.default)
          .trim()
          .toLowerCase(),
      );
      box.textValue = () => String(box.checked);
      inputs.push(box);
      return el(
        'div',
        { class: 'field field-flag' },
        el(
          'label',
          { for: `${id}-${name}` },
          box,
          ' ',
          el('code', { text: param }),
          el('span', { class: 'label-text', text: ` · ${spec.label}` }),
        ),
        el('small', { id: `${id}-${name}-error`, class: 'field-error', 'data-error-for': name, role: 'alert' }),
      );
    }
    const input = el('input', {
      name,
      id: `${id}-${name}`,
      'data-param': param,
      value: String(initial[param] ?? spec.default),
      inputmode: spec.list ? 'text' : 'numeric',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': `${id}-${name}-help ${id}-${name}-error`,
    });
    inputs.push(input);
    return el(
      'div',
      { class: 'field' },
      el(
        'label',
        { for: `${id}-${name}` },
        el('code', { text: param }),
        el('span', { class: 'label-text', text: ` · ${spec.label}` }),
      ),
      input,
      el('small', { id: `${id}-${name}-help`, class: 'help', text: spec.range }),
      el('small', { id: `${id}-${name}-error`, class: 'field-error', 'data-error-for': name, role: 'alert' }),
    );
  });
  const formError = el('p', { class: 'field-error form-error', 'data-error-for': `${prefix}params`, role: 'alert' });
  nodes.push(formError);
  const slots = () =>
    nodes.flatMap((n) => [...n.querySelectorAll('[data-error-for]'), ...(n.matches('[data-error-for]') ? [n] : [])]);

  return {
    nodes,
    /** `{ name: text }` as typed. */
    values: () => Object.fromEntries(inputs.map((i) => [i.dataset.param, i.textValue?.() ?? i.value])),
    /** Shows each `{ param, message }` under its field (or the form), and clears the rest. */
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
