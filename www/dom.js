// Small DOM helpers every part of the page shares.

/** An element with attributes (`class`, `text`, others as attributes) and children. */
export function el(tag, attrs = {}, ...children) {
  // Plain loops: the page makes some 800 elements before it is ready.
  const node = document.createElement(tag);
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and, optionally, text. */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const formatMs = (ms) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(3)} s`);

/**
 * `load()` (a module loaded when first needed), called once: later calls get the same promise,
 * unless it failed, and then the next call tries again.
 */
export function whenFirstNeeded(load) {
  let loading = null;
  return () => {
    loading ??= load();
    loading.catch(() => {
      loading = null;
    });
    return loading;
  };
}

/**
 * A link to hand on, in a read-only field (hidden until a link is offered) labelled `label`,
 * its input `[data-role=<role>]`: "Copy link to this run" and "Copy link to this program" use
 * it. `offer(href)` shows the link and copies it to the clipboard if the browser lets the page,
 * else focuses and selects it for the learner to copy; it resolves to whether it was copied.
 */
export function linkField(id, label, role) {
  const input = el('input', { type: 'text', id, readonly: true, 'data-role': role, spellcheck: 'false' });
  const node = el('p', { class: 'share-link', hidden: true }, el('label', { for: id, text: label }), input);
  return {
    node,
    hide: () => {
      node.hidden = true;
    },
    async offer(href) {
      input.value = href;
      node.hidden = false;
      try {
        await navigator.clipboard.writeText(href);
        return true;
      } catch {
        input.focus();
        input.select();
        return false;
      }
    },
  };
}
