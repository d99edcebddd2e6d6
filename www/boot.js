// @ts-check
// What the full page and the embed share when they start: load the playground, say what this
// browser can do, and make the API reachable for the console and the end-to-end tests.
import { prepare } from './playground.js';

/**
 * @typedef {import('./playground.js').PlaygroundApi} PlaygroundApi
 * @typedef {import('./playground.js').Capabilities} Capabilities
 */

/** @param {Capabilities} caps */
export function describeCapabilities(caps) {
  const isolation = caps.sharedMemory
    ? 'This page is cross-origin isolated: threads share memory.'
    : `Thread scenarios cannot run here: ${caps.sharedMemoryMissing}. Asyncio and processes still can.`;
  return `${isolation} The browser offers ${caps.hardwareConcurrency} hardware thread${caps.hardwareConcurrency === 1 ? '' : 's'}.`;
}

/**
 * Loads the playground (taking over what `startLoading()` started) and fills
 * `[data-role=capabilities]`; on failure says why there. `prepareView(pg)` is called as soon as
 * the playground can describe its scenarios, while its workers still start: what it makes then
 * costs the page no time. Resolves to the playground once the workers are up.
 * @param {import('./start.js').Started} started
 * @param {(pg: PlaygroundApi) => unknown} [prepareView]
 */
export async function boot(started, prepareView = () => {}) {
  const capabilitiesLine = /** @type {HTMLElement} */ (document.querySelector('[data-role="capabilities"]'));
  let pg;
  try {
    pg = await prepare({ started });
    await Promise.all([pg.ready, prepareView(pg)]);
  } catch (error) {
    capabilitiesLine.textContent = `The playground could not start: ${/** @type {Error} */ (error).message}`;
    capabilitiesLine.dataset.state = 'error';
    throw error;
  }
  /** @type {Window & { playground?: PlaygroundApi }} */ (window).playground = pg;
  capabilitiesLine.textContent = describeCapabilities(pg.capabilities);
  capabilitiesLine.dataset.isolated = String(pg.capabilities.crossOriginIsolated);
  return pg;
}
