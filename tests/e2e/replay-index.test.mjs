// The replay's run index, without a browser: replay.js's indexRun and laneSentence are pure, so
// what the replay says at a moment is checked here on a small run written out by hand: a lane
// that sleeps, waits for a lock inside its running stretch, ends, and starts again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexRun, laneSentence } from '../../www/replay.js';
import { stateTable } from '../../www/timeline.js';

const states = stateTable([
  { name: 'run', label: 'running', overlay: false },
  { name: 'sleep', label: 'sleeping (time.sleep)', overlay: false },
  { name: 'lock-wait', label: 'waiting for a lock', overlay: true },
]);
const T0 = 1000;
const at = (ms) => T0 + ms;
// Out of time order on purpose: events reach the page from several workers.
const events = [
  { t: at(0), lane: 'Thread-1', kind: 'lane-start', what: 'thread' },
  { t: at(30), lane: 'Thread-1', kind: 'span', state: 'lock-wait', start: at(20), label: 'lock' },
  { t: at(10), lane: 'Thread-1', kind: 'span', state: 'sleep', start: at(0), label: 'sleep(0.01)' },
  { t: at(40), lane: 'Thread-1', kind: 'span', state: 'run', start: at(10), label: 'work' },
  { t: at(40), lane: 'Thread-1', kind: 'lane-end' },
  { t: at(50), lane: 'Thread-1', kind: 'lane-start', what: 'thread' },
  { t: at(45), lane: 'MainThread', kind: 'line', text: 'between lives' },
  { t: at(60), lane: 'Thread-1', kind: 'lane-end' },
];

test('the index puts events in time order and counts the printed lines', () => {
  const line = events[6];
  const run = indexRun({ events, t0: T0, endT: at(60), states, lines: [[line, { dataset: {} }]] });
  assert.deepEqual(
    run.order.map((ev) => ev.t - T0),
    [0, 10, 30, 40, 40, 45, 50, 60],
  );
  assert.deepEqual([...run.markPos], [5], 'the printed line is the 6th event in time order');
  assert.equal(run.total, 60);
  assert.deepEqual(run.lanes.map((l) => l.name).sort(), ['MainThread', 'Thread-1']);
});

test('what a lane was doing: asleep, a lock wait over its run, finished, started again', () => {
  const run = indexRun({ events, t0: T0, endT: at(60), states });
  const lane = run.lanes.find((l) => l.name === 'Thread-1');
  const say = (ms) => laneSentence(run, lane, at(ms));
  assert.equal(say(5), 'Thread-1: sleeping (time.sleep) since +0.0 ms');
  assert.equal(say(15), 'Thread-1: running since +10.0 ms');
  assert.equal(say(25), 'Thread-1: waiting for a lock since +20.0 ms', 'the overlay wins inside the run');
  assert.equal(say(45), 'Thread-1: finished at +40.0 ms');
  assert.equal(say(55), 'Thread-1: running since +50.0 ms', 'a second life');
  assert.equal(laneSentence(run, lane, T0 - 1), 'Thread-1: not started yet');
});
