"""The playground's harness around a learner's program (never shown to the learner).

The page runs `python -c "import _playground; _playground.main()" SOURCE CONFIG`. It reports what
the program does as JSON lines on file descriptor 3 (the page stamps each with the clock all
workers share, so the timeline lines up): a lane per thread, each printed line on the lane of
the thread that printed it, and the time spent in time.sleep, Thread.join and waiting for a
threading.Lock. Then it runs the learner's source (the first argument) as `__main__`, named
main.py in tracebacks, as `python main.py` would. CONFIG (JSON) gives the process id the page
numbered this process with and the browser's core count; in a child process started by
multiprocessing (_processes.py), also its name and the pickled Process object to run.
"""

import binascii
import json
import os
import sys
import threading
import time

EVENTS_FD = 3
REPLIES_FD = 4
MAX_LINES = 10_000

_write_event = os.write
_real_sleep = time.sleep
_monotonic = time.monotonic


# In a child process: its name (Process-1), which names its lanes; None in the main process.
_process_name = None
# True while a child process imports main.py's definitions: a process started then would
# start another, and so on (CPython's spawn refuses it too).
importing_definitions = False


def _lane():
    thread = threading.current_thread()
    if _process_name is None:
        return thread.name
    return _process_name if thread is threading.main_thread() else f"{_process_name} {thread.name}"


def _emit(kind, **fields):
    fields["kind"] = kind
    fields.setdefault("lane", _lane())
    _write_event(EVENTS_FD, (json.dumps(fields) + "\n").encode())


def call(op, data=b"", **fields):
    """Asks the page for something only it can do (start a process, wait for one, a queue's
    next item) and waits for the answer, which comes on REPLIES_FD: 8 bytes of length, then
    the bytes. One call at a time per thread; each thread has its own reply channel."""
    _emit("call", op=op, data=binascii.b2a_base64(data, newline=False).decode(), **fields)
    size = int.from_bytes(_read_exactly(8), "little")
    return _read_exactly(size)


def _read_exactly(size):
    parts = []
    while size > 0:
        part = os.read(REPLIES_FD, size)
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


class span:
    """A stretch of time in one state, reported when it ends (its start in the page's ms)."""

    def __init__(self, state, label):
        self.state, self.label = state, label

    def __enter__(self):
        self.started = _monotonic()

    def __exit__(self, *exc):
        _emit("span", state=self.state, label=self.label, seconds=_monotonic() - self.started)


class _Printed:
    """sys.stdout and sys.stderr: each complete line becomes a `line` event on the lane of the
    thread that printed it. Past MAX_LINES lines the rest is cut, with one note saying so."""

    def __init__(self, stream):
        self.stream = stream
        self.partial = {}

    def write(self, text):
        lane = _lane()
        text = self.partial.pop(lane, "") + text
        *lines, rest = text.split("\n")
        for line in lines:
            _count_line(line, self.stream, lane)
        if rest:
            self.partial[lane] = rest
        return len(text)

    def flush(self):
        for lane, rest in list(self.partial.items()):
            _count_line(rest, self.stream, lane)
        self.partial.clear()

    def isatty(self):
        return False


_lines = [0]


def _count_line(text, stream, lane):
    _lines[0] += 1
    if _lines[0] <= MAX_LINES:
        _emit("line", text=text, stream=stream, lane=lane)
    elif _lines[0] == MAX_LINES + 1:
        _emit("cut", text=f"More than {MAX_LINES:,} lines: the rest is not shown", lane=lane)


def _sleep(seconds):
    with span("sleep", f"time.sleep({seconds:g})"):
        _real_sleep(seconds)


