// Trace export: every scenario's run, converted by www/trace.js, obeys the Chrome Trace Event
// Format's rules (the JSON Perfetto UI and chrome://tracing open); spans that would cross go
// to a sub-track; the Download trace button saves a file that parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { toChromeTrace } from '../../www/trace.js';
import { runInPage, section, useSuite } from './harness.mjs';
import { traceProblems } from './trace-check.mjs';
import { paramsOf } from './light.mjs';

test('synthetic: nested spans share a track, a span that crosses another goes to a sub-track', () => {
  const t0 = 1000;
  const events = [
    { t: 1000.1, lane: 'MainThread', kind: 'lane-start', what: 'main' },
    { t: 1001, lane: 'Thread-1', kind: 'lane-start', what: 'thread' },
    // a lock wait inside a run: nests
    { t: 1003, lane: 'Thread-1', kind: 'span', state: 'lock-wait', start: 1002, label: 'lock' },
    { t: 1005, lane: 'Thread-1', kind: 'span', state: 'run', start: 1001, label: 'run 1' },
    // a lock wait reported just after the run around it ended: crosses it
    { t: 1010.05, lane: 'Thread-1', kind: 'span', state: 'lock-wait', start: 1009, label: 'late lock' },
    { t: 1010, lane: 'Thread-1', kind: 'span', state: 'run', start: 1006, label: 'run 2' },
    { t: 1010.5, lane: 'Thread-1', kind: 'line', text: 'hello' },
    { t: 1011, lane: 'Thread-1', kind: 'marks', what: 'lost updates', start: 1006.5, count: 7 },
    { t: 1011, lane: 'Thread-1', kind: 'lane-end' },
    { t: 1012, lane: 'MainThread', kind: 'span', state: 'join', start: 1000.5, label: 'join' },
    { t: 1012.5, lane: 'MainThread', kind: 'note', text: 'a note' },
  ];
  const trace = toChromeTrace(events, { t0, scenario: 'synthetic', title: 'Synthetic' });
  assert.deepEqual(traceProblems(trace), []);
  const names = new Map(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.args.name, e.tid]));
  assert.deepEqual([...names.keys()].sort(), ['MainThread', 'Thread-1', 'Thread-1 (2)', 'playground']);
  assert.equal(names.get('MainThread'), 1);
  assert.equal(names.get('Thread-1'), 2);
  const sort = new Map(
    trace.traceEvents.filter((e) => e.name === 'thread_sort_index').map((e) => [e.tid, e.args.sort_index]),
  );
  const order = [...names].sort((a, b) => sort.get(a[1]) - sort.get(b[1])).map(([n]) => n);
  assert.deepEqual(order, ['MainThread', 'Thread-1', 'Thread-1 (2)', 'playground']);
  const byName = (n) => trace.traceEvents.find((e) => e.name === n);
  assert.equal(byName('late lock').tid, names.get('Thread-1 (2)'));
  assert.equal(byName('lock').tid, names.get('Thread-1'));
  assert.equal(byName('run 1').ts, 1000);
  assert.equal(byName('run 1').dur, 4000);
  assert.deepEqual(byName('run 1').args, { state: 'run' });
  assert.equal(byName('run 1').cat, 'run');
  assert.equal(byName('hello').ph, 'i');
  assert.equal(byName('hello').s, 't');
  assert.equal(byName('a note').tid, names.get('playground'));
  assert.equal(byName('lost updates').args.count, 7);
  assert.equal(byName('process_name').args.name, 'Synthetic (synthetic)');
  // The checker itself catches a crossing.
  const broken = structuredClone(trace);
  broken.traceEvents.find((e) => e.name === 'late lock').tid = names.get('Thread-1');
  assert.match(traceProblems(broken).join('\n'), /"late lock" .* crosses "run 2"/);
});

const suite = useSuite({ open: '' });

