// @ts-check
// threading-speedup's chart: measured speed-ups against the ideal, drawn from the run's value
// (`[{ workers, ms, speedup_x100, rayon_ms?, rayon_speedup_x100? }]`). The ideal is k up to the
// cores the browser offers and flat after: more workers than cores only take turns. A
// scenario names the views it has in its Rust metadata (`views: &["speedup-chart"]`).
import { el, stylesheet, svg } from '../../dom.js';

/** This lesson's styles (lesson.css): the view is drawn once they have loaded (run-view.js). */
export const styled = stylesheet(new URL('./lesson.css', import.meta.url));

/**
 * @typedef {{ workers: Num, ms: Num, speedup_x100: Num, rayon_ms?: Num, rayon_speedup_x100?: Num }} ValueRow
 *   one row of the run's value (BigInts from the module; a recorded run's may be numbers)
 * @typedef {number | bigint} Num
 * @typedef {{ workers: number, threads: number, threadsMs: number, rayon: number | null, rayonMs: number | null }} Row
 * @typedef {ReturnType<typeof chartScale>} Scale
 */

const HEIGHT = 230;
const PAD = { l: 40, r: 12, t: 12, b: 34 };

/**
 * The run's value as numbers: speed-ups as factors, rayon's null where it did not run.
 * @param {ValueRow[]} value
 * @returns {Row[]}
 */
const rowsOf = (value) =>
  value.map((r) => ({
    workers: Number(r.workers),
    threads: Number(r.speedup_x100) / 100,
    threadsMs: Number(r.ms),
    rayon: r.rayon_speedup_x100 === undefined ? null : Number(r.rayon_speedup_x100) / 100,
    rayonMs: r.rayon_ms === undefined ? null : Number(r.rayon_ms),
  }));

/**
 * Where things go: `x(workers)` and `y(speed-up)` in a chart `width` wide, the speed-up axis
 * a tenth above the highest of the ideal and the measured ones.
 * @param {Row[]} rows
 * @param {number} cores
 * @param {number} width
 */
function chartScale(rows, cores, width) {
  const maxWorkers = Math.max(...rows.map((r) => r.workers));
  const maxY = Math.max(Math.min(maxWorkers, cores), ...rows.flatMap((r) => [r.threads, r.rayon ?? 0])) * 1.1;
  return {
    width,
    maxWorkers,
    maxY,
    x: (/** @type {number} */ w) => PAD.l + ((w - 1) / Math.max(1, maxWorkers - 1)) * (width - PAD.l - PAD.r),
    y: (/** @type {number} */ s) => HEIGHT - PAD.b - (s / maxY) * (HEIGHT - PAD.t - PAD.b),
  };
}

/**
 * The ideal: k up to the cores, then flat; a line marks the cores if there are more workers.
 * @param {SVGSVGElement} root
 * @param {Row[]} rows
 * @param {number} cores
 * @param {Scale} scale
 */
function drawIdeal(root, rows, cores, { x, y, maxWorkers }) {
  const ideal = rows.map((r) => `${x(r.workers)},${y(Math.min(r.workers, cores))}`).join(' ');
  root.append(svg('polyline', { points: ideal, class: 'ideal' }));
  if (cores < maxWorkers) {
    root.append(svg('line', { x1: x(cores), x2: x(cores), y1: PAD.t, y2: HEIGHT - PAD.b, class: 'cores' }));
    root.append(svg('text', { x: x(cores) + 4, y: PAD.t + 10, class: 'axis-text' }, `${cores} cores`));
  }
}

/**
 * The measured speed-ups, threads and (if it ran) rayon: a line each, a focusable point per run.
 * @param {SVGSVGElement} root
 * @param {Row[]} rows
 * @param {Scale} scale
 */
