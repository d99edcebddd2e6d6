// One script for every worker of the playground; the first message says which role it has.
//
//   coordinator  a run's main thread: runs scenarios, may block, owns the shared memory
//   thread       a thread on that shared memory: waits for jobs forever (never returns)
//   process      its own instance and memory: runs calls sent to it, like a child process
//
// playground.js starts all of them and routes their messages; the state lives in Rust.
import init, * as wasm from './pkg/concurrency_playground.js';

self.onmessage = async ({ data }) => {
  try {
    if (data.role === 'coordinator') await startCoordinator(data);
    else if (data.role === 'thread') await startThread(data);
    else if (data.role === 'process') await startProcess(data);
    else throw new Error(`unknown worker role ${data.role}`);
  } catch (error) {
    postMessage({ type: 'worker-failed', role: data.role, message: String(error?.message ?? error) });
  }
};

async function startCoordinator({ module }) {
  // No memory is passed: this instance creates the shared memory the thread workers join.
  await init({ module_or_path: module });
  wasm.coordinator_init();
  self.onmessage = ({ data }) => {
    if (data.type === 'run') run(data);
    else if (data.type === 'bench') bench(data);
    else wasm.deliver_to_coordinator(data);
  };
  // Only a cross-origin isolated page may post shared memory; elsewhere threads cannot start.
  const memory = self.crossOriginIsolated ? wasm.shared_memory() : null;
  postMessage({ type: 'coordinator-ready', memory });
}

async function run({ runId, id, pairs }) {
  const t0 = performance.timeOrigin + performance.now();
  postMessage({ type: 'run-started', runId, t0 });
  try {
    const { value, repr } = await wasm.run_scenario(runId, id, pairs);
    const elapsedMs = performance.timeOrigin + performance.now() - t0;
    postMessage({ type: 'run-done', runId, value, repr, elapsedMs, lostThreads: wasm.lost_thread_workers() });
  } catch (error) {
    const elapsedMs = performance.timeOrigin + performance.now() - t0;
    const message = Array.isArray(error) ? error.map((e) => e.message).join('; ') : String(error?.message ?? error);
    postMessage({ type: 'run-failed', runId, message, elapsedMs, lostThreads: wasm.lost_thread_workers() });
  }
}

async function bench({ runId, name, args }) {
  try {
    const value = await wasm.run_bench(runId, name, args);
    postMessage({ type: 'run-done', runId, value, repr: String(value), elapsedMs: value, lostThreads: wasm.lost_thread_workers() });
  } catch (error) {
    postMessage({ type: 'run-failed', runId, message: String(error?.message ?? error), elapsedMs: 0, lostThreads: wasm.lost_thread_workers() });
  }
}

async function startThread({ module, memory, index }) {
  await init({ module_or_path: module, memory });
  wasm.thread_worker_main(index); // posts {type: 'ready'} and never returns
}

async function startProcess({ module, pid: firstPid }) {
  let pid = firstPid;
  // Without `memory` the instance gets a fresh one of its own: nothing is shared.
  await init({ module_or_path: module });
  wasm.process_init(pid);
  self.onmessage = ({ data: { reqId, runId, lane, call, reset, pid: newPid } }) => {
    if (reset) {
      // The process exited: a fresh instance with a fresh memory, for the next process.
      wasm.__wbg_reset_state();
      pid = newPid;
      wasm.process_init(pid);
      postMessage({ type: 'process-ready', pid });
      return;
    }
    try {
      postMessage({ type: 'call-result', reqId, value: wasm.process_call(runId, pid, lane, call) });
    } catch (error) {
      postMessage({ type: 'call-result', reqId, error: String(error?.message ?? error) });
    }
  };
  postMessage({ type: 'process-ready', pid });
}
