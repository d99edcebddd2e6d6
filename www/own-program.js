// @ts-check
// The learner's own program: the one section of the page that is not a scenario of the Rust
// registry (pg.scenarios, which pg.run runs). It is Python only: a starter in the Python
// mode's editor, run on RustPython like a seed section's Python. Its description has the shape
// of a scenario's where the page reads one (id, title, params, actions, views, python,
// notice), so the sections, the navigation and shared runs take it as they take a scenario.

/** Two threads add to one counter under a lock: the seed's lesson, small enough to change. */
const STARTER = `import threading

counter = 0
lock = threading.Lock()

def add(times):
    global counter
    for _ in range(times):
        with lock:  # take the lock away and run it again
            counter += 1
    print(threading.current_thread().name, "added", times)

threads = [threading.Thread(target=add, args=(100_000,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("Total:", counter)
`;

export const OWN_PROGRAM = Object.freeze({
  id: 'python',
  title: 'Your own program',
  /** Its group in the navigation, between the seed's programs and the lessons beyond it. */
  group: 'Your own Python',
  /** The line under the title, where a scenario names the seed's section it ports. */
  origin: 'Any Python you write, run on RustPython with real threads',
  fromSeed: false,
  own: true, // no Rust program: the section has no Run of its own, only the editor's
  needsSharedMemory: true, // Python threads share the interpreter's memory
  params: {},
  actions: [],
  views: [],
  python: STARTER,
  /** The Python mode's buttons, named for a program that is not the cheat sheet's. */
  pythonLabels: {
    edit: 'Edit and run your own Python',
    restore: 'Start again from the starter',
    restored: 'The starter is back.',
  },
  notice:
    'Both threads add 100,000 each, and the total is 200000 every time: the lock lets one thread at ' +
    'a time through counter += 1. Delete the line "with lock:", unindent the one under it and run it a few ' +
    'times: these threads really run at once, with no GIL to take turns, and updates are lost.',
});

/**
 * A section's description: a scenario's, or the learner's own program's.
 * @typedef {import('./playground.js').Scenario | typeof OWN_PROGRAM} PageScenario
 */

/**
 * The sections a page shows, in order: the registry's scenarios with the learner's own program
 * after the seed's programs, before the lessons beyond the seed.
 * @template {{ fromSeed: boolean }} S
 * @param {S[]} scenarios
 * @returns {(S | typeof OWN_PROGRAM)[]}
 */
export function pageScenarios(scenarios) {
  const afterSeed = scenarios.findLastIndex((s) => s.fromSeed) + 1;
  return [...scenarios.slice(0, afterSeed), OWN_PROGRAM, ...scenarios.slice(afterSeed)];
}
