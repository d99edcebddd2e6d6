// A second engine end to end: Debian's Firefox ESR driven through geckodriver's WebDriver
// protocol (playwright-core drives only its own patched Firefox, which cannot be downloaded
// here). The real dev server; scenarios run through the page's JS API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, startServer } from './harness.mjs';
import { BUSY, RACE } from './python-run.mjs';
import { CANCEL_THEN_CLEAN, checkCancelThenClean } from './cancel-then-clean.mjs';

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

let server;
let plainServer; // dist/ as a host with no headers and no service worker would serve it
let driver;
let base;
let session;

async function webdriver(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/** Runs `body` (an async function's text, taking `pg`) in the page; returns its result. */
const inPage = (body) =>
  webdriver('POST', `/session/${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1];
    (async (pg) => { ${body} })(window.playground).then(done, (e) => done({ error: String(e && e.message || e) }));`,
    args: [],
  });

// Not startSuite(): that launches Chromium, and this suite drives Firefox through geckodriver.
before(async () => {
  server = await startServer();
  const port = await freePort();
  driver = spawn('geckodriver', ['--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`${base}/status`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const created = await webdriver('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'] },
      },
    },
  });
  session = created.sessionId;
  await webdriver('POST', `/session/${session}/timeouts`, { script: 60_000 });
  await open(server.url);
});
after(async () => {
  if (session) await webdriver('DELETE', `/session/${session}`).catch(() => {});
  driver?.kill();
  server?.stop();
  plainServer?.stop();
});

async function open(url) {
  await webdriver('POST', `/session/${session}/url`, { url });
  for (let i = 0; i < 100; i++) {
    const ready = await webdriver('POST', `/session/${session}/execute/sync`, {
      script: 'return document.body.dataset.ready === "true";',
      args: [],
    });
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never became ready`);
}

test('Firefox: the page is cross-origin isolated and threads share memory', async () => {
  const result = await inPage(`
    const r = await pg.run('threading-lock', {}).done;
    return { isolated: self.crossOriginIsolated, lines: r.lines, mutex: String(r.value.mutex), atomic: String(r.value.atomic_add) };`);
  assert.equal(result.isolated, true, JSON.stringify(result));
  assert.deepEqual(result.lines, ['Final counter: 200000']);
  assert.equal(result.mutex, '200000');
  assert.equal(result.atomic, '200000');
});

test('Firefox: processes, the pool and asyncio', async () => {
  const result = await inPage(`
    const pool = await pg.run('multiprocessing-pool', { inputs: '10**6, 10**7' }).done;
    const process = await pg.run('multiprocessing-process', {}).done;
    const gather = await pg.run('asyncio-gather', { delay_ms: 200 }).done;
    return { pool: pool.value.map(String), process: process.events.filter((e) => e.kind === 'note').map((e) => e.text), gather: gather.lines.at(-1),
      sleeps: gather.events.filter((e) => e.kind === 'span' && e.state === 'await').map((e) => [e.lane, e.start, e.t]) };`);
  assert.deepEqual(result.pool, ['333332833333500000', '333333283333335000000']);
  assert.ok(
    result.process.some((n) => /in the parent it is 0/.test(n)),
    JSON.stringify(result.process),
  );
  assert.equal(result.gather, "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]");
  // The tasks' sleeps overlap in time, pairwise: task1 with task2, and the gathered two.
  const sleepOf = (lane) => result.sleeps.find(([l]) => l.startsWith(lane));
  for (const [a, b] of [
    ['task1', 'task2'],
    ['gather: fetch_data(3)', 'gather: fetch_data(4)'],
  ]) {
    const [, startA, endA] = sleepOf(a);
    const [, startB, endB] = sleepOf(b);
    assert.ok(
      Math.max(startA, startB) < Math.min(endA, endB),
      `${a} and ${b} slept at the same time: ${JSON.stringify(result.sleeps)}`,
    );
  }
});

test('Firefox: a cancelled run, then a clean one; bad input refused', async () => {
  checkCancelThenClean(await inPage(CANCEL_THEN_CLEAN));
});

// The Python mode in Firefox: the race on real parallel threads, the lock exact, a thread's
// traceback, a process of its own and the seed's pool (each a fresh interpreter).
const PYTHON_TRACEBACK = `
import threading
def fails():
    raise ValueError("in a thread")
t = threading.Thread(target=fails)
t.start()
t.join()
`;
const PYTHON_POOL = `
import multiprocessing, os
counter = 0
def square(n):
    global counter
    counter += 1
    return n * n
if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(5)))
    print(counter, os.getpid())
