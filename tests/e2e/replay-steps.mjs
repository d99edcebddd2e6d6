// The replay of a synthetic 10 000-event run, scrubbed through 500 positions: the time each
// step costs and the frame intervals. Shared by the replay test and `./build.sh bench`.
// Each step below is one page.evaluate (its function runs in the page, so it names nothing of
// this file); the replay under measure is kept between them as `window.replayUnderMeasure`.

/** A synthetic run: 8 lanes, each repeatedly running (with a lock wait inside), printing and
 * sleeping; each lane's events come together, as workers post them, not in time order. */
function syntheticRun() {
  const t0 = 1000;
  const events = [];
  const lanes = ['MainThread', ...Array.from({ length: 7 }, (_, i) => `Thread-${i + 1}`)];
  const groups = Math.floor((10_000 - 2 * lanes.length) / 4 / lanes.length);
  let endT = t0;
  lanes.forEach((lane, k) => {
    let t = t0 + 0.1 + k * 0.3;
    events.push({ t, lane, kind: 'lane-start', what: 'synthetic' });
    for (let g = 0; g < groups; g++) {
      const runFrom = t;
      events.push({ t: t + 0.2, lane, kind: 'span', state: 'lock-wait', start: t + 0.05, label: 'lock' });
      t += 0.4 + (g % 3) * 0.1;
      events.push({ t, lane, kind: 'span', state: 'run', start: runFrom, label: `step ${g}` });
      events.push({ t, lane, kind: 'line', text: `${lane} step ${g}` });
      events.push({ t: t + 0.3, lane, kind: 'span', state: 'sleep', start: t, label: 'sleep' });
      t += 0.3;
    }
    events.push({ t, lane, kind: 'lane-end' });
    endT = Math.max(endT, t);
  });
  return { events, t0, endT };
}

/** In the page: a section with the run's printed lines, its timeline and a replay bar, loaded
 * with the run; resolves to `{ n, lines, loadMs }` (n: the slider's positions). */
async function mountReplay({ events, t0, endT }) {
  const { replayBar } = await import('./replay.js');
  const { drawTimeline, stateTable } = await import('./timeline.js');
  const { el } = await import('./dom.js');
  const output = el('ol', { 'data-role': 'output', class: 'output' });
  const timeline = el('div', { class: 'timeline-host' });
  const replay = replayBar();
  const host = el('section', { class: 'scenario', 'data-scenario': 'synthetic' }, output, timeline, replay.node);
  document.getElementById('scenarios').prepend(host);
  const lines = [];
  for (const ev of events.filter((e) => e.kind === 'line').sort((a, b) => a.t - b.t)) {
    const text = el('span', { class: 'text', text: ev.text });
    lines.push([ev, output.appendChild(el('li', { class: 'line' }, el('span', { class: 't', text: '+0' }), text))]);
  }
  const states = stateTable(window.playground.spanStates);
  replay.drawn(drawTimeline(timeline, events, { t0, endT, states }));
  const loadStart = performance.now();
  replay.load({ events, t0, endT, states, lines });
  const loadMs = performance.now() - loadStart;
  const slider = host.querySelector('[data-role=replay]');
  const stateList = host.querySelector('[data-role=replay-state]');
  window.replayUnderMeasure = { host, output, slider, stateList };
  return { n: Number(slider.max), lines: lines.length, loadMs };
}

/** In the page: moves the slider through `steps` + 1 positions, one a frame; resolves to each
 * step's work and the intervals between frames, in ms. */
async function scrub(steps) {
  const { output, slider, stateList } = window.replayUnderMeasure;
  const n = Number(slider.max);
  await new Promise((r) => requestAnimationFrame(r));
  const work = [];
  const intervals = [];
  let lastTs = null;
  for (let i = 0; i <= steps; i++) {
    // This frame callback is queued before the replay's, the next one after: between them
    // is the replay's own work; reading layout at the end adds the style and layout it caused.
    const before = new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    const inputStart = performance.now();
    slider.value = String(Math.round((i * n) / steps));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    const inputMs = performance.now() - inputStart;
    const afterP = new Promise((r) =>
      requestAnimationFrame((ts) => {
        stateList.getBoundingClientRect();
        output.lastChild.getBoundingClientRect();
        r({ done: performance.now(), ts });
      }),
    );
    const start = await before;
    const { done, ts } = await afterP;
    work.push(inputMs + done - start);
    if (lastTs !== null) intervals.push(ts - lastTs);
    lastTs = ts;
  }
  return { work, intervals };
}

/** In the page: jumps to the end, the start and the middle; resolves to the lines still in the
 * future at the end and the start, the jump's time, and what the state list tells at the start
 * and the middle; then removes the section. */
async function jumps() {
  const { host, output, slider, stateList } = window.replayUnderMeasure;
  const n = Number(slider.max);
  const future = (pos) => {
    slider.value = String(pos);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    return new Promise((r) => requestAnimationFrame(r)).then(
      () => output.querySelectorAll('[data-replay=future]').length,
    );
  };
  const atEnd = await future(n);
  const jumpStart = performance.now();
  const atStart = await future(0);
  const jumpMs = performance.now() - jumpStart;
  const told = [...stateList.children].map((li) => li.textContent);
  await future(Math.round(n / 2));
  const toldMid = [...stateList.children].map((li) => li.textContent);
  host.remove();
  delete window.replayUnderMeasure;
  return { atEnd, atStart, jumpMs, told, toldMid };
}

/** The median, the 95th percentile and the largest of `xs`. */
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), max: s.at(-1) };
}

/** `{ n, lines, loadMs, work: { p50, p95, max }, frame: { p50, p95, max }, jumpMs, ... }` in ms. */
export async function replayStepTimes(page) {
  const mounted = await page.evaluate(mountReplay, syntheticRun());
  const { work, intervals } = await page.evaluate(scrub, 500);
  const jumped = await page.evaluate(jumps);
  return { ...mounted, ...jumped, work: stats(work), frame: stats(intervals) };
}
