// @ts-check
// Small DOM helpers every part of the page shares.

/**
 * An attribute's value: text or a number as its text, `true` as an empty attribute, and
 * `false`, null or undefined as no attribute.
 * @typedef {string | number | boolean | null | undefined} AttrValue
 * @typedef {Record<string, AttrValue>} Attrs
 * @typedef {Node | string | null | undefined} Child
 */

/**
 * The element type of a tag name: `el('input')` is an HTMLInputElement.
 * @template {string} K
 * @typedef {K extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[K] : HTMLElement} ElementOf
 */

/**
 * An element with attributes (`class`, `text`, others as attributes) and children.
 * @template {string} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {ElementOf<K>}
 */
export function el(tag, attrs = {}, ...children) {
  // Plain loops: the page makes some 800 elements before it is ready.
  const node = /** @type {ElementOf<K>} */ (document.createElement(tag));
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null || value === false) continue;
    // A number is set as its text, as the DOM does with any value.
    if (key === 'class') node.className = /** @type {string} */ (value);
    else if (key === 'text') node.textContent = /** @type {string} */ (value);
    else node.setAttribute(key, /** @type {string} */ (value === true ? '' : value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An SVG element with attributes and, optionally, text.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {string} [text]
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const formatMs = (/** @type {number} */ ms) =>
  ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(3)} s`;

/**
 * `load()` (a module loaded when first needed), called once: later calls get the same promise,
 * unless it failed, and then the next call tries again.
 */
/**
 * @template T
 * @param {() => Promise<T>} load
 * @returns {() => Promise<T>}
 */
export function whenFirstNeeded(load) {
  /** @type {Promise<T> | null} */
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
 * @param {string} id
 * @param {string} label
 * @param {string} role
 */
export function linkField(id, label, role) {
  const input = el('input', { type: 'text', id, readonly: true, 'data-role': role, spellcheck: 'false' });
  const node = el('p', { class: 'share-link', hidden: true }, el('label', { for: id, text: label }), input);
  return {
    node,
    hide: () => {
      node.hidden = true;
    },
    /** @param {string} href */
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

/** @type {Map<string, Promise<void>>} the stylesheets added, by URL */
const stylesheets = new Map();

/**
 * Adds the stylesheet at `url` to the page, once: styles that only some parts need come with
 * those parts, not in the first load (a lesson's with its views, the timeline's with its module).
 * Resolves when it has loaded, or failed to (the part is then drawn unstyled rather than not at
 * all).
 * @param {URL} url
 * @returns {Promise<void>}
 */
export function stylesheet(url) {
  const key = url.href;
  let loaded = stylesheets.get(key);
  if (!loaded) {
    const link = el('link', { rel: 'stylesheet', href: key });
    loaded = new Promise((resolve) => {
      link.addEventListener('load', () => resolve(), { once: true });
      link.addEventListener('error', () => resolve(), { once: true });
    });
    document.head.append(link);
    stylesheets.set(key, loaded);
  }
  return loaded;
}
