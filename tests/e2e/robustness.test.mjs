// Nothing hangs, nothing leaks: cancels at random points, panics everywhere, the run watchdog,
// repeated runs (workers, memory, times: written to test-output/repeated-runs.json), and bad
// input of every kind, including random strings, through the JS API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, OUTPUT, printedLines, runInPage, section, useSuite } from './harness.mjs';
import { paramsOf } from './light.mjs';

const suite = useSuite({ open: '' });

test('Stop cancels a run of every scenario at any moment; lines so far are kept; the next run is clean', async () => {
  const [light, busy] = [await paramsOf(suite.page, 'light'), await paramsOf(suite.page, 'busy')];
  const outcomes = await suite.page.evaluate(
    async ([light, heavy]) => {
      const pg = window.playground;
      const out = [];
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const ids = Object.keys(light);
      for (let i = 0; i < 20; i++) {
        const id = ids[i % ids.length];
        const run = pg.run(id, heavy[id]);
        await new Promise((r) => setTimeout(r, random() * 150));
        run.cancel();
        const cancelled = await run.done;
        const next = await pg.run(id, light[id]).done;
        out.push({
          id,
          cancelled: cancelled.status,
          keptLines: cancelled.lines.length,
          next: next.status,
          workers: pg.liveWorkers(),
        });
      }
      return out;
    },
    [light, busy],
  );
  for (const o of outcomes) {
    assert.ok(['cancelled', 'done'].includes(o.cancelled), `${o.id}: ${o.cancelled}`);
    assert.equal(o.next, 'done', `${o.id}: the run after a cancel`);
    assert.equal(o.workers.processes, 0, `${o.id}: no process left running`);
  }
  const caught = outcomes.filter((o) => o.cancelled === 'cancelled').length;
  assert.ok(caught >= 12, `most runs were caught while running (${caught} of 20)`);
});

test('cancelling the mutex variant mid-run never leaves the next run deadlocked', async () => {
  const totals = await suite.page.evaluate(async () => {
    const pg = window.playground;
    const out = [];
    for (let i = 0; i < 6; i++) {
      const run = pg.run('threading-lock', { threads: 4, iterations: 1000000 });
      await new Promise((r) => setTimeout(r, 40 + i * 30)); // lands in the different variants
      run.cancel();
      await run.done;
      const { value } = await pg.run('threading-lock', { threads: 2, iterations: 100000 }).done;
      out.push(Number(value.mutex));
    }
    return out;
  });
  assert.deepEqual(totals, Array(6).fill(200000));
});

test('the Stop button: status cancelled, lines kept, the page usable', async () => {
  const lesson = section(suite.page, 'threading-basic');
  await lesson.locator('input[name="count"]').fill('20');
  await lesson.locator('[data-action="run"]').click();
  await lesson.locator('[data-role="output"] li').nth(1).waitFor();
  await lesson.locator('[data-action="stop"]').click();
  await lesson.locator('[data-role="status"][data-state="cancelled"]').waitFor();
  const kept = (await printedLines(suite.page, 'threading-basic')).length;
  assert.ok(kept >= 2 && kept < 20, `${kept} lines kept`);
  await lesson.locator('input[name="count"]').fill('5');
  assert.equal(await runInPage(suite.page, 'threading-basic'), 'done');
  assert.equal((await printedLines(suite.page, 'threading-basic')).length, 5);
});

test("a panic anywhere ends the run with its message, join returns a thread's panic, and the next runs work", async () => {
  const results = await suite.page.evaluate(async () => {
    const pg = window.playground;
    const out = {};
    for (const where of ['panic-main', 'panic-thread', 'panic-task', 'panic-process']) {
      out[where] = await pg.bench(where, { threads: 1 }).then(
        () => 'no error',
        (e) => {
          out[`${where} notes`] = e.events.filter((event) => event.kind === 'note').map((event) => event.text);
          return `${e.name}: ${e.message}`;
        },
      );
      // Next: a run on threads and one on a process, so a broken world or pool would show.
      out[`${where} then`] = [
        (await pg.run('threading-basic', { count: 2, delay_ms: 1 }).done).status,
        (await pg.run('multiprocessing-process', { n: 1000 }).done).status,
      ];
    }
    return out;
  });
  assert.match(results['panic-main'], /RunError: .*a deliberate panic on the main thread at src\/web\.rs/);
  // join() returned the panic as an error, and the main thread went on to report it; the
  // thread's own panic is in the output, where Rust's panic hook would print it.
  assert.match(
    results['panic-thread'],
    /^RunError: join returned an error: Thread-1 panicked: a deliberate panic in a thread at src\/web\.rs:\d+$/,
  );
  assert.match(
    results['panic-thread notes'].join('\n'),
    /^thread 'Thread-1' panicked: a deliberate panic in a thread at src\/web\.rs:\d+/,
  );
  assert.match(results['panic-task'], /RunError: .*a deliberate panic in an async task/);
  assert.match(results['panic-process'], /RunError: .*a deliberate panic in process \d+/);
  for (const where of ['panic-main', 'panic-thread', 'panic-task', 'panic-process']) {
    assert.deepEqual(results[`${where} then`], ['done', 'done'], `runs after ${where}`);
  }
});

