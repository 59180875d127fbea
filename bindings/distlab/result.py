"""The outcome of one run: the summary and checks as dicts, the tables as pandas DataFrames."""
from __future__ import annotations

import json
import shutil
import weakref
from functools import cached_property
from pathlib import Path
from typing import Any


class Result:
    """One run's results, read from the files the simulation wrote (loaded when first used).

    - ``summary``: operations, throughput, latency percentiles (``results.json``'s summary)
    - ``checks``: each checker's verdict; ``passed``: every checker (and the model's own) said yes
    - ``metrics``: per-node counters (one row per node, ``nodes.csv``)
    - ``timeseries``: one row per simulated second (``timeseries.csv``)
    - ``history``: every client operation (``history.csv``)
    - ``trace``: every event, when run with ``trace=True`` (``trace.jsonl``), else None
    - ``results``: the whole ``results.json``; ``text``: the CLI's summary table
    """

    def __init__(self, out_dir: Path, status: dict, keep: bool, traced: bool = False):
        self.traced = traced
        self.out_dir = Path(out_dir)
        self.results: dict[str, Any] = json.loads(status["results_json"])
        self.seed: int = self.results["scenario"]["seed"]  # the scenario's, or the one given
        self.text: str = status["summary"]
        self.passed: bool = bool(status["checks_passed"])
        self.events: int = int(status["events"])
        if not keep:  # a temporary directory: it goes with the Result
            self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.out_dir), True)

    @property
    def summary(self) -> dict:
        return self.results["summary"]

    @property
    def checks(self) -> dict:
        return self.results.get("checks", {})

    @property
    def counters(self) -> dict:
        return self.results.get("counters", {})

    @property
    def model(self) -> dict:
        """The model's own report (``results.json``'s "model"), if it has one."""
        return self.results.get("model", {})

    @cached_property
    def metrics(self):
        return self._csv("nodes.csv")

    @cached_property
    def timeseries(self):
        return self._csv("timeseries.csv")

    @cached_property
    def history(self):
        return self._csv("history.csv")

    @cached_property
    def trace(self):
        import pandas as pd

        p = self.out_dir / "trace.jsonl"
        if not self.traced or not p.exists():  # (an old trace in a reused `out` is not ours)
            return None
        return pd.read_json(p, lines=True, dtype=False)

    def _csv(self, name: str):
        import pandas as pd

        return pd.read_csv(self.out_dir / name)

    def __repr__(self) -> str:
        s = self.summary
        return (f"<distlab.Result seed={self.seed} ok={s.get('ok')} "
                f"throughput={s.get('throughput_ops_per_s')} ops/s passed={self.passed}>")

    def _repr_pretty_(self, p, cycle):  # IPython shows the CLI's table
        p.text(self.text)
