// The learner's time is cut out of the program's (www/learner-time.js): pure, no browser.
import assert from 'node:assert/strict';
import test from 'node:test';

// No startSuite(): these are pure functions, with no server and no browser.
import { clockOf, learnerWaits, liveClock, programClock } from '../../www/learner-time.js';

const input = (start, t) => ({ t, lane: 'MainThread', kind: 'span', state: 'input', start, label: 'waiting' });
const awaiting = (t) => ({ t, lane: 'MainThread', kind: 'awaiting-input' });

test('the waits are the input spans, merged, and an announced wait not yet ended is open until now', () => {
  const events = [awaiting(10), input(10, 30), awaiting(40), input(40, 50), awaiting(60)];
  assert.deepEqual(learnerWaits(events, 100), [
    { start: 10, end: 30, open: false },
    { start: 40, end: 50, open: false },
    { start: 60, end: 100, open: true },
  ]);
  assert.deepEqual(learnerWaits([input(0, 10), input(5, 20)]), [{ start: 0, end: 20, open: false }]);
  assert.deepEqual(learnerWaits([{ t: 5, kind: 'line' }]), []);
});

test('the program clock skips the waits: before, inside and after one', () => {
  const clock = programClock([
    { start: 10, end: 30, open: false },
    { start: 40, end: 50, open: false },
  ]);
  assert.equal(clock.learnerMs, 30);
  assert.deepEqual([0, 10, 20, 30, 35, 45, 60].map(clock.at), [0, 10, 10, 10, 15, 20, 30]);
  assert.equal(clock.skip(20), 30);
  assert.equal(clock.skip(35), 35);
  assert.deepEqual([5, 20, 30, 45, 60].map(clock.gapsBefore), [0, 0.5, 1, 1.5, 2]);
});

test('a run without waits keeps its times', () => {
  const clock = clockOf([{ t: 3, kind: 'line' }]);
  assert.equal(clock.at(123.5), 123.5);
  assert.equal(clock.learnerMs, 0);
});

test('the live clock stops while the run waits and goes on after the step', () => {
  const live = liveClock();
  live.event(awaiting(100));
  assert.equal(live.waiting(), true);
  assert.equal(live.programMs(0, 5000), 100, 'stopped at the wait');
  live.event(input(100, 5000));
  assert.equal(live.waiting(), false);
  assert.equal(live.programMs(0, 5100), 200);
});

test("the trace counts the program's time: a span across a wait loses the wait, which stays as an instant", async () => {
  const { toChromeTrace } = await import('../../www/trace.js');
  const events = [
    { t: 0, lane: 'MainThread', kind: 'lane-start', what: 'main' },
    { t: 10, lane: 'MainThread', kind: 'awaiting-input' },
    input(10, 5010),
    { t: 5020, lane: 'Thread-1', kind: 'span', state: 'parked', start: 5, label: 'parked before its ADD' },
    { t: 5030, lane: 'MainThread', kind: 'line', text: 'Final counter: 1' },
  ];
  const trace = toChromeTrace(events, { t0: 0 });
  const parked = trace.traceEvents.find((e) => e.name === 'parked before its ADD');
  assert.deepEqual([parked.ts, parked.dur], [5000, 15000], 'µs of program time: 5 ms before the wait, 10 after');
  assert.equal(trace.traceEvents.find((e) => e.cat === 'line').ts, 30000);
  const wait = trace.traceEvents.find((e) => e.cat === 'learner');
  assert.equal(wait.name, "You took 5.0 s to choose the next step: not the program's time");
  assert.equal(trace.metadata.learnerMs, 5000);
});
