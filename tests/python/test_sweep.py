"""distlab.sweep: the grid times the seeds, in parallel, cached, and on Dask."""
import time

import distlab

GRID = {"workload[0].clients": [1, 4]}
BASE = {"scenario.duration_s": 1}


def sweep(**kw):
    return distlab.sweep("scenarios/kv/single.toml", grid={**GRID, **kw.pop("grid", {})},
                         seeds=kw.pop("seeds", [1, 2]), progress=False, **kw)


def test_a_sweep_gives_one_row_per_run_matching_single_runs(cache):
    df = distlab.sweep("scenarios/kv/single.toml",
                       grid={"workload[0].clients": [1, 4], "scenario.duration_s": [1]},
                       seeds=[1, 2], progress=False)
    assert list(df["workload[0].clients"]) == [1, 1, 4, 4]
    assert list(df["seed"]) == [1, 2, 1, 2]
    assert df["passed"].all()
    one = distlab.run("scenarios/kv/single.toml", seed=2,
                      overrides={"workload[0].clients": 4, "scenario.duration_s": 1})
    row = df[(df["workload[0].clients"] == 4) & (df["seed"] == 2)].iloc[0]
    assert row["ok"] == one.summary["ok"]
    assert row["latency_ms.p99"] == one.summary["latency_ms"]["p99"]
    assert df.loc[2, "throughput_ops_per_s"] > 3 * df.loc[0, "throughput_ops_per_s"]


def test_a_second_sweep_comes_from_the_cache(cache):
    grid = {"workload[0].clients": [1, 4], "scenario.duration_s": [1]}
    a = distlab.sweep("scenarios/kv/single.toml", grid=grid, seeds=[1, 2], progress=False)
    files = sorted(cache.glob("*.json"))
    assert len(files) == 4
    t = time.perf_counter()
    b = distlab.sweep("scenarios/kv/single.toml", grid=grid, seeds=[1, 2], progress=False)
    assert time.perf_counter() - t < 0.5  # no simulation ran
    assert a.equals(b)
    c = distlab.sweep("scenarios/kv/single.toml", grid=grid, seeds=[1, 2], progress=False,
                      cache=False)
    assert a.equals(c)


def test_a_sweep_runs_on_a_dask_local_cluster(cache):
    from dask.distributed import Client, LocalCluster

    grid = {"workload[0].clients": [1, 4], "scenario.duration_s": [1]}
    local = distlab.sweep("scenarios/kv/single.toml", grid=grid, seeds=[1, 2], progress=False,
                          cache=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        df = distlab.sweep("scenarios/kv/single.toml", grid=grid, seeds=[1, 2],
                           progress=False, executor=client, cache=False)
        pids = client.run(lambda: __import__("os").getpid())
    assert len(set(pids.values())) == 2  # two worker processes
    assert df.equals(local)


def test_python_models_sweep_too(cache):
    from distlab.examples import pbkv

    d = {"scenario": {"duration_s": 1}, "model": {"name": "pbkv"},
         "workload": [{"clients": 4, "think_time_ms": 1}], "check": {"linearizable": True}}
    df = distlab.sweep(d, grid={"model.backups": [0, 2]}, seeds=[1], models=[pbkv],
                       progress=False)
    assert df["passed"].all() and len(df) == 2
    assert df.loc[0, "throughput_ops_per_s"] > df.loc[1, "throughput_ops_per_s"]