function drawMeasured(root, rows, { x, y }) {
  /** @type {['threads' | 'rayon', string, string, 'threadsMs' | 'rayonMs'][]} */
  const series = [
    ['threads', 'measured', 'point', 'threadsMs'],
    ['rayon', 'measured rayon', 'point rayon', 'rayonMs'],
  ];
  for (const [key, line, dot, ms] of series) {
    const points = rows.filter((r) => r[key] !== null);
    if (points.length === 0) continue;
    const speedup = (/** @type {Row} */ r) => /** @type {number} */ (r[key]); // not null: filtered above
    root.append(
      svg('polyline', { points: points.map((r) => `${x(r.workers)},${y(speedup(r))}`).join(' '), class: line }),
    );
    for (const r of points) {
      const mark = svg('circle', { cx: x(r.workers), cy: y(speedup(r)), r: 4, class: dot, tabindex: 0 });
      mark.append(
        svg(
          'title',
          {},
          `${key === 'threads' ? 'threads' : 'rayon'}, ${r.workers} workers: ${r[ms]} ms, speed-up ${speedup(r).toFixed(2)}×`,
        ),
      );
      root.append(mark);
    }
  }
}

/**
 * The workers under the chart, about four speed-ups beside it, and what the axis is.
 * @param {SVGSVGElement} root
 * @param {Row[]} rows
 * @param {Scale} scale
 */
function drawAxes(root, rows, { x, y, maxY, width }) {
  for (const r of rows)
    root.append(
      svg(
        'text',
        { x: x(r.workers), y: HEIGHT - PAD.b + 16, 'text-anchor': 'middle', class: 'axis-text' },
        String(r.workers),
      ),
    );
  for (let s = 0; s <= maxY; s += Math.max(1, Math.ceil(maxY / 4))) {
    root.append(svg('text', { x: PAD.l - 6, y: y(s) + 4, 'text-anchor': 'end', class: 'axis-text' }, `${s}×`));
  }
  root.append(
    svg(
      'text',
      { x: (width + PAD.l) / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'axis-text' },
      'workers (dashed: ideal)',
    ),
  );
}

/**
 * Which colour is which; rayon's only if it ran.
 * @param {Row[]} rows
 */
const chartKey = (rows) =>
  el(
    'ul',
    { class: 'timeline-legend speedup-key' },
    el('li', {}, el('span', { class: 'swatch key-threads' }), 'threads, split by hand'),
    rows.some((r) => r.rayon !== null)
      ? el('li', {}, el('span', { class: 'swatch key-rayon' }), 'rayon, the same shares')
      : null,
  );

/**
 * @param {HTMLElement} host
 * @param {unknown} value the run's value: its rows, a list
 */
export default function draw(host, value) {
  if (!Array.isArray(value)) return;
  const rows = rowsOf(value);
  const cores = navigator.hardwareConcurrency || 1;
  const width = Math.max(280, Math.min(host.clientWidth || 480, 560));
  const scale = chartScale(rows, cores, width);
  const says = (/** @type {Row} */ r) =>
    `${r.workers} workers: threads ${r.threads.toFixed(2)}×${r.rayon === null ? '' : `, rayon ${r.rayon.toFixed(2)}×`}`;
  const root = svg('svg', {
    width,
    height: HEIGHT,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    class: 'speedup-svg',
    role: 'img',
    'aria-label': `Speed-up on ${cores} cores: ${rows.map(says).join('; ')}`,
  });
  drawIdeal(root, rows, cores, scale);
  drawMeasured(root, rows, scale);
  drawAxes(root, rows, scale);
  host.replaceChildren(root, chartKey(rows), coresNote(cores));
}

/**
 * Where the ideal bends, and why a curve may flatten before it: browsers may round the count
 * they report (WebKit says 4 or 8 whatever the machine has, against fingerprinting).
 * @param {number} cores
 */
const coresNote = (cores) =>
  el('p', {
    class: 'chart-note',
    'data-role': 'cores-note',
    text:
      `The ideal bends at ${cores} hardware thread${cores === 1 ? '' : 's'}, the number this browser reports ` +
      '(navigator.hardwareConcurrency). Some browsers round it: Safari and other WebKit browsers say 4 or 8 whatever ' +
      "the machine has. Measured speed-ups that flatten earlier show the machine's real number of cores.",
  });
