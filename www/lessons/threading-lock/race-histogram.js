// @ts-check
// threading-lock's "Run many times": how often the no-lock race loses updates, and by how
// much, drawn from the runs' own final counters (`sample` events, one per run, sent as each
// run ends; so a stopped sweep still shows what it measured).
//   - the sweep: the share of runs that lost an update, against increments per thread;
//   - the histogram: the final counters of the runs of one loop length.
import { el, stylesheet, svg } from '../../dom.js';

/** This lesson's styles (lesson.css): the view is drawn once they have loaded (run-view.js). */
export const styled = stylesheet(new URL('./lesson.css', import.meta.url));

/** @typedef {import('../../protocol.js').PlaygroundEvent} PlaygroundEvent */

const n = (/** @type {number} */ x) => Number(x).toLocaleString('en-US');

/**
 * `Map(increments -> final counters[])`, in sweep order.
 * @param {PlaygroundEvent[]} events
 */
function finalsByLength(events) {
  /** @type {Map<number, number[]>} */
  const byLength = new Map();
  for (const e of events) {
    if (e.kind !== 'sample' || e.what !== 'final-counter') continue;
    // A sample has its x and value.
    const x = /** @type {number} */ (e.x);
    if (!byLength.has(x)) byLength.set(x, []);
    /** @type {number[]} */ (byLength.get(x)).push(/** @type {number} */ (e.value));
  }
  return byLength;
}

const median = (/** @type {number[]} */ sorted) =>
  sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

/**
 * @param {Map<number, number[]>} byLength
 * @param {number} threads
 * @param {number} width
 */
function sweepChart(byLength, threads, width) {
  const points = [...byLength].map(([x, finals]) => ({
    x,
    share: finals.filter((f) => f < threads * x).length / finals.length,
    runs: finals.length,
  }));
  const height = 180;
  const pad = { l: 44, r: 30, t: 10, b: 36 };
  const logs = points.map((p) => Math.log10(p.x));
  const lo = Math.min(...logs);
  const hi = Math.max(lo + 1, ...logs);
  const x = (/** @type {number} */ v) => pad.l + ((Math.log10(v) - lo) / (hi - lo)) * (width - pad.l - pad.r);
  const y = (/** @type {number} */ share) => height - pad.b - share * (height - pad.t - pad.b);
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'sweep-svg',
    role: 'img',
    'aria-label': `Share of runs that lost an update: ${points.map((p) => `${n(p.x)} increments ${Math.round(p.share * 100)}%`).join(', ')}`,
  });
  for (const share of [0, 0.5, 1]) {
    root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(share), y2: y(share), class: 'grid' }));
    root.append(
      svg('text', { x: pad.l - 6, y: y(share) + 4, 'text-anchor': 'end', class: 'axis-text' }, `${share * 100}%`),
    );
  }
  root.append(svg('polyline', { points: points.map((p) => `${x(p.x)},${y(p.share)}`).join(' '), class: 'measured' }));
  for (const p of points) {
    const dot = svg('circle', { cx: x(p.x), cy: y(p.share), r: 4, class: 'point', tabindex: 0 });
    dot.append(
      svg('title', {}, `${n(p.x)} increments per thread: ${Math.round(p.share * 100)}% of ${p.runs} runs lost updates`),
    );
    root.append(
      dot,
      svg('text', { x: x(p.x), y: height - pad.b + 16, 'text-anchor': 'middle', class: 'axis-text' }, n(p.x)),
    );
  }
  root.append(
    svg(
      'text',
      { x: (width + pad.l) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-text' },
      'increments per thread (log scale)',
    ),
  );
  return el(
    'figure',
    { class: 'sweep' },
    el('figcaption', {
      text: 'The share of runs that lost at least one update, for each loop length, as measured now',
    }),
    root,
  );
}

/**
 * @param {number[]} finals
 * @param {number} length
 * @param {number} threads
 * @param {number} width
 */
