// The Python mode's engine through the JS API (pg.runPython): RustPython with real threads on
// Web Workers. The race loses updates on parallel threads and the lock is exact; a thread's
// exception prints CPython's traceback and the others go on; sleeps in threads overlap; each
// thread is a lane of its own; Stop ends busy threads; bad source is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OUTPUT, section, useSuite } from './harness.mjs';
import { axeViolations } from './axe.mjs';
import { RACE, runPythonIn } from './python-run.mjs';

const suite = useSuite({ open: '' });
const runPython = (source, options) => runPythonIn(suite.page, source, options);

test('4 threads x 100,000 counter += 1: updates lost without a lock (in at least 1 of 5 runs), exactly 400000 with one', async () => {
  const finals = [];
  for (let i = 0; i < 5; i++) {
    const result = await runPython(RACE);
    assert.equal(result.status, 'done', JSON.stringify(result));
    const [unlocked, locked] = result.lines;
    assert.equal(locked, 'locked 400000');
    finals.push(Number(unlocked.split(' ')[1]));
    assert.ok(
      result.lanes.includes('MainThread') &&
        result.lanes.filter((l) => /^Thread-\d+ \((un)?locked\)$/.test(l)).length >= 4,
      result.lanes.join(),
    );
    assert.ok(
      result.kinds.some((k) => k.startsWith('span:join:MainThread')),
      'the main thread waits in join',
    );
  }
  console.log(`# unlocked finals: ${finals.join(', ')}`);
  assert.ok(finals.every((f) => f > 0 && f <= 400000));
  assert.ok(
    finals.some((f) => f < 400000),
    `no run lost an update: ${finals}`,
  );
});

test("the seed's basic threading prints what CPython prints; sleeps in threads overlap", async () => {
  const seed = `
import threading
import time

def print_numbers():
    for i in range(5):
        time.sleep(0.1)
        print(f"Thread: {i}")

t1 = threading.Thread(target=print_numbers)
t1.start()
t1.join()
start = time.monotonic()
sleepers = [threading.Thread(target=time.sleep, args=(0.3,)) for _ in range(3)]
for t in sleepers: t.start()
for t in sleepers: t.join()
print("three 0.3 s sleeps took under 0.6 s:", time.monotonic() - start < 0.6)
`;
  const result = await runPython(seed);
  assert.deepEqual(result.lines, [
    'Thread: 0',
    'Thread: 1',
    'Thread: 2',
    'Thread: 3',
    'Thread: 4',
    'three 0.3 s sleeps took under 0.6 s: True',
  ]);
  assert.ok(
    result.kinds.filter((k) => k === 'span:sleep:Thread-1 (print_numbers)').length === 5,
    result.kinds.join('\n'),
  );
  assert.ok(result.kinds.includes('line:Thread-1 (print_numbers)'), 'a line is on the lane that printed it');
});

test("an exception in a thread prints CPython's traceback and the other threads go on; one in the main program ends the run", async () => {
  const result = await runPython(`
import threading
def worker():
    raise ValueError("boom")
t = threading.Thread(target=worker)
t.start(); t.join()
print("still here")
1 / 0
`);
  assert.equal(result.status, 'done');
  assert.equal(result.exitStatus, 1);
  assert.equal(result.stderr[0], 'Exception in thread Thread-1 (worker):');
  assert.ok(result.stderr.includes('ValueError: boom'), result.stderr.join('\n'));
  assert.ok(result.lines.includes('still here'));
  assert.equal(result.stderr.at(-1), 'ZeroDivisionError: division by zero');
  assert.ok(
    result.stderr.some((l) => /File "main.py", line 8, in <module>/.test(l)),
    result.stderr.join('\n'),
  );
});

test('a syntax error names its line; source over 100 KB is refused', async () => {
  const bad = await runPython('print("ok")\nif True\n    print(1)\n');
  assert.equal(bad.exitStatus, 1);
  assert.ok(bad.kinds.includes('syntax-error:MainThread'));
  assert.ok(
    bad.stderr.some((l) => l.startsWith('SyntaxError')),
    bad.stderr.join('\n'),
  );
  const big = await runPython(`x = 1\n${'# padding\n'.repeat(11000)}`);
  assert.match(big.error, /^The program is 108 KB; the most this page runs is 100 KB\.$/);
});

test('Stop ends while True: pass in three threads within 1 s, and the next run works', async () => {
  const started = Date.now();
  const stopped = await runPython(
    `
import threading
def spin():
    while True:
        pass
for _ in range(3):
    threading.Thread(target=spin).start()
print("spinning")
spin()
`,
    { cancelAfterMs: 1500 },
  );
  assert.equal(stopped.status, 'cancelled');
  assert.ok(Date.now() - started < 1500 + 1000 + 2000, 'cancelled promptly');
  assert.equal(stopped.workersLeft, 0, 'Stop ended the four workers of its threads');
  const next = await runPython('print("next")');
  assert.deepEqual(next.lines, ['next']);
  assert.equal(next.workersLeft, 0, 'a run that ends ends its workers');
});

