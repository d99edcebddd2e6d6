// Every seed scenario through the page, compared line by line with CPython running the seed;
// the exact results; and bad input through the page and the JS API.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { apiRefusals, openPage, printedLines, runInPage, section, useSuite } from './harness.mjs';
import { existsSync, readFileSync } from 'node:fs';
import { SEED, SHARED_SEED, cpythonLines, normalisePids } from './seed.mjs';

let cpython; // CPython's lines of the seed's programs, to come: about 15 s (the 10**8 pool), run while the browser starts
before(() => {
  cpython = cpythonLines();
});
const suite = useSuite({ open: '' });

const lesson = (id) => section(suite.page, id);
const notes = (id) => lesson(id).locator('[data-role="notes"] .text').allTextContents();
const api = (fn, ...args) => suite.page.evaluate(fn, ...args);

// The seed's programs are the registry's scenarios marked `fromSeed`; each must have CPython's
// lines to be compared with, so a new one cannot slip through untested.
test('every program of the seed prints what CPython prints', async (t) => {
  const ids = await api(() => window.playground.scenarios.filter((s) => s.fromSeed).map((s) => s.id));
  const reference = await cpython;
  assert.deepEqual(ids.toSorted(), Object.keys(reference).toSorted(), 'the seed scenarios and the CPython reference');
  for (const id of ids) {
    await t.test(id, async () => {
      assert.equal(await runInPage(suite.page, id, { timeout: 120_000 }), 'done');
      const lines = (await printedLines(suite.page, id)).map(normalisePids);
      assert.deepEqual(lines, reference[id]);
      const elapsed = Number(await lesson(id).locator('[data-role="elapsed"]').getAttribute('data-ms'));
      assert.ok(elapsed > 0, `${id} shows its wall time`);
      assert.deepEqual(suite.errors, []);
    });
  }
});

test('the pool returns the exact sums, in input order, from distinct processes', async () => {
  const result = await api(async () => {
    const r = await window.playground.run('multiprocessing-pool', {}).done;
    return { value: r.value.map(String), pids: r.lines };
  });
  assert.deepEqual(result.value, ['333332833333500000', '333333283333335000000', '333333328333333350000000']);
  assert.equal(new Set(result.pids).size, 3, 'three tasks printed from three processes');
  const shown = (await notes('multiprocessing-pool')).join('\n');
  assert.match(shown, /results = \[333332833333500000, 333333283333335000000, 333333328333333350000000\]/);
});

test('a process has memory of its own: the parent global stays 0', async () => {
  const shown = (await notes('multiprocessing-process')).join('\n');
  assert.match(shown, /the child added one and saw 1; in the parent it is 0/);
  assert.match(shown, /returned 333332833333500000/);
});

test('without a lock updates are lost (at least once in five runs); with one, never', async () => {
  const totals = await api(async () => {
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const { value } = await window.playground.run('threading-lock', {}).done;
      seen.push({ noLock: Number(value.no_lock), mutex: Number(value.mutex), atomic: Number(value.atomic_add) });
      if (value.no_lock < 200000n) break;
    }
    return seen;
  });
  assert.ok(
    totals.some((t) => t.noLock < 200000),
    JSON.stringify(totals),
  );
  for (const t of totals) assert.ok(t.mutex === 200000 && t.atomic === 200000, JSON.stringify(t));
});

test('asyncio overlaps its waits: two rounds of 1 s take about 2 s, not 4 s', async () => {
  const { elapsedMs, lines } = await api(() => window.playground.run('asyncio-gather', {}).done);
  assert.ok(elapsedMs >= 1900 && elapsedMs <= 3000, `took ${elapsedMs} ms`);
  assert.equal(lines.at(-1), "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]");
});

test('the executors give [0, 2, 4, 6, 8] and [0, 2, ..., 18] and say which worker ran each', async () => {
  const shown = (await notes('concurrent-futures')).join('\n');
  assert.match(shown, /ThreadPoolExecutor results = \[0, 2, 4, 6, 8\]/);
  assert.match(shown, /results = \[0, 2, 4, 6, 8, 10, 12, 14, 16, 18\]/);
  assert.match(shown, /task\(0\) = 0 ran on ThreadPoolExecutor-0_\d/);
});

