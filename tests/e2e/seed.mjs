// CPython's output of the seed, the reference the playground's lines are compared with.
// The seed's code blocks run as they are, except that the asyncio block's commented-out
// `asyncio.run(main())` is run (otherwise it prints nothing). pids become <pid>.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './harness.mjs';

// The cheat sheet, kept in the repo (seed/) so a clone tests without anything beside it.
export const SEED = join(ROOT, 'seed', 'async-and-concurrency.md');
/** The team's shared copy, where it exists (beside the clone); the repo's must equal it. */
export const SHARED_SEED = join(ROOT, '..', 'shared', 'seed', 'async-and-concurrency.md');

export const normalisePids = (line) => line.replace(/^Process \d+ /, 'Process <pid> ');

async function runPython(code) {
  const { stdout } = await promisify(execFile)('python3', ['-c', code], { timeout: 120_000 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map(normalisePids);
}

/** Processes writing to one pipe can interleave a line's text and its newline (seen here:
 * "Process 1 calculating...Process 2 calculating..."), so those lines are found by pattern. */
async function runPythonProcesses(code) {
  const { stdout } = await promisify(execFile)('python3', ['-c', code], { timeout: 120_000 });
  return [...stdout.matchAll(/Process \d+ calculating\.\.\./g)].map((m) => normalisePids(m[0]));
}

/** { scenario id: [lines CPython prints] }, from running the seed's blocks. */
export async function cpythonLines() {
  const blocks = [...readFileSync(SEED, 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  const find = (word) =>
    blocks.find((b) => b.includes(word)) ??
    (() => {
      throw new Error(`no ${word} block in the seed`);
    })();
  const [threading, multiprocessing, asyncio, futures] = await Promise.all([
    runPython(find('import threading')),
    runPythonProcesses(find('import multiprocessing')),
    runPython(find('import asyncio').replace('# asyncio.run(main())', 'asyncio.run(main())')),
    runPython(find('concurrent.futures')),
  ]);
  return {
    'threading-basic': threading.filter((l) => l.startsWith('Thread: ')),
    'threading-lock': threading.filter((l) => !l.startsWith('Thread: ')),
    'multiprocessing-process': multiprocessing.slice(0, 1),
    'multiprocessing-pool': multiprocessing.slice(1),
    'asyncio-gather': asyncio,
    'concurrent-futures': futures,
  };
}
