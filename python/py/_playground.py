"""The playground's harness around a learner's program (never shown to the learner).

The page runs `python -c "import _playground; _playground.main()"`. This module reports what
the program does as JSON lines on file descriptor 3 (the page stamps each with the clock all
workers share, so the timeline lines up): a lane per thread, each printed line on the lane of
the thread that printed it, and the time spent in time.sleep, Thread.join and waiting for a
threading.Lock. Then it runs the learner's source (the first argument) as `__main__`, named
main.py in tracebacks, as `python main.py` would.
"""

import json
import os
import sys
import threading
import time

EVENTS_FD = 3
MAX_LINES = 10_000

_write_event = os.write
_real_sleep = time.sleep
_monotonic = time.monotonic


def _emit(kind, **fields):
    fields["kind"] = kind
    fields.setdefault("lane", threading.current_thread().name)
    _write_event(EVENTS_FD, (json.dumps(fields) + "\n").encode())


class _Span:
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
        lane = threading.current_thread().name
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
    with _Span("sleep", f"time.sleep({seconds:g})"):
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
        with _Span("join", f"{self.name}.join()"):
            return join(self, timeout)

    threading.Thread.run = traced_run
    threading.Thread.join = traced_join
    threading.Lock = _Lock


_real_allocate_lock = threading._allocate_lock


def _install_event_loop():
    """asyncio's own loop wakes through a socket pair, which does not exist here: a loop whose
    selector only waits for the next timer (there are no file descriptors to watch)."""
    import asyncio
    import selectors
    import signal

    for name, value in (("SIGINT", 2), ("getsignal", lambda _: None), ("default_int_handler", None)):
        if not hasattr(signal, name):
            setattr(signal, name, value)

    class TimerSelector(selectors.BaseSelector):
        def __init__(self):
            self._map = {}

        def register(self, fileobj, events, data=None):
            raise NotImplementedError("no file descriptors in a browser")

        def unregister(self, fileobj):
            raise KeyError(fileobj)

        def select(self, timeout=None):
            if timeout is None:
                raise RuntimeError("the event loop has nothing to wait for")
            if timeout > 0:
                _real_sleep(timeout)
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
            pass

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


def main():
    """Runs the program given as the first argument (its source) as `python main.py` would."""
    source = sys.argv[1]
    sys.argv = ["main.py"]
    sys.stdout = _Printed("stdout")
    sys.stderr = _Printed("stderr")
    time.sleep = _sleep
    _instrument_threads()
    _install_event_loop()
    _emit("lane-start", what="main thread")
    status = 0
    try:
        code = compile(source, "main.py", "exec")
        module = type(sys)("__main__")
        module.__file__ = "main.py"
        sys.modules["__main__"] = module
        exec(code, module.__dict__)
    except SyntaxError as error:
        _emit("syntax-error", line=error.lineno or 0, column=error.offset or 0, text=str(error.msg))
        _print_traceback(error)
        status = 1
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else 0
    except BaseException as error:
        _print_traceback(error)
        status = 1
    _join_threads()
    _lock_waits.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    _emit("lane-end")
    _emit("exit", status=status)