test('the watchdog stops a run past its limit with a clear message', async () => {
  const outcome = await suite.page.evaluate(async () => {
    const started = performance.now();
    const message = await window.playground.run('asyncio-gather', { delay_ms: 10000 }, { timeoutMs: 400 }).done.then(
      () => 'finished',
      (e) => e.message,
    );
    const after = (await window.playground.run('asyncio-gather', { delay_ms: 5 }).done).status;
    return { message, tookMs: performance.now() - started, after };
  });
  assert.match(outcome.message, /asyncio-gather ran longer than 0.4 s, the limit, and was stopped/);
  assert.ok(outcome.tookMs < 5000, `stopped after ${outcome.tookMs} ms`);
  assert.equal(outcome.after, 'done');
});

test('50 runs of every scenario: workers return to the pool, memory stays bounded, later runs no slower than earlier ones', async () => {
  const light = await paramsOf(suite.page, 'light');
  const figures = await suite.page.evaluate(async (light) => {
    const pg = window.playground;
    const out = {};
    for (const [id, params] of Object.entries(light)) {
      const times = [];
      const workers = [];
      const memory = [];
      for (let i = 0; i < 50; i++) {
        const { elapsedMs } = await pg.run(id, params).done;
        times.push(elapsedMs);
        const live = pg.liveWorkers();
        workers.push(live.world + live.processes);
        memory.push(live.memoryBytes);
      }
      out[id] = { times, workers, memory };
    }
    return out;
  }, light);
  writeFileSync(join(OUTPUT, 'repeated-runs.json'), `${JSON.stringify(figures, null, 1)}\n`);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [id, f] of Object.entries(figures)) {
    assert.equal(new Set(f.workers.slice(1)).size, 1, `${id}: live workers settle at the pool's size: ${f.workers}`);
    const growth = f.memory.at(-1) - f.memory[1];
    assert.ok(growth <= 4 * 2 ** 20, `${id}: memory grew ${growth} bytes over 49 runs`);
    // What leaks show as: runs getting slower. Medians of ten, which one run slowed by the
    // machine's other work (2 cores, shared) does not move; the bound is still generous.
    const [early, late] = [median(f.times.slice(1, 11)), median(f.times.slice(-10))];
    assert.ok(
      late <= 2 * early + 25,
      `${id}: the last ten runs' median ${late} ms against the first ten's ${early} ms`,
    );
  }
});

const BAD_VALUES = [
  '',
  '   ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0.5',
  '2.5',
  '1e300',
  '1e-3',
  '0x10',
  '<b>bold</b>',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'x'.repeat(1 << 20),
  '1 2',
  '١٢',
  '٣',
];

test('every kind of bad value is refused with a message naming the parameter and its range', async () => {
  const results = await suite.page.evaluate((bad) => {
    const pg = window.playground;
    const out = [];
    const values = [
      ...bad,
      NaN,
      Infinity,
      -5,
      0,
      2.5,
      1e300,
      null,
      {},
      [],
      Array(100000).fill(1),
      Symbol.iterator.toString(),
    ];
    for (const s of pg.scenarios) {
      for (const [name, spec] of Object.entries(s.params)) {
        for (const value of values) {
          try {
            const ok = pg.validate(s.id, { [name]: value });
            out.push({
              id: s.id,
              name,
              value: String(value).slice(0, 30),
              accepted: JSON.stringify(ok.params[name]),
              min: spec.min,
              max: spec.max,
            });
          } catch (e) {
            out.push({
              id: s.id,
              name,
              value: String(value).slice(0, 30),
              error: e.message,
              errorName: e.name,
              params: e.errors?.map((x) => x.param),
            });
          }
        }
      }
    }
    const unknownId = (() => {
      try {
        pg.validate('no-such-scenario', {});
        return null;
      } catch (e) {
        return e.message;
      }
    })();
    const unknownParam = (() => {
      try {
        pg.validate('threading-lock', { threds: 2 });
        return null;
      } catch (e) {
        return e.message;
      }
    })();
    return { out, unknownId, unknownParam };
  }, BAD_VALUES);
  for (const r of results.out) {
    if (r.error === undefined) {
      // Only values that really are whole numbers in range may pass (0 where 0 is allowed).
      const v = JSON.parse(r.accepted);
      assert.ok(
        Array.isArray(v) ? v.every((x) => x >= r.min && x <= r.max) : v >= r.min && v <= r.max,
        JSON.stringify(r),
      );
      continue;
    }
    assert.equal(r.errorName, 'ParamError', JSON.stringify(r));
    assert.deepEqual(r.params, [r.name], JSON.stringify(r));
    assert.ok(r.error.startsWith(`${r.name} must be `), r.error);
    assert.ok(r.error.length < 300, `a short message for ${r.value}`);
  }
  assert.match(results.unknownId, /unknown scenario "no-such-scenario"; known: /);
  assert.match(results.unknownParam, /unknown parameter "threds"; this scenario takes threads, iterations/);
});