class _LockWaits(threading.local):
    """A thread's waits for locks, those closer together than MERGE_S drawn as one stretch:
    a contended counter waits thousands of times, and an event each would bury the timeline."""

    MERGE_S = 0.00025

    def __init__(self):
        self.stretch = None  # [start, end, waits]

    def add(self, start, end):
        if self.stretch and start - self.stretch[1] < self.MERGE_S:
            self.stretch[1:] = [end, self.stretch[2] + 1]
            return
        self.flush()
        self.stretch = [start, end, 1]

    def flush(self):
        if self.stretch:
            start, end, waits = self.stretch
            label = "waiting for a lock" if waits == 1 else f"waiting for a lock ({waits} waits)"
            _emit("span", state="lock-wait", label=label, seconds=end - start, ago=_monotonic() - end)
            self.stretch = None


_lock_waits = _LockWaits()


class _Lock:
    """threading.Lock as the learner's program gets it: the same lock, and the time a thread
    waits for it held by another is reported (an uncontended acquire costs one try)."""

    __slots__ = ("_lock",)

    def __init__(self):
        self._lock = _real_allocate_lock()

    def acquire(self, blocking=True, timeout=-1):
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        start = _monotonic()
        taken = self._lock.acquire(True, timeout)
        _lock_waits.add(start, _monotonic())
        return taken

    __enter__ = acquire

    def release(self):
        self._lock.release()

    def __exit__(self, *exc):
        self._lock.release()

    def locked(self):
        return self._lock.locked()


def _instrument_threads():
    run, join = threading.Thread.run, threading.Thread.join

    def traced_run(self):
        _emit("lane-start", what="thread")
        try:
            run(self)
        finally:
            _lock_waits.flush()
            _emit("lane-end")

    def traced_join(self, timeout=None):
        if not self.is_alive():
            return join(self, timeout)
        with span("join", f"{self.name}.join()"):
            return join(self, timeout)

    threading.Thread.run = traced_run
    threading.Thread.join = traced_join
    threading.Lock = _Lock


_real_allocate_lock = threading._allocate_lock


def _patch_asyncio(asyncio):
    """asyncio's own loop wakes through a socket pair, which does not exist here: a loop whose
    selector waits for the next timer or for a thread's wake-up (call_soon_threadsafe, which
    asyncio.to_thread and run_in_executor use), whichever comes first. There are no file
    descriptors to watch."""
    import selectors
    import signal

    for name, value in (("SIGINT", 2), ("getsignal", lambda _: None), ("default_int_handler", None)):
        if not hasattr(signal, name):
            setattr(signal, name, value)

    class TimerSelector(selectors.BaseSelector):
        def __init__(self):
            self._map = {}
            self.woken = threading.Event()

        def register(self, fileobj, events, data=None):
            raise NotImplementedError("no file descriptors in a browser")

        def unregister(self, fileobj):
            raise KeyError(fileobj)

        def select(self, timeout=None):
            # None: nothing is scheduled; only another thread can give the loop work.
            self.woken.wait(None if timeout is None else max(timeout, 0))
            self.woken.clear()
            return []

        def close(self):
            pass

        def get_map(self):
            return self._map

    class BrowserEventLoop(asyncio.SelectorEventLoop):
        def __init__(self):
            super().__init__(TimerSelector())

        def _make_self_pipe(self):
            self._ssock = self._csock = None

        def _close_self_pipe(self):
            pass

        def _write_to_self(self):
            self._selector.woken.set()

    class Policy(asyncio.DefaultEventLoopPolicy):
        def new_event_loop(self):
            return BrowserEventLoop()

    asyncio.set_event_loop_policy(Policy())


def _print_traceback(error):
    """The traceback of the learner's code only, as CPython prints it for `python main.py`."""
    import traceback

    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != "main.py":
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)


