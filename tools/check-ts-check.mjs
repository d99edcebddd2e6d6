// Lists the page's scripts (www/**/*.js) whose first line is not `// @ts-check`: tsc
// (tsconfig.json, checkJs off) checks only the files that ask for it, so a file without the
// line is silently unchecked. Not checked: www/vendor/ (npm's code), www/pkg*/ (wasm-bindgen's
// glue) and www/coi-serviceworker.js (an npm package's file, after tools/coi-not-modified.js).
// Every other script is checked, so one without the line is a failure (./build.sh test runs
// this after tsc).
//
// Usage: node tools/check-ts-check.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WWW = join(ROOT, 'www');
const skipped = (path) => /^(vendor|pkg[^/]*)(\/|$)/.test(path) || path === 'coi-serviceworker.js';

/** The .js files under `dir`, as paths relative to www/, in a stable order. */
function scripts(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(WWW, path);
    if (skipped(rel)) continue;
    if (entry.isDirectory()) found.push(...scripts(path));
    else if (entry.isFile() && entry.name.endsWith('.js')) found.push(rel);
  }
  return found.sort();
}

const missing = scripts(WWW).filter(
  (rel) => readFileSync(join(WWW, rel), 'utf8').split('\n', 1)[0].trim() !== '// @ts-check',
);
if (missing.length === 0) {
  console.log('every script in www/ starts with // @ts-check');
} else {
  console.error(`${missing.length} script(s) in www/ do not start with // @ts-check (tsc does not check them):`);
  for (const rel of missing) console.error(`  www/${rel}`);
  process.exit(1);
}
