// The hosted site (dist/) loaded to ready in the three engines of the end-to-end tests, from one
// bench run: Debian's Chromium (headless, playwright-core), Firefox ESR (headless, geckodriver,
// WebDriver BiDi through selenium-webdriver) and WebKitGTK's MiniBrowser (WebKitWebDriver under
// Xvfb, tests/e2e/webkit.harness.mjs). The loads come in rounds, one load per engine in each,
// in an order shuffled by a seeded generator (the seed and every round's order are reported),
// so that the machine's load drifting during the run hits every engine alike.
//
// Every load is a first visit: no HTTP cache, no compiled-code cache, no storage, no service
// worker. Each engine gets that the cheapest way its driver allows:
// - Chromium: a new browser context per load (Playwright's; its own in-memory cache and
//   storage), in the one browser of the run.
// - Firefox: a new user context per load (WebDriver BiDi's browser.createUserContext, the same
//   thing as Playwright's browser context: its own cache partition and storage), with one tab in
//   it, in the one Firefox session of the run; the user context is removed after the load.
// - WebKit: a new MiniBrowser session per load (started with --automation, MiniBrowser keeps its
//   data in memory, per session), on the one WebKitWebDriver and Xvfb of the run; WebKitWebDriver
//   has no way to empty a session's cache, so a new session is the only fresh load it offers.
// Each load also reports how many of its files came from a cache (resource entries with a
// transferSize of 0 and a body): 0 everywhere. (The playground's server sends `no-cache` with no
// validators, so it re-sends every file anyway; what the fresh context adds is an empty
// compiled-code cache and empty storage, and the same freshness on a host that does cache.)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { ROOT, launchBrowser, openPage, startServer } from '../tests/e2e/harness.mjs';
import { freePort, openSession, setViewport, startWebKitDriver } from '../tests/e2e/webkit.harness.mjs';

const VIEWPORT = { width: 1280, height: 800 }; // as openPage() gives Chromium
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** In the page: resolves to body[data-ready-ms] (ms since the navigation started) once the page sets it. */
function readyInPage() {
  return new Promise((resolve, reject) => {
    const end = performance.now() + 60_000;
    const check = () => {
      if (document.body?.dataset.readyMs) resolve(Number(document.body.dataset.readyMs));
      else if (performance.now() > end) reject(new Error('the page never became ready'));
      else setTimeout(check, 5);
    };
    check();
  });
}

/**
 * In the page, once ready: the page's path and every file it asked for before ready (the page
 * loads the timeline's modules right after), and how many of them came from a cache (`null`
 * where the engine gives no transferSize).
 */
function filesInPage() {
  const ready = Number(document.body.dataset.readyMs);
  const entries = [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource').filter((e) => e.startTime <= ready),
  ];
  const sized = entries.filter((e) => typeof e.transferSize === 'number' && e.decodedBodySize > 0);
  return {
    files: [
      location.pathname,
      ...entries.filter((e) => e.entryType === 'resource').map((e) => new URL(e.name).pathname),
    ],
    cached: sized.length ? sized.filter((e) => e.transferSize === 0).length : null,
  };
}

/**
 * One load of the page at `url` to ready in Chromium, in a fresh context: `{ ms, files, cached }`.
 * Waited for by a promise in the page: Playwright's own wait (waitForSelector) first evaluates
 * its injected script on the page's main thread, which would be timed too.
 */
export async function loadToReady(browser, url) {
  const { page, context } = await openPage(browser, url, { viewport: VIEWPORT, ready: false, waitUntil: 'commit' });
  try {
    const ms = await page.evaluate(readyInPage);
    return { ms, ...(await page.evaluate(filesInPage)) };
  } finally {
    await context.close();
  }
}

/** Chromium, launched once: `{ name, version, load(url), stop() }`. */
async function startChromium() {
  const browser = await launchBrowser();
  return {
    name: 'Chromium',
    version: `Chromium ${browser.version()} (headless)`,
    load: (url) => loadToReady(browser, url),
    stop: () => browser.close(),
  };
}

/** geckodriver on a free port, once it answers: `{ url, stop }`. */
async function startGeckodriver() {
  const port = await freePort();
  const child = spawn('geckodriver', ['--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i >= 100 || child.exitCode !== null) {
      child.kill();
      throw new Error('geckodriver did not start');
    }
    await pause(100);
  }
  return { url, stop: () => child.kill() };
}

/** A WebDriver BiDi command; its result, or throws the error it answered. */
async function bidiSend(bidi, method, params) {
  const answer = await bidi.send({ method, params });
  if (answer.type === 'error') throw new Error(`${method}: ${answer.error}: ${answer.message}`);
  return answer.result;
}

