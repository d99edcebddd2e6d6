// axe-core (npm) for the end-to-end tests: WCAG 2.0/2.1 A and AA rules on a whole page.
// It is evaluated as a string through page.evaluate: the page's CSP allows no inline script and
// no script of another origin, so it cannot be added as a <script>.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe's violations on the whole document, as `rule (impact, help): target…` lines. */
export async function axeViolations(page) {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(`${AXE}; 0`);
  const found = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '').split('\\n').slice(1, 2).join('').trim()) })))`);
  return found.map((v) => `${v.id} (${v.impact}, ${v.help}):\n    ${v.targets.join('\n    ')}`);
}
