// Writes the headers a static host can be told to send, in the common formats, into the
// given folder: `_headers` (Netlify, Cloudflare Pages) and `serve.json` (the `serve` package).
// One list, so the formats cannot drift apart. Hosts that send no headers at all (GitHub
// Pages) rely on coi-serviceworker.js instead.
//
// Usage: node tools/write-host-config.mjs dist
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
  + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
  + 'frame-ancestors *'; // course sites anywhere may embed embed.html

export const HEADERS = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  // cross-origin: a course page that is itself isolated may still load the embed.
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  // Isolates the page even inside a non-isolated course page's frame (Chromium).
  ['Document-Isolation-Policy', 'isolate-and-require-corp'],
  ['Content-Security-Policy', CSP],
  ['X-Content-Type-Options', 'nosniff'],
];

const out = process.argv[2];
const headersFile = ['/*', ...HEADERS.map(([k, v]) => `  ${k}: ${v}`), '/*.wasm', '  Content-Type: application/wasm', ''].join('\n');
writeFileSync(join(out, '_headers'), headersFile);
const serveJson = {
  headers: [
    { source: '**/*', headers: HEADERS.map(([key, value]) => ({ key, value })) },
    { source: '**/*.wasm', headers: [{ key: 'Content-Type', value: 'application/wasm' }] },
  ],
};
writeFileSync(join(out, 'serve.json'), `${JSON.stringify(serveJson, null, 2)}\n`);
console.log(`wrote ${join(out, '_headers')} and ${join(out, 'serve.json')}`);
