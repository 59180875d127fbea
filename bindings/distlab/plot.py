"""Plots of runs, with matplotlib.

    from distlab import plot
    plot.latency_cdf(r)                       # or a dict {"label": result, ...} to compare
    plot.throughput(r)                        # per simulated second, fault windows shaded
    plot.spacetime(r, until_s=0.01)           # a Lamport diagram of a traced run (trace=True)

Each function draws into ``ax`` (a new figure if None) and returns the Axes.
"""
from __future__ import annotations

from typing import Any, Mapping

# Faults that happen at one time (drawn as a line); the others have a window (a band, to the
# end of the run when they never end: a crash without restart, a disk that fails for good).
_INSTANT = {"restart", "heal", "join", "leave", "clock_step", "clock_drift"}

_FAULT_COLORS = {
    "crash": "tab:red", "pause": "tab:orange", "partition": "tab:purple", "loss": "tab:brown",
    "duplicate": "tab:pink", "delay": "tab:olive", "disk_slow": "tab:gray",
    "disk_fail": "black",
}


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 3.5))
    return ax


def _results(results) -> Mapping[str, Any]:
    if isinstance(results, Mapping):
        return results
    if isinstance(results, (list, tuple)):
        return {f"seed {r.seed}": r for r in results}
    return {f"seed {results.seed}": results}


def latency_cdf(results, kind: str | None = None, ax=None, log: bool = True):
    """The fraction of operations answered within x ms, from each run's history (ok only).
    ``kind``: "read" or "write" to plot one kind of operation."""
    import numpy as np

    ax = _axes(ax)
    for label, r in _results(results).items():
        h = r.history
        h = h[h["outcome"] == "ok"]
        if kind is not None:
            h = h[h["kind"] == kind]
        lat = np.sort((h["complete_ns"] - h["invoke_ns"]).to_numpy() / 1e6)
        if len(lat) == 0:
            continue
        ax.plot(lat, np.arange(1, len(lat) + 1) / len(lat), label=label)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("fraction of operations")
    ax.set_ylim(0, 1.01)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def shade_faults(result, ax, end_s: float | None = None):
    """Shade each fault's window (crash to restart, partition to heal, ...) on ``ax``."""
    end = end_s if end_s is not None else result.results["sim"]["end_s"]
    seen = set()
    for f in result.results.get("faults", []):
        kind = f["kind"]
        instant = f["end_s"] is None and kind in _INSTANT
        stop = f["at_s"] if instant else (f["end_s"] if f["end_s"] is not None else end)
        who = ",".join(f.get("nodes", [])) or " | ".join(",".join(g) for g in f.get("groups", []))
        label = kind if kind not in seen else None
        seen.add(kind)
        color = _FAULT_COLORS.get(kind, "tab:gray")
        if stop > f["at_s"]:
            ax.axvspan(f["at_s"], stop, color=color, alpha=0.15, label=label)
        else:
            ax.axvline(f["at_s"], color=color, alpha=0.6, label=label)
        if who:
            ax.annotate(who, (f["at_s"], 1.0), xycoords=("data", "axes fraction"),
                        fontsize=7, va="top", rotation=90, color=color)
    return ax


def throughput(result, ax=None, faults: bool = True):
    """Operations answered per simulated second (ok, and fail/unknown if any), with the
    scenario's fault windows shaded."""
    ax = _axes(ax)
    ts = result.timeseries
    ax.step(ts["t_s"], ts["ok"] / _bucket_s(ts), where="post", label="ok")
    for col, style in (("fail", "--"), ("unknown", ":")):
        if ts[col].sum() > 0:
            ax.step(ts["t_s"], ts[col] / _bucket_s(ts), where="post", linestyle=style, label=col)
    if faults:
        shade_faults(result, ax, end_s=result.results["scenario"]["duration_s"])
    ax.set_xlim(0, result.results["scenario"]["duration_s"])  # the drain has no new load
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("operations / s")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def _bucket_s(ts) -> float:
    return float(ts["t_s"].iloc[1] - ts["t_s"].iloc[0]) if len(ts) > 1 else 1.0


def spacetime(result, since_s: float = 0.0, until_s: float | None = None,
              nodes: list[str] | None = None, max_messages: int = 400, ax=None):
    """A space-time (Lamport) diagram of a traced run: one vertical line per node, time
    downwards, an arrow per delivered message from its send to its delivery (dropped messages
    end in a cross). ``nodes`` picks and orders the lines (default: every node in the window)."""
    tr = result.trace
    if tr is None:
        raise ValueError("spacetime needs a traced run: distlab.run(..., trace=True)")
    ax = _axes(ax)
    t = tr["t_ns"] / 1e9
    window = (t >= since_s) & ((t <= until_s) if until_s is not None else True)
    msg = tr[window & tr["ev"].isin(["send", "deliver", "drop"])]
    sends = msg[msg["ev"] == "send"].drop_duplicates("id").set_index("id")
    ends = msg[msg["ev"].isin(["deliver", "drop"])].drop_duplicates("id").set_index("id")
    pairs = sends.join(ends, rsuffix="_end", how="inner").head(max_messages)
    if nodes is None:  # servers in id order, then clients, as results.json lists them
        present = set(pairs["from"]) | set(pairs["to"])
        nodes = [n["name"] for n in result.results["nodes"] if n["name"] in present]
    x = {n: i for i, n in enumerate(nodes)}
    for n, i in x.items():
        ax.axvline(i, color="0.8", lw=1)
    for _, p in pairs.iterrows():
        if p["from"] not in x or p["to"] not in x:
            continue
        t0, t1 = p["t_ns"] / 1e6, p["t_ns_end"] / 1e6
        x0, x1 = x[p["from"]], x[p["to"]]
        dropped = p["ev_end"] == "drop"
        ax.annotate("", xy=(x1, t1), xytext=(x0, t0),
                    arrowprops=dict(arrowstyle="-|>", lw=0.8,
                                    color="tab:red" if dropped else "tab:blue",
                                    linestyle="--" if dropped else "-"))
        if dropped:
            ax.plot([x1], [t1], "x", color="tab:red")
        if len(pairs) <= 40:
            ax.text((x0 + x1) / 2, (t0 + t1) / 2, str(p["msg"]), fontsize=6, ha="center")
    ax.set_xticks(range(len(nodes)), nodes, rotation=45, fontsize=8)
    ax.invert_yaxis()
    ax.set_ylabel("simulated time (ms)")
    ax.set_title(f"{len(pairs)} messages", fontsize=9)
    return ax
