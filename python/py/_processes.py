"""multiprocessing and ProcessPoolExecutor in the page, the way CPython's `spawn` start does it.

A browser cannot fork, and no two wasm instances share memory unless told to: each process here
is a fresh interpreter (a wasm instance with its own memory, its main thread on a Web Worker of
its own) that imports main.py's definitions (its imports, functions, classes and assignments,
not the rest of its top level), unpickles the Process object and runs it. Arguments, results and
queued items are pickled; the page holds the queues and carries them between processes. Pipes
and shared memory (Pipe, Value, Array, Manager) do not exist here and say so.

`install()` runs when a program first imports multiprocessing; `process_pool_executor()` when
it first asks concurrent.futures for ProcessPoolExecutor.
"""

import itertools
import os
import pickle
import queue
import threading

import multiprocessing
from multiprocessing import context, process, reduction

import _playground

_call = _playground.call


class Popen:
    """A child process started by the page: what Process.start, join, is_alive and terminate
    use (CPython's popen_spawn_posix.Popen, with the page in place of fork and exec)."""

    method = "spawn"

    def __init__(self, process_obj):
        if _playground.importing_definitions:
            raise RuntimeError(
                "A process was started while a child process was importing main.py's definitions. "
                "Put the code that starts processes under `if __name__ == \"__main__\":`."
            )
        self.returncode = None
        self.name = process_obj.name
        context.set_spawning_popen(self)
        try:
            payload = reduction.ForkingPickler.dumps(process_obj)
        finally:
            context.set_spawning_popen(None)
        answer = _call("process-start", bytes(payload), name=process_obj.name).decode()
        if answer.startswith("!"):
            raise OSError(answer[1:])
        self.pid = self.sentinel = int(answer)

    def poll(self, flag=os.WNOHANG if hasattr(os, "WNOHANG") else 1):
        return self.wait(0 if flag else None)

    def wait(self, timeout=None):
        if self.returncode is None and timeout == 0:
            self._ask(0)
        elif self.returncode is None:
            with _playground.span("join", f"{self.name}.join()"):
                self._ask(timeout)
        return self.returncode

    def _ask(self, timeout):
        code = _call("process-wait", pid=self.pid, timeout=timeout)
        self.returncode = int(code) if code else None

    def _signal(self, signal):
        if self.returncode is None:
            _call("process-kill", pid=self.pid, signal=signal)

    def terminate(self):
        self._signal(15)  # SIGTERM: Process.exitcode becomes -15, as in CPython

    def kill(self):
        self._signal(9)  # SIGKILL: -9

    interrupt = terminate

    def close(self):
        pass


class SpawnProcess(process.BaseProcess):
    _start_method = "spawn"

    @staticmethod
    def _Popen(process_obj):
        return Popen(process_obj)


class Queue:
    """multiprocessing.Queue (and SimpleQueue): a queue the page holds for every process of
    the run; items are pickled on put and unpickled on get, as through CPython's pipes."""

    def __init__(self, maxsize=0, *, ctx=None, _qid=None):
        self._qid = int(_call("queue-new")) if _qid is None else _qid

    def __reduce__(self):
        # The same page-held queue on the other side, not a new one.
        return (_queue_with_id, (self._qid,))

    def put(self, obj, block=True, timeout=None):
        _call("queue-put", bytes(reduction.ForkingPickler.dumps(obj)), qid=self._qid)

    def get(self, block=True, timeout=None):
        reply = _call("queue-get", qid=self._qid, timeout=timeout if block else 0)
        if not reply:
            raise queue.Empty
        return pickle.loads(reply[1:])

    def put_nowait(self, obj):
        self.put(obj, False)

    def get_nowait(self):
        return self.get(False)

    def qsize(self):
        return int(_call("queue-size", qid=self._qid))

    def empty(self):
        return self.qsize() == 0

    def close(self):
        pass

    def join_thread(self):
        pass

    def cancel_join_thread(self):
        pass


def _queue_with_id(qid):
    queue = Queue.__new__(Queue)
    queue._qid = qid
    return queue


class Lock:
    """multiprocessing.Lock and Semaphore: tokens in a page-held queue, so a process that holds
    one holds it for all of them; acquire takes a token, release puts one back."""

    def __init__(self, value=1, *, ctx=None):
        self._tokens = Queue()
        for _ in range(value):
            self._tokens.put(None)

    def acquire(self, block=True, timeout=None):
        try:
            self._tokens.get(block, timeout)
            return True
        except queue.Empty:
            return False

    def release(self):
        self._tokens.put(None)

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()