test('fuzz: 2000 random strings through the API never run, hang, or throw anything but a ParamError', async () => {
  const report = await suite.page.evaluate(() => {
    const pg = window.playground;
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = '0123456789_*eE+-.,[] \t\n<>"\'&;/\\xyzNaInfty٣\u0000\u202e😀';
    let accepted = 0;
    const problems = [];
    for (let i = 0; i < 2000; i++) {
      const s = pg.scenarios[Math.floor(random() * pg.scenarios.length)];
      const names = Object.keys(s.params);
      const name = random() < 0.05 ? 'bogus' : names[Math.floor(random() * names.length)];
      const length = Math.floor(random() * 24);
      let text = '';
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      try {
        pg.validate(s.id, { [name]: text });
        accepted++;
      } catch (e) {
        if (e.name !== 'ParamError' || !e.errors?.length)
          problems.push(`${s.id}.${name}=${JSON.stringify(text)}: ${e.name} ${e.message}`);
      }
    }
    return { accepted, problems, markupInPage: document.querySelectorAll('main script, main img').length };
  });
  assert.deepEqual(report.problems, []);
  assert.equal(report.markupInPage, 0);
});

test('a recycled process worker starts each process fresh: its global starts at 0 every time', async () => {
  const seen = await suite.page.evaluate(async () => {
    const out = [];
    for (let i = 0; i < 6; i++) {
      const { events, lines } = await window.playground.run('multiprocessing-process', { n: 1000 }).done;
      const note = events.find((e) => e.kind === 'note' && e.text.startsWith('GLOBAL_COUNTER'));
      out.push({ note: note.text, pid: lines[0] });
    }
    return out;
  });
  for (const { note } of seen) assert.match(note, /the child added one and saw 1; in the parent it is 0/);
  assert.equal(new Set(seen.map((s) => s.pid)).size, 6, 'a new pid for every process');
});

test('a main worker that cannot start at all: the page says so instead of waiting', async () => {
  const context = await suite.browser.newContext();
  await context.route('**/worker.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'this is not javascript(' }),
  );
  const broken = await context.newPage();
  await broken.goto(suite.server.url);
  const line = broken.locator('[data-role="capabilities"][data-state="error"]');
  await line.waitFor({ timeout: 10_000 });
  assert.match(await line.textContent(), /The playground could not start: .*main worker/);
  await context.close();
});

test('a worker that fails to start is reported, not waited for, and the next run starts afresh', async () => {
  const { page: broken, context } = await openPage(suite.browser, suite.server.url);
  // From now on the worker script is broken: the next thread worker cannot start.
  await context.route('**/worker.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'this is not javascript(' }),
  );
  const message = await broken.evaluate(() =>
    window.playground.run('threading-lock', { threads: 16, iterations: 10 }).done.then(
      () => 'ran',
      (e) => e.message,
    ),
  );
  assert.match(message, /could not start the workers/);
  // The failed run's world is replaced at once, in the background, from the same broken script:
  // wait until that replacement has failed too, so the next run meets a world that is dead.
  const replacement = await broken.evaluate(() =>
    window.playground.world.ready.then(
      () => 'started',
      () => 'failed',
    ),
  );
  assert.equal(replacement, 'failed');
  await context.unroute('**/worker.js');
  const after = await broken.evaluate(() =>
    window.playground.run('asyncio-gather', { delay_ms: 5 }).done.then(
      (r) => r.status,
      (e) => e.message,
    ),
  );
  assert.equal(after, 'done', 'the page stays usable');
  await context.close();
});