test("every scenario's run converts to a trace that obeys the format", async () => {
  const light = await paramsOf(suite.page, 'light');
  const results = await suite.page.evaluate(async (light) => {
    const { toChromeTrace: convert } = await import('./trace.js');
    const pg = window.playground;
    const out = [];
    for (const scenario of pg.scenarios) {
      let run;
      try {
        run = await pg.run(scenario.id, light[scenario.id]).done;
      } catch (error) {
        run = error; // a RunError keeps its events too: its trace is checked, and its status fails below
      }
      const trace = convert(run.events, { t0: run.t0, scenario: scenario.id, title: scenario.title });
      out.push({
        id: scenario.id,
        status: run.status ?? 'error',
        message: run.message,
        events: run.events,
        t0: run.t0,
        json: JSON.stringify(trace),
      });
    }
    return out;
  }, light);
  const ids = await suite.page.evaluate(() => window.playground.scenarios.map((s) => s.id));
  assert.deepEqual(
    results.map((r) => r.id),
    ids,
  );
  for (const r of results) {
    assert.equal(r.status, 'done', `${r.id}: a light run ends done ${r.message ?? ''}`);
    const trace = JSON.parse(r.json);
    assert.deepEqual(JSON.parse(JSON.stringify(trace)), trace, `${r.id}: round-trips`);
    assert.deepEqual(traceProblems(trace), [], `${r.id}: the format's rules`);
    assert.ok(r.events.length > 0, `${r.id}: events`);
    // One span's duration, in µs.
    const span = r.events.find((e) => e.kind === 'span');
    const x = trace.traceEvents.find(
      (e) => e.ph === 'X' && e.name === span.label && Math.abs(e.ts - (span.start - r.t0) * 1000) < 1e-6,
    );
    assert.ok(x, `${r.id}: the span "${span.label}" is in the file`);
    assert.ok(Math.abs(x.dur - (span.t - span.start) * 1000) < 1e-6, `${r.id}: dur ${x.dur}`);
    assert.equal(
      trace.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'marks').length,
      r.events.filter((e) => e.kind === 'span').length,
      `${r.id}: every span`,
    );
    const lanes = new Set(r.events.map((e) => e.lane));
    const threads = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args.name);
    for (const lane of lanes) assert.ok(threads.includes(lane), `${r.id}: a track for ${lane}`);
    if (lanes.has('MainThread')) {
      const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args.name === 'MainThread');
      assert.equal(main.tid, 1, `${r.id}: MainThread is tid 1`);
      const sortOf = (tid) =>
        trace.traceEvents.find((e) => e.name === 'thread_sort_index' && e.tid === tid).args.sort_index;
      const sorts = trace.traceEvents.filter((e) => e.name === 'thread_sort_index').map((e) => e.args.sort_index);
      assert.equal(sortOf(1), Math.min(...sorts), `${r.id}: MainThread first`);
    }
    const lines = r.events.filter((e) => e.kind === 'line').map((e) => e.text);
    const instants = trace.traceEvents.filter((e) => e.ph === 'i' && e.cat === 'line').map((e) => e.name);
    assert.deepEqual(instants, lines, `${r.id}: every printed line`);
    console.log(
      `${r.id}: ${r.status}, ${r.events.length} events -> ${trace.traceEvents.length} trace events, ${threads.length} tracks`,
    );
  }
  assert.deepEqual(suite.errors, []);
});

test('Download trace saves <scenario>-<date>.trace.json that parses', async () => {
  assert.equal(await runInPage(suite.page, 'threading-lock'), 'done');
  const button = section(suite.page, 'threading-lock').locator('[data-action=download-trace]');
  // Offered once the run's views are drawn, a moment after its status says done.
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  const [download] = await Promise.all([suite.page.waitForEvent('download'), button.click()]);
  assert.match(download.suggestedFilename(), /^threading-lock-\d{4}-\d{2}-\d{2}-\d{6}\.trace\.json$/);
  const trace = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(traceProblems(trace), []);
  assert.equal(trace.displayTimeUnit, 'ms');
  assert.equal(trace.metadata.scenario, 'threading-lock');
  assert.equal(trace.metadata.status, 'done');
  assert.ok(
    trace.traceEvents.some((e) => e.ph === 'X' && e.cat === 'run'),
    'runs',
  ); // lock waits come only when a try_lock fails
  // Keyboard: the button is reachable and shows its focus.
  await button.focus();
  await suite.page.keyboard.press('Shift+Tab');
  await suite.page.keyboard.press('Tab');
  assert.equal(await button.evaluate((b) => b.matches(':focus-visible') && getComputedStyle(b).outlineStyle), 'solid');
  assert.deepEqual(suite.errors, []);
});
