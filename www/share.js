// @ts-check
// A recorded run, to share or keep: `{ v: 2, scenario, params, events, t0, endT, status,
// elapsedMs, recordedAt, browser, cores }` as JSON, gzip-compressed and base64url-encoded into
// a link's fragment (`index.html?scenario=ID#run=...`), or saved as a `.run.json` file. A
// Python program goes into a link the same way (`index.html?scenario=ID#py=...`), as its text.
//
// Whatever comes back (a link anyone may craft, a file anyone may edit) is untrusted: it is
// unpacked within size limits, parsed, and rebuilt field by field after checking each field's
// type, so the page only ever sees a record of the right shape; its text is only ever shown
// with textContent (a program, in the editor, runs only when the learner presses Run). Each
// failure is a ShareError whose message says what was wrong.
import { MAX_SOURCE_BYTES, sourceTooLarge } from './python/limits.js';
import { upgradeV1Event } from './share-v1.js';

/**
 * @typedef {import('./protocol.js').PlaygroundEvent} PlaygroundEvent
 * @typedef {'done' | 'error' | 'cancelled'} RecordStatus
 * @typedef {{
 *   scenario: string, params: Record<string, string | number>, t0: number | null, endT: number | null,
 *   status: RecordStatus, elapsedMs: number, recordedAt: string, browser: string, cores: number | null,
 *   message?: string,
 * }} RecordHeader everything of a record but its format and events
 * @typedef {RecordHeader & { v: number, events: PlaygroundEvent[] }} RunRecord a recorded run, as this page writes
 *   it and as checkRun rebuilds one
 * @typedef {{ scenarios: { id: string }[], spanStates: { name: string }[], maxParams: number }} Known what a
 *   recorded run may name (the playground's; section.js's knownToRecords)
 * @typedef {Record<string, any>} Raw an object as a link or file has it, not yet checked
 * @typedef {{ key: string, what: string, limit: number, tooLarge: (limit: number) => string }} Payload
 * @typedef {{ wrong: (what: string) => never, states: Set<string>, isStart: (ev: Raw) => boolean }} KindCheck
 */

/** The format this page writes, and the ones it reads (share-v1.js: what changed). */
export const VERSION = 2;
const READS = [1, 2];
export const MAX_EVENTS = 200_000;
export const MAX_UNPACKED_BYTES = 20 * 1024 * 1024; // the JSON, once decompressed
export const MAX_LINK_CHARS = 2 * 1024 * 1024; // longer links are refused by browsers or chat tools
const MAX_TEXT = 10_000; // one printed line, note or label
const MAX_NAME = 300; // a lane, a state, a parameter
const DAY_MS = 86_400_000;
const KINDS = new Set([
  'line',
  'note',
  'lane-start',
  'lane-end',
  'span',
  'marks',
  'sample',
  'view', // a lesson's own data (its view's name, data and a one-line text)
  'refused',
  'awaiting-input',
  // A Python run's (www/python/): output cut short, a syntax error, the program's exit.
  'cut',
  'syntax-error',
  'exit',
]);
const MAX_VIEW_FIELDS = 16;
const STATUSES = new Set(['done', 'error', 'cancelled']);

export class ShareError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ShareError';
  }
}

const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * A short name of this browser, e.g. "Chromium 156" or "Firefox 128". `userAgentData`: the
 * User-Agent Client Hints (Chromium's; not in TypeScript's DOM types).
 * @param {(Navigator & { userAgentData?: { brands?: { brand: string, version: string }[] } }) | undefined} [nav]
 */
