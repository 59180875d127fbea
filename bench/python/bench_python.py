"""The Python package's costs, each against a baseline measured in the same run:

1. distlab.run over the CLI, same scenario, same outputs written (target: at most 150 ms more);
2. a sweep of short runs with 1 and 2 workers: runs per minute and the ratio (both cores used?);
3. protocol handlers in Python against the same protocol in C++ (examples.pbkv against the
   kv model's primary-backup, durable = false): handler calls per wall second and the ratio.

    PYTHONPATH=build/python /usr/bin/python3 bench/python/bench_python.py [--quick]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import distlab
from distlab.examples import pbkv

ROOT = Path(__file__).resolve().parents[2]
SHORT = {"scenario.duration_s": 0.05, "scenario.drain_s": 0.01}


def cli_path() -> str:
    return os.environ.get("DISTLAB_CLI") or str(ROOT / "build/sim/cli/distlab")


def overhead(n: int) -> None:
    scenario = str(ROOT / "scenarios/kv/single.toml")
    sets = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]
    cli, py = [], []
    for _ in range(n):
        d = tempfile.mkdtemp()
        t = time.perf_counter()
        subprocess.run([cli_path(), "run", scenario, "--out", d, "--quiet", *sets], check=True,
                       capture_output=True)
        cli.append(time.perf_counter() - t)
        shutil.rmtree(d)
        t = time.perf_counter()
        r = distlab.run(scenario, overrides=SHORT)
        r.summary  # noqa: B018 - what a user reads first
        py.append(time.perf_counter() - t)
    c, p = statistics.median(cli) * 1e3, statistics.median(py) * 1e3
    print(f"run overhead: CLI {c:.1f} ms, distlab.run {p:.1f} ms (medians of {n}): "
          f"{p - c:+.1f} ms per run (target: at most +150 ms)")


def sweep_rate(runs: int) -> None:
    rates = {}
    for workers in (1, 2):
        t = time.perf_counter()
        df = distlab.sweep(ROOT / "scenarios/kv/single.toml",
                           grid={"scenario.duration_s": [0.2]}, seeds=range(1, runs + 1),
                           workers=workers, cache=False, progress=False)
        assert len(df) == runs and df["passed"].all()
        rates[workers] = runs / (time.perf_counter() - t) * 60
    # Baseline: the same runs as CLI processes, 1 and 2 at a time (what the machine gives).
    from concurrent.futures import ThreadPoolExecutor

    cli_rates = {}
    for par in (1, 2):
        def one(seed):
            subprocess.run([cli_path(), "run", str(ROOT / "scenarios/kv/single.toml"), "--quiet",
                            "--seed", str(seed), "--set", "scenario.duration_s=0.2"],
                           check=True, capture_output=True)
        t = time.perf_counter()
        with ThreadPoolExecutor(par) as pool:
            list(pool.map(one, range(1, runs + 1)))
        cli_rates[par] = runs / (time.perf_counter() - t) * 60
    print(f"sweep of {runs} short runs: {rates[1]:.0f} runs/min with 1 worker, "
          f"{rates[2]:.0f} with 2 ({rates[2] / rates[1]:.2f}x; {os.cpu_count()} cores); the same "
          f"runs as CLI processes: {cli_rates[1]:.0f} and {cli_rates[2]:.0f} runs/min "
          f"({cli_rates[2] / cli_rates[1]:.2f}x)")


def handlers(duration: float) -> None:
    base = {
        "scenario": {"seed": 1, "duration_s": duration},
        "network": {"latency_us": 200},
        "model": {"name": "kv", "variant": "primary-backup", "backups": 2, "durable": False},
        "workload": [{"clients": 8, "think_time_ms": 1, "mix": {"read": 0.5, "write": 0.5},
                      "keys": {"count": 20}}],
    }

    def measure(scenario, models=()):
        t = time.perf_counter()
        r = distlab.run(scenario, models=models)
        wall = time.perf_counter() - t
        servers = [n for n in r.results["nodes"] if n["role"] != "client"]
        calls = sum(n["delivered"] for n in servers)
        return calls, wall, r.summary["ok"]

    c_calls, c_wall, c_ok = measure(base)
    py = {**base, "model": {"name": "pbkv", "backups": 2}}
    p_calls, p_wall, p_ok = measure(py, [pbkv])
    c_rate, p_rate = c_calls / c_wall, p_calls / p_wall
    print(f"handlers: C++ primary-backup {c_calls} handler calls in {c_wall:.2f} s = "
          f"{c_rate:,.0f}/s ({c_ok} ops); Python {p_calls} in {p_wall:.2f} s = {p_rate:,.0f}/s "
          f"({p_ok} ops): Python at {p_rate / c_rate:.2f}x C++'s rate")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a smoke test: few, short runs")
    a = ap.parse_args()
    overhead(3 if a.quick else 20)
    sweep_rate(10 if a.quick else 200)
    handlers(1.0 if a.quick else 10.0)
