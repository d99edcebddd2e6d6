// @ts-check
// A worker's reply channel: how the page answers a Python thread that asked it for something
// (start a process, a queue's next item) and waits, blocked, for the answer. The thread reads
// the answer as file descriptor 4; the page writes it into a SharedArrayBuffer of the worker's
// own, a chunk at a time, since a blocked worker receives no messages.
//
// Layout: Int32 STATE (EMPTY or FULL), Int32 LENGTH of the chunk, then the chunk's bytes. An
// answer is framed as 8 bytes of length (little-endian) and its bytes, so the reader knows
// where it ends whatever the chunks.
import { Fd, wasi as defs } from '../vendor/browser_wasi_shim/index.js';

const STATE = 0;
const LENGTH = 1;
const EMPTY = 0;
const FULL = 1;
const HEADER_BYTES = 8;
const CHUNK_BYTES = 64 * 1024;

/**
 * A thread's reply channel: its STATE, LENGTH and chunk.
 * @typedef {SharedArrayBuffer} ReplyChannel
 */

/** @returns {ReplyChannel} */
export function newReplyChannel() {
  return new SharedArrayBuffer(HEADER_BYTES + CHUNK_BYTES);
}

/**
 * The page's end: sends `bytes` as one answer, waiting (without blocking) for each chunk to be
 * read, as long as `alive()` says its reader may still read (a process that ended will not).
 * @param {ReplyChannel} channel
 * @param {Uint8Array} bytes
 * @param {() => boolean} [alive]
 */
export async function sendReply(channel, bytes, alive = () => true) {
  const head = new Int32Array(channel, 0, 2);
  const body = new Uint8Array(channel, HEADER_BYTES);
  const framed = new Uint8Array(8 + bytes.byteLength);
  new DataView(framed.buffer).setBigUint64(0, BigInt(bytes.byteLength), true);
  framed.set(bytes, 8);
  for (let at = 0; at < framed.byteLength; at += CHUNK_BYTES) {
    while (Atomics.load(head, STATE) !== EMPTY) {
      if (!alive()) return;
      await changeOf(head, STATE, FULL);
    }
    const chunk = framed.subarray(at, at + CHUNK_BYTES);
    body.set(chunk);
    Atomics.store(head, LENGTH, chunk.byteLength);
    Atomics.store(head, STATE, FULL);
    Atomics.notify(head, STATE);
  }
}

/** The thread's end, file descriptor 4 of its WASI: a read blocks until the page has written. */
export class ReplyReader extends Fd {
  /** @type {Int32Array} */
  #head;
  /** @type {Uint8Array} */
  #body;
  #read = 0;

  /** @param {ReplyChannel} channel */
  constructor(channel) {
    super();
    this.#head = new Int32Array(channel, 0, 2);
    this.#body = new Uint8Array(channel, HEADER_BYTES);
  }

  /**
   * @override
   * @param {number} size
   */
  fd_read(size) {
    while (Atomics.load(this.#head, STATE) !== FULL) Atomics.wait(this.#head, STATE, EMPTY);
    const length = Atomics.load(this.#head, LENGTH);
    const data = this.#body.slice(this.#read, Math.min(length, this.#read + size));
    this.#read += data.byteLength;
    if (this.#read === length) {
      this.#read = 0;
      Atomics.store(this.#head, STATE, EMPTY);
      Atomics.notify(this.#head, STATE);
    }
    return { ret: defs.ERRNO_SUCCESS, data };
  }

  // Not a directory: wasi-libc looks for preopened directories from fd 3 up until EBADF.
  /** @override */
  fd_prestat_get() {
    return { ret: defs.ERRNO_BADF, prestat: null };
  }
}

/**
 * Resolves when `ints[index]` is no longer `value` (Atomics.waitAsync; a poll where missing).
 * @param {Int32Array} ints
 * @param {number} index
 * @param {number} value
 * @returns {Promise<unknown>}
 */
export function changeOf(ints, index, value) {
  if (typeof Atomics.waitAsync === 'function') {
    const { async, value: result } = Atomics.waitAsync(ints, index, value, 1000);
    return async ? result : Promise.resolve(result);
  }
  return new Promise((resolve) => setTimeout(resolve, 20));
}
