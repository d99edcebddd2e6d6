// @ts-check
// The two slow steps of loading the playground, startable before anything else: the main
// worker's start-up and the wasm's compilation. A page calls `startLoading()` first thing and
// hands the result to `load({ started })`, so both run while the rest of its modules are
// fetched and evaluated. This module imports nothing, so nothing delays it.
//
// URLs are written `new URL('./…', import.meta.url)` in place, the form bundlers recognise.

/**
 * A worker of the playground; `startFailure` says why its script failed to load, if it did.
 * @typedef {Worker & { startFailure?: string }} PlaygroundWorker
 * @typedef {{
 *   main: PlaygroundWorker, module: Promise<WebAssembly.Module>, glue: string | null,
 * }} Started what `startLoading()` began; `glue` the URL of the module's JS glue if it is not the main module's
 */

/**
 * Every worker runs worker.js; its first message gives it its role.
 * @param {string} name
 */
export function startWorker(name) {
  /** @type {PlaygroundWorker} */
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
  // A worker whose script fails to load says so once, possibly before anyone listens (the main
  // worker starts while the module still compiles): keep that as `worker.startFailure`.
  worker.addEventListener(
    'error',
    (e) => {
      worker.startFailure ??= e.message || 'script error';
    },
    { once: true },
  );
  return worker;
}

/**
 * Fetches and compiles a wasm module, streaming where the host serves it as application/wasm.
 * @param {URL | string} url
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  // Streaming compilation needs the application/wasm MIME type; fall back if a host lacks it.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** The main module, the one the seed's programs run in. */
export const mainWasmUrl = () => new URL('./pkg/concurrency_playground_bg.wasm', import.meta.url);

/** The folder of the lessons module, which carries every program. */
export const lessonsUrl = () => new URL(/* @vite-ignore */ './pkg-lessons/', import.meta.url); // served beside

/**
 * The files of the module in `folder` (a wasm-bindgen package): the wasm and its JS glue.
 * @param {URL | string} folder
 */
export const moduleFiles = (folder) => ({
  wasmUrl: new URL('concurrency_playground_bg.wasm', folder),
  glue: new URL('concurrency_playground.js', folder).href,
});

/**
 * `startLoading()`'s options for a page that shows one lesson only (an embed of it): the lessons
 * module, with its glue, instead of the main one, so the page downloads one module, not two.
 */
export const lessonsFirst = () => moduleFiles(lessonsUrl());

/**
 * Starts the main worker and the main module's compilation now (or those of the module
 * `wasmUrl` names, whose glue is at `glue`); `load({ started })` takes them over. A failure here
 * is reported by `load()`, not before.
 * @param {{ wasmUrl?: URL | string, glue?: string | null }} [options]
 * @returns {Started}
 */
export function startLoading({ wasmUrl = mainWasmUrl(), glue = null } = {}) {
  const module = compile(wasmUrl);
  module.catch(() => {}); // load() reports it; until then it is not an unhandled rejection
  return { main: startWorker('main worker'), module, glue };
}
