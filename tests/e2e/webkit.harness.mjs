// WebKit for the end-to-end tests: Debian's WebKitGTK (`libwebkit2gtk-4.1-0`, whose MiniBrowser
// is the browser) driven by its WebKitWebDriver (`webkit2gtk-driver`) through npm's
// selenium-webdriver, in an Xvfb display of its own (`xvfb`). Each process is started in a
// process group of its own and the whole group is ended at stop(), and also when the test
// process exits or is interrupted, so no browser, web process, driver or X server outlives
// a test file, even one that failed.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, By } from 'selenium-webdriver';

/** A free loopback port. */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
  });

/** WebKitGTK's MiniBrowser (in a multiarch folder: /usr/lib/<triplet>/webkit2gtk-4.1/). */
export function miniBrowserPath() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const dir of readdirSync('/usr/lib')) {
    const candidate = `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("MiniBrowser not found: install Debian's libwebkit2gtk-4.1-0 (or set WEBKIT_MINIBROWSER)");
}

/** Fails at once, saying what to install, if `command` is not on PATH. */
function requireCommand(command, debianPackage) {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
  if (!found) throw new Error(`${command} not found: install Debian's ${debianPackage}`);
}

// Process groups still alive, ended at exit whatever happened.
const groups = new Set();
const killGroups = (signal) => {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  }
};
process.once('exit', () => killGroups('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killGroups('SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

/**
 * Spawns `command` as the leader of a new process group, its output kept (the last lines) in
 * `log`. Returns `{ child, log, stop }`; stop() sends SIGTERM to the whole group, then SIGKILL
 * if the leader has not exited within `graceMs`, and resolves once it has.
 */
function spawnGroup(command, args, { env = process.env, stdio = ['ignore', 'pipe', 'pipe'], graceMs = 3000 } = {}) {
  const child = spawn(command, args, { env, stdio, detached: true });
  const log = [];
  const keep = (chunk) => {
    log.push(...String(chunk).split('\n').filter(Boolean));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('error', (error) => keep(`${command}: ${error.message}`));
  groups.add(child.pid);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    }
    // The leader is gone; end whatever of its group is left (a browser or web process).
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* none left */
    }
    groups.delete(child.pid);
  };
  return { child, log, stop, exited };
}

/** Xvfb on a display it picks itself (-displayfd): resolves to `{ display: ':N', stop }`. */
export function startXvfb({ screen = '1920x1200x24' } = {}) {
  requireCommand('Xvfb', 'xvfb');
  const xvfb = spawnGroup('Xvfb', ['-displayfd', '3', '-screen', '0', screen, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      xvfb.stop();
      reject(new Error(`Xvfb did not start: ${xvfb.log.join('\n')}`));
    }, 10_000);
    xvfb.child.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        xvfb.child.stdio[3].destroy();
        resolve({ display: `:${text.trim()}`, stop: xvfb.stop, log: xvfb.log });
      }
    });
    xvfb.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${xvfb.log.join('\n')}`));
    });
  });
}

/**
 * Xvfb and WebKitWebDriver on a free port. `sharedMemory` puts `JSC_useSharedArrayBuffer=1`
 * in the environment the driver passes to the browser and its web processes: WebKitGTK then
 * exposes SharedArrayBuffer on a cross-origin isolated page, as Safari does (without it,
 * `crossOriginIsolated` is true but SharedArrayBuffer is undefined). Resolves to
 * `{ url, display, log, stop }`.
 */
export async function startWebKitDriver({ sharedMemory = true } = {}) {
  requireCommand('WebKitWebDriver', 'webkit2gtk-driver');
  miniBrowserPath();
  const xvfb = await startXvfb();
  try {
    const port = await freePort();
    const env = { ...process.env, DISPLAY: xvfb.display, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1' };
    delete env.WAYLAND_DISPLAY;
    if (sharedMemory) env.JSC_useSharedArrayBuffer = '1';
    else delete env.JSC_useSharedArrayBuffer;
    const driver = spawnGroup('WebKitWebDriver', [`--port=${port}`], { env });
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      await driver.stop();
      await xvfb.stop();
    };
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i >= 100 || driver.child.exitCode !== null) {
        await stop();
        throw new Error(`WebKitWebDriver did not start: ${driver.log.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, display: xvfb.display, log: driver.log, stop };
  } catch (error) {
    await xvfb.stop();
    throw error;
  }
}

/**
 * A WebDriver session in MiniBrowser on a driver from startWebKitDriver(): a selenium-webdriver
 * `WebDriver`. `dark` starts the browser in dark mode (GTK's dark variant, which WebKitGTK
 * reports as `prefers-color-scheme: dark`); `extraArgs` are more of MiniBrowser's options.
 */
