"""distlab: a deterministic distributed-systems simulator and teaching lab, from Python.

    import distlab
    r = distlab.run("scenarios/kv/primary_backup.toml", seed=7)
    r.summary["throughput_ops_per_s"], r.checks, r.history.head()

    df = distlab.sweep("scenarios/kv/single.toml",
                       grid={"workload[0].clients": [1, 10, 100]}, seeds=range(1, 4))

Every run happens in a fresh child process (SimGrid allows one simulation per process), so
the same scenario and seed give the same results as the ``distlab`` command line, byte for byte.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

from . import _core
from ._core import ClientReply, ClientRequest, Context, ProtocolError, ScenarioError
from ._sweep import sweep
from .protocol import Model, Protocol
from .result import Result

__version__ = _core.version
__all__ = [
    "run", "validate", "sweep", "models", "Result", "Protocol", "Model", "ScenarioError",
    "ProtocolError", "ClientRequest", "ClientReply", "Context", "ns", "us", "ms", "s",
]


def ns(v: float) -> int:
    """Simulated time is integer nanoseconds: ``ctx.set_timer(distlab.ms(50))``."""
    return int(round(v))


def us(v: float) -> int:
    return int(round(v * 1_000))


def ms(v: float) -> int:
    return int(round(v * 1_000_000))


def s(v: float) -> int:
    return int(round(v * 1_000_000_000))


def run(scenario: Any, seed: int | None = None, overrides: Mapping[str, Any] | None = None,
        trace: bool = False, models: Sequence[Model] = (), out: str | os.PathLike | None = None
        ) -> Result:
    """Run a scenario (a path, a TOML string or a dict) once and return its Result.

    - ``seed`` overrides the scenario's seed; ``overrides`` sets keys as ``--set`` does, e.g.
      ``{"network.latency_us": 500, "fault[0].at_s": 3}``;
    - ``trace=True`` records every event (``Result.trace``);
    - ``models``: Python models (``distlab.Model``) the scenario may name;
    - ``out``: keep the output files in this directory (default: a temporary one).

    Raises ScenarioError (bad input: the message names file, line and key, as the CLI does) and
    ProtocolError (a Python handler raised: node, clock and traceback).
    """
    from ._scenario import load

    text, name = load(scenario)
    return _run_text(text, name, seed, overrides, trace, models, out)


def _run_text(text: str, name: str, seed: int | None, overrides: Mapping[str, Any] | None,
              trace: bool, models: Sequence[Model], out: str | os.PathLike | None) -> Result:
    from . import _child
    from ._scenario import overrides_list

    seed = _seed(seed)
    if models:
        _warn_hash_seed()
    if out is None:
        out_dir, keep = Path(tempfile.mkdtemp(prefix="distlab-")), False
    else:
        out_dir, keep = Path(out), True
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        status = _child.run(text, name, overrides_list(overrides), seed, str(out_dir), trace,
                            list(models))
        if not status["ok"]:
            _raise(status)
    except BaseException:  # an error, or Ctrl-C: a temporary directory goes
        if not keep:
            import shutil
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return Result(out_dir, status, keep, traced=trace)


def _seed(seed: Any) -> int | None:
    """A seed as the simulator takes it: None or an integer in [0, 2**64) (numpy's too)."""
    if seed is None:
        return None
    import operator

    try:
        v = operator.index(seed)
    except TypeError:
        raise ScenarioError(f"seed: must be a non-negative integer, not {seed!r}") from None
    if not 0 <= v < 2**64:
        raise ScenarioError(f"seed: must be between 0 and 2**64 - 1, not {v}")
    return v


_hash_warned = False


def _warn_hash_seed() -> None:
    """Python protocols that iterate sets or dicts keyed by strings depend on the process's
    hash seed: the same seed gives the same run only within one Python process unless
    PYTHONHASHSEED is fixed. Said once per process."""
    global _hash_warned
    import sys

    if _hash_warned or not sys.flags.hash_randomization:
        return
    _hash_warned = True
    import warnings

    warnings.warn("Python protocols: iteration over sets (and str-keyed hashing) depends on "
                  "this process's hash seed; for runs identical across processes (kernels, "
                  "Dask workers), start Python with PYTHONHASHSEED=0, and iterate sorted() sets",
                  RuntimeWarning, stacklevel=3)


def validate(scenario: Any, overrides: Mapping[str, Any] | None = None,
             models: Sequence[Model] = ()) -> int:
    """Check a scenario without running it (raises ScenarioError); returns its seed."""
    from ._scenario import load, overrides_list

    from . import _child

    text, name = load(scenario)
    status = _child.validate(text, name, overrides_list(overrides), list(models))
    if not status["ok"]:
        _raise(status)
    return status["seed"]


def _raise(status: dict):
    kind, message = status["kind"], status["message"]
    if kind == "scenario":
        raise ScenarioError(message)
    if kind == "protocol":
        raise ProtocolError(message)
    raise RuntimeError("the simulation failed:\n" + message)


def models() -> list[tuple[str, str, list[str]]]:
    """The built-in models: (name, description, variants)."""
    return [tuple(m) for m in _core.models()]
