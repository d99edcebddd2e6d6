// A Python program run through the page's JS API (pg.runPython), for the Python suites.

/** Runs `source` in the page; resolves to what the run gave, events summarised. */
export function runPythonIn(page, source, { cancelAfterMs = null } = {}) {
  return page.evaluate(async ([code, cancelAfter]) => {
    const run = window.playground.runPython(code);
    if (cancelAfter !== null) setTimeout(() => run.cancel(), cancelAfter);
    try {
      const r = await run.done;
      const lanes = [...new Set(r.events.map((e) => e.lane))];
      return { status: r.status, lines: r.lines, lanes, elapsedMs: r.elapsedMs, exitStatus: r.exitStatus,
        kinds: r.events.map((e) => (e.kind === 'span' ? `span:${e.state}:${e.lane}` : `${e.kind}:${e.lane}`)),
        stderr: r.events.filter((e) => e.kind === 'line' && e.stream === 'stderr').map((e) => e.text) };
    } catch (error) {
      return { error: error.message };
    }
  }, [source, cancelAfterMs]);
}

