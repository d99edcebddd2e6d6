// Writes the headers a static host can be told to send, in the common formats, into the
// given folder: `_headers` (Netlify, Cloudflare Pages) and `serve.json` (the `serve` package).
// The headers come from server/headers.json, the file the dev server compiles in, so the dev
// server and the hosts cannot drift apart. Hosts that send no headers at all (GitHub Pages)
// rely on coi-serviceworker.js instead.
//
// Usage: node tools/write-host-config.mjs dist
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rules = JSON.parse(readFileSync(new URL('../server/headers.json', import.meta.url), 'utf8'));

export const csp = (frameAncestors) => [...rules.csp, `frame-ancestors ${frameAncestors}`].join('; ');

// Every path. Not the dev server's Cache-Control: a static host should let browsers cache.
export const HEADERS = [...rules.always, ...rules.isolation, ...rules.document_isolation];

// Per-path additions: [path, [[header, value]...]]. The CSP goes on the pages only, each form
// of each page's path (hosts with pretty URLs serve /embed.html as /embed): a `/*` CSP would be
// sent beside the embed's, and two policies both apply, so the stricter frame-ancestors would
// forbid every course page from framing the embed.
export const PAGES = [
  ...rules.pages.flatMap((page) =>
    page.paths.map((path) => [path, [['Content-Security-Policy', csp(page.frame_ancestors)]]]),
  ),
  ...rules.content_types.map((rule) => [`/*.${rule.extension}`, [['Content-Type', rule.content_type]]]),
];

// serve.json's `source` is a glob relative to the site: `index.html`, `**/*.wasm`; `/` stays.
const serveSource = (path) => (path === '/' ? '/' : path.replace(/^\//, '').replace(/^\*\./, '**/*.'));

export function writeHostConfig(out) {
  const rule = (path, headers) => [path, ...headers.map(([k, v]) => `  ${k}: ${v}`)];
  const headersFile = [...rule('/*', HEADERS), ...PAGES.flatMap(([path, headers]) => rule(path, headers)), ''].join(
    '\n',
  );
  writeFileSync(join(out, '_headers'), headersFile);
  const serveJson = {
    headers: [
      { source: '**/*', headers: HEADERS.map(([key, value]) => ({ key, value })) },
      ...PAGES.map(([path, headers]) => ({
        source: serveSource(path),
        headers: headers.map(([key, value]) => ({ key, value })),
      })),
    ],
  };
  writeFileSync(join(out, 'serve.json'), `${JSON.stringify(serveJson, null, 2)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node tools/write-host-config.mjs OUT_DIR');
    process.exit(2);
  }
  writeHostConfig(out);
  console.log(`wrote ${join(out, '_headers')} and ${join(out, 'serve.json')}`);
}