function histogram(finals, length, threads, width) {
  const sorted = [...finals].sort((a, b) => a - b);
  const expected = threads * length;
  const lost = sorted.filter((f) => f < expected).length;
  const lo = sorted[0];
  const hi = Math.max(sorted[sorted.length - 1], lo + 1);
  const bins = Math.min(30, hi - lo + 1);
  const counts = new Array(bins).fill(0);
  for (const f of sorted) counts[Math.min(bins - 1, Math.floor(((f - lo) / (hi - lo + 1)) * bins))] += 1;
  const height = 160;
  const pad = { l: 10, r: 10, t: 8, b: 34 };
  const barW = (width - pad.l - pad.r) / bins;
  const top = Math.max(...counts);
  const summary =
    `${n(sorted.length)} runs of ${threads} threads × ${n(length)} increments: ${Math.round((lost / sorted.length) * 100)}% lost updates. ` +
    `Final counter: min ${n(lo)}, median ${n(median(sorted))}, max ${n(sorted[sorted.length - 1])} (exact: ${n(expected)}).`;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'histogram-svg',
    role: 'img',
    'aria-label': summary,
  });
  counts.forEach((count, i) => {
    if (count === 0) return;
    const from = lo + Math.floor((i * (hi - lo + 1)) / bins);
    const to = lo + Math.floor(((i + 1) * (hi - lo + 1)) / bins) - 1;
    const h = (count / top) * (height - pad.t - pad.b);
    const exact = to >= expected;
    const bar = svg('rect', {
      x: pad.l + i * barW + 0.5,
      y: height - pad.b - h,
      width: Math.max(1, barW - 1),
      height: h,
      class: exact ? 'bin exact' : 'bin lost',
      tabindex: 0,
    });
    bar.append(svg('title', {}, `${count} runs ended at ${from === to ? n(from) : `${n(from)}–${n(to)}`}`));
    root.append(bar);
  });
  root.append(svg('text', { x: pad.l, y: height - pad.b + 16, class: 'axis-text' }, n(lo)));
  root.append(
    svg('text', { x: width - pad.r, y: height - pad.b + 16, 'text-anchor': 'end', class: 'axis-text' }, n(hi)),
  );
  root.append(
    svg(
      'text',
      { x: width / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-text' },
      'final counter (red: updates lost; blue: exact)',
    ),
  );
  return el(
    'figure',
    { class: 'histogram', 'data-role': 'histogram' },
    el('figcaption', { text: `Final counters of ${n(length)} increments per thread` }),
    root,
    el('p', { class: 'summary', text: summary }),
  );
}

/**
 * @param {HTMLElement} host
 * @param {unknown} _value
 * @param {{ events?: PlaygroundEvent[], params?: Record<string, unknown> }} [actions]
 */
export default function draw(host, _value, { events = [], params = {} } = {}) {
  const byLength = finalsByLength(events);
  if (byLength.size === 0) return;
  // As wide as there is room for, so the axis text keeps its size on a phone.
  const width = Math.max(280, Math.min(host.clientWidth || 520, 520));
  const threads = Number(params.threads ?? 2);
  const lengths = [...byLength.keys()];
  const holder = el('div', { class: 'histogram-holder' });
  const choose = el(
    'select',
    { 'aria-label': 'Loop length shown in the histogram' },
    ...lengths.map((length) => el('option', { value: String(length), text: `${n(length)} increments per thread` })),
  );
  // The longest loop that was measured: the one most likely to show the losses.
  choose.value = String(lengths[lengths.length - 1]);
  const show = () =>
    holder.replaceChildren(
      histogram(/** @type {number[]} */ (byLength.get(Number(choose.value))), Number(choose.value), threads, width),
    );
  choose.addEventListener('change', show);
  show();
  host.replaceChildren(
    el(
      'section',
      { class: 'race-runs', 'aria-label': 'The race, many times' },
      el('h3', { text: 'The race, many times' }),
      sweepChart(byLength, threads, width),
      el('label', { class: 'histogram-choice' }, 'Histogram of ', choose),
      holder,
    ),
  );
}