/** Runs `fn` (an in-page function above) in browsing context `context`; what it resolves to. */
async function bidiEvaluate(bidi, context, fn) {
  const result = await bidiSend(bidi, 'script.evaluate', {
    expression: `(async () => JSON.stringify(await (${fn})()))()`,
    target: { context },
    awaitPromise: true,
  });
  if (result.type === 'exception') throw new Error(`in the page: ${result.exceptionDetails.text}`);
  return JSON.parse(result.result.value);
}

/** One load in Firefox, in a new user context with one tab of VIEWPORT: `{ ms, files, cached }`. */
async function firefoxLoad(bidi, url) {
  const { userContext } = await bidiSend(bidi, 'browser.createUserContext', {});
  try {
    const { context } = await bidiSend(bidi, 'browsingContext.create', { type: 'tab', userContext });
    await bidiSend(bidi, 'browsingContext.setViewport', { context, viewport: VIEWPORT });
    await bidiSend(bidi, 'browsingContext.navigate', { context, url, wait: 'interactive' });
    const ms = await bidiEvaluate(bidi, context, readyInPage);
    return { ms, ...(await bidiEvaluate(bidi, context, filesInPage)) };
  } finally {
    await bidiSend(bidi, 'browser.removeUserContext', { userContext }); // closes its tab
  }
}

/** Headless Firefox ESR, one session with BiDi for the run: `{ name, version, load(url), stop() }`. */
async function startFirefox() {
  const gecko = await startGeckodriver();
  try {
    const options = new firefox.Options().setBinary('/usr/bin/firefox-esr').addArguments('-headless').enableBidi();
    const driver = await new Builder().usingServer(gecko.url).forBrowser('firefox').setFirefoxOptions(options).build();
    const bidi = await driver.getBidi();
    const caps = await driver.getCapabilities();
    return {
      name: 'Firefox',
      version: `Firefox ${caps.get('browserVersion')} (headless)`,
      load: (url) => firefoxLoad(bidi, url),
      stop: async () => {
        await Promise.race([driver.quit().catch(() => {}), pause(5000)]);
        gecko.stop();
      },
    };
  } catch (error) {
    gecko.stop();
    throw error;
  }
}