def _join_threads():
    """As the interpreter does at exit: the program ends when its non-daemon threads have."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()


class _AfterImport:
    """Runs a hook after a module's first import (the patches for asyncio, multiprocessing and
    concurrent.futures), so a program that imports none of them pays nothing for them."""

    def __init__(self, hooks):
        self.hooks = hooks

    def find_spec(self, name, path, target=None):
        if name not in self.hooks:
            return None
        for finder in sys.meta_path:
            spec = None if finder is self else finder.find_spec(name, path, target)
            if spec is not None:
                spec.loader = _HookedLoader(spec.loader, self.hooks.pop(name))
                return spec
        return None


class _HookedLoader:
    def __init__(self, loader, hook):
        self.loader, self.hook = loader, hook

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.hook(module)


def _patch_multiprocessing(module):
    import _processes

    _processes.install()


def _patch_futures(module):
    """ProcessPoolExecutor, looked up lazily as concurrent.futures does, is ours."""
    lookup = module.__getattr__

    def __getattr__(name):
        if name != "ProcessPoolExecutor":
            return lookup(name)
        import _processes

        module.ProcessPoolExecutor = _processes.process_pool_executor()
        return module.ProcessPoolExecutor

    module.__getattr__ = __getattr__


def _as_this_process(config):
    """os's view of the process: the id the page gave it and the browser's cores."""
    os.getpid = lambda: config["pid"]
    os.getppid = lambda: config["ppid"]
    os.cpu_count = os.process_cpu_count = lambda: config["cpus"]
    sys.meta_path.insert(0, _AfterImport({"multiprocessing": _patch_multiprocessing,
                                          "concurrent.futures": _patch_futures,
                                          "asyncio": _patch_asyncio}))


def _new_main_module(name):
    module = type(sys)(name)
    module.__file__ = "main.py"
    sys.modules["__main__"] = sys.modules[name] = module
    return module


def _run_program(source):
    exec(compile(source, "main.py", "exec"), _new_main_module("__main__").__dict__)
    return 0


_DEFINITIONS = ("Import", "ImportFrom", "FunctionDef", "AsyncFunctionDef", "ClassDef", "Assign", "AnnAssign")


def _run_child(source, payload):
    """A child process, as CPython's spawn starts one: main.py's definitions imported as
    `__mp_main__` (not its other statements: the seed's ProcessPoolExecutor is not under
    `if __name__ == "__main__":`), then the parent's Process object, unpickled, runs."""
    global importing_definitions
    import _ast
    import pickle

    tree = compile(source, "main.py", "exec", _ast.PyCF_ONLY_AST)
    tree.body = [node for node in tree.body if type(node).__name__ in _DEFINITIONS]
    importing_definitions = True
    try:
        exec(compile(tree, "main.py", "exec"), _new_main_module("__mp_main__").__dict__)
    finally:
        importing_definitions = False
    process = pickle.loads(binascii.a2b_base64(payload))
    # Its lane starts now: the process is started when it runs its target, as in the picture.
    _emit("lane-start", what="process")
    return process._bootstrap()


def _exit_status(code):
    """sys.exit(code) as CPython ends: None is 0, an int is itself, anything else is printed
    (to stderr) and ends with 1."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def _end_processes():
    """As the interpreter does at exit once multiprocessing was used: daemonic children
    are terminated, the others waited for."""
    if "multiprocessing" in sys.modules:
        from multiprocessing import util

        util._exit_function()


def main():
    """Runs the program given as the first argument (its source) as `python main.py` would."""
    global _process_name
    source, config = sys.argv[1], json.loads(sys.argv[2])
    child = config.get("child")
    _process_name = child and child["name"]
    sys.argv = ["main.py"]
    sys.stdout = _Printed("stdout")
    sys.stderr = _Printed("stderr")
    time.sleep = _sleep
    _as_this_process(config)
    _instrument_threads()
    if not child:
        _emit("lane-start", what="main thread")
    try:
        status = _run_child(source, child["payload"]) if child else _run_program(source)
    except SyntaxError as error:
        _emit("syntax-error", line=error.lineno or 0, column=error.offset or 0, text=str(error.msg))
        _print_traceback(error)
        status = 1
    except SystemExit as exit:
        status = _exit_status(exit.code)
    except BaseException as error:
        _print_traceback(error)
        status = 1
    _join_threads()
    _end_processes()
    _lock_waits.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    _emit("lane-end")
    _emit("exit", status=status)
