// Bundles the JavaScript of the built site (dist/) in place, so a browser opening the hosted page
// fetches, compiles and links one script before the page is ready instead of a dozen.
//
//   node tools/bundle.mjs dist
//
// A page's entry (page.js, embed.js) becomes one minified file holding every module the page
// needs before it is ready: the ones its `<link rel="modulepreload">` tags name, which is where
// the page already says so. In www/ the entry imports some of them with import(), so the main
// worker starts before they are evaluated; in one file there is nothing left to wait for, and
// those imports become static ones. What a page loads later (the timeline, the replay, sharing,
// the code view, the prediction form) stays in chunks of its own, loaded when first needed.
// worker.js becomes one file too. The modulepreload tags of the modules inside an entry go.
//
// Every file is written beside the modules it replaces, so `new URL('./…', import.meta.url)`
// names the same file as in www/ (pkg/, pkg-lessons/, worker.js, reference.json, pkg/src/). The
// entries and worker.js are replaced; the other source modules stay in the site: a scenario's
// views are imported by name at run time (run-view.js), as modules of their own, and they are
// what a reader of the hosted page's code finds beside the minified files (and their maps).
// www/ is not touched; the dev server keeps serving the modules as written.
import { RolldownMagicString, rolldown } from 'rolldown';
import { minifySync } from 'rolldown/experimental';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const PAGES = ['index.html', 'embed.html'];
const WORKER = 'worker.js';
// A classic script each page loads before it is ready (a service worker's too): not a module,
// so not bundled, only minified in place.
const CLASSIC = 'coi-serviceworker.js';

/** The entry module of a page (`<script type="module" src>`), as its HTML names it. */
export function entryOf(html) {
  const entry = html.match(/<script type="module" src="([^"]+)"><\/script>/)?.[1];
  if (!entry) throw new Error('the page has no <script type="module" src="…"> entry');
  return entry;
}

/** The modules a page preloads, as its HTML names them. */
export function preloadsOf(html) {
  return [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
}

/**
 * In the entry module's code, `import('./x.js')` of a module the page preloads becomes a static
 * import, so the module lands in the entry's file, not in a chunk fetched after it. The imports
 * go at the end: evaluation follows their order in the text, so the entry's own first import
 * (start.js) is still evaluated first. Returns the code as a magic string, whose source map
 * rolldown carries into the bundle's.
 */
export function staticPreloads(code, isPreloaded) {
  const edited = new RolldownMagicString(code);
  const imports = [];
  for (const { 0: call, 1: quote, 2: spec, index } of code.matchAll(/\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g)) {
    if (!isPreloaded(spec)) continue;
    const name = `preloaded$${imports.length}`;
    imports.push(`import * as ${name} from ${quote}${spec}${quote};\n`);
    edited.overwrite(index, index + call.length, `Promise.resolve(${name})`);
  }
  if (imports.length) edited.append(`\n${imports.join('')}`);
  return edited;
}

/** The page's HTML without the modulepreload tags of `inside`, the files its entry now holds. */
export function withoutPreloads(html, inside) {
  return html.replace(/[ \t]*<link rel="modulepreload" href="([^"]+)">\n/g, (tag, href) => (inside(href) ? '' : tag));
}

/**
 * Bundles `entry` (a path in `site`) in place; `preloaded`: the paths of the modules that go
 * into its file even where it imports them with import(). Returns the chunks written.
 */
async function bundle(site, entry, preloaded = new Set()) {
  const entryPath = resolve(site, entry);
  const build = await rolldown({
    input: entryPath,
    plugins: [
      {
        name: 'preloaded-modules-in-the-entry',
        transform(code, id) {
          if (resolve(id) !== entryPath) return null;
          return { code: staticPreloads(code, (spec) => preloaded.has(resolve(dirname(entryPath), spec))) };
        },
      },
    ],
    // A module imported both ways (import() and import) is expected: it is in the entry's file.
    checks: { ineffectiveDynamicImport: false },
  });
  try {
    const { output } = await build.write({
      dir: site,
      format: 'esm',
      minify: true,
      sourcemap: true, // the browser asks for a map only when its developer tools are open
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    });
    return output.filter((file) => file.type === 'chunk');
  } finally {
    await build.close();
  }
}

/**
 * `code`, a classic script, minified; its licence comments (`/*! … *\/`) are kept, first.
 * @param {string} name
 * @param {string} code
 */
export function minifiedClassic(name, code) {
  const licences = code.match(/\/\*![\s\S]*?\*\//g) ?? [];
  const { code: minified, errors } = minifySync(name, code, { compress: true, mangle: true, sourcemap: false });
  if (errors?.length) throw new Error(`${name}: ${errors.map((e) => e.message).join('; ')}`);
  return [...licences, minified].join('\n');
}

/** Bundles the site's pages and worker; returns a line per file written. */
export async function bundleSite(site) {
  const root = resolve(site);
  const report = [];
  const describe = (chunks) => chunks.map((c) => `${c.fileName} (${c.code.length} B)`).join(', ');
  for (const page of PAGES) {
    const htmlPath = join(root, page);
    if (!existsSync(htmlPath)) continue;
    const html = readFileSync(htmlPath, 'utf8');
    const preloaded = new Set(preloadsOf(html).map((href) => resolve(root, href)));
    const chunks = await bundle(root, entryOf(html), preloaded);
    const entryModules = new Set(chunks.find((c) => c.isEntry).moduleIds.map((id) => resolve(id)));
    writeFileSync(
      htmlPath,
      withoutPreloads(html, (href) => entryModules.has(resolve(root, href))),
    );
    report.push(`${page}: ${describe(chunks)}`);
  }
  report.push(`${WORKER}: ${describe(await bundle(root, WORKER))}`);
  const classic = join(root, CLASSIC);
  if (existsSync(classic)) {
    const code = minifiedClassic(CLASSIC, readFileSync(classic, 'utf8'));
    writeFileSync(classic, code);
    report.push(`${CLASSIC}: minified (${code.length} B)`);
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const site = process.argv[2];
  if (!site || !existsSync(join(site, 'index.html'))) {
    console.error('usage: node tools/bundle.mjs <site>, a built site holding index.html (e.g. dist)');
    process.exit(2);
  }
  for (const line of await bundleSite(site)) console.log(line);
  console.log(`bundled ${relative(process.cwd(), resolve(site)) || '.'}`);
}
