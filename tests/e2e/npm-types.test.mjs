// The npm package's type declarations (npm/playground.d.ts) against the API as it runs: every
// member declared on Playground, Scenario, ParamSpec, Capabilities and RunResult exists in
// the page, and the page has no public member the declarations leave out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useSuite } from './harness.mjs';

const suite = useSuite({ open: '' });

const DECLARATIONS = readFileSync(new URL('../../npm/playground.d.ts', import.meta.url), 'utf8');

/** The member names of `interface NAME { ... }` (optional ones marked by a trailing '?'). */
function members(name) {
  const body = new RegExp(`export interface ${name}(?: extends \\w+)? \\{([\\s\\S]*?)\\n\\}`).exec(DECLARATIONS)?.[1];
  assert.ok(body, `playground.d.ts declares ${name}`);
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)(\??)[(:]/gm)].map(([, member, optional]) => member + optional);
}

const required = (list) => list.filter((m) => !m.endsWith('?'));

test('what playground.d.ts declares is what the API has', async () => {
  const seen = await suite.page.evaluate(async () => {
    const pg = window.playground;
    const own = (o) => Object.keys(o);
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(pg)).filter((k) => k !== 'constructor');
    const run = await pg.run('threading-basic', { count: 1, delay_ms: 1 }).done;
    return {
      playground: [...own(pg), ...methods],
      scenario: own(pg.scenarios[0]),
      param: own(Object.values(pg.scenarios[0].params)[0]),
      capabilities: own(pg.capabilities),
      result: own(run),
    };
  });
  for (const member of required(members('Playground')))
    assert.ok(seen.playground.includes(member), `pg.${member} is declared but missing`);
  // Members the page has beyond the declared API: kept for the page, the bench and diagnostics.
  const undeclaredOnPurpose = ['world', 'startupFigures', 'liveWorkers', 'bench'];
  const declared = members('Playground').map((m) => m.replace('?', ''));
  for (const member of seen.playground) {
    assert.ok(
      declared.includes(member) || undeclaredOnPurpose.includes(member),
      `pg.${member} exists but playground.d.ts does not declare it`,
    );
  }
  assert.deepEqual([...seen.scenario].sort(), members('Scenario').sort());
  for (const member of required(members('ParamSpec'))) assert.ok(seen.param.includes(member), `ParamSpec.${member}`);
  assert.deepEqual([...seen.capabilities].sort(), members('Capabilities').sort());
  for (const member of required(members('RunResult'))) assert.ok(seen.result.includes(member), `RunResult.${member}`);
});
