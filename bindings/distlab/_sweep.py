"""Parameter sweeps: a scenario over a grid of overrides and a list of seeds, in parallel.

    df = distlab.sweep("scenarios/kv/single.toml",
                       grid={"workload[0].clients": [1, 10, 100], "network.latency_us": [50, 500]},
                       seeds=range(1, 6))

One row per run: the grid's values, the seed, the summary's figures (flattened:
``latency_ms.p99``), ``passed`` (every checker said yes) and ``events``. Results are cached on
disk by (scenario text, overrides, seed, distlab version, Python models' code), so running the
same sweep again is instant. Locally the runs go to ``workers`` processes (default: one per
core); with ``executor=dask.distributed.Client(...)`` they go to a Dask cluster instead.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


def cache_dir() -> Path:
    d = os.environ.get("DISTLAB_CACHE")
    if d:
        return Path(d)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "distlab" / "sweep"


def _plain(x: Any) -> Any:
    """numpy scalars as Python values (for TOML overrides and the cache key)."""
    return x.item() if hasattr(x, "item") and hasattr(x, "dtype") else x


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def run_one(text: str, name: str, overrides: Mapping[str, Any], seed: int | None,
            models: Sequence[Any] = ()) -> dict[str, Any]:
    """One run of a sweep, as a row (what the local pool and Dask workers execute)."""
    from . import _child, _raise
    from ._scenario import overrides_list

    # No output files: a row needs only results.json's figures, which come back in memory.
    status = _child.run(text, name, overrides_list(overrides), seed, "", False, list(models))
    if not status["ok"]:
        _raise(status)
    results = json.loads(status["results_json"])
    row = {"seed": results["scenario"]["seed"], "passed": bool(status["checks_passed"]),
           "events": int(status["events"])}
    row.update(_flatten(results["summary"]))
    return row


_build_id: str | None = None


def build_id() -> str:
    """A hash of the simulator library itself: a rebuilt C++ model is a new cache key even
    when distlab's version number stays the same."""
    global _build_id
    if _build_id is None:
        from . import _core

        _build_id = hashlib.sha256(Path(_core.__file__).read_bytes()).hexdigest()
    return _build_id


def _key(text: str, overrides: Mapping[str, Any], seed: int | None,
         fingerprints: Sequence[str]) -> str:
    from . import __version__
    from ._scenario import toml_literal

    h = hashlib.sha256()
    h.update(json.dumps([text, sorted((k, toml_literal(v)) for k, v in overrides.items()), seed,
                         __version__, build_id(), list(fingerprints)]).encode())
    return h.hexdigest()


def sweep(scenario: Any, grid: Mapping[str, Iterable[Any]] | None = None,
          seeds: Iterable[int] | None = None, executor: Any = None, workers: int | None = None,
          cache: bool = True, progress: bool = True, models: Sequence[Any] = ()):
    """Run ``scenario`` for every combination of ``grid`` (keys as for ``overrides``) and every
    seed (default: the scenario's own seed); return one pandas DataFrame, one row per run, in
    grid-then-seed order. ``executor``: a ``dask.distributed.Client``."""
    import pandas as pd
    from tqdm import tqdm  # text: works in a terminal and in a notebook (stderr)

    from . import ScenarioError, _seed
    from ._scenario import load

    text, name = load(scenario)
    keys = list((grid or {}).keys())
    values = [[_plain(x) for x in v] for v in (grid or {}).values()]
    points = [dict(zip(keys, combo)) for combo in itertools.product(*values)] if keys else [{}]
    if seeds is None:
        seeds = [None]  # the scenario's seed (or the grid's scenario.seed)
    else:
        if "scenario.seed" in keys:
            raise ScenarioError("sweep: give the seeds either as seeds= or as a grid over "
                                "scenario.seed, not both")
        seeds = [_seed(s) for s in seeds]
    if models:
        from . import _warn_hash_seed

        _warn_hash_seed()
    fingerprints = [m.fingerprint() for m in models]
    tasks = [(p, s) for p in points for s in seeds]
    rows: list[dict | None] = [None] * len(tasks)
    cdir = cache_dir()
    todo = []
    for i, (p, s) in enumerate(tasks):
        f = cdir / (_key(text, p, s, fingerprints) + ".json")
        if cache and f.exists():
            rows[i] = json.loads(f.read_text())
        else:
            todo.append((i, f))
    bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), disable=not progress,
               desc="distlab sweep", unit="run")

    def done(i: int, f: Path, row: dict) -> None:
        rows[i] = row
        if cache:
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(row))
            tmp.replace(f)  # atomic: a half-written file is never read
        bar.update(1)

    pool = None
    try:
        if executor is not None:  # a dask.distributed.Client
            from dask.distributed import as_completed as completed

            def submit(*args):
                return executor.submit(run_one, *args, pure=False)
        elif todo:
            # Every run forks its own simulation process from this one (so Python models from
            # a notebook cell come along); the threads only wait. (A multiprocessing pool would
            # fork from smaller processes, but spawn/forkserver re-run a script's __main__,
            # which breaks scripts without a __main__ guard.)
            pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1)
            completed = as_completed

            def submit(*args):
                return pool.submit(run_one, *args)
        if todo:
            futures = {submit(text, name, tasks[i][0], tasks[i][1], models): (i, f)
                       for i, f in todo}
            for fut in completed(list(futures)):
                i, f = futures[fut]
                done(i, f, fut.result())
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)  # a failed run or Ctrl-C
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown()
        bar.close()
    out = []
    for (p, _), row in zip(tasks, rows):
        out.append({**p, **row})
    return pd.DataFrame(out)
