// The site a host serves (dist/, built by ./build.sh dist) names no path of the machine that
// built it: panic locations in the wasm are trimmed (Cargo.toml's trim-paths), so neither the
// home folder, the cargo registry, the toolchain nor the checkout shows up in any file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

// No startSuite(): this reads dist/'s files, and needs no server and no browser.

const DIST = join(ROOT, 'dist');

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

test('no file of dist/ holds an absolute path of the build machine', () => {
  const machinePaths = [homedir(), ROOT, '/.cargo/registry', '/.rustup/toolchains'].filter((p) => p.length > 1);
  const found = [];
  let wasm = 0;
  for (const path of files(DIST)) {
    const text = readFileSync(path).toString('latin1');
    if (path.endsWith('.wasm')) wasm += 1;
    for (const p of machinePaths) if (text.includes(p)) found.push(`${path.slice(DIST.length)}: ${p}`);
  }
  assert.ok(wasm >= 2, 'the site and the npm package each hold the module');
  assert.deepEqual(found, []);
});
