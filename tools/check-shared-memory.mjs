// Fails unless the wasm module imports a *shared* memory. Without the link arguments in
// .cargo/config.toml the build still succeeds, wasm-bindgen quietly emits single-threaded
// glue, and threads fail only at run time; this check makes the build fail instead.
//
// Usage: node tools/check-shared-memory.mjs file.wasm
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
let at = 8; // magic + version
const leb = () => {
  let result = 0,
    shift = 0,
    byte;
  do {
    byte = bytes[at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
const name = () => {
  const n = leb();
  const s = bytes.subarray(at, at + n).toString();
  at += n;
  return s;
};

while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 2) {
    // the import section
    for (let count = leb(); count > 0; count--) {
      const where = `${name()}.${name()}`;
      const kind = bytes[at++];
      if (kind === 0x02) {
        // memory: limits flags 0x03 = shared with a maximum
        const flags = bytes[at++];
        if (flags & 0x02) {
          console.log(`ok: ${where} is a shared memory`);
          process.exit(0);
        }
        console.error(`error: ${where} is imported but NOT shared (flags ${flags}); check .cargo/config.toml`);
        process.exit(1);
      }
      if (kind === 0x00)
        leb(); // function: type index
      else if (kind === 0x01) {
        at++;
        const f = leb();
        leb();
        if (f & 1) leb();
      } // table
      else if (kind === 0x03) {
        at += 2;
      } // global: type + mutability
      else if (kind === 0x04) {
        at++;
        leb();
      } // tag
    }
  }
  at = end;
}
console.error('error: the module imports no memory; threads need an imported shared memory');
process.exit(1);