SHARED = ("each process here has its own memory, with no pipes or shared memory between processes. "
          "A multiprocessing.Queue is (its items are pickled)")
NOT_YET = {"RLock": "not made here yet; a multiprocessing.Lock is",
           "JoinableQueue": "not made here yet; a multiprocessing.Queue is"}


def _unavailable(name):
    def refuse(*args, **kwargs):
        why = NOT_YET.get(name, SHARED)
        raise NotImplementedError(f"multiprocessing.{name} is not available in the playground: {why}.")

    return refuse


class BrowserContext(context.BaseContext):
    """The one start method here, named spawn (what it is); fork and forkserver give it too."""

    _name = "spawn"
    Process = SpawnProcess

    def Queue(self, maxsize=0):
        return Queue(maxsize)

    SimpleQueue = Queue

    def Lock(self):
        return Lock()

    def Semaphore(self, value=1):
        return Lock(value)

    BoundedSemaphore = Semaphore

    def Pool(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None):
        return Pool(processes, initializer, initargs)


UNAVAILABLE = ("Pipe", "Value", "Array", "RawValue", "RawArray", "Manager", "Event", "Condition", "Barrier",
               *NOT_YET)
for _name in UNAVAILABLE:
    setattr(BrowserContext, _name, staticmethod(_unavailable(_name)))


def _name(func):
    return getattr(func, "__name__", "task")


def _chunk_label(func, chunk):
    if len(chunk) == 1:
        return f"{_name(func)}({chunk[0]!r})"[:60]
    return f"{_name(func)} on {len(chunk)} items"


def _apply(func, args, kwargs):
    return func(*args, **kwargs)


def _map_chunk(func, chunk, star):
    return list(itertools.starmap(func, chunk) if star else map(func, chunk))


def _worker(tasks, results, initializer, initargs):
    """A pool's worker process: runs tasks until it gets None, each a bar on its lane. An
    exception goes back with its traceback, as CPython's pool sends it."""
    if initializer is not None:
        initializer(*initargs)
    while (task := tasks.get()) is not None:
        job, index, func, args, label = task
        try:
            with _playground.span("run", label):
                outcome = (True, func(*args))
        except BaseException as error:  # sys.exit in a task too: the caller hears of it
            from multiprocessing.pool import ExceptionWithTraceback

            outcome = (False, ExceptionWithTraceback(error, error.__traceback__))
        results.put((job, index, *outcome))


class AsyncResult:
    """What apply_async and map_async return: ready once every part of the job has come back."""

    def __init__(self, parts, single, callback, error_callback):
        self._parts, self._single = [None] * parts, single
        self._missing = parts
        self._callback, self._error_callback = callback, error_callback
        self._error = None
        self._done = threading.Event()
        if parts == 0:
            self._finish()

    def _set(self, index, ok, value):
        if not ok and self._error is None:
            self._error = value
        self._parts[index] = value
        self._missing -= 1
        if self._missing == 0 or not ok:
            self._finish()

    def _finish(self):
        if self._done.is_set():
            return
        if self._error is None and self._callback:
            self._callback(self._value())
        if self._error is not None and self._error_callback:
            self._error_callback(self._error)
        self._done.set()

    def _value(self):
        return self._parts[0] if self._single else [x for part in self._parts for x in part]

    def ready(self):
        return self._done.is_set()

    def successful(self):
        if not self.ready():
            raise ValueError(f"{self!r} not ready")
        return self._error is None

    def wait(self, timeout=None):
        self._done.wait(timeout)

    def get(self, timeout=None):
        if not self._done.is_set():
            with _playground.span("map-wait", "waiting for the pool's results"):
                self._done.wait(timeout)
        if not self._done.is_set():
            raise multiprocessing.TimeoutError
        if self._error is not None:
            raise self._error
        return self._value()