export function browserName(nav = globalThis.navigator) {
  const brands = nav?.userAgentData?.brands ?? [];
  const brand =
    brands.find((b) => !/not.?a.?brand/i.test(b.brand) && b.brand !== 'Chromium') ??
    brands.find((b) => b.brand === 'Chromium');
  if (brand) return `${brand.brand} ${brand.version}`;
  const ua = nav?.userAgent ?? '';
  for (const [re, name] of /** @type {[RegExp, string][]} */ ([
    [/Firefox\/(\d+)/, 'Firefox'],
    [/Edg\/(\d+)/, 'Edge'],
    [/Chrom(?:e|ium)\/(\d+)/, 'Chromium'],
    [/Version\/(\d+).*Safari/, 'Safari'],
  ])) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1]}`;
  }
  return 'an unknown browser';
}

/**
 * The record of a finished run, stamped with now, this browser and its cores.
 * @param {{
 *   scenario: string, params?: Record<string, string | number>, events: PlaygroundEvent[], t0: number | null,
 *   endT?: number | null, status: RecordStatus, elapsedMs?: number, message?: unknown,
 * }} run
 * @returns {RunRecord}
 */
export function recordOf({
  scenario,
  params = {},
  events,
  t0,
  endT = null,
  status,
  elapsedMs = 0,
  message = undefined,
}) {
  return {
    v: VERSION,
    scenario,
    params: { ...params },
    events,
    t0,
    endT,
    status,
    elapsedMs,
    ...(message ? { message: String(message) } : {}),
    recordedAt: new Date().toISOString(),
    browser: browserName(),
    cores: globalThis.navigator?.hardwareConcurrency ?? null,
  };
}

/**
 * base64url without padding, in chunks (String.fromCharCode(...bytes) overflows the stack).
 * @param {Uint8Array} bytes
 */
export function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * What a link carries in its fragment after `#<key>=`, named in what is said of it: a recorded
 * run (JSON) or a Python program (its text), each unpacked to at most `limit` bytes.
 */
/** @type {Payload} */
const RUN_PAYLOAD = {
  key: 'run',
  what: 'run',
  limit: MAX_UNPACKED_BYTES,
  tooLarge: (limit) => `This run is too large: it unpacks to more than ${mb(limit)}, the most this page reads.`,
};
/** @type {Payload} */
const PYTHON_PAYLOAD = {
  key: 'py',
  what: 'Python program',
  limit: MAX_SOURCE_BYTES,
  tooLarge: (limit) =>
    `The Python program in this link unpacks to more than ${limit / 1024} KB; the most this page runs is ${limit / 1024} KB.`,
};

/**
 * `what`: what the text carries, for the message if it is not base64url.
 * @param {string} text
 * @param {string} [what]
 */
export function fromBase64Url(text, what = RUN_PAYLOAD.what) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new ShareError(`The link is damaged: its ${what} is not valid base64url text (was it cut short or edited?).`);
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** @param {string} text */
async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decompresses `bytes`, reading the stream chunk by chunk and giving up as soon as the
 * output passes the payload's `limit` (a small link can unpack to gigabytes).
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {Payload} [payload]
 */
export async function gunzipLimited(bytes, { what, limit, tooLarge } = RUN_PAYLOAD) {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new ShareError(`The link is damaged: its ${what} is not gzip-compressed data.`);
  }
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        reader.cancel().catch(() => {});
        throw new ShareError(tooLarge(limit));
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ShareError) throw error;
    throw new ShareError(`The link is damaged: its compressed ${what} is cut short or corrupt.`);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The text that goes after `#run=`.
 * @param {RunRecord} record
 */
export async function encodeRun(record) {
  return toBase64Url(await gzip(JSON.stringify(record)));
}

/**
 * The bytes a fragment carries after `#<key>=` (or the text after it), unpacked within the
 * payload's limit; throws a ShareError.
 * @param {string} fragment
 * @param {Payload} payload
 */
