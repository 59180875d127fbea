"""Mistakes a student makes, and edges of the API: clear errors, no crashes, no stale results."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import distlab

SMALL = {
    "scenario": {"duration_s": 0.5},
    "model": {"name": "edge"},
    "workload": [{"clients": 2, "think_time_ms": 10}],
}


def run_with(protocol, **kw):
    return distlab.run(SMALL, models=[distlab.Model("edge", protocol, nodes=2, **kw)])


@pytest.mark.parametrize("misuse, message", [
    (lambda ctx: ctx.set_timer(-5), "cannot be negative"),
    (lambda ctx: ctx.send(99, "x"), "send: 99 is not a node id"),
    (lambda ctx: ctx.name_of(12345), "name_of: 12345 is not a node id"),
])
def test_misusing_ctx_is_a_protocol_error_not_a_dead_process(misuse, message):
    class P(distlab.Protocol):
        def on_start(self, ctx):
            misuse(ctx)

        def on_message(self, ctx, src, msg):
            ctx.reply(src, msg)

    with pytest.raises(distlab.ProtocolError, match=message):
        run_with(P)


class Mutator(distlab.Protocol):
    def on_start(self, ctx):
        self.state = {"x": 0}
        if self.node == 0:
            ctx.send(1, self.state)
            self.state["x"] = 42  # after the send: the receiver must not see it

    def on_message(self, ctx, src, msg):
        if isinstance(msg, dict):
            ctx.count(f"got{msg['x']}")
            msg["x"] = -1  # must not change the sender's state
            ctx.send(src, "check")
        elif msg == "check":
            ctx.count(f"sender_still{self.state['x']}")
        else:
            ctx.reply(src, msg)


def test_a_message_is_a_copy_not_the_senders_object():
    r = run_with(Mutator)
    assert r.results["nodes"][1]["metrics"] == {"got0": 1}
    assert r.results["nodes"][0]["metrics"] == {"sender_still42": 1}


class Echo(distlab.Protocol):
    def on_message(self, ctx, src, msg):
        ctx.reply(src, msg)


def test_a_bad_route_names_the_request():
    with pytest.raises(distlab.ProtocolError, match=r"route\(.*\) returned 'server'"):
        run_with(Echo, route=lambda req, last: "server")
    with pytest.raises(distlab.ProtocolError, match=r"route\(.*\) raised:(.|\n)*ZeroDivisionError"):
        run_with(Echo, route=lambda req, last: 1 // 0)

    class Broken(distlab.Protocol):
        def __init__(self):
            raise ValueError("no")

    with pytest.raises(distlab.ProtocolError, match="making the protocol object of edge0"):
        run_with(Broken)


def test_object_reprs_with_addresses_stay_out_of_traces(tmp_path):
    class Msg:  # no __repr__: object's would print its address
        pass

    class P(distlab.Protocol):
        def on_start(self, ctx):
            ctx.send(1 - self.node, Msg())

        def on_message(self, ctx, src, msg):
            if not isinstance(msg, Msg):
                ctx.reply(src, msg)

    a = distlab.run(SMALL, models=[distlab.Model("edge", P, nodes=2)], trace=True)
    assert "0x" not in "".join(a.trace["msg"].dropna())
    assert (a.trace["msg"] == "test_object_reprs_with_addresses_stay_out_of_traces.<locals>.Msg").any()


def test_the_cache_key_follows_the_code_a_protocol_uses():
    def model(src):
        ns = {"distlab": distlab, "__name__": "__main__"}
        exec(textwrap.dedent(src), ns)  # as a notebook cell defines it
        return distlab.Model("edge", ns["P"], nodes=1)

    base = """
        LIMIT = 1
        def answer(x):
            return x + LIMIT
        class P(distlab.Protocol):
            def on_message(self, ctx, src, msg):
                ctx.reply(src, msg, value=answer(1))
    """
    fp = model(base).fingerprint()
    assert model(base).fingerprint() == fp
    assert model(base.replace("LIMIT = 1", "LIMIT = 2")).fingerprint() != fp
    assert model(base.replace("x + LIMIT", "x - LIMIT")).fingerprint() != fp
    assert model(base.replace("value=answer(1)", "value=answer(2)")).fingerprint() != fp


def test_seeds_default_to_the_scenarios_and_numpy_values_work(cache):
    df = distlab.sweep("scenarios/kv/single.toml", grid={"scenario.duration_s": [0.2]},
                       progress=False)
    assert list(df["seed"]) == [42]
    df = distlab.sweep("scenarios/kv/single.toml",
                       grid={"scenario.duration_s": [0.2], "workload[0].clients": np.arange(1, 3)},
                       seeds=np.arange(1, 3), progress=False)
    assert list(df["seed"]) == [1, 2, 1, 2] and df["passed"].all()
    assert distlab.run("scenarios/kv/single.toml", seed=np.int64(3),
                       overrides={"scenario.duration_s": 0.2}).seed == 3
    with pytest.raises(distlab.ScenarioError, match="between 0 and 2"):
        distlab.run("scenarios/kv/single.toml", seed=2**64)
    with pytest.raises(distlab.ScenarioError, match="not both"):
        distlab.sweep("scenarios/kv/single.toml", grid={"scenario.seed": [1]}, seeds=[1])


def test_a_sweep_from_a_script_without_a_main_guard(tmp_path, repo):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(f"""
        import distlab
        print("body runs")
        df = distlab.sweep({str(repo / "scenarios/kv/single.toml")!r},
                           grid={{"scenario.duration_s": [0.2]}}, seeds=[1, 2], workers=2,
                           cache=False, progress=False)
        print(len(df), bool(df["passed"].all()))
    """))
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split("\n")[:2] == ["body runs", "2 True"]


def test_an_old_trace_in_a_reused_directory_is_not_returned(tmp_path):
    distlab.run("scenarios/kv/single.toml", trace=True, out=tmp_path,
                overrides={"scenario.duration_s": 0.1})
    b = distlab.run("scenarios/kv/single.toml", out=tmp_path, overrides={"scenario.duration_s": 0.1})
    assert b.trace is None


def test_bad_option_defaults_are_refused():
    with pytest.raises(TypeError, match="option 'peers'"):
        distlab.Model("edge", Echo, options={"peers": [1, 2]})
