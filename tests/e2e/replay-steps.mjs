// The replay of a synthetic 10 000-event run, scrubbed through 500 positions: the time each
// step costs and the frame intervals. Shared by the replay test and `./build.sh bench`.

/** `{ n, lines, loadMs, work: { p50, p95, max }, frame: { p50, p95, max }, jumpMs, ... }` in ms. */
export async function replayStepTimes(page) {
  const result = await page.evaluate(async () => {
    const { replayBar } = await import('./replay.js');
    const { drawTimeline, stateTable } = await import('./timeline.js');
    const { el } = await import('./dom.js');
    // A synthetic run: 8 lanes, each repeatedly running (with a lock wait inside), printing
    // and sleeping; each lane's events come together, as workers post them, not in time order.
    const t0 = 1000;
    const events = [];
    const lanes = ['MainThread', ...Array.from({ length: 7 }, (_, i) => `Thread-${i + 1}`)];
    const groups = Math.floor((10_000 - 2 * lanes.length) / 4 / lanes.length);
    let end = t0;
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
      end = Math.max(end, t);
    });
    const output = el('ol', { 'data-role': 'output', class: 'output' });
    const timeline = el('div', { class: 'timeline-host' });
    const replay = replayBar();
    const host = el('section', { class: 'scenario', 'data-scenario': 'synthetic' }, output, timeline, replay.node);
    document.getElementById('scenarios').prepend(host);
    const lines = [];
    for (const ev of events.filter((e) => e.kind === 'line').sort((a, b) => a.t - b.t)) {
      lines.push([
        ev,
        output.appendChild(
          el(
            'li',
            { class: 'line' },
            el('span', { class: 't', text: '+0' }),
            el('span', { class: 'text', text: ev.text }),
          ),
        ),
      ]);
    }
    const states = stateTable(window.playground.spanStates);
    replay.drawn(drawTimeline(timeline, events, { t0, endT: end, states }));
    const loadStart = performance.now();
    replay.load({ events, t0, endT: end, states, lines });
    const loadMs = performance.now() - loadStart;

    const slider = host.querySelector('[data-role=replay]');
    const stateList = host.querySelector('[data-role=replay-state]');
    const n = Number(slider.max);
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    const work = [];
    const intervals = [];
    let lastTs = null;
    const STEPS = 500;
    for (let i = 0; i <= STEPS; i++) {
      const pos = Math.round((i * n) / STEPS);
      // This frame callback is queued before the replay's, the next one after: between them
      // is the replay's own work; reading layout at the end adds the style and layout it caused.
      const before = new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      const inputStart = performance.now();
      slider.value = String(pos);
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
    const future = (pos) => {
      slider.value = String(pos);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      return frame().then(() => output.querySelectorAll('[data-replay=future]').length);
    };
    const atEnd = await future(n);
    const jumpStart = performance.now();
    const atStart = await future(0);
    const jumpMs = performance.now() - jumpStart;
    const told = [...stateList.children].map((li) => li.textContent);
    await future(Math.round(n / 2));
    const toldMid = [...stateList.children].map((li) => li.textContent);
    host.remove();
    return { n, lines: lines.length, loadMs, work, intervals, atEnd, atStart, jumpMs, told, toldMid };
  });
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { p50: q(0.5), p95: q(0.95), max: s.at(-1) };
  };
  return { ...result, work: stats(result.work), frame: stats(result.intervals) };
}
