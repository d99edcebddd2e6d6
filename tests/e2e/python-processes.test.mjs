// Processes in the Python mode: multiprocessing and ProcessPoolExecutor start each process as
// CPython's spawn does, a fresh interpreter (its own wasm instance and memory, on workers of
// its own) that imports main.py's definitions; arguments, results and queued items pickled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useSuite } from './harness.mjs';
import { BUSY, runPythonIn } from './python-run.mjs';

const suite = useSuite({ open: '' });
const runPython = (source, options) => runPythonIn(suite.page, source, options);
const seed = (name) => readFileSync(new URL(`../../src/scenarios/${name}.py`, import.meta.url), 'utf8');

test("the seed's multiprocessing.Process runs as written: one line from a process of its own", async () => {
  const result = await runPython(seed('multiprocessing_process'));
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['Process 1001 calculating...']);
  assert.ok(result.lanes.includes('Process-1'), result.lanes.join());
  assert.ok(result.kinds.includes('span:start:Process-1'), result.kinds.join());
});

test('a process has its own memory: a global it changes stays unchanged in the parent; its exit code comes back', async () => {
  const result = await runPython(`
import multiprocessing, os, sys
counter = 0
def child():
    global counter
    counter += 100
    print("child", os.getpid(), os.getppid(), counter, multiprocessing.current_process().name)
    sys.exit(3)
if __name__ == "__main__":
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
    print("parent", os.getpid(), counter, p.exitcode, p.is_alive())
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['child 1001 1000 100 Process-1', 'parent 1000 0 3 False']);
});

test('terminate() and kill() end a process as CPython reports it: exit codes -15 (SIGTERM) and -9 (SIGKILL)', async () => {
  const result = await runPython(`
import multiprocessing, time
def sleeper():
    time.sleep(60)
if __name__ == "__main__":
    terminated = multiprocessing.Process(target=sleeper)
    killed = multiprocessing.Process(target=sleeper)
    terminated.start()
    killed.start()
    terminated.terminate()
    killed.kill()
    terminated.join()
    killed.join()
    print(terminated.exitcode, killed.exitcode)
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['-15 -9']);
});

test("the seed's Pool(processes=4).map, with smaller numbers: each task in a worker process, the results in order", async () => {
  const smaller = seed('multiprocessing_pool').replace('[10**6, 10**7, 10**8]', '[10**3, 10**4, 10**5]');
  const source = `${smaller}    print(results)\n`;
  const result = await runPython(source);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.equal(result.lines.at(-1), '[332833500, 333283335000, 333328333350000]');
  const pids = result.lines.slice(0, -1).map((line) => Number(/^Process (\d+) calculating\.\.\.$/.exec(line)?.[1]));
  assert.equal(pids.length, 3, result.lines.join('\n'));
  assert.ok(
    pids.every((pid) => pid > 1000 && pid <= 1004),
    pids.join(),
  );
  assert.ok(result.lanes.filter((lane) => /^SpawnPoolWorker-\d$/.test(lane)).length >= 1, result.lanes.join());
});

test("the seed's executors run as written (they print nothing, as in CPython); their results, printed, are CPython's", async () => {
  const asWritten = await runPython(seed('concurrent_futures'));
  assert.equal(asWritten.status, 'done', JSON.stringify(asWritten));
  assert.deepEqual(asWritten.lines, []);
  assert.deepEqual(asWritten.stderr, []);
  const printed = await runPython(`${seed('concurrent_futures')}\nprint(results)\n`);
  assert.deepEqual(printed.lines, ['[0, 2, 4, 6, 8, 10, 12, 14, 16, 18]']);
});

test('an exception in a process prints CPython\'s "Process Process-1:" traceback and exit code 1; in a pool task it reaches the caller', async () => {
  const result = await runPython(`
import multiprocessing
def fails():
    raise ValueError("bad input")
def square(n):
    if n == 3:
        raise ZeroDivisionError("three")
    return n * n
if __name__ == "__main__":
    p = multiprocessing.Process(target=fails)
    p.start()
    p.join()
    print("exit code", p.exitcode)
    with multiprocessing.Pool(2) as pool:
        try:
            pool.map(square, range(5))
        except ZeroDivisionError as error:
            print("caught", error)
        print(pool.apply(square, (4,)))
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['exit code 1', 'caught three', '16']);
  assert.equal(result.stderr[0], 'Process Process-1:', result.stderr.join('\n'));
  assert.ok(result.stderr.includes('ValueError: bad input'), result.stderr.join('\n'));
});

test('a Queue carries pickled items between processes; what cannot be shared says so', async () => {
  const result = await runPython(`
import multiprocessing
def produce(q, n):
    for i in range(n):
        q.put({"item": i})
    q.put(None)
if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=produce, args=(q, 3))
    p.start()
    while (item := q.get()) is not None:
        print(item)
    p.join()
    for make in (lambda: multiprocessing.Value("i", 0), multiprocessing.RLock):
        try:
            make()
        except NotImplementedError as error:
            print(error)
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines.slice(0, 3), ["{'item': 0}", "{'item': 1}", "{'item': 2}"]);
  assert.match(
    result.lines[3],
    /^multiprocessing\.Value is not available in the playground: each process here has its own memory/,
  );
  assert.equal(
    result.lines[4],
    'multiprocessing.RLock is not available in the playground: not made here yet; a multiprocessing.Lock is.',
  );
});

test('Stop ends while True: pass in three threads and two processes within 1 s, and the next run works', async () => {
  const stopped = await suite.page.evaluate(async (code) => {
    let busy = 0;
    const run = window.playground.runPython(code, {
      onEvent: (e) => {
        if (e.kind === 'lane-start') busy++;
      },
    });
    // Both processes and all three threads are running (a lane each, besides MainThread).
    await new Promise((resolve) => {
      const poll = setInterval(() => {
        if (busy >= 6) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
      setTimeout(() => {
        clearInterval(poll);
        resolve();
      }, 10_000);
    });
    const during = window.playground.liveWorkers().python.running;
    const asked = performance.now();
    run.cancel();
    const r = await run.done;
    return {
      status: r.status,
      ms: performance.now() - asked,
      busy,
      during,
      after: window.playground.liveWorkers().python,
    };
  }, BUSY);
  assert.equal(stopped.busy, 6, 'the main thread, two processes and three threads started');
  assert.equal(stopped.status, 'cancelled');
  assert.ok(stopped.ms < 1000, `${stopped.ms} ms`);
  // Every worker the run took (a worker per thread, of the parent and of each process) ended.
  assert.ok(stopped.during >= 6, `${stopped.during} workers ran Python`);
  assert.equal(stopped.after.running, 0, 'no worker is left running Python');
  const next = await runPython('print("after")');
  assert.deepEqual(next.lines, ['after']);
});

test("a runaway loop of process starts ends at the page's limit with an OSError, and the run ends", async () => {
  const result = await runPython(`
import multiprocessing
def idle():
    pass
if __name__ == "__main__":
    started = 0
    try:
        while True:
            multiprocessing.Process(target=idle).start()
            started += 1
    except OSError as error:
        print(started, error)
`);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.lines, ['63 this page runs at most 64 processes in one run']);
});
