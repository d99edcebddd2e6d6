// Shared set-up of the end-to-end tests: the real dev server on a free port, and Debian's
// Chromium driven by playwright-core. Screenshots go to test-output/ (git-ignored).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT = join(ROOT, 'test-output');
mkdirSync(OUTPUT, { recursive: true });

/** Starts the dev server on a free loopback port; resolves to { url, stop, log }. `flags`
 * are the server's own (e.g. `--no-isolation-headers`). */
export function startServer({ root = join(ROOT, 'www'), flags = [] } = {}) {
  const server = spawn(join(ROOT, 'target/release/playground-server'), ['--root', root, '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log.join('')}`)), 10_000);
    server.stdout.on('data', (chunk) => {
      log.push(String(chunk));
      const match = /at (http:\/\/[^ ]+\/)/.exec(log.join(''));
      if (match && timer) {
        clearTimeout(timer);
        resolve({ url: match[1], log, stop: () => server.kill('SIGINT') });
      }
    });
    server.stderr.on('data', (chunk) => log.push(String(chunk)));
    server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${log.join('')}`)));
  });
}

/**
 * Headless Debian Chromium, with the flags this closed network needs. With `scrollbars`, its
 * scrollbars take room, as on the desktops of Linux and Windows (headless Chromium hides them
 * by default), for tests where a scrollbar coming and going matters.
 */
export function launchBrowser({ scrollbars = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    ...(scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/**
 * The dev server and Chromium that a test file's tests share: `{ server, browser, serve }`.
 * `root` and `flags` are the server's (as startServer() takes them); `server: false` starts
 * none, for suites whose every test wants its own. `serve({ root, flags })` starts another
 * server (resolves to it), which stopSuite() stops too. `scrollbars` is launchBrowser()'s.
 * With `open` (a path or query after the server's URL, '' for the page itself), also that
 * page, ready, as openPage() gives it (`page`, `errors`, `context`); `clipboard` is openPage()'s.
 */
export async function startSuite({
  open,
  root,
  flags,
  server: withServer = true,
  scrollbars = false,
  clipboard = false,
} = {}) {
  const servers = [];
  const serve = async (options) => {
    const started = await startServer(options);
    servers.push(started);
    return started;
  };
  let browser;
  try {
    const server = withServer ? await serve({ root, flags }) : undefined;
    browser = await launchBrowser({ scrollbars });
    const opened = open === undefined ? {} : await openPage(browser, `${server.url}${open}`, { clipboard });
    return { server, browser, serve, servers, ...opened };
  } catch (error) {
    await stopSuite({ browser, servers });
    throw error;
  }
}

/** Stops what startSuite() started (any of it may be missing if starting failed). */
export async function stopSuite({ server, browser, servers = [] }) {
  await browser?.close();
  for (const started of new Set([server, ...servers])) started?.stop();
}

/**
 * The suite of a test file, as startSuite() gives it (`options` are its), started before the
 * file's tests and stopped after them: an object filled in by then, so use its fields
 * (`suite.page`, `suite.server.url`, ...) inside the tests and hooks, not at the top level.
 */
export function useSuite(options) {
  const suite = {};
  before(async () => Object.assign(suite, await startSuite(options)));
  after(() => stopSuite(suite));
  return suite;
}

/**
 * A page that records console errors and uncaught exceptions into `errors`. With `clipboard`,
 * the page may read and write the clipboard (its context is granted both for `url`'s origin).
 */
export async function openPage(
  browser,
  url,
  {
    viewport = { width: 1280, height: 800 },
    colorScheme = 'light',
    ready = true,
    waitUntil = 'load',
    clipboard = false,
  } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme });
  if (clipboard) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  }
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url, { waitUntil });
  if (ready) await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors, context };
}

/** Section `id` of the page (a Playwright locator): where its fields, buttons and output are. */
export const section = (page, id) => page.locator(`section[data-scenario="${id}"]`);

/** Waits until the status of section `id` says its run ended (done, error or cancelled). */
export function settled(page, id, { timeout = 60_000 } = {}) {
  return page.waitForFunction(
    (sid) => {
      const s = document.querySelector(`section[data-scenario="${sid}"] [data-role="status"]`);
      return s && ['done', 'error', 'cancelled'].includes(s.dataset.state);
    },
    id,
    { timeout },
  );
}

/** Waits until the shared panel of section `id` (a stepping lesson) shows `steps` steps taken. */
export function sharedPanelSteps(page, id, steps) {
  return page.waitForFunction(
    ([sid, n]) =>
      document.querySelector(`section[data-scenario="${sid}"] [data-role="shared"]`)?.dataset.steps === String(n),
    [id, steps],
    { timeout: 10_000 },
  );
}

/**
 * The helpers of a test file about one stepping lesson, section `id`, each taking the page:
 * `sectionOf(page)`, its status's `state(page)`, `settled(page)` (its run ended) and
 * `stepsShown(page, steps)` (its shared panel shows that many steps taken).
 */
export function steppingLesson(id) {
  const sectionOf = (page) => section(page, id);
  return {
    sectionOf,
    state: (page) => sectionOf(page).locator('[data-role="status"]').getAttribute('data-state'),
    settled: (page) => settled(page, id),
    stepsShown: (page, steps) => sharedPanelSteps(page, id, steps),
  };
}

/**
 * Calls the page's API (window.playground) one after another: `calls` maps a name to
 * `[method, ...args]` (a `run` is awaited to its end, `.done`). Resolves to the same names,
 * each 'accepted' or the refusal as `${name}: ${message}` (e.g. "ParamError: ...").
 */
export function apiRefusals(page, calls) {
  return page.evaluate(async (calls) => {
    const pg = window.playground;
    const out = {};
    for (const [name, [method, ...args]] of Object.entries(calls)) {
      out[name] = await Promise.resolve()
        .then(() => (method === 'run' ? pg.run(...args).done : pg[method](...args)))
        .then(
          () => 'accepted',
          (e) => `${e.name}: ${e.message}`,
        );
    }
    return out;
  }, calls);
}

/** Clicks Run in a section and waits until its status leaves `running`; returns the state. */
export async function runInPage(page, id, { timeout = 60_000 } = {}) {
  const where = section(page, id);
  await where.locator('[data-action="run"]').click();
  await settled(page, id, { timeout });
  return where.locator('[data-role="status"]').getAttribute('data-state');
}

/** The printed lines of a section, text only. */
export function printedLines(page, id) {
  return section(page, id).locator('[data-role="output"] .text').allTextContents();
}
