// @ts-check
// Scenario and parameters from a URL (`?scenario=threading-lock&threads=4`), and back.
// `predict=1` (or `true`) and `edit=1` are the page's own switches ("Predict first", and the
// section's Python editor open), not parameters.
// Values stay text: they go into inputs as `.value` and through the same validator as typed
// values, so hostile text is shown as text and runs nothing.

const SWITCHES = ['scenario', 'predict', 'edit'];
const ON = /** @type {(string | undefined)[]} */ (['1', 'true']);
const isOn = (/** @type {string | null} */ value) => ON.includes(value?.trim().toLowerCase());

/**
 * `{ id, params, predict, edit }` from a query string; at most `maxParams` parameters are kept
 * (the validator's limit: `pg.limits.maxParams`).
 * @param {number} maxParams
 * @param {string} [search]
 * @returns {{ id: string | null, params: Record<string, string>, predict: boolean, edit: boolean }}
 */
export function paramsFromUrl(maxParams, search = location.search) {
  const query = new URLSearchParams(search);
  const id = query.get('scenario');
  /** @type {Record<string, string>} */
  const params = Object.create(null); // `?__proto__=…` is a parameter name like any other
  for (const [name, value] of query) {
    if (SWITCHES.includes(name) || Object.keys(params).length >= maxParams) continue;
    params[name] = value;
  }
  return { id, params, predict: isOn(query.get('predict')), edit: isOn(query.get('edit')) };
}

/**
 * The full page's URL for scenario `id` with `params`, e.g. for "open in a new tab".
 * @param {string} id
 * @param {Record<string, unknown>} params
 * @param {URL | string} [base]
 */
export function pageUrl(id, params, base = new URL('./', import.meta.url)) {
  const url = new URL('index.html', base);
  url.searchParams.set('scenario', id);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}