const BAD = [
  ['threading-lock', 'threads', '0', /threads must be a whole number from 1 to 16/],
  ['threading-lock', 'threads', '10000', /threads must be a whole number from 1 to 16/],
  ['threading-lock', 'iterations', '', /iterations must be a whole number from 1 to 1_000_000; it is empty/],
  ['threading-lock', 'iterations', 'abc', /iterations must be .* got "abc"/],
  ['multiprocessing-process', 'n', '-1', /n must be a whole number from 0 to 1_000_000_000; got "-1"/],
  ['multiprocessing-process', 'n', '10**13', /n must be a whole number from 0 to 1_000_000_000/],
  [
    'multiprocessing-pool',
    'inputs',
    Array(10000).fill('1').join(','),
    /inputs must be a list of 1 to 16 whole numbers/,
  ],
  ['asyncio-gather', 'delay_ms', '<script>alert(1)</script>', /delay_ms must be a whole number from 0 to 10_000/],
];

for (const [id, name, value, message] of BAD) {
  test(`bad ${name} ${JSON.stringify(value.slice(0, 20))} for ${id} is refused, next to the field and by the API`, async () => {
    const input = lesson(id).locator(`input[name="${name}"]`);
    const before = await input.inputValue();
    await input.fill(value);
    await lesson(id).locator('[data-action="run"]').click();
    const shown = await lesson(id).locator(`[data-error-for="${name}"]`).textContent();
    assert.match(shown, message);
    assert.equal(
      await lesson(id).locator('[data-role="status"]').getAttribute('data-state'),
      'done',
      'the last state stays; nothing started',
    );
    assert.equal(await lesson(id).locator('script').count(), 0, 'markup is shown as text');
    await input.fill(before);

    const rejected = await api(
      async ([sid, pname, pvalue]) => {
        try {
          await window.playground.run(sid, { [pname]: pvalue }).done;
          return null;
        } catch (e) {
          return { name: e.name, message: e.message, params: e.errors?.map((x) => x.param) };
        }
      },
      [id, name, value],
    );
    assert.equal(rejected?.name, 'ParamError');
    assert.match(rejected.message, message);
    assert.deepEqual(rejected.params, [name]);
  });
}

test('the API rejects unknown scenarios and parameters, and a second run of a running scenario', async () => {
  const outcome = await api(async () => {
    const pg = window.playground;
    const catchIt = (p) =>
      p.then(
        () => 'resolved',
        (e) => e.message,
      );
    const unknownScenario = await catchIt(pg.run('threading-nope', {}).done);
    const unknownParam = await catchIt(pg.run('threading-lock', { thread: 2 }).done);
    const nonNumber = await catchIt(pg.run('threading-lock', { threads: NaN }).done);
    const first = pg.run('threading-basic', { count: 3 });
    const second = await catchIt(pg.run('threading-basic', {}).done);
    await first.done;
    return { unknownScenario, unknownParam, nonNumber, second };
  });
  assert.match(outcome.unknownScenario, /unknown scenario "threading-nope"; known: threading-basic/);
  assert.match(outcome.unknownParam, /unknown parameter "thread"; this scenario takes threads, iterations/);
  assert.match(outcome.nonNumber, /threads must be a whole number from 1 to 16; got "NaN"/);
  assert.match(outcome.second, /threading-basic is already running/);
});

test("the seed in the repo is the team's cheat sheet, word for word (where shared/ is beside the clone)", {
  skip: !existsSync(SHARED_SEED),
}, () => {
  assert.equal(
    readFileSync(SEED, 'utf8'),
    readFileSync(SHARED_SEED, 'utf8'),
    'copy shared/seed/async-and-concurrency.md into seed/',
  );
});