/** One load in WebKit, in a new MiniBrowser session of VIEWPORT: `{ ms, files, cached }`. */
async function webkitLoad(service, url) {
  const driver = await openSession(service, { scriptTimeoutMs: 60_000 });
  try {
    await setViewport(driver, VIEWPORT.width, VIEWPORT.height);
    await driver.get(url);
    const inPage = (fn) =>
      driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
        (async () => JSON.stringify(await (${fn})()))().then(done, (e) => done(JSON.stringify({ error: String(e) })));`);
    const ms = JSON.parse(await inPage(readyInPage));
    if (ms?.error) throw new Error(ms.error);
    return { ms, ...JSON.parse(await inPage(filesInPage)) };
  } finally {
    await Promise.race([driver.quit().catch(() => {}), pause(5000)]);
  }
}

/** WebKitWebDriver and Xvfb for the run, a session per load: `{ name, version, load(url), stop() }`. */
async function startWebKitEngine() {
  const service = await startWebKitDriver();
  try {
    const driver = await openSession(service);
    const caps = await driver.getCapabilities();
    await driver.quit();
    return {
      name: 'WebKit',
      version: `WebKitGTK ${caps.get('browserVersion')} (MiniBrowser, Xvfb)`,
      load: (url) => webkitLoad(service, url),
      stop: () => service.stop(),
    };
  } catch (error) {
    await service.stop();
    throw error;
  }
}

const STARTERS = [startChromium, startFirefox, startWebKitEngine];

/** A generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `items` in a random order (Fisher–Yates with `random`), a new array. */
function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Starts every engine; one that cannot start is kept as `{ name, error }` and left out of the rounds. */
async function startEngines(log) {
  const engines = [];
  for (const start of STARTERS) {
    const name = start.name.replace(/^start|Engine$/g, '');
    try {
      engines.push(await start());
    } catch (error) {
      log(`${name} could not start: ${error.message.split('\n')[0]}`);
      engines.push({ name, error: String(error.message).split('\n')[0] });
    }
  }
  return engines;
}

/**
 * One load of the hosted site (`url`) in each engine of `order`, in that order, into `out`. An
 * engine whose load fails is kept out of the later rounds, its error reported in its row.
 */
async function round(order, url, out, log) {
  for (const engine of order) {
    const figures = out.engines[engine.name];
    try {
      const { ms, files, cached } = await engine.load(url);
      figures.ms.push(ms);
      figures.cached.push(cached);
      figures.files = files;
      log(`round ${out.rounds.length}: ${engine.name} ready in ${ms.toFixed(0)} ms`);
    } catch (error) {
      figures.error = `a load failed: ${String(error.message).split('\n')[0]}`;
      engine.error = figures.error;
      log(`round ${out.rounds.length}: ${engine.name}: ${engine.error}`);
    }
    await pause(300); // the last load's browser context, user context or session winding down
  }
}

/**
 * `rounds` rounds of one fresh load of the hosted site per engine, in a shuffled order seeded by
 * `seed`. Resolves to `{ seed, rounds: [[engine, ...]], engines: { name: { version, ms: [..],
 * files, cached: [..], error } }, load }`: `files` are those of the engine's last load, `load`
 * the machine's load average (1 min) before the rounds and after.
 */
export async function engineFigures({ rounds, seed, log = () => {} }) {
  const site = await startServer({ root: join(ROOT, 'dist') });
  const engines = await startEngines(log);
  const out = { seed, rounds: [], engines: {}, load: [loadavg()[0]] };
  for (const e of engines)
    out.engines[e.name] = e.error ? { error: e.error } : { version: e.version, ms: [], cached: [] };
  const random = seeded(seed);
  try {
    for (let r = 0; r < rounds; r++) {
      const order = shuffled(
        engines.filter((e) => !e.error),
        random,
      );
      out.rounds.push(order.map((e) => e.name));
      await round(order, site.url, out, log);
    }
    out.load.push(loadavg()[0]);
  } finally {
    for (const e of engines) if (e.stop) await e.stop();
    site.stop();
  }
  return out;
}

/**
 * Gzipped bytes of the hosted site's files as the page fetched them (paths as it asked for them,
 * a file fetched twice counted twice), JSON left out: `{ files, repeated, bytes }`.
 */
export function firstLoadGzip(paths) {
  const files = paths.map((p) => (p === '/' ? 'index.html' : p.replace(/^\//, ''))).filter((p) => !p.endsWith('.json'));
  const repeated = [...new Set(files.filter((f, i) => files.indexOf(f) !== i))];
  const bytes = files.reduce((n, f) => n + gzipSync(readFileSync(join(ROOT, 'dist', f)), { level: 9 }).length, 0);
  return { files, repeated, bytes };
}

/** The report's rows (`row(figure, browser, native, cpython, pyodide, ratio, goal)`): ready and first load per engine. */
export function engineRows(row, figures, { median, fmt }) {
  const orders = figures.rounds.map((order) => order.map((name) => name[0]).join('')).join(' ');
  const load = figures.load.map((x) => fmt(x)).join(' → ');
  const how = `${figures.rounds.length} paired rounds, shuffled (seed ${figures.seed}: ${orders}); load average ${load}`;
  for (const [name, f] of Object.entries(figures.engines)) {
    if (f.error || !f.ms.length) {
      row(
        `5. page load to ready, the hosted site, ${name}, ms`,
        `could not run: ${f.error}${f.ms?.length ? `, after ${f.ms.length} loads (${f.ms.map((ms) => fmt(ms)).join(', ')} ms)` : ''}`,
        '–',
        '–',
        '–',
        how,
        '≤ 200',
      );
      continue;
    }
    const cached = f.cached.every((c) => c === null) ? 'not reported' : f.cached.reduce((a, c) => a + (c ?? 0), 0);
    row(
      `5. page load to ready, the hosted site, ${f.version}, fresh each load, ms: median (range)`,
      `${fmt(median(f.ms))} (${fmt(Math.min(...f.ms))}–${fmt(Math.max(...f.ms))})`,
      '–',
      '–',
      '–',
      `${how}; files from a cache: ${cached}`,
      '≤ 200',
    );
  }
  for (const [name, f] of Object.entries(figures.engines)) {
    if (!f.files) continue;
    const { files, repeated, bytes } = firstLoadGzip(f.files);
    const twice = repeated.map((p) => `${p} ${files.filter((q) => q === p).length}×`).join(', ');
    row(
      `5. the whole first load, the hosted site, ${name} (${files.length} fetches before ready, every one counted), KB gzip`,
      fmt(bytes / 1024),
      '–',
      '–',
      '–',
      [
        files.some((p) => p.includes('pkg-lessons'))
          ? 'includes the lessons module!'
          : 'the lessons module is not in it',
        ...(twice ? [`fetched more than once: ${twice}`] : []),
      ].join('; '),
      '≤ 125',
    );
  }
}
