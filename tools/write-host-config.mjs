// Writes the headers a static host can be told to send, in the common formats, into the
// given folder: `_headers` (Netlify, Cloudflare Pages) and `serve.json` (the `serve` package).
// One list, so the formats cannot drift apart. Hosts that send no headers at all (GitHub
// Pages) rely on coi-serviceworker.js instead.
//
// Usage: node tools/write-host-config.mjs dist
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The pages' Content-Security-Policy: only embed.html may be framed by other sites (course
// pages); the full page may only be framed by itself, against clickjacking. (The dev server,
// server/src/lib.rs, and the pages' <meta> tags carry their own copies of the policy.)
const csp = (frameAncestors) => "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
  + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
  + `frame-ancestors ${frameAncestors}`;

export const HEADERS = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  // cross-origin: a course page that is itself isolated may still load the embed.
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  // Isolates the page even inside a non-isolated course page's frame (Chromium).
  ['Document-Isolation-Policy', 'isolate-and-require-corp'],
  ['X-Content-Type-Options', 'nosniff'],
];

/** Per-path additions: [path, [[header, value]...]]. */
const PAGES = [
  ['/', [['Content-Security-Policy', csp("'self'")]]],
  ['/index.html', [['Content-Security-Policy', csp("'self'")]]],
  ['/embed.html', [['Content-Security-Policy', csp('*')]]],
  ['/*.wasm', [['Content-Type', 'application/wasm']]],
];

const out = process.argv[2];
const rule = (path, headers) => [path, ...headers.map(([k, v]) => `  ${k}: ${v}`)];
const headersFile = [...rule('/*', HEADERS), ...PAGES.flatMap(([path, headers]) => rule(path, headers)), ''].join('\n');
writeFileSync(join(out, '_headers'), headersFile);
const serveJson = {
  headers: [
    { source: '**/*', headers: HEADERS.map(([key, value]) => ({ key, value })) },
    ...PAGES.map(([path, headers]) => ({
      source: path === '/' ? '/' : path.replace(/^\//, '').replace('*.wasm', '**/*.wasm'),
      headers: headers.map(([key, value]) => ({ key, value })),
    })),
  ],
};
writeFileSync(join(out, 'serve.json'), `${JSON.stringify(serveJson, null, 2)}\n`);
console.log(`wrote ${join(out, '_headers')} and ${join(out, 'serve.json')}`);
