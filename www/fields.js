// A scenario's parameter fields: one labelled input per parameter, its allowed range, and a
// slot for the validator's message. Values stay text; the Rust validator judges them.
import { el } from './dom.js';

/**
 * The fields of `scenario`, pre-filled from `initial` (e.g. the URL) or the defaults.
 * Returns `{ nodes, values(), showErrors(errors) }`.
 */
export function paramFields(scenario, initial = {}) {
  const { id } = scenario;
  const inputs = [];
  const nodes = Object.entries(scenario.params).map(([name, spec]) => {
    const input = el('input', {
      name, id: `${id}-${name}`, value: String(initial[name] ?? spec.default), inputmode: spec.list ? 'text' : 'numeric',
      autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-${name}-help ${id}-${name}-error`,
    });
    inputs.push(input);
    return el('div', { class: 'field' },
      el('label', { for: `${id}-${name}` }, el('code', { text: name }), el('span', { class: 'label-text', text: ` · ${spec.label}` })),
      input,
      el('small', { id: `${id}-${name}-help`, class: 'help', text: spec.range }),
      el('small', { id: `${id}-${name}-error`, class: 'field-error', 'data-error-for': name, role: 'alert' }));
  });
  const formError = el('p', { class: 'field-error form-error', 'data-error-for': 'params', role: 'alert' });
  nodes.push(formError);
  const slots = () => nodes.flatMap((n) => [...n.querySelectorAll('[data-error-for]'), ...(n.matches('[data-error-for]') ? [n] : [])]);

  return {
    nodes,
    /** `{ name: text }` as typed. */
    values: () => Object.fromEntries(inputs.map((i) => [i.name, i.value])),
    /** Shows each `{ param, message }` under its field (or the form), and clears the rest. */
    showErrors(errors) {
      slots().forEach((n) => { n.textContent = ''; });
      inputs.forEach((n) => n.removeAttribute('aria-invalid'));
      for (const { param, message } of errors) {
        const slot = slots().find((n) => n.dataset.errorFor === param) ?? formError;
        slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
        inputs.find((i) => i.name === param)?.setAttribute('aria-invalid', 'true');
      }
    },
  };
}