async function unpackFragment(fragment, payload) {
  const text = fragment.replace(new RegExp(`^#?(${payload.key}=)?`), '');
  if (text.length === 0) throw new ShareError(`The link holds no ${payload.what} after "#${payload.key}=".`);
  // base64 of the compressed data: the compressed size is within 3/4 of it.
  if (text.length > MAX_UNPACKED_BYTES)
    throw new ShareError(
      `This link is too long (${mb(text.length)}); the most this page reads is ${mb(MAX_UNPACKED_BYTES)}.`,
    );
  return gunzipLimited(fromBase64Url(text, payload.what), payload);
}

/**
 * The link to the page of the record's scenario with the run in its fragment.
 * @param {RunRecord} record
 * @param {URL | string} base
 */
export async function runLink(record, base) {
  const url = new URL('index.html', base);
  url.searchParams.set('scenario', record.scenario);
  for (const [name, value] of Object.entries(record.params)) url.searchParams.set(name, String(value));
  url.hash = `run=${await encodeRun(record)}`;
  return url.href;
}

/**
 * The run in a fragment (`#run=...`, or the text after `run=`), checked; throws a ShareError.
 * @param {string} fragment
 * @param {Known} known
 */
export async function decodeRun(fragment, known) {
  return parseRun(new TextDecoder().decode(await unpackFragment(fragment, RUN_PAYLOAD)), known);
}

/**
 * The link to the page's section `scenario` with the Python program `source` in its fragment
 * (`#py=`); a program the page would refuse to run is refused here (a ShareError).
 * @param {string} source
 * @param {string} scenario
 * @param {URL | string} base
 */
export async function pythonLink(source, scenario, base) {
  const refused = sourceTooLarge(source);
  if (refused) throw new ShareError(refused);
  const url = new URL('index.html', base);
  url.searchParams.set('scenario', scenario);
  url.hash = `${PYTHON_PAYLOAD.key}=${toBase64Url(await gzip(source))}`;
  return url.href;
}

/**
 * The Python program in a fragment (`#py=...`, or the text after `py=`); throws a ShareError.
 * @param {string} fragment
 */
export async function decodePython(fragment) {
  const bytes = await unpackFragment(fragment, PYTHON_PAYLOAD);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ShareError(`The link is damaged: its ${PYTHON_PAYLOAD.what} is not UTF-8 text.`);
  }
}

/**
 * A saved `.run.json` file's text, checked; throws a ShareError.
 * @param {string} json
 * @param {Known} known
 */
export function parseRun(json, known) {
  if (json.length > MAX_UNPACKED_BYTES)
    throw new ShareError(
      `This run is too large (${mb(json.length)}); the most this page reads is ${mb(MAX_UNPACKED_BYTES)}.`,
    );
  let data;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ShareError('This is not a recorded run: its content is not JSON.');
  }
  return checkRun(data, known);
}

/** @type {(x: unknown) => x is Raw} */
const isObject = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);
/** @type {(x: unknown) => x is number} */
const isTime = (x) => typeof x === 'number' && Number.isFinite(x);
/** @type {(x: unknown, max: number) => x is string} */
const str = (x, max) => typeof x === 'string' && x.length <= max;

/**
 * The record `data` rebuilt from checked fields only. `known` is `{ scenarios: [{ id }],
 * spanStates: [{ name }], maxParams }` (the playground's): a run of an unknown scenario, or
 * with a span state this page does not know, is refused. A record of format 1 is read too: its
 * lessons' events are rewritten as the view events of format 2 on the way in.
 * @param {unknown} data
 * @param {Known} known
 * @returns {RunRecord}
 */
export function checkRun(data, known) {
  if (!isObject(data)) bad('it is not a JSON object');
  if (!READS.includes(data.v)) {
    throw new ShareError(
      `This run was recorded by another version of the playground (format ${typeof data.v === 'number' ? data.v : 'unknown'}); this page reads formats ${READS.join(' and ')}.`,
    );
  }
  const header = checkHeader(data, known);
  if (!Array.isArray(data.events)) bad('its events are not a list');
  if (data.events.length > MAX_EVENTS) {
    throw new ShareError(
      `This run has too many events (${data.events.length}); the most this page shows is ${MAX_EVENTS}.`,
    );
  }
  const events = data.v === 1 ? data.events.map(upgradeV1Event) : data.events;
  const check = eventChecker(known, data.t0);
  return { v: VERSION, ...header, events: events.map(check) };
}

