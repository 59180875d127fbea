"""One simulation in a fresh child process (SimGrid allows one engine per process).

The child is a fork of the caller, so protocol classes defined in a notebook cell are there
too. It runs the simulation, which writes its outputs into a directory, and sends a small JSON
status back through a pipe."""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
from typing import Any, Callable, Sequence


def run(text: str, name: str, overrides: Sequence[str], seed: int | None, out_dir: str,
        trace: bool, models: Sequence[Any]) -> dict:
    """Run a scenario; the status has the run's figures or the error's kind and message."""
    from . import _core

    return in_child(lambda: _core.run(text, name, list(overrides), seed, out_dir, trace,
                                      list(models)))


def validate(text: str, name: str, overrides: Sequence[str], models: Sequence[Any]) -> dict:
    """Check a scenario (building its model, which may call Python models) in a child, so the
    parent's registry never holds Python objects."""
    from . import _core

    return in_child(lambda: {"seed": _core.validate(text, name, list(overrides), list(models))})


_fork_lock = threading.Lock()


def in_child(fn: Callable[[], dict]) -> dict:
    """fn() in a forked child; its dict (JSON-able) or its error comes back as a status."""
    from . import _core

    sys.stdout.flush()
    sys.stderr.flush()
    # Pipe, fork and closing the write end together: a child forked by another thread
    # meanwhile would keep this write end open and hold this run's result back.
    with _fork_lock:
        r, w = os.pipe()
        pid = os.fork()
        if pid != 0:
            os.close(w)
    if pid == 0:  # the child: never returns
        os.close(r)
        try:
            payload = {"ok": True, **fn()}
        except _core.ScenarioError as e:
            payload = {"ok": False, "kind": "scenario", "message": str(e)}
        except _core.ProtocolError as e:
            payload = {"ok": False, "kind": "protocol", "message": str(e)}
        except BaseException:  # noqa: BLE001 - everything goes back to the parent
            payload = {"ok": False, "kind": "error", "message": traceback.format_exc()}
        try:
            data = json.dumps(payload).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    chunks = []
    reaped = False
    try:
        while True:
            b = os.read(r, 1 << 20)
            if not b:
                break
            chunks.append(b)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(r)
        if not reaped:  # interrupted (Ctrl-C): the simulation stops with it
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    data = b"".join(chunks)
    if not data:
        code = os.waitstatus_to_exitcode(status)
        how = f"signal {-code}" if code < 0 else f"exit code {code}"
        raise RuntimeError(f"the simulation process died ({how}) before it reported; "
                           "run the scenario with the distlab CLI to see its output")
    return json.loads(data)
