// The cheat sheet's six programs in the Python mode print what CPython prints, line by line:
// each is run here and by the machine's python3 in the same test, pids aside. Where the seed
// as written prints nothing (asyncio's entry point is commented out; the executors keep their
// results), it is run as written and once more with its results shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { useSuite } from './harness.mjs';
import { runPythonIn } from './python-run.mjs';

const suite = useSuite({ open: '' });

const seed = (name) => readFileSync(new URL(`../../src/scenarios/${name}.py`, import.meta.url), 'utf8');
/** Pids differ from run to run and machine to machine. */
const withoutPids = (lines) => lines.map((line) => line.replace(/Process \d+ /g, 'Process PID '));

/**
 * The pool's workers print as they start their tasks, in any order; CPython's, writing to one
 * pipe at once, may even print two on one line ("...calculating...Process 9559 ...") and a
 * blank one. So for the pool: its printed messages, sorted.
 */
function asPrinted(name, lines) {
  if (!/pool/.test(name)) return lines;
  return lines
    .join('\n')
    .match(/Process PID calculating\.\.\.|\[.*\]/g)
    .sort();
}

function cpython(source) {
  const out = execFileSync('python3', ['-c', source], { encoding: 'utf8', timeout: 60_000 });
  return out.split('\n').slice(0, -1);
}

const PROGRAMS = {
  'threading_basic as written': seed('threading_basic'),
  'threading_lock as written': seed('threading_lock'),
  'multiprocessing_process as written': seed('multiprocessing_process'),
  // 10**8 takes CPython 5 s and the interpreter here several times that: the same program, smaller.
  'multiprocessing_pool, smaller numbers, results printed': `${seed('multiprocessing_pool').replace(
    '[10**6, 10**7, 10**8]',
    '[10**4, 10**5, 10**5 + 1]',
  )}    print(results)\n`,
  'asyncio_gather as written': seed('asyncio_gather'),
  'asyncio_gather, its entry point uncommented': seed('asyncio_gather').replace(
    '# asyncio.run(main())',
    'asyncio.run(main())',
  ),
  'concurrent_futures as written': seed('concurrent_futures'),
  'concurrent_futures, results printed': `${seed('concurrent_futures')}print(results)\n`,
};

for (const [name, source] of Object.entries(PROGRAMS)) {
  test(`${name}: the lines python3 prints`, async () => {
    const expected = withoutPids(cpython(source));
    const result = await runPythonIn(suite.page, source);
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.deepEqual(result.stderr, []);
    assert.deepEqual(asPrinted(name, withoutPids(result.lines)), asPrinted(name, expected));
    if (/entry point/.test(name))
      assert.ok(result.elapsedMs >= 2000, `two rounds of 1 s waits: ${result.elapsedMs} ms`);
  });
}
