// The rules of the Chrome Trace Event Format a file must obey to open cleanly in Perfetto UI
// and chrome://tracing; shared by the trace tests. Returns a list of problems (empty: fine).
export function traceProblems(trace) {
  const problems = [];
  const file = JSON.parse(JSON.stringify(trace));
  if (!Array.isArray(file.traceEvents)) return ['no traceEvents array'];
  if (file.displayTimeUnit !== 'ms') problems.push(`displayTimeUnit ${file.displayTimeUnit}`);
  const named = new Set();
  const tids = new Set();
  const complete = new Map();
  file.traceEvents.forEach((e, i) => {
    const where = `event ${i} ${JSON.stringify(e).slice(0, 120)}`;
    for (const key of ['name', 'ph', 'pid', 'tid']) if (e[key] === undefined) problems.push(`${where}: no ${key}`);
    if (typeof e.name !== 'string') problems.push(`${where}: name not a string`);
    if (!['X', 'i', 'M'].includes(e.ph)) problems.push(`${where}: phase ${e.ph}`);
    if (e.ph === 'M') {
      if (e.name === 'thread_name') named.add(e.tid);
      return;
    }
    tids.add(e.tid);
    if (!(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0)) problems.push(`${where}: ts`);
    if (e.ph === 'X') {
      if (!(typeof e.dur === 'number' && Number.isFinite(e.dur) && e.dur >= 0)) problems.push(`${where}: dur`);
      if (!complete.has(e.tid)) complete.set(e.tid, []);
      complete.get(e.tid).push(e);
    }
    if (e.ph === 'i' && !['t', 'p', 'g'].includes(e.s)) problems.push(`${where}: instant without s`);
  });
  for (const tid of tids) if (!named.has(tid)) problems.push(`tid ${tid} has no thread_name`);
  // Nesting, as the viewers check it: sorted by start (longer first), each event must end
  // within every event still open at its start. 1e-6 µs of slack for float rounding.
  const EPS = 1e-6;
  for (const [tid, list] of complete) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    for (const e of list) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts + EPS) stack.pop();
      const parent = stack.at(-1);
      if (parent && e.ts + e.dur > parent.ts + parent.dur + EPS) {
        problems.push(
          `tid ${tid}: "${e.name}" [${e.ts}, ${e.ts + e.dur}] crosses "${parent.name}" [${parent.ts}, ${parent.ts + parent.dur}]`,
        );
      }
      stack.push(e);
    }
  }
  return problems;
}
