// Scenario and parameters from a URL (`?scenario=threading-lock&threads=4`), and back.
// `predict=1` (or `true`) is the page's own switch ("Predict first"), not a parameter.
// Values stay text: they go into inputs as `.value` and through the same validator as typed
// values, so hostile text is shown as text and runs nothing.

const MAX_PARAMS = 20;

/** `{ id, params, predict }` from a query string; at most MAX_PARAMS parameters are kept. */
export function paramsFromUrl(search = location.search) {
  const query = new URLSearchParams(search);
  const id = query.get('scenario');
  const params = Object.create(null); // `?__proto__=…` is a parameter name like any other
  for (const [name, value] of query) {
    if (name === 'scenario' || name === 'predict' || Object.keys(params).length >= MAX_PARAMS) continue;
    params[name] = value;
  }
  return { id, params, predict: ['1', 'true'].includes(query.get('predict')?.trim().toLowerCase()) };
}

/** The full page's URL for scenario `id` with `params`, e.g. for "open in a new tab". */
export function pageUrl(id, params, base = new URL('./', import.meta.url)) {
  const url = new URL('index.html', base);
  url.searchParams.set('scenario', id);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}