/**
 * Throws the ShareError of a record that is not valid, saying `what` is wrong with it.
 * @param {string} what
 * @returns {never}
 */
function bad(what) {
  throw new ShareError(`This recorded run is not valid: ${what}.`);
}

/**
 * Everything of a record but its events, checked.
 * @param {Raw} data
 * @param {Known} known
 * @returns {RecordHeader}
 */
function checkHeader(data, { scenarios, maxParams }) {
  if (typeof data.scenario !== 'string') bad('it names no scenario');
  if (!scenarios.some((s) => s.id === data.scenario)) {
    throw new ShareError(`This run is of a scenario this page does not have ("${data.scenario.slice(0, 80)}").`);
  }
  const params = checkParams(data.params, maxParams);
  if (!(data.t0 === null || isTime(data.t0))) bad('its start time t0 is not a number');
  if (!(data.endT === null || data.endT === undefined || isTime(data.endT))) bad('its end time endT is not a number');
  if (!STATUSES.has(data.status)) bad('its status is not done, error or cancelled');
  if (!isTime(data.elapsedMs) || data.elapsedMs < 0 || data.elapsedMs > DAY_MS)
    bad('its elapsed time is not a number of ms from 0 to a day');
  if (!str(data.recordedAt, 40) || Number.isNaN(Date.parse(data.recordedAt))) bad('its date recordedAt is not a date');
  if (!str(data.browser, 100)) bad('its browser is not a short text');
  if (!(data.cores === null || (Number.isInteger(data.cores) && data.cores >= 1 && data.cores <= 4096)))
    bad('its number of cores is not a whole number');
  if (data.message !== undefined && !str(data.message, MAX_TEXT)) bad('its error message is not text');
  return {
    scenario: data.scenario,
    params,
    t0: data.t0,
    endT: data.endT ?? null,
    status: data.status,
    elapsedMs: data.elapsedMs,
    recordedAt: data.recordedAt,
    browser: data.browser,
    cores: data.cores,
    ...(data.message !== undefined ? { message: data.message } : {}),
  };
}

/**
 * A record's parameters: at most `maxParams` names, each with a short text or a number.
 * @param {unknown} given
 * @param {number} maxParams
 * @returns {Record<string, string | number>}
 */
function checkParams(given, maxParams) {
  if (!isObject(given)) bad('its parameters are not an object');
  const params = Object.create(null);
  const names = Object.keys(given);
  if (names.length > maxParams) bad(`it has ${names.length} parameters`);
  for (const name of names) {
    const value = given[name];
    if (!str(name, MAX_NAME) || !(str(value, MAX_TEXT) || isTime(value)))
      bad(`parameter "${String(name).slice(0, 40)}" is not a short text or number`);
    params[name] = value;
  }
  return params;
}

/**
 * A function that checks the `i`th event and rebuilds it from its checked fields.
 * @param {Known} known
 * @param {number | null} t0 the record's start (checked)
 * @returns {(ev: unknown, i: number) => PlaygroundEvent}
 */
function eventChecker({ spanStates }, t0) {
  const states = new Set(spanStates.map((s) => s.name));
  const near = (/** @type {number} */ t) => t0 === null || Math.abs(t - t0) <= DAY_MS;
  const isStart = (/** @type {Raw} */ ev) => isTime(ev.start) && ev.start <= ev.t && near(ev.start);
  return (ev, i) => {
    /** @type {(what: string) => never} */
    const wrong = (what) => bad(`event ${i} ${what}`);
    if (!isObject(ev)) wrong('is not an object');
    if (!isTime(ev.t) || !near(ev.t)) wrong('has no time t within a day of the start');
    if (!str(ev.lane, MAX_NAME) || ev.lane.length === 0) wrong('has no lane name');
    if (!KINDS.has(ev.kind))
      wrong(`is of an unknown kind (${typeof ev.kind === 'string' ? ev.kind.slice(0, 40) : typeof ev.kind})`);
    return { t: ev.t, lane: ev.lane, kind: ev.kind, ...kindFields(ev, { wrong, states, isStart }) };
  };
}