export async function openSession(service, { dark = false, scriptTimeoutMs = 120_000, extraArgs = [] } = {}) {
  const capabilities = {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': {
      binary: miniBrowserPath(),
      // A script may open a window (a test opens one without a toolbar, to be 390 px wide).
      args: [
        '--automation',
        '--javascript-can-open-windows-automatically=true',
        ...(dark ? ['--dark-mode'] : []),
        ...extraArgs,
      ],
    },
  };
  const driver = await new Builder().usingServer(service.url).withCapabilities(capabilities).build();
  await driver.manage().setTimeouts({ script: scriptTimeoutMs, pageLoad: 60_000 });
  return driver;
}

/**
 * Everything at once: `{ service, driver, stop }`; stop() ends the session (if it answers
 * within a few seconds), then the driver's process group and Xvfb.
 */
export async function startWebKit({ sharedMemory = true, dark = false, scriptTimeoutMs, extraArgs } = {}) {
  const service = await startWebKitDriver({ sharedMemory });
  let driver;
  try {
    driver = await openSession(service, { dark, scriptTimeoutMs, extraArgs });
  } catch (error) {
    await service.stop();
    throw new Error(`${error.message}\n${service.log.join('\n')}`);
  }
  const stop = async () => {
    await Promise.race([driver.quit().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await service.stop();
  };
  return { service, driver, stop };
}

/**
 * Runs `body` (an async function's text, taking `pg`, the page's `window.playground`) in the
 * page; resolves to what it returns, or to `{ error }` if it threw.
 */
export function inPage(driver, body) {
  return driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
    (async (pg) => { ${body} })(window.playground).then(done, (e) => done({ error: String(e && e.message || e) }));`);
}

/** Waits until `script` (a sync script's body) returns true in the current browsing context. */
export async function until(driver, script, what, { timeoutMs = 30_000 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await driver.executeScript(script).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

/** Opens `url` and waits until the page says it is ready (`body[data-ready="true"]`). */
export async function openReady(driver, url, { timeoutMs = 30_000 } = {}) {
  await driver.get(url);
  await until(driver, 'return document.body && document.body.dataset.ready === "true";', `${url} ready`, { timeoutMs });
}

/**
 * Sets the window so that the page's viewport is `width` x `height` CSS pixels (the window's
 * frame, if any, added); resolves to the viewport it got.
 */
export async function setViewport(driver, width, height) {
  const window = driver.manage().window();
  await window.setRect({ width, height });
  const inner = () => driver.executeScript('return [window.innerWidth, window.innerHeight];');
  const [w, h] = await inner();
  if (w !== width || h !== height) await window.setRect({ width: width + (width - w), height: height + (height - h) });
  await new Promise((r) => setTimeout(r, 200));
  return inner();
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/**
 * A course page of another origin, as an instructor would have it: node's http server on a
 * free port of 127.0.0.1 serving fixtures/course.html and course.js (no isolation headers),
 * as embed.test.mjs does for Chromium. Resolves to `{ url, frameEmbed(src), stop }`:
 * frameEmbed gives the course page's URL that frames `src`.
 */
export function serveCoursePage() {
  const types = { 'course.html': 'text/html; charset=utf-8', 'course.js': 'text/javascript; charset=utf-8' };
  const server = createHttpServer(async (request, response) => {
    const name = new URL(request.url, 'http://x').pathname.slice(1);
    if (!Object.hasOwn(types, name)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[name] }).end(await readFile(join(FIXTURES, name)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/`;
      resolve({
        url,
        frameEmbed: (src) => `${url}course.html?src=${encodeURIComponent(src)}`,
        stop: () => new Promise((r) => server.close(r)),
      });
    }),
  );
}

/**
 * Runs `body()` with WebDriver switched into the course page's `<iframe>` (WebDriver's
 * switchTo().frame), once the embed in it is ready and has stayed loaded for `quietMs` (an
 * embed that is not isolated registers coi-serviceworker, which may reload it once); then
 * switches back to the top-level page, whatever happened.
 */
export async function inEmbedFrame(driver, body, { quietMs = 1500 } = {}) {
  const frame = await driver.wait(async () => (await driver.findElements(By.css('iframe')))[0], 30_000, 'the frame');
  await driver.switchTo().frame(frame);
  try {
    const ready = 'return document.body && document.body.dataset.ready === "true";';
    await until(driver, ready, 'the embed ready');
    let origin = await driver.executeScript('return performance.timeOrigin;');
    for (let reloads = 0; ; reloads++) {
      if (reloads > 3) throw new Error('the embed keeps reloading');
      await new Promise((r) => setTimeout(r, quietMs));
      await until(driver, ready, 'the embed ready again');
      const now = await driver.executeScript('return performance.timeOrigin;');
      if (now === origin) break;
      origin = now; // it reloaded: wait until it stays
    }
    return await body();
  } finally {
    await driver.switchTo().defaultContent();
  }
}
