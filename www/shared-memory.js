// @ts-check
// Whether a shared memory survives a postMessage here: the page asks it (pg.capabilities) and
// the main worker asks it of its own memory before posting it. Some browsers are cross-origin
// isolated and make a shared WebAssembly.Memory, yet refuse to post it (WebKitGTK by default,
// some WebViews: no SharedArrayBuffer), so isolation alone does not say threads can run.

/**
 * True if `memory` (by default a new one-page shared memory) can be posted.
 * @param {WebAssembly.Memory} [memory]
 */
export function canPostSharedMemory(memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })) {
  const channel = new MessageChannel();
  try {
    channel.port1.postMessage(memory);
    return true;
  } catch {
    return false;
  } finally {
    channel.port1.close();
  }
}