test('bench and validate refuse what they cannot do, naming the argument and its range', async () => {
  const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, '1']));
  const out = await apiRefusals(suite.page, {
    million: ['bench', 'lock-mutex', { threads: 1e6 }],
    infinite: ['bench', 'split', { workers: Infinity }],
    unknown: ['bench', 'rm -rf', {}],
    manyPairs: ['validate', 'threading-lock', many],
  });
  assert.match(out.million, /^ParamError: threads must be a whole number from 1 to 16; got "1000000"$/);
  assert.match(out.infinite, /^ParamError: workers must be a whole number from 1 to 16; got "Infinity"$/);
  assert.match(out.unknown, /^ParamError: unknown bench "rm -rf"; known: sum, split, /);
  assert.match(out.manyPairs, /^ParamError: at most 32 parameters are accepted, got 1000$/);
});

test('the no-lock ledger reaches the API as exact integers, for 2 to 8 threads', async () => {
  const books = await api(async () => {
    const out = [];
    for (const threads of [2, 3, 5, 8]) {
      const { value } = await window.playground.run('threading-lock', { threads, iterations: 20000 }).done;
      const l = value.ledger;
      out.push({
        threads,
        types: [l.expected, l.final, l.lost, l.stores, l.wipes].map((x) => typeof x),
        expected: String(l.expected),
        final: String(l.final),
        lost: String(l.lost),
        noLock: String(value.no_lock),
        stores: String(l.stores),
        wipes: String(l.wipes),
        caught: l.caught.map((c) => ({
          lane: c.lane,
          read: String(c.read),
          wrote: String(c.wrote),
          overwrote: String(c.overwrote),
          tMs: c.tMs,
        })),
      });
    }
    return out;
  });
  for (const b of books) {
    assert.deepEqual(b.types, ['bigint', 'bigint', 'bigint', 'bigint', 'bigint']);
    assert.equal(b.expected, String(b.threads * 20000));
    assert.equal(b.final, b.noLock, "the ledger's final counter is the no-lock result");
    assert.equal(BigInt(b.expected) - BigInt(b.final), BigInt(b.lost));
    assert.equal(b.stores, b.expected, 'every increment stored once');
    assert.ok(b.caught.length <= 20);
    for (const c of b.caught) {
      assert.equal(BigInt(c.wrote), BigInt(c.read) + 1n);
      assert.ok(BigInt(c.overwrote) > BigInt(c.read), `a caught store overwrote others' updates: ${JSON.stringify(c)}`);
      assert.ok(c.tMs >= 0 && Number.isFinite(c.tMs));
    }
    if (BigInt(b.lost) > 0n) assert.ok(BigInt(b.wipes) > 0n && b.caught.length > 0);
  }
  // The page shows the ledger and the caught stores of its own run.
  assert.equal(await runInPage(suite.page, 'threading-lock'), 'done');
  const ledger = await lesson('threading-lock').locator('[data-role="ledger"]').textContent();
  assert.match(ledger, /updates lost\. Every one of the 200,000 stores reported what it overwrote/);
});

test('a yes/no parameter is a checkbox, and takes true, false, 1 or 0 from URLs and the API', async () => {
  const { page: other, context } = await openPage(
    suite.browser,
    `${suite.server.url}?scenario=threading-deadlock&ordered=true`,
  );
  const box = section(other, 'threading-deadlock').locator('input[name="ordered"]');
  assert.equal(await box.getAttribute('type'), 'checkbox');
  assert.equal(await box.isChecked(), true);
  await context.close();
  const bad = await openPage(suite.browser, `${suite.server.url}?scenario=threading-deadlock&ordered=yes`);
  assert.match(
    await section(bad.page, 'threading-deadlock').locator('[data-error-for="ordered"]').textContent(),
    /^ordered must be true or false \(or 1 or 0\); got "yes"$/,
  );
  await bad.context.close();
  const normal = await api(() =>
    ['true', 'false', '1', '0', true, false, 1, 0].map(
      (v) => window.playground.validate('threading-deadlock', { ordered: v }).params.ordered,
    ),
  );
  assert.deepEqual(normal, [true, false, true, false, true, false, true, false]);
  const refused = await api(() => {
    try {
      window.playground.validate('threading-deadlock', { ordered: 2 });
      return 'accepted';
    } catch (e) {
      return e.message;
    }
  });
  assert.match(refused, /^ordered must be true or false \(or 1 or 0\); got "2"$/);
});