test('the page: "Edit and run this Python" opens the seed\'s race in an editor; Run shows its lines and a lane per thread', async () => {
  const { page, errors } = suite;
  const lesson = section(page, 'threading-lock');
  await lesson.locator('[data-action="edit-python"]').click();
  const editor = lesson.locator('[data-role="python-editor"] .cm-content');
  await editor.waitFor();
  assert.match(await editor.textContent(), /threads = \[threading\.Thread\(target=increment\) for _ in range\(2\)\]/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.classList.contains('cm-content')),
    true,
    'the editor has focus',
  );
  const buttons = () =>
    page.evaluate(() => {
      const at = (action) =>
        document.querySelector(`section[data-scenario="threading-lock"] [data-action="${action}"]`);
      return { run: at('run-python').disabled, stop: at('stop-python').disabled };
    });
  assert.deepEqual(await buttons(), { run: false, stop: true }, 'before a run: Run on, Stop off');
  // Keyboard: Ctrl+Enter runs it.
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(
    () =>
      document.querySelector('section[data-scenario="threading-lock"] [data-role="status"]').dataset.state ===
      'running',
  );
  assert.deepEqual(await buttons(), { run: true, stop: false }, 'while it runs: Run off (no second run), Stop on');
  await page.waitForFunction(
    () =>
      document.querySelector('section[data-scenario="threading-lock"] [data-role="status"]').dataset.state === 'done',
    null,
    { timeout: 60_000 },
  );
  assert.deepEqual(await lesson.locator('[data-role="output"] .text').allTextContents(), ['Final counter: 200000']);
  assert.deepEqual(await buttons(), { run: false, stop: true }, 'after it: Run on, Stop off');
  const lanes = await lesson.locator('.timeline-svg .lane').evaluateAll((gs) => gs.map((g) => g.dataset.lane));
  assert.equal(lanes[0], 'MainThread');
  assert.deepEqual(
    lanes.slice(1).sort(),
    ['Thread-1 (increment)', 'Thread-2 (increment)'],
    'a lane per thread, in the order they started',
  );
  // A syntax error marks its line.
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nif True\n');
  await lesson.locator('[data-action="run-python"]').click();
  await lesson.locator('[data-role="python-error-line"]').waitFor({ timeout: 30_000 });
  assert.match(
    await lesson.locator('[data-role="python-status"]').textContent(),
    /^SyntaxError on line 19: expected ':'$/,
  );
  await page.waitForFunction(
    () =>
      document.querySelector('section[data-scenario="threading-lock"] [data-role="status"]').dataset.state === 'error',
    null,
    { timeout: 30_000 },
  );
  // Back to the cheat sheet's version: the seed's program again.
  await lesson.locator('[data-action="python-original"]').click();
  assert.doesNotMatch(await editor.textContent(), /if True$/);
  await lesson.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'python-editor-1280-light.png') });
  assert.deepEqual(errors, []);
  // axe-core itself adds a <style> to check the editor's shadow root, which the page's CSP
  // refuses (two console errors of axe's, after the page's own checks above).
  assert.deepEqual(await axeViolations(page), []);
});

test('output past 10,000 lines is cut with a note, and the page stays usable; a thread may start a thread', async () => {
  const flood = await runPython('for i in range(10_050):\n    print(i)\nprint("the end")');
  assert.equal(flood.status, 'done');
  assert.equal(flood.lines.length, 10_000);
  assert.equal(flood.lines.at(-1), '9999');
  assert.ok(flood.kinds.includes('cut:MainThread'), 'one note says the rest was cut');
  const nested = await runPython(`
import threading
def leaf(depth):
    if depth < 3:
        child = threading.Thread(target=leaf, args=(depth + 1,))
        child.start()
        child.join()
    print("depth", depth)
leaf(0)
`);
  assert.deepEqual(nested.lines, ['depth 3', 'depth 2', 'depth 1', 'depth 0']);
});

test('a program with letters beyond ASCII (é, ü, emoji) runs and prints them as written', async () => {
  const result = await runPython('name = "Zoë"\nprint(f"héllo {name} ü 😀")\n# ünïcödé comment\n');
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['héllo Zoë ü 😀']);
});

test('asyncio waits for threads (to_thread, run_in_executor) as CPython does; sys.exit("why") prints why and ends with 1', async () => {
  const result = await runPython(`
import asyncio, threading, time
def blocking(n):
    time.sleep(0.1)
    return n * 2, threading.current_thread() is not threading.main_thread()
async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.to_thread(blocking, 1))
    print(await loop.run_in_executor(None, blocking, 2))
    print(await asyncio.gather(asyncio.to_thread(blocking, 3), asyncio.sleep(0.05, "slept")))
asyncio.run(main())
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.stderr, []);
  assert.deepEqual(result.lines, ['(2, True)', '(4, True)', "[(6, True), 'slept']"]);
  const exited = await runPython('import sys\nprint("before")\nsys.exit("the input was bad")\n');
  assert.deepEqual(exited.lines, ['before']);
  assert.deepEqual(exited.stderr, ['the input was bad']);
  assert.equal(exited.exitStatus, 1);
});
