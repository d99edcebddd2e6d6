// The third-party code the Python mode loads in the browser, from npm, into www/vendor/
// (git-ignored; `./build.sh build` runs this): CodeMirror 6 as one ES module (its packages
// import each other by bare name, which a browser cannot resolve), and browser_wasi_shim's
// modules as they are (they import only each other, by relative path).
//
//   node tools/vendor.mjs www
import { rolldown } from 'rolldown';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = process.argv[2] ?? 'www';
const vendor = join(ROOT, site, 'vendor');

const wasiShim = join(ROOT, 'node_modules/@bjorn3/browser_wasi_shim/dist');
mkdirSync(join(vendor, 'browser_wasi_shim'), { recursive: true });
for (const file of readdirSync(wasiShim).filter((f) => f.endsWith('.js'))) {
  copyFileSync(join(wasiShim, file), join(vendor, 'browser_wasi_shim', file));
}

const bundle = await rolldown({ input: join(ROOT, 'tools/editor-entry.mjs'), logLevel: 'warn' });
await bundle.write({ file: join(vendor, 'codemirror.js'), format: 'es', minify: true, sourcemap: true });
await bundle.close();
