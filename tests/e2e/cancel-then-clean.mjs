// What the browsers driven over WebDriver (Firefox, WebKit) check in one in-page script: a run
// cancelled midway keeps the lines printed so far, the next run is clean, and bad input is
// refused with a message that names the parameter. Chromium's suites check the same in parts.
import assert from 'node:assert/strict';

/** The in-page script (the body of an async function with `pg`, the playground, in scope). */
export const CANCEL_THEN_CLEAN = `
    const run = pg.run('threading-basic', { count: 20, delay_ms: 50 });
    await new Promise((r) => setTimeout(r, 200));
    run.cancel();
    const cancelled = await run.done;
    const next = await pg.run('threading-basic', { delay_ms: 10 }).done;
    const bad = await pg.run('threading-lock', { threads: 0 }).done.then(() => 'ran', (e) => e.message);
    return { cancelled: cancelled.status, kept: cancelled.lines.length, next: next.status, nextLines: next.lines.length, bad };`;

/** @param {{ error?: string, cancelled: string, kept: number, next: string, nextLines: number, bad: string }} result */
export function checkCancelThenClean(result) {
  assert.ok(!result.error, result.error);
  assert.equal(result.cancelled, 'cancelled');
  assert.ok(result.kept >= 1 && result.kept < 20, `kept ${result.kept} lines`);
  assert.equal(result.next, 'done');
  assert.equal(result.nextLines, 5);
  assert.match(result.bad, /threads must be a whole number from 1 to 16; got "0"/);
}
