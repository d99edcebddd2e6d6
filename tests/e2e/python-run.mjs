// A Python program run through the page's JS API (pg.runPython), and the programs more than one
// Python suite (Chromium's and Firefox's) runs.

/** 4 threads x 100,000 `counter += 1`, unlocked then locked: prints `unlocked N`, `locked N`. */
export const RACE = `
import threading
counter = 0
lock = threading.Lock()
def unlocked():
    global counter
    for _ in range(100000):
        counter += 1
def locked():
    global counter
    for _ in range(100000):
        with lock:
            counter += 1
for target in (unlocked, locked):
    counter = 0
    threads = [threading.Thread(target=target) for _ in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(target.__name__, counter)
`;

/** Two processes and three threads busy for ever: what Stop must end. Six lanes once all run. */
export const BUSY = `
import multiprocessing, threading
def spin():
    while True:
        pass
if __name__ == "__main__":
    for _ in range(2):
        multiprocessing.Process(target=spin).start()
    for _ in range(3):
        threading.Thread(target=spin).start()
`;

/** Runs `source` in the page; resolves to what the run gave, events summarised. */
export function runPythonIn(page, source, { cancelAfterMs = null } = {}) {
  return page.evaluate(
    async ([code, cancelAfter]) => {
      const run = window.playground.runPython(code);
      if (cancelAfter !== null) setTimeout(() => run.cancel(), cancelAfter);
      try {
        const r = await run.done;
        const lanes = [...new Set(r.events.map((e) => e.lane))];
        return {
          status: r.status,
          lines: r.lines,
          lanes,
          elapsedMs: r.elapsedMs,
          exitStatus: r.exitStatus,
          kinds: r.events.map((e) => (e.kind === 'span' ? `span:${e.state}:${e.lane}` : `${e.kind}:${e.lane}`)),
          stderr: r.events.filter((e) => e.kind === 'line' && e.stream === 'stderr').map((e) => e.text),
          // The workers still running Python once the run has ended: none, however it ended.
          workersLeft: window.playground.liveWorkers().python.running,
        };
      } catch (error) {
        return { error: error.message };
      }
    },
    [source, cancelAfterMs],
  );
}