`;

test("Firefox: the Python mode: updates lost on parallel threads, the lock exact, a thread's traceback, a pool of processes", async () => {
  await open(server.url);
  const result = await inPage(`
    const race = [];
    for (let i = 0; i < 3; i++) race.push((await pg.runPython(${JSON.stringify(RACE)}).done));
    const traceback = await pg.runPython(${JSON.stringify(PYTHON_TRACEBACK)}).done;
    const pool = await pg.runPython(${JSON.stringify(PYTHON_POOL)}).done;
    const stderr = traceback.events.filter((e) => e.kind === 'line' && e.stream === 'stderr').map((e) => e.text);
    return { race: race.map((r) => r.lines.map((line) => Number(line.split(' ')[1]))), stderr, pool: pool.lines,
      lanes: [...new Set(pool.events.map((e) => e.lane))] };`);
  assert.ok(!result.error, result.error);
  assert.ok(
    result.race.every(([, locked]) => locked === 400000),
    JSON.stringify(result.race),
  );
  assert.ok(
    result.race.some(([unlocked]) => unlocked < 400000),
    `no updates lost in 3 runs: ${JSON.stringify(result.race)}`,
  );
  assert.equal(result.stderr[0], 'Exception in thread Thread-1 (fails):');
  assert.equal(result.stderr.at(-1), 'ValueError: in a thread');
  assert.deepEqual(result.pool, ['[0, 1, 4, 9, 16]', '0 1000']);
  assert.ok(result.lanes.includes('SpawnPoolWorker-1'), result.lanes.join());
});

test('Firefox: the Python mode: Stop ends three busy threads and two busy processes within 1 s; a syntax error names its line', async () => {
  const result = await inPage(`
    let lanes = 0;
    const run = pg.runPython(${JSON.stringify(BUSY)}, { onEvent: (e) => { if (e.kind === 'lane-start') lanes++; } });
    for (let i = 0; i < 500 && lanes < 6; i++) await new Promise((r) => setTimeout(r, 20));
    const during = pg.liveWorkers().python.running;
    const asked = performance.now();
    run.cancel();
    const stopped = await run.done;
    const stopMs = performance.now() - asked;
    const left = pg.liveWorkers().python.running;
    const bad = await pg.runPython(${JSON.stringify('print("fine")\nprint("no end"\n')}).done;
    const after = await pg.runPython('print("after")').done;
    return { lanes, status: stopped.status, stopMs, during, left, syntax: bad.events.find((e) => e.kind === 'syntax-error'), after: after.lines };`);
  assert.ok(!result.error, result.error);
  assert.equal(result.lanes, 6, 'the main thread, two processes and three threads started');
  assert.equal(result.status, 'cancelled');
  assert.ok(result.stopMs < 1000, `${result.stopMs} ms`);
  assert.ok(result.during >= 6, `${result.during} workers ran Python`);
  assert.equal(result.left, 0, 'Stop ended every worker the run took');
  assert.equal(result.syntax?.line, 2, JSON.stringify(result.syntax));
  assert.deepEqual(result.after, ['after']);
});

test('Firefox, not isolated (dist/ with no headers, no service worker): says so; asyncio and processes run', async () => {
  plainServer = await startServer({
    root: join(ROOT, 'dist'),
    flags: ['--no-isolation-headers', '--no-service-worker'],
  });
  await open(plainServer.url);
  const result = await inPage(`
    const gather = await pg.run('asyncio-gather', { delay_ms: 50 }).done;
    const process = await pg.run('multiprocessing-process', {}).done;
    const threads = await pg.run('threading-basic', {}).done.then(() => 'ran', (e) => e.message);
    return { isolated: self.crossOriginIsolated, gather: gather.lines.length, process: process.lines.length, threads,
      notice: document.querySelector('section[data-scenario="threading-lock"] [data-role="isolation-notice"]')?.textContent };`);
  assert.equal(result.isolated, false);
  assert.equal(result.gather, 9);
  assert.equal(result.process, 1);
  assert.match(result.threads, /needs threads on shared memory/);
  assert.match(result.notice, /not cross-origin isolated/);
});

/** Waits until `script` (a sync script's body) returns true in the current browsing context. */
async function until(script, what, { tries = 150 } = {}) {
  for (let i = 0; i < tries; i++) {
    if (await webdriver('POST', `/session/${session}/execute/sync`, { script, args: [] }).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`never: ${what}`);
}

test('Firefox, dist on a host with no headers: the service worker isolates the page after one reload', async () => {
  const swServer = await startServer({ root: join(ROOT, 'dist'), flags: ['--no-isolation-headers'] });
  try {
    await webdriver('POST', `/session/${session}/url`, { url: swServer.url });
    await until(
      'return self.crossOriginIsolated === true && document.body.dataset.ready === "true";',
      'isolated and ready',
    );
    const result = await inPage(`
      const r = await pg.run('threading-lock', { threads: 2, iterations: 1000 }).done;
      return { navigation: performance.getEntriesByType('navigation')[0].type, lines: r.lines };`);
    assert.equal(result.navigation, 'reload', 'it took one reload');
    assert.deepEqual(result.lines, ['Final counter: 2000']);
  } finally {
    swServer.stop();
  }
});

/**
 * Serves dist/ (with the playground server's `flags`) and a course page on another port,
 * opens the course page with `embed.html?query` in its frame, switches WebDriver into the
 * frame, and runs `body(playgroundUrl)` there; then leaves the frame and stops both servers.
 */
async function inCourseFrame(flags, query, body) {
  const playground = await startServer({ root: join(ROOT, 'dist'), flags: ['--frame-ancestors', '*', ...flags] });
  const course = await startServer({ root: join(ROOT, 'tests', 'e2e', 'fixtures'), flags: ['--no-isolation-headers'] });
  try {
    const src = new URL(`embed.html?${query}`, playground.url).href;
    await webdriver('POST', `/session/${session}/url`, {
      url: `${course.url}course.html?src=${encodeURIComponent(src)}`,
    });
    await until('return document.querySelector("iframe") !== null;', 'the frame');
    await webdriver('POST', `/session/${session}/frame`, { id: 0 });
    await until('return document.body.dataset.ready === "true";', 'the embed ready');
    // Not isolated, the frame registers coi-serviceworker, which reloads it once (it cannot
    // isolate a frame whose parent is not): let that happen before looking.
    await new Promise((r) => setTimeout(r, 1500));
    await until('return document.body.dataset.ready === "true";', 'the embed ready again');
    await body(playground.url);
  } finally {
    await webdriver('POST', `/session/${session}/frame`, { id: null }).catch(() => {});
    playground.stop();
    course.stop();
  }
}

for (const [headers, flags] of [
  ['with Document-Isolation-Policy', []],
  ['without Document-Isolation-Policy', ['--no-document-isolation']],
]) {
  test(`Firefox, embedded in a course page of another origin, headers ${headers}: not isolated (Firefox has no Document-Isolation-Policy), says so, asyncio runs`, async () => {
    await inCourseFrame(flags, 'scenario=threading-lock&threads=3', async (playgroundUrl) => {
      const threads = await inPage(`
      return { isolated: self.crossOriginIsolated, newTab: document.querySelector('[data-role="new-tab"]')?.href,
        notice: document.querySelector('[data-role="isolation-notice"]')?.textContent };`);
      assert.equal(threads.isolated, false);
      assert.match(threads.notice, /needs threads that share memory/);
      const link = new URL(threads.newTab);
      assert.equal(link.origin, new URL(playgroundUrl).origin);
      assert.equal(link.searchParams.get('threads'), '3', 'the new-tab link keeps the parameters');
      // The same frame, now with a scenario that needs no shared memory.
      const asyncio = new URL('embed.html?scenario=asyncio-gather&delay_ms=50', playgroundUrl).href;
      await webdriver('POST', `/session/${session}/execute/sync`, {
        script: 'location.assign(arguments[0]);',
        args: [asyncio],
      });
      await until(
        `return location.href === ${JSON.stringify(asyncio)} && document.body.dataset.ready === "true";`,
        'the asyncio embed ready',
      );
      const gather = await inPage(`const r = await pg.run('asyncio-gather', { delay_ms: 50 }).done;
      return { isolated: self.crossOriginIsolated, framed: window.top !== window, lines: r.lines.length };`);
      assert.deepEqual(gather, { isolated: false, framed: true, lines: 9 });
    });
  });
}

test('Firefox, embedded from a host that sends no headers (GitHub Pages): no reload loop, not isolated, asyncio runs', async () => {
  await inCourseFrame(['--no-isolation-headers'], 'scenario=asyncio-gather&delay_ms=50', async () => {
    const first = await inPage('return performance.timeOrigin;');
    await new Promise((r) => setTimeout(r, 1000));
    const result = await inPage(`const r = await pg.run('asyncio-gather', { delay_ms: 50 }).done;
      return { origin: performance.timeOrigin, navigation: performance.getEntriesByType('navigation')[0].type,
        isolated: self.crossOriginIsolated, lines: r.lines.length };`);
    assert.deepEqual(result, { origin: first, navigation: 'reload', isolated: false, lines: 9 });
  });
});
