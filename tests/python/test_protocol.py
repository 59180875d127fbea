"""Protocols written in Python: run by the simulation, checked like C++ ones."""
import pytest

import distlab
from distlab.examples import pbkv


def pbkv_scenario(**kw):
    d = {
        "scenario": {"title": "pbkv", "seed": kw.get("seed", 7), "duration_s": 3},
        "network": {"latency_us": 200},
        "model": {"name": "pbkv", "backups": 2, **kw.get("model", {})},
        "workload": [{"clients": 8, "think_time_ms": 1, "mix": {"read": 0.8, "write": 0.2},
                      "keys": {"count": kw.get("keys", 20)}, "timeout_ms": 200}],
        "fault": [{"kind": "delay", "distribution": "uniform", "min_ms": 0, "max_ms": 20,
                   "at_s": 1},
                  {"kind": "loss", "probability": 0.01, "at_s": 1, "until_s": 2}],
        "check": {"linearizable": True},
    }
    return d


def test_python_primary_backup_is_linearizable_under_delay_and_loss():
    r = distlab.run(pbkv_scenario(), models=[pbkv])
    assert r.passed, r.text
    assert r.summary["ok"] > 1000
    assert r.checks["linearizable"]["verdict"] == "linearizable"
    assert set(r.metrics["node"][:3]) == {"primary", "backup1", "backup2"}


def test_reads_at_backups_are_caught():
    for seed in (1, 2, 3):  # one hot key, delays: a backup answers an older value
        d = pbkv_scenario(model={"variant": "backup-reads"}, keys=1, seed=seed)
        d["fault"] = d["fault"][:1]
        r = distlab.run(d, models=[pbkv])
        assert not r.passed, seed
        assert r.checks["linearizable"]["verdict"] == "not linearizable"


def test_python_protocols_are_deterministic(tmp_path):
    a = distlab.run(pbkv_scenario(), models=[pbkv], out=tmp_path / "a", trace=True)
    b = distlab.run(pbkv_scenario(), models=[pbkv], out=tmp_path / "b", trace=True)
    for f in ("results.json", "history.csv", "trace.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    c = distlab.run(pbkv_scenario(seed=8), models=[pbkv])
    assert not c.history.equals(a.history)


class Echo(distlab.Protocol):
    def on_start(self, ctx):
        self.seen = 0

    def on_message(self, ctx, src, msg):
        self.seen += 1
        ctx.count("echo.requests")
        ctx.reply(src, msg, value=msg.value if msg.kind == "write" else self.seen)


SMALL = {
    "scenario": {"duration_s": 1},
    "model": {"name": "echo"},
    "workload": [{"clients": 2, "think_time_ms": 10}],
}


def test_a_student_protocol_in_a_few_lines():
    r = distlab.run(SMALL, models=[distlab.Model("echo", Echo, nodes=["server"])])
    assert r.summary["ok"] > 100
    server = r.results["nodes"][0]
    assert server["name"] == "server"
    assert server["metrics"]["echo.requests"] == r.summary["ok"]


class Boom(distlab.Protocol):
    def on_message(self, ctx, src, msg):
        if ctx.now() > distlab.ms(300):
            raise KeyError("no such key")
        ctx.reply(src, msg)


def test_an_exception_in_a_handler_names_node_time_and_traceback():
    with pytest.raises(distlab.ProtocolError) as e:
        distlab.run(SMALL, models=[distlab.Model("echo", Boom, nodes=["server"])])
    msg = str(e.value)
    assert "server.on_message raised at 0.3" in msg
    assert "KeyError: 'no such key'" in msg and "test_protocol.py" in msg


class Keeper(distlab.Protocol):
    kept = None

    def on_message(self, ctx, src, msg):
        if self.node == 0:
            Keeper.kept = ctx
        elif Keeper.kept is not None:
            Keeper.kept.now()  # node 0's ctx, outside node 0's handler: refused, not a crash
        ctx.reply(src, msg)


def test_a_context_kept_after_its_handler_is_refused():
    m = distlab.Model("echo", Keeper, nodes=2, route=lambda req, last: req.op_id % 2)
    with pytest.raises(distlab.ProtocolError, match="has returned"):
        distlab.run(SMALL, models=[m])


class Timers(distlab.Protocol):
    def on_start(self, ctx):
        self.n = 0
        self.t = ctx.set_timer(distlab.ms(10))
        ctx.storage.put("started", "yes")

    def on_timer(self, ctx, timer_id):
        assert timer_id == self.t
        self.n += 1
        self.t = ctx.set_timer(distlab.ms(10))
        ctx.count("ticks")

    def on_message(self, ctx, src, msg):
        ctx.reply(src, msg, value=self.n)


def test_timers_options_and_unknown_options():
    m = distlab.Model("echo", Timers, nodes=2, options={"fanout": 3})
    r = distlab.run({**SMALL, "model": {"name": "echo", "fanout": 5}}, models=[m])
    ticks = [n["metrics"]["ticks"] for n in r.results["nodes"][:2]]
    assert ticks == [100, 100] or ticks == [99, 99] or min(ticks) >= 99
    assert [n["name"] for n in r.results["nodes"][:2]] == ["echo0", "echo1"]
    with pytest.raises(distlab.ScenarioError, match="model.fanot"):
        distlab.run({**SMALL, "model": {"name": "echo", "fanot": 5}}, models=[m])
    with pytest.raises(distlab.ScenarioError, match="model.fanout"):
        distlab.run({**SMALL, "model": {"name": "echo", "fanout": "x"}}, models=[m])