class Pool:
    """multiprocessing.Pool: worker processes that take tasks from one page-held queue and put
    results on another; a thread of this process hands each result to its job."""

    def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None,
                 context=None, *, worker_name="PoolWorker"):
        if processes is None:
            processes = os.cpu_count() or 1
        if processes < 1:
            raise ValueError("Number of processes must be at least 1")
        self._tasks, self._results = Queue(), Queue()
        self._jobs, self._job_ids = {}, itertools.count()
        self._closed = False
        self._pool = []
        for _ in range(processes):
            worker = SpawnProcess(target=_worker, args=(self._tasks, self._results, initializer, initargs))
            worker.name = worker.name.replace("Process", worker_name)
            worker.daemon = True
            worker.start()
            self._pool.append(worker)
        self._collector = threading.Thread(target=self._collect, daemon=True, name="Pool result handler")
        self._collector.start()

    def _collect(self):
        while (item := self._results.get()) is not None:
            job, index, ok, value = item
            self._jobs[job]._set(index, ok, value)

    def _submit(self, parts, single, callback, error_callback, tasks):
        if self._closed:
            raise ValueError("Pool not running")
        result = AsyncResult(parts, single, callback, error_callback)
        job = next(self._job_ids)
        self._jobs[job] = result
        for index, (func, args, label) in enumerate(tasks):
            self._tasks.put((job, index, func, args, label))
        return result

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        task = (_apply, (func, args, kwds), f"{_name(func)}()")
        return self._submit(1, True, callback, error_callback, [task])

    def apply(self, func, args=(), kwds={}):
        return self.apply_async(func, args, kwds).get()

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None, star=False):
        items = list(iterable)
        if chunksize is None:  # as CPython chooses it
            chunksize, extra = divmod(len(items), len(self._pool) * 4)
            chunksize += 1 if extra else 0
        chunks = [items[i:i + max(chunksize, 1)] for i in range(0, len(items), max(chunksize, 1))]
        tasks = [(_map_chunk, (func, chunk, star), _chunk_label(func, chunk)) for chunk in chunks]
        return self._submit(len(chunks), False, callback, error_callback, tasks)

    def map(self, func, iterable, chunksize=None):
        return self.map_async(func, iterable, chunksize).get()

    def starmap_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self.map_async(func, iterable, chunksize, callback, error_callback, star=True)

    def starmap(self, func, iterable, chunksize=None):
        return self.starmap_async(func, iterable, chunksize).get()

    def imap(self, func, iterable, chunksize=1):
        """All results at once, in order (CPython's yields each as it comes)."""
        return iter(self.map(func, iterable, chunksize))

    imap_unordered = imap

    def close(self):
        if not self._closed:
            self._closed = True
            for _ in self._pool:
                self._tasks.put(None)

    def terminate(self):
        self._closed = True
        for worker in self._pool:
            worker.terminate()
        self._stop_collector()

    def join(self):
        if not self._closed:
            raise ValueError("Pool is still running")
        for worker in self._pool:
            worker.join()
        self._stop_collector()

    def _stop_collector(self):
        if self._collector.is_alive():
            self._results.put(None)
            self._collector.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.terminate()


def process_pool_executor():
    """The class concurrent.futures.ProcessPoolExecutor names here (made when first asked for)."""
    from concurrent import futures

    class ProcessPoolExecutor(futures.Executor):
        """concurrent.futures.ProcessPoolExecutor over the pool above: each submit a task for
        a worker process, its future settled by the pool's result thread."""

        def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(), **_):
            self._pool = Pool(max_workers, initializer, initargs, worker_name="Process")
            self._shutdown = False

        def submit(self, fn, /, *args, **kwargs):
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future = futures.Future()
            future.set_running_or_notify_cancel()
            self._pool.apply_async(fn, args, kwargs, future.set_result, future.set_exception)
            return future

        def map(self, fn, *iterables, timeout=None, chunksize=1, **_):
            return super().map(fn, *iterables, timeout=timeout)

        def shutdown(self, wait=True, *, cancel_futures=False):
            self._shutdown = True
            self._pool.close()
            if wait:
                self._pool.join()

    return ProcessPoolExecutor


def install():
    """Makes every start method this one, and the module's names (multiprocessing.Pool,
    Queue, ...) this context's."""
    browser = BrowserContext()
    for method in ("spawn", "fork", "forkserver"):
        context._concrete_contexts[method] = browser
    multiprocessing.context._default_context._default_context = browser
    multiprocessing.context._default_context._actual_context = browser
    names = ("Queue", "SimpleQueue", "Lock", "Semaphore", "BoundedSemaphore", "Pool")
    for name in names + UNAVAILABLE:
        setattr(multiprocessing, name, getattr(browser, name))
