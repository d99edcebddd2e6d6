// Scenario and parameters from a URL (`?scenario=threading-lock&threads=4`), and back.
// `predict=1` (or `true`) and `edit=1` are the page's own switches ("Predict first", and the
// section's Python editor open), not parameters.
// Values stay text: they go into inputs as `.value` and through the same validator as typed
// values, so hostile text is shown as text and runs nothing.

const SWITCHES = ['scenario', 'predict', 'edit'];
const isOn = (value) => ['1', 'true'].includes(value?.trim().toLowerCase());

/**
 * `{ id, params, predict, edit }` from a query string; at most `maxParams` parameters are kept
 * (the validator's limit: `pg.limits.maxParams`).
 */
export function paramsFromUrl(maxParams, search = location.search) {
  const query = new URLSearchParams(search);
  const id = query.get('scenario');
  const params = Object.create(null); // `?__proto__=…` is a parameter name like any other
  for (const [name, value] of query) {
    if (SWITCHES.includes(name) || Object.keys(params).length >= maxParams) continue;
    params[name] = value;
  }
  return { id, params, predict: isOn(query.get('predict')), edit: isOn(query.get('edit')) };
}

/** The full page's URL for scenario `id` with `params`, e.g. for "open in a new tab". */
export function pageUrl(id, params, base = new URL('./', import.meta.url)) {
  const url = new URL('index.html', base);
  url.searchParams.set('scenario', id);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}
