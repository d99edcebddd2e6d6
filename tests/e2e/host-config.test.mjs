// The static-host config (tools/write-host-config.mjs, from server/headers.json): every form of
// every page's path gets the CSP with its frame-ancestors, in both formats, and the headers
// every path gets are the ones the dev server sends. No browser, no build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not harness.mjs (nor startSuite()): that loads playwright-core, and this test needs no packages,
// no server and no browser.
const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const rules = JSON.parse(readFileSync(join(ROOT_DIR, 'server', 'headers.json'), 'utf8'));
const policy = (frameAncestors) => `${rules.csp.join('; ')}; frame-ancestors ${frameAncestors}`;
// Each HTML path form a host may serve, and who may frame it.
const PAGES = {
  '/': "'self'",
  '/index.html': "'self'",
  '/index': "'self'",
  '/embed.html': '*',
  '/embed': '*',
};

function written() {
  const out = mkdtempSync(join(tmpdir(), 'pg-host-config-'));
  try {
    execFileSync(process.execPath, [join(ROOT_DIR, 'tools', 'write-host-config.mjs'), out], { stdio: 'pipe' });
    return {
      headersFile: readFileSync(join(out, '_headers'), 'utf8'),
      serveJson: JSON.parse(readFileSync(join(out, 'serve.json'), 'utf8')),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `_headers` as { path: { header: [values] } }. */
function parseHeadersFile(text) {
  const rulesByPath = {};
  let current;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!line.startsWith(' ')) {
      current = rulesByPath[line] ??= {};
      continue;
    }
    const [name, ...value] = line.trim().split(': ');
    current[name.toLowerCase()] ??= [];
    current[name.toLowerCase()].push(value.join(': '));
  }
  return rulesByPath;
}

test('_headers: every page path form has the CSP with its frame-ancestors, once', () => {
  const byPath = parseHeadersFile(written().headersFile);
  for (const [path, frameAncestors] of Object.entries(PAGES)) {
    assert.deepEqual(byPath[path]?.['content-security-policy'], [policy(frameAncestors)], path);
  }
  assert.equal(byPath['/*']['content-security-policy'], undefined, "no CSP on /* beside the pages' own");
  assert.deepEqual(byPath['/*']['cross-origin-resource-policy'], ['cross-origin']);
  assert.deepEqual(byPath['/*']['cross-origin-embedder-policy'], ['require-corp']);
  assert.deepEqual(byPath['/*.wasm']['content-type'], ['application/wasm']);
  assert.equal(byPath['/*']['cache-control'], undefined, "the dev server's no-cache stays there");
});

test('serve.json: every page path form has the CSP with its frame-ancestors, once', () => {
  const { serveJson } = written();
  const source = (path) => (path === '/' ? '/' : path.slice(1));
  for (const [path, frameAncestors] of Object.entries(PAGES)) {
    const matching = serveJson.headers.filter((rule) => rule.source === source(path));
    const csps = matching.flatMap((rule) =>
      rule.headers.filter((h) => h.key === 'Content-Security-Policy').map((h) => h.value),
    );
    assert.deepEqual(csps, [policy(frameAncestors)], path);
  }
  const all = serveJson.headers.find((rule) => rule.source === '**/*');
  assert.ok(!all.headers.some((h) => h.key === 'Content-Security-Policy'));
  assert.ok(all.headers.some((h) => h.key === 'Cross-Origin-Resource-Policy' && h.value === 'cross-origin'));
  const wasm = serveJson.headers.find((rule) => rule.source === '**/*.wasm');
  assert.deepEqual(wasm.headers, [{ key: 'Content-Type', value: 'application/wasm' }]);
});