/**
 * The fields of an event's kind, checked: `wrong(what)` throws, `states` are the span states
 * known, `isStart(ev)` says whether its start is a time before its end.
 * @param {Raw} ev
 * @param {KindCheck} check
 * @returns {Partial<PlaygroundEvent>}
 */
function kindFields(ev, { wrong, states, isStart }) {
  const start = () => {
    if (!isStart(ev)) wrong('has a start that is not a time before its end');
  };
  switch (ev.kind) {
    case 'line':
    case 'note':
    case 'refused':
      if (!str(ev.text, MAX_TEXT)) wrong('has a text that is not text');
      return { text: ev.text };
    case 'lane-start':
      if (!str(ev.what ?? '', MAX_TEXT)) wrong('has a "what" that is not text');
      return { what: ev.what ?? '' };
    case 'span':
      if (!states.has(ev.state)) wrong('has an unknown state');
      start();
      if (!str(ev.label, MAX_TEXT)) wrong('has a label that is not text');
      return { state: ev.state, start: ev.start, label: ev.label };
    case 'marks':
      start();
      if (!Number.isInteger(ev.count) || ev.count < 0) wrong('has a count that is not a whole number');
      if (!str(ev.what ?? '', MAX_TEXT)) wrong('has a "what" that is not text');
      return { what: ev.what ?? '', start: ev.start, count: ev.count };
    case 'sample':
      if (!str(ev.what, MAX_NAME) || !Number.isFinite(ev.x) || !Number.isFinite(ev.value))
        wrong('is not a sample (what, x, value)');
      return { what: ev.what, x: ev.x, value: ev.value };
    case 'view':
      return viewFields(ev, wrong);
    default:
      return {};
  }
}

/**
 * A lesson's view event: its view's name, a one-line text, and flat data (names to short texts,
 * numbers or yes/no). Which fields a view reads is the lesson's business; any view shows them
 * only as text, so this shape is all the page needs to trust.
 * @param {Raw} ev
 * @param {(what: string) => never} wrong
 */
function viewFields(ev, wrong) {
  if (!str(ev.view, MAX_NAME) || !/^[a-z][a-z0-9-]*$/.test(ev.view)) wrong('names no view');
  if (!str(ev.text, MAX_TEXT)) wrong('has a text that is not text');
  if (!isObject(ev.data)) wrong('has no data object');
  const names = Object.keys(ev.data);
  if (names.length > MAX_VIEW_FIELDS) wrong(`has ${names.length} data fields`);
  const data = Object.create(null);
  for (const name of names) {
    const value = ev.data[name];
    const simple = str(value, MAX_TEXT) || isTime(value) || typeof value === 'boolean';
    if (!/^[a-z][a-z0-9_]{0,39}$/i.test(name) || !simple)
      wrong(`has a data field "${name.slice(0, 40)}" that is not a short text, number or yes/no`);
    data[name] = value;
  }
  return { view: ev.view, data, text: ev.text };
}

/**
 * "Recorded run of 2026-11-28 in Chromium 156 on 2 cores; nothing was run now."
 * @param {RunRecord} record
 */
export function describeRecorded(record) {
  const day = new Date(record.recordedAt).toISOString().slice(0, 10);
  const cores = record.cores ? ` on ${record.cores} core${record.cores === 1 ? '' : 's'}` : '';
  return `Recorded run of ${day} in ${record.browser}${cores}; nothing was run now.`;
}
