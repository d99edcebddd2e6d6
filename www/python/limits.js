// @ts-check
// The largest Python program the page takes, wherever one comes from: the editor (Run), the
// JS API (pg.runPython) or a link (`#py=`). One place, so a link never carries a program the
// page would then refuse to run.

/** Source over this many bytes (UTF-8) is refused before anything starts. */
export const MAX_SOURCE_BYTES = 100 * 1024;

/**
 * Why `source` is refused, or null if it is not too large.
 * @param {string} source
 */
export function sourceTooLarge(source) {
  const size = new TextEncoder().encode(source).byteLength;
  return size > MAX_SOURCE_BYTES
    ? `The program is ${Math.ceil(size / 1024)} KB; the most this page runs is ${MAX_SOURCE_BYTES / 1024} KB.`
    : null;
}
